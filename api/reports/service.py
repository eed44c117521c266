"""Building the report page: shared by ``GET …/report`` and ``edskills report --local``."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.gaps import analyse
from api.benchmarks.service import council_trend
from api.db.models import Council
from api.framework.store import FrameworkStore
from api.needs import service as needs
from api.recommendations.service import advise
from api.reports.html import ReportContext, render_report, summarise


async def build_report(
    session: AsyncSession,
    store: FrameworkStore,
    council: str,
    audit_id: uuid.UUID,
    needs_id: uuid.UUID,
    budget_gbp: float | None = None,
    budget_days: float | None = None,
) -> str:
    """The whole HTML page; with both budgets it also summarises the recommendations."""
    inputs = await needs.analysis_inputs(session, store, council, audit_id, needs_id)
    registry = await session.get(Council, council)
    context = ReportContext(
        council=registry.name if registry else council,
        audit_title=inputs.audit.title,
        audit_date=inputs.audit.audit_date,
        needs_title=inputs.profile.title,
        framework=inputs.edition.key,
        generated=dt.datetime.now(dt.UTC),
    )
    analysis = analyse(inputs.rows, inputs.team, inputs.edition.roles)
    summary = advice = None
    if budget_gbp is not None and budget_days is not None:
        advice = await advise(session, council, inputs, budget_gbp, budget_days)
        summary = summarise(advice, inputs.edition)
    trend = await council_trend(session, store, council, needs_id, {inputs.audit.id: inputs.team})
    return render_report(context, inputs.edition, inputs.team, analysis, summary, advice, trend)
