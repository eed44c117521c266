"""A manager's analysis pages (issue 16) in real Chromium, on SQLite and PostgreSQL: a needs profile
made in the browser (a bad value first: error summary, 422, nothing written; a conflicting edit:
412), gaps with the RAG table sorted by a link, a member against their role, their career pathway,
progress between two audits, a training plan within budget whose placements name their rows, joint
working with a sharing neighbour, and the report downloaded; axe on every page, print emulation
of the gaps page, and every page again with JavaScript off."""

from __future__ import annotations

import re
from collections.abc import Callable

import httpx
from playwright.sync_api import Page, expect

from tests.accounts import create_person, sign_in_browser
from tests.browser.test_team_pages import screenshot
from tests.conftest import GATESHEAD, NEWCASTLE, bearer
from tests.helpers import team_audit

MANAGER = [f"manager:{NEWCASTLE}"]
NEWCASTLE_NAME = "Newcastle upon Tyne"
COUNCIL_PAGES = f"/app/councils/{NEWCASTLE}"
EARLIER = {
    "EDO-01": {"bid-writing": 1, "partnership-working": 2},
    "EDO-02": {"bid-writing": 2},
    "EDO-03": {"partnership-working": 1},
}
LATER = {
    "EDO-01": {"bid-writing": 3, "partnership-working": 3},
    "EDO-02": {"bid-writing": 2, "partnership-working": 2},
    "EDO-04": {"bid-writing": 1},
}


def teams(base_url: str, keys: dict[str, str]) -> tuple[str, str]:
    """Newcastle's earlier and later audits; Gateshead with bid writers to spare; both share."""
    with httpx.Client(base_url=base_url) as client:
        earlier = team_audit(client, keys["newcastle"], EARLIER, date="2026-04-01")  # type: ignore[arg-type]
        later = team_audit(client, keys["newcastle"], LATER, date="2026-10-01")  # type: ignore[arg-type]
        strong = {f"GAT-{n}": {"bid-writing": 4, "partnership-working": 3} for n in range(3)}
        team_audit(client, keys["gateshead"], strong, code=GATESHEAD)  # type: ignore[arg-type]
        shared = client.put(
            f"/v1/councils/{GATESHEAD}/sharing",
            json={"share_capability": True},
            headers=bearer(keys["gateshead"]),
        )
        assert shared.status_code == 200, shared.text
        # Sharing goes both ways (DESIGN §2.4, issue 18): Newcastle shares too, or it sees nobody.
        ours = client.put(
            f"/v1/councils/{NEWCASTLE}/sharing",
            json={"share_capability": True},
            headers=bearer(keys["newcastle"]),
        )
        assert ours.status_code == 200, ours.text
    return earlier, later


def needs_profiles(base_url: str, key: str) -> list[dict[str, object]]:
    listed = httpx.get(f"{base_url}/v1/councils/{NEWCASTLE}/needs", headers=bearer(key))
    assert listed.status_code == 200, listed.text
    items: list[dict[str, object]] = listed.json()["items"]
    return items


