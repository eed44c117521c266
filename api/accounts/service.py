"""A manager's council pages, as plain functions (issue 15): the council's API keys and its sharing
switch. Keys are made and revoked by ``api.auth.create_key`` / ``revoke_key`` (what the CLI calls),
sharing is set by ``api.recommendations.service.set_sharing`` (what ``PUT …/sharing`` calls); this
module only chooses which keys belong to a council and who may revoke one.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal, create_key, revoke_key
from api.db.models import ApiKey, Council
from api.errors import NotFound


class CouncilPage(msgspec.Struct, frozen=True, kw_only=True):
    gss: str
    name: str
    share_capability: bool


class KeyView(msgspec.Struct, frozen=True, kw_only=True):
    """A key as the keys page lists it: never the key itself, only its prefix."""

    id: int
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    @property
    def shown_prefix(self) -> str:
        return f"eds_{self.prefix}_…"


GRANT_TEXT = {
    "admin": "Administrator: invite people, change grants, read the event log, everything else",
    "editor": "Editor: change the skills framework (drafts, publishing)",
    "analyst": "Analyst: read sector-wide figures",
}


def describe_grants(grants: tuple[str, ...], councils: tuple[tuple[str, str], ...]) -> list[str]:
    """Each grant in plain words for the account page (DESIGN §1 "Person")."""
    names = dict(councils)
    lines = []
    for grant in grants:
        kind, _, gss = grant.partition(":")
        if kind == "manager":
            lines.append(f"Manager of {names.get(gss, gss)}: its audits, API keys and sharing")
        else:
            lines.append(GRANT_TEXT.get(grant, grant))
    return lines


def council_scope(gss: str) -> str:
    return f"council:{gss}"


async def council_page(session: AsyncSession, gss: str) -> CouncilPage:
    """The council's name and sharing switch, read from the database (so a page shows its own
    write at once), or 404."""
    council = await session.get(Council, gss)
    if council is None:
        raise NotFound(f"Council {gss!r} is not in the registry")
    return CouncilPage(gss=council.gss, name=council.name, share_capability=council.share_capability)


def _view(row: ApiKey) -> KeyView:
    return KeyView(
        id=row.id,
        name=row.name,
        prefix=row.prefix,
        scopes=tuple(row.scopes),
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


async def council_keys(session: AsyncSession, gss: str) -> list[KeyView]:
    """Every key holding ``council:<gss>``, active ones first, newest first. Scopes are a JSON list,
    so the filter runs here; the table holds one row per partner tool, not millions."""
    scope = council_scope(gss)
    rows = await session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc(), ApiKey.id.desc()))
    keys = [_view(row) for row in rows if scope in row.scopes]
    return sorted(keys, key=lambda key: key.revoked_at is not None)


async def create_council_key(
    session: AsyncSession, gss: str, name: str, *, actor: str, address: str | None
) -> tuple[KeyView, str]:
    """A key for this council only (scope ``council:<gss>``, whoever creates it); the plain key is
    returned once."""
    row, key = await create_key(session, name, [council_scope(gss)], actor=actor, address=address)
    return _view(row), key


def may_revoke(principal: Principal, key: KeyView) -> bool:
    """A person may revoke a key whose powers are all their own: a manager the council's keys, not
    a key that is also an admin's or another council's."""
    return principal.is_admin or set(key.scopes) <= principal.scopes


async def council_key(session: AsyncSession, principal: Principal, gss: str, key_id: int) -> KeyView:
    """One of the council's keys that ``principal`` may revoke, or 404 (the same answer for a key
    of another council, so a page never tells whether it exists)."""
    row = await session.get(ApiKey, key_id)
    if row is None or council_scope(gss) not in row.scopes or not may_revoke(principal, _view(row)):
        raise NotFound(f"This council has no API key {key_id} you can revoke")
    return _view(row)


async def revoke_council_key(
    session: AsyncSession, principal: Principal, gss: str, key_id: int, *, actor: str, address: str | None
) -> KeyView:
    key = await council_key(session, principal, gss, key_id)
    await revoke_key(session, key.id, actor=actor, address=address)
    return key
