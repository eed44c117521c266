"""Issue 17: self-assessment rounds over the JSON API, on SQLite and PostgreSQL — rounds, links,
the member's form, submissions, review and verification, history, expiry, revocation, erasure,
throttling, refusals that write nothing, concurrent submissions and review cycles."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import text

from api.app import create_app
from api.db.engine import create_engine
from api.settings import Settings
from tests.api.test_mail import smtp_server
from tests.api.test_system import assert_problem
from tests.conftest import NEWCASTLE, bearer, run_async
from tests.serving import served

COUNCIL = f"/v1/councils/{NEWCASTLE}"
TODAY = dt.datetime.now(dt.UTC).date()
DUE = (TODAY + dt.timedelta(days=14)).isoformat()
OFFICER_SKILLS = {
    "business-engagement",
    "business-diagnostics",
}
"""Two of the ``ed-officer`` role's requirements (the whole set is read from the form)."""
ROUND_TABLES = (
    "rounds",
    "round_members",
    "round_links",
    "assessment_history",
    "assessments",
    "audits",
    "members",
)


# --- helpers -------------------------------------------------------------------------------------


def query(database_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    async def go() -> list[tuple[Any, ...]]:
        engine = create_engine(Settings.from_env({}, database_url=database_url), pooled=False)
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await engine.dispose()

    return run_async(go())


def counts(database_url: str) -> dict[str, int]:
    return {table: query(database_url, f"SELECT COUNT(*) FROM {table}")[0][0] for table in ROUND_TABLES}


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


class Team:
    """An audit of newcastle with members; ``key`` is the council's key."""

    def __init__(self, client: TestClient, key: str, members: dict[str, str | None]) -> None:  # type: ignore[type-arg]
        self.client, self.headers = client, bearer(key)
        response = client.post(
            f"{COUNCIL}/audits", json={"title": "Team 2026", "audit_date": "2026-10-01"}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        self.audit_id = response.json()["id"]
        self.audit = f"{COUNCIL}/audits/{self.audit_id}"
        for reference, role in members.items():
            body = {"reference": reference, "display_name": f"Person {reference}", "role": role}
            assert client.post(f"{self.audit}/members", json=body, headers=self.headers).status_code == 201

    def open(self, **body: Any) -> dict[str, Any]:
        response = self.client.post(
            f"{self.audit}/rounds",
            json={"title": "Spring round", "due_date": DUE, **body},
            headers=self.headers,
        )
        assert response.status_code == 201, response.text
        opened: dict[str, Any] = response.json()
        self.round = f"{self.audit}/rounds/{opened['round']['id']}"
        return opened

    def links(self, opened: dict[str, Any]) -> dict[str, str]:
        return {item["reference"]: token_of(item["link"]) for item in opened["links"]}

    def manager_levels(self, matrix: list[tuple[str, str, int]]) -> None:
        body = {
            "assessments": [
                {"member": m, "skill": s, "level": lv, "source": "manager"} for m, s, lv in matrix
            ]
        }
        assert (
            self.client.put(f"{self.audit}/assessments", json=body, headers=self.headers).status_code == 200
        )


def form(client: TestClient, token: str) -> Any:  # type: ignore[type-arg]
    return client.get(f"/v1/self-assessment/{token}")


def scope_of(body: dict[str, Any]) -> list[str]:
    return [skill["slug"] for category in body["categories"] for skill in category["skills"]]


def answers(skills: list[str], level: int = 2, **extra: Any) -> dict[str, Any]:
    return {"answers": [{"skill": skill, "level": level, **extra} for skill in skills]}


def member_assessments(database_url: str, reference: str, audit_id: str) -> dict[tuple[str, str], int]:
    rows = query(
        database_url,
        "SELECT a.skill, a.source, a.level FROM assessments a JOIN members m ON m.id = a.member_id "
        "WHERE m.reference = :ref AND m.audit_id = :audit",
        ref=reference,
        audit=audit_id if database_url.startswith("postgres") else audit_id.replace("-", ""),
    )
    return {(skill, source): level for skill, source, level in rows}


@pytest.fixture
def team(client: TestClient, keys: dict[str, str]) -> Team:  # type: ignore[type-arg]
    return Team(
        client,
        keys["newcastle"],
        {"EDO-01": "ed-officer", "EDO-02": "ed-officer", "SEN-01": "senior-ed-officer"},
    )


# --- rounds and links ------------------------------------------------------------------------------


def test_open_list_get_and_close_a_round(team: Team, client: TestClient, keys: dict[str, str]) -> None:  # type: ignore[type-arg]
    opened = team.open()
    assert opened["round"]["status"] == "open" and opened["round"]["invited"] == 3
    assert opened["round"]["response_rate_percent"] == 0.0
    assert sorted(link["reference"] for link in opened["links"]) == ["EDO-01", "EDO-02", "SEN-01"]
    listed = client.get(f"{team.audit}/rounds", headers=team.headers)
    assert listed.status_code == 200 and listed.json()["total"] == 1
    got = client.get(team.round, headers=team.headers)
    assert got.status_code == 200 and got.json()["title"] == "Spring round"
    stale = got.headers["ETag"]

    closed = client.post(f"{team.round}/close", headers={**team.headers, "If-Match": stale})
    assert closed.status_code == 200, closed.text
    assert closed.json()["status"] == "closed" and closed.json()["closed_at"]
    assert_problem(client.post(f"{team.round}/close", headers=team.headers), 409)

    token = team.links(opened)["EDO-01"]
    shown = form(client, token)
    assert shown.status_code == 200 and shown.json()["editable"] is False
    refused = client.post(f"/v1/self-assessment/{token}/submit", json=answers(scope_of(shown.json())))
    assert assert_problem(refused, 409)["type"].endswith("round-closed")  # type: ignore[union-attr]
    assert_problem(client.put(f"/v1/self-assessment/{token}", json={"answers": []}), 409)

    # Another council sees nothing of it.
    other = bearer(keys["gateshead"])
    assert client.get(f"{team.round}/review", headers=other).status_code in (403, 404)


def test_links_are_random_hashed_reissuable_and_revocable(
    team: Team, client: TestClient, database_url: str
) -> None:  # type: ignore[type-arg]
    opened = team.open()
    tokens = team.links(opened)
    for token in tokens.values():
        assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", token)  # 24 random bytes: 192 bits ≥ 128
    stored = {row[0] for row in query(database_url, "SELECT token_hash FROM round_links")}
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens.values()}
    dump = repr(query(database_url, "SELECT * FROM round_links")) + repr(
        query(database_url, "SELECT * FROM round_members")
    )
    assert not any(token in dump for token in tokens.values())  # only the hash is kept

    reissued = client.post(f"{team.round}/links", json={"members": ["EDO-01"]}, headers=team.headers)
    assert reissued.status_code == 200 and reissued.headers["cache-control"] == "no-store"
    [item] = reissued.json()["items"]
    new_token = token_of(item["link"])
    gone = assert_problem(form(client, tokens["EDO-01"]), 410)
    assert form(client, new_token).status_code == 200
    assert form(client, tokens["EDO-02"]).status_code == 200  # the others' links still work

    assert client.post(f"{team.round}/links/EDO-02/revoke", headers=team.headers).status_code == 204
    revoked = assert_problem(form(client, tokens["EDO-02"]), 410)
    unknown = assert_problem(form(client, "A" * 32), 410)
    # One answer for every dead link: nothing says which it was, or whose.
    assert gone["detail"] == revoked["detail"] == unknown["detail"]
    assert "EDO" not in repr(revoked) and "Spring" not in repr(revoked)

    csv = client.post(f"{team.round}/links?format=csv", json={}, headers=team.headers)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "reference,display_name,email,link,valid_until" and len(lines) == 4
    assert form(client, new_token).status_code == 410  # the CSV issued everyone a fresh link


def test_the_form_shows_only_the_members_own_skills(team: Team, client: TestClient) -> None:  # type: ignore[type-arg]
    tokens = team.links(team.open())
    officer, senior = form(client, tokens["EDO-01"]).json(), form(client, tokens["SEN-01"]).json()
    assert officer["reference"] == "EDO-01" and senior["reference"] == "SEN-01"
    assert set(scope_of(officer)) >= OFFICER_SKILLS
    assert set(scope_of(officer)) != set(scope_of(senior))
    assert "EDO-02" not in repr(officer) and "SEN-01" not in repr(officer)
    assert [level["level"] for level in officer["levels"]] == [0, 1, 2, 3, 4]
    for category in officer["categories"]:
        for skill in category["skills"]:
            assert skill["level"] is None and skill["develop"] is False
            assert len(skill["indicators"]) in (0, 4)


def test_categories_and_needs_profile_scopes(team: Team, client: TestClient) -> None:  # type: ignore[type-arg]
    needs = client.post(
        f"{COUNCIL}/needs",
        json={"title": "Needs", "establishment": {"ed-officer": 2}, "scenarios": ["net-zero"]},
        headers=team.headers,
    )
    assert needs.status_code == 201, needs.text
    with_needs = team.links(team.open(needs_id=needs.json()["id"]))
    without = team.links(team.open())
    assert set(scope_of(form(client, without["EDO-01"]).json())) < set(
        scope_of(form(client, with_needs["EDO-01"]).json())
    )
    by_category = team.links(team.open(scope="categories", categories=["business"]))
    categories = {category["slug"] for category in form(client, by_category["SEN-01"]).json()["categories"]}
    assert categories == {"business"}


# --- drafts, submissions, expiry -------------------------------------------------------------------


def test_draft_submit_and_change_until_due(team: Team, client: TestClient, database_url: str) -> None:  # type: ignore[type-arg]
    team.manager_levels([("EDO-01", "business-engagement", 1)])
    tokens = team.links(team.open(evidence_required_from_level3=True))
    token = tokens["EDO-01"]
    scope = scope_of(form(client, token).json())

    draft = {"answers": [{"skill": scope[0], "level": 3, "evidence": "Led the 2025 survey", "develop": True}]}
    saved = client.put(f"/v1/self-assessment/{token}", json=draft)
    assert saved.status_code == 200, saved.text
    first = next(s for c in saved.json()["categories"] for s in c["skills"] if s["slug"] == scope[0])
    assert (first["level"], first["evidence"], first["develop"]) == (3, "Led the 2025 survey", True)
    assert saved.json()["status"] == "draft"

    before = counts(database_url)
    incomplete = assert_problem(client.post(f"/v1/self-assessment/{token}/submit", json=draft), 422)
    assert any(error["field"] == "answers" for error in incomplete["errors"])  # type: ignore[union-attr]
    no_evidence = assert_problem(
        client.post(f"/v1/self-assessment/{token}/submit", json=answers(scope, 3)), 422
    )
    assert {e["field"] for e in no_evidence["errors"]} == {
        f"answers[{i}].evidence" for i in range(len(scope))
    }  # type: ignore[union-attr]
    assert counts(database_url) == before  # refusals write nothing

    submitted = client.post(f"/v1/self-assessment/{token}/submit", json=answers(scope, 2))
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted" and submitted.json()["submitted_at"]
    held = member_assessments(database_url, "EDO-01", team.audit_id)
    assert {skill for skill, source in held if source == "self"} == set(scope)
    assert held[("business-engagement", "manager")] == 1  # §2.9: stored beside, never overwritten
    assert_problem(
        client.put(f"/v1/self-assessment/{token}", json=draft), 409
    )  # a change is a new submission

    changed = answers(scope, 2)
    changed["answers"][0] = {"skill": scope[0], "level": 4, "evidence": "Now leads it"}
    assert client.post(f"/v1/self-assessment/{token}/submit", json=changed).status_code == 200
    assert member_assessments(database_url, "EDO-01", team.audit_id)[(scope[0], "self")] == 4
    history = client.get(f"{team.audit}/members/EDO-01/history?skill={scope[0]}", headers=team.headers).json()
    assert [(h["source"], h["old_level"], h["new_level"]) for h in history["items"]] == [
        ("self", 2, 4),
        ("self", None, 2),
    ]
    assert history["items"][0]["actor"] == "EDO-01 (self-assessment)"
    rate = client.get(team.round, headers=team.headers).json()
    assert (rate["invited"], rate["submitted"], rate["response_rate_percent"]) == (3, 1, 33.3)


def test_a_link_works_until_due_date_plus_grace_then_410(
    team: Team, client: TestClient, database_url: str
) -> None:  # type: ignore[type-arg]
    tokens = team.links(team.open())
    grace = Settings.from_env({}).round_grace_days
    round_id = team.round.rsplit("/", 1)[1]
    key = round_id if database_url.startswith("postgres") else round_id.replace("-", "")
    query(
        database_url,
        "UPDATE rounds SET due_date = :d WHERE id = :id",
        d=TODAY - dt.timedelta(days=grace),
        id=key,
    )
    assert form(client, tokens["EDO-01"]).status_code == 200  # the last day of grace
    query(
        database_url,
        "UPDATE rounds SET due_date = :d WHERE id = :id",
        d=TODAY - dt.timedelta(days=grace + 1),
        id=key,
    )
    expired = assert_problem(form(client, tokens["EDO-01"]), 410)
    assert_problem(client.post(f"/v1/self-assessment/{tokens['EDO-01']}/submit", json={"answers": []}), 410)
    assert "EDO" not in repr(expired)


# --- review, verification, manager levels, history -------------------------------------------------


def test_review_flags_verify_and_manager_levels(team: Team, client: TestClient, database_url: str) -> None:  # type: ignore[type-arg]
    team.manager_levels([("EDO-01", "business-engagement", 1), ("EDO-01", "business-diagnostics", 2)])
    tokens = team.links(team.open())
    for reference in ("EDO-01", "EDO-02"):
        scope = scope_of(form(client, tokens[reference]).json())
        body = answers(scope, 3, evidence="Did it", develop=True)
        assert client.post(f"/v1/self-assessment/{tokens[reference]}/submit", json=body).status_code == 200

    review = client.get(f"{team.round}/review", headers=team.headers).json()
    assert review["response"] == {
        "invited": 3,
        "submitted": 2,
        "rate_percent": 66.7,
        "outstanding": ["SEN-01"],
    }
    edo1 = {s["skill"]: s for s in next(m for m in review["members"] if m["reference"] == "EDO-01")["skills"]}
    assert (edo1["business-engagement"]["difference"], edo1["business-engagement"]["flagged"]) == (2, True)
    assert (edo1["business-diagnostics"]["difference"], edo1["business-diagnostics"]["flagged"]) == (1, False)
    assert (
        edo1["business-engagement"]["evidence"] == "Did it" and edo1["business-engagement"]["develop"] is True
    )
    assert edo1["business-engagement"]["effective_level"] == 1  # manager > self until verified

    # Verifying a member who has not submitted is refused whole.
    before = counts(database_url)
    assert_problem(
        client.post(f"{team.round}/verify", json={"members": ["EDO-01", "SEN-01"]}, headers=team.headers), 422
    )
    assert counts(database_url) == before

    one = client.post(
        f"{team.round}/verify",
        json={"members": ["EDO-01"], "skills": ["business-engagement"]},
        headers=team.headers,
    )
    assert one.json() == {"verified": 1, "changed": 1}
    assert member_assessments(database_url, "EDO-01", team.audit_id)[("business-engagement", "verified")] == 3
    everyone = client.post(f"{team.round}/verify", json={}, headers=team.headers).json()
    scope_size = len(scope_of(form(client, tokens["EDO-01"]).json()))
    assert everyone == {"verified": 2 * scope_size, "changed": 2 * scope_size - 1}
    member = client.get(f"{team.audit}/members/EDO-01", headers=team.headers).json()
    assert member["effective_levels"]["business-engagement"] == 3  # the levels row follows

    manager = client.put(
        f"{team.round}/members/EDO-01/levels",
        json={"levels": [{"skill": "business-engagement", "level": 2}]},
        headers=team.headers,
    )
    assert manager.status_code == 200 and manager.json() == {"written": 1}
    held = member_assessments(database_url, "EDO-01", team.audit_id)
    assert ("business-engagement", "verified") not in held and held[("business-engagement", "manager")] == 2
    assert (
        client.get(f"{team.audit}/members/EDO-01", headers=team.headers).json()["effective_levels"][
            "business-engagement"
        ]
        == 2
    )
    history = client.get(
        f"{team.audit}/members/EDO-01/history?skill=business-engagement", headers=team.headers
    ).json()
    assert [(h["source"], h["old_level"], h["new_level"]) for h in history["items"]][:3] == [
        ("manager", 1, 2),
        ("verified", 3, None),
        ("verified", None, 3),
    ] or [(h["source"], h["old_level"], h["new_level"]) for h in history["items"]][:3] == [
        ("verified", 3, None),
        ("manager", 1, 2),
        ("verified", None, 3),
    ]
    assert all(h["actor"] == "newcastle" for h in history["items"] if h["source"] != "self")


# --- privacy and abuse ------------------------------------------------------------------------------


def test_deleting_a_member_erases_their_answers_links_and_history(
    team: Team, client: TestClient, database_url: str
) -> None:  # type: ignore[type-arg]
    tokens = team.links(team.open())
    scope = scope_of(form(client, tokens["EDO-01"]).json())
    assert (
        client.post(
            f"/v1/self-assessment/{tokens['EDO-01']}/submit", json=answers(scope, 2, evidence="x")
        ).status_code
        == 200
    )
    before = counts(database_url)
    assert before["assessment_history"] == len(scope)
    assert client.delete(f"{team.audit}/members/EDO-01", headers=team.headers).status_code == 204
    after = counts(database_url)
    assert after["assessment_history"] == 0
    assert (after["round_members"], after["round_links"]) == (
        before["round_members"] - 1,
        before["round_links"] - 1,
    )
    assert after["assessments"] == before["assessments"] - len(scope)
    assert_problem(form(client, tokens["EDO-01"]), 410)


def test_token_guessing_is_throttled_per_address(database_url: str, keys: dict[str, str]) -> None:
    settings = Settings.from_env({}, database_url=database_url, round_link_failures_per_minute=3)
    with TestClient(app=create_app(settings)) as client:
        team = Team(client, keys["newcastle"], {"EDO-01": "ed-officer"})
        token = team.links(team.open())["EDO-01"]
        for guess in range(3):
            assert_problem(form(client, f"guess{guess:027d}"), 410)
        throttled = assert_problem(form(client, f"guess{9:027d}"), 429)
        assert "Retry-After" in form(client, token).headers or throttled  # a valid link waits too
        assert form(client, token).status_code == 429


BAD_ROUND_BODIES: list[tuple[dict[str, Any], str]] = [
    ({"due_date": (TODAY - dt.timedelta(days=1)).isoformat()}, "due_date"),
    ({"members": ["EDO-01", "NOPE"]}, "members[1]"),
    ({"members": ["EDO-01", "EDO-01"]}, "members[1]"),
    ({"scope": "categories", "categories": ["no-such-category"]}, "categories[0]"),
    ({"scope": "categories"}, "categories"),
    ({"emails": {"EDO-02": "a@example.org"}, "members": ["EDO-01"]}, "emails.EDO-02"),
    ({"emails": {"EDO-01": "not an address"}}, "emails"),
    ({"needs_id": "00000000-0000-0000-0000-000000000000"}, "needs_id"),
    ({"cycle_months": 5}, "cycle_months"),
    ({"title": ""}, "title"),
    ({"surprise": True}, "surprise"),
]


def test_bad_round_bodies_are_refused_and_write_nothing(
    team: Team, client: TestClient, database_url: str
) -> None:  # type: ignore[type-arg]
    before = counts(database_url)
    for body, field in BAD_ROUND_BODIES:
        response = client.post(
            f"{team.audit}/rounds", json={"title": "Bad", "due_date": DUE, **body}, headers=team.headers
        )
        problem = assert_problem(response, 422)
        assert any(field in str(error.get("field", "")) for error in problem.get("errors", [])), (
            body,
            problem,
        )  # type: ignore[union-attr]
    assert counts(database_url) == before


def test_bad_answers_are_refused_and_write_nothing(team: Team, client: TestClient, database_url: str) -> None:  # type: ignore[type-arg]
    token = team.links(team.open())["EDO-01"]
    scope = scope_of(form(client, token).json())
    before = counts(database_url)
    cases: list[tuple[dict[str, Any], set[int], str]] = [
        ({"answers": [{"skill": scope[0], "level": 7}]}, {400, 422}, "answers"),
        ({"answers": [{"skill": "economic-strategy", "level": 2}]}, {422}, "answers[0].skill"),
        ({"answers": [{"skill": scope[0]}, {"skill": scope[0]}]}, {422}, "answers[1].skill"),
        ({"answers": [{"skill": scope[0], "evidence": "bad\x00"}]}, {400, 422}, "answers"),
        ({"answers": [], "extra": 1}, {400, 422}, ""),
    ]
    for body, statuses, field in cases:
        for method, path in (
            ("PUT", f"/v1/self-assessment/{token}"),
            ("POST", f"/v1/self-assessment/{token}/submit"),
        ):
            response = client.request(method, path, json=body)
            assert response.status_code in statuses, (body, response.text)
            assert field in response.text
    assert counts(database_url) == before
    assert query(database_url, "SELECT COUNT(*) FROM round_members WHERE submitted_at IS NOT NULL")[0][0] == 0


# --- concurrency -----------------------------------------------------------------------------------


def test_two_concurrent_submissions_of_one_link_stay_consistent(
    database_url: str, keys: dict[str, str]
) -> None:
    settings = Settings.from_env({}, database_url=database_url)
    with TestClient(app=create_app(settings)) as client:
        team = Team(client, keys["newcastle"], {"EDO-01": "ed-officer"})
        token = team.links(team.open())["EDO-01"]
        scope = scope_of(form(client, token).json())
    bodies = [answers(scope, 1), answers(scope, 3)]

    with served(settings) as base:

        async def send() -> list[httpx.Response]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                calls = [http.post(f"/v1/self-assessment/{token}/submit", json=body) for body in bodies * 3]
                return list(await asyncio.gather(*calls))

        responses = asyncio.run(send())
    assert {response.status_code for response in responses} == {200}, [r.text for r in responses]
    held = member_assessments(database_url, "EDO-01", team.audit_id)
    levels = {level for (skill, source), level in held.items() if source == "self"}
    assert len(levels) == 1  # one submission's answers whole, never a mix
    [stored] = query(
        database_url, "SELECT answers, levels FROM round_members rm JOIN members m ON m.id = rm.member_id"
    )
    answers_stored = stored[0] if isinstance(stored[0], dict) else json.loads(stored[0])
    assert {answer["level"] for answer in answers_stored.values()} == levels
    assert set(json.loads(stored[1]).values()) == levels  # the levels row agrees
    history = query(
        database_url,
        "SELECT old_level, new_level FROM assessment_history WHERE skill = :s ORDER BY id",
        s=scope[0],
    )
    assert history[0][0] is None and all(a[1] == b[0] for a, b in itertools.pairwise(history))  # a chain


# --- review cycles and the dashboard ---------------------------------------------------------------


def test_closing_a_cycle_round_schedules_the_next_review(team: Team, client: TestClient) -> None:  # type: ignore[type-arg]
    team.manager_levels([("EDO-01", "business-engagement", 1)])
    tokens = team.links(team.open(cycle_months=6))
    scope = scope_of(form(client, tokens["EDO-01"]).json())
    assert (
        client.post(f"/v1/self-assessment/{tokens['EDO-01']}/submit", json=answers(scope, 3)).status_code
        == 200
    )
    assert (
        client.post(f"{team.round}/verify", json={"members": ["EDO-01"]}, headers=team.headers).status_code
        == 200
    )
    due = client.get(f"{COUNCIL}/due?on={DUE}", headers=team.headers).json()["items"]
    assert [(i["kind"], i["status"]) for i in due] == [("round", "open")]
    late = client.get(
        f"{COUNCIL}/due?on={(TODAY + dt.timedelta(days=20)).isoformat()}", headers=team.headers
    ).json()
    assert late["items"][0]["status"] == "overdue"

    closed = client.post(f"{team.round}/close", headers=team.headers).json()
    next_id = closed["next_audit_id"]
    assert next_id
    scheduled = client.get(f"{COUNCIL}/audits/{next_id}", headers=team.headers).json()
    assert scheduled["audit_date"] == "2027-04-01" and scheduled["members"] == 3
    carried = client.get(f"{COUNCIL}/audits/{next_id}/members/EDO-01", headers=team.headers).json()
    assert carried["effective_levels"]["business-engagement"] == 3
    assert {a["source"] for a in carried["assessments"]} == {"manager"}

    items = client.get(f"{COUNCIL}/due?on=2027-03-31", headers=team.headers).json()["items"]
    assert [(i["kind"], i["status"], i["audit_id"], i["previous_audit_id"]) for i in items] == [
        ("review", "scheduled", next_id, team.audit_id)
    ]
    assert (
        client.get(f"{COUNCIL}/due?on=2027-04-01", headers=team.headers).json()["items"][0]["status"] == "due"
    )
    # The next round, on the scheduled audit, knows where it came from (the progress review's pair).
    nxt = client.post(
        f"{COUNCIL}/audits/{next_id}/rounds", json={"title": "Autumn", "due_date": DUE}, headers=team.headers
    )
    assert nxt.status_code == 201 and nxt.json()["round"]["previous_audit_id"] == team.audit_id
    items = client.get(f"{COUNCIL}/due?on={DUE}", headers=team.headers).json()["items"]
    assert [(i["kind"], i["previous_audit_id"]) for i in items] == [("round", team.audit_id)]


# --- email -----------------------------------------------------------------------------------------


@pytest.fixture
def mailing(database_url: str) -> Iterator[tuple[Any, Callable[[], TestClient]]]:  # type: ignore[type-arg]
    with smtp_server() as (inbox, port):
        settings = Settings.from_env(
            {},
            database_url=database_url,
            smtp_url=f"smtp://127.0.0.1:{port}",
            mail_from="skills@example.gov.uk",
        )
        yield inbox, lambda: TestClient(app=create_app(settings))


def test_links_and_reminders_are_emailed_and_logged(
    mailing: tuple[Any, Callable[[], TestClient]],
    keys: dict[str, str],
    database_url: str,  # type: ignore[type-arg]
) -> None:
    inbox, make_client = mailing
    with make_client() as client:
        team = Team(
            client,
            keys["newcastle"],
            {"EDO-01": "ed-officer", "EDO-02": "ed-officer", "EDO-03": "ed-officer"},
        )
        team.open(emails={"EDO-01": "one@example.org"})
        sent = client.post(
            f"{team.round}/links/email", json={"emails": {"EDO-02": "two@example.org"}}, headers=team.headers
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["sent"] == ["EDO-01", "EDO-02"]
        assert sent.json()["skipped"] == [{"reference": "EDO-03", "reason": "no email address"}]
        assert sorted(r[0] for r in inbox.recipients) == ["one@example.org", "two@example.org"]
        links = {
            r[0]: re.search(r"/app/self-assessment/([A-Za-z0-9_-]+)", m.get_content()).group(1)  # type: ignore[union-attr]
            for r, m in zip(inbox.recipients, inbox.messages, strict=True)
        }
        scope = scope_of(form(client, links["one@example.org"]).json())
        assert (
            client.post(
                f"/v1/self-assessment/{links['one@example.org']}/submit", json=answers(scope)
            ).status_code
            == 200
        )

        reminded = client.post(f"{team.round}/reminders", json={}, headers=team.headers).json()
        assert reminded["sent"] == ["EDO-02"]
        assert {"reference": "EDO-01", "reason": "already submitted"} in reminded["skipped"]
        assert inbox.recipients[-1] == ["two@example.org"] and "Reminder" in inbox.messages[-1]["Subject"]
        assert form(client, links["two@example.org"]).status_code == 410  # the reminder's link replaces it
    kinds = query(database_url, "SELECT kind, COUNT(*) FROM events WHERE kind LIKE 'round-%' GROUP BY kind")
    assert dict(kinds) == {"round-link-emailed": 2, "round-reminder": 1}


def test_emailing_without_a_mail_server_is_503(team: Team, client: TestClient) -> None:  # type: ignore[type-arg]
    team.open()
    assert_problem(client.post(f"{team.round}/links/email", json={}, headers=team.headers), 503)
