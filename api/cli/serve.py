"""``edskills serve``: the API under uvicorn (httptools and uvloop, issue 14)."""

from __future__ import annotations

import asyncio
import socket

import click

from api.cli.common import fail, load_settings


@click.command()
@click.option("--host", default=None, help="Interface to bind (EDSKILLS_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (EDSKILLS_PORT, default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (EDSKILLS_WORKERS, default 1).")
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API with uvicorn (N worker processes sharing only the database)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from api.db.preflight import check_database
    from api.timeouts import header_deadline_protocol

    settings = load_settings(host=host, port=port, workers=workers)
    problem = asyncio.run(check_database(settings))
    if problem:
        fail(problem)
    config = uvicorn.Config(
        "api.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        proxy_headers=False,
        # httptools + uvloop (uvicorn's ``standard`` extra; ``loop="auto"`` picks uvloop), with the
        # header deadline of ``api.timeouts``. The access log is off unless EDSKILLS_ACCESS_LOG=true.
        http=header_deadline_protocol(settings.header_timeout_seconds),
        access_log=settings.access_log,
    )
    if config.workers == 1:
        uvicorn.Server(config).run()
        return
    # uvicorn binds the shared socket of its worker processes with protocol 0, so asyncio does not
    # switch Nagle off on accepted connections (it only does for IPPROTO_TCP sockets), and every small
    # response then waits ~40 ms for the client's delayed ACK. Linux copies TCP_NODELAY from the
    # listening socket to the connections it accepts, so setting it once here fixes every worker.
    sock = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Multiprocess(config, sockets=[sock]).run()
