"""Issue 12: one winner per ETag, and concurrent imports, against `edskills serve --workers 2`.

For each database (a fresh SQLite file, and a fresh PostgreSQL database when a server answers),
migrated and seeded with the CLI and served by two worker processes: ``ROUNDS`` rounds per
resource kind (member, audit, needs profile) of ``WRITERS`` concurrent PATCHes that all carry the
same ``If-Match``, each round on a fresh resource; then ``IMPORTS`` concurrent imports of
different CSV files into one audit. A round passes with exactly one 2xx, the rest 412 and no
5xx; the imports pass with no 5xx, no duplicated member, and a final state that one of the files
wrote (every member carries the same file's name and levels).
Run: `python -m bench.concurrency_bench`.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from bench.harness import Server, cli, drop_postgres, fresh_postgres, postgres_available, prepare

COUNCIL = "E08000021"
BASE = f"/v1/councils/{COUNCIL}"
ROUNDS = 10
WRITERS = 16
IMPORTS = 20
REFERENCES = [f"R-{number:02d}" for number in range(1, 9)]
DATABASE = "edskills_bench_concurrency"
KINDS = ("member", "audit", "needs")
FIELDS = {"member": "display_name", "audit": "title", "needs": "title"}


async def _created(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(path, json=body)
    response.raise_for_status()
    created: dict[str, Any] = response.json()
    return created


async def _audit(http: httpx.AsyncClient) -> str:
    audit = await _created(http, f"{BASE}/audits", {"title": "Bench", "audit_date": "2026-10-01"})
    return f"{BASE}/audits/{audit['id']}"


async def _resource(http: httpx.AsyncClient, kind: str) -> str:
    if kind == "member":
        audit = await _audit(http)
        await _created(http, f"{audit}/members", {"reference": "EDO-01", "role": "ed-officer"})
        return f"{audit}/members/EDO-01"
    if kind == "audit":
        return await _audit(http)
    needs = await _created(http, f"{BASE}/needs", {"title": "Bench", "establishment": {"ed-officer": 2}})
    return f"{BASE}/needs/{needs['id']}"


async def _one_round(http: httpx.AsyncClient, kind: str) -> Counter[int]:
    url = await _resource(http, kind)
    tag = (await http.get(url)).headers["etag"]
    field = FIELDS[kind]
    responses = await asyncio.gather(
        *(
            http.patch(url, json={field: f"Writer {number}"}, headers={"If-Match": tag})
            for number in range(WRITERS)
        )
    )
    return Counter(response.status_code for response in responses)


def _csv(number: int) -> bytes:
    lines = ["Staff ID,Name,M&E,Bid writting"]
    lines += [f"{reference},Import {number},{number % 5},{(number + 1) % 5}" for reference in REFERENCES]
    return ("\n".join(lines) + "\n").encode()


async def _imports(http: httpx.AsyncClient) -> dict[str, Any]:
    audit = await _audit(http)
    start = time.perf_counter()
    responses = await asyncio.gather(
        *(
            http.post(f"{audit}/import", files={"file": (f"team-{n}.csv", _csv(n), "text/csv")})
            for n in range(IMPORTS)
        )
    )
    seconds = time.perf_counter() - start
    members = (await http.get(f"{audit}/members", params={"limit": 100})).json()["items"]
    names = {member["display_name"] for member in members}
    levels = {tuple(sorted(member["effective_levels"].items())) for member in members}
    one_file = False
    if len(names) == 1 and len(levels) == 1:
        number = int(next(iter(names)).removeprefix("Import "))
        one_file = levels == {(("bid-writing", (number + 1) % 5), ("monitoring-evaluation", number % 5))}
    return {
        "statuses": Counter(response.status_code for response in responses),
        "seconds": seconds,
        "members": len(members),
        "distinct_references": len({member["reference"] for member in members}),
        "one_file": one_file and sorted(member["reference"] for member in members) == REFERENCES,
    }


async def _drive(base: str, key: str) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=IMPORTS, max_keepalive_connections=IMPORTS)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60, limits=limits) as http:
        rounds = {kind: [await _one_round(http, kind) for _ in range(ROUNDS)] for kind in KINDS}
        imports = await _imports(http)
    return {"rounds": rounds, "imports": imports}


def _measure(url: str) -> dict[str, Any]:
    prepare(url)
    scope = f"council:{COUNCIL}"
    key = cli(
        url, "keys", "create", "--name", "bench", "--scope", scope, "--rate-limit", "100000"
    ).stdout.strip()
    with Server(url, workers=2) as server:
        return asyncio.run(_drive(server.base, key))


def measure() -> dict[str, dict[str, Any] | None]:
    results: dict[str, dict[str, Any] | None] = {}
    with tempfile.TemporaryDirectory() as directory:
        results["SQLite"] = _measure(f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}")
    if postgres_available():
        try:
            results["PostgreSQL"] = _measure(fresh_postgres(DATABASE))
        finally:
            drop_postgres(DATABASE)
    else:
        results["PostgreSQL"] = None
    return results


def section(results: dict[str, dict[str, Any] | None]) -> str:
    lines = [
        "## Concurrency: one winner per ETag (issue 12)",
        "",
        f"`python -m bench.concurrency_bench`: `edskills serve --workers 2` on a fresh database of each "
        f"kind. Per resource kind, {ROUNDS} rounds of {WRITERS} concurrent PATCHes carrying the same "
        f"`If-Match` (a fresh resource each round); then {IMPORTS} concurrent imports of different "
        f"8-member CSV files into one audit. Before issue 12 a round had up to 14 winners on PostgreSQL "
        "and 3-5 on SQLite, and 14 of 20 imports answered 500 on SQLite.",
        "",
        "| database | resource | rounds | winners per round | rounds with exactly 1 | 412s | 5xx | other |",
        "|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for database, result in results.items():
        if result is None:
            notes.append(f"{database}: skipped, no server answered.")
            continue
        for kind, rounds in result["rounds"].items():
            winners = [sum(n for status, n in round.items() if 200 <= status < 300) for round in rounds]
            refused = sum(round[412] for round in rounds)
            errors = sum(n for round in rounds for status, n in round.items() if status >= 500)
            other = len(rounds) * WRITERS - sum(winners) - refused - errors
            spread = f"{min(winners)}" if min(winners) == max(winners) else f"{min(winners)}-{max(winners)}"
            lines.append(
                f"| {database} | {kind} | {len(rounds)} | {spread} | {winners.count(1)} | {refused} | "
                f"{errors} | {other} |"
            )
    lines += [
        "",
        "| database | imports | statuses | seconds for all | members after | duplicates | one file's state |",
        "|---|---|---|---|---|---|---|",
    ]
    for database, result in results.items():
        if result is None:
            continue
        imports = result["imports"]
        statuses = ", ".join(f"{status} x{n}" for status, n in sorted(imports["statuses"].items()))
        lines.append(
            f"| {database} | {IMPORTS} | {statuses} | {imports['seconds']:.2f} | {imports['members']} | "
            f"{imports['members'] - imports['distinct_references']} | {'yes' if imports['one_file'] else 'NO'} |"
        )
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def run() -> str:
    return section(measure())


if __name__ == "__main__":
    print(run())
