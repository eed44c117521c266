"""The delivery loop (issue 19): claim due deliveries with a lease, POST them signed, record.

- **Claim** is one conditional ``UPDATE … RETURNING`` (``leased_until = now + lease`` where no
  live lease is held), so two workers never hold one delivery; on PostgreSQL its inner select is
  ``FOR UPDATE SKIP LOCKED`` so workers pass over each other's rows instead of queueing.
- **Order per resource**: only the oldest undelivered event of each (subscription, resource) is
  claimable, so event n+1 never goes before n has been delivered.
- **At-least-once**: a worker killed after the POST but before recording leaves its lease to
  expire; the delivery is claimed again and sent with the same ``webhook-id``.
- **Retries**: exponential backoff with jitter from ``webhooks_backoff_seconds`` up to
  ``webhooks_backoff_max_seconds``; a failure once the event has been retried for
  ``webhooks_retry_hours`` disables the subscription, saying why.
- Each attempt is logged (``webhook_attempts``). The loop has its own engine, never a request's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import time
from dataclasses import dataclass

import httpx
import msgspec
from sqlalchemy import and_, exists, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlalchemy.orm import aliased

from api.db.engine import create_engine
from api.db.models import WebhookAttempt, WebhookDelivery, WebhookOutbox, WebhookSubscription
from api.settings import Settings
from api.webhooks import addresses, signing

log = logging.getLogger("api.webhooks")
BATCH = 20
MAX_ERROR = 500


def backoff_seconds(settings: Settings, attempts: int, jitter: float) -> float:
    """Wait after the ``attempts``-th failure: base · 2^(attempts-1), capped, plus ``jitter``
    (0–1) times 20%."""
    base: float = settings.webhooks_backoff_seconds * 2.0 ** min(attempts - 1, 40)
    return min(base, settings.webhooks_backoff_max_seconds) * (1 + 0.2 * jitter)


@dataclass(frozen=True, slots=True)
class Claimed:
    delivery_id: int
    subscription_id: object
    url: str
    secret: str
    webhook_id: str
    payload: dict[str, object]
    attempts: int
    retry_since: dt.datetime


def _due(now: dt.datetime) -> object:
    earlier = aliased(WebhookDelivery)
    return and_(
        WebhookDelivery.delivered_at.is_(None),
        WebhookDelivery.next_attempt_at <= now,
        (WebhookDelivery.leased_until.is_(None)) | (WebhookDelivery.leased_until < now),
        WebhookSubscription.status == "active",
        ~exists().where(
            earlier.subscription_id == WebhookDelivery.subscription_id,
            earlier.resource == WebhookDelivery.resource,
            earlier.delivered_at.is_(None),
            earlier.outbox_seq < WebhookDelivery.outbox_seq,
        ),
    )


class Deliverer:
    """Delivers due webhooks: ``run_once`` one batch, ``run`` until stopped."""

    def __init__(self, settings: Settings, engine: AsyncEngine | None = None) -> None:
        self.settings = settings
        self._own_engine = engine is None
        self.engine = engine or create_engine(settings, pooled=True)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.client = httpx.AsyncClient(
            timeout=settings.webhooks_timeout_seconds, follow_redirects=False, trust_env=False
        )

    async def close(self) -> None:
        await self.client.aclose()
        if self._own_engine:
            await self.engine.dispose()

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until ``stop`` is set; a database outage is logged and waited out."""
        while not stop.is_set():
            try:
                sent = await self.run_once()
            except Exception:
                log.warning("webhook delivery pass failed; retrying", exc_info=True)
                sent = 0
            if sent == 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.settings.webhooks_poll_seconds)

    async def run_once(self) -> int:
        """Claim up to ``BATCH`` due deliveries and send them; how many were attempted."""
        claimed = await self.claim()
        if claimed:
            await asyncio.gather(*(self.send(item) for item in claimed))
        return len(claimed)

    async def claim(self) -> list[Claimed]:
        now = dt.datetime.now(dt.UTC)
        async with self.sessions() as session:
            # A read first: an idle loop never takes SQLite's write lock.
            any_due = await session.scalar(
                select(WebhookDelivery.id)
                .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                .where(_due(now))  # type: ignore[arg-type]
                .limit(1)
            )
            await session.rollback()
            if any_due is None:
                return []
            candidates = (
                select(WebhookDelivery.id)
                .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                .where(_due(now))  # type: ignore[arg-type]
                .order_by(WebhookDelivery.outbox_seq)
                .limit(BATCH)
            )
            if not self.settings.is_sqlite:
                candidates = candidates.with_for_update(of=WebhookDelivery, skip_locked=True)
            lease = now + dt.timedelta(seconds=self.settings.webhooks_lease_seconds)
            ids = list(
                await session.scalars(
                    update(WebhookDelivery)
                    .where(
                        WebhookDelivery.id.in_(candidates.scalar_subquery()),
                        (WebhookDelivery.leased_until.is_(None)) | (WebhookDelivery.leased_until < now),
                    )
                    .values(leased_until=lease)
                    .returning(WebhookDelivery.id)
                    .execution_options(synchronize_session=False)
                )
            )
            await session.commit()
            if not ids:
                return []
            rows = await session.execute(
                select(WebhookDelivery, WebhookSubscription, WebhookOutbox)
                .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
                .join(WebhookOutbox, WebhookOutbox.seq == WebhookDelivery.outbox_seq)
                .where(WebhookDelivery.id.in_(ids))
                .order_by(WebhookDelivery.outbox_seq)
            )
            return [
                Claimed(
                    delivery_id=delivery.id,
                    subscription_id=subscription.id,
                    url=subscription.url,
                    secret=subscription.secret,
                    webhook_id=str(event.id),
                    payload=event.payload,
                    attempts=delivery.attempts,
                    retry_since=delivery.retry_since,
                )
                for delivery, subscription, event in rows
            ]

    async def send(self, item: Claimed) -> None:
        """One attempt: check the address again, POST the signed body, record the outcome."""
        body = msgspec.json.encode(item.payload)
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            target = await addresses.resolve(item.url, allow_private=self.settings.webhooks_allow_private)
            timestamp = int(time.time())
            headers = signing.headers(item.secret, item.webhook_id, timestamp, body)
            headers["host"] = target.host_header
            headers["user-agent"] = "edskills-webhooks"
            response = await self.client.post(
                target.url,
                content=body,
                headers=headers,
                extensions={"sni_hostname": target.server_name},
            )
            status = response.status_code
            if not 200 <= status < 300:
                error = f"the receiver answered {status}"
        except addresses.RefusedUrl as exc:
            error = f"URL refused: {exc}"
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        duration_ms = int((time.monotonic() - started) * 1000)
        await self.record(item, status, error, duration_ms)

    async def record(self, item: Claimed, status: int | None, error: str | None, duration_ms: int) -> None:
        now = dt.datetime.now(dt.UTC)
        attempts = item.attempts + 1
        error = error[:MAX_ERROR] if error else None
        async with self.sessions() as session, session.begin():
            await session.execute(
                insert(WebhookAttempt).values(
                    subscription_id=item.subscription_id,
                    outbox_seq=select(WebhookDelivery.outbox_seq)
                    .where(WebhookDelivery.id == item.delivery_id)
                    .scalar_subquery(),
                    at=now,
                    status=status,
                    error=error,
                    duration_ms=duration_ms,
                )
            )
            values: dict[str, object] = {
                "attempts": attempts,
                "leased_until": None,
                "last_status": status,
                "last_error": error,
            }
            if error is None:
                values["delivered_at"] = now
            else:
                wait = backoff_seconds(self.settings, attempts, random.random())
                values["next_attempt_at"] = now + dt.timedelta(seconds=wait)
            await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == item.delivery_id, WebhookDelivery.delivered_at.is_(None))
                .values(**values)
            )
            window = dt.timedelta(hours=self.settings.webhooks_retry_hours)
            if error is not None and now - item.retry_since >= window:
                reason = (
                    f"Disabled at {now.isoformat(timespec='seconds')}: event {item.webhook_id} could not "
                    f"be delivered for {self.settings.webhooks_retry_hours:g} hours ({attempts} attempts; "
                    f"last: {error})"
                )[:MAX_ERROR]
                await session.execute(
                    update(WebhookSubscription)
                    .where(
                        WebhookSubscription.id == item.subscription_id, WebhookSubscription.status == "active"
                    )
                    .values(
                        status="disabled", disabled_reason=reason, revision=WebhookSubscription.revision + 1
                    )
                )
                log.warning("webhook subscription %s disabled: %s", item.subscription_id, reason)


