"""National bodies edit the framework: item edits with ETags, publish, retire, the change log.

Writes declare the ``editor`` dependency (``framework:write`` or admin, ``api.deps``). Reads of a
draft need the same scope but answer 404 to anyone else, so they authenticate optionally
(``editing.readable``); reads of published and retired editions are public. The rules live in
``taxonomy.edits`` (the document) and ``api.framework.editing`` (the stored draft).

The create/read/replace/delete handlers of the six kinds of item are made by one factory from the
kinds' registry (``taxonomy.edits``), so every kind answers the same way; only the path, the
operation ids and the key's path parameters differ, described in :data:`ITEM_ROUTES`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Generic, Literal, NamedTuple

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.deps import EDITOR, STORE
from api.errors import problem_responses
from api.framework import concepts, editing
from api.framework.editing_schemas import ChangePage, EditionOut, RequirementIn, ValidationReport
from api.framework.etags import EDIT_ERRORS, ETAG, item_etag
from api.framework.store import FrameworkStore
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response
from api.params import SLUG_MAX_LENGTH, SLUG_PATTERN, Slug, Version
from api.preconditions import IfMatch
from api.responses import tagged
from taxonomy import edits
from taxonomy.edits import CATEGORIES, PATHWAYS, ROLES, SCENARIOS, SKILLS, TRAINING, ItemKind, ItemT
from taxonomy.model import Framework, Requirement, Role

READ_ERRORS = problem_responses(400, 401, 403, 404, 429)
RoleSlug = Annotated[
    str, PathParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="Role slug.")
]
SkillSlug = Annotated[
    str, PathParameter(pattern=SLUG_PATTERN, max_length=SLUG_MAX_LENGTH, description="Skill slug.")
]
MergeInto = Annotated[
    str | None,
    QueryParameter(
        pattern=SLUG_PATTERN,
        max_length=SLUG_MAX_LENGTH,
        description="Merge: move references to this skill, which replaces the deleted one.",
    ),
]


def _edition(
    version: Version,
    editor: NamedDependency[Principal],
    store: NamedDependency[FrameworkStore],
    db_session: NamedDependency[AsyncSession],
) -> editing.EditionEdits:
    store.refresh_after_commit(db_session)  # publish, retire and draft edits: public reads re-check
    return editing.EditionEdits(db_session, store, editor, version)


WRITE = {"editor": EDITOR, "edition": Provide(_edition, sync_to_thread=False)}
"""Every write declares the ``editor`` dependency (the OpenAPI security is derived from it) and
takes the edition it writes, ``{version}`` of the path, as ``edition``."""


def _slug_key(slug: Slug) -> str:
    return slug


def _edge_key(from_role: RoleSlug, to_role: RoleSlug) -> str:
    return edits.edge_key(from_role, to_role)


def _merge_into(merge_into: MergeInto = None) -> str | None:
    return merge_into


def _no_merge() -> None:
    return None


SLUG_KEY = Provide(_slug_key, sync_to_thread=False)
NO_MERGE = Provide(_no_merge, sync_to_thread=False)


class ItemRoutes(NamedTuple, Generic[ItemT]):
    """The HTTP side of one kind of item: where its items live and how operations name it."""

    kind: ItemKind[ItemT]
    operation: str
    """The operation ids' noun: ``createFramework{operation}``."""
    key_path: str = "{slug:str}"
    key: Provide = SLUG_KEY
    """The item's key (``editing`` names items by it) from the path parameters of ``key_path``."""
    merge: Provide = NO_MERGE
    """``?merge_into=`` for the kinds that can be merged on delete."""


def _item_response(kind: ItemKind[ItemT], item: ItemT, status_code: int = 200) -> Response[ItemT]:
    return tagged(item, item_etag(kind.name, item), status_code)


async def edition_response(
    session: AsyncSession, store: FrameworkStore, stored: editing.StoredEdition, status_code: int = 200
) -> Response[EditionOut]:
    """An edition's status, the edition it is based on, and its ETag: what every change of an
    edition's status (create a draft, publish, retire) answers."""
    previous = await editing.based_on(session, store, stored.version)
    return tagged(editing.edition_out(stored, previous), editing.etag_of(stored), status_code)


