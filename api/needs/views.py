"""What the needs, gaps and progress pages show, shaped from the services' Structs (issue 16): pure,
no HTTP, no ORM. Templates stay dumb (STYLE, "Pages"): skills come with their labels, levels with
their names, a RAG with its word and symbol (never colour alone, WCAG 1.4.1), already sorted.

The gap rows' order is DESIGN §2.2's (``api.analysis.gaps.gap_rows``); the page may re-sort them
by a GET parameter (``SORTS``) without JavaScript. Sorting is display only: the figures are the
service's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import msgspec

from api.analysis.gaps import GapAnalysis, MemberGap, Progress
from api.analysis.model import RAG_ORDER, GapRow, RequirementRow
from taxonomy.index import FrameworkIndex

RAG_WORDS = {"red": ("Red", "✕"), "amber": ("Amber", "!"), "green": ("Green", "✓")}
"""Each RAG as a word and a symbol, shown beside its colour."""
CHANGE_WORDS = {"better": "Better ↑", "worse": "Worse ↓", "same": "No change"}
IMPORTANCE_RANK = {"essential": 0, "important": 1, "desirable": 2}
DEFAULT_SORT = "priority"
SORT_PATTERN = r"^(priority|rag|skill|shortfall|covered|importance)$"


class Rag(msgspec.Struct, frozen=True):
    value: str
    word: str
    symbol: str


def rag(value: str) -> Rag:
    word, symbol = RAG_WORDS[value]
    return Rag(value, word, symbol)


class GapLine(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the RAG table."""

    skill: str
    label: str
    level: int
    level_name: str
    required: int
    covered: int
    near: int
    shortfall: int
    importance: str
    rag: Rag
    position: int
    """Its place in DESIGN §2.2's order (1 = most pressing)."""


class SortColumn(msgspec.Struct, frozen=True):
    key: str
    heading: str


SORTS: dict[str, tuple[str, Callable[[GapLine], Any]]] = {
    "priority": ("Priority", lambda line: line.position),
    "skill": ("Skill", lambda line: (line.label.casefold(), line.level)),
    "rag": ("Status", lambda line: (RAG_ORDER[line.rag.value], line.position)),
    "importance": ("Importance", lambda line: (IMPORTANCE_RANK[line.importance], line.position)),
    "covered": ("People at the level", lambda line: (line.covered, line.position)),
    "shortfall": ("Short by", lambda line: (-line.shortfall, line.position)),
}
"""GET ``sort`` value → (column heading, key). Shortfall sorts largest first, the rest smallest."""


def skill_label(index: FrameworkIndex, slug: str) -> str:
    skill = index.skills.get(slug)
    return skill.label if skill is not None else slug


def level_name(index: FrameworkIndex, level: int) -> str:
    names = {item.level: item.name for item in index.framework.levels}
    return names.get(level, str(level))


def role_title(index: FrameworkIndex, role: str | None) -> str:
    if role is None:
        return "No role"
    found = index.roles.get(role)
    return found.title if found is not None else role


def gap_lines(index: FrameworkIndex, rows: Sequence[GapRow], sort: str = DEFAULT_SORT) -> list[GapLine]:
    """The RAG table's rows, sorted by ``sort`` (a key of ``SORTS``; DESIGN §2.2's order by default)."""
    lines = [
        GapLine(
            skill=row.skill,
            label=skill_label(index, row.skill),
            level=row.level,
            level_name=level_name(index, row.level),
            required=row.required,
            covered=row.covered,
            near=row.near,
            shortfall=row.shortfall,
            importance=row.importance,
            rag=rag(row.rag),
            position=position,
        )
        for position, row in enumerate(rows, start=1)
    ]
    return sorted(lines, key=SORTS.get(sort, SORTS[DEFAULT_SORT])[1])


class RequirementLine(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    level: int
    level_name: str
    required: int
    importance: str


def requirement_lines(index: FrameworkIndex, rows: Sequence[RequirementRow]) -> list[RequirementLine]:
    return [
        RequirementLine(
            label=skill_label(index, row.skill),
            level=row.level,
            level_name=level_name(index, row.level),
            required=row.required,
            importance=row.importance,
        )
        for row in rows
    ]


class MemberLine(msgspec.Struct, frozen=True, kw_only=True):
    reference: str
    role: str
    met: int
    total: int


def member_lines(index: FrameworkIndex, members: Sequence[MemberGap]) -> list[MemberLine]:
    """Each member against their own role (DESIGN §2.2, last rule): requirements met of total."""
    return [
        MemberLine(reference=m.reference, role=role_title(index, m.role), met=m.met, total=m.total)
        for m in members
    ]


class MemberRequirementLine(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    level: int
    level_name: str
    importance: str
    member_level: int
    member_level_name: str
    met: bool
    short_by: int


def member_requirement_lines(index: FrameworkIndex, member: MemberGap) -> list[MemberRequirementLine]:
    return [
        MemberRequirementLine(
            label=skill_label(index, req.skill),
            level=req.level,
            level_name=level_name(index, req.level),
            importance=req.importance,
            member_level=req.member_level,
            member_level_name=level_name(index, req.member_level),
            met=req.met,
            short_by=req.short_by,
        )
        for req in member.requirements
    ]


class Summary(msgspec.Struct, frozen=True, kw_only=True):
    readiness: float
    red: int
    amber: int
    green: int
    members: int


def summary(analysis: GapAnalysis) -> Summary:
    return Summary(
        readiness=analysis.readiness,
        red=analysis.counts.red,
        amber=analysis.counts.amber,
        green=analysis.counts.green,
        members=len(analysis.members),
    )


class ProgressLine(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    level: int
    level_name: str
    required: int
    importance: str
    covered_before: int
    covered_after: int
    rag_before: Rag
    rag_after: Rag
    change: str
    change_word: str


def progress_lines(index: FrameworkIndex, result: Progress) -> list[ProgressLine]:
    """DESIGN §2.7 per row, in the later audit's §2.2 order."""
    return [
        ProgressLine(
            label=skill_label(index, row.skill),
            level=row.level,
            level_name=level_name(index, row.level),
            required=row.required,
            importance=row.importance,
            covered_before=row.covered_before,
            covered_after=row.covered_after,
            rag_before=rag(row.rag_before),
            rag_after=rag(row.rag_after),
            change=row.change,
            change_word=CHANGE_WORDS[row.change],
        )
        for row in result.rows
    ]


class ProfileFacts(msgspec.Struct, frozen=True, kw_only=True):
    """A needs profile as the profile page lists it: roles with titles, scenarios with titles."""

    establishment: list[tuple[str, int]]
    scenarios: list[str]
    rows: list[RequirementLine]


def profile_facts(
    index: FrameworkIndex,
    establishment: Mapping[str, int],
    scenarios: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
) -> ProfileFacts:
    return ProfileFacts(
        establishment=[(role_title(index, role), count) for role, count in establishment.items() if count],
        scenarios=[index.scenarios[s].title if s in index.scenarios else s for s in scenarios],
        rows=[
            RequirementLine(
                label=skill_label(index, str(row["skill"])),
                level=int(row["level"]),
                level_name=level_name(index, int(row["level"])),
                required=int(row["headcount"]),
                importance=str(row["importance"]),
            )
            for row in rows
        ],
    )
