"""What the training plan, joint working and pathway pages show, shaped from the services' Structs
(issue 16): pure, no HTTP, no ORM. Skills come with their labels and levels with their names, so
templates stay dumb (STYLE, "Pages"); the figures are the service's, untouched.

Joint working shows only what DESIGN §2.4 lets a council see of another: skill labels, levels,
the relation and the suggested forms (never members or counts).
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from api.analysis.joint_working import JointSkill, NeighbourSuggestion
from api.analysis.pathways import CareerPathway
from api.analysis.training_plan import RowOutcome, TrainingPlan
from api.errors import FieldError
from api.needs.views import level_name, role_title, skill_label
from api.recommendations.schemas import BUDGET_DAYS_MAX, BUDGET_GBP_MAX, PlacementHost
from taxonomy.index import FrameworkIndex


class BudgetForm(msgspec.Struct, kw_only=True):
    """The plan page's GET form as typed."""

    budget_gbp: str = ""
    budget_days: str = ""


def _number(
    value: str, field: str, what: str, example: str, most: float, errors: list[FieldError]
) -> float | None:
    text = value.strip().replace(",", "").removeprefix("£")
    try:
        number = float(text)
    except ValueError:
        message = f"Enter {what}, like {example}" if text else f"Enter {what}"
        errors.append(FieldError(field=field, message=message, source="query"))
        return None
    if not 0 <= number <= most:  # also refuses nan and inf
        errors.append(FieldError(field=field, message=f"Enter {what} from 0 to {most:,.0f}", source="query"))
        return None
    return number


def check_budgets(form: BudgetForm) -> tuple[tuple[float, float] | None, list[FieldError]]:
    """Both budgets as numbers within the JSON route's bounds (``BUDGET_*_MAX``), or the errors."""
    errors: list[FieldError] = []
    gbp = _number(
        form.budget_gbp, "budget_gbp", "the training budget in pounds", "20000", BUDGET_GBP_MAX, errors
    )
    days = _number(
        form.budget_days, "budget_days", "the person-days available", "60", BUDGET_DAYS_MAX, errors
    )
    if gbp is None or days is None:
        return None, errors
    return (gbp, days), []


class Placement(msgspec.Struct, frozen=True, kw_only=True):
    member: str
    training: str
    title: str
    cost_gbp: float
    days: float
    lifts: list[str]
    """"Bid writing 1 → 3", one per skill raised."""
    closes: list[str]
    """"Bid writing at 3 Practitioner", one per requirement row the placement helps close."""
    hosts: list[str] = []
    """Issue 18: for a secondment or mentoring placement, "Gateshead (bid writing)", one per
    neighbouring council joint working found can host it (``service.placement_hosts``)."""


class OpenRow(msgspec.Struct, frozen=True, kw_only=True):
    label: str
    level: int
    level_name: str
    importance: str
    required: int
    covered_before: int
    covered_after: int
    shortfall_after: int


def _row_name(index: FrameworkIndex, skill: str, level: int) -> str:
    return f"{skill_label(index, skill)} at {level} {level_name(index, level)}"


def placements(
    index: FrameworkIndex, plan: TrainingPlan, hosts: Sequence[PlacementHost] = ()
) -> list[Placement]:
    """The plan's placements for the page, each with the neighbours that can host it."""
    hosted: dict[tuple[str, str], list[str]] = {}
    for host in hosts:
        label = skill_label(index, host.skill)
        hosted.setdefault((host.member, host.training), []).extend(f"{name} ({label})" for name in host.names)
    return [
        Placement(
            member=a.member,
            training=a.training,
            title=a.title,
            cost_gbp=a.cost_gbp,
            days=a.days,
            lifts=[
                f"{skill_label(index, lift.skill)} {lift.from_level} → {lift.to_level}" for lift in a.skills
            ],
            closes=[_row_name(index, row.skill, row.level) for row in a.closes],
            hosts=hosted.get((a.member, a.training), []),
        )
        for a in plan.assignments
    ]


