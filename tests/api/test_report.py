"""The audit report: served as HTML, self-contained, and rendered by a real browser."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from litestar.testing import TestClient

from api.settings import PROJECT_ROOT
from tests.api.test_needs_api import COUNCIL, post, team_audit
from tests.api.test_system import assert_problem
from tests.conftest import bearer

ARTIFACTS = PROJECT_ROOT / "var" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def report_html(client: TestClient, key: str) -> str:
    audit_id = team_audit(
        client,
        key,
        {
            "EDO-01": {"bid-writing": 3, "grant-compliance": 2, "communications": 4},
            "EDO-02": {"bid-writing": 1, "partnership-working": 3},
            "EDO-03": {"economic-data-analysis": 2},
        },
    )
    needs_id = post(
        client,
        key,
        "/needs",
        {"title": "2027 plan", "establishment": {"ed-officer": 2}, "scenarios": ["ukspf-delivery"]},
    )["id"]
    response = client.get(
        f"{COUNCIL}/audits/{audit_id}/report", params={"needs": needs_id}, headers=bearer(key)
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def test_report_is_self_contained(client: TestClient, keys: dict[str, str]) -> None:
    html = report_html(client, keys["newcastle"])
    assert "Newcastle upon Tyne" in html
    assert html.count("class='cell'") == 3 * 62, "one heatmap cell per member and skill"
    assert "rag-row" in html and "Team readiness" in html
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", html), "no external assets"
    assert "<script" not in html


def test_report_needs_the_council_key_and_a_profile(client: TestClient, keys: dict[str, str]) -> None:
    audit_id = team_audit(client, keys["newcastle"], {"A": {}})
    url = f"{COUNCIL}/audits/{audit_id}/report"
    assert_problem(client.get(url, params={"needs": audit_id}), 401)
    assert_problem(client.get(url, params={"needs": audit_id}, headers=bearer(keys["gateshead"])), 404)
    assert_problem(client.get(url, headers=bearer(keys["newcastle"])), 400)


@pytest.mark.browser
def test_report_renders_in_chromium(client: TestClient, keys: dict[str, str], database_url: str) -> None:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (.ci/run installs the Debian package `chromium`)")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    page = ARTIFACTS / f"report-{backend}.html"
    page.write_text(report_html(client, keys["newcastle"]), encoding="utf-8")
    profile = ARTIFACTS / f"chromium-profile-{backend}"
    flags = [*BROWSER_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [CHROMIUM, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert dom.count('class="cell"') == 3 * 62
    assert len(re.findall(r'class="rag-row rag-(red|amber|green)"', dom)) >= 10
    assert 'id="card-readiness"' in dom
    screenshot = ARTIFACTS / f"report-{backend}.png"
    subprocess.run(
        [CHROMIUM, *flags, f"--screenshot={screenshot}", "--window-size=1400,1800", page.as_uri()],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert screenshot.stat().st_size > 10_000
    shutil.rmtree(profile, ignore_errors=True)
