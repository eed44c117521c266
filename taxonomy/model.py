"""The framework file format: one msgspec Struct per kind of item.

These Structs are the contract for the YAML files under ``taxonomy/data/`` and for every
place the service handles framework content (drafts, exports, the in-memory index). The
constraints live in the types (``Meta``) so that files, the API and the OpenAPI document
all state the same limits. Cross-item rules (references, duplicates) live in
``taxonomy.validate`` because a single item cannot check them.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Kebab-case slugs: the one rule for every framework identifier, in files, bodies and paths."""
SLUG_MAX_LENGTH = 80
VERSION_PATTERN = r"^\d{4}\.\d{1,3}$"
"""Edition numbers: year, dot, release (``2026.1``)."""
VERSION_MAX_LENGTH = 8

Slug = Annotated[
    str,
    Meta(
        pattern=SLUG_PATTERN,
        min_length=1,
        max_length=SLUG_MAX_LENGTH,
        description="Stable kebab-case identifier.",
        examples=["economic-data-analysis"],
    ),
]
Level = Annotated[int, Meta(ge=0, le=4, description="Proficiency level, 0 (None) to 4 (Expert).")]
Label = Annotated[str, Meta(min_length=1, max_length=200)]
Text = Annotated[str, Meta(max_length=4000)]
INDICATOR_LEVELS = (1, 2, 3, 4)
"""The levels a skill's indicators describe, in order: level 0 (None) needs no description."""
INDICATOR_PATTERN = r"^[^\x00-\x1f\x7f]*$(?!\n)"
"""One line, no control characters: the rule of ``api.text.SINGLE_LINE_PATTERN`` (``taxonomy`` never
imports ``api``; a test keeps the two equal, so a body's error reads the same)."""
Indicator = Annotated[
    str,
    Meta(
        min_length=10,
        max_length=300,
        pattern=INDICATOR_PATTERN,
        description="What one level looks like for this skill: one plain-English line.",
        examples=["Records outputs in the council's UKSPF claim template accurately, given the definitions."],
    ),
]
Indicators = Annotated[
    tuple[Indicator, ...],
    Meta(
        max_length=len(INDICATOR_LEVELS),
        description=(
            "What each level looks like for this skill (DESIGN §1): none, or exactly four lines, "
            "the first for level 1 (Awareness) and the last for level 4 (Expert)."
        ),
    ),
]
"""The type bounds the count at 4; "none or exactly four" needs a union of two array types, which
msgspec does not allow, so ``taxonomy.validate.indicator_problems`` refuses 1 to 3 lines (files,
publishing and draft edits all call it)."""
Headcount = Annotated[int, Meta(ge=1, le=10_000)]
Band = Annotated[int, Meta(ge=1, le=6, description="Seniority band: 1 entry ... 6 director.")]
Version = Annotated[
    str,
    Meta(
        pattern=VERSION_PATTERN,
        max_length=VERSION_MAX_LENGTH,
        description="Edition, e.g. 2026.1",
        examples=["2026.1"],
    ),
]

Importance = Literal["essential", "important", "desirable"]
EdgeKind = Literal["progression", "lateral", "entry"]
DeliveryMode = Literal["online", "in person", "blended"]
TrainingKind = Literal[
    "course",
    "apprenticeship",
    "qualification",
    "mentoring",
    "secondment",
    "action learning set",
]
Status = Literal["draft", "published", "retired"]

IMPORTANCE_WEIGHT: dict[str, int] = {"essential": 3, "important": 2, "desirable": 1}
"""DESIGN §2.1: a requirement row's weight follows its highest importance."""


class _Item(msgspec.Struct, kw_only=True, frozen=True, forbid_unknown_fields=True, omit_defaults=True):
    """Base for file items: immutable values; unknown keys are typos, so they are errors."""


class ProficiencyLevel(_Item, frozen=True):
    level: Level
    name: Label
    description: Text


EscoUri = Annotated[
    str,
    Meta(
        pattern=r"^https?://data\.europa\.eu/esco/",
        max_length=300,
        description="An ESCO concept URI.",
        examples=["http://data.europa.eu/esco/skill/0e2e7d3a-1f0f-4e8e-9b8a-3c2d1e0f9a8b"],
    ),
]


