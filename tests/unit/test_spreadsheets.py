"""Uploaded spreadsheets are read by content, safely, into grids; grids are written back escaped."""

from __future__ import annotations

import codecs
import io
import random
import types
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
import python_calamine
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.audits import spreadsheets
from api.audits.spreadsheets import (
    MAX_UPLOAD_BYTES,
    Cell,
    Grid,
    LimitExceeded,
    ReadLimits,
    SpreadsheetError,
    column_letter,
    escape_formula,
    read_grid,
    write_csv,
    write_xlsx,
)

XLSX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b"</Types>"
)
XLSM_CONTENT_TYPES = XLSX_CONTENT_TYPES.replace(
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
)


def xlsx_bytes(build: Callable[[Any], None]) -> bytes:
    """A workbook made by openpyxl: ``build`` gets the workbook with its first sheet active."""
    workbook = openpyxl.Workbook()
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rows_of(*rows: list[object]) -> Callable[[Any], None]:
    def build(workbook: Any) -> None:
        for row in rows:
            workbook.active.append(row)

    return build


def zip_bytes(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def package(parts: dict[str, bytes], content_types: bytes = XLSX_CONTENT_TYPES) -> bytes:
    """A workbook-like zip written by hand: ``[Content_Types].xml`` and ``parts``."""
    return zip_bytes({"[Content_Types].xml": content_types, **parts})


def raises(data: bytes, status: int, **kwargs: Any) -> SpreadsheetError:
    with pytest.raises(SpreadsheetError) as raised:
        read_grid(data, **kwargs)
    assert raised.value.status == status, raised.value.message
    assert str(raised.value) == raised.value.message
    return raised.value


# --- CSV -----------------------------------------------------------------------------------------

SKILLS_TEXT = "Name,Skill,Budget\r\nAlice Café,GIS,£5\r\nBob,Excel,3\r\n"
SKILLS_ROWS = (("Name", "Skill", "Budget"), ("Alice Café", "GIS", "£5"), ("Bob", "Excel", "3"))


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        pytest.param(SKILLS_TEXT.encode("utf-8"), "utf-8", id="utf-8"),
        pytest.param(SKILLS_TEXT.encode("utf-8-sig"), "utf-8-sig", id="utf-8-bom"),
        pytest.param(SKILLS_TEXT.encode("utf-16"), "utf-16", id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + SKILLS_TEXT.encode("utf-16-be"), "utf-16", id="utf-16-be-bom"),
        pytest.param(SKILLS_TEXT.encode("cp1252"), "cp1252", id="windows-1252"),
    ],
)
def test_csv_encodings_are_detected(data: bytes, encoding: str) -> None:
    grid = read_grid(data, "skills.csv")
    assert grid == Grid(kind="csv", rows=SKILLS_ROWS, encoding=encoding, delimiter=",")


def test_windows_1252_pound_sign_is_decoded() -> None:
    assert "£".encode("cp1252") == b"\xa3"
    grid = read_grid(b"Cost\r\n\xa3120\r\n")
    assert grid.rows == (("Cost",), ("£120",))
    assert grid.encoding == "cp1252"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("filename", [None, "skills.csv", "skills.txt", "skills.tsv"])
