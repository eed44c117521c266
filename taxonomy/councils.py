"""The UK council registry: one record per current council, shipped as ``data/councils.json``.

The file is derived from public data by ``taxonomy.build_councils`` (see
``data/COUNCILS-ATTRIBUTION.md`` for sources, licences and the corrections applied). This module only
describes and loads it, so it depends on nothing but the standard library and msgspec.

Neighbours (DESIGN §1 and §2.4) are GSS codes of current councils:

- ``"border"``: district-level councils (unitary, metropolitan, London, district, Welsh, Scottish
  and Northern Irish councils) that share a land border, longest shared border first where the
  source orders them;
- ``"nearest"``: the islands with no land border, whose neighbours are their nearest councils;
- ``"derived"``: county councils, whose neighbours are the counties and single-tier councils that
  border any of their districts (most shared district borders first);
- ``"none"``: combined authorities and the Greater London Authority, which have none of their own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import msgspec

NeighbourBasis = Literal["border", "nearest", "derived", "none"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "councils.json"
"""The registry shipped with the package."""


class Council(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A current UK council (or county, combined authority, or the GLA)."""

    gss: str
    """Current GSS code, e.g. ``E06000001``."""
    code: str
    """mySociety three-letter code (combined authorities use their longer abbreviation)."""
    name: str
    """Nice name, e.g. ``Hartlepool``."""
    official_name: str
    type: str
    """local-authority-type: NMD, UA, MD, LBO, CC, CTY, COMB, SRA, SCO, WPA or NID."""
    type_name: str
    nation: str
    region: str
    district_level: bool
    """Lower-tier or unitary: the councils that hold district functions."""
    county: str | None
    """GSS of the county council, for a district in a two-tier area."""
    combined_authority: str | None
    """GSS of its combined (county) authority, or of the GLA for London, after corrections."""
    lat: float | None
    lon: float | None
    population: int | None
    """Mid-2020 population estimate."""
    alt_names: tuple[str, ...]
    former_gss: tuple[str, ...]
    neighbours: tuple[str, ...]
    """GSS codes of neighbouring current councils; see the module docstring for the basis."""
    neighbour_basis: NeighbourBasis
    members: tuple[str, ...] = ()
    """For counties and combined authorities (and the GLA): GSS codes of the member councils."""


class Registry(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The shipped registry file: attribution, provenance and the councils sorted by GSS."""

    source: str
    """Attribution text to show wherever the data is shown."""
    generated_from: str
    """The input files (with versions and hashes) and the corrections applied."""
    councils: tuple[Council, ...]


def load_registry(path: Path | None = None) -> Registry:
    """Read the registry from ``path`` (default: the file shipped in ``taxonomy/data``)."""
    return msgspec.json.decode((path or DEFAULT_PATH).read_bytes(), type=Registry)
