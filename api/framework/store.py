"""Editions held in memory, keyed by what can never change under the key.

A published edition's document is immutable, so each worker decodes it and builds its index once,
keyed by ``(version, revision)``. Only the tiny list of editions (version, status, revision) is
read per request, so workers never disagree about which editions exist or their status.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import NamedTuple

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.db.models import FrameworkVersion
from api.errors import NotFound
from taxonomy.index import FrameworkIndex
from taxonomy.model import Framework

FRAMEWORK_ID = "ed-skills"
PUBLIC_STATUSES = frozenset({"published", "retired"})


class Edition(NamedTuple):
    version: str
    status: str
    revision: int


def version_key(version: str) -> tuple[int, ...]:
    """``2026.10`` sorts after ``2026.9``."""
    return tuple(int(part) for part in version.split("."))


class FrameworkStore:
    def __init__(self, capacity: int = 16) -> None:
        self._indexes: OrderedDict[tuple[str, int], FrameworkIndex] = OrderedDict()
        self._capacity = capacity

    async def editions(self, session: AsyncSession) -> list[Edition]:
        rows = await session.execute(
            select(FrameworkVersion.version, FrameworkVersion.status, FrameworkVersion.revision).where(
                FrameworkVersion.framework_id == FRAMEWORK_ID
            )
        )
        return sorted((Edition(*row) for row in rows), key=lambda edition: version_key(edition.version))

    async def resolve(
        self, session: AsyncSession, version: str | None = None, *, include_drafts: bool = False
    ) -> tuple[Edition, FrameworkIndex]:
        """The requested edition (default: the latest published) and its index."""
        editions = await self.editions(session)
        visible = [e for e in editions if include_drafts or e.status in PUBLIC_STATUSES]
        if version is None:
            published = [e for e in visible if e.status == "published"]
            if not published:
                raise NotFound("No published framework edition is loaded: run `edskills seed`")
            edition = published[-1]
        else:
            found = [e for e in visible if e.version == version]
            if not found:
                raise NotFound(f"Framework edition {FRAMEWORK_ID}@{version} does not exist")
            edition = found[0]
        return edition, await self.index(session, edition)

    async def index(self, session: AsyncSession, edition: Edition) -> FrameworkIndex:
        key = (edition.version, edition.revision)
        cached = self._indexes.get(key)
        if cached is not None:
            self._indexes.move_to_end(key)
            return cached
        document = await session.scalar(
            select(FrameworkVersion.document).where(
                FrameworkVersion.framework_id == FRAMEWORK_ID,
                FrameworkVersion.version == edition.version,
            )
        )
        if document is None:
            raise NotFound(f"Framework edition {FRAMEWORK_ID}@{edition.version} does not exist")
        index = FrameworkIndex(msgspec.json.decode(document, type=Framework))
        self._indexes[key] = index
        if len(self._indexes) > self._capacity:
            self._indexes.popitem(last=False)
        return index