def test_delimiter_is_sniffed_and_title_rows_are_kept(delimiter: str, filename: str | None) -> None:
    # A title and a blank line above the header; other candidate delimiters inside cells.
    other = ";" if delimiter == "," else ","
    lines = [
        "Economic development team skills audit",
        "",
        delimiter.join(["Name", "Role", "Level"]),
        delimiter.join(["Alice", f"Officer{other} senior", "3"]),
        delimiter.join(["Bob", "Manager", " 4 "]),
    ]
    grid = read_grid("\r\n".join(lines).encode(), filename)
    assert grid.delimiter == delimiter
    assert grid.rows == (
        ("Economic development team skills audit",),
        (),
        ("Name", "Role", "Level"),
        ("Alice", f"Officer{other} senior", "3"),
        ("Bob", "Manager", "4"),
    )


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        pytest.param(
            'Name,Notes,Level\r\n"Smith, Jo","line one\nline two, with comma",3\r\n"Said ""hi""",x,\r\n',
            (
                ("Name", "Notes", "Level"),
                ("Smith, Jo", "line one\nline two, with comma", "3"),
                ('Said "hi"', "x"),
            ),
            id="quoted-commas-newlines-quotes",
        ),
        pytest.param(
            "Name,Level,,\r\nAlice,3,,\r\n,,,\r\n\r\n  Bob , 4 ,,\r\n\r\n\r\n",
            (("Name", "Level"), ("Alice", "3"), (), (), ("Bob", "4")),
            id="blank-rows-and-trailing-empty-columns",
        ),
        pytest.param(
            "Name;Level\n;2\nCara;\n",
            (("Name", "Level"), (None, "2"), ("Cara",)),
            id="leading-empty-cell-kept",
        ),
        pytest.param("", (), id="empty-file"),
    ],
)
def test_csv_cells(text: str, rows: tuple[tuple[Cell, ...], ...]) -> None:
    assert read_grid(text.encode()).rows == rows


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_values_are_converted() -> None:
    data = xlsx_bytes(
        rows_of(
            ["Name", "Level", "Score", "Active", "Assessed", "Note", None],
            ["  Alice  ", 3, 2.5, True, datetime(2024, 3, 1), "   ", None],
            [],
            ["Bob", 4.0, -1, False, datetime(2024, 3, 1, 9, 30), date(2024, 2, 29)],
        )
    )
    grid = read_grid(data, "skills.xlsx")
    assert grid.kind == "xlsx"
    assert grid.sheet == "Sheet"
    assert (grid.encoding, grid.delimiter) == (None, None)
    assert grid.rows == (
        ("Name", "Level", "Score", "Active", "Assessed", "Note"),
        ("Alice", 3, 2.5, "TRUE", "2024-03-01"),
        (),
        ("Bob", 4, -1, "FALSE", "2024-03-01T09:30:00", "2024-02-29"),
    )
    assert type(grid.rows[3][1]) is int


@pytest.mark.parametrize("filename", [None, "skills.xlsx", "upload.csv"])
def test_xlsx_is_recognised_by_content(filename: str | None) -> None:
    grid = read_grid(xlsx_bytes(rows_of(["Name"], ["Alice"])), filename)
    assert (grid.kind, grid.rows) == ("xlsx", (("Name",), ("Alice",)))


def relative_sheet_targets(data: bytes) -> bytes:
    """The workbook with sheet targets relative to ``xl/`` as Excel writes them (openpyxl: absolute)."""
    entries = unzip(data)
    rels = entries["xl/_rels/workbook.xml.rels"]
    assert b'Target="/xl/worksheets/' in rels
    entries["xl/_rels/workbook.xml.rels"] = rels.replace(b'Target="/xl/', b'Target="')
    return zip_bytes(entries)


@pytest.mark.parametrize("targets", [pytest.param(None, id="absolute"), relative_sheet_targets])
def test_xlsx_merged_cells_are_filled_with_the_top_left_value(
    targets: Callable[[bytes], bytes] | None,
) -> None:
    def build(workbook: Any) -> None:
        sheet = workbook.active
        sheet["A1"] = "Team skills audit"
        sheet.merge_cells("A1:D1")
        for row in (["Name", "Role", "Skill", "Level"], ["Alice", "Officer", "GIS", 3], ["Bob"]):
            sheet.append(row)
        sheet["C4"], sheet["D4"] = "Excel", 4
        sheet.merge_cells("B3:B4")
        sheet.append(["Cara", "Analyst", "SQL", 2])
        sheet.merge_cells("A8:F9")  # empty: nothing filled, no rows added
        sheet.merge_cells("E5:E6")  # beyond the columns with data

    data = xlsx_bytes(build)
    grid = read_grid(targets(data) if targets else data)
    assert grid.rows == (
        ("Team skills audit",) * 4,
        ("Name", "Role", "Skill", "Level"),
        ("Alice", "Officer", "GIS", 3),
        ("Bob", "Officer", "Excel", 4),
        ("Cara", "Analyst", "SQL", 2),
    )


def test_first_visible_sheet_is_read() -> None:
    def build(workbook: Any) -> None:
        workbook.active.title = "Lookups"
        workbook.active.append(["hidden"])
        workbook.active.sheet_state = "hidden"
        secret = workbook.create_sheet("Secret")
        secret.append(["very hidden"])
        secret.sheet_state = "veryHidden"
        team = workbook.create_sheet("Team")
        team.append(["Name", "Level"])
        workbook.create_sheet("Later").append(["later"])
        workbook.active = 2

    grid = read_grid(xlsx_bytes(build))
    assert grid.sheet == "Team"
    assert grid.rows == (("Name", "Level"),)


