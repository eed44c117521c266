"""Loading for the recommendations; the rules are in ``api.analysis`` (DESIGN §2.3–§2.6).

Joint working reads every candidate neighbour in a fixed number of queries (councils, their
latest audits, their teams in one query, their latest needs profiles), whatever their number.
"""

from __future__ import annotations

import functools
import uuid
from collections import Counter
from collections.abc import Iterable, Sequence

import anyio
import msgspec
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.analysis.gaps import gap_rows
from api.analysis.joint_working import CouncilView, NeighbourSuggestion, council_view, joint_working
from api.analysis.learning_sets import CouncilTeam, plan_learning_sets
from api.analysis.pathways import CareerPathway, UnknownRole, Unreachable, career_pathway
from api.analysis.training_plan import TrainingPlan, plan_training
from api.audits.service import get_audit, get_member
from api.auth import Forbidden, Principal
from api.councils.registry import CouncilRegistry
from api.db.models import Audit, Council, NeedsProfile
from api.errors import FieldError, NotFound, Unprocessable
from api.framework.store import FrameworkStore, version_key
from api.needs.service import AnalysisInputs, analysis_inputs, load_team, load_teams, requirement_rows
from api.recommendations.schemas import (
    HOST_KINDS,
    JointWorkingAdvice,
    LearningSetRequest,
    LearningSetResponse,
    PathwayResponse,
    PlacementHost,
    PlanJointCohort,
    Recommendations,
    SharingOut,
)
from taxonomy.index import FrameworkIndex
from taxonomy.model import TrainingOption

NOT_SHARING = (
    "{name} does not share its capability summary, so it sees no other council's: sharing goes both "
    "ways (DESIGN §2.4). To see joint working with neighbours, opt in on the sharing page "
    "(/app/councils/{gss}/sharing) or with PUT /v1/councils/{gss}/sharing."
)


async def recommendations(
    session: AsyncSession,
    store: FrameworkStore,
    gss: str,
    audit_id: uuid.UUID,
    needs_id: uuid.UUID,
    budget_gbp: float,
    budget_days: float,
) -> Recommendations:
    inputs = await analysis_inputs(session, store, gss, audit_id, needs_id)
    return await advise(session, gss, inputs, budget_gbp, budget_days)


async def advise(
    session: AsyncSession, gss: str, inputs: AnalysisInputs, budget_gbp: float, budget_days: float
) -> Recommendations:
    """The training plan and joint working (DESIGN §2.3, §2.4) for what a gap analysis already
    loaded: the report reuses its own inputs rather than reading the team again (issue 13)."""
    gaps = gap_rows(inputs.rows, inputs.team)
    # The solve can take a second or two: a worker thread keeps the event loop serving others.
    plan = await anyio.to_thread.run_sync(
        functools.partial(
            plan_training, gaps, inputs.team, inputs.edition.framework.training, budget_gbp, budget_days
        )
    )
    advice = await suggest_joint_working(session, gss, inputs)
    return Recommendations(
        audit=inputs.audit.id,
        needs=inputs.profile.id,
        framework_version=inputs.audit.framework_version,
        training=plan,
        joint_working=advice.neighbours,
        joint_working_reason=advice.reason,
        placement_hosts=placement_hosts(plan, inputs.edition.framework.training, advice.neighbours),
        joint_cohorts=[
            PlanJointCohort(council=n.gss, name=n.name, **msgspec.structs.asdict(cohort))
            for n in advice.neighbours
            for cohort in n.joint_cohorts
        ],
    )


def placement_hosts(
    plan: TrainingPlan, catalogue: Sequence[TrainingOption], neighbours: Sequence[NeighbourSuggestion]
) -> list[PlacementHost]:
    """Issue 18: each secondment or mentoring placement of the plan, for each skill it lifts, the
    neighbouring councils joint working found can help with that skill (best match first)."""
    kinds = {option.slug: option.kind for option in catalogue}
    hosts = []
    for assignment in plan.assignments:
        kind = kinds.get(assignment.training)
        if kind not in HOST_KINDS:
            continue
        for lift in assignment.skills:
            helpers = [n for n in neighbours if any(s.skill == lift.skill for s in n.can_help)]
            if helpers:
                hosts.append(
                    PlacementHost(
                        member=assignment.member,
                        training=assignment.training,
                        kind=kind,
                        skill=lift.skill,
                        councils=[n.gss for n in helpers],
                        names=[n.name for n in helpers],
                    )
                )
    return hosts


