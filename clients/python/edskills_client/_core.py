"""How an operation becomes a request, and how requests are retried.

Each API operation is written once, as a small function that turns Python arguments into a
:class:`Call` (query, body, expected response type). The :func:`operation` decorator turns that
function into a descriptor: on a :class:`~edskills_client.Client` it is a plain method returning
the decoded response, on an :class:`~edskills_client.AsyncClient` a coroutine method — one
definition, two clients, full type checking of arguments and results.

What every operation does alike is done here, once: each ``{name}`` of the operation's path is
filled from the function's argument of that name, and an ``if_match`` argument, when given, is
sent as the ``If-Match`` header.
"""

from __future__ import annotations

import dataclasses
import email.utils
import functools
import inspect
import random
import string
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, ParamSpec, TypeVar, overload
from urllib.parse import quote
from uuid import UUID

import httpx
import msgspec

P = ParamSpec("P")
T = TypeVar("T")

OPERATIONS: dict[str, str] = {}
"""operationId in openapi.yaml → client method name; a test checks it covers the whole spec."""

RETRY_STATUSES = frozenset({429, 503})
IF_MATCH = "if_match"
"""The argument sent as the ``If-Match`` header (an ``ETag`` from ``with_etag``) where an operation has it."""


@dataclasses.dataclass(frozen=True)
class Call(Generic[T]):
    """One request, before it knows its HTTP method and path template (the operation adds them)."""

    response: type[T]
    """A msgspec Struct type, ``bytes`` (downloads), ``str`` (HTML) or ``type(None)`` (204)."""
    query: Mapping[str, object] = dataclasses.field(default_factory=dict)
    json: object = None
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    data: Mapping[str, str] | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Request(Generic[T]):
    """A call with its method and URL: everything needed to send it (again, when retrying)."""

    operation_id: str
    method: str
    url: str
    call: Call[T]

    def with_query(self, **values: object) -> Request[T]:
        query = {**self.call.query, **values}
        return dataclasses.replace(self, call=dataclasses.replace(self.call, query=query))

    def httpx_arguments(self) -> dict[str, Any]:
        call = self.call
        arguments: dict[str, Any] = {
            "params": {key: _query_value(value) for key, value in call.query.items() if value is not None},
            "headers": {key: value for key, value in call.headers.items() if value is not None},
        }
        if call.json is not None:
            arguments["content"] = msgspec.json.encode(call.json)
            arguments["headers"]["Content-Type"] = "application/json"
        if call.files is not None:
            arguments["files"] = dict(call.files)
            arguments["data"] = dict(call.data or {})
        return arguments

    def decode(self, response: httpx.Response) -> T:
        kind: Any = self.call.response
        if kind is bytes:
            return response.content  # type: ignore[return-value]
        if kind is str:
            return response.text  # type: ignore[return-value]
        if kind is type(None):
            return None  # type: ignore[return-value]
        return msgspec.json.decode(response.content, type=kind)  # type: ignore[no-any-return]


def _query_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, msgspec.Struct | Mapping):
        return msgspec.json.encode(value).decode()
    return str(value)


class SyncSender:
    """What a synchronous client provides to operations."""

    def _send(self, request: Request[T]) -> T:
        raise NotImplementedError


class AsyncSender:
    """What an asynchronous client provides to operations."""

    async def _asend(self, request: Request[T]) -> T:
        raise NotImplementedError


