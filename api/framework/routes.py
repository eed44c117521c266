"""Public reads of published framework editions (no key needed), and creating or discarding a
draft (``framework:write``): those share paths with the reads, so they live in this controller
(litestar 2 refuses a second controller on the same path). Edits are in ``editing_routes``."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import Principal
from api.deps import EDITOR, STORE
from api.errors import problem_responses
from api.framework import editing, service
from api.framework.editing_schemas import DraftCreate, EditionOut
from api.framework.etags import EDIT_ERRORS, ETAG, IfMatch
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
from api.pagination import PAGE_HEADERS, Limit, Offset, page_headers, window
from api.params import Slug, SlugQuery, Version, VersionQuery
from taxonomy.index import FrameworkIndex
from taxonomy.levels import LEVEL_SYNONYMS
from taxonomy.model import DeliveryMode, TrainingKind

READ_ERRORS = problem_responses(400, 404)
"""Every handler documents its errors as problem+json (controller-level responses are not applied)."""


async def _edition(store: FrameworkStore, session: AsyncSession, version: str | None) -> FrameworkIndex:
    _, index = await store.resolve(session, version)
    return index


class FrameworkController(Controller):
    path = "/v1"
    tags = ["framework"]
    dependencies = {"store": STORE}

    @get(
        "/frameworks",
        operation_id="listFrameworks",
        responses=READ_ERRORS,
        summary="Published and retired editions",
    )
    async def list_frameworks(
        self, store: NamedDependency[FrameworkStore], db_session: NamedDependency[AsyncSession]
    ) -> FrameworkList:
        items = []
        for edition in await store.editions(db_session):
            if edition.status != "draft":
                items.append(service.summary(await store.index(db_session, edition), edition.status))
        return FrameworkList(items=items, total=len(items))

    @get(
        "/frameworks/{version:str}", operation_id="getFramework", responses=READ_ERRORS, summary="One edition"
    )
    async def get_framework(
        self,
        version: Version,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> FrameworkSummary:
        edition, index = await store.resolve(db_session, version)
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
        previous = await editing.based_on(db_session, store, stored.version)
        return Response(
            editing.edition_out(stored, previous), status_code=201, headers={"ETag": editing.etag_of(stored)}
        )

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
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        await editing.delete_draft(db_session, editor, version, if_match)

    @get(
        "/levels",
        operation_id="listLevels",
        responses=READ_ERRORS,
        summary="The proficiency scale and the words imports accept",
    )
    async def list_levels(
        self,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> LevelList:
        index = await _edition(store, db_session, version)
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
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[CategoryPage]:
        index = await _edition(store, db_session, version)
        items = service.categories(index)
        page = CategoryPage(
            version=index.framework.version,
            items=window(items, limit, offset),
            total=len(items),
            limit=limit,
            offset=offset,
        )
        return Response(page, headers=page_headers(request, len(items), limit, offset))

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
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
        q: Annotated[
            str | None, QueryParameter(max_length=200, description="Free text, e.g. `M&E` or `bid writing`.")
        ] = None,
        category: SlugQuery = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[SkillPage]:
        index = await _edition(store, db_session, version)
        items = service.search_skills(index, q, category, state.settings.thresholds)
        page = SkillPage(
            version=index.framework.version,
            items=window(items, limit, offset),
            total=len(items),
            limit=limit,
            offset=offset,
        )
        return Response(page, headers=page_headers(request, len(items), limit, offset))

    @get(
        "/skills/{slug:str}",
        operation_id="getSkill",
        responses=READ_ERRORS,
        summary="One skill with the roles and training that use it",
    )
    async def get_skill(
        self,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> SkillDetail:
        return service.skill_detail(await _edition(store, db_session, version), slug)

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
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[RolePage]:
        index = await _edition(store, db_session, version)
        roles = list(index.framework.roles)
        page = RolePage(
            version=index.framework.version,
            items=window(roles, limit, offset),
            total=len(roles),
            limit=limit,
            offset=offset,
        )
        return Response(page, headers=page_headers(request, len(roles), limit, offset))

    @get(
        "/roles/{slug:str}",
        operation_id="getRole",
        responses=READ_ERRORS,
        summary="One role, where it leads and where it comes from",
    )
    async def get_role(
        self,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> RoleDetail:
        return service.role_detail(await _edition(store, db_session, version), slug)

    @get(
        "/roles/{slug:str}/next",
        operation_id="listNextRoles",
        responses=READ_ERRORS,
        summary="Pathway steps from a role",
    )
    async def next_roles(
        self,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> NextRoles:
        index = await _edition(store, db_session, version)
        return NextRoles(version=index.framework.version, role=slug, items=service.next_roles(index, slug))

    @get(
        "/pathways", operation_id="listPathways", responses=READ_ERRORS, summary="Pathway edges between roles"
    )
    async def list_pathways(
        self,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> PathwayList:
        index = await _edition(store, db_session, version)
        edges = list(index.framework.pathways)
        return PathwayList(version=index.framework.version, items=edges, total=len(edges))

    @get(
        "/scenarios", operation_id="listScenarios", responses=READ_ERRORS, summary="Scenarios of future need"
    )
    async def list_scenarios(
        self,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> ScenarioList:
        index = await _edition(store, db_session, version)
        scenarios = list(index.framework.scenarios)
        return ScenarioList(version=index.framework.version, items=scenarios, total=len(scenarios))

    @get("/scenarios/{slug:str}", operation_id="getScenario", responses=READ_ERRORS, summary="One scenario")
    async def get_scenario(
        self,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> ScenarioDetail:
        index = await _edition(store, db_session, version)
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
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
        skill: SlugQuery = None,
        kind: Annotated[TrainingKind | None, QueryParameter()] = None,
        mode: Annotated[DeliveryMode | None, QueryParameter()] = None,
        max_cost: Annotated[
            float | None,
            # litestar drops a falsy ge=0 from an optional parameter's document: state it again.
            QueryParameter(ge=0, le=1_000_000, description="GBP per person", schema_extra={"minimum": 0}),
        ] = None,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[TrainingPage]:
        index = await _edition(store, db_session, version)
        options = service.filter_training(index, skill, kind, mode, max_cost)
        page = TrainingPage(
            version=index.framework.version,
            items=window(options, limit, offset),
            total=len(options),
            limit=limit,
            offset=offset,
        )
        return Response(page, headers=page_headers(request, len(options), limit, offset))

    @get(
        "/training/{slug:str}",
        operation_id="getTraining",
        responses=READ_ERRORS,
        summary="One training option",
    )
    async def get_training(
        self,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        version: VersionQuery = None,
    ) -> TrainingDetail:
        index = await _edition(store, db_session, version)
        return TrainingDetail(version=index.framework.version, training=service.training_option(index, slug))
