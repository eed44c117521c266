"""Rate limits that hold across worker processes (issue 12).

Six policies, each counted in fixed one-minute windows aligned to the minute:

- ``key``: requests a minute per API key (``rate_limit_key_per_minute``, or the key's own quota);
- ``address``: keyed requests a minute per client address, whichever keys it uses
  (``rate_limit_address_per_minute``; a key with its own quota may use up to that quota from one
  address, so an operator who grants a bench or a partner a high quota is not held back here);
- ``auth-failures``: failed authentications a minute per client address
  (``rate_limit_auth_failures_per_minute``); past it the address gets 429 instead of 401. Only
  failures are counted and a valid key is never refused by this policy;
- ``match-texts``: texts a minute one address may match without a key
  (``rate_limit_match_texts_per_minute``); a request that would go over the remaining budget is
  refused whole and consumes nothing;
- ``sign-in-failures``: failed sign-ins a minute per address, whatever the accounts
  (``sign_in_address_per_minute``, issue 15); past it the address's sign-ins are refused before any
  password is checked. Concurrent guesses can overshoot by the number in flight; each account's own
  lockout (``api.people.service``) is exact;
- ``round-link-failures``: unknown, expired or revoked self-assessment links a minute per address
  (``round_link_failures_per_minute``, issue 17); past it the address's link requests are refused
  before the link is looked up, so guessing tokens is throttled.

Where the state lives, and why: in the ``rate_limit_counters`` table of the service's own database.
Workers are separate processes that share nothing but the database (``edskills serve --workers N``),
and the service deliberately needs no other infrastructure: ``make serve`` runs on an embedded
SQLite file and production on PostgreSQL, so a counter in process memory would be multiplied by the
number of workers and a Redis would be a new moving part. Each count is one dialect-native
``INSERT … ON CONFLICT (window_start, bucket) DO UPDATE SET count = count + excluded.count
RETURNING count``: atomic on both databases, so concurrent requests on any worker see one total
(the anonymous texts budget adds ``WHERE count + excluded.count <= quota``, a conditional add in
the same one statement). It is committed at once on a connection of its own (on PostgreSQL in
autocommit, the statement being its own transaction), never in the request's session, so a
request that fails and rolls back still counts. The counters have a small connection pool of their own: a
request being counted already holds a connection of the app's pool, and taking a second one from
that pool deadlocked (every connection held by a request waiting for another; 30 concurrent
requests on one worker were enough) until the pool timeout. Each process deletes windows older
than the previous one once a minute (a range delete on the primary key, which leads with the window).

Fixed windows rather than sliding ones: one row and one statement per bucket and request, and the
reset time is exact; the price is that a client can spend up to twice a quota across a window
boundary, which is acceptable for limits meant to stop floods and guessing, not to bill.

The client address is the socket peer: ``edskills serve`` runs uvicorn with ``proxy_headers`` off,
so ``X-Forwarded-For`` cannot be forged to dodge a limit. Buckets hold key ids, never keys.

Limits are announced with the ``RateLimit-Policy`` and ``RateLimit`` fields of
draft-ietf-httpapi-ratelimit-headers-11 (Structured Field lists: ``"key";q=1200;w=60`` and
``"key";r=1187;t=42``), on every response to a request that presented a key (and on anonymous
matching), including 401s and 429s; a 429 also carries ``Retry-After`` in seconds, equal to ``t``.
``texts`` is not a registered quota unit, so the match policy names its unit with a
vendor-prefixed parameter (``edskills-unit="texts"``), as the draft asks.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import create_async_engine

from api.db.engine import create_engine, engine_options
from api.db.models import RateLimitCounter
from api.errors import ProblemError, ServiceUnavailable

if TYPE_CHECKING:
    from litestar import Request
    from litestar.types import Message, Scope
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from api.settings import Settings

WINDOW_SECONDS = 60
STATE_KEY = "edskills.rate_limits"
"""Where a request's usages wait in ``scope["state"]`` for ``announce_rate_limits``."""


