"""Level words of DESIGN §1 and the text normalisation the matcher relies on."""

from __future__ import annotations

import pytest

from taxonomy.levels import parse_level
from taxonomy.normalise import normalise


@pytest.mark.parametrize(
    ("cell", "level"),
    [
        (None, 0),
        ("", 0),
        ("-", 0),
        ("N/A", 0),
        ("none", 0),
        ("None", 0),
        ("Awareness", 1),
        ("basic", 1),
        ("Beginner", 1),
        (1, 1),
        ("1", 1),
        (1.0, 1),
        ("Working", 2),
        ("intermediate", 2),
        ("competent", 2),
        ("2.0", 2),
        ("Practitioner", 3),
        ("advanced", 3),
        ("Proficient", 3),
        ("skilled", 3),
        (3, 3),
        ("Expert", 4),
        ("lead", 4),
        ("Specialist", 4),
        ("master", 4),
        (" 4 ", 4),
        ("3 - Practitioner", 3),
        ("Working (2)", 2),
    ],
)
def test_accepted_level_words(cell: object, level: int) -> None:
    assert parse_level(cell) == level


@pytest.mark.parametrize("cell", [5, -1, 2.5, "five", "good", "3+", True, "expertise", "2 - Expert"])
def test_other_values_are_not_levels(cell: object) -> None:
    assert parse_level(cell) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("M&E", "m and e"),
        ("Monitoring & Evaluation", "monitoring and evaluation"),
        ("Labor-market analysis", "labour market analysis"),
        ("PROJECT MGMT.", "project management"),
        ("Organization  Development", "organisation development"),
        ("Café culture", "cafe culture"),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected
