"""Every API operation, one small function each (see ``_core.operation``).

Adding an operation: write a function that returns a ``Call`` with the response model from
``models`` and decorate it with its ``operationId``, method and path from ``openapi.yaml``.
``tests/clients/test_coverage.py`` fails until every operation in the spec has one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack
from uuid import UUID

import msgspec

from edskills_client import models
from edskills_client._core import Call, operation

Body = Mapping[str, Any]
Id = str | UUID
NoContent = type(None)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(file: str | Path | bytes, filename: str | None) -> tuple[str, bytes, str]:
    """A spreadsheet as a multipart part; read whole so that a retry can send it again."""
    if isinstance(file, bytes):
        name = filename or "upload.xlsx"
        content = file
    else:
        path = Path(file)
        name = filename or path.name
        content = path.read_bytes()
    media = XLSX if name.lower().endswith(".xlsx") else "text/csv"
    return (name, content, media)


class UploadOptions(TypedDict, total=False):
    """The options of both import operations (``import_spreadsheet``, ``import_audit``)."""

    filename: str | None
    """The file's name when ``file`` is bytes (its ending tells CSV from XLSX); default: the path's."""
    mapping: Body | None
    dry_run: bool
    """Plan only, write nothing (default False)."""
    header_row: int | None
    layout: Literal["wide", "long"] | None
    source: Literal["self", "manager", "verified"] | None


class Operations:
    """The operations shared by ``Client`` and ``AsyncClient``."""

    # --- system ---------------------------------------------------------------------------------

    @operation("getHealth", "GET", "/health")
    def health() -> Call[models.Health]:
        """Service and database status."""
        return Call(models.Health)

    # --- framework (public) ---------------------------------------------------------------------

    @operation("listFrameworks", "GET", "/v1/frameworks")
    def list_frameworks() -> Call[models.FrameworkList]:
        """The editions of the framework (published and retired)."""
        return Call(models.FrameworkList)

    @operation("getFramework", "GET", "/v1/frameworks/{version}")
    def get_framework(version: str) -> Call[models.FrameworkSummary]:
        """One edition's summary, e.g. ``2026.1``."""
        return Call(models.FrameworkSummary)

    @operation("listLevels", "GET", "/v1/levels")
    def list_levels(*, version: str | None = None) -> Call[models.LevelList]:
        """The proficiency scale and the words imports accept for each level."""
        return Call(models.LevelList, query={"version": version})

    @operation("listCategories", "GET", "/v1/categories")
    def list_categories(
        *, version: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> Call[models.CategoryPage]:
        return Call(models.CategoryPage, query={"version": version, "limit": limit, "offset": offset})

    @operation("listSkills", "GET", "/v1/skills")
    def list_skills(
        *,
        q: str | None = None,
        category: str | None = None,
        version: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Call[models.SkillPage]:
        """Skills, optionally fuzzy-searched over every label (``q``) or in one category."""
        query = {"q": q, "category": category, "version": version, "limit": limit, "offset": offset}
        return Call(models.SkillPage, query=query)

    @operation("getSkill", "GET", "/v1/skills/{slug}")
    def get_skill(slug: str, *, version: str | None = None) -> Call[models.SkillDetail]:
        """One skill with the roles and training that use it."""
        return Call(models.SkillDetail, query={"version": version})

    @operation("listRoles", "GET", "/v1/roles")
    def list_roles(
        *, version: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> Call[models.RolePage]:
        return Call(models.RolePage, query={"version": version, "limit": limit, "offset": offset})

    @operation("getRole", "GET", "/v1/roles/{slug}")
    def get_role(slug: str, *, version: str | None = None) -> Call[models.RoleDetail]:
        """A role with its requirements and its next and previous roles."""
        return Call(models.RoleDetail, query={"version": version})

    @operation("listNextRoles", "GET", "/v1/roles/{slug}/next")
    def list_next_roles(slug: str, *, version: str | None = None) -> Call[models.NextRoles]:
        return Call(models.NextRoles, query={"version": version})

    @operation("listPathways", "GET", "/v1/pathways")
    def list_pathways(*, version: str | None = None) -> Call[models.PathwayList]:
        return Call(models.PathwayList, query={"version": version})

    @operation("listScenarios", "GET", "/v1/scenarios")
    def list_scenarios(*, version: str | None = None) -> Call[models.ScenarioList]:
        return Call(models.ScenarioList, query={"version": version})

    @operation("getScenario", "GET", "/v1/scenarios/{slug}")
    def get_scenario(slug: str, *, version: str | None = None) -> Call[models.ScenarioDetail]:
        return Call(models.ScenarioDetail, query={"version": version})

    @operation("listTraining", "GET", "/v1/training")
    def list_training(
        *,
        skill: str | None = None,
        kind: str | None = None,
        mode: str | None = None,
        max_cost: float | None = None,
        version: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Call[models.TrainingPage]:
        """The training catalogue, filtered by skill developed, kind, mode and cost per person."""
        query = {
            "skill": skill,
            "kind": kind,
            "mode": mode,
            "max_cost": max_cost,
            "version": version,
            "limit": limit,
            "offset": offset,
        }
        return Call(models.TrainingPage, query=query)

    @operation("getTraining", "GET", "/v1/training/{slug}")
    def get_training(slug: str, *, version: str | None = None) -> Call[models.TrainingDetail]:
        return Call(models.TrainingDetail, query={"version": version})

    # --- matching -------------------------------------------------------------------------------

    @operation("matchSkills", "POST", "/v1/match/skills")
    def match_skills(
        texts: Sequence[str], *, version: str | None = None, limit: int | None = None
    ) -> Call[models.MatchResponse]:
        """Map free-text skill names to the taxonomy: matched, suggested or unmatched."""
        return Call(models.MatchResponse, json=_match_body(texts, version, limit))

    @operation("matchRoles", "POST", "/v1/match/roles")
    def match_roles(
        texts: Sequence[str], *, version: str | None = None, limit: int | None = None
    ) -> Call[models.MatchResponse]:
        """Map job titles to the framework's roles."""
        return Call(models.MatchResponse, json=_match_body(texts, version, limit))

    # --- councils -------------------------------------------------------------------------------

    @operation("listCouncils", "GET", "/v1/councils")
    def list_councils(
        *,
        q: str | None = None,
        type: str | None = None,
        region: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Call[models.CouncilPage]:
        query = {"q": q, "type": type, "region": region, "limit": limit, "offset": offset}
        return Call(models.CouncilPage, query=query)

    @operation("getCouncil", "GET", "/v1/councils/{code}")
    def get_council(code: str) -> Call[models.CouncilDetail]:
        """A council with its neighbours, county and combined authority."""
        return Call(models.CouncilDetail)

    @operation("setSharing", "PUT", "/v1/councils/{code}/sharing")
    def set_sharing(code: str, share_capability: bool) -> Call[models.SharingOut]:
        """Opt in (or out) of sharing the council's capability summary with neighbours."""
        return Call(models.SharingOut, json={"share_capability": share_capability})

    # --- audits ---------------------------------------------------------------------------------

    @operation("listAudits", "GET", "/v1/councils/{code}/audits")
    def list_audits(
        code: str, *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.AuditPage]:
        return Call(models.AuditPage, query={"limit": limit, "offset": offset})

    @operation("createAudit", "POST", "/v1/councils/{code}/audits")
    def create_audit(code: str, audit: models.AuditCreate | Body) -> Call[models.AuditOut]:
        return Call(models.AuditOut, json=audit)

    @operation("getAudit", "GET", "/v1/councils/{code}/audits/{audit_id}")
    def get_audit(code: str, audit_id: Id) -> Call[models.AuditOut]:
        return Call(models.AuditOut)

    @operation("updateAudit", "PATCH", "/v1/councils/{code}/audits/{audit_id}")
    def update_audit(
        code: str, audit_id: Id, changes: models.AuditUpdate | Body, *, if_match: str | None = None
    ) -> Call[models.AuditOut]:
        return Call(models.AuditOut, json=changes)

    @operation("deleteAudit", "DELETE", "/v1/councils/{code}/audits/{audit_id}")
    def delete_audit(code: str, audit_id: Id) -> Call[None]:
        """Delete an audit with its members and assessments."""
        return Call(NoContent)

    @operation("listMembers", "GET", "/v1/councils/{code}/audits/{audit_id}/members")
    def list_members(
        code: str, audit_id: Id, *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.MemberPage]:
        return Call(models.MemberPage, query={"limit": limit, "offset": offset})

    @operation("createMember", "POST", "/v1/councils/{code}/audits/{audit_id}/members")
    def create_member(code: str, audit_id: Id, member: models.MemberCreate | Body) -> Call[models.MemberOut]:
        return Call(models.MemberOut, json=member)

    @operation("getMember", "GET", "/v1/councils/{code}/audits/{audit_id}/members/{reference}")
    def get_member(code: str, audit_id: Id, reference: str) -> Call[models.MemberOut]:
        """A member with their assessments and effective levels (verified > manager > self)."""
        return Call(models.MemberOut)

    @operation("updateMember", "PATCH", "/v1/councils/{code}/audits/{audit_id}/members/{reference}")
    def update_member(
        code: str,
        audit_id: Id,
        reference: str,
        changes: models.MemberUpdate | Body,
        *,
        if_match: str | None = None,
    ) -> Call[models.MemberOut]:
        return Call(models.MemberOut, json=changes)

    @operation("deleteMember", "DELETE", "/v1/councils/{code}/audits/{audit_id}/members/{reference}")
    def delete_member(code: str, audit_id: Id, reference: str) -> Call[None]:
        """Delete a member and erase their assessments."""
        return Call(NoContent)

    @operation("upsertAssessments", "PUT", "/v1/councils/{code}/audits/{audit_id}/assessments")
    def upsert_assessments(
        code: str, audit_id: Id, assessments: Sequence[models.AssessmentIn | Body]
    ) -> Call[models.BulkResult]:
        """Write a whole matrix of assessments, all or nothing."""
        return Call(models.BulkResult, json={"assessments": list(assessments)})

    @operation("importSpreadsheet", "POST", "/v1/councils/{code}/audits/{audit_id}/import")
    def import_spreadsheet(
        code: str,
        audit_id: Id,
        file: str | Path | bytes,
        **options: Unpack[UploadOptions],
    ) -> Call[models.ImportPlan]:
        """Plan (``dry_run=True``) or run the import of a CSV or XLSX skills matrix.

        ``mapping`` confirms what the plan only suggested: ``{"columns": {header: slug | "ignore"},
        "roles": {title: slug}}``. A plan that is not ready raises ``Unprocessable`` whose problem
        document carries the ``plan``.
        """
        return Call(models.ImportPlan, data=_form(options), **_import_upload(file, options))

    @operation("importAudit", "POST", "/v1/councils/{code}/audits/import")
    def import_audit(
        code: str,
        file: str | Path | bytes,
        *,
        title: str,
        audit_date: str | date,
        framework_version: str | None = None,
        **options: Unpack[UploadOptions],
    ) -> Call[models.AuditImport]:
        """Start an audit from a skills matrix: created only if the import is ready (``audit`` is
        None on a dry run); the options are those of :meth:`import_spreadsheet`."""
        form = {"title": title, "audit_date": str(audit_date), **_form(options)}
        if framework_version is not None:
            form["framework_version"] = framework_version
        return Call(models.AuditImport, data=form, **_import_upload(file, options))

    @operation("exportAudit", "GET", "/v1/councils/{code}/audits/{audit_id}/export")
    def export_audit(code: str, audit_id: Id, *, format: Literal["csv", "xlsx"] = "xlsx") -> Call[bytes]:
        """The audit as a wide spreadsheet (bytes) that imports back exactly."""
        return Call(bytes, query={"format": format})

    # --- self-assessment rounds (issue 17) -------------------------------------------------------

    @operation("openRound", "POST", "/v1/councils/{code}/audits/{audit_id}/rounds")
    def open_round(code: str, audit_id: Id, round: models.RoundCreate | Body) -> Call[models.RoundOpened]:
        """Open a round; the members' links come back once (only their hashes are kept)."""
        return Call(models.RoundOpened, json=round)

    @operation("listRounds", "GET", "/v1/councils/{code}/audits/{audit_id}/rounds")
    def list_rounds(
        code: str, audit_id: Id, *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.RoundPage]:
        return Call(models.RoundPage, query={"limit": limit, "offset": offset})

    @operation("getRound", "GET", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}")
    def get_round(code: str, audit_id: Id, round_id: Id) -> Call[models.RoundOut]:
        return Call(models.RoundOut)

    @operation("closeRound", "POST", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/close")
    def close_round(
        code: str, audit_id: Id, round_id: Id, *, if_match: str | None = None
    ) -> Call[models.RoundOut]:
        """Stop submissions; with a cycle, schedule the next review (``next_audit_id``)."""
        return Call(models.RoundOut)

    @operation("issueRoundLinks", "POST", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/links")
    def issue_round_links(
        code: str, audit_id: Id, round_id: Id, members: Sequence[str] | None = None
    ) -> Call[models.LinkList]:
        """Fresh links for ``members`` (default all); each one's earlier link stops working."""
        return Call(models.LinkList, json={"members": list(members) if members is not None else None})

    @operation(
        "revokeRoundLink",
        "POST",
        "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/links/{reference}/revoke",
    )
    def revoke_round_link(code: str, audit_id: Id, round_id: Id, reference: str) -> Call[None]:
        """The member's link answers 410 from now on."""
        return Call(NoContent)

    @operation(
        "emailRoundLinks", "POST", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/links/email"
    )
    def email_round_links(
        code: str,
        audit_id: Id,
        round_id: Id,
        *,
        members: Sequence[str] | None = None,
        emails: Mapping[str, str] | None = None,
    ) -> Call[models.MailResult]:
        """Email fresh links (the service's SMTP server); ``emails`` records addresses first."""
        body = {"members": list(members) if members is not None else None, "emails": dict(emails or {})}
        return Call(models.MailResult, json=body)

    @operation("remindRound", "POST", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/reminders")
    def remind_round(
        code: str,
        audit_id: Id,
        round_id: Id,
        *,
        members: Sequence[str] | None = None,
        emails: Mapping[str, str] | None = None,
    ) -> Call[models.MailResult]:
        """Email a reminder with a fresh link to members who have not submitted."""
        body = {"members": list(members) if members is not None else None, "emails": dict(emails or {})}
        return Call(models.MailResult, json=body)

    @operation("getRoundReview", "GET", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/review")
    def round_review(code: str, audit_id: Id, round_id: Id) -> Call[models.RoundReview]:
        return Call(models.RoundReview)

    @operation("verifyRound", "POST", "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/verify")
    def verify_round(
        code: str,
        audit_id: Id,
        round_id: Id,
        *,
        members: Sequence[str] | None = None,
        skills: Sequence[str] | None = None,
    ) -> Call[models.VerifyResult]:
        """Accept self levels as verified: ``members`` (default: all who submitted), ``skills`` (all)."""
        body = {
            "members": list(members) if members is not None else None,
            "skills": list(skills) if skills is not None else None,
        }
        return Call(models.VerifyResult, json=body)

    @operation(
        "setManagerLevels",
        "PUT",
        "/v1/councils/{code}/audits/{audit_id}/rounds/{round_id}/members/{reference}/levels",
    )
    def set_manager_levels(
        code: str, audit_id: Id, round_id: Id, reference: str, levels: Sequence[models.LevelIn | Body]
    ) -> Call[models.LevelsResult]:
        return Call(models.LevelsResult, json={"levels": list(levels)})

    @operation(
        "getAssessmentHistory", "GET", "/v1/councils/{code}/audits/{audit_id}/members/{reference}/history"
    )
    def assessment_history(
        code: str,
        audit_id: Id,
        reference: str,
        *,
        skill: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> Call[models.HistoryPage]:
        return Call(models.HistoryPage, query={"skill": skill, "limit": limit, "offset": offset})

    @operation("listDue", "GET", "/v1/councils/{code}/due")
    def due(code: str, *, on: date | None = None) -> Call[models.DueList]:
        """Open and overdue rounds, and reviews a cycle scheduled."""
        return Call(models.DueList, query={"on": on.isoformat() if on else None})

    @operation("getSelfAssessment", "GET", "/v1/self-assessment/{token}")
    def self_assessment(token: str) -> Call[models.SelfAssessmentOut]:
        """A member's own form, by their link's token (no key needed)."""
        return Call(models.SelfAssessmentOut)

    @operation("saveSelfAssessmentDraft", "PUT", "/v1/self-assessment/{token}")
    def save_self_assessment_draft(
        token: str, answers: Sequence[models.AnswerIn | Body]
    ) -> Call[models.SelfAssessmentOut]:
        return Call(models.SelfAssessmentOut, json={"answers": list(answers)})

    @operation("submitSelfAssessment", "POST", "/v1/self-assessment/{token}/submit")
    def submit_self_assessment(
        token: str, answers: Sequence[models.AnswerIn | Body]
    ) -> Call[models.SelfAssessmentOut]:
        return Call(models.SelfAssessmentOut, json={"answers": list(answers)})

    # --- needs, gaps, progress, report ----------------------------------------------------------

    @operation("listNeeds", "GET", "/v1/councils/{code}/needs")
    def list_needs(
        code: str, *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.NeedsPage]:
        return Call(models.NeedsPage, query={"limit": limit, "offset": offset})

    @operation("createNeeds", "POST", "/v1/councils/{code}/needs")
    def create_needs(code: str, needs: models.NeedsCreate | Body) -> Call[models.NeedsOut]:
        """A needs profile: target establishment, scenarios and explicit rows."""
        return Call(models.NeedsOut, json=needs)

    @operation("getNeeds", "GET", "/v1/councils/{code}/needs/{needs_id}")
    def get_needs(code: str, needs_id: Id) -> Call[models.NeedsOut]:
        return Call(models.NeedsOut)

    @operation("updateNeeds", "PATCH", "/v1/councils/{code}/needs/{needs_id}")
    def update_needs(
        code: str, needs_id: Id, changes: models.NeedsUpdate | Body, *, if_match: str | None = None
    ) -> Call[models.NeedsOut]:
        return Call(models.NeedsOut, json=changes)

    @operation("deleteNeeds", "DELETE", "/v1/councils/{code}/needs/{needs_id}")
    def delete_needs(code: str, needs_id: Id) -> Call[None]:
        return Call(NoContent)

    @operation("getRequirements", "GET", "/v1/councils/{code}/needs/{needs_id}/requirements")
    def get_requirements(code: str, needs_id: Id) -> Call[models.Requirements]:
        """The needs profile expanded into (skill, level) rows (DESIGN §2.1)."""
        return Call(models.Requirements)

    @operation("getGaps", "GET", "/v1/councils/{code}/audits/{audit_id}/gaps")
    def get_gaps(code: str, audit_id: Id, needs: Id) -> Call[models.GapReport]:
        """The RAG gap table and readiness of an audit against a needs profile (DESIGN §2.2)."""
        return Call(models.GapReport, query={"needs": needs})

    @operation("getProgress", "GET", "/v1/councils/{code}/progress")
    def get_progress(code: str, *, from_audit: Id, to_audit: Id, needs: Id) -> Call[models.ProgressReport]:
        """Progress between an earlier and a later audit against one needs profile."""
        query = {"from": from_audit, "to": to_audit, "needs": needs}
        return Call(models.ProgressReport, query=query)

    @operation("getTrend", "GET", "/v1/councils/{code}/trend")
    def get_trend(code: str, needs: Id) -> Call[models.Trend]:
        """Readiness and red/amber/green counts over every audit on the profile's edition (DESIGN §2.10)."""
        return Call(models.Trend, query={"needs": needs, "format": "json"})

    @operation("getBenchmark", "GET", "/v1/councils/{code}/benchmark")
    def get_benchmark(code: str, needs: Id, *, group: str = "all") -> Call[models.BenchmarkView]:
        """Our RAG and readiness against a group of sharing councils (type, region,
        combined-authority, neighbours, all); suppressed where a council could be singled out."""
        return Call(models.BenchmarkView, query={"needs": needs, "group": group})

    @operation("getReport", "GET", "/v1/councils/{code}/audits/{audit_id}/report")
    def get_report(
        code: str,
        audit_id: Id,
        needs: Id,
        *,
        budget_gbp: float | None = None,
        budget_days: float | None = None,
    ) -> Call[str]:
        """The audit report: one self-contained HTML page (with a plan summary given budgets)."""
        query = {"needs": needs, "budget_gbp": budget_gbp, "budget_days": budget_days}
        return Call(str, query=query)

    # --- recommendations ------------------------------------------------------------------------

    @operation("getRecommendations", "GET", "/v1/councils/{code}/audits/{audit_id}/recommendations")
    def get_recommendations(
        code: str, audit_id: Id, needs: Id, *, budget_gbp: float, budget_days: float
    ) -> Call[models.Recommendations]:
        """An optimal training plan within both budgets, and joint working with neighbours."""
        query = {"needs": needs, "budget_gbp": budget_gbp, "budget_days": budget_days}
        return Call(models.Recommendations, query=query)

    @operation("getPathway", "GET", "/v1/councils/{code}/audits/{audit_id}/members/{reference}/pathway")
    def get_pathway(
        code: str, audit_id: Id, reference: str, *, target: str | None = None
    ) -> Call[models.PathwayResponse]:
        """A member's readiness for reachable roles and the route to ``target``."""
        return Call(models.PathwayResponse, query={"target": target})

    @operation("planLearningSets", "POST", "/v1/learning-sets/plan")
    def plan_learning_sets(request: models.LearningSetRequest | Body) -> Call[models.LearningSetResponse]:
        """Action learning sets on a skill or category across councils."""
        return Call(models.LearningSetResponse, json=request)

    # --- framework editions: drafts, edits, publishing (scope framework:write) -------------------

    @operation("createDraft", "POST", "/v1/frameworks")
    def create_draft(draft: models.DraftCreate | Body) -> Call[models.EditionOut]:
        """A new draft edition, copied from the latest published one."""
        return Call(models.EditionOut, json=draft)

    @operation("deleteDraft", "DELETE", "/v1/frameworks/{version}")
    def delete_draft(version: str, *, if_match: str | None = None) -> Call[None]:
        return Call(NoContent)

    @operation("getFrameworkDocument", "GET", "/v1/frameworks/{version}/document")
    def get_framework_document(version: str) -> Call[models.Framework]:
        """The whole edition in the framework file format (drafts need framework:write)."""
        return Call(models.Framework)

    @operation("validateFramework", "GET", "/v1/frameworks/{version}/problems")
    def validate_framework(version: str) -> Call[models.ValidationReport]:
        """Every problem that would stop the edition being published."""
        return Call(models.ValidationReport)

    @operation("listFrameworkChanges", "GET", "/v1/frameworks/{version}/changes")
    def list_framework_changes(
        version: str, *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.ChangePage]:
        """What changed in this edition against the previous one."""
        return Call(models.ChangePage, query={"limit": limit, "offset": offset})

    @operation("publishFramework", "POST", "/v1/frameworks/{version}/publish")
    def publish_framework(version: str, *, if_match: str | None = None) -> Call[models.EditionOut]:
        return Call(models.EditionOut)

    @operation("retireFramework", "POST", "/v1/frameworks/{version}/retire")
    def retire_framework(version: str, *, if_match: str | None = None) -> Call[models.EditionOut]:
        return Call(models.EditionOut)

    @operation("exportFramework", "GET", "/v1/frameworks/{version}/export")
    def export_framework(
        version: str, *, format: Literal["json", "yaml", "csv", "skos"] = "json"
    ) -> Call[bytes]:
        """The edition as JSON, YAML, a CSV of skills, or SKOS JSON-LD (bytes)."""
        return Call(bytes, query={"format": format})

    @operation("getFrameworkDiff", "GET", "/v1/frameworks/{version}/diff/{other}")
    def get_framework_diff(version: str, other: str) -> Call[models.EditionDiff]:
        """What changed from edition ``version`` to ``other``: added, removed, renamed, merged, split,
        changed field by field (the API also answers CSV to ``Accept: text/csv``)."""
        return Call(models.EditionDiff)

    # Items of a draft edition: get, create, replace (If-Match) and delete, one kind at a time.

    @operation("getFrameworkCategory", "GET", "/v1/frameworks/{version}/categories/{slug}")
    def get_framework_category(version: str, slug: str) -> Call[models.Category]:
        return Call(models.Category)

    @operation("createFrameworkCategory", "POST", "/v1/frameworks/{version}/categories")
    def create_framework_category(version: str, category: models.Category | Body) -> Call[models.Category]:
        return Call(models.Category, json=category)

    @operation("replaceFrameworkCategory", "PUT", "/v1/frameworks/{version}/categories/{slug}")
    def replace_framework_category(
        version: str, slug: str, category: models.Category | Body, *, if_match: str | None = None
    ) -> Call[models.Category]:
        return Call(models.Category, json=category)

    @operation("deleteFrameworkCategory", "DELETE", "/v1/frameworks/{version}/categories/{slug}")
    def delete_framework_category(version: str, slug: str, *, if_match: str | None = None) -> Call[None]:
        return Call(NoContent)

    @operation("getFrameworkSkill", "GET", "/v1/frameworks/{version}/skills/{slug}")
    def get_framework_skill(version: str, slug: str) -> Call[models.Skill]:
        return Call(models.Skill)

    @operation("createFrameworkSkill", "POST", "/v1/frameworks/{version}/skills")
    def create_framework_skill(version: str, skill: models.Skill | Body) -> Call[models.Skill]:
        return Call(models.Skill, json=skill)

    @operation("replaceFrameworkSkill", "PUT", "/v1/frameworks/{version}/skills/{slug}")
    def replace_framework_skill(
        version: str, slug: str, skill: models.Skill | Body, *, if_match: str | None = None
    ) -> Call[models.Skill]:
        return Call(models.Skill, json=skill)

    @operation("deleteFrameworkSkill", "DELETE", "/v1/frameworks/{version}/skills/{slug}")
    def delete_framework_skill(
        version: str, slug: str, *, merge_into: str | None = None, if_match: str | None = None
    ) -> Call[None]:
        """Remove a skill, optionally merging it into another (recorded as ``replaces``)."""
        return Call(NoContent, query={"merge_into": merge_into})

    @operation("getFrameworkRole", "GET", "/v1/frameworks/{version}/roles/{slug}")
    def get_framework_role(version: str, slug: str) -> Call[models.Role]:
        return Call(models.Role)

    @operation("createFrameworkRole", "POST", "/v1/frameworks/{version}/roles")
    def create_framework_role(version: str, role: models.Role | Body) -> Call[models.Role]:
        return Call(models.Role, json=role)

    @operation("replaceFrameworkRole", "PUT", "/v1/frameworks/{version}/roles/{slug}")
    def replace_framework_role(
        version: str, slug: str, role: models.Role | Body, *, if_match: str | None = None
    ) -> Call[models.Role]:
        return Call(models.Role, json=role)

    @operation("deleteFrameworkRole", "DELETE", "/v1/frameworks/{version}/roles/{slug}")
    def delete_framework_role(version: str, slug: str, *, if_match: str | None = None) -> Call[None]:
        return Call(NoContent)

    @operation("putFrameworkRequirement", "PUT", "/v1/frameworks/{version}/roles/{slug}/requirements/{skill}")
    def put_framework_requirement(
        version: str,
        slug: str,
        skill: str,
        requirement: models.RequirementIn | Body,
        *,
        if_match: str | None = None,
    ) -> Call[models.Role]:
        """Set one requirement of a role (level and importance of one skill)."""
        return Call(models.Role, json=requirement)

    @operation(
        "deleteFrameworkRequirement", "DELETE", "/v1/frameworks/{version}/roles/{slug}/requirements/{skill}"
    )
    def delete_framework_requirement(
        version: str, slug: str, skill: str, *, if_match: str | None = None
    ) -> Call[None]:
        return Call(NoContent)

    @operation("getFrameworkPathway", "GET", "/v1/frameworks/{version}/pathways/{from_role}/{to_role}")
    def get_framework_pathway(version: str, from_role: str, to_role: str) -> Call[models.PathwayEdge]:
        return Call(models.PathwayEdge)

    @operation("createFrameworkPathway", "POST", "/v1/frameworks/{version}/pathways")
    def create_framework_pathway(version: str, edge: models.PathwayEdge | Body) -> Call[models.PathwayEdge]:
        return Call(models.PathwayEdge, json=edge)

    @operation("replaceFrameworkPathway", "PUT", "/v1/frameworks/{version}/pathways/{from_role}/{to_role}")
    def replace_framework_pathway(
        version: str,
        from_role: str,
        to_role: str,
        edge: models.PathwayEdge | Body,
        *,
        if_match: str | None = None,
    ) -> Call[models.PathwayEdge]:
        return Call(models.PathwayEdge, json=edge)

    @operation("deleteFrameworkPathway", "DELETE", "/v1/frameworks/{version}/pathways/{from_role}/{to_role}")
    def delete_framework_pathway(
        version: str, from_role: str, to_role: str, *, if_match: str | None = None
    ) -> Call[None]:
        return Call(NoContent)

    @operation("getFrameworkScenario", "GET", "/v1/frameworks/{version}/scenarios/{slug}")
    def get_framework_scenario(version: str, slug: str) -> Call[models.Scenario]:
        return Call(models.Scenario)

    @operation("createFrameworkScenario", "POST", "/v1/frameworks/{version}/scenarios")
    def create_framework_scenario(version: str, scenario: models.Scenario | Body) -> Call[models.Scenario]:
        return Call(models.Scenario, json=scenario)

    @operation("replaceFrameworkScenario", "PUT", "/v1/frameworks/{version}/scenarios/{slug}")
    def replace_framework_scenario(
        version: str, slug: str, scenario: models.Scenario | Body, *, if_match: str | None = None
    ) -> Call[models.Scenario]:
        return Call(models.Scenario, json=scenario)

    @operation("deleteFrameworkScenario", "DELETE", "/v1/frameworks/{version}/scenarios/{slug}")
    def delete_framework_scenario(version: str, slug: str, *, if_match: str | None = None) -> Call[None]:
        return Call(NoContent)

    @operation("getFrameworkTrainingOption", "GET", "/v1/frameworks/{version}/training/{slug}")
    def get_framework_training_option(version: str, slug: str) -> Call[models.TrainingOption]:
        return Call(models.TrainingOption)

    @operation("createFrameworkTrainingOption", "POST", "/v1/frameworks/{version}/training")
    def create_framework_training_option(
        version: str, option: models.TrainingOption | Body
    ) -> Call[models.TrainingOption]:
        return Call(models.TrainingOption, json=option)

    @operation("replaceFrameworkTrainingOption", "PUT", "/v1/frameworks/{version}/training/{slug}")
    def replace_framework_training_option(
        version: str, slug: str, option: models.TrainingOption | Body, *, if_match: str | None = None
    ) -> Call[models.TrainingOption]:
        return Call(models.TrainingOption, json=option)

    @operation("deleteFrameworkTrainingOption", "DELETE", "/v1/frameworks/{version}/training/{slug}")
    def delete_framework_training_option(
        version: str, slug: str, *, if_match: str | None = None
    ) -> Call[None]:
        return Call(NoContent)

    # --- carry forward and national analytics ---------------------------------------------------

    @operation("carryForwardAudit", "POST", "/v1/councils/{code}/audits/{audit_id}/carry-forward")
    def carry_forward_audit(code: str, audit_id: Id, *, to: str) -> Call[models.CarryForwardResult]:
        """Copy an audit onto edition ``to``, following the skills' ``replaces`` links."""
        return Call(models.CarryForwardResult, query={"to": to})

    @operation("getSectorView", "GET", "/v1/analytics/sector")
    def get_sector_view(
        *, version: str | None = None, scenario: str | None = None, role: str | None = None
    ) -> Call[models.SectorView]:
        """Sector-wide capability (national bodies), aggregated so no council is identifiable."""
        query = {"version": version, "scenario": scenario, "role": role}
        return Call(models.SectorView, query=query)

    @operation("getSectorViewCsv", "GET", "/v1/analytics/sector.csv")
    def get_sector_view_csv(
        *, version: str | None = None, scenario: str | None = None, role: str | None = None
    ) -> Call[str]:
        query = {"version": version, "scenario": scenario, "role": role}
        return Call(str, query=query)

    # --- webhooks (scope partner; verify deliveries with ``verify_webhook``) --------------------

    # --- people and the event log (admin keys) ---

    @operation("listPeople", "GET", "/v1/people")
    def list_people(*, limit: int | None = None, offset: int | None = None) -> Call[models.PeoplePage]:
        return Call(models.PeoplePage, query={"limit": limit, "offset": offset})

    @operation("invitePerson", "POST", "/v1/people/invitations")
    def invite_person(invitation: models.InvitationCreate | Body) -> Call[models.IssuedLink]:
        """Invite someone; the answer's link is shown this once (and emailed when mail is set up)."""
        return Call(models.IssuedLink, json=invitation)

    @operation("getPerson", "GET", "/v1/people/{person_id}")
    def get_person(person_id: int) -> Call[models.PersonOut]:
        return Call(models.PersonOut)

    @operation("addGrant", "PUT", "/v1/people/{person_id}/grants/{grant}")
    def add_grant(person_id: int, grant: str) -> Call[models.PersonOut]:
        """Idempotent: granting what the person holds changes nothing."""
        return Call(models.PersonOut)

    @operation("removeGrant", "DELETE", "/v1/people/{person_id}/grants/{grant}")
    def remove_grant(person_id: int, grant: str) -> Call[models.PersonOut]:
        return Call(models.PersonOut)

    @operation("issuePasswordReset", "POST", "/v1/people/{person_id}/reset")
    def issue_password_reset(person_id: int) -> Call[models.IssuedLink]:
        """A single-use reset link for an admin to pass on, shown this once."""
        return Call(models.IssuedLink)

    @operation("listEvents", "GET", "/v1/events")
    def list_events(
        *, kind: str | None = None, limit: int | None = None, offset: int | None = None
    ) -> Call[models.EventPage]:
        return Call(models.EventPage, query={"kind": kind, "limit": limit, "offset": offset})

    @operation("createWebhookSubscription", "POST", "/v1/webhooks/subscriptions")
    def create_webhook_subscription(
        subscription: models.SubscriptionCreate | Body,
    ) -> Call[models.SubscriptionCreated]:
        """Subscribe a URL to events; the answer's ``secret`` is shown this once."""
        return Call(models.SubscriptionCreated, json=subscription)

    @operation("listWebhookSubscriptions", "GET", "/v1/webhooks/subscriptions")
    def list_webhook_subscriptions(
        *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.SubscriptionPage]:
        return Call(models.SubscriptionPage, query={"limit": limit, "offset": offset})

    @operation("getWebhookSubscription", "GET", "/v1/webhooks/subscriptions/{subscription_id}")
    def get_webhook_subscription(subscription_id: Id) -> Call[models.SubscriptionOut]:
        return Call(models.SubscriptionOut)

    @operation("deleteWebhookSubscription", "DELETE", "/v1/webhooks/subscriptions/{subscription_id}")
    def delete_webhook_subscription(subscription_id: Id) -> Call[None]:
        return Call(NoContent)

    @operation("enableWebhookSubscription", "POST", "/v1/webhooks/subscriptions/{subscription_id}/enable")
    def enable_webhook_subscription(subscription_id: Id) -> Call[models.SubscriptionOut]:
        """Re-enable a subscription disabled after persistent failures; owed events go at once."""
        return Call(models.SubscriptionOut)

    @operation("listWebhookAttempts", "GET", "/v1/webhooks/subscriptions/{subscription_id}/attempts")
    def list_webhook_attempts(
        subscription_id: Id, *, limit: int | None = None, offset: int | None = None
    ) -> Call[models.AttemptPage]:
        """The subscription's delivery log, newest first."""
        return Call(models.AttemptPage, query={"limit": limit, "offset": offset})


def _match_body(texts: Sequence[str], version: str | None, limit: int | None) -> models.MatchRequest:
    request = models.MatchRequest(texts=list(texts))
    if version is not None:
        request.version = version
    if limit is not None:
        request.limit = limit
    return request


def _json_text(value: object) -> str:
    return msgspec.json.encode(value).decode()


def _import_upload(file: str | Path | bytes, options: UploadOptions) -> dict[str, Any]:
    """The file and query of both import operations."""
    query = {
        "dry_run": options.get("dry_run", False),
        "header_row": options.get("header_row"),
        "layout": options.get("layout"),
        "source": options.get("source"),
    }
    return {"query": query, "files": {"file": _upload(file, options.get("filename"))}}


def _form(options: UploadOptions) -> dict[str, str]:
    """The import's ``mapping`` form field, if given."""
    mapping = options.get("mapping")
    return {} if mapping is None else {"mapping": _json_text(mapping)}
