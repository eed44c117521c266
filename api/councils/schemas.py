"""Wire schemas of the council registry."""

from __future__ import annotations

import msgspec


class CouncilRef(msgspec.Struct, kw_only=True):
    gss: str
    name: str
    type: str


class CouncilSummary(msgspec.Struct, kw_only=True, omit_defaults=True):
    gss: str
    code: str
    name: str
    type: str
    type_name: str
    nation: str
    region: str
    district_level: bool
    share_capability: bool
    score: float | None = None
    """Fuzzy-search score (with ``?q=``)."""


class CouncilPage(msgspec.Struct, kw_only=True):
    items: list[CouncilSummary]
    total: int
    limit: int
    offset: int


class CouncilDetail(msgspec.Struct, kw_only=True):
    gss: str
    code: str
    name: str
    official_name: str
    type: str
    type_name: str
    nation: str
    region: str
    district_level: bool
    lat: float | None
    lon: float | None
    population: int | None
    alt_names: list[str]
    county: CouncilRef | None
    combined_authority: CouncilRef | None
    neighbours: list[CouncilRef]
    neighbour_basis: str
    """``border`` (adjacent), ``nearest`` (islands), ``derived`` (counties, from their districts)."""
    members: list[CouncilRef]
    """Member councils of a county or combined authority."""
    share_capability: bool
