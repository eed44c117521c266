"""Bad bytes are 4xx problem+json on both databases, never a 500 (issue 12).

- bytes that are not JSON, not UTF-8 or nested deeper than 32 levels: 400 on every JSON route;
- JSON that does not fit the schema (a control character in a text, a string for a number, an
  unknown field): 422 naming the field, nothing written;
- a control character in a query or path parameter: 400 naming the parameter;
- the OpenAPI document states what decoding enforces; a failing statement logs no personal data
  and no key.
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import text

from api.app import create_app
from api.db.engine import create_engine
from api.json_bodies import MAX_JSON_DEPTH
from api.settings import Settings
from tests.api.national import DRAFT, Editor
from tests.api.test_system import assert_problem
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import COUNCIL, team_audit

JSON = {"content-type": "application/json"}
PATH_VALUES = {
    "code": NEWCASTLE,
    "audit_id": str(uuid.UUID(int=1)),
    "needs_id": str(uuid.UUID(int=2)),
    "version": DRAFT,
    "slug": "bid-writing",
    "skill": "bid-writing",
    "reference": "EDO-01",
    "from_role": "ed-officer",
    "to_role": "ed-manager",
    "round_id": str(uuid.UUID(int=3)),
    "token": "x" * 32,
    "subscription_id": str(uuid.UUID(int=4)),
    "person_id": "1",
    "grant": "editor",
    "other": "2026.1",
}


def json_routes(app: Litestar) -> list[tuple[str, str]]:
    """Every (method, concrete path) whose handler takes a JSON body, public matching included."""
    routes = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            data = handler.parsed_data_field
            if data is None or not data.is_subclass_of(msgspec.Struct):  # the import is multipart
                continue
            path = re.sub(r"\{(\w+):\w+\}", lambda m: PATH_VALUES[m.group(1)], route.path)
            routes.extend((method, path) for method in handler.http_methods)
    return sorted(routes)


def nested(depth: int) -> bytes:
    """``{"texts": [[…["x"]…]]}``: arrays and objects ``depth`` levels deep in all."""
    return b'{"texts": ' + b"[" * (depth - 1) + b'"x"' + b"]" * (depth - 1) + b"}"


BAD_BYTES = [
    pytest.param(b'{"title": "\xff\xfe caf\xe9"}', "not valid JSON: not UTF-8", id="invalid-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, f"nested deeper than {MAX_JSON_DEPTH}", id="deep-arrays"),
    pytest.param(
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000, f"nested deeper than {MAX_JSON_DEPTH}", id="deep"
    ),
    pytest.param(b'{"texts": [', "not valid JSON", id="truncated"),
    pytest.param(b'{"texts": ["\\ud800"]}', "not valid JSON", id="lone-surrogate"),
]


@pytest.mark.parametrize(("body", "detail"), BAD_BYTES)
def test_bad_bytes_are_400_on_every_json_route(client: TestClient, body: bytes, detail: str) -> None:
    routes = json_routes(client.app)
    assert ("POST", "/v1/match/skills") in routes and len(routes) >= 20
    for method, path in routes:
        problem = assert_problem(client.request(method, path, content=body, headers=JSON), 400)
        assert detail in str(problem["detail"]), (method, path, problem)
        assert problem["errors"] == [
            {"field": "body", "message": problem["errors"][0]["message"], "source": "body"}
        ]  # type: ignore[index]


def test_the_depth_limit_is_exact(client: TestClient) -> None:
    """32 levels are decoded (and refused by the schema: 422); 33 are refused as bytes (400)."""
    at_limit = assert_problem(
        client.post("/v1/match/skills", content=nested(MAX_JSON_DEPTH), headers=JSON), 422
    )
    assert at_limit["errors"][0]["field"] == "texts[0]"  # type: ignore[index]
    over = assert_problem(
        client.post("/v1/match/skills", content=nested(MAX_JSON_DEPTH + 1), headers=JSON), 400
    )
    assert "nested deeper than 32 levels" in str(over["detail"])


def _fields(problem: dict[str, object]) -> list[str]:
    return [error["field"] for error in problem["errors"]]  # type: ignore[attr-defined, index]


@pytest.fixture
def team(client: TestClient, keys: dict[str, str]) -> str:
    return team_audit(client, keys["newcastle"], {"EDO-01": {"bid-writing": 2}, "EDO-02": {}})


CONTROL_TEXTS = ["A\x00B", "tab\there", "line\nbreak", "bell\x07", "esc\x1b[31m", "del\x7f", "trailing\n"]
"""Refused in every one-line text; the note type allows only the tab and the line breaks."""


@pytest.mark.parametrize("bad", CONTROL_TEXTS, ids=repr)
def test_control_characters_in_text_fields_are_422_naming_the_field(
    client: TestClient,
    keys: dict[str, str],
    team: str,
    row_counts: Callable[[], dict[str, int]],
    bad: str,
) -> None:
    key = bearer(keys["newcastle"])
    audits = f"{COUNCIL}/audits"
    member = f"{audits}/{team}/members/EDO-01"
    matrix = [{"member": "EDO-01", "skill": "bid-writing", "level": 1}] * 3
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", audits, {"title": bad, "audit_date": "2026-10-01"}, "title"),
        ("PATCH", f"{audits}/{team}", {"title": bad}, "title"),
        ("POST", f"{audits}/{team}/members", {"reference": "EDO-09", "display_name": bad}, "display_name"),
        ("PATCH", member, {"display_name": bad}, "display_name"),
        ("POST", f"{COUNCIL}/needs", {"title": bad, "establishment": {"ed-officer": 1}}, "title"),
        ("POST", "/v1/match/skills", {"texts": ["bid writing", bad]}, "texts[1]"),
        ("POST", "/v1/match/roles", {"texts": [bad]}, "texts[0]"),
    ]
    if bad not in {"tab\there", "line\nbreak", "trailing\n"}:
        evidence = [*matrix, {"member": "EDO-02", "skill": "bid-writing", "level": 2, "evidence": bad}]
        cases.append(
            ("PUT", f"{audits}/{team}/assessments", {"assessments": evidence}, "assessments[3].evidence")
        )
    before = row_counts()
    for method, path, body, field in cases:
        problem = assert_problem(client.request(method, path, json=body, headers=key), 422)
        assert _fields(problem) == [field], (method, path, problem)
        assert "control characters" in str(problem["detail"])
    assert row_counts() == before


def test_notes_keep_tabs_and_line_breaks(client: TestClient, keys: dict[str, str], team: str) -> None:
    note = "Led the bid.\r\n\tSee the file note.\n"
    body = {"assessments": [{"member": "EDO-02", "skill": "bid-writing", "level": 3, "evidence": note}]}
    response = client.put(
        f"{COUNCIL}/audits/{team}/assessments", json=body, headers=bearer(keys["newcastle"])
    )
    assert response.status_code == 200, response.text
    member = client.get(f"{COUNCIL}/audits/{team}/members/EDO-02", headers=bearer(keys["newcastle"])).json()
    assert member["assessments"][0]["evidence"] == note


def test_framework_items_refuse_control_characters_too(client: TestClient, keys: dict[str, str]) -> None:
    """Draft edits take the file-format Structs as bodies; the decoder's safety net refuses
    what no text allows (tab and line breaks stay allowed, as in the YAML files)."""
    editor = Editor(client, keys["framework"])
    editor.create_draft()
    skill = {"slug": "ai-tools", "label": "AI tools", "category": "funding"}
    cases = [
        ({**skill, "label": "AI\x00tools"}, ["label"]),
        ({**skill, "description": "x\x1by"}, ["description"]),
        ({**skill, "alt_labels": ["ok", "bad\x7f"]}, ["alt_labels[1]"]),
        (
            {**skill, "crosswalks": {"sfia": "A\x00", "apprenticeship": "B\x01"}},
            ["crosswalks.apprenticeship", "crosswalks.sfia"],
        ),
    ]
    for body, fields in cases:
        assert _fields(assert_problem(editor.post("skills", body), 422)) == fields
    created = editor.post("skills", {**skill, "description": "Line one.\n\tLine two."})
    assert created.status_code == 201, created.text
    role_titles = assert_problem(
        client.post("/v1/frameworks", json={"version": "2026.3", "title": "T\x00"}, headers=editor.headers),
        422,
    )
    assert _fields(role_titles) == ["title"]


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/v1/councils", "region=North%00East", "region"),
        ("/v1/councils", "q=new%0Acastle", "q"),
        ("/v1/councils", "type=met%7F", "type"),
        ("/v1/skills", "q=bid%1Fwriting&limit=5", "q"),
        ("/v1/councils", "re%00gion=x", "re\\x00gion"),
        (f"{COUNCIL}/audits", "limit=5&offset=0&tag=%09", "tag"),
    ],
)
def test_control_characters_in_query_parameters_are_400_naming_it(
    client: TestClient, keys: dict[str, str], path: str, params: str, name: str
) -> None:
    response = client.get(f"{path}?{params}", headers=bearer(keys["newcastle"]))
    problem = assert_problem(response, 400)
    assert problem["errors"] == [
        {
            "field": name,
            "message": "must not contain control characters (U+0000–U+001F, U+007F)",
            "source": "query",
        }
    ]


@pytest.mark.parametrize(("params", "field"), [("limit=0", "limit"), ("offset=-1", "offset")])
def test_invalid_query_parameters_name_their_source_as_query(
    client: TestClient, params: str, field: str
) -> None:
    """litestar hands the source as a ``ParamType`` enum: the problem says ``query``, not its repr."""
    problem = assert_problem(client.get(f"/v1/skills?{params}"), 400)
    assert [(error["field"], error["source"]) for error in problem["errors"]] == [(field, "query")]


def test_control_characters_in_path_parameters_are_400_naming_it(
    client: TestClient, keys: dict[str, str], team: str
) -> None:
    response = client.get(f"{COUNCIL}/audits/{team}/members/EDO%0001", headers=bearer(keys["newcastle"]))
    assert _fields(assert_problem(response, 400)) == ["reference"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/match/skills", {"texts": ["x"], "limit": "3"}, "limit"),
        ("/v1/match/skills", {"texts": ["x"], "limit": 3.0}, "limit"),
        ("/v1/match/skills", {"texts": [3]}, "texts[0]"),
        (f"{COUNCIL}/sharing", {"share_capability": "true"}, "share_capability"),
        (f"{COUNCIL}/sharing", {"share_capability": 1}, "share_capability"),
        (f"{COUNCIL}/needs", {"title": "N", "establishment": {"ed-officer": "2"}}, "establishment[...]"),
        (f"{COUNCIL}/needs", {"title": "N", "colour": "red"}, "colour"),
        (f"{COUNCIL}/needs", {"establishment": {}}, "title"),
        ("/v1/learning-sets/plan", {"topic": "funding", "councils": [NEWCASTLE], "extra": None}, "extra"),
    ],
)
def test_strict_types_and_unknown_fields_are_422_naming_the_field(
    client: TestClient, keys: dict[str, str], path: str, body: dict[str, Any], field: str
) -> None:
    method = "PUT" if path.endswith("/sharing") else "POST"
    response = client.request(method, path, json=body, headers=bearer(keys["admin"]))
    assert _fields(assert_problem(response, 422)) == [field]


def test_strict_types_name_the_item_in_a_bulk_write(
    client: TestClient, keys: dict[str, str], team: str, row_counts: Callable[[], dict[str, int]]
) -> None:
    before = row_counts()
    matrix = [{"member": "EDO-01", "skill": "bid-writing", "level": 2}] * 3
    url = f"{COUNCIL}/audits/{team}/assessments"
    key = bearer(keys["newcastle"])
    as_text = {"assessments": [*matrix, {"member": "EDO-02", "skill": "bid-writing", "level": "3"}]}
    assert _fields(assert_problem(client.put(url, json=as_text, headers=key), 422)) == [
        "assessments[3].level"
    ]
    unknown = {"assessments": [{**matrix[0], "confidence": "high"}]}
    assert _fields(assert_problem(client.put(url, json=unknown, headers=key), 422)) == [
        "assessments[0].confidence"
    ]
    member = f"{COUNCIL}/audits/{team}/members"
    fte_text = {"reference": "EDO-07", "fte": "0.5"}
    assert _fields(assert_problem(client.post(member, json=fte_text, headers=key), 422)) == ["fte"]
    assert row_counts() == before
    # Query strings are text: their numbers and booleans are still converted.
    assert client.get("/v1/skills", params={"limit": "5"}).json()["limit"] == 5


# --- the OpenAPI document says what is enforced ----------------------------------------


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('spec') / 'unused.db'}"
    document: dict[str, Any] = create_app(Settings.from_env({}, database_url=url)).openapi_schema.to_schema()
    return document


def _walk(
    node: Any, components: dict[str, Any], seen: frozenset[str], found: list[tuple[str, dict[str, Any]]]
) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, components, seen, found)
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            found.append((name, components[name]))
            _walk(components[name], components, seen | {name}, found)
        return
    found.append(("", node))
    for value in node.values():
        _walk(value, components, seen, found)


def _types(value: Any) -> set[str]:
    """A schema's ``type`` as a set (it may be a name, a list, or a list of lists here)."""
    if isinstance(value, list):
        return set().union(*(_types(item) for item in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def _numbers_unbounded(schema: dict[str, Any]) -> bool:
    numeric = bool({"integer", "number"} & _types(schema.get("type")))
    bounded = ("minimum" in schema or "exclusiveMinimum" in schema) and (
        "maximum" in schema or "exclusiveMaximum" in schema
    )
    return numeric and not bounded


def test_request_bodies_refuse_unknown_fields_and_bound_every_number(spec: dict[str, Any]) -> None:
    components = spec["components"]["schemas"]
    checked = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            found: list[tuple[str, dict[str, Any]]] = []
            if body:
                _walk(body["schema"], components, frozenset(), found)
            for name, schema in found:
                if name:
                    checked.add(name)
                    assert schema.get("additionalProperties") is False, (method, path, name)
                assert not _numbers_unbounded(schema), (method, path, name, schema)
            for parameter in operation.get("parameters", []):
                schema = parameter["schema"]
                merged = {**schema, "type": [option.get("type") for option in schema.get("oneOf", [schema])]}
                assert not _numbers_unbounded(merged), (method, path, parameter["name"], schema)
    assert {"AssessmentBulk", "AssessmentIn", "MatchRequest", "NeedsCreate", "Skill", "Sharing"} <= checked
    assert components["MemberUpdate"]["properties"]["fte"]["anyOf"][0]["minimum"] == 0
    assert components["NeedsCreate"]["properties"]["establishment"]["additionalProperties"]["minimum"] == 0
    assert components["MatchRequest"]["properties"]["texts"]["items"]["maxLength"] == 500


def test_text_fields_state_the_control_character_rule(spec: dict[str, Any]) -> None:
    components = spec["components"]["schemas"]
    assert components["AuditCreate"]["properties"]["title"]["pattern"] == r"^[^\x00-\x1f\x7f]*$(?!\n)"
    evidence = components["AssessmentIn"]["properties"]["evidence"]["anyOf"][0]
    assert evidence["pattern"] == r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"
    assert components["Skill"]["properties"]["label"]["pattern"] == evidence["pattern"]


# --- what reaches the log ---------------------------------------------------------------

SECRET_NAME = "Alexandra Quincey-Marsh"
SECRET_EVIDENCE = "Confidential appraisal note 7731"


FAILING_WRITES = [("members", "UPDATE"), ("assessments", "INSERT")]


async def _fail_writes(url: str) -> None:
    """Make every write of a member or an assessment fail inside the database, with its values
    as the statement's parameters: a trigger that reads a table that does not exist."""
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    statements = (
        [
            f"CREATE TRIGGER fail_{table} BEFORE {event} ON {table} BEGIN SELECT * FROM no_such_table; END"
            for table, event in FAILING_WRITES
        ]
        if url.startswith("sqlite")
        else [
            "CREATE FUNCTION fail_write() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN PERFORM * FROM no_such_table; RETURN NEW; END $$",
            *(
                f"CREATE TRIGGER fail_{table} BEFORE {event} ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION fail_write()"
                for table, event in FAILING_WRITES
            ),
        ]
    )
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await engine.dispose()


def test_failing_statements_log_no_names_evidence_or_keys(
    client: TestClient, keys: dict[str, str], team: str, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    key = keys["newcastle"]
    asyncio.run(_fail_writes(database_url))
    caplog.set_level(logging.DEBUG)
    renamed = client.patch(
        f"{COUNCIL}/audits/{team}/members/EDO-01", json={"display_name": SECRET_NAME}, headers=bearer(key)
    )
    body = {
        "assessments": [{"member": "EDO-02", "skill": "bid-writing", "level": 2, "evidence": SECRET_EVIDENCE}]
    }
    noted = client.put(f"{COUNCIL}/audits/{team}/assessments", json=body, headers=bearer(key))
    for response in (renamed, noted):
        assert response.status_code in {500, 503}, response.text
        assert SECRET_NAME not in response.text and SECRET_EVIDENCE not in response.text
    logged = caplog.text
    assert "no_such_table" in logged, "the failures were logged (with their SQL)"
    assert "[SQL parameters hidden due to hide_parameters=True]" in logged
    # eds_<prefix>_<secret>: the secret itself may hold "_", so split from the left
    for secret in (SECRET_NAME, SECRET_EVIDENCE, key, key.split("_", 2)[2]):
        assert secret not in logged
