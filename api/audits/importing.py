"""Turn a spreadsheet grid into an import plan: pure code, no database and no HTTP.

Two layouts (DESIGN §1, issue 4), one function each in ``LAYOUTS``: *wide*, one row a member and
one column per skill with free-text headers; *long*, one row per (member, skill, level[, source]).
The header row is found by scoring the first rows (or given as ``header_row``). Headers, skill
names and role titles go through the framework matcher; anything not clearly matched waits for a
person to confirm it in ``mapping``. Nothing is guessed silently and nothing is written while the
plan has errors. A blank level cell writes nothing (DESIGN §1, issue 13).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

import msgspec

from api.audits.schemas import (
    SOURCE_PRIORITY,
    UNDECIDED,
    Candidate,
    ColumnPlan,
    ColumnRole,
    ImportMapping,
    ImportOptions,
    ImportPlan,
    Layout,
    RowError,
    TitlePlan,
)
from api.audits.spreadsheets import (
    Cell,
    Grid,
    LimitExceeded,
    ReadLimits,
    SpreadsheetError,
    column_letter,
    read_grid,
)
from api.params import MEMBER_REFERENCE_MAX_LENGTH
from api.settings import ENV_PREFIX, Settings
from taxonomy.index import FrameworkIndex
from taxonomy.levels import parse_level
from taxonomy.match import Match, Matcher, Thresholds
from taxonomy.normalise import normalise

IGNORE = "ignore"
SLUG_SUFFIX = re.compile(r"\[([a-z0-9]+(?:-[a-z0-9]+)*)\]\s*$")
"""Exported headers end in ``[slug]``, so a re-import maps them exactly."""
HEADER_SCAN_ROWS = 30

FIELD_HEADERS: dict[str, ColumnRole] = {
    **dict.fromkeys(
        [
            "reference",
            "ref",
            "member",
            "member ref",
            "member reference",
            "staff ref",
            "staff id",
            "staff reference",
            "employee id",
            "employee ref",
            "employee number",
            "id",
            "pseudonym",
            "staff code",
            "code",
            "person",
            "person ref",
        ],
        "reference",
    ),
    **dict.fromkeys(
        ["name", "display name", "full name", "staff name", "employee name", "member name"], "display_name"
    ),
    **dict.fromkeys(
        ["role", "job title", "title", "post", "position", "job role", "post title", "current role"], "role"
    ),
    **dict.fromkeys(["fte", "full time equivalent", "fte hours"], "fte"),
    **dict.fromkeys(
        ["skill", "skill name", "competency", "competence", "skill area", "capability"], "skill_name"
    ),
    **dict.fromkeys(
        ["level", "proficiency", "rating", "score", "proficiency level", "skill level", "current level"],
        "level",
    ),
    **dict.fromkeys(["source", "assessed by", "assessor", "assessment source", "rated by"], "source"),
    **dict.fromkeys(["evidence", "evidence note", "evidence notes"], "evidence"),
}
NOTE_HEADERS = frozenset(["notes", "note", "comments", "comment", "remarks"])
"""Columns that are plainly not skills: reported and left out unless the mapping says otherwise."""


class ImportTooLarge(SpreadsheetError):
    """An import over one of the caps of issue 12; the message names the cap, its limit and setting.

    Rows and columns over their caps are refused while reading (413, Content Too Large); a file
    readable within them but with more members than may be written is refused after planning
    (422, like every other plan that cannot be applied).
    """

    def __init__(self, what: str, found: str, limit: int, setting: str, status: int) -> None:
        super().__init__(
            f"too many {what}: {found}; the limit is {limit:,} (setting {ENV_PREFIX}{setting.upper()}). "
            "Split the file into smaller imports",
            status,
        )


_CAP_SETTINGS = {"rows": ("data rows", "import_max_rows"), "columns": ("columns", "import_max_columns")}


def read_upload(content: bytes, filename: str | None, settings: Settings, header_row: int | None) -> Grid:
    """``read_grid`` with the import caps of ``settings`` (issue 12).

    The header is not known while reading, so the reader allows ``import_max_rows`` rows after the
    header rows it may be among (``header_row``, or the first ``HEADER_SCAN_ROWS``);
    ``plan_import`` then counts the data rows exactly.
    """
    limits = ReadLimits(
        max_rows=settings.import_max_rows + (header_row or HEADER_SCAN_ROWS),
        max_columns=settings.import_max_columns,
    )
    try:
        return read_grid(content, filename, max_bytes=settings.max_body_bytes, limits=limits)
    except LimitExceeded as exc:
        if exc.cap == "cells":
            raise
        what, setting = _CAP_SETTINGS[exc.cap]
        limit = getattr(settings, setting)
        found = exc.detail if exc.cap == "columns" else f"the file has more than {limit:,} {what}"
        raise ImportTooLarge(what, found, limit, setting, 413) from None


def plan_upload(
    content: bytes, filename: str | None, index: FrameworkIndex, settings: Settings, options: ImportOptions
) -> ParsedImport:
    """Read and plan an upload within the caps of ``settings`` (what ``service.import_spreadsheet``
    runs in a worker thread for the routes and ``edskills audit import --local``).

    Raises ``SpreadsheetError`` (``ImportTooLarge`` for a cap) with the status to answer.
    """
    return plan_import(
        read_upload(content, filename, settings, options.header_row),
        index,
        options,
        thresholds=settings.thresholds,
        max_members=settings.import_max_members,
        max_data_rows=settings.import_max_rows,
    )


class ParsedMember(msgspec.Struct, kw_only=True):
    reference: str
    row: int
    display_name: str | None = None
    role: str | None = None
    fte: float | None = None


class ParsedAssessment(msgspec.Struct, kw_only=True, array_like=True):
    reference: str
    skill: str
    source: str
    level: int
    evidence: str | None


class ParsedImport(msgspec.Struct, kw_only=True):
    plan: ImportPlan
    members: list[ParsedMember]
    assessments: list[ParsedAssessment]


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _cell(row: tuple[Cell, ...], index: int) -> Cell:
    return row[index] if index < len(row) else None


def _candidates(match: Match, labels: dict[str, str]) -> list[Candidate]:
    return [Candidate(slug=c.key, label=labels[c.key], score=c.score) for c in match.candidates]


def find_header_row(grid: Grid, skills: Matcher, thresholds: Thresholds) -> int:
    """The 0-based index of the row that looks most like a header: field names and skill names."""
    best_index, best_score = 0, -1
    for index, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        texts = [_text(cell) for cell in row if _text(cell)]
        if len(texts) < 2 or any(isinstance(cell, int | float) for cell in row):
            continue
        fields = sum(normalise(text) in FIELD_HEADERS for text in texts)
        skill_hits = sum(match.decision != "unmatched" for match in skills.match(texts, thresholds))
        score = 3 * fields + skill_hits
        if score > best_score:
            best_index, best_score = index, score
    return best_index


# --- layouts -----------------------------------------------------------------------------------


@dataclass
class Sheet:
    """What a layout function reads (the data rows and what each column holds) and fills in (the
    members, assessments and any titles it planned), reporting problems into ``errors``."""

    rows: list[tuple[int, tuple[Cell, ...]]]
    """``(1-based row number, cells)`` of every non-blank row below the header."""
    column_of: dict[ColumnRole, int]
    skill_columns: dict[int, str]
    """Wide layouts: column position → the skill its header maps to."""
    role_for: dict[str, str | None]
    index: FrameworkIndex
    options: ImportOptions
    thresholds: Thresholds
    errors: list[RowError]
    members: dict[str, ParsedMember] = field(default_factory=dict)
    assessments: list[ParsedAssessment] = field(default_factory=list)
    skill_names: list[TitlePlan] = field(default_factory=list)

    def member(self, number: int, row: tuple[Cell, ...], *, one_row_each: bool) -> ParsedMember | None:
        """The member a row is about (created on its first row), or None when the row cannot say."""
        column = self.column_of["reference"]
        reference = _text(_cell(row, column))
        problem = None
        if not reference:
            problem = "missing member reference"
        elif len(reference) > MEMBER_REFERENCE_MAX_LENGTH:
            problem = f"reference over {MEMBER_REFERENCE_MAX_LENGTH} characters"
        elif one_row_each and reference in self.members:
            first = self.members[reference].row
            problem = f"duplicate member reference {reference!r} (first on row {first})"
        if problem:
            self.errors.append(RowError(row=number, column=column_letter(column), message=problem))
            return None
        member = self.members.setdefault(reference, ParsedMember(reference=reference, row=number))
        _member_fields(member, row, number, self.column_of, self.role_for, self.errors)
        return member

    def level(self, row: tuple[Cell, ...], column: int, number: int) -> int | None:
        """The level in a cell; None for a blank cell (it writes nothing: DESIGN §1) or a bad one
        (reported)."""
        cell = _cell(row, column)
        if not _text(cell):
            return None
        level = parse_level(cell)
        if level is None:
            self.errors.append(
                RowError(
                    row=number,
                    column=column_letter(column),
                    message=f"{cell!r} is not a level: use 0–4, a level name (None … Expert) or a synonym",
                )
            )
        return level


def read_wide(sheet: Sheet) -> None:
    """One row a member; each skill column holds that member's level from ``options.source``."""
    for number, row in sheet.rows:
        member = sheet.member(number, row, one_row_each=True)
        if member is None:
            continue
        for column, skill in sheet.skill_columns.items():
            level = sheet.level(row, column, number)
            if level is not None:
                sheet.assessments.append(
                    ParsedAssessment(
                        reference=member.reference,
                        skill=skill,
                        source=sheet.options.source,
                        level=level,
                        evidence=None,
                    )
                )


