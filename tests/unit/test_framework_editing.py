"""Pure edits of a draft: merging skills combines what referred to both, renames follow references."""

from __future__ import annotations

import msgspec
import pytest

from api.framework import editing
from api.framework.etags import PreconditionFailed, PreconditionRequired, item_etag
from taxonomy.load import SHIPPED, load_framework
from taxonomy.model import Development, Requirement, ScenarioRow

SHIPPED_EDITION = load_framework(SHIPPED)
PREVIOUS = frozenset(skill.slug for skill in SHIPPED_EDITION.skills)


def etag(kind: str, key: str) -> str:
    return item_etag(kind, editing.find_item(SHIPPED_EDITION, kind, key)[1])


def test_merging_combines_requirements_rows_and_training() -> None:
    # funding-programmes-officer needs programme-management 3E; give it project-management 4D too.
    role = editing.find_item(SHIPPED_EDITION, "roles", "funding-programmes-officer")[1]
    role = msgspec.structs.replace(
        role,
        requirements=(
            *role.requirements,
            Requirement(skill="project-management", level=4, importance="desirable"),
        ),
    )
    framework = editing._with(
        SHIPPED_EDITION, "roles", [role if r.slug == role.slug else r for r in SHIPPED_EDITION.roles]
    )
    scenario = editing.find_item(framework, "scenarios", "ukspf-delivery")[1]
    scenario = msgspec.structs.replace(
        scenario,
        rows=(
            *scenario.rows,
            ScenarioRow(skill="project-management", level=3, headcount=3, importance="important"),
        ),
    )
    framework = editing._with(
        framework, "scenarios", [scenario if s.slug == scenario.slug else s for s in framework.scenarios]
    )
    option = framework.training[0]
    option = msgspec.structs.replace(
        option,
        develops=(
            Development(skill="programme-management", from_level=2, to_level=3),
            Development(skill="project-management", from_level=1, to_level=4),
        ),
    )
    framework = editing._with(framework, "training", [option, *framework.training[1:]])

    edit = editing.delete_item(
        "skills",
        "project-management",
        item_etag("skills", editing.find_item(framework, "skills", "project-management")[1]),
        "programme-management",
        PREVIOUS,
    )
    merged, changes = edit(framework)
    role_after = editing.find_item(merged, "roles", "funding-programmes-officer")[1]
    requirement = next(r for r in role_after.requirements if r.skill == "programme-management")
    assert (requirement.level, requirement.importance) == (4, "essential")
    assert not any(r.skill == "project-management" for r in role_after.requirements)
    rows = [
        r
        for r in editing.find_item(merged, "scenarios", "ukspf-delivery")[1].rows
        if r.skill == "programme-management"
    ]
    assert [(r.level, r.headcount, r.importance) for r in rows] == [(3, 3, "essential")]
    assert merged.training[0].develops == (
        Development(skill="programme-management", from_level=1, to_level=4),
    )
    target = editing.find_item(merged, "skills", "programme-management")[1]
    assert target.replaces == ("project-management",)
    assert "Project management" in target.alt_labels
    assert changes[0].action == "delete" and {c.kind for c in changes[1:]} >= {"skills", "roles", "scenarios"}
    assert not editing.publish_problems(merged, SHIPPED_EDITION)


def test_renaming_a_published_skill_records_replaces_and_moves_references() -> None:
    skill = editing.find_item(SHIPPED_EDITION, "skills", "bid-writing")[1]
    renamed = msgspec.structs.replace(skill, slug="funding-bids")
    framework, changes = editing.replace_item(
        "skills", "bid-writing", renamed, etag("skills", "bid-writing"), PREVIOUS
    )(SHIPPED_EDITION)
    assert editing.find_item(framework, "skills", "funding-bids")[1].replaces == ("bid-writing",)
    assert changes[0].action == "rename"
    assert all(r.skill != "bid-writing" for role in framework.roles for r in role.requirements)
    assert all(d.skill != "bid-writing" for option in framework.training for d in option.develops)
    assert not editing.publish_problems(framework, SHIPPED_EDITION)


@pytest.mark.parametrize(("if_match", "error"), [(None, PreconditionRequired), ('"old"', PreconditionFailed)])
def test_edits_of_existing_items_need_the_current_etag(if_match: str | None, error: type[Exception]) -> None:
    edit = editing.delete_item("categories", "digital", if_match, None, PREVIOUS)
    with pytest.raises(error):
        edit(SHIPPED_EDITION)
