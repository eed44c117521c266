"""``GET …/audits/{id}/report?needs=``: the audit as a page a manager can read and print."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from litestar import Controller, MediaType, get
from litestar.di import NamedDependency, Provide
from litestar.params import PathParameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.gaps import analyse
from api.auth import provide_council
from api.db.models import Council
from api.errors import problem_responses
from api.framework.routes import provide_store
from api.framework.store import FrameworkStore
from api.needs import service as needs
from api.recommendations.service import recommendations
from api.reports.html import ReportContext, render_report, summarise


class ReportController(Controller):
    path = "/v1/councils/{code:str}/audits/{audit_id:uuid}/report"
    tags = ["reports"]
    dependencies = {
        "council": Provide(provide_council),
        "store": Provide(provide_store, sync_to_thread=False),
    }

    @get(
        "/",
        operation_id="getReport",
        summary="The audit report as one self-contained HTML page",
        media_type=MediaType.HTML,
        responses=problem_responses(400, 401, 403, 404, 422),
    )
    async def get_report(
        self,
        audit_id: Annotated[uuid.UUID, PathParameter(description="Audit id (UUID).")],
        needs_id: Annotated[uuid.UUID, QueryParameter(name="needs", description="Needs profile id (UUID).")],
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        budget_gbp: Annotated[
            float | None,
            QueryParameter(ge=0, le=10_000_000, description="With budget_days: add recommendations."),
        ] = None,
        budget_days: Annotated[float | None, QueryParameter(ge=0, le=100_000)] = None,
    ) -> str:
        inputs = await needs.analysis_inputs(db_session, store, council, audit_id, needs_id)
        registry = await db_session.get(Council, council)
        context = ReportContext(
            council=registry.name if registry else council,
            audit_title=inputs.audit.title,
            audit_date=inputs.audit.audit_date,
            needs_title=inputs.profile.title,
            framework=inputs.edition.key,
            generated=dt.datetime.now(dt.UTC),
        )
        analysis = analyse(inputs.rows, inputs.team, inputs.edition.roles)
        summary = None
        if budget_gbp is not None and budget_days is not None:
            advice = await recommendations(
                db_session, store, council, audit_id, needs_id, budget_gbp, budget_days
            )
            summary = summarise(advice, inputs.edition)
        return render_report(context, inputs.edition, inputs.team, analysis, summary)
