"""Issue 15: invitations and resets arrive at a real SMTP server on loopback (aiosmtpd), and the
link in the message works once and only once — through the set-password page itself."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

import httpx
import msgspec
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from litestar.testing import TestClient
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.app import create_app
from api.db.engine import create_engine
from api.people import events
from api.people import service as people
from api.people.mail import parse_smtp_url
from api.people.schemas import IssuedLink
from api.settings import Settings
from tests.accounts import create_person, csrf_token, set_password_through_the_page
from tests.conftest import NEWCASTLE
from tests.serving import free_port, served

SENDER = "ED Skills Pathways <no-reply@skills.example.gov.uk>"
SMTP_DELAY = 1.5
"""How long the slow mail server takes to accept a message, in seconds."""
LINK = re.compile(r"(http\S+/app/set-password/[A-Za-z0-9_-]+)\s")


class Inbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.delay = delay
        """Seconds to think before accepting each message, like a slow or distant mail server."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def accept_only(username: str, password: str) -> Any:
    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            username.encode(),
            password.encode(),
        )
        return AuthResult(success=good)

    return authenticate


@contextmanager
def smtp_server(delay: float = 0.0) -> Iterator[tuple[Inbox, int]]:
    handler = Inbox(delay)
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as server:
        yield server


def run_service(settings: Settings, work: Any) -> Any:
    async def go() -> Any:
        engine = create_engine(settings, pooled=False)
        try:
            async with async_sessionmaker(engine, expire_on_commit=False)() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(go())


def invite(settings: Settings, address: str = "dana@newcastle.gov.uk") -> IssuedLink:
    issued: IssuedLink = run_service(
        settings,
        lambda session: people.invite(
            session,
            settings,
            email=address,
            display_name="Dana Manager",
            grants=[f"manager:{NEWCASTLE}"],
            actor="cli",
        ),
    )
    return issued


def the_link(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    found = LINK.search(body.get_content())
    assert found is not None, body.get_content()
    return found[1]


def test_the_invitation_arrives_and_its_link_works_once(settings: Settings, inbox: tuple[Inbox, int]) -> None:
    handler, port = inbox
    settings = msgspec.structs.replace(settings, smtp_url=f"smtp://127.0.0.1:{port}", mail_from=SENDER)
    issued = invite(settings)
    assert issued.emailed and issued.mail_error is None
    assert len(handler.messages) == 1 and handler.recipients == [["dana@newcastle.gov.uk"]]
    message = handler.messages[0]
    assert message["To"] == "Dana Manager <dana@newcastle.gov.uk>"
    assert message["From"] == SENDER and "invited" in message["Subject"]
    link = the_link(message)
    assert link == issued.link and link.startswith(f"{settings.base_url}/app/set-password/")

    with TestClient(app=create_app(settings)) as client:
        assert set_password_through_the_page(client, link, "the password from my email") == 303
        assert set_password_through_the_page(client, link, "a second attempt at it") == 410
    signed_in = run_service(
        settings,
        lambda session: people.sign_in(
            session,
            settings,
            email="dana@newcastle.gov.uk",
            password="the password from my email",
            address="t",
        ),
    )
    assert signed_in.email == "dana@newcastle.gov.uk"


def test_the_reset_arrives_with_login_and_its_link_works_once(settings: Settings) -> None:
    handler = Inbox()
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=accept_only("mailer", "p@ss:word"),
        auth_require_tls=False,
    )
    controller.start()
    try:
        settings = msgspec.structs.replace(
            settings, smtp_url=f"smtp://mailer:p%40ss%3Aword@127.0.0.1:{port}", mail_from=SENDER
        )
        first = invite(settings)
        run_service(
            settings,
            lambda session: people.redeem(session, first.link.rsplit("/", 1)[1], "first password ok"),
        )
        issued = run_service(
            settings, lambda session: people.issue_reset(session, settings, email="DANA@newcastle.gov.uk")
        )
        assert issued is not None and issued.emailed
    finally:
        controller.stop()
    assert [message["Subject"] for message in handler.messages] == [
        "You are invited to ED Skills Pathways",
        "Reset your ED Skills Pathways password",
    ]
    link = the_link(handler.messages[1])
    assert link == issued.link
    with TestClient(app=create_app(settings)) as client:
        assert set_password_through_the_page(client, link, "my new reset password") == 303
        assert set_password_through_the_page(client, link, "my new reset password") == 410


