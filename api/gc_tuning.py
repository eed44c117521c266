"""Python's cyclic garbage collector, set for a long-running server (issue 18's bench).

A worker holds ~300,000 objects that live as long as it does (the imported modules, the app, its
routes and schemas, the in-memory framework and council registry). CPython 3.11 collects by
generations, and every full collection walks all of them: a request that builds many objects (the
sector view and the peer benchmark read 14,440 members at national scale) set off full collections
that cost 90-170 ms a request, 40-60 % of it (helper C's and helper P's profiles). Two settings,
while the app runs:

- ``gc.freeze()`` at start-up moves every object then alive into the permanent generation, which
  no collection walks again (the Python docs' ``gc.freeze``). It is O(1) (a list splice). No
  collection is forced first: it cost a worker 150 ms (and each test's app start) to find 21
  unreachable objects, which wait for ``stop``.
- The youngest generation is collected after ``YOUNG_THRESHOLD`` net allocations of container
  objects instead of 700: a request's 14,440 members no longer survive ~150 young collections into
  the older generations one slice at a time. Cycles still go, a little later.

Measured on the national bench's data (bench/RESULTS.md, issue 18): collection per benchmark request
92 -> 6 ms with both (the freeze alone left 14-24 ms; no collection at all, ~4 ms).

``stop`` puts both back, so an app started and stopped in a test (one per test) leaves the test
process as it found it and objects frozen meanwhile can be collected again.
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000
"""Container allocations (net of deallocations) between collections of the youngest generation."""


class CollectorTuning:
    """``start`` on the app's start-up, ``stop`` on its shutdown."""

    def __init__(self) -> None:
        self._previous: tuple[int, int, int] | None = None

    def start(self) -> None:
        self._previous = gc.get_threshold()
        gc.freeze()
        _, middle, oldest = self._previous
        gc.set_threshold(max(YOUNG_THRESHOLD, self._previous[0]), middle, oldest)

    def stop(self) -> None:
        if self._previous is not None:
            gc.set_threshold(*self._previous)
            self._previous = None
        gc.unfreeze()
