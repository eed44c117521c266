"""Slow clients lose their connection (headers) or get 408 (body) instead of holding a worker (issue 12)."""

from __future__ import annotations

import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from api.settings import Settings
from tests.serving import served

DEADLINE = 0.5


@pytest.fixture(params=["httptools", "h11"])
def address(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[tuple[str, int]]:
    """The app served with each of uvicorn's HTTP/1.1 protocols (httptools is what ships)."""
    database = tmp_path / "timeouts.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings.from_env(
        {},
        database_url=f"sqlite+aiosqlite:///{database}",
        header_timeout_seconds=DEADLINE,
        body_timeout_seconds=DEADLINE,
    )
    with served(settings, request.param) as base:
        parts = urlsplit(base)
        assert parts.hostname is not None and parts.port is not None
        yield parts.hostname, parts.port


def _read_until_closed(connection: socket.socket, limit: float = 10.0) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and how long that took."""
    connection.settimeout(limit)
    start, received = time.monotonic(), b""
    while chunk := connection.recv(65536):
        received += chunk
    return received, time.monotonic() - start


def _read_response(connection: socket.socket) -> bytes:
    """One whole response (headers and a Content-Length body) from a kept-alive connection."""
    connection.settimeout(5)
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += connection.recv(65536)
    return head + b"\r\n\r\n" + body


def test_trickled_headers_lose_the_connection(address: tuple[str, int]) -> None:
    with socket.create_connection(address) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n")  # never finished
        received, waited = _read_until_closed(connection)
    assert received == b""
    assert waited >= DEADLINE * 0.8  # closed by the deadline, not at once


def test_a_kept_alive_connection_gets_the_same_deadline_for_its_next_request(
    address: tuple[str, int],
) -> None:
    with socket.create_connection(address) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert _read_response(connection).startswith(b"HTTP/1.1 200")
        connection.sendall(b"GET /health HTTP/1.1\r\n")  # the next request stalls
        received, _ = _read_until_closed(connection)
    assert received == b""


def test_headers_sent_in_time_are_served(address: tuple[str, int]) -> None:
    with socket.create_connection(address) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\n")
        time.sleep(DEADLINE / 5)
        connection.sendall(b"Host: localhost\r\nConnection: close\r\n\r\n")
        received, _ = _read_until_closed(connection)
    assert received.startswith(b"HTTP/1.1 200")


def test_a_body_that_never_arrives_gets_408(address: tuple[str, int]) -> None:
    with socket.create_connection(address) as connection:
        connection.sendall(
            b"POST /v1/match/skills HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n"
            b'{"texts": ["M'
        )
        received, _ = _read_until_closed(connection)
    head, _, body = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408"), head
    assert b"content-type: application/problem+json" in head.lower()
    assert b"did not arrive within 0.5 seconds" in body
