"""The training plan of DESIGN §2.3: who should go on which course to close the most weighted shortfall.

DESIGN §2.3 asks for an *optimal* plan, not a greedy one: a greedy "best closure per pound" pick can
miss combinations (two cheaper courses that together close more than one expensive one, a cohort
that only runs when filled). So the choice is a small mixed-integer programme solved exactly by
HiGHS through ``scipy.optimize.milp``. The module is pure: plain data in, msgspec Structs out, no
ORM, HTTP or I/O, so the API, the CLI and the tests all see the same answer for the same inputs.

Decisions taken on top of DESIGN §2.3 (each is part of the contract):

* **Eligibility.** A ``(member, training)`` assignment is eligible only where, for at least one skill
  the training develops, ``from_level <= member's level < to_level``. Levels are the member's levels
  in the audit: a plan never chains one course after another (course A raising someone to the
  ``from_level`` of course B does not make them eligible for B in the same plan). A member takes a
  training at most once.
* **Levels after the plan.** A member's level in a skill becomes the maximum of their current level
  and the ``to_level`` of every assigned training that develops the skill *and* for which they met
  ``from_level <= level < to_level`` in that skill. A course does not raise a skill the member is
  outside the course's range in, even if the course was chosen for another skill. The
  ``SkillLift`` items of an assignment are exactly these raises, from the member's current level.
* **Rows.** A row ``(s, L)`` with required headcount ``N`` is covered by the members whose level
  after the plan is at least ``L``; ``shortfall = max(0, N - covered)`` as in DESIGN §2.2, and
  ``closed = shortfall_before - shortfall_after``. Coverage before and after is counted from the
  ``team`` given, so both sides use the same basis; it equals the gap row's ``covered`` whenever the
  gaps were computed from the same team by ``api.analysis.gaps.gap_rows``. Only rows short before
  the plan are reported (in the order of the given gaps) and only they are worth training for.
* **Objective**, lexicographic: maximise ``Σ weight × closed``; among plans that close as much, the
  cheapest; among those, the fewest person-days. It is done exactly with two solves. The first
  minimises ``cost - (spend + 1) × closure``, where ``spend`` bounds what any plan can cost: closure
  is a whole number, so one unit of it outweighs every possible saving and the single objective is
  exactly "most closure, then cheapest". The second fixes closure and caps cost at that minimum
  with a tiny relative tolerance (``1e-6``) and minimises days, so plans whose costs differ by less
  than that are treated as equally cheap.
* **Budgets.** ``Σ cost_gbp ≤ budget_gbp`` and ``Σ days ≤ budget_days``, where days are person-days
  (each assignment counts its own ``days``). A zero budget is not an error: nothing that costs money
  (or time) fits, so the plan is empty unless an option is free. A negative or non-finite budget is
  a ``ValueError``.
* **Cohorts.** An option with ``max_cohort`` takes at most that many members of the team. An option
  with ``min_cohort`` runs only if at least ``min_cohort`` members take it (a binary "runs"
  variable), because here a council alone must fill it (joint commissioning with neighbours is
  DESIGN §2.4, not this module).
* **Pruning.** Pairs that cannot help a short row are left out: they could only add cost. The one
  exception is an option with ``min_cohort > 1``: an eligible member who gains nothing that closes a
  row may still be the one who makes the course run for colleagues who do, so those members are kept
  as cohort fillers (the optimiser only sends them when that pays off).
* **Time limit.** ``time_limit_seconds`` bounds the whole solve (all stages). If HiGHS stops on it
  with a feasible plan, that plan is returned with ``optimal=False``.
* **Determinism.** Assignments are sorted by member reference then training slug; HiGHS is
  deterministic for a given model, and the model is built in input order.

Model (DESIGN §2.3): binary ``x[m,t]`` for each kept pair; binary ``u[t]`` "runs" for options with
``min_cohort > 1``; ``y[m,r]`` in ``[0, 1]`` "member m newly covers row r", for rows where m is below
``L`` and some kept training lifts them to ``L`` or above, with ``y[m,r] ≤ Σ`` of those ``x``;
``z[r]`` in ``[0, shortfall_before_r]`` with ``z[r] ≤ Σ_m y[m,r]``. ``y`` and ``z`` need no
integrality: for any 0/1 choice of ``x`` their best values are whole numbers (``min(1, …)`` and
``min(shortfall, …)``), and the reported outcome is always recounted from the chosen ``x``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import msgspec
import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array

from api.analysis.model import GapRow, TeamMember
from taxonomy.model import TrainingOption

COST_TOLERANCE = 1e-6
"""Relative tolerance when the minimum cost is fixed for the days stage (DESIGN §2.3 ties)."""


class SkillLift(msgspec.Struct, frozen=True, kw_only=True):
    """One skill an assignment raises: from the member's current level to the training's ``to_level``."""

    skill: str
    from_level: int
    to_level: int


class RowKey(msgspec.Struct, frozen=True, kw_only=True):
    """A requirement row ``(skill, level)`` (DESIGN §2.1), as an assignment names it."""

    skill: str
    level: int


class Assignment(msgspec.Struct, frozen=True, kw_only=True):
    """One member on one training, with every skill it raises for that member.

    ``closes`` names the short requirement rows this placement lifts the member into covering
    (issue 16: "each placement saying which requirement rows it closes"), in the order of the
    given gaps; a row may be named by several placements when it needs several people.
    """

    member: str
    training: str
    title: str
    skills: list[SkillLift]
    cost_gbp: float
    days: float
    closes: list[RowKey] = []


class RowOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """A requirement row that was short before the plan, before and after it (DESIGN §2.2 counts)."""

    skill: str
    level: int
    required: int
    importance: str
    weight: int
    covered_before: int
    covered_after: int
    shortfall_before: int
    shortfall_after: int


class TrainingPlan(msgspec.Struct, frozen=True, kw_only=True):
    """DESIGN §2.3: the chosen assignments, what they cost and what they close."""

    assignments: list[Assignment]
    total_cost_gbp: float
    total_days: float
    weighted_shortfall_closed: int
    shortfall_closed: int
    rows: list[RowOutcome]
    """Every row that had a shortfall before, in the order of the given gaps."""
    rows_open: list[RowOutcome]
    """Those of ``rows`` still short after the plan."""
    budget_gbp: float
    budget_days: float
    optimal: bool
    """False only when the time limit stopped the solver before it proved the plan optimal."""


class _Pair(msgspec.Struct, frozen=True, kw_only=True):
    """An eligible ``(member, option)`` pair kept in the model."""

    member: int
    option: int
    lifts: dict[str, int]
    """Skill -> new level, only for skills where the member is in the option's range."""
    helps: tuple[int, ...]
    """Positions in the short-row list that this pair alone lifts the member to cover."""


