"""What the team pages show, shaped from the services' plain data (issue 16): pure, no HTTP, no ORM.

Templates stay dumb (STYLE, "Pages"): they get these Structs, already filtered, grouped and worded.
The matrix groups skills as the report's heatmap does (``api.reports.html.skill_groups``) and
colours cells with the report's palette (``LEVEL_COLOURS``; the page's stylesheet carries the same
values, checked by a test); every cell also shows its number, so colour is never the only signal.
The import review words an ``ImportPlan`` (``api.audits.service.import_spreadsheet``'s) for people
and turns the review form back into the ``ImportMapping`` the JSON route takes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec
from markupsafe import Markup

from api.analysis.model import TeamMember
from api.audits.importing import IGNORE
from api.audits.schemas import UNDECIDED, ColumnPlan, ImportMapping, ImportPlan, TitlePlan
from api.errors import FieldError
from api.reports.html import skill_groups
from taxonomy.index import FrameworkIndex

NO_ROLE = "none"
"""The role filter's value for members with no role."""
FIELD_NAMES = {
    "reference": "Member reference",
    "display_name": "Name",
    "role": "Job title",
    "fte": "FTE",
    "skill_name": "Skill name",
    "level": "Level",
    "source": "Source",
    "evidence": "Evidence",
}
DECISIONS = {
    "matched": "Matched",
    "confirmed": "Confirmed",
    "suggested": "Suggested: check it",
    "unmatched": "No match: choose one",
    "ignored": "Not a skill: left out",
}


# --- the team matrix -----------------------------------------------------------------------------


class Choice(msgspec.Struct, frozen=True):
    value: str
    label: str


class SkillColumn(msgspec.Struct, frozen=True):
    slug: str
    label: str


class SkillGroup(msgspec.Struct, frozen=True):
    slug: str
    name: str
    skills: list[SkillColumn]


HEAT_CELLS = tuple(Markup(f'<td class="heat-cell" data-level="{level}">{level}</td>') for level in range(5))
"""A matrix cell per level, made once: a 200-member matrix has over 12,000 cells, and joining these
is ~10x faster than rendering each through the template (bench/pages_bench.py, issue 16)."""


class MatrixRow(msgspec.Struct, frozen=True):
    reference: str
    role: str
    levels: list[int]
    """One per skill column, in the groups' order (0: none or not assessed)."""

    @property
    def cells(self) -> Markup:
        """The row's ``<td>`` cells: the level as a number, coloured by ``data-level``."""
        return Markup("").join(HEAT_CELLS[level] for level in self.levels)


class Matrix(msgspec.Struct, frozen=True, kw_only=True):
    groups: list[SkillGroup]
    rows: list[MatrixRow]
    members: int
    """Members in the audit, before the role filter."""
    roles: list[Choice]
    categories: list[Choice]
    role: str | None
    category: str | None
    levels: list[Choice]
    """The scale's legend: ``("3", "Practitioner")``."""


def role_title(index: FrameworkIndex, role: str | None) -> str:
    if role is None:
        return "No role"
    found = index.roles.get(role)
    return found.title if found else role


def team_matrix(
    index: FrameworkIndex, team: Sequence[TeamMember], *, role: str | None, category: str | None
) -> Matrix:
    """Members × skills grouped by category; ``role`` (a slug or ``NO_ROLE``) and ``category`` keep
    only those members and that category's skills. An unknown filter value keeps nothing out."""
    groups = [
        SkillGroup(
            slug=found.slug,
            name=found.name,
            skills=[SkillColumn(slug=skill.slug, label=skill.label) for skill in skills],
        )
        for found, skills in skill_groups(index)
    ]
    if category and any(group.slug == category for group in groups):
        groups = [group for group in groups if group.slug == category]
    else:
        category = None
    present = {member.role for member in team}
    roles = [Choice(slug, role_title(index, slug)) for slug in index.roles if slug in present]
    roles += [Choice(NO_ROLE, "No role")] if None in present else []
    if role not in {choice.value for choice in roles}:
        role = None
    wanted = None if role is None else (None if role == NO_ROLE else role)
    rows = [
        MatrixRow(
            reference=member.reference,
            role=role_title(index, member.role),
            levels=[member.level(skill.slug) for group in groups for skill in group.skills],
        )
        for member in team
        if role is None or member.role == wanted
    ]
    return Matrix(
        groups=groups,
        rows=rows,
        members=len(team),
        roles=roles,
        categories=[Choice(group.slug, group.name) for group in _all_groups(index)],
        role=role,
        category=category,
        levels=[Choice(str(level.level), level.name) for level in index.framework.levels],
    )


