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
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import FRAMEWORK_WRITE, Forbidden, Principal, Unauthorised, authenticate, require_scope
from api.db.models import FrameworkChange, FrameworkVersion
from api.errors import Conflict, FieldError, NotFound, Unprocessable
from api.framework.editing_schemas import (
    ChangeOut,
    ChangePage,
    DraftCreate,
    EditionOut,
    RequirementIn,
    ValidationProblem,
    ValidationReport,
)
from api.framework.etags import check_if_match, edition_etag, item_etag, require_if_match
from api.framework.store import FRAMEWORK_ID, FrameworkStore, version_key
from taxonomy.load import check_document
from taxonomy.model import (
    IMPORTANCE_WEIGHT,
    Category,
    Development,
    Framework,
    PathwayEdge,
    Requirement,
    Role,
    Scenario,
    ScenarioRow,
    Skill,
    TrainingOption,
)
from taxonomy.normalise import normalise
from taxonomy.validate import Problem, replaces_problems

ITEM_TYPES: dict[str, type[msgspec.Struct]] = {
    "categories": Category,
    "skills": Skill,
    "roles": Role,
    "pathways": PathwayEdge,
    "scenarios": Scenario,
    "training": TrainingOption,
}
ITEM_NAMES = {
    "categories": "category",
    "skills": "skill",
    "roles": "role",
    "pathways": "pathway edge",
    "scenarios": "scenario",
    "training": "training option",
}
MAX_ATTEMPTS = 5
"""Re-applications of one edit when other edits keep landing first (then 409)."""


class StoredEdition(NamedTuple):
    row_id: int
    version: str
    status: str
    revision: int
    framework: Framework


class Change(NamedTuple):
    action: str
    kind: str
    item: str
    before: msgspec.Struct | dict[str, Any] | None
    after: msgspec.Struct | dict[str, Any] | None


Edit = Callable[[Framework], tuple[Framework, list[Change]]]


def item_key(kind: str, item: Any) -> str:
    """Items are named by slug; pathway edges by ``from->to``."""
    if kind == "pathways":
        return f"{item.from_role}->{item.to_role}"
    return str(item.slug)


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


async def readable(request: Any, session: AsyncSession, version: str) -> StoredEdition:
    """Published and retired editions are public; a draft needs ``framework:write`` (or admin).

    To anyone else a draft answers exactly as an unknown edition (404, same detail), so its
    existence does not leak (issue 12: it was 401 against 404).
    """
    stored = await load(session, version)
    if stored.status == "draft":
        try:
            require_scope(await authenticate(request, session), FRAMEWORK_WRITE)
        except (Unauthorised, Forbidden):
            raise _no_such_edition(version) from None
    return stored


async def editor(request: Any, session: AsyncSession) -> Principal:
    principal = await authenticate(request, session)
    require_scope(principal, FRAMEWORK_WRITE)
    return principal


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


def find_item(framework: Framework, kind: str, key: str) -> tuple[int, Any]:
    for position, item in enumerate(getattr(framework, kind)):
        if item_key(kind, item) == key:
            return position, item
    raise NotFound(f"{ITEM_NAMES[kind].capitalize()} {key!r} is not in {framework.key}")


# --- writing --------------------------------------------------------------------------------


def _json(value: msgspec.Struct | dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return value
    built: dict[str, Any] = msgspec.to_builtins(value)
    return built


def _log(
    principal: Principal, version: str, revision: int, changes: Sequence[Change]
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
            action=change.action,
            kind=change.kind,
            item=change.item[:200],
            before=_json(change.before),
            after=_json(change.after),
        )
        for change in changes
    ]


def _ensure_draft(stored: StoredEdition) -> None:
    if stored.status != "draft":
        raise Conflict(
            f"{stored.framework.key} is {stored.status}: published editions never change. "
            "Create a draft (POST /v1/frameworks) and edit that."
        )


async def _write(
    session: AsyncSession, stored: StoredEdition, framework: Framework, **values: Any
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
            document=msgspec.json.encode(framework).decode(), revision=revision, updated_at=_now(), **values
        )
        .execution_options(synchronize_session=False)
    )
    return revision if result.rowcount == 1 else None  # type: ignore[attr-defined]  # CursorResult


