"""Council-scoped audits, members, assessments, spreadsheet import and export.

Every handler needs a key for the council in the path (or ``admin``): see ``api.auth``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, NamedTuple

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State, UploadFile
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.audits import service
from api.audits.schemas import (
    AssessmentBulk,
    AuditCreate,
    AuditDate,
    AuditImport,
    AuditOut,
    AuditPage,
    AuditUpdate,
    BulkResult,
    ImportMapping,
    ImportOptions,
    ImportPlan,
    ImportRefusal,
    Layout,
    MemberCreate,
    MemberOut,
    MemberPage,
    MemberUpdate,
    Source,
)
from api.audits.service import ImportNotReady
from api.db.models import Audit, Member
from api.deps import COUNCIL_DEPENDENCIES
from api.errors import PROBLEM_MEDIA_TYPE, FieldError, ProblemError, problem_response, problem_responses
from api.framework.store import FrameworkStore
from api.openapi_media import documented_media_types
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response
from api.params import AuditId, MemberRef, VersionText
from api.preconditions import IfMatch
from api.responses import ETAG, attachment, tagged
from api.text import Title
from taxonomy.index import FrameworkIndex

AUDIT_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 422, 429)
IMPORT_ERRORS = {
    **problem_responses(400, 401, 403, 404, 413, 415, 422, 429),
    422: ResponseSpec(
        data_container=ImportRefusal,
        media_type=PROBLEM_MEDIA_TYPE,
        description="Unprocessable: a plan that is not ready (it carries the plan), or a file over a cap",
        generate_examples=False,
    ),
}
"""The 422 of an import documents the plan that ``import-not-ready`` carries (issue 13)."""
DRY_RUN = {
    200: ResponseSpec(data_container=AuditImport, description="A dry run: nothing created, `audit` null")
}


async def provide_audit(
    audit_id: AuditId, council: NamedDependency[str], db_session: NamedDependency[AsyncSession]
) -> Audit:
    """The audit in the path, once the caller may see its council (``api.deps.provide_council``)."""
    return await service.get_audit(db_session, council, audit_id)


class AuditMember(NamedTuple):
    """A member with their audit: writes below an audit lock the audit first (``service.touch``)."""

    audit: Audit
    member: Member


async def provide_audit_member(
    audit_id: AuditId,
    reference: MemberRef,
    council: NamedDependency[str],
    db_session: NamedDependency[AsyncSession],
) -> AuditMember:
    """The member in the path, in the audit in the path (404 for either)."""
    audit = await service.get_audit(db_session, council, audit_id)
    return AuditMember(audit, await service.get_member(db_session, audit, reference))


async def _index(store: FrameworkStore, session: AsyncSession, audit: Audit) -> FrameworkIndex:
    _, index = await store.resolve(session, audit.framework_version)
    return index


async def _audit_response(session: AsyncSession, audit: Audit, status_code: int = 200) -> Response[AuditOut]:
    content = await service.audit_out(session, audit)
    return tagged(content, service.etag("audit", audit.id, audit.revision), status_code)


async def _member_response(
    session: AsyncSession, member: Member, status_code: int = 200
) -> Response[MemberOut]:
    content = await service.member_out(session, member)
    return tagged(content, service.etag("member", member.id, member.revision), status_code)


@dataclass
class ImportUpload:
    """Multipart form: the spreadsheet, and optionally the JSON mapping that confirms the plan."""

    file: UploadFile
    mapping: str | None = None


CSV_MEDIA_TYPE = "text/csv"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class AuditImportUpload:
    """Multipart form: the spreadsheet, the new audit's title and date (and edition), and optionally
    the JSON mapping that confirms the plan."""

    file: UploadFile
    title: Title
    audit_date: AuditDate
    framework_version: VersionText | None = None
    """Default: the latest published edition."""
    mapping: str | None = None


async def provide_import_options(
    dry_run: Annotated[bool, QueryParameter(description="Only plan: write nothing.")] = False,
    header_row: Annotated[
        int | None, QueryParameter(ge=1, le=1000, description="1-based header row.")
    ] = None,
    layout: Annotated[Layout | None, QueryParameter(description="Default: detected from headers.")] = None,
    source: Annotated[Source, QueryParameter(description="Source of levels in a wide layout.")] = "manager",
) -> ImportOptions:
    """The query parameters both import routes take, once; the route adds the form's ``mapping``."""
    return ImportOptions(header_row=header_row, layout=layout, source=source, dry_run=dry_run)


