"""The public framework pages (issue 16): ``/framework``, no sign-in.

The published edition's categories and skills with a search box, a skill (labels, the level scale,
the roles that require it and the training that develops it), roles with their requirements, the
pathway graph as a server-rendered SVG beside the same data as a table, scenarios and the training
catalogue with filters. Older editions by ``?version=``, with a banner saying which edition this is
(and that it is retired, when it is).

Every page calls the function the JSON route of ``api.framework.routes`` calls (``search_skills``
for ``?q=``, ``filter_training`` for the catalogue, ``skill_detail``, ``role_detail``…), on an edition
from the worker's memory (``FrameworkStore.resolve`` without a session): no handler here opens a
database session (issue 14). A search or filter form a person can get wrong is checked here and
re-rendered with an error summary and 400, never a 500 or an empty page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, NamedTuple, get_args
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import QueryParameter
from litestar.response import Template

from api.deps import STORE
from api.errors import FieldError
from api.framework import service
from api.framework.pathway_graph import Edge, PathwayLayout, RoleNode, layout
from api.framework.schemas import FrameworkSummary
from api.framework.store import Edition, FrameworkStore
from api.params import Slug, VersionQuery
from api.text import CONTROL_MESSAGE, contains_control
from api.web.render import page
from taxonomy.index import FrameworkIndex
from taxonomy.model import DeliveryMode, TrainingKind

SEARCH_MAX_LENGTH = 200
"""The JSON route's own limit on ``?q=`` (``api.framework.routes.list_skills``)."""
MAX_COST = 1_000_000
"""The JSON route's own bound on ``?max_cost=`` (and the file format's on a cost)."""
TRAINING_KINDS: tuple[str, ...] = get_args(TrainingKind)
DELIVERY_MODES: tuple[str, ...] = get_args(DeliveryMode)
FormText = Annotated[str | None, QueryParameter(max_length=2000)]
"""A GET form's field: read as text and checked here, so a mistake is shown on the page."""


@dataclass(frozen=True)
class Viewing:
    """The edition a public page shows, and what its banner says about it."""

    edition: Edition
    index: FrameworkIndex
    latest: str
    """The latest published version (what a page shows without ``?version=``)."""
    editions: list[Edition]


async def provide_viewing(store: NamedDependency[FrameworkStore], version: VersionQuery = None) -> Viewing:
    """The edition asked for with ``?version=`` (default: the latest published), from memory: the
    same lookup as the JSON reads (``api.framework.routes.provide_index``); 404 for a draft or an
    unknown edition."""
    edition, index = await store.resolve(None, version)
    latest, _ = await store.resolve(None, None)
    return Viewing(edition, index, latest.version, await store.public_editions())


class TrainingFilters(NamedTuple):
    skill: str | None
    kind: str | None
    mode: str | None
    max_cost: float | None


def read_training_filters(
    index: FrameworkIndex, skill: str | None, kind: str | None, mode: str | None, max_cost: str | None
) -> tuple[TrainingFilters, list[FieldError]]:
    """The catalogue form's choices, each checked as ``GET /v1/training`` checks its parameters
    (an unknown skill, kind or mode, a cost that is not a number from 0 to 1,000,000)."""
    errors: list[FieldError] = []

    def chosen(
        name: str, value: str | None, allowed: Mapping[str, object] | tuple[str, ...], what: str
    ) -> str | None:
        if not value:
            return None
        if value not in allowed:
            errors.append(FieldError(field=name, message=f"Choose a {what} from the list", source="query"))
            return None
        return value

    cost: float | None = None
    text = (max_cost or "").strip().removeprefix("£").replace(",", "")
    if text:
        try:
            cost = float(text)
        except ValueError:
            cost = None
        if cost is None or not math.isfinite(cost) or not 0 <= cost <= MAX_COST:
            cost = None
            errors.append(
                FieldError(
                    field="max_cost",
                    message="Enter a most you would pay as a number of pounds from 0 to 1,000,000, like 500",
                    source="query",
                )
            )
    filters = TrainingFilters(
        skill=chosen("skill", skill, index.skills, "skill"),
        kind=chosen("kind", kind, TRAINING_KINDS, "kind of training"),
        mode=chosen("mode", mode, DELIVERY_MODES, "way of delivery"),
        max_cost=cost,
    )
    return filters, errors


def search_errors(query: str) -> list[FieldError]:
    if len(query) > SEARCH_MAX_LENGTH:
        message = f"Search for at most {SEARCH_MAX_LENGTH} characters"
    elif contains_control(query):
        message = f"The search {CONTROL_MESSAGE}"
    else:
        return []
    return [FieldError(field="q", message=message, source="query")]


def pathway_layout(index: FrameworkIndex) -> PathwayLayout:
    """The edition's roles and pathway edges, laid out (``api.framework.pathway_graph``)."""
    framework = index.framework
    return layout(
        [RoleNode(slug=role.slug, title=role.title, band=role.band) for role in framework.roles],
        [Edge(from_role=e.from_role, to_role=e.to_role, kind=e.kind) for e in framework.pathways],
    )


