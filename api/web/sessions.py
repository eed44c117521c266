"""Server-side browser sessions in the ``web_sessions`` table (issue 15).

The browser holds only a random id (``secrets.token_urlsafe(32)``, 256 bits) in an ``HttpOnly``,
``SameSite=Lax``, ``Path=/`` cookie, ``Secure`` and ``__Host-`` whenever the public URL is https
(``api.web.csrf.browser_cookie``); the table holds only its SHA-256, so a copy of the database
signs nobody in. Being in the database, a session made by one worker is valid on every other
(``--workers 2`` behaves as one server) and ending it ends it everywhere at once.

- **Timeouts**: a session ends ``session_idle_minutes`` after it was last used and
  ``session_absolute_hours`` after sign-in, whichever comes first. ``last_seen_at`` is written at
  most once a minute (``TOUCH_INTERVAL``), so browsing is reads only; the idle timeout is thus
  exact to within a minute.
- **Fixation**: signing in always makes a new id and deletes the one the browser came with.
- **Sign out** deletes this session; **sign out everywhere** deletes all of the person's
  sessions and is logged.
- ``SIGNED_IN`` is the dependency of every ``/app`` page that needs a person: one query (session,
  person, grants and the managed councils' names) gives ``request.state.person`` (what the layout
  shows) and the ``Principal`` the guards check (``api.people.service.principal_for``); anyone
  else is sent to ``/app/sign-in?next=<this page>``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import msgspec
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.di import NamedDependency, Provide
from litestar.response import Redirect
from sqlalchemy import String, delete, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.db.models import Council, Person, PersonGrant, WebSession
from api.people.events import SIGN_OUT_EVERYWHERE, record
from api.people.service import principal_for
from api.ratelimit import client_address
from api.web.csrf import SESSION_COOKIE, bind_to, browser_cookie, cookie_name

if TYPE_CHECKING:
    from litestar.types import ExceptionHandlersMap

    from api.settings import Settings

TOUCH_INTERVAL = dt.timedelta(minutes=1)
"""``last_seen_at`` is rewritten only when it is older than this: not on every page view."""
SIGN_IN_PATH = "/app/sign-in"
HOME_PATH = "/app"
USER_AGENT_MAX_LENGTH = 200
ADDRESS_MAX_LENGTH = 64
MANAGER_PREFIX = "manager:"


class SignedIn(msgspec.Struct, frozen=True, kw_only=True):
    """The person behind this request's session: what the layout and the pages read."""

    person_id: int
    email: str
    display_name: str
    grants: tuple[str, ...]
    councils: tuple[tuple[str, str], ...]
    """``(gss, name)`` of each council the person manages, in code order."""
    principal: Principal
    session_hash: str
    session_created_at: dt.datetime


class SessionView(msgspec.Struct, frozen=True, kw_only=True):
    """One of a person's sessions as the account page lists it."""

    created_at: dt.datetime
    last_seen_at: dt.datetime
    user_agent: str | None
    address: str | None
    current: bool


