"""The ``edskills`` command: serve, migrate, seed, and write the OpenAPI document."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import NoReturn, TypeVar

import click
import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import PROJECT_ROOT, Settings, SettingsError

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """ED Skills Pathways API: service, database and data commands."""


@main.command()
@click.option("--host", default=None, help="Interface to bind (EDSKILLS_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (EDSKILLS_PORT, default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (EDSKILLS_WORKERS, default 1).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API with uvicorn (N worker processes sharing only the database)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from api.db.preflight import check_database
    from api.timeouts import header_deadline_protocol

    settings = load_settings(host=host, port=port, workers=workers)
    problem = asyncio.run(check_database(settings))
    if problem:
        fail(problem)
    config = uvicorn.Config(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        proxy_headers=False,
        http=header_deadline_protocol(settings.header_timeout_seconds),
    )
    if config.workers == 1:
        uvicorn.Server(config).run()
        return
    # uvicorn binds the shared socket of its worker processes with protocol 0, so asyncio does not
    # switch Nagle off on accepted connections (it only does for IPPROTO_TCP sockets), and every small
    # response then waits ~40 ms for the client's delayed ACK. Linux copies TCP_NODELAY from the
    # listening socket to the connections it accepts, so setting it once here fixes every worker.
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()


@main.group()
def db() -> None:
    """Database migrations."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: head)."""
    from api.db import migrate

    settings = load_settings()
    _run_db(lambda: migrate.upgrade(settings.database_url, revision))


@db.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; `base` empties it)."""
    from api.db import migrate

    settings = load_settings()
    _run_db(lambda: migrate.downgrade(settings.database_url, revision))


@db.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from api.db import migrate

    settings = load_settings()
    click.echo(_run_db(lambda: migrate.current(settings.database_url)) or "(empty database)")


def _run_db(action: Callable[[], T]) -> T:
    from api.errors import is_database_down

    try:
        return action()
    except Exception as exc:
        if is_database_down(exc):
            fail(f"cannot reach the database: {_reason(exc)}")
        raise


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).splitlines()[0]


@main.command()
def seed() -> None:
    """Load the shipped framework edition and council registry (safe to run again)."""
    from api.seed import seed as run_seed

    settings = load_settings()
    report = _run_db(lambda: asyncio.run(run_seed(settings)))
    click.echo(
        f"framework {report.framework}: {report.framework_action}; councils: {report.councils_added} added, "
        f"{report.councils_updated} updated, {report.councils_total} in the registry"
    )


@main.group()
def framework() -> None:
    """Framework files: validate an edition directory."""


@framework.command("validate")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
def framework_validate(path: Path) -> None:
    """Check the edition in PATH and list every problem with its file, item and field."""
    from taxonomy.load import check_directory

    edition, problems = check_directory(path)
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems or edition is None:
        fail(f"{len(problems)} problem(s) in {path}")
    click.echo(
        f"{edition.key}: valid ({len(edition.skills)} skills, {len(edition.roles)} roles, "
        f"{len(edition.pathways)} pathway edges, {len(edition.scenarios)} scenarios, "
        f"{len(edition.training)} training options)"
    )


@main.group()
def keys() -> None:
    """API keys: create (printed once), list, revoke."""


async def _with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.db.engine import create_engine

    engine = create_engine(settings, pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


@keys.command("create")
@click.option("--name", required=True, help="Who or what holds the key, e.g. 'Newcastle ED team'.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help="admin, framework:write, national:read or council:<GSS code>.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(1, 1_000_000),
    default=None,
    help="This key's own quota in requests a minute (default: EDSKILLS_RATE_LIMIT_KEY_PER_MINUTE).",
)
def keys_create(name: str, scopes: tuple[str, ...], rate_limit: int | None) -> None:
    """Create a key and print it once: it is stored only as a hash."""
    from api.auth import create_key

    settings = load_settings()

    async def work(session: AsyncSession) -> tuple[int, str]:
        row, key = await create_key(session, name, list(scopes), rate_limit)
        return row.id, key

    try:
        key_id, key = _run_db(lambda: asyncio.run(_with_session(settings, work)))
    except ValueError as exc:
        fail(str(exc))
    click.echo(key)
    scope_list = ", ".join(sorted(set(scopes)))
    quota = f"{rate_limit} requests a minute" if rate_limit else "the default rate limit"
    click.echo(f"key {key_id} for {name!r} with {scope_list} and {quota}; it is not shown again", err=True)


@keys.command("list")
def keys_list() -> None:
    """Keys with their scopes and rate limits (never the keys themselves)."""
    from sqlalchemy import select

    from api.db.models import ApiKey

    settings = load_settings()

    async def work(session: AsyncSession) -> list[ApiKey]:
        return list(await session.scalars(select(ApiKey).order_by(ApiKey.id)))

    for row in _run_db(lambda: asyncio.run(_with_session(settings, work))):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        quota = (
            f"{row.rate_limit_per_minute}/min (own)"
            if row.rate_limit_per_minute
            else f"{settings.rate_limit_key_per_minute}/min (default)"
        )
        click.echo(f"{row.id}\teds_{row.prefix}_…\t{state}\t{quota}\t{row.name}\t{' '.join(row.scopes)}")


@keys.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id: int) -> None:
    """Revoke key KEY_ID (from `keys list`); it stops working at once."""
    from api.auth import revoke_key

    settings = load_settings()
    row = _run_db(lambda: asyncio.run(_with_session(settings, lambda s: revoke_key(s, key_id))))
    if row is None:
        fail(f"no key {key_id}")
    click.echo(f"key {key_id} revoked")


def _register_people_commands() -> None:
    """audit, needs, gaps and report (api.cli_audit): they talk to a server or, with --local, the database."""
    from api.cli_audit import register

    register(main, framework)


_register_people_commands()


@main.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def openapi(output: Path | None) -> None:
    """Write the OpenAPI 3.1 document (default: openapi.yaml at the project root)."""
    target = output or PROJECT_ROOT / "openapi.yaml"
    target.write_text(openapi_yaml(), encoding="utf-8")
    click.echo(f"wrote {target}")


def openapi_yaml() -> str:
    """The app's OpenAPI document as YAML; the committed openapi.yaml must equal this."""
    from api.app import create_app

    app = create_app(Settings.from_env(database_url="sqlite+aiosqlite:///:memory:"))
    schema = app.openapi_schema.to_schema()
    # litestar gathers response headers in a set, so their order changed with the hash seed and the
    # committed file churned on every regeneration; sorting them makes it byte-stable.
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for response in operation.get("responses", {}).values() if isinstance(operation, dict) else ():
                if "headers" in response:
                    response["headers"] = dict(sorted(response["headers"].items()))
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)
