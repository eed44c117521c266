"""People, their grants, invitations, reset links and the event log in the JSON API (issue 15).

DESIGN §3: every thing a page can do, the JSON API can do too. Admin keys only
(``api.deps.ADMIN_KEY``, so the OpenAPI security is derived as for the other guards). Each handler
calls the ``api.people.service`` function that the admin pages (``api.people.pages``) and
``edskills people`` call; the events they write name the key as their actor (``key_actor``).

A new link is in the answer once (``IssuedLink.link``) and never again; responses to requests with
credentials are ``Cache-Control: no-store`` (``api.http_guards``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.deps import ADMIN_KEY
from api.errors import problem_responses
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response
from api.people import events
from api.people import service as people
from api.people.schemas import EventPage, InvitationCreate, IssuedLink, PeoplePage, PersonOut
from api.ratelimit import client_address

ERRORS = problem_responses(400, 401, 403, 404, 422, 429)
INVITE_ERRORS = problem_responses(400, 401, 403, 409, 422, 429)
PersonId = Annotated[int, PathParameter(ge=1, le=2**53, description="Person id.")]
Grant = Annotated[
    str, PathParameter(max_length=40, description="`manager:<GSS code>`, `editor`, `analyst` or `admin`.")
]
EventKind = Annotated[
    str | None,
    QueryParameter(
        pattern="^(" + "|".join(events.KINDS) + ")$",  # plain words: no escaping (ECMA-262 in OpenAPI)
        description="Only events of this kind: " + ", ".join(f"`{kind}`" for kind in events.KINDS) + ".",
    ),
]


def key_actor(principal: Principal) -> str:
    """How an API key is named in the event log: its id and its name (``key 7 (ops-admin)``)."""
    return f"key {principal.key_id} ({principal.name})"


class PeopleController(Controller):
    path = "/v1"
    tags = ["people"]
    dependencies = {"admin_key": ADMIN_KEY}

    @get(
        "/people",
        operation_id="listPeople",
        summary="People who sign in to the pages, with their grants",
        responses=ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_people(
        self,
        request: Request[Any, Any, Any],
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[PeoplePage]:
        """By email; each person is `invited` (no password yet), `active` or `locked`."""
        return page_response(request, await people.list_people(db_session, limit, offset))

    @post(
        "/people/invitations",
        operation_id="invitePerson",
        summary="Invite a person with their grants",
        responses=INVITE_ERRORS,
    )
    async def invite_person(
        self,
        request: Request[Any, Any, Any],
        data: JSONBody[InvitationCreate],
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> IssuedLink:
        """A single-use link to set a password (shown in this answer only), valid
        `EDSKILLS_INVITATION_HOURS`, and whether the mail server took it. Inviting again before it
        is used replaces the link; a person who already has a password is a 409 (send a reset)."""
        return await people.invite(
            db_session,
            request.app.state.settings,
            email=data.email,
            display_name=data.display_name,
            grants=data.grants,
            actor=key_actor(admin_key),
            address=client_address(request),
        )

    @get("/people/{person_id:int}", operation_id="getPerson", summary="One person", responses=ERRORS)
    async def get_person(
        self,
        person_id: PersonId,
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> PersonOut:
        return await people.get_person(db_session, person_id)

    @put(
        "/people/{person_id:int}/grants/{grant:str}",
        operation_id="addGrant",
        summary="Give a person a grant (idempotent)",
        responses=ERRORS,
    )
    async def add_grant(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        grant: Grant,
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> PersonOut:
        """A manager's council must be in the registry (422 otherwise). The person afterwards."""
        return await people.change_grant(
            db_session,
            person_id,
            grant,
            give=True,
            actor=key_actor(admin_key),
            address=client_address(request),
        )

    @delete(
        "/people/{person_id:int}/grants/{grant:str}",
        operation_id="removeGrant",
        summary="Take a grant away (idempotent)",
        responses=ERRORS,
        status_code=200,
    )
    async def remove_grant(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        grant: Grant,
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> PersonOut:
        """Removing a grant the person does not hold changes nothing. The person afterwards."""
        return await people.change_grant(
            db_session,
            person_id,
            grant,
            give=False,
            actor=key_actor(admin_key),
            address=client_address(request),
        )

    @post(
        "/people/{person_id:int}/reset",
        operation_id="issuePasswordReset",
        summary="A password-reset link for a person",
        responses=ERRORS,
    )
    async def reset_person(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
    ) -> IssuedLink:
        """A single-use link (shown in this answer only), valid `EDSKILLS_RESET_HOURS`; their
        older reset links stop working. Emailed before the answer, which says whether it went."""
        return await people.reset_person(
            db_session,
            request.app.state.settings,
            person_id,
            actor=key_actor(admin_key),
            address=client_address(request),
        )

    @get(
        "/events",
        operation_id="listEvents",
        summary="The security event log, newest first",
        responses=ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_events(
        self,
        request: Request[Any, Any, Any],
        admin_key: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
        kind: EventKind = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[EventPage]:
        """Sign-ins, failures, locks, invitations, resets, password and grant changes, keys
        created and revoked, sign-outs everywhere and failed email: who, when, from where."""
        return page_response(request, await people.event_page(db_session, limit, offset, kind))
