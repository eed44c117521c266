"""POST /v1/match/skills and /v1/match/roles, and the protocol errors of a JSON body."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.test_system import assert_problem


def test_match_skills_decides_each_text(client: TestClient) -> None:
    response = client.post("/v1/match/skills", json={"texts": ["M&E", "Bid writting", "Forklift licence"]})
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == "2026.1"
    first, second, third = body["results"]
    assert (first["decision"], first["candidates"][0]["slug"]) == ("matched", "monitoring-evaluation")
    assert first["candidates"][0]["score"] == 100.0
    assert first["candidates"][0]["label"] == "Monitoring & evaluation"
    assert second["candidates"][0]["slug"] == "bid-writing"
    assert third["decision"] == "unmatched" and third["candidates"] == []


def test_match_roles(client: TestClient) -> None:
    body = client.post("/v1/match/roles", json={"texts": ["Economic Development Officer"]}).json()
    result = body["results"][0]
    assert (result["decision"], result["candidates"][0]["slug"]) == ("matched", "ed-officer")


def test_large_batches_are_accepted(client: TestClient) -> None:
    texts = [f"project management {n}" for n in range(2_000)]
    body = client.post("/v1/match/skills", json={"texts": texts, "limit": 1}).json()
    assert len(body["results"]) == 2_000


def test_bad_bodies_are_problems(client: TestClient) -> None:
    body = assert_problem(client.post("/v1/match/skills", json={"texts": []}), 422)
    assert body["errors"][0]["field"] == "texts"
    assert_problem(client.post("/v1/match/skills", json={"texts": ["x"] * 10_001}), 422)
    assert_problem(client.post("/v1/match/skills", json={"text": ["x"]}), 422)
    assert_problem(client.post("/v1/match/skills", json={"texts": ["x"], "version": "1999.1"}), 404)


def test_malformed_json_is_400(client: TestClient) -> None:
    response = client.post(
        "/v1/match/skills", content=b'{"texts": [', headers={"content-type": "application/json"}
    )
    assert_problem(response, 400)


def test_oversized_body_is_413(client: TestClient) -> None:
    limit = client.app.state.settings.max_body_bytes
    response = client.post(
        "/v1/match/skills",
        content=b'{"texts": ["' + b"x" * (limit + 10) + b'"]}',
        headers={"content-type": "application/json"},
    )
    body = assert_problem(response, 413)
    assert str(limit) in str(body["detail"])
