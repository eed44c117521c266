"""What every response says about itself, on both databases (issue 12).

- ``HEAD`` answers wherever ``GET`` does: same status and headers, no body;
- ``X-Content-Type-Options: nosniff`` on every response, errors included;
- ``Cache-Control: no-store`` on everything council-scoped and on every keyed response;
- exactly one ``charset`` in every ``Content-Type``;
- absolute URIs come from the configured public URL, never from ``Host``;
- a draft edition answers anyone without ``framework:write`` exactly as an unknown edition.
"""

from __future__ import annotations

import re

import httpx
import msgspec
import pytest
from litestar.testing import TestClient

from api.app import create_app
from api.reports.html import CONTENT_SECURITY_POLICY
from api.settings import Settings
from tests.api.national import DRAFT, Editor
from tests.conftest import NEWCASTLE, bearer
from tests.helpers import COUNCIL, post, team_audit
from tests.serving import served

UNKNOWN = "2030.1"


@pytest.fixture
def council_paths(client: TestClient, keys: dict[str, str]) -> list[str]:
    """Every GET path under ``/v1/councils/{code}/``, filled with a real audit, member and profile."""
    key = keys["newcastle"]
    audit = team_audit(client, key, {"EDO-01": {"bid-writing": 3}, "EDO-02": {"bid-writing": 1}})
    later = team_audit(client, key, {"EDO-01": {"bid-writing": 4}}, date="2027-04-01")
    needs = post(client, key, "/needs", {"title": "Plan", "establishment": {"ed-officer": 2}})["id"]
    round_id = post(
        client,
        key,
        f"/audits/{audit}/rounds",
        {"title": "Review", "due_date": "2030-01-31", "scope": "categories", "categories": ["strategy"]},
    )["round"]["id"]
    values = {
        "code": NEWCASTLE,
        "audit_id": audit,
        "needs_id": needs,
        "reference": "EDO-01",
        "round_id": round_id,
    }
    query = {
        "trend": f"needs={needs}",
        "benchmark": f"needs={needs}&group=all",
        "gaps": f"needs={needs}",
        "report": f"needs={needs}",
        "recommendations": f"needs={needs}&budget_gbp=5000&budget_days=10",
        "progress": f"from={audit}&to={later}&needs={needs}",
        "pathway": "target=ed-manager",
        "export": "format=csv",
    }
    paths = []
    for route in client.app.routes:
        if not route.path.startswith("/v1/councils/{code:str}/") or "GET" not in route.methods:
            continue
        path = re.sub(r"\{(\w+):\w+\}", lambda m: values[m.group(1)], route.path)
        tail = path.rstrip("/").rsplit("/", 1)[-1]
        paths.append(f"{path}?{query[tail]}" if tail in query else path)
    assert len(paths) >= 12
    return sorted(paths)


def test_council_scoped_responses_are_no_store(
    client: TestClient, keys: dict[str, str], council_paths: list[str]
) -> None:
    for path in council_paths:
        for headers in (bearer(keys["newcastle"]), {}, bearer(keys["gateshead"])):
            response = client.get(path, headers=headers)
            assert response.status_code < 500, (path, response.text)
            assert response.headers["cache-control"] == "no-store", (path, response.status_code)
            assert response.headers["x-content-type-options"] == "nosniff", path
        assert client.get(path, headers=bearer(keys["newcastle"])).status_code == 200, path


