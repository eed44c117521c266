"""Pure edits of a framework document: add, replace (or rename), delete an item, merge a skill into
another, change a role's requirements — a :class:`~taxonomy.model.Framework` in, the edited
Framework and the change-log lines out. Nothing here reads a database or knows HTTP; the service
(``api.framework.editing``) loads a draft, applies one of these, and writes the result back.

Every kind of item is described once, in the registry at the bottom (:data:`CATEGORIES` …
:data:`TRAINING`): its Struct, how an item is named (its key), the list it lives in, and what a
rename of it changes elsewhere (DESIGN §1). The edits are written once, generically over that
description, so a kind behaves the same in every edit.

Cross-item rules are not enforced edit by edit (a draft may be mid-way through a restructure):
publishing runs ``taxonomy.validate`` on the whole edition and reports every problem. An item's
rules about itself alone are (``ItemKind.problems``: a skill's level indicators), because nothing
later in a restructure could make a bad item good.

Level indicators belong to their skill: they travel with it into a new draft and through a rename,
and a merge keeps the target's (the merged skill's lines describe a different skill).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, NamedTuple, Protocol, TypeVar

import msgspec

from taxonomy.model import (
    IMPORTANCE_WEIGHT,
    Category,
    Development,
    Framework,
    Importance,
    PathwayEdge,
    Requirement,
    Role,
    Scenario,
    ScenarioRow,
    Skill,
    TrainingOption,
)
from taxonomy.normalise import normalise
from taxonomy.validate import indicator_problems

Item = Category | Skill | Role | PathwayEdge | Scenario | TrainingOption
"""An item of a framework edition that can be edited on its own."""
ItemT = TypeVar("ItemT", bound=Item)
KindName = Literal["categories", "skills", "roles", "pathways", "scenarios", "training"]
"""A kind's list on :class:`Framework`, its file (``skills.yaml``) and its name in the change log."""
ItemAction = Literal["create", "update", "rename", "delete"]


class Change(NamedTuple):
    """One line of the change log: what happened to which item, with the item before and after."""

    action: ItemAction
    kind: KindName
    item: str
    before: Item | None
    after: Item | None


class Edited(NamedTuple):
    framework: Framework
    changes: list[Change]


class EditRefused(ValueError):
    """An edit that does not fit the document it is applied to."""


class ItemMissing(EditRefused, LookupError):
    """The item (or the requirement) named is not in the document."""


class ItemExists(EditRefused):
    """Adding or renaming would give two items the same key."""


