"""The effective-level rule (DESIGN §1), in its one home ``api.analysis.levels``."""

from __future__ import annotations

from api.analysis.levels import effective_levels


def test_the_most_trusted_source_wins_whatever_the_order_or_level() -> None:
    held = [
        ("bid-writing", "self", 4),
        ("bid-writing", "verified", 1),
        ("bid-writing", "manager", 3),
        ("mapping", "self", 2),
        ("mapping", "manager", 0),
        ("careers-links", "self", 3),
    ]
    expected = {"bid-writing": 1, "careers-links": 3, "mapping": 0}
    assert effective_levels(held) == expected
    assert effective_levels(reversed(held)) == expected
    assert list(effective_levels(held)) == sorted(expected)
    assert effective_levels([]) == {}