# --- refused uploads -----------------------------------------------------------------------------

VALID_XLSX = xlsx_bytes(rows_of(["Name"], ["Alice"]))
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
MACRO_PACKAGE = package({"xl/workbook.xml": b"<workbook/>"}, XLSM_CONTENT_TYPES)
WORD_PACKAGE = package({"word/document.xml": b"<w/>"})
BROKEN_WORKBOOK = package({"xl/workbook.xml": b"<not xml"})


@pytest.mark.parametrize(
    ("data", "filename", "status", "message"),
    [
        pytest.param(VALID_XLSX, "skills.xlsm", 415, "macro-enabled", id="xlsm-name"),
        pytest.param(VALID_XLSX, "Skills.XLTM", 415, "macro-enabled", id="xltm-name"),
        pytest.param(b"a,b\r\n", "skills.xlsb", 415, "macro-enabled", id="xlsb-name"),
        pytest.param(
            MACRO_PACKAGE,
            "skills.xlsx",
            415,
            "macro-enabled workbooks are not accepted; save as .xlsx or .csv",
            id="macro-content-type",
        ),
        pytest.param(OLE2, "skills.xls", 415, "save as .xlsx or .csv", id="ole2-xls"),
        pytest.param(OLE2, "skills.xlsx", 415, "old binary Excel", id="ole2-named-xlsx"),
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "skills.csv", 415, "PDF", id="pdf"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, 415, "PNG", id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF", None, 415, "JPEG", id="jpeg"),
        pytest.param(random.Random(1).randbytes(4096), "skills.csv", 415, "save as", id="random-binary"),
        pytest.param("Name,Level\r\n".encode("utf-16-le"), None, 415, "NUL", id="utf-16-without-bom"),
        pytest.param(b"<!DOCTYPE html><html><table>", "skills.xls", 415, "HTML", id="html"),
        pytest.param(WORD_PACKAGE, "skills.xlsx", 415, "not an Excel workbook", id="zip-not-xlsx"),
        pytest.param(VALID_XLSX[: len(VALID_XLSX) // 2], "skills.xlsx", 400, "corrupt", id="truncated-zip"),
        pytest.param(b"PK\x03\x04" + bytes(100), "skills.xlsx", 400, "corrupt", id="zip-garbage"),
        pytest.param(BROKEN_WORKBOOK, "skills.xlsx", 400, "workbook", id="broken-workbook-xml"),
    ],
)
def test_unreadable_uploads_are_refused(data: bytes, filename: str | None, status: int, message: str) -> None:
    error = raises(data, status, filename=filename)
    assert message in error.message


@pytest.mark.parametrize(
    ("data", "kwargs"),
    [
        pytest.param(b"x" * (MAX_UPLOAD_BYTES + 1), {}, id="default-limit"),
        pytest.param(b"Name\r\nAlice\r\n", {"max_bytes": 10}, id="given-limit"),
        pytest.param(VALID_XLSX, {"max_bytes": len(VALID_XLSX) - 1}, id="xlsx"),
    ],
)
def test_oversize_uploads_are_refused_naming_the_limit(data: bytes, kwargs: dict[str, int]) -> None:
    error = raises(data, 413, **kwargs)
    limit = kwargs.get("max_bytes", MAX_UPLOAD_BYTES)
    assert ("20 MB" if limit == MAX_UPLOAD_BYTES else f"{limit:,} bytes") in error.message


def _bomb(payload: bytes) -> bytes:
    return package({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": payload})


@pytest.mark.parametrize(
    ("payload", "kwargs", "reason"),
    [
        pytest.param(bytes(50 * 1024 * 1024), {}, "compressed more than 100 to 1", id="50MB-of-zeros"),
        pytest.param(
            "".join(random.Random(2).choices("0123456789", k=2 * 1024 * 1024)).encode(),
            {"max_uncompressed": 1024 * 1024},
            "over the 1 MB limit",
            id="over-uncompressed-limit",
        ),
    ],
)
def test_zip_bombs_are_refused_before_the_workbook_is_parsed(
    payload: bytes, kwargs: dict[str, int], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _bomb(payload)
    assert len(data) < len(payload)
    must_not_open = types.SimpleNamespace(CalamineWorkbook=None)  # any use of it raises
    monkeypatch.setattr(spreadsheets, "python_calamine", must_not_open)
    error = raises(data, 413, filename="skills.xlsx", **kwargs)
    assert "implausible uncompressed size" in error.message
    assert reason in error.message


# --- writing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "letters"),
    [
        (0, "A"),
        (1, "B"),
        (25, "Z"),
        (26, "AA"),
        (27, "AB"),
        (51, "AZ"),
        (52, "BA"),
        (701, "ZZ"),
        (702, "AAA"),
        (16383, "XFD"),
    ],
)
def test_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters
    assert openpyxl.utils.get_column_letter(index + 1) == letters


def test_column_letter_refuses_negative_indexes() -> None:
    with pytest.raises(ValueError, match="negative"):
        column_letter(-1)


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-3", "'-3"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Economic development officer", "Economic development officer"),
        ("a=b", "a=b"),
        ("", ""),
        (3, 3),
        (-3, -3),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_escape_formula(value: Cell, escaped: Cell) -> None:
    assert escape_formula(value) == escaped
    assert type(escape_formula(value)) is type(escaped)


EXPORT_ROWS: list[list[Cell]] = [
    ["Name", "Role", "Level", "Note"],
    ["Alice", "Officer", 3, "=SUM(A1)"],
    ["Bob", None, 4.5, "+44 7700 900123"],
    [],
    ["@cmd", "-3", "\tx", "\rx"],
    ["Café £5", "two\nlines", "Smith, Jo", 'Said "hi"'],
]


def test_xlsx_round_trip() -> None:
    grid = read_grid(write_xlsx(EXPORT_ROWS), "export.xlsx")
    assert grid.sheet == "Skills audit"
    assert grid.rows == (
        ("Name", "Role", "Level", "Note"),
        ("Alice", "Officer", 3, "'=SUM(A1)"),
        ("Bob", None, 4.5, "'+44 7700 900123"),
        (),
        ("'@cmd", "'-3", "'\tx", "'\nx"),  # XML (and Excel) store a line break as LF
        ("Café £5", "two\nlines", "Smith, Jo", 'Said "hi"'),
    )


def test_csv_round_trip() -> None:
    data = write_csv(EXPORT_ROWS)
    grid = read_grid(data, "export.csv")
    assert (grid.encoding, grid.delimiter) == ("utf-8-sig", ",")
    assert grid.rows == tuple(
        tuple(None if cell is None else str(escape_formula(cell)) for cell in row) for row in EXPORT_ROWS
    )


def test_csv_is_written_for_excel() -> None:
    data = write_csv([["Name", "Level", None, "Note"], ["Alice", 3, 2.5, "=1+1"]])
    assert data == codecs.BOM_UTF8 + b"Name,Level,,Note\r\nAlice,3,2.5,'=1+1\r\n"


def test_xlsx_is_written_with_a_bold_frozen_header() -> None:
    data = write_xlsx([["Name", "Level"], ["Alice", 3], ["=cmd|' /C calc'!A0", 2.5]], sheet_title="Team")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook["Team"]
    assert sheet.freeze_panes == "A2"
    assert [cell.font.b for cell in sheet[1]] == [True, True]
    assert not sheet["A2"].font.b
    assert (sheet["B2"].value, sheet["B2"].data_type) == (3, "n")
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("'=cmd|' /C calc'!A0", "s")
    assert workbook.sheetnames == ["Team"]


def test_xlsx_header_can_be_left_unfrozen() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx([["Name"]], freeze_header=False))).active
    assert sheet.freeze_panes is None


# --- caps checked while reading (issue 12) -------------------------------------------------------


def sheet_xml(body: bytes) -> bytes:
    """A workbook of one sheet whose ``<sheetData>`` is ``body``, written by hand."""
    entries = unzip(xlsx_bytes(rows_of(["x"])))
    entries["xl/worksheets/sheet1.xml"] = (
        b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<sheetData>" + body + b"</sheetData></worksheet>"
    )
    return zip_bytes(entries)


def csv_of(rows: list[list[str]]) -> bytes:
    return "\r\n".join(",".join(row) for row in rows).encode()


def xlsx_of(rows: list[list[str]]) -> bytes:
    return xlsx_bytes(rows_of(*rows))


@pytest.mark.parametrize("write", [csv_of, xlsx_of], ids=["csv", "xlsx"])
@given(
    height=st.integers(min_value=1, max_value=6),
    width=st.integers(min_value=1, max_value=6),
    max_rows=st.integers(min_value=1, max_value=7),
    max_columns=st.integers(min_value=1, max_value=7),
)
@hypothesis_settings(max_examples=40, deadline=None)
def test_a_grid_is_read_exactly_when_it_is_within_the_caps(
    write: Callable[[list[list[str]]], bytes], height: int, width: int, max_rows: int, max_columns: int
) -> None:
    """Within both caps the grid comes back whole; past either, LimitExceeded names the cap passed."""
    rows = [[f"r{r}c{c}" for c in range(width)] for r in range(height)]
    limits = ReadLimits(max_rows=max_rows, max_columns=max_columns)
    if height <= max_rows and width <= max_columns:
        assert read_grid(write(rows), limits=limits).rows == tuple(tuple(row) for row in rows)
        return
    with pytest.raises(LimitExceeded) as raised:
        read_grid(write(rows), limits=limits)
    assert raised.value.status == 413
    passed = {"rows": height > max_rows, "columns": width > max_columns}
    assert passed[raised.value.cap]  # the cap named is one the grid passes (CSV meets columns first)
    assert raised.value.limit == (max_columns if raised.value.cap == "columns" else max_rows)


CAP = ReadLimits(max_rows=5, max_columns=3, max_cells=100)


@pytest.mark.parametrize(
    ("data", "cap", "where"),
    [
        pytest.param(b"a,b,c,d\r\n", "columns", "row 1 has data in column D (column 4)", id="csv-columns"),
        pytest.param(b"a\r\n" * 6, "rows", "more than 5 rows", id="csv-rows"),
        pytest.param(b"a\r\n\r\n\r\n\r\n\r\nb\r\n", "rows", "more than 5 rows", id="csv-blank-rows-count"),
        pytest.param(b"a,b,c,d\r\n" * 40, "columns", "column D", id="csv-columns-first"),
        pytest.param(
            sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c><c r="D1"><v>2</v></c></row>'),
            "columns",
            "the sheet has data in column D (column 4)",
            id="xlsx-columns",
        ),
        pytest.param(
            sheet_xml(b'<row r="6"><c r="A6"><v>1</v></c></row>'), "rows", "more than 5 rows", id="xlsx-rows"
        ),
        pytest.param(
            sheet_xml(b"<row>" + b"<c><v>1</v></c>" * 4 + b"</row>"),
            "columns",
            "column D",
            id="xlsx-cells-without-references",
        ),
        pytest.param(
            sheet_xml(b"<row><c><v>1</v></c></row>" * 6), "rows", "more than 5 rows", id="xlsx-rows-without-r"
        ),
        pytest.param(
            sheet_xml(b'<row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>'),
            "columns",
            "column D",
            id="xlsx-cells-after-a-reference",
        ),
        pytest.param(
            sheet_xml(
                b'<row r="1"><c r="A1"><v>1</v></c></row>'
                b'<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
            ),
            "rows",
            "more than 5 rows",
            id="xlsx-sparse-far-cell",
        ),
    ],
)
def test_caps_are_checked_while_reading(
    data: bytes, cap: str, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if data.startswith(b"PK"):
        # A file over a cap is refused by the scan of its XML, before calamine parses the sheet
        # (which would allocate the whole rectangle of a sparse sheet at once).
        workbook = python_calamine.CalamineWorkbook

        class ParseNothing:
            @staticmethod
            def from_filelike(source: Any) -> Any:
                opened = workbook.from_filelike(source)

                class Guarded:
                    sheets_metadata = opened.sheets_metadata

                    def __enter__(self) -> Guarded:
                        return self

                    def __exit__(self, *exc: object) -> None:
                        opened.close()

                    def get_sheet_by_name(self, name: str) -> None:
                        raise AssertionError("the sheet must not be parsed")

                return Guarded()

        monkeypatch.setattr(spreadsheets.python_calamine, "CalamineWorkbook", ParseNothing)
    with pytest.raises(LimitExceeded) as raised:
        read_grid(data, limits=CAP)
    assert (raised.value.cap, raised.value.status) == (cap, 413)
    assert where in raised.value.message


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        pytest.param(b"a,b,,,,,,,,,,\r\nc\r\n", (("a", "b"), ("c",)), id="csv-blank-padding-past-the-cap"),
        pytest.param(
            sheet_xml(b'<row r="1"><c r="A1"><v>1</v></c><c r="Z1" s="0"/><c r="XFD1" s="0"></c></row>'),
            ((1,),),
            id="xlsx-styled-empty-cells-far-right",
        ),
        pytest.param(
            sheet_xml(b'<row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'),
            ((), (None, 1, 2), (3,)),
            id="xlsx-implied-positions",
        ),
    ],
)
def test_files_within_the_caps_are_read(data: bytes, rows: tuple[tuple[Cell, ...], ...]) -> None:
    assert read_grid(data, limits=CAP).rows == rows


def test_each_archive_entry_is_ratio_checked() -> None:
    """A big incompressible entry beside a bomb keeps the archive's overall ratio plausible (issue 12)."""
    entries = {
        "[Content_Types].xml": XLSX_CONTENT_TYPES,
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
        archive.writestr("xl/media/noise.bin", random.Random(3).randbytes(1024 * 1024), zipfile.ZIP_STORED)
    data = buffer.getvalue()
    assert 100 * len(data) > 20 * 1024 * 1024  # the archive as a whole is under 100 to 1
    error = raises(data, 413)
    assert "'xl/worksheets/sheet1.xml' is compressed more than 100 to 1" in error.message


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        pytest.param(b"Name,Note\r\nA\x01li\x1bce,x\x07\ty\x7f\r\n", "csv", id="csv"),
        pytest.param(
            xlsx_bytes(rows_of(["Name", "Note"], ["A_x0001_li_x001B_ce", "x_x0007_\ty"])), "xlsx", id="xlsx"
        ),
        pytest.param(
            sheet_xml(
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>Note</t></is></c></row>'
                b'<row r="2"><c r="A2" t="inlineStr"><is><t>A_x0000_lice</t></is></c>'
                b'<c r="B2" t="inlineStr"><is><t>x_x0000_\ty</t></is></c></row>'
            ),
            "xlsx",
            id="xlsx-nul",
        ),
    ],
)
def test_control_characters_are_dropped_from_cells(data: bytes, kind: str) -> None:
    """Tab and line breaks stay; other C0 controls and DEL go (PostgreSQL refuses NUL in text)."""
    grid = read_grid(data)
    assert grid.kind == kind
    assert grid.rows == (("Name", "Note"), ("Alice", "x\ty"))


