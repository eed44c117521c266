"""One concept of an edition as linked data (JSON-LD) and as one CSV row (issue 19).

Pure functions of a ``Framework`` and a concept's slug, like ``taxonomy.exports``: the API's
resolvable URIs (``GET /v1/frameworks/{version}/skills/{slug}`` with ``Accept:
application/ld+json``) answer with these documents, and tests parse them with rdflib and pyld.

The vocabulary is CTDL-ASN's (Credential Engine's, which the Rich Skill Descriptor builds on) with
SKOS labels, so both skills registries and SKOS tools read it:

- a **skill** is a ``ceasn:Competency`` and a ``skos:Concept``: ``ceasn:competencyLabel`` and
  ``skos:prefLabel``, ``skos:altLabel`` for each alternative label, ``ceasn:competencyText`` (its
  description), ``skos:broader`` its category, ``ceasn:isPartOf`` and ``skos:inScheme`` the edition
  (a ``ceasn:CompetencyFramework``), ``asn:hasProgressionModel`` the proficiency scale (an
  ``asn:ProgressionModel`` whose ``asn:ProgressionLevel`` concepts are levels 1-4), and, when the
  skill has level indicators, one child competency per level (``ceasn:hasChild``, ``@id``
  ``…/skills/{slug}#level-{n}``) whose ``ceasn:competencyText`` is the indicator and whose
  ``asn:hasProgressionLevel`` is the level. Crosswalks: ESCO as ``skos:exactMatch`` /
  ``skos:closeMatch`` (and ``ceasn:exactAlignment``), every crosswalk (ESCO, SFIA, apprenticeship
  standard) also as a ``ceterms:CredentialAlignmentObject`` under ``ceasn:alignTo``;
- a **category** is a ``skos:Concept``, top concept of the edition, ``skos:narrower`` its skills;
- a **role** is a ``ceterms:WorkRole`` (``ceterms:name``, ``skos:altLabel``,
  ``ceterms:description``) whose requirements are ``ceterms:targetCompetency`` alignment objects
  (``ceterms:targetNode`` the skill's URI, ``asn:hasProgressionLevel`` the level) with our own
  ``eds:importance``;
- a **scenario** is an ``eds:Scenario`` (and ``skos:Concept``) whose rows are alignment objects
  as a role's, with ``eds:headcount``.

``eds:`` (``urn:edskills:vocab:``) names the few terms no standard vocabulary has. The
``@context`` is embedded in every document, so a document expands offline.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any, Literal

import msgspec

from taxonomy.crosswalks import Alignment, alignments
from taxonomy.exports import LANGUAGE, LIST_SEPARATOR, SkosUris, skills_csv
from taxonomy.index import FrameworkIndex
from taxonomy.model import Framework

ConceptKind = Literal["skills", "roles", "categories", "scenarios"]
CONCEPT_KINDS: tuple[ConceptKind, ...] = ("skills", "roles", "categories", "scenarios")

EDS_VOCABULARY = "urn:edskills:vocab:"


def _text(term: str) -> dict[str, str]:
    return {"@id": term, "@language": LANGUAGE}


def _link(term: str) -> dict[str, str]:
    return {"@id": term, "@type": "@id"}


CONTEXT: dict[str, Any] = {
    "ceasn": "https://purl.org/ctdlasn/terms/",
    "ceterms": "https://purl.org/ctdl/terms/",
    "asn": "http://purl.org/ASN/schema/core/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "eds": EDS_VOCABULARY,
    "competencyLabel": _text("ceasn:competencyLabel"),
    "competencyText": _text("ceasn:competencyText"),
    "competencyCategory": _text("ceasn:competencyCategory"),
    "codedNotation": {"@id": "ceasn:codedNotation"},
    "isPartOf": _link("ceasn:isPartOf"),
    "hasChild": _link("ceasn:hasChild"),
    "isChildOf": _link("ceasn:isChildOf"),
    "exactAlignment": _link("ceasn:exactAlignment"),
    "alignTo": {"@id": "ceasn:alignTo"},
    "progressionModel": _link("asn:hasProgressionModel"),
    "progressionLevel": _link("asn:hasProgressionLevel"),
    "prefLabel": _text("skos:prefLabel"),
    "altLabel": _text("skos:altLabel"),
    "definition": _text("skos:definition"),
    "notation": {"@id": "skos:notation"},
    "inScheme": _link("skos:inScheme"),
    "topConceptOf": _link("skos:topConceptOf"),
    "hasTopConcept": _link("skos:hasTopConcept"),
    "broader": _link("skos:broader"),
    "narrower": _link("skos:narrower"),
    "exactMatch": _link("skos:exactMatch"),
    "closeMatch": _link("skos:closeMatch"),
    "replaces": _link("dct:replaces"),
    "source": _text("dct:source"),
    "name": _text("ceterms:name"),
    "description": _text("ceterms:description"),
    "targetCompetency": {"@id": "ceterms:targetCompetency"},
    "targetNode": _link("ceterms:targetNode"),
    "targetNodeName": _text("ceterms:targetNodeName"),
    "frameworkName": _text("ceterms:frameworkName"),
    "alignmentCode": {"@id": "ceterms:codedNotation"},
    "alignmentType": {"@id": "ceterms:alignmentType"},
    "importance": {"@id": "eds:importance"},
    "headcount": {"@id": "eds:headcount", "@type": "xsd:integer"},
    "band": {"@id": "eds:seniorityBand", "@type": "xsd:integer"},
}
"""Embedded in every concept document (and usable as a standalone context by partners)."""


def _level_node(framework: Framework, uris: SkosUris, level: int) -> dict[str, Any]:
    found = next((item for item in framework.levels if item.level == level), None)
    node: dict[str, Any] = {
        "@id": uris.level(level),
        "@type": ["asn:ProgressionLevel", "skos:Concept"],
        "notation": str(level),
        "inScheme": uris.scale(),
    }
    if found is not None:
        node["prefLabel"] = found.name
        if found.description:
            node["definition"] = found.description
    return node


def _scale(framework: Framework, uris: SkosUris) -> dict[str, Any]:
    return {
        "@id": uris.scale(),
        "@type": ["asn:ProgressionModel", "skos:ConceptScheme"],
        "prefLabel": "Proficiency scale",
        "hasTopConcept": [_level_node(framework, uris, level.level) for level in framework.levels],
    }


def _alignment_node(alignment: Alignment) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ceterms:CredentialAlignmentObject",
        "frameworkName": alignment.framework,
        "alignmentCode": alignment.code,
        "alignmentType": alignment.match,
    }
    if alignment.url:
        node["targetNode"] = alignment.url
    return node


def skill_document(
    index: FrameworkIndex, slug: str, base: str, previous_version: str | None = None
) -> dict[str, Any]:
    framework = index.framework
    skill = index.skills[slug]
    uris = SkosUris(base, framework.version)
    uri = uris.skill(slug)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": uri,
        "@type": ["ceasn:Competency", "skos:Concept"],
        "competencyLabel": skill.label,
        "prefLabel": skill.label,
        "codedNotation": skill.slug,
        "notation": skill.slug,
        "isPartOf": {"@id": uris.scheme, "@type": "ceasn:CompetencyFramework", "name": framework.title},
        "inScheme": uris.scheme,
        "broader": uris.category(skill.category),
        "competencyCategory": index.categories[skill.category].name,
        "progressionModel": _scale(framework, uris),
    }
    if skill.alt_labels:
        document["altLabel"] = list(skill.alt_labels)
    if skill.description:
        document["competencyText"] = skill.description
        document["definition"] = skill.description
    found = alignments(skill)
    exact = [a.url for a in found if a.framework == "ESCO" and a.match == "exact" and a.url]
    close = [a.url for a in found if a.framework == "ESCO" and a.match == "close" and a.url]
    if exact:
        document["exactMatch"] = exact
        document["exactAlignment"] = exact
    if close:
        document["closeMatch"] = close
    if found:
        document["alignTo"] = [_alignment_node(alignment) for alignment in found]
    if skill.replaces and previous_version:
        previous = SkosUris(base, previous_version)
        document["replaces"] = [previous.skill(old) for old in skill.replaces]
    lines = skill.indicators
    if lines:
        document["hasChild"] = [
            {
                "@id": f"{uri}#level-{level}",
                "@type": "ceasn:Competency",
                "competencyText": line,
                "progressionLevel": uris.level(level),
                "isChildOf": uri,
                "isPartOf": uris.scheme,
            }
            for level, line in enumerate(lines, start=1)
        ]
    if skill.source:
        document["source"] = skill.source
    return document


def _requirement_node(
    index: FrameworkIndex, uris: SkosUris, skill: str, level: int, importance: str
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ceterms:CredentialAlignmentObject",
        "targetNode": uris.skill(skill),
        "progressionLevel": uris.level(level),
        "importance": importance,
    }
    if skill in index.skills:
        node["targetNodeName"] = index.skills[skill].label
    return node


def role_document(index: FrameworkIndex, slug: str, base: str) -> dict[str, Any]:
    framework = index.framework
    role = index.roles[slug]
    uris = SkosUris(base, framework.version)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": uris.role(slug),
        "@type": "ceterms:WorkRole",
        "name": role.title,
        "prefLabel": role.title,
        "notation": role.slug,
        "band": role.band,
        "isPartOf": uris.scheme,
        "targetCompetency": [
            _requirement_node(index, uris, r.skill, r.level, r.importance) for r in role.requirements
        ],
    }
    if role.alt_titles:
        document["altLabel"] = list(role.alt_titles)
    if role.summary:
        document["description"] = role.summary
    return document


def category_document(index: FrameworkIndex, slug: str, base: str) -> dict[str, Any]:
    category = index.categories[slug]
    uris = SkosUris(base, index.framework.version)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": uris.category(slug),
        "@type": "skos:Concept",
        "prefLabel": category.name,
        "notation": category.slug,
        "inScheme": uris.scheme,
        "topConceptOf": uris.scheme,
        "isPartOf": uris.scheme,
        "narrower": [uris.skill(skill.slug) for skill in index.skills_in_category[slug]],
    }
    if category.description:
        document["definition"] = category.description
    return document


def scenario_document(index: FrameworkIndex, slug: str, base: str) -> dict[str, Any]:
    scenario = index.scenarios[slug]
    uris = SkosUris(base, index.framework.version)
    rows = []
    for row in scenario.rows:
        node = _requirement_node(index, uris, row.skill, row.level, row.importance)
        node["headcount"] = row.headcount
        rows.append(node)
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": uris.scenario(slug),
        "@type": ["eds:Scenario", "skos:Concept"],
        "prefLabel": scenario.title,
        "notation": scenario.slug,
        "inScheme": uris.scheme,
        "isPartOf": uris.scheme,
        "targetCompetency": rows,
    }
    if scenario.description:
        document["definition"] = scenario.description
    return document


def document(
    index: FrameworkIndex, kind: ConceptKind, slug: str, base: str, previous_version: str | None = None
) -> dict[str, Any]:
    """The JSON-LD of one concept; the slug must exist (the caller has looked it up)."""
    if kind == "skills":
        return skill_document(index, slug, base, previous_version)
    if kind == "roles":
        return role_document(index, slug, base)
    if kind == "categories":
        return category_document(index, slug, base)
    return scenario_document(index, slug, base)


def jsonld(
    index: FrameworkIndex, kind: ConceptKind, slug: str, base: str, previous_version: str | None = None
) -> bytes:
    return msgspec.json.encode(document(index, kind, slug, base, previous_version))


# --- one concept as CSV: a header and one row --------------------------------------------------

ROLE_CSV_COLUMNS = ("slug", "title", "band", "summary", "alt_titles", "requirements")
CATEGORY_CSV_COLUMNS = ("slug", "name", "description", "skills")
SCENARIO_CSV_COLUMNS = ("slug", "title", "description", "rows")


def _csv(columns: Sequence[str], row: Sequence[object]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerow(row)
    return buffer.getvalue()


def csv_row(index: FrameworkIndex, kind: ConceptKind, slug: str) -> str:
    """A header and the concept's row. A skill's row is the skills export's row for it (same
    columns as ``GET …/export?format=csv``); requirements and scenario rows are written
    ``skill:level:importance`` (``:headcount`` for a scenario), joined by ``; ``."""
    framework = index.framework
    if kind == "skills":
        return skills_csv(msgspec.structs.replace(framework, skills=(index.skills[slug],)))
    if kind == "roles":
        role = index.roles[slug]
        requirements = LIST_SEPARATOR.join(f"{r.skill}:{r.level}:{r.importance}" for r in role.requirements)
        row = [
            role.slug,
            role.title,
            role.band,
            role.summary,
            LIST_SEPARATOR.join(role.alt_titles),
            requirements,
        ]
        return _csv(ROLE_CSV_COLUMNS, row)
    if kind == "categories":
        category = index.categories[slug]
        skills = LIST_SEPARATOR.join(skill.slug for skill in index.skills_in_category[slug])
        return _csv(CATEGORY_CSV_COLUMNS, [category.slug, category.name, category.description, skills])
    scenario = index.scenarios[slug]
    rows = LIST_SEPARATOR.join(f"{r.skill}:{r.level}:{r.importance}:{r.headcount}" for r in scenario.rows)
    return _csv(SCENARIO_CSV_COLUMNS, [scenario.slug, scenario.title, scenario.description, rows])


# --- the skills CSV in the Rich Skill Descriptor layout ----------------------------------------

RSD_COLUMNS = (
    "Canonical URL",
    "RSD Name",
    "Authors",
    "Skill Statement",
    "Categories",
    "Keywords",
    "Standards",
    "Certifications",
    "Occupation Major Groups",
    "Occupation Minor Groups",
    "Broad Occupations",
    "Detailed Occupations",
    "O*NET Job Codes",
    "Employers",
)
"""The columns of the Open Skills Management Tool's RSD import and export (WGU / Open Skills
Network), before the alignment columns: ``Alignment Name``, ``Alignment URL``, ``Alignment
Framework``, then ``Alignment 2 Name`` … for as many crosswalks as the busiest skill has."""


def _alignment_columns(count: int) -> list[str]:
    columns = []
    for number in range(1, count + 1):
        prefix = "Alignment" if number == 1 else f"Alignment {number}"
        columns += [f"{prefix} Name", f"{prefix} URL", f"{prefix} Framework"]
    return columns


def skills_rsd_csv(framework: Framework, base: str) -> str:
    """One row per skill in the RSD layout (``GET …/export?format=csv&layout=rsd``).

    Canonical URL is the skill's resolvable URI; RSD Name its label; Authors the edition's title;
    Skill Statement its description; Categories its category's name; Keywords its alternative
    labels; Standards the apprenticeship standard; the crosswalks (``taxonomy.crosswalks``) fill
    the alignment columns (name = the code, URL when the other framework has one). Occupation
    columns are US SOC / O*NET codes, which this UK framework does not carry: left empty.
    """
    uris = SkosUris(base, framework.version)
    category_names = {category.slug: category.name for category in framework.categories}
    found = {skill.slug: alignments(skill) for skill in framework.skills}
    count = max((len(items) for items in found.values()), default=0) or 1
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*RSD_COLUMNS, *_alignment_columns(count)])
    for skill in framework.skills:
        crosswalks = skill.crosswalks
        row: list[str] = [
            uris.skill(skill.slug),
            skill.label,
            framework.title,
            skill.description,
            category_names.get(skill.category, ""),
            LIST_SEPARATOR.join(skill.alt_labels),
            (crosswalks.apprenticeship if crosswalks else None) or "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
        for alignment in found[skill.slug]:
            row += [alignment.code, alignment.url or "", alignment.framework]
        row += [""] * (len(RSD_COLUMNS) + 3 * count - len(row))
        writer.writerow(row)
    return buffer.getvalue()
