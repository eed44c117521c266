"""Shared fixtures: every database test runs on SQLite and on PostgreSQL, each in a database of its own.

Migrating (and seeding) takes seconds, so it happens once per backend into a *template*; each test
then gets a copy: a file copy for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL.
PostgreSQL tests skip with the reason when no server answers, unless
``EDSKILLS_REQUIRE_POSTGRES=1`` (CI), when they fail instead.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import make_url

from api.app import create_app
from api.db import migrate
from api.seed import seed
from api.settings import Settings

POSTGRES_URL = os.environ.get(
    "EDSKILLS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("EDSKILLS_REQUIRE_POSTGRES") == "1"
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


T = TypeVar("T")


def off_event_loop(function: Callable[..., T], *args: Any) -> T:
    """Call ``function`` where no event loop runs: here, or in a worker thread while this thread's
    loop is held by Playwright's sync API (tests/browser), since ``asyncio.run`` refuses to nest."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(function, *args).result()


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` that also works inside browser tests (see ``off_event_loop``)."""
    return off_event_loop(asyncio.run, coroutine)


def _dsn(url: str, database: str | None = None) -> str:
    """asyncpg's own DSN form of a SQLAlchemy URL, optionally for another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def _url_for(database: str) -> str:
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


async def _pg_execute(*statements: str) -> None:
    connection = await asyncpg.connect(_dsn(POSTGRES_URL), timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def pg_execute(*statements: str) -> None:
    run_async(_pg_execute(*statements))


@pytest.fixture(scope="session")
def postgres_ready() -> None:
    try:
        pg_execute("SELECT 1")
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        reason = f"PostgreSQL not reachable at {make_url(POSTGRES_URL).render_as_string()}: {exc}"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason} (EDSKILLS_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)


def prepare_database(url: str) -> None:
    """Bring an empty database to what ``make serve`` gives: migrated and seeded."""
    off_event_loop(migrate.upgrade, url)
    run_async(seed(Settings.from_env({}, database_url=url)))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    prepare_database(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_ready: None) -> Iterator[str]:
    name = f"edskills_tpl_{WORKER}_{os.getpid()}"  # concurrent runs must not share it
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    prepare_database(_url_for(name))
    yield name
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_postgres(postgres_ready: None) -> Iterator[str]:
    name = f"edskills_t_{WORKER}_{uuid.uuid4().hex[:10]}"
    pg_execute(f"CREATE DATABASE {name}")
    yield _url_for(name)
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with nothing in it, for migration tests."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    url: str = request.getfixturevalue("empty_postgres")
    return url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated and seeded database of the test's own."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "test.db"
        shutil.copyfile(template, target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    template_name: str = request.getfixturevalue("postgres_template")
    name = f"edskills_t_{WORKER}_{uuid.uuid4().hex[:10]}"
    pg_execute(f"CREATE DATABASE {name} TEMPLATE {template_name}")
    yield _url_for(name)
    pg_execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env({}, database_url=database_url)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """The real app, in-process, on the test's own database."""
    with TestClient(app=create_app(settings)) as test_client:
        yield test_client


NEWCASTLE = "E08000021"
GATESHEAD = "E08000037"


async def _create_keys(url: str, rate_limit: int | None = None) -> dict[str, str]:
    """admin, newcastle, gateshead and framework keys; ``rate_limit`` gives them their own quota
    (requests a minute) for callers that make more requests than the default allows."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.auth import create_key
    from api.db.engine import create_engine

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    scopes = {
        "admin": ["admin"],
        "newcastle": [f"council:{NEWCASTLE}"],
        "gateshead": [f"council:{GATESHEAD}"],
        "framework": ["framework:write"],
    }
    try:
        async with async_sessionmaker(engine)() as session, session.begin():
            return {
                name: (await create_key(session, name, scope, rate_limit))[1]
                for name, scope in scopes.items()
            }
    finally:
        await engine.dispose()


@pytest.fixture
def keys(database_url: str) -> dict[str, str]:
    """Real keys in the test's database: admin, newcastle, gateshead (councils) and framework."""
    return run_async(_create_keys(database_url))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _count_rows(url: str, table: str) -> int:
    from sqlalchemy import text

    from api.db.engine import create_engine

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one())
    finally:
        await engine.dispose()


@pytest.fixture
def row_counts(database_url: str) -> Callable[[], dict[str, int]]:
    """Counts of the audit tables, to prove a refused request wrote nothing."""

    def counts() -> dict[str, int]:
        return {
            table: run_async(_count_rows(database_url, table))
            for table in ("audits", "members", "assessments")
        }

    return counts
