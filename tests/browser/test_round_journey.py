"""Issue 17's "Done when", in real Chromium on SQLite and PostgreSQL: a manager opens a self-assessment
round for a team of eight with the links emailed (a real SMTP server on loopback); each member opens
their emailed link at a phone's width (375 px), one with JavaScript off, fills the form and submits;
the manager sees the response rate and the calibration flags, verifies one member, the ticked ones and
then everyone, sets a level of their own, reads an assessment's history; the gaps page changes with
the verified levels; closing the round schedules the next review, shown on the dashboard with one link
to the progress review. axe finds no serious or critical problem on the member's form or the
manager's pages. A smaller test: the links that no longer work (revoked, replaced, never issued)
answer 410 and name nothing, and the form refuses a post without its CSRF token, writing nothing."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from api.settings import Settings
from tests.accounts import Inbox, create_person, sign_in_browser
from tests.browser.test_team_pages import SCREENSHOTS, screenshot
from tests.conftest import NEWCASTLE, bearer, run_async

MANAGER = [f"manager:{NEWCASTLE}"]
NEWCASTLE_NAME = "Newcastle upon Tyne"
EDITION = "ed-skills@2026.1"
TEAM = [f"EDO-0{n}" for n in range(1, 9)]
NAMES = ["Ana Byrne", "Ben Carr", "Cat Dale", "Dev Ellis", "Eve Ford", "Finn Gray", "Gus Hale", "Hana Iqbal"]
ROUND_TITLE = "Spring 2027 self-assessment"
PHONE = {"width": 375, "height": 812}
LINK = re.compile(r"(http\S+/app/self-assessment/[A-Za-z0-9_-]+)")


@pytest.fixture
def settings(database_url: str, smtp_server: tuple[Inbox, int]) -> Settings:
    """The served app sends mail to the loopback SMTP server (overrides tests.conftest.settings)."""
    return Settings.from_env(
        {},
        database_url=database_url,
        smtp_url=f"smtp://127.0.0.1:{smtp_server[1]}",
        mail_from="ED Skills Pathways <no-reply@skills.example.gov.uk>",
    )


def emailed_links(inbox: Inbox) -> dict[str, str]:
    """Each member's link from the latest message to their address, as a path on the served app."""
    links: dict[str, str] = {}
    for message in inbox.messages:
        address = message["To"].addresses[0].addr_spec
        body = message.get_body(preferencelist=("plain",))
        assert body is not None
        found = LINK.search(body.get_content())
        assert found is not None, body.get_content()
        links[address] = urlsplit(found[1]).path
    return links


def address_of(reference: str) -> str:
    return f"{reference.lower()}@newcastle.example.gov.uk"


def a_team_of_eight(base: str, key: str) -> tuple[str, list[str]]:
    """An audit of eight ED officers whose manager put them all at level 1 in each skill of the
    role; a needs profile for the gaps. Returns the audit id and the role's skills."""
    headers = bearer(key)
    role = httpx.get(f"{base}/v1/roles/ed-officer").json()["role"]
    skills = [requirement["skill"] for requirement in role["requirements"]]
    profile = httpx.post(
        f"{base}/v1/councils/{NEWCASTLE}/needs",
        json={"title": "Growth plan 2028", "establishment": {"ed-officer": 4}},
        headers=headers,
    )
    assert profile.status_code == 201, profile.text
    audit = httpx.post(
        f"{base}/v1/councils/{NEWCASTLE}/audits",
        json={"title": "Team audit 2027", "audit_date": dt.date.today().isoformat()},
        headers=headers,
    )
    assert audit.status_code == 201, audit.text
    audit_id = audit.json()["id"]
    for reference, name in zip(TEAM, NAMES, strict=True):
        member = httpx.post(
            f"{base}/v1/councils/{NEWCASTLE}/audits/{audit_id}/members",
            json={"reference": reference, "display_name": name, "role": "ed-officer"},
            headers=headers,
        )
        assert member.status_code == 201, member.text
    levels = httpx.put(
        f"{base}/v1/councils/{NEWCASTLE}/audits/{audit_id}/assessments",
        json={
            "assessments": [
                {"member": reference, "skill": skill, "level": 1, "source": "manager"}
                for reference in TEAM
                for skill in skills
            ]
        },
        headers=headers,
    )
    assert levels.status_code == 200, levels.text
    return audit_id, skills


