"""Self-assessment rounds: open, links, the member's form, review, verification, cycles (issue 17).

Plain functions on an ``AsyncSession``, shared by the JSON routes (``api.rounds.routes``), the pages
and the CLI. The rules are in ``api.analysis.rounds``; assessment writes and their history go through
``api.rounds.history`` after the audit is locked (``audits.service.touch``), so every write below an
audit queues behind the others and the members' levels rows stay equal to their assessments.

Links (DESIGN §1): ``secrets.token_urlsafe(24)`` (192 bits) in the URL, only its SHA-256 stored, one
``round_links`` row per link issued. Issuing a member's link revokes the ones before it, so a lost or
forwarded link is replaced, never recovered. A link answers only for its own member, until the due
date plus ``round_grace_days``; an unknown, revoked, replaced or expired link is one 410
(``LinkGone``) that says nothing else, and each counts against the address's
``round_link_failures_per_minute`` (``api.ratelimit``) so tokens cannot be guessed at speed.

A closed round still shows the member their answers (``editable`` false) but refuses changes with
409 ``round-closed``: the link is still theirs, the round is simply over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final, NamedTuple

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from api.analysis import rounds as rules
from api.analysis.levels import effective_levels
from api.audits import service as audits
from api.audits.spreadsheets import write_csv
from api.db.models import Assessment, AssessmentHistory, Audit, Council, Member, Round, RoundLink, RoundMember
from api.errors import Conflict, FieldError, NotFound, ProblemError, ServiceUnavailable, Unprocessable
from api.needs import service as needs
from api.pagination import page_of
from api.people import events, mail
from api.preconditions import expected_revision
from api.rounds.history import Key, remove_assessments, write_assessments
from api.rounds.schemas import (
    AnswerIn,
    CategoryForm,
    DueItem,
    HistoryOut,
    LevelIn,
    LevelText,
    MailRefusal,
    MailResult,
    MemberLink,
    MemberReview,
    ResponseOut,
    RoundCreate,
    RoundOut,
    RoundReview,
    SelfAssessmentIn,
    SelfAssessmentOut,
    SkillForm,
    SkillReview,
    VerifyResult,
)
from api.webhooks.outbox import ROUND_SUBMITTED, emit

if TYPE_CHECKING:
    from api.framework.store import FrameworkStore
    from api.ratelimit import RateLimiter
    from api.settings import Settings
    from taxonomy.index import FrameworkIndex

SELF_ASSESSMENT_PATH: Final = "/app/self-assessment/"
"""The member's page; the JSON form is ``/v1/self-assessment/{token}``."""
TOKEN_BYTES: Final = 24
"""192 bits from ``secrets`` (DESIGN §1 asks for at least 128)."""
TOKEN_PATTERN: Final = re.compile(r"^[A-Za-z0-9_-]{16,100}$")
"""What ``secrets.token_urlsafe`` makes; anything else is no link of ours (answered as one gone)."""


class LinkGone(ProblemError):
    """410 for a link that is unknown, revoked, replaced or past its validity: which, is not said."""

    status_code = 410
    problem_type = "link-gone"

    def __init__(self) -> None:
        super().__init__("This link no longer works. Ask the person who sent it to you for a new one.")


class RoundClosed(Conflict):
    """409: the round is closed, so answers can be read but no longer changed."""

    problem_type = "round-closed"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def etag(rnd: Round) -> str:
    return audits.etag("round", rnd.id, rnd.revision)


# --- reading rounds ------------------------------------------------------------------------------


class _Counts(NamedTuple):
    invited: int
    submitted: int


async def _counts(session: AsyncSession, round_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, _Counts]:
    if not round_ids:
        return {}
    rows = await session.execute(
        select(RoundMember.round_id, func.count(), func.count(RoundMember.submitted_at))
        .where(RoundMember.round_id.in_(round_ids))
        .group_by(RoundMember.round_id)
    )
    return {round_id: _Counts(invited, submitted) for round_id, invited, submitted in rows}


