"""Engine and session configuration shared by the app, the CLI and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from advanced_alchemy.extensions.litestar import AsyncSessionConfig, EngineConfig, SQLAlchemyAsyncConfig
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from api.db.models import Base

if TYPE_CHECKING:
    from api.settings import Settings


def engine_options(settings: Settings, *, pooled: bool = True) -> dict[str, Any]:
    """Options that bound every wait on the database, so an outage gives a quick 503, not a hang.

    ``pooled=False`` is for one-off work (migrations, seeding, tests) that must not leave
    connections open behind it.
    """
    if settings.is_sqlite:
        return {"connect_args": {"timeout": settings.db_timeout_seconds}, **({} if pooled else _NO_POOL)}
    pool: dict[str, Any] = (
        {
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_pool_size,
            "pool_timeout": settings.db_timeout_seconds,
            "pool_pre_ping": True,
        }
        if pooled
        else _NO_POOL
    )
    return {
        **pool,
        "connect_args": {
            "timeout": settings.db_timeout_seconds,
            "command_timeout": max(settings.db_timeout_seconds * 6, 30.0),
            "server_settings": {"application_name": "edskills"},
        },
    }


_NO_POOL: dict[str, Any] = {"poolclass": NullPool}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers run beside one writer; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def create_engine(settings: Settings, *, pooled: bool = True) -> AsyncEngine:
    if settings.is_sqlite:
        _ensure_sqlite_directory(settings.database_url)
    # hide_parameters: a failing statement's message (logged with the 500) must not carry its
    # parameters, which are member names, evidence notes and key hashes (issue 12, PITFALLS).
    engine = create_async_engine(
        settings.database_url, hide_parameters=True, **engine_options(settings, pooled=pooled)
    )
    if settings.is_sqlite:
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _ensure_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def alchemy_config(engine: AsyncEngine) -> SQLAlchemyAsyncConfig:
    """One session per request, committed on 2xx and 3xx and rolled back otherwise. Redirects
    commit because a page's form answers a successful write with 303 See Other (sign-in, a key
    created: issue 15); no JSON route redirects after writing.

    The caller owns ``engine`` and must dispose of it: advanced-alchemy renames its app-state
    keys when a process builds a second config (every test does), and then skips the disposal.
    """
    return SQLAlchemyAsyncConfig(
        engine_instance=engine,
        session_config=AsyncSessionConfig(expire_on_commit=False),
        before_send_handler="autocommit_include_redirects",
        metadata=Base.metadata,
        create_all=False,
        set_default_exception_handler=False,
        engine_config=EngineConfig(),
    )
