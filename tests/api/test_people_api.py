"""Issue 15 follow-up: people, grants, invitations, reset links and the event log in the JSON API
(DESIGN §3: what the admin pages do, an admin key can do), on both databases, through the real app.

Refusals are checked to write nothing: the people tables' row counts are the same afterwards.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.accounts import create_person, csrf_token, people_counts, set_password_through_the_page
from tests.conftest import GATESHEAD, NEWCASTLE, bearer

Client = TestClient  # type: ignore[type-arg]
INVITE = {"email": "Lee.Officer@Newcastle.gov.uk", "display_name": "Lee Officer", "grants": ["analyst"]}
KEY_ACTOR = re.compile(r"^key \d+ \(admin\)$")


def routes(person_id: int) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Every people and events operation, with a body that would succeed for an admin key."""
    return [
        ("GET", "/v1/people", None),
        ("POST", "/v1/people/invitations", INVITE),
        ("GET", f"/v1/people/{person_id}", None),
        ("PUT", f"/v1/people/{person_id}/grants/editor", None),
        ("DELETE", f"/v1/people/{person_id}/grants/analyst", None),
        ("POST", f"/v1/people/{person_id}/reset", None),
        ("GET", "/v1/events", None),
    ]


def test_every_route_needs_an_admin_key_and_a_refusal_writes_nothing(
    client: Client, keys: dict[str, str], database_url: str
) -> None:
    someone = create_person(database_url, grants=["analyst"])
    before = people_counts(database_url)
    for method, path, body in routes(someone.person_id):
        anonymous = client.request(method, path, json=body)
        assert anonymous.status_code == 401, (method, path, anonymous.text)
        assert anonymous.headers["content-type"].startswith("application/problem+json")
        for key in ("newcastle", "framework"):
            refused = client.request(method, path, json=body, headers=bearer(keys[key]))
            assert refused.status_code == 403, (method, path, key, refused.text)
            assert refused.json()["detail"] == "This API key lacks the 'admin' scope"
    assert people_counts(database_url) == before
    # The same requests with the admin key all succeed: the key, not the request, was refused.
    answers = [
        client.request(method, path, json=body, headers=bearer(keys["admin"])).status_code
        for method, path, body in routes(someone.person_id)
    ]
    assert answers == [200, 201, 200, 200, 200, 201, 200]


def test_an_invitation_from_the_api_is_listed_and_its_link_works_once(
    client: Client, keys: dict[str, str]
) -> None:
    admin = bearer(keys["admin"])
    answer = client.post("/v1/people/invitations", json=INVITE, headers=admin)
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "no-store"
    issued = answer.json()
    assert issued["email"] == "lee.officer@newcastle.gov.uk" and issued["purpose"] == "invite"
    assert issued["emailed"] is False and issued["expires_at"]
    assert "/app/set-password/" in issued["link"]

    person = client.get(f"/v1/people/{issued['person_id']}", headers=admin).json()
    assert (person["status"], person["grants"], person["display_name"]) == (
        "invited",
        ["analyst"],
        "Lee Officer",
    )
    listing = client.get("/v1/people", headers=admin)
    assert [p["email"] for p in listing.json()["items"]] == ["lee.officer@newcastle.gov.uk"]
    assert listing.headers["x-total-count"] == "1"

    assert set_password_through_the_page(client, issued["link"], "a long enough password") == 303
    assert set_password_through_the_page(client, issued["link"], "another long password") == 410
    assert client.get(f"/v1/people/{issued['person_id']}", headers=admin).json()["status"] == "active"

    invited = client.get("/v1/events", params={"kind": "invited"}, headers=admin).json()["items"]
    assert len(invited) == 1 and KEY_ACTOR.match(invited[0]["actor"]), invited
    assert invited[0]["detail"]["grants"] == ["analyst"]
    # Someone with a password cannot be invited again: 409, and a reset is what helps them.
    again = client.post("/v1/people/invitations", json=INVITE, headers=admin)
    assert again.status_code == 409 and "reset" in again.json()["detail"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({**INVITE, "grants": ["mayor"]}, 422, "grants[0]"),
        ({**INVITE, "grants": ["analyst", "manager:E08999999"]}, 422, "grants[1]"),
        ({**INVITE, "grants": []}, 422, "grants"),
        ({**INVITE, "email": "not-an-email"}, 422, "email"),
        ({**INVITE, "email": "x" * 250 + "@a.uk"}, 422, "email"),
        ({**INVITE, "display_name": ""}, 422, "display_name"),
        ({**INVITE, "display_name": "Lee\u0000Officer"}, 422, "display_name"),
        ({**INVITE, "grants": "analyst"}, 422, "grants"),
        ({**INVITE, "grants": ["x" * 41]}, 422, "grants[0]"),
        ({**INVITE, "role": "admin"}, 422, "role"),
        ({"email": INVITE["email"], "grants": ["analyst"]}, 422, "display_name"),
    ],
    ids=[
        "not-a-grant",
        "council-not-in-registry",
        "no-grants",
        "bad-email",
        "long-email",
        "empty-name",
        "nul-in-name",
        "grants-not-a-list",
        "long-grant",
        "unknown-field",
        "missing-name",
    ],
)
def test_a_bad_invitation_names_the_field_and_writes_nothing(
    client: Client, keys: dict[str, str], database_url: str, body: dict[str, Any], status: int, field: str
) -> None:
    before = people_counts(database_url)
    answer = client.post("/v1/people/invitations", json=body, headers=bearer(keys["admin"]))
    assert answer.status_code == status, answer.text
    problem = answer.json()
    assert field in [error["field"] for error in problem["errors"]], problem
    assert people_counts(database_url) == before


