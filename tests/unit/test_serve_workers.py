"""``edskills serve --workers 2`` as a real process tree: it serves, and Nagle is off on the
connections its workers accept.

Without TCP_NODELAY every small answer waited ~40 ms for the client's delayed ACK (PITFALLS,
"Serving"). Rather than time answers (timings belong in bench/), this looks at the socket itself:
the connection a worker accepted for this test, taken from the worker with ``pidfd_getfd`` (Linux
5.6+, the test runs as the workers' ancestor), must have TCP_NODELAY set.
"""

from __future__ import annotations

import ctypes
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.db import migrate
from tests.helpers import Server, served_workers

PIDFD_GETFD = 438
"""The syscall number of ``pidfd_getfd`` (the same on x86-64 and arm64)."""


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[Server]:
    url = f"sqlite+aiosqlite:///{tmp_path}/serve.db"
    migrate.upgrade(url)
    with served_workers(url) as server:
        yield server


def group_processes(group: int) -> list[int]:
    """The processes of a process group (the supervisor and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == group:  # state, ppid, pgrp
                found.append(int(entry.name))
    return found


def accepted_inodes(port: int, peer_port: int) -> set[str]:
    """Socket inodes of the server side of the connection from ``peer_port`` to ``port``."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if int(local.rsplit(":", 1)[1], 16) == port and int(remote.rsplit(":", 1)[1], 16) == peer_port:
                inodes.add(inode)
    return inodes


def nodelay_of(pid: int, fd: int) -> int:
    """TCP_NODELAY of another process's socket, through a duplicate of its descriptor."""
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        copy = libc.syscall(PIDFD_GETFD, pidfd, fd, 0)
        assert copy >= 0, os.strerror(ctypes.get_errno())
    finally:
        os.close(pidfd)
    with socket.socket(fileno=copy) as duplicate:
        return duplicate.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_the_connections_workers_accept_have_nagle_off(two_workers: Server) -> None:
    port = int(two_workers.url.rsplit(":", 1)[1])
    with httpx.Client(base_url=two_workers.url) as http:
        assert http.get("/health").status_code == 200
        # The connection is kept alive: find its server side among the workers' descriptors.
        stream = http.get("/health").extensions["network_stream"]
        peer_port = stream.get_extra_info("socket").getsockname()[1]
        inodes = accepted_inodes(port, peer_port)
        assert inodes, "the connection is not in the kernel's table"
        held = [
            (pid, int(fd.name))
            for pid in group_processes(two_workers.pid)
            for fd in Path(f"/proc/{pid}/fd").iterdir()
            if os.readlink(fd).removeprefix("socket:[").removesuffix("]") in inodes
        ]
        assert len(held) == 1, held  # one worker accepted it
        assert nodelay_of(*held[0]) == 1
