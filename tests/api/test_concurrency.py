"""Issue 12: one winner per ETag, and concurrent imports that never answer 5xx.

Every test sends REAL concurrent requests (asyncio + httpx) to a served app: uvicorn in a thread
(``tests.serving.served``), and once per database through ``edskills serve --workers 2`` as a
process tree, on SQLite and on PostgreSQL. A read-then-compare ``If-Match`` check passed these
rounds with up to 14 winners out of 20; the conditional write lets exactly one through.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from api.settings import Settings
from tests.api.test_system import assert_problem
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import served_workers
from tests.serving import served

COUNCIL = f"/v1/councils/{NEWCASTLE}"
WRITERS = 12
IMPORTS = 20
REFERENCES = [f"R-{number:02d}" for number in range(1, 9)]

Call = tuple[str, str, dict[str, Any]]


def concurrently(base: str, headers: dict[str, str], calls: list[Call]) -> list[httpx.Response]:
    """Send every call at once, each on its own connection, and wait for all the answers."""

    async def send() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(calls), max_keepalive_connections=len(calls))
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, limits=limits) as http:
            return list(await asyncio.gather(*(http.request(method, url, **kw) for method, url, kw in calls)))

    return asyncio.run(send())


def revision(tag: str) -> int:
    """Our tags end in the revision: ``"audit-<id>-<revision>"``."""
    return int(tag.strip('"').rsplit("-", 1)[1])


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


# --- resources ------------------------------------------------------------------------------


def new_audit(http: httpx.Client) -> str:
    response = http.post(f"{COUNCIL}/audits", json={"title": "Concurrency", "audit_date": "2026-10-01"})
    assert response.status_code == 201, response.text
    return f"{COUNCIL}/audits/{response.json()['id']}"


def new_member(http: httpx.Client, audit: str, reference: str) -> str:
    response = http.post(f"{audit}/members", json={"reference": reference, "role": "ed-officer"})
    assert response.status_code == 201, response.text
    return f"{audit}/members/{reference}"


def new_needs(http: httpx.Client) -> str:
    body = {"title": "Needs", "establishment": {"ed-officer": 2}, "scenarios": ["ukspf-delivery"]}
    response = http.post(f"{COUNCIL}/needs", json=body)
    assert response.status_code == 201, response.text
    return f"{COUNCIL}/needs/{response.json()['id']}"


def resource(http: httpx.Client, kind: str) -> tuple[str, str]:
    """A fresh resource of ``kind``, and the field a PATCH changes in it."""
    if kind == "member":
        return new_member(http, new_audit(http), "EDO-01"), "display_name"
    if kind == "audit":
        return new_audit(http), "title"
    return new_needs(http), "title"


KINDS = ["member", "audit", "needs"]


def one_winner_round(base: str, headers: dict[str, str], url: str, field: str) -> None:
    """WRITERS concurrent PATCHes with the same If-Match: one 200, the rest 412, and the stored
    resource is exactly the winner's."""
    with httpx.Client(base_url=base, headers=headers) as http:
        tag = http.get(url).headers["etag"]
    calls: list[Call] = [
        ("PATCH", url, {"json": {field: f"Writer {number}"}, "headers": {"If-Match": tag}})
        for number in range(WRITERS)
    ]
    responses = concurrently(base, headers, calls)
    assert statuses(responses) == {200: 1, 412: WRITERS - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 412:
            assert_problem(response, 412)
    winner = next(response for response in responses if response.status_code == 200)
    assert revision(winner.headers["etag"]) == revision(tag) + 1
    with httpx.Client(base_url=base, headers=headers) as http:
        now = http.get(url)
    assert now.headers["etag"] == winner.headers["etag"]
    assert now.json()[field] == winner.json()[field]


@pytest.fixture
def base(settings: Settings) -> Iterator[str]:
    with served(settings) as url:
        yield url


@pytest.fixture
def key(keys: dict[str, str]) -> dict[str, str]:
    return bearer(keys["newcastle"])


@pytest.mark.parametrize("kind", KINDS)
def test_one_winner_per_etag(base: str, key: dict[str, str], kind: str) -> None:
    with httpx.Client(base_url=base, headers=key) as http:
        url, field = resource(http, kind)
    one_winner_round(base, key, url, field)


@pytest.mark.parametrize("kind", KINDS)
def test_writes_without_if_match_all_land_with_distinct_etags(
    base: str, key: dict[str, str], kind: str
) -> None:
    """Last writer wins, but every write bumps the revision in SQL: no ETag is handed out twice."""
    with httpx.Client(base_url=base, headers=key) as http:
        url, field = resource(http, kind)
        start = revision(http.get(url).headers["etag"])
    calls: list[Call] = [("PATCH", url, {"json": {field: f"Writer {n}"}}) for n in range(WRITERS)]
    responses = concurrently(base, key, calls)
    assert statuses(responses) == {200: WRITERS}
    assert sorted(revision(r.headers["etag"]) for r in responses) == list(
        range(start + 1, start + WRITERS + 1)
    )
    with httpx.Client(base_url=base, headers=key) as http:
        assert revision(http.get(url).headers["etag"]) == start + WRITERS


def test_different_members_all_succeed_and_bump_the_audit_each_time(base: str, key: dict[str, str]) -> None:
    with httpx.Client(base_url=base, headers=key) as http:
        audit = new_audit(http)
        urls = [new_member(http, audit, f"EDO-{n:02d}") for n in range(WRITERS)]
        tags = [http.get(url).headers["etag"] for url in urls]
        before = revision(http.get(audit).headers["etag"])
    calls: list[Call] = [
        ("PATCH", url, {"json": {"fte": 0.5}, "headers": {"If-Match": tag}})
        for url, tag in zip(urls, tags, strict=True)
    ]
    assert statuses(concurrently(base, key, calls)) == {200: WRITERS}
    with httpx.Client(base_url=base, headers=key) as http:
        assert revision(http.get(audit).headers["etag"]) == before + WRITERS
        assert {m["fte"] for m in http.get(f"{audit}/members", params={"limit": 100}).json()["items"]} == {
            0.5
        }


def import_csv(number: int) -> bytes:
    """Import ``number``: every member named after it, every level ``number % 5``."""
    lines = ["Staff ID,Name,M&E,Bid writting"]
    lines += [f"{reference},Import {number},{number % 5},{(number + 1) % 5}" for reference in REFERENCES]
    return ("\n".join(lines) + "\n").encode()


def import_round(base: str, headers: dict[str, str]) -> tuple[Counter[int], list[dict[str, Any]]]:
    """IMPORTS concurrent imports into one fresh audit: their statuses and the members after."""
    with httpx.Client(base_url=base, headers=headers) as http:
        audit = new_audit(http)
    calls: list[Call] = [
        ("POST", f"{audit}/import", {"files": {"file": (f"team-{n}.csv", import_csv(n), "text/csv")}})
        for n in range(IMPORTS)
    ]
    responses = concurrently(base, headers, calls)
    for response in responses:
        if response.status_code != 200:
            assert_problem(response, 409)
    with httpx.Client(base_url=base, headers=headers) as http:
        members: list[dict[str, Any]] = http.get(f"{audit}/members", params={"limit": 100}).json()["items"]
    return statuses(responses), members


def assert_one_import_wrote(members: list[dict[str, Any]]) -> None:
    """Never duplicated, and the final state is exactly what one of the imports wrote."""
    assert [member["reference"] for member in members] == REFERENCES
    names = {member["display_name"] for member in members}
    assert len(names) == 1, names
    number = int(names.pop().removeprefix("Import "))
    for member in members:
        assert member["effective_levels"] == {
            "bid-writing": (number + 1) % 5,
            "monitoring-evaluation": number % 5,
        }


def test_concurrent_imports_never_fail_or_duplicate(base: str, key: dict[str, str]) -> None:
    counts, members = import_round(base, key)
    assert counts[200] >= 1 and set(counts) <= {200, 409}, counts
    assert_one_import_wrote(members)


def test_concurrent_creates_of_one_reference_give_one_201(base: str, key: dict[str, str]) -> None:
    with httpx.Client(base_url=base, headers=key) as http:
        audit = new_audit(http)
    body = {"reference": "EDO-99", "role": "ed-officer"}
    responses = concurrently(base, key, [("POST", f"{audit}/members", {"json": body})] * WRITERS)
    assert statuses(responses) == {201: 1, 409: WRITERS - 1}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 409:
            assert_problem(response, 409)
    with httpx.Client(base_url=base, headers=key) as http:
        assert http.get(f"{audit}/members").json()["total"] == 1


# --- the If-Match header itself (sequential) --------------------------------------------------


FORMS: list[tuple[str, Callable[[str], str], int]] = [
    ("strong", lambda tag: tag, 200),
    ("weak", lambda tag: f"W/{tag}", 200),
    ("list", lambda tag: f'"stale", {tag}', 200),
    ("weak in a list", lambda tag: f'"stale", W/{tag}', 200),
    ("any", lambda tag: "*", 200),
    ("stale", lambda tag: '"stale"', 412),
    ("weak stale", lambda tag: 'W/"stale"', 412),
    ("blank", lambda tag: "", 412),
]


@pytest.mark.parametrize("kind", KINDS)
def test_if_match_forms(client: TestClient, key: dict[str, str], kind: str) -> None:  # type: ignore[type-arg]
    """Issue 12: the weak form of the current tag was refused; lists and ``*`` are RFC 9110 forms."""
    client.headers.update(key)
    url, field = resource(client, kind)
    for name, form, status in FORMS:
        tag = client.get(url).headers["etag"]
        response = client.patch(url, json={field: f"Changed ({name})"}, headers={"If-Match": form(tag)})
        if status == 200:
            assert response.status_code == 200, (name, response.text)
            assert revision(response.headers["etag"]) == revision(tag) + 1, name
        else:
            assert_problem(response, 412)
            assert client.get(url).headers["etag"] == tag, name


# --- two worker processes --------------------------------------------------------------------


@pytest.fixture
def two_workers(database_url: str, keys: dict[str, str]) -> Iterator[str]:
    """``edskills serve --workers 2`` on the test's database, as an operator runs it."""
    with served_workers(database_url) as server:
        yield server.url


def test_two_workers_one_winner_and_imports(two_workers: str, key: dict[str, str]) -> None:
    for kind in KINDS:
        with httpx.Client(base_url=two_workers, headers=key) as http:
            url, field = resource(http, kind)
        one_winner_round(two_workers, key, url, field)
    counts, members = import_round(two_workers, key)
    assert counts[200] >= 1 and set(counts) <= {200, 409}, counts
    assert_one_import_wrote(members)
