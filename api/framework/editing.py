"""Drafts, item edits, publishing and retiring of framework editions (DESIGN §1: draft →
published → retired).

An edition is stored whole (see ``api.db.models``), so every edit is *read the document, change
one item, write the document back*. Two guards make that safe with several editors and workers:

- per item, ``If-Match`` with the item's ETag (``api.framework.etags``): an editor whose copy of
  the item is stale gets 412 and never overwrites a colleague's change;
- per document, ``UPDATE … WHERE revision = :seen`` bumping ``revision``: if another edit of a
  *different* item landed in between, nothing is written and the edit is re-applied to the fresh
  document (re-checking its ``If-Match``), so no update is ever lost, on PostgreSQL included.

The change log row is written in the same transaction as the document. Cross-item rules are not
enforced edit by edit (a draft may be mid-way through a restructure); publishing runs the same
validator as the files and refuses with every problem. Bumping ``revision`` also moves the
per-worker cache key of ``api.framework.store``, so no worker serves a stale document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeVar

import msgspec
from litestar import Request
from sqlalchemy import and_, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import FRAMEWORK_WRITE, Forbidden, Principal, Unauthorised, authenticate, require_scope
from api.convert import struct_from
from api.db.models import FrameworkChange, FrameworkVersion
from api.errors import Conflict, FieldError, NotFound, Unprocessable
from api.framework.editing_schemas import (
    ChangeOut,
    ChangePage,
    DraftCreate,
    EditionOut,
    ValidationProblem,
    ValidationReport,
)
from api.framework.etags import edition_etag, item_etag
from api.framework.store import FRAMEWORK_ID, FrameworkStore, version_key
from api.pagination import page_of
from api.preconditions import check_if_match, require_if_match
from api.webhooks.outbox import FRAMEWORK_PUBLISHED, emit
from taxonomy import edits
from taxonomy.edits import ROLES, SKILLS, Change, Edited, Item, ItemKind
from taxonomy.load import check_document
from taxonomy.model import Framework, Requirement, Role
from taxonomy.validate import Problem, replaces_problems

MAX_ATTEMPTS = 5
"""Re-applications of one edit when other edits keep landing first (then 409)."""

ItemT = TypeVar("ItemT", bound=Item)
Edit = Callable[[Framework], Edited]
"""A pure edit (``taxonomy.edits``), applied to the draft as stored when it is written."""
JsonObject = dict[str, object]


class StoredEdition(NamedTuple):
    row_id: int
    version: str
    status: str
    revision: int
    framework: Framework


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --- loading and access ---------------------------------------------------------------------


async def load(session: AsyncSession, version: str) -> StoredEdition:
    """The edition as stored now (never from a cache: edits must see the latest revision)."""
    row = (
        await session.execute(
            select(
                FrameworkVersion.id,
                FrameworkVersion.status,
                FrameworkVersion.revision,
                FrameworkVersion.document,
            ).where(FrameworkVersion.framework_id == FRAMEWORK_ID, FrameworkVersion.version == version)
        )
    ).one_or_none()
    if row is None:
        raise _no_such_edition(version)
    row_id, status, revision, document = row
    return StoredEdition(row_id, version, status, revision, msgspec.json.decode(document, type=Framework))


def _no_such_edition(version: str) -> NotFound:
    return NotFound(f"Framework edition {FRAMEWORK_ID}@{version} does not exist")


async def readable(request: Request[Any, Any, Any], session: AsyncSession, version: str) -> StoredEdition:
    """Published and retired editions are public; a draft needs ``framework:write`` (or admin).

    To anyone else a draft answers exactly as an unknown edition (404, same detail), so its
    existence does not leak (issue 12: it was 401 against 404). Optional authentication, so not
    the ``editor`` dependency.
    """
    stored = await load(session, version)
    if stored.status == "draft":
        try:
            require_scope(await authenticate(request, session), FRAMEWORK_WRITE)
        except (Unauthorised, Forbidden):
            raise _no_such_edition(version) from None
    return stored


async def based_on(session: AsyncSession, store: FrameworkStore, version: str) -> Framework | None:
    """The latest published (or since retired) edition before ``version``: the one a draft was
    copied from, and the one its ``replaces`` refer to."""
    earlier = [
        edition
        for edition in await store.editions(session)
        if edition.status != "draft" and version_key(edition.version) < version_key(version)
    ]
    if not earlier:
        return None
    return (await store.index(session, earlier[-1])).framework


def edition_out(stored: StoredEdition, previous: Framework | None) -> EditionOut:
    framework = stored.framework
    return EditionOut(
        id=framework.id,
        version=stored.version,
        key=framework.key,
        title=framework.title,
        status=stored.status,  # type: ignore[arg-type]  # the stored status is one of Status
        revision=stored.revision,
        based_on=previous.version if previous else None,
    )


def etag_of(stored: StoredEdition) -> str:
    return edition_etag(stored.version, stored.revision)


@contextmanager
def _as_problems() -> Iterator[None]:
    """The refusals of the pure edits as problem details: one mapping for every kind."""
    try:
        yield
    except edits.ItemMissing as error:
        raise NotFound(str(error)) from None
    except edits.ItemExists as error:
        raise Conflict(str(error)) from None
    except edits.MergeRefused as error:
        raise Unprocessable(str(error), errors=[_merge_field(error.reason)]) from None
    except edits.ItemInvalid as error:
        fields = [FieldError(field=field, message=message, source="body") for field, message in error.fields]
        raise Unprocessable(str(error), errors=fields) from None


def _merge_field(message: str) -> FieldError:
    return FieldError(field="merge_into", message=message, source="query")


def find_item(framework: Framework, kind: ItemKind[ItemT], key: str) -> ItemT:
    """One item of an edition (404 if it has none by that key)."""
    with _as_problems():
        return kind.find(framework, key)[1]


# --- writing --------------------------------------------------------------------------------


def _json(value: Item | None) -> JsonObject | None:
    if value is None:
        return None
    built: JsonObject = msgspec.to_builtins(value)
    return built


class _LogLine(NamedTuple):
    action: str
    kind: str
    item: str
    before: JsonObject | None
    after: JsonObject | None


def _item_line(change: Change) -> _LogLine:
    return _LogLine(change.action, change.kind, change.item, _json(change.before), _json(change.after))


def _edition_line(action: str, version: str, before: JsonObject | None, after: JsonObject | None) -> _LogLine:
    return _LogLine(action, "edition", version, before, after)


def _log(
    principal: Principal, version: str, revision: int, lines: Sequence[_LogLine]
) -> list[FrameworkChange]:
    at = _now()
    return [
        FrameworkChange(
            framework_id=FRAMEWORK_ID,
            version=version,
            revision=revision,
            at=at,
            key_id=principal.key_id,
            key_name=principal.name,
            action=line.action,
            kind=line.kind,
            item=line.item[:200],
            before=line.before,
            after=line.after,
        )
        for line in lines
    ]


def _ensure_draft(stored: StoredEdition) -> None:
    if stored.status != "draft":
        raise Conflict(
            f"{stored.framework.key} is {stored.status}: published editions never change. "
            "Create a draft (POST /v1/frameworks) and edit that."
        )


async def _write(
    session: AsyncSession, stored: StoredEdition, framework: Framework, values: JsonObject | None = None
) -> int | None:
    """Write ``framework`` as the next revision only if the row is still the revision and status
    ``stored`` was read at; the new revision, or ``None`` if someone else wrote first."""
    revision = stored.revision + 1
    result = await session.execute(
        update(FrameworkVersion)
        .where(
            FrameworkVersion.id == stored.row_id,
            FrameworkVersion.revision == stored.revision,
            FrameworkVersion.status == stored.status,
        )
        .values(
            document=msgspec.json.encode(framework).decode(),
            revision=revision,
            updated_at=_now(),
            **(values or {}),
        )
        .execution_options(synchronize_session=False)
    )
    return revision if result.rowcount == 1 else None  # type: ignore[attr-defined]  # CursorResult


async def apply_edit(session: AsyncSession, principal: Principal, version: str, edit: Edit) -> StoredEdition:
    """Apply ``edit`` to the current draft and write it back only if nobody wrote in between.

    The one write path of every item edit, whatever its kind.
    """
    for _ in range(MAX_ATTEMPTS):
        stored = await load(session, version)
        _ensure_draft(stored)
        with _as_problems():
            framework, changes = edit(stored.framework)
        if not changes:
            return stored
        revision = await _write(session, stored, framework)
        if revision is not None:
            session.add_all(_log(principal, version, revision, [_item_line(change) for change in changes]))
            await session.flush()
            return StoredEdition(stored.row_id, version, "draft", revision, framework)
    raise Conflict(f"Draft {version} kept changing while this edit was applied; retry it")


# --- item edits: one path for every kind -----------------------------------------------------


def guarded(kind: ItemKind[ItemT], key: str, if_match: str | None, edit: Edit) -> Edit:
    """``edit`` of one existing item, which must still be the version the editor read: each
    attempt first checks ``If-Match`` against the item in the document it is applied to (404,
    then 428 without the header, 412 when the item has changed since)."""

    def checked(framework: Framework) -> Edited:
        current = find_item(framework, kind, key)
        require_if_match(if_match, item_etag(kind.name, current), f"{kind.noun} {key!r}")
        return edit(framework)

    return checked


class EditionEdits(NamedTuple):
    """One editor's writes to one edition (the ``edition`` dependency of the editing routes):
    item edits of a draft, all through :func:`apply_edit`, and publishing or retiring it."""

    session: AsyncSession
    store: FrameworkStore
    principal: Principal
    version: str

    async def apply(self, edit: Edit) -> StoredEdition:
        return await apply_edit(self.session, self.principal, self.version, edit)

    async def create(self, kind: ItemKind[ItemT], item: ItemT) -> ItemT:
        def add(framework: Framework) -> Edited:
            try:
                return edits.add_item(framework, kind, item)
            except edits.ItemExists as error:
                raise Conflict(f"{error}; change it with PUT") from None

        await self.apply(add)
        return item

    async def replace(self, kind: ItemKind[ItemT], key: str, item: ItemT, if_match: str | None) -> ItemT:
        """Replace (or rename) one item; the stored item comes back (a renamed skill gains
        ``replaces``)."""
        previous = await self._previous_keys(kind)
        stored = await self.apply(
            guarded(
                kind,
                key,
                if_match,
                lambda framework: edits.replace_item(framework, kind, key, item, previous),
            )
        )
        return find_item(stored.framework, kind, kind.key(item))

    async def delete(
        self, kind: ItemKind[ItemT], key: str, if_match: str | None, merge_into: str | None = None
    ) -> None:
        """Delete one item, or merge a skill into another (``taxonomy.edits.merge_skill``)."""
        edit: Edit
        if merge_into is None:
            edit = lambda framework: edits.delete_item(framework, kind, key)  # noqa: E731
        elif kind is SKILLS:
            previous = await self._previous_keys(SKILLS)
            edit = lambda framework: edits.merge_skill(framework, key, merge_into, previous)  # noqa: E731
        else:
            raise Unprocessable("Only skills can be merged", errors=[_merge_field("skills only")])
        await self.apply(guarded(kind, key, if_match, edit))

    async def put_requirement(self, role: str, requirement: Requirement, if_match: str | None) -> Role:
        stored = await self.apply(
            guarded(
                ROLES, role, if_match, lambda framework: edits.put_requirement(framework, role, requirement)
            )
        )
        return find_item(stored.framework, ROLES, role)

    async def delete_requirement(self, role: str, skill: str, if_match: str | None) -> None:
        await self.apply(
            guarded(ROLES, role, if_match, lambda framework: edits.delete_requirement(framework, role, skill))
        )

    async def _previous_keys(self, kind: ItemKind[ItemT]) -> frozenset[str]:
        """The keys of ``kind`` in the edition the draft follows, which only a kind whose renames
        are recorded (skills: ``replaces``) consults."""
        if kind.record_rename is None:
            return frozenset()
        previous = await based_on(self.session, self.store, self.version)
        return frozenset(kind.key(item) for item in kind.items(previous)) if previous else frozenset()

    async def publish(self, if_match: str | None) -> StoredEdition:
        """Validate a draft as the files are validated and publish it, or refuse with every problem."""
        session, store, version = self.session, self.store, self.version
        stored = await load(session, version)
        _ensure_draft(stored)
        check_if_match(if_match, etag_of(stored), f"draft {version}")
        later = [
            edition.version
            for edition in await store.editions(session)
            if edition.status != "draft" and version_key(edition.version) > version_key(version)
        ]
        if later:
            raise Conflict(f"A later edition ({later[-1]}) is already published; a draft cannot go before it")
        previous = await based_on(session, store, version)
        problems = publish_problems(stored.framework, previous)
        if problems:
            raise Unprocessable(
                f"{len(problems)} problem(s) stop {stored.framework.key} from being published; "
                "nothing was changed",
                errors=[
                    FieldError(
                        field=f"{p.item}.{p.field}" if p.field else p.item, message=p.message, source=p.file
                    )
                    for p in problems
                ],
            )
        framework = msgspec.structs.replace(
            stored.framework,
            status="published",
            published_on=stored.framework.published_on or _now().date().isoformat(),
        )
        edition = await _set_status(session, self.principal, stored, framework, "publish", published=True)
        # Issue 19: the event commits with the publish, or not at all.
        await emit(
            session,
            FRAMEWORK_PUBLISHED,
            f"framework:{FRAMEWORK_ID}",
            {
                "framework": FRAMEWORK_ID,
                "version": version,
                "previous": previous.version if previous else None,
                "path": f"/v1/frameworks/{version}",
                "diff_path": f"/v1/frameworks/{previous.version}/diff/{version}" if previous else None,
            },
        )
        return edition

    async def retire(self, if_match: str | None) -> StoredEdition:
        """Retire a published edition, unless it is the only one."""
        stored = await load(self.session, self.version)
        if stored.status != "published":
            raise Conflict(
                f"Only a published edition can be retired; {stored.framework.key} is {stored.status}"
            )
        check_if_match(if_match, etag_of(stored), f"edition {self.version}")
        others = [
            e
            for e in await self.store.editions(self.session)
            if e.status == "published" and e.version != self.version
        ]
        if not others:
            raise Conflict(
                f"{stored.framework.key} is the only published edition; "
                "publish its successor before retiring it"
            )
        framework = msgspec.structs.replace(stored.framework, status="retired")
        return await _set_status(self.session, self.principal, stored, framework, "retire")


# --- the edition's life: draft, publish, retire -----------------------------------------------


async def create_draft(
    session: AsyncSession, store: FrameworkStore, principal: Principal, data: DraftCreate
) -> StoredEdition:
    """Copy the latest published edition under a new, later version, as a draft."""
    store.refresh_after_commit(session)
    editions = await store.editions(session)
    if any(edition.version == data.version for edition in editions):
        raise Conflict(f"Framework edition {FRAMEWORK_ID}@{data.version} already exists")
    latest = max(editions, key=lambda edition: version_key(edition.version), default=None)
    if latest is not None and version_key(data.version) <= version_key(latest.version):
        raise Unprocessable(
            f"A new edition must come after every existing one (the latest is {latest.version})",
            errors=[
                FieldError(field="version", message=f"must be later than {latest.version}", source="body")
            ],
        )
    base, index = await store.resolve(session, None)
    framework = edits.new_draft(index.framework, data.version, data.title, data.description)
    row = FrameworkVersion(
        framework_id=FRAMEWORK_ID,
        version=data.version,
        status="draft",
        document=msgspec.json.encode(framework).decode(),
        revision=1,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError:
        raise Conflict(f"Framework edition {FRAMEWORK_ID}@{data.version} already exists") from None
    created = _edition_line("create-draft", data.version, None, {"status": "draft", "from": base.version})
    session.add_all(_log(principal, data.version, 1, [created]))
    return StoredEdition(row.id, data.version, "draft", 1, framework)


async def _set_status(
    session: AsyncSession,
    principal: Principal,
    stored: StoredEdition,
    framework: Framework,
    action: str,
    published: bool = False,
) -> StoredEdition:
    extra: JsonObject = {"status": framework.status}
    if published:
        extra["published_at"] = _now()
    revision = await _write(session, stored, framework, extra)
    if revision is None:
        raise Conflict(f"{framework.key} changed while it was being {action}ed; reload it and retry")
    change = _edition_line(action, stored.version, {"status": stored.status}, {"status": framework.status})
    session.add_all(_log(principal, stored.version, revision, [change]))
    await session.flush()
    return StoredEdition(stored.row_id, stored.version, framework.status, revision, framework)


def publish_problems(framework: Framework, previous: Framework | None) -> list[Problem]:
    """The file validator on the whole edition, plus ``replaces`` against the previous edition."""
    published = msgspec.structs.replace(framework, status="published")
    # Check the document as stored (plain JSON values), exactly as the files would be checked.
    _, problems = check_document(msgspec.json.decode(msgspec.json.encode(published)))
    return problems + replaces_problems(framework, previous)


async def validation_report(
    session: AsyncSession, store: FrameworkStore, stored: StoredEdition
) -> ValidationReport:
    problems = publish_problems(stored.framework, await based_on(session, store, stored.version))
    return ValidationReport(
        version=stored.version,
        revision=stored.revision,
        valid=not problems,
        problems=[
            ValidationProblem(file=p.file, item=p.item, field=p.field, message=p.message) for p in problems
        ],
    )


async def delete_draft(
    session: AsyncSession, principal: Principal, version: str, if_match: str | None
) -> None:
    stored = await load(session, version)
    _ensure_draft(stored)
    check_if_match(if_match, etag_of(stored), f"draft {version}")
    result = await session.execute(
        delete(FrameworkVersion)
        .where(FrameworkVersion.id == stored.row_id, FrameworkVersion.revision == stored.revision)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]  # a CursorResult for DELETE
        raise Conflict(f"Draft {version} changed while it was being deleted; reload it and retry")
    change = _edition_line("delete-draft", version, {"status": "draft"}, None)
    session.add_all(_log(principal, version, stored.revision, [change]))


async def changes(session: AsyncSession, version: str, limit: int, offset: int) -> ChangePage:
    of_version = and_(FrameworkChange.framework_id == FRAMEWORK_ID, FrameworkChange.version == version)
    rows, total = await page_of(session, FrameworkChange, of_version, [FrameworkChange.id], limit, offset)
    items = [struct_from(ChangeOut, row) for row in rows]
    return ChangePage(version=version, items=items, total=total, limit=limit, offset=offset)
