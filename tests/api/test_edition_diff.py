"""``GET /v1/frameworks/{a}/diff/{b}`` end to end on both databases (issue 19): a national body
publishes 2026.2 with a renamed, a merged and a described skill; a partner fetches the diff as JSON
and CSV and resolves every changed concept as JSON-LD that rdflib parses."""

from __future__ import annotations

import csv
import io

import pytest
from litestar.testing import TestClient
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from tests.accounts import create_person, sign_in_http
from tests.api.national import DRAFT, Editor, parse_jsonld
from tests.api.test_system import assert_problem
from tests.conftest import bearer

HOST = "http://127.0.0.1:8000"


@pytest.fixture
def published(client: TestClient, keys: dict[str, str]) -> Editor:  # type: ignore[type-arg]
    editor = Editor(client, keys["framework"])
    editor.create_draft()
    editor.edit("skills/bid-writing", slug="funding-bids", label="Funding bids")
    merge = editor.delete(
        "skills/risk-reporting", editor.read("skills/risk-reporting")[1], merge_into="project-management"
    )
    assert merge.status_code == 204, merge.text
    editor.edit("skills/evidence-base", description="Reworded for 2026.2")
    return editor


def test_the_diff_of_a_draft_is_for_editors_and_of_a_published_edition_for_everyone(
    client: TestClient,  # type: ignore[type-arg]
    published: Editor,
) -> None:
    assert_problem(client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}"), 404)  # a draft is unknown to others
    draft = client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}", headers=published.headers)
    assert draft.status_code == 200, draft.text
    assert published.publish().status_code == 200
    public = client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}")
    assert public.status_code == 200 and public.headers["vary"] == "Accept"
    assert public.json() == draft.json()
    skills = next(kind for kind in public.json()["kinds"] if kind["kind"] == "skills")
    assert [(r["before"], r["after"]) for r in skills["renamed"]] == [("bid-writing", "funding-bids")]
    assert skills["renamed"][0]["fields"][0]["field"] == "label"
    assert skills["merged"] == [{"into": "project-management", "merged": ["risk-reporting"]}]
    changed = {c["item"]: {f["field"] for f in c["fields"]} for c in skills["changed"]}
    assert changed["evidence-base"] == {"description"} and "alt_labels" in changed["project-management"]
    assert skills["added"] == skills["removed"] == []
    roles = next(kind for kind in public.json()["kinds"] if kind["kind"] == "roles")
    # Every changed concept resolves as JSON-LD on the new edition, and says what it replaces.
    for slug in ["funding-bids", "project-management", "evidence-base"]:
        response = client.get(
            f"/v1/frameworks/{DRAFT}/skills/{slug}", headers={"Accept": "application/ld+json"}
        )
        graph = parse_jsonld(response.text)
        assert (URIRef(f"{HOST}/v1/frameworks/{DRAFT}/skills/{slug}"), RDF.type, SKOS.Concept) in graph
    funding = parse_jsonld(
        client.get(
            f"/v1/frameworks/{DRAFT}/skills/funding-bids", headers={"Accept": "application/ld+json"}
        ).text
    )
    replaced = URIRef(f"{HOST}/v1/frameworks/2026.1/skills/bid-writing")
    assert (
        URIRef(f"{HOST}/v1/frameworks/{DRAFT}/skills/funding-bids"),
        URIRef("http://purl.org/dc/terms/replaces"),
        replaced,
    ) in funding
    for change in roles["changed"]:
        assert (
            client.get(
                f"/v1/frameworks/{DRAFT}/roles/{change['item']}", headers={"Accept": "application/ld+json"}
            ).status_code
            == 200
        )
    # CSV: one row per change; backwards, the renamed skill is renamed back.
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}", headers={"Accept": "text/csv"}).text
            )
        )
    )
    assert {
        "kind": "skills",
        "change": "merged",
        "item": "project-management",
        "from": "risk-reporting",
        "field": "",
        "before": "",
        "after": "",
    } in rows
    assert {
        "kind": "skills",
        "change": "changed",
        "item": "evidence-base",
        "field": "description",
    }.items() <= next(row for row in rows if row["item"] == "evidence-base").items()
    back = client.get(f"/v1/frameworks/{DRAFT}/diff/2026.1").json()
    back_skills = next(kind for kind in back["kinds"] if kind["kind"] == "skills")
    assert [(r["before"], r["after"]) for r in back_skills["renamed"]] == [("funding-bids", "bid-writing")]
    assert back_skills["split"] == [{"item": "project-management", "into": ["risk-reporting"]}]
    # The same edition: nothing. Unknown edition: 404; nothing acceptable: 406.
    same = client.get("/v1/frameworks/2026.1/diff/2026.1").json()
    assert all(
        not any(kind[key] for key in ("added", "removed", "renamed", "merged", "split", "changed"))
        for kind in same["kinds"]
    )
    assert_problem(client.get("/v1/frameworks/2026.1/diff/2099.1"), 404)
    assert_problem(client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}", headers={"Accept": "image/png"}), 406)
    assert_problem(client.get("/v1/frameworks/2026.1/diff/not-a-version"), 400)
    assert client.get(f"/v1/frameworks/2026.1/diff/{DRAFT}", headers=bearer("nonsense")).status_code == 200


def test_the_publish_confirm_page_shows_the_diff_against_the_latest_published(
    client: TestClient,  # type: ignore[type-arg]
    published: Editor,
    database_url: str,
) -> None:
    sign_in_http(client, create_person(database_url, grants=["editor"]))
    page = client.get(f"/app/framework/{DRAFT}/publish")
    assert page.status_code == 200, page.text
    assert "What changes from 2026.1" in page.text
    assert "bid-writing → funding-bids" in page.text
    assert "risk-reporting into project-management" in page.text
    assert "evidence-base: description" in page.text
    retire = client.get("/app/framework/2026.1/retire")
    assert retire.status_code == 200 and "What changes" not in retire.text
