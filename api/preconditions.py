"""``If-Match`` for the whole service: one header type, one parser, one rule, one conditional write.

A resource's ETag names the revision a client read. Checking the header against a fresh read is
not enough: several concurrent requests can all read the same revision and all pass the check
(issue 12 measured up to 14 winners out of 20 on PostgreSQL). So the check here only refuses
tags that are *already* stale (a quick 412), and :func:`write_revision` makes the write itself
conditional in the database, ``UPDATE … WHERE id = :id AND revision = :seen``, counting the rows
it changed: of N writers holding the same tag exactly one finds the row still at ``:seen``.
Every write bumps ``revision = revision + 1`` in SQL, so an ETag never repeats for different
content, also for writes sent without ``If-Match`` (allowed on audits, members and needs
profiles: the last writer wins).

The framework's draft items compute their tags from content (``api.framework.etags``) and use the
same parsing and messages, with ``If-Match`` required there (428 without it).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar.params import HeaderParameter
from sqlalchemy import inspect, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.attributes import set_committed_value

from api.db.models import Audit, Member, NeedsProfile
from api.errors import NotFound, ProblemError

IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        max_length=200,
        required=False,
        description=(
            'The ETag from your last read (also accepted in its weak form `W/"…"`, as a list, or `*`). '
            "If the resource has changed since, nothing is written and the answer is 412."
        ),
    ),
]

ANY = "*"


class PreconditionFailed(ProblemError):
    status_code = 412
    problem_type = "precondition-failed"


class PreconditionRequired(ProblemError):
    status_code = 428
    problem_type = "precondition-required"


def parse_if_match(if_match: str) -> frozenset[str]:
    """The entity tags an ``If-Match`` value names, as strong tags (``"…"``), or ``{"*"}``.

    RFC 9110 §13.1.1 compares strongly, but a weak ``W/"…"`` of a current tag is accepted as that
    tag: proxies that compress responses (nginx, some CDNs) weaken ETags on the way to the client,
    and the tag still names the revision the client read (issue 12).
    """
    return frozenset(tag.strip().removeprefix("W/") for tag in if_match.split(",") if tag.strip())


def if_match_allows(if_match: str, current: str) -> bool:
    tags = parse_if_match(if_match)
    return ANY in tags or current in tags


def _stale(what: str, current: str | None) -> PreconditionFailed:
    now = f" (its ETag is now {current})" if current else ""
    return PreconditionFailed(
        f"{what[:1].upper()}{what[1:]} has changed since you read it{now}; "
        "reload it and apply your change again"
    )


def check_if_match(if_match: str | None, current: str, what: str) -> None:
    """Honour an optional ``If-Match``: 412 when it names no current tag (someone changed it since).

    A blank header names no tag, so it fails rather than silently dropping the condition.
    """
    if if_match is not None and not if_match_allows(if_match, current):
        raise _stale(what, current)


def require_if_match(if_match: str | None, current: str, what: str) -> None:
    """428 without ``If-Match``; 412 unless it names the current tag (or ``*``)."""
    if if_match is None or not if_match.strip():
        raise PreconditionRequired(
            f"Editing {what} needs an If-Match header with its current ETag ({current}); "
            "read it first with GET"
        )
    check_if_match(if_match, current, what)


def expected_revision(if_match: str | None, current: str, revision: int, what: str) -> int | None:
    """Check ``If-Match`` against the revision just read (412 if already stale) and return the
    revision the write must still find in the database, or ``None`` for an unconditional write
    (no header, or ``*``: any current representation will do)."""
    check_if_match(if_match, current, what)
    if if_match is None or ANY in parse_if_match(if_match):
        return None
    return revision


Versioned = Audit | Member | NeedsProfile


async def write_revision(
    session: AsyncSession,
    entity: Versioned,
    values: dict[str, Any],
    *,
    seen: int | None,
    what: str,
) -> int:
    """``UPDATE … SET <values>, revision = revision + 1 WHERE id = :id [AND revision = :seen]``.

    With ``seen``, a row already moved on by another writer is left alone and the request gets 412
    (its transaction is rolled back, so nothing it wrote before stays). Without it, the write always
    lands (last writer wins) and only the bump is atomic. The changed row comes back through
    ``RETURNING``, and ``entity`` is updated in place (as committed state, so the session never
    writes it again); the new revision is returned.

    On PostgreSQL the UPDATE locks the row until commit, so concurrent writers queue and re-check
    ``revision`` once the lock is free; on SQLite the database write lock serialises them.
    """
    model = type(entity)
    statement = update(model).where(model.id == entity.id)
    if seen is not None:
        statement = statement.where(model.revision == seen)
    table = model.__table__
    changed = dict(values)
    changed["revision"] = model.revision + 1
    if "updated_at" in table.c:
        changed["updated_at"] = dt.datetime.now(dt.UTC)
    result = await session.execute(
        statement.values(changed).returning(*table.c).execution_options(synchronize_session=False)
    )
    row = result.one_or_none()
    if row is None:
        if seen is None:
            raise NotFound(f"{what[:1].upper()}{what[1:]} no longer exists")
        raise _stale(what, None)
    mapper: Mapper[Any] = inspect(model)
    for column, value in row._mapping.items():
        set_committed_value(entity, mapper.get_property_by_column(table.c[column]).key, value)
    return int(entity.revision)


__all__ = [
    "IfMatch",
    "PreconditionFailed",
    "PreconditionRequired",
    "check_if_match",
    "expected_revision",
    "if_match_allows",
    "parse_if_match",
    "require_if_match",
    "write_revision",
]
