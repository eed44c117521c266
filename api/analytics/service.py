"""Loading for the sector view: sharing councils, their latest audits on the edition, their teams.

A fixed number of queries whatever the number of councils (councils, audits, teams in one, the
region and type lists); the rule itself is ``api.analysis.sector``.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.gaps import expand_needs
from api.analysis.model import RequirementRow
from api.analysis.sector import SectorCouncil, SectorGroup, sector_view
from api.analytics.schemas import SectorRow, SectorSubject, SectorView
from api.db.models import Audit, Council
from api.errors import FieldError, NotFound, ProblemError
from api.framework.store import FrameworkStore
from api.needs.service import load_teams
from taxonomy.index import FrameworkIndex

NOTE = (
    "Shares are percentages of sharing councils (share_capability = true) with an audit on this "
    "edition, rated on each council's latest audit. A group of fewer than {threshold} councils is "
    "suppressed (no shares, no count), and so are the smallest other groups where needed so that "
    "suppressed groups cannot be worked out from the totals."
)


def subject_rows(
    index: FrameworkIndex, scenario: str | None, role: str | None
) -> tuple[SectorSubject, list[RequirementRow]]:
    if (scenario is None) == (role is None):
        raise ProblemError(
            "Give exactly one of ?scenario= or ?role=",
            errors=[FieldError(field="scenario", message="give a scenario or a role", source="query")],
        )
    if scenario is not None:
        found = index.scenarios.get(scenario)
        if found is None:
            raise NotFound(f"Scenario {scenario!r} does not exist in {index.key}")
        return (
            SectorSubject(kind="scenario", slug=scenario, title=found.title),
            expand_needs({}, index.roles, [found]),
        )
    assert role is not None
    if role not in index.roles:
        raise NotFound(f"Role {role!r} does not exist in {index.key}")
    return (
        SectorSubject(kind="role", slug=role, title=index.roles[role].title),
        expand_needs({role: 1}, index.roles),
    )


async def sector(
    session: AsyncSession, store: FrameworkStore, version: str | None, scenario: str | None, role: str | None
) -> SectorView:
    _, index = await store.resolve(session, version)
    subject, rows = subject_rows(index, scenario, role)
    edition = index.framework.version
    sharing = {
        council.gss: council
        for council in await session.scalars(select(Council).where(Council.share_capability.is_(True)))
    }
    latest: dict[str, Audit] = {}
    for audit in await session.scalars(
        select(Audit)
        .where(Audit.council_gss.in_(list(sharing)), Audit.framework_version == edition)
        .order_by(Audit.council_gss, Audit.audit_date.desc(), Audit.created_at.desc())
    ):
        latest.setdefault(audit.council_gss, audit)
    teams = (
        await load_teams(session, [audit.id for audit in latest.values()], {row.skill for row in rows})
        if latest
        else {}
    )
    councils = [
        SectorCouncil(
            gss=gss,
            region=sharing[gss].region,
            council_type=sharing[gss].type,
            team=teams.get(audit.id, []),
        )
        for gss, audit in sorted(latest.items())
    ]
    regions = {region: region for region in await session.scalars(select(Council.region).distinct())}
    types: dict[str, str] = {}
    for code, name in await session.execute(select(Council.type, Council.type_name).distinct()):
        types[code] = name
    result = sector_view(rows, councils, regions, types)
    return SectorView(
        version=edition,
        subject=subject,
        rows=[
            SectorRow(
                skill=row.skill,
                label=index.skills[row.skill].label if row.skill in index.skills else row.skill,
                level=row.level,
                required=row.required,
                importance=row.importance,
            )
            for row in rows
        ],
        threshold=result.threshold,
        note=NOTE.format(threshold=result.threshold),
        overall=result.overall,
        by_region=result.by_region,
        by_council_type=result.by_council_type,
    )


CSV_COLUMNS = (
    "breakdown",
    "group",
    "group_label",
    "councils",
    "skill",
    "level",
    "suppressed",
    "red_pct",
    "amber_pct",
    "green_pct",
)


def sector_csv(view: SectorView) -> str:
    """One line per group and row; a suppressed cell has no count and no shares."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)

    def write(breakdown: str, group: SectorGroup) -> None:
        for cell in group.cells:
            writer.writerow(
                [
                    breakdown,
                    group.key,
                    group.label,
                    "" if group.councils is None else group.councils,
                    cell.skill,
                    cell.level,
                    "yes" if cell.suppressed else "no",
                    *("" if share is None else share for share in (cell.red, cell.amber, cell.green)),
                ]
            )

    write("all", view.overall)
    for group in view.by_region:
        write("region", group)
    for group in view.by_council_type:
        write("council_type", group)
    return buffer.getvalue()