async def joint_working_advice(
    session: AsyncSession, store: FrameworkStore, gss: str, audit_id: uuid.UUID, needs_id: uuid.UUID
) -> JointWorkingAdvice:
    """DESIGN §2.4 alone, for the joint working page (issue 16): the same suggestions as
    ``recommendations`` without solving a training plan it would not show."""
    inputs = await analysis_inputs(session, store, gss, audit_id, needs_id)
    return await suggest_joint_working(session, gss, inputs)


async def suggest_joint_working(
    session: AsyncSession, gss: str, inputs: AnalysisInputs
) -> JointWorkingAdvice:
    """Neighbours that share, best first (DESIGN §2.4), for what a gap analysis already loaded.

    Reciprocity (§2.4): a council that does not share sees nobody's capability, only why. Its own
    flag is read in this transaction, like the candidates' (a switch just flipped counts at once).
    """
    council = await session.get(Council, gss)
    if council is None:
        return JointWorkingAdvice(neighbours=[])
    if not council.share_capability:
        return JointWorkingAdvice(neighbours=[], reason=NOT_SHARING.format(name=council.name, gss=gss))
    ours = council_view(gss, council.name, inputs.team, inputs.rows)
    neighbours = await neighbour_views(session, inputs.edition, council)
    return JointWorkingAdvice(neighbours=joint_working(ours, neighbours, inputs.edition.framework.training))


async def latest_audits(session: AsyncSession, codes: Iterable[str], version: str) -> dict[str, Audit]:
    audits = await session.scalars(
        select(Audit)
        .where(Audit.council_gss.in_(list(codes)), Audit.framework_version == version)
        .order_by(Audit.council_gss, Audit.audit_date.desc(), Audit.created_at.desc())
    )
    latest: dict[str, Audit] = {}
    for audit in audits:
        latest.setdefault(audit.council_gss, audit)
    return latest


_latest_audits = latest_audits


async def _latest_needs(session: AsyncSession, codes: Iterable[str], version: str) -> dict[str, NeedsProfile]:
    profiles = await session.scalars(
        select(NeedsProfile)
        .where(NeedsProfile.council_gss.in_(list(codes)), NeedsProfile.framework_version == version)
        .order_by(NeedsProfile.council_gss, NeedsProfile.updated_at.desc())
    )
    latest: dict[str, NeedsProfile] = {}
    for profile in profiles:
        latest.setdefault(profile.council_gss, profile)
    return latest


async def neighbour_views(
    session: AsyncSession, index: FrameworkIndex, council: Council
) -> list[CouncilView]:
    """DESIGN §2.4 candidates: adjacent councils, those sharing a county or combined authority, the
    county council and combined authority the council belongs to, and, for a county or combined
    authority, its member councils; each sharing its capability with an audit on the same edition
    (and its latest needs profile). Read here, not from the in-memory registry: the sharing flags must
    be this transaction's (a council that has just opted out drops out at once)."""
    shared = [code for code in (council.county, council.combined_authority) if code]
    related = or_(
        Council.gss.in_([*council.neighbours, *shared, *council.members]),
        Council.county.in_(shared),
        Council.combined_authority.in_(shared),
    )
    candidates = await session.scalars(
        select(Council).where(related, Council.share_capability.is_(True), Council.gss != council.gss)
    )
    sharing = {candidate.gss: candidate for candidate in candidates}
    if not sharing:
        return []
    version = index.framework.version
    audits = await _latest_audits(session, sharing, version)
    if not audits:
        return []
    teams = await load_teams(session, [audit.id for audit in audits.values()])
    needs = await _latest_needs(session, audits, version)
    return [
        council_view(
            gss,
            sharing[gss].name,
            teams[audit.id],
            requirement_rows(needs[gss], index) if gss in needs else (),
        )
        for gss, audit in sorted(audits.items())
    ]


