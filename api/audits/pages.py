"""A manager's team pages (issue 16): the council dashboard, the team matrix, a member's page and
the spreadsheet export, under ``/app/councils/{code}``.

The guard is the keys' own, as on the council's keys page (``api.web.councils.MANAGED_COUNCIL``,
``require_council``: admin, or a manager of this council; another council's manager gets 404). Every read and
write is a function the JSON routes call: ``api.audits.service`` (audits, members, the assessments
matrix, the export), ``api.needs.service`` (profiles, readiness through the gap analysis, the team
from its compact levels rows). A form with mistakes comes back with an error summary and a 4xx
status, so the request's transaction is rolled back and nothing is written; a stale member edit is
``412`` with the member as it now is.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.accounts.forms import read_form
from api.audits import service, views
from api.audits.forms import (
    AuditForm,
    MemberForm,
    check_audit,
    check_levels,
    check_member_update,
    check_new_member,
)
from api.audits.routes import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from api.audits.schemas import AuditOut, MemberOut
from api.db.models import Audit
from api.deps import STORE
from api.errors import Conflict, FieldError, ProblemError
from api.framework.store import FrameworkStore
from api.needs import service as needs
from api.params import AuditId, GssCode, MemberRef
from api.preconditions import PreconditionFailed
from api.responses import attachment
from api.rounds import service as rounds
from api.web.councils import MANAGED_COUNCIL, Done
from api.web.render import page
from api.web.sessions import SIGNED_IN
from taxonomy.index import FrameworkIndex

NeedsChoice = Annotated[uuid.UUID | None, QueryParameter(description="Needs profile for readiness.")]
Filter = Annotated[str | None, QueryParameter(max_length=80)]
"""A matrix filter from a GET form: empty means every one; a value not in the list is ignored."""
ExportFormat = Annotated[str, QueryParameter(pattern=r"^(csv|xlsx)$")]
AUDITS_SHOWN = 100
PROFILES_SHOWN = 100
DONE_MESSAGES = {
    "imported": "The spreadsheet is imported.",
    "member-added": "The member is added.",
    "member-saved": "The member's details are saved.",
    "levels-saved": "The levels are saved.",
    "levels-unchanged": "No level changed, so nothing was saved.",
    "member-removed": "The member and all their assessments are removed.",
}
STALE_MEMBER = (
    "Someone changed this member since you opened the page. Their details are shown as they are now: "
    "make your change again and save."
)


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def audit_path(code: str, audit_id: uuid.UUID) -> str:
    return f"/app/councils/{code}/audits/{audit_id}"


class AuditView(AuditOut, kw_only=True):
    """An audit row of the dashboard, with its readiness against the chosen profile (or why not)."""

    readiness: float | None = None
    readiness_note: str | None = None


class TeamPages(Controller):
    path = "/app/councils/{code:str}"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE, "council": MANAGED_COUNCIL}

    async def _audit(
        self,
        db_session: AsyncSession,
        store: FrameworkStore,
        council: accounts.CouncilPage,
        audit_id: uuid.UUID,
    ) -> tuple[Audit, FrameworkIndex]:
        """The audit in the path, of the council the person may manage (``MANAGED_COUNCIL``)."""
        audit = await service.get_audit(db_session, council.gss, audit_id)
        _, index = await store.resolve(db_session, audit.framework_version)
        return audit, index

    # --- the dashboard ---------------------------------------------------------------------------

    async def _dashboard(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        council: accounts.CouncilPage,
        needs_id: uuid.UUID | None,
        *,
        form: AuditForm | None = None,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        code = council.gss
        audits, total = await service.list_audits(db_session, code, AUDITS_SHOWN, 0)
        profiles, _ = await needs.list_profiles(db_session, code, PROFILES_SHOWN, 0)
        chosen = next((p for p in profiles if p.id == needs_id), profiles[0] if profiles else None)
        rows = []
        for audit in audits:
            readiness, note = None, None
            if chosen is not None:
                try:
                    report = await needs.gaps(db_session, store, code, audit.id, chosen.id)
                    readiness = report.analysis.readiness
                except ProblemError as exc:
                    note = exc.detail
            rows.append(
                AuditView(
                    **{f: getattr(audit, f) for f in audit.__struct_fields__},
                    readiness=readiness,
                    readiness_note=note,
                )
            )
        context = {
            "council": council,
            "due": await rounds.due_items(db_session, code, dt.datetime.now(dt.UTC).date()),
            "audits": rows,
            "total": total,
            "profiles": profiles,
            "chosen": chosen,
            "form": form or AuditForm(),
            "errors": errors or [],
        }
        return page(request, "audits/dashboard.html", context, status_code=status_code)

    @get("/", operation_id="getCouncilDashboardPage")
    async def dashboard(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        needs: NeedsChoice = None,
    ) -> Template:
        """The council's audits with readiness against a chosen needs profile, and links to the rest."""
        return await self._dashboard(request, db_session, store, council, needs)

    @post("/audits", operation_id="createAuditPage", status_code=303)
    async def create_audit(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``POST /v1/councils/{code}/audits`` from a form; then on to the import."""
        form = await read_form(request, AuditForm)
        data, errors = check_audit(form)
        if data is None:
            return await self._dashboard(
                request, db_session, store, council, None, form=form, errors=errors, status_code=422
            )
        audit = await service.create_audit(db_session, store, code, data)
        return _see_other(f"{audit_path(code, audit.id)}/import?done=created")

    # --- the team matrix ---------------------------------------------------------------------------

    async def _matrix(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        council: accounts.CouncilPage,
        code: str,
        audit_id: uuid.UUID,
        *,
        role: str | None = None,
        category: str | None = None,
        done: str | None = None,
        form: MemberForm | None = None,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        audit, index = await self._audit(db_session, store, council, audit_id)
        team = await needs.load_team(db_session, audit.id)
        context = {
            "council": council,
            "audit": audit,
            "matrix": views.team_matrix(index, team, role=role, category=category),
            "role_choices": [views.Choice(r.slug, r.title) for r in index.framework.roles],
            "done": DONE_MESSAGES.get(done or ""),
            "form": form or MemberForm(),
            "errors": errors or [],
        }
        return page(request, "audits/matrix.html", context, status_code=status_code)

    @get("/audits/{audit_id:uuid}", operation_id="getTeamMatrixPage")
    async def matrix(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        role: Filter = None,
        category: Filter = None,
        done: Done = None,
    ) -> Template:
        """Members × skills by category, levels as numbers on the report's colours; filters by GET."""
        return await self._matrix(
            request,
            db_session,
            store,
            council,
            code,
            audit_id,
            role=role or None,
            category=category or None,
            done=done,
        )

    @post("/audits/{audit_id:uuid}/members", operation_id="createMemberPage", status_code=303)
    async def add_member(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``POST …/members`` from the matrix page's form."""
        audit, index = await self._audit(db_session, store, council, audit_id)
        form = await read_form(request, MemberForm)
        data, errors = check_new_member(index, form)
        if data is not None:
            try:
                await service.create_member(db_session, index, audit, data)
            except Conflict:
                errors = [
                    FieldError(
                        field="reference", message=f"{data.reference} is already in this audit", source="body"
                    )
                ]
        if errors:
            status = 409 if data is not None else 422
            return await self._matrix(
                request,
                db_session,
                store,
                council,
                code,
                audit_id,
                form=form,
                errors=errors,
                status_code=status,
            )
        return _see_other(f"{audit_path(code, audit_id)}?done=member-added")

    @get("/audits/{audit_id:uuid}/export", operation_id="exportAuditPage")
    async def export(
        self,
        code: GssCode,
        audit_id: AuditId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        format: ExportFormat = "xlsx",
    ) -> Response[bytes]:
        """The same file as ``GET /v1/…/export``."""
        audit, index = await self._audit(db_session, store, council, audit_id)
        body, filename = await service.export_spreadsheet(db_session, index, audit, format)
        return attachment(body, CSV_MEDIA_TYPE if format == "csv" else XLSX_MEDIA_TYPE, filename)

    # --- a member ------------------------------------------------------------------------------

    async def _member(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        council: accounts.CouncilPage,
        code: str,
        audit_id: uuid.UUID,
        reference: str,
        *,
        done: str | None = None,
        form: MemberForm | None = None,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        audit, index = await self._audit(db_session, store, council, audit_id)
        member = await service.get_member(db_session, audit, reference)
        out = await service.member_out(db_session, member)
        context = {
            "council": council,
            "audit": audit,
            "member": out,
            "revision": member.revision,
            "role_title": views.role_title(index, out.role),
            "role_choices": [views.Choice(r.slug, r.title) for r in index.framework.roles],
            "groups": views.member_levels(index, _assessments(out), out.effective_levels),
            "levels": [views.Choice(str(level.level), level.name) for level in index.framework.levels],
            "done": DONE_MESSAGES.get(done or ""),
            "form": form or _member_form(out, member.revision),
            "errors": errors or [],
        }
        return page(request, "audits/member.html", context, status_code=status_code)

    @get("/audits/{audit_id:uuid}/members/{reference:str}", operation_id="getMemberPage")
    async def member(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        done: Done = None,
    ) -> Template:
        return await self._member(request, db_session, store, council, code, audit_id, reference, done=done)

    @post("/audits/{audit_id:uuid}/members/{reference:str}", operation_id="updateMemberPage", status_code=303)
    async def update_member(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``PATCH …/members/{reference}`` with ``If-Match`` the revision the form was drawn from."""
        audit, index = await self._audit(db_session, store, council, audit_id)
        member = await service.get_member(db_session, audit, reference)
        form = await read_form(request, MemberForm)
        shown: MemberForm | None = form  # None: the member as stored now (after a 412)
        data, errors = check_member_update(index, form)
        status = 422
        if data is not None:
            seen = int(form.revision) if form.revision.isdigit() and len(form.revision) < 16 else 0
            try:
                await service.update_member(
                    db_session, index, audit, member, data, service.etag("member", member.id, seen)
                )
            except PreconditionFailed:
                await db_session.refresh(member)
                errors = [FieldError(field="reference", message=STALE_MEMBER, source="body")]
                status, shown = 412, None
            except Conflict:
                taken = f"{data.reference} is already in this audit"
                errors, status = [FieldError(field="reference", message=taken, source="body")], 409
        if errors:
            return await self._member(
                request,
                db_session,
                store,
                council,
                code,
                audit_id,
                reference,
                form=shown,
                errors=errors,
                status_code=status,
            )
        return _see_other(f"{audit_path(code, audit_id)}/members/{member.reference}?done=member-saved")

    @post(
        "/audits/{audit_id:uuid}/members/{reference:str}/levels",
        operation_id="setMemberLevelsPage",
        status_code=303,
    )
    async def set_levels(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """The manager's levels through ``PUT …/assessments`` (source ``manager``), all or nothing."""
        audit, index = await self._audit(db_session, store, council, audit_id)
        member = await service.get_member(db_session, audit, reference)
        out = await service.member_out(db_session, member)
        posted = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
        current = {a.skill: a.level for a in out.assessments if a.source == "manager"}
        changes, errors = check_levels(member.reference, posted, current, index)
        if errors:
            return await self._member(
                request, db_session, store, council, code, audit_id, reference, errors=errors, status_code=422
            )
        if not changes:
            return _see_other(
                f"{audit_path(code, audit_id)}/members/{member.reference}?done=levels-unchanged"
            )
        await service.bulk_assessments(db_session, index, audit, changes)
        return _see_other(f"{audit_path(code, audit_id)}/members/{member.reference}?done=levels-saved")

    @get("/audits/{audit_id:uuid}/members/{reference:str}/remove", operation_id="getRemoveMemberPage")
    async def confirm_remove(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        """Removing erases every assessment of the member: one page says so and asks."""
        audit, _ = await self._audit(db_session, store, council, audit_id)
        member = await service.get_member(db_session, audit, reference)
        return page(
            request, "audits/remove_member.html", {"council": council, "audit": audit, "member": member}
        )

    @post(
        "/audits/{audit_id:uuid}/members/{reference:str}/remove",
        operation_id="removeMemberPage",
        status_code=303,
    )
    async def remove(
        self,
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Response[Any]:
        """``DELETE …/members/{reference}``."""
        audit, _ = await self._audit(db_session, store, council, audit_id)
        member = await service.get_member(db_session, audit, reference)
        await service.delete_member(db_session, audit, member)
        return _see_other(f"{audit_path(code, audit_id)}?done=member-removed")


def _assessments(out: MemberOut) -> list[tuple[str, str, int]]:
    return [(a.skill, a.source, a.level) for a in out.assessments]


def _member_form(out: MemberOut, revision: int) -> MemberForm:
    return MemberForm(
        reference=out.reference,
        display_name=out.display_name or "",
        role=out.role or "",
        fte=f"{out.fte:g}",
        revision=str(revision),
    )