def read_long(sheet: Sheet) -> None:
    """One row per (member, skill name, level[, source, evidence]); skill names are matched once each."""
    skill_column, level_column = sheet.column_of["skill_name"], sheet.column_of["level"]
    sheet.skill_names = _plan_titles(
        sheet.rows,
        skill_column,
        sheet.index.skill_matcher,
        {s.slug: s.label for s in sheet.index.framework.skills},
        sheet.options.mapping.skill_names,
        "skill",
        sheet.thresholds,
        sheet.errors,
    )
    skill_for = {plan.text: plan.slug for plan in sheet.skill_names}
    seen: dict[tuple[str, str, str], int] = {}
    for number, row in sheet.rows:
        member = sheet.member(number, row, one_row_each=False)
        if member is None:
            continue
        skill_text = _text(_cell(row, skill_column))
        if not skill_text:
            sheet.errors.append(
                RowError(row=number, column=column_letter(skill_column), message="missing skill")
            )
            continue
        skill = skill_for.get(skill_text)
        if skill is None:
            continue  # ignored through the mapping, or undecided (reported in the plan)
        level = sheet.level(row, level_column, number)
        source = _source(row, sheet.column_of.get("source"), number, sheet.options.source, sheet.errors)
        evidence_column = sheet.column_of.get("evidence")
        evidence = _text(_cell(row, evidence_column)) or None if evidence_column is not None else None
        if level is None or source is None:
            continue
        key = (member.reference, skill, source)
        if key in seen:
            message = f"{member.reference} already has a {source} level for {skill} (row {seen[key]})"
            sheet.errors.append(RowError(row=number, column=None, message=message))
            continue
        seen[key] = number
        sheet.assessments.append(
            ParsedAssessment(
                reference=member.reference, skill=skill, source=source, level=level, evidence=evidence
            )
        )


