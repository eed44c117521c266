"""Council registry reads: one query for the list, two for a council with its neighbours."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.convert import struct_from
from api.councils.schemas import CouncilDetail, CouncilRef, CouncilSummary
from api.db.models import Council
from api.errors import NotFound
from taxonomy.match import Matcher, Thresholds

NAME_SEARCH = Thresholds(high=90.0, low=70.0, margin=3.0)


@lru_cache(maxsize=4)
def _name_matcher(names: tuple[tuple[str, str], ...]) -> Matcher:
    """Built once per registry content (names never change between seeds)."""
    return Matcher(names)


def _summary(council: Council, score: float | None = None) -> CouncilSummary:
    return struct_from(CouncilSummary, council, score=score)


async def search(
    session: AsyncSession, query: str | None, council_type: str | None, region: str | None
) -> list[CouncilSummary]:
    statement = select(Council).order_by(Council.name)
    if council_type:
        statement = statement.where(Council.type == council_type.upper())
    if region:
        statement = statement.where(Council.region == region)
    councils = list((await session.scalars(statement)).all())
    if not query:
        return [_summary(council) for council in councils]
    names = tuple(
        (council.gss, name)
        for council in councils
        for name in dict.fromkeys((council.name, council.official_name, *council.alt_names))
    )
    by_gss = {council.gss: council for council in councils}
    match = _name_matcher(names).match_one(query, NAME_SEARCH, limit=25)
    return [_summary(by_gss[candidate.key], candidate.score) for candidate in match.candidates]


async def detail(session: AsyncSession, gss: str) -> CouncilDetail:
    council = await session.get(Council, gss)
    if council is None:
        raise NotFound(f"Council {gss!r} is not in the registry")
    related = {
        *council.neighbours,
        *council.members,
        *(code for code in (council.county, council.combined_authority) if code),
    }
    refs = {
        row.gss: CouncilRef(gss=row.gss, name=row.name, type=row.type)
        for row in (
            await session.execute(
                select(Council.gss, Council.name, Council.type).where(Council.gss.in_(related))
            )
        )
    }
    return struct_from(
        CouncilDetail,
        council,
        county=refs.get(council.county) if council.county else None,
        combined_authority=refs.get(council.combined_authority) if council.combined_authority else None,
        neighbours=[refs[code] for code in council.neighbours if code in refs],
        members=[refs[code] for code in council.members if code in refs],
    )
