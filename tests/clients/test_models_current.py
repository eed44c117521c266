"""edskills_client/models.py is generated from openapi.yaml; it must match the current spec."""

from __future__ import annotations

import importlib.util

from api.settings import PROJECT_ROOT

TOOL = PROJECT_ROOT / "clients" / "python" / "tools" / "generate_models.py"


def test_models_match_openapi_yaml() -> None:
    spec = importlib.util.spec_from_file_location("generate_models", TOOL)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    committed = tool.TARGET.read_text(encoding="utf-8")
    assert committed == tool.generate(), (
        "edskills_client/models.py is stale: run python clients/python/tools/generate_models.py"
    )