class LayoutRules(NamedTuple):
    """One spreadsheet layout: the function that reads its rows and what it needs of the header."""

    read: Callable[[Sheet], None]
    needs: frozenset[ColumnRole] = frozenset()
    """Field columns it cannot do without; a file that has them all is read in this layout."""
    missing: str = ""
    """The error when ``layout`` names this layout but the header lacks ``needs``."""
    skill_headers: bool = True
    """Whether headers that are not fields name skills (wide) or are left out (long)."""


LAYOUTS: dict[Layout, LayoutRules] = {
    "wide": LayoutRules(read_wide),
    "long": LayoutRules(
        read_long,
        needs=frozenset({"skill_name", "level"}),
        missing="a long layout needs 'Skill' and 'Level' columns",
        skill_headers=False,
    ),
}
"""Every layout, keyed by the name ``?layout=`` takes: adding a layout is one entry here (and its
name in ``schemas.Layout``)."""


def detect_layout(present: set[ColumnRole]) -> Layout:
    """The layout whose field columns are all present, the most demanding first (wide needs none)."""
    fitting = [name for name, rules in LAYOUTS.items() if rules.needs <= present]
    return max(fitting, key=lambda name: len(LAYOUTS[name].needs))


# --- planning ----------------------------------------------------------------------------------


