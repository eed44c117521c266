"""A layered layout of the career pathway graph, for the server-rendered SVG of ``/framework/pathways``
(issue 16): roles are nodes, pathway edges are arrows. Pure: plain data in, coordinates out (no HTTP,
no database), so the properties that matter are tested directly (``tests/unit/test_pathway_svg.py``).

How it is laid out (a small Sugiyama-style layout, enough for a framework's dozen or so roles):

1. **Cycles are broken** for layering only: a depth-first search from the roles in seniority order
   (band, then framework order) sets aside every edge that would close a cycle (a lateral move back
   and forth). Every edge is still drawn.
2. **Layers by longest path**: a role with no way in sits in layer 0; any other role sits one layer
   below the furthest of its predecessors, so every kept edge points down the page and a career
   reads from entry at the top to director at the bottom.
3. **Order within a layer** by the barycentre of the predecessors' positions (two sweeps), which
   keeps most arrows short and uncrossed; ties keep seniority and framework order.
4. **Coordinates**: fixed-size boxes on a grid, each layer centred; titles wrapped to a few lines.

No two boxes overlap by construction (one grid cell each), and every edge joins two placed boxes.
"""

from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Sequence

import msgspec

NODE_WIDTH = 224
NODE_HEIGHT = 78
GAP_X = 28
GAP_Y = 64
MARGIN = 28
"""Room for a self-loop beside the rightmost box."""
LINE_CHARACTERS = 24
"""About what fits a box at the stylesheet's 16px graph text."""
MAX_LINES = 3
LINE_HEIGHT = 19
SWEEPS = 2


class RoleNode(msgspec.Struct, frozen=True, kw_only=True):
    """A role as the layout needs it."""

    slug: str
    title: str
    band: int


class Edge(msgspec.Struct, frozen=True, kw_only=True):
    from_role: str
    to_role: str
    kind: str


class PlacedNode(msgspec.Struct, frozen=True, kw_only=True):
    slug: str
    title: str
    band: int
    layer: int
    x: float
    y: float
    width: float
    height: float
    lines: tuple[str, ...]
    """The title wrapped to fit the box."""

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2

    @property
    def text_y(self) -> float:
        """Baseline of the first line, so the lines sit centred in the box."""
        block = LINE_HEIGHT * len(self.lines)
        return self.y + (self.height - block) / 2 + LINE_HEIGHT - 4


class PlacedEdge(msgspec.Struct, frozen=True, kw_only=True):
    from_role: str
    to_role: str
    kind: str
    path: str
    """SVG path data, from the edge of one box to the edge of the other."""


class PathwayLayout(msgspec.Struct, frozen=True, kw_only=True):
    width: float
    height: float
    nodes: tuple[PlacedNode, ...]
    edges: tuple[PlacedEdge, ...]
    layers: int
    line_height: int = LINE_HEIGHT
    """Between the lines of a wrapped title (the template's ``dy``)."""


def layout(roles: Sequence[RoleNode], edges: Sequence[Edge]) -> PathwayLayout:
    """Place every role once and route every edge whose two roles are among ``roles`` (the
    framework validator guarantees that for published editions; a draft may be mid-edit)."""
    order = {role.slug: position for position, role in enumerate(roles)}
    drawn = [edge for edge in edges if edge.from_role in order and edge.to_role in order]
    seniority = sorted(roles, key=lambda role: (role.band, order[role.slug]))
    kept = _acyclic(seniority, drawn)
    layer_of = _longest_path_layers(seniority, kept)
    rows = _ordered_rows(seniority, kept, layer_of)
    widest = max((len(row) for row in rows), default=0)
    width = 2 * MARGIN + widest * NODE_WIDTH + max(widest - 1, 0) * GAP_X
    height = 2 * MARGIN + len(rows) * NODE_HEIGHT + max(len(rows) - 1, 0) * GAP_Y
    by_slug = {role.slug: role for role in roles}
    placed: dict[str, PlacedNode] = {}
    for layer, row in enumerate(rows):
        offset = (widest - len(row)) * (NODE_WIDTH + GAP_X) / 2
        for column, slug in enumerate(row):
            role = by_slug[slug]
            placed[slug] = PlacedNode(
                slug=slug,
                title=role.title,
                band=role.band,
                layer=layer,
                x=MARGIN + offset + column * (NODE_WIDTH + GAP_X),
                y=MARGIN + layer * (NODE_HEIGHT + GAP_Y),
                width=NODE_WIDTH,
                height=NODE_HEIGHT,
                lines=wrap_title(role.title),
            )
    return PathwayLayout(
        width=width,
        height=height,
        nodes=tuple(placed[role.slug] for role in roles),
        edges=tuple(
            PlacedEdge(
                from_role=edge.from_role,
                to_role=edge.to_role,
                kind=edge.kind,
                path=_route(placed[edge.from_role], placed[edge.to_role]),
            )
            for edge in drawn
        ),
        layers=len(rows),
    )


