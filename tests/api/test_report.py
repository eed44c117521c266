"""The audit report: served as HTML, self-contained, and rendered by a real browser."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from api.reports.html import CONTENT_SECURITY_POLICY, STYLE_HASH
from api.settings import PROJECT_ROOT, Settings
from tests.api.test_system import assert_problem
from tests.conftest import bearer
from tests.helpers import COUNCIL, post, statements, team_audit
from tests.serving import served

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


class DevTools:
    """Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
    commands on fd 3, answers on fd 4), so a test can send headers and read computed styles
    without a browser-automation package. DevTools evaluation is not subject to the page's CSP."""

    def __init__(self, profile: Path) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()

        def wire_pipes() -> None:  # in the child: the protocol's fixed descriptors
            high_read, high_write = os.dup(commands_read), os.dup(answers_write)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        self.process = subprocess.Popen(
            [
                CHROMIUM,
                *BROWSER_FLAGS,
                "--remote-debugging-pipe",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            preexec_fn=wire_pipes,
            close_fds=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            ready, _, _ = select.select([self._answers], [], [], 1.0)
            if ready:
                self._buffer += os.read(self._answers, 1 << 20)
        message, _, self._buffer = self._buffer.partition(b"\0")
        decoded: dict[str, Any] = json.loads(message)
        return decoded

    def post(self, method: str, session: str | None = None, **params: Any) -> None:
        """Send a command without waiting for its answer (a navigation answers only once its
        response, which a test may be holding back, has arrived)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self.post(method, session, **params)
        deadline = time.monotonic() + 30
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                assert "error" not in answer, answer
                result: dict[str, Any] = answer["result"]
                return result
            self.events.append(answer)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        deadline = time.monotonic() + 30
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(index)
            self.events.append(self._read(deadline))

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)
        os.close(self._commands)
        os.close(self._answers)


def render_styles(devtools: DevTools, url: str, key: str, policy: str | None = None) -> dict[str, Any]:
    """Load ``url`` with the key; with ``policy``, replace the served CSP by it. Return the CSP
    the browser saw, the computed colours of a level-4 heat cell and a red RAG badge, and any
    console or log messages."""
    target = devtools.send("Target.createTarget", url="about:blank")["targetId"]
    session = devtools.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Network", "Runtime", "Log"):
        devtools.send(f"{domain}.enable", session)
    devtools.send("Network.setExtraHTTPHeaders", session, headers={"Authorization": f"Bearer {key}"})
    if policy is not None:
        devtools.send(
            "Fetch.enable", session, patterns=[{"urlPattern": "*report*", "requestStage": "Response"}]
        )
    devtools.post("Page.navigate", session, url=url)
    if policy is not None:
        paused = devtools.wait_for("Fetch.requestPaused", session)["params"]
        body = devtools.send("Fetch.getResponseBody", session, requestId=paused["requestId"])["body"]
        headers = [
            {"name": "Content-Type", "value": "text/html; charset=utf-8"},
            {"name": "Content-Security-Policy", "value": policy},
        ]
        devtools.send(
            "Fetch.fulfillRequest",
            session,
            requestId=paused["requestId"],
            responseCode=200,
            responseHeaders=headers,
            body=body,
        )
    response = devtools.wait_for("Network.responseReceived", session)["params"]["response"]
    devtools.wait_for("Page.loadEventFired", session)
    script = (
        "JSON.stringify({cell: getComputedStyle(document.querySelector(\"td.cell[data-level='4']\"))"
        ".backgroundColor, rag: getComputedStyle(document.querySelector('.rag[data-rag=red]'))"
        ".backgroundColor, font: getComputedStyle(document.body).fontSize})"
    )
    styles = json.loads(
        devtools.send("Runtime.evaluate", session, expression=script, returnByValue=True)["result"]["value"]
    )
    headers = {name.lower(): value for name, value in response["headers"].items()}
    messages = [
        event["params"]["entry"]["text"]
        for event in devtools.events
        if event.get("method") == "Log.entryAdded" and event.get("sessionId") == session
    ]
    devtools.send("Target.closeTarget", targetId=target)
    return {"policy": headers.get("content-security-policy"), "messages": messages, **styles}


@pytest.mark.browser
def test_report_renders_styled_under_its_content_security_policy(
    settings: Settings, keys: dict[str, str], database_url: str
) -> None:
    """Served by the real app with its CSP header, the report still renders styled in Chromium;
    the same page under a policy with a wrong style hash renders unstyled, so the check bites."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (.ci/run installs the Debian package `chromium`)")
        pytest.skip("Chromium is not installed: apt-get install chromium")
    key = keys["newcastle"]
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    profile = ARTIFACTS / f"chromium-csp-{backend}"
    with served(settings) as base, httpx.Client(base_url=base, headers=bearer(key)) as http:
        audit = http.post(f"{COUNCIL}/audits", json={"title": "CSP", "audit_date": "2026-10-01"}).json()["id"]
        http.post(f"{COUNCIL}/audits/{audit}/members", json={"reference": "EDO-01", "role": "ed-officer"})
        matrix = [{"member": "EDO-01", "skill": "bid-writing", "level": 4}]
        http.put(f"{COUNCIL}/audits/{audit}/assessments", json={"assessments": matrix})
        needs = http.post(f"{COUNCIL}/needs", json={"title": "P", "establishment": {"ed-officer": 2}}).json()[
            "id"
        ]
        url = f"{base}{COUNCIL}/audits/{audit}/report?needs={needs}"
        devtools = DevTools(profile)
        try:
            served_page = render_styles(devtools, url, key)
            wrong_hash = CONTENT_SECURITY_POLICY.replace(STYLE_HASH, "sha256-" + "A" * 43 + "=")
            blocked = render_styles(devtools, url, key, policy=wrong_hash)
        finally:
            devtools.close()
            shutil.rmtree(profile, ignore_errors=True)
    assert served_page["policy"] == CONTENT_SECURITY_POLICY
    assert served_page["cell"] == "rgb(29, 93, 143)", served_page  # LEVEL_COLOURS[4]
    assert served_page["rag"] == "rgb(192, 57, 43)", served_page  # RAG_COLOURS["red"]
    assert served_page["font"] == "14px"
    assert not [text for text in served_page["messages"] if "Content Security Policy" in text]
    assert blocked["policy"] == wrong_hash
    assert blocked["cell"] == "rgba(0, 0, 0, 0)" and blocked["font"] != "14px", blocked
    assert any("Content Security Policy" in text for text in blocked["messages"]), blocked["messages"]


def test_the_report_with_budgets_reads_the_team_once(client: TestClient, keys: dict[str, str]) -> None:
    """Issue 13: the report reuses what it loaded for the gap analysis when it adds the
    recommendations (13 statements before: it read the audit, the needs, the edition and the team
    again, and looked for the latest audits of no neighbours)."""
    key = keys["newcastle"]
    audit_id = team_audit(client, key, {"EDO-01": {"bid-writing": 3}, "EDO-02": {"bid-writing": 1}})
    needs_id = post(client, key, "/needs", {"title": "Plan", "establishment": {"ed-officer": 2}})["id"]
    url = f"{COUNCIL}/audits/{audit_id}/report"
    counts: dict[str, int] = {}
    for name, params in {
        "plain": {"needs": needs_id},
        "budgets": {"needs": needs_id, "budget_gbp": 5000, "budget_days": 20},
    }.items():
        with statements(client.app) as sent:
            assert client.get(url, params=params, headers=bearer(key)).status_code == 200
        counts[name] = len(sent)
    # The key, the audit with the needs (one query), the members' levels rows (issue 14: one row
    # each), the council's name; the council check and the edition come from memory. The budgets
    # add only the search for sharing neighbours (none share here). Issue 18: the trend adds the
    # list of the council's audits (this audit's team is not read again; no other audit here), and
    # Newcastle does not share, so with budgets it sees no neighbours and none are searched.
    assert counts == {"plain": 5, "budgets": 5}
