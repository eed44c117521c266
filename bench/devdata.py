"""A generator of national-scale development data: every district-level council with an audit.

`fill_national` gives each of the first N district-level councils of the registry (361 by default:
every authority that employs an ED team, less the counties) an audit of 40 members x 62 skills, a
needs profile, and opts it in to sharing, so joint working and the sector view have data. It
writes with bulk ``INSERT``s straight into the tables (the API would take hours for 900,000
assessments), then moves PostgreSQL's id sequence past the ids it chose, so the app's own inserts
afterwards do not collide. Levels are random but deterministic for a seed.

Run: `python -m bench.devdata DATABASE_URL [--councils 361] [--members 40]` on a migrated, seeded
database.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import uuid
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text, update

from api.analysis.levels import effective_levels
from api.audits.levels_row import encode_levels
from api.db.engine import create_engine
from api.db.models import Assessment, Audit, Council, Member, NeedsProfile
from api.settings import Settings
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework

LEVELS = [0, 1, 1, 2, 2, 2, 3, 3, 4]
CHUNK = 20_000


@dataclass
class Filled:
    councils: list[str]
    audits: dict[str, uuid.UUID]
    needs: dict[str, uuid.UUID]
    members: int
    assessments: int


async def fill_national(url: str, councils: int = 361, members: int = 40, seed: int = 2026) -> Filled:
    index = FrameworkIndex(load_framework())
    skills, roles = list(index.skills), list(index.roles)
    rng = random.Random(seed)
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with engine.begin() as connection:
            chosen = list(
                await connection.scalars(
                    select(Council.gss)
                    .where(Council.district_level.is_(True))
                    .order_by(Council.gss)
                    .limit(councils)
                )
            )
            audits = {gss: uuid.uuid4() for gss in chosen}
            needs = {gss: uuid.uuid4() for gss in chosen}
            now = dt.datetime.now(dt.UTC)
            await connection.execute(
                insert(Audit),
                [
                    {
                        "id": audits[gss],
                        "council_gss": gss,
                        "title": "National audit 2026",
                        "revision": 1,
                        "audit_date": dt.date(2026, 10, 1),
                        "framework_version": index.framework.version,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for gss in chosen
                ],
            )
            await connection.execute(
                insert(NeedsProfile),
                [
                    {
                        "id": needs[gss],
                        "council_gss": gss,
                        "title": "2027",
                        "horizon": dt.date(2027, 3, 31),
                        "framework_version": index.framework.version,
                        "revision": 1,
                        "created_at": now,
                        "updated_at": now,
                        "establishment": {role: rng.randint(1, 3) for role in rng.sample(roles, 5)},
                        "scenarios": rng.sample(sorted(index.scenarios), 2),
                        "rows": [],
                    }
                    for gss in chosen
                ],
            )
            await connection.execute(
                update(Council).where(Council.gss.in_(chosen)).values(share_capability=True)
            )
            first_id = int(await connection.scalar(select(func.coalesce(func.max(Member.id), 0)))) + 1
            member_rows = []
            assessment_rows: list[dict[str, object]] = []
            member_id = first_id
            for gss in chosen:
                for number in range(1, members + 1):
                    role = rng.choice(roles)
                    held = [(skill, "manager", rng.choice(LEVELS)) for skill in skills]
                    # The member's compact levels row, which the analyses read (issue 14): written
                    # here because these bulk INSERTs bypass api.audits.levels_row.refresh_levels.
                    levels = effective_levels(held)
                    member_rows.append(
                        {
                            "id": member_id,
                            "audit_id": audits[gss],
                            "reference": f"{gss[-4:]}-{number:03d}",
                            "role": role,
                            "fte": 1.0,
                            "revision": 1,
                            "levels": encode_levels(levels),
                        }
                    )
                    assessment_rows.extend(
                        {"member_id": member_id, "skill": skill, "source": source, "level": level}
                        for skill, source, level in held
                    )
                    member_id += 1
            for start in range(0, len(member_rows), CHUNK):
                await connection.execute(insert(Member), member_rows[start : start + CHUNK])
            for start in range(0, len(assessment_rows), CHUNK):
                await connection.execute(insert(Assessment), assessment_rows[start : start + CHUNK])
            if not Settings.from_env({}, database_url=url).is_sqlite:
                await connection.execute(
                    text(
                        "SELECT setval(pg_get_serial_sequence('members', 'id'), (SELECT MAX(id) FROM members))"
                    )
                )
    finally:
        await engine.dispose()
    return Filled(chosen, audits, needs, len(member_rows), len(assessment_rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("--councils", type=int, default=361)
    parser.add_argument("--members", type=int, default=40)
    args = parser.parse_args()
    filled = asyncio.run(fill_national(args.database_url, args.councils, args.members))
    print(f"{len(filled.councils)} councils, {filled.members:,} members, {filled.assessments:,} assessments")


if __name__ == "__main__":
    main()
