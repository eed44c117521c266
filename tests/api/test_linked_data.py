"""Resolvable concepts (issue 19): every skill, role, category and scenario of a published edition
answers its URI with content negotiation, and its JSON-LD is checked as RDF (rdflib triples, pyld
expansion and a compact round trip with the embedded context only), never as strings."""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
import rdflib
from litestar.testing import TestClient
from pyld import jsonld
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from api.negotiation import VARY
from taxonomy.concepts import CONTEXT
from tests.api.national import DRAFT, Editor, parse_jsonld
from tests.api.test_public_reads_cache import NEVER, reader_statements, worker
from tests.api.test_system import assert_problem
from tests.conftest import bearer
from tests.helpers import statements

BASE = "http://127.0.0.1:8000/v1/frameworks/2026.1"
"""Concept URIs are under EDSKILLS_PUBLIC_URL (default ``http://{host}:{port}``)."""
CEASN = Namespace("https://purl.org/ctdlasn/terms/")
CETERMS = Namespace("https://purl.org/ctdl/terms/")
ASN = Namespace("http://purl.org/ASN/schema/core/")
LD = {"Accept": "application/ld+json"}
CONCEPTS = ["skills/project-management", "roles/ed-officer", "categories/funding", "scenarios/net-zero"]


def graph(client: TestClient, path: str, headers: dict[str, str] | None = None) -> rdflib.Graph:  # type: ignore[type-arg]
    response = client.get(f"/v1/frameworks/2026.1/{path}", headers={**LD, **(headers or {})})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/ld+json"
    assert response.headers["vary"] == "Accept"
    return parse_jsonld(response.text)


def en(text: str) -> Literal:
    return Literal(text, lang="en-GB")


def test_a_skill_is_a_competency_with_labels_scale_and_indicators(client: TestClient) -> None:  # type: ignore[type-arg]
    skill = client.get("/v1/skills/project-management").json()["skill"]
    g = graph(client, "skills/project-management")
    uri = URIRef(f"{BASE}/skills/project-management")
    assert (uri, RDF.type, CEASN.Competency) in g and (uri, RDF.type, SKOS.Concept) in g
    assert set(g.objects(uri, CEASN.competencyLabel)) == {en(skill["label"])}
    assert set(g.objects(uri, SKOS.prefLabel)) == {en(skill["label"])}
    assert set(g.objects(uri, SKOS.altLabel)) == {en(label) for label in skill["alt_labels"]}
    assert set(g.objects(uri, CEASN.competencyText)) == {en(skill["description"])}
    assert set(g.objects(uri, SKOS.broader)) == {URIRef(f"{BASE}/categories/funding")}
    assert set(g.objects(uri, CEASN.isPartOf)) == {URIRef(BASE)}
    assert (URIRef(BASE), RDF.type, CEASN.CompetencyFramework) in g
    # The scale: a progression model whose levels are concepts with the scale's names.
    (scale,) = g.objects(uri, ASN.hasProgressionModel)
    levels = {str(g.value(level, SKOS.notation)): level for level in g.objects(scale, SKOS.hasTopConcept)}
    assert g.value(levels["2"], SKOS.prefLabel) == en("Working")
    # One child competency per indicator, at its level, with the indicator's words.
    assert len(skill["indicators"]) == 4
    children = list(g.objects(uri, CEASN.hasChild))
    by_level = {
        str(g.value(g.value(child, ASN.hasProgressionLevel), SKOS.notation)): child for child in children
    }
    assert sorted(by_level) == ["1", "2", "3", "4"]
    for level, line in enumerate(skill["indicators"], start=1):
        child = by_level[str(level)]
        assert g.value(child, CEASN.competencyText) == en(line)
        assert (child, CEASN.isChildOf, uri) in g
    # Crosswalks: SFIA and the apprenticeship standard as alignment objects.
    codes = {
        (str(g.value(node, CETERMS.frameworkName)), str(g.value(node, CETERMS.codedNotation)))
        for node in g.objects(uri, CEASN.alignTo)
    }
    assert codes == {("SFIA", "PRMG"), ("Apprenticeship standard", "ST0310")}


