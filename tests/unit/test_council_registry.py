"""The shipped council registry (taxonomy/data/councils.json) and the builder that derives it."""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest

from taxonomy.build_councils import (
    CORRECTIONS,
    AddCombinedAuthority,
    MergeCombinedAuthority,
    build_registry,
    encode_registry,
)
from taxonomy.councils import DEFAULT_PATH, Council, Registry, load_registry

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
"""The reference data beside the repository (``../shared/data``), when it is there."""

ISLANDS = {
    "E06000046": "Isle of Wight",
    "E06000053": "Isles of Scilly",
    "S12000013": "Eilean Siar",
    "S12000023": "Orkney Islands",
    "S12000027": "Shetland Islands",
    "W06000001": "Isle of Anglesey",
}
SOURCE_CURRENT = 397
DISTRICT_LEVEL = 361
BORDER_PAIRS = 929


@functools.cache
def _registry() -> Registry:
    return load_registry()


@functools.cache
def _by_gss() -> dict[str, Council]:
    return {council.gss: council for council in _registry().councils}


def _by_code(code: str) -> Council:
    matches = [council for council in _registry().councils if council.code == code]
    assert len(matches) == 1, code
    return matches[0]


def _district_level() -> list[Council]:
    return [council for council in _registry().councils if council.district_level]


def _added() -> list[AddCombinedAuthority]:
    return [c for c in CORRECTIONS if isinstance(c, AddCombinedAuthority) and c.applied]


def test_registry_loads_sorted_and_unique() -> None:
    registry = _registry()
    codes = [council.gss for council in registry.councils]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    assert len({council.code for council in registry.councils}) == len(codes)
    assert "mySociety" in registry.source
    assert "CC BY 4.0" in registry.source
    assert "Office for National Statistics" in registry.source
    assert "v1.6.1" in registry.generated_from


def test_current_council_count_as_built() -> None:
    merged = sum(1 for c in CORRECTIONS if isinstance(c, MergeCombinedAuthority) and c.applied)
    assert len(_registry().councils) == SOURCE_CURRENT - merged + len(_added())
    assert len(_registry().councils) == 398  # 397 - North of Tyne + Lancashire CCA + Devon and Torbay CCA


def test_counts_by_type() -> None:
    counts = Counter(council.type for council in _registry().councils)
    assert counts == {
        "NMD": 164,
        "UA": 63,
        "MD": 36,
        "LBO": 32,
        "CC": 1,
        "CTY": 21,
        "COMB": 14 - 1 + len(_added()),
        "SRA": 1,
        "SCO": 32,
        "WPA": 22,
        "NID": 11,
    }


def test_district_level_count() -> None:
    assert len(_district_level()) == DISTRICT_LEVEL
    assert all(council.type not in {"CTY", "COMB", "SRA"} for council in _district_level())


def test_bordering_pairs_are_symmetric_and_929() -> None:
    councils = _by_gss()
    pairs: set[frozenset[str]] = set()
    for council in _district_level():
        if council.neighbour_basis != "border":
            continue
        for other in council.neighbours:
            assert councils[other].district_level, (council.gss, other)
            assert councils[other].neighbour_basis == "border", (council.gss, other)
            assert council.gss in councils[other].neighbours, f"{council.gss} -> {other} is one-sided"
            pairs.add(frozenset((council.gss, other)))
    assert len(pairs) == BORDER_PAIRS


def test_one_sided_powys_borders_are_made_symmetric() -> None:
    powys = _by_gss()["W06000023"].neighbours
    assert "W06000021" in powys  # Monmouthshire: listed only on Monmouthshire's side in the source
    assert "W06000024" in powys  # Merthyr Tydfil: likewise


def test_every_district_level_council_has_distinct_neighbours() -> None:
    for council in _district_level():
        assert council.neighbours, council.gss
        assert council.gss not in council.neighbours
        assert len(set(council.neighbours)) == len(council.neighbours)
        assert council.neighbour_basis in {"border", "nearest"}


def test_islands_use_nearest_councils() -> None:
    councils = _by_gss()
    nearest = {council.gss for council in _district_level() if council.neighbour_basis == "nearest"}
    assert nearest == set(ISLANDS)
    for gss in ISLANDS:
        island = councils[gss]
        assert 1 <= len(island.neighbours) <= 3
        assert all(councils[other].district_level for other in island.neighbours)
    assert councils["E06000053"].neighbours[0] == "E06000052"  # Isles of Scilly: Cornwall first
    assert councils["W06000001"].neighbours[:2] == ("W06000003", "W06000002")  # Anglesey: Conwy, Gwynedd
    for gss in ("S12000013", "S12000023", "S12000027"):  # never Hastings or the Isles of Scilly
        assert all(other.startswith("S12") for other in councils[gss].neighbours), gss


