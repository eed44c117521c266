"""Copies of the database held in worker memory, re-checked on a bounded schedule (issue 14).

Public reads (published framework editions, the council registry) change only when a national body
publishes or retires an edition, when the registry is seeded and when a council flips its sharing
switch. Each worker (``edskills serve --workers N``: processes that share nothing but the database)
keeps what those reads need in memory and asks the database whether it changed with one tiny
query, at most once every ``framework_refresh_seconds`` (default 1 s), on a small pool of its own.

- The worker that makes such a change re-checks at once: the change's session schedules it for
  right after its commit (``Revalidation.after_commit``), so the writer's next read shows it.
- Every other worker shows it within ``framework_refresh_seconds`` (plus one query's time).
- The request that finds the copy due claims the check and makes it; requests meanwhile keep
  serving the copy they have (only the very first load waits). If the check fails (the database is
  down), the copy in hand keeps being served and the next check is one interval later.

Why a pool of its own: a council-scoped request that holds a connection of the app's pool and then
waited for a second one from that pool could deadlock under load (``api.ratelimit`` explains).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import msgspec
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

from api.db.engine import create_engine, engine_options

if TYPE_CHECKING:
    from api.settings import Settings


def reader_engine(settings: Settings) -> AsyncEngine:
    """The in-memory copies' own small pool. On PostgreSQL in autocommit: each check is one
    read-only statement, so no BEGIN and ROLLBACK round trips."""
    small = msgspec.structs.replace(settings, db_pool_size=2)
    if small.is_sqlite:
        return create_engine(small)
    return create_async_engine(
        small.database_url, isolation_level="AUTOCOMMIT", hide_parameters=True, **engine_options(small)
    )


class Revalidation:
    """When a worker's copy must next be checked, and which check's answer is the newest.

    A check takes a ticket when it starts; its answer is applied only if no later-started check
    has applied one already. So a slow check that read the database before a commit can never
    overwrite the answer of a check that started after the commit.
    """

    def __init__(self, interval_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval_seconds = interval_seconds
        self._clock = clock
        self._next_check = -math.inf
        self._tickets_issued = 0
        self._ticket_applied = 0

    @property
    def due(self) -> bool:
        return self._clock() >= self._next_check

    def start(self) -> int:
        """Claim the check (others keep serving the copy until the next interval) and take a ticket."""
        self._next_check = self._clock() + self.interval_seconds
        self._tickets_issued += 1
        return self._tickets_issued

    def newest(self, ticket: int) -> bool:
        """Whether the answer of check ``ticket`` is the newest so far (then it is applied)."""
        if ticket <= self._ticket_applied:
            return False
        self._ticket_applied = ticket
        return True

    def expire(self) -> None:
        """The next read checks again, whatever the interval says."""
        self._next_check = -math.inf

    def after_commit(self, session: AsyncSession) -> None:
        """Expire the copy as soon as ``session`` commits (a write this worker is making)."""
        event.listen(session.sync_session, "after_commit", self._expire_on_commit, once=True)

    def _expire_on_commit(self, _session: object) -> None:
        self.expire()
