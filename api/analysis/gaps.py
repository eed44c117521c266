"""Needs expansion, gap analysis, readiness and progress reviews: DESIGN §2.1, §2.2 and §2.7."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import msgspec

from api.analysis.model import IMPORTANCE_RANK, RAG_ORDER, GapRow, Rag, RequirementRow, TeamMember
from taxonomy.model import IMPORTANCE_WEIGHT, Importance, Requirement, Role, Scenario, ScenarioRow


class EmptyNeeds(ValueError):
    """A needs profile that asks for nothing has no readiness (DESIGN §2.2: 422, not 100%)."""


class Need(msgspec.Struct, frozen=True, kw_only=True):
    """One contribution to a requirement row, before rows are merged."""

    skill: str
    level: int
    headcount: int
    importance: Importance


def expand_needs(
    establishment: Mapping[str, int],
    roles: Mapping[str, Role],
    scenarios: Iterable[Scenario] = (),
    extra: Iterable[ScenarioRow] = (),
) -> list[RequirementRow]:
    """DESIGN §2.1: sum headcounts per ``(skill, level)``; importance is the highest contributing.

    Rows come out sorted by skill then level, so the same profile always expands the same way.
    """
    contributions: list[Need] = [
        Need(skill=req.skill, level=req.level, headcount=headcount, importance=req.importance)
        for role, headcount in establishment.items()
        if headcount > 0
        for req in roles[role].requirements
    ]
    contributions += [
        Need(skill=row.skill, level=row.level, headcount=row.headcount, importance=row.importance)
        for source in (*(scenario.rows for scenario in scenarios), tuple(extra))
        for row in source
    ]
    required: dict[tuple[str, int], int] = {}
    importance: dict[tuple[str, int], Importance] = {}
    for need in contributions:
        key = (need.skill, need.level)
        required[key] = required.get(key, 0) + need.headcount
        if key not in importance or IMPORTANCE_RANK[need.importance] > IMPORTANCE_RANK[importance[key]]:
            importance[key] = need.importance
    return [
        RequirementRow(
            skill=skill,
            level=level,
            required=required[(skill, level)],
            importance=importance[(skill, level)],
            weight=IMPORTANCE_WEIGHT[importance[(skill, level)]],
        )
        for skill, level in sorted(required)
    ]


def rag(covered: int, required: int, importance: str) -> Rag:
    """DESIGN §2.2: red if nobody; amber if short, or one person on an essential row; else green."""
    if covered == 0:
        return "red"
    if covered < required or (covered == 1 and importance == "essential"):
        return "amber"
    return "green"


def _holders(skills: Iterable[str], team: Sequence[TeamMember]) -> dict[str, Counter[int]]:
    """Per skill, how many members hold each level (a skill not held is level 0).

    One pass over the team per skill, shared by every row of that skill: a 1,000-member team
    against 76 rows was 150,000 method calls the other way (issue 14)."""
    return {skill: Counter([member.levels.get(skill, 0) for member in team]) for skill in skills}


def gap_rows(rows: Sequence[RequirementRow], team: Sequence[TeamMember]) -> list[GapRow]:
    """Each requirement row against the team, sorted as DESIGN §2.2 specifies."""
    holders = _holders({row.skill for row in rows}, team)
    gaps = []
    for row in rows:
        held = holders[row.skill]
        covered = sum(count for level, count in held.items() if level >= row.level)
        near = held[row.level - 1]
        gaps.append(
            GapRow(
                skill=row.skill,
                level=row.level,
                required=row.required,
                covered=covered,
                near=near,
                shortfall=max(0, row.required - covered),
                importance=row.importance,
                weight=row.weight,
                rag=rag(covered, row.required, row.importance),
            )
        )
    return sorted(gaps, key=lambda g: (-g.weight * g.shortfall, RAG_ORDER[g.rag], g.skill, g.level))


def readiness(gaps: Sequence[GapRow]) -> float:
    """DESIGN §2.2: ``Σ w·min(covered, N)/N ÷ Σ w`` as a percentage with one decimal."""
    if not gaps:
        raise EmptyNeeds("The needs profile has no requirement rows")
    total_weight = sum(gap.weight for gap in gaps)
    met = sum(gap.weight * min(gap.covered, gap.required) / gap.required for gap in gaps)
    return round(100 * met / total_weight, 1)


class RagCounts(msgspec.Struct, frozen=True, kw_only=True):
    red: int
    amber: int
    green: int


def rag_counts(gaps: Iterable[GapRow]) -> RagCounts:
    found = [gap.rag for gap in gaps]
    return RagCounts(red=found.count("red"), amber=found.count("amber"), green=found.count("green"))


class MemberRequirement(msgspec.Struct, frozen=True, kw_only=True):
    skill: str
    level: int
    importance: Importance
    member_level: int
    met: bool
    short_by: int


class MemberGap(msgspec.Struct, frozen=True, kw_only=True):
    reference: str
    role: str | None
    met: int
    total: int
    requirements: list[MemberRequirement]


def member_gaps(team: Sequence[TeamMember], roles: Mapping[str, Role]) -> list[MemberGap]:
    """DESIGN §2.2: each member against their own role's requirements (none without a role)."""
    result = []
    for member in team:
        role = roles.get(member.role) if member.role is not None else None
        requirements: tuple[Requirement, ...] = role.requirements if role is not None else ()
        checked = [
            MemberRequirement(
                skill=req.skill,
                level=req.level,
                importance=req.importance,
                member_level=held,
                met=held >= req.level,
                short_by=max(0, req.level - held),
            )
            for req in requirements
            for held in (member.levels.get(req.skill, 0),)
        ]
        result.append(
            MemberGap(
                reference=member.reference,
                role=member.role,
                met=sum(item.met for item in checked),
                total=len(checked),
                requirements=checked,
            )
        )
    return result


