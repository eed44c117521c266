"""How the commands print: plain fixed-width tables on stdout, coloured where a terminal shows it."""

from __future__ import annotations

from collections.abc import Sequence

import click
from edskills_client import models
from msgspec import UNSET

from api.audits.schemas import UNDECIDED

DECISION_COLOURS = {"matched": "green", "confirmed": "green", "suggested": "yellow", "unmatched": "red"}
RAG_COLOURS = {"red": "red", "amber": "yellow", "green": "green"}


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


def text(value: object) -> str:
    return "" if value is None or value is UNSET else str(value)


def _score(value: object) -> str:
    return f"{value:.0f}" if isinstance(value, float) else ""


def _candidates(value: object) -> list[models.Candidate]:
    return value if isinstance(value, list) else []


def show_plan(plan: models.ImportPlan) -> None:
    """The mapping table a manager checks before anything is written (a dry run, or a refusal)."""
    where = f"{plan.file_type}, {plan.layout} layout, header row {plan.header_row}"
    click.echo(f"{where}: {plan.members} member(s), {plan.assessments} assessment(s)\n")
    rows, colours = [], []
    for column in plan.columns:
        decision = text(column.decision)
        target = text(column.skill) if column.role in {"skill", "ignored"} else f"({column.role})"
        suggestions = _candidates(column.candidates)
        if decision in UNDECIDED and suggestions:
            target = (target or "?") + "  e.g. " + ", ".join(candidate.slug for candidate in suggestions[:2])
        rows.append([column.column, column.header, target or "-", _score(column.score), decision])
        colours.append(DECISION_COLOURS.get(decision))
    table(["col", "header", "skill", "score", "decision"], rows, colours)
    for heading, what, titles in (
        ("job title", "role", plan.roles),
        ("skill name", "skill", plan.skill_names),
    ):
        if titles:
            click.echo()
            table(
                [heading, what, "score", "decision"],
                [[t.text, text(t.slug) or "-", _score(t.score), text(t.decision)] for t in titles],
                [DECISION_COLOURS.get(text(t.decision)) for t in titles],
            )
    for error in plan.errors:
        where = f"row {error.row}" + (f", column {error.column}" if error.column else "")
        click.secho(f"{where}: {error.message}", fg="red")
    _show_undecided(plan)


def _show_undecided(plan: models.ImportPlan) -> None:
    """Each header or title still to confirm, as the option that settles it, with the suggestions."""
    items: list[tuple[str, str, Sequence[models.Candidate]]] = [
        *(
            ("--map", c.header, _candidates(c.candidates))
            for c in plan.columns
            if text(c.decision) in UNDECIDED
        ),
        *(("--role", t.text, _candidates(t.candidates)) for t in plan.roles if text(t.decision) in UNDECIDED),
        *(
            ("--skill", t.text, _candidates(t.candidates))
            for t in plan.skill_names
            if text(t.decision) in UNDECIDED
        ),
    ]
    if not items:
        return
    click.echo()
    click.secho("to confirm (one option each; or TEXT=ignore):", fg="yellow")
    for option, subject, candidates in items:
        if not candidates:
            click.secho(f"  {option} '{subject}=…'  nothing in the framework matches", fg="yellow")
            continue
        best, *others = candidates
        also = "".join(f"; or {c.slug} ({c.label}, {c.score:.0f})" for c in others[:1])
        click.secho(f"  {option} '{subject}={best.slug}'  {best.label} ({best.score:.0f}){also}", fg="yellow")
