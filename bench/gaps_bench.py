"""Issue 5: gap analysis speed, in-process and over HTTP beside two floors measured in the same run.

Floors: a trivial endpoint of the same app (`GET /health` without the database: a bench-only
route registered here), and an endpoint that only reads the same assessment rows with one plain
SQL query (the unavoidable I/O). Requests go through the real ASGI app in-process with 8
concurrent clients, so the figures compare the app's own work, not a network.
Run: `python -m bench.gaps_bench`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
import uuid
from typing import Any

from litestar import get
from litestar.di import NamedDependency
from litestar.testing import AsyncTestClient
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.analysis.gaps import analyse, expand_needs
from api.analysis.model import TeamMember
from api.app import create_app
from api.auth import MAX_KEY_RATE_LIMIT, create_key
from api.db import migrate
from api.db.engine import create_engine
from api.db.models import Assessment, Audit, Member, NeedsProfile
from api.seed import seed
from api.settings import Settings
from bench.common import percentile
from bench.harness import fresh_postgres, postgres_available
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework

COUNCIL = "E08000021"
DATABASE = "edskills_bench"
CONCURRENCY = 8


def random_team(
    index: FrameworkIndex, members: int, rng: random.Random, prefix: str = "M"
) -> list[TeamMember]:
    roles = list(index.roles)
    skills = list(index.skills)
    return [
        TeamMember(
            reference=f"{prefix}-{number:04d}",
            role=rng.choice(roles),
            levels={skill: rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]) for skill in skills},
        )
        for number in range(members)
    ]


def establishment(index: FrameworkIndex, rng: random.Random) -> dict[str, int]:
    return {role: rng.randint(1, 4) for role in list(index.roles)[:10]}


def in_process(index: FrameworkIndex) -> dict[str, float]:
    rng = random.Random(5)
    team = random_team(index, 100, rng)
    scenarios = [index.scenarios["lep-integration"], index.scenarios["ukspf-delivery"]]
    rows = expand_needs(establishment(index, rng), index.roles, scenarios)
    times = []
    for _ in range(200):
        start = time.perf_counter()
        analyse(
            expand_needs(establishment(index, random.Random(5)), index.roles, scenarios), team, index.roles
        )
        times.append(time.perf_counter() - start)
    councils = [random_team(index, 40, random.Random(n), f"C{n}") for n in range(361)]
    start = time.perf_counter()
    for council_team in councils:
        analyse(rows, council_team, index.roles)
    batch = time.perf_counter() - start
    return {"rows": len(rows), "p50_ms": percentile(times, 0.5) * 1000, "batch_s": batch}


async def _fill(url: str, index: FrameworkIndex) -> tuple[uuid.UUID, uuid.UUID, str]:
    rng = random.Random(5)
    team = random_team(index, 100, rng)
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            audit = Audit(
                council_gss=COUNCIL,
                title="bench",
                audit_date=dt.date(2026, 10, 1),
                framework_version="2026.1",
            )
            profile = NeedsProfile(
                council_gss=COUNCIL,
                title="bench",
                framework_version="2026.1",
                establishment=establishment(index, rng),
                scenarios=["lep-integration", "ukspf-delivery"],
                rows=[],
            )
            session.add_all([audit, profile])
            await session.flush()
            members = [Member(audit_id=audit.id, reference=m.reference, role=m.role, fte=1.0) for m in team]
            session.add_all(members)
            await session.flush()
            session.add_all(
                Assessment(member_id=row.id, skill=skill, source="manager", level=level)
                for row, member in zip(members, team, strict=True)
                for skill, level in member.levels.items()
            )
            _, key = await create_key(session, "bench", [f"council:{COUNCIL}"], MAX_KEY_RATE_LIMIT)
            return audit.id, profile.id, key
    finally:
        await engine.dispose()


@get("/bench/trivial", include_in_schema=False)
async def trivial() -> dict[str, str]:
    return {"status": "ok"}


@get("/bench/rows/{audit_id:uuid}", include_in_schema=False)
async def rows_only(audit_id: uuid.UUID, db_session: NamedDependency[AsyncSession]) -> dict[str, int]:
    """The unavoidable I/O of a gap analysis: the audit's assessment rows in one plain query."""
    result = await db_session.execute(
        text(
            "SELECT m.reference, m.role, a.skill, a.source, a.level FROM members m "
            "LEFT JOIN assessments a ON a.member_id = m.id WHERE m.audit_id = :audit"
        ).bindparams(bindparam("audit", type_=Uuid)),
        {"audit": audit_id},
    )
    return {"rows": len(result.all())}


