"""The edskills command: expected failures are one line on stderr and a non-zero exit."""

from __future__ import annotations

from click.testing import CliRunner

from api.cli import main


def test_bad_setting_is_one_clear_line() -> None:
    result = CliRunner().invoke(main, ["db", "current"], env={"EDSKILLS_PORT": "abc"})
    assert result.exit_code == 2
    assert (
        result.output.strip() == "edskills: error: EDSKILLS_PORT='abc' is invalid: Expected `int`, got `str`"
    )


def test_unreachable_database_is_one_clear_line() -> None:
    result = CliRunner().invoke(
        main,
        ["db", "current"],
        env={"EDSKILLS_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/none"},
    )
    assert result.exit_code == 2
    assert result.output.startswith("edskills: error: cannot reach the database")
    assert result.output.count("\n") == 1


def test_serve_refuses_an_unmigrated_database(tmp_path: object) -> None:
    result = CliRunner().invoke(
        main, ["serve"], env={"EDSKILLS_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/new.db"}
    )
    assert result.exit_code == 2
    assert "run `edskills db upgrade`" in result.output


def test_keys_create_list_revoke(tmp_path: object) -> None:
    from api.db import migrate

    url = f"sqlite+aiosqlite:///{tmp_path}/keys.db"
    migrate.upgrade(url)
    env = {"EDSKILLS_DATABASE_URL": url}
    runner = CliRunner()
    created = runner.invoke(
        main, ["keys", "create", "--name", "Team", "--scope", "council:E08000021"], env=env
    )
    assert created.exit_code == 0, created.output
    key = created.output.splitlines()[0]
    assert key.startswith("eds_")
    listing = runner.invoke(main, ["keys", "list"], env=env)
    assert "council:E08000021" in listing.output
    assert key not in listing.output, "a key is never shown again"
    assert runner.invoke(main, ["keys", "revoke", "1"], env=env).exit_code == 0
    assert "revoked" in runner.invoke(main, ["keys", "list"], env=env).output
    bad = runner.invoke(main, ["keys", "create", "--name", "X", "--scope", "council:nowhere"], env=env)
    assert bad.exit_code == 2
    assert "unknown scope" in bad.output
    assert runner.invoke(main, ["keys", "revoke", "99"], env=env).exit_code == 2
