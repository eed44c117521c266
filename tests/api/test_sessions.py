"""Sessions, CSRF and the sign-in pages over plain HTTP (issue 15), on SQLite and PostgreSQL: the
abuse cases need no browser. The browser journeys are in tests/browser/test_journey.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import text

from api.app import create_app
from api.db.engine import create_engine
from api.people.service import SIGN_IN_REFUSED
from api.settings import Settings
from api.web.sessions import hash_id
from tests.accounts import PASSWORD, create_person, csrf_token, sign_in_http
from tests.conftest import GATESHEAD, NEWCASTLE, bearer

MANAGER = [f"manager:{NEWCASTLE}"]
KEYS_PAGE = f"/app/councils/{NEWCASTLE}/keys"


async def _sql(url: str, statement: str, **params: Any) -> list[Any]:
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(statement), params)
            return list(result.all()) if result.returns_rows else []
    finally:
        await engine.dispose()


def sql(url: str, statement: str, **params: Any) -> list[Any]:
    return asyncio.run(_sql(url, statement, **params))


def count(url: str, table: str) -> int:
    return int(sql(url, f"SELECT COUNT(*) FROM {table}")[0][0])


@pytest.fixture
def browser_client(settings: Settings) -> Iterator[TestClient]:  # type: ignore[type-arg]
    """A second, independent browser on the same app (its own cookie jar)."""
    with TestClient(app=create_app(settings)) as other:
        yield other


def session_cookie(client: TestClient) -> str | None:  # type: ignore[type-arg]
    value: str | None = client.cookies.get("edskills_session")
    return value


def error_summary(html: str) -> str:
    found = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert found is not None, "no error summary on the page"
    return found[0]


def post_sign_in(client: TestClient, email: str, password: str) -> Any:  # type: ignore[type-arg]
    token = csrf_token(client.get("/app/sign-in").text)
    return client.post(
        "/app/sign-in",
        data={"email": email, "password": password, "_csrf_token": token},
        follow_redirects=False,
    )


# --- CSRF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "0" * 64, "stolen"], ids=["missing", "empty", "wrong", "other"])
def test_a_form_without_this_browsers_token_is_refused_and_writes_nothing(
    client: TestClient,  # type: ignore[type-arg]
    browser_client: TestClient,  # type: ignore[type-arg]
    database_url: str,
    token: str | None,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    sign_in_http(client, manager)
    if token == "stolen":  # a valid token, but of another browser's session
        sign_in_http(browser_client, manager)
        token = csrf_token(browser_client.get(KEYS_PAGE).text)
    keys_before, events_before = count(database_url, "api_keys"), count(database_url, "events")
    data = {"name": "Forged"} | ({} if token is None else {"_csrf_token": token})
    response = client.post(KEYS_PAGE, data=data)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "did not come from this service" in response.text
    assert (count(database_url, "api_keys"), count(database_url, "events")) == (keys_before, events_before)


def test_the_sign_in_form_is_protected_too(client: TestClient, database_url: str) -> None:  # type: ignore[type-arg]
    """Login CSRF: a cross-site form cannot sign a browser in to someone's account."""
    manager = create_person(database_url, grants=MANAGER)
    response = client.post(
        "/app/sign-in", data={"email": manager.email, "password": manager.password}, follow_redirects=False
    )
    assert response.status_code == 403
    assert count(database_url, "web_sessions") == 0
    assert session_cookie(client) is None


def test_the_json_api_with_a_key_needs_no_csrf_token(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    database_url: str,
) -> None:
    """Bearer-key calls are untouched, even from a client that also holds a session cookie."""
    sign_in_http(client, create_person(database_url, grants=MANAGER))
    response = client.post(
        f"/v1/councils/{NEWCASTLE}/audits",
        json={"title": "Audit", "audit_date": "2026-10-01"},
        headers=bearer(keys["newcastle"]),
    )
    assert response.status_code == 201, response.text
    sharing = client.put(
        f"/v1/councils/{NEWCASTLE}/sharing",
        json={"share_capability": True},
        headers=bearer(keys["newcastle"]),
    )
    assert sharing.status_code == 200, sharing.text


# --- sign-in, lockout, enumeration ---------------------------------------------------------------


