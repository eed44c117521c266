"""The re-check schedule of the in-memory copies (``api.refresh.Revalidation``, issue 14)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.refresh import Revalidation


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_due_at_first_then_once_per_interval_and_at_once_after_expiry() -> None:
    clock = Clock()
    schedule = Revalidation(1.0, clock)
    assert schedule.due
    schedule.start()
    assert not schedule.due
    clock.now += 0.99
    assert not schedule.due
    clock.now += 0.01
    assert schedule.due
    schedule.start()
    schedule.expire()  # a write of this worker committed
    assert schedule.due


@given(st.permutations(range(1, 6)))
def test_only_the_latest_started_check_that_finished_is_applied(finish_order: list[int]) -> None:
    """Checks may finish in any order; an answer is applied only when no later-started check's
    answer was applied before it, so the copy never goes back to an older read."""
    schedule = Revalidation(0.0, Clock())
    tickets = [schedule.start() for _ in range(5)]
    assert tickets == [1, 2, 3, 4, 5]
    applied: list[int] = [ticket for ticket in finish_order if schedule.newest(ticket)]
    assert applied == sorted(applied)
    assert applied[-1] == 5
    assert applied[0] == finish_order[0]