class ItemInvalid(EditRefused):
    """The item breaks a rule of its own that its Struct cannot state (a skill's indicators)."""

    def __init__(self, message: str, fields: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.fields = fields
        """``(field, message)`` for each problem, the field a path inside the item."""


class MergeRefused(EditRefused):
    """A skill can only be merged into another skill of the same document."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
        """What is wrong with the skill to merge into, for the field error."""


def edge_key(from_role: str, to_role: str) -> str:
    """A pathway edge is named by its two roles."""
    return f"{from_role}->{to_role}"


@dataclass(frozen=True)
class ItemKind(Generic[ItemT]):
    """What the edits need to know about one kind of item."""

    name: KindName
    noun: str
    """How messages name one item: ``skill``, ``pathway edge``."""
    struct: type[ItemT]
    key: Callable[[ItemT], str]
    """An item's name in the edition: its slug, or ``from->to`` for a pathway edge."""
    items: Callable[[Framework], tuple[ItemT, ...]]
    follow_rename: Callable[[Framework, str, str], Edited]
    """The follow-ups of renaming ``old`` to ``new``: every reference to the item moves with it."""
    record_rename: Callable[[ItemT, str], ItemT] | None = None
    """For a kind the next edition's ``replaces`` refers to (skills): a renamed item of the
    previous edition records its old key, so audits made against that edition carry forward."""
    problems: Callable[[ItemT], list[tuple[str, str]]] | None = None
    """The item's own rules beyond its Struct, as ``(field, message)``: checked on every add and
    replace, so a draft never holds an item that publishing would refuse for itself alone."""

    def check(self, item: ItemT) -> None:
        """``ItemInvalid`` with every problem of ``item`` on its own."""
        found = self.problems(item) if self.problems is not None else []
        if found:
            field, message = found[0]
            raise ItemInvalid(f"{self.noun.capitalize()} {self.key(item)!r}: {field}: {message}", found)

    def find(self, framework: Framework, key: str) -> tuple[int, ItemT]:
        """The item's position in its list, and the item."""
        for position, item in enumerate(self.items(framework)):
            if self.key(item) == key:
                return position, item
        raise ItemMissing(f"{self.noun.capitalize()} {key!r} is not in {framework.key}")

    def with_items(self, framework: Framework, items: Sequence[ItemT]) -> Framework:
        return msgspec.structs.replace(framework, **{self.name: tuple(items)})

    def rewrite(self, framework: Framework, change: Callable[[ItemT], ItemT]) -> Edited:
        """Apply ``change`` to every item of this kind; one ``update`` line per item it changed."""
        changes: list[Change] = []
        items = []
        for item in self.items(framework):
            new = change(item)
            if new != item:
                changes.append(Change("update", self.name, self.key(new), item, new))
            items.append(new)
        return Edited(self.with_items(framework, items), changes)


# --- the edits ---------------------------------------------------------------------------------


def add_item(framework: Framework, kind: ItemKind[ItemT], item: ItemT) -> Edited:
    key = kind.key(item)
    kind.check(item)
    if any(kind.key(existing) == key for existing in kind.items(framework)):
        raise ItemExists(f"{kind.noun.capitalize()} {key!r} already exists")
    return Edited(
        kind.with_items(framework, [*kind.items(framework), item]),
        [Change("create", kind.name, key, None, item)],
    )


def replace_item(
    framework: Framework,
    kind: ItemKind[ItemT],
    key: str,
    item: ItemT,
    previous_keys: frozenset[str] = frozenset(),
) -> Edited:
    """Replace one item; a new key renames it and every reference to it follows.

    ``previous_keys`` are the keys of this kind in the edition the draft follows: renaming one of
    them is recorded with the item where its kind says so (a skill's ``replaces``).
    """
    position, current = kind.find(framework, key)
    kind.check(item)
    new_key = kind.key(item)
    renamed = new_key != key
    if renamed and kind.record_rename is not None and key in previous_keys:
        item = kind.record_rename(item, key)
    if item == current:
        return Edited(framework, [])
    items = list(kind.items(framework))
    if renamed and any(kind.key(other) == new_key for other in items):
        raise ItemExists(f"{kind.noun.capitalize()} {new_key!r} already exists")
    items[position] = item
    framework = kind.with_items(framework, items)
    if not renamed:
        return Edited(framework, [Change("update", kind.name, key, current, item)])
    framework, followed = kind.follow_rename(framework, key, new_key)
    return Edited(framework, [Change("rename", kind.name, new_key, current, item), *followed])


def delete_item(framework: Framework, kind: ItemKind[ItemT], key: str) -> Edited:
    """Delete one item. Items that refer to it are left for publishing to report."""
    position, current = kind.find(framework, key)
    items = list(kind.items(framework))
    del items[position]
    return Edited(kind.with_items(framework, items), [Change("delete", kind.name, key, current, None)])


def merge_skill(
    framework: Framework, slug: str, into: str, previous_keys: frozenset[str] = frozenset()
) -> Edited:
    """Delete skill ``slug`` and move every reference to it to ``into``, which gains the old
    skill's labels as alternative labels (users still type them) and its place in ``replaces``."""
    _, merged = SKILLS.find(framework, slug)
    if into == slug or into not in {skill.slug for skill in framework.skills}:
        raise MergeRefused(
            f"Cannot merge {slug!r} into {into!r}: it must be another skill of this draft",
            reason=f"unknown or same skill {into!r}",
        )
    framework, deleted = delete_item(framework, SKILLS, slug)
    framework, absorbed = SKILLS.rewrite(
        framework, lambda skill: _absorb(skill, merged, previous_keys) if skill.slug == into else skill
    )
    framework, repointed = _repoint_skill(framework, slug, into)
    return Edited(framework, deleted + absorbed + repointed)


def put_requirement(framework: Framework, role: str, requirement: Requirement) -> Edited:
    """Add a role's requirement for a skill, or change the one it has."""

    def change(current: Role) -> Role:
        requirements = list(current.requirements)
        skills = [r.skill for r in requirements]
        if requirement.skill in skills:
            requirements[skills.index(requirement.skill)] = requirement
        else:
            requirements.append(requirement)
        return msgspec.structs.replace(current, requirements=tuple(requirements))

    return replace_item(framework, ROLES, role, change(ROLES.find(framework, role)[1]))


def delete_requirement(framework: Framework, role: str, skill: str) -> Edited:
    _, current = ROLES.find(framework, role)
    if skill not in {r.skill for r in current.requirements}:
        raise ItemMissing(f"Role {role!r} has no requirement for {skill!r}")
    kept = tuple(r for r in current.requirements if r.skill != skill)
    return replace_item(framework, ROLES, role, msgspec.structs.replace(current, requirements=kept))


def new_draft(source: Framework, version: str, title: str | None, description: str | None) -> Framework:
    """A draft copied from ``source`` under a new version. ``replaces`` describes the step *into*
    an edition, so the draft's skills start with none."""
    return msgspec.structs.replace(
        source,
        version=version,
        status="draft",
        published_on=None,
        title=title or source.title,
        description=source.description if description is None else description,
        skills=tuple(msgspec.structs.replace(skill, replaces=()) for skill in source.skills),
    )


# --- what a rename or a merge changes elsewhere ------------------------------------------------


def _absorb(target: Skill, merged: Skill, previous_keys: frozenset[str]) -> Skill:
    replaces = [*target.replaces, *merged.replaces]
    if merged.slug in previous_keys:
        replaces.append(merged.slug)
    own = {normalise(label) for label in (target.label, *target.alt_labels)}
    labels = list(target.alt_labels)
    for label in (merged.label, *merged.alt_labels):
        if normalise(label) not in own:
            own.add(normalise(label))
            labels.append(label)
    return msgspec.structs.replace(target, replaces=tuple(dict.fromkeys(replaces)), alt_labels=tuple(labels))


def _stronger(first: Importance, second: Importance) -> Importance:
    return max(first, second, key=IMPORTANCE_WEIGHT.__getitem__)


Entry = TypeVar("Entry", Requirement, ScenarioRow, Development)
"""An entry of an item that names a skill."""


def _repointed(
    entries: tuple[Entry, ...],
    old: str,
    new: str,
    same: Callable[[Entry], Hashable],
    combine: Callable[[Entry, Entry], Entry],
) -> tuple[Entry, ...]:
    """``entries`` with skill ``old`` renamed ``new``; entries that are then the ``same`` become one."""
    merged: dict[Hashable, Entry] = {}
    for entry in entries:
        entry = msgspec.structs.replace(entry, skill=new) if entry.skill == old else entry
        seen = merged.get(same(entry))
        merged[same(entry)] = entry if seen is None else combine(seen, entry)
    return tuple(merged.values())


def _both_requirements(seen: Requirement, other: Requirement) -> Requirement:
    """The higher level and the stronger importance."""
    return Requirement(
        skill=other.skill,
        level=max(seen.level, other.level),
        importance=_stronger(seen.importance, other.importance),
    )


def _both_rows(seen: ScenarioRow, other: ScenarioRow) -> ScenarioRow:
    """The larger headcount and the stronger importance."""
    return msgspec.structs.replace(
        other,
        headcount=max(seen.headcount, other.headcount),
        importance=_stronger(seen.importance, other.importance),
    )


def _both_developments(seen: Development, other: Development) -> Development:
    """The widest range of levels."""
    return Development(
        skill=other.skill,
        from_level=min(seen.from_level, other.from_level),
        to_level=max(seen.to_level, other.to_level),
    )


def _repoint_skill(framework: Framework, old: str, new: str) -> Edited:
    """Every reference to skill ``old`` now names ``new``. Where that makes two entries for the
    same skill (a merge), they become one: the higher level and stronger importance of a
    requirement, the larger headcount of a scenario row, the widest range of a training option."""

    def skill_of(entry: Requirement | Development) -> str:
        return entry.skill

    framework, roles = ROLES.rewrite(
        framework,
        lambda role: msgspec.structs.replace(
            role, requirements=_repointed(role.requirements, old, new, skill_of, _both_requirements)
        ),
    )
    framework, scenarios = SCENARIOS.rewrite(
        framework,
        lambda scenario: msgspec.structs.replace(
            scenario, rows=_repointed(scenario.rows, old, new, lambda row: (row.skill, row.level), _both_rows)
        ),
    )
    framework, options = TRAINING.rewrite(
        framework,
        lambda option: msgspec.structs.replace(
            option, develops=_repointed(option.develops, old, new, skill_of, _both_developments)
        ),
    )
    return Edited(framework, roles + scenarios + options)


def _category_renamed(framework: Framework, old: str, new: str) -> Edited:
    """A renamed category takes its skills with it."""
    return SKILLS.rewrite(
        framework,
        lambda skill: msgspec.structs.replace(skill, category=new) if skill.category == old else skill,
    )


def _role_renamed(framework: Framework, old: str, new: str) -> Edited:
    """A renamed role keeps its pathway edges, from and to it."""

    def edge(current: PathwayEdge) -> PathwayEdge:
        return msgspec.structs.replace(
            current,
            from_role=new if current.from_role == old else current.from_role,
            to_role=new if current.to_role == old else current.to_role,
        )

    return PATHWAYS.rewrite(framework, edge)


def _nothing_refers(framework: Framework, old: str, new: str) -> Edited:
    """No other item refers to an item of this kind."""
    return Edited(framework, [])


def _record_replaced(skill: Skill, old: str) -> Skill:
    return skill if old in skill.replaces else msgspec.structs.replace(skill, replaces=(*skill.replaces, old))


class _Slugged(Protocol):
    @property
    def slug(self) -> str: ...


def _slug(item: _Slugged) -> str:
    return item.slug


# --- the registry: one description per kind ----------------------------------------------------

CATEGORIES = ItemKind(
    "categories", "category", Category, _slug, lambda f: f.categories, follow_rename=_category_renamed
)
SKILLS = ItemKind(
    "skills",
    "skill",
    Skill,
    _slug,
    lambda f: f.skills,
    follow_rename=_repoint_skill,
    record_rename=_record_replaced,
    problems=indicator_problems,
)
ROLES = ItemKind("roles", "role", Role, _slug, lambda f: f.roles, follow_rename=_role_renamed)
PATHWAYS = ItemKind(
    "pathways",
    "pathway edge",
    PathwayEdge,
    lambda edge: edge_key(edge.from_role, edge.to_role),
    lambda f: f.pathways,
    follow_rename=_nothing_refers,
)
SCENARIOS = ItemKind(
    "scenarios", "scenario", Scenario, _slug, lambda f: f.scenarios, follow_rename=_nothing_refers
)
TRAINING = ItemKind(
    "training", "training option", TrainingOption, _slug, lambda f: f.training, follow_rename=_nothing_refers
)
KINDS = (CATEGORIES, SKILLS, ROLES, PATHWAYS, SCENARIOS, TRAINING)
"""Every kind, in the order of the edition's files."""
