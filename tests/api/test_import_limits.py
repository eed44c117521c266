"""Bounded imports (issue 12): every cap refuses its file through the real route, on both databases,
naming the cap, its limit and its setting, with nothing written; control characters never reach the
database; the CLI's local import applies the same caps."""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable

import pytest
from edskills_client import ProblemError
from litestar.testing import TestClient

from api.audits.schemas import ImportOptions
from api.cli.local import LocalBackend
from api.settings import Settings
from tests.api.test_import_export import AUDITS, audit, upload
from tests.api.test_system import assert_problem
from tests.conftest import NEWCASTLE, bearer

SKILL = "GIS and spatial analysis"
"""A preferred label of the shipped framework, so planning would map it."""

# --- files built in memory -----------------------------------------------------------------------


def long_csv(data_rows: int) -> bytes:
    """A long-layout CSV: one header row and ``data_rows`` rows (at most 5,000 members)."""
    lines = ["Member,Skill,Level"]
    lines += [f"M-{number % 5000:05d},{SKILL},{number % 5}" for number in range(data_rows)]
    return ("\n".join(lines) + "\n").encode()


def wide_csv(columns: int, rows: int = 2) -> bytes:
    header = ",".join(["Reference", *(f"Skill {n}" for n in range(columns - 1))])
    return (
        header + "\n" + "\n".join(f"M-{r}," + ",".join(["2"] * (columns - 1)) for r in range(rows))
    ).encode()


def members_csv(members: int) -> bytes:
    return ("Reference,Name\n" + "".join(f"M-{n:05d},Person {n}\n" for n in range(members))).encode()


_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Team" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    b'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _column(index: int) -> str:
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell(row: int, column: int, value: str | int) -> bytes:
    ref = f"{_column(column)}{row}"
    if isinstance(value, int):
        return f'<c r="{ref}"><v>{value}</v></c>'.encode()
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'.encode()