_cells = st.lists(
    st.tuples(
        st.one_of(st.none(), st.integers(min_value=0, max_value=30)),  # explicit column, or none
        st.sampled_from(["value", "self-closing", "empty"]),
    ),
    max_size=6,
)


@given(
    rows=st.lists(st.tuples(st.one_of(st.none(), st.integers(min_value=1, max_value=40)), _cells), max_size=8)
)
@hypothesis_settings(max_examples=150, deadline=None)
def test_the_scan_never_places_a_cell_before_calamine_does(
    rows: list[tuple[int | None, list[tuple[int | None, str]]]],
) -> None:
    """The pre-scan guards calamine's memory, so its bounds must be upper bounds of where calamine puts
    every value, whatever mix of referenced and unreferenced rows and cells a file has."""
    body = b""
    for row_number, cells in rows:
        body += b"<row" + (b' r="%d"' % row_number if row_number else b"") + b">"
        for column, form in cells:
            ref = (
                b' r="%s%d"' % (column_letter(column).encode(), row_number or 1)
                if column is not None
                else b""
            )
            body += {
                "value": b"<c" + ref + b"><v>1</v></c>",
                "self-closing": b"<c" + ref + b' s="0"/>',
                "empty": b"<c" + ref + b"></c>",
            }[form]
        body += b"</row>"
    data = sheet_xml(body)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        bound = spreadsheets._scan_sheet_xml(
            archive, archive.getinfo("xl/worksheets/sheet1.xml"), ReadLimits()
        )
    with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
        end = workbook.get_sheet_by_index(0).end
    if end is not None:
        assert bound[0] >= end[0] + 1 and bound[1] >= end[1] + 1, (bound, end)
