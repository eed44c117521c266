"""Alembic environment for SQLite and PostgreSQL.

It accepts, in order: a connection handed over in ``config.attributes["connection"]`` (the app
and the tests), a URL in ``config.attributes["url"]``, then the ``EDSKILLS_DATABASE_URL``
setting (the plain ``alembic`` CLI). Batch mode is on for every database: it changes nothing on
PostgreSQL and lets SQLite alter tables.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from api.db.engine import create_engine
from api.db.models import Base
from api.settings import Settings

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        compare_server_default=False,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Concurrent upgrades (several workers starting at once) run one at a time.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7243712001)")
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    settings = Settings.from_env(database_url=url)
    engine = create_engine(settings, pooled=False)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    url = config.attributes.get("url") or Settings.from_env().database_url
    asyncio.run(_run_with_url(url))


if context.is_offline_mode():
    context.configure(
        url=config.attributes.get("url") or Settings.from_env().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
