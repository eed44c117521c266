"""Carry an audit forward to a later framework edition (the mapping rule: ``api.analysis.carry_forward``).

The old audit is left as it was (it pins its edition); a new audit on the target edition gets the
same members and their assessments mapped through ``replaces``. Carrying to the audit's own
edition is a plain copy, which is how a council starts next year's audit from this year's.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Controller, Response, post
from litestar.di import NamedDependency
from litestar.params import QueryParameter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.carry_forward import CarriedAssessment, carry_forward
from api.audits import service
from api.audits.routes import AUDIT_ERRORS
from api.audits.schemas import AuditOut
from api.db.models import Audit, Member
from api.deps import COUNCIL_DEPENDENCIES
from api.errors import FieldError, NotFound, Unprocessable
from api.framework.store import FrameworkStore, version_key
from api.params import VERSION_MAX_LENGTH, VERSION_PATTERN, AuditId
from api.responses import ETAG, tagged

ToVersion = Annotated[
    str,
    QueryParameter(
        pattern=VERSION_PATTERN,
        max_length=VERSION_MAX_LENGTH,
        description="The published edition to carry the audit to, e.g. `2026.2`.",
    ),
]


class SkillMapping(msgspec.Struct, kw_only=True):
    skill: str
    to: list[str]


class UnmappedSkill(msgspec.Struct, kw_only=True):
    skill: str
    assessments: int
    members: int
    removed_in: str


class UnmappedRole(msgspec.Struct, kw_only=True):
    member: str
    role: str


class CarryForwardResult(msgspec.Struct, kw_only=True):
    audit: AuditOut
    """The new audit, on the target edition."""
    from_version: str
    to_version: str
    members: int
    assessments: int
    changed: list[SkillMapping]
    """Assessed skills that now have another slug (renamed, merged or split)."""
    unmapped_skills: list[UnmappedSkill]
    """Assessed skills with no counterpart in the target edition: their assessments were not carried."""
    unmapped_roles: list[UnmappedRole]
    """Members whose role is not in the target edition: carried with no role."""


def _problem(message: str) -> Unprocessable:
    return Unprocessable(message, errors=[FieldError(field="to", message=message, source="query")])


async def carry_audit(
    session: AsyncSession, store: FrameworkStore, gss: str, audit_id: uuid.UUID, to_version: str
) -> tuple[Audit, CarryForwardResult]:
    audit = await service.get_audit(session, gss, audit_id)
    editions = await store.editions(session)
    target = next((edition for edition in editions if edition.version == to_version), None)
    if target is None or target.status == "draft":
        raise NotFound(f"Framework edition {to_version} does not exist")
    if target.status != "published":
        raise _problem(f"Edition {to_version} is {target.status}; audits need a published edition")
    start, end = version_key(audit.framework_version), version_key(to_version)
    if end < start:
        raise _problem(
            f"The audit is on {audit.framework_version}; it can only be carried to a later edition"
        )
    steps = [
        (edition.version, (await store.index(session, edition)).framework.skills)
        for edition in editions
        if edition.status != "draft" and start < version_key(edition.version) <= end
    ]
    members = list(await session.scalars(select(Member).where(Member.audit_id == audit.id)))
    grouped = await service.assessments_by_member(session, [member.id for member in members])
    references = {member.id: member.reference for member in members}
    carried = carry_forward(
        [
            CarriedAssessment(
                member=references[member_id],
                skill=a.skill,
                source=a.source,
                level=a.level,
                evidence=a.evidence,
            )
            for member_id, assessments in grouped.items()
            for a in assessments
        ],
        steps,
    )
    roles = (await store.index(session, target)).roles
    new_audit = Audit(
        council_gss=gss,
        title=f"{audit.title} (carried to {to_version})"[:200],
        audit_date=audit.audit_date,
        framework_version=to_version,
    )
    session.add(new_audit)
    await session.flush()
    await service.announce(session, new_audit, "created")
    copies = {
        member.reference: Member(
            audit_id=new_audit.id,
            reference=member.reference,
            display_name=member.display_name,
            role=member.role if member.role in roles else None,
            fte=member.fte,
        )
        for member in members
    }
    session.add_all(copies.values())
    await session.flush()
    await service.upsert_assessments(
        session,
        [
            {
                "member_id": copies[a.member].id,
                "skill": a.skill,
                "source": a.source,
                "level": a.level,
                "evidence": a.evidence,
            }
            for a in carried.assessments
        ],
    )
    result = CarryForwardResult(
        audit=await service.audit_out(session, new_audit),
        from_version=audit.framework_version,
        to_version=to_version,
        members=len(copies),
        assessments=len(carried.assessments),
        changed=[
            SkillMapping(skill=skill, to=targets)
            for skill, targets in carried.mapping.items()
            if targets and targets != [skill]
        ],
        unmapped_skills=[
            UnmappedSkill(
                skill=u.skill, assessments=u.assessments, members=u.members, removed_in=u.removed_in
            )
            for u in carried.unmapped
        ],
        unmapped_roles=[
            UnmappedRole(member=member.reference, role=member.role)
            for member in sorted(members, key=lambda m: m.reference)
            if member.role is not None and member.role not in roles
        ],
    )
    return new_audit, result


class CarryForwardController(Controller):
    path = "/v1/councils/{code:str}/audits"
    tags = ["audits"]
    dependencies = COUNCIL_DEPENDENCIES

    @post(
        "/{audit_id:uuid}/carry-forward",
        operation_id="carryForwardAudit",
        summary="Copy an audit onto a later edition, mapping skills through `replaces`",
        responses=AUDIT_ERRORS,
        response_headers=ETAG,
    )
    async def carry_forward(
        self,
        audit_id: AuditId,
        to: ToVersion,
        council: NamedDependency[str],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[CarryForwardResult]:
        audit, result = await carry_audit(db_session, store, council, audit_id, to)
        return tagged(result, service.etag("audit", audit.id, audit.revision), status_code=201)
