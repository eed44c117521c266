"""Carry an audit forward to a later edition through ``replaces`` (DESIGN §1).

A skill of the new edition may say it ``replaces`` one or more skills of the edition before it.
An old skill maps to itself when its slug still exists, and to every new skill that replaces it
(a rename maps one to one, a merge many to one, a split one to many). Editions in between are
walked one step at a time, so 2026.1 → 2026.3 follows the ``replaces`` of 2026.2 and then of
2026.3. Where several old skills land on one new skill for the same member and source, the
highest level wins (a merge keeps the strongest evidence of ability). Sources are kept apart, so
a verified level is never overridden by a higher self-assessment. Anything with nowhere to go is
reported, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import msgspec

from taxonomy.model import Skill


class CarriedAssessment(msgspec.Struct, frozen=True, kw_only=True):
    member: str
    skill: str
    source: str
    level: int
    evidence: str | None = None


class Unmapped(msgspec.Struct, frozen=True, kw_only=True):
    """An old skill that has no counterpart in the target edition, and what it dropped."""

    skill: str
    assessments: int
    members: int
    removed_in: str
    """The first edition on the way without it."""


class Carried(msgspec.Struct, frozen=True, kw_only=True):
    assessments: list[CarriedAssessment]
    mapping: dict[str, list[str]]
    """Each old skill that was assessed, and the skills it became (empty when removed)."""
    unmapped: list[Unmapped]


def step_mapping(old_skills: Iterable[str], new_skills: Sequence[Skill]) -> dict[str, tuple[str, ...]]:
    """One edition to the next: ``{old slug: new slugs}`` (itself if kept, plus any replacement)."""
    kept = {skill.slug for skill in new_skills}
    mapping: dict[str, tuple[str, ...]] = {}
    for old in old_skills:
        targets = [old] if old in kept else []
        targets += [skill.slug for skill in new_skills if old in skill.replaces and skill.slug != old]
        mapping[old] = tuple(dict.fromkeys(targets))
    return mapping


def carry_forward(
    assessments: Sequence[CarriedAssessment],
    steps: Sequence[tuple[str, Sequence[Skill]]],
) -> Carried:
    """Map ``assessments`` through each ``(version, skills)`` step in order (oldest first)."""
    current = list(assessments)
    origin: dict[str, set[str]] = {a.skill: {a.skill} for a in current}
    """Which original skills each current skill came from, to report the whole mapping."""
    lost: dict[str, str] = {}
    for version, skills in steps:
        mapping = step_mapping({a.skill for a in current}, skills)
        for old, targets in mapping.items():
            if not targets:
                for original in origin.get(old, {old}):
                    lost.setdefault(original, version)
        next_origin: dict[str, set[str]] = {}
        for old, targets in mapping.items():
            for target in targets:
                next_origin.setdefault(target, set()).update(origin.get(old, {old}))
        current = _merge(
            CarriedAssessment(
                member=a.member, skill=target, source=a.source, level=a.level, evidence=a.evidence
            )
            for a in current
            for target in mapping[a.skill]
        )
        origin = next_origin
    final: dict[str, list[str]] = {original: [] for original in sorted({a.skill for a in assessments})}
    for target, originals in origin.items():
        for original in originals:
            final.setdefault(original, []).append(target)
    return Carried(
        assessments=current,
        mapping={original: sorted(targets) for original, targets in sorted(final.items())},
        unmapped=_unmapped(assessments, {skill: lost[skill] for skill in lost if not final.get(skill)}),
    )


def _merge(assessments: Iterable[CarriedAssessment]) -> list[CarriedAssessment]:
    """One assessment per (member, skill, source): the highest level, with its evidence."""
    best: dict[tuple[str, str, str], CarriedAssessment] = {}
    for assessment in assessments:
        key = (assessment.member, assessment.skill, assessment.source)
        if key not in best or assessment.level > best[key].level:
            best[key] = assessment
    return [best[key] for key in sorted(best)]


def _unmapped(assessments: Sequence[CarriedAssessment], lost: Mapping[str, str]) -> list[Unmapped]:
    return [
        Unmapped(
            skill=skill,
            assessments=sum(a.skill == skill for a in assessments),
            members=len({a.member for a in assessments if a.skill == skill}),
            removed_in=version,
        )
        for skill, version in sorted(lost.items())
    ]