def open_rows(index: FrameworkIndex, rows: Sequence[RowOutcome]) -> list[OpenRow]:
    return [
        OpenRow(
            label=skill_label(index, row.skill),
            level=row.level,
            level_name=level_name(index, row.level),
            importance=row.importance,
            required=row.required,
            covered_before=row.covered_before,
            covered_after=row.covered_after,
            shortfall_after=row.shortfall_after,
        )
        for row in rows
    ]


class JointLine(msgspec.Struct, frozen=True, kw_only=True):
    row: str
    forms: list[str]


class Cohort(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    row: str
    min_cohort: int
    note: str


class Neighbour(msgspec.Struct, frozen=True, kw_only=True):
    gss: str
    name: str
    score: int
    can_help: list[JointLine]
    we_can_help: list[JointLine]
    common_needs: list[JointLine]
    joint_cohorts: list[Cohort]


def neighbours(index: FrameworkIndex, suggestions: Sequence[NeighbourSuggestion]) -> list[Neighbour]:
    def lines(skills: Sequence[JointSkill]) -> list[JointLine]:
        return [JointLine(row=_row_name(index, s.skill, s.level), forms=list(s.forms)) for s in skills]

    return [
        Neighbour(
            gss=s.gss,
            name=s.name,
            score=s.score,
            can_help=lines(s.can_help),
            we_can_help=lines(s.we_can_help),
            common_needs=lines(s.common_needs),
            joint_cohorts=[
                Cohort(
                    title=c.title,
                    row=_row_name(index, c.skill, c.level),
                    min_cohort=c.min_cohort,
                    note=c.note,
                )
                for c in s.joint_cohorts
            ],
        )
        for s in suggestions
    ]


class Reachable(msgspec.Struct, frozen=True, kw_only=True):
    role: str
    title: str
    steps: int
    readiness: float


class Step(msgspec.Struct, frozen=True, kw_only=True):
    from_title: str
    to_title: str
    kind: str
    years: str
    readiness: float
    skills: list[tuple[str, str, str, list[str]]]
    """(skill label, "current → required", importance, training titles with cost and days)."""


class Pathway(msgspec.Struct, frozen=True, kw_only=True):
    member: str
    current_role: str
    current_readiness: float | None
    reachable: list[Reachable]
    target: str | None
    target_title: str | None
    route: list[Step] | None
    total_gap: int | None


def pathway(index: FrameworkIndex, result: CareerPathway) -> Pathway:
    """DESIGN §2.6 for one member, worded: readiness per reachable role and, with a target, each step."""
    route = None
    if result.route is not None:
        route = [
            Step(
                from_title=role_title(index, step.from_role),
                to_title=step.title,
                kind=step.kind,
                years=(
                    f"{step.years_min}–{step.years_max} years"
                    if step.years_max is not None and step.years_max != step.years_min
                    else f"{step.years_min}+ years"
                    if step.years_max is None
                    else f"{step.years_min} years"
                ),
                readiness=step.readiness,
                skills=[
                    (
                        skill.label,
                        f"{skill.current} → {skill.required}",
                        skill.importance,
                        [
                            f"{t.title} (£{t.cost_gbp:,.0f}, {t.days:g} day{'' if t.days == 1 else 's'})"
                            for t in skill.training
                        ],
                    )
                    for skill in step.skills_to_build
                ],
            )
            for step in result.route
        ]
    return Pathway(
        member=result.member,
        current_role=role_title(index, result.current_role),
        current_readiness=result.current_readiness,
        reachable=[
            Reachable(role=r.role, title=r.title, steps=r.steps, readiness=r.readiness)
            for r in result.reachable
        ],
        target=result.target,
        target_title=role_title(index, result.target) if result.target else None,
        route=route,
        total_gap=result.total_gap,
    )
