"""Helpers the API, CLI and serving tests share: one home for each (issue 13)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import event

from tests.conftest import NEWCASTLE, bearer

COUNCIL = f"/v1/councils/{NEWCASTLE}"
"""Newcastle's council path: the council the ``newcastle`` key covers."""


def post(client: TestClient, key: str, path: str, body: dict[str, Any]) -> Any:  # type: ignore[type-arg]
    """POST ``body`` to ``path`` under Newcastle with ``key``; it must be created (201)."""
    response = client.post(f"{COUNCIL}{path}", json=body, headers=bearer(key))
    assert response.status_code == 201, response.text
    return response.json()


def team_audit(
    client: TestClient,  # type: ignore[type-arg]
    key: str,
    levels: dict[str, dict[str, int]],
    date: str = "2026-10-01",
) -> str:
    """A Newcastle audit whose members (all ED officers) hold the given levels; its id."""
    audit_id: str = post(client, key, "/audits", {"title": f"Audit {date}", "audit_date": date})["id"]
    for reference in levels:
        post(client, key, f"/audits/{audit_id}/members", {"reference": reference, "role": "ed-officer"})
    matrix = [
        {"member": reference, "skill": skill, "level": level}
        for reference, skills in levels.items()
        for skill, level in skills.items()
    ]
    if matrix:
        response = client.put(
            f"{COUNCIL}/audits/{audit_id}/assessments", json={"assessments": matrix}, headers=bearer(key)
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
