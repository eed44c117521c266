"""``edskills openapi``: the committed ``openapi.yaml`` is what this writes."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from api.settings import PROJECT_ROOT, Settings


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None)
def openapi(output: Path | None) -> None:
    """Write the OpenAPI 3.1 document (default: openapi.yaml at the project root)."""
    target = output or PROJECT_ROOT / "openapi.yaml"
    target.write_text(openapi_yaml(), encoding="utf-8")
    click.echo(f"wrote {target}")


def openapi_yaml() -> str:
    """The app's OpenAPI document as YAML; the committed openapi.yaml must equal this."""
    from api.app import create_app

    app = create_app(Settings.from_env(database_url="sqlite+aiosqlite:///:memory:"))
    schema = app.openapi_schema.to_schema()
    # litestar gathers response headers in a set, so their order changed with the hash seed and the
    # committed file churned on every regeneration; sorting them makes it byte-stable.
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for response in operation.get("responses", {}).values() if isinstance(operation, dict) else ():
                if "headers" in response:
                    response["headers"] = dict(sorted(response["headers"].items()))
    return yaml.safe_dump(schema, sort_keys=False, allow_unicode=True, width=100)
