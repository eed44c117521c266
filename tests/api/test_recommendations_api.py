"""Recommendations through the API: training plan, joint working, sharing, learning sets, pathways."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from tests.api.test_system import assert_problem
from tests.conftest import GATESHEAD, NEWCASTLE, bearer


def council_with_team(
    client: TestClient,
    key: str,
    gss: str,
    members: dict[str, tuple[str, dict[str, int]]],
    rows: list[dict[str, Any]],
) -> tuple[str, str]:
    base = f"/v1/councils/{gss}"
    headers = bearer(key)
    audit_id: str = client.post(
        f"{base}/audits", json={"title": "Audit", "audit_date": "2026-10-01"}, headers=headers
    ).json()["id"]
    for reference, (role, _) in members.items():
        created = client.post(
            f"{base}/audits/{audit_id}/members",
            json={"reference": reference, "display_name": f"Person {reference}", "role": role},
            headers=headers,
        )
        assert created.status_code == 201, created.text
    matrix = [
        {"member": reference, "skill": skill, "level": level}
        for reference, (_, levels) in members.items()
        for skill, level in levels.items()
    ]
    if matrix:
        client.put(f"{base}/audits/{audit_id}/assessments", json={"assessments": matrix}, headers=headers)
    needs_id: str = client.post(
        f"{base}/needs", json={"title": "Needs", "rows": rows}, headers=headers
    ).json()["id"]
    return audit_id, needs_id


BIDS = [{"skill": "bid-writing", "level": 3, "headcount": 2, "importance": "essential"}]
GIS = [{"skill": "gis-spatial-analysis", "level": 3, "headcount": 1, "importance": "important"}]


def newcastle(client: TestClient, keys: dict[str, str]) -> tuple[str, str]:
    return council_with_team(
        client,
        keys["newcastle"],
        NEWCASTLE,
        {
            "NCL-1": ("ed-officer", {"bid-writing": 2, "gis-spatial-analysis": 4}),
            "NCL-2": ("ed-officer", {"bid-writing": 1, "gis-spatial-analysis": 3}),
        },
        BIDS,
    )


def gateshead(client: TestClient, keys: dict[str, str]) -> None:
    council_with_team(
        client,
        keys["gateshead"],
        GATESHEAD,
        {
            "GAT-SECRET-1": ("ed-officer", {"bid-writing": 4}),
            "GAT-SECRET-2": ("ed-officer", {"bid-writing": 3}),
            "GAT-SECRET-3": ("ed-officer", {"bid-writing": 3}),
        },
        GIS,
    )


def recommend(client: TestClient, key: str, audit_id: str, needs_id: str, gbp: float, days: float) -> Any:
    return client.get(
        f"/v1/councils/{NEWCASTLE}/audits/{audit_id}/recommendations",
        params={"needs": needs_id, "budget_gbp": gbp, "budget_days": days},
        headers=bearer(key),
    )


def test_training_plan_within_budget(client: TestClient, keys: dict[str, str]) -> None:
    audit_id, needs_id = newcastle(client, keys)
    nothing = recommend(client, keys["newcastle"], audit_id, needs_id, 0, 0).json()["training"]
    assert nothing["assignments"] == []
    assert nothing["rows_open"][0]["shortfall_after"] == 2
    plan = recommend(client, keys["newcastle"], audit_id, needs_id, 20_000, 60).json()["training"]
    assert plan["assignments"], plan
    assert plan["total_cost_gbp"] <= 20_000 and plan["total_days"] <= 60
    assert plan["weighted_shortfall_closed"] > 0
    assert_problem(recommend(client, keys["newcastle"], audit_id, needs_id, -1, 5), 400)
    assert_problem(recommend(client, keys["newcastle"], audit_id, needs_id, 100, -5), 400)


def test_joint_working_with_a_sharing_neighbour_reveals_no_people(
    client: TestClient, keys: dict[str, str]
) -> None:
    audit_id, needs_id = newcastle(client, keys)
    gateshead(client, keys)
    before = recommend(client, keys["newcastle"], audit_id, needs_id, 0, 0).json()
    assert before["joint_working"] == [], "Gateshead has not opted in"

    opt_in = client.put(
        f"/v1/councils/{GATESHEAD}/sharing",
        json={"share_capability": True},
        headers=bearer(keys["gateshead"]),
    )
    assert opt_in.json() == {"council": GATESHEAD, "share_capability": True}
    assert_problem(
        client.put(
            f"/v1/councils/{GATESHEAD}/sharing",
            json={"share_capability": True},
            headers=bearer(keys["newcastle"]),
        ),
        404,
    )
    # Reciprocity (DESIGN §2.4, issue 18): Newcastle does not share, so it sees nobody, only why.
    closed = recommend(client, keys["newcastle"], audit_id, needs_id, 0, 0).json()
    assert closed["joint_working"] == [] and closed["joint_cohorts"] == []
    assert "sharing goes both ways" in closed["joint_working_reason"]
    client.put(
        f"/v1/councils/{NEWCASTLE}/sharing",
        json={"share_capability": True},
        headers=bearer(keys["newcastle"]),
    )
    response = recommend(client, keys["newcastle"], audit_id, needs_id, 0, 0)
    assert response.json()["joint_working_reason"] is None
    suggestions = response.json()["joint_working"]
    assert [s["gss"] for s in suggestions] == [GATESHEAD]
    gates = suggestions[0]
    assert [(s["skill"], s["relation"]) for s in gates["can_help"]] == [("bid-writing", "can help")]
    assert [(s["skill"], s["relation"]) for s in gates["we_can_help"]] == [
        ("gis-spatial-analysis", "we can help")
    ]
    assert "secondment" in gates["can_help"][0]["forms"]
    assert gates["score"] == 3 + 2
    text = response.text
    assert "GAT-SECRET" not in text and "Person GAT" not in text
    assert '"covered"' not in str(suggestions) and "headcount" not in str(suggestions)


NORTH_EAST_CA = "E47000014"
CAMBRIDGESHIRE, CAMBRIDGE = "E10000003", "E07000008"


def test_counties_and_combined_authorities_are_candidates(client: TestClient, keys: dict[str, str]) -> None:
    """DESIGN §2.4 (issue 18): a council's combined authority and county council are joint-working
    candidates for it, and their member councils for them; all must share."""
    admin = keys["admin"]
    experts = {"X-1": ("ed-officer", {"bid-writing": 4}), "X-2": ("ed-officer", {"bid-writing": 3})}
    needy = {"Y-1": ("ed-officer", {"bid-writing": 1})}
    made = {}
    for gss, team in (
        (NEWCASTLE, needy),
        (NORTH_EAST_CA, experts),
        (CAMBRIDGE, needy),
        (CAMBRIDGESHIRE, experts),
    ):
        made[gss] = council_with_team(client, admin, gss, team, BIDS)
        assert (
            client.put(
                f"/v1/councils/{gss}/sharing", json={"share_capability": True}, headers=bearer(admin)
            ).status_code
            == 200
        )

    def partners(gss: str) -> list[str]:
        audit_id, needs_id = made[gss]
        response = client.get(
            f"/v1/councils/{gss}/audits/{audit_id}/recommendations",
            params={"needs": needs_id, "budget_gbp": 0, "budget_days": 0},
            headers=bearer(admin),
        )
        assert response.status_code == 200, response.text
        return [s["gss"] for s in response.json()["joint_working"]]

    assert partners(NEWCASTLE) == [NORTH_EAST_CA]  # its combined authority can help
    assert partners(NORTH_EAST_CA) == [NEWCASTLE]  # and a member council for the authority
    assert partners(CAMBRIDGE) == [CAMBRIDGESHIRE]  # its county council
    assert partners(CAMBRIDGESHIRE) == [CAMBRIDGE]


def test_learning_sets_across_councils(client: TestClient, keys: dict[str, str]) -> None:
    for gss, key, prefix in ((NEWCASTLE, "newcastle", "N"), (GATESHEAD, "gateshead", "G")):
        team = {f"{prefix}-{n}": ("ed-officer", {"bid-writing": n % 2}) for n in range(7)}
        team[f"{prefix}-EXPERT"] = ("senior-ed-officer", {"bid-writing": 4})
        council_with_team(client, keys[key], gss, team, BIDS)
    body = {"topic": "bid-writing", "councils": [NEWCASTLE, GATESHEAD]}
    answer = client.post("/v1/learning-sets/plan", json=body, headers=bearer(keys["admin"])).json()
    assert answer["framework_version"] == "2026.1", "the edition the councils' audits are on"
    plan = answer["plan"]
    placed = [(m["council"], m["reference"]) for s in plan["sets"] for m in s["members"]]
    assert len(placed) == len(set(placed)) == 14
    for learning_set in plan["sets"]:
        assert 6 <= len(learning_set["members"]) <= 12
        assert len(learning_set["councils"]) == 2
        facilitator = learning_set["facilitator"]
        assert facilitator["reference"].endswith("EXPERT")
        assert (facilitator["council"], facilitator["reference"]) not in placed
    by_category = client.post(
        "/v1/learning-sets/plan", json={**body, "topic": "funding"}, headers=bearer(keys["admin"])
    )
    assert by_category.status_code == 200
    assert_problem(client.post("/v1/learning-sets/plan", json=body, headers=bearer(keys["newcastle"])), 403)
    assert_problem(client.post("/v1/learning-sets/plan", json=body), 401)
    assert_problem(
        client.post(
            "/v1/learning-sets/plan", json={**body, "topic": "juggling"}, headers=bearer(keys["admin"])
        ),
        422,
    )
    assert_problem(
        client.post("/v1/learning-sets/plan", json={**body, "councils": []}, headers=bearer(keys["admin"])),
        422,
    )


def test_career_pathway(client: TestClient, keys: dict[str, str]) -> None:
    audit_id, _ = newcastle(client, keys)
    url = f"/v1/councils/{NEWCASTLE}/audits/{audit_id}/members/NCL-1/pathway"
    key = bearer(keys["newcastle"])
    body = client.get(url, params={"target": "director-of-growth"}, headers=key).json()["pathway"]
    route = [step["to_role"] for step in body["route"]]
    assert route == ["senior-ed-officer", "ed-manager", "head-of-economic-development", "director-of-growth"]
    assert body["route"][0]["skills_to_build"], "a senior post needs skills the officer lacks"
    assert any(r["role"] == "senior-ed-officer" and r["steps"] == 1 for r in body["reachable"])
    assert client.get(url, headers=key).json()["pathway"]["route"] is None
    assert_problem(client.get(url, params={"target": "astronaut"}, headers=key), 404)
    assert_problem(client.get(url, params={"target": "ed-trainee"}, headers=key), 422)
    assert_problem(client.get(url.replace("NCL-1", "NOBODY"), headers=key), 404)


def test_report_carries_the_recommendations(client: TestClient, keys: dict[str, str]) -> None:
    audit_id, needs_id = newcastle(client, keys)
    url = f"/v1/councils/{NEWCASTLE}/audits/{audit_id}/report"
    plain = client.get(url, params={"needs": needs_id}, headers=bearer(keys["newcastle"])).text
    assert "id='recommendations'" not in plain
    params = {"needs": needs_id, "budget_gbp": 20_000, "budget_days": 60}
    html = client.get(url, params=params, headers=bearer(keys["newcastle"])).text
    assert "id='recommendations'" in html
    assert "Training plan within £20,000 and 60 person-days" in html
