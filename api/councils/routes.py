"""Public reads of the council registry, served from the worker's memory (no database session)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from api.councils import service
from api.councils.registry import CouncilRegistry
from api.councils.schemas import CouncilDetail, CouncilPage
from api.deps import REGISTRY
from api.errors import problem_responses
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response, window
from api.params import GssCode

READ_ERRORS = problem_responses(400, 404)
"""Every handler documents its errors as problem+json (controller-level responses are not applied)."""


class CouncilController(Controller):
    path = "/v1/councils"
    tags = ["councils"]
    dependencies = {"registry": REGISTRY}

    @get(
        "/",
        operation_id="listCouncils",
        responses=READ_ERRORS,
        summary="Search the council registry",
        response_headers=PAGE_HEADERS,
    )
    async def list_councils(
        self,
        request: Request[Any, Any, Any],
        registry: NamedDependency[CouncilRegistry],
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="Fuzzy on names and alternative names.")
        ] = None,
        type: Annotated[
            str | None,
            QueryParameter(
                pattern=r"^[A-Za-z]{2,4}$", description="Type code: NMD, UA, MD, LBO, CTY, COMB, SCO, …"
            ),
        ] = None,
        region: Annotated[str | None, QueryParameter(max_length=80, description="e.g. North East")] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[CouncilPage]:
        councils = await service.search(registry, q, type, region)
        return page_response(request, CouncilPage(**window(councils, limit, offset)))

    @get(
        "/{code:str}",
        operation_id="getCouncil",
        responses=READ_ERRORS,
        summary="One council with its neighbours",
    )
    async def get_council(self, code: GssCode, registry: NamedDependency[CouncilRegistry]) -> CouncilDetail:
        return await service.detail(registry, code)
