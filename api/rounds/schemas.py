"""Wire schemas of self-assessment rounds, their links, the member's form and the manager's review
(issue 17, DESIGN §1 "Assessment round", §2.9)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from api.analysis.rounds import ScopeKind
from api.audits.schemas import Reference, Source
from api.text import Evidence, Title
from taxonomy.model import Level, Slug

Cycle = Annotated[
    Literal[0, 3, 6, 12],
    Meta(description="Review cycle in months: 0 (none), 3, 6 or 12; the next review is scheduled at close."),
]
Email = Annotated[
    str, Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, examples=["a.jones@example.gov.uk"])
]
MAX_MEMBERS = 5000
"""Members one request may name (an audit holds at most ``import_max_members``)."""
MAX_ANSWERS = 1000
"""Answers one form may carry (an edition has a few hundred skills)."""


class RoundCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    title: Title
    due_date: dt.date
    members: Annotated[list[Reference], Meta(max_length=MAX_MEMBERS)] | None = None
    """Member references to include; default: every member of the audit."""
    emails: Annotated[dict[Reference, Email], Meta(max_length=MAX_MEMBERS)] = {}
    """Where each member's link may be emailed (only for mailing; erased with the member)."""
    scope: ScopeKind = "roles"
    """``roles``: each member's role requirements plus the skills of ``needs_id``; ``categories``:
    every skill of ``categories``."""
    needs_id: uuid.UUID | None = None
    categories: Annotated[list[Slug], Meta(max_length=100)] = []
    evidence_required_from_level3: bool = False
    cycle_months: Cycle = 0


class RoundOut(msgspec.Struct, kw_only=True):
    id: uuid.UUID
    audit_id: uuid.UUID
    title: str
    due_date: dt.date
    valid_until: dt.datetime
    """Links stop working at this instant: the due date plus the grace days, end of day UTC."""
    scope: ScopeKind
    needs_id: uuid.UUID | None
    categories: list[str]
    evidence_required_from_level3: bool
    cycle_months: int
    status: Literal["open", "closed"]
    created_at: dt.datetime
    created_by: str | None
    closed_at: dt.datetime | None
    invited: int
    submitted: int
    response_rate_percent: float | None
    """``submitted ÷ invited`` as a percentage, one decimal (§2.9); null when nobody is invited."""
    next_audit_id: uuid.UUID | None
    """The audit of the next review, scheduled when a round with a cycle closes."""
    previous_audit_id: uuid.UUID | None
    """The audit whose round scheduled this round's audit: the progress review compares the two."""


class RoundPage(msgspec.Struct, kw_only=True):
    items: list[RoundOut]
    total: int
    limit: int
    offset: int


class MemberLink(msgspec.Struct, kw_only=True):
    """A member's link, shown once: only its hash is kept, so a lost link is re-issued, not recovered."""

    reference: str
    display_name: str | None
    email: str | None
    link: str
    valid_until: dt.datetime


IssuedLink = MemberLink
"""Former name (K's pages import it); ``MemberLink`` avoids a clash with the people slice's
``IssuedLink`` in the OpenAPI components."""


class RoundOpened(msgspec.Struct, kw_only=True):
    round: RoundOut
    links: list[MemberLink]


class LinksRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    members: Annotated[list[Reference], Meta(max_length=MAX_MEMBERS)] | None = None
    """Whose links to issue (each member's earlier link stops working); default: everyone in the round."""


class LinkList(msgspec.Struct, kw_only=True):
    items: list[MemberLink]


class MailRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    members: Annotated[list[Reference], Meta(max_length=MAX_MEMBERS)] | None = None
    """Whom to email; default: everyone in the round (reminders: everyone who has not submitted)."""
    emails: Annotated[dict[Reference, Email], Meta(max_length=MAX_MEMBERS)] = {}
    """Addresses to record (and use) for these members."""


class MailRefusal(msgspec.Struct, kw_only=True):
    reference: str
    reason: str


class MailResult(msgspec.Struct, kw_only=True):
    sent: list[str]
    """References whose fresh link was handed to the mail server (their earlier link stops working)."""
    skipped: list[MailRefusal]
    """Not emailed: no address, or already submitted (reminders)."""
    failed: list[MailRefusal]
    """The mail server refused: the reason (their earlier link still works)."""


