"""How a JSON request body becomes a Struct: the one place bad bytes are refused (issue 12).

litestar decodes a body to Python objects (``Request.json``) and then converts them to the
handler's Struct with ``strict=False``. So ``"level": "3"`` was accepted as 3, and the decode step
let ``UnicodeDecodeError`` (invalid UTF-8) and ``RecursionError`` (100,000 nested arrays) escape as
500s. ``JsonBodyRequest`` (the app's ``request_class``) decodes the body once, straight into the
handler's declared type with msgspec in strict mode:

- bytes that are not JSON, not UTF-8, or nested deeper than ``MAX_JSON_DEPTH`` → 400;
- JSON that does not fit the schema (a string where a number is, an unknown field, a bound, a
  control character in a text field, see ``api.text``) → 422 naming the field
  (``assessments[3].level``).

The litestar signature model then receives the decoded Struct and passes it through unchanged.
Valid bodies pay one C-speed decode (cheaper than litestar's decode-then-convert), plus one
regular-expression scan for escaped control characters; the nesting depth is only measured for a
body that has already failed, which is where a too-deep body always ends up (no request Struct
is more than a few levels deep).

``StrictStructSchemaPlugin`` makes the OpenAPI document say what decoding enforces: a Struct
with ``forbid_unknown_fields`` is documented with ``additionalProperties: false``.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING, Any, get_type_hints

import msgspec
from litestar import Request
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.exceptions import ValidationException
from litestar.openapi.spec import Schema
from litestar.openapi.spec.enums import OpenAPIFormat, OpenAPIType
from litestar.types import Empty

from api.errors import FieldError, ProblemError
from api.text import (
    CONTROL_MESSAGE,
    NOTE_CONTROL_CHARACTERS,
    NOTE_CONTROL_MESSAGE,
    NOTE_PATTERN,
    SINGLE_LINE_PATTERN,
)

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator
    from litestar.typing import FieldDefinition

MAX_JSON_DEPTH = 32
"""Deepest nesting of arrays and objects a JSON body may have (ours are at most 5 deep)."""
MAX_FIELD_ERRORS = 50
"""At most this many control-character errors are listed; the count says how many more."""

_STRINGS = re.compile(rb'"(?:[^"\\]++|\\.)*+"')
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_SQUARE = bytes.maketrans(b"{}", b"[]")
_ESCAPED_CONTROL = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\[bf]|\x7f")
"""A control character in a JSON string is always escaped (``\\u0000``, ``\\b``) except DEL,
which may appear raw. ``\\n``, ``\\r`` and ``\\t`` are left out: no body text refuses them."""
_PATTERN_MESSAGES = {
    f"Expected `str` matching regex {SINGLE_LINE_PATTERN!r}": CONTROL_MESSAGE,
    f"Expected `str` matching regex {NOTE_PATTERN!r}": NOTE_CONTROL_MESSAGE,
}


def nested_deeper_than(body: bytes, limit: int) -> bool:
    """Whether ``body``'s arrays and objects nest more than ``limit`` levels deep.

    Works on bytes at C speed: drop strings, keep only brackets (``{}`` read as ``[]``), then
    remove every empty ``[]`` once per pass; a pass removes exactly one level, so a ``[]`` left
    after ``limit`` passes is a level beyond the limit.
    """
    structure = _STRINGS.sub(b"", body).translate(_SQUARE, _NOT_BRACKETS)
    for _ in range(limit):
        reduced = structure.replace(b"[]", b"")
        if len(reduced) == len(structure):
            return False
        structure = reduced
    return b"[]" in structure


def _too_deep() -> ProblemError:
    message = f"nested deeper than {MAX_JSON_DEPTH} levels"
    return ProblemError(
        f"The request body is {message}",
        errors=[FieldError(field="body", message=message, source="body")],
    )


def _not_json(message: str) -> ProblemError:
    return ProblemError(
        f"The request body is not valid JSON: {message}",
        errors=[FieldError(field="body", message=message, source="body")],
    )


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _field_path(location: str) -> str:
    """msgspec's ``$.assessments[3].level`` as ``assessments[3].level``; the root as ``""``."""
    return location.removeprefix("$").removeprefix(".")


def _field_error(exc: msgspec.ValidationError) -> dict[str, str]:
    """One msgspec validation error as litestar's ``{key, message, source}``.

    msgspec says ``<message> - at `$.path``` (or ``- at `key` in `$.path``` for a mapping key), and
    names an unknown or missing field inside the message, at the object's path.
    """
    message, _, location = str(exc).partition(" - at ")
    key_of = location.startswith("`key` in ")
    path = _field_path(location.removeprefix("`key` in ").strip("`"))
    named = re.fullmatch(r"Object (?:contains unknown|missing required) field `(.+)`", message)
    if named:
        path = _join(path, named.group(1))
    if key_of:
        message = f"a key: {message}"
    message = next((human for raw, human in _PATTERN_MESSAGES.items() if message.startswith(raw)), message)
    return {"key": path or "body", "message": message, "source": "body"}


def _unprocessable(errors: list[dict[str, str]]) -> ValidationException:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ValidationException(
        detail=f"Invalid body '{first['key']}': {first['message']}{more}",
        extra=errors,
        status_code=422,
    )


