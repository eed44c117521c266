"""Uploaded spreadsheets (CSV or XLSX) read safely into a grid of cells, and grids written back out.

Nothing here knows about skills, HTTP or databases. ``read_grid`` decides the file type from its
content (the file name only rules out macro-enabled workbooks), refuses anything it cannot read with
a ``SpreadsheetError`` carrying the HTTP status the caller should answer, and checks an XLSX
archive's declared sizes before any XML is parsed, so a zip bomb is refused without being inflated.

The writers guard against formula injection: every string that a spreadsheet program would treat as
a formula gets a leading apostrophe (see ``escape_formula``).
"""

from __future__ import annotations

import codecs
import csv
import io
import posixpath
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from xml.etree import ElementTree

import msgspec
import python_calamine
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from api.text import NOTE_CONTROL_CHARACTERS

Cell = str | int | float | None

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
"""All entries of an XLSX archive together may expand to this much."""
MAX_XLSX_ENTRY_BYTES = 100 * 1024 * 1024
"""One entry may expand to this much (a 5,000 x 500 sheet is about 90 MB of XML)."""
MAX_XLSX_COMPRESSION_RATIO = 100
"""Each entry, and the archive as a whole, may be compressed at most this much (real sheets: ~10 to 1)."""
_RATIO_FLOOR = 1024 * 1024
"""Entries that expand to less than this are not ratio-checked: a small entry cannot be a bomb."""
MAX_SHEET_CELLS = 5_000_000
"""Cells (rows x columns, blanks included) a sheet's used area may span; more is a crafted file.

The largest real import is 5,000 members x 500 columns (2.5 million cells). The XLSX reader
(calamine) allocates the whole rectangle at once, so a sparse sheet with two cells far apart would
otherwise take terabytes; ``_scan_sheet_xml`` refuses it before calamine sees it.
"""

_MAX_MERGED_FILL = 1_000_000
"""Cells a workbook's merged ranges may fill in all; more is a crafted file, not a skills audit."""

_SAVE_AS = "save as .xlsx or .csv"
_MACRO_MESSAGE = f"macro-enabled workbooks are not accepted; {_SAVE_AS}"
_MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb")

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OTHER_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"{\\rtf", "an RTF document"),
)
_MARKUP_PREFIXES = ("<?xml", "<!doctype html", "<html")

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_RECORDS = 20
_SNIFF_CHARS = 64 * 1024

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MAX_SHEET_TITLE = 31