def submit(page: Page, button: str) -> int:
    """Click ``button`` and return the status of the page that answers (after any redirect)."""
    with page.expect_navigation() as answered:
        page.get_by_role("button", name=button).click()
    response = answered.value
    assert response is not None
    return response.status


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_needs_gaps_progress_plan_joint_working_pathway_and_report(
    page: Page,
    database_url: str,
    served_app: str,
    keys: dict[str, str],
    check_accessibility: Callable[[Page], None],
) -> None:
    earlier, later = teams(served_app, keys)
    manager = create_person(database_url, grants=MANAGER, name="Nia Needs")
    sign_in_browser(page, manager)
    page.get_by_role("link", name=f"team skills and audits for {NEWCASTLE_NAME}").click()
    page.get_by_role("link", name="Create a needs profile").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create a needs profile")
    check_accessibility(page)

    # A bad headcount first: the form comes back with an error summary, 422, and nothing is written.
    page.get_by_label("Title").fill("Growth plan 2028")
    page.get_by_label("Horizon (optional)").fill("2028-03-31")
    page.get_by_label("Economic Development Officer", exact=True).fill("3")
    page.get_by_label("Senior / Principal ED Officer").fill("one")
    page.get_by_label("Green growth and net zero").check()
    page.get_by_label("Skill for extra requirement 1").select_option(
        label="Bid writing & funding applications"
    )
    page.get_by_label("Level for extra requirement 1").select_option("3")
    page.get_by_label("People for extra requirement 1").fill("2")
    page.get_by_label("Importance for extra requirement 1").select_option("essential")
    assert submit(page, "Save the needs profile") == 422
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    problem = summary.get_by_role("link", name="The number of Senior")
    expect(problem).to_have_attribute("href", "#role-senior-ed-officer")
    assert needs_profiles(served_app, keys["newcastle"]) == []
    expect(page.get_by_label("Title")).to_have_value("Growth plan 2028")  # what was typed is kept
    expect(page.get_by_label("Green growth and net zero")).to_be_checked()
    check_accessibility(page)

    page.get_by_label("Senior / Principal ED Officer").fill("1")
    assert submit(page, "Save the needs profile") == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Growth plan 2028")
    expect(page.get_by_role("status")).to_contain_text("The needs profile is saved")
    rows = page.get_by_role("table", name="Requirement rows of Growth plan 2028")
    bid_row = rows.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Bid writing & funding applications")
    )
    expect(bid_row.first).to_contain_text("Essential")
    (stored,) = needs_profiles(served_app, keys["newcastle"])
    assert stored["establishment"] == {"ed-officer": 3, "senior-ed-officer": 1}
    assert stored["scenarios"] == ["net-zero"]
    assert stored["rows"] == [{"skill": "bid-writing", "level": 3, "headcount": 2, "importance": "essential"}]
    check_accessibility(page)

    # A conflicting edit: someone else saves first (the API, with its If-Match); ours is refused with 412.
    page.get_by_role("link", name="Change this needs profile").click()
    page.get_by_label("Title").fill("Growth plan 2028, revised")
    elsewhere = httpx.patch(
        f"{served_app}/v1/councils/{NEWCASTLE}/needs/{stored['id']}",
        json={"title": "Changed elsewhere"},
        headers=bearer(keys["newcastle"]),
    )
    assert elsewhere.status_code == 200, elsewhere.text
    assert submit(page, "Save the needs profile") == 412
    expect(page.get_by_role("alert")).to_contain_text("Someone changed this needs profile")
    expect(page.get_by_label("Title")).to_have_value("Changed elsewhere")
    page.get_by_label("Title").fill("Growth plan 2028")
    assert submit(page, "Save the needs profile") == 200
    expect(page.get_by_role("status")).to_contain_text("Your changes are saved")

    # Gaps: choose the later audit, see readiness and the RAG table (word and colour), sort it.
    page.get_by_role("navigation", name="Analysis").get_by_role("link", name="Gaps").click()
    page.get_by_label("Audit").select_option(later)
    page.get_by_label("Needs profile").select_option(str(stored["id"]))
    page.get_by_role("button", name="Show the gaps").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gaps against Growth plan 2028")
    expect(page.get_by_text(re.compile(r"^\d+\.\d%$")).first).to_be_visible()
    table = page.get_by_role("table", name=re.compile("^Requirement rows of Growth plan 2028"))
    expect(table).to_contain_text("Red")
    check_accessibility(page)
    screenshot(page, "gaps")
    table.get_by_role("link", name=re.compile(r"^Skill\W+sort by this")).click()
    table = page.get_by_role("table", name=re.compile("sorted by skill"))
    expect(table.get_by_role("columnheader", name="Skill")).to_have_attribute("aria-sort", "ascending")
    skills = table.get_by_role("rowheader").all_inner_texts()
    assert skills == sorted(skills, key=str.casefold) and len(skills) > 3

    # Printing the gaps page leaves the navigation and the forms off the paper.
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Analysis")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Your account")).to_be_hidden()
    expect(page.get_by_role("button", name="Show the gaps")).to_be_hidden()
    expect(table).to_be_visible()
    page.emulate_media(media="screen")

    # A member against their role, then their pathway and a route to a target role.
    page.get_by_role("link", name="EDO-02", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EDO-02 against their role")
    expect(page.get_by_role("table")).to_contain_text("Short by")
    check_accessibility(page)
    page.get_by_role("link", name="Their career pathway").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Career pathway for EDO-02")
    expect(page.get_by_role("rowheader", name="Senior / Principal ED Officer")).to_be_visible()
    page.get_by_label("Target role").select_option(label="ED Manager / Team Leader")
    page.get_by_role("button", name="Show the route").click()
    expect(page.get_by_text(re.compile(r"^2 steps to ED Manager / Team Leader"))).to_be_visible()
    expect(
        page.get_by_role("heading", name="Economic Development Officer → Senior / Principal ED Officer")
    ).to_be_visible()
    check_accessibility(page)

    # Progress between the two audits: covered before and after, RAG changes, who joined and left.
    page.get_by_role("navigation", name="Analysis").get_by_role("link", name="Progress").click()
    page.get_by_label("Earlier audit").select_option(earlier)
    page.get_by_label("Later audit").select_option(later)
    page.get_by_label("Needs profile").select_option(str(stored["id"]))
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_text("Joined: EDO-04.")).to_be_visible()
    expect(page.get_by_text("Left: EDO-03.")).to_be_visible()
    bids = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Bid writing & funding applications")
    )
    expect(bids.filter(has_text="3 Practitioner")).to_contain_text("Better")
    check_accessibility(page)

    # A training plan: a bad budget first (422, said at the field), then one within budget.
    page.goto(f"{COUNCIL_PAGES}/gaps?audit={later}&needs={stored['id']}")
    page.get_by_role("link", name="Plan training to close these gaps").click()
    page.get_by_label("Training budget (£)").fill("lots")
    page.get_by_label("Person-days available").fill("60")
    assert submit(page, "Plan the training") == 422
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        "Enter the training budget in pounds, like 20000"
    )
    page.get_by_label("Training budget (£)").fill("5000")
    assert submit(page, "Plan the training") == 200
    placements = page.get_by_role("table", name=re.compile("^Placements"))
    expect(placements).to_be_visible()
    costs = [
        float(text.strip("£").replace(",", ""))
        for text in placements.locator("td.numeric").all_inner_texts()[::2]
    ]
    assert 0 < sum(costs) <= 5000
    closes = placements.get_by_role("row").nth(1).get_by_role("cell").nth(2)
    expect(closes).to_contain_text(re.compile(r" at \d (Awareness|Working|Practitioner|Expert)"))
    check_accessibility(page)
    screenshot(page, "training-plan")

    # Joint working: Gateshead shares and has bid writers to spare; the sharing switch is linked.
    page.get_by_role("navigation", name="Analysis").get_by_role("link", name="Joint working").click()
    expect(page.get_by_role("link", name=f"Change whether {NEWCASTLE_NAME} shares")).to_be_visible()
    gateshead = page.get_by_role("region", name="Gateshead")
    expect(gateshead).to_contain_text("They can help you with")
    expect(gateshead).to_contain_text("Bid writing & funding applications at 3 Practitioner: secondment")
    assert "GAT-" not in page.content()
    check_accessibility(page)

    # The report: prepared from the app, downloaded as one HTML file, and opened to print.
    page.get_by_role("navigation", name="Analysis").get_by_role("link", name="Report").click()
    page.get_by_role("button", name="Prepare the report").click()
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Download the report (HTML)").click()
    download = downloading.value
    assert download.suggested_filename == f"report-{NEWCASTLE}-2026-10-01.html"
    with open(download.path(), encoding="utf-8") as saved:
        text = saved.read()
    assert text.startswith("<!DOCTYPE html>") and NEWCASTLE_NAME in text and "Growth plan 2028" in text
    check_accessibility(page)
    page.get_by_role("link", name="Open the report to read or print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(NEWCASTLE_NAME)


def test_every_analysis_page_with_javascript_off(
    page_without_js: Page,
    database_url: str,
    served_app: str,
    keys: dict[str, str],
    check_accessibility: Callable[[Page], None],
) -> None:
    """Each page renders and works as plain HTML forms and links (the same server-rendered markup
    the journey checks with axe; axe again here on the list page and a refused form)."""
    earlier, later = teams(served_app, keys)
    created = httpx.post(
        f"{served_app}/v1/councils/{NEWCASTLE}/needs",
        json={"title": "Steady state", "establishment": {"ed-officer": 3}, "scenarios": ["ukspf-delivery"]},
        headers=bearer(keys["newcastle"]),
    )
    assert created.status_code == 201, created.text
    needs = created.json()["id"]
    page = page_without_js
    sign_in_browser(page, create_person(database_url, grants=MANAGER))
    chosen = f"audit={later}&needs={needs}"
    tour = [
        (f"{COUNCIL_PAGES}/needs", "Needs profiles for Newcastle upon Tyne"),
        (f"{COUNCIL_PAGES}/needs/new", "Create a needs profile"),
        (f"{COUNCIL_PAGES}/needs/{needs}", "Steady state"),
        (f"{COUNCIL_PAGES}/needs/{needs}/edit", "Change Steady state"),
        (f"{COUNCIL_PAGES}/gaps?{chosen}&sort=shortfall", "Gaps against Steady state"),
        (f"{COUNCIL_PAGES}/audits/{later}/members/EDO-01/gaps?needs={needs}", "EDO-01 against their role"),
        (
            f"{COUNCIL_PAGES}/audits/{later}/members/EDO-01/pathway?target=ed-manager",
            "Career pathway for EDO-01",
        ),
        (f"{COUNCIL_PAGES}/progress?from={earlier}&to={later}&needs={needs}", "Progress between two audits"),
        (f"{COUNCIL_PAGES}/plan?{chosen}&budget_gbp=3000&budget_days=20", "Training plan"),
        (f"{COUNCIL_PAGES}/joint-working?{chosen}", "Joint working with neighbours"),
        (f"{COUNCIL_PAGES}/report?{chosen}", "The audit report"),
    ]
    for path, title in tour:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        if path.endswith("/needs"):  # the one page the journey does not open; axe saw the rest there
            check_accessibility(page)

    # Without JavaScript the sort is a link and the choosers are plain GET forms.
    page.goto(f"{COUNCIL_PAGES}/gaps?{chosen}")
    page.get_by_role("link", name=re.compile(r"^Status\W+sort by this")).click()
    expect(page.get_by_role("columnheader", name="Status")).to_have_attribute("aria-sort", "ascending")
    page.goto(f"{COUNCIL_PAGES}/plan?{chosen}")
    page.get_by_label("Training budget (£)").fill("-5")
    page.get_by_label("Person-days available").fill("10")
    assert submit(page, "Plan the training") == 422
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the training budget in pounds from 0 to 10,000,000"
    )
    check_accessibility(page)

    # Another council's pages are not found; the report is served with the report's own policy.
    other = page.goto(f"/app/councils/{GATESHEAD}/gaps")
    assert other is not None and other.status == 404
    report = page.goto(f"{COUNCIL_PAGES}/audits/{later}/report?needs={needs}")
    assert report is not None and report.status == 200
    assert "style-src 'sha256-" in report.headers["content-security-policy"]