def plan_import(
    grid: Grid,
    index: FrameworkIndex,
    options: ImportOptions | None = None,
    *,
    thresholds: Thresholds | None = None,
    max_members: int | None = None,
    max_data_rows: int | None = None,
) -> ParsedImport:
    """Plan an import. ``options.header_row`` is 1-based as a person counts rows in the file.

    ``max_members`` and ``max_data_rows`` (issue 12) raise ``ImportTooLarge`` as soon as the header
    is known, before any title is matched or cell parsed.
    """
    options = options or ImportOptions()
    mapping = options.mapping
    thresholds = thresholds or Thresholds()
    errors: list[RowError] = []
    if not grid.rows:
        errors.append(RowError(row=1, column=None, message="the file has no rows"))
        return _empty(grid, errors)
    if options.header_row is not None:
        if options.header_row > len(grid.rows):
            message = f"the file has only {len(grid.rows)} rows"
            errors.append(RowError(row=options.header_row, column=None, message=message))
            return _empty(grid, errors)
        header_index = options.header_row - 1
    else:
        header_index = find_header_row(grid, index.skill_matcher, thresholds)
    headers = [_text(cell) for cell in grid.rows[header_index]]
    if max_data_rows is not None and len(grid.rows) - header_index - 1 > max_data_rows:
        found = f"the file has {len(grid.rows) - header_index - 1:,} rows after its header"
        raise ImportTooLarge("data rows", found, max_data_rows, "import_max_rows", 413)

    roles_by_column: dict[int, ColumnRole] = {}
    for position, header in enumerate(headers):
        override = mapping.columns.get(header, mapping.columns.get(column_letter(position)))
        if header and override is None and normalise(header) in FIELD_HEADERS:
            roles_by_column[position] = FIELD_HEADERS[normalise(header)]
    present = set(roles_by_column.values())
    layout = options.layout or detect_layout(present)
    rules = LAYOUTS[layout]
    if "reference" not in present:
        errors.append(
            RowError(
                row=header_index + 1,
                column=None,
                message="no member reference column (a header such as 'Reference', 'Staff ID' or 'Member')",
            )
        )
    if not rules.needs <= present:
        errors.append(RowError(row=header_index + 1, column=None, message=rules.missing))

    columns, skill_columns = _plan_columns(
        headers, roles_by_column, rules.skill_headers, index, mapping, thresholds, header_index, errors
    )
    data_rows = [
        (position + 1, row)
        for position, row in enumerate(grid.rows)
        if position > header_index and any(_text(cell) for cell in row)
    ]
    column_of = {role: position for position, role in roles_by_column.items()}
    if max_members is not None and "reference" in column_of:
        column = column_of["reference"]
        references = {_text(_cell(row, column)) for _, row in data_rows} - {""}
        if len(references) > max_members:
            found = f"the file has {len(references):,} members"
            raise ImportTooLarge("members", found, max_members, "import_max_members", 422)
    roles = _plan_titles(
        data_rows,
        column_of.get("role"),
        index.role_matcher,
        {r.slug: r.title for r in index.framework.roles},
        mapping.roles,
        "role",
        thresholds,
        errors,
    )
    sheet = Sheet(
        rows=data_rows,
        column_of=column_of,
        skill_columns=skill_columns,
        role_for={plan.text: plan.slug for plan in roles},
        index=index,
        options=options,
        thresholds=thresholds,
        errors=errors,
    )
    if "reference" in column_of and rules.needs <= present:
        rules.read(sheet)
    undecided = [f"column {c.column} {c.header!r}" for c in columns if c.decision in UNDECIDED]
    undecided += [f"role title {plan.text!r}" for plan in roles if plan.decision in UNDECIDED]
    undecided += [f"skill name {plan.text!r}" for plan in sheet.skill_names if plan.decision in UNDECIDED]
    plan = ImportPlan(
        file_type=grid.kind,
        layout=layout,
        header_row=header_index + 1,
        columns=columns,
        roles=roles,
        skill_names=sheet.skill_names,
        members=len(sheet.members),
        assessments=len(sheet.assessments),
        errors=errors,
        undecided=undecided,
        ready=not errors and not undecided,
        dry_run=True,
        encoding=grid.encoding,
        delimiter=grid.delimiter,
        sheet=grid.sheet,
    )
    return ParsedImport(plan=plan, members=list(sheet.members.values()), assessments=sheet.assessments)


