"""Assessment writes that keep their history (DESIGN §2.9: old level, new level, source, actor, time).

Every round write (a member's submission, verification, a manager's level, the copy a review cycle
starts from) goes through :func:`write_assessments` or :func:`remove_assessments`: they read the
levels being replaced, write through the one assessment write path (``upsert_assessments``, which
refreshes the members' levels rows), and append one ``assessment_history`` row per level that
changed, in the same transaction. The caller has locked the audit first (``audits.service.touch``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import NamedTuple

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from api.audits.levels_row import refresh_levels
from api.audits.service import upsert_assessments
from api.db.models import Assessment, AssessmentHistory

KEYS_PER_READ = 3000
"""Keys per ``IN`` of (member, skill, source) tuples: 3 parameters each, far below the bound-parameter
limits of SQLite (32,766) and asyncpg (32,767)."""


class Key(NamedTuple):
    member_id: int
    skill: str
    source: str


async def held_levels(session: AsyncSession, keys: Collection[Key]) -> dict[Key, int]:
    """The stored level of each of ``keys`` that exists."""
    ordered = sorted(set(keys))
    found: dict[Key, int] = {}
    for start in range(0, len(ordered), KEYS_PER_READ):
        chunk = ordered[start : start + KEYS_PER_READ]
        rows = await session.execute(
            select(Assessment.member_id, Assessment.skill, Assessment.source, Assessment.level).where(
                tuple_(Assessment.member_id, Assessment.skill, Assessment.source).in_(chunk)
            )
        )
        found.update({Key(m, s, src): level for m, s, src, level in rows})
    return found


async def _append(
    session: AsyncSession, changes: Sequence[tuple[Key, int | None, int | None]], actor: str
) -> None:
    if not changes:
        return
    now = dt.datetime.now(dt.UTC)
    await session.execute(
        insert(AssessmentHistory),
        [
            {
                "member_id": key.member_id,
                "skill": key.skill,
                "source": key.source,
                "old_level": old,
                "new_level": new,
                "actor": actor[:200],
                "at": now,
            }
            for key, old, new in changes
        ],
    )


async def write_assessments(session: AsyncSession, rows: list[dict[str, object]], *, actor: str) -> int:
    """Upsert ``rows`` (``member_id``, ``skill``, ``source``, ``level``, ``evidence``) and record each
    level that changed; returns how many changed. An unchanged level (evidence only) is no change."""
    if not rows:
        return 0
    keys = [Key(int(str(row["member_id"])), str(row["skill"]), str(row["source"])) for row in rows]
    before = await held_levels(session, keys)
    await upsert_assessments(session, rows)
    changes = [
        (key, before.get(key), int(str(row["level"])))
        for key, row in zip(keys, rows, strict=True)
        if before.get(key) != row["level"]
    ]
    await _append(session, changes, actor)
    return len(changes)


async def remove_assessments(session: AsyncSession, keys: Collection[Key], *, actor: str) -> int:
    """Delete the assessments of ``keys`` that exist, record each removal (new level null) and
    refresh the members' levels rows; returns how many were removed."""
    before = await held_levels(session, keys)
    if not before:
        return 0
    ordered = sorted(before)
    for start in range(0, len(ordered), KEYS_PER_READ):
        await session.execute(
            delete(Assessment).where(
                tuple_(Assessment.member_id, Assessment.skill, Assessment.source).in_(
                    ordered[start : start + KEYS_PER_READ]
                )
            )
        )
    await refresh_levels(session, {key.member_id for key in ordered})
    await _append(session, [(key, before[key], None) for key in ordered], actor)
    return len(ordered)
