"""Learning sets default to the edition most of the chosen councils' latest audits are on (issue 18)."""

from __future__ import annotations

import pytest

from api.recommendations.service import usual_edition


@pytest.mark.parametrize(
    ("editions", "chosen"),
    [
        ([], None),  # no audits: the newest published edition
        (["2026.1", "2026.1", "2026.2"], "2026.1"),  # most, not newest
        (["2026.1", "2026.2"], "2026.2"),  # a tie: the newest
        (["2026.9", "2026.10"], "2026.10"),  # compared as versions, not strings
    ],
)
def test_usual_edition(editions: list[str], chosen: str | None) -> None:
    assert usual_edition(editions) == chosen
