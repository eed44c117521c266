"""Trend and benchmark pages (issue 18) in real Chromium, on SQLite and PostgreSQL: three reviews
drawn as an SVG line chart that the browser renders, with its title and description, whose data
table matches ``GET …/trend``; the benchmark refusing a council that does not share (the sentence
and the sharing link), then its region group once it shares, a suppressed group said so; axe on
every page, and each page again with JavaScript off."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.accounts import create_person, sign_in_browser
from tests.api.test_trends_api import NEEDS, PEERS
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import post, team_audit

PAGES = f"/app/councils/{NEWCASTLE}"


def reviews(base_url: str, keys: dict[str, str]) -> str:
    """Newcastle's needs and three reviews; its peers in the North East, sharing; its needs id."""
    key, admin = keys["newcastle"], keys["admin"]
    with httpx.Client(base_url=base_url) as client:
        needs_id: str = post(client, key, "/needs", NEEDS)["id"]  # type: ignore[arg-type]
        for date, levels in (("2026-01-15", (1,)), ("2026-07-15", (3, 1)), ("2027-01-15", (3, 3))):
            team = {f"EDO-{n}": {"bid-writing": level} for n, level in enumerate(levels)}
            team_audit(client, key, team, date)  # type: ignore[arg-type]
        for code, level in PEERS.items():
            team_audit(
                client,
                admin,
                {"P-1": {"bid-writing": level}, "P-2": {"bid-writing": level}},
                "2026-06-01",
                code,
            )  # type: ignore[arg-type]
            assert (
                client.put(
                    f"/v1/councils/{code}/sharing", json={"share_capability": True}, headers=bearer(admin)
                ).status_code
                == 200
            )
    return needs_id


def test_trend_chart_and_benchmark(
    page: Page,
    page_without_js: Page,
    database_url: str,
    served_app: str,
    keys: dict[str, str],
    check_accessibility: Callable[[Page], None],
) -> None:
    needs_id = reviews(served_app, keys)
    trend = httpx.get(
        f"{served_app}/v1/councils/{NEWCASTLE}/trend",
        params={"needs": needs_id},
        headers=bearer(keys["newcastle"]),
    ).json()
    manager = create_person(database_url, grants=[f"manager:{NEWCASTLE}"], name="Tia Trend")
    sign_in_browser(page, manager)
    page.goto(PAGES)
    page.get_by_role("link", name="Readiness over time").click()
    page.get_by_label("Needs profile").select_option(label=f"{NEEDS['title']} (2026.1)")
    page.get_by_role("button", name="Show the trend").click()

    chart = page.get_by_role("img", name="Newcastle upon Tyne: readiness over time")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100, "drawn at a real size"
    assert chart.locator("title").text_content() == "Newcastle upon Tyne: readiness over time"
    assert "Readiness across 3 audit(s)" in (chart.locator("desc").text_content() or "")
    readiness_line = chart.locator("polyline[data-series='Readiness']")
    line_box = readiness_line.bounding_box()
    assert line_box is not None and line_box["width"] > 200, "the line spans the chart"
    drawn = [
        float(v)
        for v in chart.locator("polyline[data-series='Readiness'] ~ circle").evaluate_all(
            "cs => cs.slice(0, 3).map(c => c.getAttribute('data-value'))"
        )
    ]
    table = page.get_by_role("table", name="Readiness by audit (2026.1)")
    cells = table.locator("td[data-readiness]").evaluate_all("cs => cs.map(c => c.dataset.readiness)")
    expected = [point["readiness"] for point in trend["points"]]
    assert [float(c) for c in cells] == expected == drawn
    dates = table.get_by_role("rowheader").all_inner_texts()
    assert dates == [point["audit_date"] for point in trend["points"]]
    check_accessibility(page)

    # The benchmark: Newcastle does not share yet, so it sees only why, and where to opt in.
    page.get_by_role("link", name="Compare with similar councils").click()
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#not-sharing")).to_contain_text("sharing goes both ways")
    expect(page.get_by_role("link", name="Share Newcastle upon Tyne's summary")).to_have_attribute(
        "href", f"{PAGES}/sharing"
    )
    check_accessibility(page)
    assert (
        httpx.put(
            f"{served_app}/v1/councils/{NEWCASTLE}/sharing",
            json={"share_capability": True},
            headers=bearer(keys["newcastle"]),
        ).status_code
        == 200
    )
    page.get_by_label("Compare with").select_option(label="Councils in the same region")
    page.get_by_role("button", name="Compare").click()
    expect(page.locator("#readiness")).to_contain_text("Councils in the same region (5 councils)")
    expect(page.get_by_role("table", name="Each requirement")).to_contain_text("Bid writing")
    check_accessibility(page)
    page.get_by_role("link", name="Councils of the same type").click()
    expect(page.locator("#suppressed")).to_contain_text("hidden")
    check_accessibility(page)

    # JavaScript off: the same pages, chart and table included.
    sign_in_browser(page_without_js, manager)
    page_without_js.goto(f"{PAGES}/trend?needs={needs_id}")
    expect(
        page_without_js.get_by_role("img", name="Newcastle upon Tyne: readiness over time")
    ).to_be_visible()
    page_without_js.goto(f"{PAGES}/benchmark?needs={needs_id}&group=all")
    expect(page_without_js.locator("#readiness")).to_contain_text("All sharing councils (5 councils)")
