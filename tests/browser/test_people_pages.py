"""Issue 15: the administrators' people pages and event log in a real browser, with JavaScript off
(every page works without it), axe on every page, roles and labels as a person finds things."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.accounts import create_person, sign_in_browser
from tests.conftest import NEWCASTLE

NEW_EMAIL = "lee.officer@newcastle.gov.uk"


def test_an_admin_invites_a_manager_and_manages_their_grants(
    page_without_js: Page, database_url: str, check_accessibility: Callable[[Page], None]
) -> None:
    page = page_without_js
    admin = create_person(database_url, grants=["admin"], name="Ada Admin")
    sign_in_browser(page, admin)

    page.goto("/app/people")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    expect(page.get_by_role("cell", name=admin.email)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Invite someone").click()
    check_accessibility(page)
    # Nothing filled in: the error summary links to each field in error.
    page.get_by_role("button", name="Send the invitation").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link", name="Enter an email address")).to_have_attribute("href", "#email")
    expect(summary.get_by_role("link", name="Enter the person's name")).to_have_attribute(
        "href", "#display_name"
    )
    expect(summary.get_by_role("link", name="Give the person at least one grant")).to_have_attribute(
        "href", "#roles"
    )
    expect(page).to_have_title("Error: Invite someone – ED Skills Pathways")
    check_accessibility(page)

    page.get_by_label("Email address").fill(NEW_EMAIL)
    page.get_by_label("Full name").fill("Lee Officer")
    page.get_by_label("Manager of a council (optional)").fill("E08999999")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        "council E08999999 is not in the registry"
    )
    expect(page.get_by_label("Email address")).to_have_value(NEW_EMAIL)  # what was typed is kept

    page.get_by_label("Manager of a council (optional)").fill(NEWCASTLE.lower())
    page.get_by_label("Analyst: reads sector-wide figures, never one council's data").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lee Officer is invited")
    expect(page.get_by_role("status")).to_contain_text("This service does not send email")
    link = page.get_by_label(f"The link for {NEW_EMAIL}").input_value()
    assert "/app/set-password/" in link
    check_accessibility(page)

    page.get_by_role("link", name="Back to Lee Officer").click()
    expect(page.get_by_text("Invited, no password yet")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=f"manager:{NEWCASTLE}")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Editor: edits drafts of the framework and publishes them").check()
    page.get_by_role("button", name="Add the grant").click()
    expect(page.get_by_role("status")).to_have_text("The grant is added.")
    page.get_by_role("button", name="Remove the grant analyst").click()
    expect(page.get_by_role("status")).to_have_text("The grant is removed.")
    grants = page.locator("main ul").first
    expect(grants).to_contain_text("editor")
    expect(grants).not_to_contain_text("analyst")

    page.get_by_role("button", name="Make a reset link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A reset link for Lee Officer")
    assert page.get_by_label(f"The link for {NEW_EMAIL}").input_value() != link

    page.goto("/app/events")
    check_accessibility(page)
    for kind in ("invited", "grant-added", "grant-removed", "reset-issued", "sign-in"):
        expect(page.get_by_role("cell", name=kind, exact=True).first).to_be_visible()
    page.get_by_label("Show").select_option("grant-added")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row")).to_have_count(2)  # the header and one event
    expect(page.get_by_role("cell", name=admin.email).first).to_be_visible()


def test_the_people_pages_are_for_admins_only(page_without_js: Page, database_url: str) -> None:
    manager = create_person(database_url, grants=[f"manager:{NEWCASTLE}"])
    sign_in_browser(page_without_js, manager)
    for path in ("/app/people", "/app/people/invite", "/app/events"):
        response = page_without_js.goto(path)
        assert response is not None and response.status == 403, path


def test_the_event_log_pages_through_older_events(page_without_js: Page, database_url: str) -> None:
    admin = create_person(database_url, grants=["admin"])
    for number in range(3):
        create_person(database_url, grants=["analyst"], email=f"p{number}@example.gov.uk")
    sign_in_browser(page_without_js, admin)
    page_without_js.goto("/app/events?offset=0")
    expect(page_without_js.get_by_text("Events 1 to", exact=False).last).to_be_visible()
    expect(page_without_js.get_by_role("link", name="Older events")).to_have_count(0)
