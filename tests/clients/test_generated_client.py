"""Partners who generate their own client get a working one: openapi-python-client on openapi.yaml,
imported and called against the real app."""

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
from litestar.testing import TestClient

from api.settings import PROJECT_ROOT
from tests.conftest import NEWCASTLE

PACKAGE = "ed_skills_pathways_api_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    output = tmp_path_factory.mktemp("generated") / "client"
    bin_dir = Path(sys.executable).parent
    result = subprocess.run(
        [
            str(bin_dir / "openapi-python-client"),
            "generate",
            "--path",
            str(PROJECT_ROOT / "openapi.yaml"),
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
