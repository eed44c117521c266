"""The ``/v1`` stability policy's registry of what is going away (README "API stability", issue 19).

``/v1`` changes only by addition. An operation or a response field that is to be removed is first
listed here, at least six months before its sunset, and from then on every answer of the operations
concerned carries (:func:`announce_deprecations`, a ``before_send`` hook):

- ``Deprecation: @<epoch seconds>`` (RFC 9745: a structured-field date, when it was deprecated);
- ``Sunset: <HTTP-date>`` (RFC 8594: when it stops working);
- ``Link: <notice>; rel="deprecation"`` (RFC 9745 §3: where the change is explained).

``tests/api/test_stability.py`` compares the committed ``openapi.yaml`` with the live schema and
fails when a documented operation or response field disappears without an entry here
(:func:`undeclared_removals`). Today nothing is deprecated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from litestar.types import Message, Scope

MINIMUM_NOTICE = dt.timedelta(days=183)
"""Six months between announcing a removal and the removal."""


@dataclass(frozen=True)
class Deprecation:
    """``operations`` (operation ids) lose ``field`` (``Schema.property``), or go altogether when
    ``field`` is ``None``."""

    operations: tuple[str, ...]
    deprecated_on: dt.date
    sunset_on: dt.date
    notice: str
    """An absolute URL explaining the change and what to use instead."""
    field: str | None = None

    def __post_init__(self) -> None:
        if not self.operations:
            raise ValueError("a deprecation names the operations it concerns")
        if self.sunset_on - self.deprecated_on < MINIMUM_NOTICE:
            raise ValueError(
                f"{self.field or self.operations}: the sunset must be at least six months after the "
                f"deprecation ({self.deprecated_on} -> {self.sunset_on})"
            )
        if not self.notice.startswith(("https://", "http://")):
            raise ValueError("the notice must be an absolute URL")

    def headers(self) -> list[tuple[bytes, bytes]]:
        deprecated = dt.datetime.combine(self.deprecated_on, dt.time(), dt.UTC)
        sunset = dt.datetime.combine(self.sunset_on, dt.time(), dt.UTC)
        return [
            (b"deprecation", f"@{int(deprecated.timestamp())}".encode()),
            (b"sunset", format_datetime(sunset, usegmt=True).encode()),
            (b"link", f'<{self.notice}>; rel="deprecation"'.encode()),
        ]


REGISTRY: tuple[Deprecation, ...] = ()
"""Everything deprecated in /v1 (empty: nothing is)."""


def by_operation(registry: Iterable[Deprecation]) -> dict[str, list[Deprecation]]:
    found: dict[str, list[Deprecation]] = {}
    for entry in registry:
        for operation in entry.operations:
            found.setdefault(operation, []).append(entry)
    return found


async def announce_deprecations(message: Message, scope: Scope) -> None:
    """Add the headers of every entry naming the answered operation (``app.state.deprecations``).

    The earliest sunset is announced when several entries concern one operation (one ``Sunset``
    per response, RFC 8594 §3); each notice gets its own ``Link``."""
    if message["type"] != "http.response.start":
        return
    handler = scope.get("route_handler")
    entries: Mapping[str, list[Deprecation]] = scope["app"].state.get("deprecations") or {}
    operation = getattr(handler, "operation_id", None)
    if not entries or not isinstance(operation, str) or operation not in entries:
        return
    concerned = sorted(entries[operation], key=lambda entry: entry.sunset_on)
    headers = list(message.get("headers") or [])
    headers.extend(concerned[0].headers()[:2])
    headers.extend(entry.headers()[2] for entry in concerned)
    message["headers"] = headers


# --- the stability check ------------------------------------------------------------------------


def _response_schemas(spec: Mapping[str, Any]) -> set[str]:
    """Component schemas reachable from any response of any operation."""
    schemas: Mapping[str, Any] = spec.get("components", {}).get("schemas", {})
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/components/schemas/"):
                name = reference.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    walk(schemas.get(name))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                walk(operation.get("responses"))
    return seen


def _operations(spec: Mapping[str, Any]) -> set[str]:
    return {
        operation["operationId"]
        for item in spec.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }


def undeclared_removals(
    committed: Mapping[str, Any], live: Mapping[str, Any], registry: Iterable[Deprecation] = REGISTRY
) -> list[str]:
    """Operations, and properties of response schemas, of ``committed`` that ``live`` lacks and
    the registry does not announce (``Schema.property`` or an operation id)."""
    registry = list(registry)
    announced_operations = {entry.operations for entry in registry if entry.field is None}
    gone_operations = {operation for operations in announced_operations for operation in operations}
    announced_fields = {entry.field for entry in registry if entry.field is not None}
    problems = [
        f"operation {operation}"
        for operation in sorted(_operations(committed) - _operations(live) - gone_operations)
    ]
    old_schemas = committed.get("components", {}).get("schemas", {})
    new_schemas = live.get("components", {}).get("schemas", {})
    for name in sorted(_response_schemas(committed)):
        old = old_schemas.get(name, {})
        new = new_schemas.get(name, {})
        for prop in sorted(old.get("properties", {})):
            if prop not in new.get("properties", {}) and f"{name}.{prop}" not in announced_fields:
                problems.append(f"field {name}.{prop}")
    return problems
