"""Self-assessment rounds over JSON (issue 17, DESIGN §3): the manager's routes under an audit (a key
for the council, or admin), the history of a member's assessments, the council's due list, and the
member's own form at ``/v1/self-assessment/{token}``, authenticated by the token alone."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.audits.routes import provide_audit
from api.auth import authenticate
from api.db.models import Audit, Round
from api.deps import COUNCIL_DEPENDENCIES, STORE
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response
from api.params import MemberRef, SlugQuery
from api.preconditions import IfMatch
from api.ratelimit import client_address, rate_limiter
from api.responses import ETAG, attachment, tagged
from api.rounds import service
from api.rounds.schemas import (
    DueList,
    HistoryPage,
    LevelsResult,
    LinkList,
    LinksRequest,
    MailRequest,
    MailResult,
    ManagerLevels,
    RoundCreate,
    RoundOpened,
    RoundOut,
    RoundPage,
    RoundReview,
    SelfAssessmentIn,
    SelfAssessmentOut,
    VerifyRequest,
    VerifyResult,
)

ROUND_ERRORS = problem_responses(400, 401, 403, 404, 409, 412, 422, 429)
MAIL_ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429, 503)
FORM_ERRORS = problem_responses(400, 409, 410, 422, 429)
CSV_MEDIA_TYPE = "text/csv"
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
"""The member's answers are personal and the token is in the URL: never cached, never sent on."""


@dataclass
class JsonOrCsv(Operation):
    """The links answer JSON (``LinkList``, as documented) or, with ``?format=csv``, a CSV file:
    the 200 response lists both (``api.openapi_media`` would replace the JSON schema)."""

    def __post_init__(self) -> None:
        success = (self.responses or {}).get("200")
        if isinstance(success, OpenAPIResponse) and success.content is not None:
            success.content[CSV_MEDIA_TYPE] = OpenAPIMediaType(
                schema=Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)
            )


RoundId = Annotated[uuid.UUID, PathParameter(description="Round id (UUID).")]
Token = Annotated[str, PathParameter(max_length=200, description="The member's link token.")]


async def provide_round(
    round_id: RoundId, audit: NamedDependency[Audit], db_session: NamedDependency[AsyncSession]
) -> Round:
    """The round in the path, in the audit in the path (404 for either)."""
    return await service.get_round(db_session, audit, round_id)


async def _actor(request: Request[Any, Any, Any], session: AsyncSession) -> str:
    """Who acts, for the history and events: the key's (or person's) name, already authenticated."""
    return (await authenticate(request, session)).name


async def _round_response(
    session: AsyncSession, state: State, rnd: Round, status_code: int = 200
) -> Response[RoundOut]:
    return tagged(await service.round_out(session, state.settings, rnd), service.etag(rnd), status_code)


async def _email(
    request: Request[Any, Any, Any],
    state: State,
    audit: Audit,
    rnd: Round,
    data: MailRequest,
    session: AsyncSession,
    *,
    reminder: bool,
) -> MailResult:
    """Links and reminders are one service call: a reminder goes only to those not yet submitted."""
    return await service.email_links(
        session,
        state.settings,
        audit,
        rnd,
        members=data.members,
        emails=dict(data.emails),
        actor=await _actor(request, session),
        address=client_address(request),
        reminder=reminder,
    )