class SignInRequired(Exception):
    """No valid session: the page answers with a redirect to the sign-in page (``to_sign_in``)."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def hash_id(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _expired(
    settings: Settings, created_at: dt.datetime, last_seen_at: dt.datetime, now: dt.datetime
) -> bool:
    return now - last_seen_at >= dt.timedelta(
        minutes=settings.session_idle_minutes
    ) or now - created_at >= dt.timedelta(hours=settings.session_absolute_hours)


def safe_next(value: str | None) -> str:
    """Where to go after signing in: only a local ``/app`` path (with its query), never another
    site (``//evil.example``, ``/\\evil.example``, ``https://…``): no open redirect."""
    if not value or any(ord(char) < 0x21 or char == "\\" for char in value):
        return HOME_PATH
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return HOME_PATH
    if not (parts.path == HOME_PATH or parts.path.startswith(HOME_PATH + "/")):
        return HOME_PATH
    if parts.path == SIGN_IN_PATH:
        return HOME_PATH
    return value


def sign_in_url(next_path: str) -> str:
    target = safe_next(next_path)
    return SIGN_IN_PATH if target == HOME_PATH else f"{SIGN_IN_PATH}?next={quote(target, safe='/')}"


async def start(
    session: AsyncSession, settings: Settings, request: Request[Any, Any, Any], person_id: int
) -> str:
    """A new session for ``person_id``; the id the browser came with (if any) is deleted, so a
    planted id never becomes a signed-in one. Returns the new id (for ``session_cookie``)."""
    now = _now()
    old = request.cookies.get(cookie_name(settings, SESSION_COOKIE))
    stale = or_(
        WebSession.last_seen_at <= now - dt.timedelta(minutes=settings.session_idle_minutes),
        WebSession.created_at <= now - dt.timedelta(hours=settings.session_absolute_hours),
    )
    condition = or_(stale, WebSession.id_hash == hash_id(old)) if old else stale
    await session.execute(delete(WebSession).where(condition))
    session_id = secrets.token_urlsafe(32)
    agent = request.headers.get("user-agent")
    session.add(
        WebSession(
            id_hash=hash_id(session_id),
            person_id=person_id,
            created_at=now,
            last_seen_at=now,
            user_agent=agent[:USER_AGENT_MAX_LENGTH] if agent else None,
            address=client_address(request)[:ADDRESS_MAX_LENGTH],
        )
    )
    await session.flush()
    bind_to(request.scope, session_id)
    return session_id


def session_cookie(settings: Settings, session_id: str) -> Cookie:
    """The cookie carrying the id: no ``Max-Age``, so it also ends when the browser closes."""
    return browser_cookie(settings, SESSION_COOKIE, session_id)


def cleared_cookie(settings: Settings) -> Cookie:
    """Tells the browser to drop the session cookie (same attributes, so ``__Host-`` accepts it)."""
    return browser_cookie(settings, SESSION_COOKIE, "", max_age=0)


async def load(session: AsyncSession, settings: Settings, session_id: str) -> SignedIn | None:
    """The signed-in person for ``session_id``, or None (unknown, or expired: then deleted).
    One query joins the session, the person, their grants and the councils they manage."""
    id_hash = hash_id(session_id)
    managed = literal(MANAGER_PREFIX, String) + Council.gss
    rows = (
        await session.execute(
            select(
                WebSession.created_at,
                WebSession.last_seen_at,
                Person.id,
                Person.email,
                Person.display_name,
                PersonGrant.grant,
                Council.gss,
                Council.name,
            )
            .join(Person, Person.id == WebSession.person_id)
            .outerjoin(PersonGrant, PersonGrant.person_id == Person.id)
            .outerjoin(Council, PersonGrant.grant == managed)
            .where(WebSession.id_hash == id_hash)
        )
    ).all()
    if not rows:
        return None
    created_at, last_seen_at, person_id, email, display_name = rows[0][:5]
    now = _now()
    if _expired(settings, created_at, last_seen_at, now):
        await session.execute(delete(WebSession).where(WebSession.id_hash == id_hash))
        return None
    if now - last_seen_at >= TOUCH_INTERVAL:
        await session.execute(
            update(WebSession).where(WebSession.id_hash == id_hash).values(last_seen_at=now)
        )
    grants = tuple(sorted({row.grant for row in rows if row.grant is not None}))
    councils = tuple(sorted({(row.gss, row.name) for row in rows if row.gss is not None}))
    return SignedIn(
        person_id=person_id,
        email=email,
        display_name=display_name,
        grants=grants,
        councils=councils,
        principal=principal_for(person_id, email, grants),
        session_hash=id_hash,
        session_created_at=created_at,
    )


async def end(session: AsyncSession, settings: Settings, request: Request[Any, Any, Any]) -> None:
    """Sign out: delete the session this browser holds (if any)."""
    session_id = request.cookies.get(cookie_name(settings, SESSION_COOKIE))
    if session_id:
        await session.execute(delete(WebSession).where(WebSession.id_hash == hash_id(session_id)))


async def end_everywhere(session: AsyncSession, person: SignedIn, *, address: str | None) -> int:
    """Sign out everywhere: delete every session of the person (logged); how many there were."""
    ended = await session.execute(delete(WebSession).where(WebSession.person_id == person.person_id))
    count = int(getattr(ended, "rowcount", 0) or 0)
    await record(
        session,
        SIGN_OUT_EVERYWHERE,
        person_id=person.person_id,
        actor=person.email,
        address=address,
        detail={"email": person.email, "sessions": count},
    )
    return count


async def end_others(session: AsyncSession, person: SignedIn) -> None:
    """Every session of the person but this one (after a password change)."""
    await session.execute(
        delete(WebSession).where(
            WebSession.person_id == person.person_id, WebSession.id_hash != person.session_hash
        )
    )


async def sessions_of(session: AsyncSession, person: SignedIn) -> list[SessionView]:
    """The person's sessions, newest first, marking the one in use."""
    rows = await session.scalars(
        select(WebSession)
        .where(WebSession.person_id == person.person_id)
        .order_by(WebSession.created_at.desc())
    )
    return [
        SessionView(
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            user_agent=row.user_agent,
            address=row.address,
            current=row.id_hash == person.session_hash,
        )
        for row in rows
    ]


async def current_person(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> SignedIn | None:
    """The signed-in person, or None; sets ``request.state.person`` for the layout."""
    settings: Settings = request.app.state.settings
    session_id = request.cookies.get(cookie_name(settings, SESSION_COOKIE))
    person = await load(db_session, settings, session_id) if session_id else None
    request.state.person = person
    return person


async def provide_signed_in(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> SignedIn:
    """A page's person, or a redirect to the sign-in page that comes back here afterwards."""
    person = await current_person(request, db_session)
    if person is None:
        back = request.url.path if request.method == "GET" else HOME_PATH
        if request.method == "GET" and request.url.query:
            back = f"{back}?{request.url.query}"
        raise SignInRequired(back)
    return person


def to_sign_in(request: Request[Any, Any, Any], exc: SignInRequired) -> Response[Any]:
    """``SignInRequired`` → 303 to the sign-in page; a stale cookie is dropped on the way."""
    settings: Settings = request.app.state.settings
    response: Redirect = Redirect(path=sign_in_url(exc.next_path), status_code=303)
    if cookie_name(settings, SESSION_COOKIE) in request.cookies:
        response.set_cookie(cleared_cookie(settings))
    return response


SIGNED_IN = Provide(provide_signed_in)
"""``dependencies={"person": SIGNED_IN}`` on any page that needs someone signed in."""
MAYBE_SIGNED_IN = Provide(current_person)
"""For pages anyone may see that show the person if there is one (the sign-in page)."""
SESSION_EXCEPTION_HANDLERS: ExceptionHandlersMap = {SignInRequired: to_sign_in}
"""Registered on the app beside ``api.errors.EXCEPTION_HANDLERS``."""