class SpreadsheetError(Exception):
    """Raised for uploads that cannot be read. `status` is the HTTP status the caller should answer."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class LimitExceeded(SpreadsheetError):
    """A read cap was passed (issue 12): ``cap`` names it (rows, columns, cells), ``limit`` is its value."""

    def __init__(
        self, message: str, *, cap: Literal["rows", "columns", "cells"], limit: int, detail: str = ""
    ) -> None:
        super().__init__(message, 413)
        self.cap = cap
        self.limit = limit
        self.detail = detail or message


class ReadLimits(msgspec.Struct, frozen=True, kw_only=True):
    """Caps checked while a file is read, so reading stops as soon as one is passed (issue 12).

    ``max_rows`` counts the file's rows (blank ones too, up to the last one read), ``max_columns``
    the position of the last cell holding data in any row. The import wraps these in the settings'
    own terms (``api.audits.importing.read_upload``).
    """

    max_rows: int = 1_000_000
    max_columns: int = 16_384
    max_cells: int = MAX_SHEET_CELLS


class Grid(msgspec.Struct, frozen=True, kw_only=True):
    """The cells of one sheet, row by row.

    ``rows[i]`` is row ``i + 1`` of the file (for CSV: record ``i + 1``, which spans several lines
    when a quoted cell holds a line break). Blank rows are kept as ``()`` so that row numbers stay
    true; blank rows after the last row with data are dropped. Trailing empty cells of every row are
    removed. Strings are stripped of surrounding whitespace and empty strings are ``None``.
    """

    kind: Literal["csv", "xlsx"]
    rows: tuple[tuple[Cell, ...], ...]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None


# --- reading -------------------------------------------------------------------------------------


def read_grid(
    data: bytes,
    filename: str | None = None,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_uncompressed: int = MAX_XLSX_UNCOMPRESSED_BYTES,
    limits: ReadLimits | None = None,
) -> Grid:
    """Read an uploaded CSV or XLSX file into a ``Grid``; raise ``SpreadsheetError`` if it cannot be read.

    ``limits`` are checked while reading: a file over one raises ``LimitExceeded`` (413) without
    being read to the end.
    """
    limits = limits or ReadLimits()
    if len(data) > max_bytes:
        raise SpreadsheetError(f"the file is larger than the {_size(max_bytes)} limit", 413)
    if filename and filename.strip().lower().endswith(_MACRO_SUFFIXES):
        raise SpreadsheetError(_MACRO_MESSAGE, 415)
    if data.startswith(_OLE2_MAGIC):
        raise SpreadsheetError(
            f"this is an old binary Excel (.xls) or other Office file, which is not accepted; {_SAVE_AS}", 415
        )
    if data.startswith(_ZIP_MAGICS):
        return _read_xlsx(data, max_uncompressed, limits)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise SpreadsheetError(f"this is a WebP image, not a spreadsheet; {_SAVE_AS}", 415)
    for magic, what in _OTHER_MAGICS:
        if data.startswith(magic):
            raise SpreadsheetError(f"this is {what}, not a spreadsheet; {_SAVE_AS}", 415)
    return _read_csv(data, limits)


def _size(n: int) -> str:
    mib = 1024 * 1024
    if n >= mib and n % mib == 0:
        return f"{n // mib} MB"
    return f"{n:,} bytes"


def _trimmed(cells: Iterable[Cell]) -> tuple[Cell, ...]:
    """The cells without trailing ``None``s."""
    out = list(cells)
    while out and out[-1] is None:
        out.pop()
    return tuple(out)


def _without_trailing_blank_rows(rows: list[tuple[Cell, ...]]) -> tuple[tuple[Cell, ...], ...]:
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)


def _clean_text(value: str) -> str | None:
    """Strip surrounding whitespace and drop control characters (issue 12); empty → ``None``.

    The characters are those no request body may hold (``api.text.NOTE_CONTROL_CHARACTERS``: C0
    controls except tab, LF and CR, and DEL): invisible, meaningless in a skills matrix, and NUL is
    refused by PostgreSQL. They come from copy-paste or from XLSX escapes such as ``_x0000_``.
    Dropping them, rather than failing the row, lets a manager import a sheet whose cells carry
    characters they cannot see, let alone find and delete, in Excel.
    """
    value = NOTE_CONTROL_CHARACTERS.sub("", value).strip()
    return value or None


def _check_row(number: int, width: int, cells: int, limits: ReadLimits, *, sheet: bool = False) -> None:
    """Raise ``LimitExceeded`` once row ``number`` (1-based, ``width`` cells wide) passes a cap.

    With ``sheet``, ``number`` and ``width`` are the sheet's extent rather than one row's.
    """
    if number > limits.max_rows:
        raise LimitExceeded(
            f"the file has more than {limits.max_rows:,} rows", cap="rows", limit=limits.max_rows
        )
    if width > limits.max_columns:
        where = f"{'the sheet' if sheet else f'row {number:,}'} has data in column {column_letter(width - 1)}"
        where += f" (column {width:,})"
        raise LimitExceeded(
            f"{where}, past the {limits.max_columns:,}-column limit",
            cap="columns",
            limit=limits.max_columns,
            detail=where,
        )
    if cells > limits.max_cells:
        raise LimitExceeded(
            f"implausible size: the sheet spans more than {limits.max_cells:,} cells",
            cap="cells",
            limit=limits.max_cells,
        )


# --- XLSX ----------------------------------------------------------------------------------------


def _read_xlsx(data: bytes, max_uncompressed: int, limits: ReadLimits) -> Grid:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SpreadsheetError(f"the file looks like a ZIP archive but is corrupt: {exc}", 400) from exc
    with archive:
        _check_declared_sizes(archive, max_uncompressed)
        try:
            return _read_checked_xlsx(archive, data, limits)
        except SpreadsheetError:
            raise
        except (zipfile.BadZipFile, EOFError, ElementTree.ParseError, UnicodeDecodeError) as exc:
            raise SpreadsheetError(f"the workbook is corrupt: {exc}", 400) from exc
        except Exception as exc:
            # calamine and zipfile signal malformed parts with assorted exception types (CalamineError,
            # KeyError, ValueError ...); to the uploader they all mean the same.
            raise SpreadsheetError(f"the workbook could not be read: {exc}", 400) from exc


def _check_declared_sizes(archive: zipfile.ZipFile, max_uncompressed: int) -> None:
    """Refuse archives whose declared sizes are too big or implausibly compressed, before inflating.

    Each entry is checked on its own (issue 12: a big incompressible entry next to a bomb kept the
    archive's overall ratio plausible), then the archive as a whole. The declared sizes can be
    trusted as upper bounds: neither ``zipfile`` nor calamine's zip reader inflates an entry past its
    declared ``file_size`` (they fail instead).
    """
    infos = archive.infolist()
    entry_limit = min(MAX_XLSX_ENTRY_BYTES, max_uncompressed)
    for info in infos:
        if info.file_size > entry_limit:
            raise SpreadsheetError(
                f"implausible uncompressed size: the entry {info.filename!r} would expand to "
                f"{_size(info.file_size)}, over the {_size(entry_limit)} limit for one entry",
                413,
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_XLSX_COMPRESSION_RATIO * max(
            info.compress_size, 1
        ):
            raise SpreadsheetError(
                f"implausible uncompressed size: the entry {info.filename!r} is compressed more than "
                f"{MAX_XLSX_COMPRESSION_RATIO} to 1",
                413,
            )
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos)
    if total > max_uncompressed:
        raise SpreadsheetError(
            f"implausible uncompressed size: the workbook would expand to {_size(total)}, "
            f"over the {_size(max_uncompressed)} limit",
            413,
        )
    if total and total > MAX_XLSX_COMPRESSION_RATIO * max(compressed, 1):
        raise SpreadsheetError(
            f"implausible uncompressed size: the workbook is compressed more than "
            f"{MAX_XLSX_COMPRESSION_RATIO} to 1",
            413,
        )


def _read_checked_xlsx(archive: zipfile.ZipFile, data: bytes, limits: ReadLimits) -> Grid:
    names = set(archive.namelist())
    content_types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if b"macroenabled" in content_types.lower() or "xl/vbaProject.bin" in names or "xl/workbook.bin" in names:
        raise SpreadsheetError(_MACRO_MESSAGE, 415)
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(
            f"this is a ZIP archive but not an Excel workbook (.xlsx); {_SAVE_AS}",
            415,
        )
    workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    with workbook:
        visible = python_calamine.SheetVisibleEnum.Visible
        title = next(
            (
                sheet.name
                for sheet in workbook.sheets_metadata
                if sheet.visible == visible and sheet.typ == python_calamine.SheetTypeEnum.WorkSheet
            ),
            None,
        )
        if title is None:
            raise SpreadsheetError("the workbook has no visible worksheet", 400)
        # calamine holds a sheet's whole used rectangle in memory: bound it before it parses any
        # part it might take for the sheet (every entry), and apply the caps to the chosen one.
        chosen = _sheet_parts(archive).get(title)
        for info in archive.infolist():
            caps = limits if info.filename == chosen else ReadLimits(max_cells=limits.max_cells)
            _scan_sheet_xml(archive, info, caps)
        sheet = workbook.get_sheet_by_name(title)
        end = sheet.end
        if end is not None:
            _check_row(end[0] + 1, end[1] + 1, (end[0] + 1) * (end[1] + 1), limits, sheet=True)
        values = sheet.to_python(skip_empty_area=False)
        merged = sheet.merged_cell_ranges or []
    rows = [list(_trimmed(_xlsx_value(value) for value in row)) for row in values]
    _fill_merged(rows, [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in merged])
    return Grid(
        kind="xlsx",
        rows=_without_trailing_blank_rows([_trimmed(row) for row in rows]),
        sheet=title,
    )


_SCAN_CHUNK = 4 * 1024 * 1024
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']\s*([0-9]{1,10})\s*["']""")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])[^>]*>")
_NOT_EMPTY = rb"(?!\s*</(?:[A-Za-z_][\w.-]*:)?c>)"
"""A ``<c …></c>`` with nothing inside holds no value, like a self-closing ``<c …/>``."""
_OPEN_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>])[^>]*(?<!/)>" + _NOT_EMPTY)
_OPEN_CELL_REF = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<=\s)r\s*=\s*["']([A-Z]{1,7})([0-9]{1,10})["'][^>]*(?<!/)>"""
    + _NOT_EMPTY
)
_ANY_CELL_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<=\s)r\s*=\s*["']\s*([A-Za-z]{0,7})""")
"""Any cell's reference, empty cells too: calamine moves on from it even when it holds nothing."""