async def set_sharing(session: AsyncSession, registry: CouncilRegistry, gss: str, share: bool) -> SharingOut:
    council = await session.get(Council, gss)
    if council is None:
        raise NotFound(f"Council {gss!r} is not in the registry")
    council.share_capability = share
    registry.refresh_after_commit(session)  # this worker's public reads show it at once (issue 14)
    return SharingOut(council=gss, share_capability=share)


async def learning_sets(
    session: AsyncSession, store: FrameworkStore, principal: Principal, request: LearningSetRequest
) -> LearningSetResponse:
    """DESIGN §2.5 across the requested councils (the key must cover every one of them)."""
    codes = list(dict.fromkeys(request.councils))
    uncovered = [code for code in codes if not (principal.is_admin or code in principal.councils)]
    if uncovered:
        raise Forbidden(f"This API key does not cover council(s) {', '.join(uncovered)}")
    version = request.framework_version
    if version is None:
        version = usual_edition(await _latest_editions(session, codes))
    _, index = await store.resolve(session, version)
    if request.topic in index.skills:
        topic_skills = [request.topic]
    elif request.topic in index.categories:
        topic_skills = [skill.slug for skill in index.skills_in_category[request.topic]]
    else:
        raise Unprocessable(
            f"Topic {request.topic!r} is neither a skill nor a category of {index.key}",
            errors=[FieldError(field="topic", message="unknown skill or category", source="body")],
        )
    councils = {c.gss: c for c in await session.scalars(select(Council).where(Council.gss.in_(codes)))}
    missing = [code for code in codes if code not in councils]
    if missing:
        raise NotFound(f"Council(s) {', '.join(missing)} are not in the registry")
    version = index.framework.version
    audits = await _latest_audits(session, codes, version)
    teams = await load_teams(session, [audit.id for audit in audits.values()]) if audits else {}
    needs = await _latest_needs(session, codes, version)
    plan = plan_learning_sets(
        topic_skills,
        [
            CouncilTeam(
                gss=gss,
                name=councils[gss].name,
                lat=councils[gss].lat,
                lon=councils[gss].lon,
                team=tuple(teams[audit.id]),
                rows=tuple(requirement_rows(needs[gss], index)) if gss in needs else (),
            )
            for gss, audit in sorted(audits.items())
        ],
        index.roles,
    )
    return LearningSetResponse(
        topic=request.topic,
        framework_version=version,
        councils_without_audit=[code for code in codes if code not in audits],
        plan=plan,
    )


def usual_edition(editions: Iterable[str]) -> str | None:
    """Issue 18: the edition most of the chosen councils' latest audits are on (ties: the newest);
    ``None`` (the newest published edition) when none has an audit."""
    counts = Counter(editions)
    if not counts:
        return None
    return max(counts, key=lambda version: (counts[version], version_key(version)))


async def _latest_editions(session: AsyncSession, codes: Sequence[str]) -> list[str]:
    """Each council's latest audit's edition (councils without an audit give nothing)."""
    found = await session.execute(
        select(Audit.council_gss, Audit.framework_version)
        .where(Audit.council_gss.in_(list(codes)))
        .order_by(Audit.council_gss, Audit.audit_date.desc(), Audit.created_at.desc())
    )
    latest: dict[str, str] = {}
    for gss, version in found:
        latest.setdefault(gss, version)
    return list(latest.values())


async def pathway(
    session: AsyncSession,
    store: FrameworkStore,
    gss: str,
    audit_id: uuid.UUID,
    reference: str,
    target: str | None,
) -> PathwayResponse:
    audit = await get_audit(session, gss, audit_id)
    member = await get_member(session, audit, reference)
    _, index = await store.resolve(session, audit.framework_version)
    team = {m.reference: m for m in await load_team(session, audit.id)}
    try:
        result: CareerPathway = career_pathway(team[member.reference], index, target)
    except UnknownRole as exc:
        raise NotFound(str(exc)) from None
    except Unreachable as exc:
        raise Unprocessable(str(exc)) from None
    return PathwayResponse(audit=audit.id, framework_version=audit.framework_version, pathway=result)
