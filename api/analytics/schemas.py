"""Wire schemas of the sector view. Groups and cells are the rule's own Structs
(``api.analysis.sector``), so what the rule suppresses is exactly what is sent."""

from __future__ import annotations

from typing import Literal

import msgspec

from api.analysis.sector import SectorGroup
from taxonomy.model import Importance


class SectorSubject(msgspec.Struct, kw_only=True):
    kind: Literal["scenario", "role"]
    slug: str
    title: str


class SectorRow(msgspec.Struct, kw_only=True):
    """A requirement row of the subject (DESIGN §2.1); cells follow this order."""

    skill: str
    label: str
    level: int
    required: int
    importance: Importance


class SectorView(msgspec.Struct, kw_only=True):
    version: str
    subject: SectorSubject
    rows: list[SectorRow]
    threshold: int
    note: str
    overall: SectorGroup
    by_region: list[SectorGroup]
    by_council_type: list[SectorGroup]
