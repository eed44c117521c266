"""Peer benchmark: DESIGN §2.10.

For council ``c`` and requirement rows (its needs profile, DESIGN §2.1), every peer (a council that
shares and has an audit on the edition, rated on its latest one) is rated per row by DESIGN §2.2.
A comparison group (``type``, ``region``, ``combined-authority``, ``neighbours``, ``all``) never
includes ``c`` itself: ``c`` is compared with the others, and knows its own figures anyway.

Disclosure control is the sector view's (``api.analysis.sector``), applied to all five groups at
once, whichever one is asked for: a group of fewer than 3 councils is suppressed, then the smallest
other groups until no sum or difference of the groups shown isolates fewer than 3 councils
(``sector.suppressed_groups``). Asking for each group in turn therefore reveals nothing that asking
for all of them would not, and that reveals no single council's figures. A suppressed group gives
no shares, no count and no quartiles.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from typing import Literal

import msgspec

from api.analysis.gaps import gap_rows, readiness
from api.analysis.model import Rag, RequirementRow, TeamMember
from api.analysis.sector import SUPPRESSION_THRESHOLD, SectorCell, shares_group, suppressed_groups

GroupKind = Literal["type", "region", "combined-authority", "neighbours", "all"]
GROUP_KINDS: tuple[GroupKind, ...] = ("type", "region", "combined-authority", "neighbours", "all")


class Peer(msgspec.Struct, frozen=True, kw_only=True):
    """One sharing council's latest audit on the edition, and the groups it falls in for ``c``."""

    gss: str
    team: Sequence[TeamMember]
    groups: frozenset[GroupKind]
    """The comparison groups of ``c`` this council belongs to (always including ``all``)."""


class Quartiles(msgspec.Struct, frozen=True, kw_only=True):
    """Readiness (percent, one decimal) at the group's lower quartile, median and upper quartile."""

    lower: float
    median: float
    upper: float


class OwnRow(msgspec.Struct, frozen=True, kw_only=True):
    skill: str
    level: int
    rag: Rag | None
    """``c``'s own RAG on its latest audit; ``None`` when ``c`` has no audit on the edition."""


class PeerGroup(msgspec.Struct, frozen=True, kw_only=True):
    key: GroupKind
    suppressed: bool
    councils: int | None
    """Councils in the group (``c`` excluded); ``None`` when suppressed."""
    cells: list[SectorCell]
    """Shares red/amber/green per requirement row, in the rows' order (the sector view's cells)."""
    readiness: Quartiles | None


class Benchmark(msgspec.Struct, frozen=True, kw_only=True):
    own_readiness: float | None
    own: list[OwnRow]
    groups: list[PeerGroup]
    """Every group kind, in ``GROUP_KINDS`` order, each suppressed or not."""
    threshold: int


def quartiles(values: Sequence[float]) -> Quartiles:
    """Inclusive quartiles (linear interpolation between order statistics), one decimal."""
    lower, median, upper = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return Quartiles(lower=round(lower, 1), median=round(median, 1), upper=round(upper, 1))


def benchmark(
    rows: Sequence[RequirementRow],
    own_team: Sequence[TeamMember] | None,
    peers: Sequence[Peer],
    threshold: int = SUPPRESSION_THRESHOLD,
) -> Benchmark:
    """DESIGN §2.10 for every group kind; ``rows`` must not be empty (readiness needs a row)."""
    rags: dict[str, Mapping[tuple[str, int], Rag]] = {}
    ready: dict[str, float] = {}
    for peer in peers:
        gaps = gap_rows(rows, peer.team)
        rags[peer.gss] = {(gap.skill, gap.level): gap.rag for gap in gaps}
        ready[peer.gss] = readiness(gaps)
    members: dict[str, list[str]] = {
        kind: sorted(peer.gss for peer in peers if kind in peer.groups) for kind in GROUP_KINDS
    }
    hidden = suppressed_groups(members, threshold)
    groups = []
    for kind in GROUP_KINDS:
        shares = shares_group(kind, kind, rows, members[kind], rags, kind in hidden)
        groups.append(
            PeerGroup(
                key=kind,
                suppressed=shares.suppressed,
                councils=shares.councils,
                cells=shares.cells,
                readiness=None if shares.suppressed else quartiles([ready[gss] for gss in members[kind]]),
            )
        )
    own_gaps = {(gap.skill, gap.level): gap.rag for gap in gap_rows(rows, own_team or ())}
    return Benchmark(
        own_readiness=None if own_team is None else readiness(gap_rows(rows, own_team)),
        own=[
            OwnRow(
                skill=row.skill,
                level=row.level,
                rag=None if own_team is None else own_gaps[(row.skill, row.level)],
            )
            for row in rows
        ],
        groups=groups,
        threshold=threshold,
    )
