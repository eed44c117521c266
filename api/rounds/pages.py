"""A manager's self-assessment round pages (issue 17, DESIGN §1 "Assessment round", §2.9), under
``/app/councils/{code}/audits/{audit_id}/rounds``.

Every read and write is a function the JSON routes call (``api.rounds.service``): opening a round,
its links (issued, re-issued, revoked, emailed, downloaded as CSV), reminders, closing (which
schedules the next review when the round has a cycle), the review (response rate, self beside
manager levels with the calibration flag, evidence, develop flags), verifying one, selected or all
members, the manager's own levels and each assessment's history. The guard is the team pages' own:
``require_council(person.principal, code)``.

Links are secrets shown once (only their hashes are kept), so every page that shows links is the
answer to the POST that issued them: never a GET, never cached (``no-store`` under ``/app``). A
refusal comes back on the page that was sent, with an error summary and a 4xx, so the request's
transaction rolls back and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from typing import Annotated, Any, NamedTuple

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.accounts import service as accounts
from api.accounts.forms import Rule, check_text
from api.audits import service as audits
from api.audits.routes import CSV_MEDIA_TYPE
from api.db.models import Audit, Round
from api.deps import STORE
from api.errors import FieldError, NotFound, ProblemError
from api.framework.store import FrameworkStore
from api.needs import service as needs
from api.params import AuditId, GssCode, MemberRef
from api.ratelimit import client_address
from api.responses import attachment
from api.rounds import service
from api.rounds.routes import RoundId
from api.rounds.schemas import IssuedLink, LevelIn, MailResult, RoundCreate
from api.settings import Settings
from api.web.councils import MANAGED_COUNCIL
from api.web.render import page
from api.web.sessions import SIGNED_IN, SignedIn
from taxonomy.index import FrameworkIndex

Done = Annotated[str | None, QueryParameter(max_length=40)]
Count = Annotated[int | None, QueryParameter(ge=0, le=100_000)]
SkillChoice = Annotated[str | None, QueryParameter(max_length=80)]
ROUNDS_SHOWN = 100
PROFILES_SHOWN = 100
HISTORY_SHOWN = 200
CYCLES = ((0, "No review cycle"), (3, "Every 3 months"), (6, "Every 6 months"), (12, "Every 12 months"))
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MAX_LENGTH = 254
TITLE_RULES = {"title": Rule("Title", "Enter a title for the round", 200)}
DONE_MESSAGES = {
    "closed": "The round is closed: links now show answers but take no more changes.",
    "revoked": "The link is revoked: it now answers that it no longer works.",
    "levels-saved": "Your levels are saved.",
    "levels-unchanged": "No level changed, so nothing was saved.",
}
FIELD_OF_SERVICE = re.compile(r"^(members|categories)\[\d+\]$")


def _see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def rounds_path(code: str, audit_id: uuid.UUID) -> str:
    return f"/app/councils/{code}/audits/{audit_id}/rounds"


def round_path(code: str, audit_id: uuid.UUID, round_id: uuid.UUID) -> str:
    return f"{rounds_path(code, audit_id)}/{round_id}"


# --- what the pages show -------------------------------------------------------------------------


class OpenForm(msgspec.Struct, kw_only=True):
    """The open-a-round form as sent (every field text), so a mistake shows it as it was."""

    title: str = ""
    due_date: str = ""
    members: list[str] = []
    emails: dict[str, str] = {}
    scope: str = "roles"
    needs_id: str = ""
    categories: list[str] = []
    evidence: bool = False
    cycle: str = "0"


class MemberRow(msgspec.Struct, frozen=True, kw_only=True):
    """A member on the round page: where they are, never their answers."""

    reference: str
    display_name: str | None
    status: str
    """``submitted`` or ``not submitted``."""
    submitted_at: dt.datetime | None


def read_open_form(posted: FormMultiDict, references: Sequence[str]) -> OpenForm:
    members = [value for value in posted.getall("member", []) if isinstance(value, str)]
    emails = {}
    for reference in references:
        value = posted.get(f"email-{reference}")
        if isinstance(value, str) and value.strip():
            emails[reference] = value.strip()

    def text(name: str, default: str = "") -> str:
        value = posted.get(name)
        return value.strip() if isinstance(value, str) else default

    return OpenForm(
        title=text("title"),
        due_date=text("due_date"),
        members=members,
        emails=emails,
        scope=text("scope", "roles"),
        needs_id=text("needs_id"),
        categories=[value for value in posted.getall("category", []) if isinstance(value, str)],
        evidence=posted.get("evidence") == "yes",
        cycle=text("cycle", "0"),
    )


def check_open_form(form: OpenForm, references: Sequence[str]) -> tuple[RoundCreate | None, list[FieldError]]:
    """The form as the API's ``RoundCreate``, or the mistakes a person can fix on the page. The
    service then checks the rest (due date not past, categories, profile's edition, members with
    no skills in scope) and its refusals come back against the same fields."""
    errors = check_text({"title": form.title}, TITLE_RULES)
    due: dt.date | None = None
    if not form.due_date:
        errors.append(_error("due_date", "Enter the date answers are due"))
    else:
        try:
            due = dt.date.fromisoformat(form.due_date)
        except ValueError:
            errors.append(_error("due_date", "Enter the due date as a date, for example 2027-03-31"))
    known = set(references)
    included = [reference for reference in dict.fromkeys(form.members) if reference in known]
    if not included:
        errors.append(_error("members", "Tick at least one member to include"))
    for reference, address in form.emails.items():
        if len(address) > EMAIL_MAX_LENGTH or not EMAIL_PATTERN.match(address):
            errors.append(
                _error(f"email-{reference}", f"Enter {reference}'s email address like name@council.gov.uk")
            )
        elif reference not in included:
            errors.append(
                _error(f"email-{reference}", f"{reference} is not ticked: tick them or clear the address")
            )
    needs_id: uuid.UUID | None = None
    if form.needs_id:
        try:
            needs_id = uuid.UUID(form.needs_id)
        except ValueError:
            errors.append(_error("needs_id", "Choose a needs profile from the list"))
    if form.scope not in {"roles", "categories"}:
        errors.append(_error("scope", "Choose which skills members assess"))
    elif form.scope == "categories" and not form.categories:
        errors.append(_error("categories", "Tick at least one category, or choose the roles' skills"))
    if form.cycle not in {"0", "3", "6", "12"}:
        errors.append(_error("cycle", "Choose a review cycle"))
    if errors or due is None:
        return None, errors
    data = RoundCreate(
        title=form.title,
        due_date=due,
        members=included,
        emails={reference: form.emails[reference] for reference in included if reference in form.emails},
        scope="categories" if form.scope == "categories" else "roles",
        needs_id=needs_id,
        categories=form.categories if form.scope == "categories" else [],
        evidence_required_from_level3=form.evidence,
        cycle_months=int(form.cycle),  # type: ignore[arg-type]
    )
    return data, []


def service_errors(exc: ProblemError, default_field: str) -> list[FieldError]:
    """A service refusal as the open form's errors (``members[2]`` → the members list,
    ``emails.EDO-01`` → that member's address), or its detail against ``default_field``."""
    errors: list[FieldError] = []
    for error in exc.errors or []:
        field = error.field or default_field
        if FIELD_OF_SERVICE.match(field):
            field = field.split("[", 1)[0]
        elif field.startswith("emails."):
            field = "email-" + field.removeprefix("emails.")
        errors.append(_error(field, _sentence(error.message)))
    return errors or [_error(default_field, str(exc.detail))]


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] if message else message


