"""The peer benchmark (DESIGN §2.10) and its disclosure control, on plain data.

The adversarial tests do not trust ``sector.disclosive``: they try to single councils out the way an
attacker would, adding and subtracting the groups a council is shown (every combination of them
with small integer coefficients, which covers every set difference and inclusion–exclusion of up
to five groups), and check that every combination is either empty or covers at least 3 councils.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.analysis.benchmark import GROUP_KINDS, Peer, benchmark, quartiles
from api.analysis.gaps import gap_rows, readiness
from api.analysis.model import RequirementRow, TeamMember
from api.analysis.sector import _suppressed, disclosive, suppressed_groups

ROWS = [
    RequirementRow(skill="s", level=2, required=2, importance="essential", weight=3),
    RequirementRow(skill="t", level=3, required=1, importance="desirable", weight=1),
]


def team(s: int, t: int, size: int = 2) -> list[TeamMember]:
    return [TeamMember(reference=f"m{n}", levels={"s": s, "t": t}) for n in range(size)]


def peer(gss: str, s: int, *kinds: str) -> Peer:
    return Peer(gss=gss, team=team(s, 3), groups=frozenset({"all", *kinds}))  # type: ignore[arg-type]


def shown_sets(result_groups: Sequence[object], members: Mapping[str, set[str]]) -> list[set[str]]:
    return [members[g.key] for g in result_groups if not g.suppressed]  # type: ignore[attr-defined]


def attack(groups: Sequence[set[str]], threshold: int = 3, span: int = 2) -> list[tuple[int, ...]]:
    """Every integer combination (coefficients −span…span) of ``groups`` whose support has 1 to
    ``threshold − 1`` councils: what an attacker could single out. Empty when the groups are safe."""
    councils = sorted(set().union(*groups)) if groups else []
    found = []
    for coefficients in itertools.product(range(-span, span + 1), repeat=len(groups)):
        support = [
            gss for gss in councils if sum(c * (gss in g) for c, g in zip(coefficients, groups, strict=True))
        ]
        if 0 < len(support) < threshold:
            found.append(coefficients)
    return found


def test_region_minus_type_would_give_one_council_away() -> None:
    """Four adjacent metropolitan districts and one unitary neighbour in the same region: the
    region's figures minus the type's are the unitary's. Both the type and the neighbours group go."""
    peers = [peer(g, 3, "type", "region", "combined-authority", "neighbours") for g in ("a", "b", "c")]
    peers += [
        peer("d", 0, "type", "region", "combined-authority"),
        peer("u", 0, "region", "neighbours", "combined-authority"),
    ]
    result = benchmark(ROWS, team(3, 3), peers)
    by_key = {g.key: g for g in result.groups}
    assert by_key["type"].suppressed and by_key["neighbours"].suppressed
    assert not by_key["region"].suppressed and by_key["region"].councils == 5
    assert by_key["all"].councils == 5 and by_key["combined-authority"].councils == 5
    members = {k: {p.gss for p in peers if k in p.groups} for k in GROUP_KINDS}
    assert attack([members["region"], members["type"]]), "the attack the suppression blocks"
    assert attack(shown_sets(result.groups, members)) == []
    cell = by_key["region"].cells[0]
    assert (cell.red, cell.amber, cell.green) == (40.0, 0.0, 60.0)
    assert all(c.red is None and c.suppressed for c in by_key["type"].cells)
    assert by_key["type"].readiness is None and by_key["type"].councils is None


def test_own_figures_and_quartiles() -> None:
    peers = [peer(g, level, "type") for g, level in (("a", 0), ("b", 1), ("c", 2), ("d", 3))]
    result = benchmark(ROWS, team(2, 0, size=1), peers)
    assert [(r.skill, r.rag) for r in result.own] == [("s", "amber"), ("t", "red")]
    assert result.own_readiness == readiness(gap_rows(ROWS, team(2, 0, size=1)))
    scores = sorted(readiness(gap_rows(ROWS, p.team)) for p in peers)
    assert result.groups[GROUP_KINDS.index("all")].readiness == quartiles(scores)
    assert quartiles([10.0, 20.0, 30.0]).median == 20.0
    nobody = benchmark(ROWS, None, peers)
    assert nobody.own_readiness is None and {r.rag for r in nobody.own} == {None}


def test_small_groups_show_nothing() -> None:
    result = benchmark(ROWS, team(3, 3), [peer("a", 3, "type"), peer("b", 3, "type")])
    assert all(g.suppressed and g.councils is None for g in result.groups)


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 5, "b": 4}, set()),
        ({"a": 5, "b": 2}, {"a", "b"}),
        ({"a": 5, "b": 4, "c": 1}, {"b", "c"}),
        ({"a": 6, "b": 1, "c": 2}, {"b", "c"}),
        ({"a": 3, "b": 3, "c": 3}, set()),
    ],
)
def test_general_rule_is_the_sector_rule_on_a_partition(sizes: dict[str, int], hidden: set[str]) -> None:
    members = {key: [f"{key}{i}" for i in range(size)] for key, size in sizes.items()}
    everyone = [gss for found in members.values() for gss in found]
    assert suppressed_groups({**members, "~all": everyone}) == hidden == _suppressed(members, 3)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefg"), st.integers(0, 6), min_size=1))
def test_general_rule_agrees_with_the_sector_rule(sizes: dict[str, int]) -> None:
    members = {key: [f"{key}{i}" for i in range(size)] for key, size in sizes.items()}
    everyone = [gss for found in members.values() for gss in found]
    if len(everyone) < 3:
        return
    assert suppressed_groups({**members, "~all": everyone}) == _suppressed(members, 3)


GROUPS_OF = st.sets(st.sampled_from(["type", "region", "combined-authority", "neighbours"]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(GROUPS_OF, st.integers(0, 4)), min_size=0, max_size=14))
def test_no_combination_of_the_shown_groups_singles_anyone_out(
    drawn: list[tuple[set[str], int]],
) -> None:
    """Adversarial: whatever the peers and their groups, every sum or difference of the groups
    shown (each group a requester can ask for) covers no council or at least 3 of them."""
    peers = [peer(f"p{n}", level, *kinds) for n, (kinds, level) in enumerate(drawn)]
    result = benchmark(ROWS, team(2, 2), peers)
    members = {k: {p.gss for p in peers if k in p.groups} for k in GROUP_KINDS}
    shown = shown_sets(result.groups, members)
    assert attack(shown) == []
    for group in result.groups:
        if not group.suppressed:
            assert group.councils == len(members[group.key]) >= 3
    assert not disclosive({g.key: members[g.key] for g in result.groups if not g.suppressed})
