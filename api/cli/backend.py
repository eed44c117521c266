"""Where the people-facing commands get their answers: a running server, or the database itself.

``RemoteBackend`` (``api.cli.remote``) talks to a server through the Python client
(``--url``/``EDSKILLS_URL``, ``--key``/``EDSKILLS_API_KEY``); ``LocalBackend`` (``--local``, in
``api.cli.local``) calls the same service functions the routes call, on the configured database.
Both answer with the client's wire types, so the commands render one shape whichever way the
answer came.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import click
from edskills_client import Client, EdskillsError, ProblemError, Retry, models

from api.audits.schemas import ImportOptions
from api.cli.common import CommandError, Imported, NewAudit, fail
from taxonomy.diff import EditionDiff

F = TypeVar("F", bound=Callable[..., Any])


class Backend(Protocol):
    """What the commands need, whichever side answers."""

    def create_audit(self, council: str, body: dict[str, Any]) -> models.AuditOut: ...

    def list_audits(self, council: str) -> list[models.AuditOut]: ...

    def import_spreadsheet(
        self, council: str, into: str | NewAudit, content: bytes, filename: str, options: ImportOptions
    ) -> Imported:
        """Import into audit ``into`` (an id), or into a new audit created only if the import is
        ready; raises ``ImportRefused`` with the plan when it is not."""
        ...

    def export_audit(self, council: str, audit_id: str, file_format: str) -> bytes: ...

    def carry_forward(self, council: str, audit_id: str, to_version: str) -> models.CarryForwardResult: ...

    def create_needs(self, council: str, body: dict[str, Any]) -> models.NeedsOut: ...

    def gaps(self, council: str, audit_id: str, needs_id: str) -> models.GapReport: ...

    def report(
        self, council: str, audit_id: str, needs_id: str, budget_gbp: float | None, budget_days: float | None
    ) -> str: ...

    def export_framework(self, version: str, file_format: str) -> bytes: ...

    def framework_diff(self, version: str, other: str) -> EditionDiff: ...

    def sector(self, version: str | None, scenario: str | None, role: str | None) -> models.SectorView: ...

    def sector_csv(self, version: str | None, scenario: str | None, role: str | None) -> str: ...

    def trend(self, council: str, needs_id: str) -> models.Trend: ...

    def benchmark(self, council: str, needs_id: str, group: str) -> models.BenchmarkView: ...


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
        try:
            if local:
                from api.cli.local import LocalBackend

                return command(*args, backend=LocalBackend.from_environment(), **kwargs)
            from api.cli.remote import RemoteBackend

            with Client(url, api_key=key or None, retry=Retry(attempts=2, max_wait=10)) as client:
                return command(*args, backend=RemoteBackend(client), **kwargs)
        except ProblemError as exc:
            fail(describe(exc))
        except (EdskillsError, CommandError) as exc:
            fail(str(exc))

    return wrapper  # type: ignore[return-value]
