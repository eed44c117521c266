"""The README's shell examples run as written against a live server, so they cannot rot.

Every fenced ```sh block runs, in order, in one bash session (variables carry over) with
``set -euo pipefail``; ```text and ```json blocks are illustrations and are not run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from api.settings import PROJECT_ROOT, Settings
from tests.conftest import prepare_database
from tests.serving import served

BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def shell_blocks(text: str) -> list[str]:
    return BLOCK.findall(text)


def test_readme_has_runnable_quick_starts() -> None:
    blocks = shell_blocks((PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))
    joined = "\n".join(blocks)
    for step in ("audit import", "gaps", "report", "publish_framework", "from edskills_client import Client"):
        assert step in joined, f"the quick starts no longer show {step!r}"


def test_readme_shell_examples_run(tmp_path: Path) -> None:
    database = f"sqlite+aiosqlite:///{tmp_path / 'readme.db'}"
    prepare_database(database)
    blocks = shell_blocks((PROJECT_ROOT / "README.md").read_text(encoding="utf-8"))
    script = "set -euo pipefail\n" + "\n".join(
        f"echo '--- README sh block {number}' >&2\n{block}" for number, block in enumerate(blocks, 1)
    )
    bin_dir = Path(sys.executable).parent
    work = tmp_path / "work"
    work.mkdir()
    with served(Settings.from_env({}, database_url=database)) as url:
        environment = {key: value for key, value in os.environ.items() if not key.startswith("EDSKILLS_")} | {
            "EDSKILLS_URL": url,
            "EDSKILLS_DATABASE_URL": database,
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        }
        result = subprocess.run(
            ["bash", "-c", script], cwd=work, env=environment, capture_output=True, text=True, timeout=300
        )
    assert result.returncode == 0, f"stdout:\n{result.stdout[-4000:]}\nstderr:\n{result.stderr[-4000:]}"
    assert "3 member(s) created" in result.stdout
    assert "ed-skills@2026.2 published" in result.stdout
    assert "chief-wizard" in result.stdout or "404" in result.stdout
    assert (work / "report.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert (work / "team.xlsx").read_bytes()[:2] == b"PK"
    assert (work / "ed-skills-2026.2.csv").stat().st_size > 0
