"""``edskills db upgrade|downgrade|current`` and ``edskills seed``: the database itself."""

from __future__ import annotations

import asyncio

import click

from api.cli.common import load_settings, run_db


@click.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    from api.db import migrate

    settings = load_settings()
    run_db(lambda: migrate.upgrade(settings.database_url, revision))


@db.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; `base` empties it)."""
    from api.db import migrate

    settings = load_settings()
    run_db(lambda: migrate.downgrade(settings.database_url, revision))


@db.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from api.db import migrate

    settings = load_settings()
    click.echo(run_db(lambda: migrate.current(settings.database_url)) or "(empty database)")


@click.command()
def seed() -> None:
    """Load the shipped framework edition and council registry (safe to run again)."""
    from api.seed import seed as run_seed

    settings = load_settings()
    report = run_db(lambda: asyncio.run(run_seed(settings)))
    click.echo(
        f"framework {report.framework}: {report.framework_action}; councils: {report.councils_added} added, "
        f"{report.councils_updated} updated, {report.councils_total} in the registry"
    )
