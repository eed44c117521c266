"""Documenting handlers that answer in more than one media type.

litestar documents one media type per handler, so an export that sends XLSX or CSV (or JSON,
YAML, CSV or JSON-LD) was documented as ``application/octet-stream`` and contract fuzzing flagged
every real answer as undocumented. ``documented_media_types`` gives the handler an ``Operation``
class whose success response lists each media type it really sends.
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType


def _schema(media_type: str) -> Schema:
    """JSON and YAML documents are objects; everything else is a file of bytes."""
    if media_type.endswith(("json", "yaml")):
        return Schema(type=OpenAPIType.OBJECT)
    return Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY)


def documented_media_types(*media_types: str) -> type[Operation]:
    """An ``Operation`` class for ``operation_class=`` listing ``media_types`` (parameters such as
    ``; charset=utf-8`` are dropped) under the handler's 200 response."""
    plain = list(dict.fromkeys(media_type.split(";")[0].strip() for media_type in media_types))

    @dataclass
    class MultiMediaOperation(Operation):
        def __post_init__(self) -> None:
            success = (self.responses or {}).get("200")
            if isinstance(success, OpenAPIResponse):
                success.content = {
                    media_type: OpenAPIMediaType(schema=_schema(media_type)) for media_type in plain
                }

    return MultiMediaOperation
