"""Each member's compact levels row (``members.levels``, issue 14): kept equal to their assessments.

The assessments are the record of who said what; the analyses read one row per member holding the
member's effective levels, so a 1,000-member team is 1,000 short rows rather than 62,000. That row is
derived, and stays right only if every write of assessments refreshes it in the same transaction:
:func:`refresh_levels` is the one way to do so, and ``upsert_assessments`` (bulk writes, imports,
carry-forward) already calls it. A new writer or deleter of assessments (self-assessment rounds,
issue 17) calls it too, with the members it touched, after its writes and before the commit.
Deleting a member needs nothing: the row goes with them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.levels import effective_levels
from api.db.models import Assessment, Member

NO_LEVELS = "{}"
"""The row of a member with no assessment (the column's default)."""

MEMBERS_PER_READ = 5000
"""Member ids per ``IN (…)``: far below the 32,766 bound parameters SQLite and asyncpg accept."""

_decode = msgspec.json.Decoder(dict[str, int]).decode


def encode_levels(levels: dict[str, int]) -> str:
    """The stored form: a JSON object, sorted by skill as ``effective_levels`` returns it."""
    return msgspec.json.encode(levels).decode()


def decode_levels(stored: str) -> dict[str, int]:
    """A member's effective levels from their row (a skill absent is level 0 to the analyses)."""
    return _decode(stored)


async def refresh_levels(session: AsyncSession, member_ids: Collection[int]) -> None:
    """Rewrite the levels row of ``member_ids`` from their assessments as they now stand in this
    transaction: one read of their assessments and one executemany ``UPDATE`` (per 5,000 members).

    The rule is ``api.analysis.levels.effective_levels`` (verified > manager > self); a member left
    with no assessment gets ``{}``. Call it after every write or delete of assessments, in the same
    transaction, with the audit locked first (``service.touch``) as every writer below an audit does,
    so a concurrent writer cannot slip rows in between the read and the commit.
    """
    ordered = sorted(set(member_ids))
    for start in range(0, len(ordered), MEMBERS_PER_READ):
        chunk = ordered[start : start + MEMBERS_PER_READ]
        held: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
        rows = await session.execute(
            select(Assessment.member_id, Assessment.skill, Assessment.source, Assessment.level).where(
                Assessment.member_id.in_(chunk)
            )
        )
        for member_id, skill, source, level in rows:
            held[member_id].append((skill, source, level))
        await session.execute(
            update(Member),  # ORM bulk UPDATE by primary key: one executemany
            [
                {"id": member_id, "levels": encode_levels(effective_levels(held.get(member_id, ())))}
                for member_id in chunk
            ],
        )
