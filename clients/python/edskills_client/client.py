"""The synchronous and asynchronous clients: transport, auth, retries and error mapping.

The operations themselves live in ``_operations.py`` (one small function each); this module only
decides how a prepared request is sent.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from types import TracebackType
from typing import Any, Generic, NamedTuple, ParamSpec, Protocol, Self, TypeVar

import anyio
import httpx

from edskills_client._core import AsyncSender, Request, Retry, RetryEvent, SyncSender, operation_of
from edskills_client._operations import Operations
from edskills_client.errors import TransportError, problem_from_response

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
H = TypeVar("H", httpx.Client, httpx.AsyncClient)

DEFAULT_URL = "http://127.0.0.1:8000"
URL_VARIABLE = "EDSKILLS_URL"
KEY_VARIABLE = "EDSKILLS_API_KEY"


def _user_agent() -> str:
    try:
        return f"edskills-client/{package_version('edskills-client')}"
    except PackageNotFoundError:  # pragma: no cover - imported from a source tree
        return "edskills-client"


class Page(Protocol[T_co]):
    """What every list response has: the items of this page and the size of the whole list."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def total(self) -> int: ...


class Tagged(NamedTuple, Generic[T]):
    """A response body with the ``ETag`` to send back as ``if_match`` when updating it."""

    value: T
    etag: str | None


class _Base(Generic[H]):
    """What both clients share: settings (the environment as fallback), the ``httpx`` client
    (``H``, made here unless given), and what to do with an answer that is not a success (retry
    after a delay, or raise the problem)."""

    _http_class: type[H]

    def __init__(
        self,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 30.0,
        retry: Retry | None = None,
        on_retry: Callable[[RetryEvent], None] | None = None,
        headers: Mapping[str, str] | None = None,
        http_client: H | None = None,
    ) -> None:
        if base_url is None and http_client is not None:
            base_url = str(http_client.base_url)
        self.base_url = (base_url or os.environ.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else os.environ.get(KEY_VARIABLE) or None
        self._headers = {"User-Agent": _user_agent(), "Accept": "application/json", **(headers or {})}
        if self.api_key:
            self._headers["Authorization"] = f"Bearer {self.api_key}"
        self.retry = retry or Retry()
        self.on_retry = on_retry
        self._timeout = timeout
        self._owns_http = http_client is None
        self._http: H = http_client or self._http_class(timeout=timeout)

    def _arguments(self, request: Request[T]) -> tuple[str, dict[str, Any]]:
        """The URL and the keyword arguments of ``httpx``'s ``request`` for ``request``."""
        arguments = request.httpx_arguments()
        arguments["headers"] = {**self._headers, **arguments["headers"]}
        arguments["timeout"] = self._timeout
        return self.base_url + request.url, arguments

    def _unreachable(self, exc: httpx.TransportError) -> TransportError:
        return TransportError(f"cannot reach {self.base_url}: {exc or type(exc).__name__}")

    def _delay(self, request: Request[T], retry: int, response: httpx.Response) -> float:
        """How long to wait before retrying a failed answer; its problem is raised if it is final."""
        delay = self.retry.delay(retry, response)
        if delay is None:
            raise problem_from_response(response)
        if self.on_retry is not None:
            self.on_retry(RetryEvent(request.operation_id, retry + 1, delay, response.status_code))
        return delay


class Client(_Base[httpx.Client], Operations, SyncSender):
    """A blocking client. Use as a context manager, or call :meth:`close`.

    ``base_url`` defaults to ``EDSKILLS_URL`` (else ``http://127.0.0.1:8000``) and ``api_key`` to
    ``EDSKILLS_API_KEY``; public reads need no key. Pass ``http_client`` to reuse an
    ``httpx.Client`` you configured (proxies, certificates, an in-process test app); its own
    base URL is used when ``base_url`` is not given.
    """

    _http_class = httpx.Client

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def _exchange(self, request: Request[T]) -> httpx.Response:
        url, arguments = self._arguments(request)
        retry = 0
        while True:
            try:
                response = self._http.request(request.method, url, **arguments)
            except httpx.TransportError as exc:
                raise self._unreachable(exc) from exc
            if response.is_success:
                return response
            time.sleep(self._delay(request, retry, response))
            retry += 1

    def _send(self, request: Request[T]) -> T:
        return request.decode(self._exchange(request))

    def with_etag(self, method: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Tagged[T]:
        """Call ``method`` and also return the response's ``ETag`` (for ``if_match`` later)."""
        request = operation_of(method).prepare(*args, **kwargs)
        response = self._exchange(request)
        return Tagged(request.decode(response), response.headers.get("ETag"))

    def paginate(self, method: Callable[P, Page[T]], /, *args: P.args, **kwargs: P.kwargs) -> Iterator[T]:
        """Every item of a list operation, fetching page after page (``limit`` sets the page size)."""
        request = operation_of(method).prepare(*args, **kwargs)
        offset = int(str(request.call.query.get("offset") or 0))
        while True:
            page: Page[T] = self._send(request.with_query(offset=offset))
            yield from page.items
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return


class AsyncClient(_Base[httpx.AsyncClient], Operations, AsyncSender):
    """The same operations as :class:`Client`, as coroutines (``async with AsyncClient() as api``);
    ``http_client``, if given, is an ``httpx.AsyncClient``."""

    _http_class = httpx.AsyncClient

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def _exchange(self, request: Request[T]) -> httpx.Response:
        url, arguments = self._arguments(request)
        retry = 0
        while True:
            try:
                response = await self._http.request(request.method, url, **arguments)
            except httpx.TransportError as exc:
                raise self._unreachable(exc) from exc
            if response.is_success:
                return response
            await anyio.sleep(self._delay(request, retry, response))
            retry += 1

    async def _asend(self, request: Request[T]) -> T:
        return request.decode(await self._exchange(request))

    async def with_etag(
        self, method: Callable[P, Awaitable[T]], /, *args: P.args, **kwargs: P.kwargs
    ) -> Tagged[T]:
        """Await ``method`` and also return the response's ``ETag`` (for ``if_match`` later)."""
        request = operation_of(method).prepare(*args, **kwargs)
        response = await self._exchange(request)
        return Tagged(request.decode(response), response.headers.get("ETag"))

    async def paginate(
        self, method: Callable[P, Awaitable[Page[T]]], /, *args: P.args, **kwargs: P.kwargs
    ) -> AsyncIterator[T]:
        """Every item of a list operation, page after page (``async for item in api.paginate(…)``)."""
        request = operation_of(method).prepare(*args, **kwargs)
        offset = int(str(request.call.query.get("offset") or 0))
        while True:
            page: Page[T] = await self._asend(request.with_query(offset=offset))
            for item in page.items:
                yield item
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return
