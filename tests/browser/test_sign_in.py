"""Sign-in and a manager's pages beyond the main journey (issue 15): done with the keyboard alone,
every page with JavaScript off, and a session made on one worker of a two-worker server valid on the
other. Both databases."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.accounts import create_person, csrf_token, sign_in_browser, sign_in_http
from tests.conftest import NEWCASTLE
from tests.helpers import served_workers

MANAGER = [f"manager:{NEWCASTLE}"]
NEWCASTLE_NAME = "Newcastle upon Tyne"


def focused(page: Page) -> str:
    """The focused element as ``tag#id: text`` (what a keyboard user is on)."""
    described: str = page.evaluate(
        "() => { const e = document.activeElement;"
        " return `${e.tagName.toLowerCase()}#${e.id}: ${(e.innerText || e.value || '').trim()}`; }"
    )
    return described


def tab_to(page: Page, wanted: re.Pattern[str], *, most: int = 30) -> None:
    """Press Tab until the focused element matches ``wanted``; fail if it never does."""
    seen = []
    for _ in range(most):
        page.keyboard.press("Tab")
        seen.append(focused(page))
        if wanted.search(seen[-1]):
            return
    raise AssertionError(f"never reached {wanted.pattern!r} with Tab: {seen}")


def test_sign_in_account_and_sign_out_with_the_keyboard_alone(
    page: Page, database_url: str, check_accessibility: Callable[[Page], None]
) -> None:
    manager = create_person(database_url, grants=MANAGER, name="Kim Keyboard")
    page.goto(f"/app/councils/{NEWCASTLE}/sharing")
    expect(page).to_have_url(re.compile(r"/app/sign-in\?next="))
    check_accessibility(page)
    tab_to(page, re.compile(r"^a#: Skip to main content$"))
    tab_to(page, re.compile(r"^input#email"))
    page.keyboard.type(manager.email)
    page.keyboard.press("Tab")
    assert focused(page).startswith("input#password")
    page.keyboard.type(manager.password)
    page.keyboard.press("Enter")
    # Back where the person was going: the sharing page. Choose with the arrow keys, save with Enter.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sharing for {NEWCASTLE_NAME}")
    check_accessibility(page)
    tab_to(page, re.compile(r"^input#share-no"))
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Yes, share it")).to_be_checked()
    tab_to(page, re.compile(r"^button#: Save$"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your choice is saved")
    expect(page.get_by_text(f"{NEWCASTLE_NAME} is sharing")).to_be_visible()
    # The account page through the header link, then sign out with the header button.
    tab_to(page, re.compile(r"^a#: Kim Keyboard$"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_accessibility(page)
    tab_to(page, re.compile(r"^button#: Sign out$"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/app/sign-in\?done=signed-out$"))
    expect(page.get_by_role("status")).to_contain_text("You have signed out")


def test_every_page_works_with_javascript_off(page_without_js: Page, database_url: str) -> None:
    page = page_without_js
    manager = create_person(database_url, grants=MANAGER, name="Noor Nojs")
    page.goto("/app/reset")
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account uses that email address")
    page.goto("/app/set-password/not-a-real-token")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    sign_in_browser(page, manager)
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Noor Nojs")
    page.get_by_role("link", name=f"API keys for {NEWCASTLE_NAME}").click()
    page.get_by_label("Name").fill("Nightly export")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_label("API key 'Nightly export'")).to_have_value(re.compile(r"^eds_"))
    page.get_by_role("link", name=f"Back to the API keys for {NEWCASTLE_NAME}").click()
    page.get_by_role("link", name="revoke Nightly export").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the key 'Nightly export'?")
    page.get_by_role("button", name="Revoke the key").click()
    expect(page.get_by_role("status")).to_contain_text("The key is revoked")
    expect(page.get_by_role("cell", name=re.compile(r"^Revoked"))).to_be_visible()
    page.goto(f"/app/councils/{NEWCASTLE}/sharing")
    page.get_by_label("Yes, share it").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Your choice is saved")
    page.goto("/app/account")
    page.get_by_label("Current password").fill(manager.password)
    page.get_by_label("New password", exact=True).fill("a passphrase typed without scripts")
    page.get_by_label("Type the new password again").fill("a passphrase typed without scripts")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Your password is changed")
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(re.compile(r"/app/sign-in\?done=signed-out-everywhere$"))


def test_the_other_pages_pass_axe(
    page: Page, database_url: str, check_accessibility: Callable[[Page], None]
) -> None:
    """The pages the journeys do not open with axe: reset (both states), a dead link, a revoke
    confirmation and a 403 (a form posted without its token)."""
    manager = create_person(database_url, grants=MANAGER)
    page.goto("/app/reset")
    check_accessibility(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address")
    check_accessibility(page)
    page.get_by_label("Email address").fill(manager.email)
    page.get_by_role("button", name="Send the link").click()
    check_accessibility(page)
    page.goto("/app/set-password/not-a-real-token")
    check_accessibility(page)
    sign_in_browser(page, manager)
    page.goto(f"/app/councils/{NEWCASTLE}/keys")
    page.get_by_label("Name").fill("To revoke")
    page.get_by_role("button", name="Create key").click()
    page.goto(f"/app/councils/{NEWCASTLE}/keys")
    page.get_by_role("link", name="revoke To revoke").click()
    check_accessibility(page)
    page.get_by_role("button", name="Revoke the key").click()
    check_accessibility(page)
    forged = page.request.post(f"/app/councils/{NEWCASTLE}/keys", form={"name": "Forged"})
    assert forged.status == 403
    page.set_content(forged.text())
    check_accessibility(page)


def test_a_session_made_on_one_worker_is_valid_on_the_other(database_url: str) -> None:
    """``edskills serve --workers 2``: each request on a new connection, so the kernel spreads them
    over both workers; every one is signed in, and a sign-out is seen by every one."""
    manager = create_person(database_url, grants=MANAGER)
    with served_workers(database_url, workers=2) as server:
        no_reuse = httpx.Limits(max_keepalive_connections=0)
        with httpx.Client(base_url=server.url, limits=no_reuse) as client:
            sign_in_http(client, manager)
            for _ in range(40):
                response = client.get("/app/account", follow_redirects=False)
                assert response.status_code == 200, response.status_code
            token = csrf_token(client.get("/app/account").text)
            client.post("/app/account/sign-out-everywhere", data={"_csrf_token": token})
            for _ in range(40):
                assert client.get("/app/account", follow_redirects=False).status_code == 303
