"""Wire schemas of the trend and the peer benchmark (DESIGN §2.10)."""

from __future__ import annotations

import uuid

import msgspec

from api.analysis.benchmark import GroupKind, Quartiles
from api.analysis.model import Rag
from api.analysis.trend import TrendPoint
from taxonomy.model import Importance


class Trend(msgspec.Struct, kw_only=True):
    council: str
    needs: uuid.UUID
    framework_version: str
    scenarios: list[str]
    """The profile's scenarios, each with its own readiness and counts in every point."""
    points: list[TrendPoint]
    """Every audit of the council on the profile's edition, oldest first."""


class BenchmarkRow(msgspec.Struct, kw_only=True):
    """One requirement row: our RAG and the group's shares of councils red/amber/green (percent)."""

    skill: str
    label: str
    level: int
    required: int
    importance: Importance
    own_rag: Rag | None
    suppressed: bool
    red: float | None = None
    amber: float | None = None
    green: float | None = None


class BenchmarkGroupSummary(msgspec.Struct, kw_only=True):
    """Every group kind with whether it is shown and its size, so a page can offer the others."""

    key: GroupKind
    label: str
    suppressed: bool
    councils: int | None


class BenchmarkView(msgspec.Struct, kw_only=True):
    council: str
    needs: uuid.UUID
    framework_version: str
    group: GroupKind
    group_label: str
    shared: bool
    """Whether this council shares; when it does not, everything else is empty and ``reason`` says why."""
    reason: str | None = None
    suppressed: bool
    councils: int | None
    """Councils in the group, this council excluded; ``None`` when suppressed."""
    own_readiness: float | None
    """This council's readiness on its latest audit on the edition (``None`` without one)."""
    group_readiness: Quartiles | None
    rows: list[BenchmarkRow]
    groups: list[BenchmarkGroupSummary]
    threshold: int
    note: str
