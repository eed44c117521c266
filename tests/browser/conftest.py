"""Browser tests (issue 15): Playwright driving Debian's ``chromium``, against the real app served on
a free port, once on SQLite and once on PostgreSQL (``database_url``'s parametrisation).

Never a downloaded browser: ``chromium`` is launched by path (``.ci/run`` installs the Debian
package). Without it the tests skip with the reason, unless ``CI`` or ``EDSKILLS_REQUIRE_POSTGRES``
is set, when they fail instead.

Fixtures:
- ``browser`` (session): one headless Chromium for the run.
- ``served_app``: the base URL of ``create_app(settings)`` under uvicorn (``tests.serving.served``)
  on the test's own migrated and seeded database.
- ``page``: a new browser context per test (no shared cookies), ``base_url`` set, so
  ``page.goto("/")`` works; any console message of a Content Security Policy refusal fails the test.
- ``page_without_js``: the same with JavaScript disabled (every page must work without it).
- ``console_messages``: what ``page`` logged to the console (``"type: text"``).
- ``smtp_server``: a real SMTP server on loopback for the test (``tests.accounts.smtp_server``): its
  ``Inbox`` and port.
- ``check_accessibility``: ``check_accessibility(page)`` runs axe and fails listing every serious or
  critical violation (``tests.browser.axe``). axe needs JavaScript (its timers never fire without),
  so for ``page_without_js`` it checks a copy of that page's DOM, shown on our own origin (the
  stylesheet loads, so contrast is checked) in a context with JavaScript on.

Every page has a 10 s default timeout for actions and expectations, so a missing element fails fast.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from api.settings import Settings
from tests.accounts import Inbox
from tests.accounts import smtp_server as loopback_smtp_server
from tests.browser.axe import assert_accessible
from tests.serving import served

CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ACTION_TIMEOUT_MS = 10_000
REQUIRE_BROWSER = bool(os.environ.get("CI")) or os.environ.get("EDSKILLS_REQUIRE_POSTGRES") == "1"
CSP_REFUSAL = "Content Security Policy"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/browser is a ``browser`` test (``-m "not browser"`` leaves them out)."""
    for item in items:
        if "tests/browser/" in str(item.path).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        reason = "Chromium is not installed: apt-get install chromium (.ci/run does)"
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason}; browser tests are required here (CI / EDSKILLS_REQUIRE_POSTGRES)")
        pytest.skip(reason)
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module: Playwright's sync API keeps an asyncio loop running in this
    thread while it lives, and every later test calling ``asyncio.run`` (the CLI, fixtures) would fail,
    so it must stop with the module (with ``--dist loadfile`` a module's tests run together)."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def served_app(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on the test's database; its base URL."""
    with served(settings) as base_url:
        yield base_url


def _context(browser: Browser, base_url: str, *, javascript: bool) -> BrowserContext:
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript, locale="en-GB")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


@pytest.fixture
def console_messages() -> list[str]:
    """Filled by ``page`` with every console message (``"error: Refused to load…"``)."""
    return []


def _watched_page(context: BrowserContext, messages: list[str]) -> Page:
    opened = context.new_page()

    def record(message: ConsoleMessage) -> None:
        messages.append(f"{message.type}: {message.text}")

    opened.on("console", record)
    return opened


def _no_csp_refusals(messages: list[str]) -> None:
    refusals = [message for message in messages if CSP_REFUSAL in message]
    assert not refusals, "the page broke its own Content Security Policy:\n" + "\n".join(refusals)


@pytest.fixture
def page(browser: Browser, served_app: str, console_messages: list[str]) -> Iterator[Page]:
    context = _context(browser, served_app, javascript=True)
    try:
        yield _watched_page(context, console_messages)
    finally:
        context.close()
    _no_csp_refusals(console_messages)


@pytest.fixture
def pages_without_js() -> list[Page]:
    """The pages ``page_without_js`` opened (``check_accessibility`` treats them differently)."""
    return []


@pytest.fixture
def page_without_js(
    browser: Browser, served_app: str, console_messages: list[str], pages_without_js: list[Page]
) -> Iterator[Page]:
    context = _context(browser, served_app, javascript=False)
    try:
        opened = _watched_page(context, console_messages)
        pages_without_js.append(opened)
        yield opened
    finally:
        context.close()
    _no_csp_refusals(console_messages)


@pytest.fixture
def check_accessibility(
    browser: Browser, served_app: str, pages_without_js: list[Page]
) -> Callable[[Page], None]:
    """``check_accessibility(page)``: axe on the page as it is now; fails on serious/critical."""

    def check(page: Page) -> None:
        if not any(page is without for without in pages_without_js):
            assert_accessible(page)
            return
        context = _context(browser, served_app, javascript=True)
        try:
            copy = context.new_page()
            copy.goto("/")  # our origin, so the copy's stylesheet link resolves and loads
            copy.set_content(page.content(), wait_until="load")
            assert_accessible(copy, where=f"{page.url} (JavaScript off)")
        finally:
            context.close()

    return check


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """Mail the served app sends, caught on loopback (the journeys' invitations and round links)."""
    with loopback_smtp_server() as server:
        yield server
