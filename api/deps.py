"""Dependencies every slice shares: the framework store and the council registry (both in the
worker's memory, issue 14), the council a caller may see, and the keys an operation demands
(editor, analyst, admin, any key), with the scope each stands for. One home for each (issue 13), so routes
and pages declare them the same way.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import (
    ADMIN,
    FRAMEWORK_WRITE,
    NATIONAL_READ,
    PARTNER,
    Principal,
    authenticate,
    require_council,
    require_scope,
)
from api.councils.registry import CouncilRegistry
from api.errors import NotFound
from api.framework.store import FrameworkStore
from api.params import GssCode


def provide_store(state: State) -> FrameworkStore:
    """The worker's cache of framework editions (published ones are immutable and held in memory)."""
    store: FrameworkStore = state.framework_store
    return store


def provide_registry(state: State) -> CouncilRegistry:
    """The worker's in-memory council registry (``api.councils.registry``)."""
    registry: CouncilRegistry = state.council_registry
    return registry


async def provide_council(
    code: GssCode, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
) -> str:
    """The council in the path, once the caller's key may see it (401, 403 or 404 otherwise,
    ``api.auth.require_council``) and it is in the registry (checked in memory)."""
    principal = await authenticate(request, db_session)
    require_council(principal, code)
    if not await provide_registry(request.app.state).contains(code):
        raise NotFound(f"Council {code!r} is not in the registry")
    return code


def _key_with(scope: str | None) -> Provide:
    """A dependency giving the caller's principal: a valid key (else 401) holding ``scope`` or
    admin (else 403); with no scope, any valid key."""

    async def provide_key(
        request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Principal:
        principal = await authenticate(request, db_session)
        if scope is not None:
            require_scope(principal, scope)
        return principal

    return Provide(provide_key)


STORE = Provide(provide_store, sync_to_thread=False)
REGISTRY = Provide(provide_registry, sync_to_thread=False)
COUNCIL = Provide(provide_council)
EDITOR = _key_with(FRAMEWORK_WRITE)
"""A national body's key: ``framework:write`` (or admin), else 401/403."""
ANALYST = _key_with(NATIONAL_READ)
"""Sector-wide analytics: ``national:read`` (or admin), else 401/403."""
ADMIN_KEY = _key_with(ADMIN)
"""People, grants and the event log (issue 15): an ``admin`` key, else 401/403."""
PARTNER_KEY = _key_with(PARTNER)
"""Webhook subscriptions (issue 19): ``partner`` (or admin), else 401/403."""
COUNCILS_KEY = _key_with(None)
"""Any valid key, else 401; the operation checks the scopes the body calls for (learning sets: a key
for each council listed, ``api.recommendations.service``)."""
COUNCIL_DEPENDENCIES = {"council": COUNCIL, "store": STORE}
"""What every council-scoped controller declares."""
SCOPE_OF_DEPENDENCY = {
    "council": "council:{code}",
    "editor": FRAMEWORK_WRITE,
    "analyst": NATIONAL_READ,
    "admin_key": ADMIN,
    "partner_key": PARTNER,
    "councils_key": "council:{councils}",
}
"""The key scope each of these dependencies demands (admin always passes): the OpenAPI security
requirements are derived from which of them an operation declares (``api.openapi_security``).
``councils_key`` is a key for each council the request body lists."""
