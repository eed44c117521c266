"""Issue 12: what the shared rate-limit counters add to a keyed request, in-process, on both databases.

Two apps on one migrated, seeded database in the same run: one as shipped, one whose limiter counts
nothing (a bench-only subclass). Requests alternate between them, so drift in the machine's load
falls on both alike; the figure is the ratio of the medians and the difference in milliseconds.
The keyed request is ``GET /v1/councils/{code}/audits`` (one key lookup, one small list); the
anonymous one is ``POST /v1/match/skills`` with one text.

Run: `python -m bench.ratelimit_bench [--requests 400]` (PostgreSQL rows need the tests' server,
`EDSKILLS_TEST_POSTGRES_URL`).
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from typing import Any

from litestar import Litestar, Request
from litestar.testing import TestClient

from api.app import create_app
from api.auth import MAX_KEY_RATE_LIMIT, create_key
from api.db import migrate
from api.db.engine import create_engine
from api.ratelimit import RateLimiter
from api.seed import seed
from api.settings import Settings
from bench.common import command
from bench.harness import drop_postgres, fresh_postgres, postgres_available

COUNCIL = "E08000021"
DATABASE = "edskills_ratelimit_bench"


class CountsNothing(RateLimiter):
    """The same app without limits: every check passes at once."""

    async def keyed_request(
        self, request: Request[Any, Any, Any], key_id: int, key_quota: int | None
    ) -> None:
        return None

    async def anonymous_texts(self, request: Request[Any, Any, Any], texts: int) -> None:
        return None


async def _key(url: str) -> str:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return (await create_key(session, "bench", [f"council:{COUNCIL}"], MAX_KEY_RATE_LIMIT))[1]
    finally:
        await engine.dispose()


def _timed(client: TestClient[Litestar], method: str, path: str, **kwargs: Any) -> float:
    start = time.perf_counter()
    response = client.request(method, path, **kwargs)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.text
    return elapsed


def measure(url: str, requests: int) -> dict[str, dict[str, float]]:
    key = asyncio.run(_key(url))
    settings = Settings.from_env(
        {}, database_url=url, log_level="warning", rate_limit_match_texts_per_minute=10_000_000
    )
    limited, unlimited = create_app(settings), create_app(settings)
    unlimited.state.rate_limiter = CountsNothing(settings)
    cases = {
        "keyed GET /v1/councils/{code}/audits": (
            "GET",
            f"/v1/councils/{COUNCIL}/audits",
            {"headers": {"Authorization": f"Bearer {key}"}},
        ),
        "anonymous POST /v1/match/skills (1 text)": (
            "POST",
            "/v1/match/skills",
            {"json": {"texts": ["GIS"]}},
        ),
    }
    figures: dict[str, dict[str, float]] = {}
    with TestClient(app=limited) as on, TestClient(app=unlimited) as off:
        for name, (method, path, kwargs) in cases.items():
            for _ in range(30):  # warm pools and caches
                _timed(on, method, path, **kwargs)
                _timed(off, method, path, **kwargs)
            with_limits, without = [], []
            for _ in range(requests):
                with_limits.append(_timed(on, method, path, **kwargs))
                without.append(_timed(off, method, path, **kwargs))
            on_ms, off_ms = statistics.median(with_limits) * 1000, statistics.median(without) * 1000
            figures[name] = {
                "on_ms": on_ms,
                "off_ms": off_ms,
                "added_ms": on_ms - off_ms,
                "ratio": on_ms / off_ms,
            }
    return figures


def _sqlite(requests: int) -> dict[str, dict[str, float]]:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.db"
        migrate.upgrade(url)
        asyncio.run(seed(Settings.from_env({}, database_url=url)))
        return measure(url, requests)


def _postgres(requests: int) -> dict[str, dict[str, float]] | None:
    if not postgres_available():
        return None
    url = fresh_postgres(DATABASE)
    try:
        migrate.upgrade(url)
        asyncio.run(seed(Settings.from_env({}, database_url=url)))
        return measure(url, requests)
    finally:
        drop_postgres(DATABASE)


def section(results: dict[str, dict[str, dict[str, float]] | None], requests: int) -> str:
    lines = [
        "## Rate limits: cost per request (issue 12)",
        "",
        "`python -m bench.ratelimit_bench`: the same request through two in-process apps on one database in "
        "the same run, one with the shared rate-limit counters (one `INSERT … ON CONFLICT DO UPDATE … "
        "RETURNING` in a transaction of its own) and one whose limiter counts nothing; "
        f"{requests} requests each, alternating; medians.",
        "",
        "| database | request | with limits ms | without ms | added ms | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for database, figures in results.items():
        if figures is None:
            lines.append(f"| {database} | skipped: no server | | | | |")
            continue
        for name, row in figures.items():
            lines.append(
                f"| {database} | {name} | {row['on_ms']:.2f} | {row['off_ms']:.2f} | "
                f"{row['added_ms']:.2f} | {row['ratio']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def run(requests: int = 400) -> str:
    return section({"SQLite": _sqlite(requests), "PostgreSQL": _postgres(requests)}, requests)


if __name__ == "__main__":
    command(__doc__, run, str)
