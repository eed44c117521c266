"""People, their grants, invitation and reset links, sign-in and lockout (issue 15, DESIGN §1).

Plain functions on an ``AsyncSession``: the CLI, the admin pages and the sign-in pages all call
these, and none of them knows about HTTP. Every change writes its event (``api.people.events``) in
the same transaction.

Links: a ``secrets.token_urlsafe(32)`` token (256 bits) goes in the URL; only its SHA-256 is stored
(a random token needs no slow hash). A link is redeemed by one conditional ``UPDATE … WHERE used_at
IS NULL AND expires_at > now``, counting rows, so of two concurrent redemptions exactly one wins.

Sign-in answers every refusal — unknown account, wrong password, no password yet, locked — with one
``SignInRefused`` and the same message, after the same argon2 work, so neither the answer nor its
time tells whether an account exists. ``lockout_failures`` consecutive failures lock the account for
``lockout_minutes``; the count is one atomic ``UPDATE … SET failed_sign_ins = failed_sign_ins + 1
RETURNING``, exact under concurrent guesses.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import ADMIN, FRAMEWORK_WRITE, NATIONAL_READ, Principal
from api.convert import struct_from
from api.db.models import Council, Event, Person, PersonGrant, PersonToken, WebSession
from api.errors import Conflict, FieldError, NotFound, ProblemError, Unprocessable
from api.pagination import page_of
from api.params import GSS_PATTERN
from api.people import events, mail
from api.people.passwords import (
    PasswordRefused,
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from api.people.schemas import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    EventOut,
    EventPage,
    IssuedLink,
    LinkHolder,
    PeoplePage,
    PersonOut,
    PersonStatus,
    Purpose,
    QueuedMail,
)
from api.text import CONTROL_CHARACTERS

if TYPE_CHECKING:
    from api.ratelimit import RateLimiter
    from api.settings import Settings

EMAIL_PATTERN: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_GRANTS: Final = {"editor": FRAMEWORK_WRITE, "analyst": NATIONAL_READ, "admin": ADMIN}
"""Grants other than ``manager:<GSS>`` and the key scope each carries (DESIGN §1 "Person")."""
MANAGER_GRANT: Final = re.compile("^manager:(" + GSS_PATTERN.strip("^$") + ")$")
SET_PASSWORD_PATH: Final = "/app/set-password/"
TOKEN_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
"""What ``secrets.token_urlsafe`` makes (43 characters from ``_issue_token``); any other text is
no link of ours, answered like an unknown one (issue 15: a mistyped link gets the friendly 410)."""
SIGN_IN_REFUSED: Final = (
    "That email and password did not work. Check them and try again; after several failed tries "
    "the account is locked for a while. If you have forgotten your password, ask for a reset."
)


class SignInRefused(ProblemError):
    """Every refused sign-in, whatever the reason, with the same message (no enumeration)."""

    status_code = 401
    problem_type = "sign-in-refused"

    def __init__(self) -> None:
        super().__init__(SIGN_IN_REFUSED)


class LinkNotValid(ProblemError):
    """410: an invitation or reset link that is unknown, used or expired (which of them is not said)."""

    status_code = 410
    problem_type = "link-not-valid"

    def __init__(self) -> None:
        super().__init__(
            "This link has expired or has already been used. Ask for a new one: an administrator "
            "can send a new invitation, and anyone can ask for a password reset."
        )


# --- small rules -------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_email(email: str) -> str:
    """The stored form of an email: trimmed and lower-cased (the unique index compares this)."""
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def scope_for(grant: str) -> str | None:
    """The API key scope a grant carries: ``manager:X`` → ``council:X``, ``editor`` →
    ``framework:write``, ``analyst`` → ``national:read``, ``admin`` → ``admin``; None if not a grant."""
    if found := MANAGER_GRANT.match(grant):
        return f"council:{found[1]}"
    return ROLE_GRANTS.get(grant)


def principal_for(person_id: int, email: str, grants: Iterable[str]) -> Principal:
    """A signed-in person as the principal the API guards check (``api.auth.require_council`` and
    ``require_scope``), so a person's powers are exactly those of a key with the same scopes."""
    scopes = frozenset(scope for grant in grants if (scope := scope_for(grant)) is not None)
    return Principal(name=email, scopes=scopes, person_id=person_id)


