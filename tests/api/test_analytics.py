"""Sector-wide analytics: scope, who is counted, and the suppression of small groups."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.national import create_key
from tests.api.test_system import assert_problem
from tests.conftest import bearer
from tests.helpers import team_audit

NORTH_EAST_MD = ["E08000021", "E08000022", "E08000023", "E08000024"]
LONDON_BOROUGH = "E09000002"
DURHAM_UA = "E06000047"


def audit_with_levels(
    client: TestClient,  # type: ignore[type-arg]
    admin: str,
    code: str,
    level: int,
    share: bool = True,
) -> None:
    """One member at ``level`` in net-zero-economy, sharing as asked."""
    team_audit(client, admin, {"M-1": {"net-zero-economy": level}}, "2026-06-01", code, role=None)
    response = client.put(
        f"/v1/councils/{code}/sharing", json={"share_capability": share}, headers=bearer(admin)
    )
    assert response.status_code == 200


def view(client: TestClient, key: str, **params: str) -> dict[str, Any]:  # type: ignore[type-arg]
    response = client.get("/v1/analytics/sector", params=params, headers=bearer(key))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def group(groups: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return next(g for g in groups if g["key"] == key)


def cell(g: dict[str, Any], skill: str) -> tuple[Any, ...]:
    found = next(c for c in g["cells"] if c["skill"] == skill)
    return found["suppressed"], found.get("red"), found.get("amber"), found.get("green")


def test_scope_is_national_read_or_admin(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    database_url: str,
) -> None:
    params = {"scenario": "net-zero"}
    assert_problem(client.get("/v1/analytics/sector", params=params), 401)
    for name in ("newcastle", "framework"):
        assert_problem(client.get("/v1/analytics/sector", params=params, headers=bearer(keys[name])), 403)
    national = create_key(database_url, "LGA", "national:read")
    assert view(client, national, **params)["subject"] == {
        "kind": "scenario",
        "slug": "net-zero",
        "title": "Green growth and net zero",
    }
    assert view(client, keys["admin"], **params)["overall"]["suppressed"] is True  # nobody shares yet
    assert_problem(client.get("/v1/analytics/sector", headers=bearer(national)), 400)
    both = {"scenario": "net-zero", "role": "ed-officer"}
    assert_problem(client.get("/v1/analytics/sector", params=both, headers=bearer(national)), 400)
    assert_problem(
        client.get("/v1/analytics/sector", params={"role": "nobody"}, headers=bearer(national)), 404
    )


def test_shares_by_region_and_type_with_small_groups_suppressed(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
) -> None:
    admin = keys["admin"]
    # net-zero-economy at 3, essential, one person needed: 0 → red, 3 → amber (single point), never green.
    for code, level in zip(NORTH_EAST_MD, (0, 3, 3, 3), strict=True):
        audit_with_levels(client, admin, code, level)
    audit_with_levels(client, admin, "E08000037", 4, share=False)  # not sharing: not counted
    result = view(client, keys["admin"], scenario="net-zero")
    assert result["overall"]["councils"] == 4
    assert cell(result["overall"], "net-zero-economy") == (False, 25.0, 75.0, 0.0)
    assert group(result["by_region"], "North East")["councils"] == 4
    assert group(result["by_council_type"], "MD")["label"] == "Metropolitan district"
    assert group(result["by_council_type"], "MD")["councils"] == 4
    for groups in (result["by_region"], result["by_council_type"]):
        hidden = [g for g in groups if g["suppressed"]]
        assert all(g["councils"] is None and all(c["red"] is None for c in g["cells"]) for g in hidden)
    assert "fewer than 3" in result["note"]

    # One London borough joins: London (1) is suppressed, and so is the North East, or the
    # national total minus the North East would give London's council away.
    audit_with_levels(client, admin, LONDON_BOROUGH, 0)
    result = view(client, keys["admin"], scenario="net-zero")
    assert result["overall"]["councils"] == 5
    assert cell(result["overall"], "net-zero-economy") == (False, 40.0, 60.0, 0.0)
    assert group(result["by_region"], "London")["suppressed"] is True
    assert group(result["by_region"], "North East")["suppressed"] is True
    assert group(result["by_council_type"], "LBO")["suppressed"] is True
    assert group(result["by_council_type"], "MD")["suppressed"] is True
    text = str(result["by_region"]) + str(result["by_council_type"])
    assert "'councils': 1" not in text and "'councils': 4" not in text

    # Durham (a unitary, North East) and two more London boroughs join: regions are NE 5 and
    # London 3, both shown. By type, UA holds 1 council: suppressed, and the smallest shown type
    # (LBO, 3) with it, so that the hidden remainder (4) is never a single council.
    audit_with_levels(client, admin, DURHAM_UA, 3)
    audit_with_levels(client, admin, "E09000003", 3)
    audit_with_levels(client, admin, "E09000004", 3)
    result = view(client, keys["admin"], scenario="net-zero")
    assert group(result["by_region"], "London")["councils"] == 3
    assert group(result["by_region"], "North East")["councils"] == 5
    assert cell(group(result["by_region"], "London"), "net-zero-economy") == (False, 33.3, 66.7, 0.0)
    assert group(result["by_council_type"], "UA")["suppressed"] is True
    assert group(result["by_council_type"], "LBO")["suppressed"] is True
    assert group(result["by_council_type"], "MD")["councils"] == 4

    response = client.get("/v1/analytics/sector.csv", params={"scenario": "net-zero"}, headers=bearer(admin))
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    for row in rows:
        if row["suppressed"] == "yes":
            assert (row["councils"], row["red_pct"], row["amber_pct"], row["green_pct"]) == ("", "", "", "")
    assert {row["breakdown"] for row in rows} == {"all", "region", "council_type"}


@pytest.mark.parametrize("subject", [{"role": "ed-officer"}, {"scenario": "ukspf-delivery"}])
def test_rows_follow_the_subject(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    subject: dict[str, str],
) -> None:
    result = view(client, keys["admin"], **subject)
    skills = [row["skill"] for row in result["rows"]]
    assert skills == sorted(skills)
    assert len(result["overall"]["cells"]) == len(result["rows"])
    if "role" in subject:
        assert {row["required"] for row in result["rows"]} == {1}
