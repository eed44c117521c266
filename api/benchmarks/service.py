"""Loading for the trend and the peer benchmark; the rules are ``api.analysis.trend`` and
``api.analysis.benchmark`` (DESIGN §2.10).

The trend reads the council's audits on the profile's edition and their teams in one query. The
benchmark reads the sharing flags in the request's own transaction (a council that has just opted
out must drop out of every group at once, and reciprocity checks our own flag), the registry's facts
(type, region, combined authority, neighbours) from memory, and every peer's latest audit and team
in a fixed number of queries whatever their number.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.benchmark import GROUP_KINDS, GroupKind, Peer, benchmark
from api.analysis.gaps import expand_needs
from api.analysis.model import TeamMember
from api.analysis.trend import AuditTeam, trend
from api.benchmarks.schemas import BenchmarkGroupSummary, BenchmarkRow, BenchmarkView, Trend
from api.councils.registry import CouncilRegistry
from api.councils.schemas import CouncilDetail
from api.db.models import Audit, Council
from api.errors import NotFound
from api.framework.store import FrameworkStore
from api.needs import service as needs
from api.needs.service import load_teams
from api.recommendations.service import latest_audits

GROUP_LABELS: dict[GroupKind, str] = {
    "type": "Councils of the same type",
    "region": "Councils in the same region",
    "combined-authority": "Councils in the same combined authority",
    "neighbours": "Neighbouring councils",
    "all": "All sharing councils",
}
NOT_SHARING = (
    "{name} does not share its capability summary, so it sees no other council's: sharing goes both "
    "ways (DESIGN §2.4). To compare with other councils, opt in on the sharing page "
    "(/app/councils/{gss}/sharing) or with PUT /v1/councils/{gss}/sharing."
)
NOTE = (
    "Shares are percentages of the other councils in the group (this council excluded) that share "
    "their capability summary and have an audit on this edition, each rated on its latest audit. "
    "A group of fewer than {threshold} councils is suppressed, and so is the smallest other group "
    "wherever a sum or difference of the groups shown would single out fewer than {threshold} councils."
)


async def council_trend(
    session: AsyncSession,
    store: FrameworkStore,
    gss: str,
    needs_id: uuid.UUID,
    known: Mapping[uuid.UUID, list[TeamMember]] | None = None,
) -> Trend:
    """DESIGN §2.10 trend: every audit of ``gss`` on the profile's edition, oldest first.

    ``known`` holds teams the caller has already read (the report's own audit): they are not read
    again, so the report still reads its team once (issue 13)."""
    profile = await needs.get(session, gss, needs_id)
    _, index = await store.resolve(session, profile.framework_version)
    rows = needs._rows_or_422(profile, index)
    audits = list(
        await session.scalars(
            select(Audit).where(
                Audit.council_gss == gss, Audit.framework_version == profile.framework_version
            )
        )
    )
    known = known or {}
    unread = [audit.id for audit in audits if audit.id not in known]
    teams = {**known, **(await load_teams(session, unread, {row.skill for row in rows}))}
    scenario_rows = {
        slug: expand_needs({}, index.roles, [index.scenarios[slug]]) for slug in profile.scenarios
    }
    points = trend(
        rows,
        [
            AuditTeam(
                id=audit.id,
                title=audit.title,
                audit_date=audit.audit_date,
                created_at=audit.created_at,
                team=teams[audit.id],
            )
            for audit in audits
        ],
        scenario_rows,
    )
    return Trend(
        council=gss,
        needs=profile.id,
        framework_version=profile.framework_version,
        scenarios=sorted(slug for slug, found in scenario_rows.items() if found),
        points=points,
    )


TREND_COLUMNS = ("audit", "title", "audit_date", "members", "scope", "readiness_pct", "red", "amber", "green")


def trend_csv(found: Trend) -> str:
    """One line per audit for the whole profile, then one per audit and scenario (scope = its slug)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(TREND_COLUMNS)
    for point in found.points:
        for scope, readiness, counts in (
            ("profile", point.readiness, point.counts),
            *((s.scenario, s.readiness, s.counts) for s in point.scenarios),
        ):
            writer.writerow(
                [
                    point.audit,
                    point.title,
                    point.audit_date.isoformat(),
                    point.members,
                    scope,
                    readiness,
                    counts.red,
                    counts.amber,
                    counts.green,
                ]
            )
    return buffer.getvalue()


def peer_groups(ours: CouncilDetail, theirs: CouncilDetail) -> frozenset[GroupKind]:
    """The comparison groups of ``ours`` that ``theirs`` belongs to (DESIGN §2.10): same type, same
    region, same combined authority (when ours has one), adjacent, and all."""
    kinds: set[GroupKind] = {"all"}
    if theirs.type == ours.type:
        kinds.add("type")
    if theirs.region == ours.region:
        kinds.add("region")
    if ours.combined_authority is not None and theirs.combined_authority == ours.combined_authority:
        kinds.add("combined-authority")
    if theirs.gss in {n.gss for n in ours.neighbours}:
        kinds.add("neighbours")
    return frozenset(kinds)


async def council_benchmark(
    session: AsyncSession,
    store: FrameworkStore,
    registry: CouncilRegistry,
    gss: str,
    needs_id: uuid.UUID,
    group: GroupKind,
) -> BenchmarkView:
    """DESIGN §2.10 peer benchmark of ``gss`` against ``group``, with §2.4's reciprocity."""
    council = await session.get(Council, gss)
    if council is None:
        raise NotFound(f"Council {gss!r} is not in the registry")
    profile = await needs.get(session, gss, needs_id)
    _, index = await store.resolve(session, profile.framework_version)
    rows = needs._rows_or_422(profile, index)
    edition = profile.framework_version
    empty = BenchmarkView(
        council=gss,
        needs=profile.id,
        framework_version=edition,
        group=group,
        group_label=GROUP_LABELS[group],
        shared=False,
        reason=NOT_SHARING.format(name=council.name, gss=gss),
        suppressed=True,
        councils=None,
        own_readiness=None,
        group_readiness=None,
        rows=[],
        groups=[],
        threshold=0,
        note="",
    )
    if not council.share_capability:
        return empty
    details = (await registry.snapshot()).details
    ours = details[gss]
    sharing = [
        code
        for code in await session.scalars(
            select(Council.gss).where(Council.share_capability.is_(True), Council.gss != gss)
        )
        if code in details
    ]
    audits = await latest_audits(session, [*sharing, gss], edition)
    skills = {row.skill for row in rows}
    teams = await load_teams(session, [audit.id for audit in audits.values()], skills) if audits else {}
    peers = [
        Peer(gss=code, team=teams[audit.id], groups=peer_groups(ours, details[code]))
        for code, audit in sorted(audits.items())
        if code != gss
    ]
    own = teams[audits[gss].id] if gss in audits else None
    result = benchmark(rows, own, peers)
    chosen = next(g for g in result.groups if g.key == group)
    return BenchmarkView(
        council=gss,
        needs=profile.id,
        framework_version=edition,
        group=group,
        group_label=GROUP_LABELS[group],
        shared=True,
        suppressed=chosen.suppressed,
        councils=chosen.councils,
        own_readiness=result.own_readiness,
        group_readiness=chosen.readiness,
        rows=[
            BenchmarkRow(
                skill=row.skill,
                label=index.skills[row.skill].label if row.skill in index.skills else row.skill,
                level=row.level,
                required=row.required,
                importance=row.importance,
                own_rag=mine.rag,
                suppressed=cell.suppressed,
                red=cell.red,
                amber=cell.amber,
                green=cell.green,
            )
            for row, mine, cell in zip(rows, result.own, chosen.cells, strict=True)
        ],
        groups=[
            BenchmarkGroupSummary(
                key=g.key, label=GROUP_LABELS[g.key], suppressed=g.suppressed, councils=g.councils
            )
            for g in result.groups
        ],
        threshold=result.threshold,
        note=NOTE.format(threshold=result.threshold),
    )


__all__ = ["GROUP_KINDS", "council_benchmark", "council_trend", "trend_csv"]