class RoundController(Controller):
    path = "/v1/councils/{code:str}/audits/{audit_id:uuid}/rounds"
    tags = ["rounds"]
    dependencies = {**COUNCIL_DEPENDENCIES, "audit": Provide(provide_audit), "rnd": Provide(provide_round)}

    @post(
        "/",
        operation_id="openRound",
        summary="Open a self-assessment round (the members' links are shown once)",
        responses=ROUND_ERRORS,
        response_headers=ETAG,
    )
    async def open_round(
        self,
        request: Request[Any, Any, Any],
        state: State,
        audit: NamedDependency[Audit],
        data: JSONBody[RoundCreate],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[RoundOpened]:
        actor = await _actor(request, db_session)
        rnd, links = await service.open_round(db_session, store, state.settings, audit, data, actor=actor)
        out = await service.round_out(db_session, state.settings, rnd)
        return tagged(RoundOpened(round=out, links=links), service.etag(rnd), 201)

    @get(
        "/",
        operation_id="listRounds",
        summary="The audit's rounds",
        responses=ROUND_ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_rounds(
        self,
        request: Request[Any, Any, Any],
        state: State,
        audit: NamedDependency[Audit],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[RoundPage]:
        items, total = await service.list_rounds(db_session, state.settings, audit, limit, offset)
        return page_response(request, RoundPage(items=items, total=total, limit=limit, offset=offset))

    @get(
        "/{round_id:uuid}",
        operation_id="getRound",
        summary="One round with its response rate",
        responses=ROUND_ERRORS,
        response_headers=ETAG,
    )
    async def get_round(
        self, state: State, rnd: NamedDependency[Round], db_session: NamedDependency[AsyncSession]
    ) -> Response[RoundOut]:
        return await _round_response(db_session, state, rnd)

    @post(
        "/{round_id:uuid}/close",
        operation_id="closeRound",
        status_code=200,
        summary="Close a round (no more submissions) and schedule the next review if it has a cycle",
        responses=ROUND_ERRORS,
        response_headers=ETAG,
    )
    async def close_round(
        self,
        request: Request[Any, Any, Any],
        state: State,
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[RoundOut]:
        actor = await _actor(request, db_session)
        await service.close_round(
            db_session, store, state.settings, audit, rnd, actor=actor, if_match=if_match
        )
        return await _round_response(db_session, state, rnd)

    @post(
        "/{round_id:uuid}/links",
        operation_id="issueRoundLinks",
        status_code=200,
        summary="Issue fresh links (each member's earlier link stops working); JSON or a mail-merge CSV",
        responses={
            200: ResponseSpec(
                data_container=LinkList,
                description="The links, shown once (or `?format=csv`)",
                generate_examples=False,
            ),
            **ROUND_ERRORS,
        },
        operation_class=JsonOrCsv,
    )
    async def issue_links(
        self,
        state: State,
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        data: JSONBody[LinksRequest],
        db_session: NamedDependency[AsyncSession],
        format: Annotated[
            Literal["json", "csv"], QueryParameter(description="`csv`: for a mail merge.")
        ] = "json",
    ) -> Response[Any]:
        links = await service.issue_links(db_session, state.settings, audit, rnd, data.members)
        if format == "csv":
            return attachment(service.links_csv(links), CSV_MEDIA_TYPE, f"round-{rnd.id}-links.csv")
        return Response(LinkList(items=links), headers=NO_STORE)

    @post(
        "/{round_id:uuid}/links/{reference:str}/revoke",
        operation_id="revokeRoundLink",
        status_code=204,
        summary="Stop a member's link working (it answers 410)",
        responses=ROUND_ERRORS,
    )
    async def revoke_link(
        self,
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        reference: MemberRef,
        db_session: NamedDependency[AsyncSession],
    ) -> None:
        await service.revoke_link(db_session, audit, rnd, reference)

    @post(
        "/{round_id:uuid}/links/email",
        operation_id="emailRoundLinks",
        status_code=200,
        summary="Email members fresh links (SMTP); each sent one is logged",
        responses=MAIL_ERRORS,
    )
    async def email_links(
        self,
        request: Request[Any, Any, Any],
        state: State,
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        data: JSONBody[MailRequest],
        db_session: NamedDependency[AsyncSession],
    ) -> MailResult:
        return await _email(request, state, audit, rnd, data, db_session, reminder=False)

    @post(
        "/{round_id:uuid}/reminders",
        operation_id="remindRound",
        status_code=200,
        summary="Email a reminder with a fresh link to members who have not submitted",
        responses=MAIL_ERRORS,
    )
    async def remind(
        self,
        request: Request[Any, Any, Any],
        state: State,
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        data: JSONBody[MailRequest],
        db_session: NamedDependency[AsyncSession],
    ) -> MailResult:
        return await _email(request, state, audit, rnd, data, db_session, reminder=True)

    @get(
        "/{round_id:uuid}/review",
        operation_id="getRoundReview",
        summary="Response rate, who is outstanding, and each member's self levels beside the manager's",
        responses=ROUND_ERRORS,
    )
    async def review(
        self,
        state: State,
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> RoundReview:
        return await service.review(db_session, store, state.settings, audit, rnd)

    @post(
        "/{round_id:uuid}/verify",
        operation_id="verifyRound",
        status_code=200,
        summary="Accept members' self levels as verified (one, selected or all)",
        responses=ROUND_ERRORS,
    )
    async def verify(
        self,
        request: Request[Any, Any, Any],
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        data: JSONBody[VerifyRequest],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> VerifyResult:
        return await service.verify(
            db_session,
            store,
            audit,
            rnd,
            members=data.members,
            skills=data.skills,
            actor=await _actor(request, db_session),
        )

    @put(
        "/{round_id:uuid}/members/{reference:str}/levels",
        operation_id="setManagerLevels",
        summary="Set the manager's levels for a member in the round",
        responses=ROUND_ERRORS,
    )
    async def set_levels(
        self,
        request: Request[Any, Any, Any],
        audit: NamedDependency[Audit],
        rnd: NamedDependency[Round],
        reference: MemberRef,
        data: JSONBody[ManagerLevels],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> LevelsResult:
        written = await service.set_manager_levels(
            db_session, store, audit, rnd, reference, data.levels, actor=await _actor(request, db_session)
        )
        return LevelsResult(written=written)


class AssessmentHistoryController(Controller):
    path = "/v1/councils/{code:str}/audits/{audit_id:uuid}/members/{reference:str}/history"
    tags = ["rounds"]
    dependencies = {**COUNCIL_DEPENDENCIES, "audit": Provide(provide_audit)}

    @get(
        "/",
        operation_id="getAssessmentHistory",
        summary="Every change of a member's assessments: old and new level, source, who, when",
        responses=ROUND_ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def history(
        self,
        request: Request[Any, Any, Any],
        audit: NamedDependency[Audit],
        reference: MemberRef,
        db_session: NamedDependency[AsyncSession],
        skill: SlugQuery = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[HistoryPage]:
        items, total = await service.history(db_session, audit, reference, skill, limit, offset)
        return page_response(request, HistoryPage(items=items, total=total, limit=limit, offset=offset))


class DueController(Controller):
    path = "/v1/councils/{code:str}/due"
    tags = ["rounds"]
    dependencies = COUNCIL_DEPENDENCIES

    @get(
        "/",
        operation_id="listDue",
        summary="Open and overdue rounds, and reviews scheduled by a cycle",
        responses=ROUND_ERRORS,
    )
    async def due(
        self,
        council: NamedDependency[str],
        db_session: NamedDependency[AsyncSession],
        on: Annotated[
            dt.date | None, QueryParameter(description="The day to judge by; default today.")
        ] = None,
    ) -> DueList:
        today = on or dt.datetime.now(dt.UTC).date()
        return DueList(items=await service.due_items(db_session, council, today))


class SelfAssessmentController(Controller):
    """The member's form: no key, no account; the token is the credential (DESIGN §2.9)."""

    path = "/v1/self-assessment/{token:str}"
    tags = ["self-assessment"]
    dependencies = {"store": STORE}

    @get(
        "/",
        operation_id="getSelfAssessment",
        summary="Your skills, grouped by category, with the levels, indicators and your answers",
        responses=FORM_ERRORS,
    )
    async def get_form(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: Token,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[SelfAssessmentOut]:
        form = await service.self_assessment(
            db_session,
            store,
            state.settings,
            token,
            limiter=rate_limiter(request),
            address=client_address(request),
        )
        return Response(form, headers=NO_STORE)

    @put(
        "/",
        operation_id="saveSelfAssessmentDraft",
        summary="Save your answers as a draft (before you submit)",
        responses=FORM_ERRORS,
    )
    async def save_draft(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: Token,
        data: JSONBody[SelfAssessmentIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[SelfAssessmentOut]:
        form = await service.save_draft(
            db_session,
            store,
            state.settings,
            token,
            data,
            limiter=rate_limiter(request),
            address=client_address(request),
        )
        return Response(form, headers=NO_STORE)

    @post(
        "/submit",
        operation_id="submitSelfAssessment",
        status_code=200,
        summary="Submit your answers (again, to change them, until the link expires)",
        responses=FORM_ERRORS,
    )
    async def submit(
        self,
        request: Request[Any, Any, Any],
        state: State,
        token: Token,
        data: JSONBody[SelfAssessmentIn],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[SelfAssessmentOut]:
        form = await service.submit(
            db_session,
            store,
            state.settings,
            token,
            data,
            limiter=rate_limiter(request),
            address=client_address(request),
        )
        return Response(form, headers=NO_STORE)


ROUTES = [RoundController, AssessmentHistoryController, DueController, SelfAssessmentController]
