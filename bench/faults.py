"""Issue 9: faults on PostgreSQL with two workers — a database restart under load, a worker killed in
the middle of an import, and the database unreachable at start-up.

Everything runs against a private PostgreSQL cluster (`harness.PrivateCluster`, port 5499 by default,
initdb'd under /tmp as the ``postgres`` user), never the shared server: stopping it must not break
anybody else's tests.

(a) **Restart under load**: 8 clients read council audits and gap analyses while the cluster is
    stopped (fast mode) for 5 s and started again. Every answer must be 2xx, or 503 problem+json
    with `Retry-After`; none may take longer than 5 s; after the restart the service must answer 200
    again by itself (no restart of the service).
(b) **Worker killed mid-import**: a 2,000-member x 62-skill CSV is uploaded; as soon as its
    `INSERT INTO assessments` runs, the worker holding that database connection (found through
    /proc from the connection's client port) gets SIGKILL. The audit must then hold no members and no
    assessments; uvicorn must bring a worker back; the same upload must then import whole.
(c) **Unreachable at start-up**: `edskills serve` with the cluster stopped must print one line and
    exit non-zero, quickly.

Run: `python -m bench.faults [--port 5499]` (as root or as the postgres user).
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import time
from typing import Any

import asyncpg
import httpx

from bench.common import command
from bench.harness import (
    EDSKILLS,
    PrivateCluster,
    Server,
    _dsn,
    database_url,
    free_port,
    pid_owning_port,
    prepare,
)
from bench.load_test import Council, _ok, set_up, team_csv

DATABASE = "edskills_fault"
LIMIT_SECONDS = 5.0


async def restart_under_load(
    cluster: PrivateCluster, server: Server, councils: list[Council]
) -> dict[str, Any]:
    samples: list[tuple[float, float, int, str, str | None]] = []
    """(start offset, seconds, status, content type, Retry-After); status 0 = no answer at all."""
    hangs: list[str] = []
    t0 = time.monotonic()
    stop_at, start_at, end_at = 6.0, 11.0, 26.0

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        async with httpx.AsyncClient(base_url=server.base, timeout=15) as http:
            while time.monotonic() - t0 < end_at:
                council = rng.choice(councils)
                headers = {"Authorization": f"Bearer {council.key}"}
                base = f"/v1/councils/{council.gss}"
                path, params = rng.choice(
                    [
                        (f"{base}/audits", {}),
                        (f"{base}/audits/{council.audit_id}/gaps", {"needs": council.needs_id}),
                        ("/v1/skills", {"q": "bid"}),
                    ]
                )
                began = time.monotonic()
                try:
                    response = await http.get(path, params=params, headers=headers)
                except httpx.HTTPError as exc:
                    hangs.append(f"{type(exc).__name__}: {exc}")
                    samples.append((began - t0, time.monotonic() - began, 0, "", None))
                    continue
                samples.append(
                    (
                        began - t0,
                        time.monotonic() - began,
                        response.status_code,
                        response.headers.get("content-type", ""),
                        response.headers.get("retry-after"),
                    )
                )
                await asyncio.sleep(0.02)

    async def operator() -> float:
        await asyncio.sleep(stop_at)
        await asyncio.to_thread(cluster.stop, "fast")
        await asyncio.sleep(max(0.0, start_at - (time.monotonic() - t0)))
        await asyncio.to_thread(cluster.start)
        return time.monotonic() - t0

    results = await asyncio.gather(operator(), *(client(seed) for seed in range(8)))
    back_at = results[0]
    failed = [s for s in samples if not 200 <= s[2] < 300]
    proper = [s for s in failed if s[2] == 503 and s[3].startswith("application/problem+json") and s[4]]
    first_ok_after = min((s[0] + s[1] for s in samples if s[0] >= back_at and s[2] == 200), default=None)
    tail = [s for s in samples if first_ok_after is not None and s[0] >= first_ok_after + 1.0]
    return {
        "requests": len(samples),
        "down_s": back_at - stop_at,
        "non_2xx": len(failed),
        "proper_503": len(proper),
        "other_failures": sorted({f"{s[2]} {s[3]}" for s in failed if s not in proper}),
        "no_answer": len(hangs),
        "max_seconds": max(s[1] for s in samples),
        "max_failed_seconds": max((s[1] for s in failed), default=0.0),
        "recovered_after_s": None if first_ok_after is None else first_ok_after - back_at,
        "after_recovery": f"{sum(1 for s in tail if s[2] == 200)}/{len(tail)}",
    }


async def _audit_rows(url: str, audit_id: str) -> tuple[int, int]:
    connection = await asyncpg.connect(_dsn(url))
    try:
        members = await connection.fetchval(
            "SELECT COUNT(*) FROM members WHERE audit_id = $1::uuid", audit_id
        )
        assessments = await connection.fetchval(
            "SELECT COUNT(*) FROM assessments s JOIN members m ON m.id = s.member_id WHERE m.audit_id = $1::uuid",
            audit_id,
        )
    finally:
        await connection.close()
    return int(members), int(assessments)


async def _insert_connection_port(url: str, deadline: float) -> int | None:
    """The client port of the connection running the import's INSERT into assessments."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        while time.monotonic() < deadline:
            port = await connection.fetchval(
                """SELECT client_port FROM pg_stat_activity
                   WHERE datname = current_database() AND pid <> pg_backend_pid()
                   AND query ILIKE 'INSERT INTO assessments%' AND state = 'active' LIMIT 1"""
            )
            if port:
                return int(port)
            await asyncio.sleep(0.01)
    finally:
        await connection.close()
    return None


