"""Needs profiles in the database, and the loading that feeds the pure gap analysis.

An analysis reads the audit's members in one query, one compact row each with their effective levels
(issue 14), and the framework edition from memory; everything else is ``api.analysis.gaps``.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable, Collection
from typing import NamedTuple

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.gaps import analyse, expand_needs, progress
from api.analysis.model import RequirementRow, TeamMember
from api.audits.levels_row import decode_levels
from api.audits.service import etag, get_audit
from api.convert import struct_from
from api.db.models import Audit, Member, NeedsProfile
from api.errors import FieldError, NotFound, Unprocessable
from api.framework.store import FrameworkStore
from api.needs.schemas import GapReport, NeedsCreate, NeedsOut, NeedsUpdate, ProgressReport, Requirements
from api.pagination import page_of
from api.preconditions import expected_revision, write_revision
from api.webhooks.outbox import NEEDS_UPDATED, emit
from taxonomy.index import FrameworkIndex
from taxonomy.model import ScenarioRow


def needs_out(profile: NeedsProfile) -> NeedsOut:
    return struct_from(NeedsOut, profile, council=profile.council_gss)


def _check_references(
    index: FrameworkIndex, establishment: dict[str, int], scenarios: list[str], rows: list[ScenarioRow]
) -> None:
    """Every role, scenario and skill must exist in the profile's edition (422 with field paths)."""
    errors = [
        FieldError(field=f"establishment.{role}", message=f"unknown role {role!r}", source="body")
        for role in establishment
        if role not in index.roles
    ]
    errors += [
        FieldError(field=f"scenarios[{n}]", message=f"unknown scenario {slug!r}", source="body")
        for n, slug in enumerate(scenarios)
        if slug not in index.scenarios
    ]
    errors += [
        FieldError(field=f"rows[{n}].skill", message=f"unknown skill {row.skill!r}", source="body")
        for n, row in enumerate(rows)
        if row.skill not in index.skills
    ]
    if errors:
        raise Unprocessable(f"The needs profile refers to things not in {index.key}", errors=errors)


async def create(session: AsyncSession, store: FrameworkStore, gss: str, data: NeedsCreate) -> NeedsProfile:
    edition, index = await store.resolve(session, data.framework_version)
    if edition.status != "published":
        raise Unprocessable(f"Framework edition {edition.version} is {edition.status}; use a published one")
    _check_references(index, data.establishment, data.scenarios, data.rows)
    profile = NeedsProfile(
        council_gss=gss,
        title=data.title,
        horizon=data.horizon,
        framework_version=edition.version,
        establishment=dict(data.establishment),
        scenarios=list(dict.fromkeys(data.scenarios)),
        rows=msgspec.to_builtins(data.rows),
    )
    session.add(profile)
    await session.flush()
    await announce(session, profile, "created")
    return profile


async def announce(session: AsyncSession, profile: NeedsProfile, change: str) -> None:
    """Issue 19: ``needs.updated`` for the profile's council, committed with the change."""
    gss = profile.council_gss
    await emit(
        session,
        NEEDS_UPDATED,
        f"needs:{profile.id}",
        {
            "council": gss,
            "needs": str(profile.id),
            "change": change,
            "path": f"/v1/councils/{gss}/needs/{profile.id}",
        },
        council=gss,
    )


async def get(session: AsyncSession, gss: str, needs_id: uuid.UUID) -> NeedsProfile:
    profile = await session.get(NeedsProfile, needs_id)
    if profile is None or profile.council_gss != gss:
        raise NotFound(f"Needs profile {needs_id} does not exist for council {gss}")
    return profile


async def list_profiles(
    session: AsyncSession, gss: str, limit: int, offset: int
) -> tuple[list[NeedsOut], int]:
    where = NeedsProfile.council_gss == gss
    order = [NeedsProfile.created_at.desc()]
    profiles, total = await page_of(session, NeedsProfile, where, order, limit, offset)
    return [needs_out(profile) for profile in profiles], total