def _error(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, source="body")


def mail_notice(result: MailResult, *, reminder: bool) -> str:
    what = "reminder" if reminder else "link"
    parts = [f"{len(result.sent)} {what}{'' if len(result.sent) == 1 else 's'} emailed"]
    if result.skipped:
        parts.append(f"{len(result.skipped)} not emailed (" + _reasons(result.skipped) + ")")
    if result.failed:
        parts.append(
            f"{len(result.failed)} refused by the mail server: "
            + ", ".join(refusal.reference for refusal in result.failed)
        )
    return "; ".join(parts) + "."


def _reasons(refusals: Sequence[Any]) -> str:
    counts: dict[str, int] = {}
    for refusal in refusals:
        counts[refusal.reason] = counts.get(refusal.reason, 0) + 1
    return ", ".join(f"{reason}: {count}" for reason, count in counts.items())


def posted_levels(
    posted: FormMultiDict, reference: str, skills: Sequence[str], current: dict[str, int | None]
) -> tuple[list[LevelIn], list[FieldError]]:
    """The manager's levels a member's review form changed (a blank choice keeps what is there);
    a mistake is named by the select's id on the review page (``manager-<reference>-<skill>``)."""
    changes: list[LevelIn] = []
    errors: list[FieldError] = []
    for slug in skills:
        value = posted.get(f"manager-{slug}")
        if not isinstance(value, str) or value == "":
            continue
        if value not in {"0", "1", "2", "3", "4"}:
            errors.append(_error(f"manager-{reference}-{slug}", "Choose a level from 0 to 4"))
        elif int(value) != current.get(slug):
            changes.append(LevelIn(skill=slug, level=int(value)))
    return changes, errors