async def load_principal(session: AsyncSession, person_id: int) -> Principal | None:
    """The principal of a person by id (None if they no longer exist)."""
    person = await session.get(Person, person_id)
    if person is None:
        return None
    return principal_for(person.id, person.email, await grants_of(session, person.id))


def _email_errors(email: str, field: str = "email") -> list[FieldError]:
    if not email:
        return [FieldError(field=field, message="Enter an email address")]
    if len(email) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(email) or CONTROL_CHARACTERS.search(email):
        return [FieldError(field=field, message="Enter an email address like name@council.gov.uk")]
    return []


def _name_errors(display_name: str) -> list[FieldError]:
    if not display_name:
        return [FieldError(field="display_name", message="Enter the person's name")]
    if len(display_name) > NAME_MAX_LENGTH:
        return [
            FieldError(field="display_name", message=f"The name must be at most {NAME_MAX_LENGTH} characters")
        ]
    if CONTROL_CHARACTERS.search(display_name):
        return [FieldError(field="display_name", message="The name must not contain control characters")]
    return []


def _not_a_grant(grant: str) -> str:
    return f"{grant!r} is not a grant: use manager:<GSS code>, editor, analyst or admin"


async def _grant_errors(session: AsyncSession, grants: Sequence[str], field: str) -> list[FieldError]:
    """Each grant must be one of the four kinds, and a manager's council must be in the registry."""
    errors: list[FieldError] = []
    for index, grant in enumerate(grants):
        where = field if len(grants) == 1 and field == "grant" else f"{field}[{index}]"
        if scope_for(grant) is None:
            errors.append(FieldError(field=where, message=_not_a_grant(grant)))
        elif (found := MANAGER_GRANT.match(grant)) and await session.get(Council, found[1]) is None:
            errors.append(FieldError(field=where, message=f"council {found[1]} is not in the registry"))
    return errors


def _raise_if(errors: list[FieldError]) -> None:
    if errors:
        raise Unprocessable("; ".join(error.message for error in errors), errors=errors)


async def grants_of(session: AsyncSession, person_id: int) -> list[str]:
    rows = await session.scalars(
        select(PersonGrant.grant).where(PersonGrant.person_id == person_id).order_by(PersonGrant.grant)
    )
    return list(rows)


async def person_by_email(session: AsyncSession, email: str) -> Person | None:
    return await session.scalar(select(Person).where(Person.email == normalise_email(email)))


async def _person_or_404(session: AsyncSession, email: str) -> Person:
    person = await person_by_email(session, email)
    if person is None:
        raise NotFound(f"No person with the email {normalise_email(email)!r}")
    return person


# --- links -----------------------------------------------------------------------------------------


