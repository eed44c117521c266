"""Each member's compact levels row equals the effective levels of their assessments (issue 14),
after every real write through the HTTP API, and a refused write leaves every row as it was."""

from __future__ import annotations

import asyncio
import json
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient
from sqlalchemy import text

from api.analysis.levels import SOURCE_PRIORITY, effective_levels
from api.db.engine import create_engine
from api.settings import Settings
from taxonomy.load import load_framework
from tests.api.test_carry_forward import make_audit, publish_2026_2
from tests.api.test_concurrency import Call, concurrently, statuses
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import new_audit
from tests.serving import served

AUDITS = f"/v1/councils/{NEWCASTLE}/audits"
SKILLS = [(skill.slug, skill.label) for skill in load_framework().skills[:6]]
SOURCES = list(SOURCE_PRIORITY)
Rows = dict[int, tuple[str, dict[str, int], dict[str, int]]]
"""Member id → (reference, stored levels row, effective levels of their assessment rows)."""


async def _read(url: str) -> Rows:
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with engine.connect() as connection:
            members = (await connection.execute(text("SELECT id, reference, levels FROM members"))).all()
            held: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
            for member_id, skill, source, level in await connection.execute(
                text("SELECT member_id, skill, source, level FROM assessments")
            ):
                held[member_id].append((skill, source, level))
    finally:
        await engine.dispose()
    return {
        member_id: (reference, json.loads(stored), effective_levels(held[member_id]))
        for member_id, reference, stored in members
    }


@pytest.fixture
def stored_rows(database_url: str) -> Callable[[], Rows]:
    """Every member's levels row and the effective levels of their assessments, straight from the DB."""
    return lambda: asyncio.run(_read(database_url))


def assert_rows_match(rows: Rows, step: str) -> None:
    for member_id, (reference, stored, expected) in rows.items():
        assert stored == expected, f"after {step}: member {reference} (id {member_id})"
        assert list(stored) == sorted(stored), f"after {step}: {reference}'s row is not sorted by skill"


def _wide_csv(rng: random.Random, references: list[str]) -> bytes:
    """A wide sheet whose headers map exactly (``Label [slug]``): some cells blank (writes nothing)."""
    columns = rng.sample(SKILLS, rng.randint(1, len(SKILLS)))
    lines = [",".join(["Reference", *(f'"{label} [{slug}]"' for slug, label in columns)])]
    for reference in references:
        cells = [rng.choice(["", "0", "1", "2", "3", "4", "expert", "basic"]) for _ in columns]
        lines.append(",".join([reference, *cells]))
    return ("\n".join(lines) + "\n").encode()


