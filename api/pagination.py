"""Offset pagination: ``?limit=&offset=``, ``total`` in the body, ``X-Total-Count`` and ``Link``.

``Link`` targets are absolute URLs under the configured public address (``settings.base_url``),
never under the request's ``Host`` header, which any client can forge (issue 12).

Pages are named Structs per resource (``SkillPage``), not a generic ``OffsetPagination[T]``,
whose place in the OpenAPI document depends on import order (PITFALLS).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Generic, Protocol, TypedDict, TypeVar
from urllib.parse import quote

from litestar import Request, Response
from litestar.datastructures import ResponseHeader
from litestar.params import QueryParameter
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from api.db.models import Base

T = TypeVar("T")
M = TypeVar("M", bound=Base)


class Page(Protocol):
    """What every page Struct (``SkillPage``, ``AuditPage``…) carries besides its items."""

    @property
    def total(self) -> int: ...
    @property
    def limit(self) -> int: ...
    @property
    def offset(self) -> int: ...


P = TypeVar("P", bound=Page)


class PageFields(TypedDict, Generic[T]):
    """The fields every page Struct shares, to unpack into one: ``SkillPage(version=…, **fields)``."""

    items: list[T]
    total: int
    limit: int
    offset: int


MAX_LIMIT = 500
Limit = Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT, description="Items per page (1–500).")]
Offset = Annotated[int, QueryParameter(ge=0, le=1_000_000, description="Items to skip.")]

PAGE_HEADERS = [
    ResponseHeader(name="X-Total-Count", description="Items in the whole list.", documentation_only=True),
    ResponseHeader(
        name="Link", description='`<…>; rel="next"` while more items follow.', documentation_only=True
    ),
]


def window(items: Sequence[T], limit: int, offset: int) -> PageFields[T]:
    """One page of a whole list held in memory (framework editions, the council registry), with the
    list's length as the total."""
    return PageFields(
        items=list(items[offset : offset + limit]), total=len(items), limit=limit, offset=offset
    )


def page_response(request: Request[Any, Any, Any], page: P) -> Response[P]:
    """Every list answers the same way: the page in the body, its ``X-Total-Count`` and ``Link``."""
    return Response(page, headers=page_headers(request, page.total, page.limit, page.offset))


async def page_of(
    session: AsyncSession,
    model: type[M],
    where: ColumnElement[bool],
    order_by: Sequence[InstrumentedAttribute[Any] | ColumnElement[Any]],
    limit: int,
    offset: int,
) -> tuple[list[M], int]:
    """One page of ``model`` rows matching ``where``, in ``order_by`` order, and how many match in
    all: the list-and-count every list endpoint shares. Two statements, a count and the page, so
    the total stays right for an offset past the end (a windowed count would give 0 there)."""
    total = await session.scalar(select(func.count()).select_from(model).where(where)) or 0
    rows = await session.scalars(select(model).where(where).order_by(*order_by).limit(limit).offset(offset))
    return list(rows), total


def page_headers(request: Request[Any, Any, Any], total: int, limit: int, offset: int) -> dict[str, str]:
    headers = {"X-Total-Count": str(total)}
    links = []
    if offset + limit < total:
        links.append(f'<{_with_offset(request, offset + limit, limit)}>; rel="next"')
    if offset > 0:
        links.append(f'<{_with_offset(request, max(0, offset - limit), limit)}>; rel="prev"')
    if links:
        headers["Link"] = ", ".join(links)
    return headers


def _with_offset(request: Request[Any, Any, Any], offset: int, limit: int) -> str:
    params = {key: value for key, value in request.query_params.items() if key not in {"offset", "limit"}}
    params.update({"limit": str(limit), "offset": str(offset)})
    # Everything percent-encoded: header values must be latin-1, and keys, values and the path are
    # whatever the client sent (fuzzing found a 500 on a non-latin-1 query key).
    query = "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in params.items())
    base_url: str = request.app.state.settings.base_url
    return f"{base_url}{quote(request.url.path, safe='/')}?{query}"
