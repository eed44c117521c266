"""Partners who generate their own client get a working one: openapi-python-client on the app's
OpenAPI document (what ``openapi.yaml`` holds, ``tests/api/test_openapi.py``), imported and called
against the real app. The document's bearer scheme is what makes the generated ``AuthenticatedClient``
send its key (issue 13)."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from litestar.testing import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import NEWCASTLE
from tests.serving import served

PACKAGE = "ed_skills_pathways_api_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    output = tmp_path_factory.mktemp("generated") / "client"
    spec = output.parent / "openapi.yaml"
    app = create_app(Settings.from_env({}, database_url="sqlite+aiosqlite:///:memory:"))
    spec.write_text(yaml.safe_dump(app.openapi_schema.to_schema(), sort_keys=False), encoding="utf-8")
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(spec),
            "--output-path",
            str(output),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, f"the generator skipped part of the spec:\n{result.stdout}"
    sys.path.insert(0, str(output))
    try:
        yield PACKAGE
    finally:
        sys.path.remove(str(output))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_generated_client_calls_the_api(
    generated: str,
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    package: Any = importlib.import_module(generated)
    public = package.Client(base_url=str(client.base_url)).set_httpx_client(client)
    skill = module("api.framework.get_skill").sync(slug="bid-writing", client=public)
    assert skill.skill.slug == "bid-writing"
    councils = module("api.councils.list_councils").sync(client=public, q="newcastle", limit=5)
    assert NEWCASTLE in [council.gss for council in councils.items]

    authed = package.AuthenticatedClient(base_url=str(client.base_url), token=keys["newcastle"])
    authed.set_httpx_client(client)
    create_body = module("models.audit_create").AuditCreate.from_dict(
        {"title": "Generated", "audit_date": "2026-10-01"}
    )
    # set_httpx_client replaces the client the token would be set on: send the header ourselves.
    client.headers["Authorization"] = f"Bearer {keys['newcastle']}"
    try:
        created = module("api.audits.create_audit").sync(code=NEWCASTLE, client=authed, body=create_body)
        assert created.title == "Generated"
        page = module("api.audits.list_audits").sync(code=NEWCASTLE, client=authed)
        assert [item.id for item in page.items] == [created.id]
        missing = module("api.framework.get_skill").sync_detailed(slug="no-such-skill", client=public)
        assert missing.status_code == 404
    finally:
        del client.headers["Authorization"]


def test_the_authenticated_client_sends_its_key_from_the_security_scheme(
    generated: str, settings: Settings, keys: dict[str, str]
) -> None:
    """Over real HTTP with the client's own connection: the keyed operation refuses the plain client
    (401) and answers the ``AuthenticatedClient``, which the generator made from the bearer scheme."""
    package: Any = importlib.import_module(generated)
    list_audits = module("api.audits.list_audits")
    with served(settings) as url:
        with package.Client(base_url=url) as anonymous:
            assert list_audits.sync_detailed(code=NEWCASTLE, client=anonymous).status_code == 401
        with package.AuthenticatedClient(base_url=url, token=keys["newcastle"]) as authed:
            assert list_audits.sync(code=NEWCASTLE, client=authed).total == 0
            sector = module("api.analytics.get_sector_view").sync_detailed(client=authed, role="ed-officer")
            assert sector.status_code == 403  # the key names a council, not national:read