def test_roles_categories_and_scenarios_have_their_types_and_links(client: TestClient) -> None:  # type: ignore[type-arg]
    role = client.get("/v1/roles/ed-officer").json()["role"]
    g = graph(client, "roles/ed-officer")
    uri = URIRef(f"{BASE}/roles/ed-officer")
    assert (uri, RDF.type, CETERMS.WorkRole) in g
    assert g.value(uri, CETERMS.name) == en(role["title"])
    targets = {
        (str(g.value(node, CETERMS.targetNode)), str(g.value(node, ASN.hasProgressionLevel)))
        for node in g.objects(uri, CETERMS.targetCompetency)
    }
    assert targets == {
        (f"{BASE}/skills/{r['skill']}", f"{BASE}#level-{r['level']}") for r in role["requirements"]
    }

    category = client.get("/v1/categories").json()["items"]
    funding = next(item for item in category if item["slug"] == "funding")
    g = graph(client, "categories/funding")
    uri = URIRef(f"{BASE}/categories/funding")
    assert (uri, RDF.type, SKOS.Concept) in g and (uri, SKOS.topConceptOf, URIRef(BASE)) in g
    assert g.value(uri, SKOS.prefLabel) == en(funding["name"])
    assert set(g.objects(uri, SKOS.narrower)) == {
        URIRef(f"{BASE}/skills/{slug}") for slug in funding["skills"]
    }

    scenario = client.get("/v1/scenarios/net-zero").json()["scenario"]
    g = graph(client, "scenarios/net-zero")
    uri = URIRef(f"{BASE}/scenarios/net-zero")
    assert (uri, RDF.type, URIRef("urn:edskills:vocab:Scenario")) in g
    assert g.value(uri, SKOS.prefLabel) == en(scenario["title"])
    headcounts = {
        str(g.value(node, CETERMS.targetNode)): g.value(
            node, URIRef("urn:edskills:vocab:headcount")
        ).toPython()
        for node in g.objects(uri, CETERMS.targetCompetency)
    }
    assert headcounts == {f"{BASE}/skills/{row['skill']}": row["headcount"] for row in scenario["rows"]}


def _offline(url: str, options: dict[str, Any]) -> Any:
    raise AssertionError(f"the document asked for a remote context: {url}")


def test_jsonld_expands_offline_and_round_trips_through_compaction(client: TestClient) -> None:  # type: ignore[type-arg]
    for path in CONCEPTS:
        _round_trip(client, path)


def _round_trip(client: TestClient, path: str) -> None:  # type: ignore[type-arg]
    document = client.get(f"/v1/frameworks/2026.1/{path}", headers=LD).json()
    options = {"documentLoader": _offline}
    expanded = jsonld.expand(document, options)
    assert expanded and expanded[0]["@id"] == f"{BASE}/{path}"
    compacted = jsonld.compact(expanded, {"@context": CONTEXT}, options)
    assert jsonld.expand(compacted, options) == expanded
    # The same triples as rdflib reads from the document itself.
    nquads = jsonld.to_rdf(document, {**options, "format": "application/n-quads"})
    triples = rdflib.Graph().parse(data=nquads, format="nt")  # default graph only: N-Triples
    assert triples.isomorphic(graph(client, path))


ACCEPTS = [
    (None, 200, "application/json"),
    ("application/json", 200, "application/json"),
    ("application/ld+json", 200, "application/ld+json"),
    ("application/ld+json;q=0.5, text/csv", 200, "text/csv"),
    ("text/*", 200, "text/csv"),  # CSV and HTML tie: the server prefers CSV
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 303, None),
    ("*/*", 200, "application/json"),
    ("application/*;q=0.2, application/ld+json;q=0", 200, "application/json"),
    ("image/png", 406, "application/problem+json"),
    ("application/json;q=0, */*;q=0", 406, "application/problem+json"),
]


def test_accept_picks_the_representation(client: TestClient) -> None:  # type: ignore[type-arg]
    for accept, status, media_type in ACCEPTS:
        _check_accept(client, accept, status, media_type)


def _check_accept(
    client: TestClient,  # type: ignore[type-arg]
    accept: str | None,
    status: int,
    media_type: str | None,
) -> None:
    headers = {"Accept": accept} if accept is not None else {}
    response = client.get("/v1/frameworks/2026.1/skills/bid-writing", headers=headers, follow_redirects=False)
    assert response.status_code == status, (accept, response.text)
    assert response.headers["vary"] == VARY["Vary"]
    if media_type is not None:
        assert response.headers["content-type"].split(";")[0] == media_type
    if status == 303:
        assert (
            response.headers["location"]
            == "http://127.0.0.1:8000/framework/skills/bid-writing?version=2026.1"
        )
    if status == 406:
        assert_problem(response, 406)


def test_json_is_todays_item_with_its_etag_and_csv_is_the_export_row(client: TestClient) -> None:  # type: ignore[type-arg]
    response = client.get("/v1/frameworks/2026.1/skills/bid-writing")
    assert response.json() == client.get("/v1/skills/bid-writing").json()["skill"]
    assert response.headers["etag"].startswith('"')
    row = client.get("/v1/frameworks/2026.1/skills/bid-writing", headers={"Accept": "text/csv"})
    (single,) = list(csv.DictReader(io.StringIO(row.text)))
    exported = csv.DictReader(io.StringIO(client.get("/v1/frameworks/2026.1/export?format=csv").text))
    assert single == next(item for item in exported if item["slug"] == "bid-writing")
    role = client.get("/v1/frameworks/2026.1/roles/ed-officer", headers={"Accept": "text/csv"})
    (role_row,) = list(csv.DictReader(io.StringIO(role.text)))
    assert role_row["slug"] == "ed-officer" and role_row["requirements"].count(":") >= 2


