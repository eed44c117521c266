"""Wire shapes of webhook subscriptions and their delivery log (issue 19)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.params import GSS_LENGTH, GSS_PATTERN
from api.webhooks.addresses import MAX_URL_LENGTH

EventType = Literal["framework.published", "audit.updated", "needs.updated", "round.submitted"]
"""Kept equal to ``api.webhooks.outbox.EVENT_TYPES`` (a test checks)."""
WebhookUrl = Annotated[str, Meta(min_length=1, max_length=MAX_URL_LENGTH, description="http(s) URL")]


class SubscriptionCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: WebhookUrl
    """Where events are POSTed: http(s), and a public address unless the service allows private ones."""
    events: Annotated[list[EventType], Meta(min_length=1, max_length=10)]
    council: Annotated[str, Meta(pattern=GSS_PATTERN, max_length=GSS_LENGTH)] | None = None
    """Only this council's events (the key must be able to read it); unset: every council it can."""


class SubscriptionOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    url: str
    events: list[str]
    council: str | None
    status: Literal["active", "disabled"]
    disabled_reason: str | None
    created_at: dt.datetime
    pending: int
    """Events not yet delivered."""


class SubscriptionCreated(msgspec.Struct, kw_only=True):
    subscription: SubscriptionOut
    secret: str
    """``whsec_…``: verifies each delivery's ``webhook-signature``. Shown once, never again."""


class SubscriptionPage(msgspec.Struct, kw_only=True):
    items: list[SubscriptionOut]
    total: int
    limit: int
    offset: int


class AttemptOut(msgspec.Struct, kw_only=True):
    """One attempt to deliver one event."""

    webhook_id: uuid.UUID
    event_type: str
    at: dt.datetime
    status: int | None
    """The receiver's HTTP status, or null when no answer came (see ``error``)."""
    error: str | None
    duration_ms: int


class AttemptPage(msgspec.Struct, kw_only=True):
    items: list[AttemptOut]
    total: int
    limit: int
    offset: int
