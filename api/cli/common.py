"""What every ``edskills`` command shares: one-line failures, settings, a database session, and
the errors a command expects."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import NoReturn, TypeVar

import click
from edskills_client import models
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import is_database_down
from api.settings import Settings, SettingsError

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """One clear line on stderr and a non-zero exit: no tracebacks for expected failures."""
    click.echo(f"edskills: error: {message}", err=True)
    sys.exit(2)


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except SettingsError as exc:
        fail(str(exc))


def database_problem(exc: BaseException) -> str | None:
    """The one line to print when ``exc`` means the database cannot be reached, else None."""
    if not is_database_down(exc):
        return None
    return "cannot reach the database: " + str(getattr(exc, "orig", None) or exc).splitlines()[0]


def run_db(action: Callable[[], T]) -> T:
    """Run a database action; an unreachable database is one line, not a traceback."""
    try:
        return action()
    except Exception as exc:
        if problem := database_problem(exc):
            fail(problem)
        raise


async def with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """``work`` in one transaction on its own engine: committed if it returns, rolled back if it raises."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.db.engine import create_engine

    engine = create_engine(settings, pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def in_transaction(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    return run_db(lambda: asyncio.run(with_session(settings, work)))


class CommandError(Exception):
    """An expected failure, shown as one line on stderr with a non-zero exit."""


@dataclass(frozen=True)
class NewAudit:
    """The audit ``audit import`` creates when no ``--audit`` is given (only if the import is ready)."""

    title: str
    audit_date: str
    framework_version: str | None = None


@dataclass(frozen=True)
class Imported:
    """What an import answered: the plan, and the audit it went into (None on a dry run of a new one)."""

    audit_id: str | None
    plan: models.ImportPlan


class ImportRefused(CommandError):
    """The import was not ready and wrote nothing; ``plan`` is what a dry run would have shown."""

    def __init__(self, plan: models.ImportPlan) -> None:
        problems = len(plan.errors) + len(plan.undecided)
        super().__init__(f"nothing was imported: {problems} item(s) to fix or confirm (listed above)")
        self.plan = plan
