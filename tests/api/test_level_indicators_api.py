"""Skill level indicators over HTTP (issue 17): the skill read, every export format, and editing
them in a draft, with bad lines refused (422 naming the field) and nothing written. Both databases."""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
import pytest
import rdflib
import yaml
from litestar.testing import TestClient
from rdflib.namespace import DCTERMS, RDF, SKOS

from taxonomy.load import SHIPPED, load_framework
from taxonomy.model import Framework
from tests.api.national import Editor, parse_jsonld
from tests.api.test_system import assert_problem

SHIPPED_EDITION = load_framework(SHIPPED)
INDICATORS = {skill.slug: skill.indicators for skill in SHIPPED_EDITION.skills}
SCALE = sorted(SHIPPED_EDITION.levels, key=lambda level: level.level)
BASE = "http://127.0.0.1:8000/v1/frameworks/2026.1"
EN = "en-GB"
NEW_LINES = [
    "Knows which funders pay for ED work and where their prospectuses are published.",
    "Drafts the outputs table and project summary of a bid to the funder's template.",
    "Writes whole competitive bids unaided and reviews colleagues' drafts before submission.",
    "Runs the council's bid pipeline and advises neighbouring councils on their bids.",
]


@pytest.fixture
def editor(client: TestClient, keys: dict[str, str]) -> Editor:  # type: ignore[type-arg]
    return Editor(client, keys["framework"])


def test_a_skill_reads_with_its_indicator_beside_each_level(client: TestClient) -> None:  # type: ignore[type-arg]
    detail = client.get("/v1/skills/monitoring-evaluation").json()
    lines = detail["skill"]["indicators"]
    assert lines[0] == (
        "Records outputs in the council's UKSPF claim template accurately "
        "when given the indicator definitions."
    )
    assert lines == list(INDICATORS["monitoring-evaluation"])
    assert [(level["level"], level["name"], level["description"]) for level in detail["levels"]] == [
        (level.level, level.name, level.description) for level in SCALE
    ]
    assert "indicator" not in detail["levels"][0]  # level 0 (None) needs no description
    assert [level["indicator"] for level in detail["levels"][1:]] == lines


def test_every_export_carries_every_indicator(client: TestClient) -> None:  # type: ignore[type-arg]
    def export(fmt: str) -> str:
        response = client.get("/v1/frameworks/2026.1/export", params={"format": fmt})
        assert response.status_code == 200, response.text
        return response.text

    as_json = msgspec.json.decode(export("json"), type=Framework)
    assert {skill.slug: skill.indicators for skill in as_json.skills} == INDICATORS
    as_yaml = yaml.safe_load(export("yaml"))
    assert {skill["slug"]: tuple(skill["indicators"]) for skill in as_yaml["skills"]} == INDICATORS

    rows = list(csv.DictReader(io.StringIO(export("csv"))))
    columns = ["indicator_1", "indicator_2", "indicator_3", "indicator_4"]
    assert {row["slug"]: tuple(row[column] for column in columns) for row in rows} == INDICATORS

    # SKOS: each indicator a structured note (rdf:value, its level's notation and concept), the
    # scale a concept scheme of its own whose level concepts carry the scale's names.
    graph = parse_jsonld(export("skos"))
    notes = list(graph.triples((None, SKOS.note, None)))
    assert len(notes) == 62 * 4
    for slug, lines in INDICATORS.items():
        skill = rdflib.URIRef(f"{BASE}/skills/{slug}")
        found = {}
        for note in graph.objects(skill, SKOS.note):
            (level_concept,) = graph.objects(note, DCTERMS.subject)
            (notation,) = graph.objects(note, SKOS.notation)
            (value,) = graph.objects(note, RDF.value)
            assert value.language == EN
            found[int(notation)] = (str(value), level_concept)
        assert sorted(found) == [1, 2, 3, 4]
        assert tuple(found[level][0] for level in (1, 2, 3, 4)) == lines
    levels = {
        int(notation): concept
        for concept, notation in graph.subject_objects(SKOS.notation)
        if "level" in str(concept)
    }
    schemes = set(graph.subjects(RDF.type, SKOS.ConceptScheme)) - {rdflib.URIRef(BASE)}
    (scale,) = schemes
    for level in SCALE:
        concept = levels[level.level]
        assert (concept, SKOS.prefLabel, rdflib.Literal(level.name, lang=EN)) in graph
        assert (concept, SKOS.inScheme, scale) in graph
        assert (scale, SKOS.hasTopConcept, concept) in graph
    assert found[3][1] == levels[3]


