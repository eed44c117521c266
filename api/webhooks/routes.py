"""Webhook subscriptions of a ``partner`` key (issue 19): create, list, read, delete, re-enable, and
each subscription's delivery log. Thin: ``api.webhooks.service`` does the work."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.db.models import WebhookSubscription
from api.deps import PARTNER_KEY
from api.errors import problem_responses
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response
from api.webhooks import service
from api.webhooks.schemas import (
    AttemptPage,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionOut,
    SubscriptionPage,
)

ERRORS = problem_responses(400, 401, 403, 404, 422, 429)
SubscriptionId = Annotated[uuid.UUID, PathParameter(description="Webhook subscription id (UUID).")]


async def provide_subscription(
    subscription_id: SubscriptionId,
    partner_key: NamedDependency[Principal],
    db_session: NamedDependency[AsyncSession],
) -> WebhookSubscription:
    """The subscription in the path, if it is the caller's key's (admin: any), else 404."""
    return await service.get(db_session, partner_key, subscription_id)


class WebhookController(Controller):
    path = "/v1/webhooks/subscriptions"
    tags = ["webhooks"]
    dependencies = {"partner_key": PARTNER_KEY, "subscription": Provide(provide_subscription)}

    @post("/", operation_id="createWebhookSubscription", summary="Subscribe to events", responses=ERRORS)
    async def create_subscription(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[SubscriptionCreate],
        partner_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> SubscriptionCreated:
        """The answer carries the signing secret; it is never shown again."""
        return await service.create(db_session, request.app.state.settings, partner_key, data)

    @get(
        "/",
        operation_id="listWebhookSubscriptions",
        summary="This key's subscriptions",
        responses=ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_subscriptions(
        self,
        request: Request[Any, Any, Any],
        partner_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[SubscriptionPage]:
        items, total = await service.list_subscriptions(db_session, partner_key, limit, offset)
        return page_response(request, SubscriptionPage(items=items, total=total, limit=limit, offset=offset))

    @get(
        "/{subscription_id:uuid}",
        operation_id="getWebhookSubscription",
        summary="One subscription",
        responses=ERRORS,
    )
    async def get_subscription(
        self, subscription: NamedDependency[WebhookSubscription], db_session: NamedDependency[AsyncSession]
    ) -> SubscriptionOut:
        return await service.subscription_out(db_session, subscription)

    @delete(
        "/{subscription_id:uuid}",
        operation_id="deleteWebhookSubscription",
        summary="Unsubscribe",
        responses=ERRORS,
    )
    async def delete_subscription(
        self, subscription: NamedDependency[WebhookSubscription], db_session: NamedDependency[AsyncSession]
    ) -> None:
        await service.remove(db_session, subscription)

    @post(
        "/{subscription_id:uuid}/enable",
        operation_id="enableWebhookSubscription",
        summary="Re-enable a disabled subscription",
        responses=ERRORS,
        status_code=200,
    )
    async def enable_subscription(
        self,
        request: Request[Any, Any, Any],
        subscription: NamedDependency[WebhookSubscription],
        db_session: NamedDependency[AsyncSession],
    ) -> SubscriptionOut:
        """Owed events are retried at once, each with a fresh retry window."""
        await service.enable(db_session, request.app.state.settings, subscription)
        return await service.subscription_out(db_session, subscription)

    @get(
        "/{subscription_id:uuid}/attempts",
        operation_id="listWebhookAttempts",
        summary="The delivery log",
        responses=ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_attempts(
        self,
        request: Request[Any, Any, Any],
        subscription: NamedDependency[WebhookSubscription],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[AttemptPage]:
        """Every attempt to deliver an event to this subscription, newest first."""
        items, total = await service.attempts(db_session, subscription, limit, offset)
        return page_response(request, AttemptPage(items=items, total=total, limit=limit, offset=offset))
