"""Migration 0006 rebuilds every member's compact levels row from their assessments (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Callable

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Connection

from api.analysis.levels import SOURCE_PRIORITY, effective_levels
from api.db import migrate
from tests.migrations.test_migrations import on_connection

SKILLS = [f"skill-{n:02d}" for n in range(12)]
AUDIT_ID = uuid.UUID("00000000-0000-4000-8000-000000000014")
MEMBERS = 1_234
"""More than two of the migration's batches of 500, the last one partial."""

_now = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)


def _assessments(seed: int) -> dict[int, list[tuple[str, str, int]]]:
    """Member id → (skill, source, level) triples: some members hold none, many hold several sources."""
    chance = random.Random(seed)
    held: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for member_id in range(1, MEMBERS + 1):
        if member_id % 7 == 0:
            continue
        for skill in chance.sample(SKILLS, chance.randint(1, len(SKILLS))):
            for source in chance.sample(list(SOURCE_PRIORITY), chance.randint(1, 3)):
                held[member_id].append((skill, source, chance.randint(0, 4)))
    return held


_TABLES = {
    "councils": sa.table(
        "councils",
        *(sa.column(name) for name in ("gss", "code", "name", "official_name", "type", "type_name")),
        *(sa.column(name) for name in ("nation", "region", "district_level", "neighbour_basis")),
        *(sa.column(name, sa.JSON()) for name in ("alt_names", "former_gss", "neighbours", "members")),
    ),
    "audits": sa.table(
        "audits",
        sa.column("id", sa.Uuid()),
        *(sa.column(name) for name in ("council_gss", "title", "framework_version", "revision")),
        sa.column("audit_date", sa.Date()),
        sa.column("created_at", DateTimeUTC(timezone=True)),
        sa.column("updated_at", DateTimeUTC(timezone=True)),
    ),
    "members": sa.table(
        "members",
        sa.column("audit_id", sa.Uuid()),
        *(sa.column(name) for name in ("id", "reference", "fte", "revision")),
    ),
    "assessments": sa.table(
        "assessments", *(sa.column(n) for n in ("member_id", "skill", "source", "level"))
    ),
}
"""The four tables as they stand at 0005 (not the models, which are at head)."""


def _insert_at_0005(held: dict[int, list[tuple[str, str, int]]]) -> Callable[[Connection], None]:
    def work(connection: Connection) -> None:
        tables = _TABLES
        connection.execute(
            tables["councils"].insert(),
            {
                "gss": "E08000021",
                "code": "NET",
                "name": "Newcastle upon Tyne",
                "official_name": "Newcastle upon Tyne City Council",
                "type": "MD",
                "type_name": "Metropolitan district",
                "nation": "England",
                "region": "North East",
                "district_level": True,
                "alt_names": [],
                "former_gss": [],
                "neighbours": [],
                "neighbour_basis": "adjacent",
                "members": [],
            },
        )
        connection.execute(
            tables["audits"].insert(),
            {
                "id": AUDIT_ID,
                "council_gss": "E08000021",
                "title": "Before 0006",
                "audit_date": dt.date(2026, 10, 1),
                "framework_version": "2026.1",
                "revision": 1,
                "created_at": _now,
                "updated_at": _now,
            },
        )
        connection.execute(
            tables["members"].insert(),
            [
                {"id": n, "audit_id": AUDIT_ID, "reference": f"EDO-{n:04d}", "fte": 1.0, "revision": 1}
                for n in range(1, MEMBERS + 1)
            ],
        )
        connection.execute(
            tables["assessments"].insert(),
            [
                {"member_id": member_id, "skill": skill, "source": source, "level": level}
                for member_id, found in held.items()
                for skill, source, level in found
            ],
        )
        connection.commit()

    return work


def _levels_rows(connection: Connection) -> dict[int, str]:
    rows = connection.execute(sa.text("SELECT id, levels FROM members"))
    return {int(member_id): str(levels) for member_id, levels in rows}


def test_0006_rebuilds_each_members_levels_from_their_assessments(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url, "0005")
    held = _assessments(seed=14)
    on_connection(empty_database_url, _insert_at_0005(held))

    migrate.upgrade(empty_database_url, "0006")

    stored = on_connection(empty_database_url, _levels_rows)
    assert len(stored) == MEMBERS
    for member_id, text in stored.items():
        expected = effective_levels(held.get(member_id, []))
        assert json.loads(text) == expected, member_id
        assert list(json.loads(text)) == sorted(expected)  # sorted by skill, as the writers keep it
    assert stored[7] == "{}"  # a member without assessments
    assert any(len(json.loads(text)) == len(SKILLS) for text in stored.values())


def test_0006_downgrade_drops_the_column_and_keeps_the_assessments(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url, "0006")
    migrate.downgrade(empty_database_url, "0005")

    def columns(connection: Connection) -> set[str]:
        return {column["name"] for column in sa.inspect(connection).get_columns("members")}

    assert "levels" not in on_connection(empty_database_url, columns)
