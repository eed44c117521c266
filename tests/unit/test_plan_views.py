"""The plan page's placements name the neighbours that can host them (issue 18: "a plan that says which
neighbour to second someone to"), from the same ``placement_hosts`` the JSON route returns."""

from __future__ import annotations

from pathlib import Path

from api.analysis.training_plan import Assignment, SkillLift, TrainingPlan
from api.recommendations.schemas import PlacementHost
from api.recommendations.views import placements
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework

EDITION = Path(__file__).resolve().parents[2] / "taxonomy" / "data" / "ed-skills-2026.1"


def _plan(*assignments: Assignment) -> TrainingPlan:
    return TrainingPlan(
        assignments=list(assignments),
        total_cost_gbp=0,
        total_days=0,
        weighted_shortfall_closed=0,
        shortfall_closed=0,
        rows=[],
        rows_open=[],
        budget_gbp=0,
        budget_days=0,
        optimal=True,
    )


def _placement(member: str, training: str) -> Assignment:
    lift = SkillLift(skill="bid-writing", from_level=1, to_level=3)
    return Assignment(member=member, training=training, title="T", skills=[lift], cost_gbp=0, days=1)


def test_each_placement_names_its_hosts_and_only_its_own() -> None:
    index = FrameworkIndex(load_framework(EDITION))
    host = PlacementHost(
        member="EDO-01",
        training="secondment",
        kind="secondment",
        skill="bid-writing",
        councils=["E08000037", "E06000057"],
        names=["Gateshead", "Northumberland"],
    )
    shown = placements(
        index, _plan(_placement("EDO-01", "secondment"), _placement("EDO-02", "course")), [host]
    )
    label = index.skills["bid-writing"].label
    assert shown[0].hosts == [f"Gateshead ({label})", f"Northumberland ({label})"]
    assert shown[1].hosts == []
    assert placements(index, _plan(_placement("EDO-01", "secondment")))[0].hosts == []
