"""A manager's trend and benchmark pages (issue 18), under ``/app/councils/{code}``.

The guard is the keys' own (``api.web.councils.MANAGED_COUNCIL``); the pages call what ``GET …/trend`` and
``GET …/benchmark`` call (``api.benchmarks.service``). GET forms, so they work with JavaScript off;
the chart is server-rendered SVG with its data as a table beside it.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.analysis.benchmark import GROUP_KINDS
from api.benchmarks import service, views
from api.benchmarks.service import GROUP_LABELS
from api.councils.registry import CouncilRegistry
from api.deps import REGISTRY, STORE
from api.errors import FieldError, ProblemError
from api.framework.store import FrameworkStore
from api.needs.views import rag
from api.params import GssCode
from api.web.councils import MANAGED_COUNCIL, chooser_context, refusal
from api.web.render import page
from api.web.sessions import SIGNED_IN

Chosen = Annotated[uuid.UUID | None, QueryParameter(description="A needs profile id.")]
GroupText = Annotated[str | None, QueryParameter(max_length=40)]


class BenchmarkPages(Controller):
    path = "/app/councils/{code:str}"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE, "registry": REGISTRY, "council": MANAGED_COUNCIL}

    @get("/trend", operation_id="getTrendPage")
    async def trend(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        needs: Chosen = None,
    ) -> Template:
        """Readiness over every audit on the profile's edition: the chart and its table."""
        context = await chooser_context(db_session, council, needs_id=needs)
        context["trend"] = None
        status = 200
        if needs is not None:
            try:
                found = await service.council_trend(db_session, store, code, needs)
            except ProblemError as exc:
                context["errors"], status = refusal(exc, "needs"), exc.status_code
            else:
                context["trend"] = found
                context["chart"] = views.trend_chart(found, f"{council.name}: readiness over time")
        return page(request, "benchmarks/trend.html", context, status_code=status)

    @get("/benchmark", operation_id="getBenchmarkPage")
    async def benchmark(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        registry: NamedDependency[CouncilRegistry],
        needs: Chosen = None,
        group: GroupText = None,
    ) -> Template:
        """Our RAG per row against a group's shares, our readiness against its quartiles."""
        context = await chooser_context(db_session, council, needs_id=needs)
        context |= {
            "group": group or "all",
            "group_options": [(kind, GROUP_LABELS[kind]) for kind in GROUP_KINDS],
            "view": None,
        }
        status = 200
        chosen = group or "all"
        if chosen not in GROUP_KINDS:
            context["errors"] = [
                FieldError(field="group", message="Choose a group from the list", source="query")
            ]
            return page(request, "benchmarks/benchmark.html", context, status_code=422)
        if needs is not None:
            try:
                view = await service.council_benchmark(db_session, store, registry, code, needs, chosen)
            except ProblemError as exc:
                context["errors"], status = refusal(exc, "needs"), exc.status_code
            else:
                context["view"] = view
                context["rags"] = {
                    n: rag(row.own_rag) if row.own_rag else None for n, row in enumerate(view.rows)
                }
        return page(request, "benchmarks/benchmark.html", context, status_code=status)
