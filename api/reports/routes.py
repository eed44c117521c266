"""``GET …/audits/{id}/report?needs=``: the audit as a page a manager can read and print."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, MediaType, get
from litestar.datastructures import ResponseHeader
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import COUNCIL_DEPENDENCIES
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.params import MINIMUM_ZERO, AuditId, NeedsQuery
from api.reports.html import CONTENT_SECURITY_POLICY
from api.reports.service import build_report


class ReportController(Controller):
    path = "/v1/councils/{code:str}/audits/{audit_id:uuid}/report"
    tags = ["reports"]
    dependencies = COUNCIL_DEPENDENCIES

    @get(
        "/",
        operation_id="getReport",
        summary="The audit report as one self-contained HTML page",
        media_type=MediaType.HTML,
        responses=problem_responses(400, 401, 403, 404, 422, 429),
        response_headers=[
            ResponseHeader(
                name="Content-Security-Policy",
                value=CONTENT_SECURITY_POLICY,
                description="The page loads and runs nothing; only its own style element applies.",
            )
        ],
    )
    async def get_report(
        self,
        audit_id: AuditId,
        needs: NeedsQuery,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        budget_gbp: Annotated[
            float | None,
            QueryParameter(
                ge=0,
                le=10_000_000,
                description="With budget_days: add recommendations.",
                schema_extra=MINIMUM_ZERO,
            ),
        ] = None,
        budget_days: Annotated[
            float | None, QueryParameter(ge=0, le=100_000, schema_extra=MINIMUM_ZERO)
        ] = None,
    ) -> str:
        return await build_report(db_session, store, council, audit_id, needs, budget_gbp, budget_days)
