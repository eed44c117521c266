"""The member's own self-assessment form, ``/app/self-assessment/{token}`` (issue 17, DESIGN §2.9).

No account and no session: the link's token is the only credential, and every read and write is the
function ``GET/PUT/POST /v1/self-assessment/{token}`` calls (``api.rounds.service.self_assessment``,
``save_draft``, ``submit``), so the rules (only this member's skills, a level for every skill on
submit, evidence at level 3+ when the round asks, changes until the due date plus the grace days,
throttled guessing) are the API's. An unknown, expired or revoked link is ``410`` with one page that
says nothing about the round, the member or the council.

CSRF: the form posts under ``/app``, so ``api.web.csrf`` checks it exactly as it checks the sign-in
form: the first GET gives this browser a pre-session cookie and the page a token bound to it; a POST
without that token is ``403`` before this module runs. The form is read here into the API's own
``SelfAssessmentIn`` so a mistake the person can fix (no level chosen, evidence missing or too long)
is shown against the skill it belongs to, with an error summary, and nothing is written (4xx rolls
the request's transaction back).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import FormMultiDict
from litestar.di import NamedDependency
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import STORE
from api.errors import FieldError, ProblemError
from api.framework.store import FrameworkStore
from api.ratelimit import client_address, rate_limiter
from api.rounds import service
from api.rounds.schemas import AnswerIn, SelfAssessmentIn, SelfAssessmentOut, SkillForm
from api.settings import Settings
from api.text import NOTE_CONTROL_CHARACTERS
from api.web.render import page

PATH = "/app/self-assessment"
LinkToken = Annotated[str, PathParameter(max_length=500)]
"""Any text up to a bound: the service decides whether it is a live link, so a mangled link gets
the same 410 page as an expired one (never a 400 that says something about its shape)."""
Done = Annotated[str | None, QueryParameter(max_length=40)]
NO_REFERRER = {"Referrer-Policy": "no-referrer"}
"""The token is in the page's URL: no request from the page (not even to this service) carries it
in a ``Referer`` header, so it never lands in an access log by that route."""
DONE_MESSAGES = {
    "draft": "Your draft is saved. It is not submitted yet: come back to this link to finish it.",
    "submitted": (
        "Thank you: your answers are submitted to your manager. "
        "You can still change them until the link's last day."
    ),
}
EVIDENCE_MAX_LENGTH = 2000
"""``api.text.Evidence``'s bound, shown on the field as ``maxlength`` and checked here again."""
ANSWER_FIELD = re.compile(r"^answers\[(\d+)\]\.(level|evidence|develop|skill)$")
"""A field path of the service's 422 (``answers[3].level``) → the form field it came from."""
NO_LEVEL = "Choose your level in {label}"
NO_EVIDENCE = "Give evidence for {label}: this round asks for it at level 3 and above"
BAD_LEVEL = "Choose one of the levels 0 to 4 for {label}"
LONG_EVIDENCE = "The evidence for {label} must be {max} characters or fewer"
CONTROL_EVIDENCE = "The evidence for {label} must not contain control characters"


class Choice(msgspec.Struct, frozen=True, kw_only=True):
    """One radio button: the level, its name, and what it looks like for this skill (the hint)."""

    level: int
    name: str
    hint: str
    checked: bool


