"""The real app served by uvicorn on a free port, in a background thread, for tests that need a URL
(the CLI, generated clients, the README's shell examples)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from api.app import create_app
from api.settings import Settings
from api.timeouts import header_deadline_protocol


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(settings: Settings, http: str = "httptools") -> Iterator[str]:
    """Serve ``create_app(settings)`` with uvicorn's ``http`` protocol (``httptools`` as shipped,
    or ``h11``); yield its base URL; stop it on exit."""
    config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=free_port(),
        log_level="warning",
        lifespan="on",
        http=header_deadline_protocol(settings.header_timeout_seconds, http),  # as `edskills serve`
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
