"""What the people services return: plain Structs the CLI prints and the pages render (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Final, Literal

import msgspec
from msgspec import Meta

from api.people.mail import Mail
from api.text import SingleLine

Purpose = Literal["invite", "reset"]
PersonStatus = Literal["invited", "active", "locked"]
EMAIL_MAX_LENGTH: Final = 254
"""The longest email address (RFC 5321's path limit); the service, the forms and the API use it."""
NAME_MAX_LENGTH: Final = 200
GrantText = Annotated[
    SingleLine,
    Meta(
        max_length=40,
        description='`manager:<GSS code>`, `editor`, `analyst` or `admin` (DESIGN §1 "Person").',
    ),
]


class InvitationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``POST /v1/people/invitations``: who to invite and with which grants. Lengths and control
    characters are refused while decoding; what a grant or an email must be is the service's rule
    (``api.people.service.invite``), so the API, the CLI and the invite page answer alike."""

    email: Annotated[SingleLine, Meta(max_length=EMAIL_MAX_LENGTH, description="Stored lower-cased.")]
    display_name: Annotated[SingleLine, Meta(max_length=NAME_MAX_LENGTH)]
    grants: Annotated[list[GrantText], Meta(max_length=20)]


class IssuedLink(msgspec.Struct, frozen=True, kw_only=True):
    """A single-use link just issued. ``link`` holds the token: show it once, never log it."""

    person_id: int
    email: str
    display_name: str
    purpose: Purpose
    link: str
    expires_at: dt.datetime
    emailed: bool
    """Whether the mail server accepted the message (False when no ``EDSKILLS_SMTP_URL`` is set)."""
    mail_error: str | None = None
    """Why sending failed, when it was tried and failed."""


class QueuedMail(msgspec.Struct, frozen=True, kw_only=True):
    """A message to hand to the mail server after the response, and who to log a failure against."""

    message: Mail
    person_id: int
    actor: str | None
    address: str | None


class LinkHolder(msgspec.Struct, frozen=True, kw_only=True):
    """Whose a still-valid link is, for the set-password page."""

    person_id: int
    email: str
    display_name: str
    purpose: Purpose
    expires_at: dt.datetime


class PersonOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    email: str
    display_name: str
    grants: list[str]
    status: PersonStatus
    created_at: dt.datetime
    password_changed_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None


class PeoplePage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[PersonOut]
    total: int
    limit: int
    offset: int


class EventOut(msgspec.Struct, frozen=True, kw_only=True):
    id: int
    at: dt.datetime
    kind: str
    person_id: int | None
    actor: str | None
    address: str | None
    detail: dict[str, object]


class EventPage(msgspec.Struct, frozen=True, kw_only=True):
    items: list[EventOut]
    total: int
    limit: int
    offset: int
    kind: str | None = None
