"""Standard exports of one edition: JSON, YAML (the file format), CSV of skills and SKOS (JSON-LD).

Pure functions of a ``Framework`` (no database, no HTTP), so the CLI, the API and tests produce
byte-identical exports of the same edition.

SKOS: the edition is a ``skos:ConceptScheme``; each category is a top concept and each skill a
concept ``skos:broader`` its category, with ``prefLabel``, ``altLabel`` and ``definition`` in
British English (``en-GB``). ESCO crosswalks become ``skos:exactMatch`` (the same concept) and
``skos:closeMatch`` (an overlapping one), which is how ESCO itself publishes mappings to national
taxonomies. A skill's ``replaces`` becomes ``dct:replaces`` pointing at the previous edition's
concepts when that edition is named.

Level indicators (DESIGN §1) are structured, not four loose strings: the proficiency scale is a
second concept scheme (``SkosUris.scale``, one concept per level, the same URIs as the concepts'
JSON-LD of ``taxonomy.concepts``), and each indicator is a ``skos:note`` whose value is a resource,
the form the SKOS Reference gives for structured documentation (§7.5.1): ``rdf:value`` the line
(``en-GB``), ``skos:notation`` the level number and ``dct:subject`` the level's concept. So a
consumer can ask "what does level 3 look like for this skill" without parsing text. In the CSV
each level has its own column, ``indicator_1`` … ``indicator_4``.

URIs are minted under a base the caller gives (the API's own address), one namespace per edition,
so two editions never claim the same concept URI.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec

from taxonomy.load import dump_document
from taxonomy.model import INDICATOR_LEVELS, Framework, ProficiencyLevel, Skill

SKILL_CSV_COLUMNS = (
    "slug",
    "label",
    "category",
    "category_name",
    "description",
    "indicator_1",
    "indicator_2",
    "indicator_3",
    "indicator_4",
    "alt_labels",
    "replaces",
    "esco",
    "esco_close",
    "sfia",
    "apprenticeship",
    "source",
)
LIST_SEPARATOR = "; "
"""Lists inside one CSV cell (alternative labels, replaced slugs) are joined with this."""

LANGUAGE = "en-GB"

SKOS_CONTEXT: dict[str, Any] = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "prefLabel": {"@id": "skos:prefLabel", "@language": LANGUAGE},
    "altLabel": {"@id": "skos:altLabel", "@language": LANGUAGE},
    "definition": {"@id": "skos:definition", "@language": LANGUAGE},
    "notation": {"@id": "skos:notation"},
    "inScheme": {"@id": "skos:inScheme", "@type": "@id"},
    "topConceptOf": {"@id": "skos:topConceptOf", "@type": "@id"},
    "hasTopConcept": {"@id": "skos:hasTopConcept", "@type": "@id"},
    "broader": {"@id": "skos:broader", "@type": "@id"},
    "narrower": {"@id": "skos:narrower", "@type": "@id"},
    "exactMatch": {"@id": "skos:exactMatch", "@type": "@id"},
    "closeMatch": {"@id": "skos:closeMatch", "@type": "@id"},
    "title": {"@id": "dct:title", "@language": LANGUAGE},
    "description": {"@id": "dct:description", "@language": LANGUAGE},
    "hasVersion": {"@id": "dct:hasVersion"},
    "issued": {"@id": "dct:issued", "@type": "xsd:date"},
    "replaces": {"@id": "dct:replaces", "@type": "@id"},
    "source": {"@id": "dct:source", "@language": LANGUAGE},
    "note": {"@id": "skos:note"},
    "value": {"@id": "rdf:value", "@language": LANGUAGE},
    "subject": {"@id": "dct:subject", "@type": "@id"},
}


def to_json(framework: Framework) -> bytes:
    """The edition exactly as stored (msgspec JSON of ``Framework``)."""
    return msgspec.json.encode(framework)


def to_yaml(framework: Framework) -> str:
    """One YAML document in the file format; ``taxonomy.load.load_document`` reads it back."""
    return dump_document(framework)


def skills_csv(framework: Framework) -> str:
    """One row per skill, with its category name and crosswalks, for spreadsheets."""
    category_names = {category.slug: category.name for category in framework.categories}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(SKILL_CSV_COLUMNS)
    for skill in framework.skills:
        crosswalks = skill.crosswalks
        writer.writerow(
            [
                skill.slug,
                skill.label,
                skill.category,
                category_names.get(skill.category, ""),
                skill.description,
                *(skill.indicator(level) or "" for level in INDICATOR_LEVELS),
                LIST_SEPARATOR.join(skill.alt_labels),
                LIST_SEPARATOR.join(skill.replaces),
                (crosswalks.esco if crosswalks else None) or "",
                LIST_SEPARATOR.join(crosswalks.esco_close) if crosswalks else "",
                (crosswalks.sfia if crosswalks else None) or "",
                (crosswalks.apprenticeship if crosswalks else None) or "",
                skill.source or "",
            ]
        )
    return buffer.getvalue()


class SkosUris:
    """Where an edition's concepts live: ``{base}/frameworks/{version}`` and below it.

    The one builder of concept URIs: the SKOS export, the JSON-LD of each concept
    (``taxonomy.concepts``) and the API paths that resolve them (``GET /v1/frameworks/{version}/
    skills/{slug}`` …) all name a concept this way (issue 19)."""

    def __init__(self, base: str, version: str) -> None:
        self.base = base.rstrip("/")
        self.scheme = f"{self.base}/frameworks/{version}"

    def category(self, slug: str) -> str:
        return f"{self.scheme}/categories/{slug}"

    def skill(self, slug: str) -> str:
        return f"{self.scheme}/skills/{slug}"

    def role(self, slug: str) -> str:
        return f"{self.scheme}/roles/{slug}"

    def scenario(self, slug: str) -> str:
        return f"{self.scheme}/scenarios/{slug}"

    def scale(self) -> str:
        """The proficiency scale (``GET …/{version}`` documents it; ``/v1/levels?version=`` lists it)."""
        return f"{self.scheme}#scale"

    def level(self, level: int) -> str:
        return f"{self.scheme}#level-{level}"


def to_skos(framework: Framework, base: str, previous_version: str | None = None) -> dict[str, Any]:
    """The edition as a SKOS concept scheme in JSON-LD (a plain dict, ready to encode)."""
    uris = SkosUris(base, framework.version)
    previous = SkosUris(base, previous_version) if previous_version else None
    scheme: dict[str, Any] = {
        "@id": uris.scheme,
        "@type": "skos:ConceptScheme",
        "title": framework.title,
        "hasVersion": framework.version,
        "notation": framework.key,
        "hasTopConcept": [uris.category(category.slug) for category in framework.categories],
    }
    if framework.description:
        scheme["description"] = framework.description
    if framework.published_on:
        scheme["issued"] = framework.published_on
    graph: list[dict[str, Any]] = [scheme]
    for category in framework.categories:
        concept: dict[str, Any] = {
            "@id": uris.category(category.slug),
            "@type": "skos:Concept",
            "prefLabel": category.name,
            "notation": category.slug,
            "inScheme": uris.scheme,
            "topConceptOf": uris.scheme,
            "narrower": [
                uris.skill(skill.slug) for skill in framework.skills if skill.category == category.slug
            ],
        }
        if category.description:
            concept["definition"] = category.description
        graph.append(concept)
    graph.extend(_skill_concept(skill, uris, previous) for skill in framework.skills)
    graph.extend(_scale(framework, uris))
    return {"@context": SKOS_CONTEXT, "@graph": graph}


def _scale(framework: Framework, uris: SkosUris) -> list[dict[str, Any]]:
    """The proficiency scale as its own concept scheme: what indicators point at."""
    levels = sorted(framework.levels, key=lambda level: level.level)
    scheme: dict[str, Any] = {
        "@id": uris.scale(),
        "@type": "skos:ConceptScheme",
        "title": f"{framework.title}: proficiency scale",
        "hasVersion": framework.version,
        "hasTopConcept": [uris.level(level.level) for level in levels],
    }
    return [scheme, *(_level_concept(level, uris) for level in levels)]


def _level_concept(level: ProficiencyLevel, uris: SkosUris) -> dict[str, Any]:
    return {
        "@id": uris.level(level.level),
        "@type": "skos:Concept",
        "prefLabel": level.name,
        "definition": level.description,
        "notation": str(level.level),
        "inScheme": uris.scale(),
        "topConceptOf": uris.scale(),
    }


def _skill_concept(skill: Skill, uris: SkosUris, previous: SkosUris | None) -> dict[str, Any]:
    concept: dict[str, Any] = {
        "@id": uris.skill(skill.slug),
        "@type": "skos:Concept",
        "prefLabel": skill.label,
        "notation": skill.slug,
        "inScheme": uris.scheme,
        "broader": uris.category(skill.category),
    }
    if skill.alt_labels:
        concept["altLabel"] = list(skill.alt_labels)
    if skill.description:
        concept["definition"] = skill.description
    if skill.indicators:
        concept["note"] = [
            {"value": line, "notation": str(level), "subject": uris.level(level)}
            for level, line in zip(INDICATOR_LEVELS, skill.indicators, strict=True)
        ]
    if skill.crosswalks and skill.crosswalks.esco:
        concept["exactMatch"] = [skill.crosswalks.esco]
    if skill.crosswalks and skill.crosswalks.esco_close:
        concept["closeMatch"] = list(skill.crosswalks.esco_close)
    if skill.replaces and previous is not None:
        concept["replaces"] = [previous.skill(slug) for slug in skill.replaces]
    if skill.source:
        concept["source"] = skill.source
    return concept


def skos_jsonld(framework: Framework, base: str, previous_version: str | None = None) -> bytes:
    return msgspec.json.encode(to_skos(framework, base, previous_version))
