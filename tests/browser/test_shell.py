"""The web shell in a real browser (issue 15): the home page, the layout's accessibility features,
the stylesheet under the page's Content Security Policy, print styles, and HTML versus problem+json
error pages. Roles and labels, not CSS selectors, as a person finds things."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
import pytest
from playwright.sync_api import Page, expect

from api.web.render import PAGE_CONTENT_SECURITY_POLICY, SERVICE_NAME

HOME_HEADING = "Skills and career pathways for economic development teams"


def test_home_says_what_the_service_is_and_links_onwards(
    page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    response = page.goto("/")
    assert response is not None and response.status == 200
    assert response.headers["content-security-policy"] == PAGE_CONTENT_SECURITY_POLICY
    assert response.headers["referrer-policy"] == "same-origin"
    expect(page).to_have_title(f"{HOME_HEADING} – {SERVICE_NAME}")
    expect(page.locator("html")).to_have_attribute("lang", "en-GB")
    expect(page.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    expect(page.get_by_role("link", name=SERVICE_NAME, exact=True)).to_have_attribute("href", "/")
    expect(page.get_by_role("link", name="Sign in to ED Skills Pathways")).to_have_attribute(
        "href", "/app/sign-in"
    )
    expect(page.get_by_role("main").get_by_role("link", name="API documentation")).to_have_attribute(
        "href", "/docs"
    )
    expect(page.get_by_role("heading", name="The README")).to_be_visible()
    # Nobody is signed in: no account navigation and no sign-out button.
    expect(page.get_by_role("navigation", name="Your account")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    check_accessibility(page)


def test_the_stylesheet_loads_under_the_pages_policy(page: Page, console_messages: list[str]) -> None:
    stylesheets: list[tuple[str, int]] = []
    page.on("response", lambda answer: stylesheets.append((answer.url, answer.status)))
    page.goto("/")
    css = [(url, status) for url, status in stylesheets if "/static/app.css" in url]
    assert css and all(status == 200 for _, status in css), stylesheets
    # Applied, not only fetched: the header's dark band comes from app.css.
    band = page.get_by_role("banner").evaluate("element => getComputedStyle(element).backgroundColor")
    assert band == "rgb(11, 12, 12)"
    assert not [message for message in console_messages if "Content Security Policy" in message]


def test_the_stylesheet_is_cached_for_a_year_under_a_versioned_url(page: Page, served_app: str) -> None:
    page.goto("/")
    href = page.evaluate("document.querySelector('link[rel=stylesheet]').getAttribute('href')")
    assert re.fullmatch(r"/static/app\.css\?v=[0-9a-f]{12}", href), href
    answer = httpx.get(served_app + href)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
    assert answer.headers["cache-control"] == "max-age=31536000, public, immutable"
    assert "//" not in re.sub(r"/\*.*?\*/", "", answer.text, flags=re.DOTALL), "no other-site assets"


def test_the_home_page_works_without_javascript(
    page_without_js: Page, check_accessibility: Callable[[Page], None]
) -> None:
    page_without_js.goto("/")
    expect(page_without_js.get_by_role("heading", level=1)).to_have_text(HOME_HEADING)
    page_without_js.get_by_role("link", name="Sign in to ED Skills Pathways").click()
    page_without_js.wait_for_url("**/app/sign-in")
    check_accessibility(page_without_js)


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    # The next tab stop is inside main, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_focus_is_visible(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    focused = page.get_by_role("link", name=SERVICE_NAME, exact=True)
    expect(focused).to_be_focused()
    outline = focused.evaluate(
        "element => { const s = getComputedStyle(element); return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert outline == ["solid", "3px"]


def test_print_hides_the_navigation_and_the_footer(page: Page) -> None:
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_be_visible()
    page.emulate_media(media="print")
    expect(footer).to_be_hidden()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_missing_page_under_app_is_an_html_page(
    page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    response = page.goto("/app/no-such-page")
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-security-policy"] == PAGE_CONTENT_SECURITY_POLICY
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.get_by_role("link", name="Go to the ED Skills Pathways home page")).to_be_visible()
    check_accessibility(page)


def test_a_missing_api_path_stays_problem_json(page: Page, served_app: str) -> None:
    for path in ("/v1/no-such-thing", "/v1/skills/no-such-skill"):
        response = page.goto(path)  # a browser asking for HTML still gets the API's answer
        assert response is not None and response.status == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404
        assert "content-security-policy" not in response.headers


def test_the_accessibility_check_fails_on_serious_violations(
    page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    """The check itself can fail: an unlabelled field and an image without text are reported."""
    page.goto("/")
    page.set_content(
        '<!DOCTYPE html><html lang="en-GB"><title>Broken</title><main><h1>Broken</h1>'
        '<form><input type="text" name="nameless"></form><img src="/static/favicon.svg"></main></html>'
    )
    with pytest.raises(AssertionError) as failure:
        check_accessibility(page)
    assert "label (critical)" in str(failure.value)
    assert "image-alt (critical)" in str(failure.value)