def item_handlers(routes: ItemRoutes[ItemT]) -> dict[str, HTTPRouteHandler]:
    """Create, read, replace and delete handlers for one kind of item.

    The annotations name ``ItemT``; ``signature_namespace`` binds it to the kind's Struct, so
    litestar validates the body and documents the schemas of that Struct.
    """
    kind = routes.kind
    items = f"/{{version:str}}/{kind.name}"
    one = f"{items}/{routes.key_path}"
    noun = routes.operation
    typed = {"ItemT": kind.struct}
    keyed = {"key": routes.key}

    @post(
        items,
        operation_id=f"createFramework{noun}",
        summary=f"Add a {kind.noun} to a draft",
        responses=EDIT_ERRORS,
        dependencies=WRITE,
        response_headers=ETAG,
        signature_namespace=typed,
    )
    async def create(
        self: Controller, edition: NamedDependency[editing.EditionEdits], data: JSONBody[ItemT]
    ) -> Response[ItemT]:
        return _item_response(kind, await edition.create(kind, data), status_code=201)

    @get(
        one,
        operation_id=f"getFramework{noun}",
        summary=f"One {kind.noun} of any edition, with its ETag (drafts need framework:write)",
        description=concepts.describe(kind.name),
        responses=concepts.responses(kind.name, READ_ERRORS),
        dependencies=keyed,
        response_headers=[*ETAG, *concepts.VARY_HEADER],
        operation_class=concepts.operation_class(kind.name),
        signature_namespace=typed,
    )
    async def read(
        self: Controller,
        request: Request[Any, Any, Any],
        version: Version,
        key: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
    ) -> Response[ItemT]:
        """Negotiated: a published concept is also JSON-LD, CSV or its page (``api.framework.concepts``)."""
        return await concepts.item_response(request, store, kind, version, key)

    @put(
        one,
        operation_id=f"replaceFramework{noun}",
        summary=f"Replace (or rename) a {kind.noun} of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        dependencies={**WRITE, **keyed},
        response_headers=ETAG,
        signature_namespace=typed,
    )
    async def replace(
        self: Controller,
        edition: NamedDependency[editing.EditionEdits],
        key: NamedDependency[str],
        data: JSONBody[ItemT],
        if_match: IfMatch = None,
    ) -> Response[ItemT]:
        return _item_response(kind, await edition.replace(kind, key, data, if_match))

    @delete(
        one,
        operation_id=f"deleteFramework{noun}",
        summary=f"Delete a {kind.noun} from a draft; needs If-Match",
        responses=EDIT_ERRORS,
        dependencies={**WRITE, **keyed, "merge": routes.merge},
    )
    async def remove(
        self: Controller,
        edition: NamedDependency[editing.EditionEdits],
        key: NamedDependency[str],
        if_match: IfMatch = None,
        *,
        merge: NamedDependency[str | None],
    ) -> None:
        await edition.delete(kind, key, if_match, merge)

    name = kind.name
    return {
        f"create_{name}": create,
        f"get_{name}": read,
        f"replace_{name}": replace,
        f"delete_{name}": remove,
    }


def status_handler(
    action: Literal["publish", "retire"],
    change: Callable[[editing.EditionEdits, str | None], Awaitable[editing.StoredEdition]],
    summary: str,
) -> HTTPRouteHandler:
    """``POST …/{version}/publish`` or ``…/retire``: one handler per change of an edition's status."""

    @post(
        f"/{{version:str}}/{action}",
        operation_id=f"{action}Framework",
        status_code=200,
        summary=summary,
        responses=EDIT_ERRORS,
        response_headers=ETAG,
        dependencies=WRITE,
    )
    async def handler(
        self: Controller, edition: NamedDependency[editing.EditionEdits], if_match: IfMatch = None
    ) -> Response[EditionOut]:
        return await edition_response(edition.session, edition.store, await change(edition, if_match))

    return handler


