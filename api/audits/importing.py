"""Turn a spreadsheet grid into an import plan: pure code, no database and no HTTP.

Two layouts (DESIGN §1, issue 4): *wide*, one row a member and one column per skill with
free-text headers; *long*, one row per (member, skill, level[, source]). The header row is found
by scoring the first rows (or given as ``header_row``). Headers, skill names and role titles go
through the framework matcher; anything not clearly matched waits for a person to confirm it in
``mapping``. Nothing is guessed silently and nothing is written while the plan has errors.
"""

from __future__ import annotations

import re
from collections import defaultdict

import msgspec

from api.audits.schemas import (
    SOURCE_PRIORITY,
    Candidate,
    ColumnPlan,
    ColumnRole,
    ImportMapping,
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
        name = ENV_PREFIX + setting.upper()
        super().__init__(
            f"too many {what}: {found}; the limit is {limit:,} (setting {name}). "
            "Split the file into smaller imports",
            status,
        )
        self.setting = name
        self.limit = limit


_CAP_SETTINGS = {"rows": ("data rows", "import_max_rows"), "columns": ("columns", "import_max_columns")}


def read_upload(content: bytes, filename: str | None, settings: Settings, header_row: int | None) -> Grid:
    """``read_grid`` with the import caps of ``settings`` (issue 12), for the route and ``--local``.

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
    content: bytes,
    filename: str | None,
    index: FrameworkIndex,
    settings: Settings,
    *,
    mapping: ImportMapping | None = None,
    header_row: int | None = None,
    layout: Layout | None = None,
    default_source: str = "manager",
) -> ParsedImport:
    """Read and plan an upload within the caps of ``settings``: what ``POST …/import`` and
    ``edskills audit import --local`` both run (in a worker thread on the server).

    Raises ``SpreadsheetError`` (``ImportTooLarge`` for a cap) with the status to answer.
    """
    grid = read_upload(content, filename, settings, header_row)
    return plan_import(
        grid,
        index,
        mapping=mapping,
        header_row=header_row,
        layout=layout,
        default_source=default_source,
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


def plan_import(
    grid: Grid,
    index: FrameworkIndex,
    *,
    mapping: ImportMapping | None = None,
    header_row: int | None = None,
    layout: Layout | None = None,
    default_source: str = "manager",
    thresholds: Thresholds | None = None,
    max_members: int | None = None,
    max_data_rows: int | None = None,
) -> ParsedImport:
    """Plan an import. ``header_row`` is 1-based as a person counts rows in the file.

    ``max_members`` and ``max_data_rows`` (issue 12) raise ``ImportTooLarge`` as soon as the header
    is known, before any title is matched or cell parsed.
    """
    mapping = mapping or ImportMapping()
    thresholds = thresholds or Thresholds()
    errors: list[RowError] = []
    if not grid.rows:
        errors.append(RowError(row=1, column=None, message="the file has no rows"))
        return _empty(grid, errors)
    if header_row is not None:
        if header_row > len(grid.rows):
            errors.append(
                RowError(row=header_row, column=None, message=f"the file has only {len(grid.rows)} rows")
            )
            return _empty(grid, errors)
        header_index = header_row - 1
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
    if layout is None:
        layout = "long" if {"skill_name", "level"} <= present else "wide"
    if "reference" not in present:
        errors.append(
            RowError(
                row=header_index + 1,
                column=None,
                message="no member reference column (a header such as 'Reference', 'Staff ID' or 'Member')",
            )
        )
    if layout == "long" and not {"skill_name", "level"} <= present:
        errors.append(
            RowError(
                row=header_index + 1, column=None, message="a long layout needs 'Skill' and 'Level' columns"
            )
        )

    columns, skill_columns, undecided = _plan_columns(
        headers, roles_by_column, layout, index, mapping, thresholds, header_index, errors
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
    skill_names: list[TitlePlan] = []
    if layout == "long":
        skill_names = _plan_titles(
            data_rows,
            column_of.get("skill_name"),
            index.skill_matcher,
            {s.slug: s.label for s in index.framework.skills},
            mapping.skill_names,
            "skill",
            thresholds,
            errors,
        )
    undecided += [
        f"role title {plan.text!r}" for plan in roles if plan.decision in {"suggested", "unmatched"}
    ]
    undecided += [f"skill name {p.text!r}" for p in skill_names if p.decision in {"suggested", "unmatched"}]

    members, assessments = _parse_rows(
        data_rows, layout, column_of, skill_columns, roles, skill_names, default_source, errors
    )
    plan = ImportPlan(
        file_type=grid.kind,
        layout=layout,
        header_row=header_index + 1,
        columns=columns,
        roles=roles,
        skill_names=skill_names,
        members=len(members),
        assessments=len(assessments),
        errors=errors,
        undecided=undecided,
        ready=not errors and not undecided,
        dry_run=True,
        encoding=grid.encoding,
        delimiter=grid.delimiter,
        sheet=grid.sheet,
    )
    return ParsedImport(plan=plan, members=members, assessments=assessments)


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
    layout: Layout,
    index: FrameworkIndex,
    mapping: ImportMapping,
    thresholds: Thresholds,
    header_index: int,
    errors: list[RowError],
) -> tuple[list[ColumnPlan], dict[int, str], list[str]]:
    """Every column's plan; in a wide layout, which skill each skill column holds."""
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
    undecided: list[str] = []
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
        elif layout == "long" or normalise(header) in NOTE_HEADERS:
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
            else:
                undecided.append(f"column {letter} {header!r}")
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
    return columns, skill_columns, undecided


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


def _parse_rows(
    data_rows: list[tuple[int, tuple[Cell, ...]]],
    layout: Layout,
    column_of: dict[ColumnRole, int],
    skill_columns: dict[int, str],
    roles: list[TitlePlan],
    skill_names: list[TitlePlan],
    default_source: str,
    errors: list[RowError],
) -> tuple[list[ParsedMember], list[ParsedAssessment]]:
    role_for = {plan.text: plan.slug for plan in roles}
    skill_for = {plan.text: plan.slug for plan in skill_names}
    members: dict[str, ParsedMember] = {}
    assessments: list[ParsedAssessment] = []
    seen_assessments: dict[tuple[str, str, str], int] = {}

    def where(column: int) -> str:
        return column_letter(column)

    reference_column = column_of.get("reference")
    if reference_column is None:
        return [], []
    for number, row in data_rows:
        reference = _text(_cell(row, reference_column))
        if not reference:
            errors.append(
                RowError(row=number, column=where(reference_column), message="missing member reference")
            )
            continue
        if len(reference) > 40:
            errors.append(
                RowError(row=number, column=where(reference_column), message="reference over 40 characters")
            )
            continue
        member = members.get(reference)
        if member is None:
            member = members[reference] = ParsedMember(reference=reference, row=number)
        elif layout == "wide":
            errors.append(
                RowError(
                    row=number,
                    column=where(reference_column),
                    message=f"duplicate member reference {reference!r} (first on row {member.row})",
                )
            )
            continue
        _member_fields(member, row, number, column_of, role_for, errors)
        if layout == "wide":
            for column, skill in skill_columns.items():
                level = _level(row, column, number, errors)
                if level is not None:
                    assessments.append(
                        ParsedAssessment(
                            reference=reference,
                            skill=skill,
                            source=default_source,
                            level=level,
                            evidence=None,
                        )
                    )
            continue
        skill_text = _text(_cell(row, column_of["skill_name"]))
        named_skill = skill_for.get(skill_text)
        if not skill_text:
            errors.append(
                RowError(row=number, column=where(column_of["skill_name"]), message="missing skill")
            )
            continue
        if named_skill is None:
            continue  # ignored through the mapping, or undecided (reported in the plan)
        level = _level(row, column_of["level"], number, errors)
        source = _source(row, column_of.get("source"), number, default_source, errors)
        evidence_column = column_of.get("evidence")
        evidence = _text(_cell(row, evidence_column)) or None if evidence_column is not None else None
        if level is None or source is None:
            continue
        key = (reference, named_skill, source)
        if key in seen_assessments:
            errors.append(
                RowError(
                    row=number,
                    column=None,
                    message=(
                        f"{reference} already has a {source} level for {named_skill} "
                        f"(row {seen_assessments[key]})"
                    ),
                )
            )
            continue
        seen_assessments[key] = number
        assessments.append(
            ParsedAssessment(
                reference=reference, skill=named_skill, source=source, level=level, evidence=evidence
            )
        )
    return list(members.values()), assessments


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


def _level(row: tuple[Cell, ...], column: int, number: int, errors: list[RowError]) -> int | None:
    cell = _cell(row, column)
    level = parse_level(cell)
    if level is None:
        errors.append(
            RowError(
                row=number,
                column=column_letter(column),
                message=f"{cell!r} is not a level: use 0–4, a level name (None … Expert) or a synonym",
            )
        )
    return level


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
