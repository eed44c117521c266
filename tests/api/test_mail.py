"""Issue 15: invitations and resets arrive at a real SMTP server on loopback (aiosmtpd), and the
link in the message works once and only once — through the set-password page itself."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

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
from tests.accounts import csrf_token
from tests.conftest import NEWCASTLE
from tests.serving import free_port

SENDER = "ED Skills Pathways <no-reply@skills.example.gov.uk>"
LINK = re.compile(r"(http\S+/app/set-password/[A-Za-z0-9_-]+)\s")


class Inbox:
    """An aiosmtpd handler keeping every message it is handed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
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


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


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


def set_password_through_the_page(client: TestClient, link: str, password: str) -> int:  # type: ignore[type-arg]
    path = link.split("://", 1)[1].partition("/")[2]
    form = client.get(f"/{path}")
    if form.status_code != 200:
        return form.status_code
    response = client.post(
        f"/{path}",
        data={"password": password, "confirm_password": password, "_csrf_token": csrf_token(form.text)},
        follow_redirects=False,
    )
    return response.status_code


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
