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


class Recommendations(msgspec.Struct, kw_only=True):
    audit: uuid.UUID
    needs: uuid.UUID
    framework_version: str
    training: TrainingPlan
    joint_working: list[NeighbourSuggestion]
    """Neighbours that share their capability, best first: skill slugs and relations only."""


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


class LearningSetResponse(msgspec.Struct, kw_only=True):
    topic: str
    framework_version: str
    councils_without_audit: list[str]
    plan: LearningSetPlan


class PathwayResponse(msgspec.Struct, kw_only=True):
    audit: uuid.UUID
    framework_version: str
    pathway: CareerPathway