def test_grants_are_idempotent_puts_and_deletes_each_logged_once(
    client: Client, keys: dict[str, str], database_url: str
) -> None:
    admin = bearer(keys["admin"])
    someone = create_person(database_url, grants=["analyst"])
    path = f"/v1/people/{someone.person_id}/grants"
    manager = f"manager:{GATESHEAD}"
    for _ in range(2):
        given = client.put(f"{path}/{manager}", headers=admin)
        assert given.status_code == 200, given.text
        assert given.json()["grants"] == ["analyst", manager]
    for _ in range(2):
        taken = client.delete(f"{path}/analyst", headers=admin)
        assert taken.status_code == 200, taken.text
        assert taken.json()["grants"] == [manager]
    log = client.get("/v1/events", params={"kind": "grant-added"}, headers=admin).json()
    assert log["total"] == 1 and log["items"][0]["detail"]["grant"] == manager
    assert KEY_ACTOR.match(log["items"][0]["actor"])
    assert client.get("/v1/events", params={"kind": "grant-removed"}, headers=admin).json()["total"] == 1
    # The grant is the person's power as a key scope: a Gateshead manager now, not an analyst.
    assert client.get(f"/v1/people/{someone.person_id}", headers=admin).json()["grants"] == [manager]


def test_bad_grants_and_unknown_people_are_refused_and_write_nothing(
    client: Client, keys: dict[str, str], database_url: str
) -> None:
    admin = bearer(keys["admin"])
    someone = create_person(database_url, grants=["analyst"])
    before = people_counts(database_url)
    path = f"/v1/people/{someone.person_id}/grants"
    for method, grant, message in [
        ("PUT", "mayor", "'mayor' is not a grant"),
        ("PUT", "manager:E08999999", "council E08999999 is not in the registry"),
        ("PUT", "manager:nowhere", "is not a grant"),
        ("DELETE", "mayor", "'mayor' is not a grant"),
    ]:
        answer = client.request(method, f"{path}/{grant}", headers=admin)
        assert answer.status_code == 422, (method, grant, answer.text)
        assert answer.json()["errors"][0]["field"] == "grant"
        assert message in answer.json()["errors"][0]["message"]
    assert client.put(f"{path}/{'x' * 41}", headers=admin).status_code == 400
    missing = someone.person_id + 1000
    for method, tail in [
        ("GET", ""),
        ("PUT", "/grants/editor"),
        ("DELETE", "/grants/editor"),
        ("POST", "/reset"),
    ]:
        answer = client.request(method, f"/v1/people/{missing}{tail}", headers=admin)
        assert answer.status_code == 404, (method, tail, answer.text)
    assert client.get("/v1/people/0", headers=admin).status_code == 400
    assert people_counts(database_url) == before


