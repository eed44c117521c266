"""api.gc_tuning (issue 18's bench): while an app runs, the objects alive at its start-up are frozen
and the youngest generation is collected less often; its shutdown puts the collector back as it was
(each test starts and stops an app: a frozen app would otherwise never be collected)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.gc_tuning import YOUNG_THRESHOLD, CollectorTuning
from api.settings import Settings


@pytest.fixture
def collector_state() -> Iterator[tuple[int, int, int]]:
    """A known starting point (nothing frozen, the default thresholds), restored afterwards."""
    before = gc.get_threshold()
    gc.unfreeze()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)
    gc.unfreeze()


def test_start_freezes_and_raises_the_young_threshold_stop_restores(
    collector_state: tuple[int, int, int],
) -> None:
    tuning = CollectorTuning()
    alive = object.__new__(type("Alive", (), {}))  # a tracked object alive at start-up
    tuning.start()
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == (YOUNG_THRESHOLD, 10, 10)
    assert not any(found is alive for found in gc.get_objects())  # frozen: no collection walks it
    tuning.stop()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == collector_state
    assert any(found is alive for found in gc.get_objects())
    tuning.stop()  # a second stop (or one without a start) changes nothing
    assert gc.get_threshold() == collector_state


def test_a_higher_threshold_already_set_is_kept(collector_state: tuple[int, int, int]) -> None:
    gc.set_threshold(2 * YOUNG_THRESHOLD, 10, 10)
    tuning = CollectorTuning()
    tuning.start()
    assert gc.get_threshold() == (2 * YOUNG_THRESHOLD, 10, 10)
    tuning.stop()
    assert gc.get_threshold() == (2 * YOUNG_THRESHOLD, 10, 10)


def test_the_app_tunes_the_collector_while_it_runs(
    collector_state: tuple[int, int, int], settings: Settings
) -> None:
    with TestClient(app=create_app(settings)) as client:
        assert client.get("/v1/councils/E08000021").status_code == 200
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == collector_state
