"""``POST /v1/match/skills`` and ``POST /v1/match/roles``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from anyio import to_thread
from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import authenticate
from api.deps import STORE
from api.errors import problem_responses
from api.framework.store import FrameworkStore
from api.matching.schemas import MatchCandidate, MatchRequest, MatchResponse, MatchResult, MatchThresholds
from api.ratelimit import rate_limiter
from taxonomy.index import FrameworkIndex
from taxonomy.match import Match, Matcher, Thresholds

IN_THREAD_FROM = 200
"""Batches larger than this are matched in a worker thread so the event loop keeps serving."""

MATCH_ERRORS = problem_responses(400, 401, 404, 413, 422, 429)
"""Every handler documents its errors as problem+json (controller-level responses are not applied)."""


async def _limit(request: Request[Any, Any, Any], session: AsyncSession, texts: int) -> None:
    """Matching is public, but not free (issue 12): with a key the request counts against the key's
    quota (a bad key is refused, not served anonymously); without one its texts count against the
    address's ``rate_limit_match_texts_per_minute``."""
    if request.headers.get("authorization"):
        await authenticate(request, session)
    else:
        await rate_limiter(request).anonymous_texts(request, texts)


def _respond(
    index: FrameworkIndex,
    texts: list[str],
    limit: int,
    limits: Thresholds,
    matcher: Matcher,
    preferred: Callable[[str], str],
) -> MatchResponse:
    matches: list[Match] = matcher.match(texts, limits, limit=limit)
    return MatchResponse(
        version=index.framework.version,
        thresholds=MatchThresholds(high=limits.high, low=limits.low, margin=limits.margin),
        results=[
            MatchResult(
                text=match.text,
                decision=match.decision,
                candidates=[
                    MatchCandidate(
                        slug=candidate.key,
                        label=preferred(candidate.key),
                        matched_label=candidate.label,
                        score=candidate.score,
                    )
                    for candidate in match.candidates
                ],
            )
            for match in matches
        ],
    )


@dataclass(frozen=True)
class Matching:
    """What a match request needs besides its body: who asks (the quota), the thresholds, the editions."""

    request: Request[Any, Any, Any]
    thresholds: Thresholds
    store: FrameworkStore
    session: AsyncSession

    async def run(self, data: MatchRequest, kind: Literal["skills", "roles"]) -> MatchResponse:
        """Match ``data.texts`` against the skills' labels or the roles' titles of ``data.version``."""
        await _limit(self.request, self.session, len(data.texts))
        _, index = await self.store.resolve(self.session, data.version)
        if kind == "skills":
            matcher, preferred = index.skill_matcher, lambda slug: index.skills[slug].label
        else:
            matcher, preferred = index.role_matcher, lambda slug: index.roles[slug].title
        arguments = (index, data.texts, data.limit, self.thresholds, matcher, preferred)
        if len(data.texts) < IN_THREAD_FROM:
            return _respond(*arguments)
        return await to_thread.run_sync(_respond, *arguments)


def provide_matching(
    request: Request[Any, Any, Any],
    state: State,
    store: NamedDependency[FrameworkStore],
    db_session: NamedDependency[AsyncSession],
) -> Matching:
    return Matching(request, state.settings.thresholds, store, db_session)


class MatchController(Controller):
    path = "/v1/match"
    tags = ["matching"]
    dependencies = {"store": STORE, "matching": Provide(provide_matching, sync_to_thread=False)}

    @post(
        "/skills",
        operation_id="matchSkills",
        responses=MATCH_ERRORS,
        summary="Match free-text skill names to the taxonomy",
        description="Each text gets a decision (`matched`, `suggested`, `unmatched`) and its candidates.",
        status_code=200,
    )
    async def match_skills(
        self, data: JSONBody[MatchRequest], matching: NamedDependency[Matching]
    ) -> MatchResponse:
        return await matching.run(data, "skills")

    @post(
        "/roles",
        operation_id="matchRoles",
        responses=MATCH_ERRORS,
        summary="Match free-text job titles to roles",
        status_code=200,
    )
    async def match_roles(
        self, data: JSONBody[MatchRequest], matching: NamedDependency[Matching]
    ) -> MatchResponse:
        return await matching.run(data, "roles")
