"""Auth in the spec (issue 13): every operation states its security requirement, and what it states is
what the real app does. A keyed operation answers 401 without a key; a public or optional-key one never
does. Path parameters are real ids (a seeded council, an audit with a member, a needs profile, real
framework slugs), so each request reaches the operation it names, on both databases."""

from __future__ import annotations

import re
import uuid
from typing import Any

from litestar.testing import TestClient

from api.app import create_app
from api.openapi_security import SCHEME
from api.settings import Settings
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import post, team_audit

METHODS = ("get", "put", "post", "delete", "patch")
SLUGS = {
    "skills": "bid-writing",
    "roles": "ed-officer",
    "scenarios": "lep-integration",
    "training": "ied-intro-economic-development",
    "categories": "strategy",
}
TEAM_CSV = b"Reference,Role,Bid writing\nEDO-02,ed-officer,2\n"


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def real_path(path: str, ids: dict[str, str]) -> str:
    """``path`` with each parameter replaced by a real value (a slug by the collection before it)."""

    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name == "slug":
            collection = path[: match.start()].rstrip("/").rsplit("/", 1)[-1]
            return SLUGS[collection]
        return ids[name]

    return re.sub(r"\{([a-z_]+)\}", value, path)


def valid_request(
    client: TestClient,  # type: ignore[type-arg]
    operation: dict[str, Any],
    path: str,
    ids: dict[str, str],
) -> dict[str, Any]:
    """A body and query that pass validation (litestar checks them before the key), so the key is
    what is judged: fixed values for the audit slice, the real item for a framework edit."""
    query = {
        name: {"budget_gbp": "5000", "budget_days": "20"}.get(name, ids.get(name, ""))
        for name in (
            p["name"] for p in operation.get("parameters", []) if p.get("required") and p["in"] == "query"
        )
    }
    request: dict[str, Any] = {"params": query}
    if "requestBody" not in operation:
        return request
    fixed: dict[str, Any] = {
        "createAudit": {"title": "Audit", "audit_date": "2026-10-01"},
        "createMember": {"reference": "EDO-02", "role": "ed-officer"},
        "upsertAssessments": {"assessments": [{"member": "EDO-01", "skill": "bid-writing", "level": 3}]},
        "createNeeds": {"title": "Needs", "establishment": {"ed-officer": 1}},
        "setSharing": {"share_capability": True},
        "planLearningSets": {"topic": "bid-writing", "councils": [NEWCASTLE]},
        "createDraft": {"version": "2027.1"},
        "putFrameworkRequirement": {"level": 2, "importance": "essential"},
        "matchSkills": {"texts": ["bid writing"]},
        "matchRoles": {"texts": ["officer"]},
        "invitePerson": {"email": "lee@example.gov.uk", "display_name": "Lee", "grants": ["analyst"]},
        "createWebhookSubscription": {
            "url": "https://hooks.example.org/e",
            "events": ["framework.published"],
        },
        "openRound": {"title": "Round", "due_date": "2026-12-31"},
        "issueRoundLinks": {},
        "emailRoundLinks": {},
        "remindRound": {},
        "verifyRound": {},
        "setManagerLevels": {"levels": [{"skill": "bid-writing", "level": 2}]},
        "saveSelfAssessmentDraft": {"answers": []},
        "submitSelfAssessment": {"answers": []},
    }
    operation_id = operation["operationId"]
    if operation_id in {"importSpreadsheet", "importAudit"}:
        request["files"] = {"file": ("team.csv", TEAM_CSV, "text/csv")}
    elif operation_id in fixed or operation_id.startswith("update"):
        request["json"] = fixed.get(operation_id, {})
    else:  # a framework item: the published item itself (create: its collection's first item)
        item = real_path(path, ids)
        if not path.endswith("}"):
            item += (
                "/ed-trainee/ed-officer"
                if path.endswith("/pathways")
                else "/" + SLUGS[path.rsplit("/", 1)[1]]
            )
        response = client.get(item)
        assert response.status_code == 200, (item, response.text)
        request["json"] = response.json()
    return request


def is_keyed(operation: dict[str, Any]) -> bool:
    """A key is required unless one alternative of the requirement is empty (public)."""
    return bool(operation["security"]) and {} not in operation["security"]


def test_every_operation_states_its_security_and_the_scheme_is_bearer(settings: Settings) -> None:
    document = create_app(settings).openapi_schema.to_schema()
    assert document["components"]["securitySchemes"][SCHEME] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"][SCHEME]["description"],
    }
    assert "admin" in document["components"]["securitySchemes"][SCHEME]["description"]
    unstated = [
        operation["operationId"] for _, _, operation in operations(document) if "security" not in operation
    ]
    assert unstated == []
    by_id = {operation["operationId"]: operation["security"] for _, _, operation in operations(document)}
    assert by_id["getAudit"] == [{SCHEME: ["council:{code}"]}]
    assert by_id["getSectorView"] == [{SCHEME: ["national:read"]}]
    assert by_id["planLearningSets"] == [{SCHEME: ["council:{councils}"]}]
    assert by_id["matchSkills"] == [{}, {SCHEME: []}]
    assert by_id["getFrameworkDocument"] == [{}, {SCHEME: ["framework:write"]}]
    assert by_id["listSkills"] == []
    assert by_id["getHealth"] == []


def test_keyed_operations_refuse_a_missing_key_and_no_other_does(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    document = client.app.openapi_schema.to_schema()
    admin = keys["admin"]
    audit_id = team_audit(client, admin, {"EDO-01": {"bid-writing": 2}})
    needs_id = post(client, admin, "/needs", {"title": "Needs", "establishment": {"ed-officer": 1}})["id"]
    ids = {
        "code": NEWCASTLE,
        "audit_id": audit_id,
        "reference": "EDO-01",
        "needs_id": needs_id,
        "version": "2026.1",
        "from_role": "ed-trainee",
        "to_role": "ed-officer",
        "needs": needs_id,
        "from": audit_id,
        "to": audit_id,
        "skill": "bid-writing",
        "other": "2026.1",
        "round_id": str(uuid.UUID(int=3)),
        "token": "x" * 32,
        "subscription_id": str(uuid.UUID(int=4)),
        "person_id": "1",
        "grant": "editor",
    }
    wrong: list[tuple[str, bool, int, str]] = []
    for method, path, operation in operations(document):
        request = valid_request(client, operation, path, ids)
        response = client.request(method.upper(), real_path(path, ids), **request)
        keyed = is_keyed(operation)
        refused = response.status_code == 401
        if keyed != refused:
            wrong.append((operation["operationId"], keyed, response.status_code, response.text[:120]))
        if refused:
            assert response.headers["www-authenticate"] == 'Bearer realm="edskills"'
    assert wrong == [], "\n".join(map(str, wrong))
    # The key named in the requirement is what lets the caller in: the audit answers to its council.
    assert (
        client.get(
            f"/v1/councils/{NEWCASTLE}/audits/{audit_id}", headers=bearer(keys["newcastle"])
        ).status_code
        == 200
    )