class RateLimited(ProblemError):
    """429: a policy's quota is spent for this window; ``Retry-After`` says when it renews."""

    status_code = 429
    problem_type = "rate-limited"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after)})


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    """One policy's state for one request: its quota, what the window has used, when it resets."""

    policy: str
    quota: int
    used: int
    reset: int
    """Seconds until the window ends and the quota is whole again."""
    unit: str | None = None

    @property
    def remaining(self) -> int:
        return max(0, self.quota - self.used)

    @property
    def exceeded(self) -> bool:
        return self.used > self.quota

    def policy_item(self) -> str:
        unit = f';edskills-unit="{self.unit}"' if self.unit else ""
        return f'"{self.policy}";q={self.quota};w={WINDOW_SECONDS}{unit}'

    def limit_item(self) -> str:
        return f'"{self.policy}";r={self.remaining};t={self.reset}'


def client_address(request: Request[Any, Any, Any]) -> str:
    """The socket peer (proxy headers are off), or ``unknown`` on a Unix socket."""
    return request.client.host if request.client else "unknown"


def announce(request: Request[Any, Any, Any], usages: list[Usage]) -> None:
    """Keep ``usages`` for the response headers, whatever the response turns out to be."""
    request.scope["state"].setdefault(STATE_KEY, []).extend(usages)


async def announce_rate_limits(message: Message, scope: Scope) -> None:
    """``before_send`` hook: add ``RateLimit-Policy`` and ``RateLimit`` to the response start.

    A hook rather than ``after_request`` because it also sees responses built from exceptions
    (401, 404, 429), which carry the headers too.
    """
    if message["type"] != "http.response.start":
        return
    usages: list[Usage] | None = scope.get("state", {}).get(STATE_KEY)
    if not usages:
        return
    headers = list(message.get("headers") or [])
    headers.append((b"ratelimit-policy", ", ".join(usage.policy_item() for usage in usages).encode()))
    headers.append((b"ratelimit", ", ".join(usage.limit_item() for usage in usages).encode()))
    message["headers"] = headers