class Crosswalks(_Item, frozen=True):
    """Identifiers of the same skill in other frameworks, for exports and interoperability.

    ``esco`` is the ESCO concept that means the same (SKOS ``exactMatch``); ``esco_close`` lists
    ESCO concepts that overlap without being the same (SKOS ``closeMatch``), because a local ED
    skill often spans parts of several ESCO skills.
    """

    esco: EscoUri | None = None
    esco_close: tuple[EscoUri, ...] = ()
    sfia: str | None = None
    apprenticeship: str | None = None


class Category(_Item, frozen=True):
    slug: Slug
    name: Label
    description: Text = ""


class Skill(_Item, frozen=True):
    slug: Slug
    label: Label
    category: Slug
    description: Text = ""
    indicators: Indicators = ()
    alt_labels: tuple[Label, ...] = ()
    crosswalks: Crosswalks | None = None
    replaces: tuple[Slug, ...] = ()
    source: Text | None = None

    def indicator(self, level: int) -> str | None:
        """The line for ``level`` (1–4), or ``None`` where the skill has none (or for level 0)."""
        if self.indicators and level in INDICATOR_LEVELS:
            return self.indicators[level - 1]
        return None


class Requirement(_Item, frozen=True):
    skill: Slug
    level: Level
    importance: Importance


class Role(_Item, frozen=True):
    slug: Slug
    title: Label
    band: Band
    summary: Text = ""
    alt_titles: tuple[Label, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    source: Text | None = None


class PathwayEdge(_Item, frozen=True):
    from_role: Slug
    to_role: Slug
    kind: EdgeKind
    years_min: Annotated[int, Meta(ge=0, le=30)]
    years_max: Annotated[int, Meta(ge=0, le=30)] | None = None
    notes: Text = ""


class ScenarioRow(_Item, frozen=True):
    skill: Slug
    level: Level
    headcount: Headcount
    importance: Importance


class Scenario(_Item, frozen=True):
    slug: Slug
    title: Label
    description: Text = ""
    rows: tuple[ScenarioRow, ...] = ()
    source: Text | None = None


class Development(_Item, frozen=True):
    """A skill a training option develops, from one level to a higher one (DESIGN §2.3)."""

    skill: Slug
    from_level: Level
    to_level: Level


class TrainingOption(_Item, frozen=True):
    slug: Slug
    provider: Label
    title: Label
    kind: TrainingKind
    mode: DeliveryMode
    develops: tuple[Development, ...]
    cost_gbp: Annotated[float, Meta(ge=0, le=1_000_000)]
    days: Annotated[float, Meta(ge=0, le=1000)]
    url: str | None = None
    accreditation: Label | None = None
    min_cohort: Annotated[int, Meta(ge=1, le=1000)] | None = None
    max_cohort: Annotated[int, Meta(ge=1, le=1000)] | None = None
    cpd_hours: Annotated[float, Meta(ge=0, le=10_000)] | None = None
    indicative: bool = True
    """Costs and days are indicative (public list prices vary by year and provider)."""
    description: Text = ""
    source: Text | None = None


class FrameworkHeader(_Item, frozen=True):
    """``framework.yaml``: the edition's identity and its proficiency scale."""

    id: Slug
    version: Version
    title: Label
    status: Status
    levels: tuple[ProficiencyLevel, ...]
    published_on: str | None = None
    description: Text = ""
    source: Text | None = None
    licence: Text | None = None


class Framework(_Item, frozen=True):
    """A whole edition, as loaded from a directory or stored in the database."""

    id: Slug
    version: Version
    title: Label
    status: Status
    levels: tuple[ProficiencyLevel, ...]
    categories: tuple[Category, ...]
    skills: tuple[Skill, ...]
    roles: tuple[Role, ...]
    pathways: tuple[PathwayEdge, ...]
    scenarios: tuple[Scenario, ...]
    training: tuple[TrainingOption, ...]
    published_on: str | None = None
    description: Text = ""
    source: Text | None = None
    licence: Text | None = None

    @property
    def key(self) -> str:
        """The edition's name, e.g. ``ed-skills@2026.1``."""
        return f"{self.id}@{self.version}"
