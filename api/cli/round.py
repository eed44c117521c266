"""``edskills round open|links|remind|close``: self-assessment rounds from the command line (issue 17).

Like ``edskills audit``, each command talks to a server through the Python client, or with
``--local`` to the configured database through the same service functions as the routes
(``api.rounds.service``). The two ways live here, chosen by the backend ``connection_options``
hands over, so the shared ``Backend`` protocol needs no round methods. The round id goes to stdout
(scripts capture it); links are secrets shown once: a table on stdout, or ``--csv FILE`` for a
mail merge (the same CSV as the API's ``?format=csv``).
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar, get_args

import click
import msgspec
from edskills_client import Client, models
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.rounds import ScopeKind
from api.audits import service as audits
from api.cli.audit import audit_option, council_option, pairs
from api.cli.backend import Backend, connection_options
from api.cli.common import CommandError
from api.cli.output import table
from api.db.models import Audit, Round
from api.rounds import service
from api.rounds.schemas import MemberLink, RoundCreate

T = TypeVar("T")
LOCAL_ACTOR = "edskills CLI (--local)"
round_option = click.option("--round", "round_id", required=True, help="Round id (from `round open`).")
member_option = click.option(
    "--member", "members", multiple=True, help="Member reference (repeat); default: all."
)


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CommandError(f"{what} {text!r} is not an id (a UUID)") from None


def _wire(value: object, kind: type[T]) -> T:
    return msgspec.convert(msgspec.to_builtins(value), type=kind)


def _local(
    backend: Any, council: str, audit_id: str, work: Callable[[AsyncSession, Audit], Awaitable[T]]
) -> T:
    """Run ``work`` on the audit in one transaction of the local backend (``api.cli.local``)."""
    audit_uuid = _uuid(audit_id, "audit")

    async def run(session: AsyncSession) -> T:
        code = await backend._council(session, council)
        return await work(session, await audits.get_audit(session, code, audit_uuid))

    result: T = backend._run(run)
    return result


def _is_local(backend: Backend) -> bool:
    return not hasattr(backend, "client")


def _client(backend: Backend) -> Client:
    """The remote backend's client (``api.cli.remote.RemoteBackend``)."""
    client: Client = getattr(backend, "client")  # noqa: B009 - not in the Backend protocol
    return client


def _local_parts(backend: Backend) -> tuple[Any, Any]:
    """The local backend's settings and framework store (``api.cli.local.LocalBackend``)."""
    local: Any = backend
    return local.settings, local.store


async def _round(session: AsyncSession, audit: Audit, round_id: str) -> Round:
    return await service.get_round(session, audit, _uuid(round_id, "round"))


def _show_links(links: list[models.MemberLink], csv_file: Path | None) -> None:
    if csv_file is not None:
        csv_file.write_bytes(service.links_csv([_wire(link, MemberLink) for link in links]))
        click.echo(
            f"{len(links)} link(s) written to {csv_file} (each member's earlier link stops working)", err=True
        )
        return
    table(
        ["reference", "email", "link", "valid until"],
        [[i.reference, i.email or "", i.link, str(i.valid_until)] for i in links],
    )


@click.group("round")
def round_group() -> None:
    """Self-assessment rounds: open one on an audit, issue links, remind, close."""


