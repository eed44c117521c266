"""Signed webhooks from an outbox, end to end on both databases (issue 19): a real receiver on
loopback, the real app in-process, the delivery worker in-process or as its own process."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from edskills_client import WebhookVerificationError, verify_webhook
from litestar.testing import TestClient
from sqlalchemy import text, update

from api.app import create_app
from api.db.engine import create_engine
from api.db.models import WebhookDelivery
from api.settings import Settings
from api.webhooks.worker import Deliverer
from tests.api.national import create_key
from tests.conftest import NEWCASTLE, bearer, run_async
from tests.helpers import new_audit, post
from tests.webhooks.receiver import Receiver, receiver

FAST = {
    "webhooks_allow_private": True,
    "webhooks_worker": False,
    "webhooks_backoff_seconds": 0.01,
    "webhooks_backoff_max_seconds": 0.05,
    "webhooks_timeout_seconds": 5.0,
}


@pytest.fixture
def fast_settings(database_url: str) -> Settings:
    return Settings.from_env({}, database_url=database_url, **FAST)


@pytest.fixture
def app_client(fast_settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    with TestClient(app=create_app(fast_settings)) as test_client:
        yield test_client


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as state:
        yield state


def _sql(url: str, statement: str) -> list[Any]:
    async def run() -> list[Any]:
        engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(statement))
                return list(result.all()) if result.returns_rows else []
        finally:
            await engine.dispose()

    return run_async(run())


def _deliver(settings: Settings, passes: int = 1) -> int:
    async def run() -> int:
        deliverer = Deliverer(settings)
        try:
            return sum([await deliverer.run_once() for _ in range(passes)])
        finally:
            await deliverer.close()

    return run_async(run())


def _subscribe(client: TestClient, key: str, url: str, events: list[str]) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.post(
        "/v1/webhooks/subscriptions", json={"url": url, "events": events}, headers=bearer(key)
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _partner(database_url: str) -> str:
    return create_key(database_url, "HR system", "partner", f"council:{NEWCASTLE}")


def test_events_arrive_signed_and_in_order_after_the_receiver_comes_back(
    app_client: TestClient,
    fast_settings: Settings,
    database_url: str,
    hook: Receiver,  # type: ignore[type-arg]
) -> None:
    partner = _partner(database_url)
    created = _subscribe(app_client, partner, hook.url, ["audit.updated", "needs.updated"])
    secret = created["secret"]
    assert secret.startswith("whsec_")
    subscription = created["subscription"]
    shown = app_client.get(f"/v1/webhooks/subscriptions/{subscription['id']}", headers=bearer(partner))
    assert shown.status_code == 200 and "secret" not in shown.json()

    council = create_key(database_url, "Newcastle", f"council:{NEWCASTLE}")
    hook.status = 503  # the receiver is down while the council works
    audits = [new_audit(app_client, council, title=f"Audit {n}") for n in range(2)]
    for audit_id in audits:
        for reference in ("EDO-01", "EDO-02"):
            post(app_client, council, f"/audits/{audit_id}/members", {"reference": reference})
    outbox = [
        (str(uuid.UUID(str(event_id))), resource)
        for event_id, resource in _sql(database_url, "SELECT id, resource FROM webhook_outbox ORDER BY seq")
    ]
    assert len(outbox) == 6  # one event per request: create, then two member writes, per audit

    _deliver(fast_settings, passes=3)
    assert hook.received, "attempts reached the receiver while it was down"
    hook.received.clear()
    hook.status = 204  # back up: every event arrives, in order per resource
    for _ in range(100):
        if not _sql(database_url, "SELECT 1 FROM webhook_deliveries WHERE delivered_at IS NULL"):
            break
        _deliver(fast_settings)
        time.sleep(0.02)
    events = [verify_webhook(secret, r.headers, r.body) for r in hook.received]
    ids = [r.headers["webhook-id"] for r in hook.received]
    assert set(ids) == {row[0] for row in outbox}
    for audit_id in audits:
        expected = [row[0] for row in outbox if row[1] == f"audit:{audit_id}"]
        assert [i for i in dict.fromkeys(ids) if i in expected] == expected
    assert {event["type"] for event in events} == {"audit.updated"}
    assert {event["data"]["council"] for event in events} == {NEWCASTLE}

    with pytest.raises(WebhookVerificationError):
        verify_webhook(secret, hook.received[0].headers, hook.received[0].body + b" ")
    log = app_client.get(
        f"/v1/webhooks/subscriptions/{subscription['id']}/attempts", headers=bearer(partner)
    ).json()
    assert log["total"] >= 8 and {item["status"] for item in log["items"]} >= {503, 204}


def test_other_councils_events_and_refused_writes_emit_nothing(
    app_client: TestClient,
    database_url: str,
    hook: Receiver,  # type: ignore[type-arg]
) -> None:
    partner = _partner(database_url)
    _subscribe(app_client, partner, hook.url, ["audit.updated"])
    gateshead = create_key(database_url, "Gateshead", "council:E08000037")
    new_audit(app_client, gateshead, code="E08000037")  # not a council the partner may read
    council = create_key(database_url, "Newcastle", f"council:{NEWCASTLE}")
    audit_id = new_audit(app_client, council)
    before = _sql(database_url, "SELECT COUNT(*) FROM webhook_outbox")[0][0]
    refused = app_client.post(
        f"/v1/councils/{NEWCASTLE}/audits/{audit_id}/members",
        json={"reference": "EDO-01", "role": "no-such-role"},
        headers=bearer(council),
    )
    assert refused.status_code == 422
    assert _sql(database_url, "SELECT COUNT(*) FROM webhook_outbox")[0][0] == before == 1
    assert _sql(database_url, "SELECT COUNT(*) FROM webhook_deliveries")[0][0] == 1


REFUSED_URLS = [
    ("http://127.0.0.1:9/hook", "non-public"),
    ("http://localhost/hook", "non-public"),
    ("http://10.1.2.3/hook", "non-public"),
    ("http://169.254.169.254/latest/meta-data", "non-public"),
    ("http://[::1]/hook", "non-public"),
    ("http://[::ffff:192.168.0.1]/hook", "non-public"),
    ("ftp://example.com/hook", "http:// or https://"),
    ("https://user:pw@example.com/hook", "user name"),
]


def test_private_addresses_and_other_schemes_are_refused(
    client: TestClient,
    database_url: str,  # type: ignore[type-arg]
) -> None:
    """SSRF: without ``webhooks_allow_private`` (the default) each is 422 naming ``url``."""
    partner = _partner(database_url)
    for url, message in REFUSED_URLS:
        response = client.post(
            "/v1/webhooks/subscriptions",
            json={"url": url, "events": ["framework.published"]},
            headers=bearer(partner),
        )
        assert response.status_code == 422, (url, response.text)
        error = response.json()["errors"][0]
        assert error["field"] == "url" and message in error["message"], url
    assert _sql(database_url, "SELECT COUNT(*) FROM webhook_subscriptions")[0][0] == 0


def test_a_partner_hears_of_a_new_edition_and_finds_what_changed(
    app_client: TestClient,
    fast_settings: Settings,
    database_url: str,
    hook: Receiver,  # type: ignore[type-arg]
) -> None:
    """Issue 19's "done when", the webhook half: a partner with only the partner scope subscribes to
    framework.published and receives a signed event when a national body publishes 2026.2."""
    partner = create_key(database_url, "Learning platform", "partner")
    secret = _subscribe(app_client, partner, hook.url, ["framework.published"])["secret"]
    editor = bearer(create_key(database_url, "Editor", "framework:write"))
    assert app_client.post("/v1/frameworks", json={"version": "2026.2"}, headers=editor).status_code == 201
    assert not _sql(database_url, "SELECT 1 FROM webhook_outbox")  # a draft is not news
    assert app_client.post("/v1/frameworks/2026.2/publish", headers=editor).status_code == 200
    assert _deliver(fast_settings) == 1
    event = verify_webhook(secret, hook.received[0].headers, hook.received[0].body)
    assert event["type"] == "framework.published"
    assert event["data"]["version"] == "2026.2" and event["data"]["previous"] == "2026.1"
    assert app_client.get(event["data"]["path"]).status_code == 200
    diff = app_client.get(event["data"]["diff_path"])
    assert diff.status_code in (200, 404)  # 200 once the edition diff (helper M1) is routed


def test_subscriptions_need_a_partner_key_and_belong_to_it(
    app_client: TestClient,
    database_url: str,
    hook: Receiver,  # type: ignore[type-arg]
) -> None:
    council = create_key(database_url, "Newcastle", f"council:{NEWCASTLE}")
    body = {"url": hook.url, "events": ["audit.updated"]}
    assert app_client.post("/v1/webhooks/subscriptions", json=body).status_code == 401
    assert (
        app_client.post("/v1/webhooks/subscriptions", json=body, headers=bearer(council)).status_code == 403
    )
    partner = _partner(database_url)
    other = create_key(database_url, "Other", "partner")
    mine = _subscribe(app_client, partner, hook.url, ["audit.updated"])["subscription"]
    assert (
        app_client.get(f"/v1/webhooks/subscriptions/{mine['id']}", headers=bearer(other)).status_code == 404
    )
    assert app_client.get("/v1/webhooks/subscriptions", headers=bearer(other)).json()["total"] == 0
    refused = app_client.post(
        "/v1/webhooks/subscriptions", json={**body, "council": "E08000037"}, headers=bearer(other)
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "council"
    assert (
        app_client.delete(f"/v1/webhooks/subscriptions/{mine['id']}", headers=bearer(partner)).status_code
        == 204
    )
    assert app_client.get("/v1/webhooks/subscriptions", headers=bearer(partner)).json()["total"] == 0


def test_persistent_failure_disables_the_subscription_with_a_reason(
    app_client: TestClient,
    database_url: str,
    hook: Receiver,  # type: ignore[type-arg]
) -> None:
    settings = Settings.from_env({}, database_url=database_url, **FAST, webhooks_retry_hours=1.0)
    partner = _partner(database_url)
    subscription = _subscribe(app_client, partner, hook.url, ["audit.updated"])["subscription"]
    new_audit(app_client, create_key(database_url, "Newcastle", f"council:{NEWCASTLE}"))
    hook.status = 500
    _deliver(settings)
    assert _sql(database_url, "SELECT status FROM webhook_subscriptions")[0][0] == "active"
    # Move the clock: the event has now been retried for more than the window.
    _sql_update_retry_since(database_url, dt.timedelta(hours=2))
    _deliver(settings)
    shown = app_client.get(f"/v1/webhooks/subscriptions/{subscription['id']}", headers=bearer(partner)).json()
    assert shown["status"] == "disabled"
    assert (
        "could not be delivered for 1 hours" in shown["disabled_reason"] and "500" in shown["disabled_reason"]
    )
    assert shown["pending"] == 1
    attempts = len(hook.received)
    _deliver(settings)
    assert len(hook.received) == attempts  # a disabled subscription gets nothing

    hook.status = 200
    enabled = app_client.post(
        f"/v1/webhooks/subscriptions/{subscription['id']}/enable", headers=bearer(partner)
    )
    assert enabled.status_code == 200 and enabled.json()["status"] == "active"
    _deliver(settings)
    assert (
        app_client.get(f"/v1/webhooks/subscriptions/{subscription['id']}", headers=bearer(partner)).json()[
            "pending"
        ]
        == 0
    )


def _sql_update_retry_since(url: str, back: dt.timedelta) -> None:
    async def run() -> None:
        engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
        try:
            async with engine.begin() as connection:
                earlier = dt.datetime.now(dt.UTC) - back
                await connection.execute(update(WebhookDelivery).values(retry_since=earlier))
        finally:
            await engine.dispose()

    run_async(run())


def test_a_worker_killed_mid_delivery_is_redelivered_with_the_same_id(
    app_client: TestClient,
    database_url: str,
    hook: Receiver,  # type: ignore[type-arg]
) -> None:
    partner = _partner(database_url)
    secret = _subscribe(app_client, partner, hook.url, ["audit.updated"])["secret"]
    new_audit(app_client, create_key(database_url, "Newcastle", f"council:{NEWCASTLE}"))
    hook.stall_seconds = 30  # receives, then holds the answer: the worker dies before it records
    environment = {
        **os.environ,
        "EDSKILLS_DATABASE_URL": database_url,
        "EDSKILLS_WEBHOOKS_ALLOW_PRIVATE": "1",
        "EDSKILLS_WEBHOOKS_LEASE_SECONDS": "1",
        "EDSKILLS_WEBHOOKS_TIMEOUT_SECONDS": "60",
    }
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "edskills"), "webhooks", "deliver"],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert hook.arrived.wait(30), "the worker process never delivered"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    first = hook.received[0]
    assert _sql(database_url, "SELECT delivered_at, attempts FROM webhook_deliveries")[0] == (None, 0)
    hook.stall_seconds = 0
    time.sleep(1.1)  # the dead worker's lease expires
    settings = Settings.from_env({}, database_url=database_url, **FAST)
    assert _deliver(settings) == 1
    again = hook.received[-1]
    assert again.headers["webhook-id"] == first.headers["webhook-id"]
    assert verify_webhook(secret, again.headers, again.body) == verify_webhook(
        secret, first.headers, first.body
    )
    assert _sql(database_url, "SELECT attempts FROM webhook_deliveries WHERE delivered_at IS NOT NULL") == [
        (1,)
    ]
