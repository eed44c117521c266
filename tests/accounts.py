"""People who can sign in, for the page tests (issue 15): made through the real services (invite,
then redeem the link), and signed in through the real sign-in form, over HTTP or in a browser.

    person = create_person(database_url, grants=["manager:E08000021"])
    sign_in_browser(page, person)            # a Playwright page on the served app
    sign_in_http(client, person)             # an httpx / litestar TestClient
"""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple

from sqlalchemy.ext.asyncio import async_sessionmaker

from api.db.engine import create_engine
from api.settings import Settings

PASSWORD = "correct horse battery staple"
CSRF_FIELD_PATTERN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


class Credentials(NamedTuple):
    person_id: int
    email: str
    display_name: str
    password: str


async def _create(
    url: str, email: str, name: str, grants: Sequence[str], password: str | None
) -> Credentials:
    from api.people import service as people

    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            link = await people.invite(
                session,
                Settings.from_env({}, database_url=url),
                email=email,
                display_name=name,
                grants=list(grants),
                actor="test",
            )
            if password is not None:
                await people.redeem(session, link.link.rsplit("/", 1)[1], password)
            return Credentials(link.person_id, email, name, password or "")
    finally:
        await engine.dispose()


def create_person(
    database_url: str,
    *,
    grants: Sequence[str] = (),
    email: str | None = None,
    name: str = "Pat Manager",
    password: str | None = PASSWORD,
) -> Credentials:
    """A person invited with ``grants`` who has set ``password`` (None: invited only)."""
    address = email or f"person-{uuid.uuid4().hex[:8]}@council.example.gov.uk"
    # A thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, _create(database_url, address, name, grants, password)).result()


def csrf_token(html: str) -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF_FIELD_PATTERN.search(html)
    assert found is not None, "the page has no CSRF field"
    return found[1]


def sign_in_http(client: Any, person: Credentials, *, next_path: str = "") -> Any:
    """Sign in through the form with an httpx-like ``client`` (cookies kept by the client); the 303."""
    token = csrf_token(client.get("/app/sign-in").text)
    response = client.post(
        "/app/sign-in",
        data={"email": person.email, "password": person.password, "next": next_path, "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return response


def sign_in_browser(page: Any, person: Credentials) -> None:
    """Sign in through the form in a Playwright ``page`` whose context has the app's base URL."""
    page.goto("/app/sign-in")
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(person.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/app")
