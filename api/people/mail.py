"""Outgoing email for invitations and password resets (issue 15).

stdlib ``smtplib`` in a worker thread: one message now and then does not justify a dependency, and
the thread keeps the event loop serving while the server answers. ``EDSKILLS_SMTP_URL`` takes three
forms, with optional ``user:password@`` (percent-encoded) before the host:

- ``smtp://host[:25]`` — plain SMTP (a relay on the same host or network);
- ``smtp+starttls://host[:587]`` — submission, upgraded with STARTTLS before any login;
- ``smtps://host[:465]`` — TLS from the first byte.

A failed send raises ``MailFailed``; callers never lose the link because of it (the CLI prints it
and the admin page shows it) and log the failure as an event.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Final
from urllib.parse import unquote, urlsplit

import msgspec
from anyio import to_thread

SERVICE_NAME: Final = "ED Skills Pathways"
TIMEOUT_SECONDS: Final = 15.0
DEFAULT_PORTS: Final = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class MailFailed(Exception):
    """The message could not be handed to the mail server (the reason, never the password)."""


class SmtpServer(msgspec.Struct, frozen=True, kw_only=True):
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


class Mail(msgspec.Struct, frozen=True, kw_only=True):
    to: str
    to_name: str
    subject: str
    body: str


def parse_smtp_url(url: str) -> SmtpServer:
    """``smtp[+starttls|s]://[user:password@]host[:port]`` as its parts."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise MailFailed("EDSKILLS_SMTP_URL must be smtp://, smtp+starttls:// or smtps:// with a host")
    try:
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise MailFailed("EDSKILLS_SMTP_URL has a port that is not a number from 1 to 65535") from None
    return SmtpServer(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def invitation_mail(*, email: str, display_name: str, link: str, hours: int) -> Mail:
    return Mail(
        to=email,
        to_name=display_name,
        subject=f"You are invited to {SERVICE_NAME}",
        body=(
            f"Hello {display_name},\n\n"
            f"You have been invited to {SERVICE_NAME}. To accept, set your password here:\n\n"
            f"{link}\n\n"
            f"The link works once, within {hours} hours. If you were not expecting this email, "
            "you can ignore it.\n"
        ),
    )


def reset_mail(*, email: str, display_name: str, link: str, hours: int) -> Mail:
    return Mail(
        to=email,
        to_name=display_name,
        subject=f"Reset your {SERVICE_NAME} password",
        body=(
            f"Hello {display_name},\n\n"
            f"Someone asked to reset the password of your {SERVICE_NAME} account. To choose a new "
            "password, follow this link:\n\n"
            f"{link}\n\n"
            f"The link works once, within {hours} hours. If you did not ask for it, ignore this "
            "email: your password has not changed.\n"
        ),
    )


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((mail.to_name, mail.to))
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content(mail.body)
    return message


def _send(server: SmtpServer, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    with smtp:
        if server.scheme == "smtp+starttls":
            smtp.starttls(context=context)
        if server.username is not None:
            smtp.login(server.username, server.password or "")
        smtp.send_message(message)


async def send(smtp_url: str, sender: str, mail: Mail) -> None:
    """Hand ``mail`` to the server in a worker thread; ``MailFailed`` with the reason if it refuses."""
    server = parse_smtp_url(smtp_url)
    message = build_message(mail, sender)
    try:
        await to_thread.run_sync(_send, server, message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailFailed(f"{type(exc).__name__}: {exc}"[:300]) from exc