def _increment(
    dialect: str, window_start: int, amounts: Mapping[str, int], at_most: int | None = None
) -> Any:
    """``INSERT … ON CONFLICT DO UPDATE SET count = count + excluded.count RETURNING`` for the dialect.

    With ``at_most``, the update applies only ``WHERE count + excluded.count <= at_most``, and a
    refused bucket returns no row: a conditional add in one atomic statement. Buckets go in sorted
    order so two statements on PostgreSQL always lock rows in the same order and cannot deadlock.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(RateLimitCounter).values(
        [
            {"window_start": window_start, "bucket": bucket, "count": amounts[bucket]}
            for bucket in sorted(amounts)
        ]
    )
    total = RateLimitCounter.count + statement.excluded.count
    return statement.on_conflict_do_update(
        index_elements=[RateLimitCounter.window_start, RateLimitCounter.bucket],
        set_={"count": total},
        where=None if at_most is None else total <= at_most,
    ).returning(RateLimitCounter.bucket, RateLimitCounter.count)


def counter_engine(settings: Settings) -> AsyncEngine:
    """The counters' own small pool (see the module docstring for why it is not the app's).

    On PostgreSQL every statement is atomic on its own (a single upsert, or a conditional one), so
    the connections run in autocommit (no BEGIN and COMMIT round trips) with
    ``synchronous_commit = off``: a count then does not wait for the WAL flush. Together these took
    a count from 2.3 ms to about 1 ms here. A crash can lose the last fraction of a second of
    counts, which only ever lets a client a few requests more, never fewer. SQLite (WAL,
    ``synchronous=NORMAL``) does not flush on commit anyway.
    """
    small = msgspec.structs.replace(settings, db_pool_size=max(2, settings.db_pool_size // 2))
    if small.is_sqlite:
        return create_engine(small)
    options = engine_options(small)
    options["connect_args"]["server_settings"] = {
        **options["connect_args"].get("server_settings", {}),
        "synchronous_commit": "off",
    }
    return create_async_engine(small.database_url, isolation_level="AUTOCOMMIT", **options)


class RateLimiter:
    """Counts in the shared ``rate_limit_counters`` table and decides; one per app (``app.state``),
    which must ``close()`` it on shutdown."""

    def __init__(
        self, settings: Settings, engine: AsyncEngine | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self._settings = settings
        self._engine = engine or counter_engine(settings)
        self._clock = clock
        self._swept_before = 0
        """Windows older than this were deleted by this process."""

    async def close(self) -> None:
        await self._engine.dispose()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[AsyncConnection]:
        """A counter connection, committed on exit; a full pool is a 503 to retry, not a 500."""
        try:
            async with self._engine.begin() as connection:
                yield connection
        except PoolTimeout as exc:
            raise ServiceUnavailable(
                "The service is too busy to take this request; retry shortly", headers={"Retry-After": "1"}
            ) from exc

    def _window(self) -> tuple[int, int]:
        """The current window's start and the whole seconds until it ends (1 to 60)."""
        now = self._clock()
        start = int(now) // WINDOW_SECONDS * WINDOW_SECONDS
        return start, max(1, math.ceil(start + WINDOW_SECONDS - now))

    async def _sweep(self, connection: AsyncConnection, window_start: int) -> None:
        """Delete windows before the previous one, once a window per process: cheap and bounded."""
        if window_start <= self._swept_before:
            return
        self._swept_before = window_start
        await connection.execute(
            delete(RateLimitCounter).where(RateLimitCounter.window_start < window_start - WINDOW_SECONDS)
        )

    async def count(self, amounts: Mapping[str, int]) -> tuple[dict[str, int], int]:
        """Add ``amounts`` to their buckets in one statement, committed on its own; the new totals
        and the seconds until the window resets."""
        window_start, reset = self._window()
        async with self._connection() as connection:
            rows = await connection.execute(_increment(self._engine.dialect.name, window_start, amounts))
            totals: dict[str, int] = dict(rows.all())
            await self._sweep(connection, window_start)
        return totals, reset

    async def take(self, bucket: str, amount: int, quota: int) -> tuple[int, int, bool]:
        """Add ``amount`` unless that would take the bucket over ``quota``; then add nothing.

        Returns the bucket's total afterwards, the seconds until reset and whether it was granted.
        The check and the add are one conditional upsert, so concurrent requests can never take
        the bucket past ``quota`` between them.
        """
        window_start, reset = self._window()
        async with self._connection() as connection:
            added: int | None = None
            if amount <= quota:
                rows = await connection.execute(
                    _increment(self._engine.dialect.name, window_start, {bucket: amount}, at_most=quota)
                )
                added = dict(rows.all()).get(bucket)
            if added is None:
                used = await connection.scalar(
                    select(RateLimitCounter.count).where(
                        RateLimitCounter.window_start == window_start, RateLimitCounter.bucket == bucket
                    )
                )
                return used or 0, reset, False
            await self._sweep(connection, window_start)
        return added, reset, True

    async def keyed_request(
        self, request: Request[Any, Any, Any], key_id: int, key_quota: int | None
    ) -> None:
        """Count a request made with a valid key against the key and its address; 429 past either."""
        settings = self._settings
        key_limit = key_quota or settings.rate_limit_key_per_minute
        address_limit = max(settings.rate_limit_address_per_minute, key_quota or 0)
        key_bucket, address_bucket = f"key:{key_id}", f"address:{client_address(request)}"
        totals, reset = await self.count({key_bucket: 1, address_bucket: 1})
        usages = [
            Usage(policy="key", quota=key_limit, used=totals[key_bucket], reset=reset),
            Usage(policy="address", quota=address_limit, used=totals[address_bucket], reset=reset),
        ]
        announce(request, usages)
        if usages[0].exceeded:
            raise RateLimited(
                f"This API key may make {key_limit} requests a minute and has used them; retry in {reset} s",
                retry_after=reset,
            )
        if usages[1].exceeded:
            raise RateLimited(
                f"This address may make {address_limit} requests a minute with API keys and has "
                f"used them; retry in {reset} s",
                retry_after=reset,
            )

    async def failed_authentication(self, request: Request[Any, Any, Any]) -> None:
        """Count a failed authentication from the request's address; 429 once past the limit
        (the caller answers 401 otherwise)."""
        limit = self._settings.rate_limit_auth_failures_per_minute
        bucket = f"auth-failures:{client_address(request)}"
        totals, reset = await self.count({bucket: 1})
        usage = Usage(policy="auth-failures", quota=limit, used=totals[bucket], reset=reset)
        announce(request, [usage])
        if usage.exceeded:
            raise RateLimited(
                f"Too many failed authentications from this address (more than {limit} a minute); "
                f"retry in {reset} s",
                retry_after=reset,
            )

    async def anonymous_texts(self, request: Request[Any, Any, Any], texts: int) -> None:
        """Spend ``texts`` of the address's anonymous matching budget, or refuse the request whole."""
        quota = self._settings.rate_limit_match_texts_per_minute
        used, reset, granted = await self.take(f"match-texts:{client_address(request)}", texts, quota)
        usage = Usage(policy="match-texts", quota=quota, used=used, reset=reset, unit="texts")
        announce(request, [usage])
        if not granted:
            raise RateLimited(
                f"Without an API key an address may match {quota} texts a minute: {usage.remaining} "
                f"remain in this minute and this request has {texts}; the budget renews in {reset} s "
                "(send fewer texts, or use an API key)",
                retry_after=reset,
            )

    async def _spent(self, bucket: str) -> tuple[int, int]:
        """What ``bucket`` has counted in this window and the seconds until the window renews: a gate
        reads the failures earlier requests counted, and counts nothing itself."""
        window_start, reset = self._window()
        async with self._connection() as connection:
            used = await connection.scalar(
                select(RateLimitCounter.count).where(
                    RateLimitCounter.window_start == window_start, RateLimitCounter.bucket == bucket
                )
            )
        return used or 0, reset

    async def sign_in_gate(self, address: str) -> None:
        """Refuse (429) a sign-in from an address that has spent its failures for this window, before
        any password is checked, so a throttled address learns nothing more (issue 15)."""
        quota = self._settings.sign_in_address_per_minute
        used, reset = await self._spent(f"sign-in-failures:{address}")
        if used >= quota:
            raise RateLimited(
                f"Too many failed sign-ins from this address (more than {quota} a minute); "
                f"try again in {reset} s",
                retry_after=reset,
            )

    async def failed_sign_in(self, address: str) -> None:
        """Count one failed sign-in from ``address`` (committed at once, whatever the request does)."""
        await self.count({f"sign-in-failures:{address}": 1})

    async def round_link_gate(self, address: str) -> None:
        """Refuse (429) a self-assessment link from an address that has spent its failures (unknown,
        expired or revoked links) for this window, before the link is looked up (issue 17)."""
        quota = self._settings.round_link_failures_per_minute
        used, reset = await self._spent(f"round-link-failures:{address}")
        if used >= quota:
            raise RateLimited(
                f"Too many links that do not work from this address (more than {quota} a minute); "
                f"try again in {reset} s",
                retry_after=reset,
            )

    async def failed_round_link(self, address: str) -> None:
        """Count one unknown, expired or revoked self-assessment link from ``address``."""
        await self.count({f"round-link-failures:{address}": 1})


def rate_limiter(request: Request[Any, Any, Any]) -> RateLimiter:
    limiter: RateLimiter = request.app.state.rate_limiter
    return limiter