class _ScanState:
    """Where the scan is: upper bounds of the last row and column seen, and the row still open."""

    def __init__(self) -> None:
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.row = 0
        """1-based number of the row the scan is in (an upper bound)."""
        self.row_ref = 0
        """Largest 1-based column referenced so far in that row."""
        self.row_tags = 0
        """Cells met so far in that row."""


def _scan_sheet_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReadLimits) -> tuple[int, int]:
    """Bound the rectangle of cells an entry would give if parsed as a worksheet, without parsing it.

    A streaming scan of the raw XML with regular expressions (C speed, no element objects): every
    cell that may hold a value (a ``<c>`` that is not self-closing) is placed where calamine places
    it (its ``r`` reference, else right of the previous cell of its row, on the row's ``r`` or the
    row after the previous one), rounding up where the file is ambiguous. The scan stops at the
    first chunk that passes a cap, so a 100,000-column row is refused after one chunk. Returns the
    bounds: (last row, last column), 1-based.
    """
    state = _ScanState()
    carry = b""
    with archive.open(info) as source:
        while True:
            chunk = source.read(_SCAN_CHUNK)
            text = carry + chunk
            if chunk:
                cut = text.rfind(b">") + 1
                text, carry = text[:cut], text[cut:]
            opened = len(_OPEN_CELL_TAG.findall(text)) if text else 0
            if opened:
                state.cells += opened
                refs = _OPEN_CELL_REF.findall(text)
                if len(refs) == opened:
                    # Every cell that can hold a value says where it is: the common case, in bulk.
                    columns = max(_column_index(letters.decode()) for letters in {ref[0] for ref in refs}) + 1
                    rows = max(int(number) for number in {ref[1] for ref in refs})
                    state.max_col, state.max_row = max(state.max_col, columns), max(state.max_row, rows)
                    state.row, state.row_ref, state.row_tags = state.max_row, state.max_col, 0
                else:
                    _scan_rows(text, state)
                cells = max(state.cells, state.max_row * state.max_col)
                _check_row(state.max_row, state.max_col, cells, limits, sheet=True)
            if not chunk:
                return state.max_row, state.max_col


