"""A manager's council pages (issue 15): the council's API keys and its sharing switch.

The guard is the keys' own (``api.web.councils.MANAGED_COUNCIL``: ``api.auth.require_council``; admin, or a
manager of this council; another council's manager gets 404, a person managing none 403). Keys
are made by ``api.auth.create_key`` with scope ``council:<code>`` only, whoever makes them, and the
new key is shown once, on the page that answers the form (never in a URL, never again).
Revoking asks first (a page with one button), then revokes through ``api.auth.revoke_key``.
Sharing is ``api.recommendations.service.set_sharing``, the function ``PUT …/sharing`` calls.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service
from api.accounts.forms import KEY_NAME_MAX_LENGTH, KeyForm, Rule, SharingForm, check_text, read_form
from api.councils.registry import CouncilRegistry
from api.deps import REGISTRY
from api.errors import FieldError
from api.params import GssCode
from api.ratelimit import client_address
from api.recommendations import service as recommendations
from api.web.councils import MANAGED_COUNCIL, Done
from api.web.render import page
from api.web.sessions import SIGNED_IN, SignedIn

KeyId = Annotated[int, PathParameter(ge=1, le=2**53)]
KEY_RULES = {"name": Rule("Name", "Enter a name for the key", KEY_NAME_MAX_LENGTH)}
SHARE_CHOICES = {"yes": True, "no": False}
DONE_MESSAGES = {
    "revoked": "The key is revoked. Tools using it can no longer reach the API.",
    "sharing-saved": "Your choice is saved.",
}


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


class CouncilPages(Controller):
    path = "/app/councils/{code:str}"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN, "council": MANAGED_COUNCIL}

    async def _keys_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        council: service.CouncilPage,
        *,
        errors: list[FieldError] | None = None,
        name: str = "",
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        context = {
            "council": council,
            "keys": await service.council_keys(db_session, council.gss),
            "errors": errors or [],
            "name": name,
            "done": DONE_MESSAGES.get(done or ""),
        }
        return page(request, "accounts/keys.html", context, status_code=status_code)

    @get("/keys", operation_id="getCouncilKeysPage")
    async def keys(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[service.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        done: Done = None,
    ) -> Template:
        return await self._keys_page(request, db_session, council, done=done)

    @post("/keys", operation_id="createCouncilKeyPage", status_code=201)
    async def create(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        person: NamedDependency[SignedIn],
        council: NamedDependency[service.CouncilPage],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """A key for this council only; its value is on this page and nowhere else, ever."""
        form = await read_form(request, KeyForm)
        errors = check_text(msgspec.structs.asdict(form), KEY_RULES)
        if errors:
            return await self._keys_page(
                request, db_session, council, errors=errors, name=form.name, status_code=422
            )
        key, secret = await service.create_council_key(
            db_session, council.gss, form.name.strip(), actor=person.email, address=client_address(request)
        )
        context = {"council": council, "key": key, "secret": secret}
        return page(request, "accounts/key_created.html", context, status_code=201)

    @get("/keys/{key_id:int}/revoke", operation_id="getRevokeCouncilKeyPage")
    async def confirm_revoke(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        key_id: KeyId,
        person: NamedDependency[SignedIn],
        council: NamedDependency[service.CouncilPage],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """Revoking cannot be undone: one page says what will stop working and asks."""
        key = await service.council_key(db_session, person.principal, council.gss, key_id)
        return page(request, "accounts/revoke_key.html", {"council": council, "key": key})

    @post("/keys/{key_id:int}/revoke", operation_id="revokeCouncilKeyPage", status_code=303)
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        key_id: KeyId,
        person: NamedDependency[SignedIn],
        council: NamedDependency[service.CouncilPage],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        await service.revoke_council_key(
            db_session,
            person.principal,
            council.gss,
            key_id,
            actor=person.email,
            address=client_address(request),
        )
        return _see_other(f"/app/councils/{council.gss}/keys?done=revoked")

    @get("/sharing", operation_id="getCouncilSharingPage")
    async def sharing(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        council: NamedDependency[service.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        done: Done = None,
    ) -> Template:
        context = {"council": council, "errors": [], "done": DONE_MESSAGES.get(done or "")}
        return page(request, "accounts/sharing.html", context)

    @post(
        "/sharing", operation_id="setCouncilSharingPage", status_code=303, dependencies={"registry": REGISTRY}
    )
    async def set_sharing(
        self,
        request: Request[Any, Any, Any],
        code: GssCode,
        person: NamedDependency[SignedIn],
        council: NamedDependency[service.CouncilPage],
        db_session: NamedDependency[AsyncSession],
        registry: NamedDependency[CouncilRegistry],
    ) -> Template | Response[Any]:
        form = await read_form(request, SharingForm)
        if form.share not in SHARE_CHOICES:
            errors = [FieldError(field="share", message="Choose whether to share", source="body")]
            context = {"council": council, "errors": errors, "done": None}
            return page(request, "accounts/sharing.html", context, status_code=422)
        await recommendations.set_sharing(db_session, registry, council.gss, SHARE_CHOICES[form.share])
        return _see_other(f"/app/councils/{council.gss}/sharing?done=sharing-saved")