def xlsx(
    rows: list[list[str | int]], extra: dict[str, bytes] | None = None, padding: int = 0, tail: bytes = b""
) -> bytes:
    """A minimal workbook written by hand (fast enough for 200,000 rows, and free of openpyxl's own
    limits, such as its 18,278 columns); ``padding`` bytes of whitespace inflate the sheet's XML."""
    body = b"".join(
        b'<row r="%d">' % (number + 1)
        + b"".join(_cell(number + 1, c, v) for c, v in enumerate(row))
        + b"</row>"
        for number, row in enumerate(rows)
    )
    sheet = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b" " * padding
        + b"<sheetData>"
        + body
        + tail
        + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        for name, content in (extra or {}).items():
            archive.writestr(name, content, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def declaring(data: bytes, entry: str, size: int) -> bytes:
    """The archive with ``entry``'s declared uncompressed size set to ``size`` (its data unchanged)."""
    patched = bytearray(data)
    name = entry.encode()
    for signature, size_at, name_length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = patched.find(signature)
        while start != -1:
            length = struct.unpack_from("<H", patched, start + name_length_at)[0]
            if patched[start + name_at : start + name_at + length] == name:
                struct.pack_into("<I", patched, start + size_at, size)
            start = patched.find(signature, start + 4)
    return bytes(patched)


SMALL_XLSX_ROWS: list[list[str | int]] = [["Member", "Skill", "Level"], ["M-1", SKILL, 3]]

# --- refusals ------------------------------------------------------------------------------------

MEMBERS = "EDSKILLS_IMPORT_MAX_MEMBERS"
ROWS = "EDSKILLS_IMPORT_MAX_ROWS"
COLUMNS = "EDSKILLS_IMPORT_MAX_COLUMNS"


@pytest.mark.parametrize(
    ("make", "name", "status", "expected"),
    [
        pytest.param(
            lambda: long_csv(200_100), "long.csv", 413, [ROWS, "200,000"], id="csv-rows-while-reading"
        ),
        pytest.param(lambda: long_csv(200_001), "long.csv", 413, [ROWS, "200,001 rows"], id="csv-rows-exact"),
        pytest.param(
            lambda: wide_csv(100_000), "wide.csv", 413, [COLUMNS, "500", "column 100,000"], id="csv-columns"
        ),
        pytest.param(
            lambda: wide_csv(501), "wide.csv", 413, [COLUMNS, "column SG (column 501)"], id="csv-501-columns"
        ),
        pytest.param(
            lambda: xlsx(
                [["Member", "Skill", "Level"], *([f"M-{n % 5000}", "GIS", 2] for n in range(200_100))]
            ),
            "long.xlsx",
            413,
            [ROWS, "200,000"],
            id="xlsx-rows",
        ),
        pytest.param(
            lambda: xlsx([["Reference", *(f"Skill {n}" for n in range(99_999))], ["M-1", *[2] * 99_999]]),
            "wide.xlsx",
            413,
            [COLUMNS, "500"],
            id="xlsx-columns",
        ),
        pytest.param(
            lambda: members_csv(5_001), "team.csv", 422, [MEMBERS, "5,001 members", "5,000"], id="members"
        ),
        pytest.param(
            lambda: xlsx(
                SMALL_XLSX_ROWS,
                extra={"xl/media/padding.bin": random.Random(12).randbytes(1024 * 1024)},
                padding=20 * 1024 * 1024,
            ),
            "padded.xlsx",
            413,
            ["xl/worksheets/sheet1.xml", "compressed more than 100 to 1"],
            id="padded-xlsx-per-entry-ratio",
        ),
        pytest.param(
            lambda: declaring(xlsx(SMALL_XLSX_ROWS), "xl/worksheets/sheet1.xml", 150 * 1024 * 1024),
            "big.xlsx",
            413,
            ["xl/worksheets/sheet1.xml", "150 MB", "limit for one entry"],
            id="xlsx-per-entry-size",
        ),
        pytest.param(
            lambda: xlsx(SMALL_XLSX_ROWS, tail=b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
            "sparse.xlsx",
            413,
            [ROWS],
            id="xlsx-sparse-far-cell",
        ),
    ],
)
def test_an_import_over_a_cap_is_refused_and_writes_nothing(
    client: TestClient,
    keys: dict[str, str],
    row_counts: Callable[[], dict[str, int]],
    make: Callable[[], bytes],
    name: str,
    status: int,
    expected: list[str],
) -> None:
    key = keys["newcastle"]
    audit_id = audit(client, key)
    content = make()
    assert len(content) < 10 * 1024 * 1024  # within the body limit: the cap, not the size, refuses it
    before = row_counts()
    for dry_run in ("true", "false"):
        response = upload(client, key, audit_id, content, name=name, dry_run=dry_run)
        problem = assert_problem(response, status)
        for text in expected:
            assert text in problem["detail"], problem["detail"]
        assert problem["errors"] == [{"field": "file", "message": problem["detail"], "source": "body"}]
    assert row_counts() == before


def test_a_file_at_the_caps_is_imported(client: TestClient, keys: dict[str, str]) -> None:
    """The caps are limits, not off by one: 500 columns and 5,000 members import."""
    key = keys["newcastle"]
    audit_id = audit(client, key)
    content = wide_csv(500, rows=3)
    mapping = {"columns": {f"Skill {n}": "ignore" for n in range(499)}}
    plan = upload(client, key, audit_id, content, name="wide.csv", mapping=mapping).json()
    assert plan["members"] == 3 and plan["ready"], plan["errors"][:3]
    plan = upload(client, key, audit_id, members_csv(5_000), name="team.csv").json()
    assert (plan["members"], plan["created_members"]) == (5_000, 5_000)


# --- control characters --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_control_characters_are_dropped_from_cells(
    client: TestClient, keys: dict[str, str], kind: str
) -> None:
    """``_x0000_`` in an XLSX string is NUL once unescaped, which PostgreSQL refuses; CSV cells may carry
    other C0 controls. They are dropped from the text, and the import goes through."""
    key = keys["newcastle"]
    audit_id = audit(client, key)
    rows: list[list[str | int]] = [
        ["Member", "Name", "Skill", "Level", "Evidence"],
        ["M-1", "Alice_x0000_ Smith", SKILL, 3, "Led the_x0007_ GIS review_x001F_"],
    ]
    if kind == "xlsx":
        content, name = xlsx(rows), "team.xlsx"
    else:
        text = "\n".join(",".join(str(c) for c in row) for row in rows)
        content, name = (
            text.replace("_x0000_", "\x01").replace("_x0007_", "\x07").replace("_x001F_", "\x1f").encode(),
            "team.csv",
        )
    plan = upload(client, key, audit_id, content, name=name)
    assert plan.status_code == 200, plan.text
    member = client.get(f"{AUDITS}/{audit_id}/members/M-1", headers=bearer(key)).json()
    assert member["display_name"] == "Alice Smith"
    assert [a["evidence"] for a in member["assessments"]] == ["Led the GIS review"]


# --- the CLI's local import ----------------------------------------------------------------------


def test_the_local_cli_import_applies_the_same_caps(
    database_url: str, row_counts: Callable[[], dict[str, int]]
) -> None:
    settings = Settings.from_env({}, database_url=database_url, import_max_members=3, import_max_columns=4)
    backend = LocalBackend(settings)
    audit_id = str(backend.create_audit(NEWCASTLE, {"title": "Local", "audit_date": "2026-10-01"}).id)
    before = row_counts()
    for content, setting in ((members_csv(4), MEMBERS), (wide_csv(5), COLUMNS)):
        for dry_run in (True, False):
            with pytest.raises(ProblemError, match=setting):
                backend.import_spreadsheet(
                    NEWCASTLE, audit_id, content, "team.csv", ImportOptions(dry_run=dry_run)
                )
    assert row_counts() == before
    done = backend.import_spreadsheet(NEWCASTLE, audit_id, members_csv(3), "team.csv", ImportOptions())
    assert done.plan.created_members == 3
