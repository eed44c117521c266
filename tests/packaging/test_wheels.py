"""Installable (issue 13): the wheels built from this repository install into a fresh virtualenv with
pip alone, dependencies from the package index, and every ``edskills`` command runs there.

This is what a user does (README, "Installing from wheels"):

    pip wheel --no-deps -w WHEELDIR . clients/python      # in a fresh clone (no stale build/)
    pip install --find-links WHEELDIR edskills

The service imports the typed client (``edskills_client``) for its remote commands, so the client
must be a declared dependency: before issue 13 only the Makefile installed it, and an installed
``edskills --help`` failed with ``No module named 'edskills_client'``. Measured here: ~6 s to build
the two wheels, ~25 s to install (pip's cache holds the dependencies), ~15 s for the commands.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from api.settings import PROJECT_ROOT


def run(*command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    result = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=600,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def commands(edskills: Path, env: dict[str, str], *group: str) -> list[tuple[str, ...]]:
    """Every command under ``group``, found from the help pages themselves (so a new one is covered)."""
    page = run(edskills, *group, "--help", env=env)
    if "Commands:" not in page:
        return [group]
    names = re.findall(r"^  ([a-z][a-z0-9-]*)\s", page.split("Commands:", 1)[1], flags=re.MULTILINE)
    assert names, page
    return [group, *[found for name in names for found in commands(edskills, env, *group, name)]]


def test_the_wheels_install_with_pip_alone_and_every_command_runs(tmp_path: Path) -> None:
    # Built from a copy of the files git knows, as a fresh clone has them: setuptools copies into
    # build/lib and never removes what is gone, so a wheel built in a used checkout carries modules
    # that no longer exist (the old api/cli.py beside the api/cli package).
    source = tmp_path / "source"
    listed = run("git", "ls-files", "--cached", "--others", "--exclude-standard", cwd=PROJECT_ROOT)
    for name in listed.splitlines():
        if (PROJECT_ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(PROJECT_ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "-w",
        wheels,
        ".",
        "clients/python",
        cwd=source,
    )
    assert sorted(wheel.name.split("-")[0] for wheel in wheels.glob("*.whl")) == [
        "edskills",
        "edskills_client",
    ]
    (service,) = wheels.glob("edskills-*.whl")
    names = zipfile.ZipFile(service).namelist()
    packaged = [name for name in names if name.endswith(".py")]
    assert [name for name in packaged if not (source / name).is_file()] == []
    # Pages (issue 15): every template of the shell and the slices, and the shell's static files.
    page_files = [
        path.relative_to(source).as_posix()
        for pattern in ("api/*/templates/**/*", "api/web/static/**/*")
        for path in source.glob(pattern)
        if path.is_file()
    ]
    assert {"api/web/templates/layout.html", "api/web/static/app.css"} <= set(page_files)
    assert [name for name in page_files if name not in names] == []
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", venv)
    pip = venv / "bin" / "pip"
    run(pip, "install", "--quiet", "--disable-pip-version-check", "--find-links", wheels, "edskills")

    # Outside the source tree, with nothing of the repository on the path.
    work = tmp_path / "work"
    work.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "EDSKILLS_DATABASE_URL": f"sqlite+aiosqlite:///{work / 'edskills.db'}",
    }
    edskills = venv / "bin" / "edskills"
    found = commands(edskills, env)
    assert {("audit",), ("db", "upgrade"), ("keys", "create"), ("framework", "validate"), ("serve",)} <= set(
        found
    )

    run(edskills, "db", "upgrade", env=env, cwd=work)
    assert "ed-skills@2026.1: added" in run(edskills, "seed", env=env, cwd=work)
    key = run(edskills, "keys", "create", "--name", "wheel test", "--scope", "admin", env=env, cwd=work)
    assert re.search(r"^eds_[a-z0-9]{8}_\S+$", key, flags=re.MULTILINE), key
    shipped = (
        run(
            venv / "bin" / "python",
            "-c",
            "import pathlib, taxonomy; print(pathlib.Path(taxonomy.__file__).with_name('data'))",
            env=env,
            cwd=work,
        ).strip()
        + "/ed-skills-2026.1"
    )
    assert shipped.startswith(str(venv)), shipped  # the installed copy, not the repository's
    assert "ed-skills@2026.1: valid" in run(edskills, "framework", "validate", shipped, env=env, cwd=work)
    # The installed package renders its pages from its own templates and serves its own stylesheet.
    rendered = run(
        venv / "bin" / "python",
        "-c",
        "from api.web.templating import template_environment\n"
        "from api.web.assets import static_url\n"
        "print(template_environment().get_template('home.html').filename)\n"
        "print(static_url('app.css'))",
        env=env,
        cwd=work,
    )
    assert rendered.startswith(str(venv)), rendered
    assert "/static/app.css?v=" in rendered
