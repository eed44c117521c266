"""Events into the outbox, in the transaction of the change they report (issue 19).

``emit`` is the one writer. Because the outbox row and its deliveries commit or roll back with
the change, no event is lost when a worker dies and none is sent for a write that failed (a 4xx
rolls the request's transaction back, event included). One event per resource and type per
transaction: an import touching 200 members says ``audit.updated`` once.

Who receives what is decided here, from the subscribing key as it is now: public events
(``council=None``: a published edition) go to every subscription asking for the type; a
council's events only to subscriptions whose key may read that council (``council:<gss>`` or
``admin``) and whose own council filter, if any, is that council. A revoked key receives nothing.
With no matching subscription nothing is written: no receiver is owed the event.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Final

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import ADMIN
from api.db.models import ApiKey, WebhookDelivery, WebhookOutbox, WebhookSubscription

FRAMEWORK_PUBLISHED: Final = "framework.published"
AUDIT_UPDATED: Final = "audit.updated"
NEEDS_UPDATED: Final = "needs.updated"
ROUND_SUBMITTED: Final = "round.submitted"
EVENT_TYPES: Final = (FRAMEWORK_PUBLISHED, AUDIT_UPDATED, NEEDS_UPDATED, ROUND_SUBMITTED)
"""Every event a subscription may ask for."""

_EMITTED = "edskills.webhooks.emitted"


def may_receive(scopes: list[str], subscription_council: str | None, event_council: str | None) -> bool:
    """Whether a key with these scopes, subscribed with this council filter, gets the event."""
    if event_council is None:
        return True
    if subscription_council is not None and subscription_council != event_council:
        return False
    return ADMIN in scopes or f"council:{event_council}" in scopes


def _first_in_transaction(session: AsyncSession, event_type: str, resource: str) -> bool:
    """True once per (type, resource) per transaction of this session."""
    transaction = session.sync_session.get_transaction()
    held: tuple[object, set[tuple[str, str]]] | None = session.info.get(_EMITTED)
    if held is None or held[0] is not transaction:
        held = (transaction, set())
        session.info[_EMITTED] = held
    key = (event_type, resource)
    if key in held[1]:
        return False
    held[1].add(key)
    return True


async def emit(
    session: AsyncSession,
    event_type: str,
    resource: str,
    data: dict[str, object],
    council: str | None = None,
) -> uuid.UUID | None:
    """Write the event and one delivery per subscription that may receive it; the event's id
    (the ``webhook-id``), or None when nobody receives it or it was already emitted."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown webhook event {event_type!r}")
    if not _first_in_transaction(session, event_type, resource):
        return None
    candidates = await session.execute(
        select(WebhookSubscription.id, WebhookSubscription.events, WebhookSubscription.council, ApiKey.scopes)
        .join(ApiKey, ApiKey.id == WebhookSubscription.key_id)
        .where(WebhookSubscription.status == "active", ApiKey.revoked_at.is_(None))
    )
    receivers = [
        subscription_id
        for subscription_id, events, subscription_council, scopes in candidates
        if event_type in events and may_receive(scopes, subscription_council, council)
    ]
    if not receivers:
        return None
    event_id = uuid.uuid4()
    now = dt.datetime.now(dt.UTC)
    payload: dict[str, object] = {
        "type": event_type,
        "timestamp": now.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    seq = await session.scalar(
        insert(WebhookOutbox)
        .values(
            id=event_id,
            event_type=event_type,
            resource=resource,
            council=council,
            payload=payload,
            created_at=now,
        )
        .returning(WebhookOutbox.seq)
    )
    await session.execute(
        insert(WebhookDelivery),
        [
            {
                "subscription_id": subscription_id,
                "outbox_seq": seq,
                "resource": resource,
                "attempts": 0,
                "next_attempt_at": now,
                "retry_since": now,
            }
            for subscription_id in receivers
        ],
    )
    return event_id