async def _throughput(
    client: AsyncTestClient[Any], path: str, headers: dict[str, str], seconds: float
) -> float:
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < deadline:
            response = await client.get(path, headers=headers)
            assert response.status_code == 200, response.text
            done += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return done / (time.perf_counter() - start)


async def over_http(url: str, index: FrameworkIndex, seconds: float = 4.0) -> dict[str, float]:
    audit_id, needs_id, key = await _fill(url, index)
    app = create_app(Settings.from_env({}, database_url=url, log_level="warning"))
    app.register(trivial)
    app.register(rows_only)
    headers = {"Authorization": f"Bearer {key}"}
    gaps = f"/v1/councils/{COUNCIL}/audits/{audit_id}/gaps?needs={needs_id}"
    async with AsyncTestClient(app=app) as client:
        for path in ("/bench/trivial", f"/bench/rows/{audit_id}", gaps):
            await _throughput(client, path, headers, 0.5)  # warm up caches and pools
        figures = {}
        for name, path in (
            ("trivial", "/bench/trivial"),
            ("rows", f"/bench/rows/{audit_id}"),
            ("gaps", gaps),
        ):
            figures[name] = statistics.median(
                [await _throughput(client, path, headers, seconds) for _ in range(3)]
            )
    return figures


def run() -> str:
    index = FrameworkIndex(load_framework())
    local = in_process(index)
    lines = [
        "## Gap analysis (issue 5)",
        "",
        f"A 100-member x 62-skill audit against a profile of 10 roles plus `lep-integration` and "
        f"`ukspf-delivery` ({local['rows']:.0f} requirement rows). In-process (`api.analysis.gaps.analyse`, "
        f"expansion included): p50 **{local['p50_ms']:.2f} ms** over 200 runs. All 361 district-level councils "
        f"with 40-member audits analysed in one batch: **{local['batch_s']:.2f} s** (aim < 5 s).",
        "",
        f"Over HTTP through the real app in-process ({CONCURRENCY} concurrent clients, median of 3 x 4 s), "
        "beside two floors measured in the same run:",
        "",
        "| database | trivial endpoint req/s | one-query read of the same rows req/s | `GET …/gaps` req/s | gaps ÷ one-query floor |",
        "|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as directory:
        for kind, url in (
            ("sqlite", f"sqlite+aiosqlite:///{directory}/gaps.db"),
            ("postgresql", fresh_postgres(DATABASE) if postgres_available() else None),
        ):
            if url is None:
                lines.append(f"| {kind} | not reachable | | | |")
                continue
            migrate.upgrade(url)
            asyncio.run(seed(Settings.from_env({}, database_url=url)))
            figures = asyncio.run(over_http(url, index))
            lines.append(
                f"| {kind} | {figures['trivial']:,.0f} | {figures['rows']:,.0f} | {figures['gaps']:,.0f} | "
                f"**{figures['gaps'] / figures['rows']:.2f}** |"
            )
    lines += [
        "",
        "The gaps endpoint authenticates the key (one query, plus one rate-limit count on its own connection), checks the council, audit and profile (three "
        "small lookups), lists the editions (one tiny query) and reads the team in one query; the edition "
        "itself comes from memory. Reading the ~6,200 assessment rows dominates both the floor and the "
        "endpoint; the analysis adds about the in-process p50 above.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
