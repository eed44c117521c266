"""Sector-wide view for national bodies: how many councils are red, amber or green per skill.

For one scenario or role (expanded into requirement rows by DESIGN §2.1), each council that
shares its capability is rated per row by DESIGN §2.2 on its latest audit, and the shares of
councils red/amber/green are given nationally, by region and by council type.

Disclosure control: a group of fewer than ``threshold`` (3) councils is suppressed: no shares,
and no count either, since "1 council, 100 % red" names a council's weakness. Suppressing only
the small groups is not enough when totals are published: the national figure minus the shown
groups would give the hidden ones away. So, within each breakdown, if the suppressed groups
together hold between 1 and ``threshold − 1`` councils, the smallest shown groups are suppressed
too until the hidden remainder is 0 or at least ``threshold`` (complementary suppression, as the
ONS does for small-area tables). Every known region and council type is listed, including those
with no sharing council, so the list itself reveals nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import msgspec

from api.analysis.gaps import gap_rows
from api.analysis.model import Rag, RequirementRow, TeamMember

SUPPRESSION_THRESHOLD = 3


class SectorCouncil(msgspec.Struct, frozen=True, kw_only=True):
    """One sharing council's latest audit, as the rule sees it."""

    gss: str
    region: str
    council_type: str
    team: Sequence[TeamMember]


class SectorCell(msgspec.Struct, frozen=True, kw_only=True):
    """Shares of councils (percent, one decimal) for one requirement row; ``None`` when suppressed."""

    skill: str
    level: int
    suppressed: bool
    red: float | None = None
    amber: float | None = None
    green: float | None = None


class SectorGroup(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    label: str
    suppressed: bool
    councils: int | None
    """The number of councils in the group; ``None`` when the group is suppressed."""
    cells: list[SectorCell]


class SectorResult(msgspec.Struct, frozen=True, kw_only=True):
    overall: SectorGroup
    by_region: list[SectorGroup]
    by_council_type: list[SectorGroup]
    threshold: int


def council_rags(rows: Sequence[RequirementRow], team: Sequence[TeamMember]) -> dict[tuple[str, int], Rag]:
    return {(gap.skill, gap.level): gap.rag for gap in gap_rows(rows, team)}


def sector_view(
    rows: Sequence[RequirementRow],
    councils: Sequence[SectorCouncil],
    regions: Mapping[str, str],
    council_types: Mapping[str, str],
    threshold: int = SUPPRESSION_THRESHOLD,
) -> SectorResult:
    """``regions`` and ``council_types`` map every known key to its label (all are listed)."""
    rags = {council.gss: council_rags(rows, council.team) for council in councils}
    everyone = [council.gss for council in councils]
    overall_hidden = len(everyone) < threshold
    overall = _group("all", "All sharing councils", rows, everyone, rags, overall_hidden)

    def breakdown(labels: Mapping[str, str], key_of: str) -> list[SectorGroup]:
        members = {key: [c.gss for c in councils if getattr(c, key_of) == key] for key in labels}
        hidden = _suppressed(members, threshold)
        return [
            _group(key, labels[key], rows, members[key], rags, overall_hidden or key in hidden)
            for key in sorted(labels, key=lambda k: labels[k])
        ]

    return SectorResult(
        overall=overall,
        by_region=breakdown(regions, "region"),
        by_council_type=breakdown(council_types, "council_type"),
        threshold=threshold,
    )


def _suppressed(members: Mapping[str, Sequence[str]], threshold: int) -> set[str]:
    """Primary suppression (fewer than ``threshold``), then complementary suppression."""
    hidden = {key for key, gss in members.items() if len(gss) < threshold}
    remainder = sum(len(members[key]) for key in hidden)
    shown = sorted((len(gss), key) for key, gss in members.items() if key not in hidden)
    while 0 < remainder < threshold and shown:
        size, key = shown.pop(0)
        hidden.add(key)
        remainder += size
    return hidden


def _group(
    key: str,
    label: str,
    rows: Sequence[RequirementRow],
    members: Sequence[str],
    rags: Mapping[str, Mapping[tuple[str, int], Rag]],
    suppressed: bool,
) -> SectorGroup:
    if suppressed:
        cells = [SectorCell(skill=row.skill, level=row.level, suppressed=True) for row in rows]
        return SectorGroup(key=key, label=label, suppressed=True, councils=None, cells=cells)
    total = len(members)
    cells = []
    for row in rows:
        found = [rags[gss][(row.skill, row.level)] for gss in members]
        cells.append(
            SectorCell(
                skill=row.skill,
                level=row.level,
                suppressed=False,
                red=_share(found.count("red"), total),
                amber=_share(found.count("amber"), total),
                green=_share(found.count("green"), total),
            )
        )
    return SectorGroup(key=key, label=label, suppressed=False, councils=total, cells=cells)


def _share(count: int, total: int) -> float:
    return round(100 * count / total, 1)