async def _issue_token(
    session: AsyncSession, settings: Settings, person: Person, purpose: Purpose, hours: int
) -> tuple[str, dt.datetime]:
    """A fresh link for ``person``; their older unused links of the same purpose stop working."""
    await session.execute(
        delete(PersonToken).where(
            PersonToken.person_id == person.id,
            PersonToken.purpose == purpose,
            PersonToken.used_at.is_(None),
        )
    )
    token = secrets.token_urlsafe(32)
    now = _now()
    expires_at = now + dt.timedelta(hours=hours)
    session.add(
        PersonToken(
            token_hash=hash_token(token),
            person_id=person.id,
            purpose=purpose,
            created_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return f"{settings.base_url}{SET_PASSWORD_PATH}{token}", expires_at


def mail_configured(settings: Settings) -> bool:
    """Whether links are emailed: both ``EDSKILLS_SMTP_URL`` and ``EDSKILLS_MAIL_FROM`` are set."""
    return bool(settings.smtp_url and settings.mail_from)


async def _send(settings: Settings, queued: QueuedMail) -> tuple[bool, str | None]:
    """Hand ``queued`` to the mail server when one is configured: (sent, why not), never raised."""
    if not settings.smtp_url or not settings.mail_from:
        return False, None
    try:
        await mail.send(settings.smtp_url, settings.mail_from, queued.message)
    except mail.MailFailed as exc:
        return False, str(exc)
    return True, None


async def _log_mail_failed(session: AsyncSession, queued: QueuedMail, error: str) -> None:
    await events.record(
        session,
        events.MAIL_FAILED,
        person_id=queued.person_id,
        actor=queued.actor,
        address=queued.address,
        detail={"email": queued.message.to, "subject": queued.message.subject, "error": error},
    )


async def _deliver(
    session: AsyncSession,
    settings: Settings,
    message: mail.Mail,
    *,
    person: Person,
    actor: str | None,
    address: str | None,
) -> tuple[bool, str | None]:
    """Email ``message`` now, in the caller's time (an admin is told whether it went); a failure
    is logged in ``session`` as a ``mail-failed`` event, never raised: the link is not lost."""
    queued = QueuedMail(message=message, person_id=person.id, actor=actor, address=address)
    sent, error = await _send(settings, queued)
    if error is not None:
        await _log_mail_failed(session, queued, error)
    return sent, error


async def invite(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    display_name: str,
    grants: Sequence[str],
    actor: str,
    address: str | None = None,
) -> IssuedLink:
    """Invite a person (DESIGN §1: nobody self-registers) with their grants; a single-use link to
    set their password, valid ``invitation_hours``, emailed when a mail server is configured.

    Re-inviting someone who has not yet set a password issues a new link (the old one stops
    working) and adds any new grants; inviting someone who already has a password is a 409.
    """
    email = normalise_email(email)
    display_name = display_name.strip()
    errors = _email_errors(email) + _name_errors(display_name)
    if not grants:
        errors.append(FieldError(field="grants", message="Give the person at least one grant"))
    errors += await _grant_errors(session, grants, "grants")
    _raise_if(errors)
    person = await person_by_email(session, email)
    if person is None:
        person = Person(email=email, display_name=display_name, created_at=_now())
        session.add(person)
        await session.flush()
    elif person.password_hash is not None:
        raise Conflict(f"{email} already has an account; to help them sign in, issue a password reset")
    else:
        person.display_name = display_name
    held = set(await grants_of(session, person.id))
    for grant in sorted(set(grants) - held):
        session.add(PersonGrant(person_id=person.id, grant=grant))
    link, expires_at = await _issue_token(session, settings, person, "invite", settings.invitation_hours)
    emailed, mail_error = await _deliver(
        session,
        settings,
        mail.invitation_mail(
            email=email, display_name=display_name, link=link, hours=settings.invitation_hours
        ),
        person=person,
        actor=actor,
        address=address,
    )
    await events.record(
        session,
        events.INVITED,
        person_id=person.id,
        actor=actor,
        address=address,
        detail={"email": email, "grants": sorted(set(grants) | held), "emailed": emailed},
    )
    return IssuedLink(
        person_id=person.id,
        email=email,
        display_name=display_name,
        purpose="invite",
        link=link,
        expires_at=expires_at,
        emailed=emailed,
        mail_error=mail_error,
    )


async def issue_reset(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    actor: str | None = None,
    address: str | None = None,
) -> IssuedLink | None:
    """A password-reset link valid ``reset_hours``, emailed when a mail server is configured; None
    for an email nobody has (callers answer the same either way)."""
    person = await person_by_email(session, email)
    if person is None:
        return None
    link, expires_at, message = await _reset_link(session, settings, person)
    emailed, mail_error = await _deliver(
        session, settings, message, person=person, actor=actor, address=address
    )
    await events.record(
        session,
        events.RESET_ISSUED,
        person_id=person.id,
        actor=actor or person.email,
        address=address,
        detail={"email": person.email, "emailed": emailed},
    )
    return IssuedLink(
        person_id=person.id,
        email=person.email,
        display_name=person.display_name,
        purpose="reset",
        link=link,
        expires_at=expires_at,
        emailed=emailed,
        mail_error=mail_error,
    )


async def _reset_link(
    session: AsyncSession, settings: Settings, person: Person
) -> tuple[str, dt.datetime, mail.Mail]:
    link, expires_at = await _issue_token(session, settings, person, "reset", settings.reset_hours)
    message = mail.reset_mail(
        email=person.email, display_name=person.display_name, link=link, hours=settings.reset_hours
    )
    return link, expires_at, message


async def request_reset(
    new_session: Callable[[], AsyncSession],
    settings: Settings,
    *,
    email: str,
    address: str | None = None,
) -> None:
    """Someone asks to reset their own password (``/app/reset``). Run after the response (a
    background task of the page), so the answer takes the same time whether or not the address
    has an account: only a known one has a link to write and a mail server to wait for (issue 15:
    no account enumeration by timing).

    The request's transaction has ended by then, so this has its own: the link and its event are
    committed before the message carrying the link leaves, and no transaction is held open while
    the mail server answers; a failed send is logged in one more transaction."""
    async with new_session() as session, session.begin():
        person = await person_by_email(session, email)
        if person is None:
            return
        _link, _expires_at, message = await _reset_link(session, settings, person)
        queued = QueuedMail(message=message, person_id=person.id, actor=person.email, address=address)
        await events.record(
            session,
            events.RESET_ISSUED,
            person_id=person.id,
            actor=person.email,
            address=address,
            detail={"email": person.email, "emailed_after_response": mail_configured(settings)},
        )
    _sent, error = await _send(settings, queued)
    if error is not None:
        async with new_session() as session, session.begin():
            await _log_mail_failed(session, queued, error)


async def token_holder(session: AsyncSession, token: str) -> LinkHolder | None:
    """Whose link ``token`` is, if it is still valid (unused and unexpired); None otherwise,
    including for any text that is not a token at all."""
    if not TOKEN_PATTERN.match(token):
        return None
    row = (
        await session.execute(
            select(PersonToken, Person)
            .join(Person, Person.id == PersonToken.person_id)
            .where(
                PersonToken.token_hash == hash_token(token),
                PersonToken.used_at.is_(None),
                PersonToken.expires_at > _now(),
            )
        )
    ).first()
    if row is None:
        return None
    link, person = row
    purpose: Purpose = "reset" if link.purpose == "reset" else "invite"
    return LinkHolder(
        person_id=person.id,
        email=person.email,
        display_name=person.display_name,
        purpose=purpose,
        expires_at=link.expires_at,
    )


async def redeem(session: AsyncSession, token: str, password: str, *, address: str | None = None) -> Person:
    """Set the password through a link, once: ``LinkNotValid`` (410) for an unknown, used or
    expired link, ``PasswordRefused`` (422 on ``password``) when the policy refuses the password (the
    link still works then). The link is spent by one conditional UPDATE, so two concurrent
    redemptions cannot both succeed. Every other open link of the person stops working, and after a
    reset every signed-in session of theirs ends."""
    holder = await token_holder(session, token)
    if holder is None:
        raise LinkNotValid
    check_policy(password, email=holder.email, display_name=holder.display_name)
    password_hash = await hash_password(password)
    now = _now()
    spent = await session.execute(
        update(PersonToken)
        .where(
            PersonToken.token_hash == hash_token(token),
            PersonToken.used_at.is_(None),
            PersonToken.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise LinkNotValid
    await session.execute(
        delete(PersonToken).where(PersonToken.person_id == holder.person_id, PersonToken.used_at.is_(None))
    )
    if holder.purpose == "reset":
        await session.execute(delete(WebSession).where(WebSession.person_id == holder.person_id))
    await session.execute(
        update(Person)
        .where(Person.id == holder.person_id)
        .values(password_hash=password_hash, password_changed_at=now, failed_sign_ins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    await events.record(
        session,
        events.PASSWORD_SET,
        person_id=holder.person_id,
        actor=holder.email,
        address=address,
        detail={"email": holder.email, "through": holder.purpose},
    )
    person = await session.get(Person, holder.person_id, populate_existing=True)
    assert person is not None  # the token's foreign key holds it
    return person


# --- sign-in and passwords ----------------------------------------------------------------------


async def sign_in(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    address: str,
    limiter: RateLimiter | None = None,
) -> Person:
    """The person whose email and password these are, or ``SignInRefused`` (see the module docstring).

    ``limiter`` (the app's ``RateLimiter``) throttles failures per address: past
    ``sign_in_address_per_minute`` the address gets ``RateLimited`` (429) before any password is
    checked. A refusal commits the session before raising — the failure count, the lock and the
    events must survive the request's rollback — so call this before any other write.
    """
    if limiter is not None:
        await limiter.sign_in_gate(address)
    normalised = normalise_email(email)[:EMAIL_MAX_LENGTH]
    person = await person_by_email(session, normalised)
    now = _now()
    locked = person is not None and person.locked_until is not None and person.locked_until > now
    usable_hash = person.password_hash if person is not None and not locked else None
    if await verify_password(usable_hash, password) and person is not None:
        await _signed_in(session, person, password, address)
        return person
    reason = (
        "unknown-account"
        if person is None
        else "locked"
        if locked
        else "no-password"
        if person.password_hash is None
        else "wrong-password"
    )
    if limiter is not None:
        await limiter.failed_sign_in(address)
    person_id = person.id if person is not None else None
    await events.record(
        session,
        events.SIGN_IN_FAILED,
        person_id=person_id,
        actor=normalised,
        address=address,
        detail={"email": normalised, "reason": reason},
    )
    if person is not None and not locked:
        await _count_failure(session, settings, person, address)
    await session.commit()
    raise SignInRefused


async def _signed_in(session: AsyncSession, person: Person, password: str, address: str) -> None:
    values: dict[str, object] = {}
    if person.failed_sign_ins or person.locked_until is not None:
        values.update(failed_sign_ins=0, locked_until=None)
    if person.password_hash is not None and needs_rehash(person.password_hash):
        values["password_hash"] = await hash_password(password)
    if values:
        await session.execute(
            update(Person)
            .where(Person.id == person.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    await events.record(
        session,
        events.SIGN_IN,
        person_id=person.id,
        actor=person.email,
        address=address,
        detail={"email": person.email},
    )


async def _count_failure(session: AsyncSession, settings: Settings, person: Person, address: str) -> None:
    """One more consecutive failure, atomically; the one that reaches ``lockout_failures`` locks."""
    failures = await session.scalar(
        update(Person)
        .where(Person.id == person.id)
        .values(failed_sign_ins=Person.failed_sign_ins + 1)
        .returning(Person.failed_sign_ins)
        .execution_options(synchronize_session=False)
    )
    if failures is None or failures < settings.lockout_failures:
        return
    locked_until = _now() + dt.timedelta(minutes=settings.lockout_minutes)
    await session.execute(
        update(Person)
        .where(Person.id == person.id)
        .values(failed_sign_ins=0, locked_until=locked_until)
        .execution_options(synchronize_session=False)
    )
    await events.record(
        session,
        events.LOCKED,
        person_id=person.id,
        actor=None,
        address=address,
        detail={"email": person.email, "until": locked_until.isoformat(), "failures": failures},
    )


async def change_password(
    session: AsyncSession,
    person_id: int,
    *,
    current_password: str,
    new_password: str,
    address: str | None = None,
) -> Person:
    """Change a signed-in person's password: the current one must be right (422 on
    ``current_password``) and the new one must meet the policy (422 on ``new_password``)."""
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person")
    if not await verify_password(person.password_hash, current_password):
        raise PasswordRefused("Your current password is not right", field="current_password")
    check_policy(new_password, email=person.email, display_name=person.display_name, field="new_password")
    person.password_hash = await hash_password(new_password)
    person.password_changed_at = _now()
    await events.record(
        session,
        events.PASSWORD_CHANGED,
        person_id=person.id,
        actor=person.email,
        address=address,
        detail={"email": person.email},
    )
    await session.flush()
    return person


# --- grants and lists ------------------------------------------------------------------------------


async def add_grant(
    session: AsyncSession, *, email: str, grant: str, actor: str, address: str | None = None
) -> list[str]:
    """Give a person a grant (adding one they hold changes nothing); their grants afterwards."""
    _raise_if(await _grant_errors(session, [grant], "grant"))
    person = await _person_or_404(session, email)
    held = await grants_of(session, person.id)
    if grant not in held:
        session.add(PersonGrant(person_id=person.id, grant=grant))
        await session.flush()
        await events.record(
            session,
            events.GRANT_ADDED,
            person_id=person.id,
            actor=actor,
            address=address,
            detail={"email": person.email, "grant": grant},
        )
    return sorted({*held, grant})


async def remove_grant(
    session: AsyncSession, *, email: str, grant: str, actor: str, address: str | None = None
) -> list[str]:
    """Take a grant away (removing one they do not hold changes nothing); their grants afterwards.
    Text that is no grant at all is a 422 on ``grant``; a manager grant of a council that has left
    the registry can still be removed."""
    if scope_for(grant) is None:
        _raise_if([FieldError(field="grant", message=_not_a_grant(grant))])
    person = await _person_or_404(session, email)
    removed = await session.execute(
        delete(PersonGrant).where(PersonGrant.person_id == person.id, PersonGrant.grant == grant)
    )
    if removed.rowcount:  # type: ignore[attr-defined]
        await events.record(
            session,
            events.GRANT_REMOVED,
            person_id=person.id,
            actor=actor,
            address=address,
            detail={"email": person.email, "grant": grant},
        )
    return await grants_of(session, person.id)


def _status(person: Person, now: dt.datetime) -> PersonStatus:
    if person.password_hash is None:
        return "invited"
    if person.locked_until is not None and person.locked_until > now:
        return "locked"
    return "active"


async def list_people(session: AsyncSession, limit: int, offset: int) -> PeoplePage:
    """People by email, each with their grants and whether they are invited, active or locked."""
    rows, total = await page_of(session, Person, Person.id.is_not(None), [Person.email], limit, offset)
    grants: dict[int, list[str]] = {row.id: [] for row in rows}
    if rows:
        for person_id, grant in await session.execute(
            select(PersonGrant.person_id, PersonGrant.grant)
            .where(PersonGrant.person_id.in_(grants))
            .order_by(PersonGrant.grant)
        ):
            grants[person_id].append(grant)
    now = _now()
    items = [struct_from(PersonOut, row, grants=grants[row.id], status=_status(row, now)) for row in rows]
    return PeoplePage(items=items, total=total, limit=limit, offset=offset)


async def event_page(session: AsyncSession, limit: int, offset: int, kind: str | None = None) -> EventPage:
    """The event log, newest first, optionally one kind only."""
    where = Event.kind == kind if kind else Event.id.is_not(None)
    rows, total = await page_of(session, Event, where, [Event.id.desc()], limit, offset)
    return EventPage(
        items=[struct_from(EventOut, row) for row in rows], total=total, limit=limit, offset=offset, kind=kind
    )


async def count_people(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(Person)) or 0


async def get_person(session: AsyncSession, person_id: int) -> PersonOut:
    """One person with their grants and status (404 if there is no such person)."""
    person = await session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person")
    return struct_from(
        PersonOut, person, grants=await grants_of(session, person.id), status=_status(person, _now())
    )


async def change_grant(
    session: AsyncSession, person_id: int, grant: str, *, give: bool, actor: str, address: str | None = None
) -> PersonOut:
    """Give (``add_grant``) or take away (``remove_grant``) one grant of the person with this id,
    404 if there is none; their record afterwards. Either way twice changes nothing more."""
    person = await get_person(session, person_id)
    change = add_grant if give else remove_grant
    await change(session, email=person.email, grant=grant, actor=actor, address=address)
    return await get_person(session, person_id)


async def reset_person(
    session: AsyncSession, settings: Settings, person_id: int, *, actor: str, address: str | None = None
) -> IssuedLink:
    """An administrator's reset link for the person with this id (``issue_reset``: emailed now,
    so the answer says whether it went); 404 if there is no such person."""
    person = await get_person(session, person_id)
    issued = await issue_reset(session, settings, email=person.email, actor=actor, address=address)
    if issued is None:  # removed between the two reads
        raise NotFound("No such person")
    return issued