async def apply_edit(session: AsyncSession, principal: Principal, version: str, edit: Edit) -> StoredEdition:
    """Apply ``edit`` to the current draft and write it back only if nobody wrote in between."""
    for _ in range(MAX_ATTEMPTS):
        stored = await load(session, version)
        _ensure_draft(stored)
        framework, changes = edit(stored.framework)
        if not changes:
            return stored
        revision = await _write(session, stored, framework)
        if revision is not None:
            session.add_all(_log(principal, version, revision, changes))
            await session.flush()
            return StoredEdition(stored.row_id, version, "draft", revision, framework)
    raise Conflict(f"Draft {version} kept changing while this edit was applied; retry it")


async def create_draft(
    session: AsyncSession, store: FrameworkStore, principal: Principal, data: DraftCreate
) -> StoredEdition:
    """Copy the latest published edition under a new, later version, as a draft."""
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
    source = index.framework
    framework = msgspec.structs.replace(
        source,
        version=data.version,
        status="draft",
        published_on=None,
        title=data.title or source.title,
        description=source.description if data.description is None else data.description,
        # ``replaces`` describes the step *into* an edition, so a new draft starts with none.
        skills=tuple(msgspec.structs.replace(skill, replaces=()) for skill in source.skills),
    )
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
    session.add_all(
        _log(
            principal,
            data.version,
            1,
            [
                Change(
                    "create-draft", "edition", data.version, None, {"status": "draft", "from": base.version}
                )
            ],
        )
    )
    return StoredEdition(row.id, data.version, "draft", 1, framework)


async def _set_status(
    session: AsyncSession,
    principal: Principal,
    stored: StoredEdition,
    framework: Framework,
    action: str,
    published: bool = False,
) -> StoredEdition:
    extra: dict[str, Any] = {"status": framework.status}
    if published:
        extra["published_at"] = _now()
    revision = await _write(session, stored, framework, **extra)
    if revision is None:
        raise Conflict(f"{framework.key} changed while it was being {action}ed; reload it and retry")
    change = Change(
        action, "edition", stored.version, {"status": stored.status}, {"status": framework.status}
    )
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


async def publish(
    session: AsyncSession, store: FrameworkStore, principal: Principal, version: str, if_match: str | None
) -> StoredEdition:
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
    problems = publish_problems(stored.framework, await based_on(session, store, version))
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
    return await _set_status(session, principal, stored, framework, "publish", published=True)


async def retire(
    session: AsyncSession, store: FrameworkStore, principal: Principal, version: str, if_match: str | None
) -> StoredEdition:
    stored = await load(session, version)
    if stored.status != "published":
        raise Conflict(f"Only a published edition can be retired; {stored.framework.key} is {stored.status}")
    check_if_match(if_match, etag_of(stored), f"edition {version}")
    others = [e for e in await store.editions(session) if e.status == "published" and e.version != version]
    if not others:
        raise Conflict(
            f"{stored.framework.key} is the only published edition; publish its successor before retiring it"
        )
    framework = msgspec.structs.replace(stored.framework, status="retired")
    return await _set_status(session, principal, stored, framework, "retire")


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
    change = Change("delete-draft", "edition", version, {"status": "draft"}, None)
    session.add_all(_log(principal, version, stored.revision, [change]))


async def changes(session: AsyncSession, version: str, limit: int, offset: int) -> ChangePage:
    of_version = (FrameworkChange.framework_id == FRAMEWORK_ID, FrameworkChange.version == version)
    total = await session.scalar(select(func.count()).select_from(FrameworkChange).where(*of_version)) or 0
    rows = await session.scalars(
        select(FrameworkChange).where(*of_version).order_by(FrameworkChange.id).limit(limit).offset(offset)
    )
    items = [
        ChangeOut(
            id=row.id,
            version=row.version,
            revision=row.revision,
            at=row.at,
            key_name=row.key_name,
            action=row.action,  # type: ignore[arg-type]  # written from ChangeAction only
            kind=row.kind,  # type: ignore[arg-type]  # written from ChangeKind only
            item=row.item,
            before=row.before,
            after=row.after,
        )
        for row in rows
    ]
    return ChangePage(version=version, items=items, total=total, limit=limit, offset=offset)


# --- edits (pure: a Framework in, a Framework and its changes out) ---------------------------


def _with(framework: Framework, kind: str, items: Sequence[Any]) -> Framework:
    return msgspec.structs.replace(framework, **{kind: tuple(items)})


def _rewrite(framework: Framework, kind: str, change: Callable[[Any], Any]) -> tuple[Framework, list[Change]]:
    """Apply ``change`` to every item of ``kind``; log each item it actually changed."""
    changed: list[Change] = []
    items = []
    for item in getattr(framework, kind):
        new = change(item)
        if new != item:
            changed.append(Change("update", kind, item_key(kind, new), item, new))
        items.append(new)
    return _with(framework, kind, items), changed