def test_keyed_responses_are_no_store_and_public_reads_are_not(
    client: TestClient, keys: dict[str, str]
) -> None:
    Editor(client, keys["framework"]).create_draft()
    keyed = [
        ("/v1/analytics/sector?scenario=lep-integration", keys["admin"]),
        (f"/v1/frameworks/{DRAFT}/document", keys["framework"]),
        (f"/v1/frameworks/{DRAFT}/changes", keys["framework"]),
        ("/v1/skills", keys["newcastle"]),
    ]
    for path, key in keyed:
        response = client.get(path, headers=bearer(key))
        assert response.status_code == 200, (path, response.text)
        assert response.headers["cache-control"] == "no-store", path
    for path in (
        "/v1/councils",
        f"/v1/councils/{NEWCASTLE}",
        "/v1/skills",
        "/v1/frameworks/2026.1",
        "/health",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("cache-control", ""), path


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/v1/skills/bid-writing", 200),
        ("GET", "/v1/no-such-thing", 404),
        ("DELETE", "/v1/councils", 405),
        ("GET", f"{COUNCIL}/audits", 401),
        ("GET", "/v1/skills/Not_A_Slug", 400),
        ("GET", "/schema/openapi.yaml", 200),
        ("POST", "/v1/match/skills", 400),
    ],
)
def test_every_response_says_nosniff(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path, content=b"{", headers={"content-type": "application/json"})
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"


def test_one_charset_in_every_content_type(
    client: TestClient, keys: dict[str, str], council_paths: list[str]
) -> None:
    public = [
        "/v1/frameworks/2026.1/export?format=csv",
        "/v1/frameworks/2026.1/export?format=yaml",
        "/v1/frameworks/2026.1/export?format=skos",
        "/schema/openapi.yaml",
        "/schema/swagger",
        "/v1/no-such-thing",
    ]
    admin = ["/v1/analytics/sector.csv?scenario=lep-integration"]
    seen = set()
    for path, key in [*((p, keys["newcastle"]) for p in council_paths), *((p, None) for p in public)] + [
        (p, keys["admin"]) for p in admin
    ]:
        response = client.get(path, headers=bearer(key) if key else {})
        content_type = response.headers["content-type"]
        seen.add(content_type.split(";")[0])
        charsets = content_type.lower().count("charset=")
        assert charsets == (1 if content_type.startswith("text/") else charsets) and charsets <= 1, (
            path,
            content_type,
        )
    assert {"text/csv", "text/html", "application/json", "application/problem+json"} <= seen


VOLATILE = {"date", "ratelimit"}
"""Headers that change between two requests: the clock and the remaining rate-limit quota."""


def test_head_answers_like_get(client: TestClient, keys: dict[str, str], council_paths: list[str]) -> None:
    paths = ["/health", "/v1/councils", "/v1/skills/bid-writing", "/v1/no-such-thing", f"{COUNCIL}/audits"]
    for path in [*paths, *council_paths]:
        # A report states the minute it was generated, so its length may differ by a digit.
        volatile = VOLATILE | ({"content-length"} if "/report" in path else set())
        for headers in (bearer(keys["newcastle"]), {}):
            got = client.get(path, headers=headers)
            head = client.head(path, headers=headers)
            assert head.status_code == got.status_code, path
            assert head.content == b"", path
            assert {k: v for k, v in head.headers.items() if k not in volatile} == {
                k: v for k, v in got.headers.items() if k not in volatile
            }, path
    allowed = client.delete("/v1/councils").headers["allow"]
    assert "HEAD" in allowed and "GET" in allowed


def test_head_through_a_real_server_keeps_content_length(settings: Settings) -> None:
    with served(settings) as base, httpx.Client(base_url=base) as http:
        got = http.get("/v1/councils")
        head = http.head("/v1/councils")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))
        assert http.head("/v1/no-such-thing").status_code == 404
        assert http.get("/health").status_code == 200, "the connection survived the HEAD requests"


