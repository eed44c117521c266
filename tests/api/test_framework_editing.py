"""National bodies edit the framework: drafts, ETag-guarded edits, change log, publish, retire.

Everything runs through the real app on SQLite and PostgreSQL. The last test is the issue's
"done when" demo end to end.
"""

from __future__ import annotations

import asyncio
import csv
import io
import threading
from typing import Any

import msgspec
import pytest
import rdflib
from litestar.testing import TestClient
from rdflib.namespace import DCTERMS, SKOS

from api.framework import editing
from api.framework.etags import item_etag
from api.preconditions import PreconditionFailed
from api.settings import Settings
from taxonomy import edits
from taxonomy.edits import SKILLS
from taxonomy.model import Framework, Skill
from tests.api.national import DRAFT, Editor, create_key, parse_jsonld
from tests.api.test_system import assert_problem
from tests.conftest import GATESHEAD, NEWCASTLE, bearer

ESCO_EXACT = "http://data.europa.eu/esco/skill/11111111-2222-4333-8444-555555555555"
ESCO_CLOSE = "http://data.europa.eu/esco/skill/66666666-7777-4888-9999-000000000000"
"""Well-formed ESCO URIs for the tests (not real ESCO concepts: the shipped edition has none)."""


@pytest.fixture
def editor(client: TestClient, keys: dict[str, str]) -> Editor:  # type: ignore[type-arg]
    return Editor(client, keys["framework"])


def test_drafts_need_framework_write_and_a_later_version(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    editor: Editor,
) -> None:
    body = {"version": DRAFT}
    assert_problem(client.post("/v1/frameworks", json=body), 401)
    assert_problem(client.post("/v1/frameworks", json=body, headers=bearer(keys["newcastle"])), 403)
    created = editor.create_draft(title="ED Skills Framework 2026.2").json()
    assert created == {
        "id": "ed-skills",
        "version": DRAFT,
        "key": f"ed-skills@{DRAFT}",
        "title": "ED Skills Framework 2026.2",
        "status": "draft",
        "revision": 1,
        "based_on": "2026.1",
    }
    assert_problem(client.post("/v1/frameworks", json=body, headers=editor.headers), 409)
    too_early = assert_problem(
        client.post("/v1/frameworks", json={"version": "2025.9"}, headers=editor.headers), 422
    )
    assert too_early["errors"] == [
        {"field": "version", "message": "must be later than 2026.2", "source": "body"}
    ]
    assert_problem(client.post("/v1/frameworks", json={"version": "v2"}, headers=editor.headers), 422)

    # A draft is invisible to the public reads and needs the scope to read directly: to anyone
    # else it is an unknown edition (404, issue 12), so its existence does not leak.
    assert [item["version"] for item in client.get("/v1/frameworks").json()["items"]] == ["2026.1"]
    assert_problem(client.get("/v1/skills", params={"version": DRAFT}), 404)
    assert_problem(client.get(f"/v1/frameworks/{DRAFT}/document"), 404)
    assert_problem(client.get(f"/v1/frameworks/{DRAFT}/document", headers=bearer(keys["newcastle"])), 404)
    document = editor.document()
    assert (document["status"], len(document["skills"])) == ("draft", 62)
    assert all("replaces" not in skill for skill in document["skills"])
    # The published edition reads as before and its document is public.
    assert client.get("/v1/frameworks/2026.1/document").json()["status"] == "published"


def test_edits_need_if_match_and_are_logged(editor: Editor, client: TestClient) -> None:  # type: ignore[type-arg]
    editor.create_draft()
    skill, etag = editor.read("skills/bid-writing")
    changed = {**skill, "description": "Writing winning funding bids."}

    assert_problem(editor.put("skills/bid-writing", changed, None), 428)
    assert_problem(editor.put("skills/bid-writing", changed, '"stale"'), 412)
    response = editor.put("skills/bid-writing", changed, etag)
    assert response.status_code == 200, response.text
    assert response.json()["description"] == "Writing winning funding bids."
    assert response.headers["etag"] != etag
    assert editor.read("skills/bid-writing")[1] == response.headers["etag"]
    # Writing the very same content again changes nothing (no new revision, no log line).
    again = editor.put("skills/bid-writing", changed, response.headers["etag"])
    assert again.status_code == 200

    log = client.get(f"{editor.base}/changes", headers=editor.headers).json()
    assert [(c["action"], c["kind"], c["item"], c["key_name"]) for c in log["items"]] == [
        ("create-draft", "edition", DRAFT, "framework"),
        ("update", "skills", "bid-writing", "framework"),
    ]
    update = log["items"][1]
    assert update["before"]["description"] != update["after"]["description"]
    assert update["at"].endswith(("Z", "+00:00"))
    assert update["revision"] == 2
    assert_problem(client.get(f"{editor.base}/changes"), 401)


