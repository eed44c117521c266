"""Importing a team's spreadsheet in the browser (issue 16): upload → the mapping review → confirm.

Every step is ``api.audits.service.import_spreadsheet`` with ``ImportOptions``, exactly as
``POST /v1/councils/{code}/audits/{id}/import``: the same reader, caps, plan and all-or-nothing
write. The review page is a dry run (it writes nothing of the audit); the confirmation sends the
person's choices as the route's ``mapping`` (each column by its letter, each title by its text).
A refused import comes back on the review page with an error summary (422) naming each row error
by row and column and each choice still to make; nothing is written. The file waits between the
steps in the database, bound to the person's session (``api.audits.uploads`` says why there).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.audits import service, uploads, views
from api.audits.pages import audit_path
from api.audits.schemas import ImportOptions, ImportPlan
from api.audits.service import ImportNotReady
from api.db.models import Audit
from api.deps import STORE
from api.errors import FieldError, ProblemError
from api.framework.store import FrameworkStore
from api.params import AuditId, GssCode
from api.settings import Settings
from api.web.councils import MANAGED_COUNCIL, Done
from api.web.render import page
from api.web.sessions import SIGNED_IN, SignedIn

UploadId = Annotated[str, PathParameter(max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
CREATED = "The audit is created. Next, import your team's spreadsheet."


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


class ImportPages(Controller):
    path = "/app/councils/{code:str}/audits/{audit_id:uuid}/import"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE, "council": MANAGED_COUNCIL}

    def _upload_page(
        self,
        request: Request[Any, Any, Any],
        council: accounts.CouncilPage,
        audit: Audit,
        *,
        errors: list[FieldError] | None = None,
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        settings = _settings(request)
        context = {
            "council": council,
            "audit": audit,
            "errors": errors or [],
            "done": CREATED if done == "created" else None,
            "caps": {
                "megabytes": settings.max_body_bytes // (1024 * 1024),
                "rows": settings.import_max_rows,
                "columns": settings.import_max_columns,
                "members": settings.import_max_members,
            },
        }
        return page(request, "audits/import.html", context, status_code=status_code)

    async def _review_page(
        self,
        request: Request[Any, Any, Any],
        store: FrameworkStore,
        db_session: AsyncSession,
        council: accounts.CouncilPage,
        audit: Audit,
        upload: Any,
        plan: ImportPlan,
        *,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        _, index = await store.resolve(db_session, audit.framework_version)
        context = {
            "council": council,
            "audit": audit,
            "upload_id": upload.id,
            "filename": upload.filename,
            "plan": plan,
            "review": views.review(index, plan),
            "errors": errors or [],
        }
        return page(request, "audits/review.html", context, status_code=status_code)

    async def _plan(
        self,
        db_session: AsyncSession,
        store: FrameworkStore,
        request: Request[Any, Any, Any],
        audit: Audit,
        content: bytes,
        filename: str,
        options: ImportOptions,
    ) -> tuple[Audit | None, ImportPlan]:
        return await service.import_spreadsheet(
            db_session, store, _settings(request), audit.council_gss, audit, content, filename, options
        )

    @get("/", operation_id="getImportPage")
    async def upload_form(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        done: Done = None,
    ) -> Template:
        audit = await service.get_audit(db_session, code, audit_id)
        return self._upload_page(request, council, audit, done=done)

    @post("/", operation_id="uploadImportPage", status_code=303)
    async def upload(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        person: NamedDependency[SignedIn],
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """Read and plan the file (a dry run: the same caps as the API); keep it; show the review."""
        audit = await service.get_audit(db_session, code, audit_id)
        posted = (await request.form()).get("file")
        if not isinstance(posted, UploadFile) or not posted.filename:
            errors = [FieldError(field="file", message="Choose a CSV or XLSX file to upload", source="body")]
            return self._upload_page(request, council, audit, errors=errors, status_code=422)
        content = await posted.read()
        try:
            await self._plan(
                db_session, store, request, audit, content, posted.filename, ImportOptions(dry_run=True)
            )
        except ProblemError as exc:
            errors = exc.errors or [FieldError(field="file", message=exc.detail, source="body")]
            message = f"The file cannot be imported: {errors[0].message}"
            errors = [FieldError(field="file", message=message, source="body")]
            return self._upload_page(request, council, audit, errors=errors, status_code=exc.status_code)
        upload_id = await uploads.stage(
            db_session,
            session_hash=person.session_hash,
            audit_id=audit.id,
            filename=posted.filename,
            content=content,
            max_age=dt.timedelta(hours=_settings(request).session_absolute_hours),
        )
        return Redirect(path=f"{audit_path(code, audit.id)}/import/{upload_id}", status_code=303)

    @get("/{upload_id:str}", operation_id="getImportReviewPage")
    async def review(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        upload_id: UploadId,
        person: NamedDependency[SignedIn],
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        """The dry run's plan: every column and title with its decision and a choice to confirm."""
        audit = await service.get_audit(db_session, code, audit_id)
        upload = await uploads.fetch(
            db_session, session_hash=person.session_hash, audit_id=audit.id, upload_id=upload_id
        )
        _, plan = await self._plan(
            db_session, store, request, audit, upload.content, upload.filename, ImportOptions(dry_run=True)
        )
        return await self._review_page(request, store, db_session, council, audit, upload, plan)

    @post("/{upload_id:str}", operation_id="confirmImportPage", status_code=303)
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        upload_id: UploadId,
        person: NamedDependency[SignedIn],
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """The import for real, with the person's choices as ``mapping``: all of it, or nothing."""
        audit = await service.get_audit(db_session, code, audit_id)
        upload = await uploads.fetch(
            db_session, session_hash=person.session_hash, audit_id=audit.id, upload_id=upload_id
        )
        posted = {name: value for name, value in (await request.form()).items() if isinstance(value, str)}
        dry_run = ImportOptions(dry_run=True)
        try:
            mapping = views.mapping_from_form(posted)
        except msgspec.ValidationError as exc:
            _, plan = await self._plan(
                db_session, store, request, audit, upload.content, upload.filename, dry_run
            )
            message = f"A choice on this page is not valid: {exc}"
            errors = [FieldError(field="columns", message=message, source="body")]
            return await self._review_page(
                request, store, db_session, council, audit, upload, plan, errors=errors, status_code=422
            )
        options = ImportOptions(mapping=mapping)
        try:
            await self._plan(db_session, store, request, audit, upload.content, upload.filename, options)
        except ImportNotReady as exc:
            return await self._review_page(
                request,
                store,
                db_session,
                council,
                audit,
                upload,
                exc.plan,
                errors=views.review_errors(exc.plan),
                status_code=exc.status_code,
            )
        await uploads.discard(db_session, upload.id)
        return Redirect(path=f"{audit_path(code, audit.id)}?done=imported", status_code=303)
