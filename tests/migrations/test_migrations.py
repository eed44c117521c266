"""Migrations match the models and round-trip, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect

from api.db import migrate
from api.db.engine import create_engine
from api.db.models import Base
from api.settings import Settings

T = TypeVar("T")


def on_connection(url: str, work: Callable[[Connection], T]) -> T:
    """Run synchronous inspection code on a connection to ``url``."""

    async def run() -> T:
        engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def model_drift(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": False}
    )
    return list(compare_metadata(context, Base.metadata))


def table_names(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def test_upgrade_head_matches_the_models(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    assert on_connection(empty_database_url, model_drift) == []
    assert "(head)" in migrate.current(empty_database_url)


def test_downgrade_base_then_upgrade_round_trips(empty_database_url: str) -> None:
    migrate.upgrade(empty_database_url)
    tables = on_connection(empty_database_url, table_names)
    assert set(Base.metadata.tables) == tables

    migrate.downgrade(empty_database_url, "base")
    assert on_connection(empty_database_url, table_names) == set()

    migrate.upgrade(empty_database_url)
    assert on_connection(empty_database_url, table_names) == tables
    assert on_connection(empty_database_url, model_drift) == []
