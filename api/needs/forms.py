"""The needs profile form (issue 16): read from the posted fields and checked into the JSON route's
own ``NeedsCreate``, so the page accepts exactly what ``POST …/needs`` accepts and says, field by
field, what to fix.

The form has a number field per role of the edition (``role-<slug>``, blank is 0), a checkbox per
scenario (``scenario``, repeated), extra requirement rows (``rows-<n>-skill|level|headcount|
importance``; a row without a skill is left out, so the blank rows at the end cost nothing) and
the horizon date. With JavaScript off a person adds more rows by saving and editing again: the
form always ends with ``BLANK_ROWS`` empty rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence

import msgspec

from api.accounts.forms import Rule, check_text
from api.errors import FieldError
from api.needs.schemas import NeedsCreate
from taxonomy.index import FrameworkIndex
from taxonomy.model import IMPORTANCE_WEIGHT

TITLE_MAX_LENGTH = 200
"""``api.text.Title``."""
HEADCOUNT_MAX = 10_000
"""``api.needs.schemas.Headcount``'s bound."""
BLANK_ROWS = 3
MAX_ROWS = 500
"""``NeedsCreate.rows``' bound."""
LEVELS = (1, 2, 3, 4)
"""A requirement asks for at least Awareness: a row at level 0 is met by everyone."""
ROW_FIELD = re.compile(r"^rows-(\d{1,3})-(skill|level|headcount|importance)$")


class RowForm(msgspec.Struct, kw_only=True):
    """One extra requirement row as typed (every value text)."""

    skill: str = ""
    level: str = ""
    headcount: str = ""
    importance: str = ""


class NeedsForm(msgspec.Struct, kw_only=True):
    """The whole form as typed: what a refused form is drawn again from."""

    title: str = ""
    horizon: str = ""
    establishment: dict[str, str] = {}
    scenarios: list[str] = []
    rows: list[RowForm] = []
    revision: str = ""


def _error(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, source="body")


def read_needs_form(posted: Mapping[str, str], scenarios: Sequence[str], index: FrameworkIndex) -> NeedsForm:
    """The posted fields as a ``NeedsForm``: one number per role of ``index``, the ticked scenarios
    (``scenarios``: every value of the repeated field) and the rows in their numbered order."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in posted.items():
        if found := ROW_FIELD.match(name):
            rows.setdefault(int(found[1]), {})[found[2]] = value
    return NeedsForm(
        title=posted.get("title", ""),
        horizon=posted.get("horizon", ""),
        establishment={role: posted.get(f"role-{role}", "") for role in index.roles},
        scenarios=list(dict.fromkeys(scenarios)),
        rows=[RowForm(**rows[number]) for number in sorted(rows)][:MAX_ROWS],
        revision=posted.get("revision", ""),
    )


def form_from_profile(
    title: str,
    horizon: dt.date | None,
    establishment: Mapping[str, int],
    scenarios: Sequence[str],
    rows: Sequence[Mapping[str, object]],
    revision: int,
) -> NeedsForm:
    """A stored profile as the form shows it for editing."""
    return NeedsForm(
        title=title,
        horizon=horizon.isoformat() if horizon else "",
        establishment={role: str(count) for role, count in establishment.items() if count},
        scenarios=list(scenarios),
        rows=[
            RowForm(
                skill=str(row["skill"]),
                level=str(row["level"]),
                headcount=str(row["headcount"]),
                importance=str(row["importance"]),
            )
            for row in rows
        ],
        revision=str(revision),
    )


def _whole_number(value: str, field: str, label: str, low: int, errors: list[FieldError]) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= HEADCOUNT_MAX:
        errors.append(_error(field, f"{label} must be a whole number from {low} to {HEADCOUNT_MAX:,}"))
        return None
    return int(text)


def check_needs(form: NeedsForm, index: FrameworkIndex) -> tuple[NeedsCreate | None, list[FieldError]]:
    """The form as ``NeedsCreate`` for ``index``'s edition, or the errors, each naming its field."""
    errors = check_text(
        {"title": form.title},
        {"title": Rule("Title", "Enter a title for the needs profile", TITLE_MAX_LENGTH)},
    )
    horizon = None
    if form.horizon.strip():
        try:
            horizon = dt.date.fromisoformat(form.horizon.strip())
        except ValueError:
            errors.append(_error("horizon", "Enter the horizon as a real date, like 2028-03-31"))
    establishment: dict[str, int] = {}
    for role, value in form.establishment.items():
        title = index.roles[role].title if role in index.roles else role
        count = _whole_number(value, f"role-{role}", f"The number of {title}", 0, errors)
        if count:
            establishment[role] = count
    unknown = [slug for slug in form.scenarios if slug not in index.scenarios]
    if unknown:
        errors.append(_error("scenarios", "Choose scenarios from the list"))
    rows: list[dict[str, object]] = []
    for number, row in enumerate(form.rows):
        if not row.skill.strip():
            continue
        field = f"rows-{number}"
        if row.skill not in index.skills:
            errors.append(_error(f"{field}-skill", f"Row {number + 1}: choose a skill from the list"))
            continue
        if row.level not in {str(level) for level in LEVELS}:
            errors.append(_error(f"{field}-level", f"Row {number + 1}: choose the level needed"))
        headcount = _whole_number(row.headcount, f"{field}-headcount", f"Row {number + 1}: people", 1, errors)
        if headcount is None and not row.headcount.strip():
            errors.append(_error(f"{field}-headcount", f"Row {number + 1}: enter how many people"))
        if row.importance not in IMPORTANCE_WEIGHT:
            errors.append(_error(f"{field}-importance", f"Row {number + 1}: choose how important it is"))
        if headcount is not None and row.level.isdigit() and row.importance in IMPORTANCE_WEIGHT:
            rows.append(
                {
                    "skill": row.skill,
                    "level": int(row.level),
                    "headcount": headcount,
                    "importance": row.importance,
                }
            )
    if errors:
        return None, errors
    data = msgspec.convert(
        {
            "title": form.title.strip(),
            "horizon": horizon,
            "framework_version": index.framework.version,
            "establishment": establishment,
            "scenarios": form.scenarios,
            "rows": rows,
        },
        NeedsCreate,
        from_attributes=False,
    )
    return data, []


def field_for(path: str) -> str:
    """The form field of a JSON field path the service names (``establishment.x`` → ``role-x``,
    ``scenarios[2]`` → ``scenarios``, ``rows[1].skill`` → ``rows-1-skill``), for its error summary."""
    if path.startswith("establishment."):
        return "role-" + path.removeprefix("establishment.")
    if path.startswith("scenarios"):
        return "scenarios"
    if found := re.match(r"^rows\[(\d+)\]\.(\w+)$", path):
        return f"rows-{found[1]}-{found[2]}"
    return "title"
