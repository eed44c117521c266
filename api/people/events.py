"""The security event log (issue 15): sign-ins, failures, locks, invitations, resets, password
changes, grant changes, API keys created and revoked, sign-outs everywhere, mail failures.

``record`` is the one function that writes it, always in the caller's session, so an event is
committed with the change it describes or not at all. ``person_id`` is not a foreign key (the log
outlives the people it names), so ``detail`` carries the email as well.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from api.db.models import Event

SIGN_IN: Final = "sign-in"
SIGN_IN_FAILED: Final = "sign-in-failed"
LOCKED: Final = "locked"
INVITED: Final = "invited"
RESET_ISSUED: Final = "reset-issued"
PASSWORD_SET: Final = "password-set"
PASSWORD_CHANGED: Final = "password-changed"
GRANT_ADDED: Final = "grant-added"
GRANT_REMOVED: Final = "grant-removed"
KEY_CREATED: Final = "key-created"
KEY_REVOKED: Final = "key-revoked"
SIGN_OUT_EVERYWHERE: Final = "sign-out-everywhere"
MAIL_FAILED: Final = "mail-failed"
ROUND_LINK_EMAILED: Final = "round-link-emailed"
"""A self-assessment link emailed to a round's member (issue 17); ``detail`` names round and member."""
ROUND_REMINDER: Final = "round-reminder"

KINDS: Final = (
    SIGN_IN,
    SIGN_IN_FAILED,
    LOCKED,
    INVITED,
    RESET_ISSUED,
    PASSWORD_SET,
    PASSWORD_CHANGED,
    GRANT_ADDED,
    GRANT_REMOVED,
    KEY_CREATED,
    KEY_REVOKED,
    SIGN_OUT_EVERYWHERE,
    MAIL_FAILED,
    ROUND_LINK_EMAILED,
    ROUND_REMINDER,
)
"""Every kind the service writes, in the order the log page offers them as filters."""

ACTOR_MAX_LENGTH: Final = 200
ADDRESS_MAX_LENGTH: Final = 64


async def record(
    session: AsyncSession,
    kind: str,
    *,
    person_id: int | None,
    actor: str | None,
    address: str | None,
    detail: Mapping[str, object] | None = None,
) -> Event:
    """Add one event to the caller's transaction (flushed, so it has its id)."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    event = Event(
        at=dt.datetime.now(dt.UTC),
        kind=kind,
        person_id=person_id,
        actor=actor[:ACTOR_MAX_LENGTH] if actor else None,
        address=address[:ADDRESS_MAX_LENGTH] if address else None,
        detail=dict(detail or {}),
    )
    session.add(event)
    await session.flush()
    return event
