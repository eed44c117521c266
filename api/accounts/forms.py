"""What the pages' forms send, read into Structs (issue 15).

A form field is text whatever it holds, so every field is a ``str`` defaulting to empty: a missing
field and an empty one are the same mistake and get the same message. Checks that a person can
fix (required, too long, control characters) become ``FieldError`` s the page shows in its error
summary, linked to the field; the CSRF field is read by ``api.web.csrf`` and ignored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec
from litestar import Request

from api.errors import FieldError
from api.people import passwords, schemas
from api.text import CONTROL_MESSAGE, contains_control

FormT = TypeVar("FormT", bound=msgspec.Struct)

KEY_NAME_MAX_LENGTH = 100
"""``api_keys.name`` is a String(100)."""
EMAIL_MAX_LENGTH = schemas.EMAIL_MAX_LENGTH
PASSWORD_MAX_LENGTH = passwords.MAX_LENGTH
"""The policy's own bound (``api.people.passwords``), so the form and the service refuse the same
passwords: longer than any password manager makes, and it bounds the argon2 work of one request."""


class SignInForm(msgspec.Struct, kw_only=True):
    email: str = ""
    password: str = ""
    next: str = ""


class EmailForm(msgspec.Struct, kw_only=True):
    email: str = ""


class SetPasswordForm(msgspec.Struct, kw_only=True):
    password: str = ""
    confirm_password: str = ""


class ChangePasswordForm(msgspec.Struct, kw_only=True):
    current_password: str = ""
    new_password: str = ""
    confirm_password: str = ""


class KeyForm(msgspec.Struct, kw_only=True):
    name: str = ""


class SharingForm(msgspec.Struct, kw_only=True):
    share: str = ""


async def read_form(request: Request[Any, Any, Any], form_type: type[FormT]) -> FormT:
    """The posted form as ``form_type``; unknown fields are ignored, repeated ones keep the first."""
    posted = await request.form()
    values = {name: posted.get(name) for name in form_type.__struct_fields__ if name in posted}
    return msgspec.convert(
        {name: value for name, value in values.items() if isinstance(value, str)}, form_type
    )


class Rule(msgspec.Struct, frozen=True):
    """How one field is checked: its label (for messages), what to say when it is empty (None: it
    may be empty), and its longest value."""

    label: str
    when_empty: str | None
    max_length: int


def check_text(values: Mapping[str, str], rules: Mapping[str, Rule]) -> list[FieldError]:
    """At most one error per field, in ``rules`` order: empty, too long, or control characters."""
    errors: list[FieldError] = []
    for name, rule in rules.items():
        value = values.get(name, "")
        if not value.strip():
            if rule.when_empty is not None:
                errors.append(FieldError(field=name, message=rule.when_empty, source="body"))
        elif len(value) > rule.max_length:
            message = f"{rule.label} must be {rule.max_length} characters or fewer"
            errors.append(FieldError(field=name, message=message, source="body"))
        elif contains_control(value):
            errors.append(FieldError(field=name, message=f"{rule.label} {CONTROL_MESSAGE}", source="body"))
    return errors
