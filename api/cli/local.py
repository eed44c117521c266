"""``--local``: the commands on the configured database, through the routes' own services.

Used where a server is not running (a council's own laptop, a maintenance shell). It calls the
service functions the route handlers call, in one transaction per command, so a refused import
writes nothing here either (and creates no audit). Council keys are not asked for: whoever holds
the database URL already holds every council's data. Answers are converted to the client's wire
types so the commands render the same shape as over HTTP.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import msgspec
from edskills_client import models
from edskills_client.errors import FieldError as WireFieldError
from edskills_client.errors import Problem as WireProblem
from edskills_client.errors import problem_from_response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.analytics import service as analytics
from api.audits import service as audits
from api.audits.carry_forward import carry_audit
from api.audits.schemas import AuditCreate, ImportOptions
from api.audits.service import ImportNotReady
from api.audits.spreadsheets import write_csv, write_xlsx
from api.benchmarks import service as benchmarks
from api.cli.common import (
    CommandError,
    Imported,
    ImportRefused,
    NewAudit,
    database_problem,
    load_settings,
    with_session,
)
from api.councils.registry import CouncilRegistry
from api.db.models import Council
from api.errors import ProblemError
from api.framework.store import FrameworkStore
from api.needs import service as needs
from api.needs.schemas import NeedsCreate
from api.reports.service import build_report
from api.settings import Settings
from taxonomy.diff import EditionDiff

T = TypeVar("T")
W = TypeVar("W")


def _wire(value: object, kind: type[W]) -> W:
    """A service Struct as the client's type of the same JSON."""
    return msgspec.convert(msgspec.to_builtins(value), type=kind)


def _parse(kind: type[T], body: dict[str, Any]) -> T:
    """Validate a request body exactly as the route would (constraints included)."""
    try:
        return msgspec.convert(body, type=kind)
    except msgspec.ValidationError as exc:
        raise CommandError(f"invalid input: {exc}") from None


