"""Subscriptions of a ``partner`` key: create (the secret shown once), list, read, delete,
re-enable, and the delivery log (issue 19). A key sees only its own subscriptions (another key's
is 404); an admin key sees all."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import ColumnElement, delete, func, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.db.models import WebhookAttempt, WebhookDelivery, WebhookOutbox, WebhookSubscription
from api.errors import FieldError, NotFound, Unprocessable
from api.pagination import page_of
from api.settings import Settings
from api.webhooks import addresses
from api.webhooks.outbox import may_receive
from api.webhooks.schemas import (
    AttemptOut,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionOut,
)
from api.webhooks.signing import new_secret


def _url_problem(message: str) -> Unprocessable:
    return Unprocessable(
        f"The webhook URL {message}", errors=[FieldError(field="url", message=message, source="body")]
    )


def _own(principal: Principal) -> ColumnElement[bool]:
    return true() if principal.is_admin else WebhookSubscription.key_id == principal.key_id


async def _pending(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not ids:
        return {}
    rows = await session.execute(
        select(WebhookDelivery.subscription_id, func.count())
        .where(WebhookDelivery.subscription_id.in_(ids), WebhookDelivery.delivered_at.is_(None))
        .group_by(WebhookDelivery.subscription_id)
    )
    return {row[0]: row[1] for row in rows}


def _out(row: WebhookSubscription, pending: int) -> SubscriptionOut:
    return SubscriptionOut(
        id=row.id,
        url=row.url,
        events=list(row.events),
        council=row.council,
        status=row.status,  # type: ignore[arg-type]
        disabled_reason=row.disabled_reason,
        created_at=row.created_at,
        pending=pending,
    )


async def subscription_out(session: AsyncSession, row: WebhookSubscription) -> SubscriptionOut:
    return _out(row, (await _pending(session, [row.id])).get(row.id, 0))


async def create(
    session: AsyncSession, settings: Settings, principal: Principal, data: SubscriptionCreate
) -> SubscriptionCreated:
    """Check the URL (scheme, then every address its host resolves to) and the council filter,
    then store the subscription with a fresh secret, returned this once."""
    if principal.key_id is None:
        raise Unprocessable("Webhook subscriptions belong to an API key; sign-in sessions cannot hold one")
    if data.council is not None and not may_receive(sorted(principal.scopes), None, data.council):
        raise Unprocessable(
            f"This key cannot read council {data.council}, so it cannot subscribe to its events",
            errors=[FieldError(field="council", message="not a council this key may read", source="body")],
        )
    try:
        await addresses.resolve(data.url, allow_private=settings.webhooks_allow_private)
    except addresses.RefusedUrl as exc:
        raise _url_problem(str(exc)) from None
    secret = new_secret()
    row = WebhookSubscription(
        key_id=principal.key_id,
        url=data.url,
        events=list(dict.fromkeys(data.events)),
        council=data.council,
        secret=secret,
        status="active",
        created_at=dt.datetime.now(dt.UTC),
        revision=1,
    )
    session.add(row)
    await session.flush()
    return SubscriptionCreated(subscription=_out(row, 0), secret=secret)


async def get(session: AsyncSession, principal: Principal, subscription_id: uuid.UUID) -> WebhookSubscription:
    row = await session.scalar(
        select(WebhookSubscription).where(WebhookSubscription.id == subscription_id, _own(principal))
    )
    if row is None:
        raise NotFound(f"Webhook subscription {subscription_id} does not exist")
    return row


async def list_subscriptions(
    session: AsyncSession, principal: Principal, limit: int, offset: int
) -> tuple[list[SubscriptionOut], int]:
    order = [WebhookSubscription.created_at, WebhookSubscription.id]
    rows, total = await page_of(session, WebhookSubscription, _own(principal), order, limit, offset)
    pending = await _pending(session, [row.id for row in rows])
    return [_out(row, pending.get(row.id, 0)) for row in rows], total


async def remove(session: AsyncSession, row: WebhookSubscription) -> None:
    """Its deliveries and log go with it (ON DELETE CASCADE)."""
    await session.execute(delete(WebhookSubscription).where(WebhookSubscription.id == row.id))


async def enable(session: AsyncSession, settings: Settings, row: WebhookSubscription) -> None:
    """Re-enable a disabled subscription: its URL is checked again, and the events it still owes
    are retried at once, each with a fresh retry window."""
    try:
        await addresses.resolve(row.url, allow_private=settings.webhooks_allow_private)
    except addresses.RefusedUrl as exc:
        raise _url_problem(str(exc)) from None
    now = dt.datetime.now(dt.UTC)
    await session.execute(
        update(WebhookSubscription)
        .where(WebhookSubscription.id == row.id)
        .values(status="active", disabled_reason=None, revision=WebhookSubscription.revision + 1)
    )
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.subscription_id == row.id, WebhookDelivery.delivered_at.is_(None))
        .values(next_attempt_at=now, retry_since=now)
    )
    await session.refresh(row)


async def attempts(
    session: AsyncSession, row: WebhookSubscription, limit: int, offset: int
) -> tuple[list[AttemptOut], int]:
    """The delivery log, newest first."""
    where = WebhookAttempt.subscription_id == row.id
    total = await session.scalar(select(func.count()).select_from(WebhookAttempt).where(where)) or 0
    result: Any = await session.execute(
        select(WebhookAttempt, WebhookOutbox.id, WebhookOutbox.event_type)
        .join(WebhookOutbox, WebhookOutbox.seq == WebhookAttempt.outbox_seq)
        .where(where)
        .order_by(WebhookAttempt.at.desc(), WebhookAttempt.id.desc())
        .limit(limit)
        .offset(offset)
    )
    items = [
        AttemptOut(
            webhook_id=event_id,
            event_type=event_type,
            at=attempt.at,
            status=attempt.status,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
        )
        for attempt, event_id, event_type in result
    ]
    return items, total
