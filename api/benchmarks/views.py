"""Shaping the trend and the benchmark for their pages and the report: plain data, no rules.

The chart and its table are built from the same points, so the table beside the chart is exactly
what the chart draws (and what ``GET …/trend`` returns).
"""

from __future__ import annotations

from markupsafe import Markup

from api.benchmarks.chart import Series, line_chart, render_svg
from api.benchmarks.schemas import Trend


def trend_chart(found: Trend, title: str, element_id: str = "trend-chart") -> Markup:
    """The readiness line (and one per scenario) as accessible SVG."""
    labels = [point.audit_date.isoformat() for point in found.points]
    series = [Series(name="Readiness", values=[point.readiness for point in found.points])]
    for number, slug in enumerate(found.scenarios):
        series.append(Series(name=slug, values=[point.scenarios[number].readiness for point in found.points]))
    if found.points:
        first, last = found.points[0], found.points[-1]
        description = (
            f"Readiness across {len(found.points)} audit(s) from {first.audit_date.isoformat()} "
            f"({first.readiness}%) to {last.audit_date.isoformat()} ({last.readiness}%). "
            "The table beside the chart gives every value."
        )
    else:
        description = "No audit on this edition yet."
    return Markup(render_svg(line_chart(labels, series), title, description, element_id))
