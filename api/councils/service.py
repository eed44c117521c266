"""Council registry reads, from the worker's in-memory registry (``api.councils.registry``): no
database session per request (issue 14)."""

from __future__ import annotations

from functools import lru_cache

import msgspec

from api.councils.registry import CouncilRegistry
from api.councils.schemas import CouncilDetail, CouncilSummary
from api.errors import NotFound
from taxonomy.match import Matcher, Thresholds

NAME_SEARCH = Thresholds(high=90.0, low=70.0, margin=3.0)


@lru_cache(maxsize=4)
def _name_matcher(names: tuple[tuple[str, str], ...]) -> Matcher:
    """Built once per registry content (names never change between seeds)."""
    return Matcher(names)


async def search(
    registry: CouncilRegistry, query: str | None, council_type: str | None, region: str | None
) -> list[CouncilSummary]:
    """Councils in name order, filtered by type and region; with a query, the fuzzy candidates on
    their names best first (``score`` set)."""
    snapshot = await registry.snapshot()
    councils = snapshot.summaries
    if council_type:
        wanted = council_type.upper()
        councils = [council for council in councils if council.type == wanted]
    if region:
        councils = [council for council in councils if council.region == region]
    if not query:
        return councils
    names = tuple((council.gss, name) for council in councils for name in snapshot.names[council.gss])
    by_gss = {council.gss: council for council in councils}
    match = _name_matcher(names).match_one(query, NAME_SEARCH, limit=25)
    return [
        msgspec.structs.replace(by_gss[candidate.key], score=candidate.score)
        for candidate in match.candidates
    ]


async def detail(registry: CouncilRegistry, gss: str) -> CouncilDetail:
    found = (await registry.snapshot()).details.get(gss)
    if found is None:
        raise NotFound(f"Council {gss!r} is not in the registry")
    return found
