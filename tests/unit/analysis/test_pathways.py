"""Career pathways (DESIGN §2.6): readiness arithmetic, reachable roles, route choice and training.

A hand-made edition keeps the numbers small enough to check by hand. Its pathways form a diamond,
trainee → analyst | officer → senior → manager, so two routes of equal length tie and the total
skill gap (then the slug order) decides; ``island`` has no edges at all.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.analysis.model import TeamMember
from api.analysis.pathways import (
    RoleReadiness,
    TrainingRef,
    UnknownRole,
    Unreachable,
    career_pathway,
    role_readiness,
)
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework
from taxonomy.model import (
    Category,
    EdgeKind,
    Framework,
    Importance,
    PathwayEdge,
    ProficiencyLevel,
    Requirement,
    Role,
    Skill,
)
from tests.helpers import course, make_role

SKILLS = ("analysis", "bids", "leadership", "partnerships")
IMPORTANCES: tuple[Importance, ...] = ("essential", "important", "desirable")


def edge(from_role: str, to_role: str, years_min: int = 1, years_max: int | None = 2) -> PathwayEdge:
    kind: EdgeKind = "lateral" if (from_role, to_role) == ("analyst", "officer") else "progression"
    return PathwayEdge(
        from_role=from_role, to_role=to_role, kind=kind, years_min=years_min, years_max=years_max
    )


ROLES = (
    make_role("trainee", "Trainee", 1, ("analysis", 1, "essential"), ("bids", 1, "important")),
    make_role("analyst", "Analyst", 2, ("analysis", 3, "essential"), ("bids", 1, "desirable")),
    make_role("officer", "Officer", 2, ("bids", 2, "essential"), ("partnerships", 2, "important")),
    make_role(
        "senior",
        "Senior officer",
        3,
        ("analysis", 2, "essential"),
        ("bids", 2, "important"),
        ("leadership", 1, "desirable"),
    ),
    make_role("manager", "Manager", 4, ("leadership", 3, "essential"), ("partnerships", 3, "important")),
    make_role("island", "Island", 2, ("analysis", 1, "desirable")),
)

SMALL = Framework(
    id="ed-skills",
    version="2099.1",
    title="Small",
    status="draft",
    levels=tuple(ProficiencyLevel(level=n, name=name, description=name) for n, name in enumerate("ABCDE")),
    categories=(Category(slug="core", name="Core"),),
    skills=tuple(Skill(slug=slug, label=slug.title(), category="core") for slug in SKILLS),
    roles=ROLES,
    pathways=(
        edge("trainee", "analyst"),
        edge("trainee", "officer"),
        edge("analyst", "officer", 0, 1),
        edge("analyst", "senior", 3, 5),
        edge("officer", "senior", 3, 5),
        edge("senior", "manager", 2, None),
    ),
    scenarios=(),
    training=(
        course("stats-intro", ("analysis", 0, 2), cost=200),
        course("data-course", ("analysis", 1, 3), cost=500),
        course("analysis-bootcamp", ("analysis", 0, 3), cost=400),
        course("data-masterclass", ("analysis", 2, 4), cost=1500),
        course("leadership-l5", ("leadership", 0, 3), ("partnerships", 2, 4), cost=3000),
        course("partnership-workshop", ("partnerships", 1, 2), cost=300),
        course("advanced-bids", ("bids", 2, 4), cost=800),
        course("bids-refresher", ("bids", 1, 2), cost=100),
    ),
)


@pytest.fixture(scope="module")
def index() -> FrameworkIndex:
    return FrameworkIndex(SMALL)


def role(slug: str) -> Role:
    return next(r for r in ROLES if r.slug == slug)


# A trainee strong in bids and partnerships, weak in analysis, with no leadership.
ALEX = TeamMember(reference="alex", role="trainee", levels={"analysis": 1, "bids": 2, "partnerships": 2})
# A trainee with no recorded skills at all.
NEW = TeamMember(reference="new", role="trainee")


def test_readiness_arithmetic() -> None:
    # trainee: analysis 1 ≥ 1 (w3), bids 2 ≥ 1 (w2): everything met → 100.0
    assert role_readiness(ALEX, role("trainee")) == 100.0
    # analyst: analysis 1/3 (w3) → 1, bids met (w1) → 1; (1 + 1) / 4 = 0.5 → 50.0
    assert role_readiness(ALEX, role("analyst")) == 50.0
    # senior: analysis 1/2 (w3) → 1.5, bids met (w2) → 2, leadership 0/1 (w1) → 0; 3.5 / 6 = 58.33… → 58.3
    assert role_readiness(ALEX, role("senior")) == 58.3
    # manager: leadership 0/3 (w3) → 0, partnerships 2/3 (w2) → 4/3; (4/3) / 5 = 26.66… → 26.7
    assert role_readiness(ALEX, role("manager")) == 26.7
    # nothing recorded: every met is 0
    assert role_readiness(NEW, role("manager")) == 0.0


def test_readiness_of_a_role_without_requirements_is_full() -> None:
    assert role_readiness(NEW, Role(slug="empty", title="Empty", band=1)) == 100.0


def test_reachable_sorted_by_steps_then_readiness_then_slug(index: FrameworkIndex) -> None:
    pathway = career_pathway(ALEX, index)
    assert pathway.current_role == "trainee"
    assert pathway.current_readiness == 100.0
    assert pathway.reachable == [
        # one step: officer (bids 2 ≥ 2, partnerships 2 ≥ 2 → 100.0) before analyst (50.0)
        RoleReadiness(role="officer", title="Officer", band=2, steps=1, readiness=100.0),
        RoleReadiness(role="analyst", title="Analyst", band=2, steps=1, readiness=50.0),
        RoleReadiness(role="senior", title="Senior officer", band=3, steps=2, readiness=58.3),
        RoleReadiness(role="manager", title="Manager", band=4, steps=3, readiness=26.7),
    ]
    # The member's own role and the unconnected island are not listed.
    assert pathway.target is None
    assert pathway.route is None
    assert pathway.total_gap is None


def test_reachable_ties_on_readiness_fall_back_to_slug(index: FrameworkIndex) -> None:
    # Nothing recorded: analyst and officer are both 0.0 one step away, so slug order decides.
    assert [(r.role, r.readiness) for r in career_pathway(NEW, index).reachable[:2]] == [
        ("analyst", 0.0),
        ("officer", 0.0),
    ]


def test_reachable_follows_edge_direction(index: FrameworkIndex) -> None:
    member = TeamMember(reference="m", role="senior")
    assert [r.role for r in career_pathway(member, index).reachable] == ["manager"]
    assert career_pathway(TeamMember(reference="i", role="island"), index).reachable == []


def test_route_tie_broken_by_smallest_total_gap(index: FrameworkIndex) -> None:
    pathway = career_pathway(ALEX, index, "manager")
    assert pathway.route is not None
    # Both diamond routes have 3 edges. Gaps (Σ max(0, required − level) of the roles entered):
    #   via analyst: analyst (3−1) + senior (2−1 + 0 + 1−0) + manager (3−0 + 3−2) = 2 + 2 + 4 = 8
    #   via officer: officer (0 + 0)  + senior 2 + manager 4                       = 0 + 2 + 4 = 6
    # so the officer route wins although "analyst" sorts first.
    assert [(s.from_role, s.to_role) for s in pathway.route] == [
        ("trainee", "officer"),
        ("officer", "senior"),
        ("senior", "manager"),
    ]
    assert pathway.total_gap == 6
    first, second, third = pathway.route
    assert (first.kind, first.years_min, first.years_max, first.readiness) == ("progression", 1, 2, 100.0)
    assert first.title == "Officer"
    assert first.skills_to_build == []
    assert (second.years_min, second.years_max, second.readiness) == (3, 5, 58.3)
    assert (third.years_min, third.years_max, third.readiness) == (2, None, 26.7)


def test_route_tie_on_gap_falls_back_to_slug_order(index: FrameworkIndex) -> None:
    # Nothing recorded: analyst gap 3 + 1 = 4 and officer gap 2 + 2 = 4 tie, so "analyst" < "officer".
    pathway = career_pathway(NEW, index, "senior")
    assert pathway.route is not None
    assert [s.to_role for s in pathway.route] == ["analyst", "senior"]
    assert pathway.total_gap == 4 + 5  # senior: 2 + 2 + 1


def test_skills_to_build_and_matching_training(index: FrameworkIndex) -> None:
    route = career_pathway(ALEX, index, "manager").route
    assert route is not None
    senior = route[1].skills_to_build
    # Essential before desirable; bids (2 ≥ 2) is met so it is not listed.
    assert [(s.skill, s.label, s.required, s.current, s.importance) for s in senior] == [
        ("analysis", "Analysis", 2, 1, "essential"),
        ("leadership", "Leadership", 1, 0, "desirable"),
    ]
    # Analysis at 1: options starting ≤ 1 and ending > 1. Highest to_level first, then cheapest;
    # data-masterclass (starts at 2) does not match.
    assert senior[0].training == [
        TrainingRef(
            slug="analysis-bootcamp",
            title="Analysis Bootcamp",
            from_level=0,
            to_level=3,
            cost_gbp=400,
            days=1,
        ),
        TrainingRef(slug="data-course", title="Data Course", from_level=1, to_level=3, cost_gbp=500, days=1),
        TrainingRef(slug="stats-intro", title="Stats Intro", from_level=0, to_level=2, cost_gbp=200, days=1),
    ]
    assert [t.slug for t in senior[1].training] == ["leadership-l5"]
    manager = route[2].skills_to_build
    assert [(s.skill, s.current, s.required) for s in manager] == [
        ("leadership", 0, 3),
        ("partnerships", 2, 3),
    ]
    # Partnerships at 2: leadership-l5 develops it 2 → 4 and matches with that development;
    # partnership-workshop (1 → 2) would not take the member above 2.
    assert [(t.slug, t.from_level, t.to_level) for t in manager[1].training] == [("leadership-l5", 2, 4)]


def test_training_falls_back_to_options_reaching_the_required_level(index: FrameworkIndex) -> None:
    route = career_pathway(NEW, index, "officer").route
    assert route is not None
    assert [s.to_role for s in route] == ["officer"]
    bids = next(s for s in route[0].skills_to_build if s.skill == "bids")
    # Bids at 0: no option starts at 0, so both options reaching level 2 are shown with their
    # from_level (the entry level they expect), highest to_level first.
    assert [(t.slug, t.from_level, t.to_level) for t in bids.training] == [
        ("advanced-bids", 2, 4),
        ("bids-refresher", 1, 2),
    ]
    partnerships = next(s for s in route[0].skills_to_build if s.skill == "partnerships")
    # Partnerships at 0: neither option starts at 0; the one reaching 4 comes before the one reaching 2.
    assert [(t.slug, t.from_level, t.to_level) for t in partnerships.training] == [
        ("leadership-l5", 2, 4),
        ("partnership-workshop", 1, 2),
    ]


def test_target_equal_to_current_role(index: FrameworkIndex) -> None:
    pathway = career_pathway(ALEX, index, "trainee")
    assert pathway.target == "trainee"
    assert pathway.route == []
    assert pathway.total_gap == 0


def test_unknown_roles(index: FrameworkIndex) -> None:
    with pytest.raises(UnknownRole):
        career_pathway(ALEX, index, "astronaut")
    with pytest.raises(UnknownRole):
        career_pathway(TeamMember(reference="x", role="astronaut"), index)
    with pytest.raises(UnknownRole):
        career_pathway(TeamMember(reference="x"), index, "astronaut")


def test_unreachable_targets(index: FrameworkIndex) -> None:
    with pytest.raises(Unreachable, match="no pathway"):
        career_pathway(ALEX, index, "island")
    with pytest.raises(Unreachable):
        career_pathway(TeamMember(reference="m", role="manager"), index, "trainee")  # edges are directed
    with pytest.raises(Unreachable, match=r"^the member has no current role"):
        career_pathway(TeamMember(reference="x", levels={"bids": 3}), index, "officer")


def test_member_without_role_has_nothing_reachable(index: FrameworkIndex) -> None:
    pathway = career_pathway(TeamMember(reference="x", levels={"bids": 3}), index)
    assert pathway.current_role is None
    assert pathway.current_readiness is None
    assert pathway.reachable == []
    assert pathway.route is None


levels = st.dictionaries(st.sampled_from(SKILLS), st.integers(min_value=0, max_value=4))
requirements = st.lists(
    st.builds(
        Requirement,
        skill=st.sampled_from(SKILLS),
        level=st.integers(min_value=0, max_value=4),
        importance=st.sampled_from(IMPORTANCES),
    ),
    max_size=6,
)


@given(
    levels=levels,
    extra=requirements,
    skill=st.sampled_from(SKILLS),
    raise_by=st.integers(min_value=1, max_value=4),
)
def test_readiness_is_bounded_and_monotone(
    levels: dict[str, int], extra: list[Requirement], skill: str, raise_by: int
) -> None:
    member = TeamMember(reference="p", role="trainee", levels=levels)
    better = TeamMember(
        reference="p", role="trainee", levels={**levels, skill: levels.get(skill, 0) + raise_by}
    )
    for candidate in (*ROLES, Role(slug="generated", title="Generated", band=1, requirements=tuple(extra))):
        before = role_readiness(member, candidate)
        after = role_readiness(better, candidate)
        assert 0.0 <= before <= 100.0
        assert 0.0 <= after <= 100.0
        assert after >= before


def test_shipped_framework_route_to_director() -> None:
    shipped = FrameworkIndex(load_framework())
    member = TeamMember(
        reference="t1",
        role="ed-trainee",
        levels={
            "economic-data-analysis": 3,
            "communications": 2,
            "bid-writing": 1,
            "programme-management": 1,
        },
    )
    pathway = career_pathway(member, shipped, "director-of-growth")
    assert pathway.route is not None
    assert len(pathway.route) == 5
    assert pathway.route[0].from_role == "ed-trainee"
    assert pathway.route[0].to_role in {"ed-officer", "economic-analyst"}
    assert [s.to_role for s in pathway.route[1:]] == [
        "senior-ed-officer",
        "ed-manager",
        "head-of-economic-development",
        "director-of-growth",
    ]
    assert all(a.to_role == b.from_role for a, b in pairwise(pathway.route))
    assert pathway.total_gap is not None
    assert pathway.total_gap > 0
    assert {r.role for r in pathway.reachable} >= {"ed-officer", "economic-analyst", "director-of-growth"}
