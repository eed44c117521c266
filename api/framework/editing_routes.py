"""National bodies edit the framework: drafts, item edits with ETags, publish, retire, change log.

Writes need a key with ``framework:write`` (or ``admin``). Reads of a draft need the same; reads
of published and retired editions are public. The rules live in ``api.framework.editing``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, PathParameter, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from api.deps import STORE
from api.errors import problem_responses
from api.framework import editing
from api.framework.editing_schemas import ChangePage, EditionOut, RequirementIn, ValidationReport
from api.framework.etags import EDIT_ERRORS, ETAG, IfMatch, item_etag
from api.framework.store import FrameworkStore
from api.pagination import PAGE_HEADERS, Limit, Offset, page_headers
from api.params import Slug, Version
from taxonomy.model import Category, Framework, PathwayEdge, Role, Scenario, Skill, TrainingOption

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
READ_ERRORS = problem_responses(400, 401, 403, 404, 429)
RoleSlug = Annotated[str, PathParameter(pattern=SLUG_PATTERN, max_length=80, description="Role slug.")]
SkillSlug = Annotated[str, PathParameter(pattern=SLUG_PATTERN, max_length=80, description="Skill slug.")]


def _item_response(kind: str, stored: editing.StoredEdition, key: str, status: int = 200) -> Response[Any]:
    _, item = editing.find_item(stored.framework, kind, key)
    return Response(item, status_code=status, headers={"ETag": item_etag(kind, item)})


async def _previous_skills(
    session: AsyncSession, store: FrameworkStore, version: str, needed: bool
) -> frozenset[str]:
    """The previous edition's skill slugs, which only a skill rename or merge consults."""
    if not needed:
        return frozenset()
    previous = await editing.based_on(session, store, version)
    return frozenset(skill.slug for skill in previous.skills) if previous else frozenset()


async def _create(
    request: Request[Any, Any, Any], session: AsyncSession, version: str, kind: str, item: Any
) -> Response[Any]:
    principal = await editing.editor(request, session)
    stored = await editing.apply_edit(session, principal, version, editing.create_item(kind, item))
    return _item_response(kind, stored, editing.item_key(kind, item), status=201)


async def _read(
    request: Request[Any, Any, Any], session: AsyncSession, version: str, kind: str, key: str
) -> Response[Any]:
    return _item_response(kind, await editing.readable(request, session, version), key)


async def _replace(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    store: FrameworkStore,
    version: str,
    kind: str,
    key: str,
    item: Any,
    if_match: str | None,
) -> Response[Any]:
    principal = await editing.editor(request, session)
    previous = await _previous_skills(session, store, version, needed=kind == "skills")
    edit = editing.replace_item(kind, key, item, if_match, previous)
    stored = await editing.apply_edit(session, principal, version, edit)
    return _item_response(kind, stored, editing.item_key(kind, item))


async def _delete(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    store: FrameworkStore,
    version: str,
    kind: str,
    key: str,
    if_match: str | None,
    merge_into: str | None,
) -> None:
    principal = await editing.editor(request, session)
    previous = await _previous_skills(session, store, version, needed=merge_into is not None)
    await editing.apply_edit(
        session, principal, version, editing.delete_item(kind, key, if_match, merge_into, previous)
    )


def _edition_response(
    stored: editing.StoredEdition, previous: Framework | None, status: int = 200
) -> Response[EditionOut]:
    return Response(
        editing.edition_out(stored, previous), status_code=status, headers={"ETag": editing.etag_of(stored)}
    )