def test_abolished_districts_collapse_to_successors() -> None:
    councils = _by_gss()
    cumberland = councils["E06000063"].neighbours
    assert "E06000064" in cumberland  # Westmorland and Furness
    assert "E06000057" in cumberland  # Northumberland
    assert "E06000065" in councils["E06000005"].neighbours  # Darlington borders North Yorkshire
    assert "E06000066" in councils["E06000022"].neighbours  # Bath and North East Somerset: Somerset
    abolished = {"E07000026", "E07000163", "E07000187", "E07000246"}
    for council in _registry().councils:
        assert not abolished & set(council.neighbours), council.gss


def test_counties_have_derived_neighbours_that_are_counties_or_unitaries() -> None:
    councils = _by_gss()
    counties = [council for council in _registry().councils if council.type == "CTY"]
    assert len(counties) == 21
    for county in counties:
        assert county.neighbour_basis == "derived"
        assert county.neighbours, county.gss
        assert county.gss not in county.neighbours
        for other in map(councils.__getitem__, county.neighbours):
            assert other.type == "CTY" or (other.district_level and other.county is None), (
                county.gss,
                other.gss,
            )
        districts = {council.gss for council in _registry().councils if council.county == county.gss}
        assert set(county.members) == districts
        assert all(councils[gss].type == "NMD" for gss in districts)
    kent = councils["E10000016"]
    assert {"E10000011", "E06000035", "E10000030"} <= set(kent.neighbours)  # E Sussex, Medway, Surrey


def test_combined_authorities_have_members_and_no_neighbours() -> None:
    councils = _by_gss()
    for council in _registry().councils:
        if council.type in {"COMB", "SRA"}:
            assert council.neighbour_basis == "none"
            assert council.neighbours == ()
            assert council.members, council.gss
            members = {c.gss for c in _registry().councils if c.combined_authority == council.gss}
            assert set(council.members) == members
        elif council.type != "CTY":
            assert council.members == ()
    assert len(councils["E61000001"].members) == 33  # the GLA: 32 boroughs and the City


def test_neca_absorbs_north_of_tyne() -> None:
    neca = _by_code("NECA")
    names = {_by_gss()[gss].name for gss in neca.members}
    assert {"Newcastle upon Tyne", "North Tyneside", "Northumberland"} <= names
    assert {"County Durham", "Gateshead", "South Tyneside", "Sunderland"} <= names
    assert len(neca.members) == 7
    assert "E47000011" in neca.former_gss
    assert all(council.code != "NTCA" for council in _registry().councils)
    assert "E47000011" not in _by_gss()
    assert all(council.combined_authority != "E47000011" for council in _registry().councils)


def test_added_combined_county_authorities() -> None:
    councils = _by_gss()
    expected = {
        "Lancashire Combined County Authority": {"Lancashire", "Blackburn with Darwen", "Blackpool"},
        "Devon and Torbay Combined County Authority": {"Devon", "Torbay"},
    }
    for added in _added():
        assert added.gss is not None
        council = councils[added.gss]
        assert council.official_name in expected
        assert {councils[gss].name for gss in council.members} == expected[council.official_name]
    for correction in CORRECTIONS:
        assert correction.note
        assert correction.source
        if isinstance(correction, AddCombinedAuthority) and not correction.applied:
            assert correction.gss is None or correction.gss not in councils


def test_every_reference_resolves() -> None:
    councils = _by_gss()
    for council in _registry().councils:
        references = [*council.neighbours, *council.members]
        references += [ref for ref in (council.county, council.combined_authority) if ref is not None]
        for ref in references:
            assert ref in councils, (council.gss, ref)
        if council.county is not None:
            assert councils[council.county].type == "CTY"
        if council.combined_authority is not None:
            assert councils[council.combined_authority].type in {"COMB", "SRA"}
        assert not set(council.former_gss) & councils.keys(), council.gss


def test_shipped_file_is_in_canonical_form() -> None:
    assert encode_registry(load_registry(DEFAULT_PATH)) == DEFAULT_PATH.read_bytes()


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"reference data not found at {SHARED_DATA}")
def test_builder_reproduces_shipped_file_byte_for_byte() -> None:
    assert encode_registry(build_registry(SHARED_DATA)) == DEFAULT_PATH.read_bytes()
