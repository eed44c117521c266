"""Real processes for the stress benchmarks: databases, the `edskills` CLI and `edskills serve`.

The load, fault and national-scale scripts drive the service the way an operator does: a fresh
database migrated and seeded with the CLI, keys made with the CLI, and `edskills serve --workers N`
as a separate process tree, so what they measure includes uvicorn, the worker processes and the
network stack. A private PostgreSQL cluster (`PrivateCluster`) lets the fault script stop and start
a server without touching the shared one on 5432.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
EDSKILLS = str(Path(sys.executable).with_name("edskills"))
SHARED_POSTGRES = os.environ.get(
    "EDSKILLS_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)


def database_url(server_url: str, database: str) -> str:
    return make_url(server_url).set(database=database).render_as_string(hide_password=False)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin(server_url: str, *statements: str) -> None:
    connection = await asyncpg.connect(_dsn(server_url), timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def fresh_postgres(name: str, server_url: str = SHARED_POSTGRES) -> str:
    """An empty database ``name`` on the server (dropped first if a crashed run left it)."""
    asyncio.run(_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"))
    return database_url(server_url, name)


def drop_postgres(name: str, server_url: str = SHARED_POSTGRES) -> None:
    with contextlib.suppress(OSError, asyncpg.PostgresError):
        asyncio.run(_admin(server_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))


def postgres_available(server_url: str = SHARED_POSTGRES) -> bool:
    try:
        asyncio.run(_admin(server_url, "SELECT 1"))
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


def cli(url: str, *args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``edskills ARGS`` against the database at ``url``."""
    return subprocess.run(
        [EDSKILLS, *args],
        env={**os.environ, "EDSKILLS_DATABASE_URL": url, "EDSKILLS_LOG_LEVEL": "warning"},
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


def prepare(url: str) -> None:
    """Migrated and seeded, exactly as an operator does it."""
    cli(url, "db", "upgrade")
    cli(url, "seed")


BENCH_RATE_LIMIT = 1_000_000
"""Requests a minute a bench key may make: benches make far more than a partner tool (and, with a
quota of its own, its address limit rises to match; see api.ratelimit), with the limits still on."""


def create_key(url: str, name: str, *scopes: str, rate_limit: int = BENCH_RATE_LIMIT) -> str:
    args = ["keys", "create", "--name", name, "--rate-limit", str(rate_limit)]
    for scope in scopes:
        args += ["--scope", scope]
    return cli(url, *args).stdout.strip()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """``edskills serve --workers N`` in its own process group."""

    def __init__(self, url: str, workers: int = 2, **env: str) -> None:
        self.url = url
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "EDSKILLS_DATABASE_URL": url, "EDSKILLS_LOG_LEVEL": "warning", **env}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(f"/tmp/edskills-serve-{self.port}.log")

    def start(self, wait: float = 60) -> None:
        log = self.log.open("wb")
        self.process = subprocess.Popen(
            [EDSKILLS, "serve", "--port", str(self.port), "--workers", str(self.workers)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"edskills serve exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.base + "/health", timeout=2).status_code == 200 and (
                    len(self.worker_pids()) >= self.workers or self.workers == 1
                ):
                    return
            time.sleep(0.2)
        raise RuntimeError(f"edskills serve did not become healthy: {self.log.read_text()[-2000:]}")

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: the uvicorn workers, or the server itself with one."""
        if self.process is None:
            return []
        children = _children(self.process.pid)
        # uvicorn's multiprocess manager also starts a resource tracker; workers are the python
        # children that are not it.
        workers = [pid for pid in children if "resource_tracker" not in _cmdline(pid)]
        return workers or [self.process.pid]

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    found.append(int(entry.name))
    return sorted(found)


def _cmdline(pid: int) -> str:
    with contextlib.suppress(OSError):
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    return ""


def rss_mib(pid: int) -> float:
    """Resident memory of one process (VmRSS), MiB."""
    for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def pid_owning_port(local_port: int, candidates: list[int]) -> int | None:
    """Which of ``candidates`` has a TCP socket bound locally to ``local_port`` (via /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == local_port:
                    inodes.add(fields[9])
    for pid in candidates:
        with contextlib.suppress(OSError):
            for fd in (Path("/proc") / str(pid) / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        return pid
    return None


class PrivateCluster:
    """A throw-away PostgreSQL cluster on its own port, run as the ``postgres`` user, so a fault
    script can stop and restart it without disturbing the shared server."""

    def __init__(self, port: int = 5499, directory: Path | None = None) -> None:
        self.port = port
        self.directory = directory or Path(f"/tmp/edskills-pgfault-{port}")
        self.bin = _postgres_bin()
        self.server_url = f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres"

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        if self.directory.exists():
            self.stop()
            shutil.rmtree(self.directory)
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.directory), "-A", "trust", "-U", "postgres", "--no-sync")

    def start(self) -> None:
        options = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            "pg_ctl",
            "-D",
            str(self.directory),
            "-o",
            options,
            "-w",
            "-l",
            str(self.directory / "server.log"),
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres("pg_ctl", "-D", str(self.directory), "-m", mode, "-w", "stop", check=False)

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def _postgres_bin() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        raise RuntimeError("no PostgreSQL server binaries under /usr/lib/postgresql")
    return versions[-1].parent


@contextlib.contextmanager
def timer() -> Iterator[list[float]]:
    """``with timer() as elapsed: …`` then ``elapsed[0]`` is the seconds it took."""
    holder: list[float] = []
    start = time.perf_counter()
    try:
        yield holder
    finally:
        holder.append(time.perf_counter() - start)
