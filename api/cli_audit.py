"""People-facing commands: from a team's spreadsheet to a gap table and a printable report.

    edskills audit create|list|import|export     edskills needs create
    edskills gaps                                edskills report

Each talks to a server through the Python client, or with ``--local`` to the configured database
(see ``api.cli_remote``). Tables go to stdout, progress and notes to stderr, so the output of
``audit create`` or ``needs create`` (the new id) can be captured by a script.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
from edskills_client import models
from msgspec import UNSET

from api.cli_remote import Backend, CommandError, connection_options

DECISION_COLOURS = {"matched": "green", "confirmed": "green", "suggested": "yellow", "unmatched": "red"}
RAG_COLOURS = {"red": "red", "amber": "yellow", "green": "green"}

council_option = click.option("--council", required=True, help="GSS code of the council, e.g. E08000021.")
audit_option = click.option("--audit", "audit_id", required=True, help="Audit id (from `audit create`).")
needs_option = click.option("--needs", "needs_id", required=True, help="Needs profile id (`needs create`).")


def _pairs(values: tuple[str, ...], option: str, separator: str = "=") -> dict[str, str]:
    pairs: dict[str, str] = {}
    for value in values:
        left, found, right = value.rpartition(separator)
        if not found or not left.strip() or not right.strip():
            raise click.BadParameter(f"expected TEXT{separator}VALUE, got {value!r}", param_hint=option)
        pairs[left.strip()] = right.strip()
    return pairs


def table(headers: list[str], rows: list[list[str]], colours: list[str | None] | None = None) -> None:
    """A plain fixed-width table; ``colours`` colours the last cell of each row."""
    widths = [max([len(header), *(len(row[i]) for row in rows)]) for i, header in enumerate(headers)]
    click.echo("  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)).rstrip())
    click.echo("  ".join("-" * width for width in widths))
    for number, row in enumerate(rows):
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        colour = colours[number] if colours else None
        cells.append(click.style(row[-1], fg=colour) if colour else row[-1])
        click.echo("  ".join(cells).rstrip())


def _text(value: object) -> str:
    return "" if value is None or value is UNSET else str(value)


def _score(value: object) -> str:
    return f"{value:.0f}" if isinstance(value, float) else ""


def show_plan(plan: models.ImportPlan) -> None:
    """The mapping table a manager checks before anything is written."""
    where = f"{plan.file_type}, {plan.layout} layout, header row {plan.header_row}"
    click.echo(f"{where}: {plan.members} member(s), {plan.assessments} assessment(s)\n")
    rows, colours = [], []
    for column in plan.columns:
        decision = _text(column.decision)
        target = _text(column.skill) if column.role in {"skill", "ignored"} else f"({column.role})"
        suggestions = column.candidates if isinstance(column.candidates, list) else []
        if decision in {"suggested", "unmatched"} and suggestions:
            target = target or "?"
            target += "  e.g. " + ", ".join(candidate.slug for candidate in suggestions[:2])
        rows.append([column.column, column.header, target or "-", _score(column.score), decision])
        colours.append(DECISION_COLOURS.get(decision))
    table(["col", "header", "skill", "score", "decision"], rows, colours)
    if plan.roles:
        click.echo()
        titles = [
            [title.text, _text(title.slug) or "-", _score(title.score), _text(title.decision)]
            for title in plan.roles
        ]
        table(
            ["job title", "role", "score", "decision"],
            titles,
            [DECISION_COLOURS.get(_text(title.decision)) for title in plan.roles],
        )
    for error in plan.errors:
        where = f"row {error.row}" + (f", column {error.column}" if error.column else "")
        click.secho(f"{where}: {error.message}", fg="red")
    if plan.undecided:
        click.echo()
        click.secho(
            "to confirm (--map 'HEADER=slug' or 'HEADER=ignore', --role 'TITLE=slug'): "
            + ", ".join(plan.undecided),
            fg="yellow",
        )


def register(main: click.Group, framework: click.Group) -> None:
    """Add the commands to the ``edskills`` group (called from ``api.cli``)."""
    main.add_command(audit)
    main.add_command(needs)
    main.add_command(gaps)
    main.add_command(report)
    framework.add_command(framework_export)


@click.group()
def audit() -> None:
    """Team skill audits: create, list, import a spreadsheet, export."""


@audit.command("create")
@council_option
@click.option("--title", required=True, help="e.g. 'ED team audit 2026'.")
@click.option("--date", "audit_date", default=None, help="Date the audit describes (default today).")
@click.option("--framework-version", default=None, help="Default: the latest published edition.")
@connection_options
def audit_create(
    backend: Backend, council: str, title: str, audit_date: str | None, framework_version: str | None
) -> None:
    """Start an audit and print its id."""
    body: dict[str, Any] = {"title": title, "audit_date": audit_date or dt.date.today().isoformat()}
    if framework_version:
        body["framework_version"] = framework_version
    created = backend.create_audit(council, body)
    click.echo(str(created.id))
    click.echo(f"audit {created.id} on ed-skills@{created.framework_version}", err=True)


@audit.command("list")
@council_option
@connection_options
def audit_list(backend: Backend, council: str) -> None:
    """The council's audits, newest first."""
    rows = [
        [str(item.id), item.audit_date, item.title, str(item.members), str(item.assessments)]
        for item in backend.list_audits(council)
    ]
    table(["id", "date", "title", "members", "assessments"], rows)


