"""Wire schemas of the matching endpoints."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from api.params import VersionText
from api.text import SearchText
from taxonomy.match import Decision

MatchText = SearchText


class MatchRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    texts: Annotated[list[MatchText], Meta(min_length=1, max_length=10_000)]
    version: VersionText | None = None
    """Framework edition (default: the latest published)."""
    limit: Annotated[int, Meta(ge=1, le=10)] = 3
    """Candidates returned per text."""


class MatchCandidate(msgspec.Struct, kw_only=True):
    slug: str
    label: str
    """The preferred label (skill) or title (role)."""
    matched_label: str
    """The label or alternative label that scored best."""
    score: float


class MatchResult(msgspec.Struct, kw_only=True):
    text: str
    decision: Decision
    candidates: list[MatchCandidate]


class MatchThresholds(msgspec.Struct, kw_only=True):
    high: float
    low: float
    margin: float


class MatchResponse(msgspec.Struct, kw_only=True):
    version: str
    thresholds: MatchThresholds
    results: list[MatchResult]
