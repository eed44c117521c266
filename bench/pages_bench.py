"""Issue 16: how fast a manager's pages render, each beside the JSON endpoint serving the same data.

A migrated, seeded SQLite database; a council with a 30-member team (every member assessed in every
skill of the edition, as ``bench.gaps_bench`` fills it) and a needs profile; a manager signed in
through the real sign-in form (session cookie, CSRF). Requests go through the real ASGI app
in-process, one client, sequentially: p95 of ``SAMPLES`` requests after a warm-up. Targets: every
page < 150 ms for the 30-member team, the matrix < 300 ms for 200 members.

Pairs (page ↔ JSON): the dashboard ↔ ``GET …/audits/{id}/gaps?needs=`` (the dashboard's readiness
comes from the gap analysis; it also lists the audits and profiles); the team matrix ↔
``GET …/audits/{id}/members?limit=200`` (every member with their levels); a member's page ↔
``GET …/audits/{id}/members/{reference}``. Run: ``python -m bench pages``.
"""

from __future__ import annotations

import asyncio
import datetime
import re
import time
import uuid
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.db.engine import create_engine
from api.people import service as people
from api.settings import Settings
from bench.common import percentile
from bench.gaps_bench import COUNCIL, _app, _database, _fill
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework

SAMPLES = 100
WARM_UP = 5
SMALL_TEAM = 30
LARGE_TEAM = 200
TARGET_PAGE_MS = 150
TARGET_LARGE_MATRIX_MS = 300
PASSWORD = "a long bench passphrase for pages"
CSRF = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def _manager(url: str) -> str:
    """A manager of the council who has set a password; their email."""
    settings = Settings.from_env({}, database_url=url)
    engine = create_engine(settings, pooled=False)
    email = f"bench-{uuid.uuid4().hex[:8]}@council.example.gov.uk"
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            link = await people.invite(
                session,
                settings,
                email=email,
                display_name="Bench Manager",
                grants=[f"manager:{COUNCIL}"],
                actor="bench",
            )
            await people.redeem(session, link.link.rsplit("/", 1)[1], PASSWORD)
    finally:
        await engine.dispose()
    return email


