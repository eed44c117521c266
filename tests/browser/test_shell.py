"""The web shell in a real browser (issue 15): the home page, the layout's accessibility features,
the stylesheet under the page's Content Security Policy, print styles, and HTML versus problem+json
error pages. Roles and labels, not CSS selectors, as a person finds things."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import httpx
import pytest
from markupsafe import Markup
from playwright.sync_api import Page, expect

from api.errors import FieldError
from api.web.render import CSRF_FIELD, PAGE_CONTENT_SECURITY_POLICY, SERVICE_NAME
from api.web.templating import template_environment

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


@dataclass
class SignedIn:
    """What the session layer puts in ``request.state.person`` (the fields the layout reads)."""

    display_name: str
    email: str
    councils: list[tuple[str, str]]
    grants: list[str]


def shell_html(source: str, **context: object) -> str:
    """A template (source text) rendered in the real environment with the shell's context."""
    shell = {
        "person": None,
        "service_name": SERVICE_NAME,
        "current_path": "/",
        "csrf_input": Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="token-123">'),
        "request": None,
    }
    return template_environment().from_string(source).render({**shell, **context})


def test_the_layout_shows_a_signed_in_person_and_a_sign_out_button(
    page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    dana = SignedIn(
        display_name="Dana Reid",
        email="dana.reid@newcastle.gov.uk",
        councils=[("E08000021", "Newcastle upon Tyne"), ("E08000037", "Gateshead")],
        grants=["manager:E08000021", "manager:E08000037"],
    )
    page.goto("/")  # our origin and policy; the document is then the layout with a person
    page.set_content(shell_html('{% extends "home.html" %}', person=dana))
    account = page.get_by_role("navigation", name="Your account")
    expect(account.get_by_role("link", name="Dana Reid")).to_have_attribute("href", "/app/account")
    expect(account).to_contain_text("Newcastle upon Tyne")
    expect(account).to_contain_text("Gateshead")
    sign_out = account.get_by_role("button", name="Sign out")
    form = sign_out.evaluate(
        "button => [button.form.method, button.form.getAttribute('action'),"
        f" button.form.elements['{CSRF_FIELD}'].value, button.type]"
    )
    assert form == ["post", "/app/sign-out", "token-123", "submit"]
    expect(page.get_by_role("link", name="Go to your account")).to_be_visible()
    check_accessibility(page)
    page.emulate_media(media="print")
    expect(account).to_be_hidden()


FORM = """{% extends "layout.html" %}
{% from "macros/forms.html" import error_summary, field, button, notice %}
{% block title %}Sign in{% endblock %}
{% block before_heading %}{{ error_summary(errors) }}{% endblock %}
{% block content %}
{{ notice("Your password was changed.", kind="success") }}
<form method="post" action="/app/sign-in" novalidate>
  {{ csrf_input }}
  {{ field("email", "Email address", type="email", value=email, error=errors | error_for("email"),
           autocomplete="email", spellcheck=False) }}
  {{ field("password", "Password", type="password", value="secret", error=errors | error_for("password"),
           hint="At least 12 characters", autocomplete="current-password") }}
  {{ button("Sign in") }}
</form>
{% endblock %}"""


def test_the_form_macros_link_each_error_to_its_field(
    page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    errors = [
        FieldError(field="email", message="Enter an email address like name@council.gov.uk"),
        FieldError(field="password", message="Enter your password"),
    ]
    page.goto("/")
    page.set_content(shell_html(FORM, errors=errors, email="dana@"))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    email = page.get_by_label("Email address")
    password = page.get_by_label("Password")
    expect(email).to_have_value("dana@")
    expect(password).to_have_value("")  # a password is never sent back
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description("Error: Enter an email address like name@council.gov.uk")
    expect(password).to_have_accessible_description("At least 12 characters Error: Enter your password")
    summary.get_by_role("link", name="Enter your password").click()
    expect(password).to_be_focused()
    summary.get_by_role("link", name="Enter an email address like name@council.gov.uk").click()
    expect(email).to_be_focused()
    expect(page.get_by_role("status")).to_have_text("Your password was changed.")
    expect(page.get_by_role("button", name="Sign in")).to_have_attribute("type", "submit")
    check_accessibility(page)


def test_the_form_macros_without_errors_show_no_summary(page: Page) -> None:
    page.goto("/")
    page.set_content(shell_html(FORM, errors=[], email=""))
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("Email address")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Password")).to_have_accessible_description("At least 12 characters")