class FrameworkPages(Controller):
    path = "/framework"
    include_in_schema = False
    tags = ["pages"]
    dependencies = {"store": STORE, "viewing": Provide(provide_viewing)}

    def _render(
        self,
        request: Request[Any, Any, Any],
        viewing: Viewing,
        template: str,
        context: Mapping[str, Any],
        status_code: int = 200,
    ) -> Template:
        """Every public page: the edition banner's facts and ``at()``, which keeps ``?version=`` on
        the page's own links when an older edition is shown."""
        current = viewing.edition.version != viewing.latest
        pinned = {"version": viewing.edition.version} if current else {}

        def at(path: str, **query: str | None) -> str:
            params = {**{name: value for name, value in query.items() if value}, **pinned}
            return f"{path}?{urlencode(params)}" if params else path

        summary: FrameworkSummary = service.summary(viewing.index, viewing.edition.status)
        shell = {
            "edition": summary,
            "latest": viewing.latest,
            "older": current,
            "editions": viewing.editions,
            "at": at,
            "pinned": pinned,
            "level_names": {level.level: level.name for level in viewing.index.framework.levels},
        }
        return page(request, template, {**shell, **context}, status_code=status_code)

    @get(operation_id="getFrameworkPage")
    async def home(self, request: Request[Any, Any, Any], viewing: NamedDependency[Viewing]) -> Template:
        index = viewing.index
        categories = [
            (category, index.skills_in_category[category.slug]) for category in index.framework.categories
        ]
        return self._render(request, viewing, "framework/index.html", {"categories": categories, "q": ""})

    @get("/skills", operation_id="getFrameworkSkillsPage")
    async def skills(
        self,
        request: Request[Any, Any, Any],
        state: State,
        viewing: NamedDependency[Viewing],
        q: FormText = None,
    ) -> Template:
        """Search (the matcher of ``GET /v1/skills?q=``), or every skill without a query."""
        query = (q or "").strip()
        errors = search_errors(query)
        results = (
            []
            if errors
            else service.search_skills(viewing.index, query or None, None, state.settings.thresholds)
        )
        context = {"q": q or "", "query": query, "results": results, "errors": errors}
        return self._render(request, viewing, "framework/skills.html", context, 400 if errors else 200)

    @get("/skills/{slug:str}", operation_id="getFrameworkSkillPage")
    async def skill(
        self, request: Request[Any, Any, Any], slug: Slug, viewing: NamedDependency[Viewing]
    ) -> Template:
        detail = service.skill_detail(viewing.index, slug)
        return self._render(
            request,
            viewing,
            "framework/skill.html",
            {"detail": detail, "levels": viewing.index.framework.levels},
        )

    @get("/roles", operation_id="getFrameworkRolesPage")
    async def roles(self, request: Request[Any, Any, Any], viewing: NamedDependency[Viewing]) -> Template:
        roles = sorted(viewing.index.framework.roles, key=lambda role: role.band)
        return self._render(request, viewing, "framework/roles.html", {"roles": roles})

    @get("/roles/{slug:str}", operation_id="getFrameworkRolePage")
    async def role(
        self, request: Request[Any, Any, Any], slug: Slug, viewing: NamedDependency[Viewing]
    ) -> Template:
        detail = service.role_detail(viewing.index, slug)
        context = {"detail": detail, "skills": viewing.index.skills, "roles": viewing.index.roles}
        return self._render(request, viewing, "framework/role.html", context)

    @get("/pathways", operation_id="getFrameworkPathwaysPage")
    async def pathways(self, request: Request[Any, Any, Any], viewing: NamedDependency[Viewing]) -> Template:
        context = {
            "graph": pathway_layout(viewing.index),
            "edges": viewing.index.framework.pathways,
            "roles": viewing.index.roles,
        }
        return self._render(request, viewing, "framework/pathways.html", context)

    @get("/scenarios", operation_id="getFrameworkScenariosPage")
    async def scenarios(self, request: Request[Any, Any, Any], viewing: NamedDependency[Viewing]) -> Template:
        context = {"scenarios": viewing.index.framework.scenarios, "skills": viewing.index.skills}
        return self._render(request, viewing, "framework/scenarios.html", context)

    @get("/training", operation_id="getFrameworkTrainingPage")
    async def training(
        self,
        request: Request[Any, Any, Any],
        viewing: NamedDependency[Viewing],
        skill: FormText = None,
        kind: FormText = None,
        mode: FormText = None,
        max_cost: FormText = None,
    ) -> Template:
        """The catalogue through ``filter_training``, the function of ``GET /v1/training``."""
        index = viewing.index
        filters, errors = read_training_filters(index, skill, kind, mode, max_cost)
        options = [] if errors else service.filter_training(index, *filters)
        context = {
            "options": options,
            "errors": errors,
            "form": {
                "skill": skill or "",
                "kind": kind or "",
                "mode": mode or "",
                "max_cost": max_cost or "",
            },
            "kinds": [(kind, kind.capitalize()) for kind in TRAINING_KINDS],
            "modes": [(mode, mode.capitalize()) for mode in DELIVERY_MODES],
            "skill_choices": [
                (s.slug, s.label) for s in sorted(index.framework.skills, key=lambda s: s.label.casefold())
            ],
            "skills": index.skills,
        }
        return self._render(request, viewing, "framework/training.html", context, 400 if errors else 200)

    @get("/editions", operation_id="getFrameworkEditionsPage")
    async def editions(
        self,
        request: Request[Any, Any, Any],
        viewing: NamedDependency[Viewing],
        store: NamedDependency[FrameworkStore],
    ) -> Template:
        """Every published and retired edition (newest first), each a link to its pages."""
        summaries = [
            service.summary(await store.index(None, edition), edition.status)
            for edition in reversed(viewing.editions)
        ]
        return self._render(request, viewing, "framework/editions.html", {"summaries": summaries})
