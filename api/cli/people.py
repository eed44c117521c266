"""``edskills people invite|reset|grant|ungrant|list|log``: people who sign in to the web pages
(issue 15), on the configured database (like ``edskills keys``: whoever holds the database URL may
administer people).

Links are printed on stdout, so an administrator can pass them on when no mail server is set (or it
failed); the line on stderr says whether the link was also emailed. Every change is in the event
log with the actor ``cli``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import click
from sqlalchemy.ext.asyncio import AsyncSession

from api.cli.common import fail, in_transaction, load_settings
from api.cli.output import table
from api.errors import ProblemError
from api.people import events
from api.people import service as people
from api.people.schemas import IssuedLink
from api.settings import Settings

T = TypeVar("T")
ACTOR = "cli"
GRANT_HELP = "manager:<GSS code>, editor, analyst or admin."


def _run(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """One transaction; a refusal (bad email, unknown council…) is one line naming each field."""
    try:
        return in_transaction(settings, work)
    except ProblemError as exc:
        fields = "; ".join(f"{error.field}: {error.message}" for error in exc.errors or [])
        fail(fields or str(exc.detail))


def _delivery(issued: IssuedLink, settings: Settings) -> str:
    if issued.emailed:
        return f"emailed to {issued.email}"
    if issued.mail_error:
        return f"NOT emailed ({issued.mail_error}); pass the link on yourself"
    if not settings.smtp_url:
        return "not emailed (EDSKILLS_SMTP_URL is not set); pass the link on yourself"
    return "not emailed; pass the link on yourself"


@click.group()
def people_group() -> None:
    """People who sign in to the web pages: invite, reset, grant, ungrant, list, log."""


@people_group.command("invite")
@click.option("--email", required=True, help="Their work email; it is how they sign in.")
@click.option("--name", required=True, help="Their name as the pages show it.")
@click.option("--grant", "grants", multiple=True, required=True, help=GRANT_HELP)
def people_invite(email: str, name: str, grants: tuple[str, ...]) -> None:
    """Invite a person: prints a single-use link where they set a password (emailed too when a mail
    server is configured). Inviting someone who has not yet used their link sends a new one."""
    settings = load_settings()
    issued = _run(
        settings,
        lambda session: people.invite(
            session, settings, email=email, display_name=name, grants=list(grants), actor=ACTOR
        ),
    )
    click.echo(issued.link)
    click.echo(
        f"invited {issued.email}: the link works once, until {issued.expires_at:%Y-%m-%d %H:%M} UTC; "
        + _delivery(issued, settings),
        err=True,
    )


@people_group.command("reset")
@click.option("--email", required=True, help="The person's email.")
def people_reset(email: str) -> None:
    """Print a single-use password-reset link for a person (emailed too when mail is configured)."""
    settings = load_settings()
    issued = _run(settings, lambda session: people.issue_reset(session, settings, email=email, actor=ACTOR))
    if issued is None:
        fail(f"no person with the email {people.normalise_email(email)!r}")
    click.echo(issued.link)
    click.echo(
        f"reset link for {issued.email}: works once, until {issued.expires_at:%Y-%m-%d %H:%M} UTC; "
        + _delivery(issued, settings),
        err=True,
    )


def _change_grant(change: Callable[..., Awaitable[list[str]]], email: str, grant: str) -> None:
    """``grant`` and ``ungrant``: one change in one transaction, then the grants the person holds."""
    held = _run(load_settings(), lambda session: change(session, email=email, grant=grant, actor=ACTOR))
    click.echo(f"{people.normalise_email(email)}: {' '.join(held) or '(no grants)'}")


@people_group.command("grant")
@click.option("--email", required=True, help="The person's email.")
@click.option("--grant", required=True, help=GRANT_HELP)
def people_grant(email: str, grant: str) -> None:
    """Give a person a grant; prints the grants they hold afterwards."""
    _change_grant(people.add_grant, email, grant)


@people_group.command("ungrant")
@click.option("--email", required=True, help="The person's email.")
@click.option("--grant", required=True, help=GRANT_HELP)
def people_ungrant(email: str, grant: str) -> None:
    """Take a grant away; prints the grants they hold afterwards."""
    _change_grant(people.remove_grant, email, grant)


@people_group.command("list")
@click.option("--limit", type=click.IntRange(1, 500), default=500, show_default=True)
@click.option("--offset", type=click.IntRange(0, 1_000_000), default=0, show_default=True)
def people_list(limit: int, offset: int) -> None:
    """People by email with their status (invited, active, locked) and grants."""
    settings = load_settings()
    page = _run(settings, lambda session: people.list_people(session, limit, offset))
    table(
        ["email", "name", "status", "grants"],
        [[item.email, item.display_name, item.status, " ".join(item.grants)] for item in page.items],
    )
    if page.offset + len(page.items) < page.total:
        click.echo(
            f"{len(page.items)} of {page.total}; more with --offset {page.offset + page.limit}", err=True
        )


@people_group.command("log")
@click.option("--limit", type=click.IntRange(1, 500), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0, 1_000_000), default=0, show_default=True)
@click.option("--kind", type=click.Choice(events.KINDS), default=None, help="Only events of this kind.")
def people_log(limit: int, offset: int, kind: str | None) -> None:
    """The event log, newest first: sign-ins, failures, locks, invitations, grants, keys."""
    settings = load_settings()
    page = _run(settings, lambda session: people.event_page(session, limit, offset, kind))
    table(
        ["at (UTC)", "kind", "actor", "address", "detail"],
        [
            [
                f"{item.at:%Y-%m-%d %H:%M:%S}",
                item.kind,
                item.actor or "",
                item.address or "",
                " ".join(f"{key}={value}" for key, value in sorted(item.detail.items())),
            ]
            for item in page.items
        ],
    )