class FrameworkEditingController(Controller):
    path = "/v1/frameworks"
    tags = ["framework editing"]
    dependencies = {"store": STORE}

    @get(
        "/{version:str}/document",
        operation_id="getFrameworkDocument",
        summary="A whole edition in the file format, with the edition's ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_document(
        self, request: Request[Any, Any, Any], version: Version, db_session: NamedDependency[AsyncSession]
    ) -> Response[Framework]:
        stored = await editing.readable(request, db_session, version)
        return tagged(stored.framework, editing.etag_of(stored))

    @get(
        "/{version:str}/problems",
        operation_id="validateFramework",
        summary="What publishing would report now, without publishing",
        responses=READ_ERRORS,
    )
    async def validate(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> ValidationReport:
        stored = await editing.readable(request, db_session, version)
        return await editing.validation_report(db_session, store, stored)

    @get(
        "/{version:str}/changes",
        operation_id="listFrameworkChanges",
        summary="The change log of an edition: who, when and what (needs framework:write)",
        responses=READ_ERRORS,
        response_headers=PAGE_HEADERS,
        dependencies={"editor": EDITOR},
    )
    async def list_changes(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        editor: NamedDependency[Principal],
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[ChangePage]:
        await editing.load(db_session, version)
        return page_response(request, await editing.changes(db_session, version, limit, offset))

    @put(
        "/{version:str}/roles/{slug:str}/requirements/{skill:str}",
        operation_id="putFrameworkRequirement",
        summary="Add or change a role's requirement for a skill; needs the role's If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
        dependencies=WRITE,
    )
    async def put_requirement(
        self,
        edition: NamedDependency[editing.EditionEdits],
        slug: RoleSlug,
        skill: SkillSlug,
        data: JSONBody[RequirementIn],
        if_match: IfMatch = None,
    ) -> Response[Role]:
        requirement = Requirement(skill=skill, level=data.level, importance=data.importance)
        return _item_response(ROLES, await edition.put_requirement(slug, requirement, if_match))

    @delete(
        "/{version:str}/roles/{slug:str}/requirements/{skill:str}",
        operation_id="deleteFrameworkRequirement",
        summary="Remove a role's requirement for a skill; needs the role's If-Match",
        responses=EDIT_ERRORS,
        dependencies=WRITE,
    )
    async def delete_requirement(
        self,
        edition: NamedDependency[editing.EditionEdits],
        slug: RoleSlug,
        skill: SkillSlug,
        if_match: IfMatch = None,
    ) -> None:
        await edition.delete_requirement(slug, skill, if_match)


HANDLERS = (
    {
        "publish": status_handler(
            "publish",
            editing.EditionEdits.publish,
            "Validate a draft and publish it (422 lists every problem)",
        ),
        "retire": status_handler(
            "retire",
            editing.EditionEdits.retire,
            "Retire a published edition (it stays readable with ?version=)",
        ),
    },
    item_handlers(
        ItemRoutes(
            PATHWAYS,
            "Pathway",
            key_path="{from_role:str}/{to_role:str}",
            key=Provide(_edge_key, sync_to_thread=False),
        )
    ),
    item_handlers(ItemRoutes(CATEGORIES, "Category")),
    item_handlers(ItemRoutes(SKILLS, "Skill", merge=Provide(_merge_into, sync_to_thread=False))),
    item_handlers(ItemRoutes(ROLES, "Role")),
    item_handlers(ItemRoutes(SCENARIOS, "Scenario")),
    item_handlers(ItemRoutes(TRAINING, "TrainingOption")),
)
"""Made after the controller's own handlers, in the order the paths are documented."""
for _handlers in HANDLERS:
    for _name, _handler in _handlers.items():
        # A controller collects its handlers from its attributes when the app is built, in the
        # order of their qualified names (which orders the paths of the OpenAPI document).
        _handler.fn.__name__ = _name
        _handler.fn.__qualname__ = f"{FrameworkEditingController.__qualname__}.{_name}"
        setattr(FrameworkEditingController, _name, _handler)
