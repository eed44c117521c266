"""Wire schemas of needs profiles, gap analyses and progress reviews.

The analysis results are the Structs of ``api.analysis.gaps`` themselves, wrapped with the ids
and versions a reader needs to know what was compared.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

import msgspec
from msgspec import Meta

from api.analysis.gaps import GapAnalysis, Progress
from api.analysis.model import RequirementRow
from api.params import VersionText
from api.text import Title
from taxonomy.model import ScenarioRow, Slug

Headcount = Annotated[int, Meta(ge=0, le=10_000)]


class NeedsCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title
    horizon: dt.date | None = None
    """The date these needs are for, e.g. the end of the UKSPF programme."""
    framework_version: VersionText | None = None
    establishment: Annotated[dict[Slug, Headcount], Meta(max_length=100)] = {}
    """Target establishment: ``{role slug: headcount}``."""
    scenarios: Annotated[list[Slug], Meta(max_length=20)] = []
    rows: Annotated[list[ScenarioRow], Meta(max_length=500)] = []
    """Explicit extra rows: ``{skill, level, headcount, importance}``."""


class NeedsUpdate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    title: Title | None = None
    horizon: dt.date | msgspec.UnsetType | None = msgspec.UNSET
    """Absent: unchanged; ``null``: cleared (a profile may have no horizon); a date: set."""
    establishment: Annotated[dict[Slug, Headcount], Meta(max_length=100)] | None = None
    scenarios: Annotated[list[Slug], Meta(max_length=20)] | None = None
    rows: Annotated[list[ScenarioRow], Meta(max_length=500)] | None = None


class NeedsOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    council: str
    title: str
    horizon: dt.date | None
    framework_version: str
    establishment: dict[str, int]
    scenarios: list[str]
    rows: list[ScenarioRow]
    created_at: dt.datetime
    updated_at: dt.datetime


class NeedsPage(msgspec.Struct, kw_only=True):
    items: list[NeedsOut]
    total: int
    limit: int
    offset: int


class Requirements(msgspec.Struct, kw_only=True):
    needs: uuid.UUID
    framework_version: str
    rows: list[RequirementRow]
    total_headcount: int


class GapReport(msgspec.Struct, kw_only=True):
    audit: uuid.UUID
    needs: uuid.UUID
    framework_version: str
    analysis: GapAnalysis


class ProgressReport(msgspec.Struct, kw_only=True):
    from_audit: uuid.UUID
    to_audit: uuid.UUID
    needs: uuid.UUID
    framework_version: str
    progress: Progress
