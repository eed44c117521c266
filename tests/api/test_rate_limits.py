"""Rate limits (issue 12): per key, per address, failed authentications and anonymous matching, held
in the database so that every app instance and worker process counts against one total.

Counters use fixed windows aligned to the minute, so each test starts counting well inside a
window (``steady_window``) and cannot straddle a reset. Limits are set small through settings.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from sqlalchemy import insert, select

from api.app import create_app
from api.cli import main
from api.db.engine import create_engine
from api.db.models import RateLimitCounter
from api.ratelimit import WINDOW_SECONDS
from api.settings import Settings
from tests.conftest import GATESHEAD, NEWCASTLE, bearer
from tests.helpers import served_workers

AUDITS = f"/v1/councils/{NEWCASTLE}/audits"
WRONG_KEY = "eds_abcdef12_" + "x" * 40
"""Well formed, unknown: a guess."""


def steady_window(margin: float = 6.0) -> None:
    """Wait for the next window if the current one ends within ``margin`` seconds."""
    left = WINDOW_SECONDS - time.time() % WINDOW_SECONDS
    if left < margin:
        time.sleep(left + 0.05)


def limited(database_url: str, **limits: int) -> Settings:
    return Settings.from_env({}, database_url=database_url, **limits)


def sf_items(value: str) -> dict[str, dict[str, str]]:
    """A Structured Field list of ``"name";k=v;…`` items (all these fields use) as ``{name: {k: v}}``."""
    items: dict[str, dict[str, str]] = {}
    for member in value.split(","):
        name, *parameters = member.strip().split(";")
        assert name.startswith('"') and name.endswith('"'), value
        items[name.strip('"')] = dict(parameter.split("=", 1) for parameter in parameters)
    return items


def usage(response: httpx.Response, policy: str) -> tuple[int, int, int]:
    """(quota, remaining, reset) that ``response`` announces for ``policy``."""
    policies = sf_items(response.headers["ratelimit-policy"])
    limits = sf_items(response.headers["ratelimit"])
    assert policies[policy]["w"] == "60"
    return int(policies[policy]["q"]), int(limits[policy]["r"]), int(limits[policy]["t"])


def assert_429(response: httpx.Response, mentions: str) -> int:
    """A 429 problem with ``Retry-After`` in seconds; returns it."""
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 429 and mentions in problem["detail"], problem
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW_SECONDS
    return retry_after


@pytest.fixture
def app_client(database_url: str) -> Iterator[TestClient]:  # type: ignore[type-arg]
    settings = limited(
        database_url,
        rate_limit_key_per_minute=5,
        rate_limit_address_per_minute=8,
        rate_limit_auth_failures_per_minute=3,
        rate_limit_match_texts_per_minute=10,
    )
    with TestClient(app=create_app(settings)) as client:
        yield client


def test_a_key_gets_its_quota_then_429_with_headers(app_client: TestClient, keys: dict[str, str]) -> None:  # type: ignore[type-arg]
    """Five requests a minute per key: each announces what is left, the sixth is refused with
    Retry-After; a failing request (404, rolled back) counts like any other."""
    steady_window()
    own = bearer(keys["newcastle"])
    remaining = []
    for number in range(5):
        path = AUDITS if number % 2 else f"{AUDITS}/00000000-0000-0000-0000-000000000000"
        response = app_client.get(path, headers=own)
        assert response.status_code == (200 if number % 2 else 404), response.text
        quota, left, reset = usage(response, "key")
        assert quota == 5 and 1 <= reset <= WINDOW_SECONDS
        remaining.append(left)
    assert remaining == [4, 3, 2, 1, 0]

    refused = app_client.get(AUDITS, headers=own)
    retry_after = assert_429(refused, "This API key may make 5 requests a minute")
    assert usage(refused, "key")[1:] == (0, retry_after)
    # another key from the same address has its own quota
    other = app_client.get(f"/v1/councils/{GATESHEAD}/audits", headers=bearer(keys["gateshead"]))
    assert other.status_code == 200 and usage(other, "key")[:2] == (5, 4)


def test_an_address_is_limited_across_its_keys(app_client: TestClient, keys: dict[str, str]) -> None:  # type: ignore[type-arg]
    steady_window()
    for number in range(8):
        who = "newcastle" if number % 2 else "admin"
        response = app_client.get(AUDITS, headers=bearer(keys[who]))
        assert response.status_code == 200, response.text
        assert usage(response, "address")[:2] == (8, 7 - number)
    refused = app_client.get(AUDITS, headers=bearer(keys["admin"]))
    assert_429(refused, "This address may make 8 requests a minute")


def test_failed_authentications_are_throttled_but_a_valid_key_still_works(
    app_client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    steady_window()
    guesses = [f"Bearer {WRONG_KEY}", "Bearer not-a-key", f"Basic {keys['newcastle']}"]
    for number, header in enumerate(guesses):
        response = app_client.get(AUDITS, headers={"Authorization": header})
        assert response.status_code == 401, response.text
        assert usage(response, "auth-failures")[:2] == (3, 2 - number)
    throttled = app_client.get(AUDITS, headers={"Authorization": f"Bearer {WRONG_KEY}"})
    assert_429(throttled, "Too many failed authentications from this address")

    # only failures count: the valid key from the same address is served, and counted as usual
    served = app_client.get(AUDITS, headers=bearer(keys["newcastle"]))
    assert served.status_code == 200
    assert usage(served, "key")[:2] == (5, 4)
    # a request without a key guesses nothing: 401, not counted
    assert app_client.get(AUDITS).status_code == 401
    assert_429(app_client.get(AUDITS, headers={"Authorization": "Bearer nope"}), "failed authentications")


def test_anonymous_matching_is_limited_in_texts(app_client: TestClient, keys: dict[str, str]) -> None:  # type: ignore[type-arg]
    """Ten texts a minute without a key; a request over the remaining budget is refused whole and
    consumes nothing; a keyed caller counts against its key instead."""
    steady_window()
    first = app_client.post("/v1/match/skills", json={"texts": ["bid writing"] * 6})
    assert first.status_code == 200, first.text
    assert usage(first, "match-texts")[:2] == (10, 4)
    assert 'edskills-unit="texts"' in first.headers["ratelimit-policy"]

    over = app_client.post("/v1/match/roles", json={"texts": ["ED officer"] * 5})
    retry_after = assert_429(over, "4 remain in this minute and this request has 5")
    assert usage(over, "match-texts")[1:] == (4, retry_after)

    rest = app_client.post("/v1/match/roles", json={"texts": ["ED officer"] * 4})
    assert rest.status_code == 200 and usage(rest, "match-texts")[1] == 0
    assert_429(app_client.post("/v1/match/skills", json={"texts": ["GIS"]}), "0 remain")

    keyed = app_client.post(
        "/v1/match/skills", json={"texts": ["GIS"] * 20}, headers=bearer(keys["newcastle"])
    )
    assert keyed.status_code == 200 and usage(keyed, "key")[:2] == (5, 4)
    assert "match-texts" not in keyed.headers["ratelimit"]
    wrong = app_client.post("/v1/match/skills", json={"texts": ["GIS"]}, headers=bearer(WRONG_KEY))
    assert wrong.status_code == 401, "a bad key is refused, not served anonymously"


def test_limits_are_shared_by_app_instances_on_one_database(database_url: str, keys: dict[str, str]) -> None:
    """Two apps (as two workers would be) on the same database count against one total."""
    settings = limited(database_url, rate_limit_key_per_minute=5)
    own = bearer(keys["newcastle"])
    with TestClient(app=create_app(settings)) as first, TestClient(app=create_app(settings)) as second:
        steady_window()
        statuses = [(first if n % 2 else second).get(AUDITS, headers=own).status_code for n in range(5)]
        assert statuses == [200] * 5
        assert_429(first.get(AUDITS, headers=own), "This API key may make 5")
        assert_429(second.get(AUDITS, headers=own), "This API key may make 5")


def test_a_key_carries_its_own_quota(database_url: str) -> None:
    """``keys create --rate-limit N`` gives a key its own quota; ``keys list`` shows it; a key with a
    higher quota than the address limit may use it from one address."""
    runner = CliRunner()
    env = {"EDSKILLS_DATABASE_URL": database_url, "EDSKILLS_RATE_LIMIT_KEY_PER_MINUTE": "5"}
    scope = f"council:{NEWCASTLE}"
    made = {}
    for name, quota in (("slow", "3"), ("bench", "12")):
        created = runner.invoke(
            main, ["keys", "create", "--name", name, "--scope", scope, "--rate-limit", quota], env=env
        )
        assert created.exit_code == 0, created.output
        made[name] = created.output.splitlines()[0]
    listing = runner.invoke(main, ["keys", "list"], env=env).output
    assert "3/min (own)" in listing and "12/min (own)" in listing
    refused = runner.invoke(
        main, ["keys", "create", "--name", "x", "--scope", scope, "--rate-limit", "0"], env=env
    )
    assert refused.exit_code == 2

    settings = limited(database_url, rate_limit_key_per_minute=5, rate_limit_address_per_minute=4)
    with TestClient(app=create_app(settings)) as client:
        steady_window()
        slow = [client.get(AUDITS, headers=bearer(made["slow"])) for _ in range(4)]
        assert [r.status_code for r in slow] == [200, 200, 200, 429]
        assert usage(slow[0], "key")[0] == 3
        fast = [client.get(AUDITS, headers=bearer(made["bench"])).status_code for _ in range(8)]
        assert fast == [200] * 8, "the address limit (4) does not hold back a key granted 12"


def test_old_windows_are_swept(database_url: str, keys: dict[str, str]) -> None:
    async def counters(add_old: bool) -> list[int]:
        engine = create_engine(Settings.from_env({}, database_url=database_url), pooled=False)
        try:
            async with engine.begin() as connection:
                if add_old:
                    await connection.execute(
                        insert(RateLimitCounter).values(window_start=60, bucket="key:1", count=9)
                    )
                rows = await connection.execute(
                    select(RateLimitCounter.window_start).group_by(RateLimitCounter.window_start)
                )
                return sorted(row[0] for row in rows)
        finally:
            await engine.dispose()

    assert asyncio.run(counters(add_old=True)) == [60]
    with TestClient(app=create_app(Settings.from_env({}, database_url=database_url))) as client:
        assert client.get(AUDITS, headers=bearer(keys["newcastle"])).status_code == 200
    windows = asyncio.run(counters(add_old=False))
    assert 60 not in windows and len(windows) == 1


async def _burst(base: str, count: int, headers: dict[str, str]) -> list[int]:
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:
        responses = await asyncio.gather(*(client.get(AUDITS, headers=headers) for _ in range(count)))
    return [response.status_code for response in responses]


@pytest.fixture
def two_workers(database_url: str) -> Iterator[str]:
    """``edskills serve --workers 2`` on the test's database, with small limits."""
    with served_workers(
        database_url,
        EDSKILLS_RATE_LIMIT_KEY_PER_MINUTE="5",
        EDSKILLS_RATE_LIMIT_ADDRESS_PER_MINUTE="6",
        EDSKILLS_RATE_LIMIT_AUTH_FAILURES_PER_MINUTE="10",
    ) as server:
        yield server.url


