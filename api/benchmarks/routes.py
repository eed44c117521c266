"""Trend and peer benchmark of a council (DESIGN §2.10), under ``/v1/councils/{code}``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, cast

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.benchmark import GroupKind
from api.benchmarks import service
from api.benchmarks.schemas import BenchmarkView, Trend
from api.councils.registry import CouncilRegistry
from api.deps import COUNCIL_DEPENDENCIES, REGISTRY
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.negotiation import negotiate
from api.params import NeedsQuery
from api.responses import attachment

ERRORS = problem_responses(400, 401, 403, 404, 422, 429)
TREND_ERRORS = problem_responses(400, 401, 403, 404, 406, 422, 429)
CSV_MEDIA_TYPE = "text/csv"
FormatQuery = Annotated[
    Literal["json", "csv"] | None,
    QueryParameter(description="`csv` for CSV; otherwise the `Accept` header decides (JSON by default)."),
]
GroupQuery = Annotated[
    GroupKind,
    QueryParameter(description="The comparison group: type, region, combined-authority, neighbours or all."),
]


@dataclass
class JsonOrCsvOperation(Operation):
    """Documents CSV beside the JSON schema of the 200 response (the handler answers either)."""

    def __post_init__(self) -> None:
        success = (self.responses or {}).get("200")
        if isinstance(success, OpenAPIResponse) and success.content is not None:
            success.content[CSV_MEDIA_TYPE] = OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            )


def wants_csv(request: Request[Any, Any, Any], format: str | None) -> bool:
    """``?format=`` first, then ``Accept`` through the service's one parser (``api.negotiation``:
    JSON unless CSV is preferred; a browser's ``*/*`` gets JSON; 406 when neither is acceptable)."""
    if format is not None:
        return format == "csv"
    return negotiate(request.headers.get("accept"), ("application/json", CSV_MEDIA_TYPE)) == CSV_MEDIA_TYPE


class BenchmarkController(Controller):
    path = "/v1/councils/{code:str}"
    tags = ["benchmarks"]
    dependencies = COUNCIL_DEPENDENCIES

    @get(
        "/trend",
        operation_id="getTrend",
        summary="Readiness and red/amber/green counts over every audit on the needs profile's edition",
        responses=TREND_ERRORS,
        operation_class=JsonOrCsvOperation,
    )
    async def get_trend(
        self,
        request: Request[Any, Any, Any],
        needs: NeedsQuery,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        format: FormatQuery = None,
    ) -> Response[Trend]:
        found = await service.council_trend(db_session, store, council, needs)
        if wants_csv(request, format):
            filename = f"trend-{council}-{found.framework_version}.csv"
            return cast(
                Response[Trend],
                attachment(service.trend_csv(found), f"{CSV_MEDIA_TYPE}; charset=utf-8", filename),
            )
        return Response(found)

    @get(
        "/benchmark",
        operation_id="getBenchmark",
        summary="Our RAG and readiness against a group of similar sharing councils (suppressed when small)",
        responses=ERRORS,
        dependencies={"registry": REGISTRY},
    )
    async def get_benchmark(
        self,
        needs: NeedsQuery,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        registry: NamedDependency[CouncilRegistry],
        db_session: NamedDependency[AsyncSession],
        group: GroupQuery = "all",
    ) -> BenchmarkView:
        return await service.council_benchmark(db_session, store, registry, council, needs, group)
