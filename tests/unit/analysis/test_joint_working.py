"""Joint working with neighbours (DESIGN §2.4), worked by hand on small councils."""

from __future__ import annotations

import re

import msgspec
import pytest

from api.analysis.joint_working import (
    COMMON_NEED_FORMS,
    HELP_FORMS,
    CouncilView,
    JointCohort,
    JointSkill,
    council_view,
    joint_working,
    suggest,
)
from api.analysis.model import RequirementRow, TeamMember
from taxonomy.model import IMPORTANCE_WEIGHT, Importance, TrainingOption
from tests.helpers import course

BID, DATA, INVEST, PLACE = "bid-writing", "economic-data-analysis", "inward-investment", "place-marketing"


def row(skill: str, level: int, required: int, importance: Importance = "important") -> RequirementRow:
    return RequirementRow(
        skill=skill,
        level=level,
        required=required,
        importance=importance,
        weight=IMPORTANCE_WEIGHT[importance],
    )


def team(prefix: str, *levels: dict[str, int]) -> tuple[TeamMember, ...]:
    return tuple(TeamMember(reference=f"{prefix}-{i:02d}", levels=dict(lv)) for i, lv in enumerate(levels, 1))


def cohort_course(slug: str, skill: str, low: int, high: int, min_cohort: int | None) -> TrainingOption:
    """An in-person course of one skill, where the provider's minimum cohort is what matters."""
    return course(slug, (skill, low, high), cost=1000, days=2, mode="in person", min_cohort=min_cohort)


# Ours: short of BID@3 (2 needed, essential), DATA@2 (important) and INVEST@3 (desirable);
# PLACE@2 is covered twice, so we could lend it.
OURS = council_view(
    "E07000001",
    "Ourtown",
    team("OUR", {PLACE: 3, INVEST: 1}, {PLACE: 2, INVEST: 2}, {}),
    [
        row(BID, 3, 2, "essential"),
        row(DATA, 2, 1),
        row(INVEST, 3, 1, "desirable"),
        row(PLACE, 2, 1, "essential"),
    ],
)


def test_council_view_uses_the_gap_rows_of_section_2_2() -> None:
    shortfalls = {(g.skill, g.level): g.shortfall for g in OURS.gaps}
    assert shortfalls == {(BID, 3): 2, (DATA, 2): 1, (INVEST, 3): 1, (PLACE, 2): 0}


@pytest.mark.parametrize(("holders", "helps"), [(0, False), (1, False), (2, True), (3, True)])
def test_can_help_needs_at_least_two_members_at_the_level(holders: int, helps: bool) -> None:
    # One member at BID@4 counts as ≥ 3; a member at BID@2 never counts.
    neighbour = council_view("E07000002", "Nearby", team("NB", *([{BID: 4}] * holders), {BID: 2}))
    result = suggest(OURS, neighbour, [])
    assert [(s.skill, s.level) for s in result.can_help] == ([(BID, 3)] if helps else [])


def test_own_shortfall_blocks_helping() -> None:
    # Three experts in bid writing, but it needs five at BID@3 itself: it cannot spare anyone.
    short = council_view("E07000002", "Short", team("NB", *[{BID: 4}] * 3), [row(BID, 3, 5)])
    assert suggest(OURS, short, []).can_help == []
    # The same team with a row it does cover is free to help.
    covered = council_view("E07000003", "Covered", team("NB", *[{BID: 4}] * 3), [row(BID, 3, 2)])
    assert [(s.skill, s.level, s.relation) for s in suggest(OURS, covered, []).can_help] == [
        (BID, 3, "can help")
    ]