async def kill_mid_import(url: str, server: Server, council: Council, labels: list[str]) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {council.key}"}
    base = f"/v1/councils/{council.gss}"
    csv = team_csv(labels, 2000, "BIG", random.Random(9))
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as http:
        audit = await _ok(
            await http.post(
                f"{base}/audits", json={"title": "Big", "audit_date": "2026-10-01"}, headers=headers
            )
        )
        upload = asyncio.create_task(
            http.post(
                f"{base}/audits/{audit['id']}/import",
                files={"file": ("big.csv", csv, "text/csv")},
                headers=headers,
            )
        )
        port = await _insert_connection_port(url, time.monotonic() + 60)
        workers = server.worker_pids()
        victim = pid_owning_port(port, workers) if port else None
        if victim is not None:
            os.kill(victim, signal.SIGKILL)
        try:
            answer: str = str((await upload).status_code)
        except httpx.HTTPError as exc:
            answer = f"no answer ({type(exc).__name__})"
        await asyncio.sleep(1.0)  # PostgreSQL notices the dead socket and rolls back
        after_kill = await _audit_rows(url, audit["id"])
        await asyncio.to_thread(_wait_for_replacement, server, victim)
        replaced = victim not in server.worker_pids() and len(server.worker_pids()) == server.workers
        retry = await http.post(
            f"{base}/audits/{audit['id']}/import",
            files={"file": ("big.csv", csv, "text/csv")},
            headers=headers,
        )
        after_retry = await _audit_rows(url, audit["id"])
    return {
        "victim": victim,
        "workers_before": workers,
        "client_saw": answer,
        "after_kill": after_kill,
        "worker_replaced": replaced,
        "retry_status": retry.status_code,
        "after_retry": after_retry,
    }


