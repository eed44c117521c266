"""Framework reads: plain functions from a ``FrameworkIndex`` to wire Structs (no database here)."""

from __future__ import annotations

from typing import TypeVar

from api.convert import struct_from
from api.errors import NotFound
from api.framework.schemas import (
    CategoryOut,
    FrameworkCounts,
    FrameworkSummary,
    NextRole,
    RoleDetail,
    RoleUse,
    SkillDetail,
    SkillLevel,
    SkillOut,
    TrainingUse,
)
from taxonomy.index import FrameworkIndex
from taxonomy.match import Thresholds
from taxonomy.model import Role, Scenario, Skill, TrainingOption
from taxonomy.normalise import normalise

T = TypeVar("T")


def summary(index: FrameworkIndex, status: str) -> FrameworkSummary:
    framework = index.framework
    return struct_from(
        FrameworkSummary,
        framework,
        status=status,
        counts=FrameworkCounts(
            categories=len(framework.categories),
            skills=len(framework.skills),
            roles=len(framework.roles),
            pathways=len(framework.pathways),
            scenarios=len(framework.scenarios),
            training=len(framework.training),
        ),
    )


def categories(index: FrameworkIndex) -> list[CategoryOut]:
    return [
        CategoryOut(
            slug=category.slug,
            name=category.name,
            description=category.description,
            skills=[skill.slug for skill in index.skills_in_category[category.slug]],
        )
        for category in index.framework.categories
    ]


def _skill_out(skill: Skill, score: float | None = None, matched_label: str | None = None) -> SkillOut:
    return struct_from(SkillOut, skill, score=score, matched_label=matched_label)


def search_skills(
    index: FrameworkIndex, query: str | None, category: str | None, thresholds: Thresholds
) -> list[SkillOut]:
    """Skills in framework order, or, with a query, every fuzzy candidate best first."""
    if category is not None and category not in index.categories:
        raise NotFound(f"Category {category!r} does not exist in {index.key}")
    if not query:
        skills = index.skills_in_category[category] if category else list(index.framework.skills)
        return [_skill_out(skill) for skill in skills]
    match = index.skill_matcher.match_one(query, thresholds, limit=len(index.skills))
    words = normalise(query).split()
    candidates = sorted(match.candidates, key=lambda candidate: not _starts_words(candidate.label, words))
    return [
        _skill_out(index.skills[candidate.key], candidate.score, candidate.label)
        for candidate in candidates
        if category is None or index.skills[candidate.key].category == category
    ]


def _starts_words(label: str, words: list[str]) -> bool:
    """Whether every query word begins a word of the label: what a search box user means by "bid".

    Fuzzy scores alone put "BI" (Business intelligence) above "bid writer" for ``?q=bid``; a search
    ranks such prefix hits first (stable sort, so score order holds within each group).
    """
    label_words = normalise(label).split()
    return all(any(word.startswith(query) for word in label_words) for query in words)


def skill_detail(index: FrameworkIndex, slug: str) -> SkillDetail:
    skill = _get(index.skills, slug, "Skill", index)
    return SkillDetail(
        version=index.framework.version,
        skill=skill,
        category=index.categories[skill.category],
        levels=skill_levels(index, skill),
        roles=[
            RoleUse(
                role=need.role.slug,
                title=need.role.title,
                level=need.requirement.level,
                importance=need.requirement.importance,
            )
            for need in index.roles_needing[slug]
        ],
        training=[
            struct_from(TrainingUse, option, from_level=development.from_level, to_level=development.to_level)
            for option in index.training_for[slug]
            for development in option.develops
            if development.skill == slug
        ],
    )


def skill_levels(index: FrameworkIndex, skill: Skill) -> list[SkillLevel]:
    """The edition's scale with ``skill``'s indicator beside each level: the public skill page, the
    JSON skill and anything else where a person picks a level for one skill (DESIGN §1)."""
    return [
        SkillLevel(
            level=level.level,
            name=level.name,
            description=level.description,
            indicator=skill.indicator(level.level),
        )
        for level in sorted(index.framework.levels, key=lambda level: level.level)
    ]


def next_roles(index: FrameworkIndex, slug: str) -> list[NextRole]:
    _get(index.roles, slug, "Role", index)
    return [
        NextRole(
            role=edge.to_role,
            title=index.roles[edge.to_role].title,
            band=index.roles[edge.to_role].band,
            kind=edge.kind,
            years_min=edge.years_min,
            years_max=edge.years_max,
            notes=edge.notes,
        )
        for edge in index.edges_from[slug]
    ]


def role_detail(index: FrameworkIndex, slug: str) -> RoleDetail:
    role: Role = _get(index.roles, slug, "Role", index)
    return RoleDetail(
        version=index.framework.version,
        role=role,
        next=next_roles(index, slug),
        previous=[edge.from_role for edge in index.framework.pathways if edge.to_role == slug],
    )


def scenario(index: FrameworkIndex, slug: str) -> Scenario:
    return _get(index.scenarios, slug, "Scenario", index)


def training_option(index: FrameworkIndex, slug: str) -> TrainingOption:
    return _get(index.training, slug, "Training option", index)


def filter_training(
    index: FrameworkIndex, skill: str | None, kind: str | None, mode: str | None, max_cost: float | None
) -> list[TrainingOption]:
    if skill is not None and skill not in index.skills:
        raise NotFound(f"Skill {skill!r} does not exist in {index.key}")
    options = index.training_for[skill] if skill else list(index.framework.training)
    return [
        option
        for option in options
        if (kind is None or option.kind == kind)
        and (mode is None or option.mode == mode)
        and (max_cost is None or option.cost_gbp <= max_cost)
    ]


def _get(items: dict[str, T], slug: str, what: str, index: FrameworkIndex) -> T:
    try:
        return items[slug]
    except KeyError:
        raise NotFound(f"{what} {slug!r} does not exist in {index.key}") from None
