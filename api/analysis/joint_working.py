"""Joint working with neighbouring councils: DESIGN §2.4.

The caller chooses the candidates (neighbours that share their capability summary and have an audit);
this module only compares gap rows and teams. Its output is shown to *our* council, so it carries
skill slugs, levels, relations, suggested forms and weights only: never another council's member
references, names or headcounts (DESIGN §2.4, last sentence). Counts are used internally and dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import msgspec

from api.analysis.gaps import gap_rows
from api.analysis.model import GapRow, RequirementRow, TeamMember
from taxonomy.model import TrainingOption

Relation = Literal["can help", "we can help", "common need"]

HELPERS_NEEDED = 2
"""DESIGN §2.4: a council can help with ``(s, L)`` only with at least two members at ≥ ``L`` in ``s``;
one person is a single point of failure that a lending council cannot spare."""

HELP_FORMS: tuple[str, ...] = ("secondment", "mentoring", "shared service")
COMMON_NEED_FORMS: tuple[str, ...] = (
    "joint recruitment or shared post",
    "joint commissioning of training",
    "joint action learning set",
)

Key = tuple[str, int]


class CouncilView(msgspec.Struct, frozen=True, kw_only=True):
    """One council as joint working sees it.

    ``gaps`` are the council's own gap rows against its own needs profile (DESIGN §2.2), empty when it
    has no needs profile; build them with :func:`council_view` so the rows follow §2.2 exactly.
    """

    gss: str
    name: str
    team: tuple[TeamMember, ...]
    gaps: tuple[GapRow, ...]


class JointSkill(msgspec.Struct, frozen=True, kw_only=True):
    """One ``(skill, level)`` where the two councils could work together.

    ``weight`` is the weight of the row that has the need: ours for "can help" and "common need",
    the neighbour's for "we can help" (a weight is not a count, so it may be shown).
    """

    skill: str
    level: int
    relation: Relation
    weight: int
    forms: list[str]


class JointCohort(msgspec.Struct, frozen=True, kw_only=True):
    """A course with a minimum cohort that neither council fills alone but both do together."""

    training: str
    title: str
    skill: str
    level: int
    min_cohort: int
    note: str


class NeighbourSuggestion(msgspec.Struct, frozen=True, kw_only=True):
    gss: str
    name: str
    score: int
    can_help: list[JointSkill]
    we_can_help: list[JointSkill]
    common_needs: list[JointSkill]
    joint_cohorts: list[JointCohort]


def council_view(
    gss: str, name: str, team: Sequence[TeamMember], rows: Sequence[RequirementRow] = ()
) -> CouncilView:
    """A :class:`CouncilView` whose gap rows come from :func:`gap_rows` (DESIGN §2.2), not a copy of it."""
    return CouncilView(gss=gss, name=name, team=tuple(team), gaps=tuple(gap_rows(rows, team)))


def _short(view: CouncilView) -> dict[Key, GapRow]:
    """The council's rows with a shortfall; a ``(s, L)`` without a row has no shortfall (§2.4)."""
    return {(gap.skill, gap.level): gap for gap in view.gaps if gap.shortfall > 0}


def _holders(team: Sequence[TeamMember], skill: str, level: int) -> int:
    return sum(member.level(skill) >= level for member in team)


def _can_help(helper: CouncilView, helper_short: dict[Key, GapRow], key: Key) -> bool:
    """DESIGN §2.4: at least two members at ≥ ``L`` in ``s`` and no shortfall of its own at ``(s, L)``."""
    skill, level = key
    return key not in helper_short and _holders(helper.team, skill, level) >= HELPERS_NEEDED


def _eligible(team: Sequence[TeamMember], option: TrainingOption, skill: str, level: int) -> int:
    """Members the option could take towards ``(skill, level)``: in a development's range and below ``L``.

    The range rule is DESIGN §2.3's (``from_level ≤ level < to_level``); a member already at ``L`` has
    no need, so does not fill a seat.
    """
    ranges = [(d.from_level, d.to_level) for d in option.develops if d.skill == skill and d.to_level >= level]
    return sum(
        any(low <= member.level(skill) < high for low, high in ranges) and member.level(skill) < level
        for member in team
    )


def _joint_cohorts(
    ours: CouncilView, theirs: CouncilView, needs: Sequence[Key], catalogue: Sequence[TrainingOption]
) -> list[JointCohort]:
    """DESIGN §2.4: courses for a common need whose minimum cohort only the two councils together fill."""
    cohorts = []
    for skill, level in needs:
        for option in catalogue:
            minimum = option.min_cohort
            if minimum is None or not any(d.skill == skill and d.to_level >= level for d in option.develops):
                continue
            mine = _eligible(ours.team, option, skill, level)
            other = _eligible(theirs.team, option, skill, level)
            if mine < minimum and other < minimum <= mine + other:
                cohorts.append(
                    JointCohort(
                        training=option.slug,
                        title=option.title,
                        skill=skill,
                        level=level,
                        min_cohort=minimum,
                        note=(
                            f"Neither council fills the minimum cohort of {minimum} alone; together you do, "
                            "so this course is viable only if commissioned jointly."
                        ),
                    )
                )
    return sorted(cohorts, key=lambda c: (c.skill, c.level, c.training))


def _ordered(skills: list[JointSkill]) -> list[JointSkill]:
    return sorted(skills, key=lambda s: (-s.weight, s.skill, s.level))


def suggest(
    ours: CouncilView, theirs: CouncilView, catalogue: Sequence[TrainingOption]
) -> NeighbourSuggestion:
    """DESIGN §2.4 for one neighbour, whatever its score (the caller of :func:`joint_working` drops 0s)."""
    our_short, their_short = _short(ours), _short(theirs)
    can_help = [
        JointSkill(skill=s, level=L, relation="can help", weight=gap.weight, forms=list(HELP_FORMS))
        for (s, L), gap in our_short.items()
        if _can_help(theirs, their_short, (s, L))
    ]
    we_can_help = [
        JointSkill(skill=s, level=L, relation="we can help", weight=gap.weight, forms=list(HELP_FORMS))
        for (s, L), gap in their_short.items()
        if _can_help(ours, our_short, (s, L))
    ]
    common = [
        JointSkill(skill=s, level=L, relation="common need", weight=gap.weight, forms=list(COMMON_NEED_FORMS))
        for (s, L), gap in our_short.items()
        if (s, L) in their_short
    ]
    score = sum(s.weight for s in can_help) + sum(s.weight for s in we_can_help) + len(common)
    common = _ordered(common)
    return NeighbourSuggestion(
        gss=theirs.gss,
        name=theirs.name,
        score=score,
        can_help=_ordered(can_help),
        we_can_help=_ordered(we_can_help),
        common_needs=common,
        joint_cohorts=_joint_cohorts(ours, theirs, [(s.skill, s.level) for s in common], catalogue),
    )


def joint_working(
    ours: CouncilView, neighbours: Sequence[CouncilView], catalogue: Sequence[TrainingOption]
) -> list[NeighbourSuggestion]:
    """DESIGN §2.4: neighbours ranked by score (then name, then GSS code), omitting those scoring 0.

    A neighbour with score 0 has nothing to offer or ask, so listing it would only add noise; a
    "neighbour" that is our own council (same GSS code) is ignored.
    """
    suggestions = [suggest(ours, theirs, catalogue) for theirs in neighbours if theirs.gss != ours.gss]
    return sorted((s for s in suggestions if s.score > 0), key=lambda s: (-s.score, s.name, s.gss))