class GapAnalysis(msgspec.Struct, frozen=True, kw_only=True):
    rows: list[GapRow]
    readiness: float
    counts: RagCounts
    members: list[MemberGap]


def analyse(
    rows: Sequence[RequirementRow], team: Sequence[TeamMember], roles: Mapping[str, Role]
) -> GapAnalysis:
    """The whole of DESIGN §2.2 for one team and one expanded needs profile."""
    gaps = gap_rows(rows, team)
    return GapAnalysis(
        rows=gaps, readiness=readiness(gaps), counts=rag_counts(gaps), members=member_gaps(team, roles)
    )


Change = Literal["better", "worse", "same"]


class ProgressRow(msgspec.Struct, frozen=True, kw_only=True):
    skill: str
    level: int
    required: int
    importance: Importance
    covered_before: int
    covered_after: int
    rag_before: Rag
    rag_after: Rag
    change: Change


class Progress(msgspec.Struct, frozen=True, kw_only=True):
    rows: list[ProgressRow]
    readiness_before: float
    readiness_after: float
    joined: list[str]
    left: list[str]


def progress(
    rows: Sequence[RequirementRow], before: Sequence[TeamMember], after: Sequence[TeamMember]
) -> Progress:
    """DESIGN §2.7: two audits of one council against the same expanded needs profile.

    Rows keep the order of the later audit's gap analysis (most important shortfalls first).
    """
    earlier = {(gap.skill, gap.level): gap for gap in gap_rows(rows, before)}
    later = gap_rows(rows, after)
    progress_rows = []
    for gap in later:
        old = earlier[(gap.skill, gap.level)]
        step = RAG_ORDER[gap.rag] - RAG_ORDER[old.rag]
        change: Change = "better" if step > 0 else "worse" if step < 0 else "same"
        progress_rows.append(
            ProgressRow(
                skill=gap.skill,
                level=gap.level,
                required=gap.required,
                importance=gap.importance,
                covered_before=old.covered,
                covered_after=gap.covered,
                rag_before=old.rag,
                rag_after=gap.rag,
                change=change,
            )
        )
    before_refs = {member.reference for member in before}
    after_refs = {member.reference for member in after}
    return Progress(
        rows=progress_rows,
        readiness_before=readiness(list(earlier.values())),
        readiness_after=readiness(later),
        joined=sorted(after_refs - before_refs),
        left=sorted(before_refs - after_refs),
    )
