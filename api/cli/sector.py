"""``edskills sector``: the national view (a ``national:read`` key, or ``--local``)."""

from __future__ import annotations

import click

from api.cli.backend import Backend, connection_options
from api.cli.output import table, text


def _share(value: object) -> str:
    """A share in percent; "-" where the group is too small to show (suppressed)."""
    return f"{value:.1f}%" if isinstance(value, float) else "-"


@click.command()
@click.option("--version", default=None, help="Edition (default: the latest published).")
@click.option("--scenario", default=None, help="A scenario slug, e.g. lep-integration.")
@click.option("--role", default=None, help="A role slug, e.g. ed-officer (instead of --scenario).")
@click.option(
    "--format", "file_format", type=click.Choice(["table", "csv"]), default="table", show_default=True
)
@connection_options
def sector(
    backend: Backend, version: str | None, scenario: str | None, role: str | None, file_format: str
) -> None:
    """Share of sharing councils red/amber/green per skill, for a scenario or a role.

    Aggregated so that no council is identifiable: a group of too few councils is suppressed.
    """
    if (scenario is None) == (role is None):
        raise click.UsageError("give exactly one of --scenario or --role")
    if file_format == "csv":
        click.echo(backend.sector_csv(version, scenario, role), nl=False)
        return
    view = backend.sector(version, scenario, role)
    overall = view.overall
    click.echo(
        f"{view.subject.kind} {view.subject.slug} ({view.subject.title}) on ed-skills@{view.version}: "
        f"{text(overall.councils) or 'too few'} sharing council(s)\n"
    )
    rows = [
        [cell.skill, str(cell.level), _share(cell.red), _share(cell.amber), _share(cell.green)]
        for cell in overall.cells
    ]
    table(["skill", "level", "red", "amber", "green"], rows)
    click.echo(f"\n{view.note}", err=True)
