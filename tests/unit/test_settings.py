"""Settings come from EDSKILLS_* variables; a bad value is one clear line naming the variable."""

from __future__ import annotations

import pytest

from api.settings import Settings, SettingsError


def test_defaults_use_sqlite_under_var() -> None:
    settings = Settings.from_env({})
    assert settings.is_sqlite
    assert settings.database_url.endswith("/var/edskills.db")
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)


def test_values_are_read_and_coerced() -> None:
    settings = Settings.from_env(
        {
            "EDSKILLS_PORT": "9001",
            "EDSKILLS_DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "EDSKILLS_MATCH_HIGH_THRESHOLD": "90.5",
        }
    )
    assert settings.port == 9001
    assert not settings.is_sqlite
    assert settings.match_high_threshold == 90.5


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"EDSKILLS_PORT": "abc"}, "EDSKILLS_PORT='abc' is invalid"),
        ({"EDSKILLS_PORT": "70000"}, "EDSKILLS_PORT='70000' is invalid"),
        ({"EDSKILLS_LOG_LEVEL": "loud"}, "EDSKILLS_LOG_LEVEL='loud' is invalid"),
        ({"EDSKILLS_DATABASE_URL": "mysql://x"}, "EDSKILLS_DATABASE_URL must start with"),
        (
            {"EDSKILLS_MATCH_LOW_THRESHOLD": "95", "EDSKILLS_MATCH_HIGH_THRESHOLD": "90"},
            "must not exceed",
        ),
    ],
)
def test_bad_values_fail_with_one_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(environ)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
