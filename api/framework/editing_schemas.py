"""Wire schemas of the national-body workflow: drafts, edits, the change log, publishing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta

from api.text import Note, Title
from taxonomy.model import Importance, Level, Status, Version

ChangeAction = Literal[
    "create", "update", "rename", "delete", "create-draft", "publish", "retire", "delete-draft"
]
ChangeKind = Literal["edition", "categories", "skills", "roles", "pathways", "scenarios", "training"]


class DraftCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft, copied from the latest published edition."""

    version: Version
    """Must be later than every existing edition, e.g. ``2026.2``."""
    title: Title | None = None
    description: Annotated[Note, Meta(max_length=4000)] | None = None


class EditionOut(msgspec.Struct, kw_only=True):
    id: str
    version: str
    key: str
    title: str
    status: Status
    revision: int
    based_on: str | None
    """The published edition a draft was copied from (and whose skills ``replaces`` names)."""


class RequirementIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A role's requirement for one skill (the skill is in the path)."""

    level: Level
    importance: Importance


class ChangeOut(msgspec.Struct, kw_only=True):
    id: int
    version: str
    revision: int
    at: dt.datetime
    key_name: str
    """The name of the API key that made the change."""
    action: ChangeAction
    kind: ChangeKind
    item: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ChangePage(msgspec.Struct, kw_only=True):
    version: str
    items: list[ChangeOut]
    total: int
    limit: int
    offset: int


class ValidationProblem(msgspec.Struct, kw_only=True):
    file: str
    item: str
    field: str
    message: str


class ValidationReport(msgspec.Struct, kw_only=True):
    """What publishing would say now, without publishing."""

    version: str
    revision: int
    valid: bool
    problems: list[ValidationProblem]


ExportFormat = Literal["json", "yaml", "csv", "skos"]
