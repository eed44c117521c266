"""axe-core (bundled by ``axe-playwright-python``) on a page: the issue 15 bar is no serious or
critical violation, WCAG 2.2 AA rules included."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

FAILING_IMPACTS = frozenset({"serious", "critical"})
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
_AXE = Axe()


def violations(page: Page) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now."""
    found: list[dict[str, Any]] = _AXE.run(page, options=AXE_OPTIONS).response["violations"]
    return found


def describe(violation: dict[str, Any]) -> str:
    """``id (impact): help — selector, selector…`` for a failure message a person can act on."""
    targets = ", ".join(" ".join(map(str, node.get("target", []))) for node in violation["nodes"])
    return f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"


def assert_accessible(page: Page, where: str | None = None) -> None:
    """Fail listing every serious or critical violation on the page (lesser ones are not failures);
    ``where`` names the page in the message (default: its URL)."""
    failing = [found for found in violations(page) if found.get("impact") in FAILING_IMPACTS]
    assert not failing, f"axe on {where or page.url}:\n" + "\n".join(describe(found) for found in failing)
