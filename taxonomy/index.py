"""A framework edition with the lookups the service needs, built once per edition.

Published editions never change, so one ``FrameworkIndex`` per edition is built on first use and
shared by every request of a worker; the matchers inside it are built lazily on first match.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

import msgspec

from taxonomy.match import Matcher
from taxonomy.model import (
    Category,
    Framework,
    PathwayEdge,
    Requirement,
    Role,
    Scenario,
    Skill,
    TrainingOption,
)


class RoleNeed(msgspec.Struct, frozen=True, kw_only=True):
    """A role that requires a skill, and at what level."""

    role: Role
    requirement: Requirement


class FrameworkIndex:
    def __init__(self, framework: Framework) -> None:
        self.framework = framework
        self.categories: dict[str, Category] = {category.slug: category for category in framework.categories}
        self.skills: dict[str, Skill] = {skill.slug: skill for skill in framework.skills}
        self.roles: dict[str, Role] = {role.slug: role for role in framework.roles}
        self.scenarios: dict[str, Scenario] = {scenario.slug: scenario for scenario in framework.scenarios}
        self.training: dict[str, TrainingOption] = {option.slug: option for option in framework.training}
        self.skills_in_category: dict[str, list[Skill]] = defaultdict(list)
        for skill in framework.skills:
            self.skills_in_category[skill.category].append(skill)
        self.roles_needing: dict[str, list[RoleNeed]] = defaultdict(list)
        for role in framework.roles:
            for requirement in role.requirements:
                self.roles_needing[requirement.skill].append(RoleNeed(role=role, requirement=requirement))
        self.training_for: dict[str, list[TrainingOption]] = defaultdict(list)
        for option in framework.training:
            for skill_slug in dict.fromkeys(development.skill for development in option.develops):
                self.training_for[skill_slug].append(option)
        self.edges_from: dict[str, list[PathwayEdge]] = defaultdict(list)
        for edge in framework.pathways:
            self.edges_from[edge.from_role].append(edge)

    @property
    def key(self) -> str:
        return self.framework.key

    @cached_property
    def skill_matcher(self) -> Matcher:
        return Matcher(
            (skill.slug, label)
            for skill in self.framework.skills
            for label in (skill.label, *skill.alt_labels)
        )

    @cached_property
    def role_matcher(self) -> Matcher:
        return Matcher(
            (role.slug, title) for role in self.framework.roles for title in (role.title, *role.alt_titles)
        )
