"""The public framework pages and the editors' pages (issue 16), in Chromium on both databases.

- A member of the public browses categories → skill → role → the pathway SVG (rendered: its title,
  description and one linked box per role), finds a skill from a messy phrase, filters the training
  catalogue (the same answer as ``GET /v1/training``) and gets a wrong filter back with an error summary.
- An editor creates a draft, sees the validator's problem after an invalid edit made through the JSON
  API, publishes it with the confirm step (a stale confirm page is refused with 412 and publishes
  nothing), and the public pages then show the new edition, the old one by ``?version=`` with its
  banner, and retired once retired.
- Every page with JavaScript off; axe on every page; no public page opens a database session.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import httpx
from litestar.testing import TestClient
from playwright.sync_api import Page, expect

from api.app import create_app
from api.settings import Settings
from taxonomy.load import SHIPPED, load_framework
from tests.accounts import create_person, csrf_token, sign_in_browser, sign_in_http
from tests.api.national import create_key
from tests.api.test_public_reads_cache import reader_statements
from tests.conftest import NEWCASTLE, bearer, off_event_loop
from tests.helpers import statements

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CURRENT = "2026.1"
DRAFT = "2026.2"
SHIPPED_FRAMEWORK = load_framework(SHIPPED)
PUBLIC_PATHS = [
    "/framework",
    "/framework/skills?q=bid+writting",
    "/framework/skills/bid-writing",
    "/framework/roles",
    "/framework/roles/ed-officer",
    "/framework/pathways",
    "/framework/scenarios",
    "/framework/training?kind=course&max_cost=500",
    "/framework/training?max_cost=lots",
    "/framework/editions",
    f"/framework?version={CURRENT}",
]


def screenshot(page: Page, database_url: str, name: str) -> None:
    """``docs/screenshots/<name>.png`` for the README, only when ``EDSKILLS_SCREENSHOTS=1`` (once, on
    SQLite), so an ordinary run never rewrites them."""
    if os.environ.get("EDSKILLS_SCREENSHOTS") == "1" and database_url.startswith("sqlite"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_a_member_of_the_public_browses_searches_and_filters(
    page: Page, served_app: str, database_url: str, check_accessibility: Callable[[Page], None]
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Browse the ED skills framework").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The ED skills framework")
    expect(page.get_by_text(f"the current edition, ed-skills@{CURRENT}")).to_be_visible()
    check_accessibility(page)
    screenshot(page, database_url, "framework")

    # A messy phrase finds the skill, through the matcher of /v1/skills?q=.
    page.get_by_label("Search the skills").fill("monitering & eval")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text('Skills matching "monitering & eval"')
    api_first = httpx.get(f"{served_app}/v1/skills", params={"q": "monitering & eval"}).json()["items"][0]
    results = page.get_by_role("list", name="Search results")
    expect(results.get_by_role("listitem").first.get_by_role("link")).to_have_text(api_first["label"])
    check_accessibility(page)
    page.get_by_role("link", name=api_first["label"], exact=True).click()

    # The skill: labels, the level scale with the skill's own indicator beside each level (as
    # GET /v1/skills/{slug} gives them), the roles that require it, training.
    expect(page.get_by_role("heading", level=1)).to_have_text(api_first["label"])
    levels = httpx.get(f"{served_app}/v1/skills/{api_first['slug']}").json()["levels"]
    scale = page.get_by_role(
        "table", name=f"The proficiency scale, and what each level looks like for {api_first['label']}"
    )
    for level in levels:
        row = scale.get_by_role("row").filter(
            has=page.get_by_role("rowheader", name=str(level["level"]), exact=True)
        )
        expect(row.get_by_role("cell")).to_have_text(
            [level["name"], level.get("indicator", ""), level["description"]]
        )
    roles_table = page.get_by_role("table", name=re.compile(r"^Roles requiring"))
    first_role = roles_table.get_by_role("link").first
    role_title = first_role.inner_text()
    check_accessibility(page)
    screenshot(page, database_url, "framework-skill")
    first_role.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(role_title)
    expect(page.get_by_role("table", name=f"What a {role_title} needs")).to_contain_text(api_first["label"])
    check_accessibility(page)

    # The pathway graph, drawn by the server, laid out and painted by Chromium.
    page.get_by_role("navigation", name="The framework").get_by_role("link", name="Career pathways").click()
    graph = page.get_by_role("group", name=f"Career pathways of ed-skills@{CURRENT}")
    expect(graph).to_be_visible()
    assert graph.evaluate("svg => svg.querySelector('desc').textContent").startswith(
        f"{len(SHIPPED_FRAMEWORK.roles)} roles"
    )
    nodes = graph.get_by_role("link")
    expect(nodes).to_have_count(len(SHIPPED_FRAMEWORK.roles))
    boxes = nodes.evaluate_all(
        "links => links.map(a => { const b = a.getBBox(); return [b.width, b.height]; })"
    )
    assert all(width > 100 and height > 40 for width, height in boxes), boxes
    edges = graph.locator("path[data-from]")
    expect(edges).to_have_count(len(SHIPPED_FRAMEWORK.pathways))
    expect(page.get_by_role("table", name="Pathway steps between roles").locator("tbody tr")).to_have_count(
        len(SHIPPED_FRAMEWORK.pathways)
    )
    check_accessibility(page)
    screenshot(page, database_url, "framework-pathways")
    graph.get_by_role("link", name="Senior / Principal ED Officer (band 4)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Senior / Principal ED Officer")

    # Scenarios and the list of roles.
    page.get_by_role("navigation", name="The framework").get_by_role("link", name="Scenarios").click()
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    check_accessibility(page)
    page.get_by_role("navigation", name="The framework").get_by_role("link", name="Roles").click()
    expect(page.get_by_role("table", name="Roles by seniority band").locator("tbody tr")).to_have_count(
        len(SHIPPED_FRAMEWORK.roles)
    )
    check_accessibility(page)

    # The catalogue's filters give what GET /v1/training gives; a wrong one comes back explained.
    page.get_by_role("navigation", name="The framework").get_by_role("link", name="Training").click()
    page.get_by_label("Kind").select_option(label="Course")
    page.get_by_label("Most you would pay per person (£)").fill("300")
    page.get_by_role("button", name="Show training").click()
    api = httpx.get(
        f"{served_app}/v1/training", params={"kind": "course", "max_cost": 300, "limit": 200}
    ).json()
    assert 0 < api["total"] < len(SHIPPED_FRAMEWORK.training)
    expect(page.get_by_role("heading", name=f"{api['total']} training options")).to_be_visible()
    rows = page.get_by_role("table", name="Training options matching the filters").locator("tbody tr")
    expect(rows).to_have_count(api["total"])
    expect(page.get_by_label("Kind")).to_have_value("course")
    check_accessibility(page)
    screenshot(page, database_url, "framework-training")
    page.get_by_label("Most you would pay per person (£)").fill("lots")
    with page.expect_response(re.compile(r"/framework/training\?")) as answered:
        page.get_by_role("button", name="Show training").click()
    assert answered.value.status == 400
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Enter a most you would pay as a number of pounds")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Most you would pay per person (£)")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    check_accessibility(page)

    page.get_by_role("navigation", name="The framework").get_by_role("link", name="Editions").click()
    expect(page.get_by_role("table", name=re.compile(r"^Published and retired editions"))).to_contain_text(
        f"ed-skills@{CURRENT}"
    )
    check_accessibility(page)


def test_an_editor_publishes_a_new_edition_and_retires_the_old_one(
    page: Page, served_app: str, database_url: str, check_accessibility: Callable[[Page], None]
) -> None:
    editor = create_person(database_url, grants=["editor"], name="Eden Editor")
    tool = bearer(off_event_loop(create_key, database_url, "editing tool", "framework:write"))
    api = httpx.Client(base_url=served_app, headers=tool)
    sign_in_browser(page, editor)
    page.get_by_role("link", name="Framework editions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Framework editions")
    check_accessibility(page)

    # A draft must come after every edition: refused on the form, with nothing written.
    page.get_by_label("New edition").fill("2025.9")
    with page.expect_response(re.compile(r"/app/framework/drafts$")) as answered:
        page.get_by_role("button", name="Create the draft").click()
    assert answered.value.status == 422
    expect(page.get_by_role("alert")).to_contain_text(f"the latest is {CURRENT}")
    check_accessibility(page)
    assert httpx.get(f"{served_app}/v1/frameworks/2025.9/document", headers=tool).status_code == 404
    page.get_by_label("New edition").fill("next year")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("alert")).to_contain_text("like 2026.2")
    page.get_by_label("New edition").fill(DRAFT)
    page.get_by_label("Title (optional)").fill("ED skills framework, second edition")
    page.get_by_role("button", name="Create the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ed-skills@{DRAFT} (draft)")
    expect(page.get_by_role("status")).to_contain_text("The draft is created")
    expect(page.get_by_text("The validator finds no problem")).to_be_visible()

    # An invalid edit through the JSON API: the draft page shows the validator's problem.
    role = api.get(f"/v1/frameworks/{DRAFT}/roles/ed-officer")
    broken = api.put(
        f"/v1/frameworks/{DRAFT}/roles/ed-officer/requirements/no-such-skill",
        json={"level": 2, "importance": "essential"},
        headers={"If-Match": role.headers["etag"]},
    )
    assert broken.status_code == 200, broken.text
    page.reload()
    problems = page.get_by_role("table", name=f"What stops {DRAFT} from being published")
    expect(problems).to_contain_text("no-such-skill")
    check_accessibility(page)
    screenshot(page, database_url, "framework-editor-problems")
    page.goto(f"/app/framework/{DRAFT}/publish")
    expect(page.get_by_role("heading", name="It cannot be published yet")).to_be_visible()
    expect(page.get_by_role("button", name=f"Publish {DRAFT}")).to_have_count(0)
    role = api.get(f"/v1/frameworks/{DRAFT}/roles/ed-officer")
    fixed = api.delete(
        f"/v1/frameworks/{DRAFT}/roles/ed-officer/requirements/no-such-skill",
        headers={"If-Match": role.headers["etag"]},
    )
    assert fixed.status_code == 204, fixed.text

    # The confirm page carries the edition's tag; a colleague's edit since makes it stale: 412.
    page.goto(f"/app/framework/{DRAFT}")
    page.get_by_role("link", name=f"Publish {DRAFT}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Publish ed-skills@{DRAFT}?")
    check_accessibility(page)
    skill = api.get(f"/v1/frameworks/{DRAFT}/skills/bid-writing")
    edited = api.put(
        f"/v1/frameworks/{DRAFT}/skills/bid-writing",
        json={
            **skill.json(),
            "description": "Writing winning bids, edited by a colleague.",
            "indicators": [],
        },
        headers={"If-Match": skill.headers["etag"]},
    )
    assert edited.status_code == 200, edited.text
    with page.expect_response(re.compile(rf"/app/framework/{DRAFT}/publish$")) as answered:
        page.get_by_role("button", name=f"Publish {DRAFT}").click()
    assert answered.value.status == 412
    expect(page.get_by_role("alert")).to_contain_text(f"Someone changed {DRAFT} after you opened this page")
    check_accessibility(page)
    assert httpx.get(f"{served_app}/v1/frameworks/{DRAFT}").status_code == 404  # still a draft
    page.get_by_role("button", name=f"Publish {DRAFT}").click()
    expect(page.get_by_role("status")).to_contain_text("The edition is published")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"ed-skills@{DRAFT} (published)")

    # The public pages now show the new edition; the old one by ?version=, then retired.
    page.goto("/framework")
    expect(page.get_by_text(f"the current edition, ed-skills@{DRAFT}")).to_be_visible()
    # The colleague removed bid-writing's indicators: the new edition shows the plain scale, the
    # old one still its own lines.
    page.goto("/framework/skills/bid-writing")
    expect(page.get_by_role("table", name="The proficiency scale, the same for every skill")).to_be_visible()
    page.goto(f"/framework/skills/bid-writing?version={CURRENT}")
    expect(page.get_by_text("Older edition:")).to_be_visible()
    first_line = SHIPPED_FRAMEWORK.skills[
        [s.slug for s in SHIPPED_FRAMEWORK.skills].index("bid-writing")
    ].indicators[0]
    expect(page.get_by_role("table", name=re.compile(r"what each level looks like for"))).to_contain_text(
        first_line
    )
    expect(
        page.get_by_role("navigation", name="The framework").get_by_role("link", name="Roles")
    ).to_have_attribute("href", f"/framework/roles?version={CURRENT}")
    page.goto(f"/app/framework/{CURRENT}")
    page.get_by_role("link", name=f"Retire {CURRENT}").click()
    check_accessibility(page)
    page.get_by_role("button", name=f"Retire {CURRENT}").click()
    expect(page.get_by_role("status")).to_contain_text("The edition is retired")
    page.goto(f"/framework?version={CURRENT}")
    expect(page.get_by_text("Retired edition:")).to_be_visible()
    check_accessibility(page)
    screenshot(page, database_url, "framework-retired")

    # The change log names the editor (a person) and the tool (a key).
    page.goto(f"/app/framework/{DRAFT}/changes")
    log = page.get_by_role("table", name=re.compile(rf"^Changes to {DRAFT}"))
    expect(log.get_by_role("row").filter(has_text="Publish")).to_contain_text(editor.email)
    expect(log.get_by_role("row").filter(has_text="bid-writing")).to_contain_text("editing tool")
    check_accessibility(page)
    # Retiring the only published edition is refused on the confirm page (409), nothing changes.
    page.goto(f"/app/framework/{DRAFT}/retire")
    with page.expect_response(re.compile(rf"/app/framework/{DRAFT}/retire$")) as answered:
        page.get_by_role("button", name=f"Retire {DRAFT}").click()
    assert answered.value.status == 409
    expect(page.get_by_role("alert")).to_contain_text("the only published edition")
    assert httpx.get(f"{served_app}/v1/frameworks/{DRAFT}").json()["status"] == "published"
    api.close()


def test_every_framework_page_works_with_javascript_off(page_without_js: Page, database_url: str) -> None:
    page = page_without_js
    page.goto("/framework")
    page.get_by_label("Search the skills").fill("stakeholder mgmt")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("list", name="Search results").get_by_role("link").first.click()
    # Every shipped skill has its own level lines (issue 17), so the scale table says so.
    expect(
        page.get_by_role("table", name=re.compile(r"^The proficiency scale, and what each level"))
    ).to_be_visible()
    page.goto("/framework/training")
    page.get_by_label("Delivery").select_option(label="Online")
    page.get_by_role("button", name="Show training").click()
    expect(page).to_have_url(re.compile(r"mode=online"))
    page.goto("/framework/pathways")
    graph = page.get_by_role("group", name=re.compile(r"^Career pathways of"))
    graph.get_by_role("link", name="ED Manager / Team Leader (band 5)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ED Manager / Team Leader")
    editor = create_person(database_url, grants=["editor"])
    sign_in_browser(page, editor)
    page.goto("/app/framework")
    page.get_by_label("New edition").fill(DRAFT)
    page.get_by_role("button", name="Create the draft").click()
    page.get_by_role("link", name=f"Publish {DRAFT}").click()
    page.get_by_role("button", name=f"Publish {DRAFT}").click()
    expect(page.get_by_role("status")).to_contain_text("The edition is published")
    page.goto(f"/app/framework/{DRAFT}/changes")
    expect(page.get_by_role("table", name=re.compile(rf"^Changes to {DRAFT}"))).to_contain_text(editor.email)


def test_public_pages_open_no_database_session_and_editor_pages_need_the_grant(database_url: str) -> None:
    """After warm-up the public pages send no statement to either pool (issue 14); the editors'
    pages send anyone without ``editor`` (or admin) away: anonymous to sign in, a manager 403."""
    settings = Settings.from_env({}, database_url=database_url, framework_refresh_seconds=3600.0)
    with TestClient(app=create_app(settings)) as client:
        for path in PUBLIC_PATHS:
            client.get(path)
        with statements(client.app) as sent, reader_statements(client.app) as read:
            answers = {path: client.get(path).status_code for path in PUBLIC_PATHS}
        assert (sent, read) == ([], [])
        assert answers == {path: 400 if "lots" in path else 200 for path in PUBLIC_PATHS}
        anonymous = client.get("/app/framework", follow_redirects=False)
        assert anonymous.status_code == 303
        assert anonymous.headers["location"] == "/app/sign-in?next=/app/framework"
        manager = create_person(database_url, grants=[f"manager:{NEWCASTLE}"])
        sign_in_http(client, manager)
        assert client.get("/app/framework").status_code == 403
        token = csrf_token(client.get("/app").text)
        refused = client.post("/app/framework/drafts", data={"version": DRAFT, "_csrf_token": token})
        assert refused.status_code == 403
        tool = bearer(off_event_loop(create_key, database_url, "editing tool", "framework:write"))
        assert client.get(f"/v1/frameworks/{DRAFT}/document", headers=tool).status_code == 404
