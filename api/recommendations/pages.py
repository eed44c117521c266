"""A manager's training plan, joint working and career pathway pages (issue 16), under
``/app/councils/{code}``.

The guard is the keys' own (``api.web.councils.MANAGED_COUNCIL``). The pages call what the
JSON routes call (DESIGN §3–4): the plan is ``service.recommendations`` (``GET …/recommendations``,
DESIGN §2.3, the optimal plan within both budgets), joint working ``service.joint_working_advice``
(the same §2.4 suggestions that route returns, without solving a plan it would not show), a
member's pathway ``service.pathway`` (``GET …/members/{ref}/pathway``, §2.6). The budgets are
checked against the route's own bounds; a mistake comes back on the same page with an error
summary and 422. These pages only read, so they are GET forms that work with JavaScript off.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.audits import service as audits
from api.deps import STORE
from api.errors import FieldError, ProblemError
from api.framework.store import FrameworkStore
from api.params import SLUG_MAX_LENGTH, AuditId, GssCode, MemberRef
from api.recommendations import service, views
from api.web.councils import MANAGED_COUNCIL, BudgetText, Chosen, chooser_context, refusal
from api.web.render import page
from api.web.sessions import SIGNED_IN

TargetQuery = Annotated[str | None, QueryParameter(max_length=SLUG_MAX_LENGTH)]


class RecommendationPages(Controller):
    path = "/app/councils/{code:str}"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "store": STORE, "council": MANAGED_COUNCIL}

    @get("/plan", operation_id="getTrainingPlanPage")
    async def plan(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        audit: Chosen = None,
        needs: Chosen = None,
        budget_gbp: BudgetText = None,
        budget_days: BudgetText = None,
    ) -> Template:
        """Budgets in, the optimal plan out: placements with the rows they close, totals, rows open."""
        form = views.BudgetForm(budget_gbp=budget_gbp or "", budget_days=budget_days or "")
        context = await chooser_context(db_session, council, audit_id=audit, needs_id=needs)
        context |= {"form": form, "plan": None}
        status = 200
        asked = budget_gbp is not None or budget_days is not None
        if audit is not None and needs is not None and asked:
            budgets, errors = views.check_budgets(form)
            if budgets is None:
                context["errors"], status = errors, 422
            else:
                try:
                    advice = await service.recommendations(db_session, store, code, audit, needs, *budgets)
                except ProblemError as exc:
                    context["errors"], status = refusal(exc, "needs"), exc.status_code
                else:
                    _, index = await store.resolve(db_session, advice.framework_version)
                    plan = advice.training
                    context["plan"] = plan
                    context["placements"] = views.placements(index, plan, advice.placement_hosts)
                    context["closed_rows"] = views.open_rows(
                        index, [row for row in plan.rows if row.shortfall_after < row.shortfall_before]
                    )
                    context["open_rows"] = views.open_rows(index, plan.rows_open)
                    context["short_before"] = sum(row.shortfall_before for row in plan.rows)
        elif asked:
            missing = (
                []
                if audit is not None
                else [FieldError(field="audit", message="Choose an audit", source="query")]
            )
            if needs is None:
                missing.append(FieldError(field="needs", message="Choose a needs profile", source="query"))
            context["errors"], status = missing, 422
        return page(request, "recommendations/plan.html", context, status_code=status)

    @get("/joint-working", operation_id="getJointWorkingPage")
    async def joint_working(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        audit: Chosen = None,
        needs: Chosen = None,
    ) -> Template:
        """Neighbours that share and can help, common needs, forms, joint-cohort courses (DESIGN §2.4)."""
        context = await chooser_context(db_session, council, audit_id=audit, needs_id=needs)
        context |= {"neighbours": None, "not_sharing": None}
        status = 200
        if audit is not None and needs is not None:
            try:
                found = await service.joint_working_advice(db_session, store, code, audit, needs)
                chosen = await audits.get_audit(db_session, code, audit)
            except ProblemError as exc:
                context["errors"], status = refusal(exc, "needs"), exc.status_code
            else:
                _, index = await store.resolve(db_session, chosen.framework_version)
                context["neighbours"] = views.neighbours(index, found.neighbours)
                context["not_sharing"] = found.reason
        return page(request, "recommendations/joint_working.html", context, status_code=status)

    @get("/audits/{audit_id:uuid}/members/{reference:str}/pathway", operation_id="getPathwayPage")
    async def pathway(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[accounts.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        target: TargetQuery = None,
    ) -> Template:
        """Readiness for each reachable role and, for a chosen target, the route and training per step."""
        audit = await audits.get_audit(db_session, code, audit_id)
        _, index = await store.resolve(db_session, audit.framework_version)
        errors: list[FieldError] = []
        status = 200
        chosen = target or None
        if chosen is not None and (len(chosen) > SLUG_MAX_LENGTH or chosen not in index.roles):
            errors = [FieldError(field="target", message="Choose a role from the list", source="query")]
            status, chosen = 422, None
        try:
            result = await service.pathway(db_session, store, code, audit.id, reference, chosen)
        except ProblemError as exc:
            if chosen is None:
                raise
            errors, status = (
                [FieldError(field="target", message=str(exc.detail), source="query")],
                exc.status_code,
            )
            result = await service.pathway(db_session, store, code, audit.id, reference, None)
        context = {
            "council": council,
            "audit": audit,
            "pathway": views.pathway(index, result.pathway),
            "target": target or "",
            "role_options": [
                (role.slug, role.title)
                for role in sorted(index.framework.roles, key=lambda r: (r.band, r.title))
            ],
            "errors": errors,
        }
        return page(request, "recommendations/pathway.html", context, status_code=status)