def test_a_reset_link_from_the_api_replaces_the_password_once(
    client: Client, keys: dict[str, str], database_url: str
) -> None:
    admin = bearer(keys["admin"])
    someone = create_person(database_url, grants=[f"manager:{NEWCASTLE}"])
    first = client.post(f"/v1/people/{someone.person_id}/reset", headers=admin)
    second = client.post(f"/v1/people/{someone.person_id}/reset", headers=admin)
    assert first.status_code == second.status_code == 201, first.text
    issued = second.json()
    assert issued["purpose"] == "reset" and issued["email"] == someone.email and issued["emailed"] is False
    assert set_password_through_the_page(client, first.json()["link"], "my new password please") == 410
    assert set_password_through_the_page(client, issued["link"], "my new password please") == 303
    assert set_password_through_the_page(client, issued["link"], "my new password please") == 410
    resets = client.get("/v1/events", params={"kind": "reset-issued"}, headers=admin).json()["items"]
    assert [KEY_ACTOR.match(item["actor"]) is not None for item in resets] == [True, True]
    password_set = client.get("/v1/events", params={"kind": "password-set"}, headers=admin).json()["items"]
    assert password_set[0]["detail"] == {"email": someone.email, "through": "reset"}


def test_the_event_log_pages_newest_first_and_filters_by_kind(
    client: Client, keys: dict[str, str], database_url: str
) -> None:
    admin = bearer(keys["admin"])
    for number in range(3):
        create_person(database_url, grants=["analyst"], email=f"p{number}@example.gov.uk")
    everything = client.get("/v1/events", params={"limit": 500}, headers=admin).json()
    ids = [item["id"] for item in everything["items"]]
    assert ids == sorted(ids, reverse=True) and everything["total"] == len(ids)
    first = client.get("/v1/events", params={"limit": 2}, headers=admin)
    assert [item["id"] for item in first.json()["items"]] == ids[:2]
    assert first.headers["x-total-count"] == str(len(ids))
    assert 'rel="next"' in first.headers["link"] and "offset=2" in first.headers["link"]
    invited = client.get("/v1/events", params={"kind": "invited"}, headers=admin).json()
    assert invited["kind"] == "invited" and invited["total"] == 3
    assert {item["detail"]["email"] for item in invited["items"]} == {
        f"p{n}@example.gov.uk" for n in range(3)
    }
    assert all(item["kind"] == "invited" for item in invited["items"])
    unknown = client.get("/v1/events", params={"kind": "coffee"}, headers=admin)
    assert unknown.status_code == 400 and "kind" in unknown.text
    assert client.get("/v1/events", params={"limit": 0}, headers=admin).status_code == 400


@pytest.mark.parametrize(
    "token",
    ["not!a+token", "caf%C3%A9", "a.b", "%20spaced%20", "x" * 101, "y" * 500, "%F0%9F%94%91"],
    ids=["punctuation", "accented", "dot", "spaces", "too-long-for-a-token", "at-the-bound", "emoji"],
)
def test_a_malformed_set_password_link_gets_the_friendly_410_page(client: Client, token: str) -> None:
    """Issue 15 follow-up: any text is answered as an unknown link (the service decides), for the
    form and for a post to it, never a 400 page."""
    page = client.get(f"/app/set-password/{token}")
    assert page.status_code == 410, page.text[:300]
    assert "This link cannot be used" in page.text
    form = {"password": "x" * 20, "confirm_password": "x" * 20}
    csrf = csrf_token(client.get("/app/reset").text)  # this browser's token, from any form
    posted = client.post(f"/app/set-password/{token}", data={**form, "_csrf_token": csrf})
    assert posted.status_code == 410 and "This link cannot be used" in posted.text