def test_the_session_id_changes_at_sign_in_and_the_planted_one_is_gone(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    client.cookies.set("edskills_session", "planted-by-an-attacker", domain="testserver.local")
    sign_in_http(client, manager)
    first = session_cookie(client)
    assert first is not None and first != "planted-by-an-attacker"
    sign_in_http(client, manager)  # signing in again with a session cookie: a new id, the old one gone
    second = session_cookie(client)
    assert second is not None and second != first
    stored = {row[0] for row in sql(database_url, "SELECT id_hash FROM web_sessions")}
    assert stored == {hash_id(second)}, "only the new id's hash is stored, never the id"
    client.cookies.set("edskills_session", first, domain="testserver.local")
    assert client.get("/app", follow_redirects=False).status_code == 303


def test_the_session_cookie_attributes(settings: Settings, database_url: str) -> None:
    manager = create_person(database_url, grants=MANAGER)
    for public_url, name, secure in (
        (None, "edskills_session", False),
        ("https://skills.example.gov.uk", "__Host-edskills_session", True),
    ):
        app = create_app(Settings.from_env({}, database_url=database_url, public_url=public_url))
        base = "https://testserver.local" if secure else "http://testserver.local"
        with TestClient(app=app, base_url=base) as client:
            token = csrf_token(client.get("/app/sign-in").text)
            response = client.post(
                "/app/sign-in",
                data={"email": manager.email, "password": manager.password, "_csrf_token": token},
                follow_redirects=False,
            )
            cookie = response.headers["set-cookie"]
            assert cookie.startswith(f"{name}=")
            attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
            assert {"httponly", "path=/", "samesite=lax"} <= attributes
            assert ("secure" in attributes) is secure
            assert not any(part.startswith(("domain", "max-age", "expires")) for part in attributes)


def test_five_failures_lock_the_account_and_the_right_password_is_then_refused_alike(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    answers = [post_sign_in(client, manager.email, "not the password at all") for _ in range(5)]
    locked = post_sign_in(client, manager.email, manager.password)
    unknown = post_sign_in(client, "nobody@council.example.gov.uk", manager.password)
    for response in [*answers, locked, unknown]:
        assert response.status_code == 401
        assert SIGN_IN_REFUSED in response.text
        assert session_cookie(client) is None
    assert len({error_summary(response.text) for response in [*answers, locked, unknown]}) == 1
    assert count(database_url, "web_sessions") == 0
    kinds = [
        row[0] for row in sql(database_url, "SELECT kind FROM events WHERE kind IN ('locked', 'sign-in')")
    ]
    assert kinds == ["locked"]


def test_empty_fields_are_named_in_the_error_summary(client: TestClient) -> None:  # type: ignore[type-arg]
    response = post_sign_in(client, "", "")
    assert response.status_code == 422
    summary = error_summary(response.text)
    assert 'href="#email"' in summary and 'href="#password"' in summary


@pytest.mark.parametrize(
    ("next_path", "lands_on"),
    [
        (f"/app/councils/{NEWCASTLE}/keys", f"/app/councils/{NEWCASTLE}/keys"),
        ("//evil.example/app", "/app"),
        ("https://evil.example/app", "/app"),
        ("/\\evil.example", "/app"),
        ("/v1/councils", "/app"),
    ],
)
def test_after_sign_in_only_a_local_app_path_is_followed(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
    next_path: str,
    lands_on: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    assert sign_in_http(client, manager, next_path=next_path).headers["location"] == lands_on


def test_an_anonymous_page_view_goes_to_sign_in_and_comes_back(client: TestClient, database_url: str) -> None:  # type: ignore[type-arg]
    response = client.get(KEYS_PAGE, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/app/sign-in?next={KEYS_PAGE}"
    manager = create_person(database_url, grants=MANAGER)
    signed_in = sign_in_http(client, manager, next_path=KEYS_PAGE)
    assert signed_in.headers["location"] == KEYS_PAGE


# --- timeouts -------------------------------------------------------------------------------------


def _age(database_url: str, column: str, by: dt.timedelta) -> None:
    sql(database_url, f"UPDATE web_sessions SET {column} = :at", at=dt.datetime.now(dt.UTC) - by)


@pytest.mark.parametrize(
    ("column", "by", "alive"),
    [
        ("last_seen_at", dt.timedelta(minutes=29), True),
        ("last_seen_at", dt.timedelta(minutes=31), False),
        ("created_at", dt.timedelta(hours=11, minutes=50), True),
        ("created_at", dt.timedelta(hours=12, minutes=1), False),
    ],
    ids=["idle-29m", "idle-31m", "absolute-11h50", "absolute-12h01"],
)
def test_idle_and_absolute_timeouts(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
    column: str,
    by: dt.timedelta,
    alive: bool,
) -> None:
    sign_in_http(client, create_person(database_url, grants=MANAGER))
    _age(database_url, column, by)
    response = client.get("/app/account", follow_redirects=False)
    assert response.status_code == (200 if alive else 303)
    assert count(database_url, "web_sessions") == (1 if alive else 0)


def test_last_seen_is_written_at_most_once_a_minute(client: TestClient, database_url: str) -> None:  # type: ignore[type-arg]
    sign_in_http(client, create_person(database_url, grants=MANAGER))
    _age(database_url, "last_seen_at", dt.timedelta(seconds=30))
    (before,) = sql(database_url, "SELECT last_seen_at FROM web_sessions")[0]
    for _ in range(3):
        assert client.get("/app").status_code == 200
    assert sql(database_url, "SELECT last_seen_at FROM web_sessions")[0][0] == before
    _age(database_url, "last_seen_at", dt.timedelta(minutes=2))
    assert client.get("/app").status_code == 200
    (after,) = sql(database_url, "SELECT last_seen_at FROM web_sessions")[0]
    assert str(after) > str(before)


def test_the_timeouts_are_settings(settings: Settings, database_url: str) -> None:
    short = Settings.from_env({"EDSKILLS_SESSION_IDLE_MINUTES": "5"}, database_url=database_url)
    with TestClient(app=create_app(short)) as client:
        sign_in_http(client, create_person(database_url, grants=MANAGER))
        _age(database_url, "last_seen_at", dt.timedelta(minutes=6))
        assert client.get("/app", follow_redirects=False).status_code == 303


# --- sign out ---------------------------------------------------------------------------------


def _post_form(client: TestClient, page: str, action: str, **data: str) -> Any:  # type: ignore[type-arg]
    token = csrf_token(client.get(page).text)
    return client.post(action, data={**data, "_csrf_token": token}, follow_redirects=False)


def test_sign_out_ends_only_this_session_and_everywhere_ends_them_all(
    client: TestClient,  # type: ignore[type-arg]
    browser_client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    sign_in_http(client, manager)
    sign_in_http(browser_client, manager)
    out = _post_form(browser_client, "/app", "/app/sign-out")
    assert out.status_code == 303 and out.headers["location"] == "/app/sign-in?done=signed-out"
    assert browser_client.get("/app", follow_redirects=False).status_code == 303
    assert client.get("/app").status_code == 200
    sign_in_http(browser_client, manager)
    everywhere = _post_form(client, "/app/account", "/app/account/sign-out-everywhere")
    assert everywhere.status_code == 303
    for each in (client, browser_client):
        assert each.get("/app", follow_redirects=False).status_code == 303
    assert count(database_url, "web_sessions") == 0
    logged = sql(database_url, "SELECT person_id FROM events WHERE kind = 'sign-out-everywhere'")
    assert logged == [(manager.person_id,)]


# --- links: set password, reset ---------------------------------------------------------------------


def _issue_reset(database_url: str, email: str) -> str:
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from api.people.service import issue_reset

    async def work() -> str:
        settings = Settings.from_env({}, database_url=database_url)
        engine = create_engine(settings, pooled=False)
        try:
            async with async_sessionmaker(engine)() as session, session.begin():
                link = await issue_reset(session, settings, email=email)
                assert link is not None
                return link.link.removeprefix(settings.base_url)
        finally:
            await engine.dispose()

    return asyncio.run(work())


def test_a_reset_link_works_once_and_only_once(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    path = _issue_reset(database_url, manager.email)
    new = "a brand new reset passphrase"
    mismatch = _post_form(client, path, path, password=new, confirm_password=new + "!")
    assert mismatch.status_code == 422 and 'href="#confirm_password"' in error_summary(mismatch.text)
    short = _post_form(client, path, path, password="short", confirm_password="short")
    assert short.status_code == 422 and 'href="#password"' in error_summary(short.text)
    done = _post_form(client, path, path, password=new, confirm_password=new)
    assert done.status_code == 303 and done.headers["location"] == "/app/sign-in?done=password-set"
    assert client.get(path).status_code == 410
    token = csrf_token(client.get("/app/sign-in").text)
    again = client.post(
        path,
        data={
            "password": "another one entirely",
            "confirm_password": "another one entirely",
            "_csrf_token": token,
        },
    )
    assert again.status_code == 410 and "cannot be used" in again.text
    assert post_sign_in(client, manager.email, manager.password).status_code == 401
    assert post_sign_in(client, manager.email, new).status_code == 303


def test_asking_for_a_reset_answers_the_same_for_any_address(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    known = _post_form(client, "/app/reset", "/app/reset", email=manager.email)
    unknown = _post_form(client, "/app/reset", "/app/reset", email="nobody@council.example.gov.uk")
    assert known.status_code == unknown.status_code == 200
    strip = re.compile(r'value="[0-9a-f]{64}"')
    assert strip.sub("", known.text) == strip.sub("", unknown.text)
    assert count(database_url, "person_tokens") == 2  # the invitation, spent, and the reset


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    client: TestClient,  # type: ignore[type-arg]
    browser_client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    manager = create_person(database_url, grants=MANAGER)
    sign_in_http(client, manager)
    sign_in_http(browser_client, manager)
    wrong = _post_form(
        client,
        "/app/account",
        "/app/account/password",
        current_password="not it at all",
        new_password="a fresh long passphrase",
        confirm_password="a fresh long passphrase",
    )
    assert wrong.status_code == 422 and 'href="#current_password"' in error_summary(wrong.text)
    changed = _post_form(
        client,
        "/app/account",
        "/app/account/password",
        current_password=PASSWORD,
        new_password="a fresh long passphrase",
        confirm_password="a fresh long passphrase",
    )
    assert changed.status_code == 303
    assert client.get("/app").status_code == 200
    assert browser_client.get("/app", follow_redirects=False).status_code == 303


# --- a manager's council pages ------------------------------------------------------------------------


def test_a_manager_creates_a_key_for_their_council_only_and_it_works(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    sign_in_http(client, create_person(database_url, grants=MANAGER))
    empty = _post_form(client, KEYS_PAGE, KEYS_PAGE, name="  ")
    assert empty.status_code == 422 and 'href="#name"' in error_summary(empty.text)
    created = _post_form(client, KEYS_PAGE, KEYS_PAGE, name="HR system")
    assert created.status_code == 201
    found = re.search(r'value="(eds_[a-z0-9]{8}_[A-Za-z0-9_-]+)"', created.text)
    assert found is not None
    key = found[1]
    assert sql(database_url, "SELECT scopes FROM api_keys WHERE name = 'HR system'")[0][0] in (
        f'["council:{NEWCASTLE}"]',
        [f"council:{NEWCASTLE}"],
    )
    assert key not in client.get(KEYS_PAGE).text, "the key is shown once"
    assert client.get(f"/v1/councils/{NEWCASTLE}/audits", headers=bearer(key)).status_code == 200
    assert client.get(f"/v1/councils/{GATESHEAD}/audits", headers=bearer(key)).status_code == 404


def test_revoking_asks_first_and_only_reaches_the_managers_own_keys(
    client: TestClient,  # type: ignore[type-arg]
    keys: dict[str, str],
    database_url: str,
) -> None:
    sign_in_http(client, create_person(database_url, grants=MANAGER))
    ids = dict(sql(database_url, "SELECT name, id FROM api_keys"))
    own, admin, other = ids["newcastle"], ids["admin"], ids["gateshead"]
    assert client.get(f"{KEYS_PAGE}/{admin}/revoke").status_code == 404
    assert client.get(f"{KEYS_PAGE}/{other}/revoke").status_code == 404
    assert _post_form(client, KEYS_PAGE, f"{KEYS_PAGE}/{other}/revoke").status_code == 404
    confirm = client.get(f"{KEYS_PAGE}/{own}/revoke")
    assert confirm.status_code == 200 and "cannot be undone" in confirm.text
    assert (
        client.get(f"/v1/councils/{NEWCASTLE}/audits", headers=bearer(keys["newcastle"])).status_code == 200
    )
    revoked = _post_form(client, f"{KEYS_PAGE}/{own}/revoke", f"{KEYS_PAGE}/{own}/revoke")
    assert revoked.status_code == 303
    assert (
        client.get(f"/v1/councils/{NEWCASTLE}/audits", headers=bearer(keys["newcastle"])).status_code == 401
    )
    assert (
        client.get(f"/v1/councils/{GATESHEAD}/audits", headers=bearer(keys["gateshead"])).status_code == 200
    )
    kinds = [row[0] for row in sql(database_url, "SELECT actor FROM events WHERE kind = 'key-revoked'")]
    assert len(kinds) == 1 and kinds[0].endswith("@council.example.gov.uk")


@pytest.mark.parametrize(
    ("grants", "status"),
    [([f"manager:{GATESHEAD}"], 404), (["editor"], 403), (["admin"], 200), (MANAGER, 200)],
    ids=["other-council", "no-council", "admin", "manager"],
)
def test_council_pages_are_guarded_as_keys_are(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
    grants: list[str],
    status: int,
) -> None:
    sign_in_http(client, create_person(database_url, grants=grants))
    for path in (KEYS_PAGE, f"/app/councils/{NEWCASTLE}/sharing"):
        assert client.get(path).status_code == status


def test_the_sharing_switch_is_the_json_routes_switch(
    client: TestClient,  # type: ignore[type-arg]
    database_url: str,
) -> None:
    sign_in_http(client, create_person(database_url, grants=MANAGER))
    page = f"/app/councils/{NEWCASTLE}/sharing"
    assert _post_form(client, page, page, share="maybe").status_code == 422
    for choice, stored in (("yes", True), ("no", False)):
        response = _post_form(client, page, page, share=choice)
        assert response.status_code == 303
        assert client.get(f"/v1/councils/{NEWCASTLE}").json()["share_capability"] is stored
