"""Contract fuzzing: every operation of the committed ``openapi.yaml`` against the real app, in-process.

Schemathesis generates requests from the document (valid and invalid ones), sends them to the ASGI
app on SQLite and on PostgreSQL, and checks each answer: never a 5xx, a status code the operation
documents, the documented content type and headers, and a body that matches the documented schema.

Random path parameters would almost always miss, so most examples point at real resources: a seeded
council, audit, member and needs profile that are created afresh for every operation (a ``DELETE``
cannot starve the next operation) and real framework slugs. Most examples carry a valid key (admin or
the council's own); some carry none, to fuzz the 401 path too.

``EDSKILLS_FUZZ_EXAMPLES`` sets the examples per operation and backend (default 8, which keeps this
module near a minute on two cores); ``make fuzz`` runs it with many more.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from litestar import Litestar
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.auth import MAX_KEY_RATE_LIMIT
from api.settings import PROJECT_ROOT, Settings
from tests.conftest import BACKENDS, NEWCASTLE, WORKER, _create_keys, _url_for, bearer, pg_execute

SCHEMA = schemathesis.openapi.from_path(PROJECT_ROOT / "openapi.yaml")
EXAMPLES = int(os.environ.get("EDSKILLS_FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FRAMEWORK_SLUGS = {
    "/v1/skills/": "bid-writing",
    "/v1/roles/": "ed-officer",
    "/v1/scenarios/": "lep-integration",
    "/v1/training/": "ied-intro-economic-development",
}
"""Real slugs of the shipped edition, so framework reads reach their handlers, not only 404."""
TEAM = "Reference,Role,Bid writing,Monitoring and evaluation,Inward investment\n" + "".join(
    f"NC-{index:03d},ed-officer,{index % 5},{(index + 2) % 5},{(index + 3) % 5}\n" for index in range(1, 13)
)


class Target:
    """One app on one database, with keys; the ASGI lifespan is run by schemathesis' client."""

    def __init__(self, database_url: str) -> None:
        self.app: Litestar = create_app(Settings.from_env({}, database_url=database_url))
        # Many requests a minute with these keys, all from one address: a key's own quota lifts
        # both its limit and its address's (api.ratelimit), so the defaults stay as documented.
        self.keys = asyncio.run(_create_keys(database_url, rate_limit=MAX_KEY_RATE_LIMIT))

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        with asgi.get_client(self.app) as client:
            response = client.request(method, "http://testserver" + path, **kwargs)
        assert response.status_code < 400, (method, path, response.text)
        return response.json()

    def fresh_resources(self) -> dict[str, str]:
        """A new audit with a team, a second audit and a needs profile, via the API itself."""
        council = f"/v1/councils/{NEWCASTLE}"
        own = bearer(self.keys["newcastle"])
        audits = [
            self.request("POST", f"{council}/audits", json={"title": t, "audit_date": d}, headers=own)["id"]
            for t, d in (("Fuzz 2025", "2025-10-01"), ("Fuzz 2026", "2026-10-01"))
        ]
        for audit_id in audits:
            self.request(
                "POST",
                f"{council}/audits/{audit_id}/import",
                files={"file": ("team.csv", TEAM.encode(), "text/csv")},
                headers=own,
            )
        needs = self.request(
            "POST",
            f"{council}/needs",
            json={
                "title": "Fuzz",
                "establishment": {"ed-officer": 3, "senior-ed-officer": 1},
                "scenarios": ["lep-integration"],
            },
            headers=own,
        )
        return {
            "code": NEWCASTLE,
            "audit_id": audits[1],
            "needs_id": needs["id"],
            "reference": "NC-001",
            "from": audits[0],
            "to": audits[1],
            "needs": needs["id"],
            "version": "2026.1",
        }


@pytest.fixture(scope="module", params=BACKENDS)
def target(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    """One database per backend for the whole module (a fresh one per operation costs too much)."""
    drop: str | None = None
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
        shutil.copyfile(template, path)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        template_name: str = request.getfixturevalue("postgres_template")
        drop = f"edskills_fz_{WORKER}_{uuid.uuid4().hex[:10]}"
        pg_execute(f"CREATE DATABASE {drop} TEMPLATE {template_name}")
        url = _url_for(drop)
    target = Target(url)
    try:
        yield target
    finally:
        asgi.shutdown_lifespans()  # runs the app's shutdown: the engine's pool closes
        if drop is not None:
            pg_execute(f"DROP DATABASE IF EXISTS {drop} WITH (FORCE)")


def point_at_real_resources(case: schemathesis.Case, resources: dict[str, str]) -> None:
    """Most of the time, swap generated ids for real ones; sometimes keep the generated junk."""
    for name in list(case.path_parameters or {}):
        if random.random() < 0.85:
            slug = next((s for prefix, s in FRAMEWORK_SLUGS.items() if case.path.startswith(prefix)), None)
            value = slug if name == "slug" else resources.get(name)
            if value is not None:
                case.path_parameters[name] = value  # type: ignore[index]
    for name in ("needs", "from", "to"):
        if case.query and name in case.query and random.random() < 0.85:
            case.query[name] = resources[name]


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=os.environ.get("EDSKILLS_FUZZ_RANDOM") != "1",
)
def test_operation_keeps_its_contract(case: schemathesis.Case, target: Target) -> None:
    resources = _resources(target, case)
    point_at_real_resources(case, resources)
    who = random.choice(["admin", "admin", "newcastle", "newcastle", "gateshead", None])
    headers = bearer(target.keys[who]) if who else {}
    case.call_and_validate(app=target.app, headers=headers, checks=CHECKS)


_CACHE: dict[tuple[int, str], dict[str, str]] = {}


def _resources(target: Target, case: schemathesis.Case) -> dict[str, str]:
    """Fresh resources for each operation (created on its first example, reused by the rest)."""
    key = (id(target), case.operation.label)
    if key not in _CACHE:
        _CACHE[key] = target.fresh_resources()
    return _CACHE[key]
