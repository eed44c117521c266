"""The committed openapi.yaml is the app's schema; partners generate clients from it."""

from __future__ import annotations

import yaml

from api.cli import openapi_yaml
from api.settings import PROJECT_ROOT


def test_committed_openapi_yaml_is_current() -> None:
    committed = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    generated = yaml.safe_load(openapi_yaml())
    assert committed == generated, "openapi.yaml is stale: regenerate it with `make openapi`"


def test_every_operation_has_an_id_tags_and_problem_errors() -> None:
    schema = yaml.safe_load(openapi_yaml())
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert operation.get("operationId"), where
            assert operation.get("tags"), where
            for status, response in operation.get("responses", {}).items():
                if status.startswith(("4", "5")):
                    assert set(response.get("content", {})) == {"application/problem+json"}, where