def _unchanged(editor: Editor, client: TestClient, document: dict[str, Any], changes: int) -> None:  # type: ignore[type-arg]
    assert editor.document() == document
    assert client.get(f"{editor.base}/changes", headers=editor.headers).json()["total"] == changes


BAD: list[tuple[Any, str, str]] = [
    (
        NEW_LINES[:3],
        "indicators",
        "give none or exactly 4 indicators, one for each level 1 to 4 in order; got 3",
    ),
    ([*NEW_LINES, NEW_LINES[0] + " Again."], "indicators", "Expected `array` of length <= 4"),
    (
        [NEW_LINES[0], "Two lines\nin one", *NEW_LINES[2:]],
        "indicators[1]",
        "must not contain control characters (U+0000–U+001F, U+007F)",
    ),
    (["Too short", *NEW_LINES[1:]], "indicators[0]", "Expected `str` of length >= 10"),
    ([*NEW_LINES[:2], "x" * 301, NEW_LINES[3]], "indicators[2]", "Expected `str` of length <= 300"),
    ([*NEW_LINES[:3], NEW_LINES[1].upper()], "indicators[3]", "level 4 repeats the indicator of level 2"),
    ("Every level at once", "indicators", "Expected `array`, got `str`"),
]


def test_editors_set_and_clear_indicators_in_a_draft_and_bad_ones_write_nothing(
    editor: Editor,
    client: TestClient,  # type: ignore[type-arg]
) -> None:
    editor.create_draft()
    changed = editor.edit("skills/bid-writing", indicators=NEW_LINES)
    assert changed["indicators"] == NEW_LINES
    assert editor.read("skills/bid-writing")[0]["indicators"] == NEW_LINES
    log = client.get(f"{editor.base}/changes", headers=editor.headers).json()
    update = log["items"][-1]
    assert (update["action"], update["item"]) == ("update", "bid-writing")
    assert (update["before"]["indicators"], update["after"]["indicators"]) == (
        list(INDICATORS["bid-writing"]),
        NEW_LINES,
    )

    document, changes = editor.document(), log["total"]
    skill, etag = editor.read("skills/bid-writing")
    for indicators, field, message in BAD:
        refused = assert_problem(
            editor.put("skills/bid-writing", {**skill, "indicators": indicators}, etag), 422
        )
        assert refused["errors"] == [{"field": field, "message": message, "source": "body"}], indicators
        _unchanged(editor, client, document, changes)
    new = {
        "slug": "grant-finding",
        "label": "Finding grants",
        "category": "funding",
        "indicators": NEW_LINES[:2],
    }
    assert assert_problem(editor.post("skills", new), 422)["errors"][0]["field"] == "indicators"
    _unchanged(editor, client, document, changes)

    # None at all is valid (DESIGN §1: a skill *may* carry them), and the field is then left out.
    cleared = editor.edit("skills/bid-writing", indicators=[])
    assert "indicators" not in cleared
    assert editor.post("skills", {**new, "indicators": NEW_LINES}).json()["indicators"] == NEW_LINES

    # A merged skill's lines describe another skill: the target keeps its own.
    _, etag = editor.read("skills/project-management")
    assert (
        editor.delete("skills/project-management", etag, merge_into="programme-management").status_code == 204
    )
    merged = editor.read("skills/programme-management")[0]
    assert merged["indicators"] == list(INDICATORS["programme-management"])
    assert "Project management" in merged["alt_labels"]
