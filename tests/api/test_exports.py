"""Standard exports of an edition: YAML round-trips to an identical framework, JSON, CSV, SKOS."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import msgspec
import pytest
import rdflib
import yaml
from litestar.testing import TestClient
from rdflib.namespace import RDF, SKOS

from api.app import create_app
from api.settings import Settings
from taxonomy.load import SHIPPED, dump_directory, load_document, load_framework
from taxonomy.model import Framework
from tests.api.national import DRAFT, Editor, parse_jsonld
from tests.api.test_system import assert_problem
from tests.conftest import bearer

PUBLIC_URL = "https://skills.example.gov.uk"
BASE = "http://127.0.0.1:8000/v1/frameworks/2026.1"
"""Concept URIs are under EDSKILLS_PUBLIC_URL, whose default is ``http://{host}:{port}``."""


def export(client: TestClient, fmt: str, version: str = "2026.1") -> bytes:  # type: ignore[type-arg]
    response = client.get(f"/v1/frameworks/{version}/export", params={"format": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return response.content


def test_yaml_round_trips_through_the_loader_and_validator(client: TestClient, tmp_path: Path) -> None:  # type: ignore[type-arg]
    shipped = load_framework(SHIPPED)
    text = export(client, "yaml").decode()
    assert load_document(text) == shipped
    # The single document splits into the shipped directory layout, which loads identically too.
    dump_directory(load_document(text), tmp_path / "edition")
    assert load_framework(tmp_path / "edition") == shipped
    assert list(yaml.safe_load(text))[:3] == ["id", "version", "title"]


def test_json_is_the_stored_framework(client: TestClient) -> None:  # type: ignore[type-arg]
    assert msgspec.json.decode(export(client, "json"), type=Framework) == load_framework(SHIPPED)


def test_csv_has_one_row_per_skill(client: TestClient) -> None:  # type: ignore[type-arg]
    response = client.get("/v1/frameworks/2026.1/export", params={"format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 62
    bid = next(row for row in rows if row["slug"] == "bid-writing")
    assert bid["category"] == "funding" and bid["category_name"] == "Funding, programmes & resources"
    assert "; " in bid["alt_labels"]
    assert next(row for row in rows if row["slug"] == "project-management")["sfia"] == "PRMG"


def test_skos_jsonld_parses_into_the_expected_triples(client: TestClient) -> None:  # type: ignore[type-arg]
    graph = parse_jsonld(export(client, "skos").decode())
    scheme = rdflib.URIRef(BASE)
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 62 + 10 + 5  # skills, categories, the scale's levels 0-4
    category = rdflib.URIRef(f"{BASE}/categories/funding")
    skill = rdflib.URIRef(f"{BASE}/skills/bid-writing")
    assert (scheme, SKOS.hasTopConcept, category) in graph
    assert (category, SKOS.topConceptOf, scheme) in graph
    assert (skill, SKOS.broader, category) in graph
    assert (category, SKOS.narrower, skill) in graph
    assert (skill, SKOS.inScheme, scheme) in graph
    assert (
        skill,
        SKOS.prefLabel,
        rdflib.Literal("Bid writing & funding applications", lang="en-GB"),
    ) in graph
    assert (skill, SKOS.altLabel, rdflib.Literal("bid writing", lang="en-GB")) in graph
    assert any(True for _ in graph.objects(skill, SKOS.definition))
    # Every skill is broader than exactly one category; no crosswalk to ESCO is invented.
    skills = {s for s in concepts if "/skills/" in str(s)}
    assert all(len(list(graph.objects(s, SKOS.broader))) == 1 for s in skills)
    assert not list(graph.triples((None, SKOS.exactMatch, None)))


@pytest.mark.parametrize("fmt", ["json", "yaml", "csv", "skos"])
def test_drafts_export_only_for_editors(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    fmt: str,
) -> None:
    Editor(client, keys["framework"]).create_draft()
    url = f"/v1/frameworks/{DRAFT}/export"
    hidden = assert_problem(client.get(url, params={"format": fmt}), 404)
    unknown = assert_problem(client.get("/v1/frameworks/2030.1/export", params={"format": fmt}), 404)
    assert hidden["detail"] == unknown["detail"].replace("2030.1", DRAFT)
    response = client.get(url, params={"format": fmt}, headers=bearer(keys["framework"]))
    assert response.status_code == 200
    assert_problem(client.get(url, params={"format": "pdf"}), 400)
    assert_problem(client.get("/v1/frameworks/2030.1/export"), 404)


def test_skos_uris_follow_the_public_url_not_the_host_header(settings: Settings) -> None:
    """A forged ``Host`` must not choose the concept URIs (issue 12)."""
    public = msgspec.structs.replace(settings, public_url=PUBLIC_URL + "/")
    with TestClient(app=create_app(public)) as client:
        response = client.get(
            "/v1/frameworks/2026.1/export", params={"format": "skos"}, headers={"Host": "evil.example"}
        )
    assert response.status_code == 200
    graph = parse_jsonld(response.text)
    subjects = {str(subject) for subject in graph.subjects(RDF.type, SKOS.Concept)}
    assert len(subjects) == 62 + 10 + 5
    assert all(subject.startswith(f"{PUBLIC_URL}/v1/frameworks/2026.1") for subject in subjects)
    assert "evil.example" not in response.text
