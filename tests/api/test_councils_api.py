"""The council registry through the API."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.api.test_system import assert_problem

NEWCASTLE = "E08000021"


def test_list_paginates_all_current_councils(client: TestClient) -> None:
    response = client.get("/v1/councils", params={"limit": 10})
    body = response.json()
    assert body["total"] >= 396
    assert len(body["items"]) == 10
    assert response.headers["x-total-count"] == str(body["total"])


@pytest.mark.parametrize(
    ("query", "gss"),
    [
        ("Newcastle upon Tyne", NEWCASTLE),
        ("newcastle", NEWCASTLE),
        ("Brum", None),
        ("Kingston upon Hull", "E06000010"),
    ],
)
def test_fuzzy_search_on_names(client: TestClient, query: str, gss: str | None) -> None:
    items = client.get("/v1/councils", params={"q": query}).json()["items"]
    if gss is not None:
        assert items and items[0]["gss"] == gss


def test_filters(client: TestClient) -> None:
    metropolitan = client.get("/v1/councils", params={"type": "MD", "limit": 500}).json()
    assert metropolitan["total"] == 36
    north_east = client.get("/v1/councils", params={"region": "North East", "limit": 500}).json()["items"]
    assert north_east and all(item["region"] == "North East" for item in north_east)


def test_one_council_with_neighbours_and_authorities(client: TestClient) -> None:
    body = client.get(f"/v1/councils/{NEWCASTLE}").json()
    assert body["name"] == "Newcastle upon Tyne"
    assert body["neighbour_basis"] == "border"
    assert {"E08000022", "E06000057", "E08000037"} <= {n["gss"] for n in body["neighbours"]}
    assert body["combined_authority"]["name"].startswith("North East")
    assert body["share_capability"] is False


def test_unknown_and_malformed_codes(client: TestClient) -> None:
    assert_problem(client.get("/v1/councils/E08999999"), 404)
    assert_problem(client.get("/v1/councils/newcastle"), 400)
