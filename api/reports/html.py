"""The audit report: one self-contained HTML page a manager can open, share and print.

No external assets (one ``<style>`` element, no scripts, no fonts or images to fetch), so it works
offline and from an email attachment. Pure: plain data in, a string out.

Served with ``CONTENT_SECURITY_POLICY`` (issue 12): nothing may load or run, and the only style
allowed is the page's own ``<style>`` element, named by its hash. So no element carries a
``style`` attribute (that would need ``'unsafe-inline'``): colours come from classes and
``data-`` attribute selectors generated below.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Sequence
from html import escape

import msgspec

from api.analysis.gaps import GapAnalysis
from api.analysis.model import TeamMember
from api.benchmarks.chart import Series, line_chart, render_svg
from api.benchmarks.schemas import Trend
from api.recommendations.schemas import Recommendations
from taxonomy.index import FrameworkIndex
from taxonomy.model import Category, Skill

LEVEL_COLOURS = ("#f1f1f1", "#d7e8f5", "#9cc7e6", "#4f95c9", "#1d5d8f")
LEVEL_TEXT = ("#555", "#1f2d3d", "#1f2d3d", "#0b0c0c", "#ffffff")
"""Text on each level's colour, at least 4.5:1 (WCAG 2.2 AA): dark on level 3 (white was 3.2:1)."""
RAG_COLOURS = {"red": "#c0392b", "amber": "#e08e0b", "green": "#2e8b57"}
TOP_GAPS = 5


class ReportContext(msgspec.Struct, kw_only=True):
    council: str
    audit_title: str
    audit_date: dt.date
    needs_title: str
    framework: str
    generated: dt.datetime


class RecommendationSummary(msgspec.Struct, kw_only=True):
    """What the recommendations add to the report, once they have been computed."""

    lines: list[str]


def summarise(advice: Recommendations, index: FrameworkIndex, top: int = 8) -> RecommendationSummary:
    """Plain sentences for a manager: the training plan, what stays open, and neighbours to work with."""
    plan = advice.training
    lines = [
        f"Training plan within £{plan.budget_gbp:,.0f} and {plan.budget_days:g} person-days: "
        f"{len(plan.assignments)} place(s) costing £{plan.total_cost_gbp:,.0f} and {plan.total_days:g} days, "
        f"closing {plan.shortfall_closed} of {sum(row.shortfall_before for row in plan.rows)} missing people "
        f"across the requirements."
    ]
    for assignment in plan.assignments[:top]:
        lifts = ", ".join(
            f"{_label(index, lift.skill)} {lift.from_level}→{lift.to_level}" for lift in assignment.skills
        )
        lines.append(f"{assignment.member}: {assignment.title} (£{assignment.cost_gbp:,.0f}) — {lifts}")
    if len(plan.assignments) > top:
        lines.append(f"… and {len(plan.assignments) - top} more place(s).")
    if plan.rows_open:
        still = ", ".join(f"{_label(index, row.skill)} (level {row.level})" for row in plan.rows_open[:6])
        lines.append(f"Still short after the plan: {still}.")
    for neighbour in advice.joint_working[:5]:
        parts = []
        if neighbour.can_help:
            parts.append("can help with " + ", ".join(_label(index, s.skill) for s in neighbour.can_help[:4]))
        if neighbour.we_can_help:
            parts.append(
                "you can help with " + ", ".join(_label(index, s.skill) for s in neighbour.we_can_help[:4])
            )
        if neighbour.common_needs:
            parts.append(
                "shares your need for "
                + ", ".join(_label(index, s.skill) for s in neighbour.common_needs[:4])
            )
        lines.append(f"Joint working with {neighbour.name}: " + "; ".join(parts) + ".")
    return RecommendationSummary(lines=lines)


