"""Trend and peer benchmark through the API (DESIGN §2.10), on both databases."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

from litestar.testing import TestClient

from tests.api.test_system import assert_problem
from tests.conftest import GATESHEAD, NEWCASTLE, bearer
from tests.helpers import post, team_audit

NEEDS = {
    "title": "Growth team 2027",
    "scenarios": ["net-zero"],
    "rows": [{"skill": "bid-writing", "level": 3, "headcount": 2, "importance": "essential"}],
}
NORTH_TYNESIDE, SOUTH_TYNESIDE, SUNDERLAND = "E08000022", "E08000023", "E08000024"
NORTHUMBERLAND, DURHAM = "E06000057", "E06000047"
PEERS = {  # council: its one member's level in bid-writing
    GATESHEAD: 4,
    NORTH_TYNESIDE: 3,
    SOUTH_TYNESIDE: 0,
    SUNDERLAND: 1,
    NORTHUMBERLAND: 0,
}


def share(client: TestClient, key: str, code: str, on: bool = True) -> None:  # type: ignore[type-arg]
    response = client.put(f"/v1/councils/{code}/sharing", json={"share_capability": on}, headers=bearer(key))
    assert response.status_code == 200, response.text


def test_trend_over_three_reviews_in_json_and_csv(client: TestClient, keys: dict[str, str]) -> None:  # type: ignore[type-arg]
    key = keys["newcastle"]
    needs_id = post(client, key, "/needs", NEEDS)["id"]
    # Entered out of date order: the trend sorts by audit date.
    team_audit(client, key, {"A": {"bid-writing": 3}, "B": {"bid-writing": 3}}, "2027-06-01")
    team_audit(client, key, {"A": {"bid-writing": 1}}, "2026-06-01")
    team_audit(client, key, {"A": {"bid-writing": 3}, "B": {"bid-writing": 1}}, "2026-12-01")
    url = f"/v1/councils/{NEWCASTLE}/trend"
    response = client.get(url, params={"needs": needs_id}, headers=bearer(key))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["scenarios"] == ["net-zero"] and body["framework_version"] == "2026.1"
    points = body["points"]
    assert [p["audit_date"] for p in points] == ["2026-06-01", "2026-12-01", "2027-06-01"]
    assert [p["members"] for p in points] == [1, 2, 2]
    assert points[0]["readiness"] < points[1]["readiness"] < points[2]["readiness"]
    assert all(p["scenarios"][0]["scenario"] == "net-zero" for p in points)
    for point in points:
        counts = point["counts"]
        assert counts["red"] + counts["amber"] + counts["green"] > 1  # the scenario's rows are in the profile

    as_csv = client.get(url, params={"needs": needs_id, "format": "csv"}, headers=bearer(key))
    assert as_csv.headers["content-type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(as_csv.text)))
    profile_lines = [line for line in lines if line["scope"] == "profile"]
    assert [float(line["readiness_pct"]) for line in profile_lines] == [p["readiness"] for p in points]
    assert [line["scope"] for line in lines].count("net-zero") == 3
    by_accept = client.get(url, params={"needs": needs_id}, headers={**bearer(key), "Accept": "text/csv"})
    assert by_accept.text == as_csv.text
    refused = client.get(url, params={"needs": needs_id}, headers={**bearer(key), "Accept": "image/png"})
    assert_problem(refused, 406)

    assert_problem(client.get(url, params={"needs": needs_id}, headers=bearer(keys["gateshead"])), 404)
    other = f"/v1/councils/{GATESHEAD}/trend"
    assert_problem(client.get(other, params={"needs": needs_id}, headers=bearer(keys["gateshead"])), 404)
    assert_problem(client.get(url, params={"needs": "nope"}, headers=bearer(key)), 400)
    assert_problem(client.get(url, params={"needs": needs_id, "format": "xml"}, headers=bearer(key)), 400)


def peers_sharing(client: TestClient, admin: str) -> None:  # type: ignore[type-arg]
    for code, level in PEERS.items():
        team_audit(
            client, admin, {"P-1": {"bid-writing": level}, "P-2": {"bid-writing": level}}, "2026-06-01", code
        )
        share(client, admin, code)


def benchmark(client: TestClient, key: str, needs_id: str, group: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.get(
        f"/v1/councils/{NEWCASTLE}/benchmark", params={"needs": needs_id, "group": group}, headers=bearer(key)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_benchmark_suppresses_what_would_single_a_council_out(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    """Newcastle's peers: four metropolitan districts and Northumberland (a unitary), all in the
    North East and its combined authority. Region minus type would be Northumberland alone, so the
    type group goes (and neighbours, the smallest, first); the others show 5 councils."""
    key, admin = keys["newcastle"], keys["admin"]
    needs_id = post(client, key, "/needs", NEEDS)["id"]
    team_audit(client, key, {"N-1": {"bid-writing": 3}}, "2026-07-01")
    peers_sharing(client, admin)
    team_audit(client, admin, {"D-1": {"bid-writing": 4}}, "2026-06-01", DURHAM)  # not sharing: not counted

    closed = benchmark(client, key, needs_id, "region")
    assert closed["shared"] is False and closed["rows"] == [] and closed["groups"] == []
    assert (
        "sharing goes both ways" in closed["reason"]
        and f"/app/councils/{NEWCASTLE}/sharing" in closed["reason"]
    )

    share(client, key, NEWCASTLE)
    views = {
        group: benchmark(client, key, needs_id, group)
        for group in ("type", "region", "combined-authority", "neighbours", "all")
    }
    assert {g: v["suppressed"] for g, v in views.items()} == {
        "type": True,
        "region": False,
        "combined-authority": False,
        "neighbours": True,
        "all": False,
    }
    region = views["region"]
    assert region["councils"] == 5 and region["reason"] is None
    bids = next(row for row in region["rows"] if row["skill"] == "bid-writing" and row["level"] == 3)
    # Gateshead and North Tyneside hold level 3+ with two people: green; the other three red.
    assert (bids["red"], bids["amber"], bids["green"]) == (60.0, 0.0, 40.0)
    assert bids["own_rag"] == "amber"  # one person on an essential row of two
    assert (
        region["group_readiness"]["lower"]
        <= region["group_readiness"]["median"]
        <= region["group_readiness"]["upper"]
    )
    assert region["own_readiness"] is not None
    hidden = views["type"]
    assert hidden["councils"] is None and hidden["group_readiness"] is None
    assert all(row["red"] is None and row["suppressed"] for row in hidden["rows"])
    assert [g["key"] for g in region["groups"]] == [
        "type",
        "region",
        "combined-authority",
        "neighbours",
        "all",
    ]
    text = str(views)
    assert "P-1" not in text and GATESHEAD not in text

    # The attack, tried on what was shown: every sum or difference of the shown groups' members
    # (known from the public registry) covers none or at least 3 councils.
    members = {
        "type": {GATESHEAD, NORTH_TYNESIDE, SOUTH_TYNESIDE, SUNDERLAND},
        "region": set(PEERS),
        "combined-authority": set(PEERS),
        "all": set(PEERS),
        "neighbours": {NORTHUMBERLAND, GATESHEAD, NORTH_TYNESIDE, SOUTH_TYNESIDE},
    }
    shown = [members[g] for g, v in views.items() if not v["suppressed"]]
    assert all(len(members[g]) == v["councils"] for g, v in views.items() if not v["suppressed"])
    for coefficients in itertools.product((-1, 0, 1), repeat=len(shown)):
        support = [
            c for c in set(PEERS) if sum(k * (c in g) for k, g in zip(coefficients, shown, strict=True))
        ]
        assert len(support) == 0 or len(support) >= 3, coefficients
    # Without the suppression the region's red share minus the type's would name Northumberland's RAG.
    assert len(members["region"] - members["type"]) == 1

    share(client, admin, GATESHEAD, on=False)  # read in the request's transaction: it drops out at once
    assert benchmark(client, key, needs_id, "region")["councils"] == 4

    url = f"/v1/councils/{NEWCASTLE}/benchmark"
    assert_problem(client.get(url, params={"needs": needs_id, "group": "county"}, headers=bearer(key)), 400)
    assert_problem(client.get(url, params={"needs": needs_id}, headers=bearer(keys["gateshead"])), 404)
    assert_problem(client.get(url, params={"needs": needs_id}), 401)
