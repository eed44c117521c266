"""Validation of a framework edition: every problem, each with its file, item and field.

Two layers, because a single item cannot check the second: *structure* (each item against its
Struct, field by field, so one item with three bad fields yields three problems) and
*consistency* across items (references, duplicates, shared labels). The same checks run on the
shipped files, on ``edskills framework validate PATH`` and on publishing a draft through the API.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, get_args, get_origin

import msgspec

from taxonomy.model import INDICATOR_LEVELS, Framework, Skill
from taxonomy.normalise import normalise

FILES = {
    "header": "framework.yaml",
    "categories": "categories.yaml",
    "skills": "skills.yaml",
    "roles": "roles.yaml",
    "pathways": "pathways.yaml",
    "scenarios": "scenarios.yaml",
    "training": "training.yaml",
}


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """One thing wrong with a framework: where (file, item, field) and what."""

    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.item}" + (f" .{self.field}" if self.field else "")
        return f"{where}: {self.message}"


class FrameworkInvalid(ValueError):
    """Raised with every problem found, so one run shows the whole list."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the framework")
        self.problems = problems


def item_name(kind: str, index: int, raw: object) -> str:
    """``skills[3] 'bid-writing'``: the position always, the slug (or edge) when there is one."""
    fields = (
        raw
        if isinstance(raw, dict)
        else {name: getattr(raw, name, None) for name in ("slug", "from_role", "to_role")}
    )
    slug = fields.get("slug")
    if slug is None and fields.get("from_role") is not None:
        slug = f"{fields.get('from_role')}->{fields.get('to_role')}"
    return f"{kind}[{index}]" + (f" {slug!r}" if isinstance(slug, str) else "")


def structure_problems(raw: object, struct_type: type[msgspec.Struct], path: str = "") -> list[Problem]:
    """Every structural problem of one raw item, field by field (file and item filled by caller)."""
    if not isinstance(raw, dict):
        return [
            Problem(file="", item="", field=path, message=f"expected a mapping, got {type(raw).__name__}")
        ]
    problems: list[Problem] = []
    fields = {info.encode_name: info for info in msgspec.structs.fields(struct_type)}
    for key in raw.keys() - fields.keys():
        problems.append(Problem(file="", item="", field=_join(path, str(key)), message="unknown field"))
    for name, info in fields.items():
        where = _join(path, name)
        if name not in raw:
            if info.required:
                problems.append(Problem(file="", item="", field=where, message="required field is missing"))
            continue
        value = raw[name]
        element = _struct_element(info.type)
        if element is not None and isinstance(value, list):
            for position, entry in enumerate(value):
                problems.extend(structure_problems(entry, element, f"{where}[{position}]"))
            continue
        try:
            msgspec.convert(value, type=info.type)
        except msgspec.ValidationError as exc:
            message, sub_path = _split(exc)
            problems.append(Problem(file="", item="", field=where + sub_path, message=message))
    return problems


def _struct_element(annotation: Any) -> type[msgspec.Struct] | None:
    """The Struct type inside ``tuple[Struct, ...]``, if that is what a field holds."""
    if get_origin(annotation) is tuple:
        args = get_args(annotation)
        if args and isinstance(args[0], type) and issubclass(args[0], msgspec.Struct):
            return args[0]
    return None


def _split(exc: msgspec.ValidationError) -> tuple[str, str]:
    """msgspec says ``Expected `int` <= 4 - at `$[0].level```; keep the message and the sub-path."""
    message = str(exc)
    if " - at `$" in message:
        text, _, sub_path = message.rpartition(" - at `$")
        return text, sub_path.rstrip("`")
    return message, ""


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def indicator_problems(skill: Skill) -> list[tuple[str, str]]:
    """``(field, message)`` for each thing wrong with a skill's level indicators (DESIGN §1).

    The Struct already bounds each line (one line, 10–300 characters) and the count (at most
    four); what it cannot say: none or *exactly* four, one per level 1–4 (three lines would leave
    a level without one, and which?), and four different lines (a repeated line says two levels
    look the same). The validator and every draft edit of a skill (``taxonomy.edits``) use this.
    """
    indicators = skill.indicators
    if not indicators:
        return []
    if len(indicators) != len(INDICATOR_LEVELS):
        return [
            (
                "indicators",
                f"give none or exactly {len(INDICATOR_LEVELS)} indicators, one for each level "
                f"{INDICATOR_LEVELS[0]} to {INDICATOR_LEVELS[-1]} in order; got {len(indicators)}",
            )
        ]
    problems = []
    first_level: dict[str, int] = {}
    for position, line in enumerate(indicators):
        key = normalise(line)
        level = INDICATOR_LEVELS[position]
        if key in first_level:
            problems.append(
                (
                    f"indicators[{position}]",
                    f"level {level} repeats the indicator of level {first_level[key]}",
                )
            )
        first_level.setdefault(key, level)
    return problems


def consistency_problems(framework: Framework) -> list[Problem]:
    """Cross-item rules: references resolve, slugs and labels are unique, ranges make sense."""
    return list(_consistency(framework))


