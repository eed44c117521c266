"""Issue 15: `edskills people …` on the configured database, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.cli import main
from api.db.engine import create_engine
from api.people import service as people
from api.settings import Settings
from tests.conftest import NEWCASTLE

Invoke = Callable[..., Result]
EMAIL = "sam.officer@newcastle.gov.uk"


@pytest.fixture
def edskills(settings: Settings) -> Invoke:
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(main, ["people", *args], env={"EDSKILLS_DATABASE_URL": settings.database_url})

    return invoke


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def refused(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    return result.stderr


def redeem(settings: Settings, link: str, password: str) -> None:
    async def go() -> None:
        engine = create_engine(settings, pooled=False)
        try:
            async with async_sessionmaker(engine)() as session:
                await people.redeem(session, link.rsplit("/", 1)[1], password)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_invite_reset_grant_list_and_log(edskills: Invoke, settings: Settings) -> None:
    invited = edskills("invite", "--email", EMAIL, "--name", "Sam Officer", "--grant", f"manager:{NEWCASTLE}")
    link = ok(invited).strip()
    assert link.startswith(f"{settings.base_url}/app/set-password/") and "\n" not in link
    assert "not emailed (EDSKILLS_SMTP_URL is not set)" in invited.stderr
    assert "works once" in invited.stderr

    listing = ok(edskills("list")).splitlines()
    assert listing[2].split() == [EMAIL, "Sam", "Officer", "invited", f"manager:{NEWCASTLE}"]

    redeem(settings, link, "a long enough password")
    assert ok(edskills("list")).splitlines()[2].split()[3] == "active"
    # An active person is not invited twice.
    assert "already has an account" in refused(
        edskills("invite", "--email", EMAIL, "--name", "Sam", "--grant", "editor")
    )

    reset = ok(edskills("reset", "--email", EMAIL.upper())).strip()
    assert reset.startswith(f"{settings.base_url}/app/set-password/") and reset != link
    redeem(settings, reset, "another long password")
    assert "no person with the email 'nobody@x.gov.uk'" in refused(
        edskills("reset", "--email", "nobody@x.gov.uk")
    )

    assert ok(edskills("grant", "--email", EMAIL, "--grant", "analyst")).strip() == (
        f"{EMAIL}: analyst manager:{NEWCASTLE}"
    )
    assert ok(edskills("ungrant", "--email", EMAIL, "--grant", f"manager:{NEWCASTLE}")).strip() == (
        f"{EMAIL}: analyst"
    )

    log = ok(edskills("log")).splitlines()
    kinds = [line.split()[2] for line in log[2:]]
    assert kinds == [
        "grant-removed",
        "grant-added",
        "password-set",
        "reset-issued",
        "password-set",
        "invited",
    ]
    assert all(line.split()[3] in {"cli", EMAIL} for line in log[2:])
    only = ok(edskills("log", "--kind", "password-set", "--limit", "1")).splitlines()
    assert len(only) == 3 and "password-set" in only[2] and "through=reset" in only[2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email", "--name", "X", "--grant", "admin"], "email: Enter an email address"),
        (
            ["--email", EMAIL, "--name", "X", "--grant", "manager:E08999999"],
            "council E08999999 is not in the registry",
        ),
        (["--email", EMAIL, "--name", "X", "--grant", "owner"], "'owner' is not a grant"),
    ],
)
def test_a_refused_invitation_is_one_line_and_writes_nothing(
    edskills: Invoke, args: list[str], message: str
) -> None:
    assert message in refused(edskills("invite", *args))
    assert ok(edskills("list")).splitlines()[2:] == []
    assert ok(edskills("log")).splitlines()[2:] == []


def test_grant_for_an_unknown_person_fails(edskills: Invoke) -> None:
    assert "No person with the email" in refused(
        edskills("grant", "--email", "nobody@x.gov.uk", "--grant", "admin")
    )
