"""``edskills audit create|list|import|export|carry-forward``: a team's audits.

Each talks to a server through the Python client, or with ``--local`` to the configured database
(see ``api.cli.backend``). Tables go to stdout, progress and notes to stderr, so the output of
``audit create`` (the new id) can be captured by a script.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, get_args

import click
import msgspec

from api.audits.schemas import ImportMapping, ImportOptions, Layout, Source
from api.cli.backend import Backend, connection_options
from api.cli.common import CommandError, ImportRefused, NewAudit
from api.cli.output import show_plan, table

council_option = click.option("--council", required=True, help="GSS code of the council, e.g. E08000021.")
audit_option = click.option("--audit", "audit_id", required=True, help="Audit id (from `audit create`).")


def pairs(values: tuple[str, ...], option: str, separator: str = "=") -> dict[str, str]:
    """``TEXT=VALUE`` options as a dict (the text may itself hold the separator: the last one splits)."""
    found: dict[str, str] = {}
    for value in values:
        left, sep, right = value.rpartition(separator)
        if not sep or not left.strip() or not right.strip():
            raise click.BadParameter(f"expected TEXT{separator}VALUE, got {value!r}", param_hint=option)
        found[left.strip()] = right.strip()
    return found


@click.group()
def audit() -> None:
    """Team skill audits: create, list, import a spreadsheet, export, carry forward."""


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
@click.option("--framework-version", default=None, help="Edition of the new audit (default: latest).")
@click.option("--dry-run", is_flag=True, help="Show how every column and title maps; write nothing.")
@click.option("--map", "column_map", multiple=True, help="HEADER=skill-slug or HEADER=ignore (repeat).")
@click.option("--role", "role_map", multiple=True, help="JOB TITLE=role-slug or =ignore (repeat).")
@click.option("--skill", "skill_map", multiple=True, help="Long layout: SKILL NAME=slug or =ignore (repeat).")
@click.option(
    "--layout", type=click.Choice(get_args(Layout)), default=None, help="Default: from the headers."
)
@click.option("--source", type=click.Choice(get_args(Source)), default="manager", show_default=True)
@click.option("--header-row", type=click.IntRange(1, 1000), default=None, help="1-based header row.")
@connection_options
def audit_import(
    backend: Backend,
    file: Path,
    council: str,
    audit_id: str | None,
    title: str | None,
    audit_date: str | None,
    framework_version: str | None,
    dry_run: bool,
    column_map: tuple[str, ...],
    role_map: tuple[str, ...],
    skill_map: tuple[str, ...],
    layout: Layout | None,
    source: Source,
    header_row: int | None,
) -> None:
    """Import a CSV or XLSX skills matrix all or nothing, uploading it once.

    Without --audit the audit is created only if the import is ready. A dry run, and a refusal
    (exit 2), print the plan: how every column and title maps, with suggestions, and each error.
    """
    given = {
        "columns": pairs(column_map, "--map"),
        "roles": pairs(role_map, "--role"),
        "skill_names": pairs(skill_map, "--skill"),
    }
    try:
        mapping = msgspec.convert(given, type=ImportMapping)  # checked as the route checks it
    except msgspec.ValidationError as exc:
        raise CommandError(f"invalid mapping: {exc}") from None
    options = ImportOptions(
        mapping=mapping, header_row=header_row, layout=layout, source=source, dry_run=dry_run
    )
    into: str | NewAudit = audit_id or NewAudit(
        title=title or f"Import of {file.name}",
        audit_date=audit_date or dt.date.today().isoformat(),
        framework_version=framework_version,
    )
    click.echo(f"Importing {file.name}…", err=True)
    try:
        done = backend.import_spreadsheet(council, into, file.read_bytes(), file.name, options)
    except ImportRefused as refused:
        show_plan(refused.plan)
        raise
    show_plan(done.plan)
    click.echo()
    if dry_run:
        state = "ready to import" if done.plan.ready else "not ready: confirm or ignore the items above"
        click.echo(f"dry run: nothing written; {state}")
        return
    if audit_id is None:
        click.echo(f"created audit {done.audit_id}", err=True)
    plan = done.plan
    click.echo(
        f"imported into audit {done.audit_id}: {plan.created_members} member(s) created, "
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


@audit.command("carry-forward")
@council_option
@audit_option
@click.option("--to", "to_version", required=True, help="The later published edition, e.g. 2026.2.")
@connection_options
def audit_carry_forward(backend: Backend, council: str, audit_id: str, to_version: str) -> None:
    """Copy an audit onto a later edition (skills follow `replaces`) and print the new audit's id."""
    result = backend.carry_forward(council, audit_id, to_version)
    click.echo(str(result.audit.id))
    click.echo(
        f"carried {result.members} member(s) and {result.assessments} assessment(s) "
        f"from ed-skills@{result.from_version} to ed-skills@{result.to_version}",
        err=True,
    )
    for change in result.changed:
        click.echo(f"  {change.skill} -> {', '.join(change.to)}", err=True)
    for skill in result.unmapped_skills:
        click.echo(
            f"  not carried: {skill.skill} (removed in {skill.removed_in}; "
            f"{skill.assessments} assessment(s) of {skill.members} member(s))",
            err=True,
        )
    for role in result.unmapped_roles:
        click.echo(
            f"  {role.member}: role {role.role} is not in {result.to_version}; carried with no role", err=True
        )
