"""Needs profiles, gap analysis and progress reviews through the API (DESIGN §2.1, §2.2, §2.7)."""

from __future__ import annotations

from litestar.testing import TestClient

from tests.api.test_system import assert_problem
from tests.conftest import bearer
from tests.helpers import COUNCIL, post, team_audit


def test_needs_crud_and_requirements(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    profile = post(
        client,
        key,
        "/needs",
        {
            "title": "2027 establishment",
            "horizon": "2027-03-31",
            "establishment": {"ed-officer": 2},
            "scenarios": ["ukspf-delivery"],
            "rows": [{"skill": "bid-writing", "level": 2, "headcount": 1, "importance": "desirable"}],
        },
    )
    assert profile["framework_version"] == "2026.1"
    rows = client.get(f"{COUNCIL}/needs/{profile['id']}/requirements", headers=bearer(key)).json()["rows"]
    bid = next(row for row in rows if (row["skill"], row["level"]) == ("bid-writing", 2))
    # ed-officer needs bid-writing:2 essential (x2 officers) + ukspf bid-writing:2x2 important + explicit 1.
    assert (bid["required"], bid["importance"], bid["weight"]) == (5, "essential", 3)

    one = client.get(f"{COUNCIL}/needs/{profile['id']}", headers=bearer(key))
    stale = client.patch(
        f"{COUNCIL}/needs/{profile['id']}", json={"title": "x"}, headers={**bearer(key), "If-Match": '"old"'}
    )
    assert_problem(stale, 412)
    updated = client.patch(
        f"{COUNCIL}/needs/{profile['id']}",
        json={"scenarios": ["net-zero"]},
        headers={**bearer(key), "If-Match": one.headers["etag"]},
    )
    assert updated.json()["scenarios"] == ["net-zero"]
    assert client.get(f"{COUNCIL}/needs", headers=bearer(key)).json()["total"] == 1
    assert client.delete(f"{COUNCIL}/needs/{profile['id']}", headers=bearer(key)).status_code == 204
    assert_problem(client.get(f"{COUNCIL}/needs/{profile['id']}", headers=bearer(key)), 404)


def test_needs_refer_to_the_framework(client: TestClient, keys: dict[str, str]) -> None:
    body = {
        "title": "Bad",
        "establishment": {"astronaut": 1},
        "scenarios": ["moon-base"],
        "rows": [{"skill": "juggling", "level": 2, "headcount": 1, "importance": "essential"}],
    }
    problem = assert_problem(
        client.post(f"{COUNCIL}/needs", json=body, headers=bearer(keys["newcastle"])), 422
    )
    assert {e["field"] for e in problem["errors"]} == {
        "establishment.astronaut",
        "scenarios[0]",
        "rows[0].skill",
    }
    negative = {"title": "Bad", "establishment": {"ed-officer": -1}}
    assert_problem(client.post(f"{COUNCIL}/needs", json=negative, headers=bearer(keys["newcastle"])), 422)


def test_gaps_follow_the_rules(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = team_audit(
        client,
        key,
        {"A": {"bid-writing": 3, "grant-compliance": 2}, "B": {"bid-writing": 2}, "C": {"bid-writing": 1}},
    )
    rows = [
        {"skill": "bid-writing", "level": 3, "headcount": 2, "importance": "essential"},
        {"skill": "grant-compliance", "level": 3, "headcount": 1, "importance": "important"},
        {"skill": "bid-writing", "level": 2, "headcount": 2, "importance": "desirable"},
    ]
    needs_id = post(client, key, "/needs", {"title": "Rows", "rows": rows})["id"]
    body = client.get(
        f"{COUNCIL}/audits/{audit_id}/gaps", params={"needs": needs_id}, headers=bearer(key)
    ).json()
    analysis = body["analysis"]
    got = [
        (r["skill"], r["level"], r["covered"], r["near"], r["shortfall"], r["rag"]) for r in analysis["rows"]
    ]
    # bid-writing:3 covered 1 of 2 essential: w*s = 3; grant-compliance:3 covered 0: w*s = 2; then green.
    assert got == [
        ("bid-writing", 3, 1, 1, 1, "amber"),
        ("grant-compliance", 3, 0, 1, 1, "red"),
        ("bid-writing", 2, 2, 1, 0, "green"),
    ]
    # readiness = (3*1/2 + 2*0/1 + 1*2/2) / (3+2+1) = 2.5/6 = 41.7%
    assert analysis["readiness"] == 41.7
    assert analysis["counts"] == {"red": 1, "amber": 1, "green": 1}
    member_c = next(m for m in analysis["members"] if m["reference"] == "C")
    bid = next(r for r in member_c["requirements"] if r["skill"] == "bid-writing")
    assert (bid["met"], bid["short_by"]) == (False, 1)


def test_gap_errors(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = team_audit(client, key, {"A": {}})
    empty = post(client, key, "/needs", {"title": "Nothing yet"})["id"]
    body = assert_problem(
        client.get(f"{COUNCIL}/audits/{audit_id}/gaps", params={"needs": empty}, headers=bearer(key)), 422
    )
    assert "empty" in body["detail"]
    assert_problem(client.get(f"{COUNCIL}/audits/{audit_id}/gaps", headers=bearer(key)), 400)
    missing = "00000000-0000-0000-0000-000000000000"
    assert_problem(
        client.get(f"{COUNCIL}/audits/{audit_id}/gaps", params={"needs": missing}, headers=bearer(key)), 404
    )


def test_progress_review(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    before = team_audit(client, key, {"A": {"bid-writing": 1}, "B": {"bid-writing": 3}}, "2025-10-01")
    after = team_audit(client, key, {"A": {"bid-writing": 3}, "C": {"bid-writing": 3}}, "2026-10-01")
    rows = [{"skill": "bid-writing", "level": 3, "headcount": 2, "importance": "essential"}]
    needs_id = post(client, key, "/needs", {"title": "Bids", "rows": rows})["id"]
    body = client.get(
        f"{COUNCIL}/progress", params={"from": before, "to": after, "needs": needs_id}, headers=bearer(key)
    ).json()["progress"]
    assert body["rows"] == [
        {
            "skill": "bid-writing",
            "level": 3,
            "required": 2,
            "importance": "essential",
            "covered_before": 1,
            "covered_after": 2,
            "rag_before": "amber",
            "rag_after": "green",
            "change": "better",
        }
    ]
    assert (body["readiness_before"], body["readiness_after"]) == (50.0, 100.0)
    assert (body["joined"], body["left"]) == (["C"], ["B"])


def test_a_horizon_is_cleared_by_null_and_kept_when_not_sent(
    client: TestClient, keys: dict[str, str]
) -> None:
    """``horizon`` absent leaves it; ``null`` clears it (a profile may have no horizon)."""
    key = keys["newcastle"]
    body = {"title": "Horizon", "horizon": "2028-03-31", "establishment": {"ed-officer": 1}}
    profile = post(client, key, "/needs", body)
    path = f"{COUNCIL}/needs/{profile['id']}"
    kept = client.patch(path, json={"title": "Horizon kept"}, headers=bearer(key))
    assert (kept.status_code, kept.json()["horizon"]) == (200, "2028-03-31")
    cleared = client.patch(path, json={"horizon": None}, headers=bearer(key))
    assert (cleared.status_code, cleared.json()["horizon"]) == (200, None)
    assert client.get(path, headers=bearer(key)).json()["horizon"] is None
    again = client.patch(path, json={"horizon": "2029-03-31"}, headers=bearer(key))
    assert again.json()["horizon"] == "2029-03-31"