def test_the_report_has_a_strict_content_security_policy(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["newcastle"]
    audit = team_audit(client, key, {"EDO-01": {"bid-writing": 3}})
    needs = post(client, key, "/needs", {"title": "Plan", "establishment": {"ed-officer": 1}})["id"]
    response = client.get(f"{COUNCIL}/audits/{audit}/report", params={"needs": needs}, headers=bearer(key))
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'"
    assert re.fullmatch(r"'sha256-[A-Za-z0-9+/]{43}='", directives["style-src"])
    assert (directives["base-uri"], directives["form-action"], directives["frame-ancestors"]) == (
        "'none'",
    ) * 3
    assert " style=" not in response.text and "<script" not in response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"


def test_link_headers_follow_the_public_url_not_the_host_header(settings: Settings) -> None:
    public = msgspec.structs.replace(settings, public_url="https://skills.example.gov.uk/")
    for app_settings, base in (
        (settings, "http://127.0.0.1:8000"),
        (public, "https://skills.example.gov.uk"),
    ):
        with TestClient(app=create_app(app_settings)) as client:
            response = client.get(
                "/v1/councils", params={"limit": 5, "offset": 5}, headers={"Host": "evil.example"}
            )
        links = re.findall(r"<([^>]+)>", response.headers["link"])
        assert len(links) == 2 and all(link.startswith(f"{base}/v1/councils?") for link in links), links


FRAMEWORK_READS = (
    "/v1/frameworks/",
    "/v1/skills",
    "/v1/roles",
    "/v1/scenarios",
    "/v1/training",
    "/v1/categories",
    "/v1/levels",
    "/v1/pathways",
)


def _draft_read_paths(client: TestClient) -> list[str]:
    """Every public GET that names an edition: ``{version}`` in the path or ``?version=``."""
    values = {
        "version": DRAFT,
        "slug": "bid-writing",
        "from_role": "ed-trainee",
        "to_role": "ed-officer",
        "other": "2026.1",
    }
    slugs = {
        "skills": "bid-writing",
        "roles": "ed-officer",
        "scenarios": "lep-integration",
        "categories": "funding",
    }
    paths = []
    for route in client.app.routes:
        if "GET" not in route.methods or not route.path.startswith(FRAMEWORK_READS):
            continue
        if "{version:str}" in route.path:
            kind = route.path.split("/")[4] if route.path.count("/") > 3 else ""
            filled = {**values, "slug": slugs.get(kind, "ied-intro-economic-development")}
            paths.append(re.sub(r"\{(\w+):\w+\}", lambda m, f=filled: f[m.group(1)], route.path))  # type: ignore[misc]
        elif route.path.count("{") == 0:
            paths.append(f"{route.path}?version={DRAFT}")
        elif route.path.startswith(("/v1/skills/", "/v1/roles/", "/v1/scenarios/", "/v1/training/")):
            kind = route.path.split("/")[2]
            filled = {**values, "slug": slugs.get(kind, "ied-intro-economic-development")}
            path = re.sub(r"\{(\w+):\w+\}", lambda m, f=filled: f[m.group(1)], route.path)  # type: ignore[misc]
            paths.append(f"{path}?version={DRAFT}")
    return sorted(paths)


def test_a_draft_answers_strangers_as_an_unknown_edition(client: TestClient, keys: dict[str, str]) -> None:
    Editor(client, keys["framework"]).create_draft()
    paths = _draft_read_paths(client)
    assert f"/v1/frameworks/{DRAFT}/document" in paths and f"/v1/skills?version={DRAFT}" in paths
    for path in paths:
        for headers in ({}, bearer(keys["newcastle"]), {"Authorization": "Bearer eds_00000000_not-a-key"}):
            draft, unknown = (
                client.get(path, headers=headers),
                client.get(path.replace(DRAFT, UNKNOWN), headers=headers),
            )
            assert draft.status_code == unknown.status_code in {401, 403, 404}, (path, draft.text)
            hidden, missing = draft.json(), unknown.json()
            same = {
                **missing,
                "detail": missing["detail"].replace(UNKNOWN, DRAFT),
                "instance": hidden["instance"],
            }
            assert hidden == same, path
        editor = client.get(path, headers=bearer(keys["framework"]))
        assert editor.status_code in {200, 404}, (path, editor.text)