@round_group.command("open")
@council_option
@audit_option
@click.option("--title", required=True, help="e.g. 'Spring 2027 self-assessment'.")
@click.option("--due", "due_date", required=True, help="Due date, YYYY-MM-DD.")
@member_option
@click.option("--email", "emails", multiple=True, help="REFERENCE=address to email the link to (repeat).")
@click.option("--scope", type=click.Choice(get_args(ScopeKind)), default="roles", show_default=True)
@click.option(
    "--needs", "needs_id", default=None, help="Needs profile whose skills join each role's (scope roles)."
)
@click.option("--category", "categories", multiple=True, help="Category slug (scope categories; repeat).")
@click.option("--evidence-from-level3", is_flag=True, help="Require an evidence note at level 3 and above.")
@click.option(
    "--cycle",
    type=click.Choice(["0", "3", "6", "12"]),
    default="0",
    show_default=True,
    help="Review cycle (months).",
)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the links here.",
)
@connection_options
def round_open(
    backend: Backend,
    council: str,
    audit_id: str,
    title: str,
    due_date: str,
    members: tuple[str, ...],
    emails: tuple[str, ...],
    scope: str,
    needs_id: str | None,
    categories: tuple[str, ...],
    evidence_from_level3: bool,
    cycle: str,
    csv_file: Path | None,
) -> None:
    """Open a round; print its id, then every member's link (shown once)."""
    body: dict[str, Any] = {
        "title": title,
        "due_date": due_date,
        "members": list(members) or None,
        "emails": pairs(emails, "--email"),
        "scope": scope,
        "needs_id": needs_id,
        "categories": list(categories),
        "evidence_required_from_level3": evidence_from_level3,
        "cycle_months": int(cycle),
    }
    if _is_local(backend):
        try:
            data = msgspec.convert(body, type=RoundCreate)
        except msgspec.ValidationError as exc:
            raise CommandError(f"invalid input: {exc}") from None

        async def work(session: AsyncSession, audit: Audit) -> models.RoundOpened:
            settings, store = _local_parts(backend)
            rnd, links = await service.open_round(session, store, settings, audit, data, actor=LOCAL_ACTOR)
            out = await service.round_out(session, settings, rnd)
            return _wire({"round": out, "links": links}, models.RoundOpened)

        opened = _local(backend, council, audit_id, work)
    else:
        opened = _client(backend).open_round(council, audit_id, body)
    click.echo(str(opened.round.id))
    click.echo(
        f"round {opened.round.id}: {opened.round.invited} member(s), due {opened.round.due_date}", err=True
    )
    _show_links(list(opened.links), csv_file)


@round_group.command("links")
@council_option
@audit_option
@round_option
@member_option
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write a mail-merge CSV.",
)
@connection_options
def round_links(
    backend: Backend,
    council: str,
    audit_id: str,
    round_id: str,
    members: tuple[str, ...],
    csv_file: Path | None,
) -> None:
    """Issue fresh links (each member's earlier link stops working) and show them."""
    chosen = list(members) or None
    if _is_local(backend):

        async def work(session: AsyncSession, audit: Audit) -> list[models.MemberLink]:
            rnd = await _round(session, audit, round_id)
            links = await service.issue_links(session, _local_parts(backend)[0], audit, rnd, chosen)
            return [_wire(link, models.MemberLink) for link in links]

        links = _local(backend, council, audit_id, work)
    else:
        links = list(_client(backend).issue_round_links(council, audit_id, round_id, chosen).items)
    _show_links(links, csv_file)


@round_group.command("remind")
@council_option
@audit_option
@round_option
@member_option
@connection_options
def round_remind(
    backend: Backend, council: str, audit_id: str, round_id: str, members: tuple[str, ...]
) -> None:
    """Email a reminder with a fresh link to members who have not submitted (needs SMTP)."""
    chosen = list(members) or None
    if _is_local(backend):

        async def work(session: AsyncSession, audit: Audit) -> models.MailResult:
            rnd = await _round(session, audit, round_id)
            result = await service.email_links(
                session,
                _local_parts(backend)[0],
                audit,
                rnd,
                members=chosen,
                emails={},
                actor=LOCAL_ACTOR,
                reminder=True,
            )
            return _wire(result, models.MailResult)

        result = _local(backend, council, audit_id, work)
    else:
        result = _client(backend).remind_round(council, audit_id, round_id, members=chosen)
    rows = [[reference, "sent", ""] for reference in result.sent]
    rows += [[item.reference, "skipped", item.reason] for item in result.skipped]
    rows += [[item.reference, "failed", item.reason] for item in result.failed]
    table(["member", "reminder", "why"], rows)


@round_group.command("close")
@council_option
@audit_option
@round_option
@connection_options
def round_close(backend: Backend, council: str, audit_id: str, round_id: str) -> None:
    """Close the round (no more submissions); with a cycle, print the next review's audit id."""
    if _is_local(backend):

        async def work(session: AsyncSession, audit: Audit) -> models.RoundOut:
            settings, store = _local_parts(backend)
            rnd = await _round(session, audit, round_id)
            await service.close_round(session, store, settings, audit, rnd, actor=LOCAL_ACTOR)
            return _wire(await service.round_out(session, settings, rnd), models.RoundOut)

        closed = _local(backend, council, audit_id, work)
    else:
        closed = _client(backend).close_round(council, audit_id, round_id)
    rate = "n/a" if closed.response_rate_percent is None else f"{closed.response_rate_percent}%"
    click.echo(
        f"round {closed.id} closed: {closed.submitted} of {closed.invited} submitted ({rate})", err=True
    )
    if closed.next_audit_id:
        click.echo(str(closed.next_audit_id))
        click.echo(f"next review scheduled: audit {closed.next_audit_id}", err=True)
