"""Public reads are served from each worker's memory (issue 14).

- After warm-up, no public read sends a statement to either of the app's pools (the request pool
  and the small pool of the in-memory copies), so none opens a database session.
- The worker that publishes an edition or flips a council's sharing switch shows it at once; another
  worker (a second app on the same database: workers share nothing else) shows it within
  ``framework_refresh_seconds``, and not before it re-checks (it really serves from memory).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from api.app import create_app
from api.settings import Settings
from tests.api.national import DRAFT, Editor
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import statements

NEVER = 3600.0
"""A re-check interval no test outlives: such a worker only ever re-checks after its own writes."""


def worker(database_url: str, refresh_seconds: float) -> TestClient:  # type: ignore[type-arg]
    settings = Settings.from_env({}, database_url=database_url, framework_refresh_seconds=refresh_seconds)
    return TestClient(app=create_app(settings))


@contextmanager
def reader_statements(app: Litestar) -> Iterator[list[str]]:
    """Statements sent on the pool of the in-memory copies (the store's and the registry's)."""
    engines: set[AsyncEngine] = {app.state.framework_store.engine, app.state.council_registry.engine}
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    for engine in engines:
        event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        for engine in engines:
            event.remove(engine.sync_engine, "before_cursor_execute", record)


def public_paths(client: TestClient) -> list[str]:  # type: ignore[type-arg]
    """Every public read of the framework and the registry, with real slugs."""

    def first(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, response.text
        item: dict[str, Any] = response.json()["items"][0]
        return str(item["slug"])

    role, scenario, training = first("/v1/roles"), first("/v1/scenarios"), first("/v1/training")
    return [
        "/v1/frameworks",
        "/v1/frameworks/2026.1",
        "/v1/levels",
        "/v1/categories",
        "/v1/skills?limit=50",
        "/v1/skills?q=bid",
        "/v1/skills/bid-writing",
        "/v1/skills/no-such-skill",
        "/v1/skills?version=1999.1",
        f"/v1/roles/{role}",
        f"/v1/roles/{role}/next",
        "/v1/roles",
        "/v1/pathways",
        "/v1/scenarios",
        f"/v1/scenarios/{scenario}",
        "/v1/training",
        f"/v1/training/{training}",
        "/v1/councils?limit=50",
        "/v1/councils?q=newcastle",
        "/v1/councils?type=MD&region=North%20East",
        f"/v1/councils/{NEWCASTLE}",
        "/v1/councils/E99999999",
    ]


def test_public_reads_send_no_statement_after_warm_up(database_url: str) -> None:
    with worker(database_url, NEVER) as client:
        paths = public_paths(client)
        for path in paths:  # warm-up: the first reads load the editions list, documents, registry
            assert client.get(path).status_code in (200, 404), path
        with statements(client.app) as sent, reader_statements(client.app) as read:
            for _ in range(3):
                for path in paths:
                    assert client.get(path).status_code in (200, 404), path
        assert (sent, read) == ([], [])


def test_a_due_check_is_one_tiny_query_per_interval(database_url: str) -> None:
    """With re-checks due on every read (interval 0), each public read costs one query on the
    small pool (the replayed answer's check), the request pool still none; a registry read checks the
    registry only."""
    with worker(database_url, 0.0) as client:
        client.get("/v1/skills?limit=50")
        client.get(f"/v1/councils/{NEWCASTLE}")
        with statements(client.app) as sent, reader_statements(client.app) as read:
            assert client.get("/v1/skills?limit=50").status_code == 200
            assert client.get(f"/v1/councils/{NEWCASTLE}").status_code == 200
        assert sent == []
        assert len(read) == 2, "\n---\n".join(read)


def test_council_scoped_requests_find_the_council_in_memory(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    client.get(f"/v1/councils/{NEWCASTLE}/audits", headers=bearer(keys["newcastle"]))  # warm-up
    with statements(client.app) as sent:
        response = client.get(f"/v1/councils/{NEWCASTLE}/audits", headers=bearer(keys["newcastle"]))
    assert response.status_code == 200, response.text
    assert not [statement for statement in sent if "FROM councils" in statement], sent
    missing = client.get("/v1/councils/E08999999/audits", headers=bearer(keys["admin"]))
    assert missing.status_code == 404
    assert "not in the registry" in missing.json()["detail"]


def _wait_for(read: Callable[[], object], expected: object, within: float) -> float:
    """Seconds until ``read()`` gives ``expected``; fails after ``within`` seconds."""
    started = time.monotonic()
    while (seen := read()) != expected:
        elapsed = time.monotonic() - started
        assert elapsed < within, f"still {seen!r} after {elapsed:.2f} s"
        time.sleep(0.05)
    return time.monotonic() - started


BOUND = 1.0


def test_a_published_edition_shows_at_once_here_and_within_the_bound_elsewhere(
    database_url: str, keys: dict[str, str]
) -> None:
    with ExitStack() as stack:
        writer = stack.enter_context(worker(database_url, NEVER))
        other = stack.enter_context(worker(database_url, BOUND))
        stale = stack.enter_context(worker(database_url, NEVER))

        def latest(client: TestClient) -> Callable[[], object]:  # type: ignore[type-arg]
            return lambda: client.get("/v1/skills?limit=1").json()["version"]

        for client in (writer, other, stale):
            assert latest(client)() == "2026.1"
        editor = Editor(writer, keys["framework"])
        editor.create_draft()
        editor.edit("skills/bid-writing", label="Funding bids")
        published = editor.publish()
        assert published.status_code == 200, published.text

        assert latest(writer)() == DRAFT  # the writing worker: at once
        assert writer.get("/v1/skills/bid-writing").json()["skill"]["label"] == "Funding bids"
        assert _wait_for(latest(other), DRAFT, within=BOUND + 1.0) <= BOUND + 0.5
        assert latest(stale)() == "2026.1"  # served from memory until its next check
        assert [item["version"] for item in stale.get("/v1/frameworks").json()["items"]] == ["2026.1"]
        # A council naming the new edition is not refused by a worker that has not re-checked yet.
        audit = stale.post(
            f"/v1/councils/{NEWCASTLE}/audits",
            json={"title": "New", "audit_date": "2026-06-01", "framework_version": DRAFT},
            headers=bearer(keys["newcastle"]),
        )
        assert audit.status_code == 201, audit.text

        retired = writer.post("/v1/frameworks/2026.1/retire", headers=editor.headers)
        assert retired.status_code == 200, retired.text
        statuses = {i["version"]: i["status"] for i in writer.get("/v1/frameworks").json()["items"]}
        assert statuses == {"2026.1": "retired", DRAFT: "published"}


def test_a_sharing_switch_shows_at_once_here_and_within_the_bound_elsewhere(
    database_url: str, keys: dict[str, str]
) -> None:
    with ExitStack() as stack:
        writer = stack.enter_context(worker(database_url, NEVER))
        other = stack.enter_context(worker(database_url, BOUND))
        stale = stack.enter_context(worker(database_url, NEVER))

        def sharing(client: TestClient) -> Callable[[], object]:  # type: ignore[type-arg]
            def read() -> object:
                detail = client.get(f"/v1/councils/{NEWCASTLE}").json()["share_capability"]
                listed = client.get("/v1/councils", params={"q": "Newcastle upon Tyne"}).json()["items"]
                return (detail, next(c["share_capability"] for c in listed if c["gss"] == NEWCASTLE))

            return read

        for client in (writer, other, stale):
            assert sharing(client)() == (False, False)
        response = writer.put(
            f"/v1/councils/{NEWCASTLE}/sharing",
            json={"share_capability": True},
            headers=bearer(keys["newcastle"]),
        )
        assert response.status_code == 200, response.text
        assert sharing(writer)() == (True, True)
        assert _wait_for(sharing(other), (True, True), within=BOUND + 1.0) <= BOUND + 0.5
        assert sharing(stale)() == (False, False)


def test_a_refused_sharing_write_changes_nothing(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    client.get(f"/v1/councils/{NEWCASTLE}")  # loaded before the write
    body = {"share_capability": "true"}
    response = client.put(f"/v1/councils/{NEWCASTLE}/sharing", json=body, headers=bearer(keys["newcastle"]))
    assert response.status_code == 422, response.text
    assert client.get(f"/v1/councils/{NEWCASTLE}").json()["share_capability"] is False


def test_a_replayed_answer_is_the_apps_answer_and_never_crosses_to_a_keyed_request(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    """``api.public_cache``: the second anonymous GET is replayed (no handler runs: a worker with no
    way to build the page still answers it) with the same status, headers and body; HEAD gets the
    headers alone; a request with a key is never answered from the anonymous entry."""
    path = "/v1/skills?limit=3&offset=2"
    first = client.get(path)
    assert first.status_code == 200
    keyed_first = client.get(path, headers=bearer(keys["newcastle"]))
    assert keyed_first.headers["cache-control"] == "no-store"  # credentials: never kept by a cache
    assert "cache-control" not in client.get(path).headers
    client.app.state.framework_store._indexes.clear()  # what the handler would read
    client.app.state.framework_store.index = None  # the handler cannot run any more
    replayed = client.get(path)
    assert (replayed.status_code, replayed.content) == (200, first.content)
    assert replayed.headers.multi_items() == first.headers.multi_items()
    head = client.head(path)
    assert (head.status_code, head.content, head.headers["content-length"]) == (
        200,
        b"",
        first.headers["content-length"],
    )
    keyed = client.get("/v1/skills?limit=3&offset=2", headers=bearer(keys["newcastle"]))
    assert keyed.status_code == 500  # built by the (now broken) handler, not replayed
    assert client.get("/v1/skills?limit=3&offset=3").status_code == 500  # another query: not replayed
