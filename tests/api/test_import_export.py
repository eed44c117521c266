"""Spreadsheet import (dry run, mapping, all-or-nothing) and export, through the real app."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient

from api.audits.spreadsheets import read_grid, write_xlsx
from tests.api.test_system import assert_problem
from tests.conftest import NEWCASTLE, bearer

AUDITS = f"/v1/councils/{NEWCASTLE}/audits"

WIDE_CSV = (
    "Newcastle ED team skills audit;;;;;\n"
    "Levels: 0 none - 4 expert;;;;;\n"
    ";;;;;\n"
    "Staff ID;Name;Job title;M&E;Bid writting;Notes\n"
    "EDO-01;Alex;Economic Development Officer;Practitioner;2;£500 course booked\n"
    "EDO-02;Sam;Snr Econ Dev Officer;basic;expert;\n"
    "\n"
    "EDO-03;Kim;Economic Development Officer;;n/a;\n"
)


def audit(client: TestClient, key: str) -> str:
    response = client.post(AUDITS, json={"title": "Import", "audit_date": "2026-10-01"}, headers=bearer(key))
    audit_id: str = response.json()["id"]
    return audit_id


def upload(
    client: TestClient,
    key: str,
    audit_id: str,
    content: bytes,
    name: str = "team.csv",
    mapping: dict[str, Any] | None = None,
    **params: str,
) -> Any:
    data = {"mapping": json.dumps(mapping)} if mapping is not None else None
    return client.post(
        f"{AUDITS}/{audit_id}/import",
        files={"file": (name, content, "application/octet-stream")},
        data=data,
        params=params,
        headers=bearer(key),
    )


def test_wide_csv_dry_run_then_import(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    content = WIDE_CSV.encode("cp1252")
    plan = upload(client, key, audit_id, content, dry_run="true").json()
    assert (plan["layout"], plan["header_row"], plan["delimiter"], plan["encoding"]) == (
        "wide",
        4,
        ";",
        "cp1252",
    )
    columns = {column["header"]: column for column in plan["columns"]}
    assert columns["Staff ID"]["role"] == "reference"
    assert (columns["M&E"]["skill"], columns["M&E"]["decision"]) == ("monitoring-evaluation", "matched")
    assert columns["Bid writting"]["skill"] == "bid-writing"
    assert columns["Notes"]["decision"] == "ignored"
    roles = {title["text"]: title for title in plan["roles"]}
    assert roles["Economic Development Officer"]["slug"] == "ed-officer"
    assert roles["Snr Econ Dev Officer"]["slug"] == "senior-ed-officer"
    assert plan["members"] == 3 and plan["assessments"] == 5 and plan["errors"] == []
    assert (plan["dry_run"], plan["ready"], plan["undecided"]) == (True, True, [])

    listing = client.get(f"{AUDITS}/{audit_id}/members", headers=bearer(key)).json()
    assert listing["total"] == 0, "a dry run writes nothing"

    done = upload(client, key, audit_id, content).json()
    assert (done["dry_run"], done["created_members"], done["written_assessments"]) == (False, 3, 5)
    alex = client.get(f"{AUDITS}/{audit_id}/members/EDO-01", headers=bearer(key)).json()
    assert alex["effective_levels"] == {"bid-writing": 2, "monitoring-evaluation": 3}
    assert (alex["role"], alex["display_name"]) == ("ed-officer", "Alex")
    kim = client.get(f"{AUDITS}/{audit_id}/members/EDO-03", headers=bearer(key)).json()
    assert kim["effective_levels"] == {"bid-writing": 0}, "'n/a' is 0; a blank M&E cell writes nothing"


@pytest.mark.parametrize(
    ("sheet", "params"),
    [
        (b"Reference,GIS\nA1,\nB2,-\n", {}),
        (b"Member,Skill,Level\nA1,GIS,\nB2,GIS,none\n", {}),
    ],
    ids=["wide", "long"],
)
def test_a_blank_cell_writes_nothing_and_a_self_assessment_stands(
    client: TestClient, keys: dict[str, str], sheet: bytes, params: dict[str, str]
) -> None:
    """DESIGN §1 (issue 13): a blank level is unassessed by that source, not a manager-level 0."""
    key = keys["newcastle"]
    audit_id = audit(client, key)
    selves = b"Member,Skill,Level,Source\nA1,GIS,3,self\nB2,GIS,3,self\n"
    assert upload(client, key, audit_id, selves).json()["written_assessments"] == 2
    done = upload(client, key, audit_id, sheet, **params).json()
    assert (done["assessments"], done["written_assessments"]) == (1, 1)
    levels = {
        member["reference"]: (member["effective_levels"], len(member["assessments"]))
        for member in client.get(f"{AUDITS}/{audit_id}/members", headers=bearer(key)).json()["items"]
    }
    assert levels == {
        "A1": ({"gis-spatial-analysis": 3}, 1),
        "B2": ({"gis-spatial-analysis": 0}, 2),
    }, "A1's blank left their self-assessment standing; B2's '-'/'none' is a manager 0"


def test_undecided_headers_block_the_import_until_mapped(
    client: TestClient, keys: dict[str, str], row_counts: Callable[[], dict[str, int]]
) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    content = b"Reference,Evaluation,Line manager,Juggling\nA1,3,Pat,2\n"
    plan = upload(client, key, audit_id, content, dry_run="true").json()
    assert not plan["ready"]
    assert any("Juggling" in item for item in plan["undecided"])
    before = row_counts()
    body = assert_problem(upload(client, key, audit_id, content), 422)
    assert body["type"] == "urn:edskills:problem:import-not-ready"
    messages = {error["field"]: error["message"] for error in body["errors"]}
    assert messages == {
        'mapping.columns["Line manager"]': "confirm 'people-management' (People management & development, "
        "score 81) or 'business-engagement' (Business engagement & account management, score 69), "
        "or ignore it",
        'mapping.columns["Juggling"]': "nothing in the framework matches: give a skill slug or ignore it",
    }
    assert body["plan"] == {**plan, "dry_run": True}, "the refusal carries the plan a dry run gives"
    assert row_counts() == before

    mapping = {"columns": {"Evaluation": "monitoring-evaluation", "Line manager": "ignore", "D": "ignore"}}
    done = upload(client, key, audit_id, content, mapping=mapping).json()
    assert done["written_assessments"] == 1
    bad = assert_problem(
        upload(client, key, audit_id, content, mapping={"columns": {"Juggling": "circus"}}), 422
    )
    assert "circus" in json.dumps(bad)
    assert_problem(upload(client, key, audit_id, content, mapping=["not", "a", "mapping"]), 400)


def test_long_layout(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    content = (
        "member\tskill\tlevel\tsource\tevidence\n"
        "A1\tBid writing\t3\tself\tWrote the UKSPF bid\n"
        "A1\tBid writing\t2\tmanager\t\n"
        "A1\tGIS\tWorking\tverified\tQGIS course\n"
        "B2\tProject management\tadvanced\t\t\n"
    ).encode("utf-16")
    done = upload(client, key, audit_id, content, name="long.tsv").json()
    assert (done["layout"], done["encoding"], done["written_assessments"]) == ("long", "utf-16", 4)
    a1 = client.get(f"{AUDITS}/{audit_id}/members/A1", headers=bearer(key)).json()
    assert a1["effective_levels"] == {"bid-writing": 2, "gis-spatial-analysis": 2}
    assert {"skill": "bid-writing", "source": "self", "level": 3, "evidence": "Wrote the UKSPF bid"} in a1[
        "assessments"
    ]


def test_xlsx_with_merged_title_and_bom_variants(client: TestClient, keys: dict[str, str]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Skills audit 2026"])
    sheet.merge_cells("A1:D1")
    sheet.append(["Reference", "Role", "Project mgmt", "Monitoring & evaluation"])
    sheet.append(["P-1", "Funding & Programmes Officer", 3, 4])
    sheet.append(["P-2", "Economic Analyst", "Working", "Expert"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    key = keys["newcastle"]
    audit_id = audit(client, key)
    done = upload(client, key, audit_id, buffer.getvalue(), name="team.xlsx").json()
    assert (done["file_type"], done["header_row"], done["written_assessments"]) == ("xlsx", 2, 4)
    assert (
        client.get(f"{AUDITS}/{audit_id}/members/P-2", headers=bearer(key)).json()["role"]
        == "economic-analyst"
    )

    for encoding in ("utf-8", "utf-8-sig"):
        plan = upload(client, key, audit_id, "Reference,GIS\nX,1\n".encode(encoding), dry_run="true").json()
        assert plan["encoding"] == encoding and plan["ready"]


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


BAD_FILES = [
    (
        "levels",
        b"Reference,Bid writing,GIS\nA,good,2\nB,3,9\n",
        "team.csv",
        422,
        ["row 2, column B", "row 3, column C"],
    ),
    ("duplicate", b"Reference,GIS\nA,1\nA,2\n", "team.csv", 422, ["row 3, column A"]),
    ("no reference", b"Who,GIS\nA,1\n", "team.csv", 422, ["row 1"]),
    ("macro", b"PK\x03\x04", "team.xlsm", 415, []),
    ("old xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 100, "team.xls", 415, []),
    ("pdf", b"%PDF-1.7 ...", "team.pdf", 415, []),
    ("empty", b"", "team.csv", 422, []),
]


@pytest.mark.parametrize(
    ("name", "content", "filename", "status", "fields"), BAD_FILES, ids=[c[0] for c in BAD_FILES]
)
def test_bad_files_are_refused_and_nothing_is_written(
    client: TestClient,
    keys: dict[str, str],
    row_counts: Callable[[], dict[str, int]],
    name: str,
    content: bytes,
    filename: str,
    status: int,
    fields: list[str],
) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    before = row_counts()
    body = assert_problem(upload(client, key, audit_id, content, name=filename), status)
    reported = {error["field"] for error in body.get("errors") or []}
    assert set(fields) <= reported, body
    assert row_counts() == before


def test_zip_bomb_is_413_before_unpacking(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    bomb = _zip_bomb()
    assert len(bomb) < 1024 * 1024
    body = assert_problem(upload(client, key, audit_id, bomb, name="team.xlsx"), 413)
    assert "uncompressed" in str(body["detail"])


def test_oversized_upload_is_413(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    limit = client.app.state.settings.max_body_bytes
    assert_problem(upload(client, key, audit_id, b"x" * (limit + 1)), 413)


def test_export_escapes_formulas(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    members = f"{AUDITS}/{audit_id}/members"
    client.post(
        members, json={"reference": "A1", "display_name": '=HYPERLINK("http://x")'}, headers=bearer(key)
    )
    client.put(
        f"{AUDITS}/{audit_id}/assessments",
        json={"assessments": [{"member": "A1", "skill": "bid-writing", "level": 3}]},
        headers=bearer(key),
    )
    csv_export = client.get(f"{AUDITS}/{audit_id}/export", params={"format": "csv"}, headers=bearer(key))
    assert csv_export.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in csv_export.content.decode("utf-8-sig")
    xlsx_export = client.get(f"{AUDITS}/{audit_id}/export", params={"format": "xlsx"}, headers=bearer(key))
    grid = read_grid(xlsx_export.content, "export.xlsx")
    header = grid.rows[0]
    assert header[:4] == ("Reference", "Name", "Role", "FTE")
    assert "Bid writing & funding applications [bid-writing]" in header
    assert grid.rows[1][1] == '\'=HYPERLINK("http://x")'
    assert_problem(
        client.get(f"{AUDITS}/{audit_id}/export", params={"format": "pdf"}, headers=bearer(key)), 400
    )


SKILLS = ["bid-writing", "monitoring-evaluation", "gis-spatial-analysis", "partnership-working"]
ROLES = [None, "ed-officer", "economic-analyst"]
team = st.dictionaries(
    keys=st.from_regex(r"[A-Z]{2,3}-[0-9]{2}", fullmatch=True),
    values=st.tuples(st.sampled_from(ROLES), st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 4))),
    min_size=1,
    max_size=6,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(members=team, as_xlsx=st.booleans())
def test_export_then_import_gives_the_same_audit(
    client: TestClient, keys: dict[str, str], members: dict[str, Any], as_xlsx: bool
) -> None:
    key = keys["newcastle"]
    source = audit(client, key)
    for reference, (role, _) in members.items():
        client.post(
            f"{AUDITS}/{source}/members", json={"reference": reference, "role": role}, headers=bearer(key)
        )
    matrix = [
        {"member": reference, "skill": skill, "level": level}
        for reference, (_, levels) in members.items()
        for skill, level in levels.items()
    ]
    if matrix:
        client.put(f"{AUDITS}/{source}/assessments", json={"assessments": matrix}, headers=bearer(key))
    file_format = "xlsx" if as_xlsx else "csv"
    exported = client.get(
        f"{AUDITS}/{source}/export", params={"format": file_format}, headers=bearer(key)
    ).content

    copy = audit(client, key)
    done = upload(client, key, copy, exported, name=f"export.{file_format}")
    assert done.status_code == 200, done.text

    def snapshot(audit_id: str) -> dict[str, Any]:
        items = client.get(f"{AUDITS}/{audit_id}/members", params={"limit": 500}, headers=bearer(key)).json()[
            "items"
        ]
        return {
            m["reference"]: (m["role"], {s: lvl for s, lvl in m["effective_levels"].items() if lvl})
            for m in items
        }

    assert snapshot(copy) == snapshot(source)


def test_write_xlsx_is_readable_by_the_importer() -> None:
    rows = [["Reference", "GIS"], ["A", 3]]
    assert read_grid(write_xlsx(rows), "x.xlsx").rows == (("Reference", "GIS"), ("A", 3))


def test_an_audit_made_from_a_spreadsheet_only_when_the_import_is_ready(
    client: TestClient, keys: dict[str, str], row_counts: Callable[[], dict[str, int]]
) -> None:
    """``POST …/audits/import`` (issue 13): one request creates the audit and writes the file, or
    (a dry run, a refusal, a bad form) leaves nothing behind."""
    headers = bearer(keys["newcastle"])
    form = {"title": "From the file", "audit_date": "2026-10-01"}
    content = b"Reference,Job title,GIS,Juggling\nA1,Economic Analyst,3,2\n"

    def post(data: dict[str, str], **params: str) -> Any:
        files = {"file": ("team.csv", content, "text/csv")}
        return client.post(f"{AUDITS}/import", files=files, data=data, params=params, headers=headers)

    before = row_counts()
    dry = post(form, dry_run="true", layout="wide")
    assert dry.status_code == 200 and dry.json()["audit"] is None
    plan = dry.json()["plan"]
    assert (plan["ready"], plan["undecided"]) == (False, ["column D 'Juggling'"])
    refused = assert_problem(post(form), 422)
    assert refused["plan"] == plan and set(refused) >= {"type", "detail", "errors"}
    assert_problem(post({"audit_date": "2026-10-01"}), 400)
    assert_problem(post({**form, "framework_version": "2099.1"}), 404)
    assert row_counts() == before, "no audit is left behind"

    made = post({**form, "mapping": json.dumps({"columns": {"Juggling": "ignore"}})}, source="self")
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["audit"]["title"], body["audit"]["audit_date"], body["audit"]["members"]) == (
        "From the file",
        "2026-10-01",
        1,
    )
    assert (body["plan"]["dry_run"], body["plan"]["written_assessments"]) == (False, 1)
    member = client.get(f"{AUDITS}/{body['audit']['id']}/members/A1", headers=headers).json()
    assert member["assessments"] == [{"skill": "gis-spatial-analysis", "source": "self", "level": 3}]
    assert member["role"] == "economic-analyst"