def test_we_can_help_is_symmetric_and_blocked_by_our_own_shortfall() -> None:
    # It is short of PLACE@2 (we have two there, no shortfall) and of BID@1 (we have nobody).
    neighbour = council_view("E07000002", "Nearby", team("NB", {}), [row(PLACE, 2, 3), row(BID, 1, 1)])
    result = suggest(OURS, neighbour, [])
    assert [(s.skill, s.level, s.relation, s.weight) for s in result.we_can_help] == [
        (PLACE, 2, "we can help", 2)
    ]
    # We have two at INVEST@1 (levels 1 and 2) but our own INVEST@3 row is short, not INVEST@1: we help.
    invest = council_view("E07000003", "Invest", team("NB", {}), [row(INVEST, 1, 4)])
    assert [(s.skill, s.level) for s in suggest(OURS, invest, []).we_can_help] == [(INVEST, 1)]
    # Our own shortfall at the very row blocks it, even with two members at the level.
    ours = council_view("E07000001", "Ourtown", OURS.team, [row(PLACE, 2, 3)])
    assert suggest(ours, neighbour, []).we_can_help == []


def test_common_need_when_both_are_short_at_the_same_row() -> None:
    neighbour = council_view(
        "E07000002", "Nearby", team("NB", {INVEST: 3}), [row(INVEST, 3, 2), row(DATA, 3, 1), row(BID, 3, 1)]
    )
    result = suggest(OURS, neighbour, [])
    # INVEST@3 and BID@3 are common; DATA@3 is not (ours is DATA@2); nobody can help anybody.
    assert [(s.skill, s.level, s.relation) for s in result.common_needs] == [
        (BID, 3, "common need"),
        (INVEST, 3, "common need"),
    ]
    assert result.can_help == [] and result.we_can_help == []
    assert result.score == 2


def test_score_forms_and_order_on_a_worked_example() -> None:
    neighbour = council_view(
        "E07000002",
        "Nearby",
        # Two at BID@3 and DATA@2 → can help both; one at INVEST@3 is not enough, and it is short there.
        team("NB", {BID: 3, DATA: 2}, {BID: 4, DATA: 3}, {INVEST: 3}),
        [row(PLACE, 2, 4), row(INVEST, 3, 2, "essential")],
    )
    result = suggest(OURS, neighbour, [])
    assert result.can_help == [
        JointSkill(skill=BID, level=3, relation="can help", weight=3, forms=list(HELP_FORMS)),
        JointSkill(skill=DATA, level=2, relation="can help", weight=2, forms=list(HELP_FORMS)),
    ]
    assert result.we_can_help == [
        JointSkill(skill=PLACE, level=2, relation="we can help", weight=2, forms=list(HELP_FORMS))
    ]
    # Common need weight is our row's (desirable, 1); it adds 1 to the score whatever the weights.
    assert result.common_needs == [
        JointSkill(skill=INVEST, level=3, relation="common need", weight=1, forms=list(COMMON_NEED_FORMS))
    ]
    assert result.score == 3 + 2 + 2 + 1
    assert HELP_FORMS == ("secondment", "mentoring", "shared service")
    assert COMMON_NEED_FORMS == (
        "joint recruitment or shared post",
        "joint commissioning of training",
        "joint action learning set",
    )


def _invest_neighbour(*levels: int) -> CouncilView:
    return council_view(
        "E07000002", "Nearby", team("NB", *({INVEST: lv} for lv in levels)), [row(INVEST, 3, 5)]
    )


@pytest.mark.parametrize(
    ("their_levels", "min_cohort", "joint"),
    [
        ((1, 2), 4, True),  # we have 2 eligible (levels 1, 2), they have 2: only together
        ((1,), 4, False),  # 3 together: still short
        ((1, 0, 0), 4, False),  # level 0 is outside the course's 1→3 range: 2 + 1 together
        ((1, 2, 2, 2), 4, False),  # they fill it alone
        ((1, 2), 2, False),  # we fill it alone
        ((3, 4, 1), 3, True),  # members at or above the level take no seat
    ],
)
def test_joint_cohort_only_when_neither_alone_but_both_together(
    their_levels: tuple[int, ...], min_cohort: int, joint: bool
) -> None:
    option = cohort_course("investment-promotion", INVEST, 1, 3, min_cohort)
    result = suggest(OURS, _invest_neighbour(*their_levels), [option])
    expected = [
        JointCohort(
            training="investment-promotion",
            title="Investment Promotion",
            skill=INVEST,
            level=3,
            min_cohort=min_cohort,
            note=(
                f"Neither council fills the minimum cohort of {min_cohort} alone; together you do, "
                "so this course is viable only if commissioned jointly."
            ),
        )
    ]
    assert result.joint_cohorts == (expected if joint else [])


