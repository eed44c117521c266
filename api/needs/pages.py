"""A manager's needs, gaps and progress pages (issue 16), under ``/app/councils/{code}``.

The guard is the keys' own (``api.web.councils.MANAGED_COUNCIL``, ``require_council``: admin, or a
manager of this council; another council's manager gets 404). Every read and write is a function
the JSON routes call (DESIGN §3–4, no rule written twice): ``api.needs.service`` ``create``/``update``/
``requirements`` (``POST``/``PATCH …/needs``, ``GET …/needs/{id}/requirements``), ``gaps``
(``GET …/audits/{id}/gaps``) and ``progress_review`` (``GET …/progress``). An edit carries the
revision it was drawn from and is written with ``If-Match`` exactly as the API's (issue 12: the
UPDATE itself checks it); a conflicting edit comes back 412 with the profile as it now is.

A refused form comes back with an error summary and a 4xx status, so the request's transaction
rolls back and nothing is written. The analysis pages are GET forms (a choice of audit and
profile, a sort), so they work with JavaScript off and can be bookmarked; a refusal from the
service (editions differ, an empty profile) is shown on the same page with its status.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.audits import service as audits
from api.db.models import NeedsProfile
from api.deps import STORE
from api.errors import FieldError, ProblemError
from api.framework.store import FrameworkStore
from api.needs import service, views
from api.needs.forms import (
    BLANK_ROWS,
    LEVELS,
    NeedsForm,
    RowForm,
    check_needs,
    field_for,
    form_from_profile,
    read_needs_form,
)
from api.needs.schemas import NeedsUpdate
from api.params import AuditId, GssCode, MemberRef, NeedsId
from api.preconditions import PreconditionFailed
from api.reports.html import skill_groups
from api.web.councils import (
    CHOICES_SHOWN,
    MANAGED_COUNCIL,
    Choices,
    Chosen,
    Done,
    choices,
    chooser_context,
    refusal,
)
from api.web.render import page
from api.web.sessions import SIGNED_IN
from taxonomy.index import FrameworkIndex
from taxonomy.model import IMPORTANCE_WEIGHT

SortQuery = Annotated[str, QueryParameter(pattern=views.SORT_PATTERN)]
DONE_MESSAGES = {
    "created": "The needs profile is saved.",
    "saved": "Your changes are saved.",
}
STALE_PROFILE = (
    "Someone changed this needs profile since you opened it. It is shown as it is now: "
    "make your change again and save."
)
IMPORTANCES = tuple(IMPORTANCE_WEIGHT)


def needs_path(code: str, needs_id: uuid.UUID | None = None) -> str:
    return f"/app/councils/{code}/needs" + (f"/{needs_id}" if needs_id else "")


class NeedsPages(Controller):
    path = "/app/councils/{code:str}"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE, "council": MANAGED_COUNCIL}

    # --- needs profiles ----------------------------------------------------------------------

    @get("/needs", operation_id="listNeedsPage")
    async def list_profiles(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        profiles, total = await service.list_profiles(db_session, code, CHOICES_SHOWN, 0)
        context = {"council": council, "profiles": profiles, "total": total}
        return page(request, "needs/list.html", context)

    async def _form_page(
        self,
        request: Request[Any, Any, Any],
        council: accounts.CouncilPage,
        index: FrameworkIndex,
        form: NeedsForm,
        *,
        profile_id: uuid.UUID | None = None,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        rows = [*form.rows, *[RowForm() for _ in range(BLANK_ROWS)]]
        context = {
            "council": council,
            "profile_id": profile_id,
            "edition": index.key,
            "form": form,
            "rows": rows,
            "roles": sorted(index.framework.roles, key=lambda role: (role.band, role.title)),
            "scenarios": index.framework.scenarios,
            "skill_groups": [(category.name, skills) for category, skills in skill_groups(index)],
            "levels": [(level, views.level_name(index, level)) for level in LEVELS],
            "importances": IMPORTANCES,
            "errors": errors or [],
        }
        return page(request, "needs/form.html", context, status_code=status_code)

    @get("/needs/new", operation_id="newNeedsPage")
    async def new(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        _, index = await store.resolve(db_session, None)
        return await self._form_page(request, council, index, NeedsForm())

    @post("/needs", operation_id="createNeedsPage", status_code=303)
    async def create(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``POST /v1/councils/{code}/needs`` from the form, on the latest published edition."""
        _, index = await store.resolve(db_session, None)
        form = await _read(request, index)
        data, errors = check_needs(form, index)
        if data is not None:
            try:
                profile = await service.create(db_session, store, code, data)
            except ProblemError as exc:
                errors = _refused(exc)
            else:
                return Redirect(path=f"{needs_path(code, profile.id)}?done=created", status_code=303)
        return await self._form_page(request, council, index, form, errors=errors, status_code=422)

    @get("/needs/{needs_id:uuid}", operation_id="getNeedsPage")
    async def profile(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        needs_id: NeedsId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        done: Done = None,
    ) -> Template:
        """The profile as entered and expanded into requirement rows (``GET …/requirements``)."""
        profile = await service.get(db_session, code, needs_id)
        _, index = await store.resolve(db_session, profile.framework_version)
        requirements = await service.requirements(db_session, store, profile)
        found = await choices(db_session, code)
        context = {
            "council": council,
            "profile": service.needs_out(profile),
            "facts": views.profile_facts(index, profile.establishment, profile.scenarios, profile.rows),
            "requirements": views.requirement_lines(index, requirements.rows),
            "total_headcount": requirements.total_headcount,
            "audits": [a for a in found.audits if a.framework_version == profile.framework_version],
            "done": DONE_MESSAGES.get(done or ""),
        }
        return page(request, "needs/profile.html", context)

    @get("/needs/{needs_id:uuid}/edit", operation_id="editNeedsPage")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        needs_id: NeedsId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        profile = await service.get(db_session, code, needs_id)
        _, index = await store.resolve(db_session, profile.framework_version)
        form = _form_of(profile)
        return await self._form_page(request, council, index, form, profile_id=profile.id)

    @post("/needs/{needs_id:uuid}/edit", operation_id="updateNeedsPage", status_code=303)
    async def update(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        needs_id: NeedsId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``PATCH …/needs/{id}`` with ``If-Match`` the revision the form was drawn from."""
        profile = await service.get(db_session, code, needs_id)
        _, index = await store.resolve(db_session, profile.framework_version)
        form = await _read(request, index)
        data, errors = check_needs(form, index)
        status = 422
        if data is not None:
            seen = int(form.revision) if form.revision.isdigit() and len(form.revision) < 10 else 0
            change = NeedsUpdate(
                title=data.title,
                horizon=data.horizon,
                establishment=data.establishment,
                scenarios=data.scenarios,
                rows=data.rows,
            )
            try:
                await service.update(
                    db_session, store, profile, change, audits.etag("needs", profile.id, seen)
                )
            except PreconditionFailed:
                await db_session.refresh(profile)
                errors, status = [FieldError(field="title", message=STALE_PROFILE, source="body")], 412
                form = _form_of(profile)
            except ProblemError as exc:
                errors, status = _refused(exc), exc.status_code
            else:
                return Redirect(path=f"{needs_path(code, profile.id)}?done=saved", status_code=303)
        return await self._form_page(
            request, council, index, form, profile_id=profile.id, errors=errors, status_code=status
        )

    # --- gaps ----------------------------------------------------------------------------------

    @get("/gaps", operation_id="getGapsPage")
    async def gaps(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        audit: Chosen = None,
        needs: Chosen = None,
        sort: SortQuery = views.DEFAULT_SORT,
    ) -> Template:
        """Readiness, the RAG table (sortable by ``sort``) and each member against their role."""
        context = await chooser_context(db_session, council, audit_id=audit, needs_id=needs)
        found: Choices = context["choices"]
        context |= {
            "sort": sort,
            "sorts": [views.SortColumn(key, heading) for key, (heading, _) in views.SORTS.items()],
            "report": None,
            "audit": None,
            "profile": None,
        }
        status = 200
        if audit is not None and needs is not None:
            try:
                report = await service.gaps(db_session, store, code, audit, needs)
            except ProblemError as exc:
                context["errors"], status = refusal(exc, "needs"), exc.status_code
            else:
                _, index = await store.resolve(db_session, report.framework_version)
                context["report"] = report
                context["summary"] = views.summary(report.analysis)
                context["lines"] = views.gap_lines(index, report.analysis.rows, sort)
                context["members"] = views.member_lines(index, report.analysis.members)
                context["audit"] = next((a for a in found.audits if a.id == audit), None)
                context["profile"] = next((p for p in found.profiles if p.id == needs), None)
        return page(request, "needs/gaps.html", context, status_code=status)

    @get("/audits/{audit_id:uuid}/members/{reference:str}/gaps", operation_id="getMemberGapsPage")
    async def member_gaps(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        needs: Chosen = None,
    ) -> Template:
        """One member against their own role's requirements (DESIGN §2.2), from the same gap analysis."""
        audit = await audits.get_audit(db_session, code, audit_id)
        member = await audits.get_member(db_session, audit, reference)
        _, index = await store.resolve(db_session, audit.framework_version)
        found = await choices(db_session, code)
        profile = next((p for p in found.profiles if p.id == needs), None) or next(
            (p for p in found.profiles if p.framework_version == audit.framework_version), None
        )
        context: dict[str, Any] = {
            "council": council,
            "audit": audit,
            "reference": member.reference,
            "role": views.role_title(index, member.role),
            "profile": profile,
            "lines": None,
            "errors": [],
        }
        status = 200
        if profile is None:
            context["errors"] = [
                FieldError(field="needs", message="Add a needs profile on this edition first", source="query")
            ]
            status = 422
        else:
            try:
                report = await service.gaps(db_session, store, code, audit.id, profile.id)
            except ProblemError as exc:
                context["errors"], status = refusal(exc, "needs"), exc.status_code
            else:
                gap = next(m for m in report.analysis.members if m.reference == member.reference)
                context["lines"] = views.member_requirement_lines(index, gap)
                context["met"], context["total"] = gap.met, gap.total
        return page(request, "needs/member_gaps.html", context, status_code=status)

    # --- progress ------------------------------------------------------------------------------

    @get("/progress", operation_id="getProgressPage")
    async def progress(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        from_audit: Annotated[uuid.UUID | None, QueryParameter(name="from")] = None,
        to_audit: Annotated[uuid.UUID | None, QueryParameter(name="to")] = None,
        needs: Chosen = None,
    ) -> Template:
        """Two audits against one profile: covered before and after, RAG changes, who joined or left."""
        context = await chooser_context(db_session, council, needs_id=needs)
        context |= {"from_id": from_audit, "to_id": to_audit, "result": None}
        status = 200
        if from_audit is not None and to_audit is not None and needs is not None:
            try:
                review = await service.progress_review(db_session, store, code, from_audit, to_audit, needs)
            except ProblemError as exc:
                context["errors"], status = refusal(exc, "needs"), exc.status_code
            else:
                _, index = await store.resolve(db_session, review.framework_version)
                context["result"] = review.progress
                context["lines"] = views.progress_lines(index, review.progress)
        return page(request, "needs/progress.html", context, status_code=status)


async def _read(request: Request[Any, Any, Any], index: FrameworkIndex) -> NeedsForm:
    posted = await request.form()
    values = {name: value for name, value in posted.items() if isinstance(value, str)}
    scenarios = [value for value in posted.getall("scenario", []) if isinstance(value, str)]
    return read_needs_form(values, scenarios, index)


def _form_of(profile: NeedsProfile) -> NeedsForm:
    """The form as the profile now stands, carrying the revision it is drawn from."""
    return form_from_profile(
        profile.title,
        profile.horizon,
        profile.establishment,
        profile.scenarios,
        profile.rows,
        profile.revision,
    )


def _refused(exc: ProblemError) -> list[FieldError]:
    """A write the service refused: its field errors on the form's own fields, else its detail on
    the title."""
    errors = [
        FieldError(field=field_for(e.field), message=e.message, source="body") for e in exc.errors or []
    ]
    return errors or refusal(exc, "title")
