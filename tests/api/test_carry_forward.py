"""Carrying an audit forward to a later edition through ``replaces``: renamed, merged and removed
skills, members kept, and everything that could not be mapped reported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.testing import TestClient

from tests.api.national import DRAFT, Editor
from tests.api.test_system import assert_problem
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import new_audit, post

COUNCIL = f"/v1/councils/{NEWCASTLE}/audits"


def make_audit(client: TestClient, key: str) -> str:  # type: ignore[type-arg]
    headers = bearer(key)
    audit = new_audit(client, key, "Team 2026", "2026-06-01")
    for reference, role in (("EDO-01", "ed-officer"), ("EA-01", "economic-analyst"), ("TR-01", "ed-trainee")):
        post(client, key, f"/audits/{audit}/members", {"reference": reference, "role": role})
    rows: list[dict[str, Any]] = [
        # merged: project-management (4) and programme-management (2) → programme-management 4
        {"member": "EDO-01", "skill": "project-management", "level": 4, "source": "manager"},
        {"member": "EDO-01", "skill": "programme-management", "level": 2, "source": "manager"},
        # a verified level is kept apart from a higher self-assessment of the other merged skill
        {"member": "EA-01", "skill": "programme-management", "level": 1, "source": "verified"},
        {"member": "EA-01", "skill": "project-management", "level": 3, "source": "self"},
        # renamed
        {
            "member": "EA-01",
            "skill": "data-visualisation",
            "level": 3,
            "source": "manager",
            "evidence": "dashboards",
        },
        # removed with no replacement
        {"member": "EDO-01", "skill": "careers-links", "level": 2, "source": "manager"},
        {"member": "TR-01", "skill": "careers-links", "level": 1, "source": "self"},
        # unchanged
        {"member": "TR-01", "skill": "communications", "level": 2, "source": "manager"},
    ]
    response = client.put(f"{COUNCIL}/{audit}/assessments", json={"assessments": rows}, headers=headers)
    assert response.status_code == 200, response.text
    return audit


def publish_2026_2(client: TestClient, key: str) -> None:  # type: ignore[type-arg]
    editor = Editor(client, key)
    editor.create_draft()
    editor.edit("skills/data-visualisation", slug="data-storytelling")
    _, etag = editor.read("skills/project-management")
    assert (
        editor.delete("skills/project-management", etag, merge_into="programme-management").status_code == 204
    )
    _, etag = editor.read("skills/careers-links")
    assert editor.delete("skills/careers-links", etag).status_code == 204
    # Drop what referred to careers-links, and the trainee role, so the edition is valid.
    _, etag = editor.read("roles/employment-skills-officer")
    url = f"{editor.base}/roles/employment-skills-officer/requirements/careers-links"
    assert client.delete(url, headers={**editor.headers, "If-Match": etag}).status_code == 204
    for option in editor.document()["training"]:
        if any(d["skill"] == "careers-links" for d in option["develops"]):
            kept = [d for d in option["develops"] if d["skill"] != "careers-links"]
            if kept:
                editor.edit(f"training/{option['slug']}", develops=kept)
            else:
                editor.delete(f"training/{option['slug']}", editor.read(f"training/{option['slug']}")[1])
    for edge in editor.document()["pathways"]:
        if "ed-trainee" in (edge["from_role"], edge["to_role"]):
            path = f"pathways/{edge['from_role']}/{edge['to_role']}"
            assert editor.delete(path, editor.read(path)[1]).status_code == 204
    assert editor.delete("roles/ed-trainee", editor.read("roles/ed-trainee")[1]).status_code == 204
    response = editor.publish()
    assert response.status_code == 200, response.text


def test_carry_forward_maps_renamed_merged_and_removed_skills(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    audit = make_audit(client, keys["newcastle"])
    publish_2026_2(client, keys["framework"])
    own = bearer(keys["newcastle"])
    response = client.post(f"{COUNCIL}/{audit}/carry-forward", params={"to": DRAFT}, headers=own)
    assert response.status_code == 201, response.text
    result = response.json()
    assert (result["from_version"], result["to_version"], result["members"]) == ("2026.1", DRAFT, 3)
    assert result["audit"]["framework_version"] == DRAFT
    assert response.headers["etag"]
    assert {m["skill"]: m["to"] for m in result["changed"]} == {
        "data-visualisation": ["data-storytelling"],
        "project-management": ["programme-management"],
    }
    assert result["unmapped_skills"] == [
        {"skill": "careers-links", "assessments": 2, "members": 2, "removed_in": DRAFT}
    ]
    assert result["unmapped_roles"] == [{"member": "TR-01", "role": "ed-trainee"}]
    assert result["assessments"] == 5

    members = {
        m["reference"]: m
        for m in client.get(f"{COUNCIL}/{result['audit']['id']}/members", headers=own).json()["items"]
    }
    assert members["EDO-01"]["effective_levels"] == {"programme-management": 4}
    assert members["EA-01"]["assessments"] == [
        {"skill": "data-storytelling", "source": "manager", "level": 3, "evidence": "dashboards"},
        {"skill": "programme-management", "source": "verified", "level": 1},
        {"skill": "programme-management", "source": "self", "level": 3},
    ]
    assert members["EA-01"]["effective_levels"]["programme-management"] == 1
    assert (members["TR-01"]["role"], members["EDO-01"]["role"]) == (None, "ed-officer")
    # The old audit is untouched.
    old = client.get(f"{COUNCIL}/{audit}", headers=own).json()
    assert (old["framework_version"], old["assessments"]) == ("2026.1", 8)


def test_carry_forward_to_the_same_edition_copies_and_bad_targets_are_refused(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    row_counts: Callable[[], dict[str, int]],
) -> None:
    audit = make_audit(client, keys["newcastle"])
    own = bearer(keys["newcastle"])
    copy = client.post(f"{COUNCIL}/{audit}/carry-forward", params={"to": "2026.1"}, headers=own).json()
    assert (copy["assessments"], copy["changed"], copy["unmapped_skills"]) == (8, [], [])
    before = row_counts()
    assert_problem(client.post(f"{COUNCIL}/{audit}/carry-forward", params={"to": "2030.1"}, headers=own), 404)
    assert_problem(client.post(f"{COUNCIL}/{audit}/carry-forward", headers=own), 400)
    Editor(client, keys["framework"]).create_draft()
    assert_problem(client.post(f"{COUNCIL}/{audit}/carry-forward", params={"to": DRAFT}, headers=own), 404)
    assert_problem(
        client.post(
            f"{COUNCIL}/{audit}/carry-forward", params={"to": "2026.1"}, headers=bearer(keys["gateshead"])
        ),
        404,
    )
    assert row_counts() == before  # no refused carry-forward wrote an audit, member or assessment
