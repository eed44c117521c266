"""Audits, members and assessments in the database.

Reads load an audit's members and assessments in two queries (never lazily); writes that touch
many rows go through one dialect-native ``INSERT … ON CONFLICT`` per chunk. Everything a request
writes is committed together or not at all (the session commits only on a 2xx response).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple, cast

import msgspec
from anyio import to_thread
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis import levels
from api.audits.importing import ParsedImport, plan_upload
from api.audits.levels_row import decode_levels, refresh_levels
from api.audits.schemas import (
    SOURCE_PRIORITY,
    UNDECIDED,
    AssessmentIn,
    AssessmentOut,
    AuditCreate,
    AuditOut,
    AuditUpdate,
    BulkResult,
    Candidate,
    ImportOptions,
    ImportPlan,
    MemberCreate,
    MemberOut,
    MemberUpdate,
)
from api.audits.spreadsheets import SpreadsheetError, write_csv, write_xlsx
from api.convert import struct_from
from api.db.models import Assessment, Audit, Member
from api.errors import Conflict, FieldError, NotFound, ProblemError, Unprocessable
from api.framework.store import FrameworkStore
from api.pagination import page_of
from api.preconditions import expected_revision, write_revision
from api.settings import Settings
from api.webhooks.outbox import AUDIT_UPDATED, emit
from taxonomy.index import FrameworkIndex

UPSERT_CHUNK = 5000
MEMBER_UPSERT_CHUNK = 1000
"""Members per ``INSERT … ON CONFLICT`` statement: 6 parameters a row stays far below the
32,766 bound parameters SQLite and the 32,767 asyncpg accept."""


def etag(kind: str, identifier: object, revision: int) -> str:
    return f'"{kind}-{identifier}-{revision}"'


# --- audits ----------------------------------------------------------------------------------


async def _counts(session: AsyncSession, audit_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, tuple[int, int]]:
    if not audit_ids:
        return {}
    rows = await session.execute(
        select(Member.audit_id, func.count(func.distinct(Member.id)), func.count(Assessment.member_id))
        .outerjoin(Assessment, Assessment.member_id == Member.id)
        .where(Member.audit_id.in_(audit_ids))
        .group_by(Member.audit_id)
    )
    return {audit_id: (members, assessments) for audit_id, members, assessments in rows}


def _audit_out(audit: Audit, counts: tuple[int, int]) -> AuditOut:
    members, assessments = counts
    return struct_from(AuditOut, audit, council=audit.council_gss, members=members, assessments=assessments)


async def audit_out(session: AsyncSession, audit: Audit) -> AuditOut:
    return _audit_out(audit, (await _counts(session, [audit.id])).get(audit.id, (0, 0)))


async def _published_index(
    session: AsyncSession, store: FrameworkStore, version: str | None
) -> FrameworkIndex:
    """The edition a new audit pins: ``version`` (default the latest published), refused unless published."""
    edition, index = await store.resolve(session, version)
    if edition.status != "published":
        raise Unprocessable(
            f"Framework edition {edition.version} is {edition.status}; audits need a published one"
        )
    return index


async def create_audit(session: AsyncSession, store: FrameworkStore, gss: str, data: AuditCreate) -> Audit:
    index = await _published_index(session, store, data.framework_version)
    audit = Audit(
        council_gss=gss,
        title=data.title,
        audit_date=data.audit_date,
        framework_version=index.framework.version,
    )
    session.add(audit)
    await session.flush()
    await announce(session, audit, "created")
    return audit


async def announce(session: AsyncSession, audit: Audit, change: str) -> None:
    """Issue 19: ``audit.updated`` for the audit's council, committed with the change; once per
    transaction, however many rows the request writes."""
    await emit(
        session,
        AUDIT_UPDATED,
        f"audit:{audit.id}",
        {
            "council": audit.council_gss,
            "audit": str(audit.id),
            "change": change,
            "path": f"/v1/councils/{audit.council_gss}/audits/{audit.id}",
        },
        council=audit.council_gss,
    )


async def list_audits(session: AsyncSession, gss: str, limit: int, offset: int) -> tuple[list[AuditOut], int]:
    order = (Audit.audit_date.desc(), Audit.created_at.desc())
    audits, total = await page_of(session, Audit, Audit.council_gss == gss, order, limit, offset)
    counts = await _counts(session, [audit.id for audit in audits])
    return [_audit_out(audit, counts.get(audit.id, (0, 0))) for audit in audits], total


async def get_audit(session: AsyncSession, gss: str, audit_id: uuid.UUID) -> Audit:
    audit = await session.get(Audit, audit_id)
    if audit is None or audit.council_gss != gss:
        raise NotFound(f"Audit {audit_id} does not exist for council {gss}")
    return audit


async def update_audit(session: AsyncSession, audit: Audit, data: AuditUpdate, if_match: str | None) -> Audit:
    """Issue 12: with ``If-Match`` the UPDATE itself is conditional on the revision the tag names,
    so of concurrent writers holding one tag exactly one wins and the rest get 412."""
    what = f"audit {audit.id}"
    seen = expected_revision(if_match, etag("audit", audit.id, audit.revision), audit.revision, what)
    values = {
        field: value for field in ("title", "audit_date") if (value := getattr(data, field)) is not None
    }
    await write_revision(session, audit, values, seen=seen, what=what)
    await announce(session, audit, "updated")
    return audit


async def delete_audit(session: AsyncSession, audit: Audit) -> None:
    """Members and assessments go with it (ON DELETE CASCADE)."""
    await session.execute(delete(Audit).where(Audit.id == audit.id))
    await announce(session, audit, "deleted")


async def touch(session: AsyncSession, audit: Audit) -> None:
    """Any change below an audit changes the audit's ETag: ``revision = revision + 1`` in SQL.

    Every write below an audit calls this *first*. The UPDATE takes the audit row's lock on
    PostgreSQL (the database write lock on SQLite) until commit, so writes into one audit queue
    one after another: no increment is lost, two writers never lock members in opposite orders
    (no deadlock), and a create or an import reads the members as the previous writer left them
    (issue 12: concurrent imports never collide on ``(audit_id, reference)``).
    """
    await write_revision(session, audit, {}, seen=None, what=f"audit {audit.id}")
    await announce(session, audit, "updated")


# --- members ---------------------------------------------------------------------------------


class HeldAssessment(NamedTuple):
    """One stored assessment, read as plain columns (building ORM rows cost ~0.1 ms each: a
    200-member list read 12,400 of them, issue 16's bench)."""

    skill: str
    source: str
    level: int
    evidence: str | None


def _member_out(member: Member, assessments: list[HeldAssessment]) -> MemberOut:
    return MemberOut(
        reference=member.reference,
        display_name=member.display_name,
        role=member.role,
        fte=member.fte,
        effective_levels=levels.effective_levels((a.skill, a.source, a.level) for a in assessments),
        assessments=[
            AssessmentOut(skill=a.skill, source=a.source, level=a.level, evidence=a.evidence)  # type: ignore[arg-type]
            for a in sorted(assessments, key=lambda a: (a.skill, -SOURCE_PRIORITY[a.source]))
        ],
    )


async def assessments_by_member(
    session: AsyncSession, member_ids: Sequence[int]
) -> dict[int, list[HeldAssessment]]:
    """The members' assessments in one query, as plain rows grouped by member id."""
    grouped: dict[int, list[HeldAssessment]] = defaultdict(list)
    if member_ids:
        columns = (Assessment.skill, Assessment.source, Assessment.level, Assessment.evidence)
        rows = await session.execute(
            select(Assessment.member_id, *columns).where(Assessment.member_id.in_(member_ids))
        )
        for member_id, skill, source, level, evidence in rows:
            grouped[member_id].append(HeldAssessment(skill, source, level, evidence))
    return grouped


async def list_members(
    session: AsyncSession, audit: Audit, limit: int, offset: int
) -> tuple[list[MemberOut], int]:
    where = Member.audit_id == audit.id
    members, total = await page_of(session, Member, where, [Member.reference], limit, offset)
    grouped = await assessments_by_member(session, [member.id for member in members])
    return [_member_out(member, grouped[member.id]) for member in members], total


async def member_out(session: AsyncSession, member: Member) -> MemberOut:
    return _member_out(member, (await assessments_by_member(session, [member.id]))[member.id])


async def get_member(session: AsyncSession, audit: Audit, reference: str) -> Member:
    member = await session.scalar(
        select(Member).where(Member.audit_id == audit.id, Member.reference == reference)
    )
    if member is None:
        raise NotFound(f"Member {reference!r} is not in audit {audit.id}")
    return member


def _check_role(index: FrameworkIndex, role: str | None, field: str = "role") -> None:
    if role is not None and role not in index.roles:
        raise Unprocessable(
            f"Role {role!r} is not in {index.key}",
            errors=[FieldError(field=field, message=f"unknown role {role!r}", source="body")],
        )


async def create_member(
    session: AsyncSession, index: FrameworkIndex, audit: Audit, data: MemberCreate
) -> Member:
    _check_role(index, data.role)
    await touch(session, audit)
    if await session.scalar(
        select(Member.id).where(Member.audit_id == audit.id, Member.reference == data.reference)
    ):
        raise Conflict(f"Member {data.reference!r} already exists in this audit")
    member = Member(
        audit_id=audit.id,
        reference=data.reference,
        display_name=data.display_name,
        role=data.role,
        fte=data.fte,
    )
    session.add(member)
    await session.flush()
    return member


async def update_member(
    session: AsyncSession,
    index: FrameworkIndex,
    audit: Audit,
    member: Member,
    data: MemberUpdate,
    if_match: str | None,
) -> Member:
    """Only the fields sent are written; with ``If-Match`` only if the member is still at the
    revision the tag names (issue 12: one winner per ETag)."""
    what = f"member {member.reference!r}"
    seen = expected_revision(if_match, etag("member", member.id, member.revision), member.revision, what)
    _check_role(index, data.role)
    await touch(session, audit)
    values: dict[str, object] = {}
    if data.reference is not None and data.reference != member.reference:
        if await session.scalar(
            select(Member.id).where(Member.audit_id == audit.id, Member.reference == data.reference)
        ):
            raise Conflict(f"Member {data.reference!r} already exists in this audit")
        values["reference"] = data.reference
    for field in ("display_name", "role", "fte"):
        value = getattr(data, field)
        if value is not None:
            values[field] = value
    await write_revision(session, member, values, seen=seen, what=what)
    return member


async def delete_member(session: AsyncSession, audit: Audit, member: Member) -> None:
    """Data-protection erasure: the member and every assessment of theirs."""
    await touch(session, audit)
    await session.execute(delete(Assessment).where(Assessment.member_id == member.id))
    await session.execute(delete(Member).where(Member.id == member.id))


# --- assessments -----------------------------------------------------------------------------


def _insert(session: AsyncSession) -> Any:
    bind = session.get_bind()
    return pg_insert if bind.dialect.name == "postgresql" else sqlite_insert


async def upsert_assessments(session: AsyncSession, rows: list[dict[str, object]]) -> None:
    """Insert or update ``(member_id, skill, source)`` rows with one statement per chunk, then
    refresh the touched members' levels rows (issue 14, :func:`refresh_levels`).

    Rows go in key order, so two writers that lock the same rows lock them in the same order.
    """
    rows = sorted(rows, key=lambda row: (row["member_id"], row["skill"], row["source"]))
    insert = _insert(session)
    for start in range(0, len(rows), UPSERT_CHUNK):
        statement = insert(Assessment)
        statement = statement.on_conflict_do_update(
            index_elements=[Assessment.member_id, Assessment.skill, Assessment.source],
            set_={"level": statement.excluded.level, "evidence": statement.excluded.evidence},
        )
        await session.execute(statement, rows[start : start + UPSERT_CHUNK])
    await refresh_levels(session, {cast(int, row["member_id"]) for row in rows})


async def _existing_keys(session: AsyncSession, audit: Audit) -> set[tuple[int, str, str]]:
    rows = await session.execute(
        select(Assessment.member_id, Assessment.skill, Assessment.source)
        .join(Member, Member.id == Assessment.member_id)
        .where(Member.audit_id == audit.id)
    )
    return {(member_id, skill, source) for member_id, skill, source in rows}


async def bulk_assessments(
    session: AsyncSession, index: FrameworkIndex, audit: Audit, items: list[AssessmentIn]
) -> BulkResult:
    """Validate the whole matrix first; write it in one go or not at all."""
    await touch(session, audit)
    found = await session.execute(select(Member.reference, Member.id).where(Member.audit_id == audit.id))
    members: dict[str, int] = dict(found.all())
    errors: list[FieldError] = []
    seen: set[tuple[str, str, str]] = set()
    for position, item in enumerate(items):
        where = f"assessments[{position}]"
        if item.member not in members:
            errors.append(
                FieldError(field=f"{where}.member", message=f"no member {item.member!r}", source="body")
            )
        if item.skill not in index.skills:
            errors.append(
                FieldError(
                    field=f"{where}.skill",
                    message=f"unknown skill {item.skill!r} in {index.key}",
                    source="body",
                )
            )
        key = (item.member, item.skill, item.source)
        if key in seen:
            errors.append(
                FieldError(field=where, message="duplicate member, skill and source", source="body")
            )
        seen.add(key)
    if errors:
        raise Unprocessable(
            f"{len(errors)} assessment(s) cannot be written; nothing was written", errors=errors
        )
    existing = await _existing_keys(session, audit)
    rows: list[dict[str, object]] = [
        {
            "member_id": members[item.member],
            "skill": item.skill,
            "source": item.source,
            "level": item.level,
            "evidence": item.evidence,
        }
        for item in items
    ]
    updated = sum((row["member_id"], row["skill"], row["source"]) in existing for row in rows)
    await upsert_assessments(session, rows)
    return BulkResult(created=len(rows) - updated, updated=updated)


# --- import and export -----------------------------------------------------------------------


class ImportNotReady(Unprocessable):
    """422 ``import-not-ready``: the plan has errors or undecided headers or titles. It carries the
    plan, so a refusal shows what a dry run would, and names each suggestion (issue 13)."""

    problem_type = "import-not-ready"

    def __init__(self, plan: ImportPlan) -> None:
        parts = []
        if plan.errors:
            parts.append(f"{len(plan.errors)} error(s) in the file")
        if plan.undecided:
            parts.append(f"{len(plan.undecided)} header(s) or title(s) to confirm in `mapping`")
        super().__init__(
            "Nothing was imported: " + " and ".join(parts) + "; run with ?dry_run=true to see the plan",
            errors=refusal_errors(plan),
        )
        self.plan = plan


def refusal_errors(plan: ImportPlan) -> list[FieldError]:
    """Each row error where it is (``row 7, column E``), then each undecided header or title as the
    ``mapping`` entry that settles it, with its top suggestions: ``mapping.columns["Bid writting"]``:
    ``confirm 'bid-writing' (Bid writing & funding applications, score 88) or ignore it``."""
    errors = [
        FieldError(field=f"row {e.row}" + (f", column {e.column}" if e.column else ""), message=e.message)
        for e in plan.errors
    ]
    undecided = [
        *(("columns", "skill", c.header, c.candidates) for c in plan.columns if c.decision in UNDECIDED),
        *(("roles", "role", t.text, t.candidates) for t in plan.roles if t.decision in UNDECIDED),
        *(
            ("skill_names", "skill", t.text, t.candidates)
            for t in plan.skill_names
            if t.decision in UNDECIDED
        ),
    ]
    for group, what, text, candidates in undecided:
        key = msgspec.json.encode(text).decode()
        errors.append(
            FieldError(field=f"mapping.{group}[{key}]", message=_suggestion(what, candidates or []))
        )
    return errors


def _suggestion(what: str, candidates: list[Candidate]) -> str:
    if not candidates:
        return f"nothing in the framework matches: give a {what} slug or ignore it"
    named = [f"{c.slug!r} ({c.label}, score {c.score:.0f})" for c in candidates[:2]]
    return f"confirm {' or '.join(named)}{',' if len(named) > 1 else ''} or ignore it"


async def import_spreadsheet(
    session: AsyncSession,
    store: FrameworkStore,
    settings: Settings,
    gss: str,
    target: Audit | AuditCreate,
    content: bytes,
    filename: str | None,
    options: ImportOptions,
) -> tuple[Audit | None, ImportPlan]:
    """The one import path (issue 13): read, plan, check readiness, apply — for both import routes
    and ``edskills audit import --local``.

    ``target`` is the audit to import into, or the audit to create from the file: that one is
    created only once the plan is ready, in the transaction that writes the rows, so a dry run or a
    refusal leaves nothing behind. Reading and planning run in a worker thread within the caps of
    ``settings`` (issue 12). Raises ``ProblemError`` with the reader's status for a file that cannot
    be read or is over a cap, and ``ImportNotReady`` for a plan that is not ready; returns the audit
    (None on a dry run of a new one) and the plan, with what was written unless a dry run.
    """
    if isinstance(target, Audit):
        _, index = await store.resolve(session, target.framework_version)
    else:
        index = await _published_index(session, store, target.framework_version)
    try:
        parsed = await to_thread.run_sync(lambda: plan_upload(content, filename, index, settings, options))
    except SpreadsheetError as exc:
        raise ProblemError(
            exc.message,
            status_code=exc.status,
            errors=[FieldError(field="file", message=exc.message, source="body")],
        ) from None
    if options.dry_run:
        return (target if isinstance(target, Audit) else None), parsed.plan
    if not parsed.plan.ready:
        raise ImportNotReady(parsed.plan)
    audit = target if isinstance(target, Audit) else await create_audit(session, store, gss, target)
    return audit, await apply_import(session, audit, parsed)


async def apply_import(session: AsyncSession, audit: Audit, parsed: ParsedImport) -> ImportPlan:
    """Write a ready plan (members upserted by reference, assessments by (member, skill, source)) and
    return the plan with what was written, as the route and ``edskills audit import --local`` report it.

    Members already in the audit but absent from the file are left as they are; a blank name, role
    or FTE in the file keeps the stored one. Issue 12: concurrent imports into one audit queue on
    the audit's row (:func:`touch`, first) and write members with ``INSERT … ON CONFLICT (audit_id,
    reference) DO UPDATE … RETURNING``, so they apply one after another and never duplicate a
    member or fail on the unique key; the final state is what the last of them wrote.
    """
    await touch(session, audit)
    stored = {
        reference: (display_name, role, fte)
        for reference, display_name, role, fte in await session.execute(
            select(Member.reference, Member.display_name, Member.role, Member.fte).where(
                Member.audit_id == audit.id
            )
        )
    }
    rows: list[dict[str, object]] = []
    for parsed_member in sorted(parsed.members, key=lambda member: member.reference):
        display_name, role, fte = stored.get(parsed_member.reference, (None, None, 1.0))
        rows.append(
            {
                "audit_id": audit.id,
                "reference": parsed_member.reference,
                "display_name": parsed_member.display_name
                if parsed_member.display_name is not None
                else display_name,
                "role": parsed_member.role if parsed_member.role is not None else role,
                "fte": parsed_member.fte if parsed_member.fte is not None else fte,
                "revision": 1,
            }
        )
    ids = await _upsert_members(session, rows)
    await upsert_assessments(
        session,
        [
            {
                "member_id": ids[a.reference],
                "skill": a.skill,
                "source": a.source,
                "level": a.level,
                "evidence": a.evidence,
            }
            for a in parsed.assessments
        ],
    )
    updated = sum(row["reference"] in stored for row in rows)
    return msgspec.structs.replace(
        parsed.plan,
        dry_run=False,
        created_members=len(rows) - updated,
        updated_members=updated,
        written_assessments=len(parsed.assessments),
    )


async def _upsert_members(session: AsyncSession, rows: list[dict[str, object]]) -> dict[str, int]:
    """``INSERT … ON CONFLICT (audit_id, reference) DO UPDATE … RETURNING id, reference`` (both
    dialects): an existing member keeps its id and gets the row's fields and ``revision + 1``."""
    insert = _insert(session)
    ids: dict[str, int] = {}
    for start in range(0, len(rows), MEMBER_UPSERT_CHUNK):
        statement = insert(Member).values(rows[start : start + MEMBER_UPSERT_CHUNK])
        statement = statement.on_conflict_do_update(
            index_elements=[Member.audit_id, Member.reference],
            set_={
                "display_name": statement.excluded.display_name,
                "role": statement.excluded.role,
                "fte": statement.excluded.fte,
                "revision": Member.revision + 1,
            },
        ).returning(Member.id, Member.reference)
        for member_id, reference in await session.execute(statement):
            ids[reference] = member_id
    return ids


async def export_rows(session: AsyncSession, index: FrameworkIndex, audit: Audit) -> list[list[object]]:
    """The wide layout: reference, name, role, FTE, then one column per skill (effective level, from
    the members' levels rows: issue 14).

    Headers carry the preferred label and the slug (``Label [slug]``) so a re-import maps every
    column exactly, and a person still reads the label.
    """
    members = await session.execute(
        select(Member.reference, Member.display_name, Member.role, Member.fte, Member.levels)
        .where(Member.audit_id == audit.id)
        .order_by(Member.reference)
    )
    skills = index.framework.skills
    header: list[object] = ["Reference", "Name", "Role", "FTE", *(f"{s.label} [{s.slug}]" for s in skills)]
    rows: list[list[object]] = [header]
    for reference, display_name, role, fte, stored in members:
        effective = decode_levels(stored)
        rows.append(
            [
                reference,
                display_name,
                index.roles[role].title if role in index.roles else role,
                fte,
                *(effective.get(skill.slug) for skill in skills),
            ]
        )
    return rows


async def export_spreadsheet(
    session: AsyncSession, index: FrameworkIndex, audit: Audit, file_format: str
) -> tuple[bytes, str]:
    """The audit as a ``csv`` or ``xlsx`` file and its download name: ``GET …/export`` and the team
    page's export links (issue 16). Writing runs in a worker thread."""
    rows = await export_rows(session, index, audit)
    writer = write_csv if file_format == "csv" else write_xlsx
    body: bytes = await to_thread.run_sync(writer, rows)  # type: ignore[arg-type]
    return body, f"audit-{audit.audit_date.isoformat()}-{audit.id.hex[:8]}.{file_format}"
