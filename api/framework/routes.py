"""Public reads of published framework editions (no key needed), and creating or discarding a
draft (``framework:write``): those share paths with the reads, so they live in this controller
(litestar 2 refuses a second controller on the same path). Edits are in ``editing_routes``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.deps import EDITOR, STORE
from api.errors import problem_responses
from api.framework import editing, service
from api.framework.editing_routes import edition_response
from api.framework.editing_schemas import DraftCreate, EditionOut
from api.framework.etags import EDIT_ERRORS, ETAG
from api.framework.schemas import (
    CategoryPage,
    FrameworkList,
    FrameworkSummary,
    LevelList,
    NextRoles,
    PathwayList,
    RoleDetail,
    RolePage,
    ScenarioDetail,
    ScenarioList,
    SkillDetail,
    SkillPage,
    TrainingDetail,
    TrainingPage,
)
from api.framework.store import FrameworkStore
from api.pagination import PAGE_HEADERS, Limit, Offset, page_response, window
from api.params import MINIMUM_ZERO, Slug, SlugQuery, Version, VersionQuery
from api.preconditions import IfMatch
from taxonomy.index import FrameworkIndex
from taxonomy.levels import LEVEL_SYNONYMS
from taxonomy.model import DeliveryMode, TrainingKind

READ_ERRORS = problem_responses(400, 404)
"""Every handler documents its errors as problem+json (controller-level responses are not applied)."""


async def provide_index(
    store: NamedDependency[FrameworkStore], version: VersionQuery = None
) -> FrameworkIndex:
    """The published (or retired) edition a public read asks for with ``?version=``, by default the
    latest published one; 404 for an unknown edition or a draft. From the worker's memory: no
    public read opens a database session (issue 14, ``api.framework.store``)."""
    _, index = await store.resolve(None, version)
    return index


class FrameworkController(Controller):
    path = "/v1"
    tags = ["framework"]
    dependencies = {"store": STORE, "index": Provide(provide_index)}

    @get(
        "/frameworks",
        operation_id="listFrameworks",
        responses=READ_ERRORS,
        summary="Published and retired editions",
    )
    async def list_frameworks(self, store: NamedDependency[FrameworkStore]) -> FrameworkList:
        items = [
            service.summary(await store.index(None, edition), edition.status)
            for edition in await store.public_editions()
        ]
        return FrameworkList(items=items, total=len(items))

    @get(
        "/frameworks/{version:str}", operation_id="getFramework", responses=READ_ERRORS, summary="One edition"
    )
    async def get_framework(
        self, version: Version, store: NamedDependency[FrameworkStore]
    ) -> FrameworkSummary:
        edition, index = await store.resolve(None, version)
        return service.summary(index, edition.status)

    @post(
        "/frameworks",
        operation_id="createDraft",
        summary="Start a draft edition, copied from the latest published one",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
        dependencies={"editor": EDITOR},
    )
    async def create_draft(
        self,
        data: JSONBody[DraftCreate],
        editor: NamedDependency[Principal],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[EditionOut]:
        stored = await editing.create_draft(db_session, store, editor, data)
        return await edition_response(db_session, store, stored, status_code=201)

    @delete(
        "/frameworks/{version:str}",
        operation_id="deleteDraft",
        summary="Discard a draft (published editions cannot be deleted)",
        responses=EDIT_ERRORS,
        dependencies={"editor": EDITOR},
    )
    async def delete_draft(
        self,
        version: Version,
        editor: NamedDependency[Principal],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        store.refresh_after_commit(db_session)
        await editing.delete_draft(db_session, editor, version, if_match)

    @get(
        "/levels",
        operation_id="listLevels",
        responses=READ_ERRORS,
        summary="The proficiency scale and the words imports accept",
    )
    async def list_levels(self, index: NamedDependency[FrameworkIndex]) -> LevelList:
        return LevelList(
            version=index.framework.version, items=list(index.framework.levels), synonyms=LEVEL_SYNONYMS
        )

    @get(
        "/categories",
        operation_id="listCategories",
        responses=READ_ERRORS,
        summary="Skill categories",
        response_headers=PAGE_HEADERS,
    )
    async def list_categories(
        self,
        request: Request[Any, Any, Any],
        index: NamedDependency[FrameworkIndex],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[CategoryPage]:
        page = window(service.categories(index), limit, offset)
        return page_response(request, CategoryPage(version=index.framework.version, **page))

    @get(
        "/skills",
        operation_id="listSkills",
        responses=READ_ERRORS,
        summary="Skills, with fuzzy search over labels and alternative labels",
        response_headers=PAGE_HEADERS,
    )
    async def list_skills(
        self,
        request: Request[Any, Any, Any],
        state: State,
        index: NamedDependency[FrameworkIndex],
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="Free text, e.g. `M&E` or `bid writing`.")
        ] = None,
        category: SlugQuery = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[SkillPage]:
        page = window(service.search_skills(index, q, category, state.settings.thresholds), limit, offset)
        return page_response(request, SkillPage(version=index.framework.version, **page))

    @get(
        "/skills/{slug:str}",
        operation_id="getSkill",
        responses=READ_ERRORS,
        summary="One skill with the roles and training that use it",
    )
    async def get_skill(self, slug: Slug, index: NamedDependency[FrameworkIndex]) -> SkillDetail:
        return service.skill_detail(index, slug)

    @get(
        "/roles",
        operation_id="listRoles",
        responses=READ_ERRORS,
        summary="Roles with their requirements",
        response_headers=PAGE_HEADERS,
    )
    async def list_roles(
        self,
        request: Request[Any, Any, Any],
        index: NamedDependency[FrameworkIndex],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[RolePage]:
        page = window(index.framework.roles, limit, offset)
        return page_response(request, RolePage(version=index.framework.version, **page))

    @get(
        "/roles/{slug:str}",
        operation_id="getRole",
        responses=READ_ERRORS,
        summary="One role, where it leads and where it comes from",
    )
    async def get_role(self, slug: Slug, index: NamedDependency[FrameworkIndex]) -> RoleDetail:
        return service.role_detail(index, slug)

    @get(
        "/roles/{slug:str}/next",
        operation_id="listNextRoles",
        responses=READ_ERRORS,
        summary="Pathway steps from a role",
    )
    async def next_roles(self, slug: Slug, index: NamedDependency[FrameworkIndex]) -> NextRoles:
        return NextRoles(version=index.framework.version, role=slug, items=service.next_roles(index, slug))

    @get(
        "/pathways", operation_id="listPathways", responses=READ_ERRORS, summary="Pathway edges between roles"
    )
    async def list_pathways(self, index: NamedDependency[FrameworkIndex]) -> PathwayList:
        edges = list(index.framework.pathways)
        return PathwayList(version=index.framework.version, items=edges, total=len(edges))

    @get(
        "/scenarios", operation_id="listScenarios", responses=READ_ERRORS, summary="Scenarios of future need"
    )
    async def list_scenarios(self, index: NamedDependency[FrameworkIndex]) -> ScenarioList:
        scenarios = list(index.framework.scenarios)
        return ScenarioList(version=index.framework.version, items=scenarios, total=len(scenarios))

    @get("/scenarios/{slug:str}", operation_id="getScenario", responses=READ_ERRORS, summary="One scenario")
    async def get_scenario(self, slug: Slug, index: NamedDependency[FrameworkIndex]) -> ScenarioDetail:
        return ScenarioDetail(version=index.framework.version, scenario=service.scenario(index, slug))

    @get(
        "/training",
        operation_id="listTraining",
        responses=READ_ERRORS,
        summary="The training catalogue",
        response_headers=PAGE_HEADERS,
    )
    async def list_training(
        self,
        request: Request[Any, Any, Any],
        index: NamedDependency[FrameworkIndex],
        skill: SlugQuery = None,
        kind: Annotated[TrainingKind | None, QueryParameter()] = None,
        mode: Annotated[DeliveryMode | None, QueryParameter()] = None,
        max_cost: Annotated[
            float | None,
            QueryParameter(ge=0, le=1_000_000, description="GBP per person", schema_extra=MINIMUM_ZERO),
        ] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[TrainingPage]:
        page = window(service.filter_training(index, skill, kind, mode, max_cost), limit, offset)
        return page_response(request, TrainingPage(version=index.framework.version, **page))

    @get(
        "/training/{slug:str}",
        operation_id="getTraining",
        responses=READ_ERRORS,
        summary="One training option",
    )
    async def get_training(self, slug: Slug, index: NamedDependency[FrameworkIndex]) -> TrainingDetail:
        return TrainingDetail(version=index.framework.version, training=service.training_option(index, slug))