def _empty(grid: Grid, errors: list[RowError]) -> ParsedImport:
    plan = ImportPlan(
        file_type=grid.kind,
        layout="wide",
        header_row=1,
        columns=[],
        roles=[],
        skill_names=[],
        members=0,
        assessments=0,
        errors=errors,
        undecided=[],
        ready=False,
        dry_run=True,
    )
    return ParsedImport(plan=plan, members=[], assessments=[])


def _plan_columns(
    headers: list[str],
    roles_by_column: dict[int, ColumnRole],
    skill_headers: bool,
    index: FrameworkIndex,
    mapping: ImportMapping,
    thresholds: Thresholds,
    header_index: int,
    errors: list[RowError],
) -> tuple[list[ColumnPlan], dict[int, str]]:
    """Every column's plan, and which skill each skill column holds."""
    labels = {skill.slug: skill.label for skill in index.framework.skills}
    candidates_for = [p for p, h in enumerate(headers) if h and p not in roles_by_column]
    matches = dict(
        zip(
            candidates_for,
            index.skill_matcher.match([headers[p] for p in candidates_for], thresholds),
            strict=True,
        )
    )
    columns: list[ColumnPlan] = []
    skill_columns: dict[int, str] = {}
    for position, header in enumerate(headers):
        letter = column_letter(position)
        if position in roles_by_column:
            columns.append(ColumnPlan(column=letter, header=header, role=roles_by_column[position]))
            continue
        if not header:
            continue
        override = mapping.columns.get(header, mapping.columns.get(letter))
        match = matches[position]
        if override == IGNORE:
            columns.append(ColumnPlan(column=letter, header=header, role="ignored", decision="ignored"))
        elif override is not None:
            if override not in index.skills:
                errors.append(
                    RowError(
                        row=header_index + 1,
                        column=letter,
                        message=f"mapping names unknown skill {override!r}",
                    )
                )
            columns.append(
                ColumnPlan(column=letter, header=header, role="skill", skill=override, decision="confirmed")
            )
            skill_columns[position] = override
        elif (tagged := SLUG_SUFFIX.search(header)) and tagged[1] in index.skills:
            columns.append(
                ColumnPlan(
                    column=letter,
                    header=header,
                    role="skill",
                    skill=tagged[1],
                    decision="matched",
                    score=100.0,
                )
            )
            skill_columns[position] = tagged[1]
        elif not skill_headers or normalise(header) in NOTE_HEADERS:
            columns.append(ColumnPlan(column=letter, header=header, role="ignored", decision="ignored"))
        else:
            best = match.best
            columns.append(
                ColumnPlan(
                    column=letter,
                    header=header,
                    role="skill",
                    skill=best.key if best and match.decision == "matched" else None,
                    decision=match.decision,
                    score=best.score if best else None,
                    candidates=_candidates(match, labels),
                )
            )
            if match.decision == "matched" and best is not None:
                skill_columns[position] = best.key
    seen: dict[str, str] = {}
    for position, slug in skill_columns.items():
        letter = column_letter(position)
        if slug in seen:
            errors.append(
                RowError(
                    row=header_index + 1,
                    column=letter,
                    message=f"columns {seen[slug]} and {letter} both map to skill {slug!r}",
                )
            )
        seen.setdefault(slug, letter)
    return columns, skill_columns


