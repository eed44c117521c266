"""The trend of readiness over audits (DESIGN §2.10) and the chart's geometry, on plain data."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.analysis.gaps import gap_rows, rag_counts, readiness
from api.analysis.model import RequirementRow, TeamMember
from api.analysis.trend import AuditTeam, trend
from api.benchmarks.chart import BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH, Series, line_chart, render_svg

ROWS = [RequirementRow(skill="s", level=2, required=2, importance="essential", weight=3)]
SCENARIO = [RequirementRow(skill="t", level=1, required=1, importance="important", weight=2)]
NOON = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


def audit(day: int, *levels: int, created: int = 0) -> AuditTeam:
    return AuditTeam(
        id=uuid.uuid4(),
        title=f"Audit {day}",
        audit_date=dt.date(2026, 1, day),
        created_at=NOON + dt.timedelta(minutes=created),
        team=[
            TeamMember(reference=f"m{n}", levels={"s": level, "t": level}) for n, level in enumerate(levels)
        ],
    )


def test_points_in_date_order_with_scenarios() -> None:
    later, earlier, same_day = audit(20, 2, 2), audit(3, 0), audit(3, 2, created=5)
    points = trend(ROWS, [later, earlier, same_day], {"net-zero": SCENARIO, "empty": []})
    assert [p.audit for p in points] == [earlier.id, same_day.id, later.id]
    assert [p.readiness for p in points] == [0.0, 50.0, 100.0]
    assert [p.counts.red for p in points] == [1, 0, 0]
    assert [p.members for p in points] == [1, 1, 2]
    assert [[s.scenario for s in p.scenarios] for p in points] == [["net-zero"]] * 3
    assert [p.scenarios[0].readiness for p in points] == [0.0, 100.0, 100.0]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(0, 4), max_size=5), min_size=1, max_size=6))
def test_each_point_is_the_gap_analysis_of_its_audit(teams: list[list[int]]) -> None:
    audits = [audit(n + 1, *levels) for n, levels in enumerate(teams)]
    for point, one in zip(trend(ROWS, audits), audits, strict=True):
        gaps = gap_rows(ROWS, one.team)
        assert point.readiness == readiness(gaps) and point.counts == rag_counts(gaps)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0, 100), min_size=1, max_size=12))
def test_chart_points_stay_inside_the_plot(values: list[float]) -> None:
    chart = line_chart([str(n) for n in range(len(values))], [Series(name="Readiness", values=values)])
    points = chart.lines[0].points
    assert all(LEFT <= p.x <= WIDTH - RIGHT and TOP <= p.y <= HEIGHT - BOTTOM for p in points)
    assert [p.x for p in points] == sorted(p.x for p in points)
    for a, b in itertools.pairwise(points):
        assert a.y >= b.y if a.value <= b.value else a.y <= b.y, "higher readiness is higher up"


def test_chart_extremes_and_svg() -> None:
    chart = line_chart(["a", "b"], [Series(name="Readiness", values=[0.0, 100.0])])
    first, last = chart.lines[0].points
    assert (first.x, first.y) == (LEFT, HEIGHT - BOTTOM) and (last.x, last.y) == (WIDTH - RIGHT, TOP)
    svg = render_svg(chart, "Readiness <over> time", "Went from 0% to 100%", "trend")
    assert svg.startswith("<svg") and 'role="img"' in svg and "Readiness &lt;over&gt; time" in svg
    assert 'aria-labelledby="trend-title trend-desc"' in svg and "style=" not in svg
    with pytest.raises(ValueError, match="values"):
        line_chart(["a"], [Series(name="x", values=[1.0, 2.0])])
