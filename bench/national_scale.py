"""Issue 9: the whole sector in one database — 361 councils x 40 members x 62 skills.

For SQLite and PostgreSQL: a fresh database migrated and seeded with the CLI, filled by
`bench.devdata.fill_national` (timed), its size on disk, then `edskills serve --workers 2` and the
heaviest endpoints called in turn (sequentially, so each figure is one request's latency): a gap
analysis, a training plan with joint working over sharing neighbours, the HTML report, action
learning sets over 40 councils, and the sector view over every sharing council. Last, the
resident memory of each worker after all of that. The baseline for the ratios is
`GET /v1/councils/{code}` in the same run (one small read).

Run: `python -m bench.national_scale [--repeats 15]`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.common import command, percentile
from bench.devdata import fill_national
from bench.harness import (
    Server,
    _dsn,
    create_key,
    drop_postgres,
    fresh_postgres,
    postgres_available,
    prepare,
    rss_mib,
)

DATABASE = "edskills_national"


async def _size_postgres(url: str) -> int:
    connection = await asyncpg.connect(_dsn(url))
    try:
        return int(await connection.fetchval("SELECT pg_database_size(current_database())"))
    finally:
        await connection.close()


def _size_sqlite(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


async def _latencies(server: Server, admin: str, filled: Any, repeats: int) -> dict[str, dict[str, float]]:
    headers = {"Authorization": f"Bearer {admin}"}
    gss = filled.councils[len(filled.councils) // 2]
    audit, needs = filled.audits[gss], filled.needs[gss]
    base = f"/v1/councils/{gss}/audits/{audit}"
    endpoints: dict[str, tuple[str, str, dict[str, Any]]] = {
        "council read (baseline)": ("GET", f"/v1/councils/{gss}", {}),
        "gaps": ("GET", f"{base}/gaps", {"params": {"needs": str(needs)}}),
        "recommendations": (
            "GET",
            f"{base}/recommendations",
            {"params": {"needs": str(needs), "budget_gbp": 25000, "budget_days": 120}},
        ),
        "report (HTML)": ("GET", f"{base}/report", {"params": {"needs": str(needs)}}),
        "learning sets, 40 councils": (
            "POST",
            "/v1/learning-sets/plan",
            {"json": {"topic": "bid-writing", "councils": filled.councils[:40]}},
        ),
        "sector view, all councils": (
            "GET",
            "/v1/analytics/sector",
            {"params": {"scenario": "lep-integration"}},
        ),
        # Issue 18: one council against every other sharing council (the whole registry's audits).
        "benchmark, all sharing councils": (
            "GET",
            f"/v1/councils/{gss}/benchmark",
            {"params": {"needs": str(needs), "group": "all"}},
        ),
        "trend": ("GET", f"/v1/councils/{gss}/trend", {"params": {"needs": str(needs)}}),
    }
    results: dict[str, dict[str, float]] = {}
    async with httpx.AsyncClient(base_url=server.base, timeout=120, headers=headers) as http:
        for name, (method, path, kwargs) in endpoints.items():
            first = await http.request(method, path, **kwargs)
            if first.status_code != 200:
                raise RuntimeError(f"{name}: {first.status_code} {first.text[:300]}")
            samples = []
            for _ in range(repeats):
                start = time.perf_counter()
                response = await http.request(method, path, **kwargs)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, (name, response.status_code)
            results[name] = {
                "p50_ms": statistics.median(samples) * 1000,
                "p99_ms": percentile(samples, 0.99) * 1000,
            }
    return results


def measure_backend(backend: str, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "national.db"
        url = f"sqlite+aiosqlite:///{path}" if backend == "sqlite" else fresh_postgres(DATABASE)
        try:
            prepare(url)
            start = time.perf_counter()
            filled = asyncio.run(fill_national(url))
            load_s = time.perf_counter() - start
            size = _size_sqlite(path) if backend == "sqlite" else asyncio.run(_size_postgres(url))
            admin = create_key(url, "national", "admin")
            with Server(url, workers=2) as server:
                idle_rss = [rss_mib(pid) for pid in server.worker_pids()]
                load_before = os.getloadavg()[0]
                latencies = asyncio.run(_latencies(server, admin, filled, repeats))
                load_after = os.getloadavg()[0]
                busy_rss = [rss_mib(pid) for pid in server.worker_pids()]
        finally:
            if backend != "sqlite":
                drop_postgres(DATABASE)
    return {
        "councils": len(filled.councils),
        "members": filled.members,
        "assessments": filled.assessments,
        "load_s": load_s,
        "size_mb": size / 1e6,
        "idle_rss": idle_rss,
        "busy_rss": busy_rss,
        "latencies": latencies,
        "repeats": repeats,
        "load_average": (load_before, load_after),
    }


def measure(repeats: int = 15) -> dict[str, dict[str, Any]]:
    backends = ["sqlite"] + (["postgresql"] if postgres_available() else [])
    return {backend: measure_backend(backend, repeats) for backend in backends}


def section(results: dict[str, dict[str, Any]]) -> str:
    any_result = next(iter(results.values()))
    lines = [
        "## National scale (issue 9)",
        "",
        f"`python -m bench.national_scale`: {any_result['councils']} district-level councils, each with an audit "
        f"of 40 members x 62 skills ({any_result['members']:,} members, {any_result['assessments']:,} assessments), "
        "a needs profile and sharing switched on, written by `bench/devdata.py`; then `edskills serve --workers 2` "
        f"and each endpoint called sequentially (first call discarded, then p50/p99 of {any_result['repeats']}) with an "
        "admin key. "
        "Ratios are to the one-row council read of the same run.",
        "",
        "| database | load s | assessments/s | size MB | worker RSS idle / after, MiB |",
        "|---|---|---|---|---|",
    ]
    for backend, result in results.items():
        rss = ", ".join(
            f"{idle:.0f} / {busy:.0f}"
            for idle, busy in zip(result["idle_rss"], result["busy_rss"], strict=False)
        )
        lines.append(
            f"| {backend} | {result['load_s']:.1f} | {result['assessments'] / result['load_s']:,.0f} | "
            f"{result['size_mb']:.0f} | {rss} |"
        )
    lines += [
        "",
        "| endpoint | " + " | ".join(f"{b} p50 ms | {b} p99 ms | {b} ratio" for b in results) + " |",
        "|---|" + "---|---|---|" * len(results),
    ]
    names = list(any_result["latencies"])
    for name in names:
        cells = []
        for result in results.values():
            figures = result["latencies"].get(name)
            baseline = result["latencies"]["council read (baseline)"]["p50_ms"]
            cells.append(
                "— | — | —"
                if figures is None
                else f"{figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} | {figures['p50_ms'] / baseline:.1f}"
            )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    ratios = [
        f"{backend} {result['latencies'][BENCHMARK]['p50_ms'] / result['latencies'][SECTOR]['p50_ms']:.2f}x"
        for backend, result in results.items()
        if BENCHMARK in result["latencies"] and SECTOR in result["latencies"]
    ]
    if ratios:
        lines += ["", f"Benchmark p50 / sector view p50 in the same run (issue 18): {', '.join(ratios)}."]
    loads = [
        f"{backend} {result['load_average'][0]:.1f} before, {result['load_average'][1]:.1f} after"
        for backend, result in results.items()
        if "load_average" in result
    ]
    if loads:
        lines += [
            "",
            f"One-minute load average around the latency runs ({os.cpu_count()} cores; above the core "
            f"count, other processes were competing): {'; '.join(loads)}.",
        ]
    return "\n".join(lines) + "\n"


BENCHMARK = "benchmark, all sharing councils"
SECTOR = "sector view, all councils"


def run() -> str:
    return section(measure())


if __name__ == "__main__":
    command(__doc__, measure, section)