class Session:
    """Random real writes into one council's audits; each returns a label and whether it was refused."""

    def __init__(self, client: TestClient, key: str, rng: random.Random) -> None:  # type: ignore[type-arg]
        self.client, self.headers, self.rng = client, bearer(key), rng
        self.audits = [new_audit(client, key)]
        self.members: dict[str, list[str]] = {self.audits[0]: []}
        self.counter = 0

    def _audit(self) -> str:
        return self.rng.choice(self.audits)

    def create_member(self) -> tuple[str, bool]:
        audit = self._audit()
        self.counter += 1
        reference = f"EDO-{self.counter:03d}"
        response = self.client.post(
            f"{AUDITS}/{audit}/members", json={"reference": reference}, headers=self.headers
        )
        assert response.status_code == 201, response.text
        self.members[audit].append(reference)
        return f"create member {reference}", False

    def put_assessments(self) -> tuple[str, bool]:
        audit = self._audit()
        if not self.members[audit]:
            return self.create_member()
        keys = {
            (self.rng.choice(self.members[audit]), self.rng.choice(SKILLS)[0], self.rng.choice(SOURCES))
            for _ in range(self.rng.randint(1, 15))
        }
        matrix: list[dict[str, Any]] = [
            {"member": member, "skill": skill, "source": source, "level": self.rng.randint(0, 4)}
            for member, skill, source in keys
        ]
        refused = self.rng.random() < 0.25
        if refused:  # one bad row refuses the whole matrix
            bad = self.rng.choice([{"skill": "no-such-skill"}, {"member": "NOBODY"}])
            matrix.append({**matrix[0], **bad})
        response = self.client.put(
            f"{AUDITS}/{audit}/assessments", json={"assessments": matrix}, headers=self.headers
        )
        assert response.status_code == (422 if refused else 200), response.text
        return f"put {len(matrix)} assessment(s)", refused

    def import_sheet(self) -> tuple[str, bool]:
        audit = self._audit()
        references = self.rng.sample(self.members[audit], min(3, len(self.members[audit])))
        self.counter += 1
        references.append(f"NEW-{self.counter:03d}")  # the import creates this one
        content = _wide_csv(self.rng, references)
        refused = self.rng.random() < 0.25
        if refused:
            content += f"{references[0]},banana\n".encode()
        response = self.client.post(
            f"{AUDITS}/{audit}/import",
            files={"file": ("team.csv", content, "text/csv")},
            params={"source": self.rng.choice(SOURCES)},
            headers=self.headers,
        )
        assert response.status_code == (422 if refused else 200), response.text
        if not refused:
            self.members[audit].append(references[-1])
        return "import", refused

    def carry_forward(self) -> tuple[str, bool]:
        audit = self._audit()
        refused = self.rng.random() < 0.25
        response = self.client.post(
            f"{AUDITS}/{audit}/carry-forward",
            params={"to": "2099.1" if refused else "2026.1"},
            headers=self.headers,
        )
        assert response.status_code == (404 if refused else 201), response.text
        if not refused:
            copy = response.json()["audit"]["id"]
            self.audits.append(copy)
            self.members[copy] = list(self.members[audit])
        return "carry forward", refused

    def delete_member(self) -> tuple[str, bool]:
        audit = self._audit()
        if not self.members[audit]:
            return self.create_member()
        reference = self.rng.choice(self.members[audit])
        response = self.client.delete(f"{AUDITS}/{audit}/members/{reference}", headers=self.headers)
        assert response.status_code == 204, response.text
        self.members[audit].remove(reference)
        return f"delete member {reference}", False

    def rename_member(self) -> tuple[str, bool]:
        audit = self._audit()
        if not self.members[audit]:
            return self.create_member()
        reference = self.rng.choice(self.members[audit])
        self.counter += 1
        renamed = f"REN-{self.counter:03d}"
        response = self.client.patch(
            f"{AUDITS}/{audit}/members/{reference}", json={"reference": renamed}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        self.members[audit][self.members[audit].index(reference)] = renamed
        return f"rename {reference}", False


@pytest.mark.parametrize("seed", [14, 1914])
def test_random_writes_keep_every_levels_row_equal_to_the_assessments(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    stored_rows: Callable[[], Rows],
    seed: int,
) -> None:
    rng = random.Random(seed)
    session = Session(client, keys["newcastle"], rng)
    steps = [session.create_member] * 3 + [session.put_assessments] * 6 + [session.import_sheet] * 2
    steps += [session.carry_forward, session.delete_member, session.rename_member]
    before = stored_rows()
    for number in range(45):
        label, refused = rng.choice(steps)()
        after = stored_rows()
        assert_rows_match(after, f"step {number} ({label})")
        if refused:
            assert after == before, f"step {number} ({label}) was refused but changed a levels row"
        before = after
    held = [stored for _, stored, _ in before.values()]
    assert any(held) and any(not levels for levels in held), "the run never reached both kinds of member"
    assert any(len(set(levels.values())) > 1 for levels in held)


def test_carry_forward_through_merges_rebuilds_the_levels_rows(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    stored_rows: Callable[[], Rows],
) -> None:
    audit = make_audit(client, keys["newcastle"])
    publish_2026_2(client, keys["framework"])
    response = client.post(
        f"{AUDITS}/{audit}/carry-forward", params={"to": "2026.2"}, headers=bearer(keys["newcastle"])
    )
    assert response.status_code == 201, response.text
    rows = stored_rows()
    assert_rows_match(rows, "carry forward to 2026.2")
    carried = [stored for reference, stored, _ in rows.values() if reference == "EDO-01"]
    assert {"programme-management": 4} in [
        {skill: level for skill, level in levels.items() if skill == "programme-management"}
        for levels in carried
    ]


def test_concurrent_writes_into_one_audit_leave_every_row_right(
    settings: Settings, keys: dict[str, str], stored_rows: Callable[[], Rows]
) -> None:
    """Real concurrent bulk writes and imports over the same members and skills: each writer
    re-reads its members' assessments after locking the audit, so no row misses another's write."""
    rng = random.Random(12)
    headers = bearer(keys["newcastle"])
    references = [f"EDO-{n:02d}" for n in range(6)]
    with served(settings) as base:
        with httpx.Client(base_url=base, headers=headers) as http:
            audit = http.post(AUDITS, json={"title": "Race", "audit_date": "2026-10-01"}).json()["id"]
            for reference in references:
                assert (
                    http.post(f"{AUDITS}/{audit}/members", json={"reference": reference}).status_code == 201
                )
        calls: list[Call] = []
        for _ in range(12):
            matrix = [
                {
                    "member": reference,
                    "skill": slug,
                    "source": rng.choice(SOURCES),
                    "level": rng.randint(0, 4),
                }
                for reference in references
                for slug, _ in SKILLS
            ]
            calls.append(("PUT", f"{AUDITS}/{audit}/assessments", {"json": {"assessments": matrix}}))
        for number in range(4):
            content = _wide_csv(random.Random(number), references)
            calls.append(
                ("POST", f"{AUDITS}/{audit}/import", {"files": {"file": ("t.csv", content, "text/csv")}})
            )
        responses = concurrently(base, headers, calls)
    assert statuses(responses) == {200: len(calls)}, [r.text for r in responses if r.status_code != 200]
    rows = stored_rows()
    assert_rows_match(rows, "concurrent writes")
    assert all(len(stored) == len(SKILLS) for _, stored, _ in rows.values())