def test_a_failed_send_keeps_the_link_and_is_logged(settings: Settings) -> None:
    settings = msgspec.structs.replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_from=SENDER)
    issued = invite(settings)
    assert issued.emailed is False and issued.mail_error and "ConnectionRefused" in issued.mail_error
    token = issued.link.rsplit("/", 1)[1]
    assert run_service(settings, lambda session: people.token_holder(session, token)) is not None
    log = run_service(settings, lambda session: people.event_page(session, 10, 0))
    assert [item.kind for item in log.items] == [events.INVITED, events.MAIL_FAILED]
    assert log.items[0].detail["emailed"] is False


def test_a_reset_answers_before_the_mail_server_does_for_known_and_unknown_addresses(
    settings: Settings, database_url: str
) -> None:
    """No account enumeration by time (issue 15): only a known address has a message to send, so
    the reset page sends it after the response. Over real HTTP (uvicorn, one keep-alive
    connection: the send after one answer must not hold up the next request either)."""
    someone = create_person(database_url, grants=[f"manager:{NEWCASTLE}"])
    with smtp_server(delay=SMTP_DELAY) as (handler, port):
        settings = msgspec.structs.replace(settings, smtp_url=f"smtp://127.0.0.1:{port}", mail_from=SENDER)
        with served(settings) as url, httpx.Client(base_url=url, timeout=30) as browser:
            token = csrf_token(browser.get("/app/reset").text)
            seconds: dict[str, float] = {}
            pages: dict[str, str] = {}
            for label, address in (("known", someone.email), ("unknown", "nobody@council.example.gov.uk")):
                start = time.perf_counter()
                answer = browser.post("/app/reset", data={"email": address, "_csrf_token": token})
                seconds[label] = time.perf_counter() - start
                assert answer.status_code == 200, answer.text
                pages[label] = answer.text
            assert pages["known"] == pages["unknown"]
            assert max(seconds.values()) < SMTP_DELAY / 2, seconds
            deadline = time.monotonic() + 10 * SMTP_DELAY
            while not handler.messages and time.monotonic() < deadline:
                time.sleep(0.05)
    assert handler.recipients == [[someone.email]]  # the known address only, and it did arrive
    link = the_link(handler.messages[0])
    with TestClient(app=create_app(settings)) as client:
        assert set_password_through_the_page(client, link, "my new reset password") == 303
        assert set_password_through_the_page(client, link, "my new reset password") == 410


def test_a_reset_mail_that_fails_after_the_response_is_logged(settings: Settings, database_url: str) -> None:
    """The request's transaction has ended when the message is sent: the failure gets its own."""
    someone = create_person(database_url, grants=[f"manager:{NEWCASTLE}"])
    settings = msgspec.structs.replace(settings, smtp_url=f"smtp://127.0.0.1:{free_port()}", mail_from=SENDER)
    with TestClient(app=create_app(settings)) as client:
        token = csrf_token(client.get("/app/reset").text)
        answer = client.post("/app/reset", data={"email": someone.email, "_csrf_token": token})
        assert answer.status_code == 200, answer.text
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the background task has normally finished already
            log = run_service(settings, lambda session: people.event_page(session, 2, 0))
            if log.items[0].kind == events.MAIL_FAILED:
                break
            time.sleep(0.05)
    failed, issued = log.items
    assert (failed.kind, issued.kind) == (events.MAIL_FAILED, events.RESET_ISSUED)
    assert failed.detail["email"] == someone.email and "ConnectionRefused" in str(failed.detail["error"])
    assert failed.actor == someone.email and failed.person_id == someone.person_id
    assert issued.detail == {"email": someone.email, "emailed_after_response": True}


@pytest.mark.parametrize(
    ("url", "parts"),
    [
        ("smtp://relay.internal", ("smtp", "relay.internal", 25, None, None)),
        (
            "smtp+starttls://u%40x:p%3A1@mail.example.gov.uk:2587",
            ("smtp+starttls", "mail.example.gov.uk", 2587, "u@x", "p:1"),
        ),
        ("smtps://mail.example.gov.uk", ("smtps", "mail.example.gov.uk", 465, None, None)),
    ],
)
def test_smtp_urls(url: str, parts: tuple[object, ...]) -> None:
    server = parse_smtp_url(url)
    assert (server.scheme, server.host, server.port, server.username, server.password) == parts
