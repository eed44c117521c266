"""Public reads of the shipped edition, through the real app on both databases."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from tests.api.test_system import assert_problem


def test_frameworks_list_and_one(client: TestClient) -> None:
    listing = client.get("/v1/frameworks").json()
    assert listing["total"] == 1
    edition = listing["items"][0]
    assert (edition["key"], edition["status"]) == ("ed-skills@2026.1", "published")
    assert edition["counts"]["skills"] == 62
    assert client.get("/v1/frameworks/2026.1").json()["key"] == "ed-skills@2026.1"
    assert_problem(client.get("/v1/frameworks/2030.1"), 404)
    assert_problem(client.get("/v1/frameworks/latest"), 400)


def test_levels_include_synonyms(client: TestClient) -> None:
    body = client.get("/v1/levels").json()
    assert [level["name"] for level in body["items"]] == [
        "None",
        "Awareness",
        "Working",
        "Practitioner",
        "Expert",
    ]
    assert body["synonyms"]["proficient"] == 3


def test_skills_paginate_with_total_and_link(client: TestClient) -> None:
    first = client.get("/v1/skills", params={"limit": 20})
    body = first.json()
    assert (body["total"], len(body["items"]), body["offset"]) == (62, 20, 0)
    assert first.headers["x-total-count"] == "62"
    assert 'rel="next"' in first.headers["link"] and "offset=20" in first.headers["link"]
    last = client.get("/v1/skills", params={"limit": 20, "offset": 60})
    assert len(last.json()["items"]) == 2
    assert 'rel="next"' not in last.headers.get("link", "")


def test_link_header_survives_a_non_latin1_query(client: TestClient) -> None:
    """Header values must be latin-1: fuzzing found a 500 when an unknown query key was not."""
    response = client.get("/v1/skills", params={"limit": 20, "ключ": "значение"})
    assert response.status_code == 200
    assert "%D0%BA%D0%BB%D1%8E%D1%87=" in response.headers["link"] and "offset=20" in response.headers["link"]


def test_skills_filter_by_category(client: TestClient) -> None:
    body = client.get("/v1/skills", params={"category": "digital"}).json()
    assert {item["slug"] for item in body["items"]} == {
        "gis-spatial-analysis",
        "crm-case-management",
        "digital-economy",
        "information-governance",
    }
    assert_problem(client.get("/v1/skills", params={"category": "nope"}), 404)


@pytest.mark.parametrize(
    ("query", "slug"),
    [("M&E", "monitoring-evaluation"), ("bid writting", "bid-writing"), ("Green Book", "options-appraisal")],
)
def test_skills_fuzzy_search(client: TestClient, query: str, slug: str) -> None:
    items = client.get("/v1/skills", params={"q": query}).json()["items"]
    assert items[0]["slug"] == slug
    assert items[0]["score"] >= 80


def test_a_search_word_that_begins_a_label_word_ranks_above_a_closer_abbreviation(client: TestClient) -> None:
    items = client.get("/v1/skills", params={"q": "bid"}).json()["items"]
    assert items[0]["slug"] == "bid-writing"  # "BI" (business intelligence) scores higher on its own
    assert "business-intelligence" in [item["slug"] for item in items]


def test_one_skill_with_roles_and_training(client: TestClient) -> None:
    body = client.get("/v1/skills/bid-writing").json()
    assert body["skill"]["label"] == "Bid writing & funding applications"
    assert body["category"]["slug"] == "funding"
    assert {
        "role": "ed-officer",
        "title": "Economic Development Officer",
        "level": 2,
        "importance": "essential",
    } in body["roles"]
    assert all(use["from_level"] < use["to_level"] for use in body["training"])
    assert_problem(client.get("/v1/skills/no-such-skill"), 404)
    assert_problem(client.get("/v1/skills/Not_A_Slug"), 400)


def test_roles_and_pathways(client: TestClient) -> None:
    roles = client.get("/v1/roles").json()
    assert roles["total"] == 12
    officer = client.get("/v1/roles/ed-officer").json()
    assert officer["role"]["band"] == 2
    assert "ed-trainee" in officer["previous"]
    steps = client.get("/v1/roles/ed-officer/next").json()["items"]
    assert {step["role"] for step in steps} == {
        "business-growth-adviser",
        "inward-investment-officer",
        "funding-programmes-officer",
        "regeneration-officer",
        "employment-skills-officer",
        "senior-ed-officer",
    }
    assert client.get("/v1/pathways").json()["total"] == 18
    assert_problem(client.get("/v1/roles/astronaut/next"), 404)


def test_scenarios(client: TestClient) -> None:
    assert client.get("/v1/scenarios").json()["total"] == 4
    lep = client.get("/v1/scenarios/lep-integration").json()["scenario"]
    assert {"skill": "business-boards", "level": 3, "headcount": 1, "importance": "essential"} in lep["rows"]
    assert_problem(client.get("/v1/scenarios/moon-base"), 404)


def test_training_filters(client: TestClient) -> None:
    everything = client.get("/v1/training", params={"limit": 500}).json()
    assert everything["total"] >= 25
    cheap = client.get("/v1/training", params={"max_cost": 0, "limit": 500}).json()["items"]
    assert all(option["cost_gbp"] == 0 for option in cheap)
    online = client.get("/v1/training", params={"mode": "online", "limit": 500}).json()["items"]
    assert online and all(option["mode"] == "online" for option in online)
    for_bids = client.get("/v1/training", params={"skill": "bid-writing"}).json()["items"]
    assert for_bids and all(any(d["skill"] == "bid-writing" for d in o["develops"]) for o in for_bids)
    slug = everything["items"][0]["slug"]
    assert client.get(f"/v1/training/{slug}").json()["training"]["slug"] == slug
    assert_problem(client.get("/v1/training", params={"mode": "telepathy"}), 400)
    assert_problem(client.get("/v1/training", params={"max_cost": -1}), 400)


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": 2**63}, {"limit": "ten"}, {"version": "x"}],
)
def test_bad_query_parameters_are_400_problems(client: TestClient, params: dict[str, object]) -> None:
    body = assert_problem(client.get("/v1/skills", params=params), 400)
    assert body["errors"], body
