"""A manager's team pages (issue 16) in real Chromium, on SQLite and PostgreSQL: the dashboard, the
spreadsheet import and its mapping review, the team matrix with its filters, a member's page, adding
and removing members, and the export; axe on every page, a keyboard-only import, every page with
JavaScript off, and refusals that write nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from tests.accounts import create_person, sign_in_browser
from tests.browser.test_sign_in import focused, tab_to
from tests.conftest import NEWCASTLE, bearer

MANAGER = [f"manager:{NEWCASTLE}"]
NEWCASTLE_NAME = "Newcastle upon Tyne"
MESSY = Path(__file__).resolve().parent.parent / "data" / "messy_team.csv"
"""A title row, a blank row, level words (Expert, basic, -, n/a), a notes column, a misspelt
heading (``Bid writting``, matched) and one only suggested (``Regen``)."""
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page: Page, name: str) -> None:
    """``docs/screenshots/<name>.png`` when ``EDSKILLS_SCREENSHOTS=1`` (so CI never rewrites them)."""
    if os.environ.get("EDSKILLS_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def cell(page: Page, reference: str, skill_column: int) -> str:
    """The text of one matrix cell: the member's row, the n-th skill column (0-based)."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=reference, exact=True))
    return row.get_by_role("cell").nth(1 + skill_column).inner_text()