def _plan_titles(
    data_rows: list[tuple[int, tuple[Cell, ...]]],
    column: int | None,
    matcher: Matcher,
    labels: dict[str, str],
    overrides: dict[str, str],
    what: str,
    thresholds: Thresholds,
    errors: list[RowError],
) -> list[TitlePlan]:
    """Distinct free-text values of one column, each matched once."""
    if column is None:
        return []
    rows_of: dict[str, list[int]] = defaultdict(list)
    for number, row in data_rows:
        text = _text(_cell(row, column))
        if text:
            rows_of[text].append(number)
    texts = list(rows_of)
    plans = []
    for text, match in zip(texts, matcher.match(texts, thresholds), strict=True):
        override = overrides.get(text)
        if override == IGNORE:
            plans.append(TitlePlan(text=text, rows=rows_of[text], decision="ignored"))
            continue
        if override is not None:
            if override not in labels:
                errors.append(
                    RowError(
                        row=rows_of[text][0],
                        column=column_letter(column),
                        message=f"mapping names unknown {what} {override!r}",
                    )
                )
            plans.append(TitlePlan(text=text, rows=rows_of[text], slug=override, decision="confirmed"))
            continue
        best = match.best
        plans.append(
            TitlePlan(
                text=text,
                rows=rows_of[text],
                slug=best.key if best and match.decision == "matched" else None,
                decision=match.decision,
                score=best.score if best else None,
                candidates=_candidates(match, labels),
            )
        )
    return plans


def _member_fields(
    member: ParsedMember,
    row: tuple[Cell, ...],
    number: int,
    column_of: dict[ColumnRole, int],
    role_for: dict[str, str | None],
    errors: list[RowError],
) -> None:
    if (column := column_of.get("display_name")) is not None and (name := _text(_cell(row, column))):
        member.display_name = member.display_name or name[:200]
    if (column := column_of.get("role")) is not None and (title := _text(_cell(row, column))):
        member.role = member.role or role_for.get(title)
    if (column := column_of.get("fte")) is not None and (cell := _cell(row, column)) not in (None, ""):
        try:
            fte = float(str(cell).strip())
        except ValueError:
            fte = -1.0
        if not 0 <= fte <= 2:
            errors.append(
                RowError(row=number, column=column_letter(column), message=f"FTE {cell!r} is not 0–2")
            )
        else:
            member.fte = fte


def _source(
    row: tuple[Cell, ...], column: int | None, number: int, default: str, errors: list[RowError]
) -> str | None:
    if column is None:
        return default
    text = _text(_cell(row, column)).lower()
    if not text:
        return default
    if text not in SOURCE_PRIORITY:
        errors.append(
            RowError(
                row=number,
                column=column_letter(column),
                message=f"source {text!r} is not self, manager or verified",
            )
        )
        return None
    return text