async def update(
    session: AsyncSession,
    store: FrameworkStore,
    profile: NeedsProfile,
    data: NeedsUpdate,
    if_match: str | None,
) -> NeedsProfile:
    """Write only the fields sent (``horizon: null`` clears the horizon); with ``If-Match`` only if
    the profile is still at the revision the tag names, checked by the UPDATE itself (issue 12: one
    winner per ETag)."""
    what = f"needs profile {profile.id}"
    seen = expected_revision(if_match, etag("needs", profile.id, profile.revision), profile.revision, what)
    _, index = await store.resolve(session, profile.framework_version)
    establishment = data.establishment if data.establishment is not None else dict(profile.establishment)
    scenarios = data.scenarios if data.scenarios is not None else list(profile.scenarios)
    rows = data.rows if data.rows is not None else msgspec.convert(profile.rows, list[ScenarioRow])
    _check_references(index, establishment, scenarios, rows)
    values: dict[str, object] = {}
    if data.title is not None:
        values["title"] = data.title
    if data.horizon is not msgspec.UNSET:
        values["horizon"] = data.horizon
    if data.establishment is not None:
        values["establishment"] = dict(data.establishment)
    if data.scenarios is not None:
        values["scenarios"] = list(dict.fromkeys(data.scenarios))
    if data.rows is not None:
        values["rows"] = msgspec.to_builtins(data.rows)
    await write_revision(session, profile, values, seen=seen, what=what)
    await announce(session, profile, "updated")
    return profile


async def remove(session: AsyncSession, profile: NeedsProfile) -> None:
    await session.execute(delete(NeedsProfile).where(NeedsProfile.id == profile.id))
    await announce(session, profile, "deleted")


def requirement_rows(profile: NeedsProfile, index: FrameworkIndex) -> list[RequirementRow]:
    """DESIGN §2.1 for a stored profile."""
    return expand_needs(
        profile.establishment,
        index.roles,
        [index.scenarios[slug] for slug in profile.scenarios],
        msgspec.convert(profile.rows, list[ScenarioRow]),
    )


async def requirements(session: AsyncSession, store: FrameworkStore, profile: NeedsProfile) -> Requirements:
    _, index = await store.resolve(session, profile.framework_version)
    rows = requirement_rows(profile, index)
    return Requirements(
        needs=profile.id,
        framework_version=profile.framework_version,
        rows=rows,
        total_headcount=sum(row.required for row in rows),
    )


async def load_team(session: AsyncSession, audit_id: uuid.UUID) -> list[TeamMember]:
    """Members with their effective levels, from one query of their levels rows (issue 14)."""
    return (await load_teams(session, [audit_id]))[audit_id]


async def load_teams(
    session: AsyncSession, audit_ids: list[uuid.UUID], skills: Collection[str] | None = None
) -> dict[uuid.UUID, list[TeamMember]]:
    """Several audits' teams in one query, whatever their number (joint working reads every
    neighbour's at once): one compact row per member holding their effective levels (issue 14,
    ``api.audits.levels_row``), not their thousands of assessment rows. Each team comes sorted by
    member reference.

    ``skills`` keeps only those skills' levels (the sector view needs one scenario's or role's).

    Issue 18's bench (361 audits, 14,440 members): no ``ORDER BY`` and no ``CASE`` naming each
    row's audit. Sorting 14,440 rows that carry their levels spilled to disk on PostgreSQL
    (``external merge``) and a 361-branch ``CASE`` is evaluated branch by branch on every row: the
    query took 85-100 ms, against ~30 ms reading the audit id and sorting each team of 40 here.
    """
    if not audit_ids:
        return {}
    decode = decode_levels if skills is None else _levels_decoder(frozenset(skills))
    members = await session.execute(
        select(Member.audit_id, Member.reference, Member.role, Member.levels).where(
            Member.audit_id.in_(audit_ids)
        )
    )
    teams: dict[uuid.UUID, list[TeamMember]] = {audit_id: [] for audit_id in audit_ids}
    for audit_id, reference, role, stored in members:
        teams[audit_id].append(TeamMember(reference=reference, role=role, levels=decode(stored)))
    for team in teams.values():
        team.sort(key=_by_reference)
    return teams


def _by_reference(member: TeamMember) -> str:
    return member.reference


_UNRENAMEABLE = re.compile(r'[\\"\x00-\x1f]')
"""Characters msgspec refuses in a renamed field (never in a framework slug)."""


