"""``edskills keys create|list|revoke``: API keys, stored only as hashes."""

from __future__ import annotations

import click
from sqlalchemy.ext.asyncio import AsyncSession

from api.cli.common import fail, in_transaction, load_settings


@click.group()
def keys() -> None:
    """API keys: create (printed once), list, revoke."""


@keys.command("create")
@click.option("--name", required=True, help="Who or what holds the key, e.g. 'Newcastle ED team'.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help="admin, framework:write, national:read, partner or council:<GSS code>.",
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
        key_id, key = in_transaction(settings, work)
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

    for row in in_transaction(settings, work):
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
    row = in_transaction(settings, lambda session: revoke_key(session, key_id))
    if row is None:
        fail(f"no key {key_id}")
    click.echo(f"key {key_id} revoked")
