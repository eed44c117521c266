"""Action learning sets (DESIGN §2.5): worked cases, properties on generated regions and plan quality."""

from __future__ import annotations

import random
import statistics
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.analysis.learning_sets import (
    CouncilTeam,
    LearningSetPlan,
    has_need,
    haversine_km,
    plan_learning_sets,
)
from api.analysis.model import RequirementRow, TeamMember
from taxonomy.model import Requirement, Role

BID, FUNDING, OTHER = "bid-writing", "funding-programmes", "economic-data-analysis"
TOPIC = (BID, FUNDING)

ROLES: dict[str, Role] = {
    f"band-{band}": Role(
        slug=f"band-{band}",
        title=f"Band {band} officer",
        band=band,
        requirements=(
            Requirement(skill=BID, level=min(4, 1 + band // 2), importance="essential"),
            Requirement(skill=FUNDING, level=min(4, (band + 1) // 2), importance="important"),
            Requirement(skill=OTHER, level=3, importance="important"),
        ),
    )
    for band in range(1, 7)
}
NEEDS_ROW = RequirementRow(skill=BID, level=3, required=2, importance="essential", weight=3)


def member(reference: str, band: int | None, **levels: int) -> TeamMember:
    named = {"bid": BID, "funding": FUNDING, "other": OTHER}
    return TeamMember(
        reference=reference,
        role=None if band is None else f"band-{band}",
        levels={named[k]: v for k, v in levels.items()},
    )


def council(
    gss: str,
    lat: float | None,
    lon: float | None,
    members: Sequence[TeamMember],
    rows: Sequence[RequirementRow] = (),
) -> CouncilTeam:
    return CouncilTeam(gss=gss, name=gss, lat=lat, lon=lon, team=tuple(members), rows=tuple(rows))


def needy(prefix: str, count: int, band: int = 2) -> list[TeamMember]:
    """``count`` members of ``band`` with nothing in the topic: all below their role's level."""
    return [member(f"{prefix}-{i:02d}", band) for i in range(count)]


# --- the need rule -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "rows", "expected"),
    [
        (member("a", 2, bid=2, funding=1), (), False),  # band 2 asks BID@2, FUNDING@1: met
        (member("a", 2, bid=1, funding=1), (), True),  # below the role's BID@2
        (member("a", 2, bid=2, funding=1), (NEEDS_ROW,), True),  # below the needs profile's BID@3
        (member("a", None, bid=2), (), False),  # no role, no needs profile: nothing to be below
        (member("a", None, bid=2), (NEEDS_ROW,), True),
        (member("a", 2, bid=4, funding=4, other=0), (), False),  # a gap outside the topic is not a need
        (
            member("a", 2, bid=3, funding=1),
            (NEEDS_ROW, RequirementRow(skill=BID, level=4, required=1, importance="desirable", weight=1)),
            True,  # the highest row level for the skill counts
        ),
    ],
)
def test_development_need(person: TeamMember, rows: tuple[RequirementRow, ...], expected: bool) -> None:
    assert has_need(person, TOPIC, ROLES, rows) is expected


# --- worked cases ----------------------------------------------------------------------------------------


def test_too_few_candidates_are_all_unplaced_with_the_reason() -> None:
    plan = plan_learning_sets(
        TOPIC,
        [
            council("E07000001", 53.0, -2.0, [*needy("A", 3), member("A-ok", 2, bid=3, funding=3)]),
            council("E07000002", 53.1, -2.1, needy("B", 2)),
        ],
        ROLES,
    )
    assert plan.sets == []
    assert [(u.council, u.reference) for u in plan.unplaced] == [
        ("E07000001", "A-00"),
        ("E07000001", "A-01"),
        ("E07000001", "A-02"),
        ("E07000002", "B-00"),
        ("E07000002", "B-01"),
    ]
    assert {u.reason for u in plan.unplaced} == {
        "Only 5 member(s) in these councils have a development need in the topic; a set needs at least 6."
    }


def test_single_council_sets_are_repaired_by_a_swap() -> None:
    # Nine each, far apart: the cheapest cut is 9 + 9 by council; the repair mixes both sets.
    plan = plan_learning_sets(
        TOPIC,
        [council("E07000001", 50.0, -5.0, needy("A", 9)), council("E07000002", 55.0, -1.0, needy("B", 9))],
        ROLES,
    )
    assert [len(s.members) for s in plan.sets] == [9, 9]
    assert all(s.councils == ["E07000001", "E07000002"] for s in plan.sets)
    assert plan.sets[0].max_distance_km == round(haversine_km((50.0, -5.0), (55.0, -1.0)), 1)


def test_bands_are_kept_apart_and_sets_aim_for_nine() -> None:
    councils = [
        council("E07000001", 53.0, -2.0, [*needy("A1", 5, band=1), *needy("A5", 5, band=5)]),
        council("E07000002", 53.1, -2.1, [*needy("B1", 4, band=1), *needy("B5", 4, band=5)]),
    ]
    plan = plan_learning_sets(TOPIC, councils, ROLES)
    assert [(len(s.members), s.band_min, s.band_max) for s in plan.sets] == [(9, 1, 1), (9, 5, 5)]
    assert all(len(s.councils) == 2 for s in plan.sets)
    assert plan.unplaced == []


def test_one_council_only_and_no_centroid_still_forms_sets() -> None:
    plan = plan_learning_sets(TOPIC, [council("E07000001", None, None, needy("A", 20))], ROLES)
    assert [len(s.members) for s in plan.sets] == [10, 10]
    assert all(s.councils == ["E07000001"] and s.max_distance_km == 0 for s in plan.sets)


def test_facilitator_is_an_expert_outside_the_set_nearest_in_band_and_place() -> None:
    far_expert = member("X-far", 2, bid=4, funding=1)
    near_expert = member("X-near", 2, bid=2, funding=4)
    senior_expert = member("X-senior", 6, bid=4)
    councils = [
        council("E07000001", 53.0, -2.0, [*needy("A", 6), senior_expert]),
        council("E07000002", 53.2, -2.2, [*needy("B", 3), near_expert]),
        council("E07000003", 56.0, -4.0, [far_expert]),
    ]
    plan = plan_learning_sets(TOPIC, councils, ROLES)
    # The senior expert has a need (band 6 asks BID@4 and FUNDING@3) and so is in the set.
    assert [len(s.members) for s in plan.sets] == [10]
    facilitator = plan.sets[0].facilitator
    assert facilitator is not None
    assert (facilitator.council, facilitator.reference, facilitator.band) == ("E07000002", "X-near", 2)


def test_no_facilitator_when_the_only_expert_is_in_the_set() -> None:
    expert_with_need = member("A-exp", 2, bid=4, funding=0)  # expert in BID, below band 2's FUNDING@1
    plan = plan_learning_sets(
        TOPIC, [council("E07000001", 53.0, -2.0, [*needy("A", 6), expert_with_need])], ROLES
    )
    assert len(plan.sets) == 1 and plan.sets[0].facilitator is None


def test_facilitators_are_spread_over_sets_when_there_are_enough() -> None:
    councils = [
        council("E07000001", 53.0, -2.0, [*needy("A", 9), member("X-1", 2, bid=4, funding=4)]),
        council("E07000002", 53.1, -2.1, [*needy("B", 9), member("X-2", 2, bid=4, funding=4)]),
    ]
    plan = plan_learning_sets(TOPIC, councils, ROLES)
    chosen = [s.facilitator.reference for s in plan.sets if s.facilitator is not None]
    assert sorted(chosen) == ["X-1", "X-2"]


def test_input_order_does_not_change_the_plan() -> None:
    region = generated_region(7, 12, 15)
    shuffled = list(region)
    random.Random(1).shuffle(shuffled)
    assert plan_learning_sets(TOPIC, region, ROLES) == plan_learning_sets(
        list(reversed(TOPIC)), shuffled, ROLES
    )


@pytest.mark.parametrize(("low", "target", "high"), [(0, 9, 12), (6, 5, 12), (6, 13, 12)])
def test_invalid_sizes_are_rejected(low: int, target: int, high: int) -> None:
    with pytest.raises(ValueError, match="min_size"):
        plan_learning_sets(TOPIC, [], ROLES, min_size=low, target=target, max_size=high)


def test_duplicate_councils_are_rejected() -> None:
    same = council("E07000001", 53.0, -2.0, needy("A", 6))
    with pytest.raises(ValueError, match="once"):
        plan_learning_sets(TOPIC, [same, same], ROLES)


# --- properties on generated regions ----------------------------------------------------------------------


def generated_region(seed: int, councils: int, members: int | Sequence[int]) -> list[CouncilTeam]:
    """A region of councils around the North West: random roles, levels, needs rows and centroids."""
    rng = random.Random(seed)
    sizes = [members] * councils if isinstance(members, int) else list(members)
    region = []
    for index, size in enumerate(sizes):
        team = tuple(
            TeamMember(
                reference=f"M-{index:02d}-{j:02d}",
                role=rng.choice([*ROLES, None]) if rng.random() > 0.05 else "unknown-role",
                levels={skill: rng.choice((0, 1, 2, 2, 3, 3, 4)) for skill in (*TOPIC, OTHER)},
            )
            for j in range(size)
        )
        rows = (NEEDS_ROW,) if rng.random() < 0.5 else ()
        located = rng.random() > 0.05
        region.append(
            council(
                f"E0700{index:04d}",
                rng.uniform(52.8, 54.6) if located else None,
                rng.uniform(-3.2, -1.6) if located else None,
                team,
                rows,
            )
        )
    return region


def oracle_need(person: TeamMember, roles: Mapping[str, Role], rows: Sequence[RequirementRow]) -> bool:
    """The §2.5 need rule written out independently of the module under test."""
    role = roles.get(person.role or "")
    wanted = [(r.skill, r.level) for r in (role.requirements if role else ()) if r.skill in TOPIC]
    wanted += [(r.skill, r.level) for r in rows if r.skill in TOPIC]
    return any(person.levels.get(skill, 0) < level for skill, level in wanted)


def check_plan(plan: LearningSetPlan, region: Sequence[CouncilTeam], low: int = 6, high: int = 12) -> None:
    people = {(c.gss, m.reference): (c, m) for c in region for m in c.team}
    with_need = {key for key, (c, m) in people.items() if oracle_need(m, ROLES, c.rows)}
    placed = [(m.council, m.reference) for s in plan.sets for m in s.members]
    unplaced = [(u.council, u.reference) for u in plan.unplaced]
    assert len(placed) == len(set(placed)), "nobody is in two sets"
    assert not set(placed) & set(unplaced)
    assert sorted(placed + unplaced) == sorted(with_need), "every need is placed or explained; no one else"
    assert all(u.reason for u in plan.unplaced)
    assert [s.number for s in plan.sets] == list(range(1, len(plan.sets) + 1))
    for learning_set in plan.sets:
        assert low <= len(learning_set.members) <= high
        assert learning_set.councils == sorted({m.council for m in learning_set.members})
        bands = [m.band for m in learning_set.members if m.band is not None]
        assert (learning_set.band_min, learning_set.band_max) == (
            (min(bands), max(bands)) if bands else (None, None)
        )
        for m in learning_set.members:
            role = ROLES.get(people[(m.council, m.reference)][1].role or "")
            assert m.band == (role.band if role else None)
        assert learning_set.max_distance_km >= 0
        if len(learning_set.councils) == 1:
            assert learning_set.max_distance_km == 0
        facilitator = learning_set.facilitator
        if facilitator is not None:
            assert (facilitator.council, facilitator.reference) not in {
                (m.council, m.reference) for m in learning_set.members
            }
            person = people[(facilitator.council, facilitator.reference)][1]
            assert max(person.level(skill) for skill in TOPIC) == 4
        else:
            outside = {(m.council, m.reference) for m in learning_set.members}
            assert all(
                max(m.level(skill) for skill in TOPIC) < 4
                for key, (_, m) in people.items()
                if key not in outside
            )


@st.composite
def regions(draw: st.DrawFn) -> list[CouncilTeam]:
    councils = draw(st.integers(3, 40))
    sizes = draw(st.lists(st.integers(0, 30), min_size=councils, max_size=councils))
    return generated_region(draw(st.integers(0, 2**32 - 1)), councils, sizes)


@settings(max_examples=60, deadline=None)
@given(regions())
def test_plan_properties_on_generated_regions(region: list[CouncilTeam]) -> None:
    plan = plan_learning_sets(TOPIC, region, ROLES)
    check_plan(plan, region)
    if sum(len(s.members) for s in plan.sets) + len(plan.unplaced) >= 6:
        assert plan.unplaced == [], "with 6 or more, 6..12 always adds up"


@settings(max_examples=40, deadline=None)
@given(regions(), st.integers(2, 8), st.integers(0, 4), st.data())
def test_other_size_bounds_are_respected(
    region: list[CouncilTeam], low: int, extra: int, data: st.DataObject
) -> None:
    high = low + extra
    target = data.draw(st.integers(low, high))
    plan = plan_learning_sets(TOPIC, region, ROLES, min_size=low, max_size=high, target=target)
    check_plan(plan, region, low, high)


# --- quality ----------------------------------------------------------------------------------------------


def test_quality_on_a_region_of_40_councils_of_30() -> None:
    region = generated_region(2026, 40, 30)
    plan = plan_learning_sets(TOPIC, region, ROLES)  # its time: bench/recommend_bench.py
    check_plan(plan, region)
    sizes = [len(s.members) for s in plan.sets]
    mixed = sum(len(s.councils) >= 2 for s in plan.sets) / len(plan.sets)
    spread = statistics.mean(
        s.band_max - s.band_min for s in plan.sets if s.band_max is not None and s.band_min is not None
    )
    distance = statistics.mean(s.max_distance_km for s in plan.sets)
    located = [(c.lat, c.lon) for c in region if c.lat is not None and c.lon is not None]
    diameter = max(haversine_km(a, b) for a in located for b in located)
    facilitated = sum(s.facilitator is not None for s in plan.sets)
    print(
        f"\n40 × 30: {sum(sizes)} placed in {len(sizes)} sets;"
        f" mean size {statistics.mean(sizes):.2f}; ≥ 2 councils {mixed:.0%}; mean band spread {spread:.2f};"
        f" mean max distance {distance:.1f} km (region {diameter:.0f} km across); facilitators {facilitated}"
    )
    assert 8.5 <= statistics.mean(sizes) <= 9.5
    assert mixed >= 0.95
    assert spread <= 0.25
    assert distance <= diameter / 2
    assert all(s.facilitator is not None for s in plan.sets)
