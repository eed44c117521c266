"""Where the people-facing commands get their answers: a running server, or the database itself.

``RemoteBackend`` talks to a server through the Python client (``--url``/``EDSKILLS_URL``,
``--key``/``EDSKILLS_API_KEY``); ``LocalBackend`` (``--local``, in ``api.cli_local``) calls the same
service functions the routes call, on the configured database. Both answer with the client's wire
types, so the commands render one shape whichever way the answer came.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import click
from edskills_client import Client, EdskillsError, ProblemError, Retry, models

F = TypeVar("F", bound=Callable[..., Any])


class Backend(Protocol):
    """What the audit commands need, whichever side answers."""

    def create_audit(self, council: str, body: dict[str, Any]) -> models.AuditOut: ...

    def list_audits(self, council: str) -> list[models.AuditOut]: ...

    def import_spreadsheet(
        self,
        council: str,
        audit_id: str,
        content: bytes,
        filename: str,
        *,
        mapping: dict[str, Any],
        dry_run: bool,
        header_row: int | None,
        source: str,
    ) -> models.ImportPlan: ...

    def export_audit(self, council: str, audit_id: str, file_format: str) -> bytes: ...

    def create_needs(self, council: str, body: dict[str, Any]) -> models.NeedsOut: ...

    def gaps(self, council: str, audit_id: str, needs_id: str) -> models.GapReport: ...

    def report(
        self, council: str, audit_id: str, needs_id: str, budget_gbp: float | None, budget_days: float | None
    ) -> str: ...

    def export_framework(self, version: str, file_format: str) -> bytes: ...


class CommandError(Exception):
    """An expected failure, shown as one line on stderr with a non-zero exit."""


class RemoteBackend:
    """The commands over HTTP, through ``edskills_client``."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def create_audit(self, council: str, body: dict[str, Any]) -> models.AuditOut:
        return self.client.create_audit(council, body)

    def list_audits(self, council: str) -> list[models.AuditOut]:
        return list(self.client.paginate(self.client.list_audits, council, limit=100))

    def import_spreadsheet(
        self,
        council: str,
        audit_id: str,
        content: bytes,
        filename: str,
        *,
        mapping: dict[str, Any],
        dry_run: bool,
        header_row: int | None,
        source: str,
    ) -> models.ImportPlan:
        return self.client.import_spreadsheet(
            council,
            audit_id,
            content,
            filename=filename,
            mapping=mapping or None,
            dry_run=dry_run,
            header_row=header_row,
            source=source,  # type: ignore[arg-type]  # click.Choice restricts it
        )

    def export_audit(self, council: str, audit_id: str, file_format: str) -> bytes:
        return self.client.export_audit(council, audit_id, format=file_format)  # type: ignore[arg-type]

    def create_needs(self, council: str, body: dict[str, Any]) -> models.NeedsOut:
        return self.client.create_needs(council, body)

    def gaps(self, council: str, audit_id: str, needs_id: str) -> models.GapReport:
        return self.client.get_gaps(council, audit_id, needs_id)

    def report(
        self, council: str, audit_id: str, needs_id: str, budget_gbp: float | None, budget_days: float | None
    ) -> str:
        return self.client.get_report(
            council, audit_id, needs_id, budget_gbp=budget_gbp, budget_days=budget_days
        )

    def export_framework(self, version: str, file_format: str) -> bytes:
        return self.client.export_framework(version, format=file_format)  # type: ignore[arg-type]


def describe(error: ProblemError) -> str:
    """A problem as one line: status, detail and the first few field errors."""
    text = str(error)
    if error.errors:
        shown = "; ".join(f"{item.field}: {item.message}" for item in error.errors[:3])
        more = f" (+{len(error.errors) - 3} more)" if len(error.errors) > 3 else ""
        text = f"{text} [{shown}{more}]"
    return text


def connection_options(command: F) -> F:
    """``--url``, ``--key`` and ``--local`` on a command; it receives ``backend: Backend``."""

    @click.option(
        "--url",
        envvar="EDSKILLS_URL",
        default="http://127.0.0.1:8000",
        show_default=True,
        help="Server to talk to (EDSKILLS_URL).",
    )
    @click.option("--key", envvar="EDSKILLS_API_KEY", default=None, help="API key (EDSKILLS_API_KEY).")
    @click.option(
        "--local",
        is_flag=True,
        help="Work on the configured database (EDSKILLS_DATABASE_URL) directly, without a server.",
    )
    @functools.wraps(command)
    def wrapper(*args: Any, url: str, key: str | None, local: bool, **kwargs: Any) -> Any:
        from api.cli import fail

        try:
            if local:
                from api.cli_local import LocalBackend

                return command(*args, backend=LocalBackend.from_environment(), **kwargs)
            with Client(url, api_key=key or None, retry=Retry(attempts=2, max_wait=10)) as client:
                return command(*args, backend=RemoteBackend(client), **kwargs)
        except ProblemError as exc:
            fail(describe(exc))
        except (EdskillsError, CommandError) as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]
