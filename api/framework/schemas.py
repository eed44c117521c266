"""Wire schemas of the framework reads. Items reuse the file-format Structs of ``taxonomy.model``,
so the API, the files and the OpenAPI document state the same fields and limits."""

from __future__ import annotations

import msgspec

from taxonomy.model import (
    Category,
    EdgeKind,
    Importance,
    PathwayEdge,
    ProficiencyLevel,
    Role,
    Scenario,
    Skill,
    Status,
    TrainingOption,
)


class FrameworkCounts(msgspec.Struct, kw_only=True):
    categories: int
    skills: int
    roles: int
    pathways: int
    scenarios: int
    training: int


class FrameworkSummary(msgspec.Struct, kw_only=True):
    id: str
    version: str
    key: str
    title: str
    status: Status
    published_on: str | None
    description: str
    counts: FrameworkCounts


class FrameworkList(msgspec.Struct, kw_only=True):
    items: list[FrameworkSummary]
    total: int


class LevelList(msgspec.Struct, kw_only=True):
    version: str
    items: list[ProficiencyLevel]
    synonyms: dict[str, int]
    """Words accepted for each level in imports (DESIGN §1)."""


class CategoryOut(msgspec.Struct, kw_only=True):
    slug: str
    name: str
    description: str
    skills: list[str]


class CategoryPage(msgspec.Struct, kw_only=True):
    version: str
    items: list[CategoryOut]
    total: int
    limit: int
    offset: int


class SkillOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    slug: str
    label: str
    category: str
    description: str
    alt_labels: tuple[str, ...]
    score: float | None = None
    """Fuzzy-search score (with ``?q=``): 100 is an exact label."""
    matched_label: str | None = None


class SkillPage(msgspec.Struct, kw_only=True):
    version: str
    items: list[SkillOut]
    total: int
    limit: int
    offset: int


class RoleUse(msgspec.Struct, kw_only=True):
    role: str
    title: str
    level: int
    importance: Importance


class TrainingUse(msgspec.Struct, kw_only=True):
    slug: str
    title: str
    provider: str
    kind: str
    from_level: int
    to_level: int
    cost_gbp: float
    days: float


class SkillLevel(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One level of the scale as it reads for one skill: what a person choosing a level sees."""

    level: int
    name: str
    description: str
    """The scale's line for this level, the same for every skill."""
    indicator: str | None = None
    """What this level looks like for this skill (DESIGN §1 "Skill level indicators"); absent for
    level 0 and for a skill without indicators."""


class SkillDetail(msgspec.Struct, kw_only=True):
    version: str
    skill: Skill
    """The skill as the edition holds it; ``skill.indicators`` lists its lines for levels 1–4."""
    category: Category
    levels: list[SkillLevel]
    """The scale, 0 to 4, each level with this skill's indicator beside it."""
    roles: list[RoleUse]
    training: list[TrainingUse]


class RolePage(msgspec.Struct, kw_only=True):
    version: str
    items: list[Role]
    total: int
    limit: int
    offset: int


class NextRole(msgspec.Struct, kw_only=True):
    role: str
    title: str
    band: int
    kind: EdgeKind
    years_min: int
    years_max: int | None
    notes: str


class RoleDetail(msgspec.Struct, kw_only=True):
    version: str
    role: Role
    next: list[NextRole]
    previous: list[str]


class NextRoles(msgspec.Struct, kw_only=True):
    version: str
    role: str
    items: list[NextRole]


class PathwayList(msgspec.Struct, kw_only=True):
    version: str
    items: list[PathwayEdge]
    total: int


class ScenarioList(msgspec.Struct, kw_only=True):
    version: str
    items: list[Scenario]
    total: int


class ScenarioDetail(msgspec.Struct, kw_only=True):
    version: str
    scenario: Scenario


class TrainingPage(msgspec.Struct, kw_only=True):
    version: str
    items: list[TrainingOption]
    total: int
    limit: int
    offset: int


class TrainingDetail(msgspec.Struct, kw_only=True):
    version: str
    training: TrainingOption
