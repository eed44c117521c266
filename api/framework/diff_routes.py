"""``GET /v1/frameworks/{version}/diff/{other}``: what changed between two editions (issue 19).

The diff is ``taxonomy.diff`` (pure); this route resolves both editions as the item reads do
(``api.framework.concepts.readable_edition``: public editions from memory, a draft only for a key
with ``framework:write``), hands it the editions in between (their ``replaces`` carry renames
step by step), and answers JSON or, for ``Accept: text/csv``, one CSV row per change
(``api.negotiation``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType

from api.deps import STORE
from api.errors import problem_responses
from api.framework.concepts import CSV, JSON, VARY_HEADER, readable_edition
from api.framework.store import FrameworkStore, version_key
from api.negotiation import VARY, negotiate
from api.params import Version
from taxonomy.diff import EditionDiff, diff, reverse, to_csv
from taxonomy.model import Framework


@dataclass
class _WithCsv(Operation):
    def __post_init__(self) -> None:
        success = (self.responses or {}).get("200")
        if isinstance(success, OpenAPIResponse) and success.content:
            success.content[CSV] = OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))


async def edition_diff(
    request: Request[Any, Any, Any], store: FrameworkStore, version: str, other: str
) -> EditionDiff:
    """The diff from ``version`` to ``other`` (either may be the later one)."""
    first, _, _ = await readable_edition(request, store, version)
    second, _, _ = await readable_edition(request, store, other)
    return between(first.framework, second.framework, await public_between(store, version, other))


async def public_between(store: FrameworkStore, version: str, other: str) -> list[Framework]:
    """The public editions strictly between two versions, oldest first (from memory)."""
    low, high = sorted((version_key(version), version_key(other)))
    return [
        (await store.index(None, edition)).framework
        for edition in await store.public_editions()
        if low < version_key(edition.version) < high
    ]


def between(first: Framework, second: Framework, middle: list[Framework]) -> EditionDiff:
    """``taxonomy.diff.diff`` in the right direction: forward from the earlier edition."""
    if version_key(first.version) <= version_key(second.version):
        return diff(first, second, middle)
    return reverse(diff(second, first, middle))


class FrameworkDiffController(Controller):
    path = "/v1/frameworks"
    tags = ["framework"]
    dependencies = {"store": STORE}

    @get(
        "/{version:str}/diff/{other:str}",
        operation_id="getFrameworkDiff",
        summary="What changed from one edition to another: added, removed, renamed, merged, split, changed",
        description=(
            "JSON by default; `Accept: text/csv` gives one row per change (a changed item one row per "
            "field). Renames, merges and splits follow the editions' `replaces`."
        ),
        responses=problem_responses(400, 404, 406),
        response_headers=VARY_HEADER,
        operation_class=_WithCsv,
    )
    async def get_diff(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        other: Version,
        store: NamedDependency[FrameworkStore],
    ) -> Response[EditionDiff]:
        media_type = negotiate(request.headers.get("accept"), (JSON, CSV))
        result = await edition_diff(request, store, version, other)
        if media_type == CSV:
            return Response(to_csv(result).encode(), media_type=CSV, headers=VARY)  # type: ignore[arg-type]
        return Response(result, headers=VARY)
