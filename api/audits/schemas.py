"""Wire schemas of audits, members, assessments and spreadsheet imports."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.analysis.levels import SOURCE_PRIORITY as SOURCE_PRIORITY  # the rule's home; re-exported
from api.errors import Problem
from api.params import MEMBER_REFERENCE_PATTERN, VersionText
from api.text import Evidence, Note, SingleLine, Title
from taxonomy.model import Level, Slug

Source = Literal["self", "manager", "verified"]

Reference = Annotated[
    str,
    Meta(
        pattern=MEMBER_REFERENCE_PATTERN,
        description="Pseudonymous reference chosen by the council, unique within the audit, e.g. EDO-03.",
        examples=["EDO-03"],
    ),
]
DisplayName = Title
Fte = Annotated[float, Meta(ge=0, le=2, description="Full-time equivalent (0–2).")]
AuditDate = Annotated[dt.date, Meta(description="The date the audit describes.")]


class AuditCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title
    audit_date: AuditDate
    framework_version: VersionText | None = None
    """Default: the latest published edition."""


class AuditUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    title: Title | None = None
    audit_date: AuditDate | None = None


class AuditOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    council: str
    title: str
    audit_date: dt.date
    framework_version: str
    members: int
    assessments: int
    created_at: dt.datetime
    updated_at: dt.datetime


class AuditPage(msgspec.Struct, kw_only=True):
    items: list[AuditOut]
    total: int
    limit: int
    offset: int


class MemberCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    reference: Reference
    display_name: DisplayName | None = None
    role: Slug | None = None
    fte: Fte = 1.0


class MemberUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    reference: Reference | None = None
    display_name: DisplayName | None = None
    role: Slug | None = None
    fte: Fte | None = None


class AssessmentOut(msgspec.Struct, kw_only=True, omit_defaults=True):
    skill: str
    source: Source
    level: int
    evidence: str | None = None


class MemberOut(msgspec.Struct, kw_only=True):
    reference: str
    display_name: str | None
    role: str | None
    fte: float
    effective_levels: dict[str, int]
    """Per skill, the level of the most trusted source (verified > manager > self)."""
    assessments: list[AssessmentOut]


class MemberPage(msgspec.Struct, kw_only=True):
    items: list[MemberOut]
    total: int
    limit: int
    offset: int


class AssessmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    member: Reference
    skill: Slug
    level: Level
    source: Source = "manager"
    evidence: Evidence | None = None


class AssessmentBulk(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A whole matrix in one request, written all or nothing."""

    assessments: Annotated[list[AssessmentIn], Meta(min_length=1, max_length=200_000)]


class BulkResult(msgspec.Struct, kw_only=True):
    created: int
    updated: int


# --- spreadsheet import -------------------------------------------------------------------

Layout = Literal["wide", "long"]
ColumnRole = Literal[
    "reference",
    "display_name",
    "role",
    "fte",
    "skill",
    "skill_name",
    "level",
    "source",
    "evidence",
    "ignored",
]


class Candidate(msgspec.Struct, kw_only=True):
    slug: str
    label: str
    score: float


class ColumnPlan(msgspec.Struct, kw_only=True, omit_defaults=True):
    column: str
    """Spreadsheet column letter."""
    header: str
    role: ColumnRole
    skill: str | None = None
    decision: Literal["matched", "suggested", "unmatched", "confirmed", "ignored", "field"] = "field"
    score: float | None = None
    candidates: list[Candidate] | None = None


class TitlePlan(msgspec.Struct, kw_only=True, omit_defaults=True):
    """A free-text value (a role title, or a skill name in a long layout) and what it maps to."""

    text: str
    rows: list[int]
    slug: str | None = None
    decision: Literal["matched", "suggested", "unmatched", "confirmed", "ignored"] = "unmatched"
    score: float | None = None
    candidates: list[Candidate] | None = None


UNDECIDED = frozenset({"suggested", "unmatched"})
"""Decisions a person must still confirm (or ignore) through ``mapping``."""


class RowError(msgspec.Struct, kw_only=True):
    row: int
    column: str | None
    message: str


class ImportPlan(msgspec.Struct, kw_only=True):
    """What an import would do. The real import refuses unless ``ready``."""

    file_type: Literal["csv", "xlsx"]
    layout: Layout
    header_row: int
    columns: list[ColumnPlan]
    roles: list[TitlePlan]
    skill_names: list[TitlePlan]
    members: int
    assessments: int
    errors: list[RowError]
    undecided: list[str]
    """What a person must still confirm through ``mapping``: suggested or unmatched headers and titles."""
    ready: bool
    dry_run: bool
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    created_members: int = 0
    updated_members: int = 0
    written_assessments: int = 0


MappingKey = Annotated[Note, Meta(max_length=200)]
"""A header or title as the file has it (a cell may hold line breaks)."""
MappingTarget = Annotated[SingleLine, Meta(max_length=80)]
"""A slug, or ``ignore``; an unknown slug is reported against the rows that use it."""


class ImportMapping(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Confirms or overrides the plan. Values are a slug, or ``ignore`` to leave a column or row out.

    ``columns`` is keyed by header text or column letter; ``roles`` and ``skill_names`` by the
    text as it appears in the file.
    """

    columns: dict[MappingKey, MappingTarget] = {}
    roles: dict[MappingKey, MappingTarget] = {}
    skill_names: dict[MappingKey, MappingTarget] = {}


HeaderRow = Annotated[int, Meta(ge=1, le=1000, description="1-based header row.")]


class ImportOptions(msgspec.Struct, kw_only=True, frozen=True):
    """Every option of one import, carried unchanged from ``POST …/import`` (query and form) and
    from both backends of ``edskills audit import`` into ``service.import_spreadsheet`` (issue 13).
    """

    mapping: ImportMapping = msgspec.field(default_factory=ImportMapping)
    header_row: HeaderRow | None = None
    """Default: the row that looks most like a header among the first 30."""
    layout: Layout | None = None
    """Default: detected from the header's field columns (``Skill`` and ``Level``: long)."""
    source: Source = "manager"
    """The source of levels a row does not name (every level of a wide layout)."""
    dry_run: bool = False
    """Only plan: write nothing (and create no audit)."""


class AuditImport(msgspec.Struct, kw_only=True):
    """``POST …/audits/import``: the audit made from the spreadsheet, and the plan it was written by.

    On a dry run ``audit`` is null and nothing is created.
    """

    audit: AuditOut | None
    plan: ImportPlan


class ImportRefusal(Problem, kw_only=True, omit_defaults=True):
    """A 422 problem; when an import was refused as not ready (``import-not-ready``) it carries the
    plan a dry run would give: every column with its decision and candidates, the titles, the row
    errors (issue 13)."""

    plan: ImportPlan | None = None