class SkillView(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    label: str
    description: str
    choices: list[Choice]
    evidence: str
    develop: bool


class GroupView(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    skills: list[SkillView]


class LevelView(msgspec.Struct, frozen=True, kw_only=True):
    level: int
    name: str
    description: str


class FormView(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the member's page shows: their own round, skills and answers, nothing else."""

    action: str
    round_title: str
    greeting: str
    manager_line: str
    due_date: dt.date
    open_until: dt.date
    editable: bool
    submitted_at: dt.datetime | None
    submitted: bool
    has_draft: bool
    """Answers are saved but not submitted."""
    evidence_from_level3: bool
    evidence_max_length: int
    skill_count: int
    scale: list[LevelView]
    groups: list[GroupView]


def _settings(request: Request[Any, Any, Any]) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def form_view(token: str, out: SelfAssessmentOut, answers: dict[str, AnswerIn] | None = None) -> FormView:
    """The page's view of ``out``; ``answers`` (what was just posted) win over the stored ones, so a
    form with a mistake comes back exactly as the person left it."""
    scale = {level.level: level for level in out.levels}
    groups = [
        GroupView(
            name=category.name,
            skills=[_skill_view(skill, scale, (answers or {}).get(skill.slug)) for skill in category.skills],
        )
        for category in out.categories
    ]
    who = out.display_name or out.reference
    return FormView(
        action=f"{PATH}/{token}",
        round_title=out.round_title,
        greeting=f"Hello {who}",
        manager_line=(
            f"your manager at {out.council} asks you to say where you are in each skill below: "
            "choose the level that fits you best today."
        ),
        due_date=out.due_date,
        open_until=out.valid_until.date(),
        editable=out.editable,
        submitted_at=out.submitted_at,
        submitted=out.status == "submitted",
        has_draft=out.status == "draft" and any(s.level is not None for s in skills_of(out)),
        evidence_from_level3=out.evidence_required_from_level3,
        evidence_max_length=EVIDENCE_MAX_LENGTH,
        skill_count=sum(len(group.skills) for group in groups),
        scale=[LevelView(level=lv.level, name=lv.name, description=lv.description) for lv in out.levels],
        groups=groups,
    )


def _skill_view(skill: SkillForm, scale: dict[int, Any], posted: AnswerIn | None) -> SkillView:
    level = posted.level if posted is not None else skill.level
    evidence = posted.evidence if posted is not None else skill.evidence
    develop = posted.develop if posted is not None else skill.develop
    choices = []
    for number in sorted(scale):
        indicator = skill.indicators[number - 1] if 1 <= number <= len(skill.indicators) else None
        choices.append(
            Choice(
                level=number,
                name=scale[number].name,
                hint=indicator or scale[number].description,
                checked=level == number,
            )
        )
    return SkillView(
        slug=skill.slug,
        label=skill.label,
        description=skill.description,
        choices=choices,
        evidence=evidence or "",
        develop=develop,
    )


def skills_of(out: SelfAssessmentOut) -> list[SkillForm]:
    return [skill for category in out.categories for skill in category.skills]


def read_answers(posted: FormMultiDict, out: SelfAssessmentOut) -> tuple[list[AnswerIn], list[FieldError]]:
    """The posted form as the API's answers, one per skill of this member's form (anything else
    posted is ignored), and the mistakes a person can fix in the form itself."""
    answers: list[AnswerIn] = []
    errors: list[FieldError] = []
    for skill in skills_of(out):
        raw_level = posted.get(f"level-{skill.slug}")
        level: int | None = None
        if isinstance(raw_level, str) and raw_level != "":
            if raw_level in {"0", "1", "2", "3", "4"}:
                level = int(raw_level)
            else:
                errors.append(_error(f"level-{skill.slug}", BAD_LEVEL.format(label=skill.label)))
        raw_evidence = posted.get(f"evidence-{skill.slug}")
        evidence = raw_evidence.strip() if isinstance(raw_evidence, str) else ""
        if len(evidence) > EVIDENCE_MAX_LENGTH:
            message = LONG_EVIDENCE.format(label=skill.label, max=f"{EVIDENCE_MAX_LENGTH:,}")
            errors.append(_error(f"evidence-{skill.slug}", message))
            evidence = evidence[:EVIDENCE_MAX_LENGTH]
        elif NOTE_CONTROL_CHARACTERS.search(evidence):
            errors.append(_error(f"evidence-{skill.slug}", CONTROL_EVIDENCE.format(label=skill.label)))
            evidence = NOTE_CONTROL_CHARACTERS.sub("", evidence)
        answers.append(
            AnswerIn(
                skill=skill.slug,
                level=level,
                evidence=evidence or None,
                develop=posted.get(f"develop-{skill.slug}") == "yes",
            )
        )
    return answers, errors


def _error(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, source="body")


def form_errors(exc: ProblemError, answers: list[AnswerIn], out: SelfAssessmentOut) -> list[FieldError]:
    """The service's 422 (``answers[i].level``, ``answers[i].evidence``) as errors on this form's
    fields, with the skill named; a refusal without field paths is shown against the first skill."""
    labels = {skill.slug: skill.label for skill in skills_of(out)}
    mapped: list[FieldError] = []
    for error in exc.errors or []:
        found = ANSWER_FIELD.match(error.field or "")
        if found is None or int(found[1]) >= len(answers):
            continue
        answer = answers[int(found[1])]
        kind = "evidence" if found[2] == "evidence" else "level"
        label = labels.get(answer.skill, answer.skill)
        said = error.message.removeprefix(f"{answer.skill}: ")
        if kind == "level" and answer.level is None:
            message = NO_LEVEL.format(label=label)
        elif kind == "evidence" and not answer.evidence:
            message = NO_EVIDENCE.format(label=label)
        else:
            message = f"{label}: {said}"
        mapped.append(_error(f"{kind}-{answer.skill}", message))
    if not mapped:
        first = answers[0].skill if answers else "form"
        mapped.append(_error(f"level-{first}", str(exc.detail)))
    return mapped


class SelfAssessmentPages(Controller):
    """The member's form: no ``SIGNED_IN`` dependency, the token is the credential."""

    path = PATH
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"store": STORE}

    @get("/{token:str}", operation_id="getSelfAssessmentPage")
    async def show(
        self,
        request: Request[Any, Any, Any],
        token: LinkToken,
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
        done: Done = None,
    ) -> Template:
        """The member's own skills grouped by category, with their draft or submitted answers."""
        try:
            out = await service.self_assessment(
                db_session,
                store,
                _settings(request),
                token,
                limiter=rate_limiter(request),
                address=client_address(request),
            )
        except service.LinkGone:
            return gone(request)
        return self._page(request, token, out, done=DONE_MESSAGES.get(done or ""))

    @post("/{token:str}", operation_id="saveSelfAssessmentPage", status_code=303)
    async def save(
        self,
        request: Request[Any, Any, Any],
        token: LinkToken,
        db_session: NamedDependency[AsyncSession],
        store: NamedDependency[FrameworkStore],
    ) -> Template | Response[Any]:
        """``PUT`` (save as a draft) or ``POST`` (submit) ``/v1/self-assessment/{token}`` from the form."""
        settings, limiter, address = _settings(request), rate_limiter(request), client_address(request)
        try:
            out = await service.self_assessment(
                db_session, store, settings, token, limiter=limiter, address=address
            )
        except service.LinkGone:
            return gone(request)
        posted = await request.form()
        submitting = posted.get("action") == "submit"
        answers, errors = read_answers(posted, out)
        by_skill = {answer.skill: answer for answer in answers}
        if errors:
            return self._page(request, token, out, answers=by_skill, errors=errors, status_code=422)
        data = SelfAssessmentIn(answers=answers)
        write = service.submit if submitting else service.save_draft
        try:
            await write(db_session, store, settings, token, data, limiter=limiter, address=address)
        except service.LinkGone:
            return gone(request)
        except ProblemError as exc:
            if exc.status_code != 422:
                raise
            errors = form_errors(exc, answers, out)
            return self._page(request, token, out, answers=by_skill, errors=errors, status_code=422)
        done = "submitted" if submitting else "draft"
        return Redirect(path=f"{PATH}/{token}?done={done}", status_code=303)

    def _page(
        self,
        request: Request[Any, Any, Any],
        token: str,
        out: SelfAssessmentOut,
        *,
        answers: dict[str, AnswerIn] | None = None,
        errors: list[FieldError] | None = None,
        done: str | None = None,
        status_code: int = 200,
    ) -> Template:
        context = {"form": form_view(token, out, answers), "errors": errors or [], "done": done}
        return page(request, "rounds/member_form.html", context, status_code=status_code, headers=NO_REFERRER)


def gone(request: Request[Any, Any, Any]) -> Template:
    """The one answer to a link that is unknown, expired or revoked (DESIGN §2.9): nothing else."""
    return page(request, "rounds/link_gone.html", status_code=410, headers=NO_REFERRER)