def create_item(kind: str, item: Any) -> Edit:
    def edit(framework: Framework) -> tuple[Framework, list[Change]]:
        key = item_key(kind, item)
        if any(item_key(kind, existing) == key for existing in getattr(framework, kind)):
            raise Conflict(f"{ITEM_NAMES[kind].capitalize()} {key!r} already exists; change it with PUT")
        return _with(framework, kind, [*getattr(framework, kind), item]), [
            Change("create", kind, key, None, item)
        ]

    return edit


def replace_item(
    kind: str, key: str, item: Any, if_match: str | None, previous_skills: frozenset[str]
) -> Edit:
    """Replace one item; a new slug renames it and every reference to it follows.

    Renaming a skill of the previous edition adds the old slug to ``replaces``, so audits made
    against the old edition carry forward to the renamed skill.
    """

    def edit(framework: Framework) -> tuple[Framework, list[Change]]:
        position, current = find_item(framework, kind, key)
        require_if_match(if_match, item_etag(kind, current), f"{ITEM_NAMES[kind]} {key!r}")
        new = item
        new_key = item_key(kind, new)
        if kind == "skills" and new_key != key and key in previous_skills and key not in new.replaces:
            new = msgspec.structs.replace(new, replaces=(*new.replaces, key))
        if new == current:
            return framework, []
        items = list(getattr(framework, kind))
        if new_key != key and any(item_key(kind, other) == new_key for other in items):
            raise Conflict(f"{ITEM_NAMES[kind].capitalize()} {new_key!r} already exists")
        items[position] = new
        framework = _with(framework, kind, items)
        if new_key == key:
            return framework, [Change("update", kind, key, current, new)]
        framework, cascaded = _cascade_rename(framework, kind, key, new_key)
        return framework, [Change("rename", kind, new_key, current, new), *cascaded]

    return edit


def _cascade_rename(framework: Framework, kind: str, old: str, new: str) -> tuple[Framework, list[Change]]:
    """References to a renamed category, skill or role follow it."""
    changes: list[Change] = []
    if kind == "categories":
        framework, changes = _rewrite(
            framework,
            "skills",
            lambda s: msgspec.structs.replace(s, category=new) if s.category == old else s,
        )
    elif kind == "skills":
        return _repoint_skill(framework, old, new)
    elif kind == "roles":

        def edge(e: PathwayEdge) -> PathwayEdge:
            return msgspec.structs.replace(
                e,
                from_role=new if e.from_role == old else e.from_role,
                to_role=new if e.to_role == old else e.to_role,
            )

        framework, changes = _rewrite(framework, "pathways", edge)
    return framework, changes


def _repoint_skill(framework: Framework, old: str, new: str) -> tuple[Framework, list[Change]]:
    """Every reference to skill ``old`` now names ``new``. Where that makes two entries for the
    same skill (a merge), they become one: the higher level and stronger importance of a
    requirement, the larger headcount of a scenario row, the widest range of a training option."""

    def role(r: Role) -> Role:
        merged: dict[str, Requirement] = {}
        for req in r.requirements:
            req = msgspec.structs.replace(req, skill=new) if req.skill == old else req
            seen = merged.get(req.skill)
            if seen is not None:
                req = Requirement(
                    skill=req.skill,
                    level=max(seen.level, req.level),
                    importance=max(seen.importance, req.importance, key=IMPORTANCE_WEIGHT.__getitem__),
                )
            merged[req.skill] = req
        return msgspec.structs.replace(r, requirements=tuple(merged.values()))

    def scenario(s: Scenario) -> Scenario:
        merged: dict[tuple[str, int], ScenarioRow] = {}
        for row in s.rows:
            row = msgspec.structs.replace(row, skill=new) if row.skill == old else row
            seen = merged.get((row.skill, row.level))
            if seen is not None:
                row = msgspec.structs.replace(
                    row,
                    headcount=max(seen.headcount, row.headcount),
                    importance=max(seen.importance, row.importance, key=IMPORTANCE_WEIGHT.__getitem__),
                )
            merged[(row.skill, row.level)] = row
        return msgspec.structs.replace(s, rows=tuple(merged.values()))

    def training(t: TrainingOption) -> TrainingOption:
        merged: dict[str, Development] = {}
        for dev in t.develops:
            dev = msgspec.structs.replace(dev, skill=new) if dev.skill == old else dev
            seen = merged.get(dev.skill)
            if seen is not None:
                dev = Development(
                    skill=dev.skill,
                    from_level=min(seen.from_level, dev.from_level),
                    to_level=max(seen.to_level, dev.to_level),
                )
            merged[dev.skill] = dev
        return msgspec.structs.replace(t, develops=tuple(merged.values()))

    changes: list[Change] = []
    for kind, change in (("roles", role), ("scenarios", scenario), ("training", training)):
        framework, found = _rewrite(framework, kind, change)
        changes += found
    return framework, changes


