"""``edskills framework validate|export``: an edition's files, and an edition as a download."""

from __future__ import annotations

from pathlib import Path

import click

from api.cli.backend import Backend, connection_options
from api.cli.common import fail


@click.group()
def framework() -> None:
    """Framework files: validate an edition directory, export an edition."""


@framework.command("validate")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def framework_validate(path: Path) -> None:
    """Check the edition in PATH and list every problem with its file, item and field."""
    from taxonomy.load import check_directory

    edition, problems = check_directory(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems or edition is None:
        fail(f"{len(problems)} problem(s) in {path}")
    click.echo(
        f"{edition.key}: valid ({len(edition.skills)} skills, {len(edition.roles)} roles, "
        f"{len(edition.pathways)} pathway edges, {len(edition.scenarios)} scenarios, "
        f"{len(edition.training)} training options)"
    )


@framework.command("export")
@click.argument("version")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["json", "yaml", "csv", "skos"]),
    default="yaml",
    show_default=True,
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@connection_options
def framework_export(backend: Backend, version: str, file_format: str, output: Path) -> None:
    """Write edition VERSION as YAML (the file format), JSON, a CSV of skills or SKOS JSON-LD."""
    content = backend.export_framework(version, file_format)
    output.write_bytes(content)
    click.echo(f"wrote {output} ({len(content)} bytes)", err=True)


@framework.command("diff")
@click.argument("version")
@click.argument("other")
@connection_options
def framework_diff(backend: Backend, version: str, other: str) -> None:
    """Print what changed from edition VERSION to OTHER as CSV: one row per change (kind, change,
    item, from, field, before, after), as ``GET /v1/frameworks/{version}/diff/{other}`` with
    ``Accept: text/csv`` answers."""
    from taxonomy.diff import to_csv

    click.echo(to_csv(backend.framework_diff(version, other)), nl=False)
