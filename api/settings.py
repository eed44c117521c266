"""Service settings, read once from ``EDSKILLS_*`` environment variables.

A Struct rather than ad-hoc ``os.environ`` reads so that every setting has one documented
default and one validated type, and a bad value stops start-up with a single clear line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from taxonomy.match import Thresholds

ENV_PREFIX = "EDSKILLS_"
CALIBRATED = Thresholds()
"""The matcher's defaults, calibrated on the development set (``taxonomy.match``)."""
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def default_database_url() -> str:
    """An embedded SQLite file under ``var/`` of the working directory."""
    return f"sqlite+aiosqlite:///{Path.cwd() / 'var' / 'edskills.db'}"


class SettingsError(ValueError):
    """A setting has a value the service cannot start with."""


class Settings(msgspec.Struct, kw_only=True, frozen=True):
    database_url: Annotated[str, Meta(min_length=1)] = msgspec.field(default_factory=default_database_url)
    """``sqlite+aiosqlite:///path`` (default, under ``var/``) or ``postgresql+asyncpg://…``."""
    host: str = "127.0.0.1"
    port: Annotated[int, Meta(ge=1, le=65535)] = 8000
    workers: Annotated[int, Meta(ge=1, le=64)] = 1
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    max_body_bytes: Annotated[int, Meta(ge=1024, le=1 << 30)] = 10 * 1024 * 1024
    """Largest request body accepted (bytes); larger bodies get 413."""
    db_pool_size: Annotated[int, Meta(ge=1, le=100)] = 10
    db_timeout_seconds: Annotated[float, Meta(gt=0, le=60)] = 5.0
    """How long a request waits for a database connection or statement before a 503."""
    framework_refresh_seconds: Annotated[float, Meta(ge=0, le=3600)] = 1.0
    """Public reads (published editions, the council registry) are served from each worker's memory,
    re-checked against the database at most this often: another worker's publish, retire or
    sharing switch shows within this time (the writing worker shows it at once). 0 re-checks on
    every read."""
    access_log: bool = False
    """Log one line per request (uvicorn's access log, at ``info``). Off by default: a busy public
    read would log thousands of lines a second (``bench/RESULTS.md``, "public", prices it); errors
    and 5xx are logged either way, and the fault scripts judge by answers, not by the log."""
    match_high_threshold: Annotated[float, Meta(ge=0, le=100)] = CALIBRATED.high
    """Score at or above which a text is ``matched`` (if also clearly ahead of the runner-up)."""
    match_low_threshold: Annotated[float, Meta(ge=0, le=100)] = CALIBRATED.low
    """Score below which a text is ``unmatched``; between the two it is ``suggested``."""
    match_margin: Annotated[float, Meta(ge=0, le=100)] = CALIBRATED.margin
    """How far the best candidate must lead the runner-up (another skill) to be ``matched``."""
    public_url: Annotated[str, Meta(pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")] | None = None
    """Base URL people and partners reach the service at (``https://skills.example.gov.uk``).
    Absolute URIs (SKOS concepts, ``Link`` headers) are built from it, never from the request's
    ``Host`` header; the default is ``http://{host}:{port}``."""

    # --- bounded work (issue 12) -----------------------------------------------------------
    import_max_members: Annotated[int, Meta(ge=1, le=1_000_000)] = 5_000
    """Most members one import may write; a file with more is refused (422) and nothing written."""
    import_max_columns: Annotated[int, Meta(ge=2, le=100_000)] = 500
    """Most columns a spreadsheet may have; checked while reading (413)."""
    import_max_rows: Annotated[int, Meta(ge=1, le=10_000_000)] = 200_000
    """Most data rows a spreadsheet may have; checked while reading (413)."""
    header_timeout_seconds: Annotated[float, Meta(gt=0, le=600)] = 10.0
    """A client must send a request's headers within this time, or the connection is closed."""
    body_timeout_seconds: Annotated[float, Meta(gt=0, le=3600)] = 60.0
    """A client must send a request's body within this time, or it gets 408."""

    # --- rate limits (issue 12); counters live in the database so every worker sees them ---
    rate_limit_key_per_minute: Annotated[int, Meta(ge=1, le=1_000_000)] = 1_200
    """Requests a minute one API key may make (a key can be given its own quota)."""
    rate_limit_address_per_minute: Annotated[int, Meta(ge=1, le=1_000_000)] = 1_200
    """Requests a minute one client address may make with a key, whichever keys it uses."""
    rate_limit_auth_failures_per_minute: Annotated[int, Meta(ge=1, le=100_000)] = 20
    """Failed authentications a minute from one address before it gets 429 instead of 401."""
    rate_limit_match_texts_per_minute: Annotated[int, Meta(ge=1, le=10_000_000)] = 20_000
    """Texts a minute one address may match without a key (``POST /v1/match/*``)."""

    # --- people, sign-in and email (issue 15) ------------------------------------------------
    smtp_url: Annotated[str, Meta(pattern=r"^(smtp|smtp\+starttls|smtps)://[^\s/?#]+/?$")] | None = None
    """Outgoing mail server for invitations and resets: ``smtp://host:port``, ``smtp+starttls://…``
    or ``smtps://…``, optionally ``user:password@`` before the host. Unset: links are only printed
    (CLI) or shown (admin page), never emailed."""
    mail_from: str | None = None
    """The ``From`` address of those emails; required when ``smtp_url`` is set."""
    invitation_hours: Annotated[int, Meta(ge=1, le=24 * 30)] = 72
    """How long an invitation link works (hours); it works once."""
    reset_hours: Annotated[int, Meta(ge=1, le=24 * 7)] = 2
    """How long a password-reset link works (hours); it works once."""
    lockout_failures: Annotated[int, Meta(ge=1, le=1000)] = 5
    """Consecutive failed sign-ins after which an account is locked."""
    lockout_minutes: Annotated[int, Meta(ge=1, le=24 * 60)] = 15
    """How long a locked account stays locked."""
    sign_in_address_per_minute: Annotated[int, Meta(ge=1, le=100_000)] = 10
    """Failed sign-ins a minute from one address, whatever the accounts; past it the address is
    refused (429) without its passwords being checked."""

    # --- browser sessions (issue 15); stored in the database so every worker sees them ------
    session_idle_minutes: Annotated[int, Meta(ge=1, le=7 * 24 * 60)] = 30
    """A signed-in session unused for this long ends; the person signs in again."""
    session_absolute_hours: Annotated[int, Meta(ge=1, le=30 * 24)] = 12
    """A session ends this long after sign-in, however busy it has been."""

    # --- self-assessment rounds (issue 17) -----------------------------------------------------
    round_grace_days: Annotated[int, Meta(ge=0, le=90)] = 7
    """Whole days after a round's due date during which its links still work (the member can
    still submit or change their answers); after that a link answers 410."""
    round_link_failures_per_minute: Annotated[int, Meta(ge=1, le=100_000)] = 20
    """Unknown, expired or revoked self-assessment links a minute from one address before its
    link requests are refused (429) without being looked up: token guessing is throttled."""

    # --- webhooks (issue 19): an outbox in the database, delivered by a worker loop ------------
    webhooks_allow_private: bool = False
    """Let webhook URLs reach loopback, private, link-local and other non-public addresses (tests,
    a partner inside the same network). Off: such URLs are refused (SSRF), at creation and at
    every delivery (DNS can change)."""
    webhooks_worker: bool = True
    """Run the delivery loop inside each server worker process; off, run ``edskills webhooks
    deliver`` as its own process instead (or beside it: deliveries are leased, never sent twice at
    once)."""
    webhooks_poll_seconds: Annotated[float, Meta(gt=0, le=3600)] = 1.0
    """How often an idle delivery loop looks for due deliveries."""
    webhooks_timeout_seconds: Annotated[float, Meta(gt=0, le=120)] = 10.0
    """How long one POST to a receiver may take, connecting included."""
    webhooks_lease_seconds: Annotated[float, Meta(gt=0, le=3600)] = 30.0
    """How long a worker holds a claimed delivery; a worker that dies leaves it to be claimed
    again after this (at-least-once, same ``webhook-id``). Must exceed the timeout."""
    webhooks_backoff_seconds: Annotated[float, Meta(gt=0, le=3600)] = 5.0
    """Wait before the first retry; it doubles after each failure (with up to 20% random jitter)."""
    webhooks_backoff_max_seconds: Annotated[float, Meta(gt=0, le=86_400)] = 3600.0
    """Longest wait between two attempts."""
    webhooks_retry_hours: Annotated[float, Meta(gt=0, le=24 * 30)] = 24.0
    """How long an event is retried; a failure after that disables the subscription with a reason."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def thresholds(self) -> Thresholds:
        """DESIGN §2.8: the matcher's cut-offs, as set."""
        return Thresholds(
            high=self.match_high_threshold, low=self.match_low_threshold, margin=self.match_margin
        )

    @property
    def base_url(self) -> str:
        """Where the service is reached, without a trailing slash (see ``public_url``)."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, /, **overrides: object) -> Settings:
        """Build settings from the environment; raise ``SettingsError`` naming the bad variable."""
        source = os.environ if environ is None else environ
        values: dict[str, object] = {
            name: source[ENV_PREFIX + name.upper()]
            for name in cls.__struct_fields__
            if ENV_PREFIX + name.upper() in source
        }
        values.update({key: value for key, value in overrides.items() if value is not None})
        try:
            settings = msgspec.convert(values, type=cls, strict=False)
        except msgspec.ValidationError as exc:
            raise SettingsError(_describe(exc, values)) from None
        if settings.match_low_threshold > settings.match_high_threshold:
            raise SettingsError(
                f"{ENV_PREFIX}MATCH_LOW_THRESHOLD ({settings.match_low_threshold}) must not exceed "
                f"{ENV_PREFIX}MATCH_HIGH_THRESHOLD ({settings.match_high_threshold})"
            )
        if settings.smtp_url and not settings.mail_from:
            raise SettingsError(f"{ENV_PREFIX}MAIL_FROM must be set when {ENV_PREFIX}SMTP_URL is set")
        if not settings.database_url.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise SettingsError(
                f"{ENV_PREFIX}DATABASE_URL must start with sqlite+aiosqlite:// or postgresql+asyncpg://, "
                f"got {settings.database_url.split('://')[0]}://…"
            )
        return settings


def _describe(exc: msgspec.ValidationError, values: dict[str, object]) -> str:
    """Turn msgspec's ``… - at `$.port``` into ``EDSKILLS_PORT='abc': …``."""
    message = str(exc)
    if " - at `$." in message:
        text, _, path = message.rpartition(" - at `$.")
        name = path.rstrip("`")
        return f"{ENV_PREFIX}{name.upper()}={values.get(name)!r} is invalid: {text}"
    return message
