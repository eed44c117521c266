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

from collections.abc import Collection, Mapping, Sequence
from fractions import Fraction
from itertools import combinations

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


def disclosive(groups: Mapping[str, Collection[str]], threshold: int = SUPPRESSION_THRESHOLD) -> bool:
    """Whether published figures for ``groups`` (councils per group) let fewer than ``threshold``
    councils be isolated by adding and subtracting groups (any rational combination).

    Every combination of the groups' indicator vectors is constant on their Venn regions (the
    "atoms": councils in exactly the same groups). A combination that is non-zero only on atoms
    holding 1 to ``threshold − 1`` councils in all exists exactly when dropping those atoms' columns
    lowers the rank of the groups × atoms matrix. For a partition plus its total this is the sector
    view's remainder rule; for overlapping groups (a benchmark's type, region, combined authority,
    neighbours and all) it also catches differences such as "region minus neighbours".
    """
    keys = [key for key in groups if groups[key]]
    if not keys:
        return False
    regions: dict[frozenset[str], int] = {}
    for council in set().union(*(groups[key] for key in keys)):
        signature = frozenset(key for key in keys if council in groups[key])
        regions[signature] = regions.get(signature, 0) + 1
    atoms = list(regions)
    matrix = [[Fraction(int(key in atom)) for atom in atoms] for key in keys]
    full = _rank(matrix)
    small = [n for n, atom in enumerate(atoms) if regions[atom] < threshold]
    for size in range(1, threshold):
        for chosen in combinations(small, size):
            if not 0 < sum(regions[atoms[n]] for n in chosen) < threshold:
                continue
            rest = [[row[n] for n in range(len(atoms)) if n not in chosen] for row in matrix]
            if _rank(rest) < full:
                return True
    return False


def suppressed_groups(
    groups: Mapping[str, Collection[str]], threshold: int = SUPPRESSION_THRESHOLD
) -> set[str]:
    """Primary suppression (fewer than ``threshold``), then complementary suppression of the
    smallest shown groups (ties: key) until no combination of the shown ones is :func:`disclosive`.

    Decided over every group a requester could ask for, whichever one they ask for, so asking for
    each in turn shows nothing more than asking for all at once."""
    hidden = {key for key, members in groups.items() if len(members) < threshold}
    while True:
        shown = {key: members for key, members in groups.items() if key not in hidden}
        if not disclosive(shown, threshold):
            return hidden
        hidden.add(min(shown, key=lambda key: (len(shown[key]), key)))


def _rank(matrix: list[list[Fraction]]) -> int:
    """Rank by Gaussian elimination over the rationals (exact; the matrices are a few by a few dozen)."""
    rows = [list(row) for row in matrix]
    rank = 0
    columns = len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((n for n in range(rank, len(rows)) if rows[n][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for n in range(len(rows)):
            if n != rank and rows[n][column] != 0:
                factor = rows[n][column] / rows[rank][column]
                rows[n] = [a - factor * b for a, b in zip(rows[n], rows[rank], strict=True)]
        rank += 1
    return rank


def shares_group(
    key: str,
    label: str,
    rows: Sequence[RequirementRow],
    members: Sequence[str],
    rags: Mapping[str, Mapping[tuple[str, int], Rag]],
    suppressed: bool,
) -> SectorGroup:
    """One group's shares red/amber/green per row (or a suppressed group): the sector view's and
    the benchmark's (DESIGN §2.10) one way of publishing a group."""
    return _group(key, label, rows, members, rags, suppressed)


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
