"""Needs expansion, gap rows, RAG, readiness and progress: DESIGN §2.1, §2.2 and §2.7.

The worked examples state their expected numbers as computed by hand from the DESIGN rules; the
property tests recompute each rule independently of ``api.analysis.gaps``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.analysis.gaps import (
    EmptyNeeds,
    GapRow,
    analyse,
    expand_needs,
    gap_rows,
    member_gaps,
    progress,
    rag,
    rag_counts,
    readiness,
)
from api.analysis.model import RequirementRow, TeamMember
from taxonomy.model import Requirement, Role, Scenario, ScenarioRow
from tests.helpers import make_role

# ---------------------------------------------------------------------------------------------
# Helpers (written from DESIGN, not from the implementation)
# ---------------------------------------------------------------------------------------------

WEIGHT = {"essential": 3, "important": 2, "desirable": 1}
RANK = {"desirable": 1, "important": 2, "essential": 3}
RAG_RANK = {"red": 0, "amber": 1, "green": 2}
IMPORTANCES = ("essential", "important", "desirable")


def row(skill: str, level: int, required: int, importance: str) -> RequirementRow:
    return RequirementRow(
        skill=skill,
        level=level,
        required=required,
        importance=importance,  # type: ignore[arg-type]
        weight=WEIGHT[importance],
    )


def member(reference: str, role: str | None = None, **levels: int) -> TeamMember:
    return TeamMember(
        reference=reference, role=role, levels={k.replace("_", "-"): v for k, v in levels.items()}
    )


def by_key(gaps: Sequence[GapRow]) -> dict[tuple[str, int], GapRow]:
    return {(gap.skill, gap.level): gap for gap in gaps}


def design_rag(covered: int, required: int, importance: str) -> str:
    """DESIGN §2.2 RAG, stated independently of the implementation."""
    if covered == 0:
        return "red"
    if 0 < covered < required:
        return "amber"
    if covered == 1 and importance == "essential":
        return "amber"
    return "green"


def design_sort_key(gap: GapRow) -> tuple[int, int, str, int]:
    return (-(WEIGHT[gap.importance] * gap.shortfall), RAG_RANK[gap.rag], gap.skill, gap.level)


# ---------------------------------------------------------------------------------------------
# §2.1 Expansion
# ---------------------------------------------------------------------------------------------

ROLES = {
    role.slug: role
    for role in (
        make_role(
            "edo",
            "Economic Development Officer",
            2,
            ("data-analysis", 2, "important"),
            ("bid-writing", 3, "essential"),
            ("stakeholder-engagement", 2, "desirable"),
        ),
        make_role(
            "manager",
            "Economic Development Manager",
            4,
            ("data-analysis", 3, "desirable"),
            ("bid-writing", 3, "important"),
            ("stakeholder-engagement", 3, "essential"),
        ),
        make_role("apprentice", "ED Apprentice", 1, ("data-analysis", 1, "desirable")),
    )
}

NET_ZERO = Scenario(
    slug="net-zero",
    title="Net zero",
    rows=(
        ScenarioRow(skill="net-zero-planning", level=2, headcount=1, importance="important"),
        ScenarioRow(skill="data-analysis", level=2, headcount=1, importance="essential"),
    ),
)


def test_expansion_worked_example() -> None:
    rows = expand_needs(
        {"edo": 2, "manager": 1, "apprentice": 0},
        ROLES,
        scenarios=[NET_ZERO],
        extra=[ScenarioRow(skill="bid-writing", level=3, headcount=2, importance="desirable")],
    )
    # By hand (role or source, headcount, importance -> required, row importance):
    #   bid-writing 3:   edo 2 ess + manager 1 imp + extra 2 des  = 5, essential
    #   data-analysis 2: edo 2 imp + net-zero 1 ess               = 3, essential
    #   data-analysis 3: manager 1 des                            = 1, desirable
    #   net-zero-planning 2: net-zero 1 imp                       = 1, important
    #   stakeholder-engagement 2: edo 2 des                       = 2, desirable
    #   stakeholder-engagement 3: manager 1 ess                   = 1, essential
    #   data-analysis 1: apprentice has headcount 0, so no row at all
    expected = {
        ("bid-writing", 3): (5, "essential", 3),
        ("data-analysis", 2): (3, "essential", 3),
        ("data-analysis", 3): (1, "desirable", 1),
        ("net-zero-planning", 2): (1, "important", 2),
        ("stakeholder-engagement", 2): (2, "desirable", 1),
        ("stakeholder-engagement", 3): (1, "essential", 3),
    }
    assert len(rows) == len(expected)
    assert {(r.skill, r.level): (r.required, r.importance, r.weight) for r in rows} == expected


def test_role_with_headcount_zero_contributes_nothing() -> None:
    assert expand_needs({"edo": 0, "manager": 0}, ROLES) == []
    with_zero = expand_needs({"edo": 1, "apprentice": 0}, ROLES)
    without = expand_needs({"edo": 1}, ROLES)
    assert with_zero == without
    assert ("data-analysis", 1) not in {(r.skill, r.level) for r in with_zero}


def test_role_headcount_multiplies_each_requirement() -> None:
    rows = expand_needs({"manager": 3}, ROLES)
    assert {(r.skill, r.level): r.required for r in rows} == {
        ("data-analysis", 3): 3,
        ("bid-writing", 3): 3,
        ("stakeholder-engagement", 3): 3,
    }


@pytest.mark.parametrize(
    ("importances", "expected"),
    [
        (["desirable"], "desirable"),
        (["desirable", "important"], "important"),
        (["important", "desirable"], "important"),
        (["desirable", "essential", "important"], "essential"),
        (["essential", "desirable"], "essential"),
        (["important", "important"], "important"),
    ],
)
def test_row_importance_is_highest_contributor(importances: list[str], expected: str) -> None:
    extra = [
        ScenarioRow(skill="bid-writing", level=2, headcount=1, importance=imp)  # type: ignore[arg-type]
        for imp in importances
    ]
    (only,) = expand_needs({}, {}, extra=extra)
    assert (only.skill, only.level, only.required) == ("bid-writing", 2, len(importances))
    assert only.importance == expected
    assert only.weight == WEIGHT[expected]


def test_scenarios_and_extra_rows_add_to_role_rows() -> None:
    second = Scenario(
        slug="devolution-deal",
        title="Devolution deal",
        rows=(ScenarioRow(skill="bid-writing", level=3, headcount=4, importance="desirable"),),
    )
    rows = expand_needs(
        {"edo": 1},
        ROLES,
        scenarios=[NET_ZERO, second],
        extra=[ScenarioRow(skill="bid-writing", level=3, headcount=1, importance="important")],
    )
    found = {(r.skill, r.level): (r.required, r.importance) for r in rows}
    # edo 1 (essential) + devolution-deal 4 (desirable) + extra 1 (important) = 6, essential
    assert found[("bid-writing", 3)] == (6, "essential")
    # edo 1 (important) + net-zero 1 (essential) = 2, essential
    assert found[("data-analysis", 2)] == (2, "essential")
    # Different level of the same skill is a different row
    assert found[("stakeholder-engagement", 2)] == (1, "desirable")
    assert ("stakeholder-engagement", 3) not in found


# ---------------------------------------------------------------------------------------------
# §2.2 Gap rows: a worked example on a team of four
# ---------------------------------------------------------------------------------------------

WORKED_ROWS = [
    row("bid-writing", 3, 2, "essential"),  # A
    row("data-analysis", 2, 3, "important"),  # B
    row("net-zero-planning", 2, 1, "desirable"),  # C
    row("stakeholder-engagement", 3, 1, "essential"),  # D
    row("project-finance", 2, 1, "important"),  # E
]

WORKED_TEAM = [
    member("EDO-01", "edo", bid_writing=3, data_analysis=2, stakeholder_engagement=2),
    member("EDO-02", "edo", bid_writing=2, data_analysis=3, net_zero_planning=1),
    member("EDO-03", "manager", data_analysis=1, net_zero_planning=4, stakeholder_engagement=3),
    member("EDO-04", None, bid_writing=1, project_finance=1),
]

# (skill, level): (covered, near, shortfall, rag) by hand
#   A bid-writing 3, N 2:       levels 3,2,0,1 -> covered 1 (01), near 1 (02); short 1; amber (1 < 2)
#   B data-analysis 2, N 3:     levels 2,3,1,0 -> covered 2 (01,02), near 1 (03); short 1; amber (2 < 3)
#   C net-zero-planning 2, N 1: levels 0,1,4,0 -> covered 1 (03), near 1 (02); short 0; green
#   D stakeholder 3, N 1 ess.:  levels 2,0,3,0 -> covered 1 (03), near 1 (01); short 0; amber (single point)
#   E project-finance 2, N 1:   levels 0,0,0,1 -> covered 0, near 1 (04); short 1; red
WORKED_EXPECTED = {
    ("bid-writing", 3): (1, 1, 1, "amber"),
    ("data-analysis", 2): (2, 1, 1, "amber"),
    ("net-zero-planning", 2): (1, 1, 0, "green"),
    ("stakeholder-engagement", 3): (1, 1, 0, "amber"),
    ("project-finance", 2): (0, 1, 1, "red"),
}


def test_worked_example_covered_near_shortfall_rag() -> None:
    gaps = gap_rows(WORKED_ROWS, WORKED_TEAM)
    assert len(gaps) == 5
    assert {k: (g.covered, g.near, g.shortfall, g.rag) for k, g in by_key(gaps).items()} == WORKED_EXPECTED
    for gap in gaps:
        assert gap.weight == WEIGHT[gap.importance]


def test_worked_example_sort_order() -> None:
    gaps = gap_rows(WORKED_ROWS, WORKED_TEAM)
    # weight x shortfall: A 3x1=3, B 2x1=2, E 2x1=2, D 3x0=0, C 1x0=0
    # B and E tie on 2: E is red, B amber -> E first.  D and C tie on 0: D amber, C green -> D first.
    assert [(g.skill, g.level) for g in gaps] == [
        ("bid-writing", 3),
        ("project-finance", 2),
        ("data-analysis", 2),
        ("stakeholder-engagement", 3),
        ("net-zero-planning", 2),
    ]


def test_worked_example_readiness() -> None:
    gaps = gap_rows(WORKED_ROWS, WORKED_TEAM)
    # Σw = 3 + 2 + 1 + 3 + 2 = 11
    # A 3·min(1,2)/2 = 1.5; B 2·min(2,3)/3 = 4/3; C 1·1/1 = 1; D 3·1/1 = 3; E 2·0/1 = 0
    # Σ = 1.5 + 4/3 + 1 + 3 = 41/6;  41/6 ÷ 11 = 41/66 = 0.62121…  -> 62.1 %
    assert readiness(gaps) == 62.1


def test_worked_example_rag_counts_and_analyse() -> None:
    counts = rag_counts(gap_rows(WORKED_ROWS, WORKED_TEAM))
    assert (counts.red, counts.amber, counts.green) == (1, 3, 1)
    result = analyse(WORKED_ROWS, WORKED_TEAM, ROLES)
    assert [(g.skill, g.level) for g in result.rows] == [
        (g.skill, g.level) for g in gap_rows(WORKED_ROWS, WORKED_TEAM)
    ]
    assert result.readiness == 62.1
    assert (result.counts.red, result.counts.amber, result.counts.green) == (1, 3, 1)
    assert [m.reference for m in result.members] == ["EDO-01", "EDO-02", "EDO-03", "EDO-04"]


def test_shortfall_is_zero_when_over_covered_and_readiness_caps_at_required() -> None:
    rows = [row("bid-writing", 2, 2, "important"), row("data-analysis", 1, 2, "desirable")]
    team = [member(f"EDO-0{i}", bid_writing=3) for i in range(1, 6)]
    gaps = by_key(gap_rows(rows, team))
    assert (gaps[("bid-writing", 2)].covered, gaps[("bid-writing", 2)].shortfall) == (5, 0)
    # A skill nobody has recorded is level 0: everyone is "near" a level-1 row
    assert (gaps[("data-analysis", 1)].covered, gaps[("data-analysis", 1)].near) == (0, 5)
    # Σw = 3; bid-writing 2·min(5,2)/2 = 2 (extra cover does not count); data-analysis 0 -> 2/3 = 66.7 %
    assert readiness(list(gaps.values())) == 66.7


def test_near_is_exactly_one_level_below() -> None:
    rows = [row("bid-writing", 3, 1, "important")]
    team = [
        member("A", bid_writing=0),
        member("B", bid_writing=1),
        member("C", bid_writing=2),
        member("D", bid_writing=2),
        member("E", bid_writing=4),
    ]
    (gap,) = gap_rows(rows, team)
    assert (gap.covered, gap.near) == (1, 2)


@pytest.mark.parametrize(
    ("covered", "required", "importance", "expected"),
    [
        # red when covered is 0, whatever N or importance
        (0, 1, "essential", "red"),
        (0, 1, "important", "red"),
        (0, 1, "desirable", "red"),
        (0, 3, "important", "red"),
        (0, 5, "desirable", "red"),
        # amber when 0 < covered < N
        (1, 3, "important", "amber"),
        (2, 3, "desirable", "amber"),
        (2, 3, "essential", "amber"),
        (1, 2, "desirable", "amber"),
        (4, 5, "important", "amber"),
        # amber when one person covers an essential row, even if N = 1
        (1, 1, "essential", "amber"),
        # green otherwise
        (1, 1, "important", "green"),
        (1, 1, "desirable", "green"),
        (2, 2, "essential", "green"),
        (2, 1, "essential", "green"),
        (3, 2, "important", "green"),
        (5, 1, "desirable", "green"),
    ],
)
class TestRagCases:
    def test_rag_function(self, covered: int, required: int, importance: str, expected: str) -> None:
        assert rag(covered, required, importance) == expected

    def test_rag_on_gap_row(self, covered: int, required: int, importance: str, expected: str) -> None:
        team = [member(f"M-{i}", bid_writing=3) for i in range(covered)]
        team += [member("X-1", bid_writing=2), member("X-2")]
        (gap,) = gap_rows([row("bid-writing", 3, required, importance)], team)
        assert gap.covered == covered
        assert gap.shortfall == max(0, required - covered)
        assert gap.rag == expected


# ---------------------------------------------------------------------------------------------
# §2.2 Sort order, tie by tie
# ---------------------------------------------------------------------------------------------


def test_sort_by_weight_times_shortfall_not_weight_alone() -> None:
    rows = [row("alpha", 2, 1, "important"), row("beta", 2, 3, "desirable")]
    gaps = gap_rows(rows, [member("A"), member("B")])
    # alpha: 2x1 = 2; beta: 1x3 = 3 -> beta first although its weight is lower
    assert [g.skill for g in gaps] == ["beta", "alpha"]


def test_sort_red_before_amber_on_equal_product_even_against_skill_order() -> None:
    rows = [row("zeta", 2, 2, "desirable"), row("alpha", 2, 2, "important")]
    team = [member("A", alpha=2), member("B")]
    gaps = gap_rows(rows, team)
    # zeta: covered 0, 1x2 = 2, red; alpha: covered 1, 2x1 = 2, amber
    assert [(g.skill, g.rag) for g in gaps] == [("zeta", "red"), ("alpha", "amber")]


def test_sort_amber_before_green_on_equal_product_even_against_skill_order() -> None:
    rows = [row("alpha", 2, 1, "important"), row("zeta", 2, 1, "essential")]
    team = [member("A", alpha=2, zeta=2), member("B")]
    gaps = gap_rows(rows, team)
    # both shortfall 0; zeta is a single point of failure on an essential row -> amber first
    assert [(g.skill, g.rag) for g in gaps] == [("zeta", "amber"), ("alpha", "green")]


def test_sort_then_skill_slug_then_level() -> None:
    rows = [
        row("beta", 1, 1, "important"),
        row("alpha", 3, 1, "important"),
        row("alpha", 1, 1, "important"),
        row("alpha", 2, 1, "important"),
    ]
    gaps = gap_rows(rows, [member("A"), member("B"), member("C")])
    # All red with 2x1 = 2: skill slug, then level
    assert [(g.skill, g.level) for g in gaps] == [("alpha", 1), ("alpha", 2), ("alpha", 3), ("beta", 1)]


# ---------------------------------------------------------------------------------------------
# §2.2 Readiness edge cases and empty needs
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        # rows: bid-writing 2 N2 essential (w3), data-analysis 3 N1 desirable (w1); Σw = 4
        ((0, 0), 0.0),  # nothing covered
        ((2, 0), 37.5),  # 3·1/2 = 1.5; 1.5/4 = 0.375
        ((2, 3), 62.5),  # 1.5 + 1 = 2.5; 2.5/4 = 0.625
        ((4, 4), 100.0),  # 3·2/2 + 1 = 4 (two members at 4: both rows full)
    ],
)
def test_readiness_examples(levels: tuple[int, int], expected: float) -> None:
    rows = [row("bid-writing", 2, 2, "essential"), row("data-analysis", 3, 1, "desirable")]
    bw, da = levels
    team = [member("A", bid_writing=bw, data_analysis=da)]
    if levels == (4, 4):
        team.append(member("B", bid_writing=4))
    assert readiness(gap_rows(rows, team)) == expected


def test_readiness_one_decimal_for_thirds() -> None:
    rows = [row("bid-writing", 1, 3, "important")]
    # 2·min(1,3)/3 ÷ 2 = 1/3 -> 33.3 ; with two members 2/3 -> 66.7
    assert readiness(gap_rows(rows, [member("A", bid_writing=1)])) == 33.3
    assert readiness(gap_rows(rows, [member("A", bid_writing=1), member("B", bid_writing=2)])) == 66.7


def test_empty_needs_is_an_error() -> None:
    assert issubclass(EmptyNeeds, ValueError)
    with pytest.raises(EmptyNeeds):
        readiness([])
    with pytest.raises(EmptyNeeds):
        analyse([], WORKED_TEAM, ROLES)
    no_rows = expand_needs({"edo": 0}, ROLES)
    assert no_rows == []
    with pytest.raises(EmptyNeeds):
        analyse(no_rows, WORKED_TEAM, ROLES)
    with pytest.raises(EmptyNeeds):
        progress([], WORKED_TEAM, WORKED_TEAM)


def test_empty_team_is_all_red_and_zero_readiness() -> None:
    gaps = gap_rows(WORKED_ROWS, [])
    assert {g.rag for g in gaps} == {"red"}
    assert all(g.shortfall == g.required for g in gaps)
    assert readiness(gaps) == 0.0


# ---------------------------------------------------------------------------------------------
# §2.2 Per member: against their own role's requirements
# ---------------------------------------------------------------------------------------------


def test_member_requirements_met_and_short_by() -> None:
    team = [
        member("EDO-01", "edo", data_analysis=2, bid_writing=1),
        member("MGR-01", "manager", data_analysis=4, bid_writing=3, stakeholder_engagement=2),
        member("NEW-01", None, data_analysis=4),
        member("APP-01", "apprentice"),
    ]
    found = {m.reference: m for m in member_gaps(team, ROLES)}
    assert list(found) == ["EDO-01", "MGR-01", "NEW-01", "APP-01"]

    edo = found["EDO-01"]
    # data-analysis 2 vs 2 met; bid-writing 1 vs 3 short 2; stakeholder-engagement 0 vs 2 short 2
    assert edo.role == "edo"
    assert (edo.met, edo.total) == (1, 3)
    assert {(r.skill, r.level): (r.member_level, r.met, r.short_by) for r in edo.requirements} == {
        ("data-analysis", 2): (2, True, 0),
        ("bid-writing", 3): (1, False, 2),
        ("stakeholder-engagement", 2): (0, False, 2),
    }
    assert {r.skill: r.importance for r in edo.requirements} == {
        "data-analysis": "important",
        "bid-writing": "essential",
        "stakeholder-engagement": "desirable",
    }

    mgr = found["MGR-01"]
    # data-analysis 4 vs 3 met (short 0, never negative); bid-writing 3 vs 3 met; stakeholder 2 vs 3 short 1
    assert (mgr.met, mgr.total) == (2, 3)
    assert {(r.skill, r.level): (r.member_level, r.met, r.short_by) for r in mgr.requirements} == {
        ("data-analysis", 3): (4, True, 0),
        ("bid-writing", 3): (3, True, 0),
        ("stakeholder-engagement", 3): (2, False, 1),
    }

    no_role = found["NEW-01"]
    assert (no_role.role, no_role.met, no_role.total, no_role.requirements) == (None, 0, 0, [])

    app = found["APP-01"]
    assert (app.met, app.total) == (0, 1)
    assert [(r.member_level, r.met, r.short_by) for r in app.requirements] == [(0, False, 1)]


# ---------------------------------------------------------------------------------------------
# §2.7 Progress review
# ---------------------------------------------------------------------------------------------

PROGRESS_ROWS = [
    row("bid-writing", 3, 2, "essential"),  # w3
    row("data-analysis", 2, 1, "important"),  # w2
    row("net-zero-planning", 2, 1, "desirable"),  # w1
]
EARLIER = [
    member("EDO-01", "edo", bid_writing=3, data_analysis=2),
    member("EDO-02", "edo", bid_writing=2, net_zero_planning=2),
    member("EDO-03", "apprentice", data_analysis=1),
]
LATER = [
    member("EDO-02", "edo", bid_writing=3, net_zero_planning=1),
    member("EDO-03", "apprentice", data_analysis=1),
    member("EDO-04", "manager", bid_writing=4, data_analysis=3),
]


def test_progress_worked_example() -> None:
    result = progress(PROGRESS_ROWS, EARLIER, LATER)
    # Before: bid-writing 3 covered 1 (01) of 2 -> amber; data-analysis 2 covered 1 (01) of 1 -> green;
    #         net-zero-planning 2 covered 1 (02) of 1 -> green
    # After:  bid-writing 3 covered 2 (02, 04) -> green (better); data-analysis 2 covered 1 (04) -> green
    #         (same); net-zero-planning 2 covered 0 (02 dropped to 1) -> red (worse)
    assert {
        (r.skill, r.level): (
            r.required,
            r.importance,
            r.covered_before,
            r.covered_after,
            r.rag_before,
            r.rag_after,
            r.change,
        )
        for r in result.rows
    } == {
        ("bid-writing", 3): (2, "essential", 1, 2, "amber", "green", "better"),
        ("data-analysis", 2): (1, "important", 1, 1, "green", "green", "same"),
        ("net-zero-planning", 2): (1, "desirable", 1, 0, "green", "red", "worse"),
    }
    assert len(result.rows) == 3
    # Σw = 6.  Before: 3·1/2 + 2·1 + 1·1 = 4.5 -> 4.5/6 = 75.0 %
    #          After:  3·2/2 + 2·1 + 1·0 = 5   -> 5/6 = 83.33… -> 83.3 %
    assert result.readiness_before == 75.0
    assert result.readiness_after == 83.3
    assert sorted(result.joined) == ["EDO-04"]
    assert sorted(result.left) == ["EDO-01"]


def test_progress_joined_and_left_lists() -> None:
    before = [member("A"), member("B"), member("C")]
    after = [member("C"), member("D"), member("E")]
    result = progress([row("bid-writing", 1, 1, "desirable")], before, after)
    assert sorted(result.joined) == ["D", "E"]
    assert sorted(result.left) == ["A", "B"]
    (only,) = result.rows
    assert (only.covered_before, only.covered_after, only.change) == (0, 0, "same")


@pytest.mark.parametrize(
    ("before_level", "after_level", "change"),
    [
        (0, 1, "better"),  # red -> amber (single point on an essential row)
        (1, 0, "worse"),  # amber -> red
        (0, 0, "same"),  # red -> red
        (1, 1, "same"),  # amber -> amber
    ],
)
def test_progress_change_single_essential_row(before_level: int, after_level: int, change: str) -> None:
    rows = [row("bid-writing", 1, 1, "essential")]
    result = progress(rows, [member("A", bid_writing=before_level)], [member("A", bid_writing=after_level)])
    assert [r.change for r in result.rows] == [change]
    assert result.joined == []
    assert result.left == []


def test_progress_amber_to_green_is_better() -> None:
    rows = [row("bid-writing", 1, 2, "important")]
    result = progress(
        rows,
        [member("A", bid_writing=1), member("B")],
        [member("A", bid_writing=1), member("B", bid_writing=2)],
    )
    (only,) = result.rows
    assert (only.rag_before, only.rag_after, only.change) == ("amber", "green", "better")
    # before 2·1/2 ÷ 2 = 50.0 ; after 2·2/2 ÷ 2 = 100.0
    assert (result.readiness_before, result.readiness_after) == (50.0, 100.0)


# ---------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------

SKILLS = ("alpha", "beta", "gamma", "delta")
importances = st.sampled_from(IMPORTANCES)


@st.composite
def teams(draw: st.DrawFn, min_size: int = 0) -> list[TeamMember]:
    size = draw(st.integers(min_value=min_size, max_value=7))
    return [
        TeamMember(
            reference=f"M-{i:02d}",
            levels=draw(st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 4), max_size=len(SKILLS))),
        )
        for i in range(size)
    ]


@st.composite
def requirement_rows(draw: st.DrawFn) -> list[RequirementRow]:
    keyed = draw(
        st.dictionaries(
            st.tuples(st.sampled_from(SKILLS), st.integers(0, 4)),
            st.tuples(st.integers(1, 6), importances),
            min_size=1,
            max_size=10,
        )
    )
    return [row(skill, level, required, imp) for (skill, level), (required, imp) in keyed.items()]


def level_of(m: TeamMember, skill: str) -> int:
    return m.levels.get(skill, 0)


@given(rows=requirement_rows(), team=teams())
def test_each_row_follows_the_rules(rows: list[RequirementRow], team: list[TeamMember]) -> None:
    gaps = gap_rows(rows, team)
    assert sorted((g.skill, g.level, g.required, g.importance) for g in gaps) == sorted(
        (r.skill, r.level, r.required, r.importance) for r in rows
    )
    for gap in gaps:
        covered = sum(1 for m in team if level_of(m, gap.skill) >= gap.level)
        near = sum(1 for m in team if level_of(m, gap.skill) == gap.level - 1)
        assert gap.covered == covered
        assert gap.near == near
        assert gap.shortfall == max(0, gap.required - covered)
        assert gap.weight == WEIGHT[gap.importance]
        assert gap.rag == design_rag(covered, gap.required, gap.importance)


@given(rows=requirement_rows(), team=teams())
def test_rows_are_sorted_by_the_rule(rows: list[RequirementRow], team: list[TeamMember]) -> None:
    gaps = gap_rows(rows, team)
    keys = [design_sort_key(g) for g in gaps]
    assert keys == sorted(keys)


@given(rows=requirement_rows(), team=teams())
def test_readiness_is_a_percentage_with_one_decimal(
    rows: list[RequirementRow], team: list[TeamMember]
) -> None:
    gaps = gap_rows(rows, team)
    value = readiness(gaps)
    assert 0.0 <= value <= 100.0
    exact = (
        100
        * sum(WEIGHT[g.importance] * min(g.covered, g.required) / g.required for g in gaps)
        / sum(WEIGHT[g.importance] for g in gaps)
    )
    assert abs(value - exact) <= 0.05 + 1e-9
    assert abs(value * 10 - round(value * 10)) < 1e-6
    counts = rag_counts(gaps)
    assert counts.red + counts.amber + counts.green == len(gaps)
    assert counts.red == sum(1 for g in gaps if g.covered == 0)


@settings(max_examples=200)
@given(rows=requirement_rows(), team=teams(min_size=1), data=st.data())
def test_raising_a_level_never_lowers_cover_or_readiness(
    rows: list[RequirementRow], team: list[TeamMember], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(team) - 1), label="member")
    skill = data.draw(st.sampled_from(SKILLS), label="skill")
    old = level_of(team[index], skill)
    new = data.draw(st.integers(old, 4), label="new level")
    raised = list(team)
    raised[index] = TeamMember(
        reference=team[index].reference, role=team[index].role, levels={**team[index].levels, skill: new}
    )
    before = gap_rows(rows, team)
    after = by_key(gap_rows(rows, raised))
    for gap in before:
        assert after[(gap.skill, gap.level)].covered >= gap.covered
    assert readiness(list(after.values())) >= readiness(before)


@given(rows=requirement_rows(), team=teams())
def test_progress_against_itself_is_all_same(rows: list[RequirementRow], team: list[TeamMember]) -> None:
    result = progress(rows, team, team)
    assert len(result.rows) == len(rows)
    for item in result.rows:
        assert item.change == "same"
        assert item.covered_before == item.covered_after
        assert item.rag_before == item.rag_after
    assert result.readiness_before == result.readiness_after == readiness(gap_rows(rows, team))
    assert result.joined == []
    assert result.left == []


@st.composite
def needs_profiles(
    draw: st.DrawFn,
) -> tuple[dict[str, int], dict[str, Role], list[Scenario], list[ScenarioRow]]:
    requirement = st.builds(
        Requirement, skill=st.sampled_from(SKILLS), level=st.integers(0, 4), importance=importances
    )
    scenario_row = st.builds(
        ScenarioRow,
        skill=st.sampled_from(SKILLS),
        level=st.integers(0, 4),
        headcount=st.integers(1, 5),
        importance=importances,
    )
    slugs = ("role-a", "role-b", "role-c")
    roles = {
        slug: Role(slug=slug, title=slug, band=1, requirements=tuple(draw(st.lists(requirement, max_size=4))))
        for slug in slugs
    }
    establishment = draw(st.dictionaries(st.sampled_from(slugs), st.integers(0, 4)))
    scenarios = [
        Scenario(slug=f"s-{i}", title="s", rows=tuple(rows))
        for i, rows in enumerate(draw(st.lists(st.lists(scenario_row, max_size=3), max_size=2)))
    ]
    extra = draw(st.lists(scenario_row, max_size=3))
    return establishment, roles, scenarios, extra


@given(profile=needs_profiles())
def test_expansion_sums_headcounts_and_takes_highest_importance(
    profile: tuple[dict[str, int], dict[str, Role], list[Scenario], list[ScenarioRow]],
) -> None:
    establishment, roles, scenarios, extra = profile
    contributions: list[tuple[str, int, int, str]] = [
        (req.skill, req.level, headcount, req.importance)
        for slug, headcount in establishment.items()
        for req in roles[slug].requirements
    ]
    contributions += [(r.skill, r.level, r.headcount, r.importance) for s in scenarios for r in s.rows]
    contributions += [(r.skill, r.level, r.headcount, r.importance) for r in extra]
    expected: dict[tuple[str, int], tuple[int, str]] = {}
    for skill, level, headcount, imp in contributions:
        if headcount == 0:
            continue
        total, best = expected.get((skill, level), (0, "desirable"))
        expected[(skill, level)] = (total + headcount, imp if RANK[imp] > RANK[best] else best)

    rows = expand_needs(establishment, roles, scenarios=scenarios, extra=extra)
    assert len(rows) == len({(r.skill, r.level) for r in rows})
    assert {(r.skill, r.level): (r.required, r.importance) for r in rows} == expected
    for r in rows:
        assert r.weight == WEIGHT[r.importance]
        assert r.required >= 1
