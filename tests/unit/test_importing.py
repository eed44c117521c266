"""Every message ``plan_import`` can give, each from the smallest grid that causes it (issue 13),
and the layout registry."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from api.audits.importing import LAYOUTS, ImportTooLarge, plan_import
from api.audits.schemas import ImportMapping, ImportOptions, Layout, RowError
from api.audits.spreadsheets import Cell, Grid
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework

INDEX = FrameworkIndex(load_framework())
LONG = ("Member", "Skill", "Level")
Rows = tuple[tuple[Cell, ...], ...]


def grid(*rows: tuple[Cell, ...]) -> Grid:
    return Grid(kind="csv", rows=rows)


def options(**values: Any) -> ImportOptions:
    mapping = {key: values.pop(key) for key in ("columns", "roles", "skill_names") if key in values}
    return ImportOptions(mapping=ImportMapping(**mapping), **values)


ERRORS: list[tuple[str, Rows, ImportOptions, RowError]] = [
    ("no rows", (), options(), RowError(row=1, column=None, message="the file has no rows")),
    (
        "header row past the end",
        (("Reference", "GIS"),),
        options(header_row=3),
        RowError(row=3, column=None, message="the file has only 1 rows"),
    ),
    (
        "no reference column",
        (("Who", "GIS"), ("A", 1)),
        options(),
        RowError(
            row=1,
            column=None,
            message="no member reference column (a header such as 'Reference', 'Staff ID' or 'Member')",
        ),
    ),
    (
        "long without skill and level",
        (("Reference", "GIS"), ("A", 1)),
        options(layout="long"),
        RowError(row=1, column=None, message="a long layout needs 'Skill' and 'Level' columns"),
    ),
    (
        "mapping names an unknown skill for a column",
        (("Reference", "Juggling"), ("A", 1)),
        options(columns={"Juggling": "circus"}),
        RowError(row=1, column="B", message="mapping names unknown skill 'circus'"),
    ),
    (
        "two columns, one skill",
        (("Reference", "GIS", "Spatial analysis [gis-spatial-analysis]"), ("A", 1, 2)),
        options(),
        RowError(row=1, column="C", message="columns B and C both map to skill 'gis-spatial-analysis'"),
    ),
    (
        "mapping names an unknown role",
        (("Reference", "Role"), ("A", "Wizard")),
        options(roles={"Wizard": "chief-wizard"}),
        RowError(row=2, column="B", message="mapping names unknown role 'chief-wizard'"),
    ),
    (
        "mapping names an unknown skill for a skill name",
        (LONG, ("A", "Juggling", 1)),
        options(skill_names={"Juggling": "circus"}),
        RowError(row=2, column="B", message="mapping names unknown skill 'circus'"),
    ),
    (
        "missing reference",
        (("Reference", "Name", "GIS"), (None, "Pat", 1)),
        options(),
        RowError(row=2, column="A", message="missing member reference"),
    ),
    (
        "reference too long",
        (("Reference", "GIS"), ("R" * 41, 1)),
        options(),
        RowError(row=2, column="A", message="reference over 40 characters"),
    ),
    (
        "duplicate reference in a wide layout",
        (("Reference", "GIS"), ("A", 1), ("A", 2)),
        options(),
        RowError(row=3, column="A", message="duplicate member reference 'A' (first on row 2)"),
    ),
    (
        "missing skill in a long layout",
        (LONG, ("A", None, 1)),
        options(),
        RowError(row=2, column="B", message="missing skill"),
    ),
    (
        "the same member, skill and source twice",
        (LONG, ("A", "GIS", 1), ("A", "GIS", 2)),
        options(),
        RowError(
            row=3, column=None, message="A already has a manager level for gis-spatial-analysis (row 2)"
        ),
    ),
    (
        "FTE out of range",
        (("Reference", "FTE"), ("A", "3")),
        options(),
        RowError(row=2, column="B", message="FTE '3' is not 0–2"),
    ),
    (
        "not a level",
        (("Reference", "GIS"), ("A", "good")),
        options(),
        RowError(
            row=2,
            column="B",
            message="'good' is not a level: use 0–4, a level name (None … Expert) or a synonym",
        ),
    ),
    (
        "not a source",
        ((*LONG, "Source"), ("A", "GIS", 1, "boss")),
        options(),
        RowError(row=2, column="D", message="source 'boss' is not self, manager or verified"),
    ),
]


@pytest.mark.parametrize(
    ("rows", "given", "error"), [case[1:] for case in ERRORS], ids=[c[0] for c in ERRORS]
)
def test_each_error_message(rows: Rows, given: ImportOptions, error: RowError) -> None:
    plan = plan_import(grid(*rows), INDEX, given).plan
    assert plan.errors == [error]
    assert not plan.ready


TWO_MEMBERS = (("Reference", "GIS"), ("A", 1), ("B", 2))
CAPS = [
    (
        {"max_data_rows": 1},
        413,
        "too many data rows: the file has 2 rows after its header; the limit is 1 "
        "(setting EDSKILLS_IMPORT_MAX_ROWS). Split the file into smaller imports",
    ),
    (
        {"max_members": 1},
        422,
        "too many members: the file has 2 members; the limit is 1 "
        "(setting EDSKILLS_IMPORT_MAX_MEMBERS). Split the file into smaller imports",
    ),
]


@pytest.mark.parametrize(("caps", "status", "message"), CAPS, ids=["data rows", "members"])
def test_each_cap_message(caps: dict[str, int], status: int, message: str) -> None:
    with pytest.raises(ImportTooLarge) as raised:
        plan_import(grid(*TWO_MEMBERS), INDEX, **caps)
    assert (raised.value.status, raised.value.message) == (status, message)


def test_every_layout_has_its_rules_and_is_detected() -> None:
    assert set(LAYOUTS) == set(get_args(Layout))
    wide = plan_import(grid(("Reference", "GIS"), ("A", 1)), INDEX).plan
    long = plan_import(grid(LONG, ("A", "GIS", 1)), INDEX).plan
    assert (wide.layout, long.layout, wide.ready, long.ready) == ("wide", "long", True, True)


@pytest.mark.parametrize(
    ("rows", "assessments"),
    [
        ((("Reference", "GIS", "Bid writing"), ("A", None, "-"), ("B", "n/a", "none")), 3),
        ((LONG, ("A", "GIS", None), ("B", "GIS", "-")), 1),
    ],
    ids=["wide", "long"],
)
def test_a_blank_level_writes_nothing(rows: Rows, assessments: int) -> None:
    """DESIGN §1: blank is unassessed; ``-``, ``n/a`` and ``none`` are 0."""
    parsed = plan_import(grid(*rows), INDEX)
    assert parsed.plan.errors == []
    assert [a.level for a in parsed.assessments] == [0] * assessments
