"""People who can sign in, for the page tests (issue 15): made through the real services (invite,
then redeem the link), and signed in through the real sign-in form, over HTTP or in a browser.

    person = create_person(database_url, grants=["manager:E08000021"])
    sign_in_browser(page, person)            # a Playwright page on the served app
    sign_in_http(client, person)             # an httpx / litestar TestClient

Mail the app sends arrives at a real SMTP server on loopback: ``with smtp_server() as (inbox, port)``
(aiosmtpd; ``inbox.messages`` in arrival order), or the ``smtp_server`` fixture of the browser tests.
"""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any, NamedTuple

from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.db.engine import create_engine
from api.settings import Settings
from tests.conftest import run_async
from tests.serving import free_port

PASSWORD = "correct horse battery staple"
PEOPLE_TABLES = ("people", "person_grants", "person_tokens", "events")
CSRF_FIELD_PATTERN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


class Inbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free loopback port for the block: its inbox and port."""
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


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
    return run_async(_create(database_url, address, name, grants, password))


def set_password_through_the_page(client: Any, link: str, password: str) -> int:
    """Open an invitation or reset ``link`` with an httpx-like ``client`` and set ``password`` through
    the form: the form's status if it is not 200 (410 for a dead link), else the answer's (303)."""
    path = link.split("://", 1)[1].partition("/")[2]
    form = client.get(f"/{path}")
    if form.status_code != 200:
        return int(form.status_code)
    response = client.post(
        f"/{path}",
        data={"password": password, "confirm_password": password, "_csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )
    return int(response.status_code)


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


async def _people_counts(url: str) -> dict[str, int]:
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with engine.connect() as connection:
            return {
                table: int((await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one())
                for table in PEOPLE_TABLES
            }
    finally:
        await engine.dispose()


def people_counts(database_url: str) -> dict[str, int]:
    """Rows in the people tables (people, grants, links, events): to prove a refusal wrote nothing."""
    return run_async(_people_counts(database_url))
