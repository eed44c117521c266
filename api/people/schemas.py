"""What the people services return: plain Structs the CLI prints and the pages render (issue 15)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import msgspec

Purpose = Literal["invite", "reset"]
PersonStatus = Literal["invited", "active", "locked"]


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
