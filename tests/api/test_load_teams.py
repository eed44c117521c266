"""``load_teams`` (api/needs/service.py) after issue 18's bench rewrote it: no ``ORDER BY`` or
``CASE`` in SQL, teams sorted here, levels filtered by a Struct decoder. Its contract is unchanged:
each asked audit's team sorted by reference, and with ``skills`` only those skills' levels, a skill
the member holds no level in absent (not 0). Checked against the rows as written, on both databases,
with members written out of reference order across several audits."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Collection

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.model import TeamMember
from api.db.engine import create_engine
from api.db.models import Audit, Member
from api.needs.service import load_teams
from api.settings import Settings
from taxonomy.load import load_framework
from tests.conftest import GATESHEAD, NEWCASTLE, run_async

SKILLS = [skill.slug for skill in load_framework().skills[:12]]
ODD = "an odd skill, ünïcode"
QUOTED = 'a "quoted" skill'
"""Not framework slugs: any JSON key is a skill name to the decoder (msgspec cannot rename a field
to one with a quote, so that one takes the other way)."""


def _written(
    rng: random.Random, audits: list[uuid.UUID]
) -> dict[uuid.UUID, list[tuple[str, str | None, dict[str, int]]]]:
    """Random members per audit (the last audit has none), in shuffled reference order."""
    teams: dict[uuid.UUID, list[tuple[str, str | None, dict[str, int]]]] = {}
    for audit in audits[:-1]:
        references = [f"m-{number:02d}" for number in range(rng.randint(1, 12))]
        rng.shuffle(references)
        teams[audit] = [
            (
                reference,
                rng.choice([None, "ed-officer"]),
                {
                    skill: rng.randint(0, 4)
                    for skill in sorted(rng.sample([*SKILLS, ODD, QUOTED], rng.randint(0, 9)))
                },
            )
            for reference in references
        ]
    teams[audits[-1]] = []
    return teams


def _expected(
    written: dict[uuid.UUID, list[tuple[str, str | None, dict[str, int]]]], skills: Collection[str] | None
) -> dict[uuid.UUID, list[TeamMember]]:
    return {
        audit: [
            TeamMember(
                reference=reference,
                role=role,
                levels={s: level for s, level in levels.items() if skills is None or s in skills},
            )
            for reference, role, levels in sorted(team)
        ]
        for audit, team in written.items()
    }


async def _scenario(url: str) -> None:
    rng = random.Random(18)
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    audits = [uuid.uuid4() for _ in range(4)]
    written = _written(rng, audits)
    now = dt.datetime.now(dt.UTC)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(Audit),
                [
                    {
                        "id": audit,
                        "council_gss": (NEWCASTLE, GATESHEAD)[number % 2],
                        "title": f"audit {number}",
                        "audit_date": dt.date(2026, 1, 1 + number),
                        "framework_version": load_framework().version,
                        "revision": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for number, audit in enumerate(audits)
                ],
            )
            rows = [
                {"audit_id": audit, "reference": reference, "role": role, "levels": json.dumps(levels)}
                for audit, team in written.items()
                for reference, role, levels in team
            ]
            rng.shuffle(rows)  # insertion order across audits and references is no guide
            await connection.execute(insert(Member), rows)
        async with AsyncSession(engine) as session:
            assert await load_teams(session, []) == {}
            for skills in (
                None,
                set(),
                {SKILLS[0], SKILLS[3], ODD, "not-a-skill"},
                set(SKILLS),
                {SKILLS[1], QUOTED},
            ):
                found = await load_teams(session, audits, skills)
                assert list(found) == audits
                assert found == _expected(written, skills), skills
                for team in found.values():  # the order itself, not just equal lists of equal members
                    assert [m.reference for m in team] == sorted(m.reference for m in team)
            one = await load_teams(session, [audits[1]], [SKILLS[0]])
            assert one == {audits[1]: _expected(written, {SKILLS[0]})[audits[1]]}
    finally:
        await engine.dispose()


def test_load_teams_matches_the_rows_written(database_url: str) -> None:
    run_async(_scenario(database_url))
