"""Derive ``taxonomy/data/councils.json`` from the shared reference data.

Run from the repository root::

    python -m taxonomy.build_councils --source ../shared/data --output taxonomy/data/councils.json

Inputs (see ``../shared/data/README.md``): mySociety's *UK local authority names and codes*
(``uk_local_authorities_current.csv`` and ``lookup_name_to_registry.csv``, CC BY 4.0) and the ONS
*Local Authority Districts 2021 neighbours* file (``lad21_neighbours.json``). The output is
deterministic (councils sorted by GSS, fixed formatting), so re-running on the same inputs gives the
same bytes and ``--check`` can guard the shipped file.

The steps:

1. keep every current authority (``current-authority=True``);
2. collapse the 2021 neighbours file to current councils through ``replaced-by`` (districts abolished
   in 2023 point to their successors), drop self-references, de-duplicate in order, and make borders
   symmetric;
3. islands with no land border take the first three of the ONS nearby list, unless a correction
   says the list is unusable;
4. counties: members are their districts; neighbours are the counties and single-tier councils that
   border any of those districts, most shared district borders first;
5. combined authorities (and the GLA): members from the ``combined-authority`` column;
6. apply ``CORRECTIONS`` (explicit, each with a note and a source) and check the result.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import msgspec

from taxonomy.councils import DEFAULT_PATH, Council, NeighbourBasis, Registry

AUTHORITIES_FILE = "uk_local_authorities_current.csv"
NAMES_FILE = "lookup_name_to_registry.csv"
NEIGHBOURS_FILE = "lad21_neighbours.json"
MYSOCIETY_DATASET = "mySociety uk_la_past_current v1.6.1 (2025-07)"
ONS_DATASET = "ONS (ONSvisual) Local Authority Districts 2021 neighbours"

SOURCE_TEXT = (
    "Contains data from mySociety, 'UK local authority names and codes' (dataset uk_la_past_current "
    "v1.6.1), licensed under CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/). Source: Office "
    "for National Statistics, 'Local Authority Districts (2021) neighbours' (ONSvisual), used under the "
    "Open Government Licence v3.0 (no licence file is published with it; OGL is the ONS default). "
    "Derived and corrected by this project: see taxonomy/data/COUNCILS-ATTRIBUTION.md."
)

NEARBY_TAKEN = 3
"""How many nearest councils an island takes as neighbours."""

PLAUSIBLE_FACTOR = 3.0
"""An island's nearby council is implausible if its centroid is more than this many times farther
away than the nearest council's centroid; the builder then stops and asks for a correction."""


# --------------------------------------------------------------------------------------------------
# Corrections: explicit data, each with a note and a source. ``applied=False`` records a known issue
# that is deliberately not changed (the note says why).


