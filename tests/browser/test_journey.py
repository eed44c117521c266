"""Issue 15's "Done when", in a real browser on SQLite and PostgreSQL: an admin invites an ED manager
from the CLI (`edskills people invite`, a real process) with mail going to a real SMTP server on
loopback; the manager follows the emailed link, sets a password, signs in, creates an API key for a
partner tool (which then works against /v1) and signs out everywhere (another browser's session
dies too). axe runs on every page on the way: no serious or critical violation."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.accounts import Inbox
from tests.conftest import GATESHEAD, NEWCASTLE

MANAGER_EMAIL = "dana.reid@newcastle.gov.uk"
PASSWORD = "kittiwakes nest on the tyne bridge"
LINK = re.compile(r"(http\S+/app/set-password/[A-Za-z0-9_-]+)")
NEWCASTLE_NAME = "Newcastle upon Tyne"


def invite_from_the_cli(database_url: str, base_url: str, smtp_port: int) -> subprocess.CompletedProcess[str]:
    """``edskills people invite`` as an admin runs it: a real process on the served database."""
    env = {
        **os.environ,
        "EDSKILLS_DATABASE_URL": database_url,
        "EDSKILLS_PUBLIC_URL": base_url,
        "EDSKILLS_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EDSKILLS_MAIL_FROM": "ED Skills Pathways <no-reply@skills.example.gov.uk>",
    }
    command = [
        str(Path(sys.executable).with_name("edskills")),
        "people",
        "invite",
        "--email",
        MANAGER_EMAIL,
        "--name",
        "Dana Reid",
        "--grant",
        f"manager:{NEWCASTLE}",
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)


def emailed_link(inbox: Inbox) -> str:
    (message,) = inbox.messages
    assert message["To"].addresses[0].addr_spec == MANAGER_EMAIL
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None, body.get_content()
    return found[1]


def sign_in(page: Page, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(MANAGER_EMAIL)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_an_invited_manager_sets_a_password_signs_in_makes_a_key_and_signs_out_everywhere(
    page: Page,
    browser: Browser,
    served_app: str,
    database_url: str,
    smtp_server: tuple[Inbox, int],
    check_accessibility: Callable[[Page], None],
) -> None:
    inbox, smtp_port = smtp_server
    invited = invite_from_the_cli(database_url, served_app, smtp_port)
    assert invited.returncode == 0, invited.stderr
    link = emailed_link(inbox)
    assert link.startswith(served_app)

    # The emailed link: whose it is, the password rule as a hint.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set your password")
    expect(page.get_by_text(MANAGER_EMAIL)).to_be_visible()
    check_accessibility(page)
    page.get_by_label("New password", exact=True).fill("too short")
    page.get_by_label("Type the new password again").fill("too short")
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("alert")).to_contain_text("at least 12 characters")
    check_accessibility(page)
    page.get_by_role("alert").get_by_role("link").first.click()
    expect(page.get_by_label("New password", exact=True)).to_be_focused()
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("Type the new password again").fill(PASSWORD)
    page.get_by_role("button", name="Set password").click()

    # Signing in.
    expect(page).to_have_url(re.compile(r"/app/sign-in\?done=password-set$"))
    expect(page.get_by_role("status")).to_contain_text("Your password is set")
    check_accessibility(page)
    sign_in(page, "a wrong password for the journey")
    expect(page.get_by_role("alert")).to_contain_text("did not work")
    check_accessibility(page)
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/app$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Dana Reid")
    expect(page.get_by_role("navigation", name="Your account")).to_contain_text(NEWCASTLE_NAME)
    check_accessibility(page)

    # A key for a partner tool, shown once, and it works against /v1.
    page.get_by_role("link", name=f"API keys for {NEWCASTLE_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"API keys for {NEWCASTLE_NAME}")
    check_accessibility(page)
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a name for the key")
    check_accessibility(page)
    page.get_by_label("Name").fill("Skills dashboard")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Key created for {NEWCASTLE_NAME}")
    check_accessibility(page)
    key = page.get_by_label("API key 'Skills dashboard'").input_value()
    assert re.fullmatch(r"eds_[a-z0-9]{8}_[A-Za-z0-9_-]+", key)
    audits = httpx.get(
        f"{served_app}/v1/councils/{NEWCASTLE}/audits", headers={"Authorization": f"Bearer {key}"}
    )
    assert audits.status_code == 200, audits.text
    elsewhere = httpx.get(
        f"{served_app}/v1/councils/{GATESHEAD}/audits", headers={"Authorization": f"Bearer {key}"}
    )
    assert elsewhere.status_code == 404
    page.get_by_role("link", name=f"Back to the API keys for {NEWCASTLE_NAME}").click()
    expect(page.get_by_role("cell", name="Skills dashboard", exact=True)).to_be_visible()
    assert key not in page.content()

    # The same person in another browser, then sign out everywhere from the account page.
    other_context = browser.new_context(base_url=served_app, locale="en-GB")
    try:
        other = other_context.new_page()
        other.goto("/app/sign-in")
        sign_in(other)
        expect(other).to_have_url(re.compile(r"/app$"))
        page.get_by_role("link", name="Dana Reid").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
        expect(page.get_by_role("table", name="Your sessions").get_by_role("row")).to_have_count(3)
        check_accessibility(page)
        page.get_by_role("button", name="Sign out everywhere").click()
        expect(page).to_have_url(re.compile(r"/app/sign-in\?done=signed-out-everywhere$"))
        check_accessibility(page)
        other.goto("/app/account")
        expect(other).to_have_url(re.compile(r"/app/sign-in\?next=/app/account$"))
        page.goto("/app")
        expect(page).to_have_url(re.compile(r"/app/sign-in$"))
    finally:
        other_context.close()
    # Signing out ends sessions, never keys: the partner tool carries on.
    still = httpx.get(
        f"{served_app}/v1/councils/{NEWCASTLE}/audits", headers={"Authorization": f"Bearer {key}"}
    )
    assert still.status_code == 200
