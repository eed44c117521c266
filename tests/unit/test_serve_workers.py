"""``edskills serve --workers 2`` as a real process tree: it serves, and small answers come promptly."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.db import migrate
from tests.serving import free_port


@pytest.fixture
def two_workers(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path}/serve.db"
    migrate.upgrade(url)
    port = free_port()
    env = {
        **os.environ,
        "EDSKILLS_DATABASE_URL": url,
        "EDSKILLS_PORT": str(port),
        "EDSKILLS_LOG_LEVEL": "warning",
    }
    command = [str(Path(sys.executable).with_name("edskills")), "serve", "--workers", "2"]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("edskills serve --workers 2 did not start")
            time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_small_responses_do_not_wait_for_delayed_acks(two_workers: str) -> None:
    """Without TCP_NODELAY on the shared socket every small answer took ~40 ms (Nagle + delayed ACK)."""
    with httpx.Client(base_url=two_workers) as http:
        http.get("/health")
        samples = []
        for _ in range(20):
            start = time.perf_counter()
            assert http.get("/health").status_code == 200
            samples.append(time.perf_counter() - start)
    assert statistics.median(samples) < 0.030, f"median {statistics.median(samples) * 1000:.1f} ms"