async def _sign_in(client: AsyncTestClient[Any], email: str) -> None:
    form = await client.get("/app/sign-in")
    token = CSRF.search(form.text)
    assert token is not None, "no CSRF field on the sign-in page"
    answer = await client.post(
        "/app/sign-in",
        data={"email": email, "password": PASSWORD, "next": "/app", "_csrf_token": token[1]},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


async def _p95(client: AsyncTestClient[Any], path: str, headers: dict[str, str] | None = None) -> float:
    """p95 in milliseconds of ``SAMPLES`` sequential GETs after ``WARM_UP``."""
    for _ in range(WARM_UP):
        assert (await client.get(path, headers=headers)).status_code == 200
    times = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        response = await client.get(path, headers=headers)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text[:500]
    return percentile(times, 0.95) * 1000


async def measure(url: str, index: FrameworkIndex) -> list[tuple[str, float, str, float]]:
    """``(page, its p95 ms, JSON endpoint, its p95 ms)`` for each pair."""
    email = await _manager(url)
    audits, needs_id, key = await _fill(url, index, [SMALL_TEAM])
    bearer = {"Authorization": f"Bearer {key}"}
    small = audits[SMALL_TEAM]
    api = f"/v1/councils/{COUNCIL}/audits"
    app = f"/app/councils/{COUNCIL}"
    pairs = [
        (
            f"dashboard, {SMALL_TEAM} members",
            f"{app}?needs={needs_id}",
            "gaps",
            f"{api}/{small}/gaps?needs={needs_id}",
        ),
        (
            f"team matrix, {SMALL_TEAM} members",
            f"{app}/audits/{small}",
            "members",
            f"{api}/{small}/members?limit=200",
        ),
        ("member page", f"{app}/audits/{small}/members/M-0007", "member", f"{api}/{small}/members/M-0007"),
        # The analysis pages (helper H): each beside the JSON route calling the same service.
        (
            "needs profile (expanded rows)",
            f"{app}/needs/{needs_id}",
            "requirements",
            f"/v1/councils/{COUNCIL}/needs/{needs_id}/requirements",
        ),
        (
            f"gaps, {SMALL_TEAM} members",
            f"{app}/gaps?audit={small}&needs={needs_id}",
            "gaps",
            f"{api}/{small}/gaps?needs={needs_id}",
        ),
        (
            f"member against role, {SMALL_TEAM} members",
            f"{app}/audits/{small}/members/M-0007/gaps?needs={needs_id}",
            "gaps",
            f"{api}/{small}/gaps?needs={needs_id}",
        ),
        (
            f"progress, {SMALL_TEAM} members (audit against itself)",
            f"{app}/progress?from={small}&to={small}&needs={needs_id}",
            "progress",
            f"/v1/councils/{COUNCIL}/progress?from={small}&to={small}&needs={needs_id}",
        ),
        (
            f"training plan £5,000 / 20 days, {SMALL_TEAM} members",
            f"{app}/plan?audit={small}&needs={needs_id}&budget_gbp=5000&budget_days=20",
            "recommendations",
            f"{api}/{small}/recommendations?needs={needs_id}&budget_gbp=5000&budget_days=20",
        ),
        (
            f"joint working, {SMALL_TEAM} members",
            f"{app}/joint-working?audit={small}&needs={needs_id}",
            "recommendations (£0)",
            f"{api}/{small}/recommendations?needs={needs_id}&budget_gbp=0&budget_days=0",
        ),
        (
            "career pathway",
            f"{app}/audits/{small}/members/M-0007/pathway",
            "pathway",
            f"{api}/{small}/members/M-0007/pathway",
        ),
        (
            f"report, {SMALL_TEAM} members",
            f"{app}/audits/{small}/report?needs={needs_id}",
            "report",
            f"{api}/{small}/report?needs={needs_id}",
        ),
    ]
    results = []
    async with AsyncTestClient(app=_app(url)) as client:
        await _sign_in(client, email)
        pairs += await _round_pairs(client, bearer, small)
        for name, page, json_name, json_path in pairs:
            results.append((name, await _p95(client, page), json_name, await _p95(client, json_path, bearer)))
        large = (await _fill(url, index, [LARGE_TEAM]))[0][LARGE_TEAM]
        results.append(
            (
                f"team matrix, {LARGE_TEAM} members",
                await _p95(client, f"{app}/audits/{large}"),
                "members",
                await _p95(client, f"{api}/{large}/members?limit=200", bearer),
            )
        )
    return results


async def _round_pairs(
    client: AsyncTestClient[Any], bearer: dict[str, str], audit: str
) -> list[tuple[str, str, str, str]]:
    """Issue 17: a round on the small team, every member's form submitted at level 2 through the
    JSON form; then the review page and one member's form, each beside its JSON twin."""
    rounds = f"/v1/councils/{COUNCIL}/audits/{audit}/rounds"
    due = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    opened = await client.post(rounds, json={"title": "Bench round", "due_date": due}, headers=bearer)
    assert opened.status_code == 201, opened.text
    round_id = opened.json()["round"]["id"]
    tokens = [link["link"].rsplit("/", 1)[1] for link in opened.json()["links"]]
    for token in tokens:
        form = (await client.get(f"/v1/self-assessment/{token}")).json()
        answers = [
            {"skill": skill["slug"], "level": 2}
            for category in form["categories"]
            for skill in category["skills"]
        ]
        sent = await client.post(f"/v1/self-assessment/{token}/submit", json={"answers": answers})
        assert sent.status_code == 200, sent.text
    app = f"/app/councils/{COUNCIL}/audits/{audit}/rounds/{round_id}"
    return [
        (f"round review, {SMALL_TEAM} members", f"{app}/review", "review", f"{rounds}/{round_id}/review"),
        (
            "member's self-assessment form",
            f"/app/self-assessment/{tokens[6]}",
            "self-assessment",
            f"/v1/self-assessment/{tokens[6]}",
        ),
    ]


def run() -> str:
    index = FrameworkIndex(load_framework())
    with _database("sqlite") as url:
        assert url is not None
        results = asyncio.run(measure(url, index))
    lines = [
        "## Pages (issue 16)",
        "",
        f"A manager's pages on SQLite, in-process, one client, p95 of {SAMPLES} sequential requests after "
        f"{WARM_UP} warm-up ones; each beside the JSON endpoint that serves the same data (same run). "
        f"Every member is assessed in all {len(index.framework.skills)} skills. Targets: "
        f"< {TARGET_PAGE_MS} ms for a {SMALL_TEAM}-member team, < {TARGET_LARGE_MATRIX_MS} ms for the "
        f"{LARGE_TEAM}-member matrix.",
        "",
        "| page | p95 ms | target | JSON endpoint | p95 ms | page ÷ JSON |",
        "|---|---:|---:|---|---:|---:|",
    ]
    for name, page_ms, json_name, json_ms in results:
        target = TARGET_LARGE_MATRIX_MS if str(LARGE_TEAM) in name else TARGET_PAGE_MS
        verdict = "ok" if page_ms < target else "OVER"
        lines.append(
            f"| {name} | {page_ms:.1f} | < {target} ({verdict}) | `{json_name}` | {json_ms:.1f} | "
            f"{page_ms / json_ms:.2f}× |"
        )
    lines += [
        "",
        "The dashboard computes readiness through the same gap analysis as `…/gaps` for each audit "
        "and also lists the audits and needs profiles; the matrix renders every member × skill cell "
        "(a number and a colour) from the compact levels rows (`load_teams`, issue 14); the JSON "
        "members list also carries every assessment row.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
