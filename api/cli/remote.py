"""The commands over HTTP, through ``edskills_client``: each option of an import goes on the wire
as the route takes it, and the file is uploaded once."""

from __future__ import annotations

from typing import Any

import msgspec
from edskills_client import Client, Unprocessable, models

from api.audits.schemas import ImportOptions
from api.cli.common import Imported, ImportRefused, NewAudit
from taxonomy.diff import EditionDiff

NOT_READY = "urn:edskills:problem:import-not-ready"


class _Refusal(msgspec.Struct):
    """The extension member of an ``import-not-ready`` problem: the plan a dry run would give."""

    plan: models.ImportPlan


class RemoteBackend:
    def __init__(self, client: Client) -> None:
        self.client = client

    def create_audit(self, council: str, body: dict[str, Any]) -> models.AuditOut:
        return self.client.create_audit(council, body)

    def list_audits(self, council: str) -> list[models.AuditOut]:
        return list(self.client.paginate(self.client.list_audits, council, limit=100))

    def import_spreadsheet(
        self, council: str, into: str | NewAudit, content: bytes, filename: str, options: ImportOptions
    ) -> Imported:
        mapping = msgspec.to_builtins(options.mapping) or None
        wire: dict[str, Any] = {
            "filename": filename,
            "mapping": mapping,
            "dry_run": options.dry_run,
            "header_row": options.header_row,
            "layout": options.layout,
            "source": options.source,
        }
        try:
            if isinstance(into, str):
                plan = self.client.import_spreadsheet(council, into, content, **wire)
                return Imported(audit_id=into, plan=plan)
            made = self.client.import_audit(
                council,
                content,
                title=into.title,
                audit_date=into.audit_date,
                framework_version=into.framework_version,
                **wire,
            )
        except Unprocessable as exc:
            if exc.type != NOT_READY or exc.response is None:
                raise
            raise ImportRefused(msgspec.json.decode(exc.response.content, type=_Refusal).plan) from None
        return Imported(audit_id=str(made.audit.id) if made.audit else None, plan=made.plan)

    def export_audit(self, council: str, audit_id: str, file_format: str) -> bytes:
        return self.client.export_audit(council, audit_id, format=file_format)  # type: ignore[arg-type]

    def carry_forward(self, council: str, audit_id: str, to_version: str) -> models.CarryForwardResult:
        return self.client.carry_forward_audit(council, audit_id, to=to_version)

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

    def framework_diff(self, version: str, other: str) -> EditionDiff:
        diff = self.client.get_framework_diff(version, other)
        return msgspec.convert(msgspec.to_builtins(diff), EditionDiff)

    def sector(self, version: str | None, scenario: str | None, role: str | None) -> models.SectorView:
        return self.client.get_sector_view(version=version, scenario=scenario, role=role)

    def sector_csv(self, version: str | None, scenario: str | None, role: str | None) -> str:
        return self.client.get_sector_view_csv(version=version, scenario=scenario, role=role)

    def trend(self, council: str, needs_id: str) -> models.Trend:
        return self.client.get_trend(council, needs_id)

    def benchmark(self, council: str, needs_id: str, group: str) -> models.BenchmarkView:
        return self.client.get_benchmark(council, needs_id, group=group)
