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
from typing import Annotated, Any

import msgspec
from litestar import Request
from litestar.di import NamedDependency
from litestar.params import PathParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.db.models import ApiKey, Council
from api.errors import NotFound, ProblemError

GssCode = Annotated[
    str, PathParameter(pattern=r"^[ENSWK]\d{8}$", max_length=9, description="GSS code, e.g. E08000021")
]

ADMIN = "admin"
FRAMEWORK_WRITE = "framework:write"
NATIONAL_READ = "national:read"
COUNCIL_SCOPE = re.compile(r"^council:([ENSWK]\d{8})$")
KEY_FORMAT = re.compile(r"^eds_([a-z0-9]{8})_([A-Za-z0-9_-]{20,64})$")


class Unauthorised(ProblemError):
    status_code = 401
    problem_type = "unauthorised"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": 'Bearer realm="edskills"'})


class Forbidden(ProblemError):
    status_code = 403
    problem_type = "forbidden"


class Principal(msgspec.Struct, frozen=True, kw_only=True):
    key_id: int
    name: str
    scopes: frozenset[str]

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.scopes

    @property
    def councils(self) -> frozenset[str]:
        return frozenset(match[1] for scope in self.scopes if (match := COUNCIL_SCOPE.match(scope)))


def valid_scope(scope: str) -> bool:
    return scope in {ADMIN, FRAMEWORK_WRITE, NATIONAL_READ} or COUNCIL_SCOPE.match(scope) is not None


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh key and its prefix."""
    prefix = secrets.token_hex(4)
    return f"eds_{prefix}_{secrets.token_urlsafe(30)}", prefix


async def create_key(session: AsyncSession, name: str, scopes: list[str]) -> tuple[ApiKey, str]:
    """Store a new key; the plain key is returned once and never stored."""
    bad = [scope for scope in scopes if not valid_scope(scope)]
    if bad:
        raise ValueError(
            f"unknown scope(s): {', '.join(bad)} "
            "(use admin, framework:write, national:read or council:<GSS code>)"
        )
    if not scopes:
        raise ValueError("a key needs at least one scope")
    key, prefix = new_key()
    row = ApiKey(name=name, prefix=prefix, key_hash=hash_key(key), scopes=sorted(set(scopes)))
    session.add(row)
    await session.flush()
    return row, key


async def authenticate(request: Request[Any, Any, Any], session: AsyncSession) -> Principal:
    """The caller's principal from ``Authorization: Bearer <key>``, or 401."""
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if not header:
        raise Unauthorised("This resource needs an API key: send `Authorization: Bearer <key>`")
    found = KEY_FORMAT.match(key.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise Unauthorised("The Authorization header is not `Bearer <key>` with a valid key format")
    row = await session.scalar(select(ApiKey).where(ApiKey.prefix == found[1]))
    if row is None or not hmac.compare_digest(row.key_hash, hash_key(key.strip())):
        raise Unauthorised("The API key is not valid")
    if row.revoked_at is not None:
        raise Unauthorised("The API key has been revoked")
    return Principal(key_id=row.id, name=row.name, scopes=frozenset(row.scopes))


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


async def provide_council(
    code: GssCode, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> str:
    """Dependency for council-scoped routes: the council in the path, once the caller's key may
    see it (401, 403 or 404 otherwise) and it is in the registry."""
    principal = await authenticate(request, db_session)
    require_council(principal, code)
    if await db_session.scalar(select(Council.gss).where(Council.gss == code)) is None:
        raise NotFound(f"Council {code!r} is not in the registry")
    return code


async def revoke_key(session: AsyncSession, key_id: int) -> ApiKey | None:
    row = await session.get(ApiKey, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = dt.datetime.now(dt.UTC)
    return row
