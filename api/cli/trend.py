"""``edskills trend`` and ``edskills benchmark``: readiness over time, and against similar councils
(DESIGN §2.10), through the API or ``--local`` like ``edskills gaps``."""

from __future__ import annotations

import click
import msgspec

from api.analysis.benchmark import GROUP_KINDS
from api.benchmarks.schemas import Trend
from api.benchmarks.service import trend_csv
from api.cli.audit import council_option
from api.cli.backend import Backend, connection_options
from api.cli.needs import needs_option
from api.cli.output import RAG_COLOURS, table


def _share(value: object) -> str:
    """A share in percent; "-" where the group is suppressed."""
    return f"{value:.1f}%" if isinstance(value, float) else "-"


@click.command()
@council_option
@needs_option
@click.option(
    "--format", "file_format", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
@connection_options
def trend(backend: Backend, council: str, needs_id: str, file_format: str) -> None:
    """Readiness and red/amber/green counts over every audit on the profile's edition, oldest first."""
    found = backend.trend(council, needs_id)
    if file_format == "csv":
        click.echo(trend_csv(msgspec.convert(msgspec.to_builtins(found), Trend)), nl=False)
        return
    rows = [
        [
            str(p.audit_date),
            p.title,
            str(p.members),
            f"{p.readiness:.1f}%",
            str(p.counts.red),
            str(p.counts.amber),
            str(p.counts.green),
        ]
        for p in found.points
    ]
    table(["date", "audit", "members", "readiness", "red", "amber", "green"], rows)
    click.echo(f"\n{len(found.points)} audit(s) on ed-skills@{found.framework_version}")


@click.command()
@council_option
@needs_option
@click.option(
    "--group",
    type=click.Choice(GROUP_KINDS),
    default="all",
    show_default=True,
    help="Compare with councils of the same type, region, combined authority, neighbours, or all.",
)
@connection_options
def benchmark(backend: Backend, council: str, needs_id: str, group: str) -> None:
    """Our RAG per requirement against the share of a group of sharing councils at each."""
    view = backend.benchmark(council, needs_id, group)
    if not view.shared:
        click.echo(view.reason or "This council does not share its capability summary.")
        return
    if view.suppressed:
        click.echo(f"{view.group_label}: suppressed (too few councils, or it would single one out).")
        return
    rows = [
        [
            row.skill,
            str(row.level),
            (row.own_rag or "-").upper(),
            _share(row.red),
            _share(row.amber),
            _share(row.green),
        ]
        for row in view.rows
    ]
    table(
        ["skill", "level", "ours", "red", "amber", "green"],
        rows,
        [RAG_COLOURS.get(row.own_rag or "", "white") for row in view.rows],
    )
    quartiles = view.group_readiness
    own = "-" if view.own_readiness is None else f"{view.own_readiness:.1f}%"
    if quartiles is not None:
        click.echo(
            f"\nreadiness {own}; {view.group_label.lower()} ({view.councils}): "
            f"median {quartiles.median:.1f}%, quartiles {quartiles.lower:.1f}%–{quartiles.upper:.1f}%"
        )
    click.echo(f"\n{view.note}", err=True)
