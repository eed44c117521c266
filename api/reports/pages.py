"""The audit report in the app (issue 16): choose an audit, a needs profile and (optionally)
budgets, then open the report to read and print, or download it as one HTML file.

The report is exactly what ``GET /v1/…/audits/{id}/report`` serves: ``build_report``'s
self-contained page (its own print CSS, nothing loaded or run), sent with the report's own
``Content-Security-Policy``; only the guard (a signed-in manager of the council, or an admin, as
``require_council``) and, for the download, ``Content-Disposition: attachment`` differ.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.audits import service as audits
from api.auth import require_council
from api.deps import STORE
from api.errors import FieldError, Unprocessable
from api.framework.store import FrameworkStore
from api.params import AuditId, GssCode, NeedsQuery
from api.recommendations.views import BudgetForm, check_budgets
from api.reports.html import CONTENT_SECURITY_POLICY
from api.reports.service import build_report
from api.web.councils import MANAGED_COUNCIL, BudgetText, Chosen, chooser_context
from api.web.render import page
from api.web.sessions import SIGNED_IN, SignedIn

Download = Annotated[bool, QueryParameter(description="Send the report as a file to save.")]


def _budgets(
    budget_gbp: str | None, budget_days: str | None
) -> tuple[tuple[float, float] | None, list[FieldError]]:
    """No budgets (the report without recommendations), or both, checked as the plan page does."""
    if not (budget_gbp or "").strip() and not (budget_days or "").strip():
        return None, []
    return check_budgets(BudgetForm(budget_gbp=budget_gbp or "", budget_days=budget_days or ""))


class ReportPages(Controller):
    path = "/app/councils/{code:str}"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE, "council": MANAGED_COUNCIL}

    @get("/report", operation_id="getReportChooserPage")
    async def chooser(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        audit: Chosen = None,
        needs: Chosen = None,
        budget_gbp: BudgetText = None,
        budget_days: BudgetText = None,
    ) -> Template:
        budgets, errors = _budgets(budget_gbp, budget_days)
        query = None
        if audit is not None and needs is not None and not errors:
            query = f"needs={needs}" + (
                f"&budget_gbp={budgets[0]:g}&budget_days={budgets[1]:g}" if budgets else ""
            )
        context = await chooser_context(db_session, council, audit_id=audit, needs_id=needs)
        context |= {
            "form": BudgetForm(budget_gbp=budget_gbp or "", budget_days=budget_days or ""),
            "report_path": f"/app/councils/{code}/audits/{audit}/report?{query}" if query else None,
            "errors": errors,
        }
        return page(request, "reports/chooser.html", context, status_code=422 if errors else 200)

    @get("/audits/{audit_id:uuid}/report", operation_id="getReportPage", media_type=MediaType.HTML)
    async def report(
        self,
        code: GssCode,
        audit_id: AuditId,
        needs: NeedsQuery,
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        budget_gbp: BudgetText = None,
        budget_days: BudgetText = None,
        download: Download = False,
    ) -> Response[str]:
        """``build_report``'s page, as the JSON API serves it; ``download=true`` saves it as a file."""
        require_council(person.principal, code)
        budgets, errors = _budgets(budget_gbp, budget_days)
        if errors:
            raise Unprocessable("The budgets are not valid", errors=errors)
        audit = await audits.get_audit(db_session, code, audit_id)
        body = await build_report(db_session, store, code, audit.id, needs, *(budgets or (None, None)))
        headers = {"Content-Security-Policy": CONTENT_SECURITY_POLICY}
        if download:
            headers["Content-Disposition"] = f'attachment; filename="report-{code}-{audit.audit_date}.html"'
        return Response(body, media_type=MediaType.HTML, headers=headers)
