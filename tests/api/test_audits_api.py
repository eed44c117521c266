"""Audits, members and assessments: CRUD, ETags, effective levels and all-or-nothing writes."""

from __future__ import annotations

from collections.abc import Callable

from litestar.testing import TestClient

from tests.api.test_system import assert_problem
from tests.conftest import GATESHEAD, NEWCASTLE, bearer
from tests.helpers import new_audit

AUDITS = f"/v1/councils/{NEWCASTLE}/audits"


def test_audit_lifecycle_with_etags(client: TestClient, keys: dict[str, str]) -> None:
    key = bearer(keys["newcastle"])
    audit_id = new_audit(client, keys["newcastle"])
    created = client.get(f"{AUDITS}/{audit_id}", headers=key)
    assert created.json()["framework_version"] == "2026.1"
    assert created.json()["council"] == NEWCASTLE
    tag = created.headers["etag"]

    stale = client.patch(
        f"{AUDITS}/{audit_id}", json={"title": "Renamed"}, headers={**key, "If-Match": '"x"'}
    )
    assert_problem(stale, 412)
    renamed = client.patch(
        f"{AUDITS}/{audit_id}", json={"title": "Renamed"}, headers={**key, "If-Match": tag}
    )
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Renamed"
    assert renamed.headers["etag"] != tag
    assert_problem(
        client.patch(f"{AUDITS}/{audit_id}", json={"title": "Again"}, headers={**key, "If-Match": tag}), 412
    )

    new_audit(client, keys["newcastle"], "Second")
    page = client.get(AUDITS, params={"limit": 1}, headers=key)
    assert page.json()["total"] == 2
    assert 'rel="next"' in page.headers["link"]

    assert client.delete(f"{AUDITS}/{audit_id}", headers=key).status_code == 204
    assert_problem(client.get(f"{AUDITS}/{audit_id}", headers=key), 404)


def test_audit_input_errors(
    client: TestClient, keys: dict[str, str], row_counts: Callable[[], dict[str, int]]
) -> None:
    key = bearer(keys["newcastle"])
    before = row_counts()
    assert_problem(client.post(AUDITS, json={"title": "", "audit_date": "2026-10-01"}, headers=key), 422)
    assert_problem(client.post(AUDITS, json={"title": "x", "audit_date": "yesterday"}, headers=key), 422)
    assert_problem(
        client.post(
            AUDITS,
            json={"title": "x", "audit_date": "2026-10-01", "framework_version": "2099.1"},
            headers=key,
        ),
        404,
    )
    assert_problem(client.get(f"{AUDITS}/not-a-uuid", headers=key), 404)
    assert row_counts() == before


def test_members_and_effective_levels(
    client: TestClient, keys: dict[str, str], row_counts: Callable[[], dict[str, int]]
) -> None:
    key = bearer(keys["newcastle"])
    audit_id = new_audit(client, keys["newcastle"])
    members = f"{AUDITS}/{audit_id}/members"
    created = client.post(
        members, json={"reference": "EDO-01", "role": "ed-officer", "fte": 0.8}, headers=key
    )
    assert created.status_code == 201
    assert_problem(client.post(members, json={"reference": "EDO-01"}, headers=key), 409)
    body = assert_problem(
        client.post(members, json={"reference": "EDO-02", "role": "astronaut"}, headers=key), 422
    )
    assert body["errors"][0]["field"] == "role"
    assert_problem(client.post(members, json={"reference": "bad/ref"}, headers=key), 422)
    assert_problem(client.post(members, json={"reference": "EDO-03", "fte": 5}, headers=key), 422)
    client.post(members, json={"reference": "EDO-02"}, headers=key)

    matrix = [
        {"member": "EDO-01", "skill": "bid-writing", "level": 1, "source": "self"},
        {"member": "EDO-01", "skill": "bid-writing", "level": 3, "source": "verified"},
        {"member": "EDO-01", "skill": "bid-writing", "level": 2, "source": "manager"},
        {"member": "EDO-01", "skill": "communications", "level": 4, "source": "self"},
        {"member": "EDO-02", "skill": "communications", "level": 2},
    ]
    written = client.put(f"{AUDITS}/{audit_id}/assessments", json={"assessments": matrix}, headers=key)
    assert written.json() == {"created": 5, "updated": 0}
    again = client.put(f"{AUDITS}/{audit_id}/assessments", json={"assessments": matrix[:1]}, headers=key)
    assert again.json() == {"created": 0, "updated": 1}
    member = client.get(f"{members}/EDO-01", headers=key).json()
    assert member["effective_levels"] == {"bid-writing": 3, "communications": 4}
    assert len(member["assessments"]) == 4

    before = row_counts()
    bad = [
        *matrix,
        {"member": "EDO-99", "skill": "bid-writing", "level": 2},
        {"member": "EDO-02", "skill": "juggling", "level": 2},
    ]
    body = assert_problem(
        client.put(f"{AUDITS}/{audit_id}/assessments", json={"assessments": bad}, headers=key), 422
    )
    assert {error["field"] for error in body["errors"]} == {"assessments[5].member", "assessments[6].skill"}
    level_out_of_range = [{"member": "EDO-01", "skill": "bid-writing", "level": 5}]
    body = assert_problem(
        client.put(f"{AUDITS}/{audit_id}/assessments", json={"assessments": level_out_of_range}, headers=key),
        422,
    )
    assert body["errors"][0]["field"].endswith("level")
    assert row_counts() == before

    renamed = client.patch(
        f"{members}/EDO-02", json={"display_name": "Sam", "role": "economic-analyst"}, headers=key
    )
    assert renamed.json()["role"] == "economic-analyst"
    assert client.delete(f"{members}/EDO-01", headers=key).status_code == 204
    after = row_counts()
    assert after["assessments"] == before["assessments"] - 4
    assert after["members"] == before["members"] - 1
    assert_problem(client.get(f"{members}/EDO-01", headers=key), 404)


def test_deleting_an_audit_deletes_everything_under_it(
    client: TestClient, keys: dict[str, str], row_counts: Callable[[], dict[str, int]]
) -> None:
    key = bearer(keys["newcastle"])
    audit_id = new_audit(client, keys["newcastle"])
    client.post(f"{AUDITS}/{audit_id}/members", json={"reference": "A"}, headers=key)
    client.put(
        f"{AUDITS}/{audit_id}/assessments",
        json={"assessments": [{"member": "A", "skill": "bid-writing", "level": 2}]},
        headers=key,
    )
    assert row_counts() == {"audits": 1, "members": 1, "assessments": 1}
    client.delete(f"{AUDITS}/{audit_id}", headers=key)
    assert row_counts() == {"audits": 0, "members": 0, "assessments": 0}


def test_another_council_never_sees_the_audit(client: TestClient, keys: dict[str, str]) -> None:
    audit_id = new_audit(client, keys["newcastle"])
    theirs = bearer(keys["gateshead"])
    assert_problem(client.get(f"{AUDITS}/{audit_id}", headers=theirs), 404)
    assert_problem(client.get(f"/v1/councils/{GATESHEAD}/audits/{audit_id}", headers=theirs), 404)
    assert client.get(f"/v1/councils/{GATESHEAD}/audits", headers=theirs).json()["total"] == 0
