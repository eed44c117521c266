"""Trend of a council's readiness over its audits: DESIGN §2.10.

Every audit of the council on the needs profile's edition (an audit carried forward to that edition
is an audit on it), in audit-date order, rated by DESIGN §2.2: readiness and red/amber/green counts,
for the whole profile and for each of its scenarios on its own (a scenario's rows expanded alone by
DESIGN §2.1), so a manager sees which change of need moved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

import msgspec

from api.analysis.gaps import RagCounts, gap_rows, rag_counts, readiness
from api.analysis.model import RequirementRow, TeamMember


class AuditTeam(msgspec.Struct, frozen=True, kw_only=True):
    id: uuid.UUID
    title: str
    audit_date: dt.date
    created_at: dt.datetime
    team: Sequence[TeamMember]


class ScenarioPoint(msgspec.Struct, frozen=True, kw_only=True):
    scenario: str
    readiness: float
    counts: RagCounts


class TrendPoint(msgspec.Struct, frozen=True, kw_only=True):
    audit: uuid.UUID
    title: str
    audit_date: dt.date
    members: int
    readiness: float
    counts: RagCounts
    scenarios: list[ScenarioPoint]


def trend(
    rows: Sequence[RequirementRow],
    audits: Sequence[AuditTeam],
    scenario_rows: Mapping[str, Sequence[RequirementRow]] | None = None,
) -> list[TrendPoint]:
    """One point per audit, oldest first (ties: created first); ``rows`` must not be empty.

    A scenario that expands to no rows has no readiness (DESIGN §2.2) and is left out."""
    scenarios = {slug: list(found) for slug, found in (scenario_rows or {}).items() if found}
    points = []
    for audit in sorted(audits, key=lambda a: (a.audit_date, a.created_at, str(a.id))):
        gaps = gap_rows(rows, audit.team)
        per_scenario = []
        for slug in sorted(scenarios):
            scenario_gaps = gap_rows(scenarios[slug], audit.team)
            per_scenario.append(
                ScenarioPoint(
                    scenario=slug, readiness=readiness(scenario_gaps), counts=rag_counts(scenario_gaps)
                )
            )
        points.append(
            TrendPoint(
                audit=audit.id,
                title=audit.title,
                audit_date=audit.audit_date,
                members=len(audit.team),
                readiness=readiness(gaps),
                counts=rag_counts(gaps),
                scenarios=per_scenario,
            )
        )
    return points
