"""SQLAlchemy tables.

A framework edition is stored whole, as the msgspec JSON of ``taxonomy.model.Framework``: the
service only ever reads an edition as a unit (and holds published ones in memory), edits touch
one draft at a time, and the validator, exports and matcher all work on the document. Audits
refer to skills and roles by slug within the edition they pin.
"""

from __future__ import annotations

import datetime as dt
import uuid

from advanced_alchemy.mixins import AuditColumns
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Audits, needs profiles and framework editions take ``created_at`` and ``updated_at`` (UTC,
# set on insert and on update) from advanced-alchemy's ``AuditColumns``: the same columns as before,
# so no migration. Its UUID primary-key mixins are not used: they add an ``sa_orm_sentinel``
# column to every table (a schema change for nothing this service needs).


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class FrameworkVersion(AuditColumns, Base):
    __tablename__ = "framework_versions"
    __table_args__ = (UniqueConstraint("framework_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    framework_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    document: Mapped[str] = mapped_column(Text)
    """msgspec JSON of ``taxonomy.model.Framework``."""
    revision: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class Council(Base):
    """A UK local authority from the shipped registry, plus its own sharing choice."""

    __tablename__ = "councils"

    gss: Mapped[str] = mapped_column(String(9), primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    official_name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(8), index=True)
    type_name: Mapped[str] = mapped_column(String(80))
    nation: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(80), index=True)
    district_level: Mapped[bool] = mapped_column(Boolean)
    county: Mapped[str | None] = mapped_column(String(9), nullable=True)
    combined_authority: Mapped[str | None] = mapped_column(String(9), nullable=True)
    lat: Mapped[float | None] = mapped_column(Float, nullable=True)
    lon: Mapped[float | None] = mapped_column(Float, nullable=True)
    population: Mapped[int | None] = mapped_column(Integer, nullable=True)
    alt_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    former_gss: Mapped[list[str]] = mapped_column(JSON, default=list)
    neighbours: Mapped[list[str]] = mapped_column(JSON, default=list)
    neighbour_basis: Mapped[str] = mapped_column(String(16))
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    share_capability: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=_now, onupdate=_now, server_default=func.now()
    )


class ApiKey(Base):
    """An API key: only its SHA-256 is stored; the prefix finds the row without a scan."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    rate_limit_per_minute: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """This key's own quota (requests a minute); NULL means ``rate_limit_key_per_minute``."""


class RateLimitCounter(Base):
    """One fixed one-minute window of one rate-limit bucket (``api.ratelimit``, issue 12).

    Kept in the database because it is the only thing every worker process shares. The primary
    key leads with the window so that sweeping old windows is a range delete on the index.
    """

    __tablename__ = "rate_limit_counters"

    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    """Unix time (seconds) at which the window began; windows are aligned to the minute."""
    bucket: Mapped[str] = mapped_column(String(80), primary_key=True)
    """``key:<id>``, ``address:<ip>``, ``auth-failures:<ip>``, ``match-texts:<ip>`` or
    ``sign-in-failures:<ip>``; never a key."""
    count: Mapped[int] = mapped_column(Integer)


class Audit(AuditColumns, Base):
    """A council's snapshot of its ED team on a date, pinned to a framework edition."""

    __tablename__ = "audits"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    council_gss: Mapped[str] = mapped_column(ForeignKey("councils.gss"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    audit_date: Mapped[dt.date] = mapped_column(Date)
    framework_version: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer, default=1)


class Member(Base):
    """A pseudonymous team member of one audit."""

    __tablename__ = "members"
    __table_args__ = (UniqueConstraint("audit_id", "reference"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str | None] = mapped_column(String(80), nullable=True)
    fte: Mapped[float] = mapped_column(Float, default=1.0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    levels: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    """The member's effective levels, derived: a JSON object ``{skill: level}`` sorted by skill, built
    from their assessments by ``api.analysis.levels.effective_levels`` (issue 14). What the analyses
    read, one compact row per member; the assessments stay the record. Every writer of assessments
    calls ``api.audits.levels_row.refresh_levels`` in the same transaction (migration 0006 built it
    for existing members); a member with no assessment holds ``{}``."""


class Assessment(Base):
    """One member's level in one skill from one source (self, manager or verified)."""

    __tablename__ = "assessments"

    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), primary_key=True)
    skill: Mapped[str] = mapped_column(String(80), primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    evidence: Mapped[str | None] = mapped_column(Text, nullable=True)


class NeedsProfile(AuditColumns, Base):
    """A council's future needs: a target establishment, scenarios and explicit rows (DESIGN §1)."""

    __tablename__ = "needs_profiles"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    council_gss: Mapped[str] = mapped_column(ForeignKey("councils.gss"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    horizon: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    framework_version: Mapped[str] = mapped_column(String(16))
    establishment: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    """``{role slug: headcount}``."""
    scenarios: Mapped[list[str]] = mapped_column(JSON, default=list)
    rows: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    """Explicit ``{skill, level, headcount, importance}`` rows."""
    revision: Mapped[int] = mapped_column(Integer, default=1)


class FrameworkChange(Base):
    """One edit of a framework edition, written in the same transaction as the edit itself.

    ``key_name`` is copied (not a foreign key) so the log still says who made a change after
    the key is revoked or deleted; ``before`` and ``after`` are the item's file-format JSON.
    """

    __tablename__ = "framework_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    framework_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[str] = mapped_column(String(16), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    """The edition's revision this change produced."""
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    key_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    key_name: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)


class Person(Base):
    """Someone who signs in to the web pages (DESIGN §1 "Person", issue 15).

    ``email`` is stored normalised (``api.people.service.normalise_email``) so the unique index
    is the one check for duplicates. ``password_hash`` (argon2id) is NULL until the person
    redeems their invitation; ``failed_sign_ins`` and ``locked_until`` carry the lockout.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class PersonGrant(Base):
    """One power of a person: ``manager:<GSS>``, ``editor``, ``analyst`` or ``admin`` (DESIGN §1)."""

    __tablename__ = "person_grants"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), primary_key=True)
    grant: Mapped[str] = mapped_column(String(40), primary_key=True)


class PersonToken(Base):
    """A single-use invitation or password-reset link; only the token's SHA-256 is stored."""

    __tablename__ = "person_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    """``invite`` or ``reset``."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class WebSession(Base):
    """A signed-in browser session, in the database so every worker sees it (issue 15).

    ``id_hash`` is the SHA-256 of the cookie's value; the value itself is never stored.
    """

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    user_agent: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)


class Event(Base):
    """The security event log admins read (issue 15), written only by ``api.people.events.record``.

    ``person_id`` is not a foreign key: the log outlives the people it names, so ``detail``
    keeps the email too.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now, index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class ImportUpload(Base):
    """A spreadsheet uploaded on the import page, kept while its person reviews the mapping (issue
    16), so the confirmation needs no second upload.

    In the database because it is the only thing every worker (and host) shares. Bound to the web
    session that uploaded it (gone when the session ends: ON DELETE CASCADE) and to its audit; a
    session keeps a few at most and none outlives the absolute session lifetime
    (``api.audits.uploads``). The content is within the request body cap, like any import.
    """

    __tablename__ = "import_uploads"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(
        ForeignKey("web_sessions.id_hash", ondelete="CASCADE"), index=True
    )
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now, index=True)


class WebhookSubscription(Base):
    """A partner's webhook subscription (issue 19): where to POST which events.

    ``secret`` signs every delivery (Standard Webhooks, HMAC-SHA256), so it must be recoverable and
    is stored as is; it is shown once, when the subscription is created, and never returned again.
    What a subscription receives is what its key may read, decided when an event is emitted
    (``api.webhooks.outbox``): a revoked key receives nothing.
    """

    __tablename__ = "webhook_subscriptions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[str]] = mapped_column(JSON)
    council: Mapped[str | None] = mapped_column(String(9), nullable=True)
    """Only this council's events (and the public ones); NULL: every council the key may see."""
    secret: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    """``active`` or ``disabled``."""
    disabled_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    revision: Mapped[int] = mapped_column(Integer, default=1)


class WebhookOutbox(Base):
    """One event, written in the same transaction as the change it reports (issue 19).

    ``seq`` is the emission order (deliveries of one resource go out in it); ``id`` is the
    ``webhook-id`` every delivery of the event carries, so receivers can deduplicate.
    """

    __tablename__ = "webhook_outbox"

    seq: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    event_type: Mapped[str] = mapped_column(String(40))
    resource: Mapped[str] = mapped_column(String(200))
    """What the event is about (``audit:<uuid>``)."""
    council: Mapped[str | None] = mapped_column(String(9), nullable=True)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)


class WebhookDelivery(Base):
    """One event for one subscription: attempts so far, when the next is due, and who holds it
    (``leased_until``: a worker's claim; an expired lease is claimed again: at-least-once)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "outbox_seq"),)

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    outbox_seq: Mapped[int] = mapped_column(ForeignKey("webhook_outbox.seq", ondelete="CASCADE"), index=True)
    resource: Mapped[str] = mapped_column(String(200))
    """The event's resource, copied so that per-resource ordering needs no join."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now, index=True)
    leased_until: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    retry_since: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    """Start of the retry window (the emission, or the subscription's re-enabling)."""


class WebhookAttempt(Base):
    """The delivery log: one row per attempt to POST an event to a subscription (issue 19)."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"), index=True
    )
    outbox_seq: Mapped[int] = mapped_column(ForeignKey("webhook_outbox.seq", ondelete="CASCADE"))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The receiver's HTTP status; NULL when no answer came (refused, timed out, blocked address)."""
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class Round(Base):
    """A self-assessment round on one audit (DESIGN §1 "Assessment round", §2.9, issue 17).

    ``scope_kind`` is ``roles`` (each member's role requirements plus the skills of ``needs_id``, if
    given) or ``categories`` (every skill of ``categories``); ``api.analysis.rounds.member_scope`` is
    the rule. ``cycle_months`` (0, 3, 6 or 12) schedules the next review when the round closes:
    ``next_audit_id`` is the audit made then. ``revision`` serves ``If-Match`` on the round's edits.
    """

    __tablename__ = "rounds"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    audit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("audits.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[dt.date] = mapped_column(Date)
    scope_kind: Mapped[str] = mapped_column(String(16))
    needs_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("needs_profiles.id", ondelete="SET NULL"), nullable=True
    )
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence_required_from_level3: Mapped[bool] = mapped_column(Boolean, default=False)
    cycle_months: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="open")
    """``open`` or ``closed``."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    created_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    next_audit_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("audits.id", ondelete="SET NULL"), nullable=True
    )


class RoundMember(Base):
    """One member included in a round: their answers (draft, then submitted) and mailing state.

    ``answers`` is ``{skill: {"level": int|None, "evidence": str|None, "develop": bool}}``: the draft
    until ``submitted_at`` is set, then what was submitted (the develop flags live only here; levels
    and evidence are also written as ``source=self`` assessments). ``email`` is only for mailing the
    link. Deleting the member deletes the row (ON DELETE CASCADE): erasure (issue 17).
    """

    __tablename__ = "round_members"

    round_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    invited_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    emailed_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    draft_saved_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)
    answers: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=1)


class RoundLink(Base):
    """A member's invitation link for a round; only the token's SHA-256 is stored (DESIGN §1).

    Re-issuing revokes the member's live link and adds a new row, so an old link answers 410 like a
    revoked one. Validity ends at the round's due date plus ``round_grace_days`` (computed when the
    link is used, so moving the due date moves it).
    """

    __tablename__ = "round_links"
    __table_args__ = (
        ForeignKeyConstraint(
            ["round_id", "member_id"],
            ["round_members.round_id", "round_members.member_id"],
            ondelete="CASCADE",
        ),
        Index("ix_round_links_round_id_member_id", "round_id", "member_id"),
    )

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    round_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    member_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTimeUTC(timezone=True), nullable=True)


class AssessmentHistory(Base):
    """One change of one assessment (DESIGN §2.9): old and new level (None = absent), source, who, when.

    Keyed to the member (ON DELETE CASCADE), so deleting a member erases their history (issue 17).
    """

    __tablename__ = "assessment_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    skill: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(16))
    old_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    new_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTimeUTC(timezone=True), default=_now)