def test_joint_cohort_ignores_options_without_a_minimum_or_not_reaching_the_level() -> None:
    neighbour = _invest_neighbour(1, 2)
    options = [
        cohort_course("no-minimum", INVEST, 1, 3, None),
        cohort_course("too-low", INVEST, 1, 2, 4),  # develops INVEST only up to 2, the need is at 3
        cohort_course("other-skill", BID, 0, 4, 4),
        cohort_course("up-to-expert", INVEST, 1, 4, 4),
    ]
    assert [c.training for c in suggest(OURS, neighbour, options).joint_cohorts] == ["up-to-expert"]


def test_ranking_by_score_then_name_and_score_zero_omitted() -> None:
    helper = team("NB", {BID: 3}, {BID: 3})  # can help with BID@3: score 3
    neighbours = [
        council_view("E07000010", "Zeta", helper),
        council_view("E07000011", "Alpha", helper),
        council_view("E07000012", "Mid", team("NB", {DATA: 2}, {DATA: 2})),  # DATA@2: score 2
        council_view("E07000013", "Nothing", team("NB", {PLACE: 4})),  # score 0: omitted
        council_view("E07000014", "Empty", ()),  # no audit rows, no team: omitted
        OURS,  # ourselves: ignored
    ]
    ranked = joint_working(OURS, neighbours, [])
    assert [(s.name, s.score) for s in ranked] == [("Alpha", 3), ("Zeta", 3), ("Mid", 2)]


def test_nothing_to_suggest_without_our_own_needs_or_neighbours() -> None:
    assert joint_working(OURS, [], []) == []
    bare = council_view("E07000001", "Ourtown", OURS.team)
    assert (
        joint_working(bare, [council_view("E07000002", "Nearby", team("NB", {BID: 4}, {BID: 4}))], []) == []
    )


def _scalars(value: object, key: str = "") -> list[tuple[str, object]]:
    """Every scalar in decoded JSON, with the key it sits under."""
    if isinstance(value, dict):
        return [item for k, v in value.items() for item in _scalars(v, k)]
    if isinstance(value, list):
        return [item for v in value for item in _scalars(v, key)]
    return [(key, value)]


def test_privacy_no_member_reference_name_or_count_of_the_neighbour_leaks() -> None:
    # Eight members (six below INVEST@3), required headcounts 9, 10 and 11: none of these may show.
    secret = tuple(
        TeamMember(reference=f"SECRET-REF-{i}", role="ed-officer", levels={BID: 4, DATA: 2, INVEST: lv})
        for i, lv in enumerate((1, 2, 0, 1, 2, 4, 4, 0))
    )
    neighbour = council_view(
        "E07000002", "Nearby", secret, [row(PLACE, 2, 10), row(INVEST, 3, 9, "essential"), row(DATA, 2, 11)]
    )
    options = [cohort_course("investment-promotion", INVEST, 0, 3, 7)]  # we have 3 eligible, it has 6
    ranked = joint_working(OURS, [neighbour], options)
    assert len(ranked) == 1 and ranked[0].joint_cohorts and ranked[0].we_can_help and ranked[0].can_help
    assert ranked[0].score == 3 + 2 + 1 + 1  # BID@3; PLACE@2; DATA@2 and INVEST@3 common
    encoded = msgspec.json.encode(ranked).decode()
    assert "SECRET-REF" not in encoded and "ed-officer" not in encoded
    scalars = _scalars(msgspec.json.decode(encoded))
    assert {key for key, value in scalars if isinstance(value, int)} <= {
        "score",
        "level",
        "weight",
        "min_cohort",
    }
    numbers_in_text = {
        number
        for key, value in scalars
        if isinstance(value, str) and key != "gss"
        for number in re.findall(r"\d+", value)
    }
    assert numbers_in_text == {"7"}  # the course's own minimum cohort, nothing about the neighbour
