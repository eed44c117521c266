"""The team pages' forms (issue 16): read with ``api.accounts.forms.read_form``, checked into the
JSON routes' own Structs (``AuditCreate``, ``MemberCreate``, ``MemberUpdate``, ``AssessmentIn``),
so a page accepts exactly what the API accepts and says what to fix, field by field.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import msgspec

from api.accounts.forms import Rule, check_text
from api.audits.schemas import AssessmentIn, AuditCreate, MemberCreate, MemberUpdate
from api.errors import FieldError
from api.params import MEMBER_REFERENCE_MAX_LENGTH, MEMBER_REFERENCE_PATTERN
from taxonomy.index import FrameworkIndex

TITLE_MAX_LENGTH = 200
"""``api.text.Title``."""
LEVEL_CHOICES = frozenset({"0", "1", "2", "3", "4"})
NO_ROLE = ""


class AuditForm(msgspec.Struct, kw_only=True):
    title: str = ""
    audit_date: str = ""


class MemberForm(msgspec.Struct, kw_only=True):
    reference: str = ""
    display_name: str = ""
    role: str = ""
    fte: str = ""
    revision: str = ""


def _error(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, source="body")


def check_audit(form: AuditForm) -> tuple[AuditCreate | None, list[FieldError]]:
    errors = check_text(
        {"title": form.title}, {"title": Rule("Title", "Enter a title for the audit", TITLE_MAX_LENGTH)}
    )
    date = None
    try:
        date = dt.date.fromisoformat(form.audit_date.strip())
    except ValueError:
        message = (
            "Enter the audit's date" if not form.audit_date.strip() else "Enter a real date, like 2026-10-01"
        )
        errors.append(_error("audit_date", message))
    if errors or date is None:
        return None, errors
    return AuditCreate(title=form.title.strip(), audit_date=date), []


def _fte(value: str, errors: list[FieldError]) -> float | None:
    if not value.strip():
        return None
    try:
        fte = float(value.strip())
    except ValueError:
        fte = -1.0
    if not 0 <= fte <= 2:
        errors.append(_error("fte", "FTE must be a number from 0 to 2, like 0.6"))
        return None
    return fte


def _role(index: FrameworkIndex, value: str, errors: list[FieldError]) -> str | None:
    if value == NO_ROLE:
        return None
    if value not in index.roles:
        errors.append(_error("role", "Choose a role from the list"))
        return None
    return value


def _reference(value: str, errors: list[FieldError], *, required: bool) -> str | None:
    reference = value.strip()
    if not reference:
        if required:
            errors.append(_error("reference", "Enter the member's reference, like EDO-03"))
        return None
    if len(reference) > MEMBER_REFERENCE_MAX_LENGTH or not re.match(MEMBER_REFERENCE_PATTERN, reference):
        errors.append(
            _error(
                "reference",
                f"A reference is 1 to {MEMBER_REFERENCE_MAX_LENGTH} letters, digits, spaces, dots, "
                "dashes or underscores, starting with a letter or digit",
            )
        )
        return None
    return reference


def _name(value: str, errors: list[FieldError]) -> str | None:
    errors += check_text({"display_name": value}, {"display_name": Rule("Name", None, TITLE_MAX_LENGTH)})
    return value.strip() or None


def check_new_member(index: FrameworkIndex, form: MemberForm) -> tuple[MemberCreate | None, list[FieldError]]:
    errors: list[FieldError] = []
    reference = _reference(form.reference, errors, required=True)
    name = _name(form.display_name, errors)
    role = _role(index, form.role, errors)
    fte = _fte(form.fte, errors)
    if errors or reference is None:
        return None, errors
    return MemberCreate(
        reference=reference, display_name=name, role=role, fte=1.0 if fte is None else fte
    ), []


def check_member_update(
    index: FrameworkIndex, form: MemberForm
) -> tuple[MemberUpdate | None, list[FieldError]]:
    """A blank name or FTE keeps the stored one (as ``PATCH`` without the field); the role select
    always sends one."""
    errors: list[FieldError] = []
    reference = _reference(form.reference, errors, required=True)
    name = _name(form.display_name, errors)
    role = _role(index, form.role, errors)
    fte = _fte(form.fte, errors)
    if errors:
        return None, errors
    return MemberUpdate(reference=reference, display_name=name, role=role, fte=fte), []


def check_levels(
    reference: str, posted: Mapping[str, str], current: Mapping[str, int | None], index: FrameworkIndex
) -> tuple[list[AssessmentIn], list[FieldError]]:
    """The manager's levels that changed (``level-<skill>`` fields), as the assessments
    ``PUT …/assessments`` writes; a blank choice writes nothing (DESIGN §1)."""
    changes: list[AssessmentIn] = []
    errors: list[FieldError] = []
    for skill in index.framework.skills:
        value = posted.get(f"level-{skill.slug}", "").strip()
        if not value:
            continue
        if value not in LEVEL_CHOICES:
            errors.append(_error(f"level-{skill.slug}", f"{skill.label}: choose a level from 0 to 4"))
            continue
        if int(value) != current.get(skill.slug):
            changes.append(
                AssessmentIn(member=reference, skill=skill.slug, level=int(value), source="manager")
            )
    return changes, errors