def _refusal(request: Request[Any, Any, Any], exc: ImportNotReady) -> Response[ImportRefusal]:
    """``problem_response``'s document, with the plan as an extension member (RFC 9457 §3.2)."""
    problem = problem_response(request, exc)
    body = ImportRefusal(**msgspec.structs.asdict(problem.content), plan=exc.plan)
    return Response(body, status_code=exc.status_code, media_type=PROBLEM_MEDIA_TYPE)


class AuditController(Controller):
    path = "/v1/councils/{code:str}/audits"
    tags = ["audits"]
    dependencies = {
        **COUNCIL_DEPENDENCIES,
        "audit": Provide(provide_audit),
        "audit_member": Provide(provide_audit_member),
        "import_options": Provide(provide_import_options),
    }
    exception_handlers = {ImportNotReady: _refusal}

    @post(
        "/",
        operation_id="createAudit",
        summary="Start an audit",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_audit(
        self,
        data: JSONBody[AuditCreate],
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[AuditOut]:
        audit = await service.create_audit(db_session, store, council, data)
        return await _audit_response(db_session, audit, status_code=201)

    @get(
        "/",
        operation_id="listAudits",
        summary="The council's audits",
        responses=AUDIT_ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_audits(
        self,
        request: Request[Any, Any, Any],
        council: NamedDependency[str],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[AuditPage]:
        items, total = await service.list_audits(db_session, council, limit, offset)
        return page_response(request, AuditPage(items=items, total=total, limit=limit, offset=offset))

    @get(
        "/{audit_id:uuid}",
        operation_id="getAudit",
        summary="One audit",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def get_audit(
        self, audit: NamedDependency[Audit], db_session: NamedDependency[AsyncSession]
    ) -> Response[AuditOut]:
        return await _audit_response(db_session, audit)

    @patch(
        "/{audit_id:uuid}",
        operation_id="updateAudit",
        summary="Change an audit's title or date",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def update_audit(
        self,
        audit: NamedDependency[Audit],
        data: JSONBody[AuditUpdate],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[AuditOut]:
        await service.update_audit(db_session, audit, data, if_match)
        return await _audit_response(db_session, audit)

    @delete(
        "/{audit_id:uuid}",
        operation_id="deleteAudit",
        summary="Delete an audit and everything in it",
        responses=AUDIT_ERRORS,
    )
    async def delete_audit(
        self, audit: NamedDependency[Audit], db_session: NamedDependency[AsyncSession]
    ) -> None:
        await service.delete_audit(db_session, audit)

    # --- members ---------------------------------------------------------------------------

    @get(
        "/{audit_id:uuid}/members",
        operation_id="listMembers",
        summary="Members with their levels",
        responses=AUDIT_ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_members(
        self,
        request: Request[Any, Any, Any],
        audit: NamedDependency[Audit],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[MemberPage]:
        items, total = await service.list_members(db_session, audit, limit, offset)
        return page_response(request, MemberPage(items=items, total=total, limit=limit, offset=offset))

    @post(
        "/{audit_id:uuid}/members",
        operation_id="createMember",
        summary="Add a member",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_member(
        self,
        audit: NamedDependency[Audit],
        data: JSONBody[MemberCreate],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[MemberOut]:
        member = await service.create_member(db_session, await _index(store, db_session, audit), audit, data)
        return await _member_response(db_session, member, status_code=201)

    @get(
        "/{audit_id:uuid}/members/{reference:str}",
        operation_id="getMember",
        summary="One member",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def get_member(
        self, audit_member: NamedDependency[AuditMember], db_session: NamedDependency[AsyncSession]
    ) -> Response[MemberOut]:
        return await _member_response(db_session, audit_member.member)

    @patch(
        "/{audit_id:uuid}/members/{reference:str}",
        operation_id="updateMember",
        summary="Correct a member",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def update_member(
        self,
        audit_member: NamedDependency[AuditMember],
        data: JSONBody[MemberUpdate],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[MemberOut]:
        audit, member = audit_member
        index = await _index(store, db_session, audit)
        await service.update_member(db_session, index, audit, member, data, if_match)
        await db_session.flush()
        return await _member_response(db_session, member)

    @delete(
        "/{audit_id:uuid}/members/{reference:str}",
        operation_id="deleteMember",
        summary="Erase a member and all their assessments",
        responses=AUDIT_ERRORS,
    )
    async def delete_member(
        self, audit_member: NamedDependency[AuditMember], db_session: NamedDependency[AsyncSession]
    ) -> None:
        await service.delete_member(db_session, audit_member.audit, audit_member.member)

    @put(
        "/{audit_id:uuid}/assessments",
        operation_id="upsertAssessments",
        summary="Write a whole matrix of assessments (all or nothing)",
        responses=AUDIT_ERRORS,
    )
    async def upsert_assessments(
        self,
        audit: NamedDependency[Audit],
        data: JSONBody[AssessmentBulk],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> BulkResult:
        index = await _index(store, db_session, audit)
        return await service.bulk_assessments(db_session, index, audit, data.assessments)

    # --- import and export -----------------------------------------------------------------

    @post(
        "/import",
        operation_id="importAudit",
        status_code=201,
        summary="Start an audit from a CSV or XLSX skills matrix (dry run first)",
        description=(
            "Creates the audit only when the import is ready, in the same transaction as its members "
            "and assessments: a dry run or a refusal leaves nothing behind. 201 with the audit and the "
            "plan; a dry run answers 200 with `audit: null`."
        ),
        responses={**DRY_RUN, **IMPORT_ERRORS},
    )
    async def import_audit(
        self,
        data: Annotated[AuditImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        state: State,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        import_options: NamedDependency[ImportOptions],
    ) -> Response[AuditImport]:
        new = AuditCreate(
            title=data.title, audit_date=data.audit_date, framework_version=data.framework_version
        )
        audit, plan = await _import(db_session, store, state, council, new, data, import_options)
        if audit is None:  # a dry run: nothing created
            return Response(AuditImport(audit=None, plan=plan), status_code=200)
        return Response(
            AuditImport(audit=await service.audit_out(db_session, audit), plan=plan), status_code=201
        )

    @post(
        "/{audit_id:uuid}/import",
        operation_id="importSpreadsheet",
        status_code=200,
        summary="Import a CSV or XLSX skills matrix (dry run first)",
        responses=IMPORT_ERRORS,
    )
    async def import_spreadsheet(
        self,
        audit: NamedDependency[Audit],
        data: Annotated[ImportUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
        state: State,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        import_options: NamedDependency[ImportOptions],
    ) -> ImportPlan:
        _, plan = await _import(db_session, store, state, council, audit, data, import_options)
        return plan

    @get(
        "/{audit_id:uuid}/export",
        operation_id="exportAudit",
        summary="The audit as a spreadsheet (wide layout)",
        responses=AUDIT_ERRORS,
        media_type=XLSX_MEDIA_TYPE,
        operation_class=documented_media_types(XLSX_MEDIA_TYPE, CSV_MEDIA_TYPE),
    )
    async def export_audit(
        self,
        audit: NamedDependency[Audit],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        format: Annotated[Literal["csv", "xlsx"], QueryParameter()] = "xlsx",
    ) -> Response[bytes]:
        index = await _index(store, db_session, audit)
        body, filename = await service.export_spreadsheet(db_session, index, audit, format)
        media = CSV_MEDIA_TYPE if format == "csv" else XLSX_MEDIA_TYPE  # litestar adds the charset
        return attachment(body, media, filename)


async def _import(
    session: AsyncSession,
    store: FrameworkStore,
    state: State,
    council: str,
    target: Audit | AuditCreate,
    data: ImportUpload | AuditImportUpload,
    options: ImportOptions,
) -> tuple[Audit | None, ImportPlan]:
    """Both import routes: the form's mapping joins the query's options, then the one import path."""
    options = msgspec.structs.replace(options, mapping=_mapping(data.mapping))
    content = await data.file.read()
    return await service.import_spreadsheet(
        session, store, state.settings, council, target, content, data.file.filename, options
    )


def _mapping(text: str | None) -> ImportMapping:
    if not text:
        return ImportMapping()
    try:
        return msgspec.json.decode(text, type=ImportMapping)
    except msgspec.DecodeError as exc:
        raise ProblemError(
            f"The mapping field is not a valid mapping: {exc}",
            errors=[FieldError(field="mapping", message=str(exc), source="body")],
        ) from None
