"""Sector-wide analytics: for a scenario or role, the share of sharing councils red/amber/green
per skill, nationally, by region and by council type (``national:read`` or ``admin``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.analytics import service
from api.analytics.schemas import SectorView
from api.auth import Principal
from api.deps import ANALYST, STORE
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.params import SLUG_MAX_LENGTH, SLUG_PATTERN, VersionQuery
from api.responses import attachment

ERRORS = problem_responses(400, 401, 403, 404, 429)
SlugQuery = Annotated[
    str | None, QueryParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="Slug.")
]


async def provide_view(
    analyst: NamedDependency[Principal],
    store: NamedDependency[FrameworkStore],
    db_session: NamedDependency[AsyncSession],
    version: VersionQuery = None,
    scenario: SlugQuery = None,
    role: SlugQuery = None,
) -> SectorView:
    """The sector view both formats answer with, for an analyst's key only (``analyst``)."""
    return await service.sector(db_session, store, version, scenario, role)


class AnalyticsController(Controller):
    path = "/v1/analytics"
    tags = ["analytics"]
    dependencies = {"store": STORE, "analyst": ANALYST, "view": Provide(provide_view)}

    @get(
        "/sector",
        operation_id="getSectorView",
        summary="Share of sharing councils red/amber/green per skill for a scenario or role",
        responses=ERRORS,
    )
    async def sector(self, view: NamedDependency[SectorView]) -> SectorView:
        return view

    @get(
        "/sector.csv",
        operation_id="getSectorViewCsv",
        summary="The sector view as CSV (one line per group and skill)",
        responses=ERRORS,
        media_type="text/csv",
    )
    async def sector_csv(self, view: NamedDependency[SectorView]) -> Response[str]:
        filename = f"sector-{view.subject.slug}-{view.version}.csv"
        return attachment(service.sector_csv(view), "text/csv; charset=utf-8", filename)
