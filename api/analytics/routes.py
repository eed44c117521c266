"""Sector-wide analytics: for a scenario or role, the share of sharing councils red/amber/green
per skill, nationally, by region and by council type (``national:read`` or ``admin``)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.analytics import service
from api.analytics.schemas import SectorView
from api.auth import Principal
from api.deps import ANALYST, STORE
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.params import VersionQuery

ERRORS = problem_responses(400, 401, 403, 404, 429)
SlugQuery = Annotated[
    str | None, QueryParameter(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80, description="Slug.")
]


class AnalyticsController(Controller):
    path = "/v1/analytics"
    tags = ["analytics"]
    dependencies = {"store": STORE, "analyst": ANALYST}

    @get(
        "/sector",
        operation_id="getSectorView",
        summary="Share of sharing councils red/amber/green per skill for a scenario or role",
        responses=ERRORS,
    )
    async def sector(
        self,
        analyst: NamedDependency[Principal],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
        scenario: SlugQuery = None,
        role: SlugQuery = None,
    ) -> SectorView:
        return await service.sector(db_session, store, version, scenario, role)

    @get(
        "/sector.csv",
        operation_id="getSectorViewCsv",
        summary="The sector view as CSV (one line per group and skill)",
        responses=ERRORS,
        media_type="text/csv",
    )
    async def sector_csv(
        self,
        analyst: NamedDependency[Principal],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
        scenario: SlugQuery = None,
        role: SlugQuery = None,
    ) -> Response[str]:
        view = await service.sector(db_session, store, version, scenario, role)
        filename = f"sector-{view.subject.slug}-{view.version}.csv"
        return Response(
            service.sector_csv(view),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