def _scan_rows(text: bytes, state: _ScanState) -> None:
    """Row by row, for text where some cells have no ``r``: such a cell's column is at most the
    largest column referenced in its row so far plus the number of unreferenced cells of the row."""
    starts = list(_ROW_TAG.finditer(text))
    bounds = [0, *(match.start() for match in starts), len(text)]
    for index in range(len(bounds) - 1):
        if index:
            number = _ROW_NUMBER.search(starts[index - 1].group(1))
            state.row = int(number.group(1)) if number else state.row + 1
            state.row_ref = state.row_tags = 0
        segment = text[bounds[index] : bounds[index + 1]]
        referenced = _ANY_CELL_REF.findall(segment)
        tags = len(_CELL_TAG.findall(segment)) - len(referenced)
        if referenced:
            columns = (_column_index(letters.decode().upper() or "A") + 1 for letters in set(referenced))
            state.row_ref = max(state.row_ref, *columns)
        refs = _OPEN_CELL_REF.findall(segment)
        if refs:
            state.max_row = max(state.max_row, *(int(number) for number in {r[1] for r in refs}))
        state.row_tags += tags
        state.max_col = max(state.max_col, state.row_ref + state.row_tags)
        state.max_row = max(state.max_row, state.row)


def _xlsx_value(value: object) -> Cell:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        return _clean_text(value)
    if isinstance(value, datetime):
        if value.time() == time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):  # a duration format, e.g. [h]:mm
        return str(value)
    return _clean_text(str(value))