# --- the pages -----------------------------------------------------------------------------------


class ManagedAudit(NamedTuple):
    """An audit of a council the signed-in person may manage, with the council's page header."""

    council: accounts.CouncilPage
    audit: Audit


class ManagedRound(NamedTuple):
    """A round of such an audit: what every page of one round starts from."""

    council: accounts.CouncilPage
    audit: Audit
    round: Round

    @property
    def path(self) -> str:
        """The round page's URL (the path's code is the audit's council: ``get_audit`` matched it)."""
        return round_path(self.audit.council_gss, self.audit.id, self.round.id)


async def provide_managed_audit(
    code: GssCode,
    audit_id: AuditId,
    council: NamedDependency[accounts.CouncilPage],
    db_session: NamedDependency[AsyncSession],
) -> ManagedAudit:
    """The council a person may manage (``api.web.councils.MANAGED_COUNCIL``, the one guard of a
    council's pages), then the audit in the path (404 when it is not this council's)."""
    return ManagedAudit(council, await audits.get_audit(db_session, code, audit_id))


async def provide_managed_round(
    round_id: RoundId,
    managed_audit: NamedDependency[ManagedAudit],
    db_session: NamedDependency[AsyncSession],
) -> ManagedRound:
    """The round in the path, in the managed audit in the path (404 for either)."""
    council, audit = managed_audit
    return ManagedRound(council, audit, await service.get_round(db_session, audit, round_id))


