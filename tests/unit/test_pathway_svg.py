"""The pathway graph's layout (``api.framework.pathway_graph``, issue 16): every role placed once,
no two boxes overlapping, every edge joining two placed boxes, kept edges pointing down the page;
on random graphs (cycles, self-loops, isolated roles, dangling edges) and on the shipped framework."""

from __future__ import annotations

import re
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from api.framework.pathway_graph import (
    LINE_CHARACTERS,
    MAX_LINES,
    Edge,
    PathwayLayout,
    PlacedNode,
    RoleNode,
    layout,
    wrap_title,
)
from taxonomy.load import SHIPPED, load_framework

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[RoleNode], list[Edge]]:
    count = draw(st.integers(min_value=0, max_value=14))
    roles = [
        RoleNode(
            slug=f"role-{number}",
            title=draw(st.text(st.sampled_from("ab /&"), max_size=90)),
            band=draw(st.integers(min_value=1, max_value=6)),
        )
        for number in range(count)
    ]
    names = [role.slug for role in roles] + ["not-a-role"]
    edges = draw(
        st.lists(
            st.builds(
                Edge,
                from_role=st.sampled_from(names),
                to_role=st.sampled_from(names),
                kind=st.sampled_from(["progression", "lateral", "entry"]),
            ),
            max_size=30,
        )
    )
    return roles, edges


def overlap(a: PlacedNode, b: PlacedNode) -> bool:
    return a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height and b.y < a.y + a.height


def endpoints(path: str) -> tuple[tuple[float, float], tuple[float, float]]:
    numbers = [float(number) for number in NUMBER.findall(path)]
    return (numbers[0], numbers[1]), (numbers[-2], numbers[-1])


def on_border(node: PlacedNode, point: tuple[float, float]) -> bool:
    x, y = point
    inside = (
        node.x - 0.1 <= x <= node.x + node.width + 0.1 and node.y - 0.1 <= y <= node.y + node.height + 0.1
    )
    edge = min(abs(x - node.x), abs(x - node.x - node.width), abs(y - node.y), abs(y - node.y - node.height))
    return inside and edge <= 0.1


def check(roles: list[RoleNode], edges: list[Edge], placed: PathwayLayout) -> None:
    assert [node.slug for node in placed.nodes] == [role.slug for role in roles]
    for a, b in combinations(placed.nodes, 2):
        assert not overlap(a, b), (a, b)
    for node in placed.nodes:
        assert node.x >= 0 and node.x + node.width <= placed.width
        assert node.y >= 0 and node.y + node.height <= placed.height
        assert 0 <= node.layer < placed.layers
        assert 1 <= len(node.lines) <= MAX_LINES
    by_slug = {node.slug: node for node in placed.nodes}
    joinable = [edge for edge in edges if edge.from_role in by_slug and edge.to_role in by_slug]
    assert [(e.from_role, e.to_role, e.kind) for e in placed.edges] == [
        (e.from_role, e.to_role, e.kind) for e in joinable
    ]
    for edge in placed.edges:
        start, end = endpoints(edge.path)
        assert on_border(by_slug[edge.from_role], start), edge
        assert on_border(by_slug[edge.to_role], end), edge
        for x, y in (start, end):
            assert 0 <= x <= placed.width and 0 <= y <= placed.height


@given(graphs())
def test_every_role_placed_once_without_overlap_and_every_edge_joins_placed_roles(
    graph: tuple[list[RoleNode], list[Edge]],
) -> None:
    roles, edges = graph
    check(roles, edges, layout(roles, edges))


@given(graphs())
def test_without_cycles_every_edge_points_down_the_page(graph: tuple[list[RoleNode], list[Edge]]) -> None:
    """An acyclic graph keeps every edge for layering, so each ends in a lower layer than it starts."""
    roles, edges = graph
    rank = {role.slug: number for number, role in enumerate(roles)}
    forward = [
        e for e in edges if e.from_role in rank and e.to_role in rank and rank[e.from_role] < rank[e.to_role]
    ]
    placed = layout(roles, forward)
    layer = {node.slug: node.layer for node in placed.nodes}
    assert all(layer[edge.from_role] < layer[edge.to_role] for edge in forward)


def test_the_shipped_framework_reads_from_entry_to_director() -> None:
    framework = load_framework(SHIPPED)
    roles = [RoleNode(slug=r.slug, title=r.title, band=r.band) for r in framework.roles]
    edges = [Edge(from_role=e.from_role, to_role=e.to_role, kind=e.kind) for e in framework.pathways]
    placed = layout(roles, edges)
    check(roles, edges, placed)
    layer = {node.slug: node.layer for node in placed.nodes}
    assert layer["ed-trainee"] == 0
    assert layer["director-of-growth"] == placed.layers - 1
    assert all(layer[edge.from_role] < layer[edge.to_role] for edge in edges)


@given(st.text(max_size=300))
def test_titles_wrap_to_a_few_short_lines(title: str) -> None:
    lines = wrap_title(title)
    assert 1 <= len(lines) <= MAX_LINES
    assert all(len(line) <= LINE_CHARACTERS for line in lines)


def test_a_cycle_is_drawn_with_one_edge_pointing_back_up() -> None:
    roles = [RoleNode(slug=s, title=s, band=2) for s in ("a", "b", "c")]
    edges = [Edge(from_role=x, to_role=y, kind="lateral") for x, y in (("a", "b"), ("b", "c"), ("c", "a"))]
    placed = layout(roles, edges)
    check(roles, edges, placed)
    layer = {node.slug: node.layer for node in placed.nodes}
    assert (layer["a"], layer["b"], layer["c"]) == (0, 1, 2)
