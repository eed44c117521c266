"""The client cannot fall behind the API: every operation in openapi.yaml has a method that sends
the same method and path and decodes the documented response model."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from edskills_client import OPERATIONS, Client, models
from edskills_client._core import Operation

from api.settings import PROJECT_ROOT

SPEC = yaml.safe_load((PROJECT_ROOT / "openapi.yaml").read_text(encoding="utf-8"))
SPEC_OPERATIONS = {
    operation["operationId"]: (method.upper(), path, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if isinstance(operation, dict) and "operationId" in operation
}


def _success_model(operation: dict[str, Any]) -> str | None:
    """The component name of the JSON success response, if it has one."""
    for status, response in operation["responses"].items():
        if status.startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                return str(schema["$ref"]).rsplit("/", 1)[-1]
    return None


def test_every_operation_has_a_client_method() -> None:
    missing = sorted(set(SPEC_OPERATIONS) - set(OPERATIONS))
    assert not missing, f"add client methods for: {', '.join(missing)}"
    stale = sorted(set(OPERATIONS) - set(SPEC_OPERATIONS))
    assert not stale, f"client methods for operations the API no longer has: {', '.join(stale)}"


@pytest.mark.parametrize("operation_id", sorted(SPEC_OPERATIONS))
def test_method_sends_the_documented_request(operation_id: str) -> None:
    method, path, spec = SPEC_OPERATIONS[operation_id]
    bound: Operation[Any, Any] = getattr(Client, OPERATIONS[operation_id])
    assert (bound.method, bound.path) == (method, path)
    model = _success_model(spec)
    if model is not None:
        prepared_type = bound.build.__annotations__["return"]
        assert f"models.{model}]" in str(prepared_type), f"{operation_id} should return models.{model}"
        assert hasattr(models, model)