class RoundPages(Controller):
    path = "/app/councils/{code:str}/audits/{audit_id:uuid}/rounds"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {
        "person": SIGNED_IN,
        "store": STORE,
        "council": MANAGED_COUNCIL,
        "managed_audit": Provide(provide_managed_audit),
        "managed_round": Provide(provide_managed_round),
    }

    # --- rounds of an audit, and opening one ------------------------------------------------------

    @get("/", operation_id="listRoundsPage")
    async def list_rounds(
        self,
        request: Request[Any, Any, Any],
        managed_audit: NamedDependency[ManagedAudit],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """The audit's rounds, newest first, each with its response rate; and "open a round"."""
        council, audit = managed_audit
        rounds, total = await service.list_rounds(db_session, _settings(request), audit, ROUNDS_SHOWN, 0)
        context = {"council": council, "audit": audit, "rounds": rounds, "total": total}
        return page(request, "rounds/list.html", context)

    async def _new(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        managed_audit: ManagedAudit,
        *,
        form: OpenForm | None = None,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        council, audit = managed_audit
        _, index = await store.resolve(db_session, audit.framework_version)
        team = await needs.load_team(db_session, audit.id)
        profiles, _ = await needs.list_profiles(db_session, audit.council_gss, PROFILES_SHOWN, 0)
        same_edition = [p for p in profiles if p.framework_version == audit.framework_version]
        if form is None:
            form = OpenForm(
                members=[member.reference for member in team],
                needs_id=str(same_edition[0].id) if same_edition else "",
            )
        context = {
            "council": council,
            "audit": audit,
            "team": [(member.reference, _role_title(index, member.role)) for member in team],
            "profiles": same_edition,
            "categories": [(c.slug, c.name) for c in index.framework.categories],
            "cycles": CYCLES,
            "form": form,
            "errors": errors or [],
        }
        return page(request, "rounds/new.html", context, status_code=status_code)

    @get("/new", operation_id="newRoundPage")
    async def new(
        self,
        request: Request[Any, Any, Any],
        managed_audit: NamedDependency[ManagedAudit],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        """Title, due date, members (all ticked), scope, evidence at level 3+, review cycle."""
        return await self._new(request, db_session, store, managed_audit)

    @post("/", operation_id="openRoundPage", status_code=200)
    async def open(
        self,
        request: Request[Any, Any, Any],
        managed_audit: NamedDependency[ManagedAudit],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        """``POST …/rounds``; then each link is emailed where an address was given, and the rest are
        shown once to copy (the page is the POST's answer: links are never on a GET)."""
        council, audit = managed_audit
        team = await needs.load_team(db_session, audit.id)
        references = [member.reference for member in team]
        form = read_open_form(await request.form(), references)
        data, errors = check_open_form(form, references)
        if data is None:
            return await self._new(
                request, db_session, store, managed_audit, form=form, errors=errors, status_code=422
            )
        settings = _settings(request)
        try:
            rnd, links = await service.open_round(
                db_session, store, settings, audit, data, actor=person.principal.name
            )
        except ProblemError as exc:
            if exc.status_code >= 500:
                raise
            errors = service_errors(exc, "members")
            return await self._new(
                request,
                db_session,
                store,
                managed_audit,
                form=form,
                errors=errors,
                status_code=exc.status_code,
            )
        notice, links = await self._email_new(request, db_session, person, audit, rnd, links, data)
        return await self._links_page(
            request, db_session, ManagedRound(council, audit, rnd), links, notice=notice, opened=True
        )

    async def _email_new(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        person: SignedIn,
        audit: Audit,
        rnd: Round,
        links: list[IssuedLink],
        data: RoundCreate,
    ) -> tuple[str | None, list[IssuedLink]]:
        """Email the new links of members with an address; the links left to show are the others'
        (an emailed member's link was replaced by the one in their email)."""
        if not data.emails:
            return None, links
        settings = _settings(request)
        if not (settings.smtp_url and settings.mail_from):
            return "No mail server is set up, so nothing was emailed: copy the links below.", links
        result = await service.email_links(
            db_session,
            settings,
            audit,
            rnd,
            members=list(data.emails),
            emails={},
            actor=person.principal.name,
            address=client_address(request),
        )
        sent = set(result.sent)
        return mail_notice(result, reminder=False), [link for link in links if link.reference not in sent]

    async def _links_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        managed_round: ManagedRound,
        links: list[IssuedLink],
        *,
        notice: str | None = None,
        opened: bool = False,
    ) -> Template:
        council, audit, rnd = managed_round
        out = await service.round_out(db_session, _settings(request), rnd)
        context = {
            "council": council,
            "audit": audit,
            "round": out,
            "links": links,
            "mail_note": notice,
            "opened": opened,
        }
        return page(request, "rounds/links.html", context)

    # --- one round ----------------------------------------------------------------------------------

    @get("/{round_id:uuid}", operation_id="getRoundPage")
    async def show(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        done: Done = None,
        sent: Count = None,
        skipped: Count = None,
        failed: Count = None,
    ) -> Template:
        """Response rate, who is outstanding, each member's link actions, mail, CSV, close."""
        council, audit, rnd = managed_round
        review = await service.review(db_session, store, _settings(request), audit, rnd)
        context = {
            "council": council,
            "audit": audit,
            "round": review.round,
            "response": review.response,
            "members": [
                MemberRow(
                    reference=member.reference,
                    display_name=member.display_name,
                    status="submitted" if member.submitted_at else "not submitted",
                    submitted_at=member.submitted_at,
                )
                for member in review.members
            ],
            "done": _done(done, sent, skipped, failed),
            "mail_ready": bool(_settings(request).smtp_url and _settings(request).mail_from),
        }
        return page(request, "rounds/round.html", context)

    @post("/{round_id:uuid}/links", operation_id="issueRoundLinksPage", status_code=200)
    async def issue_links(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """New links for everyone in the round, to copy (each earlier link stops working)."""
        _, audit, rnd = managed_round
        links = await service.issue_links(db_session, _settings(request), audit, rnd, None)
        return await self._links_page(request, db_session, managed_round, links)

    @post("/{round_id:uuid}/links.csv", operation_id="downloadRoundLinksPage", status_code=200)
    async def links_csv(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[bytes]:
        """New links for everyone as a mail-merge CSV (``service.links_csv``), downloaded at once."""
        _, audit, rnd = managed_round
        links = await service.issue_links(db_session, _settings(request), audit, rnd, None)
        return attachment(
            service.links_csv(links), CSV_MEDIA_TYPE, f"round-links-{rnd.due_date.isoformat()}.csv"
        )

    @post("/{round_id:uuid}/email", operation_id="emailRoundLinksPage", status_code=303)
    async def email(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        """Email everyone with an address a new link (``reminder`` : only those not yet submitted)."""
        _, audit, rnd = managed_round
        reminder = (await request.form()).get("kind") == "reminder"
        result = await service.email_links(
            db_session,
            _settings(request),
            audit,
            rnd,
            members=None,
            emails={},
            actor=person.principal.name,
            address=client_address(request),
            reminder=reminder,
        )
        query = f"sent={len(result.sent)}&skipped={len(result.skipped)}&failed={len(result.failed)}"
        kind = "reminded" if reminder else "emailed"
        return _see_other(f"{managed_round.path}?done={kind}&{query}")

    @post(
        "/{round_id:uuid}/members/{reference:str}/link", operation_id="reissueRoundLinkPage", status_code=200
    )
    async def reissue(
        self,
        request: Request[Any, Any, Any],
        reference: MemberRef,
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """One member's new link, to copy; their earlier link stops working."""
        _, audit, rnd = managed_round
        links = await service.issue_links(db_session, _settings(request), audit, rnd, [reference])
        return await self._links_page(request, db_session, managed_round, links)

    @post(
        "/{round_id:uuid}/members/{reference:str}/revoke", operation_id="revokeRoundLinkPage", status_code=303
    )
    async def revoke(
        self,
        reference: MemberRef,
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Any]:
        _, audit, rnd = managed_round
        await service.revoke_link(db_session, audit, rnd, reference)
        return _see_other(f"{managed_round.path}?done=revoked")

    @get("/{round_id:uuid}/close", operation_id="getCloseRoundPage")
    async def confirm_close(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        """Closing stops submissions and, with a cycle, schedules the next review: one page says so."""
        council, audit, rnd = managed_round
        out = await service.round_out(db_session, _settings(request), rnd)
        context = {"council": council, "audit": audit, "round": out, "etag": service.etag(rnd)}
        return page(request, "rounds/close.html", context)

    @post("/{round_id:uuid}/close", operation_id="closeRoundPage", status_code=303)
    async def close(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Response[Any]:
        """``POST …/rounds/{id}/close`` with ``If-Match`` the revision the confirm page showed."""
        _, audit, rnd = managed_round
        seen = (await request.form()).get("etag")
        await service.close_round(
            db_session,
            store,
            _settings(request),
            audit,
            rnd,
            actor=person.principal.name,
            if_match=seen if isinstance(seen, str) and seen else None,
        )
        return _see_other(f"{managed_round.path}?done=closed")

    # --- the review ---------------------------------------------------------------------------------

    @get("/{round_id:uuid}/review", operation_id="getRoundReviewPage")
    async def review(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        done: Done = None,
        count: Count = None,
    ) -> Template:
        """Per member each skill's self level beside the manager's, differences of 2 or more
        flagged (§2.9), evidence and develop flags; verify one, selected or all; set your level."""
        return await self._review(request, db_session, store, managed_round, done=done, count=count)

    async def _review(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        store: FrameworkStore,
        managed_round: ManagedRound,
        *,
        done: str | None = None,
        count: int | None = None,
        errors: list[FieldError] | None = None,
        status_code: int = 200,
    ) -> Template:
        council, audit, rnd = managed_round
        _, index = await store.resolve(db_session, audit.framework_version)
        review = await service.review(db_session, store, _settings(request), audit, rnd)
        context = {
            "council": council,
            "audit": audit,
            "review": review,
            "roles": {role.slug: role.title for role in index.framework.roles},
            "categories": {c.slug: c.name for c in index.framework.categories},
            "levels": [(level.level, level.name) for level in index.framework.levels],
            "done": _review_done(done, count),
            "errors": errors or [],
        }
        return page(request, "rounds/review.html", context, status_code=status_code)

    @post("/{round_id:uuid}/verify", operation_id="verifyRoundPage", status_code=303)
    async def verify(
        self,
        request: Request[Any, Any, Any],
        managed_round: NamedDependency[ManagedRound],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``POST …/verify``: the ticked members (``action=selected``) or everyone who submitted."""
        _, audit, rnd = managed_round
        posted = await request.form()
        members: list[str] | None = None
        if posted.get("action") != "all":
            members = [value for value in posted.getall("member", []) if isinstance(value, str)]
            if not members:
                errors = [_error("member", "Tick the members whose levels you accept, or verify everyone")]
                return await self._review(
                    request, db_session, store, managed_round, errors=errors, status_code=422
                )
        try:
            result = await service.verify(
                db_session, store, audit, rnd, members=members, skills=None, actor=person.principal.name
            )
        except ProblemError as exc:
            if exc.status_code != 422:
                raise
            errors = [_error("member", _sentence(e.message)) for e in exc.errors or []] or [
                _error("member", str(exc.detail))
            ]
            return await self._review(
                request, db_session, store, managed_round, errors=errors, status_code=422
            )
        return _see_other(f"{managed_round.path}/review?done=verified&count={result.verified}")

    @post("/{round_id:uuid}/members/{reference:str}", operation_id="reviewRoundMemberPage", status_code=303)
    async def review_member(
        self,
        request: Request[Any, Any, Any],
        reference: MemberRef,
        managed_round: NamedDependency[ManagedRound],
        person: NamedDependency[SignedIn],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """One member's form on the review page: accept their self levels as verified
        (``action=verify``), or save the manager's levels chosen (``action=manager``)."""
        _, audit, rnd = managed_round
        posted = await request.form()
        back = f"{managed_round.path}/review"
        anchor = f"#member-{reference}"
        if posted.get("action") == "verify":
            try:
                result = await service.verify(
                    db_session,
                    store,
                    audit,
                    rnd,
                    members=[reference],
                    skills=None,
                    actor=person.principal.name,
                )
            except ProblemError as exc:
                if exc.status_code != 422:
                    raise
                errors = [
                    _error(
                        f"member-{reference}-heading", f"{reference} has not submitted yet: nothing to verify"
                    )
                ]
                return await self._review(
                    request, db_session, store, managed_round, errors=errors, status_code=422
                )
            return _see_other(f"{back}?done=verified&count={result.verified}{anchor}")
        review = await service.review(db_session, store, _settings(request), audit, rnd)
        found = next((m for m in review.members if m.reference == reference), None)
        if found is None:
            raise NotFound(f"{reference!r} is not in this round")
        current = {skill.skill: skill.manager_level for skill in found.skills}
        changes, errors = posted_levels(posted, reference, [skill.skill for skill in found.skills], current)
        if errors:
            return await self._review(
                request, db_session, store, managed_round, errors=errors, status_code=422
            )
        if not changes:
            return _see_other(f"{back}?done=levels-unchanged{anchor}")
        await service.set_manager_levels(
            db_session, store, audit, rnd, reference, changes, actor=person.principal.name
        )
        return _see_other(f"{back}?done=levels-saved{anchor}")

    @get("/{round_id:uuid}/members/{reference:str}/history", operation_id="getAssessmentHistoryPage")
    async def history(
        self,
        request: Request[Any, Any, Any],
        reference: MemberRef,
        managed_round: NamedDependency[ManagedRound],
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        skill: SkillChoice = None,
    ) -> Template:
        """Every change of the member's assessments (or one skill's): old → new, source, who, when."""
        council, audit, rnd = managed_round
        _, index = await store.resolve(db_session, audit.framework_version)
        chosen = skill if skill in index.skills else None
        items, total = await service.history(db_session, audit, reference, chosen, HISTORY_SHOWN, 0)
        context = {
            "council": council,
            "audit": audit,
            "round": rnd,
            "reference": reference,
            "skill": index.skills[chosen].label if chosen else None,
            "labels": {slug: s.label for slug, s in index.skills.items()},
            "levels": {level.level: level.name for level in index.framework.levels},
            "items": items,
            "total": total,
        }
        return page(request, "rounds/history.html", context)


def _role_title(index: FrameworkIndex, role: str | None) -> str:
    entry = index.roles.get(role) if role else None
    return entry.title if entry else "No role"


def _done(done: str | None, sent: int | None, skipped: int | None, failed: int | None) -> str | None:
    if done in {"emailed", "reminded"}:
        what = "reminder" if done == "reminded" else "new link"
        text = f"{sent or 0} {what}{'' if sent == 1 else 's'} emailed."
        if skipped:
            text += f" {skipped} not emailed (already submitted, or no address)."
        if failed:
            text += f" {failed} refused by the mail server: their earlier link still works."
        return text
    return DONE_MESSAGES.get(done or "")


def _review_done(done: str | None, count: int | None) -> str | None:
    if done == "verified":
        return f"{count or 0} level{'' if count == 1 else 's'} accepted as verified."
    return DONE_MESSAGES.get(done or "")


__all__ = ["RoundPages"]