STYLE = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Arial,sans-serif;color:#1f2d3d;margin:24px;
max-width:1400px}h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 8px;border-bottom:2px solid #e3e8ee;padding-bottom:4px}
.meta{color:#5a6b7d;margin:0 0 16px}.cards{display:flex;gap:16px;flex-wrap:wrap}
.card{border:1px solid #dfe5ec;border-radius:8px;padding:12px 16px;min-width:140px}
.card .n{font-size:28px;font-weight:700}.card .l{color:#5a6b7d;font-size:12px;text-transform:uppercase}
table{border-collapse:collapse}th,td{padding:4px 8px;text-align:left;border-bottom:1px solid #eef1f4}
.rag{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.heat{font-size:11px}.scroll{overflow-x:auto}
.heat th.skill{height:170px;padding:2px;vertical-align:bottom;font-weight:400}
.heat th.skill div{writing-mode:vertical-rl;transform:rotate(180deg);max-height:166px;overflow:hidden;
white-space:nowrap;text-overflow:ellipsis}
.heat th.cat{text-align:center;font-size:11px;background:#f6f8fa;border-left:2px solid #fff}
.heat td.cell{width:18px;height:18px;text-align:center;padding:0;border:1px solid #fff}
.legend span{display:inline-block;padding:2px 8px;margin-right:4px;border-radius:3px;font-size:12px}
.note{color:#5a6b7d;font-size:12px}
@media print{body{margin:8mm}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}
.scroll{overflow:visible}@page{size:A4 landscape;margin:10mm}}
"""


COLOUR_RULES = "".join(
    [f".rag[data-rag={rag}]{{background:{colour}}}" for rag, colour in RAG_COLOURS.items()]
    + [
        f".heat td.cell[data-level='{level}'],.legend span[data-level='{level}']"
        f"{{background:{background};color:{text}}}"
        for level, (background, text) in enumerate(zip(LEVEL_COLOURS, LEVEL_TEXT, strict=True))
    ]
)
PAGE_STYLE = STYLE + COLOUR_RULES
"""Everything the page's ``<style>`` element holds, byte for byte (its hash is in the policy)."""
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(PAGE_STYLE.encode()).digest()).decode()
CONTENT_SECURITY_POLICY = (
    f"default-src 'none'; style-src '{STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""The report loads nothing, runs nothing, posts nothing and may not be framed."""


def _rag(value: str) -> str:
    return f'<span class="rag" data-rag="{value}">{value.upper()}</span>'


def _label(index: FrameworkIndex, skill: str) -> str:
    found = index.skills.get(skill)
    return found.label if found else skill


def render_report(
    context: ReportContext,
    index: FrameworkIndex,
    team: Sequence[TeamMember],
    analysis: GapAnalysis,
    recommendations: RecommendationSummary | None = None,
    advice: Recommendations | None = None,
    trend: Trend | None = None,
) -> str:
    """The page; ``advice`` adds the joint working section (issue 18: forms, joint cohorts, which
    neighbour can host a placement), ``trend`` the readiness over every audit on the edition."""
    parts = [
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>Skills report: {escape(context.council)}, {escape(context.audit_title)}</title>",
        f"<style>{PAGE_STYLE}</style></head><body>",
        f"<h1>{escape(context.council)}: economic development team skills</h1>",
        f"<p class='meta'>Audit <b>{escape(context.audit_title)}</b> of {context.audit_date:%d %B %Y} "
        f"against the needs profile <b>{escape(context.needs_title)}</b>, "
        f"framework {escape(context.framework)}. "
        f"Generated {context.generated:%d %B %Y %H:%M} UTC.</p>",
        _summary(analysis, len(team)),
        _top_gaps(index, analysis),
        _rag_table(index, analysis),
        _heatmap(index, team),
    ]
    if recommendations is not None and recommendations.lines:
        items = "".join(f"<li>{escape(line)}</li>" for line in recommendations.lines)
        parts.append(f"<h2>Recommendations</h2><ul id='recommendations'>{items}</ul>")
    if advice is not None:
        parts.append(_joint_working(index, advice))
    if trend is not None:
        parts.append(_trend(context.council, trend))
    parts.append(
        "<p class='note'>Readiness weighs each requirement by importance (essential 3, important 2, "
        "desirable 1) and counts how much of its headcount is covered. RED: nobody has the level; AMBER: "
        "fewer than needed, or a single person on an essential skill; GREEN: covered.</p></body></html>"
    )
    return "".join(parts)


def _joint_working(index: FrameworkIndex, advice: Recommendations) -> str:
    """DESIGN §2.4 for the manager: who can help with what, in which forms, and joint cohorts."""
    if advice.joint_working_reason is not None:
        return f"<h2>Joint working</h2><p id='joint-working'>{escape(advice.joint_working_reason)}</p>"
    if not advice.joint_working:
        return (
            "<h2>Joint working</h2><p id='joint-working'>No neighbouring council that shares has an audit "
            "on this edition, or none can help with these gaps.</p>"
        )
    blocks = []
    for neighbour in advice.joint_working:
        items = [
            f"<li>{heading} {escape(_label(index, s.skill))} at level {s.level}: "
            f"{escape(', '.join(s.forms))}</li>"
            for heading, skills in (
                ("They can help with", neighbour.can_help),
                ("You can help them with", neighbour.we_can_help),
                ("A need you share:", neighbour.common_needs),
            )
            for s in skills
        ]
        items += [
            f"<li>Joint cohort: <b>{escape(c.title)}</b> for {escape(_label(index, c.skill))} "
            f"(minimum {c.min_cohort}): {escape(c.note)}</li>"
            for c in neighbour.joint_cohorts
        ]
        blocks.append(f"<h3>{escape(neighbour.name)}</h3><ul>{''.join(items)}</ul>")
    hosts = "".join(
        f"<li>{escape(h.member)}: {escape(h.kind)} in {escape(_label(index, h.skill))} with "
        f"{escape(', '.join(h.names))}</li>"
        for h in advice.placement_hosts
    )
    if hosts:
        blocks.append(f"<h3>Placements a neighbour can host</h3><ul id='placement-hosts'>{hosts}</ul>")
    return f"<h2>Joint working</h2><div id='joint-working'>{''.join(blocks)}</div>"


def _trend(council: str, trend: Trend) -> str:
    """Readiness over every audit on the edition (DESIGN §2.10): the chart and its data as a table."""
    if not trend.points:
        return ""
    labels = [p.audit_date.isoformat() for p in trend.points]
    chart = line_chart(labels, [Series(name="Readiness", values=[p.readiness for p in trend.points])])
    first, last = trend.points[0], trend.points[-1]
    svg = render_svg(
        chart,
        f"{council}: readiness over time",
        f"Readiness across {len(trend.points)} audit(s), from {first.readiness}% on "
        f"{first.audit_date.isoformat()} to {last.readiness}% on {last.audit_date.isoformat()}.",
        "report-trend",
    )
    rows = "".join(
        f"<tr><td>{p.audit_date.isoformat()}</td><td>{escape(p.title)}</td><td>{p.members}</td>"
        f"<td>{p.readiness:.1f}%</td><td>{p.counts.red}</td><td>{p.counts.amber}</td><td>{p.counts.green}</td></tr>"
        for p in trend.points
    )
    header = (
        "<tr><th>Date</th><th>Audit</th><th>Members</th><th>Readiness</th><th>Red</th><th>Amber</th>"
        "<th>Green</th></tr>"
    )
    return (
        f"<h2>Readiness over time</h2>{svg}"
        f"<table id='trend-table'><thead>{header}</thead><tbody>{rows}</tbody></table>"
    )


def _summary(analysis: GapAnalysis, members: int) -> str:
    counts = analysis.counts
    cards = [
        ("readiness", f"{analysis.readiness:.1f}%", "Team readiness"),
        ("members", str(members), "Members audited"),
        ("red", str(counts.red), "Red requirements"),
        ("amber", str(counts.amber), "Amber requirements"),
        ("green", str(counts.green), "Green requirements"),
    ]
    body = "".join(
        f"<div class='card' id='card-{key}'><div class='n'>{value}</div><div class='l'>{label}</div></div>"
        for key, value, label in cards
    )
    return f"<h2>Summary</h2><div class='cards'>{body}</div>"


def _top_gaps(index: FrameworkIndex, analysis: GapAnalysis) -> str:
    top = [row for row in analysis.rows if row.shortfall > 0][:TOP_GAPS]
    if not top:
        return "<h2>Top gaps</h2><p>No shortfall against this needs profile.</p>"
    items = "".join(
        f"<li>{_rag(row.rag)} <b>{escape(_label(index, row.skill))}</b> at level {row.level}: "
        f"{row.covered} of {row.required} needed ({row.importance}; {row.near} one level below)</li>"
        for row in top
    )
    return f"<h2>Top gaps</h2><ol id='top-gaps'>{items}</ol>"


def _rag_table(index: FrameworkIndex, analysis: GapAnalysis) -> str:
    rows = "".join(
        f"<tr class='rag-row rag-{row.rag}' data-skill='{row.skill}' data-level='{row.level}'>"
        f"<td>{escape(_label(index, row.skill))}</td><td>{row.level}</td><td>{row.importance}</td>"
        f"<td>{row.required}</td><td>{row.covered}</td><td>{row.near}</td><td>{row.shortfall}</td>"
        f"<td>{_rag(row.rag)}</td></tr>"
        for row in analysis.rows
    )
    header = (
        "<tr><th>Skill</th><th>Level</th><th>Importance</th><th>Needed</th><th>Have</th>"
        "<th>One below</th><th>Short</th><th>RAG</th></tr>"
    )
    return f"<h2>Requirements</h2><table id='rag-table'><thead>{header}</thead><tbody>{rows}</tbody></table>"


def skill_groups(index: FrameworkIndex) -> list[tuple[Category, list[Skill]]]:
    """The heatmap's columns: each category of the edition that has skills, in the edition's
    order, with its skills. The report's matrix and the team matrix page (issue 16) both use it."""
    return [
        (category, list(index.skills_in_category[category.slug]))
        for category in index.framework.categories
        if index.skills_in_category[category.slug]
    ]


def _heatmap(index: FrameworkIndex, team: Sequence[TeamMember]) -> str:
    categories = skill_groups(index)
    category_row = "<tr><th></th><th></th>" + "".join(
        f"<th class='cat' colspan='{len(skills)}'>{escape(category.name)}</th>"
        for category, skills in categories
    )
    skill_row = "<tr><th>Member</th><th>Role</th>" + "".join(
        f"<th class='skill' title='{escape(skill.label)}'><div>{escape(skill.label)}</div></th>"
        for _, skills in categories
        for skill in skills
    )
    body = []
    for member in team:
        role = index.roles[member.role].title if member.role in index.roles else (member.role or "")
        cells = "".join(
            f"<td class='cell' data-level='{level}' title='{escape(skill.label)}: {level}'>{level or ''}</td>"
            for _, skills in categories
            for skill in skills
            for level in (member.level(skill.slug),)
        )
        body.append(f"<tr><th>{escape(member.reference)}</th><td>{escape(role)}</td>{cells}</tr>")
    legend = "".join(
        f"<span data-level='{level}'>{level} {name}</span>"
        for level, name in enumerate(level.name for level in index.framework.levels)
    )
    return (
        "<h2>Skills matrix</h2>"
        f"<p class='legend'>{legend}</p>"
        f"<div class='scroll'><table class='heat' id='heatmap'><thead>{category_row}</tr>{skill_row}</tr>"
        f"</thead><tbody>{''.join(body)}</tbody></table></div>"
    )
