"""Editions held in memory, keyed by what can never change under the key.

A published edition's document is immutable, so each worker decodes it and builds its index once,
keyed by ``(version, revision)``.

Which editions are public (published or retired, and their revisions) is also held in memory and
re-checked on the bounded schedule of ``api.refresh``: with one tiny query at most once every
``framework_refresh_seconds`` (default 1 s), and at once after this worker publishes, retires,
creates, discards or edits an edition (``refresh_after_commit``). So a public read touches the
database only when a check is due or an edition it has not decoded yet is first asked for, and a
worker that did not make a change shows a newly published or retired edition within
``framework_refresh_seconds`` (issue 14).

Reads that include drafts (editors, and every write) always read the list fresh through their own
session (``editions``), so they see the current state, their own uncommitted writes included.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import NamedTuple

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from api.db.models import FrameworkVersion
from api.errors import NotFound
from api.refresh import Revalidation
from taxonomy.index import FrameworkIndex
from taxonomy.model import Framework

FRAMEWORK_ID = "ed-skills"
PUBLIC_STATUSES = frozenset({"published", "retired"})
_EDITIONS = select(FrameworkVersion.version, FrameworkVersion.status, FrameworkVersion.revision).where(
    FrameworkVersion.framework_id == FRAMEWORK_ID
)
log = logging.getLogger(__name__)


class Edition(NamedTuple):
    version: str
    status: str
    revision: int


def version_key(version: str) -> tuple[int, ...]:
    """``2026.10`` sorts after ``2026.9``."""
    return tuple(int(part) for part in version.split("."))


def _sorted(rows: object) -> list[Edition]:
    return sorted((Edition(*row) for row in rows), key=lambda edition: version_key(edition.version))  # type: ignore[attr-defined]


class FrameworkStore:
    """One per worker (``app.state.framework_store``).

    ``engine`` is the small pool public reads use (``api.refresh.reader_engine``); without one
    (the CLI), every read goes through the session it is given.
    """

    def __init__(
        self,
        engine: AsyncEngine | None = None,
        *,
        refresh_seconds: float = 1.0,
        capacity: int = 16,
    ) -> None:
        self._engine = engine
        self._indexes: OrderedDict[tuple[str, int], FrameworkIndex] = OrderedDict()
        self._capacity = capacity
        self._public: list[Edition] | None = None
        self.revalidation = Revalidation(refresh_seconds)
        self.generation = 0
        """Counts the changes of the public list seen by this worker (``api.public_cache`` keys on it)."""

    @property
    def engine(self) -> AsyncEngine | None:
        """The pool public reads use when a check is due or a document is first read."""
        return self._engine

    async def editions(self, session: AsyncSession) -> list[Edition]:
        """Every edition, drafts included, read now through ``session`` (editors and writes)."""
        return _sorted(await session.execute(_EDITIONS))

    async def public_editions(self, session: AsyncSession | None = None) -> list[Edition]:
        """Published and retired editions from memory, re-checked when due (module docstring)."""
        if self._engine is None:
            if session is None:
                raise RuntimeError("a FrameworkStore without an engine needs a session")
            return [e for e in await self.editions(session) if e.status in PUBLIC_STATUSES]
        if self._public is None or self.revalidation.due:
            await self._check()
        assert self._public is not None
        return self._public

    async def _check(self) -> None:
        assert self._engine is not None
        ticket = self.revalidation.start()
        try:
            async with self._engine.connect() as connection:
                editions = _sorted(await connection.execute(_EDITIONS))
        except Exception:
            if self._public is None:
                self.revalidation.expire()
                raise
            log.warning(
                "Framework editions could not be re-checked; serving the copy in memory", exc_info=True
            )
            return
        public = [e for e in editions if e.status in PUBLIC_STATUSES]
        if self.revalidation.newest(ticket) and public != self._public:
            self._public = public
            self.generation += 1

    def refresh_after_commit(self, session: AsyncSession) -> None:
        """``session`` is changing editions: re-check the public list right after it commits."""
        self.revalidation.after_commit(session)

    async def resolve(
        self, session: AsyncSession | None, version: str | None = None, *, include_drafts: bool = False
    ) -> tuple[Edition, FrameworkIndex]:
        """The requested edition (default: the latest published) and its index.

        Public editions come from memory; a version not (yet) there is looked up fresh through
        ``session`` when there is one (a council's request naming an edition another worker has
        just published). ``include_drafts`` always reads fresh through ``session``.
        """
        if include_drafts:
            if session is None:
                raise RuntimeError("reading drafts needs the request's session")
            visible = await self.editions(session)
        else:
            visible = await self.public_editions(session)
            if version is not None and session is not None and not _has(visible, version):
                visible = [e for e in await self.editions(session) if e.status in PUBLIC_STATUSES]
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

    async def index(self, session: AsyncSession | None, edition: Edition) -> FrameworkIndex:
        """The edition's index, decoded once per ``(version, revision)``; a miss reads the document
        through ``session``, or without one on the store's own pool."""
        key = (edition.version, edition.revision)
        cached = self._indexes.get(key)
        if cached is not None:
            self._indexes.move_to_end(key)
            return cached
        statement = select(FrameworkVersion.document).where(
            FrameworkVersion.framework_id == FRAMEWORK_ID,
            FrameworkVersion.version == edition.version,
        )
        if session is not None:
            document = await session.scalar(statement)
        else:
            if self._engine is None:
                raise RuntimeError("a FrameworkStore without an engine needs a session")
            async with self._engine.connect() as connection:
                document = await connection.scalar(statement)
        if document is None:
            self.revalidation.expire()  # discarded since the list was read: check again next time
            raise NotFound(f"Framework edition {FRAMEWORK_ID}@{edition.version} does not exist")
        index = FrameworkIndex(msgspec.json.decode(document, type=Framework))
        self._indexes[key] = index
        if len(self._indexes) > self._capacity:
            self._indexes.popitem(last=False)
        return index


def _has(editions: list[Edition], version: str) -> bool:
    return any(edition.version == version for edition in editions)