def delete_item(
    kind: str, key: str, if_match: str | None, merge_into: str | None, previous_skills: frozenset[str]
) -> Edit:
    """Delete one item. Other items that refer to it are left for publishing to report, unless a
    skill is *merged*: then its references move to ``merge_into``, which gains the old skill's
    labels as alternative labels (users still type them) and its place in ``replaces``."""

    def edit(framework: Framework) -> tuple[Framework, list[Change]]:
        position, current = find_item(framework, kind, key)
        require_if_match(if_match, item_etag(kind, current), f"{ITEM_NAMES[kind]} {key!r}")
        if merge_into is not None:
            if kind != "skills":
                raise Unprocessable("Only skills can be merged", errors=[_field("merge_into", "skills only")])
            if merge_into == key or merge_into not in {s.slug for s in framework.skills}:
                raise Unprocessable(
                    f"Cannot merge {key!r} into {merge_into!r}: it must be another skill of this draft",
                    errors=[_field("merge_into", f"unknown or same skill {merge_into!r}")],
                )
        items = list(getattr(framework, kind))
        del items[position]
        framework = _with(framework, kind, items)
        changes = [Change("delete", kind, key, current, None)]
        if merge_into is None:
            return framework, changes
        framework, absorbed = _rewrite(
            framework, "skills", lambda s: _absorb(s, current, previous_skills) if s.slug == merge_into else s
        )
        framework, repointed = _repoint_skill(framework, key, merge_into)
        return framework, changes + absorbed + repointed

    return edit


def _field(field: str, message: str) -> FieldError:
    return FieldError(field=field, message=message, source="query")


def _absorb(target: Skill, merged: Skill, previous_skills: frozenset[str]) -> Skill:
    replaces = [*target.replaces, *merged.replaces]
    if merged.slug in previous_skills:
        replaces.append(merged.slug)
    own = {normalise(label) for label in (target.label, *target.alt_labels)}
    labels = list(target.alt_labels)
    for label in (merged.label, *merged.alt_labels):
        if normalise(label) not in own:
            own.add(normalise(label))
            labels.append(label)
    return msgspec.structs.replace(target, replaces=tuple(dict.fromkeys(replaces)), alt_labels=tuple(labels))


def put_requirement(role_slug: str, skill: str, data: RequirementIn, if_match: str | None) -> Edit:
    def edit(framework: Framework) -> tuple[Framework, list[Change]]:
        position, role = find_item(framework, "roles", role_slug)
        require_if_match(if_match, item_etag("roles", role), f"role {role_slug!r}")
        requirement = Requirement(skill=skill, level=data.level, importance=data.importance)
        existing = [r.skill for r in role.requirements]
        requirements = list(role.requirements)
        if skill in existing:
            requirements[existing.index(skill)] = requirement
        else:
            requirements.append(requirement)
        new = msgspec.structs.replace(role, requirements=tuple(requirements))
        if new == role:
            return framework, []
        roles = list(framework.roles)
        roles[position] = new
        return _with(framework, "roles", roles), [Change("update", "roles", role_slug, role, new)]

    return edit


def delete_requirement(role_slug: str, skill: str, if_match: str | None) -> Edit:
    def edit(framework: Framework) -> tuple[Framework, list[Change]]:
        position, role = find_item(framework, "roles", role_slug)
        require_if_match(if_match, item_etag("roles", role), f"role {role_slug!r}")
        if skill not in {r.skill for r in role.requirements}:
            raise NotFound(f"Role {role_slug!r} has no requirement for {skill!r}")
        new = msgspec.structs.replace(
            role, requirements=tuple(r for r in role.requirements if r.skill != skill)
        )
        roles = list(framework.roles)
        roles[position] = new
        return _with(framework, "roles", roles), [Change("update", "roles", role_slug, role, new)]

    return edit
