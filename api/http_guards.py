"""HTTP rules that hold for every route, each in one place (issue 12).

- ``ControlCharacterGuard`` (middleware): no query parameter (key or value) and no path parameter
  may contain a C0 control character or DEL: 400 naming the parameter. PostgreSQL refuses NUL in
  text and SQLite stores it, so ``?region=%00`` was a 500 on one backend and a 200 on the other.
- ``HeadAsGet`` (wraps the app before routing): ``HEAD`` runs the ``GET`` handler and sends its
  status and headers (``Content-Length`` included) without the body (RFC 9110 §9.3.2).
- ``response_headers`` (a ``before_send`` hook, so it sees every response, errors and routing
  404/405s included): ``X-Content-Type-Options: nosniff`` everywhere; ``Cache-Control: no-store``
  on council-scoped paths, the people's pages (``/app``), every response to a signed-in person and
  every response to a request that carries credentials; exactly
  one ``charset`` in ``Content-Type``; ``HEAD`` listed in ``Allow`` beside ``GET``.

JSON request bodies have their own home, ``api.json_bodies``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote_to_bytes

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from api.errors import FieldError, ProblemError
from api.text import CONTROL_MESSAGE, contains_control

if TYPE_CHECKING:
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

_QUERY_CONTROL = re.compile(rb"%(?:[01][0-9a-fA-F]|7[fF])|[\x00-\x1f\x7f]")
"""A control character in a query string, raw or percent-encoded (a fast test of the whole string)."""
COUNCIL_SCOPED = re.compile(r"^/v1/councils/[^/]+/.")
"""Anything under ``/v1/councils/{code}/``: audits, members, needs, reports, exports. The public
council read ``/v1/councils/{code}`` itself is not."""
PEOPLE_PAGES = re.compile(r"^/app(?:/|$)")
"""The people's pages (issue 15): sessions, personal data and CSRF tokens."""


def _text(raw: bytes) -> str:
    return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8", "replace")


def _printable(name: str) -> str:
    """A parameter name as it can be shown: control characters escaped (``re\\x00gion``)."""
    return name.encode("unicode_escape").decode("ascii") if contains_control(name) else name


def _bad_parameter(name: str, source: str) -> ProblemError:
    shown = _printable(name)
    return ProblemError(
        f"Invalid {source} parameter '{shown}': {CONTROL_MESSAGE}",
        errors=[FieldError(field=shown, message=CONTROL_MESSAGE, source=source)],
    )


def refuse_control_characters(scope: Scope) -> None:
    """Raise 400 naming the first query or path parameter that holds a control character."""
    query = scope.get("query_string", b"")
    if query and _QUERY_CONTROL.search(query):
        for pair in query.split(b"&"):
            raw_key, _, raw_value = pair.partition(b"=")
            key = _text(raw_key)
            if contains_control(key) or contains_control(_text(raw_value)):
                raise _bad_parameter(key, "query")
    for name, value in (scope.get("path_params") or {}).items():
        if isinstance(value, str) and contains_control(value):
            raise _bad_parameter(name, "path")


class ControlCharacterGuard(ASGIMiddleware):
    """Runs ``refuse_control_characters`` after routing (so path parameters have names) and
    inside litestar's exception handling (so the refusal is problem+json)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        refuse_control_characters(scope)
        await next_app(scope, receive, send)


class HeadAsGet:
    """``HEAD`` wherever ``GET`` works: route it as ``GET``, send the headers, drop the body.

    The scope is changed in place (advanced-alchemy keeps the request's session in it, so a copy
    would leave the session unclosed) and set back to ``HEAD`` when the response starts, so the
    server also knows no body follows the ``Content-Length`` it is given.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        http_scope = scope
        http_scope["method"] = "GET"

        async def send_head(message: Message) -> None:
            if message["type"] == "http.response.start":
                http_scope["method"] = "HEAD"
            elif message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        try:
            await self.app(scope, receive, send_head)
        finally:
            http_scope["method"] = "HEAD"


def _one_charset(content_type: bytes) -> bytes:
    """``text/csv; charset=utf-8; charset=utf-8`` → ``text/csv; charset=utf-8``."""
    parts = [part.strip() for part in content_type.split(b";")]
    kept = [parts[0]]
    seen_charset = False
    for part in parts[1:]:
        if part.lower().startswith(b"charset="):
            if seen_charset:
                continue
            seen_charset = True
        kept.append(part)
    return b"; ".join(kept)


def _is_private(scope: Scope) -> bool:
    """Council data, anything asked for with credentials, and the people's pages (``/app``: a
    signed-in person's data, forms with their CSRF token; issue 15) must not be kept by any cache."""
    path = scope.get("path", "")
    if COUNCIL_SCOPED.match(path) or PEOPLE_PAGES.match(path):
        return True
    if (scope.get("state") or {}).get("person") is not None:  # set by the session layer
        return True
    return any(name == b"authorization" for name, _ in scope.get("headers", ()))


async def response_headers(message: Message, scope: Scope) -> None:
    """The response header rules of the module docstring, applied as each response starts."""
    if message["type"] != "http.response.start":
        return
    private = scope["type"] == ScopeType.HTTP and _is_private(scope)
    headers: list[tuple[bytes, bytes]] = []
    for name, value in message.get("headers", ()):
        lowered = name.lower()
        if lowered == b"x-content-type-options" or (private and lowered == b"cache-control"):
            continue
        if lowered == b"content-type" and value.lower().count(b"charset=") > 1:
            value = _one_charset(value)
        elif lowered == b"allow" and b"GET" in value and b"HEAD" not in value:
            value += b", HEAD"
        headers.append((name, value))
    headers.append((b"x-content-type-options", b"nosniff"))
    if private:
        headers.append((b"cache-control", b"no-store"))
    message["headers"] = headers