@functools.lru_cache(maxsize=64)
def _levels_decoder(skills: frozenset[str]) -> Callable[[str], dict[str, int]]:
    """Decode a levels row (``levels_row.encode_levels``'s JSON object) keeping only ``skills``.

    Decoded into a Struct with one optional field per wanted skill, msgspec skips every other key
    without building it, then ``to_builtins`` gives the dict of the levels present (a skill the
    member has no level in stays absent, as in the row): 14,440 rows of 62 skills filtered to 35
    took 62 ms as dicts filtered by a comprehension, 34 ms this way. Cached per skill set (a needs
    profile's or a scenario's): building the type and its decoder costs more than a small team.
    A skill named with a character msgspec cannot rename to falls back to the comprehension.
    """
    if any(_UNRENAMEABLE.search(skill) for skill in skills):
        return lambda stored: {s: level for s, level in decode_levels(stored).items() if s in skills}
    fields = {f"s{number}": skill for number, skill in enumerate(sorted(skills))}
    wanted = msgspec.defstruct(
        "WantedLevels",
        [(name, int | msgspec.UnsetType, msgspec.UNSET) for name in fields],
        rename=fields,
        gc=False,
    )
    decoder = msgspec.json.Decoder(wanted)

    def decode(stored: str) -> dict[str, int]:
        levels: dict[str, int] = msgspec.to_builtins(decoder.decode(stored))
        return levels

    return decode


def _same_edition(audit: Audit, profile: NeedsProfile) -> None:
    if audit.framework_version != profile.framework_version:
        raise Unprocessable(
            f"The audit uses framework {audit.framework_version} but the needs profile uses "
            f"{profile.framework_version}; compare them on the same edition"
        )


def _rows_or_422(profile: NeedsProfile, index: FrameworkIndex) -> list[RequirementRow]:
    rows = requirement_rows(profile, index)
    if not rows:
        raise Unprocessable(
            "The needs profile is empty: add a target establishment, a scenario or rows before a gap analysis"
        )
    return rows


async def _audit_and_profile(
    session: AsyncSession, gss: str, audit_id: uuid.UUID, needs_id: uuid.UUID
) -> tuple[Audit, NeedsProfile]:
    """The council's audit and needs profile in one query (issue 14: a round trip fewer on every
    analysis). When either is missing or another council's, the single lookups say which (404)."""
    found = (
        await session.execute(
            select(Audit, NeedsProfile)
            .join(NeedsProfile, NeedsProfile.council_gss == Audit.council_gss)
            .where(Audit.id == audit_id, Audit.council_gss == gss, NeedsProfile.id == needs_id)
        )
    ).first()
    if found is None:
        return await get_audit(session, gss, audit_id), await get(session, gss, needs_id)
    audit, profile = found
    return audit, profile


class AnalysisInputs(NamedTuple):
    audit: Audit
    profile: NeedsProfile
    edition: FrameworkIndex
    team: list[TeamMember]
    rows: list[RequirementRow]


async def analysis_inputs(
    session: AsyncSession, store: FrameworkStore, gss: str, audit_id: uuid.UUID, needs_id: uuid.UUID
) -> AnalysisInputs:
    """Everything a gap analysis reads: one lookup of the audit and the profile, one query for the
    team (a compact row per member), the edition from memory."""
    audit, profile = await _audit_and_profile(session, gss, audit_id, needs_id)
    _same_edition(audit, profile)
    _, index = await store.resolve(session, audit.framework_version)
    rows = _rows_or_422(profile, index)
    return AnalysisInputs(audit, profile, index, await load_team(session, audit.id), rows)


async def gaps(
    session: AsyncSession, store: FrameworkStore, gss: str, audit_id: uuid.UUID, needs_id: uuid.UUID
) -> GapReport:
    inputs = await analysis_inputs(session, store, gss, audit_id, needs_id)
    return GapReport(
        audit=inputs.audit.id,
        needs=inputs.profile.id,
        framework_version=inputs.audit.framework_version,
        analysis=analyse(inputs.rows, inputs.team, inputs.edition.roles),
    )


async def progress_review(
    session: AsyncSession,
    store: FrameworkStore,
    gss: str,
    from_id: uuid.UUID,
    to_id: uuid.UUID,
    needs_id: uuid.UUID,
) -> ProgressReport:
    """DESIGN §2.7: the earlier and later audit against one needs profile."""
    earlier = await get_audit(session, gss, from_id)
    later = await get_audit(session, gss, to_id)
    profile = await get(session, gss, needs_id)
    _same_edition(earlier, profile)
    _same_edition(later, profile)
    _, index = await store.resolve(session, profile.framework_version)
    rows = _rows_or_422(profile, index)
    result = progress(rows, await load_team(session, earlier.id), await load_team(session, later.id))
    return ProgressReport(
        from_audit=earlier.id,
        to_audit=later.id,
        needs=profile.id,
        framework_version=profile.framework_version,
        progress=result,
    )
