"""Service foundation: health, docs and the problem-details contract for protocol errors."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings

PROBLEM = "application/problem+json"


def assert_problem(response: object, status: int) -> dict[str, object]:
    """The response is problem+json with the RFC 9457 members and the given status."""
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"].startswith(PROBLEM)  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert {"type", "title", "status", "detail"} <= body.keys()
    assert body["status"] == status
    return body


def test_health_reports_the_database(client: TestClient, database_url: str) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == ("sqlite" if database_url.startswith("sqlite") else "postgresql")


def test_health_is_503_problem_when_database_unreachable() -> None:
    settings = Settings.from_env(
        {},
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none",
        db_timeout_seconds=1.0,
    )
    with TestClient(app=create_app(settings)) as client:
        body = assert_problem(client.get("/health"), 503)
        assert "database" in str(body["detail"])


def test_docs_and_schema_are_served(client: TestClient) -> None:
    docs = client.get("/docs", follow_redirects=True)
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    schema = client.get("/schema/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("GET", "/no/such/route", {}, 404),
        ("DELETE", "/health", {}, 405),
    ],
    ids=["unknown-route", "wrong-method"],
)
def test_protocol_errors_are_problems(
    client: TestClient, method: str, path: str, kwargs: dict[str, object], status: int
) -> None:
    assert_problem(client.request(method, path, **kwargs), status)  # type: ignore[arg-type]
