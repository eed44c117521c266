"""A server-rendered SVG line chart of readiness over time (no JavaScript).

``line_chart`` is pure geometry (numbers in, coordinates out) so it can be tested on its own;
``render_svg`` writes it as one accessible ``<svg role="img">`` with a ``<title>`` and a ``<desc>``
named by ``aria-labelledby``. The page and the report put the same data beside it as a table, which
is what a screen reader user reads. No ``style`` attributes: the report's Content-Security-Policy
allows only its own ``<style>`` element, and presentation attributes are not styles.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import msgspec

WIDTH = 640
HEIGHT = 280
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 56
Y_TICKS = (0, 25, 50, 75, 100)
DASHES = ("", "6 4", "2 3", "10 3 2 3")
"""Each series has its own dash pattern as well as its colour, so it is told apart without colour."""
COLOURS = ("#1d5d8f", "#8a4b08", "#2e6b3a", "#6b2e6b")


class Series(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    values: list[float]
    """Percentages 0–100, one per x label."""


class Point(msgspec.Struct, frozen=True, kw_only=True):
    x: float
    y: float
    value: float


class Line(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    points: list[Point]
    path: str
    """The SVG ``points`` of a ``<polyline>``."""
    colour: str
    dash: str


class Tick(msgspec.Struct, frozen=True, kw_only=True):
    position: float
    label: str


class LineChart(msgspec.Struct, frozen=True, kw_only=True):
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    lines: list[Line]


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return round(LEFT + span / 2 if count == 1 else LEFT + span * index / (count - 1), 1)


def _y(value: float) -> float:
    clamped = min(100.0, max(0.0, value))
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - clamped / 100), 1)


def line_chart(x_labels: Sequence[str], series: Sequence[Series]) -> LineChart:
    """Coordinates for ``series`` over ``x_labels`` (evenly spaced; one point sits in the middle),
    y from 0 % at the bottom to 100 % at the top. Every series has one value per label."""
    count = len(x_labels)
    for one in series:
        if len(one.values) != count:
            raise ValueError(f"series {one.name!r} has {len(one.values)} values for {count} labels")
    lines = []
    for number, one in enumerate(series):
        points = [Point(x=_x(n, count), y=_y(v), value=v) for n, v in enumerate(one.values)]
        lines.append(
            Line(
                name=one.name,
                points=points,
                path=" ".join(f"{p.x},{p.y}" for p in points),
                colour=COLOURS[number % len(COLOURS)],
                dash=DASHES[number % len(DASHES)],
            )
        )
    return LineChart(
        width=WIDTH,
        height=HEIGHT,
        left=LEFT,
        right=RIGHT,
        top=TOP,
        bottom=BOTTOM,
        x_ticks=[Tick(position=_x(n, count), label=label) for n, label in enumerate(x_labels)],
        y_ticks=[Tick(position=_y(v), label=f"{v}%") for v in Y_TICKS],
        lines=lines,
    )


def render_svg(chart: LineChart, title: str, description: str, element_id: str) -> str:
    """The chart as an SVG element (escaped text; safe to mark as HTML)."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="line-chart" id="{escape(element_id)}" role="img" '
        f'viewBox="0 0 {chart.width} {chart.height}" width="100%" '
        f'aria-labelledby="{escape(element_id)}-title {escape(element_id)}-desc">',
        f'<title id="{escape(element_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(element_id)}-desc">{escape(description)}</desc>',
    ]
    right = chart.width - chart.right
    for tick in chart.y_ticks:
        out.append(
            f'<line x1="{chart.left}" x2="{right}" y1="{tick.position}" y2="{tick.position}" '
            'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{chart.left - 6}" y="{tick.position + 4}" text-anchor="end" font-size="12" '
            f'fill="#0b0c0c">{escape(tick.label)}</text>'
        )
    baseline = chart.height - chart.bottom
    for tick in chart.x_ticks:
        out.append(
            f'<text x="{tick.position}" y="{baseline + 18}" text-anchor="middle" font-size="12" '
            f'fill="#0b0c0c">{escape(tick.label)}</text>'
        )
    for line in chart.lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        out.append(
            f'<polyline class="line-chart__line" fill="none" stroke="{line.colour}" stroke-width="3"{dash} '
            f'points="{line.path}" data-series="{escape(line.name)}"/>'
        )
        out += [
            f'<circle cx="{p.x}" cy="{p.y}" r="4" fill="{line.colour}" data-value="{p.value}"/>'
            for p in line.points
        ]
    legend_y = chart.height - 12
    x = float(chart.left)
    for line in chart.lines:
        dash = f' stroke-dasharray="{line.dash}"' if line.dash else ""
        out.append(
            f'<line x1="{x}" x2="{x + 24}" y1="{legend_y - 4}" y2="{legend_y - 4}" stroke="{line.colour}" '
            f'stroke-width="3"{dash}/><text x="{x + 30}" y="{legend_y}" font-size="12" fill="#0b0c0c">'
            f"{escape(line.name)}</text>"
        )
        x += 40 + 7 * len(line.name)
    out.append("</svg>")
    return "".join(out)