async def _previous_audits(
    session: AsyncSession, audit_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """For each audit scheduled by a round's cycle, the audit of that round."""
    ids = list(set(audit_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(Round.next_audit_id, Round.audit_id).where(Round.next_audit_id.in_(ids))
    )
    return {next_id: audit_id for next_id, audit_id in rows if next_id is not None}


def _round_out(rnd: Round, counts: _Counts, previous: uuid.UUID | None, settings_grace: int) -> RoundOut:
    rate = rules.response_rate(counts.invited, counts.submitted)
    return RoundOut(
        id=rnd.id,
        audit_id=rnd.audit_id,
        title=rnd.title,
        due_date=rnd.due_date,
        valid_until=rules.valid_until(rnd.due_date, settings_grace),
        scope=rnd.scope_kind,  # type: ignore[arg-type]
        needs_id=rnd.needs_id,
        categories=list(rnd.categories),
        evidence_required_from_level3=rnd.evidence_required_from_level3,
        cycle_months=rnd.cycle_months,
        status=rnd.status,  # type: ignore[arg-type]
        created_at=rnd.created_at,
        created_by=rnd.created_by,
        closed_at=rnd.closed_at,
        invited=counts.invited,
        submitted=counts.submitted,
        response_rate_percent=rate.rate_percent,
        next_audit_id=rnd.next_audit_id,
        previous_audit_id=previous,
    )


async def round_out(session: AsyncSession, settings: Settings, rnd: Round) -> RoundOut:
    counts = (await _counts(session, [rnd.id])).get(rnd.id, _Counts(0, 0))
    previous = (await _previous_audits(session, [rnd.audit_id])).get(rnd.audit_id)
    return _round_out(rnd, counts, previous, settings.round_grace_days)


async def list_rounds(
    session: AsyncSession, settings: Settings, audit: Audit, limit: int, offset: int
) -> tuple[list[RoundOut], int]:
    """The audit's rounds, newest first."""
    order = (Round.created_at.desc(), Round.id)
    found, total = await page_of(session, Round, Round.audit_id == audit.id, order, limit, offset)
    counts = await _counts(session, [rnd.id for rnd in found])
    previous = (await _previous_audits(session, [audit.id])).get(audit.id)
    grace = settings.round_grace_days
    return [_round_out(rnd, counts.get(rnd.id, _Counts(0, 0)), previous, grace) for rnd in found], total


async def get_round(session: AsyncSession, audit: Audit, round_id: uuid.UUID) -> Round:
    rnd = await session.get(Round, round_id)
    if rnd is None or rnd.audit_id != audit.id:
        raise NotFound(f"Round {round_id} does not exist in audit {audit.id}")
    return rnd


# --- scope ---------------------------------------------------------------------------------------


class Scoper:
    """Each member's scope for one round (``api.analysis.rounds.member_scope``), the edition read once."""

    def __init__(self, index: FrameworkIndex, rnd: Round, profile_skills: frozenset[str]) -> None:
        self.index = index
        self.round = rnd
        self.profile_skills = profile_skills
        self.category_skills = frozenset(
            skill.slug for category in rnd.categories for skill in index.skills_in_category.get(category, ())
        )

    def of(self, role: str | None) -> frozenset[str]:
        role_entry = self.index.roles.get(role) if role else None
        return rules.member_scope(
            "categories" if self.round.scope_kind == "categories" else "roles",
            role_skills=[r.skill for r in role_entry.requirements] if role_entry else [],
            profile_skills=self.profile_skills,
            category_skills=self.category_skills,
        )

    def ordered(self, skills: Iterable[str]) -> list[str]:
        """``skills`` in the edition's order (categories, then skills within them)."""
        wanted = set(skills)
        return [skill.slug for skill in self.index.framework.skills if skill.slug in wanted]


async def _index(session: AsyncSession, store: FrameworkStore, audit: Audit) -> FrameworkIndex:
    _, index = await store.resolve(session, audit.framework_version)
    return index


async def _scoper(session: AsyncSession, store: FrameworkStore, audit: Audit, rnd: Round) -> Scoper:
    index = await _index(session, store, audit)
    profile_skills: frozenset[str] = frozenset()
    if rnd.needs_id is not None and rnd.scope_kind == "roles":
        profile = await needs.get(session, audit.council_gss, rnd.needs_id)
        profile_skills = frozenset(row.skill for row in needs.requirement_rows(profile, index))
    return Scoper(index, rnd, profile_skills)


# --- opening and closing -------------------------------------------------------------------------


def _field(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, source="body")


async def _members_by_reference(session: AsyncSession, audit: Audit) -> dict[str, Member]:
    found = await session.scalars(
        select(Member).where(Member.audit_id == audit.id).order_by(Member.reference)
    )
    return {member.reference: member for member in found}


def _chosen(
    everyone: dict[str, Member], references: Sequence[str] | None, field: str, errors: list[FieldError]
) -> list[Member]:
    """The members named (default everyone), adding a field error per unknown or repeated name."""
    if references is None:
        return list(everyone.values())
    chosen: list[Member] = []
    seen: set[str] = set()
    for position, reference in enumerate(references):
        if reference not in everyone:
            errors.append(_field(f"{field}[{position}]", f"no member {reference!r} in this audit"))
        elif reference in seen:
            errors.append(_field(f"{field}[{position}]", f"{reference!r} is named twice"))
        else:
            seen.add(reference)
            chosen.append(everyone[reference])
    return chosen


async def open_round(
    session: AsyncSession,
    store: FrameworkStore,
    settings: Settings,
    audit: Audit,
    data: RoundCreate,
    *,
    actor: str,
    today: dt.date | None = None,
) -> tuple[Round, list[MemberLink]]:
    """Open a round (all checks first: a refusal writes nothing) and issue every included member's
    link, returned once."""
    today = today or _now().date()
    errors: list[FieldError] = []
    if data.due_date < today:
        errors.append(_field("due_date", f"must be today ({today.isoformat()}) or later"))
    index = await _index(session, store, audit)
    if data.scope == "categories":
        if not data.categories:
            errors.append(_field("categories", "choose at least one category for a categories scope"))
        for position, slug in enumerate(data.categories):
            if slug not in index.categories:
                errors.append(_field(f"categories[{position}]", f"unknown category {slug!r} in {index.key}"))
    if data.needs_id is not None:
        try:
            profile = await needs.get(session, audit.council_gss, data.needs_id)
        except NotFound:
            errors.append(_field("needs_id", f"no needs profile {data.needs_id} for this council"))
        else:
            if profile.framework_version != audit.framework_version:
                errors.append(
                    _field(
                        "needs_id",
                        f"the needs profile is on edition {profile.framework_version}, "
                        f"the audit on {audit.framework_version}",
                    )
                )
    everyone = await _members_by_reference(session, audit)
    chosen = _chosen(everyone, data.members, "members", errors)
    if not everyone:
        errors.append(_field("members", "the audit has no members yet"))
    included = {member.reference for member in chosen}
    for reference in data.emails:
        if reference not in included:
            errors.append(_field(f"emails.{reference}", f"{reference!r} is not in this round"))
    if errors:
        raise Unprocessable(
            f"The round cannot be opened ({len(errors)} problem(s)); nothing was written", errors=errors
        )
    rnd = Round(
        audit_id=audit.id,
        title=data.title,
        due_date=data.due_date,
        scope_kind=data.scope,
        needs_id=data.needs_id,
        categories=list(dict.fromkeys(data.categories)) if data.scope == "categories" else [],
        evidence_required_from_level3=data.evidence_required_from_level3,
        cycle_months=data.cycle_months,
        status="open",
        created_at=_now(),
        created_by=actor[:200],
        revision=1,
    )
    scoper = await _scoper(session, store, audit, rnd)
    empty = [member.reference for member in chosen if not scoper.of(member.role)]
    if empty:
        raise Unprocessable(
            f"{len(empty)} member(s) would have no skills to assess: {', '.join(empty[:20])}; give them "
            "a role, choose a needs profile or choose categories. Nothing was written",
            errors=[_field("members", f"{reference!r} has no skills in scope") for reference in empty],
        )
    session.add(rnd)
    await session.flush()
    session.add_all(
        RoundMember(
            round_id=rnd.id,
            member_id=member.id,
            email=data.emails.get(member.reference),
            invited_at=rnd.created_at,
            answers={},
            revision=1,
        )
        for member in chosen
    )
    await session.flush()
    links = await issue_links(session, settings, audit, rnd, [member.reference for member in chosen])
    return rnd, links


async def close_round(
    session: AsyncSession,
    store: FrameworkStore,
    settings: Settings,
    audit: Audit,
    rnd: Round,
    *,
    actor: str,
    if_match: str | None = None,
) -> Round:
    """Close the round (no more submissions; links then only show answers) and, with a cycle,
    schedule the next review: a new audit ``cycle_months`` after this one's date, starting from the
    team's effective levels now (as ``manager`` levels, so the next round's self levels are
    calibrated against them). Verify before closing: later verifications stay in this audit."""
    what = f"round {rnd.id}"
    seen = expected_revision(if_match, etag(rnd), rnd.revision, what)
    if rnd.status == "closed":
        raise RoundClosed(f"Round {rnd.id} is already closed")
    await audits.touch(session, audit)  # the copy below reads the team as the last writer left it
    statement = update(Round).where(Round.id == rnd.id, Round.status == "open")
    if seen is not None:
        statement = statement.where(Round.revision == seen)
    next_audit_id = None
    if rnd.cycle_months:
        next_audit_id = (await _schedule_next(session, audit, rnd.cycle_months, actor=actor)).id
    result = await session.execute(
        statement.values(
            status="closed", closed_at=_now(), revision=Round.revision + 1, next_audit_id=next_audit_id
        )
        .returning(Round.id)
        .execution_options(synchronize_session=False)
    )
    if result.first() is None:
        raise RoundClosed(f"Round {rnd.id} was closed or changed meanwhile; reload it")
    await session.refresh(rnd)
    return rnd


async def _schedule_next(session: AsyncSession, audit: Audit, months: int, *, actor: str) -> Audit:
    """The next review's audit: same council and edition, dated ``months`` on, each member copied
    with their effective levels as ``manager`` levels (the history records the copy)."""
    review = Audit(
        council_gss=audit.council_gss,
        title=f"{audit.title} — {months}-month review"[:200],
        audit_date=rules.add_months(audit.audit_date, months),
        framework_version=audit.framework_version,
    )
    session.add(review)
    await session.flush()
    members = list(await session.scalars(select(Member).where(Member.audit_id == audit.id)))
    copies = {
        member.id: Member(
            audit_id=review.id,
            reference=member.reference,
            display_name=member.display_name,
            role=member.role,
            fte=member.fte,
        )
        for member in members
    }
    session.add_all(copies.values())
    await session.flush()
    held = await audits.assessments_by_member(session, [member.id for member in members])
    rows: list[dict[str, object]] = [
        {
            "member_id": copies[member_id].id,
            "skill": skill,
            "source": "manager",
            "level": level,
            "evidence": None,
        }
        for member_id, assessments in held.items()
        for skill, level in effective_levels((a.skill, a.source, a.level) for a in assessments).items()
    ]
    await write_assessments(session, rows, actor=f"{actor} (review cycle)")
    await audits.announce(session, review, "created")
    return review


# --- links ---------------------------------------------------------------------------------------


async def _round_members(
    session: AsyncSession, rnd: Round, references: Sequence[str] | None, field: str = "members"
) -> list[tuple[RoundMember, Member]]:
    """The round's members named (default all of them), 422 naming any not in the round."""
    rows = (
        await session.execute(
            select(RoundMember, Member)
            .join(Member, Member.id == RoundMember.member_id)
            .where(RoundMember.round_id == rnd.id)
            .order_by(Member.reference)
        )
    ).all()
    by_reference = {member.reference: (rm, member) for rm, member in rows}
    if references is None:
        return list(by_reference.values())
    errors: list[FieldError] = []
    chosen: list[tuple[RoundMember, Member]] = []
    for position, reference in enumerate(dict.fromkeys(references)):
        if reference in by_reference:
            chosen.append(by_reference[reference])
        else:
            errors.append(_field(f"{field}[{position}]", f"{reference!r} is not in this round"))
    if errors:
        raise Unprocessable(
            f"{len(errors)} member(s) are not in this round; nothing was written", errors=errors
        )
    return chosen


async def _revoke(session: AsyncSession, rnd: Round, member_ids: Iterable[int]) -> None:
    ids = list(member_ids)
    if ids:
        await session.execute(
            update(RoundLink)
            .where(RoundLink.round_id == rnd.id, RoundLink.member_id.in_(ids), RoundLink.revoked_at.is_(None))
            .values(revoked_at=_now())
        )


async def _issue(
    session: AsyncSession, settings: Settings, rnd: Round, pairs: Sequence[tuple[RoundMember, Member]]
) -> list[MemberLink]:
    await _revoke(session, rnd, [member.id for _, member in pairs])
    until = rules.valid_until(rnd.due_date, settings.round_grace_days)
    issued: list[MemberLink] = []
    now = _now()
    for round_member, member in pairs:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        session.add(
            RoundLink(token_hash=hash_token(token), round_id=rnd.id, member_id=member.id, created_at=now)
        )
        issued.append(
            MemberLink(
                reference=member.reference,
                display_name=member.display_name,
                email=round_member.email,
                link=f"{settings.base_url}{SELF_ASSESSMENT_PATH}{token}",
                valid_until=until,
            )
        )
    await session.flush()
    return issued


def _require_open(rnd: Round) -> None:
    if rnd.status != "open":
        raise RoundClosed(f"Round {rnd.id} is closed")


async def issue_links(
    session: AsyncSession, settings: Settings, audit: Audit, rnd: Round, members: Sequence[str] | None
) -> list[MemberLink]:
    """Fresh links for the members named (default all in the round); each one's earlier link stops
    working. Shown once: only hashes are kept."""
    _require_open(rnd)
    return await _issue(session, settings, rnd, await _round_members(session, rnd, members))


async def revoke_link(session: AsyncSession, audit: Audit, rnd: Round, reference: str) -> None:
    """The member's link stops working (410); a new one can be issued."""
    pairs = await _round_members(session, rnd, [reference], field="reference")
    await _revoke(session, rnd, [member.id for _, member in pairs])


LINKS_CSV_HEADER: Final = ("reference", "display_name", "email", "link", "valid_until")


def links_csv(links: Sequence[MemberLink]) -> bytes:
    """A mail-merge CSV of the links (formula-escaped like every CSV the service writes)."""
    return write_csv(
        [
            LINKS_CSV_HEADER,
            *(
                (
                    link.reference,
                    link.display_name or "",
                    link.email or "",
                    link.link,
                    link.valid_until.isoformat(),
                )
                for link in links
            ),
        ]
    )


def _round_mail(link: MemberLink, rnd: Round, council: str, *, reminder: bool) -> mail.Mail:
    greeting = link.display_name or link.reference
    first = (
        f"A reminder: {council} has asked you to assess your own skills for “{rnd.title}”, and we have "
        "not yet received your answers."
        if reminder
        else f"{council} asks you to assess your own skills for “{rnd.title}”."
    )
    return mail.Mail(
        to=link.email or "",
        to_name=greeting,
        subject=("Reminder: " if reminder else "") + f"Your skills self-assessment: {rnd.title}",
        body=(
            f"Hello {greeting},\n\n{first}\n\n"
            "Your personal link (no account needed; it is for you alone, please do not forward it):\n\n"
            f"{link.link}\n\n"
            f"Please submit by {rnd.due_date.strftime('%-d %B %Y')}. You can save a draft and come back, "
            "and change your answers until then. "
            + ("This link replaces any earlier one.\n" if reminder else "\n")
        ),
    )


async def email_links(
    session: AsyncSession,
    settings: Settings,
    audit: Audit,
    rnd: Round,
    *,
    members: Sequence[str] | None,
    emails: dict[str, str],
    actor: str,
    address: str | None = None,
    reminder: bool = False,
) -> MailResult:
    """Email each named member (default all; reminders: those not yet submitted) a fresh link.

    Each message is sent now, in the caller's time; a member whose message the server refuses keeps
    their earlier link (their fresh one is revoked again) and a ``mail-failed`` event is logged. Every
    sent message writes a ``round-link-emailed`` or ``round-reminder`` event. 503 without a mail server.
    """
    _require_open(rnd)
    if not (settings.smtp_url and settings.mail_from):
        raise ServiceUnavailable(
            "No mail server is configured (EDSKILLS_SMTP_URL and EDSKILLS_MAIL_FROM); copy the links "
            "or download them as CSV instead"
        )
    pairs = await _round_members(session, rnd, members)
    unknown = [reference for reference in emails if reference not in {m.reference for _, m in pairs}]
    if unknown:
        raise Unprocessable(
            "Addresses were given for members not being emailed; nothing was sent",
            errors=[
                _field(f"emails.{reference}", f"{reference!r} is not being emailed") for reference in unknown
            ],
        )
    for round_member, member in pairs:
        if member.reference in emails:
            round_member.email = emails[member.reference]
    council = await session.get(Council, audit.council_gss)
    council_name = council.name if council else audit.council_gss
    result = MailResult(sent=[], skipped=[], failed=[])
    now = _now()
    for round_member, member in pairs:
        if reminder and round_member.submitted_at is not None:
            result.skipped.append(MailRefusal(reference=member.reference, reason="already submitted"))
            continue
        if not round_member.email:
            result.skipped.append(MailRefusal(reference=member.reference, reason="no email address"))
            continue
        # A savepoint: if the server refuses, the fresh link is undone and the earlier one still works.
        async with session.begin_nested() as savepoint:
            [link] = await _issue(session, settings, rnd, [(round_member, member)])
            try:
                await mail.send(
                    settings.smtp_url,
                    settings.mail_from,
                    _round_mail(link, rnd, council_name, reminder=reminder),
                )
            except mail.MailFailed as exc:
                await savepoint.rollback()
                error = str(exc)
                result.failed.append(MailRefusal(reference=member.reference, reason=error))
                await events.record(
                    session,
                    events.MAIL_FAILED,
                    person_id=None,
                    actor=actor,
                    address=address,
                    detail={"round": str(rnd.id), "member": member.reference, "error": error},
                )
                continue
        if reminder:
            round_member.reminded_at = now
        else:
            round_member.emailed_at = now
        result.sent.append(member.reference)
        await events.record(
            session,
            events.ROUND_REMINDER if reminder else events.ROUND_LINK_EMAILED,
            person_id=None,
            actor=actor,
            address=address,
            detail={"council": audit.council_gss, "round": str(rnd.id), "member": member.reference},
        )
    await session.flush()
    return result


# --- the member's form ---------------------------------------------------------------------------


class Holder(NamedTuple):
    """Whom a valid link answers for."""

    link: RoundLink
    round_member: RoundMember
    member: Member
    round: Round
    audit: Audit


async def holder(
    session: AsyncSession, settings: Settings, token: str, *, limiter: RateLimiter | None, address: str | None
) -> Holder:
    """The link's member, round and audit, or ``LinkGone`` (410) — counted against the address,
    which is refused (429) before any lookup once it has spent its failures (§2.9)."""
    if limiter is not None and address is not None:
        await limiter.round_link_gate(address)
    found = None
    if TOKEN_PATTERN.match(token):
        found = (
            await session.execute(
                select(RoundLink, RoundMember, Member, Round, Audit)
                .join(
                    RoundMember,
                    (RoundMember.round_id == RoundLink.round_id)
                    & (RoundMember.member_id == RoundLink.member_id),
                )
                .join(Member, Member.id == RoundLink.member_id)
                .join(Round, Round.id == RoundLink.round_id)
                .join(Audit, Audit.id == Round.audit_id)
                .where(RoundLink.token_hash == hash_token(token))
            )
        ).first()
    if (
        found is None
        or found[0].revoked_at is not None
        or _now() >= rules.valid_until(found[3].due_date, settings.round_grace_days)
    ):
        if limiter is not None and address is not None:
            await limiter.failed_round_link(address)
        raise LinkGone()
    return Holder(*found)


def _scale(index: FrameworkIndex) -> list[LevelText]:
    return [
        LevelText(level=item.level, name=item.name, description=item.description)
        for item in index.framework.levels
    ]


def _indicators(skill: object) -> list[str]:
    """The skill's level 1–4 indicators (issue 17, helper N adds ``Skill.indicators``); none before."""
    return list(getattr(skill, "indicators", ()) or ())


async def _form(
    session: AsyncSession, store: FrameworkStore, settings: Settings, found: Holder
) -> SelfAssessmentOut:
    scoper = await _scoper(session, store, found.audit, found.round)
    scope = scoper.of(found.member.role)
    answers = found.round_member.answers or {}
    held = {
        skill: (level, evidence)
        for skill, level, evidence in await session.execute(
            select(Assessment.skill, Assessment.level, Assessment.evidence).where(
                Assessment.member_id == found.member.id, Assessment.source == "self"
            )
        )
    }
    groups: dict[str, list[SkillForm]] = {}
    for slug in scoper.ordered(scope):
        skill = scoper.index.skills[slug]
        answer = answers.get(slug)
        if isinstance(answer, dict):
            level, evidence, develop = (
                answer.get("level"),
                answer.get("evidence"),
                bool(answer.get("develop")),
            )
        else:
            level, evidence = held.get(slug, (None, None))
            develop = False
        groups.setdefault(skill.category, []).append(
            SkillForm(
                slug=slug,
                label=skill.label,
                description=skill.description,
                indicators=_indicators(skill),
                level=level if isinstance(level, int) else None,
                evidence=evidence if isinstance(evidence, str) else None,
                develop=develop,
            )
        )
    council = await session.get(Council, found.audit.council_gss)
    return SelfAssessmentOut(
        round_title=found.round.title,
        council=council.name if council else found.audit.council_gss,
        due_date=found.round.due_date,
        valid_until=rules.valid_until(found.round.due_date, settings.round_grace_days),
        editable=found.round.status == "open",
        status="submitted" if found.round_member.submitted_at else "draft",
        submitted_at=found.round_member.submitted_at,
        evidence_required_from_level3=found.round.evidence_required_from_level3,
        reference=found.member.reference,
        display_name=found.member.display_name,
        levels=_scale(scoper.index),
        categories=[
            CategoryForm(slug=category.slug, name=category.name, skills=groups[category.slug])
            for category in scoper.index.framework.categories
            if category.slug in groups
        ],
    )


async def self_assessment(
    session: AsyncSession,
    store: FrameworkStore,
    settings: Settings,
    token: str,
    *,
    limiter: RateLimiter | None = None,
    address: str | None = None,
) -> SelfAssessmentOut:
    """The member's own form: only their skills, grouped by category, with their answers."""
    found = await holder(session, settings, token, limiter=limiter, address=address)
    return await _form(session, store, settings, found)


def _checked(scope: frozenset[str], data: SelfAssessmentIn, rnd: Round, *, submitting: bool) -> None:
    problems = rules.answer_problems(
        scope,
        [
            rules.Answer(skill=a.skill, level=a.level, evidence=a.evidence, develop=a.develop)
            for a in data.answers
        ],
        submitting=submitting,
        evidence_required_from_level3=rnd.evidence_required_from_level3,
    )
    if problems:
        raise Unprocessable(
            f"{len(problems)} answer(s) need attention; nothing was saved",
            errors=[
                _field(
                    f"answers[{p.position}].{p.field}" if p.position is not None else "answers",
                    f"{p.skill}: {p.message}",
                )
                for p in problems
            ],
        )


def _stored_answers(answers: Sequence[AnswerIn]) -> dict[str, object]:
    return {
        a.skill: {"level": a.level, "evidence": (a.evidence or None), "develop": a.develop} for a in answers
    }


async def _keep_answers(
    session: AsyncSession, found: Holder, data: SelfAssessmentIn, **stamp: dt.datetime
) -> None:
    """The member's answers on their round row, stamped ``draft_saved_at`` or ``submitted_at`` (a
    draft and a submission differ only there); the row is read back for the answer."""
    await session.execute(
        update(RoundMember)
        .where(RoundMember.round_id == found.round.id, RoundMember.member_id == found.member.id)
        .values(answers=_stored_answers(data.answers), revision=RoundMember.revision + 1, **stamp)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(found.round_member)


async def save_draft(
    session: AsyncSession,
    store: FrameworkStore,
    settings: Settings,
    token: str,
    data: SelfAssessmentIn,
    *,
    limiter: RateLimiter | None = None,
    address: str | None = None,
) -> SelfAssessmentOut:
    """Keep the member's answers as a draft (partial is fine). Once submitted, a change is a new
    submission (409 ``already-submitted`` here), so what the manager reviews is always what was sent."""
    found = await holder(session, settings, token, limiter=limiter, address=address)
    _require_open(found.round)
    if found.round_member.submitted_at is not None:
        raise Conflict(
            "You have already submitted; to change your answers, submit them again",
        )
    scoper = await _scoper(session, store, found.audit, found.round)
    _checked(scoper.of(found.member.role), data, found.round, submitting=False)
    await _keep_answers(session, found, data, draft_saved_at=_now())
    return await _form(session, store, settings, found)


async def submit(
    session: AsyncSession,
    store: FrameworkStore,
    settings: Settings,
    token: str,
    data: SelfAssessmentIn,
    *,
    limiter: RateLimiter | None = None,
    address: str | None = None,
) -> SelfAssessmentOut:
    """Submit (or re-submit, until the link expires) a level for every skill in scope: written as
    ``source=self`` assessments beside any manager or verified ones (§2.9), with history."""
    found = await holder(session, settings, token, limiter=limiter, address=address)
    _require_open(found.round)
    scoper = await _scoper(session, store, found.audit, found.round)
    _checked(scoper.of(found.member.role), data, found.round, submitting=True)
    await audits.touch(session, found.audit)  # writes into one audit queue one after another
    rnd = await session.get(Round, found.round.id, populate_existing=True)
    if rnd is None or rnd.status != "open":  # closed while this request waited for the lock
        raise RoundClosed(f"Round {found.round.id} is closed")
    rows: list[dict[str, object]] = [
        {
            "member_id": found.member.id,
            "skill": answer.skill,
            "source": "self",
            "level": answer.level,
            "evidence": answer.evidence or None,
        }
        for answer in data.answers
        if answer.level is not None
    ]
    await write_assessments(session, rows, actor=f"{found.member.reference} (self-assessment)")
    await _keep_answers(session, found, data, submitted_at=_now())
    gss, audit_id, round_id = found.audit.council_gss, found.audit.id, found.round.id
    await emit(  # issue 19: committed with the submission, or not at all
        session,
        ROUND_SUBMITTED,
        f"round:{round_id}",
        {
            "council": gss,
            "audit": str(audit_id),
            "round": str(round_id),
            "member": found.member.reference,
            "path": f"/v1/councils/{gss}/audits/{audit_id}/rounds/{round_id}",
        },
        council=gss,
    )
    return await _form(session, store, settings, found)


# --- review --------------------------------------------------------------------------------------


async def review(
    session: AsyncSession, store: FrameworkStore, settings: Settings, audit: Audit, rnd: Round
) -> RoundReview:
    """Response rate, who is outstanding, and per member each skill's self level beside the manager
    and verified levels, the calibration flag (§2.9), evidence and the develop flag (submitted answers)."""
    scoper = await _scoper(session, store, audit, rnd)
    pairs = await _round_members(session, rnd, None)
    held = await audits.assessments_by_member(session, [member.id for _, member in pairs])
    reviews: list[MemberReview] = []
    for round_member, member in pairs:
        by_source: dict[str, dict[str, int]] = {"self": {}, "manager": {}, "verified": {}}
        evidence: dict[str, str] = {}
        for a in held.get(member.id, []):
            by_source[a.source][a.skill] = a.level
            if a.source == "self" and a.evidence:
                evidence[a.skill] = a.evidence
        effective = effective_levels((a.skill, a.source, a.level) for a in held.get(member.id, []))
        flags = rules.calibration(by_source["self"], by_source["manager"])
        answers = round_member.answers if round_member.submitted_at else {}
        skills = []
        for slug in scoper.ordered(scoper.of(member.role)):
            skill = scoper.index.skills[slug]
            answer = answers.get(slug)
            flag = flags.get(slug)
            skills.append(
                SkillReview(
                    skill=slug,
                    label=skill.label,
                    category=skill.category,
                    self_level=by_source["self"].get(slug),
                    manager_level=by_source["manager"].get(slug),
                    verified_level=by_source["verified"].get(slug),
                    effective_level=effective.get(slug),
                    difference=flag.difference if flag else None,
                    flagged=flag.flagged if flag else False,
                    evidence=evidence.get(slug),
                    develop=bool(answer.get("develop")) if isinstance(answer, dict) else False,
                )
            )
        reviews.append(
            MemberReview(
                reference=member.reference,
                display_name=member.display_name,
                role=member.role,
                submitted_at=round_member.submitted_at,
                flagged=sum(s.flagged for s in skills),
                skills=skills,
            )
        )
    submitted = sum(rm.submitted_at is not None for rm, _ in pairs)
    rate = rules.response_rate(len(pairs), submitted)
    return RoundReview(
        round=await round_out(session, settings, rnd),
        response=ResponseOut(
            invited=rate.invited,
            submitted=rate.submitted,
            rate_percent=rate.rate_percent,
            outstanding=[member.reference for rm, member in pairs if rm.submitted_at is None],
        ),
        members=reviews,
    )


async def verify(
    session: AsyncSession,
    store: FrameworkStore,
    audit: Audit,
    rnd: Round,
    *,
    members: Sequence[str] | None,
    skills: Sequence[str] | None,
    actor: str,
) -> VerifyResult:
    """Accept members' self levels as ``verified`` (§2.9: copied, with who and when in the history):
    one member, the ones named, or (default) every member who has submitted; all their in-scope self
    levels, or only ``skills``. Naming a member who has not submitted is 422; nothing is written."""
    scoper = await _scoper(session, store, audit, rnd)
    errors: list[FieldError] = []
    for position, slug in enumerate(skills or ()):
        if slug not in scoper.index.skills:
            errors.append(_field(f"skills[{position}]", f"unknown skill {slug!r} in {scoper.index.key}"))
    pairs = await _round_members(session, rnd, members)
    if members is not None:
        for position, (round_member, member) in enumerate(pairs):
            if round_member.submitted_at is None:
                errors.append(_field(f"members[{position}]", f"{member.reference!r} has not submitted"))
    if errors:
        raise Unprocessable(f"Nothing was verified ({len(errors)} problem(s))", errors=errors)
    await audits.touch(session, audit)
    submitted = [(rm, member) for rm, member in pairs if rm.submitted_at is not None]
    held = await audits.assessments_by_member(session, [member.id for _, member in submitted])
    wanted = set(skills) if skills is not None else None
    rows: list[dict[str, object]] = []
    for _, member in submitted:
        scope = scoper.of(member.role)
        for a in held.get(member.id, []):
            if a.source == "self" and a.skill in scope and (wanted is None or a.skill in wanted):
                rows.append(
                    {
                        "member_id": member.id,
                        "skill": a.skill,
                        "source": "verified",
                        "level": a.level,
                        "evidence": a.evidence,
                    }
                )
    changed = await write_assessments(session, rows, actor=actor)
    return VerifyResult(verified=len(rows), changed=changed)


async def set_manager_levels(
    session: AsyncSession,
    store: FrameworkStore,
    audit: Audit,
    rnd: Round,
    reference: str,
    levels: Sequence[LevelIn],
    *,
    actor: str,
) -> int:
    """The manager's own level for skills of a member in the round (``source=manager``). A verified
    level of the same skill is removed (history kept): the manager's new judgement replaces the
    earlier verification, which would otherwise hide it (verified > manager)."""
    index = await _index(session, store, audit)
    errors: list[FieldError] = []
    seen: set[str] = set()
    for position, item in enumerate(levels):
        if item.skill not in index.skills:
            errors.append(_field(f"levels[{position}].skill", f"unknown skill {item.skill!r} in {index.key}"))
        elif item.skill in seen:
            errors.append(_field(f"levels[{position}].skill", f"{item.skill!r} is given twice"))
        seen.add(item.skill)
    [(_, member)] = await _round_members(session, rnd, [reference], field="reference")
    if errors:
        raise Unprocessable(f"{len(errors)} level(s) cannot be written; nothing was written", errors=errors)
    await audits.touch(session, audit)
    await remove_assessments(
        session, [Key(member.id, item.skill, "verified") for item in levels], actor=actor
    )
    return await write_assessments(
        session,
        [
            {
                "member_id": member.id,
                "skill": item.skill,
                "source": "manager",
                "level": item.level,
                "evidence": item.evidence,
            }
            for item in levels
        ],
        actor=actor,
    )


async def history(
    session: AsyncSession, audit: Audit, reference: str, skill: str | None, limit: int, offset: int
) -> tuple[list[HistoryOut], int]:
    """Every change of the member's assessments (or one skill's), newest first."""
    member = await audits.get_member(session, audit, reference)
    where = AssessmentHistory.member_id == member.id
    if skill is not None:
        where = where & (AssessmentHistory.skill == skill)
    rows, total = await page_of(
        session,
        AssessmentHistory,
        where,
        (AssessmentHistory.at.desc(), AssessmentHistory.id.desc()),
        limit,
        offset,
    )
    return [
        HistoryOut(
            skill=row.skill,
            source=row.source,  # type: ignore[arg-type]
            old_level=row.old_level,
            new_level=row.new_level,
            actor=row.actor,
            at=row.at,
        )
        for row in rows
    ], total


# --- the dashboard -------------------------------------------------------------------------------


async def due_items(session: AsyncSession, gss: str, today: dt.date) -> list[DueItem]:
    """What a council's dashboard shows (issue 17): open rounds (``open``, or ``overdue`` past their
    due date) and reviews a cycle scheduled that have no round yet (``scheduled``, or ``due`` from
    their date), by date. A review's ``previous_audit_id`` → ``audit_id`` is its progress review."""
    items: list[DueItem] = []
    open_rounds = await session.execute(
        select(Round.id, Round.title, Round.due_date, Round.audit_id)
        .join(Audit, Audit.id == Round.audit_id)
        .where(Audit.council_gss == gss, Round.status == "open")
    )
    open_rows = open_rounds.all()
    previous = await _previous_audits(session, [row.audit_id for row in open_rows])
    for round_id, title, due_date, audit_id in open_rows:
        items.append(
            DueItem(
                kind="round",
                status=rules.round_status(due_date, today),
                title=title,
                date=due_date,
                audit_id=audit_id,
                round_id=round_id,
                previous_audit_id=previous.get(audit_id),
            )
        )
    later = aliased(Round)
    has_round = select(later.id).where(later.audit_id == Audit.id).exists()
    scheduled = await session.execute(
        select(Audit.id, Audit.title, Audit.audit_date, Round.audit_id)
        .join(Round, Round.next_audit_id == Audit.id)
        .where(Audit.council_gss == gss, ~has_round)
    )
    for audit_id, title, audit_date, previous_id in scheduled:
        items.append(
            DueItem(
                kind="review",
                status=rules.review_status(audit_date, today),
                title=title,
                date=audit_date,
                audit_id=audit_id,
                round_id=None,
                previous_audit_id=previous_id,
            )
        )
    return sorted(items, key=lambda item: (item.date, item.title))


__all__ = [
    "SELF_ASSESSMENT_PATH",
    "Holder",
    "LinkGone",
    "RoundClosed",
    "close_round",
    "due_items",
    "email_links",
    "etag",
    "get_round",
    "history",
    "holder",
    "issue_links",
    "links_csv",
    "list_rounds",
    "open_round",
    "review",
    "revoke_link",
    "round_out",
    "save_draft",
    "self_assessment",
    "set_manager_levels",
    "submit",
    "verify",
]