class SkillReview(msgspec.Struct, kw_only=True):
    skill: str
    label: str
    category: str
    self_level: int | None
    manager_level: int | None
    verified_level: int | None
    effective_level: int | None
    difference: int | None
    """``self − manager`` when both exist (§2.9)."""
    flagged: bool
    """``|difference| ≥ 2``: for the manager's attention (§2.9)."""
    evidence: str | None
    develop: bool
    """The member would like to develop this skill."""


class MemberReview(msgspec.Struct, kw_only=True):
    reference: str
    display_name: str | None
    role: str | None
    submitted_at: dt.datetime | None
    flagged: int
    skills: list[SkillReview]


class ResponseOut(msgspec.Struct, kw_only=True):
    invited: int
    submitted: int
    rate_percent: float | None
    outstanding: list[str]
    """References of members who have not submitted."""


class RoundReview(msgspec.Struct, kw_only=True):
    round: RoundOut
    response: ResponseOut
    members: list[MemberReview]


class VerifyRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    members: Annotated[list[Reference], Meta(max_length=MAX_MEMBERS)] | None = None
    """Whose self levels to accept; default: every member who has submitted."""
    skills: Annotated[list[Slug], Meta(max_length=MAX_ANSWERS)] | None = None
    """Which skills; default: every skill they self-assessed in this round."""


class VerifyResult(msgspec.Struct, kw_only=True):
    verified: int
    """Assessments written (or confirmed) as ``verified``."""
    changed: int
    """Of those, how many changed a verified level."""


class LevelIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    skill: Slug
    level: Level
    evidence: Evidence | None = None


class ManagerLevels(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    levels: Annotated[list[LevelIn], Meta(min_length=1, max_length=MAX_ANSWERS)]


class LevelsResult(msgspec.Struct, kw_only=True):
    written: int


class HistoryOut(msgspec.Struct, kw_only=True):
    skill: str
    source: Source
    old_level: int | None
    """Null: the assessment did not exist before."""
    new_level: int | None
    """Null: the assessment was removed."""
    actor: str
    at: dt.datetime


class HistoryPage(msgspec.Struct, kw_only=True):
    items: list[HistoryOut]
    total: int
    limit: int
    offset: int


class DueItem(msgspec.Struct, kw_only=True):
    """Something on the dashboard: an open round (``open``/``overdue``) or a scheduled review with no
    round yet (``scheduled``/``due``)."""

    kind: Literal["round", "review"]
    status: Literal["open", "overdue", "scheduled", "due"]
    title: str
    date: dt.date
    audit_id: uuid.UUID
    round_id: uuid.UUID | None
    previous_audit_id: uuid.UUID | None
    """For a review: the audit whose round scheduled it (progress review from there to ``audit_id``)."""


class DueList(msgspec.Struct, kw_only=True):
    items: list[DueItem]


# --- the member's own form -----------------------------------------------------------------------


class AnswerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    skill: Slug
    level: Level | None = None
    """Null: not chosen yet (a draft may leave levels out; a submission may not)."""
    evidence: Evidence | None = None
    develop: bool = False
    """I'd like to develop this."""


class SelfAssessmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    answers: Annotated[list[AnswerIn], Meta(max_length=MAX_ANSWERS)]


class LevelText(msgspec.Struct, kw_only=True):
    level: int
    name: str
    description: str


class SkillForm(msgspec.Struct, kw_only=True):
    slug: str
    label: str
    description: str
    indicators: list[str]
    """What levels 1–4 look like for this skill (empty where the edition has none)."""
    level: int | None
    evidence: str | None
    develop: bool


class CategoryForm(msgspec.Struct, kw_only=True):
    slug: str
    name: str
    skills: list[SkillForm]


class SelfAssessmentOut(msgspec.Struct, kw_only=True):
    round_title: str
    council: str
    due_date: dt.date
    valid_until: dt.datetime
    editable: bool
    """False once the round is closed: answers can be read, not changed."""
    status: Literal["draft", "submitted"]
    submitted_at: dt.datetime | None
    evidence_required_from_level3: bool
    reference: str
    display_name: str | None
    levels: list[LevelText]
    categories: list[CategoryForm]
