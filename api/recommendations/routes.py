"""Recommendations (DESIGN §2.3–§2.6): training plan and joint working, sharing, learning sets, pathways."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.councils.registry import CouncilRegistry
from api.deps import COUNCIL_DEPENDENCIES, COUNCILS_KEY, REGISTRY, STORE
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.params import SLUG_MAX_LENGTH, SLUG_PATTERN, AuditId, MemberRef, NeedsQuery
from api.recommendations import service
from api.recommendations.schemas import (
    BUDGET_DAYS_MAX,
    BUDGET_GBP_MAX,
    LearningSetRequest,
    LearningSetResponse,
    PathwayResponse,
    Recommendations,
    Sharing,
    SharingOut,
)

ERRORS = problem_responses(400, 401, 403, 404, 422, 429)
RoleQuery = Annotated[
    str | None, QueryParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="Role slug.")
]


class RecommendationController(Controller):
    path = "/v1/councils/{code:str}"
    tags = ["recommendations"]
    dependencies = COUNCIL_DEPENDENCIES

    @get(
        "/audits/{audit_id:uuid}/recommendations",
        operation_id="getRecommendations",
        summary="An optimal training plan within budget, and joint working with neighbouring councils",
        responses=ERRORS,
    )
    async def get_recommendations(
        self,
        audit_id: AuditId,
        needs: NeedsQuery,
        budget_gbp: Annotated[
            float, QueryParameter(ge=0, le=BUDGET_GBP_MAX, description="Training budget, GBP.")
        ],
        budget_days: Annotated[
            float, QueryParameter(ge=0, le=BUDGET_DAYS_MAX, description="Person-days available.")
        ],
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Recommendations:
        return await service.recommendations(
            db_session, store, council, audit_id, needs, budget_gbp, budget_days
        )

    @get(
        "/audits/{audit_id:uuid}/members/{reference:str}/pathway",
        operation_id="getPathway",
        summary="A member's readiness for reachable roles and the route to a target role",
        responses=ERRORS,
    )
    async def get_pathway(
        self,
        audit_id: AuditId,
        reference: MemberRef,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        target: RoleQuery = None,
    ) -> PathwayResponse:
        return await service.pathway(db_session, store, council, audit_id, reference, target)

    @put(
        "/sharing",
        operation_id="setSharing",
        summary="Opt in or out of sharing this council's capability summary with neighbours",
        responses=ERRORS,
        dependencies={"registry": REGISTRY},
    )
    async def set_sharing(
        self,
        data: JSONBody[Sharing],
        council: NamedDependency[str],
        registry: NamedDependency[CouncilRegistry],
        db_session: NamedDependency[AsyncSession],
    ) -> SharingOut:
        return await service.set_sharing(db_session, registry, council, data.share_capability)


class LearningSetController(Controller):
    path = "/v1/learning-sets"
    tags = ["recommendations"]
    dependencies = {"store": STORE, "councils_key": COUNCILS_KEY}

    @post(
        "/plan",
        operation_id="planLearningSets",
        summary="Form action learning sets across councils on a topic",
        status_code=200,
        responses=ERRORS,
    )
    async def plan(
        self,
        data: JSONBody[LearningSetRequest],
        councils_key: NamedDependency[Principal],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> LearningSetResponse:
        return await service.learning_sets(db_session, store, councils_key, data)