def wrap_title(title: str) -> tuple[str, ...]:
    """At most ``MAX_LINES`` lines of about ``LINE_CHARACTERS``; a longer title ends in an ellipsis
    (the full title is the link's accessible name and is in the table beside the graph)."""
    lines = textwrap.wrap(title, LINE_CHARACTERS, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: LINE_CHARACTERS - 1].rstrip() + "…"
    return tuple(lines)


def _acyclic(seniority: Sequence[RoleNode], edges: Sequence[Edge]) -> list[Edge]:
    """``edges`` without the ones a depth-first search in seniority order finds closing a cycle
    (and without self-loops)."""
    rank = {role.slug: position for position, role in enumerate(seniority)}
    outgoing: dict[str, list[Edge]] = defaultdict(list)
    for edge in edges:
        outgoing[edge.from_role].append(edge)
    for slug in outgoing:
        outgoing[slug].sort(key=lambda edge: rank[edge.to_role])
    state: dict[str, int] = {}  # 1 on the search's path, 2 finished
    back: set[int] = set()
    for root in seniority:
        if root.slug in state:
            continue
        state[root.slug] = 1
        stack = [(root.slug, iter(outgoing[root.slug]))]
        while stack:
            slug, pending = stack[-1]
            step = next(pending, None)
            if step is None:
                state[slug] = 2
                stack.pop()
            elif state.get(step.to_role) == 1:
                back.add(id(step))
            elif step.to_role not in state:
                state[step.to_role] = 1
                stack.append((step.to_role, iter(outgoing[step.to_role])))
    return [edge for edge in edges if id(edge) not in back]


def _longest_path_layers(seniority: Sequence[RoleNode], edges: Sequence[Edge]) -> dict[str, int]:
    """Layer of each role: 0 without a predecessor, else one more than its deepest predecessor."""
    incoming: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        incoming[edge.to_role].append(edge.from_role)
    layer_of: dict[str, int] = {}
    for root in seniority:
        stack = [root.slug]
        while stack:
            slug = stack[-1]
            if slug in layer_of:
                stack.pop()
                continue
            waiting = [source for source in incoming[slug] if source not in layer_of]
            if waiting:
                stack.extend(waiting)  # acyclic, so this ends
                continue
            layer_of[slug] = 1 + max((layer_of[source] for source in incoming[slug]), default=-1)
            stack.pop()
    return layer_of


def _ordered_rows(
    seniority: Sequence[RoleNode], edges: Sequence[Edge], layer_of: dict[str, int]
) -> list[list[str]]:
    """Roles of each layer, left to right: seniority order, then barycentre sweeps downwards."""
    rows: list[list[str]] = [[] for _ in range(max(layer_of.values(), default=-1) + 1)]
    for role in seniority:
        rows[layer_of[role.slug]].append(role.slug)
    predecessors: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        predecessors[edge.to_role].append(edge.from_role)
    for _ in range(SWEEPS):
        position = {slug: column for row in rows for column, slug in enumerate(row)}
        for layer in range(1, len(rows)):
            keyed = [
                (_barycentre(predecessors[slug], position, column), column, slug)
                for column, slug in enumerate(rows[layer])
            ]
            rows[layer] = [slug for _, _, slug in sorted(keyed)]
            position.update({slug: column for column, slug in enumerate(rows[layer])})
    return rows


def _barycentre(sources: list[str], position: dict[str, int], column: int) -> float:
    """The mean column of a role's predecessors; a role without any keeps its own column."""
    above = [position[source] for source in sources]
    return sum(above) / len(above) if above else float(column)


def _route(source: PlacedNode, target: PlacedNode) -> str:
    """A smooth curve from box to box: down the page for a kept edge (always to a lower layer), up
    for one set aside to break a cycle (always to a higher layer), a small loop for a self-loop."""
    if source.slug == target.slug:
        x, y = source.x + source.width, source.y + source.height / 2
        return (
            f"M{x:.1f},{y - 12:.1f} C{x + 24:.1f},{y - 24:.1f} {x + 24:.1f},{y + 24:.1f} {x:.1f},{y + 12:.1f}"
        )
    if target.layer > source.layer:
        x1, y1, x2, y2 = source.centre_x, source.y + source.height, target.centre_x, target.y
    else:
        x1, y1, x2, y2 = source.centre_x, source.y, target.centre_x, target.y + target.height
    bend = (y2 - y1) / 2
    return f"M{x1:.1f},{y1:.1f} C{x1:.1f},{y1 + bend:.1f} {x2:.1f},{y2 - bend:.1f} {x2:.1f},{y2:.1f}"