class FrameworkEditingController(Controller):
    path = "/v1/frameworks"
    tags = ["framework editing"]
    dependencies = {"store": STORE}

    @get(
        "/{version:str}/document",
        operation_id="getFrameworkDocument",
        summary="A whole edition in the file format, with the edition's ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_document(
        self, request: Request[Any, Any, Any], version: Version, db_session: NamedDependency[AsyncSession]
    ) -> Response[Framework]:
        stored = await editing.readable(request, db_session, version)
        return Response(stored.framework, headers={"ETag": editing.etag_of(stored)})

    @get(
        "/{version:str}/problems",
        operation_id="validateFramework",
        summary="What publishing would report now, without publishing",
        responses=READ_ERRORS,
    )
    async def validate(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
    ) -> ValidationReport:
        stored = await editing.readable(request, db_session, version)
        return await editing.validation_report(db_session, store, stored)

    @get(
        "/{version:str}/changes",
        operation_id="listFrameworkChanges",
        summary="The change log of an edition: who, when and what (needs framework:write)",
        responses=READ_ERRORS,
        response_headers=PAGE_HEADERS,
    )
    async def list_changes(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        db_session: NamedDependency[AsyncSession],
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[ChangePage]:
        await editing.editor(request, db_session)
        await editing.load(db_session, version)
        page = await editing.changes(db_session, version, limit, offset)
        return Response(page, headers=page_headers(request, page.total, limit, offset))

    @post(
        "/{version:str}/publish",
        operation_id="publishFramework",
        status_code=200,
        summary="Validate a draft and publish it (422 lists every problem)",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def publish(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[EditionOut]:
        principal = await editing.editor(request, db_session)
        stored = await editing.publish(db_session, store, principal, version, if_match)
        return _edition_response(stored, await editing.based_on(db_session, store, version))

    @post(
        "/{version:str}/retire",
        operation_id="retireFramework",
        status_code=200,
        summary="Retire a published edition (it stays readable with ?version=)",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def retire(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[EditionOut]:
        principal = await editing.editor(request, db_session)
        stored = await editing.retire(db_session, store, principal, version, if_match)
        return _edition_response(stored, await editing.based_on(db_session, store, version))

    # --- requirements of a role ---

    @put(
        "/{version:str}/roles/{slug:str}/requirements/{skill:str}",
        operation_id="putFrameworkRequirement",
        summary="Add or change a role's requirement for a skill; needs the role's If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def put_requirement(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: RoleSlug,
        skill: SkillSlug,
        data: JSONBody[RequirementIn],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[Role]:
        principal = await editing.editor(request, db_session)
        edit = editing.put_requirement(slug, skill, data, if_match)
        stored = await editing.apply_edit(db_session, principal, version, edit)
        return _item_response("roles", stored, slug)

    @delete(
        "/{version:str}/roles/{slug:str}/requirements/{skill:str}",
        operation_id="deleteFrameworkRequirement",
        summary="Remove a role's requirement for a skill; needs the role's If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_requirement(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: RoleSlug,
        skill: SkillSlug,
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        principal = await editing.editor(request, db_session)
        await editing.apply_edit(
            db_session, principal, version, editing.delete_requirement(slug, skill, if_match)
        )

    # --- pathway edges (named by their two roles) ---

    @post(
        "/{version:str}/pathways",
        operation_id="createFrameworkPathway",
        summary="Add a pathway edge to a draft",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_pathway(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        data: JSONBody[PathwayEdge],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[PathwayEdge]:
        return await _create(request, db_session, version, "pathways", data)

    @get(
        "/{version:str}/pathways/{from_role:str}/{to_role:str}",
        operation_id="getFrameworkPathway",
        summary="One pathway edge, with its ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_pathway(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        from_role: RoleSlug,
        to_role: RoleSlug,
        db_session: NamedDependency[AsyncSession],
    ) -> Response[PathwayEdge]:
        return await _read(request, db_session, version, "pathways", f"{from_role}->{to_role}")

    @put(
        "/{version:str}/pathways/{from_role:str}/{to_role:str}",
        operation_id="replaceFrameworkPathway",
        summary="Replace a pathway edge of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def replace_pathway(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        from_role: RoleSlug,
        to_role: RoleSlug,
        data: JSONBody[PathwayEdge],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[PathwayEdge]:
        key = f"{from_role}->{to_role}"
        return await _replace(request, db_session, store, version, "pathways", key, data, if_match)

    @delete(
        "/{version:str}/pathways/{from_role:str}/{to_role:str}",
        operation_id="deleteFrameworkPathway",
        summary="Delete a pathway edge from a draft; needs If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_pathway(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        from_role: RoleSlug,
        to_role: RoleSlug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        key = f"{from_role}->{to_role}"
        await _delete(request, db_session, store, version, "pathways", key, if_match, None)

    # --- categories ---

    @post(
        "/{version:str}/categories",
        operation_id="createFrameworkCategory",
        summary="Add a category to a draft",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_categories(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        data: JSONBody[Category],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Category]:
        return await _create(request, db_session, version, "categories", data)

    @get(
        "/{version:str}/categories/{slug:str}",
        operation_id="getFrameworkCategory",
        summary="One category of any edition, with its ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_categories(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Category]:
        return await _read(request, db_session, version, "categories", slug)

    @put(
        "/{version:str}/categories/{slug:str}",
        operation_id="replaceFrameworkCategory",
        summary="Replace (or rename) a category of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def replace_categories(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        data: JSONBody[Category],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[Category]:
        return await _replace(request, db_session, store, version, "categories", slug, data, if_match)

    @delete(
        "/{version:str}/categories/{slug:str}",
        operation_id="deleteFrameworkCategory",
        summary="Delete a category from a draft; needs If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_categories(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        await _delete(request, db_session, store, version, "categories", slug, if_match, None)

    # --- skills ---

    @post(
        "/{version:str}/skills",
        operation_id="createFrameworkSkill",
        summary="Add a skill to a draft",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_skills(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        data: JSONBody[Skill],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Skill]:
        return await _create(request, db_session, version, "skills", data)

    @get(
        "/{version:str}/skills/{slug:str}",
        operation_id="getFrameworkSkill",
        summary="One skill of any edition, with its ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_skills(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Skill]:
        return await _read(request, db_session, version, "skills", slug)

    @put(
        "/{version:str}/skills/{slug:str}",
        operation_id="replaceFrameworkSkill",
        summary="Replace (or rename) a skill of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def replace_skills(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        data: JSONBody[Skill],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[Skill]:
        return await _replace(request, db_session, store, version, "skills", slug, data, if_match)

    @delete(
        "/{version:str}/skills/{slug:str}",
        operation_id="deleteFrameworkSkill",
        summary="Delete a skill from a draft; needs If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_skills(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
        merge_into: Annotated[
            str | None,
            QueryParameter(
                pattern=SLUG_PATTERN,
                max_length=80,
                description="Merge: move references to this skill, which replaces the deleted one.",
            ),
        ] = None,
    ) -> None:
        await _delete(request, db_session, store, version, "skills", slug, if_match, merge_into)

    # --- roles ---

    @post(
        "/{version:str}/roles",
        operation_id="createFrameworkRole",
        summary="Add a role to a draft",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_roles(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        data: JSONBody[Role],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Role]:
        return await _create(request, db_session, version, "roles", data)

    @get(
        "/{version:str}/roles/{slug:str}",
        operation_id="getFrameworkRole",
        summary="One role of any edition, with its ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_roles(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Role]:
        return await _read(request, db_session, version, "roles", slug)

    @put(
        "/{version:str}/roles/{slug:str}",
        operation_id="replaceFrameworkRole",
        summary="Replace (or rename) a role of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def replace_roles(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        data: JSONBody[Role],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[Role]:
        return await _replace(request, db_session, store, version, "roles", slug, data, if_match)

    @delete(
        "/{version:str}/roles/{slug:str}",
        operation_id="deleteFrameworkRole",
        summary="Delete a role from a draft; needs If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_roles(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        await _delete(request, db_session, store, version, "roles", slug, if_match, None)

    # --- scenarios ---

    @post(
        "/{version:str}/scenarios",
        operation_id="createFrameworkScenario",
        summary="Add a scenario to a draft",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_scenarios(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        data: JSONBody[Scenario],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Scenario]:
        return await _create(request, db_session, version, "scenarios", data)

    @get(
        "/{version:str}/scenarios/{slug:str}",
        operation_id="getFrameworkScenario",
        summary="One scenario of any edition, with its ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_scenarios(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        db_session: NamedDependency[AsyncSession],
    ) -> Response[Scenario]:
        return await _read(request, db_session, version, "scenarios", slug)

    @put(
        "/{version:str}/scenarios/{slug:str}",
        operation_id="replaceFrameworkScenario",
        summary="Replace (or rename) a scenario of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def replace_scenarios(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        data: JSONBody[Scenario],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[Scenario]:
        return await _replace(request, db_session, store, version, "scenarios", slug, data, if_match)

    @delete(
        "/{version:str}/scenarios/{slug:str}",
        operation_id="deleteFrameworkScenario",
        summary="Delete a scenario from a draft; needs If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_scenarios(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        await _delete(request, db_session, store, version, "scenarios", slug, if_match, None)

    # --- training ---

    @post(
        "/{version:str}/training",
        operation_id="createFrameworkTrainingOption",
        summary="Add a training option to a draft",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def create_training(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        data: JSONBody[TrainingOption],
        db_session: NamedDependency[AsyncSession],
    ) -> Response[TrainingOption]:
        return await _create(request, db_session, version, "training", data)

    @get(
        "/{version:str}/training/{slug:str}",
        operation_id="getFrameworkTrainingOption",
        summary="One training option of any edition, with its ETag (drafts need framework:write)",
        responses=READ_ERRORS,
        response_headers=ETAG,
    )
    async def get_training(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        db_session: NamedDependency[AsyncSession],
    ) -> Response[TrainingOption]:
        return await _read(request, db_session, version, "training", slug)

    @put(
        "/{version:str}/training/{slug:str}",
        operation_id="replaceFrameworkTrainingOption",
        summary="Replace (or rename) a training option of a draft; needs If-Match",
        responses=EDIT_ERRORS,
        response_headers=ETAG,
    )
    async def replace_training(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        data: JSONBody[TrainingOption],
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> Response[TrainingOption]:
        return await _replace(request, db_session, store, version, "training", slug, data, if_match)

    @delete(
        "/{version:str}/training/{slug:str}",
        operation_id="deleteFrameworkTrainingOption",
        summary="Delete a training option from a draft; needs If-Match",
        responses=EDIT_ERRORS,
    )
    async def delete_training(
        self,
        request: Request[Any, Any, Any],
        version: Version,
        slug: Slug,
        store: NamedDependency[FrameworkStore],
        db_session: NamedDependency[AsyncSession],
        if_match: IfMatch = None,
    ) -> None:
        await _delete(request, db_session, store, version, "training", slug, if_match, None)