def test_two_workers_hold_every_limit_exactly_under_concurrent_requests(
    two_workers: str, keys: dict[str, str]
) -> None:
    """The measured defect: 300 wrong-key guesses in a second all answered 401. Now, across two
    worker processes and concurrent connections, exactly the limit's worth get 401; a valid key
    from that address still works; a key gets exactly its quota; the address is the socket peer,
    whatever ``X-Forwarded-For`` says."""
    steady_window(margin=10)
    guesses = asyncio.run(_burst(two_workers, 30, bearer(WRONG_KEY)))
    assert sorted(guesses) == [401] * 10 + [429] * 20

    statuses = asyncio.run(_burst(two_workers, 12, bearer(keys["newcastle"])))
    assert sorted(statuses) == [200] * 5 + [429] * 7

    # 127.0.0.1 has now made 12 keyed requests, over its 6; a forged header changes nothing
    spoofed = {**bearer(keys["admin"]), "X-Forwarded-For": "203.0.113.9"}
    assert_429(httpx.get(two_workers + AUDITS, headers=spoofed), "This address may make 6")
    # another address (loopback 127.0.0.2) has its own budget
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=transport, base_url=two_workers) as other:
        response = other.get(AUDITS, headers=bearer(keys["admin"]))
    assert response.status_code == 200
    assert usage(response, "address")[:2] == (6, 5)