def _local(tag: str) -> str:
    """The name without its ``{namespace}``: the same parts exist in transitional and strict OOXML."""
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → path of its XML part inside the archive, from the workbook and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return {}
    targets: dict[str, str] = {}
    for rel in rels.iter():
        if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id", "")] = posixpath.normpath(path)
    parts: dict[str, str] = {}
    for sheet in workbook.iter():
        if _local(sheet.tag) != "sheet":
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
        name = sheet.get("name")
        if name is not None and rel_id in targets:
            parts[name] = targets[rel_id]
    return parts


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _fill_merged(rows: list[list[Cell]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of a merged range the range's top-left value, within the rows and columns read."""
    width = max((len(row) for row in rows), default=0)
    filled = 0
    for first_row, first_col, last_row, last_col in ranges:
        if first_row >= len(rows) or first_col >= len(rows[first_row]):
            continue
        value = rows[first_row][first_col]
        if value is None:
            continue
        last_row, last_col = min(last_row, len(rows) - 1), min(last_col, width - 1)
        filled += (last_row - first_row + 1) * (last_col - first_col + 1)
        if filled > _MAX_MERGED_FILL:
            raise SpreadsheetError("implausible size: the workbook has too many merged cells", 413)
        for row in rows[first_row : last_row + 1]:
            if len(row) <= last_col:
                row.extend([None] * (last_col + 1 - len(row)))
            row[first_col : last_col + 1] = [value] * (last_col + 1 - first_col)


# --- CSV -----------------------------------------------------------------------------------------


def _read_csv(data: bytes, limits: ReadLimits) -> Grid:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise SpreadsheetError(f"the file is not text (it contains NUL bytes); {_SAVE_AS}", 415)
    if text.lstrip()[:20].lower().startswith(_MARKUP_PREFIXES):
        raise SpreadsheetError(f"this is an HTML or XML document, not a spreadsheet; {_SAVE_AS}", 415)
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    rows: list[tuple[Cell, ...]] = []
    cells = 0
    try:
        for record in reader:
            width = len(record)
            if width > limits.max_columns:
                # Blank cells past the cap are padding (Excel pads rows to the widest one).
                width = max((i + 1 for i, cell in enumerate(record) if cell.strip()), default=0)
            cells += width
            _check_row(len(rows) + 1, width, cells, limits)
            rows.append(_trimmed(_clean_text(cell) for cell in record))
    except csv.Error as exc:
        raise SpreadsheetError(f"the CSV file is malformed near line {reader.line_num}: {exc}", 400) from exc
    return Grid(kind="csv", rows=_without_trailing_blank_rows(rows), encoding=encoding, delimiter=delimiter)


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: a BOM decides, else UTF-8 if it decodes, else Windows-1252."""
    candidates: tuple[str, ...]
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(f"the file is neither a workbook nor readable text; {_SAVE_AS}", 415)


def _sniff_records(text: str) -> Iterator[dict[str, int]]:
    """Delimiter counts of the first non-blank records, ignoring anything inside double quotes."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    blank = True
    in_quotes = False
    for char in text[:_SNIFF_CHARS]:
        if char == '"':
            in_quotes = not in_quotes
            blank = False
        elif in_quotes:
            continue
        elif char in "\r\n":
            if not blank:
                yield counts
            counts = dict.fromkeys(_DELIMITERS, 0)
            blank = True
        elif char in counts:
            counts[char] += 1
            blank = False
        elif not char.isspace():
            blank = False
    if not blank:
        yield counts


def _sniff_delimiter(text: str) -> str:
    """The delimiter found the same number of times on the most records (more of them wins a tie)."""
    records = []
    for counts in _sniff_records(text):
        records.append(counts)
        if len(records) >= _SNIFF_RECORDS:
            break
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        present = Counter(counts[delimiter] for counts in records if counts[delimiter])
        if not present:
            continue
        per_record, records_agreeing = max(present.items(), key=lambda item: (item[1], item[0]))
        score = (records_agreeing, per_record)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- writing -------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """Spreadsheet column name of a zero-based column index: 0 → ``A``, 25 → ``Z``, 26 → ``AA``."""
    if index < 0:
        raise ValueError(f"column index must not be negative, got {index}")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def escape_formula(value: Cell) -> Cell:
    """Prefix ``'`` to strings a spreadsheet program would run as a formula; other values are unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_text(value: Cell) -> str:
    value = escape_formula(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def write_csv(rows: Iterable[Sequence[Cell]]) -> bytes:
    """CSV as Excel opens it: UTF-8 with a BOM, commas, CRLF line ends, formulas escaped."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_text(cell) for cell in row])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def _xlsx_cell(value: Cell) -> Cell:
    value = escape_formula(value)
    if isinstance(value, str):
        # Control characters other than tab, CR and LF cannot be stored in the XML, and XML reads
        # a bare CR back as LF, which is also what Excel uses for a line break inside a cell.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        return str(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def write_xlsx(
    rows: Iterable[Sequence[Cell]], *, sheet_title: str = "Skills audit", freeze_header: bool = True
) -> bytes:
    """An XLSX workbook of one sheet: header row bold (and frozen), strings escaped, numbers kept numbers.

    Line breaks inside cells are written as LF (a lone CR would not survive the XML anyway) and control
    characters XML cannot hold are dropped. The sheet title is cut to Excel's 31 characters; characters
    Excel forbids in sheet titles raise ValueError.
    """
    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(title=sheet_title[:_MAX_SHEET_TITLE])
    if freeze_header:
        sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        values = [_xlsx_cell(cell) for cell in row]
        if number == 0:
            header = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                header.append(cell)
            sheet.append(header)
        else:
            sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
