"""The carry-forward mapping (DESIGN §1 ``replaces``), on plain data."""

from __future__ import annotations

import pytest

from api.analysis.carry_forward import CarriedAssessment, Unmapped, carry_forward, step_mapping
from taxonomy.model import Skill


def skill(slug: str, *replaces: str) -> Skill:
    return Skill(slug=slug, label=slug, category="c", replaces=replaces)


def a(member: str, slug: str, level: int, source: str = "manager") -> CarriedAssessment:
    return CarriedAssessment(member=member, skill=slug, source=source, level=level)


@pytest.mark.parametrize(
    ("new_skills", "expected"),
    [
        ([skill("a"), skill("b")], {"a": ("a",), "b": ("b",)}),  # unchanged
        ([skill("a2", "a"), skill("b")], {"a": ("a2",), "b": ("b",)}),  # renamed
        ([skill("ab", "a", "b")], {"a": ("ab",), "b": ("ab",)}),  # merged into a new skill
        ([skill("a", "b")], {"a": ("a",), "b": ("a",)}),  # merged into a surviving skill
        ([skill("a"), skill("a-data", "a")], {"a": ("a", "a-data"), "b": ()}),  # split; b removed
    ],
)
def test_step_mapping(new_skills: list[Skill], expected: dict[str, tuple[str, ...]]) -> None:
    assert step_mapping(["a", "b"], new_skills) == expected


def test_merge_takes_the_highest_level_per_source() -> None:
    carried = carry_forward(
        [a("m1", "a", 2), a("m1", "b", 4), a("m1", "b", 1, "verified"), a("m2", "a", 3)],
        [("2026.2", [skill("ab", "a", "b")])],
    )
    assert carried.assessments == [
        a("m1", "ab", 4),
        a("m1", "ab", 1, "verified"),
        a("m2", "ab", 3),
    ]
    assert carried.mapping == {"a": ["ab"], "b": ["ab"]}
    assert carried.unmapped == []


def test_removed_skills_are_reported_with_their_counts() -> None:
    carried = carry_forward(
        [a("m1", "gone", 2), a("m2", "gone", 1, "self"), a("m1", "kept", 1)],
        [("2026.2", [skill("kept")])],
    )
    assert carried.assessments == [a("m1", "kept", 1)]
    assert carried.unmapped == [Unmapped(skill="gone", assessments=2, members=2, removed_in="2026.2")]
    assert carried.mapping == {"gone": [], "kept": ["kept"]}


def test_steps_chain_across_editions() -> None:
    carried = carry_forward(
        [a("m1", "a", 2), a("m1", "b", 3), a("m1", "c", 1)],
        [
            ("2026.2", [skill("a2", "a"), skill("b"), skill("c")]),  # a renamed
            ("2026.3", [skill("merged", "a2", "b")]),  # then merged with b; c removed
        ],
    )
    assert carried.assessments == [a("m1", "merged", 3)]
    assert carried.mapping == {"a": ["merged"], "b": ["merged"], "c": []}
    assert carried.unmapped == [Unmapped(skill="c", assessments=1, members=1, removed_in="2026.3")]


def test_no_steps_is_a_copy() -> None:
    rows = [a("m1", "a", 2), a("m2", "b", 0, "self")]
    carried = carry_forward(rows, [])
    assert carried.assessments == sorted(rows, key=lambda r: (r.member, r.skill, r.source))
    assert carried.unmapped == []