def control_character_errors(value: Any) -> list[dict[str, str]]:
    """Every text in a decoded body with a control character no field allows (see ``api.text``).

    The safety net for bodies whose Structs carry no text pattern: the framework file format
    (``taxonomy.model``), which draft edits take as bodies and whose loader must keep accepting
    the files as they are.
    """
    errors: list[dict[str, str]] = []
    stack: list[tuple[str, Any]] = [("", msgspec.to_builtins(value))]
    while stack and len(errors) <= MAX_FIELD_ERRORS:
        path, item = stack.pop()
        if isinstance(item, str):
            if NOTE_CONTROL_CHARACTERS.search(item):
                errors.append({"key": path or "body", "message": NOTE_CONTROL_MESSAGE, "source": "body"})
        elif isinstance(item, dict):
            for key, child in item.items():
                if NOTE_CONTROL_CHARACTERS.search(key):
                    message = f"a key {NOTE_CONTROL_MESSAGE}"
                    errors.append({"key": path or "body", "message": message, "source": "body"})
                stack.append((_join(path, key), child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{index}]", child) for index, child in enumerate(item))
    return sorted(errors, key=lambda error: error["key"])[:MAX_FIELD_ERRORS]


def _may_hold_control(body: bytes) -> bool:
    """Whether a JSON text may hold a control character: four substring searches first (memchr
    speed, ~1 ms for 10 MiB), the regular expression only when one of them hits."""
    hints = (b"\\u00", b"\\b", b"\\f", b"\x7f")
    return any(hint in body for hint in hints) and _ESCAPED_CONTROL.search(body) is not None


def refuse_bad_bytes(body: bytes) -> None:
    """400 unless ``body`` is UTF-8 JSON at most ``MAX_JSON_DEPTH`` levels deep."""
    if nested_deeper_than(body, MAX_JSON_DEPTH):
        raise _too_deep()
    try:
        msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise _not_json(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise _not_json(f"not UTF-8 ({exc.reason})") from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise _too_deep() from None


def decode_body(body: bytes, body_type: Any) -> Any:
    """Decode a JSON body strictly into ``body_type`` (``Any``: plain JSON values); see the module.

    A body that fails is checked as bytes before its first schema error is reported: msgspec
    stops at the first problem, and bad bytes after an unknown field must still be a 400.
    """
    try:
        value = msgspec.json.decode(body, type=body_type, strict=True)
    except msgspec.ValidationError as exc:
        refuse_bad_bytes(body)
        raise _unprocessable([_field_error(exc)]) from None
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        refuse_bad_bytes(body)
        raise  # pragma: no cover - refuse_bad_bytes raised for the same bytes
    if body_type is Any and nested_deeper_than(body, MAX_JSON_DEPTH):
        raise _too_deep()  # it decoded, so only the depth is left to check
    if _may_hold_control(body) and (errors := control_character_errors(value)):
        raise _unprocessable(errors)
    return value


class JsonBodyRequest(Request[Any, Any, Any]):
    """The app's request class: ``json()`` decodes strictly into the handler's body type."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                body = await self.body()
                self._json = self._connection_state.json = decode_body(body or b"null", self._body_type())
        return self._json

    def _body_type(self) -> Any:
        data_field = self.route_handler.parsed_data_field
        if data_field is None or not data_field.is_subclass_of(msgspec.Struct):
            return Any
        return data_field.annotation


_SCHEMA_FIELDS = {field.metadata.get("alias", field.name): field.name for field in dataclasses.fields(Schema)}


def _as_schema(document: dict[str, Any]) -> Schema:
    """A JSON Schema document (as msgspec writes one) as litestar's ``Schema``."""
    values: dict[str, Any] = {}
    for key, value in document.items():
        name = _SCHEMA_FIELDS[key]
        if isinstance(value, dict):
            value = _as_schema(value)
        elif isinstance(value, list) and key in {"anyOf", "oneOf", "allOf", "prefixItems"}:
            value = [_as_schema(item) for item in value]
        elif key == "type":
            value = OpenAPIType(value)
        elif key == "format" and value in OpenAPIFormat._value2member_map_:
            value = OpenAPIFormat(value)
        values[name] = value
    return Schema(**values)


def _exact_property(annotation: Any) -> Schema | None:
    """msgspec's own schema of a field type that holds no Struct, or ``None``.

    litestar drops constraints inside containers (a list's item pattern, a mapping's value bounds)
    and a falsy bound of an optional field (``ge=0`` of ``fte: Fte | None``); msgspec states them
    all, exactly as it enforces them.
    """
    (document,), components = msgspec.json.schema_components([annotation])
    return None if components else _as_schema(document)


class StrictStructSchemaPlugin(StructSchemaPlugin):
    """Documents a Struct that refuses unknown fields (every request body) as it is enforced:
    ``additionalProperties: false`` and each field's constraints as msgspec checks them."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: SchemaCreator) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if not (isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields):
            return schema
        schema.additional_properties = False
        hints = get_type_hints(field_definition.type_, include_extras=True)
        properties = dict(schema.properties or {})
        for field in info.fields:
            current = properties.get(field.encode_name)
            exact = _exact_property(hints[field.name])
            if exact is not None and isinstance(current, Schema):
                exact.default = current.default
                properties[field.encode_name] = current = exact
            if isinstance(current, Schema):
                _state_note_rule(current)
        schema.properties = properties
        return schema


def _state_note_rule(schema: Schema) -> None:
    """Give every free string the rule ``control_character_errors`` enforces on every body.

    The framework file format's texts (``taxonomy.model``) carry no pattern of their own; the
    decode-time safety net refuses control characters other than tab/CR/LF in them all the same.
    """
    if schema.type == OpenAPIType.STRING and not (schema.pattern or schema.enum or schema.format):
        schema.pattern = NOTE_PATTERN
    for child in (schema.items, *(schema.any_of or ()), *(schema.one_of or ())):
        if isinstance(child, Schema):
            _state_note_rule(child)