class BackgroundDeliverer:
    """The loop as part of a server worker's lifespan (``webhooks_worker``)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._deliverer: Deliverer | None = None

    async def start(self) -> None:
        if not self.settings.webhooks_worker:
            return
        self._stop = asyncio.Event()
        self._deliverer = Deliverer(self.settings)
        self._task = asyncio.create_task(self._deliverer.run(self._stop), name="webhook-deliveries")

    async def stop(self) -> None:
        if self._task is not None:
            self._stop.set()
            try:
                await asyncio.wait_for(self._task, self.settings.webhooks_timeout_seconds + 5)
            except TimeoutError:
                self._task.cancel()
            self._task = None
        if self._deliverer is not None:
            await self._deliverer.close()
            self._deliverer = None


async def deliver_forever(settings: Settings, stop: asyncio.Event | None = None) -> None:
    """``edskills webhooks deliver``: the loop on its own."""
    deliverer = Deliverer(settings)
    try:
        await deliverer.run(stop or asyncio.Event())
    finally:
        await deliverer.close()


async def deliver_pending(settings: Settings) -> int:
    """``edskills webhooks deliver --once``: every due delivery, then stop; how many attempts."""
    deliverer = Deliverer(settings, None)
    total = 0
    try:
        while sent := await deliverer.run_once():
            total += sent
    finally:
        await deliverer.close()
    return total
