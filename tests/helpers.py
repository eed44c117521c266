"""Helpers the API, CLI, serving and analysis tests share: one home for each (issue 13)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import httpx
import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import event

from taxonomy.model import DeliveryMode, Development, Importance, Requirement, Role, TrainingOption
from tests.conftest import NEWCASTLE, bearer
from tests.serving import free_port

COUNCIL = f"/v1/councils/{NEWCASTLE}"
"""Newcastle's council path: the council the ``newcastle`` key covers."""


def make_role(slug: str, title: str, band: int, *requirements: tuple[str, int, Importance]) -> Role:
    """A role of a hand-made edition; each requirement ``(skill, level, importance)``."""
    needs = tuple(Requirement(skill=skill, level=level, importance=imp) for skill, level, imp in requirements)
    return Role(slug=slug, title=title, band=band, requirements=needs)


def course(
    slug: str,
    *develops: tuple[str, int, int],
    cost: float = 100.0,
    days: float = 1.0,
    mode: DeliveryMode = "online",
    min_cohort: int | None = None,
    max_cohort: int | None = None,
) -> TrainingOption:
    """A course of a hand-made catalogue; each development ``(skill, from_level, to_level)``."""
    return TrainingOption(
        slug=slug,
        provider="Provider",
        title=slug.replace("-", " ").title(),
        kind="course",
        mode=mode,
        develops=tuple(Development(skill=s, from_level=low, to_level=high) for s, low, high in develops),
        cost_gbp=cost,
        days=days,
        min_cohort=min_cohort,
        max_cohort=max_cohort,
    )


def post(  # type: ignore[type-arg]
    client: TestClient, key: str, path: str, body: dict[str, Any], code: str = NEWCASTLE
) -> Any:
    """POST ``body`` to ``path`` under council ``code`` with ``key``; it must be created (201)."""
    response = client.post(f"/v1/councils/{code}{path}", json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    return response.json()


def new_audit(  # type: ignore[type-arg]
    client: TestClient,
    key: str,
    title: str = "Team audit 2026",
    date: str = "2026-10-01",
    code: str = NEWCASTLE,
) -> str:
    """A new, empty audit of council ``code``; its id."""
    audit_id: str = post(client, key, "/audits", {"title": title, "audit_date": date}, code)["id"]
    return audit_id


def team_audit(
    client: TestClient,  # type: ignore[type-arg]
    key: str,
    levels: dict[str, dict[str, int]],
    date: str = "2026-10-01",
    code: str = NEWCASTLE,
    role: str | None = "ed-officer",
) -> str:
    """An audit of council ``code`` whose members (all of ``role``) hold the given levels; its id."""
    audit_id = new_audit(client, key, f"Audit {date}", date, code)
    for reference in levels:
        post(client, key, f"/audits/{audit_id}/members", {"reference": reference, "role": role}, code)
    matrix = [
        {"member": reference, "skill": skill, "level": level}
        for reference, skills in levels.items()
        for skill, level in skills.items()
    ]
    if matrix:
        response = client.put(
            f"/v1/councils/{code}/audits/{audit_id}/assessments",
            json={"assessments": matrix},
            headers=bearer(key),
        )
        assert response.status_code == 200, response.text
    return audit_id


@contextmanager
def statements(app: Litestar) -> Iterator[list[str]]:
    """The SQL statements ``app`` sends to its database while the block runs (an SQLAlchemy
    ``before_cursor_execute`` listener on the app's own engine)."""
    (config,) = app.plugins.get(SQLAlchemyPlugin).config
    engine = config.get_engine().sync_engine
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])  # (connection, cursor, statement, parameters, context, executemany)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


class Server(NamedTuple):
    url: str
    pid: int
    """The supervisor's process id; the workers share its process group."""


@contextmanager
def served_workers(database_url: str, workers: int = 2, **environment: str) -> Iterator[Server]:
    """``edskills serve --workers N`` as an operator runs it (a real process tree) on
    ``database_url``, with extra ``EDSKILLS_*`` settings; stopped, every process, on exit."""
    port = free_port()
    env = {
        **os.environ,
        "EDSKILLS_DATABASE_URL": database_url,
        "EDSKILLS_PORT": str(port),
        "EDSKILLS_LOG_LEVEL": "warning",
        **environment,
    }
    command = [str(Path(sys.executable).with_name("edskills")), "serve", "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"edskills serve --workers {workers} did not start")
            time.sleep(0.2)
        yield Server(url, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
