"""API keys and scopes.

Keys look like ``eds_<prefix>_<secret>``. Only a SHA-256 of the whole key is stored (keys are
random, so a fast hash is enough; there is nothing to brute-force), compared in constant time;
the prefix finds the row. Scopes: ``admin``, ``framework:write``, ``national:read`` (sector-wide
analytics for national bodies, never one council's data) and ``council:<GSS code>``.

Council data answers 401 without a valid key, 403 to a key that has no council scope at all,
and 404 to another council's key, so a key never learns whether another council's audit exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

import msgspec
from litestar import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.db.models import ApiKey
from api.errors import NotFound, ProblemError
from api.params import GSS_PATTERN
from api.people.events import KEY_CREATED, KEY_REVOKED, record
from api.ratelimit import rate_limiter

ADMIN = "admin"
FRAMEWORK_WRITE = "framework:write"
NATIONAL_READ = "national:read"
PARTNER = "partner"
"""Webhook subscriptions (issue 19): a partner tool receives public events, plus the events of each
council the same key may read."""
COUNCIL_SCOPE = re.compile("^council:(" + GSS_PATTERN.strip("^$") + ")$")
KEY_FORMAT = re.compile(r"^eds_([a-z0-9]{8})_([A-Za-z0-9_-]{20,64})$")
MAX_KEY_RATE_LIMIT = 1_000_000
"""Highest quota a key may carry (requests a minute), as for ``rate_limit_key_per_minute``."""
PRINCIPAL_STATE_KEY = "edskills.principal"


class Unauthorised(ProblemError):
    status_code = 401
    problem_type = "unauthorised"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="edskills"'})


class Forbidden(ProblemError):
    status_code = 403
    problem_type = "forbidden"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    """Who is calling and with what powers: an API key, or a signed-in person whose grants map to
    the same scopes (``api.people.service.principal_for``), so one set of guards serves both."""

    key_id: int | None = None
    name: str
    scopes: frozenset[str]
    person_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.scopes

    @property
    def councils(self) -> frozenset[str]:
        return frozenset(match[1] for scope in self.scopes if (match := COUNCIL_SCOPE.match(scope)))


def valid_scope(scope: str) -> bool:
    return scope in {ADMIN, FRAMEWORK_WRITE, NATIONAL_READ, PARTNER} or COUNCIL_SCOPE.match(scope) is not None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and its prefix."""
    prefix = secrets.token_hex(4)
    return f"eds_{prefix}_{secrets.token_urlsafe(30)}", prefix


async def create_key(
    session: AsyncSession,
    name: str,
    scopes: list[str],
    rate_limit: int | None = None,
    *,
    actor: str = "cli",
    address: str | None = None,
) -> tuple[ApiKey, str]:
    """Store a new key; the plain key is returned once and never stored. ``rate_limit`` is the
    key's own quota in requests a minute (None: the ``rate_limit_key_per_minute`` setting).
    ``actor`` (``cli``, or the email of the person on a page) goes to the event log (issue 15)."""
    bad = [scope for scope in scopes if not valid_scope(scope)]
    if bad:
        raise ValueError(
            f"unknown scope(s): {', '.join(bad)} "
            "(use admin, framework:write, national:read, partner or council:<GSS code>)"
        )
    if not scopes:
        raise ValueError("a key needs at least one scope")
    if rate_limit is not None and not 1 <= rate_limit <= MAX_KEY_RATE_LIMIT:
        raise ValueError(f"a key's rate limit must be 1 to {MAX_KEY_RATE_LIMIT} requests a minute")
    key, prefix = new_key()
    row = ApiKey(
        name=name,
        prefix=prefix,
        key_hash=hash_key(key),
        scopes=sorted(set(scopes)),
        rate_limit_per_minute=rate_limit,
    )
    session.add(row)
    await session.flush()
    await record(
        session,
        KEY_CREATED,
        person_id=None,
        actor=actor,
        address=address,
        detail={"key_id": row.id, "name": name, "scopes": row.scopes},
    )
    return row, key


async def authenticate(request: Request[Any, Any, Any], session: AsyncSession) -> Principal:
    """The caller's principal from ``Authorization: Bearer <key>``, counted against the rate limits
    (``api.ratelimit``): 401 for a missing or bad key, 429 once a limit is spent.

    A key that was presented but failed counts as a failed authentication for the client address,
    which gets 429 instead of 401 once past ``rate_limit_auth_failures_per_minute``; a missing
    header guesses nothing and is not counted. A valid key is never refused for its address's
    failures. The principal is kept for the rest of the request, so it is counted once.
    """
    cached: Principal | None = request.scope["state"].get(PRINCIPAL_STATE_KEY)
    if cached is not None:
        return cached
    header = request.headers.get("authorization", "")
    if not header:
        raise Unauthorised("This resource needs an API key: send `Authorization: Bearer <key>`")
    limiter = rate_limiter(request)
    try:
        row = await _key_row(session, header)
    except Unauthorised:
        await limiter.failed_authentication(request)
        raise
    await limiter.keyed_request(request, row.id, row.rate_limit_per_minute)
    principal = Principal(key_id=row.id, name=row.name, scopes=frozenset(row.scopes))
    request.scope["state"][PRINCIPAL_STATE_KEY] = principal
    return principal


async def _key_row(session: AsyncSession, header: str) -> ApiKey:
    """The active key named by an ``Authorization`` header, or 401 (the key is never logged)."""
    scheme, _, key = header.partition(" ")
    found = KEY_FORMAT.match(key.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise Unauthorised("The Authorization header is not `Bearer <key>` with a valid key format")
    row = await session.scalar(select(ApiKey).where(ApiKey.prefix == found[1]))
    if row is None or not hmac.compare_digest(row.key_hash, hash_key(key.strip())):
        raise Unauthorised("The API key is not valid")
    if row.revoked_at is not None:
        raise Unauthorised("The API key has been revoked")
    return row


def require_council(principal: Principal, gss: str) -> None:
    """Admin or a key for this council; another council's key sees 404, a key for none 403."""
    if principal.is_admin or gss in principal.councils:
        return
    if principal.councils:
        raise NotFound("Not found")
    raise Forbidden("This API key has no council scope; it needs council:<GSS code> or admin")


def require_scope(principal: Principal, scope: str) -> None:
    if not (principal.is_admin or scope in principal.scopes):
        raise Forbidden(f"This API key lacks the {scope!r} scope")


async def revoke_key(
    session: AsyncSession, key_id: int, *, actor: str = "cli", address: str | None = None
) -> ApiKey | None:
    """Revoke a key (logged as an event, issue 15); revoking a revoked key changes nothing."""
    row = await session.get(ApiKey, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
        await record(
            session,
            KEY_REVOKED,
            person_id=None,
            actor=actor,
            address=address,
            detail={"key_id": row.id, "name": row.name, "scopes": row.scopes},
        )
    return row
