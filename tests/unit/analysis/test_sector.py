"""The sector view's shares and its disclosure control, on plain data."""

from __future__ import annotations

import pytest

from api.analysis.model import RequirementRow, TeamMember
from api.analysis.sector import SectorCouncil, _suppressed, sector_view

ROW = RequirementRow(skill="s", level=2, required=1, importance="important", weight=2)


def council(gss: str, region: str, kind: str, level: int) -> SectorCouncil:
    return SectorCouncil(
        gss=gss, region=region, council_type=kind, team=[TeamMember(reference="m", levels={"s": level})]
    )


@pytest.mark.parametrize(
    ("sizes", "hidden"),
    [
        ({"a": 5, "b": 4}, set()),
        ({"a": 5, "b": 2}, {"a", "b"}),  # b alone would be total − a: a goes too
        ({"a": 5, "b": 4, "c": 1}, {"b", "c"}),  # the smallest shown group covers c
        ({"a": 5, "b": 1, "c": 1, "d": 0}, {"a", "b", "c", "d"}),
        ({"a": 3, "b": 3, "c": 3}, set()),
        ({"a": 6, "b": 1, "c": 2}, {"b", "c"}),  # hidden together: 3 councils, nothing singles out
        ({"a": 0, "b": 4}, {"a"}),  # an empty group hides nothing
    ],
)
def test_suppression_rule(sizes: dict[str, int], hidden: set[str]) -> None:
    members = {key: [f"{key}{i}" for i in range(size)] for key, size in sizes.items()}
    assert _suppressed(members, 3) == hidden
    remainder = sum(sizes[key] for key in hidden)
    assert remainder == 0 or remainder >= 3


def test_shares_and_suppressed_groups_reveal_no_count() -> None:
    councils = [
        council("c1", "North", "MD", 0),
        council("c2", "North", "MD", 2),
        council("c3", "North", "MD", 2),
        council("c4", "North", "UA", 3),
        council("c5", "South", "UA", 3),
    ]
    result = sector_view(
        [ROW], councils, {"North": "North", "South": "South", "East": "East"}, {"MD": "Met", "UA": "Unitary"}
    )
    overall = result.overall
    assert (overall.councils, overall.cells[0].red, overall.cells[0].amber, overall.cells[0].green) == (
        5,
        20.0,
        0.0,
        80.0,
    )
    regions = {group.key: group for group in result.by_region}
    assert [group.key for group in result.by_region] == ["East", "North", "South"]
    assert regions["South"].suppressed and regions["North"].suppressed  # 1 council, and its complement
    assert regions["East"].suppressed and regions["East"].councils is None  # none: listed all the same
    assert all(cell.red is None for group in regions.values() for cell in group.cells)
    types = {group.key: group for group in result.by_council_type}
    assert (types["MD"].councils, types["UA"].suppressed) == (None, True)  # 3 and 2: both go


def test_fewer_than_three_councils_suppress_everything() -> None:
    result = sector_view(
        [ROW], [council("c1", "N", "MD", 4), council("c2", "N", "MD", 4)], {"N": "N"}, {"MD": "M"}
    )
    groups = [result.overall, *result.by_region, *result.by_council_type]
    assert all(group.suppressed and group.councils is None for group in groups)
    assert all(cell.suppressed and cell.green is None for group in groups for cell in group.cells)
