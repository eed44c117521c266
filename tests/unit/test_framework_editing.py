"""Pure edits of a framework document (``taxonomy.edits``): every kind through the one registry,
renames that take their references along, merges that combine what referred to both skills, and
the If-Match guard the service puts around each edit of an existing item."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.framework import editing
from api.framework.etags import item_etag
from api.preconditions import PreconditionFailed, PreconditionRequired
from taxonomy import edits
from taxonomy.edits import CATEGORIES, KINDS, PATHWAYS, ROLES, SCENARIOS, SKILLS, TRAINING, ItemKind
from taxonomy.load import SHIPPED, load_framework
from taxonomy.model import SLUG_PATTERN, Development, Framework, Requirement, Role, ScenarioRow

SHIPPED_EDITION = load_framework(SHIPPED)
PREVIOUS = frozenset(skill.slug for skill in SHIPPED_EDITION.skills)
SLUGGED = (CATEGORIES, SKILLS, ROLES, SCENARIOS, TRAINING)
"""The kinds named by a slug (a pathway edge is named by its two roles)."""

new_slugs = st.from_regex(SLUG_PATTERN, fullmatch=True).filter(
    lambda slug: len(slug) <= 80 and slug not in {key for kind in KINDS for key in _keys(kind)}
)


def _keys(kind: ItemKind[edits.ItemT]) -> set[str]:
    return {kind.key(item) for item in kind.items(SHIPPED_EDITION)}


def _renamed(kind: ItemKind[edits.ItemT], item: edits.ItemT, slug: str) -> edits.ItemT:
    if kind is PATHWAYS:
        return msgspec.structs.replace(item, to_role=slug)
    return msgspec.structs.replace(item, slug=slug)


def _replace(
    framework: Framework,
    kind: ItemKind[edits.ItemT],
    position: int,
    change: Callable[[edits.ItemT], edits.ItemT],
) -> Framework:
    items = list(kind.items(framework))
    items[position] = change(items[position])
    return kind.with_items(framework, items)


def _append(
    framework: Framework, kind: ItemKind[edits.ItemT], key: str, field: str, entry: object
) -> Framework:
    """``entry`` added at the end of the ``field`` of one item."""

    def append(item: edits.ItemT) -> edits.ItemT:
        return msgspec.structs.replace(item, **{field: (*getattr(item, field), entry)})

    return _replace(framework, kind, kind.find(framework, key)[0], append)


def _references(framework: Framework, kind: ItemKind[edits.ItemT], key: str) -> int:
    """How many fields of other items name ``key`` of ``kind``."""
    if kind is CATEGORIES:
        return sum(skill.category == key for skill in framework.skills)
    if kind is ROLES:
        return sum((edge.from_role, edge.to_role).count(key) for edge in framework.pathways)
    if kind is SKILLS:
        named = [r.skill for role in framework.roles for r in role.requirements]
        named += [row.skill for scenario in framework.scenarios for row in scenario.rows]
        named += [d.skill for option in framework.training for d in option.develops]
        return named.count(key)
    return 0


def shipped_items(kinds: tuple[ItemKind[Any], ...]) -> st.SearchStrategy[tuple[ItemKind[Any], Any]]:
    """A kind and one of its items in the shipped edition."""
    return st.sampled_from(kinds).flatmap(
        lambda kind: st.tuples(st.just(kind), st.sampled_from(kind.items(SHIPPED_EDITION)))
    )


@settings(deadline=None, max_examples=30)
@given(shipped=shipped_items(KINDS), slug=new_slugs)
def test_adding_then_deleting_an_item_leaves_the_document_unchanged(
    shipped: tuple[ItemKind[edits.ItemT], edits.ItemT], slug: str
) -> None:
    kind, item = shipped
    item = _renamed(kind, item, slug)
    added, created = edits.add_item(SHIPPED_EDITION, kind, item)
    assert [(c.action, c.kind, c.item) for c in created] == [("create", kind.name, kind.key(item))]
    assert kind.find(added, kind.key(item))[1] == item
    assert edits.delete_item(added, kind, kind.key(item)).framework == SHIPPED_EDITION


@settings(deadline=None, max_examples=30)
@given(shipped=shipped_items(SLUGGED), slug=new_slugs)
def test_renaming_moves_every_reference_and_renaming_back_restores_the_document(
    shipped: tuple[ItemKind[edits.ItemT], edits.ItemT], slug: str
) -> None:
    kind, item = shipped
    old = kind.key(item)
    renamed, changes = edits.replace_item(SHIPPED_EDITION, kind, old, _renamed(kind, item, slug))
    assert (changes[0].action, changes[0].item) == ("rename", slug)
    assert [change.action for change in changes[1:]] == ["update"] * (len(changes) - 1)
    # Every reference moved with the item, and each item that changed for it is logged.
    assert (_references(renamed, kind, old), _references(renamed, kind, slug)) == (
        0,
        _references(SHIPPED_EDITION, kind, old),
    )
    assert len(changes) - 1 <= _references(SHIPPED_EDITION, kind, old)
    back, _ = edits.replace_item(renamed, kind, slug, item)
    assert back == SHIPPED_EDITION


@given(shipped=shipped_items(KINDS))
def test_writing_an_item_unchanged_changes_nothing(
    shipped: tuple[ItemKind[edits.ItemT], edits.ItemT],
) -> None:
    kind, item = shipped
    assert edits.replace_item(SHIPPED_EDITION, kind, kind.key(item), item, PREVIOUS) == (SHIPPED_EDITION, [])


@given(role=st.sampled_from(SHIPPED_EDITION.roles), level=st.integers(0, 4))
def test_a_new_requirement_put_then_deleted_leaves_the_role_unchanged(role: Role, level: int) -> None:
    slug = role.slug
    requirement = Requirement(skill="a-skill-no-role-needs", level=level, importance="important")
    added, changes = edits.put_requirement(SHIPPED_EDITION, slug, requirement)
    assert ROLES.find(added, slug)[1].requirements[-1] == requirement
    assert [(c.action, c.kind, c.item) for c in changes] == [("update", "roles", slug)]
    assert edits.delete_requirement(added, slug, "a-skill-no-role-needs").framework == SHIPPED_EDITION


def test_merging_combines_requirements_rows_and_training() -> None:
    # funding-programmes-officer needs programme-management 3E; give it project-management 4D too.
    framework = _append(
        SHIPPED_EDITION,
        ROLES,
        "funding-programmes-officer",
        "requirements",
        Requirement(skill="project-management", level=4, importance="desirable"),
    )
    framework = _append(
        framework,
        SCENARIOS,
        "ukspf-delivery",
        "rows",
        ScenarioRow(skill="project-management", level=3, headcount=3, importance="important"),
    )
    framework = _replace(
        framework,
        TRAINING,
        0,
        lambda option: msgspec.structs.replace(
            option,
            develops=(
                Development(skill="programme-management", from_level=2, to_level=3),
                Development(skill="project-management", from_level=1, to_level=4),
            ),
        ),
    )

    merged, changes = edits.merge_skill(framework, "project-management", "programme-management", PREVIOUS)
    role_after = ROLES.find(merged, "funding-programmes-officer")[1]
    requirement = next(r for r in role_after.requirements if r.skill == "programme-management")
    assert (requirement.level, requirement.importance) == (4, "essential")
    assert not any(r.skill == "project-management" for r in role_after.requirements)
    rows = [r for r in SCENARIOS.find(merged, "ukspf-delivery")[1].rows if r.skill == "programme-management"]
    assert [(r.level, r.headcount, r.importance) for r in rows] == [(3, 3, "essential")]
    assert merged.training[0].develops == (
        Development(skill="programme-management", from_level=1, to_level=4),
    )
    target = SKILLS.find(merged, "programme-management")[1]
    assert target.replaces == ("project-management",)
    assert "Project management" in target.alt_labels
    assert changes[0].action == "delete" and {c.kind for c in changes[1:]} >= {"skills", "roles", "scenarios"}
    assert not editing.publish_problems(merged, SHIPPED_EDITION)


def test_renaming_a_published_skill_records_replaces_and_moves_references() -> None:
    skill = SKILLS.find(SHIPPED_EDITION, "bid-writing")[1]
    renamed = msgspec.structs.replace(skill, slug="funding-bids")
    framework, changes = edits.replace_item(SHIPPED_EDITION, SKILLS, "bid-writing", renamed, PREVIOUS)
    assert SKILLS.find(framework, "funding-bids")[1].replaces == ("bid-writing",)
    assert changes[0].action == "rename"
    assert all(r.skill != "bid-writing" for role in framework.roles for r in role.requirements)
    assert all(d.skill != "bid-writing" for option in framework.training for d in option.develops)
    assert not editing.publish_problems(framework, SHIPPED_EDITION)
    # A skill that is new in the draft has no earlier edition to carry forward from.
    _, new = edits.replace_item(SHIPPED_EDITION, SKILLS, "bid-writing", renamed)
    assert new[0].after is not None and new[0].after == renamed


@pytest.mark.parametrize(
    ("edit", "error", "message"),
    [
        (
            lambda f: edits.add_item(f, CATEGORIES, f.categories[0]),
            edits.ItemExists,
            f"Category {SHIPPED_EDITION.categories[0].slug!r} already exists",
        ),
        (
            lambda f: edits.delete_item(f, ROLES, "no-such-role"),
            edits.ItemMissing,
            f"Role 'no-such-role' is not in {SHIPPED_EDITION.key}",
        ),
        (
            lambda f: edits.replace_item(
                f, SKILLS, "bid-writing", msgspec.structs.replace(f.skills[0], slug="communications")
            ),
            edits.ItemExists,
            "Skill 'communications' already exists",
        ),
        (
            lambda f: edits.delete_item(f, PATHWAYS, "ed-officer->nowhere"),
            edits.ItemMissing,
            "Pathway edge 'ed-officer->nowhere' is not in",
        ),
        (
            lambda f: edits.merge_skill(f, "bid-writing", "bid-writing"),
            edits.MergeRefused,
            "Cannot merge 'bid-writing' into 'bid-writing': it must be another skill of this draft",
        ),
        (
            lambda f: edits.merge_skill(f, "bid-writing", "no-such-skill"),
            edits.MergeRefused,
            "Cannot merge 'bid-writing' into 'no-such-skill'",
        ),
        (
            lambda f: edits.delete_requirement(f, "ed-officer", "no-such-skill"),
            edits.ItemMissing,
            "Role 'ed-officer' has no requirement for 'no-such-skill'",
        ),
    ],
)
def test_edits_that_do_not_fit_the_document_are_refused(
    edit: Callable[[Framework], edits.Edited], error: type[edits.EditRefused], message: str
) -> None:
    with pytest.raises(error, match=f"^{re.escape(message)}"):
        edit(SHIPPED_EDITION)


@pytest.mark.parametrize(("if_match", "error"), [(None, PreconditionRequired), ('"old"', PreconditionFailed)])
def test_edits_of_existing_items_need_the_current_etag(if_match: str | None, error: type[Exception]) -> None:
    def delete(framework: Framework) -> edits.Edited:
        return edits.delete_item(framework, CATEGORIES, "digital")

    with pytest.raises(error):
        editing.guarded(CATEGORIES, "digital", if_match, delete)(SHIPPED_EDITION)
    current = item_etag("categories", CATEGORIES.find(SHIPPED_EDITION, "digital")[1])
    framework, changes = editing.guarded(CATEGORIES, "digital", current, delete)(SHIPPED_EDITION)
    assert [c.action for c in changes] == ["delete"] and "digital" not in {
        c.slug for c in framework.categories
    }