class _Correction(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    applied: bool
    note: str
    source: str


class MergeCombinedAuthority(_Correction, frozen=True):
    """A combined authority was dissolved: its members join ``into`` and it leaves the registry."""

    dissolved: str
    into: str


class AddCombinedAuthority(_Correction, frozen=True):
    """A combined (county) authority missing from the source; only applied with a verified GSS."""

    gss: str | None
    code: str
    name: str
    official_name: str
    region: str
    members: tuple[str, ...]
    alt_names: tuple[str, ...] = ()


class RecodeCouncil(_Correction, frozen=True):
    """A council's current GSS code differs from the source: recode it and every reference to it."""

    old_gss: str
    new_gss: str
    official_name: str | None = None
    alt_names: tuple[str, ...] = ()


class NearestByCentroid(_Correction, frozen=True):
    """Islands whose ONS nearby list is unusable: take the nearest councils by centroid instead."""

    councils: tuple[str, ...]


class CountyCentroidsFromDistricts(_Correction, frozen=True):
    """Replace county centroids by the population-weighted mean of their districts' centroids."""


class KeepAsGiven(_Correction, frozen=True):
    """A known issue in the source that is recorded but not changed."""

    councils: tuple[str, ...]


Correction = (
    MergeCombinedAuthority
    | AddCombinedAuthority
    | RecodeCouncil
    | NearestByCentroid
    | CountyCentroidsFromDistricts
    | KeepAsGiven
)

NTCA = "E47000011"
NECA_SOURCE = "E47000010"
NECA_ONS_2024 = "E47000014"

CORRECTIONS: tuple[Correction, ...] = (
    MergeCombinedAuthority(
        id="ntca-dissolved-into-neca",
        applied=True,
        dissolved=NTCA,
        into=NECA_SOURCE,
        note=(
            "North of Tyne Combined Authority (NTCA, E47000011) was dissolved on 7 May 2024, when the "
            "North East Mayoral Combined Authority (NECA) took over its area and that of the old North "
            "East Combined Authority. Its members (Newcastle upon Tyne, North Tyneside, Northumberland) "
            "move to NECA and NTCA is dropped from the current councils (397 source rows become 396 "
            "before the additions below); E47000011 stays findable as a former GSS code of NECA. "
            "NECA's population and centroid become the sum of its members' 2020 populations and their "
            "population-weighted mean centroid."
        ),
        source=(
            "The North East Mayoral Combined Authority (Establishment and Functions) Order 2024, SI "
            "2024/402 (legislation.gov.uk/uksi/2024/402), articles 3 and 5; shared/data/README.md."
        ),
    ),
    AddCombinedAuthority(
        id="add-lancashire-cca",
        applied=True,
        gss="E47000018",
        code="LCCA",
        name="Lancashire CCA",
        official_name="Lancashire Combined County Authority",
        region="North West",
        members=("E10000017", "E06000008", "E06000009"),
        alt_names=("Lancashire Combined Authority", "LCCA"),
        note=(
            "Missing from the source. Established February 2025; constituent councils Lancashire County "
            "Council, Blackburn with Darwen and Blackpool. GSS E47000018 as listed by ONS Combined "
            "Authorities (May 2025) names and codes. Population and centroid are derived from the "
            "members (sum of 2020 populations; population-weighted mean centroid)."
        ),
        source=(
            "The Lancashire Combined County Authority Regulations 2025, SI 2025/118 "
            "(legislation.gov.uk/uksi/2025/118), regulation 2; GSS code from ONS Open Geography Portal "
            "'Combined Authorities (May 2025) Names and Codes in England' as used by "
            "github.com/chris-page-gov/okf-uk-living scripts/refresh_authority_registry.py and "
            "github.com/dfe-analytical-services/dfeR tests/testthat/_snaps/fetch_mayoral.md (2025)."
        ),
    ),
    AddCombinedAuthority(
        id="add-devon-torbay-cca",
        applied=True,
        gss="E47000015",
        code="DTCA",
        name="Devon and Torbay CCA",
        official_name="Devon and Torbay Combined County Authority",
        region="South West",
        members=("E10000008", "E06000027"),
        alt_names=("Devon & Torbay CCA", "Devon and Torbay Combined Authority", "DTCCA"),
        note=(
            "Missing from the source. Established February 2025; constituent councils Devon County "
            "Council and Torbay Council. GSS E47000015 as listed by ONS Combined Authorities (May 2025) "
            "names and codes. Population and centroid are derived from the members (sum of 2020 "
            "populations; population-weighted mean centroid)."
        ),
        source=(
            "The Devon and Torbay Combined County Authority Regulations 2025, SI 2025/115 "
            "(legislation.gov.uk/uksi/2025/115); GSS code from ONS Open Geography Portal 'Combined "
            "Authorities (May 2025) Names and Codes in England' as used by "
            "github.com/chris-page-gov/okf-uk-living scripts/refresh_authority_registry.py and "
            "github.com/dfe-analytical-services/dfeR tests/testthat/_snaps/fetch_mayoral.md (2025)."
        ),
    ),
    RecodeCouncil(
        id="neca-2024-gss-code",
        applied=True,
        old_gss=NECA_SOURCE,
        new_gss=NECA_ONS_2024,
        official_name="North East Mayoral Combined Authority",
        alt_names=("North East Mayoral CA",),
        note=(
            "SI 2024/402 abolished both the old North East CA and NTCA and established a new body, the "
            "North East Mayoral Combined Authority, on 7 May 2024; ONS codes its area E47000014 "
            "(E47000010 and E47000011 do not appear in the 2024 and 2025 combined-authority lists). "
            "The source still carries E47000010, which is kept, with E47000011 and E47000005, as "
            "former GSS codes. Set applied=False to keep the source code."
        ),
        source=(
            "SI 2024/402; ONS Open Geography Portal combined-authority names and codes 2024 and 2025 as "
            "used by github.com/dfe-analytical-services/dfeR tests/testthat/_snaps/fetch_mayoral.md and "
            "github.com/chris-page-gov/okf-uk-living scripts/refresh_authority_registry.py."
        ),
    ),
    NearestByCentroid(
        id="scottish-islands-nearest",
        applied=True,
        councils=("S12000013", "S12000023", "S12000027"),
        note=(
            "The ONS nearby lists of Na h-Eileanan Siar (Hastings, 918 km away) and of Orkney and "
            "Shetland (Isles of Scilly, 1,033 and 1,206 km) are artefacts of the source, not "
            "neighbours. These three islands take their 3 nearest current district-level councils by "
            "great-circle distance between the mySociety centroids instead. The other three islands "
            "(Isle of Wight, Isles of Scilly, Isle of Anglesey) keep the ONS nearby list."
        ),
        source="lad21_neighbours.json; centroids from uk_local_authorities_current.csv (lat, long).",
    ),
    CountyCentroidsFromDistricts(
        id="county-centroids-from-districts",
        applied=True,
        note=(
            "Several county (E10) centroids in the source lie far outside the county (Lancashire's is "
            "188 km from its districts, in the East Midlands; Gloucestershire 99 km, Suffolk 87 km, "
            "Devon 85 km). County lat/lon are replaced by the population-weighted mean of their "
            "districts' centroids (rounded to 6 decimals), so that centroid distances (DESIGN §2.5) "
            "are meaningful."
        ),
        source="uk_local_authorities_current.csv (lat, long, pop-2020 of the districts).",
    ),
    KeepAsGiven(
        id="county-regions-as-given",
        applied=False,
        councils=("E10000007", "E10000019"),
        note=(
            "The source gives Derbyshire County Council the region 'West Midlands' and Lincolnshire "
            "County Council 'Yorkshire and The Humber', while all their districts are in the East "
            "Midlands. Regions are kept as given (the registry takes the region and nation columns as "
            "the source states them); change applied to True only with a decision to correct them."
        ),
        source="uk_local_authorities_current.csv (region).",
    ),
)


# --------------------------------------------------------------------------------------------------
# Reading the inputs


@dataclass
class _Draft:
    """A council while it is being built (mutable); frozen into a ``Council`` at the end."""

    gss: str
    code: str
    name: str
    official_name: str
    type: str
    type_name: str
    nation: str
    region: str
    district_level: bool
    county: str | None
    combined_authority: str | None
    lat: float | None
    lon: float | None
    population: int | None
    alt_names: list[str]
    former_gss: list[str]
    neighbours: list[str] = field(default_factory=list)
    neighbour_basis: NeighbourBasis = "none"
    members: list[str] = field(default_factory=list)

    def freeze(self) -> Council:
        """The shipped record: alternative names cleaned, former codes de-duplicated, members sorted."""
        final = replace(
            self,
            alt_names=_alt_names(self.alt_names, self.name, self.official_name),
            former_gss=_dedupe(self.former_gss),
            members=sorted(self.members),
        )
        return msgspec.convert(final, Council, from_attributes=True)


@dataclass(frozen=True)
class _Neighbours:
    border: tuple[str, ...]
    nearby: tuple[str, ...]


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [dict(row) for row in csv.DictReader(handle)]


def _read_neighbours(path: Path) -> dict[str, _Neighbours]:
    """The ONS file: ``{gss: [[bordering...] | null, nearby, nearby, ...]}``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: expected an object keyed by GSS code")
    result: dict[str, _Neighbours] = {}
    for gss, value in raw.items():
        if not isinstance(value, list) or not value:
            raise ValueError(f"{path.name}: {gss}: expected a non-empty list")
        first, rest = value[0], value[1:]
        border = [] if first is None else first
        if not isinstance(border, list) or not all(isinstance(x, str) for x in border):
            raise ValueError(f"{path.name}: {gss}: element 0 must be a list of GSS codes or null")
        if not all(isinstance(x, str) for x in rest):
            raise ValueError(f"{path.name}: {gss}: nearby entries must be GSS codes")
        result[str(gss)] = _Neighbours(tuple(border), tuple(str(x) for x in rest))
    return result


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _optional_int(text: str) -> int | None:
    return int(float(text)) if text.strip() else None


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


_MOJIBAKE = ("\ufffd", "\u00ef\u00bf", "\u00ef\u00be", "\u00c3")
"""Signs of text decoded with the wrong encoding in the source ("Sir Ynys M\u00ef\u00bf\u00bdn"): such
alternative names are dropped rather than guessed at."""

_ALT_SPLIT = re.compile(r",(?! )")
"""The alt-names column joins names with ',' while names themselves contain ', '."""


def _alt_names(candidates: Iterable[str], name: str, official_name: str) -> list[str]:
    """Distinct alternative names (case-insensitive), in order, without the name and official name."""
    seen = {name.casefold(), official_name.casefold()}
    result: list[str] = []
    for candidate in candidates:
        text = candidate.strip()
        key = text.casefold()
        if text and key not in seen and not any(marker in text for marker in _MOJIBAKE):
            seen.add(key)
            result.append(text)
    return result


def _alt_name_candidates(column: str, lookup: Sequence[str]) -> list[str]:
    """The row's own alt-names, then the name lookup's names for the same code.

    A few lookup names contain bare commas ("rhondda,cynon,taff"); splitting the column would cut them
    into fragments ("cynon"), which are dropped when the lookup shows they are fragments.
    """
    known = {name.strip().casefold() for name in lookup}
    fragments = {part.strip().casefold() for name in lookup if "," in name for part in name.split(",")}
    column_names = [
        part.strip()
        for part in _ALT_SPLIT.split(column)
        if part.strip() and (part.strip().casefold() in known or part.strip().casefold() not in fragments)
    ]
    return column_names + [name.strip() for name in lookup]


def _split_codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _distance_km(a: _Draft, b: _Draft) -> float:
    """Great-circle distance between two centroids."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return math.inf
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


# --------------------------------------------------------------------------------------------------
# Building


def _drafts(rows: Sequence[dict[str, str]], names: dict[str, list[str]]) -> dict[str, _Draft]:
    current = [row for row in rows if row["current-authority"] == "True"]
    gss_of_code = {row["local-authority-code"]: row["gss-code"] for row in current}
    if len(gss_of_code) != len(current) or len({row["gss-code"] for row in current}) != len(current):
        raise ValueError(f"{AUTHORITIES_FILE}: duplicate codes among current authorities")

    def gss_for(code: str, column: str, row: dict[str, str]) -> str | None:
        if not code:
            return None
        if code not in gss_of_code:
            raise ValueError(f"{row['gss-code']}: {column} {code!r} is not a current authority")
        return gss_of_code[code]

    drafts: dict[str, _Draft] = {}
    for row in current:
        name = row["nice-name"].strip()
        official_name = row["official-name"].strip()
        drafts[row["gss-code"]] = _Draft(
            gss=row["gss-code"],
            code=row["local-authority-code"],
            name=name,
            official_name=official_name,
            type=row["local-authority-type"],
            type_name=row["local-authority-type-name"],
            nation=row["nation"],
            region=row["region"],
            district_level=row["lower-or-unitary"] == "True",
            county=gss_for(row["county-la"], "county-la", row),
            combined_authority=gss_for(row["combined-authority"], "combined-authority", row),
            lat=_optional_float(row["lat"]),
            lon=_optional_float(row["long"]),
            population=_optional_int(row["pop-2020"]),
            alt_names=_alt_name_candidates(row["alt-names"], names.get(row["local-authority-code"], [])),
            former_gss=_split_codes(row["former-gss-codes"]),
        )
    return drafts


def _successors(rows: Sequence[dict[str, str]]) -> dict[str, tuple[str, ...]]:
    """Map every GSS code in the source (current, former, abolished) to current council GSS codes."""
    by_code = {row["local-authority-code"]: row for row in rows}
    if len(by_code) != len(rows):
        raise ValueError(f"{AUTHORITIES_FILE}: duplicate local-authority-code values")

    def resolve(code: str, seen: frozenset[str]) -> tuple[str, ...]:
        if code in seen:
            raise ValueError(f"{AUTHORITIES_FILE}: replaced-by cycle through {code}")
        row = by_code.get(code)
        if row is None:
            raise ValueError(f"{AUTHORITIES_FILE}: replaced-by names unknown code {code!r}")
        if row["current-authority"] == "True":
            return (row["gss-code"],)
        successors = _split_codes(row["replaced-by"])
        if not successors:
            raise ValueError(f"{AUTHORITIES_FILE}: {code} is neither current nor replaced")
        return tuple(_dedupe(g for s in successors for g in resolve(s, seen | {code})))

    result: dict[str, tuple[str, ...]] = {}
    for row in rows:
        if row["current-authority"] != "True" and not row["replaced-by"]:
            continue  # abolished without a successor in the file; never referenced by the neighbours
        result[row["gss-code"]] = resolve(row["local-authority-code"], frozenset())
        if row["current-authority"] == "True":
            for former in _split_codes(row["former-gss-codes"]):
                result.setdefault(former, (row["gss-code"],))
    return result


def _collapse(
    codes: Iterable[str], successors: dict[str, tuple[str, ...]], own: str, allowed: set[str]
) -> list[str]:
    result: list[str] = []
    for code in codes:
        if code not in successors:
            raise ValueError(f"{NEIGHBOURS_FILE}: {code} is not in {AUTHORITIES_FILE}")
        for gss in successors[code]:
            if gss not in allowed:
                raise ValueError(f"{NEIGHBOURS_FILE}: {code} resolves to {gss}, not a district-level council")
            if gss != own:
                result.append(gss)
    return _dedupe(result)


def _set_district_neighbours(
    drafts: dict[str, _Draft],
    neighbours: dict[str, _Neighbours],
    successors: dict[str, tuple[str, ...]],
    corrections: Sequence[Correction],
) -> None:
    districts = {gss for gss, draft in drafts.items() if draft.district_level}
    sources: dict[str, list[str]] = {gss: [] for gss in districts}
    for key in sorted(neighbours):
        targets = successors.get(key, ())
        if len(targets) != 1 or targets[0] not in districts:
            raise ValueError(f"{NEIGHBOURS_FILE}: {key} does not resolve to exactly one current district")
        sources[targets[0]].append(key)
    missing = sorted(gss for gss, keys in sources.items() if not keys)
    if missing:
        raise ValueError(f"{NEIGHBOURS_FILE}: no entry for current district-level councils {missing}")

    # Borders: the predecessors' lists in GSS order, each longest border first; then symmetric.
    for gss in sorted(districts):
        codes = [code for key in sources[gss] for code in neighbours[key].border]
        drafts[gss].neighbours = _collapse(codes, successors, gss, districts)
        drafts[gss].neighbour_basis = "border"
    for gss in sorted(districts):
        for other in list(drafts[gss].neighbours):
            if gss not in drafts[other].neighbours:
                drafts[other].neighbours.append(gss)

    # Islands: no land border.
    by_centroid = {
        gss for c in corrections if isinstance(c, NearestByCentroid) and c.applied for gss in c.councils
    }
    for gss in sorted(districts):
        draft = drafts[gss]
        if draft.neighbours:
            continue
        draft.neighbour_basis = "nearest"
        others = sorted((_distance_km(draft, drafts[other]), other) for other in districts if other != gss)
        if gss in by_centroid:
            draft.neighbours = [other for _, other in others[:NEARBY_TAKEN]]
            continue
        codes = [code for key in sources[gss] for code in neighbours[key].nearby]
        draft.neighbours = _collapse(codes, successors, gss, districts)[:NEARBY_TAKEN]
        nearest = others[0][0]
        for other in draft.neighbours:
            distance = _distance_km(draft, drafts[other])
            if distance > PLAUSIBLE_FACTOR * nearest:
                raise ValueError(
                    f"{NEIGHBOURS_FILE}: island {gss} ({draft.name}) lists {other} "
                    f"({drafts[other].name}) {distance:.0f} km away as nearby, but {others[0][1]} is "
                    f"{nearest:.0f} km away: add the island to a NearestByCentroid correction"
                )


def _set_members(drafts: dict[str, _Draft]) -> None:
    for draft in drafts.values():
        draft.members = []
    for gss in sorted(drafts):
        draft = drafts[gss]
        if draft.county is not None:
            drafts[draft.county].members.append(gss)
        if draft.combined_authority is not None:
            drafts[draft.combined_authority].members.append(gss)


def _distinct_members(drafts: dict[str, _Draft], members: Iterable[str]) -> list[_Draft]:
    """Members that do not overlap: a district whose county is also a member counts through it."""
    chosen = set(members)
    return [
        drafts[gss]
        for gss in sorted(chosen)
        if drafts[gss].county is None or drafts[gss].county not in chosen
    ]


def _population_of_members(drafts: dict[str, _Draft], members: Iterable[str]) -> int | None:
    """Sum of the members' 2020 populations (None if any is unknown)."""
    total = 0
    for member in _distinct_members(drafts, members):
        if member.population is None:
            return None
        total += member.population
    return total


def _centroid_of_members(drafts: dict[str, _Draft], members: Iterable[str]) -> tuple[float, float] | None:
    """Population-weighted mean of the members' centroids, rounded to 6 decimals (None if unknown)."""
    points: list[tuple[float, float, int]] = []
    for member in _distinct_members(drafts, members):
        if member.lat is None or member.lon is None or member.population is None:
            return None
        points.append((member.lat, member.lon, member.population))
    total = sum(p for _, _, p in points)
    if total <= 0:
        return None
    lat = sum(lat * p for lat, _, p in points) / total
    lon = sum(lon * p for _, lon, p in points) / total
    return round(lat, 6), round(lon, 6)


def _merge(drafts: dict[str, _Draft], correction: MergeCombinedAuthority) -> None:
    if correction.dissolved not in drafts or correction.into not in drafts:
        raise ValueError(f"correction {correction.id}: {correction.dissolved} or {correction.into} missing")
    for draft in drafts.values():
        if draft.combined_authority == correction.dissolved:
            draft.combined_authority = correction.into
    del drafts[correction.dissolved]
    drafts[correction.into].former_gss.append(correction.dissolved)


def _add(drafts: dict[str, _Draft], correction: AddCombinedAuthority) -> None:
    if correction.gss is None:
        raise ValueError(f"correction {correction.id}: cannot apply without a verified GSS code")
    if correction.gss in drafts:
        raise ValueError(f"correction {correction.id}: {correction.gss} already exists")
    for member in correction.members:
        if member not in drafts:
            raise ValueError(f"correction {correction.id}: member {member} is not a current council")
        existing = drafts[member].combined_authority
        if existing is not None:
            raise ValueError(f"correction {correction.id}: {member} already belongs to {existing}")
        drafts[member].combined_authority = correction.gss
    drafts[correction.gss] = _Draft(
        gss=correction.gss,
        code=correction.code,
        name=correction.name,
        official_name=correction.official_name,
        type="COMB",
        type_name="Combined authority",
        nation="England",
        region=correction.region,
        district_level=False,
        county=None,
        combined_authority=None,
        lat=None,
        lon=None,
        population=None,
        alt_names=list(correction.alt_names),
        former_gss=[],
    )


def _recode(drafts: dict[str, _Draft], correction: RecodeCouncil) -> None:
    old, new = correction.old_gss, correction.new_gss
    if old not in drafts or new in drafts:
        raise ValueError(f"correction {correction.id}: cannot recode {old} to {new}")
    draft = drafts.pop(old)
    draft.gss = new
    draft.former_gss.append(old)
    if correction.official_name is not None:
        draft.alt_names.insert(0, draft.official_name)
        draft.official_name = correction.official_name
    draft.alt_names.extend(correction.alt_names)
    drafts[new] = draft
    for other in drafts.values():
        if other.county == old:
            other.county = new
        if other.combined_authority == old:
            other.combined_authority = new
        other.neighbours = [new if gss == old else gss for gss in other.neighbours]
        other.members = [new if gss == old else gss for gss in other.members]


def _set_county_neighbours(drafts: dict[str, _Draft]) -> None:
    for county in sorted(gss for gss, draft in drafts.items() if draft.type == "CTY"):
        districts = [gss for gss in drafts[county].members if drafts[gss].district_level]
        if not districts:
            raise ValueError(f"county {county} has no districts")
        inside = set(districts)
        counts: dict[str, int] = {}
        for district in sorted(districts):
            if drafts[district].neighbour_basis != "border":
                continue
            for other in drafts[district].neighbours:
                if other in inside:
                    continue
                target = drafts[other].county or other
                if target != county:
                    counts[target] = counts.get(target, 0) + 1
        # Most shared district borders first; ties keep the order of first appearance.
        drafts[county].neighbours = sorted(counts, key=lambda gss: -counts[gss])
        drafts[county].neighbour_basis = "derived"


def _county_centroids(drafts: dict[str, _Draft]) -> None:
    for county in sorted(gss for gss, draft in drafts.items() if draft.type == "CTY"):
        centroid = _centroid_of_members(drafts, drafts[county].members)
        if centroid is not None:
            drafts[county].lat, drafts[county].lon = centroid


def _check(drafts: dict[str, _Draft]) -> None:
    """Structural invariants of the result; any failure is a bug or a source change to look at."""
    for gss, draft in drafts.items():
        refs = [*draft.neighbours, *draft.members]
        refs += [x for x in (draft.county, draft.combined_authority) if x is not None]
        unknown = sorted(set(refs) - drafts.keys())
        if unknown:
            raise ValueError(f"{gss}: references unknown councils {unknown}")
        if gss in draft.neighbours or len(set(draft.neighbours)) != len(draft.neighbours):
            raise ValueError(f"{gss}: neighbours must be distinct and exclude itself")
        if draft.district_level:
            if not draft.neighbours:
                raise ValueError(f"{gss}: district-level council without neighbours")
            if draft.neighbour_basis == "border":
                for other in draft.neighbours:
                    if gss not in drafts[other].neighbours or drafts[other].neighbour_basis != "border":
                        raise ValueError(f"{gss}: border with {other} is not symmetric")
        elif draft.type == "CTY":
            for other in draft.neighbours:
                target = drafts[other]
                if not (target.type == "CTY" or (target.district_level and target.county is None)):
                    raise ValueError(f"{gss}: derived neighbour {other} is not a county or unitary")
        elif draft.neighbours:
            raise ValueError(f"{gss}: only district-level councils and counties have neighbours")


def build_registry(source: Path, corrections: Sequence[Correction] = CORRECTIONS) -> Registry:
    """Derive the registry from the files in ``source`` (the shared/data folder)."""
    rows = _read_csv(source / AUTHORITIES_FILE)
    names: dict[str, list[str]] = {}
    for row in _read_csv(source / NAMES_FILE):
        names.setdefault(row["local-authority-code"], []).append(row["la-name"])
    neighbours = _read_neighbours(source / NEIGHBOURS_FILE)

    drafts = _drafts(rows, names)
    _set_district_neighbours(drafts, neighbours, _successors(rows), corrections)

    applied = [c for c in corrections if c.applied]
    touched: set[str] = set()
    for correction in applied:
        if isinstance(correction, MergeCombinedAuthority):
            _merge(drafts, correction)
            touched.add(correction.into)
        elif isinstance(correction, AddCombinedAuthority):
            _add(drafts, correction)
            touched.add(str(correction.gss))
    _set_members(drafts)
    _set_county_neighbours(drafts)
    if any(isinstance(c, CountyCentroidsFromDistricts) for c in applied):
        _county_centroids(drafts)
    for gss in sorted(touched):  # combined authorities whose membership a correction changed
        drafts[gss].population = _population_of_members(drafts, drafts[gss].members)
        centroid = _centroid_of_members(drafts, drafts[gss].members)
        drafts[gss].lat, drafts[gss].lon = centroid if centroid is not None else (None, None)
    for correction in applied:
        if isinstance(correction, RecodeCouncil):
            _recode(drafts, correction)
    _check(drafts)

    files = [
        f"{AUTHORITIES_FILE} (sha256 {_sha256(source / AUTHORITIES_FILE)[:16]})",
        f"{NAMES_FILE} (sha256 {_sha256(source / NAMES_FILE)[:16]})",
    ]
    generated_from = (
        f"{MYSOCIETY_DATASET}: {', '.join(files)}; {ONS_DATASET}: {NEIGHBOURS_FILE} "
        f"(sha256 {_sha256(source / NEIGHBOURS_FILE)[:16]}); built by taxonomy.build_councils with "
        f"corrections applied: {', '.join(c.id for c in applied) or 'none'}; recorded, not applied: "
        f"{', '.join(c.id for c in corrections if not c.applied) or 'none'}."
    )
    return Registry(
        source=SOURCE_TEXT,
        generated_from=generated_from,
        councils=tuple(drafts[gss].freeze() for gss in sorted(drafts)),
    )


def encode_registry(registry: Registry) -> bytes:
    """The shipped file's exact bytes: one-space indented JSON with a final newline."""
    return msgspec.json.format(msgspec.json.encode(registry), indent=1) + b"\n"


def summary(registry: Registry) -> str:
    councils = registry.councils
    district = [c for c in councils if c.district_level]
    pairs = {frozenset((c.gss, n)) for c in district if c.neighbour_basis == "border" for n in c.neighbours}
    islands = [c.name for c in district if c.neighbour_basis == "nearest"]
    return (
        f"{len(councils)} councils, {len(district)} district-level, {len(pairs)} bordering pairs, "
        f"islands: {', '.join(islands)}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    repo = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(
        prog="python -m taxonomy.build_councils", description="Build the council registry."
    )
    parser.add_argument(
        "--source", type=Path, default=repo.parent / "shared" / "data", help="shared/data folder"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_PATH, help="registry JSON to write")
    parser.add_argument("--check", action="store_true", help="fail if --output differs instead of writing it")
    args = parser.parse_args(argv)
    registry = build_registry(args.source)
    data = encode_registry(registry)
    output: Path = args.output
    if args.check:
        if not output.exists() or output.read_bytes() != data:
            print(f"{output} is out of date: re-run without --check", file=sys.stderr)
            return 1
        print(f"{output} is up to date: {summary(registry)}")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data)
    print(f"wrote {output}: {summary(registry)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