def _all_groups(index: FrameworkIndex) -> list[SkillGroup]:
    return [SkillGroup(slug=c.slug, name=c.name, skills=[]) for c, _ in skill_groups(index)]


# --- one member's levels ---------------------------------------------------------------------------


class SkillLevels(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    label: str
    effective: int | None
    """The level the analyses use (verified > manager > self), None when unassessed."""
    source: str | None
    """Which source gave ``effective``."""
    by_source: dict[str, int]
    manager: int | None
    """The manager's own level: what the form edits."""


class LevelGroup(msgspec.Struct, frozen=True):
    name: str
    skills: list[SkillLevels]


def member_levels(
    index: FrameworkIndex, assessments: Sequence[tuple[str, str, int]], effective: Mapping[str, int]
) -> list[LevelGroup]:
    """Every skill of the edition by category, with each source's level and which one counts.

    ``assessments`` are ``(skill, source, level)``; ``effective`` is the one rule's answer
    (``api.analysis.levels.effective_levels``), whose source is the highest-priority one holding it.
    """
    by_skill: dict[str, dict[str, int]] = {}
    for slug, source, level in assessments:
        by_skill.setdefault(slug, {})[source] = level
    groups = []
    for category, skills in skill_groups(index):
        rows = []
        for skill in skills:
            sources = by_skill.get(skill.slug, {})
            counts = effective.get(skill.slug)
            counted = next((s for s in ("verified", "manager", "self") if s in sources), None)
            rows.append(
                SkillLevels(
                    slug=skill.slug,
                    label=skill.label,
                    effective=counts,
                    source=counted if counts is not None else None,
                    by_source=sources,
                    manager=sources.get("manager"),
                )
            )
        groups.append(LevelGroup(name=category.name, skills=rows))
    return groups


# --- the import review -----------------------------------------------------------------------------


class ColumnReview(msgspec.Struct, frozen=True, kw_only=True):
    column: str
    header: str
    decision: str
    """In words: ``Matched``, ``Suggested: check it``, ``Field: Name`` …"""
    field: str
    """The form field choosing its skill (``column-E``); empty for a field column (no choice)."""
    selected: str
    """The slug pre-selected, ``ignore`` for "not a skill", or empty (nothing chosen yet)."""
    suggested: list[Choice]
    """The matcher's top candidates, with their scores."""
    undecided: bool


class TitleReview(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    rows: str
    """The rows it is on, shortened: ``3, 5, 9 and 4 more``."""
    decision: str
    field: str
    selected: str
    suggested: list[Choice]
    undecided: bool


class Review(msgspec.Struct, frozen=True, kw_only=True):
    columns: list[ColumnReview]
    roles: list[TitleReview]
    skill_names: list[TitleReview]
    skill_choices: list[tuple[str, list[Choice]]]
    """Every skill of the edition, by category: the rest of each skill list."""
    role_choices: list[Choice]


def _suggestions(candidates: list[object] | None) -> list[Choice]:
    return [
        Choice(c.slug, f"{c.label} (score {c.score:.0f})")  # type: ignore[attr-defined]
        for c in candidates or []
    ]


def _column(plan: ColumnPlan) -> ColumnReview:
    if plan.decision == "field":
        return ColumnReview(
            column=plan.column,
            header=plan.header,
            decision=f"Field: {FIELD_NAMES.get(plan.role, plan.role)}",
            field="",
            selected="",
            suggested=[],
            undecided=False,
        )
    if plan.decision == "ignored":
        selected = IGNORE
    elif plan.skill is not None:
        selected = plan.skill
    elif plan.candidates:
        selected = plan.candidates[0].slug  # a suggestion is pre-selected; it still needs the person's OK
    else:
        selected = ""
    return ColumnReview(
        column=plan.column,
        header=plan.header,
        decision=DECISIONS.get(plan.decision, plan.decision),
        field=f"column-{plan.column}",
        selected=selected,
        suggested=_suggestions(plan.candidates),  # type: ignore[arg-type]
        undecided=plan.decision in UNDECIDED,
    )


def _rows_text(rows: list[int], shown: int = 5) -> str:
    listed = ", ".join(str(row) for row in rows[:shown])
    return listed + (f" and {len(rows) - shown} more" if len(rows) > shown else "")


def _title(plan: TitlePlan, field: str) -> TitleReview:
    if plan.decision == "ignored":
        selected = IGNORE
    elif plan.slug is not None:
        selected = plan.slug
    elif plan.candidates:
        selected = plan.candidates[0].slug
    else:
        selected = ""
    return TitleReview(
        text=plan.text,
        rows=_rows_text(plan.rows),
        decision=DECISIONS.get(plan.decision, plan.decision),
        field=field,
        selected=selected,
        suggested=_suggestions(plan.candidates),  # type: ignore[arg-type]
        undecided=plan.decision in UNDECIDED,
    )


def review(index: FrameworkIndex, plan: ImportPlan) -> Review:
    """Every column with its decision and choice, every job title and skill name likewise."""
    return Review(
        columns=[_column(column) for column in plan.columns],
        roles=[_title(title, f"role-{n}") for n, title in enumerate(plan.roles)],
        skill_names=[_title(title, f"skill-name-{n}") for n, title in enumerate(plan.skill_names)],
        skill_choices=[
            (category.name, [Choice(skill.slug, skill.label) for skill in skills])
            for category, skills in skill_groups(index)
        ],
        role_choices=[Choice(role.slug, role.title) for role in index.framework.roles],
    )


def review_errors(plan: ImportPlan) -> list[FieldError]:
    """What stops the import, each linked to where it is fixed on the page: a row error to its line
    in the row errors table, an undecided column or title to its list."""
    errors = [
        FieldError(
            field=f"row-error-{n}",
            message=f"Row {error.row}"
            + (f", column {error.column}" if error.column else "")
            + f": {error.message}",
        )
        for n, error in enumerate(plan.errors)
    ]
    errors += [
        FieldError(
            field=f"column-{c.column}",
            message=f"Column {c.column} ‘{c.header}’: choose a skill or ‘Not a skill’",
        )
        for c in plan.columns
        if c.decision in UNDECIDED
    ]
    errors += [
        FieldError(field=f"role-{n}", message=f"Job title ‘{t.text}’: choose a role or ‘Not a role’")
        for n, t in enumerate(plan.roles)
        if t.decision in UNDECIDED
    ]
    errors += [
        FieldError(field=f"skill-name-{n}", message=f"Skill name ‘{t.text}’: choose a skill or ‘Not a skill’")
        for n, t in enumerate(plan.skill_names)
        if t.decision in UNDECIDED
    ]
    return errors


def mapping_from_form(form: Mapping[str, str]) -> ImportMapping:
    """The review form as the ``mapping`` the JSON import takes: each column by its letter
    (``column-E``), each title by its text (``role-3`` beside the hidden ``role-text-3``). A choice
    left empty confirms nothing. Raises ``msgspec.ValidationError`` for a value over the mapping's
    bounds (a header, title or slug longer than the JSON route accepts)."""
    columns = {
        name.removeprefix("column-"): value
        for name, value in form.items()
        if name.startswith("column-") and value.strip()
    }
    titles: dict[str, dict[str, str]] = {"roles": {}, "skill_names": {}}
    for group, prefix in (("roles", "role-"), ("skill_names", "skill-name-")):
        for name, value in form.items():
            number = name.removeprefix(prefix)
            if name.startswith(prefix) and number.isdigit() and value.strip():
                text = form.get(f"{prefix}text-{number}", "")
                if text:
                    titles[group][text] = value.strip()
    return msgspec.convert({"columns": columns, **titles}, ImportMapping)