class Operation(Generic[P, T]):
    """A descriptor: the builder function bound to a client as a sync or async method."""

    def __init__(self, operation_id: str, method: str, path: str, build: Callable[P, Call[T]]) -> None:
        self.operation_id = operation_id
        self.method = method
        self.path = path
        self.build = build
        self.name = build.__name__
        self.signature = inspect.signature(build)
        self.path_names = tuple(name for _, name, _, _ in string.Formatter().parse(path) if name)
        missing = [name for name in self.path_names if name not in self.signature.parameters]
        if missing:
            raise TypeError(f"{self.name} has no argument for {path}: {', '.join(missing)}")
        functools.update_wrapper(self, build)  # type: ignore[arg-type]

    def __set_name__(self, owner: type, name: str) -> None:
        if OPERATIONS.get(self.operation_id, name) != name:
            raise TypeError(f"operationId {self.operation_id} is bound twice")
        OPERATIONS[self.operation_id] = name

    def prepare(self, *args: P.args, **kwargs: P.kwargs) -> Request[T]:
        call = self.build(*args, **kwargs)
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = {name: quote(str(bound.arguments[name]), safe="") for name in self.path_names}
        etag = bound.arguments.get(IF_MATCH)
        if etag:
            call = dataclasses.replace(call, headers={**call.headers, "If-Match": etag})
        return Request(self.operation_id, self.method, self.path.format_map(values), call)

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> Operation[P, T]: ...
    @overload
    def __get__(self, instance: SyncSender, owner: type[Any]) -> Callable[P, T]: ...
    @overload
    def __get__(self, instance: AsyncSender, owner: type[Any]) -> Callable[P, Awaitable[T]]: ...
    def __get__(self, instance: object, owner: type[Any]) -> Any:
        if instance is None:
            return self
        if isinstance(instance, AsyncSender):
            sender = instance

            async def call_async(*args: P.args, **kwargs: P.kwargs) -> T:
                return await sender._asend(self.prepare(*args, **kwargs))

            bound: Any = call_async
        elif isinstance(instance, SyncSender):
            sync_sender = instance

            def call_sync(*args: P.args, **kwargs: P.kwargs) -> T:
                return sync_sender._send(self.prepare(*args, **kwargs))

            bound = call_sync
        else:
            raise TypeError(f"{type(instance).__name__} is not a client")
        functools.update_wrapper(bound, self.build)
        bound.operation = self
        return bound


def operation(operation_id: str, method: str, path: str) -> Callable[[Callable[P, Call[T]]], Operation[P, T]]:
    """Declare a builder function as the client method for ``operation_id`` (``method path``)."""

    def decorate(build: Callable[P, Call[T]]) -> Operation[P, T]:
        return Operation(operation_id, method, path, build)

    return decorate


def operation_of(method: object) -> Operation[Any, Any]:
    """The operation behind a bound client method (for ``paginate`` and ``with_etag``)."""
    found = getattr(method, "operation", None)
    if not isinstance(found, Operation):
        raise TypeError(f"{method!r} is not a client operation method")
    return found


def ident(value: str | UUID) -> str:
    return str(value)


# --- retries ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Retry:
    """Retry 429 and 503 answers only: both mean "nothing was done, try again later".

    The wait is the answer's ``Retry-After`` when it gives one (seconds or an HTTP date), else
    exponential backoff with jitter. A ``Retry-After`` longer than ``max_wait`` is not waited
    out: the error is raised at once so a caller's own deadline is not silently exceeded.
    Other errors (4xx, 500) are never retried: repeating them cannot succeed.
    """

    attempts: int = 3
    """Retries after the first try (0 disables retrying)."""
    backoff: float = 0.5
    """First backoff in seconds when no Retry-After is given; doubles each retry."""
    max_backoff: float = 8.0
    max_wait: float = 60.0

    def delay(self, retry: int, response: httpx.Response) -> float | None:
        """Seconds to wait before retry number ``retry`` (0-based), or None to give up."""
        if response.status_code not in RETRY_STATUSES or retry >= self.attempts:
            return None
        asked = retry_after(response.headers.get("Retry-After"))
        if asked is not None:
            return asked if asked <= self.max_wait else None
        ceiling = min(self.max_backoff, self.backoff * 2**retry)
        return random.uniform(ceiling / 2, ceiling)


def retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` (delta-seconds or an HTTP date, RFC 9110 §10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


@dataclasses.dataclass(frozen=True)
class RetryEvent:
    """Passed to ``on_retry`` before each wait, e.g. to log "retrying in 5 s"."""

    operation_id: str
    retry: int
    delay: float
    status: int
