"""The validator reports every problem of an edition with its file, item and field."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from taxonomy.load import SHIPPED, check_directory, dump_directory, load_framework
from taxonomy.model import (
    Category,
    Development,
    Framework,
    PathwayEdge,
    ProficiencyLevel,
    Requirement,
    Role,
    Scenario,
    ScenarioRow,
    Skill,
    TrainingOption,
)
from taxonomy.validate import FrameworkInvalid

LEVELS = tuple(ProficiencyLevel(level=n, name=name, description=name) for n, name in enumerate("ABCDE"))

SMALL = Framework(
    id="ed-skills",
    version="2099.1",
    title="Small",
    status="draft",
    levels=LEVELS,
    categories=(Category(slug="funding", name="Funding"),),
    skills=(
        Skill(slug="bid-writing", label="Bid writing", category="funding", alt_labels=("funding bids",)),
        Skill(slug="project-management", label="Project management", category="funding", alt_labels=("PM",)),
    ),
    roles=(
        Role(
            slug="officer",
            title="Officer",
            band=2,
            requirements=(Requirement(skill="bid-writing", level=2, importance="essential"),),
        ),
        Role(
            slug="manager",
            title="Manager",
            band=5,
            requirements=(Requirement(skill="project-management", level=3, importance="important"),),
        ),
    ),
    pathways=(PathwayEdge(from_role="officer", to_role="manager", kind="progression", years_min=2),),
    scenarios=(
        Scenario(
            slug="ukspf",
            title="UKSPF",
            rows=(ScenarioRow(skill="bid-writing", level=3, headcount=1, importance="essential"),),
        ),
    ),
    training=(
        TrainingOption(
            slug="bids-course",
            provider="IED",
            title="Bids",
            kind="course",
            mode="online",
            develops=(Development(skill="bid-writing", from_level=1, to_level=2),),
            cost_gbp=300,
            days=1,
        ),
    ),
)


@pytest.fixture
def edition(tmp_path: Path) -> Path:
    dump_directory(SMALL, tmp_path)
    return tmp_path


def edit(directory: Path, file: str, change: Callable[[Any], None]) -> None:
    path = directory / file
    content = yaml.safe_load(path.read_text())
    change(content)
    path.write_text(yaml.safe_dump(content, sort_keys=False))


def test_a_valid_edition_round_trips_through_the_files(edition: Path) -> None:
    assert load_framework(edition) == SMALL


def _set(path: tuple[Any, ...], value: Any) -> Callable[[Any], None]:
    def change(content: Any) -> None:
        target = content
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


CASES = [
    # (file, change, expected file, item, field, message fragment)
    (
        "roles.yaml",
        _set((0, "requirements", 0, "level"), 5),
        "roles.yaml",
        "roles[0] 'officer'",
        "requirements[0].level",
        "<= 4",
    ),
    (
        "roles.yaml",
        _set((0, "requirements", 0, "skill"), "bid-writting"),
        "roles.yaml",
        "roles[0] 'officer'",
        "requirements[0].skill",
        "unknown skill 'bid-writting'",
    ),
    (
        "roles.yaml",
        _set((1, "requirements"), []),
        "roles.yaml",
        "roles[1] 'manager'",
        "requirements",
        "at least one requirement",
    ),
    (
        "skills.yaml",
        _set((1, "slug"), "bid-writing"),
        "skills.yaml",
        "skills[1] 'bid-writing'",
        "slug",
        "duplicate slug",
    ),
    (
        "skills.yaml",
        _set((1, "alt_labels"), ["Funding  Bids!"]),
        "skills.yaml",
        "skills[1] 'project-management'",
        "alt_labels",
        "also a label of bid-writing",
    ),
    (
        "skills.yaml",
        _set((0, "category"), "fundng"),
        "skills.yaml",
        "skills[0] 'bid-writing'",
        "category",
        "unknown category 'fundng'",
    ),
    (
        "skills.yaml",
        _set((0, "colour"), "red"),
        "skills.yaml",
        "skills[0] 'bid-writing'",
        "colour",
        "unknown field",
    ),
    (
        "pathways.yaml",
        _set((0, "to_role"), "director"),
        "pathways.yaml",
        "pathways[0] 'officer->director'",
        "to_role",
        "unknown role 'director'",
    ),
    (
        "training.yaml",
        _set((0, "develops", 0, "to_level"), 1),
        "training.yaml",
        "training[0] 'bids-course'",
        "develops[0].to_level",
        "must be above from_level 1",
    ),
    (
        "scenarios.yaml",
        _set((0, "rows", 0, "skill"), "nope"),
        "scenarios.yaml",
        "scenarios[0] 'ukspf'",
        "rows[0].skill",
        "unknown skill 'nope'",
    ),
]


@pytest.mark.parametrize(("file", "change", "where", "item", "field", "message"), CASES)
def test_each_problem_names_file_item_and_field(
    edition: Path, file: str, change: Callable[[Any], None], where: str, item: str, field: str, message: str
) -> None:
    edit(edition, file, change)
    _, problems = check_directory(edition)
    assert any(
        p.file == where and p.item == item and p.field == field and message in p.message for p in problems
    ), [str(p) for p in problems]


def test_every_problem_is_reported_not_just_the_first(edition: Path) -> None:
    """One problem in each of seven items: all seven come back in one run."""
    one_per_item = [case for case in CASES if case[5] not in {"<= 4", "duplicate slug", "unknown field"}]
    for file, change, *_ in one_per_item:
        edit(edition, file, change)
    with pytest.raises(FrameworkInvalid) as raised:
        load_framework(edition)
    reported = {(p.file, p.item, p.field) for p in raised.value.problems}
    expected = {(where, item, field) for _, _, where, item, field, _ in one_per_item}
    # A shared label is a problem of both skills that carry it.
    assert reported == expected | {("skills.yaml", "skills[0] 'bid-writing'", "alt_labels")}


def test_one_item_with_several_bad_fields_reports_each(edition: Path) -> None:
    edit(edition, "roles.yaml", _set((0, "band"), 9))
    edit(edition, "roles.yaml", _set((0, "requirements", 0, "importance"), "vital"))
    _, problems = check_directory(edition)
    fields = {p.field for p in problems if p.item == "roles[0] 'officer'"}
    assert {"band", "requirements[0].importance"} <= fields


def test_missing_file_and_bad_yaml_are_problems(edition: Path) -> None:
    (edition / "training.yaml").unlink()
    (edition / "scenarios.yaml").write_text("- slug: [unclosed\n")
    _, problems = check_directory(edition)
    assert {p.file for p in problems} >= {"training.yaml", "scenarios.yaml"}


def test_the_shipped_edition_is_valid() -> None:
    framework = load_framework(SHIPPED)
    assert framework.key == "ed-skills@2026.1"
    assert (len(framework.categories), len(framework.skills), len(framework.roles)) == (10, 62, 12)
    assert (len(framework.pathways), len(framework.scenarios)) == (18, 4)
    assert len(framework.training) >= 25
    assert all(len(skill.alt_labels) >= 4 for skill in framework.skills)