class _Row(msgspec.Struct, frozen=True, kw_only=True):
    gap: GapRow
    covered_before: int
    shortfall_before: int


def _lifts(member: TeamMember, option: TrainingOption) -> dict[str, int]:
    """The raises ``option`` gives ``member``: empty means the pair is ineligible (no chaining)."""
    lifts: dict[str, int] = {}
    for development in option.develops:
        current = member.level(development.skill)
        if development.from_level <= current < development.to_level:
            lifts[development.skill] = max(lifts.get(development.skill, current), development.to_level)
    return lifts


def _check_inputs(
    team: Sequence[TeamMember],
    catalogue: Sequence[TrainingOption],
    budget_gbp: float,
    budget_days: float,
    time_limit_seconds: float,
) -> None:
    for name, value in (("budget_gbp", budget_gbp), ("budget_days", budget_days)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number of at least 0, not {value!r}")
    if not time_limit_seconds > 0:
        raise ValueError(f"time_limit_seconds must be positive, not {time_limit_seconds!r}")
    references = [member.reference for member in team]
    if len(set(references)) != len(references):
        raise ValueError("team members must have distinct references")
    slugs = [option.slug for option in catalogue]
    if len(set(slugs)) != len(slugs):
        raise ValueError("training options must have distinct slugs")


def _kept_pairs(
    team: Sequence[TeamMember],
    catalogue: Sequence[TrainingOption],
    short: Sequence[GapRow],
    budget_gbp: float,
    budget_days: float,
) -> list[_Pair]:
    """Eligible pairs that can help a short row, plus cohort fillers (see the module docstring)."""
    kept: list[_Pair] = []
    for option_index, option in enumerate(catalogue):
        if option.cost_gbp > budget_gbp or option.days > budget_days:
            continue  # not even one place fits the budget
        helpful: list[_Pair] = []
        fillers: list[_Pair] = []
        for member_index, member in enumerate(team):
            lifts = _lifts(member, option)
            if not lifts:
                continue
            helps = tuple(
                k
                for k, row in enumerate(short)
                if member.level(row.skill) < row.level <= lifts.get(row.skill, -1)
            )
            pair = _Pair(member=member_index, option=option_index, lifts=lifts, helps=helps)
            (helpful if helps else fillers).append(pair)
        if not helpful:
            continue
        minimum = option.min_cohort or 1
        if minimum <= 1:
            kept += helpful
            continue
        candidates = sorted(helpful + fillers, key=lambda pair: pair.member)
        if len(candidates) >= minimum and minimum <= (option.max_cohort or minimum):
            kept += candidates
    return _drop_dominated(kept, catalogue)


def _drop_dominated(pairs: list[_Pair], catalogue: Sequence[TrainingOption]) -> list[_Pair]:
    """Leave out a member's pair when another of their pairs is at least as good in every respect.

    ``(m, t1)`` dominates ``(m, t2)`` when t1 lifts m on every short row t2 does, costs no more and
    takes no longer (equal in all: the earlier option wins). Any plan sending m on t2 can send m on
    t1 instead (or simply drop t2) and lose nothing on any of the three objectives, provided moving a
    member between the two cannot break a cohort rule: t1 must have no cohort limit that binds and
    t2 no ``min_cohort``. This only shrinks the model; the optimum stays the same.
    """
    count: dict[int, int] = {}
    for pair in pairs:
        count[pair.option] = count.get(pair.option, 0) + 1

    def free(option: TrainingOption, index: int) -> bool:
        return (option.min_cohort or 1) <= 1 and (option.max_cohort or count[index]) >= count[index]

    by_member: dict[int, list[tuple[_Pair, frozenset[int], float, float]]] = {}
    for pair in pairs:
        option = catalogue[pair.option]
        by_member.setdefault(pair.member, []).append(
            (pair, frozenset(pair.helps), option.cost_gbp, option.days)
        )
    dominated: set[tuple[int, int]] = set()
    for own in by_member.values():
        for pair, helps, cost, days in own:
            if (catalogue[pair.option].min_cohort or 1) > 1:
                continue
            for other, other_helps, other_cost, other_days in own:
                if (
                    other is not pair
                    and free(catalogue[other.option], other.option)
                    and other_helps >= helps
                    and other_cost <= cost
                    and other_days <= days
                    and (
                        other_helps != helps
                        or other_cost < cost
                        or other_days < days
                        or other.option < pair.option
                    )
                ):
                    dominated.add((pair.member, pair.option))
                    break
    return [pair for pair in pairs if (pair.member, pair.option) not in dominated]


class _Model:
    """The MILP of the module docstring over the kept pairs, as arrays for ``scipy.optimize.milp``.

    Variables are laid out as ``x`` (one per kept pair, in order), ``u`` (options that must fill a
    cohort), ``y`` (member newly covers row) and ``z`` (closure per row).
    """

    def __init__(self, pairs: Sequence[_Pair], catalogue: Sequence[TrainingOption], short: Sequence[_Row]):
        self.n_x = len(pairs)
        runs = sorted({pair.option for pair in pairs if (catalogue[pair.option].min_cohort or 1) > 1})
        u_index = {option: self.n_x + i for i, option in enumerate(runs)}
        lifting: dict[tuple[int, int], list[int]] = {}  # (row, member) -> pairs lifting member on row
        for i, pair in enumerate(pairs):
            for k in pair.helps:
                lifting.setdefault((k, pair.member), []).append(i)
        y_keys = sorted(lifting)
        y_start = self.n_x + len(runs)
        z_rows = sorted({k for k, _ in y_keys})
        z_start = y_start + len(y_keys)
        self.n = z_start + len(z_rows)

        self.integrality = np.zeros(self.n)
        self.integrality[:] = 1
        upper = np.ones(self.n)
        upper[z_start:] = [short[k].shortfall_before for k in z_rows]
        self.bounds = Bounds(np.zeros(self.n), upper)
        self.cost = np.zeros(self.n)
        self.cost[: self.n_x] = [catalogue[pair.option].cost_gbp for pair in pairs]
        self.days = np.zeros(self.n)
        self.days[: self.n_x] = [catalogue[pair.option].days for pair in pairs]
        self.closure = np.zeros(self.n)
        self.closure[z_start:] = [short[k].gap.weight for k in z_rows]

        entries: list[tuple[int, int, float]] = []
        lower: list[float] = []
        upper_rows: list[float] = []

        def add(row: list[tuple[int, float]], lo: float, hi: float) -> None:
            entries.extend((len(lower), column, value) for column, value in row)
            lower.append(lo)
            upper_rows.append(hi)

        covering: dict[int, list[int]] = {}
        for j, key in enumerate(y_keys):  # y[m,r] <= Σ x[m,t] over the t lifting m on r
            add([(y_start + j, 1.0)] + [(i, -1.0) for i in lifting[key]], -np.inf, 0.0)
            covering.setdefault(key[0], []).append(y_start + j)
        for position, k in enumerate(z_rows):  # z[r] <= Σ_m y[m,r]
            add([(z_start + position, 1.0)] + [(j, -1.0) for j in covering[k]], -np.inf, 0.0)
        by_option: dict[int, list[int]] = {}
        for i, pair in enumerate(pairs):
            by_option.setdefault(pair.option, []).append(i)
        for option_index, members in by_option.items():
            option = catalogue[option_index]
            cap = min(len(members), option.max_cohort or len(members))
            taken = [(i, 1.0) for i in members]
            if option_index in u_index:  # min_cohort·u <= Σ x <= cap·u
                u = u_index[option_index]
                add([*taken, (u, -float(option.min_cohort or 1))], 0.0, np.inf)
                add([*taken, (u, -float(cap))], -np.inf, 0.0)
            elif cap < len(members):
                add(taken, -np.inf, float(cap))

        self.constraints: list[LinearConstraint] = []
        if entries:
            rows, columns, values = zip(*entries, strict=True)
            matrix = csr_array((values, (rows, columns)), shape=(len(lower), self.n))
            self.constraints.append(LinearConstraint(matrix, np.array(lower), np.array(upper_rows)))

    def limit(self, coefficients: npt.NDArray[np.float64], lo: float, hi: float) -> None:
        """Add one row ``lo <= coefficients · v <= hi``: a budget or a lexicographic fix."""
        self.constraints.append(LinearConstraint(coefficients.reshape(1, -1), lo, hi))

    def solve(self, objective: npt.NDArray[np.float64], seconds: float) -> tuple[list[int] | None, bool]:
        """The chosen pairs (None if no plan was found in time) and whether HiGHS proved optimality."""
        if seconds <= 0:
            return None, False
        result = milp(
            objective,
            integrality=self.integrality,
            bounds=self.bounds,
            constraints=self.constraints,
            options={"time_limit": seconds, "mip_rel_gap": 0.0, "presolve": True, "disp": False},
        )
        if result.x is None:
            if result.status == 1:  # the time limit came before any feasible plan
                return None, False
            raise RuntimeError(f"HiGHS could not solve the training plan: {result.message}")
        chosen = [i for i in range(self.n_x) if result.x[i] > 0.5]
        return chosen, bool(result.status == 0)


def _outcome(
    chosen: Sequence[_Pair],
    team: Sequence[TeamMember],
    catalogue: Sequence[TrainingOption],
    short: Sequence[_Row],
    budget_gbp: float,
    budget_days: float,
    optimal: bool,
) -> TrainingPlan:
    """Recount everything from the chosen pairs, so the report never depends on solver tolerances."""
    after = [dict(member.levels) for member in team]
    for pair in chosen:
        levels = after[pair.member]
        for skill, level in pair.lifts.items():
            levels[skill] = max(levels.get(skill, 0), level)
    outcomes = []
    for row in short:
        gap = row.gap
        covered = sum(levels.get(gap.skill, 0) >= gap.level for levels in after)
        outcomes.append(
            RowOutcome(
                skill=gap.skill,
                level=gap.level,
                required=gap.required,
                importance=gap.importance,
                weight=gap.weight,
                covered_before=row.covered_before,
                covered_after=covered,
                shortfall_before=row.shortfall_before,
                shortfall_after=max(0, gap.required - covered),
            )
        )
    assignments = sorted(
        (
            Assignment(
                member=team[pair.member].reference,
                training=catalogue[pair.option].slug,
                title=catalogue[pair.option].title,
                skills=[
                    SkillLift(skill=skill, from_level=team[pair.member].level(skill), to_level=level)
                    for skill, level in sorted(pair.lifts.items())
                ],
                cost_gbp=catalogue[pair.option].cost_gbp,
                days=catalogue[pair.option].days,
                closes=[RowKey(skill=short[k].gap.skill, level=short[k].gap.level) for k in pair.helps],
            )
            for pair in chosen
        ),
        key=lambda assignment: (assignment.member, assignment.training),
    )
    return TrainingPlan(
        assignments=assignments,
        total_cost_gbp=math.fsum(assignment.cost_gbp for assignment in assignments),
        total_days=math.fsum(assignment.days for assignment in assignments),
        weighted_shortfall_closed=sum(o.weight * (o.shortfall_before - o.shortfall_after) for o in outcomes),
        shortfall_closed=sum(o.shortfall_before - o.shortfall_after for o in outcomes),
        rows=outcomes,
        rows_open=[o for o in outcomes if o.shortfall_after > 0],
        budget_gbp=budget_gbp,
        budget_days=budget_days,
        optimal=optimal,
    )


def plan_training(
    gaps: Sequence[GapRow],
    team: Sequence[TeamMember],
    catalogue: Sequence[TrainingOption],
    budget_gbp: float,
    budget_days: float,
    *,
    time_limit_seconds: float = 10.0,
) -> TrainingPlan:
    """DESIGN §2.3: the optimal plan within both budgets (see the module docstring for the rules).

    Raises ``ValueError`` for a negative or non-finite budget, a non-positive time limit, or
    duplicate member references or training slugs (assignments are named by them).
    """
    _check_inputs(team, catalogue, budget_gbp, budget_days, time_limit_seconds)
    deadline = time.monotonic() + time_limit_seconds
    short = []
    for gap in gaps:
        covered = sum(member.level(gap.skill) >= gap.level for member in team)
        if gap.required > covered:
            short.append(_Row(gap=gap, covered_before=covered, shortfall_before=gap.required - covered))
    pairs = _kept_pairs(team, catalogue, [row.gap for row in short], budget_gbp, budget_days)

    def plan(chosen: Sequence[int], optimal: bool) -> TrainingPlan:
        return _outcome([pairs[i] for i in chosen], team, catalogue, short, budget_gbp, budget_days, optimal)

    model = _Model(pairs, catalogue, short)
    if not model.closure.any():
        return plan([], True)  # nothing can close a row, so spending nothing is optimal
    model.limit(model.cost, -np.inf, budget_gbp)
    model.limit(model.days, -np.inf, budget_days)

    # Stage 1: the most weighted shortfall closed and, among those plans, the cheapest. Closure is a
    # whole number and no plan costs more than ``spend``, so one unit of closure priced above it
    # makes a single objective exactly lexicographic (closure first, then cost).
    spend = min(budget_gbp, float(model.cost.sum()))
    chosen, optimal = model.solve(model.cost - (spend + 1.0) * model.closure, deadline - time.monotonic())
    if chosen is None:
        return plan([], False)
    best = plan(chosen, optimal)
    closure = best.weighted_shortfall_closed
    if closure == 0:
        return plan([], optimal)  # the empty plan closes as much and costs nothing

    # Stage 2: the fewest person-days among plans that close as much for (within a hair) as little.
    # After a time limit HiGHS's incumbent may be worse than the plan held, so it must not lose.
    cost_cap = best.total_cost_gbp + COST_TOLERANCE * max(1.0, best.total_cost_gbp)
    model.limit(model.closure, closure - 0.5, closure + 0.5)
    model.limit(model.cost, -np.inf, cost_cap)
    found, proved = model.solve(model.days, deadline - time.monotonic())
    optimal = optimal and proved
    if found is not None:
        candidate = plan(found, optimal)
        if (
            candidate.weighted_shortfall_closed >= closure
            and candidate.total_cost_gbp <= cost_cap
            and candidate.total_days <= best.total_days
        ):
            chosen = found
    return plan(chosen, optimal)
