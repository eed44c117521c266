"""The administrators' pages (issue 15): people and their grants, invitations, reset links and the
event log, under ``/app/people`` and ``/app/events``.

Every handler is guarded by ``api.auth.require_scope(person.principal, ADMIN)`` — the check an admin
key passes — and calls ``api.people.service``, the functions ``edskills people`` calls. A new link
is shown once, on the page that answers the form (never in a URL, never again), with whether it
was emailed.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import ADMIN, require_scope
from api.errors import Conflict, FieldError, NotFound, Unprocessable
from api.people import events
from api.people import service as people
from api.ratelimit import client_address
from api.web.render import page
from api.web.sessions import SIGNED_IN, SignedIn

PAGE_SIZE = 50
ROLES = ("editor", "analyst", "admin")
ROLE_LABELS = {
    "editor": "Editor: edits drafts of the framework and publishes them",
    "analyst": "Analyst: reads sector-wide figures, never one council's data",
    "admin": "Administrator: everything, including people and the event log",
}
PersonId = Annotated[int, PathParameter(ge=1, le=2**53)]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000)]
Done = Annotated[str | None, QueryParameter(max_length=40)]
Kind = Annotated[str | None, QueryParameter(max_length=40)]
DONE_MESSAGES = {
    "grant-added": "The grant is added.",
    "grant-removed": "The grant is removed.",
}


class InviteForm(msgspec.Struct, kw_only=True):
    email: str = ""
    display_name: str = ""
    manager_of: str = ""
    roles: list[str] = msgspec.field(default_factory=list)


class GrantForm(msgspec.Struct, kw_only=True):
    grant: str = ""
    manager_of: str = ""


async def _read(request: Request[Any, Any, Any], form_type: type[Any]) -> Any:
    """The posted form as ``form_type``: text fields take their first value, ``roles`` every value."""
    posted = await request.form()
    values: dict[str, object] = {}
    for name in form_type.__struct_fields__:
        if name == "roles":
            values[name] = [value for value in posted.getall(name, []) if isinstance(value, str)]
        elif isinstance(value := posted.get(name), str):
            values[name] = value
    return msgspec.convert(values, form_type)


def _invite_grants(form: InviteForm) -> tuple[list[str], dict[str, str]]:
    """The grants the form asks for, and for each ``grants[i]`` the form field that set it."""
    grants: list[str] = []
    fields: dict[str, str] = {}
    if form.manager_of.strip():
        fields[f"grants[{len(grants)}]"] = "manager_of"
        grants.append(f"manager:{form.manager_of.strip().upper()}")
    for role in form.roles:
        fields[f"grants[{len(grants)}]"] = "roles"
        grants.append(role)
    return grants, fields


def _form_errors(exc: Unprocessable | Conflict, fields: dict[str, str]) -> list[FieldError]:
    """The service's field errors, pointed at the form fields a person can change."""
    return [
        FieldError(
            field=fields.get(error.field, "roles" if error.field == "grants" else error.field),
            message=error.message,
        )
        for error in exc.errors or [FieldError(field="email", message=str(exc.detail))]
    ]