@audit.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@council_option
@click.option("--audit", "audit_id", default=None, help="Audit to import into (default: a new one).")
@click.option("--title", default=None, help="Title of the new audit (default: from the file name).")
@click.option("--date", "audit_date", default=None, help="Date of the new audit (default today).")
@click.option("--dry-run", is_flag=True, help="Show how every column and title maps; write nothing.")
@click.option("--map", "column_map", multiple=True, help="HEADER=skill-slug or HEADER=ignore (repeat).")
@click.option("--role", "role_map", multiple=True, help="JOB TITLE=role-slug or =ignore (repeat).")
@click.option("--source", type=click.Choice(["manager", "self", "verified"]), default="manager")
@click.option("--header-row", type=click.IntRange(1, 1000), default=None, help="1-based header row.")
@connection_options
def audit_import(
    backend: Backend,
    file: Path,
    council: str,
    audit_id: str | None,
    title: str | None,
    audit_date: str | None,
    dry_run: bool,
    column_map: tuple[str, ...],
    role_map: tuple[str, ...],
    source: str,
    header_row: int | None,
) -> None:
    """Import a CSV or XLSX skills matrix: plan, show the mapping, then write it all or nothing."""
    mapping: dict[str, Any] = {}
    if column_map:
        mapping["columns"] = _pairs(column_map, "--map")
    if role_map:
        mapping["roles"] = _pairs(role_map, "--role")
    content = file.read_bytes()
    steps = ["plan"] if dry_run or audit_id else ["audit", "plan"]
    if not dry_run:
        steps.append("import")
    with click.progressbar(
        length=len(steps), label=f"Importing {file.name}", file=sys.stderr, show_eta=False
    ) as progress:
        if audit_id is None and not dry_run:
            body = {
                "title": title or f"Import of {file.name}",
                "audit_date": audit_date or dt.date.today().isoformat(),
            }
            audit_id = str(backend.create_audit(council, body).id)
            click.echo(f"\ncreated audit {audit_id}", err=True)
            progress.update(1)
        if audit_id is None:
            raise CommandError("a dry run needs --audit (nothing is created in a dry run)")
        plan = backend.import_spreadsheet(
            council,
            audit_id,
            content,
            file.name,
            mapping=mapping,
            dry_run=True,
            header_row=header_row,
            source=source,
        )
        progress.update(1)
        if plan.ready and not dry_run:
            plan = backend.import_spreadsheet(
                council,
                audit_id,
                content,
                file.name,
                mapping=mapping,
                dry_run=False,
                header_row=header_row,
                source=source,
            )
            progress.update(1)
    click.echo(err=True)
    show_plan(plan)
    click.echo()
    if dry_run:
        state = "ready to import" if plan.ready else "not ready: confirm or ignore the items above"
        click.echo(f"dry run: nothing written; {state}")
        return
    if not plan.ready:
        problems = len(plan.errors) + len(plan.undecided)
        raise CommandError(f"nothing was imported: {problems} item(s) to fix or confirm (listed above)")
    click.echo(
        f"imported into audit {audit_id}: {plan.created_members} member(s) created, "
        f"{plan.updated_members} updated, {plan.written_assessments} assessment(s) written"
    )


@audit.command("export")
@council_option
@audit_option
@click.option(
    "--format", "file_format", type=click.Choice(["xlsx", "csv"]), default="xlsx", show_default=True
)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@connection_options
def audit_export(backend: Backend, council: str, audit_id: str, file_format: str, output: Path) -> None:
    """Write the audit as a spreadsheet that imports back exactly."""
    content = backend.export_audit(council, audit_id, file_format)
    output.write_bytes(content)
    click.echo(f"wrote {output} ({len(content)} bytes)", err=True)


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
    for role, count in _pairs(roles, "--establishment").items():
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


@click.command("export")
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