def _consistency(fw: Framework) -> Iterator[Problem]:
    def problem(kind: str, index: int, item: object, field: str, message: str) -> Problem:
        return Problem(file=FILES[kind], item=item_name(kind, index, item), field=field, message=message)

    levels = sorted(level.level for level in fw.levels)
    if levels != [0, 1, 2, 3, 4]:
        yield Problem(
            file=FILES["header"],
            item="levels",
            field="",
            message=f"the scale must define levels 0 to 4 once each, got {levels}",
        )

    for kind, items in (
        ("categories", fw.categories),
        ("skills", fw.skills),
        ("roles", fw.roles),
        ("scenarios", fw.scenarios),
        ("training", fw.training),
    ):
        yield from _duplicate_slugs(kind, items)

    categories = {category.slug for category in fw.categories}
    skills = {skill.slug for skill in fw.skills}
    roles = {role.slug for role in fw.roles}

    label_owners: dict[str, set[str]] = defaultdict(set)
    for index, skill in enumerate(fw.skills):
        if skill.category not in categories:
            yield problem("skills", index, skill, "category", f"unknown category {skill.category!r}")
        if skill.slug in skill.replaces:
            yield problem("skills", index, skill, "replaces", "a skill cannot replace itself")
        for field, message in indicator_problems(skill):
            yield problem("skills", index, skill, field, message)
        for label in (skill.label, *skill.alt_labels):
            label_owners[normalise(label)].add(skill.slug)
    for index, skill in enumerate(fw.skills):
        for label in (skill.label, *skill.alt_labels):
            others = label_owners[normalise(label)] - {skill.slug}
            if others:
                yield problem(
                    "skills",
                    index,
                    skill,
                    "alt_labels" if label != skill.label else "label",
                    f"label {label!r} is also a label of {', '.join(sorted(others))}",
                )

    title_owners: dict[str, set[str]] = defaultdict(set)
    for role in fw.roles:
        for title in (role.title, *role.alt_titles):
            title_owners[normalise(title)].add(role.slug)
    for index, role in enumerate(fw.roles):
        if not role.requirements:
            yield problem("roles", index, role, "requirements", "a role needs at least one requirement")
        seen: set[str] = set()
        for position, requirement in enumerate(role.requirements):
            field = f"requirements[{position}].skill"
            if requirement.skill not in skills:
                yield problem("roles", index, role, field, f"unknown skill {requirement.skill!r}")
            if requirement.skill in seen:
                yield problem("roles", index, role, field, f"skill {requirement.skill!r} is required twice")
            seen.add(requirement.skill)
        for title in (role.title, *role.alt_titles):
            others = title_owners[normalise(title)] - {role.slug}
            if others:
                yield problem(
                    "roles", index, role, "alt_titles", f"title {title!r} is also a title of {sorted(others)}"
                )

    edges: Counter[tuple[str, str]] = Counter()
    for index, edge in enumerate(fw.pathways):
        for field in ("from_role", "to_role"):
            slug = getattr(edge, field)
            if slug not in roles:
                yield problem("pathways", index, edge, field, f"unknown role {slug!r}")
        if edge.from_role == edge.to_role:
            yield problem("pathways", index, edge, "to_role", "an edge cannot lead to its own role")
        if edge.years_max is not None and edge.years_max < edge.years_min:
            yield problem("pathways", index, edge, "years_max", "years_max is below years_min")
        edges[(edge.from_role, edge.to_role)] += 1
        if edges[(edge.from_role, edge.to_role)] == 2:
            yield problem("pathways", index, edge, "", "duplicate edge")

    for index, scenario in enumerate(fw.scenarios):
        if not scenario.rows:
            yield problem("scenarios", index, scenario, "rows", "a scenario needs at least one row")
        for position, row in enumerate(scenario.rows):
            if row.skill not in skills:
                yield problem(
                    "scenarios", index, scenario, f"rows[{position}].skill", f"unknown skill {row.skill!r}"
                )

    for index, option in enumerate(fw.training):
        if not option.develops:
            yield problem("training", index, option, "develops", "a training option must develop a skill")
        for position, development in enumerate(option.develops):
            where = f"develops[{position}]"
            if development.skill not in skills:
                yield problem(
                    "training", index, option, f"{where}.skill", f"unknown skill {development.skill!r}"
                )
            if development.from_level >= development.to_level:
                yield problem(
                    "training",
                    index,
                    option,
                    f"{where}.to_level",
                    f"to_level {development.to_level} must be above from_level {development.from_level}",
                )
        if option.min_cohort and option.max_cohort and option.min_cohort > option.max_cohort:
            yield problem("training", index, option, "min_cohort", "min_cohort exceeds max_cohort")


def _duplicate_slugs(kind: str, items: Iterable[Any]) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.slug in seen:
            yield Problem(
                file=FILES[kind],
                item=item_name(kind, index, item),
                field="slug",
                message=f"duplicate slug {item.slug!r}",
            )
        seen.add(item.slug)


def replaces_problems(framework: Framework, previous: Framework | None) -> list[Problem]:
    """``replaces`` names skills of the edition this one follows (DESIGN §1); anything else could
    never be carried forward. Checked on publishing, where the previous edition is known."""
    known = {skill.slug for skill in previous.skills} if previous else set()
    problems = []
    for index, skill in enumerate(framework.skills):
        for position, slug in enumerate(skill.replaces):
            if slug not in known:
                where = f"the previous edition {previous.key}" if previous else "any earlier edition"
                problems.append(
                    Problem(
                        file=FILES["skills"],
                        item=item_name("skills", index, skill),
                        field=f"replaces[{position}]",
                        message=f"{slug!r} is not a skill of {where}",
                    )
                )
    return problems
