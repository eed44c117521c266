"""Retries: only 429 and 503, waiting what Retry-After asks (or backing off), then giving up."""

from __future__ import annotations

import asyncio
import email.utils
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from edskills_client import (
    AsyncClient,
    BadRequest,
    Client,
    Retry,
    RetryEvent,
    ServerError,
    ServiceUnavailable,
    TooManyRequests,
)
from edskills_client._core import retry_after
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings

HEALTHY = b'{"status":"ok","database":"sqlite","version":"test"}'
Scenario = list[tuple[int, dict[str, str]]]


def scripted_server(answers: Scenario, seen: list[str]) -> Callable[..., Awaitable[None]]:
    """A tiny ASGI server that answers with ``answers`` in turn, then 200: the failure modes of a
    loaded service (the real app only sends 503 when its database is down; see the last test)."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "http"
        seen.append(scope["method"])
        status, headers = answers.pop(0) if answers else (200, {})
        body = HEALTHY if status == 200 else b'{"title":"busy","status":%d,"detail":"busy"}' % status
        media = b"application/json" if status == 200 else b"application/problem+json"
        raw = [(b"content-type", media), *((k.encode(), v.encode()) for k, v in headers.items())]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    return app


def client_for(answers: Scenario, retry: Retry) -> tuple[Client, list[str], list[RetryEvent]]:
    seen: list[str] = []
    events: list[RetryEvent] = []
    sync_http = TestClient(app=scripted_server(answers, seen))  # type: ignore[arg-type]
    return Client(http_client=sync_http, retry=retry, on_retry=events.append), seen, events


def test_503_and_429_are_retried_honouring_retry_after() -> None:
    answers: Scenario = [(503, {"Retry-After": "0"}), (429, {}), (503, {"Retry-After": "0"})]
    api, seen, events = client_for(answers, Retry(attempts=3, backoff=0.01))
    assert api.health().status == "ok"
    assert len(seen) == 4
    assert [(event.retry, event.status) for event in events] == [(1, 503), (2, 429), (3, 503)]
    assert events[0].delay == 0.0 and events[2].delay == 0.0, "Retry-After: 0 is honoured"
    assert 0.01 <= events[1].delay <= 0.02, "no Retry-After: exponential backoff with jitter"


def test_gives_up_after_the_last_attempt() -> None:
    api, seen, _ = client_for([(429, {"Retry-After": "0"})] * 5, Retry(attempts=2))
    with pytest.raises(TooManyRequests):
        api.health()
    assert len(seen) == 3


@pytest.mark.parametrize(("status", "error"), [(500, ServerError), (400, BadRequest), (502, ServerError)])
def test_other_errors_are_never_retried(status: int, error: type[Exception]) -> None:
    api, seen, events = client_for([(status, {})], Retry(attempts=3, backoff=0))
    with pytest.raises(error):
        api.health()
    assert (len(seen), events) == (1, [])


def test_a_retry_after_beyond_max_wait_is_not_waited_out() -> None:
    api, seen, events = client_for([(503, {"Retry-After": "120"})], Retry(attempts=3, max_wait=60))
    with pytest.raises(ServiceUnavailable):
        api.health()
    assert (len(seen), events) == (1, [])


def test_async_client_retries_too() -> None:
    import httpx

    seen: list[str] = []
    events: list[RetryEvent] = []
    app = scripted_server([(503, {"Retry-After": "0"})], seen)

    async def run() -> str:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://scripted")
        async with AsyncClient(http_client=http, on_retry=events.append) as api:
            health = await api.health()
        await http.aclose()
        return health.status

    assert asyncio.run(run()) == "ok"
    assert (len(seen), len(events)) == (2, 1)


def test_retry_after_parsing() -> None:
    assert retry_after("5") == 5.0
    assert retry_after(None) is None and retry_after("soon") is None
    date = email.utils.formatdate(1_000_030, usegmt=True)
    assert retry_after(date, now=1_000_000) == pytest.approx(30)
    assert retry_after(email.utils.formatdate(10, usegmt=True), now=1_000_000) == 0.0


def test_real_app_with_its_database_down_is_service_unavailable() -> None:
    settings = Settings.from_env({}, database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none")
    events: list[RetryEvent] = []
    with TestClient(app=create_app(settings)) as http:
        api = Client(http_client=http, retry=Retry(attempts=2, max_wait=1), on_retry=events.append)
        with pytest.raises(ServiceUnavailable) as down:
            api.list_councils()
    assert down.value.status == 503 and "database" in down.value.detail
    assert down.value.response is not None and down.value.response.headers["Retry-After"] == "5"
    assert events == [], "Retry-After: 5 exceeds max_wait=1, so the client does not wait"
