"""Wire schemas of the recommendations: the pure analyses' Structs with what was compared."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from msgspec import Meta

from api.analysis.joint_working import NeighbourSuggestion
from api.analysis.learning_sets import LearningSetPlan
from api.analysis.pathways import CareerPathway
from api.analysis.training_plan import TrainingPlan
from api.params import GssCodeText, VersionText
from taxonomy.model import Slug

BUDGET_GBP_MAX = 10_000_000
"""The largest training budget a request may name, in GBP (the route's and the page's bound)."""
BUDGET_DAYS_MAX = 100_000
"""The largest budget of person-days a request may name."""


HOST_KINDS = ("secondment", "mentoring")
"""Training kinds a neighbouring council can host (issue 18: the plan names who)."""


class PlacementHost(msgspec.Struct, kw_only=True):
    """A secondment or mentoring placement of the plan and the neighbours that can help with its skill."""

    member: str
    training: str
    kind: str
    skill: str
    councils: list[str]
    """GSS codes of the neighbours joint working found can help with ``skill``, best match first."""
    names: list[str]


class PlanJointCohort(msgspec.Struct, kw_only=True):
    """A course viable only when commissioned with a neighbour that shares (DESIGN §2.4)."""

    council: str
    name: str
    training: str
    title: str
    skill: str
    level: int
    min_cohort: int
    note: str


class JointWorkingAdvice(msgspec.Struct, kw_only=True):
    neighbours: list[NeighbourSuggestion]
    reason: str | None = None
    """Why the list is empty when this council does not share (reciprocity, DESIGN §2.4)."""


class Recommendations(msgspec.Struct, kw_only=True):
    audit: uuid.UUID
    needs: uuid.UUID
    framework_version: str
    training: TrainingPlan
    joint_working: list[NeighbourSuggestion]
    """Neighbours that share their capability, best first: skill slugs and relations only."""
    joint_working_reason: str | None = None
    """Set when ``joint_working`` is empty because this council does not share (DESIGN §2.4)."""
    placement_hosts: list[PlacementHost] = []
    """Secondment and mentoring placements of ``training`` with the neighbours that can host them."""
    joint_cohorts: list[PlanJointCohort] = []
    """Courses viable only jointly with a neighbour, both councils sharing (DESIGN §2.4)."""


class Sharing(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    share_capability: bool
    """Whether neighbours' recommendations may use this council's capability summary."""


class SharingOut(msgspec.Struct, kw_only=True):
    council: str
    share_capability: bool


class LearningSetRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    topic: Slug
    """A skill slug, or a category slug for every skill in it."""
    councils: Annotated[list[GssCodeText], Meta(min_length=1, max_length=60)]
    framework_version: VersionText | None = None
    """Default: the edition most of these councils' latest audits are on (ties: the newest)."""


class LearningSetResponse(msgspec.Struct, kw_only=True):
    topic: str
    framework_version: str
    """The edition used: the request's, else the one most of the councils' latest audits are on."""
    councils_without_audit: list[str]
    plan: LearningSetPlan


class PathwayResponse(msgspec.Struct, kw_only=True):
    audit: uuid.UUID
    framework_version: str
    pathway: CareerPathway