def answer_every_skill(page: Page, *, evidence: str) -> None:
    """Level 2 (Working) everywhere, except level 3 with evidence in the first skill."""
    answers = page.locator(".skill-answer")
    count = answers.count()
    assert count > 3
    for position in range(count):
        answer = answers.nth(position)
        group = answer.get_by_role("group")
        if position == 0:
            group.get_by_label("3 Practitioner", exact=True).check()
            answer.get_by_role("textbox").fill(evidence)
        else:
            group.get_by_label("2 Working", exact=True).check()


def first_screens(page: Page, name: str, height: int = 1600) -> None:
    """The top of a long page (``docs/screenshots/<name>.png``) when ``EDSKILLS_SCREENSHOTS=1``:
    the member's form at phone width is some twenty screens tall."""
    if os.environ.get("EDSKILLS_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 375
        clip = {"x": 0, "y": 0, "width": width, "height": height}
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip=clip)


def readiness(page: Page) -> float:
    return float(page.locator(".readiness__number").first.inner_text().rstrip("%"))


def fits_the_phone(page: Page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_a_team_of_eight_completes_a_round_from_emailed_links_and_the_next_review_is_scheduled(
    page: Page,
    browser: Browser,
    served_app: str,
    database_url: str,
    keys: dict[str, str],
    smtp_server: tuple[Inbox, int],
    pages_without_js: list[Page],
    check_accessibility: Callable[[Page], None],
) -> None:
    inbox, _ = smtp_server
    audit_id, skills = a_team_of_eight(served_app, keys["newcastle"])
    manager = create_person(database_url, grants=MANAGER, name="Dana Reid")
    sign_in_browser(page, manager)

    # From the team matrix to a new round.
    page.goto(f"/app/councils/{NEWCASTLE}/audits/{audit_id}")
    page.get_by_role("link", name="Self-assessment rounds").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Self-assessment rounds: Team audit 2027")
    check_accessibility(page)
    page.get_by_role("link", name="Open a round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a self-assessment round")
    for reference in TEAM:
        expect(page.get_by_label(reference, exact=True)).to_be_checked()  # everyone, by default
    check_accessibility(page)

    # A mistake first: no title, an address that is not one. Nothing is written.
    page.get_by_label("Due date").fill((dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.get_by_label("Email for EDO-01 (optional)").fill("not an address")
    page.get_by_role("button", name="Open the round").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a title for the round")
    expect(summary).to_contain_text("Enter EDO-01's email address")
    check_accessibility(page)
    summary.get_by_role("link", name=re.compile("EDO-01's email")).click()
    expect(page.get_by_label("Email for EDO-01 (optional)")).to_be_focused()

    page.get_by_label("Title").fill(ROUND_TITLE)
    for reference in TEAM:
        page.get_by_label(f"Email for {reference} (optional)").fill(address_of(reference))
    page.get_by_label("Needs profile", exact=True).select_option(
        label="No needs profile: the role's requirements only"
    )
    page.get_by_label("Ask for evidence at level 3 and above").check()
    page.get_by_label("Every 3 months").check()
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Round opened: {ROUND_TITLE}")
    expect(page.get_by_role("status").first).to_contain_text("8 links emailed")
    expect(page.get_by_text("Every member's link was emailed")).to_be_visible()
    check_accessibility(page)
    links = emailed_links(inbox)
    assert sorted(links) == sorted(address_of(reference) for reference in TEAM)

    page.get_by_role("link", name=f"Go to the round: {ROUND_TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ROUND_TITLE)
    expect(page.locator(".readiness")).to_contain_text("0 of 8 members have submitted")
    check_accessibility(page)

    # Seven members at a phone's width with JavaScript; EDO-08 with it off.
    for position, reference in enumerate(TEAM):
        javascript = reference != "EDO-08"
        context = browser.new_context(
            base_url=served_app, viewport=PHONE, locale="en-GB", java_script_enabled=javascript
        )
        try:
            member_page = context.new_page()
            if not javascript:
                pages_without_js.append(member_page)
            member_page.goto(links[address_of(reference)])
            expect(member_page.get_by_role("heading", level=1)).to_have_text(f"Your skills: {ROUND_TITLE}")
            expect(member_page.get_by_text(f"Hello {NAMES[position]}")).to_be_visible()
            assert member_page.locator(".skill-answer").count() == len(skills)
            if position == 0:
                check_accessibility(member_page)
                assert fits_the_phone(member_page)
                # Submit with nothing chosen: an error per skill, each linked to its first radio.
                member_page.get_by_role("button", name="Submit your answers").click()
                alert = member_page.get_by_role("alert")
                expect(alert).to_contain_text("Choose your level in")
                check_accessibility(member_page)
                alert.get_by_role("link").first.click()
                expect(member_page.locator(".skill-answer").first.get_by_role("radio").first).to_be_focused()
                # Level 3 without evidence: the round asks for it. Then a draft, kept.
                answer_every_skill(member_page, evidence="")
                member_page.get_by_role("button", name="Submit your answers").click()
                expect(member_page.get_by_role("alert")).to_contain_text("Give evidence for")
                member_page.get_by_role("button", name="Save as a draft").click()
                expect(member_page.get_by_role("status")).to_contain_text("Your draft is saved")
                first = member_page.locator(".skill-answer").first
                expect(first.get_by_label("3 Practitioner", exact=True)).to_be_checked()
            answer_every_skill(member_page, evidence="Led the 2026 UKSPF business support bid.")
            develop = (
                member_page.locator(".skill-answer")
                .nth(1)
                .get_by_label(re.compile("I'd like to develop this"))
            )
            develop.check()
            member_page.get_by_role("button", name="Submit your answers").click()
            expect(member_page.get_by_role("status")).to_contain_text("your answers are submitted")
            expect(member_page.get_by_role("button", name="Submit your changes")).to_be_visible()
            if position == 0:
                check_accessibility(member_page)
                assert fits_the_phone(member_page)
                first_screens(member_page, "self-assessment-phone")
            if not javascript:
                check_accessibility(member_page)
        finally:
            context.close()

    # The manager: 100% responded, each member flagged once (3 against the manager's 1).
    page.reload()
    expect(page.locator(".readiness")).to_contain_text("8 of 8 members have submitted")
    expect(page.locator(".readiness__number")).to_have_text("100.0%")
    gaps_url = f"/app/councils/{NEWCASTLE}/gaps?audit={audit_id}&needs="
    page.goto(f"/app/councils/{NEWCASTLE}/needs")
    profile_href = page.get_by_role("link", name="Growth plan 2028").get_attribute("href")
    assert profile_href is not None
    gaps_url += profile_href.rsplit("/", 1)[1]
    page.goto(gaps_url)
    before = readiness(page)  # the manager's level 1 still counts over the members' own

    page.goto(f"/app/councils/{NEWCASTLE}/audits/{audit_id}/rounds")
    page.get_by_role("link", name=ROUND_TITLE).click()
    page.get_by_role("link", name="Review the answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {ROUND_TITLE}")
    edo1 = page.get_by_role("region", name=re.compile("^EDO-01"))
    flagged = edo1.get_by_role("row").filter(has_text="⚑ Differs by 2")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("+2")
    expect(flagged).to_contain_text("Led the 2026 UKSPF business support bid.")
    expect(edo1.get_by_text("Would like to develop this")).to_have_count(1)
    check_accessibility(page)
    first_screens(page, "round-review", 1800)

    # Verify one, then the ticked ones, then everyone.
    edo1.get_by_role("button", name="Verify EDO-01's own levels").click()
    expect(page.get_by_role("status")).to_contain_text(f"{len(skills)} levels accepted as verified")
    page.get_by_label("Select EDO-02").check()
    page.get_by_label("Select EDO-03").check()
    page.get_by_role("button", name="Verify the ticked members' levels").click()
    expect(page.get_by_role("status")).to_contain_text(f"{2 * len(skills)} levels accepted as verified")
    page.get_by_role("button", name="Verify everyone who submitted").click()
    expect(page.get_by_role("status")).to_contain_text(f"{8 * len(skills)} levels accepted as verified")
    check_accessibility(page)

    # A level of the manager's own for EDO-04 in the first skill, then that assessment's history.
    edo4 = page.get_by_role("region", name=re.compile("^EDO-04"))
    first_skill = edo4.get_by_role("rowheader").first.inner_text().split("\n")[0]
    edo4.get_by_label(f"Your level for EDO-04 in {first_skill}").select_option("4")
    edo4.get_by_role("button", name="Save your levels for EDO-04").click()
    expect(page.get_by_role("status")).to_contain_text("Your levels are saved")
    edo4 = page.get_by_role("region", name=re.compile("^EDO-04"))
    edo4.get_by_role("link", name=f"History of EDO-04 in {first_skill}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"History of EDO-04: {first_skill}")
    history = page.get_by_role("row")
    expect(history.filter(has_text="verified").filter(has_text="Removed")).to_have_count(1)
    expect(history.filter(has_text="manager").filter(has_text="4 Expert")).to_have_count(1)
    expect(history.filter(has_text="self")).to_have_count(1)
    expect(page.get_by_role("cell", name="EDO-04 (self-assessment)")).to_have_count(1)
    check_accessibility(page)

    # The gaps follow the verified levels.
    page.goto(gaps_url)
    assert readiness(page) > before

    # Close: the 3-month review is scheduled and due on the dashboard, with the progress review.
    page.goto(f"/app/councils/{NEWCASTLE}/audits/{audit_id}/rounds")
    page.get_by_role("link", name=ROUND_TITLE).click()
    page.get_by_role("link", name=f"Close {ROUND_TITLE}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Close {ROUND_TITLE}?")
    check_accessibility(page)
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_role("status")).to_contain_text("The round is closed")
    expect(page.get_by_role("link", name="The scheduled review's audit")).to_be_visible()
    check_accessibility(page)
    page.goto(f"/app/councils/{NEWCASTLE}")
    due = page.locator(".due-list")
    expect(due).to_contain_text("Team audit 2027 — 3-month review")
    expect(due).to_contain_text("Scheduled")
    check_accessibility(page)
    screenshot(page, "dashboard-due")
    due.get_by_role("link", name=re.compile("^Progress since the last review")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress")
    expect(page.get_by_role("alert")).to_have_count(0)


def test_links_that_no_longer_work_answer_410_and_name_nothing_and_a_form_without_its_token_writes_nothing(
    page_without_js: Page,
    served_app: str,
    database_url: str,
    keys: dict[str, str],
    check_accessibility: Callable[[Page], None],
) -> None:
    audit_id, _ = a_team_of_eight(served_app, keys["newcastle"])
    rounds = f"{served_app}/v1/councils/{NEWCASTLE}/audits/{audit_id}/rounds"
    opened = httpx.post(
        rounds,
        json={
            "title": ROUND_TITLE,
            "due_date": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
            "members": ["EDO-01", "EDO-02"],
        },
        headers=bearer(keys["newcastle"]),
    )
    assert opened.status_code == 201, opened.text
    first, second = (urlsplit(link["link"]).path for link in opened.json()["links"])
    round_id = opened.json()["round"]["id"]

    # JavaScript off: the form works, and without its CSRF token a post is refused, nothing written.
    page = page_without_js
    page.goto(first)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your skills: {ROUND_TITLE}")
    answer_every_skill(page, evidence="")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved")
    check_accessibility(page)
    forged = httpx.post(f"{served_app}{second}", data={"action": "submit"})
    assert forged.status_code == 403
    review = httpx.get(f"{rounds}/{round_id}/review", headers=bearer(keys["newcastle"])).json()
    assert review["response"]["submitted"] == 0

    # Replaced (re-issued), revoked and never issued links: the same 410 page, naming nothing.
    reissued = httpx.post(
        f"{rounds}/{round_id}/links", json={"members": ["EDO-01"]}, headers=bearer(keys["newcastle"])
    )
    assert reissued.status_code in {200, 201}, reissued.text
    revoked = httpx.post(f"{rounds}/{round_id}/links/EDO-02/revoke", headers=bearer(keys["newcastle"]))
    assert revoked.status_code in {200, 204}, revoked.text
    for path in (first, second, "/app/self-assessment/" + "x" * 32, "/app/self-assessment/%00"):
        answer = page.goto(path)
        assert answer is not None
        assert answer.status == (400 if "%00" in path else 410), path
        if answer.status == 410:
            expect(page.get_by_role("heading", level=1)).to_have_text("This link no longer works")
            text = page.locator("main").inner_text()
            for secret in (ROUND_TITLE, NEWCASTLE_NAME, "EDO-0", "Ana Byrne"):
                assert secret not in text
    check_accessibility(page)
    assert run_async(_submitted(database_url)) == 0


async def _submitted(url: str) -> int:
    from sqlalchemy import func, select

    from api.db.engine import create_engine
    from api.db.models import RoundMember

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).select_from(RoundMember).where(RoundMember.submitted_at.is_not(None))
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()
