"""The proficiency scale's words (DESIGN §1): what imports accept for each level."""

from __future__ import annotations

import re

LEVEL_NAMES = ("None", "Awareness", "Working", "Practitioner", "Expert")

LEVEL_SYNONYMS: dict[str, int] = {
    **{name.lower(): level for level, name in enumerate(LEVEL_NAMES)},
    **{str(level): level for level in range(5)},
    "": 0,
    "-": 0,
    "n/a": 0,
    "na": 0,
    "n a": 0,
    "basic": 1,
    "beginner": 1,
    "intermediate": 2,
    "competent": 2,
    "advanced": 3,
    "proficient": 3,
    "skilled": 3,
    "expert": 4,
    "lead": 4,
    "specialist": 4,
    "master": 4,
}


def parse_level(cell: object) -> int | None:
    """The level a spreadsheet cell means, or ``None`` when it means none of them.

    Accepts the names, the numbers 0–4 (also ``3.0`` as spreadsheets store them), the synonyms,
    and blank, ``-`` or ``n/a`` for 0.
    """
    if cell is None:
        return 0
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return int(cell) if float(cell).is_integer() and 0 <= cell <= 4 else None
    text = str(cell).strip().lower()
    if text in LEVEL_SYNONYMS:
        return LEVEL_SYNONYMS[text]
    try:
        number = float(text)
    except ValueError:
        return _numbered(text)
    return int(number) if number.is_integer() and 0 <= number <= 4 else None


_NUMBER_AND_WORD = re.compile(r"^([0-4])\s*[-–:.)]?\s*([a-z/ ]+)$|^([a-z/ ]+?)\s*\(([0-4])\)$")


def _numbered(text: str) -> int | None:
    """``3 - Practitioner`` or ``Practitioner (3)``: both parts must agree."""
    found = _NUMBER_AND_WORD.match(text)
    if not found:
        return None
    number, word = (found[1], found[2]) if found[1] else (found[4], found[3])
    level = LEVEL_SYNONYMS.get(word.strip())
    return level if level == int(number) else None
