"""The rough edges a first walk through issues 15-16 found, as a new user meets them, in real
Chromium on SQLite and PostgreSQL: the main navigation on every page (signed in and not), no
sideways scrolling at a phone's width, a needs profile's horizon cleared in the form, the only
audit and profile chosen for you, the next step after an import, and a file over the upload
limit answered with what to do (413). Axe on each page met; one page with JavaScript off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from api.settings import Settings
from tests.accounts import create_person, sign_in_browser
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import team_audit

COUNCIL_PAGES = f"/app/councils/{NEWCASTLE}"
UPLOAD_LIMIT = 64 * 1024
PHONE = {"width": 375, "height": 800}
PAGE_WIDER_THAN_VIEWPORT = "document.documentElement.scrollWidth > document.documentElement.clientWidth"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """A small upload limit, so the over-limit file of the test is small too."""
    return Settings.from_env({}, database_url=database_url, max_body_bytes=UPLOAD_LIMIT)


def main_nav(page: Page) -> list[str]:
    return page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()


def test_a_new_manager_can_always_find_the_way(
    page: Page,
    served_app: str,
    database_url: str,
    keys: dict[str, str],
    tmp_path: Path,
    check_accessibility: Callable[[Page], None],
) -> None:
    # Anyone: the framework and sign-in from every page, the current section marked.
    page.goto("/framework/skills")
    assert main_nav(page) == ["Framework", "Sign in"]
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Framework")).to_have_attribute("aria-current", "page")
    page.set_viewport_size(PHONE)
    page.goto("/framework/training")  # its filters' selects once pushed the page sideways
    assert not page.evaluate(PAGE_WIDER_THAN_VIEWPORT)
    page.set_viewport_size({"width": 1280, "height": 800})

    manager = create_person(database_url, grants=[f"manager:{NEWCASTLE}"], name="Ola Newcomer")
    sign_in_browser(page, manager)
    assert main_nav(page) == ["Your councils", "Framework", "Account"]
    expect(nav.get_by_role("link", name="Your councils")).to_have_attribute("aria-current", "page")
    # The council in the header leads to its dashboard.
    page.get_by_role("navigation", name="Your account").get_by_role(
        "link", name="Newcastle upon Tyne"
    ).click()
    expect(page).to_have_url(f"{served_app}{COUNCIL_PAGES}")
    expect(nav.get_by_role("link", name="Your councils")).to_have_attribute("aria-current", "page")

    # After an import, the page says what comes next.
    page.get_by_label("Title").fill("First audit")
    page.get_by_label("Date of the audit").fill("2026-10-01")
    page.get_by_role("button", name="Start the audit").click()
    team = tmp_path / "team.csv"
    team.write_text("Staff ref,Job title,Bid writing\nEDO-01,Economic Development Officer,3\n")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(team))
    page.get_by_role("button", name="Upload and check").click()
    page.get_by_role("button", name="Import 1 member").click()
    expect(page.get_by_role("status")).to_contain_text("Next: say what the team will need")
    check_accessibility(page)

    # A profile with a horizon, then the horizon cleared in its form (null clears it: issue 16 review).
    page.get_by_role("link", name="say what the team will need").click()
    page.get_by_role("main").get_by_role("link", name="Create a needs profile").click()
    page.get_by_label("Title").fill("Growth plan")
    page.get_by_label("Horizon (optional)").fill("2028-03-31")
    page.get_by_label("Economic Development Officer").fill("2")
    page.get_by_role("button", name="Save the needs profile").click()
    expect(page.get_by_role("main")).to_contain_text("31 March 2028")
    profile_id = page.url.split("/needs/")[1].split("?")[0]
    page.get_by_role("link", name="Change this needs profile").click()
    page.get_by_label("Horizon (optional)").fill("")
    page.get_by_role("button", name="Save the needs profile").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    stored = httpx.get(
        f"{served_app}/v1/councils/{NEWCASTLE}/needs/{profile_id}", headers=bearer(keys["newcastle"])
    ).json()
    assert stored["horizon"] is None and stored["title"] == "Growth plan"

    # The only audit and the only profile are chosen already; the gaps page fits a phone.
    page.get_by_role("navigation", name="Analysis").get_by_role("link", name="Gaps").click()
    expect(page.get_by_label("Audit")).to_have_value(_only_option(page, "Audit"))
    expect(page.get_by_label("Needs profile")).to_have_value(profile_id)
    page.get_by_role("button", name="Show the gaps").click()
    expect(page.get_by_role("main")).to_contain_text("% ready")
    page.set_viewport_size(PHONE)
    assert not page.evaluate(PAGE_WIDER_THAN_VIEWPORT)  # the sort links' hidden text once did
    check_accessibility(page)


def _only_option(page: Page, label: str) -> str:
    values: list[str] = page.get_by_label(label).evaluate(
        "select => [...select.options].map(option => option.value).filter(Boolean)"
    )
    assert len(values) == 1
    return values[0]


def test_a_file_over_the_upload_limit_says_what_to_do(
    page_without_js: Page,
    served_app: str,
    database_url: str,
    keys: dict[str, str],
    tmp_path: Path,
    row_counts: Callable[[], dict[str, int]],
    check_accessibility: Callable[[Page], None],
) -> None:
    page = page_without_js
    with httpx.Client(base_url=served_app) as client:
        audit_id = team_audit(client, keys["newcastle"], {"EDO-01": {"bid-writing": 2}})  # type: ignore[arg-type]
    manager = create_person(database_url, grants=[f"manager:{NEWCASTLE}"], name="Kit Upload")
    sign_in_browser(page, manager)
    import_page = f"{COUNCIL_PAGES}/audits/{audit_id}/import"
    page.goto(import_page)
    big = tmp_path / "big.csv"
    big.write_text("Staff ref,Job title,Bid writing\n" + "EDO-02,Economic Development Officer,3\n" * 3000)
    assert big.stat().st_size > UPLOAD_LIMIT
    before = row_counts()
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(big))
    with page.expect_response(lambda answer: answer.request.method == "POST") as answer:
        page.get_by_role("button", name="Upload and check").click()
    assert answer.value.status == 413
    expect(page.get_by_role("heading", level=1)).to_have_text("The file is too large")
    expect(page.get_by_role("main")).to_contain_text("up to 64 KB")
    assert row_counts() == before
    check_accessibility(page)
    page.get_by_role("link", name="Go back and choose a smaller file").click()
    expect(page).to_have_url(f"{served_app}{import_page}")
    expect(page.get_by_label("Spreadsheet (CSV or XLSX)")).to_be_visible()
