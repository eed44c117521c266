"""``edskills needs create``, ``gaps`` and ``report``: from a team's audit to its gaps and report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from api.cli.audit import audit_option, council_option, pairs
from api.cli.backend import Backend, connection_options
from api.cli.output import RAG_COLOURS, table

needs_option = click.option("--needs", "needs_id", required=True, help="Needs profile id (`needs create`).")


@click.group()
def needs() -> None:
    """Needs profiles: what the team must be ready for."""


@needs.command("create")
@council_option
@click.option("--title", required=True)
@click.option("--horizon", default=None, help="Date the needs are for, e.g. 2027-03-31.")
@click.option("--establishment", "roles", multiple=True, help="ROLE=HEADCOUNT, e.g. ed-officer=3 (repeat).")
@click.option("--scenario", "scenarios", multiple=True, help="e.g. lep-integration (repeat).")
@click.option(
    "--row",
    "rows",
    multiple=True,
    help="SKILL:LEVEL:HEADCOUNT:IMPORTANCE, e.g. net-zero-economy:3:1:important (repeat).",
)
@connection_options
def needs_create(
    backend: Backend,
    council: str,
    title: str,
    horizon: str | None,
    roles: tuple[str, ...],
    scenarios: tuple[str, ...],
    rows: tuple[str, ...],
) -> None:
    """Describe future needs and print the profile's id."""
    establishment: dict[str, int] = {}
    for role, count in pairs(roles, "--establishment").items():
        if not count.isdigit():
            raise click.BadParameter(
                f"headcount must be a whole number, got {count!r}", param_hint="--establishment"
            )
        establishment[role] = int(count)
    body: dict[str, Any] = {
        "title": title,
        "establishment": establishment,
        "scenarios": list(scenarios),
        "rows": [_needs_row(row) for row in rows],
    }
    if horizon:
        body["horizon"] = horizon
    created = backend.create_needs(council, body)
    click.echo(str(created.id))


def _needs_row(text: str) -> dict[str, Any]:
    parts = text.split(":")
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        raise click.BadParameter(
            f"expected SKILL:LEVEL:HEADCOUNT:IMPORTANCE, got {text!r}", param_hint="--row"
        )
    return {"skill": parts[0], "level": int(parts[1]), "headcount": int(parts[2]), "importance": parts[3]}


@click.command()
@council_option
@audit_option
@needs_option
@connection_options
def gaps(backend: Backend, council: str, audit_id: str, needs_id: str) -> None:
    """The RAG gap table: each (skill, level) the needs ask for, against the team."""
    result = backend.gaps(council, audit_id, needs_id)
    analysis = result.analysis
    rows = [
        [
            row.skill,
            str(row.level),
            str(row.required),
            str(row.covered),
            str(row.near),
            str(row.shortfall),
            row.importance,
            row.rag.upper(),
        ]
        for row in analysis.rows
    ]
    table(
        ["skill", "level", "need", "covered", "near", "short", "importance", "RAG"],
        rows,
        [RAG_COLOURS[row.rag] for row in analysis.rows],
    )
    counts = analysis.counts
    click.echo(
        f"\nreadiness {analysis.readiness:.1f}%  ("
        + ", ".join(
            click.style(f"{count} {name}", fg=RAG_COLOURS[name])
            for name, count in (("red", counts.red), ("amber", counts.amber), ("green", counts.green))
        )
        + f") on ed-skills@{result.framework_version}"
    )


@click.command()
@council_option
@audit_option
@needs_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=Path("report.html"))
@click.option("--budget-gbp", type=click.FloatRange(0, 10_000_000), default=None, help="With --budget-days.")
@click.option("--budget-days", type=click.FloatRange(0, 100_000), default=None, help="Adds a training plan.")
@connection_options
def report(
    backend: Backend,
    council: str,
    audit_id: str,
    needs_id: str,
    output: Path,
    budget_gbp: float | None,
    budget_days: float | None,
) -> None:
    """Write the audit report (one self-contained HTML page) to a file."""
    if (budget_gbp is None) != (budget_days is None):
        raise click.UsageError("give both --budget-gbp and --budget-days, or neither")
    html = backend.report(council, audit_id, needs_id, budget_gbp, budget_days)
    output.write_text(html, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)