def _uuid(text: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise CommandError(f"{what} {text!r} is not an id (a UUID)") from None


class LocalBackend:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = FrameworkStore()

    @classmethod
    def from_environment(cls) -> LocalBackend:
        return cls(load_settings())

    def _run(self, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """One transaction: committed when ``work`` returns, rolled back when it raises."""
        try:
            return asyncio.run(with_session(self.settings, work))
        except ImportNotReady as exc:
            raise ImportRefused(_wire(exc.plan, models.ImportPlan)) from None
        except ProblemError as exc:
            raise _as_wire_problem(exc) from None
        except Exception as exc:
            if problem := database_problem(exc):
                raise CommandError(problem) from None
            raise

    async def _council(self, session: AsyncSession, council: str) -> str:
        if await session.scalar(select(Council.gss).where(Council.gss == council)) is None:
            raise CommandError(f"council {council!r} is not in the registry")
        return council

    def create_audit(self, council: str, body: dict[str, Any]) -> models.AuditOut:
        data = _parse(AuditCreate, body)

        async def work(session: AsyncSession) -> models.AuditOut:
            audit = await audits.create_audit(
                session, self.store, await self._council(session, council), data
            )
            return _wire(await audits.audit_out(session, audit), models.AuditOut)

        return self._run(work)

    def list_audits(self, council: str) -> list[models.AuditOut]:
        async def work(session: AsyncSession) -> list[models.AuditOut]:
            items, _ = await audits.list_audits(session, await self._council(session, council), 10_000, 0)
            return [_wire(item, models.AuditOut) for item in items]

        return self._run(work)

    def import_spreadsheet(
        self, council: str, into: str | NewAudit, content: bytes, filename: str, options: ImportOptions
    ) -> Imported:
        """What the import routes do, through the same ``service.import_spreadsheet``."""
        target: uuid.UUID | AuditCreate = (
            _uuid(into, "audit") if isinstance(into, str) else _parse(AuditCreate, msgspec.to_builtins(into))
        )

        async def work(session: AsyncSession) -> Imported:
            code = await self._council(session, council)
            audit = await audits.get_audit(session, code, target) if isinstance(target, uuid.UUID) else target
            made, plan = await audits.import_spreadsheet(
                session, self.store, self.settings, code, audit, content, filename, options
            )
            return Imported(audit_id=str(made.id) if made else None, plan=_wire(plan, models.ImportPlan))

        return self._run(work)

    def export_audit(self, council: str, audit_id: str, file_format: str) -> bytes:
        identifier = _uuid(audit_id, "audit")

        async def work(session: AsyncSession) -> list[list[object]]:
            audit = await audits.get_audit(session, await self._council(session, council), identifier)
            _, index = await self.store.resolve(session, audit.framework_version)
            return await audits.export_rows(session, index, audit)

        rows = self._run(work)
        return write_csv(rows) if file_format == "csv" else write_xlsx(rows)  # type: ignore[arg-type]

    def carry_forward(self, council: str, audit_id: str, to_version: str) -> models.CarryForwardResult:
        """What ``POST …/carry-forward?to=`` does."""
        identifier = _uuid(audit_id, "audit")

        async def work(session: AsyncSession) -> models.CarryForwardResult:
            code = await self._council(session, council)
            _, result = await carry_audit(session, self.store, code, identifier, to_version)
            return _wire(result, models.CarryForwardResult)

        return self._run(work)

    def create_needs(self, council: str, body: dict[str, Any]) -> models.NeedsOut:
        data = _parse(NeedsCreate, body)

        async def work(session: AsyncSession) -> models.NeedsOut:
            profile = await needs.create(session, self.store, await self._council(session, council), data)
            return _wire(needs.needs_out(profile), models.NeedsOut)

        return self._run(work)

    def gaps(self, council: str, audit_id: str, needs_id: str) -> models.GapReport:
        audit, profile = _uuid(audit_id, "audit"), _uuid(needs_id, "needs profile")

        async def work(session: AsyncSession) -> models.GapReport:
            report = await needs.gaps(
                session, self.store, await self._council(session, council), audit, profile
            )
            return _wire(report, models.GapReport)

        return self._run(work)

    def report(
        self, council: str, audit_id: str, needs_id: str, budget_gbp: float | None, budget_days: float | None
    ) -> str:
        """What ``GET …/report`` does (see ``api.reports.routes``)."""
        audit_uuid, needs_uuid = _uuid(audit_id, "audit"), _uuid(needs_id, "needs profile")

        async def work(session: AsyncSession) -> str:
            code = await self._council(session, council)
            return await build_report(
                session, self.store, code, audit_uuid, needs_uuid, budget_gbp, budget_days
            )

        return self._run(work)

    def export_framework(self, version: str, file_format: str) -> bytes:
        """What ``GET /v1/frameworks/{version}/export`` does; SKOS URIs are based on EDSKILLS_PUBLIC_URL."""

        from api.framework.exports import render

        async def work(session: AsyncSession) -> bytes:
            _, index = await self.store.resolve(session, version, include_drafts=True)
            return render(index.framework, file_format, self.settings.base_url + "/v1", None)

        return self._run(work)

    def framework_diff(self, version: str, other: str) -> EditionDiff:
        """What ``GET /v1/frameworks/{version}/diff/{other}`` answers (drafts included: a local
        operator may read them)."""
        from api.framework.diff_routes import between
        from api.framework.store import version_key

        async def work(session: AsyncSession) -> EditionDiff:
            _, first = await self.store.resolve(session, version, include_drafts=True)
            _, second = await self.store.resolve(session, other, include_drafts=True)
            low, high = sorted((version_key(version), version_key(other)))
            middle = [
                (await self.store.index(session, edition)).framework
                for edition in await self.store.public_editions(session)
                if low < version_key(edition.version) < high
            ]
            return between(first.framework, second.framework, middle)

        return self._run(work)

    def sector(self, version: str | None, scenario: str | None, role: str | None) -> models.SectorView:
        """What ``GET /v1/analytics/sector`` does."""

        async def work(session: AsyncSession) -> models.SectorView:
            view = await analytics.sector(session, self.store, version, scenario, role)
            return _wire(view, models.SectorView)

        return self._run(work)

    def sector_csv(self, version: str | None, scenario: str | None, role: str | None) -> str:
        """What ``GET /v1/analytics/sector.csv`` does."""

        async def work(session: AsyncSession) -> str:
            return analytics.sector_csv(await analytics.sector(session, self.store, version, scenario, role))

        return self._run(work)

    def trend(self, council: str, needs_id: str) -> models.Trend:
        """What ``GET …/trend`` does."""
        profile = _uuid(needs_id, "needs profile")

        async def work(session: AsyncSession) -> models.Trend:
            code = await self._council(session, council)
            return _wire(await benchmarks.council_trend(session, self.store, code, profile), models.Trend)

        return self._run(work)

    def benchmark(self, council: str, needs_id: str, group: str) -> models.BenchmarkView:
        """What ``GET …/benchmark`` does (the registry read once, from this transaction's database)."""
        profile = _uuid(needs_id, "needs profile")

        async def work(session: AsyncSession) -> models.BenchmarkView:
            code = await self._council(session, council)
            registry = CouncilRegistry(session.bind)  # type: ignore[arg-type]
            view = await benchmarks.council_benchmark(
                session,
                self.store,
                registry,
                code,
                profile,
                group,  # type: ignore[arg-type]
            )
            return _wire(view, models.BenchmarkView)

        return self._run(work)


def _as_wire_problem(exc: ProblemError) -> Exception:
    """The service's problem as the client's typed exception, so both modes print alike."""
    problem = WireProblem(
        status=exc.status_code,
        detail=exc.detail,
        errors=[_wire(item, WireFieldError) for item in exc.errors or []] or None,
    )
    response = httpx.Response(exc.status_code, content=msgspec.json.encode(problem))
    return problem_from_response(response)