def test_every_kind_redirects_people_to_its_public_page(client: TestClient) -> None:  # type: ignore[type-arg]
    for path in CONCEPTS:
        response = client.get(f"/v1/frameworks/2026.1/{path}", headers={"Accept": "text/html"})
        assert response.status_code == 200, path  # followed: the public page itself
        assert response.headers["content-type"].startswith("text/html")
    assert (
        client.get("/v1/frameworks/2026.1/skills/no-such", headers={"Accept": "text/html"}).status_code == 404
    )
    # Pathway edges and training options are JSON only.
    training = client.get("/v1/training").json()["items"][0]["slug"]
    assert_problem(client.get(f"/v1/frameworks/2026.1/training/{training}", headers=LD), 406)


def test_the_skos_export_names_the_same_resolvable_uris(client: TestClient) -> None:  # type: ignore[type-arg]
    skos = parse_jsonld(client.get("/v1/frameworks/2026.1/export?format=skos").text)
    concepts = {uri for uri in skos.subjects(RDF.type, SKOS.Concept) if "#" not in uri}  # not levels
    assert len(concepts) > 60
    for uri in sorted(concepts)[:: len(concepts) // 6]:
        path = str(uri).removeprefix("http://127.0.0.1:8000")
        assert client.get(path, headers=LD).status_code == 200, path
        assert (uri, SKOS.prefLabel, None) in graph(client, path.removeprefix("/v1/frameworks/2026.1/"))


def test_concepts_are_served_from_memory_and_replayed_per_media_type(database_url: str) -> None:
    """No statement once warm; the public cache keeps one entry per negotiated type, so JSON and
    JSON-LD of one URI never cross, and two Accept headers negotiating the same type share one."""
    with worker(database_url, NEVER) as client:
        path = "/v1/frameworks/2026.1/skills/bid-writing"
        first_json = client.get(path)
        first_ld = client.get(path, headers=LD)
        with statements(client.app) as sent, reader_statements(client.app) as read:
            for headers in ({}, LD, {"Accept": "text/csv"}, {"Accept": "application/ld+json, */*;q=0.1"}):
                assert client.get(path, headers=headers).status_code == 200
        assert (sent, read) == ([], [])
        client.app.state.framework_store.index = None  # the handler cannot run any more: replays only
        client.app.state.framework_store.resolve = None
        assert client.get(path).content == first_json.content
        assert client.get(path).headers["content-type"] == "application/json"
        assert client.get(path, headers=LD).content == first_ld.content
        same_type = client.get(path, headers={"Accept": "application/ld+json, */*;q=0.1"})
        assert same_type.content == first_ld.content and same_type.headers["vary"] == "Accept"
        # Not replayed: a type never asked for, and a request with credentials.
        assert client.get(path, headers={"Accept": "*/*;q=0.1, text/csv"}).status_code == 200  # kept above
        assert client.get(path, headers={**LD, "Authorization": "Bearer x"}).status_code >= 400


def test_a_draft_resolves_for_its_editor_only_and_has_no_page(
    client: TestClient, keys: dict[str, str]
) -> None:  # type: ignore[type-arg]
    Editor(client, keys["framework"]).create_draft()
    path = f"/v1/frameworks/{DRAFT}/skills/bid-writing"
    assert_problem(client.get(path, headers=LD), 404)
    editor = bearer(keys["framework"])
    document = client.get(path, headers={**LD, **editor})
    assert document.status_code == 200
    g = parse_jsonld(document.text)
    assert (
        URIRef(f"http://127.0.0.1:8000/v1/frameworks/{DRAFT}/skills/bid-writing"),
        RDF.type,
        CEASN.Competency,
    ) in g
    assert_problem(client.get(path, headers={"Accept": "text/html", **editor}), 406)
    assert msgspec.json.decode(client.get(path, headers=editor).content)["slug"] == "bid-writing"


def test_the_skills_csv_in_the_rich_skill_descriptor_layout(client: TestClient) -> None:  # type: ignore[type-arg]
    response = client.get("/v1/frameworks/2026.1/export", params={"format": "csv", "layout": "rsd"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames is not None
    assert reader.fieldnames[:4] == ["Canonical URL", "RSD Name", "Authors", "Skill Statement"]
    assert reader.fieldnames[14:17] == ["Alignment Name", "Alignment URL", "Alignment Framework"]
    rows = {row["RSD Name"]: row for row in reader}
    assert len(rows) == 62
    project = rows["Project management"]
    # The canonical URL is the concept's resolvable URI; crosswalks fill the alignment columns.
    assert project["Canonical URL"] == f"{BASE}/skills/project-management"
    assert (
        client.get(project["Canonical URL"].removeprefix("http://127.0.0.1:8000"), headers=LD).status_code
        == 200
    )
    assert project["Standards"] == "ST0310"
    aligned = {
        (project[f"{prefix} Framework"], project[f"{prefix} Name"]) for prefix in ("Alignment", "Alignment 2")
    }
    assert aligned == {("SFIA", "PRMG"), ("Apprenticeship standard", "ST0310")}
    assert_problem(client.get("/v1/frameworks/2026.1/export", params={"format": "csv", "layout": "xml"}), 400)