def test_messy_spreadsheet_imported_with_the_keyboard_then_the_team_managed(
    page: Page,
    database_url: str,
    served_app: str,
    keys: dict[str, str],
    check_accessibility: Callable[[Page], None],
) -> None:
    """Sign in → dashboard → start an audit → upload → review (one suggestion changed) → import,
    all with the keyboard; then readiness on the dashboard, the matrix filters, a member's level
    edited, a member added and removed, the export."""
    manager = create_person(database_url, grants=MANAGER, name="Kim Keyboard")
    profile = httpx.post(
        f"{served_app}/v1/councils/{NEWCASTLE}/needs",
        json={"title": "Growth plan 2028", "establishment": {"ed-officer": 2, "senior-ed-officer": 1}},
        headers=bearer(keys["newcastle"]),
    )
    assert profile.status_code == 201, profile.text
    sign_in_browser(page, manager)
    page.get_by_role("link", name=f"team skills and audits for {NEWCASTLE_NAME}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NEWCASTLE_NAME}: team skills")
    check_accessibility(page)

    # Start an audit: Tab to the title, type, Tab to the date, type, Enter.
    tab_to(page, re.compile(r"^input#title"), most=60)
    page.keyboard.type("Team audit autumn 2026")
    page.keyboard.press("Tab")
    assert focused(page).startswith("input#audit_date")
    page.keyboard.type("01102026")  # Chromium's date field takes the digits in the locale's order
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Import a spreadsheet into Team audit autumn 2026"
    )
    expect(page.get_by_role("status")).to_contain_text("The audit is created")
    check_accessibility(page)

    # Choose the file with the keyboard: Space on the focused file field opens the chooser.
    tab_to(page, re.compile(r"^input#file"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(MESSY))
    tab_to(page, re.compile(r"^button#: Upload and check$"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check how messy_team.csv is read")
    expect(page.get_by_text("3 members and 9 levels found")).to_be_visible()
    regen = page.get_by_label("Skill for column G, Regen")
    expect(regen).to_have_value("town-centres")  # the matcher's suggestion, pre-selected
    expect(page.get_by_label("Skill for column D, Bid writting")).to_have_value("bid-writing")
    expect(page.get_by_label("Skill for column H, Notes")).to_have_value("ignore")
    expect(page.get_by_label("Role for the job title Senior ED Officer")).to_have_value("senior-ed-officer")
    expect(page.get_by_role("row", name=re.compile(r"Regen"))).to_contain_text("Suggested: check it")
    check_accessibility(page)
    screenshot(page, "import-review")

    # Change the suggestion with the keyboard (type-ahead on the focused list), then import.
    tab_to(page, re.compile(r"^select#column-G"), most=60)
    page.keyboard.type("Capital project")
    expect(regen).to_have_value("capital-delivery")
    tab_to(page, re.compile(r"^button#: Import 3 members$"), most=60)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Team audit autumn 2026: team matrix")
    expect(page.get_by_role("status")).to_contain_text("The spreadsheet is imported")
    check_accessibility(page)

    # Levels from words: Expert → 4, basic → 1, "-" and "n/a" → 0; Regen went to Capital project delivery.
    headers = [h.strip() for h in page.get_by_role("columnheader").all_inner_texts()]
    skills = headers[headers.index("Role") + 1 :]
    assert cell(page, "EDO-01", skills.index("Bid writing & funding applications")) == "4"
    assert cell(page, "EDO-01", skills.index("GIS & spatial analysis")) == "1"
    assert cell(page, "EDO-02", skills.index("GIS & spatial analysis")) == "0"
    assert cell(page, "EDO-03", skills.index("Capital project delivery")) == "1"
    assert cell(page, "EDO-03", skills.index("Town centre & high street renewal")) == "0"

    # Filters (GET): one role, then one category.
    page.get_by_label("Show members with the role").select_option(label="Senior / Principal ED Officer")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("rowheader")).to_have_count(1)
    expect(page.get_by_role("rowheader", name="EDO-02")).to_be_visible()
    page.get_by_label("Show members with the role").select_option(label="Every role")
    page.get_by_label("Show skills in the category").select_option(label="Funding, programmes & resources")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("rowheader")).to_have_count(3)
    expect(page.get_by_role("columnheader", name="Bid writing & funding applications")).to_be_visible()
    expect(page.get_by_role("columnheader", name="GIS & spatial analysis")).to_have_count(0)
    check_accessibility(page)
    screenshot(page, "team-matrix")

    # A member's page: the source shown, a level edited through the manager's form.
    page.get_by_role("link", name="EDO-02").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("EDO-02 (Bo Jones)")
    gis = page.get_by_role("row", name=re.compile(r"^GIS & spatial analysis"))
    expect(gis.get_by_role("cell").nth(1)).to_have_text("manager")
    check_accessibility(page)
    screenshot(page, "team-member")
    page.get_by_label("Your level in GIS & spatial analysis").select_option("3")
    page.get_by_role("button", name="Save the levels").click()
    expect(page.get_by_role("status")).to_contain_text("The levels are saved")
    expect(gis.get_by_role("cell").first).to_have_text("3")
    levels = httpx.get(
        f"{served_app}/v1/councils/{NEWCASTLE}/audits", headers=bearer(keys["newcastle"])
    ).json()["items"][0]
    member = httpx.get(
        f"{served_app}/v1/councils/{NEWCASTLE}/audits/{levels['id']}/members/EDO-02",
        headers=bearer(keys["newcastle"]),
    ).json()
    assert member["effective_levels"]["gis-spatial-analysis"] == 3

    # Add a member (a bad reference first: error summary, 422, nothing written), then remove them.
    page.get_by_role("link", name="Team audit autumn 2026").click()
    page.get_by_label("Reference").fill("no/slashes")
    page.get_by_role("button", name="Add the member").click()
    expect(page.get_by_role("alert")).to_contain_text("A reference is 1 to 40")
    check_accessibility(page)
    page.get_by_label("Reference").fill("EDO-04")
    page.get_by_label("Role", exact=True).select_option(label="ED Trainee, apprentice or graduate")
    page.get_by_role("button", name="Add the member").click()
    expect(page.get_by_role("status")).to_contain_text("The member is added")
    expect(page.get_by_role("rowheader")).to_have_count(4)
    page.get_by_role("link", name="EDO-04").click()
    page.get_by_role("link", name="Remove EDO-04 from this audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove EDO-04?")
    check_accessibility(page)
    page.get_by_role("button", name="Remove the member").click()
    expect(page.get_by_role("status")).to_contain_text("The member and all their assessments are removed")
    expect(page.get_by_role("rowheader")).to_have_count(3)

    # The export is the API's file.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")  # Excel-friendly BOM
    assert exported.splitlines()[0].startswith("Reference,Name,Role,FTE,")
    assert len(exported.strip().splitlines()) == 4

    # Back on the dashboard: the audit with its members and readiness against the profile.
    page.get_by_role("link", name=NEWCASTLE_NAME).first.click()
    row = page.get_by_role("row", name=re.compile(r"^Team audit autumn 2026"))
    expect(row.get_by_role("cell").nth(2)).to_have_text("3")
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^\d+\.\d%$"))
    check_accessibility(page)
    screenshot(page, "council-dashboard")


def _over_cap_csv(columns: int) -> bytes:
    header = ",".join(["Reference", *(f"Skill {n}" for n in range(columns - 1))])
    return f"{header}\nEDO-01{',1' * (columns - 1)}\n".encode()


def test_refusals_write_nothing_and_every_page_works_without_javascript(
    page_without_js: Page,
    database_url: str,
    served_app: str,
    keys: dict[str, str],
    tmp_path: Path,
    row_counts: Callable[[], dict[str, int]],
    check_accessibility: Callable[[Page], None],
) -> None:
    """With JavaScript off: a bad audit form, an over-cap file (413), a file whose plan is refused on
    confirmation (a level word that is no level, a job title nobody can match: 422, an error summary
    naming the row and column), and a member edited elsewhere meanwhile (412): each shown on its page
    with an error summary, and nothing written."""
    page = page_without_js
    manager = create_person(database_url, grants=MANAGER, name="Noor Nojs")
    sign_in_browser(page, manager)
    page.goto(f"/app/councils/{NEWCASTLE}")
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a title for the audit")
    expect(page.get_by_role("alert")).to_contain_text("Enter the audit's date")
    page.get_by_label("Title").fill("Spring audit")
    page.get_by_label("Date of the audit").fill("2027-04-01")
    page.get_by_role("button", name="Start the audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a spreadsheet into Spring audit")
    before = row_counts()
    assert before["audits"] == 1

    # Over the column cap: refused while reading (413), the upload form again with its summary.
    wide = tmp_path / "too-wide.csv"
    wide.write_bytes(_over_cap_csv(501))
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(wide))
    with page.expect_response(re.compile(r"/import$")) as answer:
        page.get_by_role("button", name="Upload and check").click()
    assert answer.value.status == 413
    expect(page.get_by_role("alert")).to_contain_text("too many columns")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("too many columns")).click()
    expect(page.get_by_label("Spreadsheet (CSV or XLSX)")).to_be_focused()

    # A plan with a row error and a title nobody can match: the review shows them; confirming is refused.
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Staff ref,Job title,Bid writing,Project management\n"
        "EDO-01,Economic Development Officer,excellent,3\n"
        "EDO-02,Chief Wizard of Widgets,2,2\n"
    )
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check how bad.csv is read")
    expect(page.get_by_role("row", name=re.compile(r"^2 C .*'excellent' is not a level"))).to_be_visible()
    wizard = page.get_by_label("Role for the job title Chief Wizard of Widgets")
    wizard.select_option("")  # nobody chose: the choice stays open
    with page.expect_response(re.compile(r"/import/[A-Za-z0-9_-]+$")) as answer:
        page.get_by_role("button", name="Import 2 members").click()
    assert answer.value.status == 422
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Row 2, column C: 'excellent' is not a level")
    expect(summary).to_contain_text("Job title ‘Chief Wizard of Widgets’: choose a role or ‘Not a role’")
    check_accessibility(page)
    summary.get_by_role("link", name=re.compile("Chief Wizard")).click()
    expect(wizard).to_be_focused()
    assert row_counts() == before

    # The member page, edited elsewhere (the JSON API) while open: 412, the member as it now is.
    audit_id = page.url.split("/audits/")[1].split("/")[0]
    member = httpx.post(
        f"{served_app}/v1/councils/{NEWCASTLE}/audits/{audit_id}/members",
        json={"reference": "EDO-09", "display_name": "Dee Old", "role": "ed-officer"},
        headers=bearer(keys["newcastle"]),
    )
    assert member.status_code == 201, member.text
    page.goto(f"/app/councils/{NEWCASTLE}/audits/{audit_id}")
    page.get_by_role("link", name="EDO-09").click()
    changed = httpx.patch(
        f"{served_app}/v1/councils/{NEWCASTLE}/audits/{audit_id}/members/EDO-09",
        json={"display_name": "Dee Newer"},
        headers=bearer(keys["newcastle"]),
    )
    assert changed.status_code == 200, changed.text
    page.get_by_label("Name (optional)").fill("Dee Mine")
    with page.expect_response(re.compile(r"/members/EDO-09$")) as answer:
        page.get_by_role("button", name="Save the details").click()
    assert answer.value.status == 412
    expect(page.get_by_role("alert")).to_contain_text("Someone changed this member since you opened the page")
    expect(page.get_by_label("Name (optional)")).to_have_value("Dee Newer")
    check_accessibility(page)
    page.get_by_label("Name (optional)").fill("Dee Mine")
    page.get_by_role("button", name="Save the details").click()
    expect(page.get_by_role("status")).to_contain_text("The member's details are saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("EDO-09 (Dee Mine)")

    # Another council's audit is not there for this manager (404), like its keys.
    assert page.request.get(f"/app/councils/E08000037/audits/{audit_id}").status == 404
