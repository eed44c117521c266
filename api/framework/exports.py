"""Standard exports of a published (or retired) edition: JSON, YAML, CSV of skills, SKOS JSON-LD.

The formats themselves are pure functions in ``taxonomy.exports``; this route picks one, names
the file, and gives SKOS concepts URIs under this service's configured public address
(``EDSKILLS_PUBLIC_URL``), never the request's ``Host`` header, which any client can forge
(issue 12). Drafts export too, for a key with ``framework:write`` (a reviewer may want the draft
as a spreadsheet); to anyone else a draft is an unknown edition.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from anyio import to_thread
from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import STORE
from api.errors import problem_responses
from api.framework import editing
from api.framework.editing_schemas import ExportFormat
from api.framework.store import FrameworkStore
from api.openapi_media import documented_media_types
from api.params import Version
from api.responses import attachment
from api.settings import Settings
from taxonomy import concepts, exports
from taxonomy.model import Framework

MEDIA_TYPES = {
    "json": "application/json",
    "yaml": "application/yaml; charset=utf-8",
    "csv": "text/csv",  # litestar adds "; charset=utf-8" to every text/* type
    "skos": "application/ld+json",
}
SUFFIXES = {"json": "json", "yaml": "yaml", "csv": "skills.csv", "skos": "skos.jsonld"}


def skos_base(settings: Settings) -> str:
    """Concept URIs live under this service's public ``/v1``."""
    return settings.base_url + "/v1"


def render(
    framework: Framework, format: str, base: str, previous_version: str | None, layout: str = "columns"
) -> bytes:
    if format == "csv" and layout == "rsd":
        return concepts.skills_rsd_csv(framework, base).encode()
    if format == "json":
        return exports.to_json(framework)
    if format == "yaml":
        return exports.to_yaml(framework).encode()
    if format == "csv":
        return exports.skills_csv(framework).encode()
    return exports.skos_jsonld(framework, base, previous_version)


class FrameworkExportController(Controller):
    path = "/v1/frameworks"
    tags = ["framework"]
    dependencies = {"store": STORE}

    @get(
        "/{version:str}/export",
        operation_id="exportFramework",
        summary="An edition as JSON, YAML (the file format), CSV of skills or SKOS (JSON-LD)",
        responses=problem_responses(400, 401, 403, 404, 429),
        media_type="application/octet-stream",
        operation_class=documented_media_types(*MEDIA_TYPES.values()),
    )
    async def export(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        format: Annotated[ExportFormat, QueryParameter(description="json, yaml, csv or skos.")] = "json",
        layout: Annotated[
            Literal["columns", "rsd"],
            QueryParameter(
                description="CSV only: our columns, or the Rich Skill Descriptor (RSD) import layout."
            ),
        ] = "columns",
    ) -> Response[bytes]:
        stored = await editing.readable(request, db_session, version)
        previous = await editing.based_on(db_session, store, version)
        body = await to_thread.run_sync(
            render,
            stored.framework,
            format,
            skos_base(request.app.state.settings),
            previous.version if previous else None,
            layout,
        )
        return attachment(body, MEDIA_TYPES[format], f"{stored.framework.id}-{version}.{SUFFIXES[format]}")