def test_second_concurrent_editor_gets_412_and_no_update_is_lost(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
    editor: Editor,
) -> None:
    editor.create_draft()
    second = Editor(client, create_key(database_url, "IED editor", "framework:write"))
    mine, my_etag = editor.read("skills/bid-writing")
    theirs, their_etag = second.read("skills/bid-writing")
    other, other_etag = second.read("skills/communications")
    assert my_etag == their_etag

    assert (
        editor.put("skills/bid-writing", {**mine, "label": "Bid writing & funding bids"}, my_etag).status_code
        == 200
    )
    late = second.put("skills/bid-writing", {**theirs, "description": "Theirs"}, their_etag)
    body = assert_problem(late, 412)
    assert "changed since you read it" in str(body["detail"])
    # An edit of another item read before the first write still lands, and keeps the first one.
    assert (
        second.put("skills/communications", {**other, "description": "Clear writing"}, other_etag).status_code
        == 200
    )
    document = editor.document()
    skills = {skill["slug"]: skill for skill in document["skills"]}
    assert skills["bid-writing"]["label"] == "Bid writing & funding bids"
    assert skills["bid-writing"]["description"] != "Theirs"
    assert skills["communications"]["description"] == "Clear writing"
    names = [
        c["key_name"] for c in client.get(f"{editor.base}/changes", headers=editor.headers).json()["items"]
    ]
    assert names == ["framework", "framework", "IED editor"]


def _replace_skill(slug: str, changed: Skill, etag: str) -> editing.Edit:
    """The edit ``PUT …/skills/{slug}`` makes, with the ETag the editor read."""
    return editing.guarded(
        SKILLS, slug, etag, lambda framework: edits.replace_item(framework, SKILLS, slug, changed)
    )


async def _race(url: str) -> tuple[int, str, str]:
    """Two transactions edit the same item from the same read; the second must get 412."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.auth import Principal
    from api.db.engine import create_engine

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    principal = Principal(key_id=0, name="race", scopes=frozenset({"framework:write"}))
    refused = ""
    try:
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        async with sessions() as session:
            stored = await editing.load(session, DRAFT)
        skill = editing.find_item(stored.framework, SKILLS, "bid-writing")
        etag = item_etag("skills", skill)
        for description in ("first", "second"):
            changed = msgspec.structs.replace(skill, description=description)
            edit = _replace_skill("bid-writing", changed, etag)
            try:
                async with sessions() as session, session.begin():
                    await editing.apply_edit(session, principal, DRAFT, edit)
            except PreconditionFailed:
                refused = description
        async with sessions() as session:
            final = await editing.load(session, DRAFT)
        return (
            final.revision,
            refused,
            editing.find_item(final.framework, SKILLS, "bid-writing").description,
        )
    finally:
        await engine.dispose()


def test_the_document_write_is_guarded_by_its_revision(editor: Editor, database_url: str) -> None:
    editor.create_draft()
    assert asyncio.run(_race(database_url)) == (2, "second", "first")


async def _competing_edit(url: str, slug: str) -> None:
    """Editor B changes one skill's label, committing at once, on a connection of its own."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.auth import Principal
    from api.db.engine import create_engine

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            stored = await editing.load(session, DRAFT)
            skill = editing.find_item(stored.framework, SKILLS, slug)
            changed = msgspec.structs.replace(skill, label=skill.label + " (B)")
            edit = _replace_skill(slug, changed, item_etag("skills", skill))
            await editing.apply_edit(session, Principal(key_id=0, name="B", scopes=frozenset()), DRAFT, edit)
    finally:
        await engine.dispose()