class PeoplePages(Controller):
    path = "/app"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"person": SIGNED_IN}

    @get("/people", operation_id="getPeoplePage")
    async def people_list(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        offset: Offset = 0,
    ) -> Template:
        require_scope(person.principal, ADMIN)
        listing = await people.list_people(db_session, PAGE_SIZE, offset)
        return page(request, "people/people.html", {"listing": listing, "page_size": PAGE_SIZE})

    def _invite_page(
        self,
        request: Request[Any, Any, Any],
        form: InviteForm,
        errors: list[FieldError],
        status_code: int = 200,
    ) -> Template:
        context = {"form": form, "errors": errors, "roles": ROLE_LABELS}
        return page(request, "people/invite.html", context, status_code=status_code)

    @get("/people/invite", operation_id="getInvitePage")
    async def invite_form(
        self, request: Request[Any, Any, Any], person: NamedDependency[SignedIn]
    ) -> Template:
        require_scope(person.principal, ADMIN)
        return self._invite_page(request, InviteForm(), [])

    @post("/people/invite", operation_id="invitePersonPage", status_code=201)
    async def invite(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """Invite someone; the page that answers shows their link once and whether it was emailed."""
        require_scope(person.principal, ADMIN)
        form: InviteForm = await _read(request, InviteForm)
        grants, fields = _invite_grants(form)
        try:
            issued = await people.invite(
                db_session,
                request.app.state.settings,
                email=form.email,
                display_name=form.display_name,
                grants=grants,
                actor=person.email,
                address=client_address(request),
            )
        except (Unprocessable, Conflict) as exc:
            return self._invite_page(request, form, _form_errors(exc, fields), status_code=422)
        return page(request, "people/link_issued.html", {"issued": issued}, status_code=201)

    @get("/people/{person_id:int}", operation_id="getPersonPage")
    async def person_page(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        done: Done = None,
    ) -> Template:
        require_scope(person.principal, ADMIN)
        return await self._person_page(request, db_session, person_id, done=done)

    async def _person_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        person_id: int,
        *,
        errors: list[FieldError] | None = None,
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        context = {
            "someone": await people.get_person(db_session, person_id),
            "errors": errors or [],
            "done": DONE_MESSAGES.get(done or ""),
            "roles": ROLE_LABELS,
        }
        return page(request, "people/person.html", context, status_code=status_code)

    @post("/people/{person_id:int}/grants", operation_id="addGrantPage", status_code=303)
    async def add_grant(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Template | Response[Any]:
        require_scope(person.principal, ADMIN)
        someone = await people.get_person(db_session, person_id)
        form: GrantForm = await _read(request, GrantForm)
        grant = f"manager:{form.manager_of.strip().upper()}" if form.grant == "manager" else form.grant
        field = "manager_of" if form.grant == "manager" else "grant"
        try:
            await people.add_grant(
                db_session,
                email=someone.email,
                grant=grant,
                actor=person.email,
                address=client_address(request),
            )
        except Unprocessable as exc:
            errors = [FieldError(field=field, message=error.message) for error in exc.errors or []]
            return await self._person_page(request, db_session, person_id, errors=errors, status_code=422)
        return Redirect(path=f"/app/people/{person_id}?done=grant-added", status_code=303)

    @post("/people/{person_id:int}/grants/remove", operation_id="removeGrantPage", status_code=303)
    async def remove_grant(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        require_scope(person.principal, ADMIN)
        someone = await people.get_person(db_session, person_id)
        form: GrantForm = await _read(request, GrantForm)
        await people.remove_grant(
            db_session,
            email=someone.email,
            grant=form.grant,
            actor=person.email,
            address=client_address(request),
        )
        return Redirect(path=f"/app/people/{person_id}?done=grant-removed", status_code=303)

    @post("/people/{person_id:int}/reset", operation_id="issueResetPage", status_code=201)
    async def reset(
        self,
        request: Request[Any, Any, Any],
        person_id: PersonId,
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """A reset link for someone who cannot sign in (shown once here, emailed when mail is set)."""
        require_scope(person.principal, ADMIN)
        someone = await people.get_person(db_session, person_id)
        issued = await people.issue_reset(
            db_session,
            request.app.state.settings,
            email=someone.email,
            actor=person.email,
            address=client_address(request),
        )
        if issued is None:  # removed between the two reads
            raise NotFound("No such person")
        return page(request, "people/link_issued.html", {"issued": issued}, status_code=201)

    @get("/events", operation_id="getEventsPage")
    async def event_log(
        self,
        request: Request[Any, Any, Any],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        kind: Kind = None,
        offset: Offset = 0,
    ) -> Template:
        """The event log, newest first, a page at a time, optionally one kind only."""
        require_scope(person.principal, ADMIN)
        chosen = kind if kind in events.KINDS else None
        log = await people.event_page(db_session, PAGE_SIZE, offset, chosen)
        return page(
            request, "people/events.html", {"log": log, "kinds": events.KINDS, "page_size": PAGE_SIZE}
        )
