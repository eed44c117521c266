"""Deadlines for slow clients (issue 12): a request's headers and its body must arrive in time.

A client that opens a connection and trickles its headers one byte at a time, or announces a body
it never sends, would otherwise hold a connection and a task for as long as it likes; a few
hundred such clients starve a worker. uvicorn bounds only idle keep-alive connections, so:

- ``HeaderDeadlineProtocol`` (uvicorn's httptools protocol; ``H11HeaderDeadlineProtocol`` for h11)
  closes a connection whose next request's headers have not all arrived
  ``header_timeout`` seconds after the connection opened or the previous response finished;
- ``BodyDeadlineMiddleware`` answers 408 (problem+json) when a request's body has not all arrived
  ``body_timeout_seconds`` after the handler started reading it.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class RequestTimeout(HTTPException):
    status_code = 408


class _HeaderDeadline:
    """Closes a connection whose request headers arrive too slowly; mixed into either of uvicorn's
    HTTP/1.1 protocols, which both start a new ``cycle`` once a request's headers are complete."""

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any

    def __init__(self, *args: Any, header_timeout: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout = header_timeout
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)  # type: ignore[misc]
        self._await_headers()

    def on_response_complete(self) -> None:
        # Armed before uvicorn starts any pipelined request, so that request counts as arrived.
        self._await_headers()
        super().on_response_complete()  # type: ignore[misc]

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        super().connection_lost(exc)  # type: ignore[misc]

    def _await_headers(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
        self._header_timer = self.loop.call_later(self._header_timeout, self._headers_overdue, self.cycle)

    def _headers_overdue(self, cycle_when_armed: object) -> None:
        """No new request started since the timer was armed: its headers are late."""
        if self.cycle is cycle_when_armed and not self.transport.is_closing():
            self.transport.close()


class HeaderDeadlineProtocol(_HeaderDeadline, HttpToolsProtocol):
    """uvicorn's httptools protocol (what ``edskills serve`` runs: ~1.8x h11's requests a second on a
    small response, issue 14) with the header deadline."""


class H11HeaderDeadlineProtocol(_HeaderDeadline, H11Protocol):
    """The pure-Python h11 protocol with the same deadline (``http="h11"``; the benchmark's baseline)."""


PROTOCOLS: dict[str, type[_HeaderDeadline]] = {
    "httptools": HeaderDeadlineProtocol,
    "h11": H11HeaderDeadlineProtocol,
}


def header_deadline_protocol(header_timeout: float, http: str = "httptools") -> Any:
    """The ``http`` argument for ``uvicorn.Config``: a picklable factory, so ``--workers N`` (which
    spawns processes and pickles the config) gets the same protocol in every worker."""
    return functools.partial(PROTOCOLS[http], header_timeout=header_timeout)


class BodyDeadlineMiddleware(ASGIMiddleware):
    """408 when the body is not all in ``timeout`` seconds after the application first asks for it."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        body_complete = False
        timeout = self.timeout

        async def receive_in_time() -> ReceiveMessage:
            nonlocal deadline, body_complete
            if body_complete:  # later calls wait for a disconnect, which may take any time
                return await receive()
            if deadline is None:
                deadline = loop.time() + timeout
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise RequestTimeout(
                    detail=f"The request body did not arrive within {timeout:g} seconds",
                    headers={"Connection": "close"},
                ) from None
            body_complete = message["type"] != "http.request" or not message.get("more_body", False)
            return message

        await next_app(scope, receive_in_time, send)
