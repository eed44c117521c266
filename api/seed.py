"""Load the shipped framework edition and council registry into the database, idempotently.

Running it again changes nothing; a registry update refreshes the registry's own fields but
keeps each council's choice to share its capability. A shipped edition that differs from a
published one already stored is reported, never written over: published editions never change.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.db.engine import create_engine
from api.db.models import Council, FrameworkVersion
from api.settings import Settings
from taxonomy.councils import Registry, load_registry
from taxonomy.load import load_framework
from taxonomy.model import Framework

REGISTRY_FIELDS = (
    "code",
    "name",
    "official_name",
    "type",
    "type_name",
    "nation",
    "region",
    "district_level",
    "county",
    "combined_authority",
    "lat",
    "lon",
    "population",
    "alt_names",
    "former_gss",
    "neighbours",
    "neighbour_basis",
    "members",
)


class SeedReport(msgspec.Struct, kw_only=True):
    framework: str
    framework_action: str
    councils_added: int
    councils_updated: int
    councils_total: int


async def seed_framework(session: AsyncSession, framework: Framework) -> str:
    document = msgspec.json.encode(framework).decode()
    stored = await session.scalar(
        select(FrameworkVersion).where(
            FrameworkVersion.framework_id == framework.id, FrameworkVersion.version == framework.version
        )
    )
    if stored is None:
        session.add(
            FrameworkVersion(
                framework_id=framework.id,
                version=framework.version,
                status=framework.status,
                document=document,
                revision=1,
                published_at=dt.datetime.now(dt.UTC) if framework.status == "published" else None,
            )
        )
        return "added"
    if stored.document == document:
        return "unchanged"
    return f"kept the stored {stored.status} edition (the shipped files differ from it)"


async def seed_councils(session: AsyncSession, registry: Registry) -> tuple[int, int]:
    existing = {council.gss: council for council in (await session.scalars(select(Council))).all()}
    added = updated = 0
    for record in registry.councils:
        values = {field: _plain(getattr(record, field)) for field in REGISTRY_FIELDS}
        row = existing.get(record.gss)
        if row is None:
            session.add(Council(gss=record.gss, share_capability=False, **values))
            added += 1
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            updated += 1
    return added, updated


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


async def seed(settings: Settings) -> SeedReport:
    framework = load_framework()
    registry = load_registry()
    engine = create_engine(settings, pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            action = await seed_framework(session, framework)
            added, updated = await seed_councils(session, registry)
    finally:
        await engine.dispose()
    return SeedReport(
        framework=framework.key,
        framework_action=action,
        councils_added=added,
        councils_updated=updated,
        councils_total=len(registry.councils),
    )
