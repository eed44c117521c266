"""Resolvable concepts (issue 19): ``GET /v1/frameworks/{version}/{kind}/{key}`` negotiated.

Every skill, role, category and scenario of a published (or retired) edition has a stable URI under
the configured public address (``taxonomy.exports.SkosUris``: the SKOS export names concepts the
same way). The item read answers that URI with the representation the client prefers
(``api.negotiation``):

- ``application/json`` (the default): the item as before, with its ``ETag``;
- ``application/ld+json``: the concept in CTDL-ASN/SKOS (``taxonomy.concepts``), context embedded;
- ``text/csv``: a header and the concept's row;
- ``text/html``: ``303`` to the public framework page showing it.

Pathway edges and training options answer JSON only (406 to anything else). Every answer varies on
``Accept``. Published and retired editions come from the worker's memory (no database session, as
every public read, issue 14); only a draft (editors) or an edition this worker has not yet seen
published is read through a session of its own, then answers as JSON, JSON-LD or CSV (a draft has
no public page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.response import Redirect
from sqlalchemy.ext.asyncio import AsyncSession

from api.errors import NotFound, problem_responses
from api.framework import editing
from api.framework.etags import item_etag
from api.framework.exports import skos_base
from api.framework.store import FrameworkStore, version_key
from api.negotiation import VARY, negotiate
from api.settings import Settings
from taxonomy import concepts
from taxonomy.concepts import CONCEPT_KINDS, ConceptKind
from taxonomy.edits import ItemKind, ItemT
from taxonomy.index import FrameworkIndex

JSON = "application/json"
JSONLD = "application/ld+json"
CSV = "text/csv"
HTML = "text/html"
CONCEPT_MEDIA_TYPES = (JSON, JSONLD, CSV, HTML)
"""In the server's order of preference: ties in ``Accept`` go to JSON."""
DRAFT_MEDIA_TYPES = (JSON, JSONLD, CSV)
PLAIN_MEDIA_TYPES = (JSON,)


def offered(kind: str, public: bool = True) -> tuple[str, ...]:
    """What the item read of ``kind`` can answer (also what ``api.public_cache`` keys on)."""
    if kind not in CONCEPT_KINDS:
        return PLAIN_MEDIA_TYPES
    return CONCEPT_MEDIA_TYPES if public else DRAFT_MEDIA_TYPES


def page_path(kind: ConceptKind, slug: str, version: str) -> str:
    """Where the public framework pages (``api.framework.pages``) show a concept."""
    if kind == "skills":
        return f"/framework/skills/{slug}?version={version}"
    if kind == "roles":
        return f"/framework/roles/{slug}?version={version}"
    if kind == "scenarios":
        return f"/framework/scenarios?version={version}#scenario-{slug}"
    return f"/framework?version={version}#category-{slug}"


VARY_HEADER = [
    ResponseHeader(
        name="Vary", description="Accept: the representation depends on it.", documentation_only=True
    )
]


def describe(kind: str) -> str:
    """The operation's description: which representations the item read negotiates."""
    if kind not in CONCEPT_KINDS:
        return "JSON only (406 for an Accept that excludes it)."
    return (
        "A resolvable concept (issue 19), negotiated by `Accept`: `application/json` (default), "
        "`application/ld+json` (CTDL-ASN / SKOS, `@context` embedded), `text/csv` (a header and one "
        "row), `text/html` (303 to the public framework page; published editions only); 406 otherwise."
    )


def responses(kind: str, errors: dict[int, ResponseSpec]) -> dict[int, ResponseSpec]:
    return {**errors, **problem_responses(406)}


def operation_class(kind: str) -> type[Operation]:
    """The 200 response lists JSON-LD and CSV beside the item's JSON schema (concepts only)."""

    @dataclass
    class ConceptOperation(Operation):
        def __post_init__(self) -> None:
            success = (self.responses or {}).get("200")
            if kind in CONCEPT_KINDS and isinstance(success, OpenAPIResponse) and success.content:
                success.content[JSONLD] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.OBJECT))
                success.content[CSV] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))

    return ConceptOperation


def _new_session(request: Request[Any, Any, Any]) -> Callable[[], AsyncSession]:
    (config,) = request.app.plugins.get(SQLAlchemyPlugin).config
    return cast(Callable[[], AsyncSession], config.create_session_maker())


async def _previous_public(store: FrameworkStore, version: str) -> str | None:
    """The edition before ``version`` that its skills' ``replaces`` name (from memory)."""
    earlier = [
        edition.version
        for edition in await store.public_editions()
        if version_key(edition.version) < version_key(version)
    ]
    return earlier[-1] if earlier else None


async def readable_edition(
    request: Request[Any, Any, Any], store: FrameworkStore, version: str
) -> tuple[FrameworkIndex, bool, str | None]:
    """The edition, whether it is public, and the edition before it (its ``replaces`` name that one).

    Published and retired editions from memory; anything else (a draft, for a key with
    ``framework:write``; an edition this worker has not seen published yet) through a session of
    its own, opened only then (``editing.readable``: 404 to anyone else)."""
    try:
        _, index = await store.resolve(None, version)
        return index, True, await _previous_public(store, version)
    except NotFound:
        async with _new_session(request)() as session:
            stored = await editing.readable(request, session, version)
            prior = await editing.based_on(session, store, version)
        index = FrameworkIndex(stored.framework)
        return index, stored.status != "draft", prior.version if prior else None


async def item_response(
    request: Request[Any, Any, Any], store: FrameworkStore, kind: ItemKind[ItemT], version: str, key: str
) -> Response[Any]:
    """The item read of every kind (``editing_routes.item_handlers``), negotiated (module docstring)."""
    accept = request.headers.get("accept")
    settings: Settings = request.app.state.settings
    index, public, previous = await readable_edition(request, store, version)
    media_type = negotiate(accept, offered(kind.name, public))
    item = editing.find_item(index.framework, kind, key)  # 404 when the edition has no such item
    if media_type == JSON:
        return Response(item, media_type=JSON, headers={"ETag": item_etag(kind.name, item), **VARY})
    concept = cast(ConceptKind, kind.name)
    if media_type == HTML:
        return Redirect(
            path=settings.base_url + page_path(concept, key, index.framework.version),
            status_code=303,
            headers=VARY,
        )
    if media_type == CSV:
        body = concepts.csv_row(index, concept, key).encode()
    else:
        body = concepts.jsonld(index, concept, key, skos_base(settings), previous)
    return Response(body, media_type=media_type, headers=VARY)
