"""The council registry held in each worker's memory (issue 14).

The registry changes only when it is seeded and when a council flips its sharing switch
(``PUT /v1/councils/{code}/sharing``). Each worker loads it once and re-checks it on the bounded
schedule of ``api.refresh``: one tiny query (how many councils, the newest ``updated_at``, how many
share) at most once every ``framework_refresh_seconds``, and at once after this worker's own
sharing write commits (``refresh_after_commit``); a change seen reloads the whole registry (398
rows). Other workers show a flipped switch within ``framework_refresh_seconds``.

What it serves is built once per load: the wire Structs of every council in name order, each
council's detail with its neighbours resolved, and the name index the search matches against.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.councils.schemas import CouncilDetail, CouncilRef, CouncilSummary
from api.db.models import Council
from api.refresh import Revalidation

log = logging.getLogger(__name__)

_FINGERPRINT = select(
    func.count(),
    func.max(Council.updated_at),
    func.coalesce(func.sum(case((Council.share_capability, 1), else_=0)), 0),
)
"""Changes with every insert, delete and update (``updated_at`` is set on each ORM update)."""
_ROWS = select(*Council.__table__.columns).order_by(Council.name, Council.gss)


class Snapshot(NamedTuple):
    """One load of the registry, shaped for the reads."""

    summaries: list[CouncilSummary]
    """Every council in name order."""
    details: dict[str, CouncilDetail]
    """By GSS code."""
    names: dict[str, tuple[str, ...]]
    """Each council's searchable names (name, official name, alternative names), by GSS code."""


def build_snapshot(rows: list[Any]) -> Snapshot:
    """The reads' shapes from the registry's rows (``Council`` columns by attribute)."""
    refs = {row.gss: CouncilRef(gss=row.gss, name=row.name, type=row.type) for row in rows}
    summaries = [
        CouncilSummary(
            gss=row.gss,
            code=row.code,
            name=row.name,
            type=row.type,
            type_name=row.type_name,
            nation=row.nation,
            region=row.region,
            district_level=row.district_level,
            share_capability=row.share_capability,
        )
        for row in rows
    ]
    details = {
        row.gss: CouncilDetail(
            gss=row.gss,
            code=row.code,
            name=row.name,
            official_name=row.official_name,
            type=row.type,
            type_name=row.type_name,
            nation=row.nation,
            region=row.region,
            district_level=row.district_level,
            lat=row.lat,
            lon=row.lon,
            population=row.population,
            alt_names=list(row.alt_names),
            county=refs.get(row.county) if row.county else None,
            combined_authority=refs.get(row.combined_authority) if row.combined_authority else None,
            neighbours=[refs[code] for code in row.neighbours if code in refs],
            neighbour_basis=row.neighbour_basis,
            members=[refs[code] for code in row.members if code in refs],
            share_capability=row.share_capability,
        )
        for row in rows
    }
    names = {row.gss: tuple(dict.fromkeys((row.name, row.official_name, *row.alt_names))) for row in rows}
    return Snapshot(summaries, details, names)


class CouncilRegistry:
    """One per worker (``app.state.council_registry``), reading on its own small pool."""

    def __init__(self, engine: AsyncEngine, *, refresh_seconds: float = 1.0) -> None:
        self._engine = engine
        self._snapshot: Snapshot | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self.revalidation = Revalidation(refresh_seconds)
        self.generation = 0
        """Counts the loads of this worker's copy (``api.public_cache`` keys on it)."""

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def snapshot(self) -> Snapshot:
        """The registry as last loaded, re-checked first when due (module docstring)."""
        if self._snapshot is None or self.revalidation.due:
            await self._check()
        assert self._snapshot is not None
        return self._snapshot

    async def contains(self, gss: str) -> bool:
        return gss in (await self.snapshot()).details

    def refresh_after_commit(self, session: Any) -> None:
        """``session`` is changing a council (its sharing switch): re-check right after it commits."""
        self.revalidation.after_commit(session)

    async def _check(self) -> None:
        ticket = self.revalidation.start()
        try:
            async with self._engine.connect() as connection:
                fingerprint = tuple((await connection.execute(_FINGERPRINT)).one())
                rows = None
                if fingerprint != self._fingerprint or self._snapshot is None:
                    rows = list(await connection.execute(_ROWS))
        except Exception:
            if self._snapshot is None:
                self.revalidation.expire()
                raise
            log.warning(
                "The council registry could not be re-checked; serving the copy in memory", exc_info=True
            )
            return
        if rows is not None and self.revalidation.newest(ticket):
            self._snapshot = build_snapshot(rows)
            self._fingerprint = fingerprint
            self.generation += 1