async def _interleaved(url: str, competing_slug: str) -> tuple[str, int, int, list[str]]:
    """Editor A reads the draft and, between A's read and A's write, editor B commits (from
    another thread and connection, called from inside A's edit step). A's ``UPDATE … WHERE
    revision = :seen`` then matches nothing, and A's edit is applied again to the fresh document,
    re-checking A's If-Match: a different item lands, the same item gets 412."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.auth import Principal
    from api.db.engine import create_engine

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        async with sessions() as session:
            stored = await editing.load(session, DRAFT)
        mine = editing.find_item(stored.framework, SKILLS, "bid-writing")
        my_edit = _replace_skill(
            "bid-writing", msgspec.structs.replace(mine, description="A"), item_etag("skills", mine)
        )
        attempts: list[int] = []

        def edit_while_b_commits(framework: Framework) -> edits.Edited:
            attempts.append(1)
            if len(attempts) == 1:
                racer = threading.Thread(target=lambda: asyncio.run(_competing_edit(url, competing_slug)))
                racer.start()
                racer.join()
            return my_edit(framework)

        outcome = "applied"
        principal = Principal(key_id=0, name="A", scopes=frozenset({"framework:write"}))
        try:
            async with sessions() as session, session.begin():
                await editing.apply_edit(session, principal, DRAFT, edit_while_b_commits)
        except PreconditionFailed:
            outcome = "412"
        async with sessions() as session:
            final = await editing.load(session, DRAFT)
        skills = {skill.slug: skill for skill in final.framework.skills}
        labels = [skills["bid-writing"].description, skills[competing_slug].label]
        return outcome, final.revision, len(attempts), labels
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    ("competing_slug", "expected"),
    [
        ("communications", ("applied", 3, 2, ["A", "Communication & presentation (B)"])),
        ("bid-writing", ("412", 2, 2, [None, "Bid writing & funding applications (B)"])),
    ],
)
def test_an_edit_that_loses_the_race_is_reapplied_or_refused(
    editor: Editor, database_url: str, competing_slug: str, expected: tuple[Any, ...]
) -> None:
    editor.create_draft()
    outcome, revision, attempts, values = asyncio.run(_interleaved(database_url, competing_slug))
    original = editor.client.get("/v1/skills/bid-writing").json()["skill"]["description"]
    expected_values = [original if value is None else value for value in expected[3]]
    assert (outcome, revision, attempts, values) == (*expected[:3], expected_values)


def test_published_editions_are_immutable(editor: Editor, client: TestClient) -> None:  # type: ignore[type-arg]
    published = Editor(client, editor.headers["Authorization"].split()[1], version="2026.1")
    skill, etag = published.read("skills/bid-writing")
    assert_problem(published.put("skills/bid-writing", {**skill, "label": "X"}, etag), 409)
    assert_problem(published.delete("skills/bid-writing", etag), 409)
    assert_problem(published.post("categories", {"slug": "new", "name": "New"}), 409)
    assert_problem(published.publish(), 409)
    assert_problem(client.delete("/v1/frameworks/2026.1", headers=editor.headers), 409)
    assert client.get("/v1/skills/bid-writing").json()["skill"]["label"] == skill["label"]


def test_invalid_publish_lists_every_problem_and_changes_nothing(
    editor: Editor,
    client: TestClient,  # type: ignore[type-arg]
) -> None:
    editor.create_draft()
    assert (
        editor.post("skills", {"slug": "orphan", "label": "Orphan skill", "category": "nowhere"}).status_code
        == 201
    )
    _, etag = editor.read("roles/ed-officer")
    requirement = {"level": 2, "importance": "essential"}
    response = client.put(
        f"{editor.base}/roles/ed-officer/requirements/ghost-skill",
        json=requirement,
        headers={**editor.headers, "If-Match": etag},
    )
    assert response.status_code == 200, response.text
    evidence, evidence_etag = editor.read("skills/evidence-base")
    assert (
        editor.put(
            "skills/evidence-base", {**evidence, "replaces": ["never-existed"]}, evidence_etag
        ).status_code
        == 200
    )
    assert editor.delete("categories/digital", editor.read("categories/digital")[1]).status_code == 204

    report = client.get(f"{editor.base}/problems", headers=editor.headers).json()
    assert report["valid"] is False
    body = assert_problem(editor.publish(), 422)
    found = {(e["field"], e["message"]) for e in body["errors"]}
    assert ("skills[62] 'orphan'.category", "unknown category 'nowhere'") in found
    assert any(f.startswith("roles[1] 'ed-officer'.requirements[") and "ghost-skill" in m for f, m in found)
    assert any(f.endswith("'evidence-base'.replaces[0]") and "never-existed" in m for f, m in found)
    assert sum("unknown category 'digital'" in m for _, m in found) == 4
    assert len(body["errors"]) == len(report["problems"]) == 7
    assert {e["source"] for e in body["errors"]} == {"skills.yaml", "roles.yaml"}
    assert editor.document()["status"] == "draft"
    assert_problem(client.get("/v1/skills", params={"version": DRAFT}), 404)


def test_publish_retire_and_version_defaults(
    editor: Editor, client: TestClient, keys: dict[str, str]
) -> None:  # type: ignore[type-arg]
    editor.create_draft()
    assert_problem(client.post("/v1/frameworks/2026.1/retire", headers=editor.headers), 409)  # the only one
    skill, etag = editor.read("skills/bid-writing")
    editor.put("skills/bid-writing", {**skill, "label": "Funding bids & applications"}, etag)
    stale = client.post(
        f"{editor.base}/publish", headers={**editor.headers, "If-Match": '"edition-2026.2-1"'}
    )
    assert_problem(stale, 412)
    published = editor.publish()
    assert published.status_code == 200, published.text
    assert (published.json()["status"], published.json()["revision"]) == ("published", 3)

    assert client.get("/v1/skills/bid-writing").json()["version"] == DRAFT
    assert client.get("/v1/skills/bid-writing").json()["skill"]["label"] == "Funding bids & applications"
    old = client.get("/v1/skills/bid-writing", params={"version": "2026.1"}).json()
    assert old["skill"]["label"] == "Bid writing & funding applications"
    assert client.get(f"/v1/frameworks/{DRAFT}").json()["published_on"] is not None

    retired = client.post("/v1/frameworks/2026.1/retire", headers=editor.headers)
    assert retired.status_code == 200, retired.text
    listing = {item["version"]: item["status"] for item in client.get("/v1/frameworks").json()["items"]}
    assert listing == {"2026.1": "retired", DRAFT: "published"}
    assert client.get("/v1/skills", params={"version": "2026.1"}).status_code == 200
    audit = client.post(
        f"/v1/councils/{NEWCASTLE}/audits",
        json={"title": "Old", "audit_date": "2026-05-01", "framework_version": "2026.1"},
        headers=bearer(keys["newcastle"]),
    )
    assert_problem(audit, 422)
    assert_problem(client.post("/v1/frameworks/2026.1/retire", headers=editor.headers), 409)
    actions = [
        c["action"] for c in client.get(f"{editor.base}/changes", headers=editor.headers).json()["items"]
    ]
    assert actions == ["create-draft", "update", "publish"]


@pytest.mark.parametrize(
    ("kind", "slug", "item", "change"),
    [
        (
            "categories",
            "data-science",
            {"slug": "data-science", "name": "Data science"},
            {"name": "Data & AI"},
        ),
        (
            "skills",
            "ai-tools",
            {"slug": "ai-tools", "label": "AI tools", "category": "digital"},
            {"label": "AI"},
        ),
        (
            "roles",
            "data-officer",
            {
                "slug": "data-officer",
                "title": "Data officer",
                "band": 2,
                "requirements": [{"skill": "economic-data-analysis", "level": 2, "importance": "essential"}],
            },
            {"band": 3},
        ),
        (
            "scenarios",
            "ai-adoption",
            {
                "slug": "ai-adoption",
                "title": "AI adoption",
                "rows": [{"skill": "digital-economy", "level": 3, "headcount": 1, "importance": "essential"}],
            },
            {"title": "AI in ED"},
        ),
        (
            "training",
            "ai-course",
            {
                "slug": "ai-course",
                "provider": "Provider",
                "title": "AI for ED officers",
                "kind": "course",
                "mode": "online",
                "develops": [{"skill": "digital-economy", "from_level": 1, "to_level": 2}],
                "cost_gbp": 300,
                "days": 1,
            },
            {"cost_gbp": 350.0},
        ),
        (
            "pathways",
            "ed-trainee/ed-manager",
            {"from_role": "ed-trainee", "to_role": "ed-manager", "kind": "progression", "years_min": 6},
            {"years_max": 10},
        ),
    ],
)
def test_crud_of_every_kind_in_a_draft(
    editor: Editor, kind: str, slug: str, item: dict[str, Any], change: dict[str, Any]
) -> None:
    editor.create_draft()
    created = editor.post(kind, item)
    assert created.status_code == 201, created.text
    assert_problem(editor.post(kind, item), 409)
    read, etag = editor.read(f"{kind}/{slug}")
    assert read == created.json() and etag == created.headers["etag"]
    updated = editor.put(f"{kind}/{slug}", {**read, **change}, etag)
    assert updated.status_code == 200, updated.text
    assert all(updated.json()[field] == value for field, value in change.items())
    assert_problem(editor.delete(f"{kind}/{slug}", None), 428)
    assert_problem(editor.delete(f"{kind}/{slug}", etag), 412)
    assert editor.delete(f"{kind}/{slug}", updated.headers["etag"]).status_code == 204
    response = editor.client.get(f"{editor.base}/{kind}/{slug}", headers=editor.headers)
    assert_problem(response, 404)
    bad = editor.post(kind, {**item, "unexpected": 1})
    assert_problem(bad, 422)


def test_requirements_and_renames_follow_references(editor: Editor, client: TestClient) -> None:  # type: ignore[type-arg]
    editor.create_draft()
    role, etag = editor.read("roles/ed-officer")
    url = f"{editor.base}/roles/ed-officer/requirements/digital-economy"
    assert_problem(client.put(url, json={"level": 2, "importance": "important"}, headers=editor.headers), 428)
    added = client.put(
        url, json={"level": 2, "importance": "important"}, headers={**editor.headers, "If-Match": etag}
    )
    assert added.status_code == 200
    assert added.json()["requirements"][-1] == {
        "skill": "digital-economy",
        "level": 2,
        "importance": "important",
    }
    assert_problem(client.delete(url, headers={**editor.headers, "If-Match": etag}), 412)
    removed = client.delete(url, headers={**editor.headers, "If-Match": added.headers["etag"]})
    assert removed.status_code == 204
    assert editor.read("roles/ed-officer")[0] == role

    # Renaming a category moves its skills; renaming a role moves its pathway edges.
    editor.edit("categories/digital", slug="digital-data")
    assert editor.read("skills/gis-spatial-analysis")[0]["category"] == "digital-data"
    editor.edit("roles/ed-trainee", slug="ed-apprentice")
    edges = {(e["from_role"], e["to_role"]) for e in editor.document()["pathways"]}
    assert ("ed-apprentice", "ed-officer") in edges and not any("ed-trainee" in edge for edge in edges)
    assert client.get(f"{editor.base}/problems", headers=editor.headers).json()["valid"] is True


def test_national_body_demo_end_to_end(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    database_url: str,
) -> None:
    """Issue 7 'done when': shipped framework → draft 2026.2 with a renamed and a merged skill →
    publish → carry an audit forward → export SKOS → sector view."""
    editor = Editor(client, keys["framework"])
    admin = bearer(keys["admin"])
    own = bearer(keys["newcastle"])

    # Audits on 2026.1 first: Newcastle's team, and four more sharing councils.
    councils = [NEWCASTLE, GATESHEAD, "E08000022", "E08000023", "E08000024"]
    old_audits = {}
    for position, code in enumerate(councils):
        headers = own if code == NEWCASTLE else admin
        audit = client.post(
            f"/v1/councils/{code}/audits",
            json={"title": "2026 audit", "audit_date": "2026-06-01"},
            headers=headers,
        ).json()
        old_audits[code] = audit["id"]
        for reference, role in (("EDO-01", "ed-officer"), ("EDO-02", "ed-manager")):
            client.post(
                f"/v1/councils/{code}/audits/{audit['id']}/members",
                json={"reference": reference, "role": role},
                headers=headers,
            )
        levels = {
            "digital-economy": 3,
            "project-management": 4,
            "programme-management": 2,
            "bid-writing": position,
        }
        assessments = [
            {"member": "EDO-01", "skill": skill, "level": level, "source": "manager"}
            for skill, level in levels.items()
        ] + [{"member": "EDO-02", "skill": "programme-management", "level": 3, "source": "manager"}]
        written = client.put(
            f"/v1/councils/{code}/audits/{audit['id']}/assessments",
            json={"assessments": assessments},
            headers=headers,
        )
        assert written.status_code == 200, written.text
        assert (
            client.put(
                f"/v1/councils/{code}/sharing", json={"share_capability": True}, headers=headers
            ).status_code
            == 200
        )

    # 1. Draft 2026.2 from the shipped edition.
    editor.create_draft()
    # 2. Rename a skill: a new slug; `replaces` records the old one.
    renamed = editor.edit(
        "skills/digital-economy",
        slug="digital-ai-economy",
        label="Digital economy, automation & AI",
        crosswalks={"esco": ESCO_EXACT, "esco_close": [ESCO_CLOSE]},
    )
    assert renamed["replaces"] == ["digital-economy"]
    # 3. Merge two skills into one: project management folds into programme management.
    _, etag = editor.read("skills/project-management")
    assert (
        editor.delete("skills/project-management", etag, merge_into="programme-management").status_code == 204
    )
    merged = editor.read("skills/programme-management")[0]
    assert merged["replaces"] == ["project-management"]
    assert "Project management" in merged["alt_labels"]
    # 4. Publish.
    published = editor.publish()
    assert published.status_code == 200, published.text
    assert client.get("/v1/frameworks").json()["items"][-1]["counts"]["skills"] == 61

    # 5. Carry Newcastle's audit forward.
    carried = client.post(
        f"/v1/councils/{NEWCASTLE}/audits/{old_audits[NEWCASTLE]}/carry-forward",
        params={"to": DRAFT},
        headers=own,
    )
    assert carried.status_code == 201, carried.text
    result = carried.json()
    assert {m["skill"]: m["to"] for m in result["changed"]} == {
        "digital-economy": ["digital-ai-economy"],
        "project-management": ["programme-management"],
    }
    assert result["unmapped_skills"] == []
    new_id = result["audit"]["id"]
    members = client.get(f"/v1/councils/{NEWCASTLE}/audits/{new_id}/members", headers=own).json()["items"]
    levels = {m["reference"]: m["effective_levels"] for m in members}
    assert levels["EDO-01"] == {"bid-writing": 0, "digital-ai-economy": 3, "programme-management": 4}
    assert levels["EDO-02"] == {"programme-management": 3}

    # 6. Export SKOS and read it as RDF.
    skos = client.get(f"/v1/frameworks/{DRAFT}/export", params={"format": "skos"})
    assert skos.headers["content-type"].startswith("application/ld+json")
    graph = parse_jsonld(skos.text)
    # Concept URIs follow EDSKILLS_PUBLIC_URL (default http://{host}:{port}), never the Host header.
    concept = rdflib.URIRef(f"http://127.0.0.1:8000/v1/frameworks/{DRAFT}/skills/digital-ai-economy")
    assert (
        concept,
        SKOS.prefLabel,
        rdflib.Literal("Digital economy, automation & AI", lang="en-GB"),
    ) in graph
    assert (concept, SKOS.exactMatch, rdflib.URIRef(ESCO_EXACT)) in graph
    assert (concept, SKOS.closeMatch, rdflib.URIRef(ESCO_CLOSE)) in graph
    old_concept = rdflib.URIRef("http://127.0.0.1:8000/v1/frameworks/2026.1/skills/digital-economy")
    assert (concept, DCTERMS.replaces, old_concept) in graph

    # 7. The sector view on 2026.2, for the other councils carried forward too.
    for code in councils[1:]:
        response = client.post(
            f"/v1/councils/{code}/audits/{old_audits[code]}/carry-forward",
            params={"to": DRAFT},
            headers=admin,
        )
        assert response.status_code == 201
    national = bearer(create_key(database_url, "LGA analyst", "national:read"))
    view = client.get("/v1/analytics/sector", params={"role": "ed-officer"}, headers=national).json()
    assert view["version"] == DRAFT and view["overall"]["councils"] == 5
    cells = {cell["skill"]: cell for cell in view["overall"]["cells"]}
    # Bid writing at level 2 (essential): levels 0,1 → red; 2,3,4 → one person each → amber.
    assert (cells["bid-writing"]["red"], cells["bid-writing"]["amber"], cells["bid-writing"]["green"]) == (
        40.0,
        60.0,
        0.0,
    )
    north_east = next(group for group in view["by_region"] if group["key"] == "North East")
    assert north_east["councils"] == 5
    london = next(group for group in view["by_region"] if group["key"] == "London")
    assert london["suppressed"] is True and london["councils"] is None
    table = list(
        csv.DictReader(
            io.StringIO(
                client.get("/v1/analytics/sector.csv", params={"role": "ed-officer"}, headers=national).text
            )
        )
    )
    assert {row["group"] for row in table if row["breakdown"] == "region"} >= {"North East", "London"}
