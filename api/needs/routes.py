"""Council-scoped needs profiles, gap analyses and progress reviews (DESIGN §2.1, §2.2, §2.7)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.audits.service import etag
from api.db.models import NeedsProfile
from api.deps import COUNCIL_DEPENDENCIES
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.needs import service
from api.needs.schemas import (
    GapReport,
    NeedsCreate,
    NeedsOut,
    NeedsPage,
    NeedsUpdate,
    ProgressReport,
    Requirements,
)
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response
from api.params import AuditId, NeedsId, NeedsQuery
from api.preconditions import IfMatch
from api.responses import ETAG, tagged

ERRORS = problem_responses(400, 401, 403, 404, 412, 422, 429)


async def provide_needs(
    needs_id: NeedsId, council: NamedDependency[str], db_session: NamedDependency[AsyncSession]
) -> NeedsProfile:
    """The needs profile in the path, once the caller may see its council (``api.deps``)."""
    return await service.get(db_session, council, needs_id)


def _needs_response(profile: NeedsProfile, status_code: int = 200) -> Response[NeedsOut]:
    return tagged(service.needs_out(profile), etag("needs", profile.id, profile.revision), status_code)


class NeedsController(Controller):
    path = "/v1/councils/{code:str}/needs"
    tags = ["needs"]
    dependencies = {**COUNCIL_DEPENDENCIES, "profile": Provide(provide_needs)}

    @post(
        "/",
        operation_id="createNeeds",
        summary="Describe future needs",
        responses=ERRORS,
        response_headers=ETAG,
    )
    async def create_needs(
        self,
        data: JSONBody[NeedsCreate],
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[NeedsOut]:
        return _needs_response(await service.create(db_session, store, council, data), status_code=201)

    @get(
        "/",
        operation_id="listNeeds",
        summary="The council's needs profiles",
        responses=ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_needs(
        self,
        request: Request[Any, Any, Any],
        council: NamedDependency[str],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[NeedsPage]:
        items, total = await service.list_profiles(db_session, council, limit, offset)
        return page_response(request, NeedsPage(items=items, total=total, limit=limit, offset=offset))

    @get(
        "/{needs_id:uuid}",
        operation_id="getNeeds",
        summary="One needs profile",
        responses=ERRORS,
        response_headers=ETAG,
    )
    async def get_needs(self, profile: NamedDependency[NeedsProfile]) -> Response[NeedsOut]:
        return _needs_response(profile)

    @patch(
        "/{needs_id:uuid}",
        operation_id="updateNeeds",
        summary="Change a needs profile",
        responses=ERRORS,
        response_headers=ETAG,
    )
    async def update_needs(
        self,
        profile: NamedDependency[NeedsProfile],
        data: JSONBody[NeedsUpdate],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[NeedsOut]:
        await service.update(db_session, store, profile, data, if_match)
        return _needs_response(profile)

    @delete(
        "/{needs_id:uuid}", operation_id="deleteNeeds", summary="Delete a needs profile", responses=ERRORS
    )
    async def delete_needs(
        self, profile: NamedDependency[NeedsProfile], db_session: NamedDependency[AsyncSession]
    ) -> None:
        await service.remove(db_session, profile)

    @get(
        "/{needs_id:uuid}/requirements",
        operation_id="getRequirements",
        summary="The profile expanded into (skill, level) rows",
        responses=ERRORS,
    )
    async def get_requirements(
        self,
        profile: NamedDependency[NeedsProfile],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Requirements:
        return await service.requirements(db_session, store, profile)


class AnalysisController(Controller):
    path = "/v1/councils/{code:str}"
    tags = ["needs"]
    dependencies = COUNCIL_DEPENDENCIES

    @get(
        "/audits/{audit_id:uuid}/gaps",
        operation_id="getGaps",
        summary="Gaps between an audit and a needs profile",
        responses=ERRORS,
    )
    async def get_gaps(
        self,
        audit_id: AuditId,
        needs: NeedsQuery,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> GapReport:
        return await service.gaps(db_session, store, council, audit_id, needs)

    @get(
        "/progress",
        operation_id="getProgress",
        summary="Progress between two audits against one needs profile",
        responses=ERRORS,
    )
    async def get_progress(
        self,
        from_audit: Annotated[uuid.UUID, QueryParameter(name="from", description="The earlier audit.")],
        to_audit: Annotated[uuid.UUID, QueryParameter(name="to", description="The later audit.")],
        needs: NeedsQuery,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> ProgressReport:
        return await service.progress_review(db_session, store, council, from_audit, to_audit, needs)