def _wait_for_replacement(server: Server, victim: int | None, seconds: float = 30) -> None:
    """uvicorn's supervisor notices a dead worker and starts a new one."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pids = server.worker_pids()
        if len(pids) >= server.workers and victim not in pids:
            return
        time.sleep(0.2)


def unreachable_start(url: str) -> dict[str, Any]:
    start = time.perf_counter()
    done = subprocess.run(
        [EDSKILLS, "serve", "--port", str(free_port())],
        env={**os.environ, "EDSKILLS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {
        "exit": done.returncode,
        "stderr_lines": done.stderr.strip().splitlines(),
        "seconds": time.perf_counter() - start,
    }


async def _create_database(cluster: PrivateCluster) -> str:
    connection = await asyncpg.connect(_dsn(cluster.server_url))
    try:
        await connection.execute(f"CREATE DATABASE {DATABASE}")
    finally:
        await connection.close()
    return database_url(cluster.server_url, DATABASE)


async def _councils(server: Server, url: str) -> tuple[list[Council], list[str]]:
    async with httpx.AsyncClient(base_url=server.base, timeout=60) as http:
        labels = [
            item["label"]
            for item in (await _ok(await http.get("/v1/skills", params={"limit": 500})))["items"]
        ]
        return await set_up(http, url, labels), labels


def measure(port: int = 5499) -> dict[str, Any]:
    cluster = PrivateCluster(port)
    cluster.init()
    cluster.start()
    results: dict[str, Any] = {}
    try:
        url = asyncio.run(_create_database(cluster))
        prepare(url)
        with Server(url, workers=2) as server:
            councils, labels = asyncio.run(_councils(server, url))
            results["restart"] = asyncio.run(restart_under_load(cluster, server, councils))
            results["kill"] = asyncio.run(kill_mid_import(url, server, councils[0], labels))
        cluster.stop("fast")
        results["startup"] = unreachable_start(url)
    finally:
        cluster.destroy()
    return results


def section(results: dict[str, Any]) -> str:
    restart, kill, startup = results["restart"], results["kill"], results["startup"]
    restart_ok = (
        restart["non_2xx"] == restart["proper_503"]
        and restart["no_answer"] == 0
        and restart["max_seconds"] <= LIMIT_SECONDS
        and restart["recovered_after_s"] is not None
    )
    kill_ok = (
        kill["after_kill"] == (0, 0) and kill["retry_status"] == 200 and kill["after_retry"] == (2000, 124000)
    )
    startup_ok = startup["exit"] != 0 and len(startup["stderr_lines"]) == 1
    verdict = {True: "**pass**", False: "**FAIL**"}
    recovered = restart["recovered_after_s"]
    return "\n".join(
        [
            "## Faults: PostgreSQL restart, killed worker, unreachable database (issue 9)",
            "",
            "`python -m bench.faults`: a private PostgreSQL cluster on its own port, `edskills serve --workers 2`.",
            "",
            "| fault | result | figures |",
            "|---|---|---|",
            f"| (a) database stopped for {restart['down_s']:.1f} s and restarted under load (8 clients) | "
            f"{verdict[restart_ok]} | {restart['requests']:,} requests; {restart['non_2xx']} not 2xx, of which "
            f"{restart['proper_503']} were 503 problem+json with Retry-After (others: {restart['other_failures'] or 'none'}); "
            f"{restart['no_answer']} without an answer; slowest request {restart['max_seconds']:.2f} s (slowest "
            f"failure {restart['max_failed_seconds']:.2f} s, limit {LIMIT_SECONDS:.0f} s); first 200 "
            f"{'never' if recovered is None else f'{recovered:.2f} s'} after the database was back, then "
            f"{restart['after_recovery']} requests 200 |",
            f"| (b) SIGKILL to the worker running a 2,000 x 62 import's INSERT | {verdict[kill_ok]} | killed pid "
            f"{kill['victim']} of {kill['workers_before']}; the client saw {kill['client_saw']}; the audit then held "
            f"{kill['after_kill'][0]} members and {kill['after_kill'][1]} assessments; worker replaced by uvicorn: "
            f"{kill['worker_replaced']}; the same upload again: {kill['retry_status']}, "
            f"{kill['after_retry'][0]:,} members and {kill['after_retry'][1]:,} assessments |",
            f"| (c) `edskills serve` with the database down | {verdict[startup_ok]} | exit {startup['exit']} after "
            f"{startup['seconds']:.1f} s, stderr: `{' / '.join(startup['stderr_lines'])}` |",
            "",
        ]
    )


def run() -> str:
    try:
        return section(measure())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as exc:
        return f"## Faults (issue 9)\n\nNot run: {exc}\n"


if __name__ == "__main__":
    command(__doc__, measure, section)
