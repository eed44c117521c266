"""Issue 17: `edskills round open|links|remind|close`, against a served app and with --local, on both
databases: a round opened from the command line hands out working links, a mail-merge CSV and
reminders through a real SMTP server on loopback, and closing schedules the next review."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from litestar.testing import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from tests.api.test_mail import Inbox, smtp_server
from tests.conftest import NEWCASTLE, bearer
from tests.serving import served

Invoke = Callable[..., Result]
DUE = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)).isoformat()
TOKEN = re.compile(r"/app/self-assessment/([A-Za-z0-9_-]{32,})")


@pytest.fixture
def mail_settings(settings: Settings) -> Iterator[tuple[Settings, Inbox]]:
    with smtp_server() as (inbox, port):
        yield (
            Settings.from_env(
                {},
                database_url=settings.database_url,
                smtp_url=f"smtp://127.0.0.1:{port}",
                mail_from="s@example.org",
            ),
            inbox,
        )


@pytest.fixture(params=["remote", "local"])
def edskills(
    request: pytest.FixtureRequest, mail_settings: tuple[Settings, Inbox], keys: dict[str, str]
) -> Iterator[Invoke]:
    settings, _ = mail_settings
    runner = CliRunner()
    if request.param == "local":
        env = {
            "EDSKILLS_DATABASE_URL": settings.database_url,
            "EDSKILLS_URL": "http://127.0.0.1:1",
            "EDSKILLS_SMTP_URL": settings.smtp_url or "",
            "EDSKILLS_MAIL_FROM": "s@example.org",
        }
        yield lambda *args: runner.invoke(main, [*args, "--local"], env=env)
        return
    with served(settings) as url:
        env = {"EDSKILLS_URL": url, "EDSKILLS_API_KEY": keys["newcastle"]}
        yield lambda *args: runner.invoke(main, list(args), env=env)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_open_links_remind_and_close(
    edskills: Invoke, mail_settings: tuple[Settings, Inbox], keys: dict[str, str], tmp_path: Path
) -> None:
    settings, inbox = mail_settings
    headers = bearer(keys["newcastle"])
    with TestClient(app=create_app(settings)) as client:
        audit = client.post(
            f"/v1/councils/{NEWCASTLE}/audits",
            json={"title": "CLI round", "audit_date": "2026-10-01"},
            headers=headers,
        ).json()["id"]
        for reference in ("EDO-01", "EDO-02"):
            body = {"reference": reference, "role": "ed-officer"}
            assert (
                client.post(
                    f"/v1/councils/{NEWCASTLE}/audits/{audit}/members", json=body, headers=headers
                ).status_code
                == 201
            )
    where = ("--council", NEWCASTLE, "--audit", audit)

    opened = edskills(
        "round",
        "open",
        *where,
        "--title",
        "Spring",
        "--due",
        DUE,
        "--cycle",
        "3",
        "--email",
        "EDO-01=one@example.org",
    )
    round_id = ok(opened).splitlines()[0].strip()
    assert len(round_id) == 36
    first = dict(re.findall(r"(EDO-0\d)\s.*?/app/self-assessment/([A-Za-z0-9_-]+)", opened.stdout))
    assert set(first) == {"EDO-01", "EDO-02"}

    sheet = tmp_path / "links.csv"
    ok(edskills("round", "links", *where, "--round", round_id, "--member", "EDO-02", "--csv", str(sheet)))
    [row] = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8-sig"))))
    assert row["reference"] == "EDO-02" and TOKEN.search(row["link"])
    new_token = TOKEN.search(row["link"]).group(1)  # type: ignore[union-attr]

    with TestClient(app=create_app(settings)) as client:
        assert client.get(f"/v1/self-assessment/{first['EDO-02']}").status_code == 410  # replaced
        form = client.get(f"/v1/self-assessment/{new_token}").json()
        skills = [s["slug"] for c in form["categories"] for s in c["skills"]]
        answers = {"answers": [{"skill": skill, "level": 2} for skill in skills]}
        assert client.post(f"/v1/self-assessment/{new_token}/submit", json=answers).status_code == 200

    reminded = ok(edskills("round", "remind", *where, "--round", round_id))
    assert re.search(r"EDO-01\s+sent", reminded) and re.search(
        r"EDO-02\s+skipped\s+already submitted", reminded
    )
    assert inbox.recipients == [["one@example.org"]] and "Reminder" in inbox.messages[0]["Subject"]

    closed = edskills("round", "close", *where, "--round", round_id)
    next_audit = ok(closed).strip()
    assert len(next_audit) == 36 and "1 of 2 submitted (50.0%)" in closed.stderr
    refused = edskills("round", "links", *where, "--round", round_id)
    assert refused.exit_code != 0 and "closed" in refused.output
