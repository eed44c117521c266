"""Career pathways for one member: readiness, reachable roles and a route to a target (DESIGN §2.6).

Pure functions over a ``FrameworkIndex`` and a ``TeamMember``: no database, HTTP or I/O, so the
API and the CLI plan routes the same way and the rules are tested without a server. The pathway
graph has a dozen nodes, so it is rebuilt per call from the edge list rather than cached (a cache
keyed by ``id(index)`` could outlive its index and hand a new index a stale graph).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

import msgspec
import networkx as nx

from api.analysis.model import IMPORTANCE_RANK, TeamMember
from taxonomy.index import FrameworkIndex
from taxonomy.model import IMPORTANCE_WEIGHT, Development, PathwayEdge, Requirement, Role, TrainingOption


class UnknownRole(ValueError):
    """The target or the member's current role is not in the framework (the API answers 404)."""


class Unreachable(ValueError):
    """No route can be planned: no path to the target, or no current role to start from (422)."""


class TrainingRef(msgspec.Struct, frozen=True, kw_only=True):
    """A training option as a route step shows it: the levels it takes someone from and to."""

    slug: str
    title: str
    from_level: int
    to_level: int
    cost_gbp: float
    days: float


class SkillToBuild(msgspec.Struct, frozen=True, kw_only=True):
    """A requirement of the role a step enters that the member's current level does not meet."""

    skill: str
    label: str
    required: int
    current: int
    importance: str
    training: list[TrainingRef]


class RoleReadiness(msgspec.Struct, frozen=True, kw_only=True):
    """A role reachable from the member's current role, ``steps`` edges away."""

    role: str
    title: str
    band: int
    steps: int
    readiness: float


class RouteStep(msgspec.Struct, frozen=True, kw_only=True):
    """One pathway edge of a route; ``title`` and ``readiness`` are those of the role it enters."""

    from_role: str
    to_role: str
    title: str
    kind: str
    years_min: int
    years_max: int | None
    readiness: float
    skills_to_build: list[SkillToBuild]


class CareerPathway(msgspec.Struct, frozen=True, kw_only=True):
    """DESIGN §2.6 for one member: where they stand, where they can go and, given a target, how."""

    member: str
    current_role: str | None
    current_readiness: float | None
    reachable: list[RoleReadiness]
    target: str | None
    route: list[RouteStep] | None
    total_gap: int | None


def _met(level: int, requirement: Requirement) -> float:
    """DESIGN §2.6: 1 when the level meets the requirement, else the fraction of it reached."""
    if level >= requirement.level:
        return 1.0
    return level / requirement.level


def role_readiness(member: TeamMember, role: Role) -> float:
    """DESIGN §2.6: ``Σ w·met ÷ Σ w`` over the role's requirements, as a percentage with one decimal.

    Weights follow importance (3/2/1) so an unmet essential skill costs more than a desirable one.
    A role with no requirements (which the validator rejects) asks for nothing, so it is 100.0.
    """
    total_weight = sum(IMPORTANCE_WEIGHT[req.importance] for req in role.requirements)
    if total_weight == 0:
        return 100.0
    met = sum(
        IMPORTANCE_WEIGHT[req.importance] * _met(member.level(req.skill), req) for req in role.requirements
    )
    return round(100 * met / total_weight, 1)


def role_gap(member: TeamMember, role: Role) -> int:
    """DESIGN §2.6 tie-break: the levels still missing for a role, ``Σ max(0, required − level)``."""
    return sum(max(0, req.level - member.level(req.skill)) for req in role.requirements)


def pathway_graph(roles: Iterable[str], edges: Iterable[PathwayEdge]) -> nx.DiGraph:
    """The directed pathway graph: every role a node, every edge a move (DESIGN §2.6).

    Edges naming a role outside ``roles`` are skipped so that a route never enters an unknown role;
    a validated edition has none.
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(roles)
    graph.add_edges_from(
        (edge.from_role, edge.to_role) for edge in edges if edge.from_role in graph and edge.to_role in graph
    )
    return graph


def _best(developments: Iterable[Development]) -> Development | None:
    """The development reaching highest (then starting lowest), when an option has several."""
    return max(developments, key=lambda dev: (dev.to_level, -dev.from_level), default=None)


def training_for(
    skill: str, current: int, required: int, options: Sequence[TrainingOption]
) -> list[TrainingRef]:
    """DESIGN §2.6: the training that matches a skill to build, highest level reached first, then cheapest.

    Options that start at or below the member's level and take them above it match. When none do,
    options reaching the required level are listed anyway, their ``from_level`` showing the entry
    level they expect, so the member sees what exists instead of an empty list.
    """
    picked: list[tuple[TrainingOption, Development]] = []
    for option in options:
        suiting = _best(
            d for d in option.develops if d.skill == skill and d.from_level <= current < d.to_level
        )
        if suiting is not None:
            picked.append((option, suiting))
    if not picked:
        for option in options:
            reaching = _best(d for d in option.develops if d.skill == skill and d.to_level >= required)
            if reaching is not None:
                picked.append((option, reaching))
    picked.sort(key=lambda pair: (-pair[1].to_level, pair[0].cost_gbp, pair[0].slug))
    return [
        TrainingRef(
            slug=option.slug,
            title=option.title,
            from_level=development.from_level,
            to_level=development.to_level,
            cost_gbp=option.cost_gbp,
            days=option.days,
        )
        for option, development in picked
    ]


def skills_to_build(member: TeamMember, role: Role, index: FrameworkIndex) -> list[SkillToBuild]:
    """The role's requirements the member does not meet yet, with training for each.

    Ordered essential first, then by the number of levels missing (largest first), then by skill,
    so the most pressing skill heads the list.
    """
    unmet = [req for req in role.requirements if member.level(req.skill) < req.level]
    unmet.sort(
        key=lambda req: (-IMPORTANCE_RANK[req.importance], member.level(req.skill) - req.level, req.skill)
    )
    result = []
    for req in unmet:
        current = member.level(req.skill)
        skill = index.skills.get(req.skill)
        result.append(
            SkillToBuild(
                skill=req.skill,
                label=skill.label if skill is not None else req.skill,
                required=req.level,
                current=current,
                importance=req.importance,
                training=training_for(req.skill, current, req.level, index.training_for.get(req.skill, [])),
            )
        )
    return result


def _reachable(
    member: TeamMember, start: str, graph: nx.DiGraph, roles: Mapping[str, Role]
) -> list[RoleReadiness]:
    """Every role reachable from ``start`` (itself excluded): nearest first, then most ready, then slug."""
    distances: dict[str, int] = dict(nx.single_source_shortest_path_length(graph, start))
    found = [
        RoleReadiness(
            role=slug,
            title=roles[slug].title,
            band=roles[slug].band,
            steps=steps,
            readiness=role_readiness(member, roles[slug]),
        )
        for slug, steps in distances.items()
        if slug != start
    ]
    return sorted(found, key=lambda item: (item.steps, -item.readiness, item.role))


def _choose_path(
    member: TeamMember, start: str, target: str, graph: nx.DiGraph, roles: Mapping[str, Role]
) -> list[str]:
    """DESIGN §2.6: fewest edges, then the smallest total gap of the roles entered, then slug order."""
    if not nx.has_path(graph, start, target):
        raise Unreachable(f"no pathway leads from {start} to {target}")
    paths: list[list[str]] = [list(path) for path in nx.all_shortest_paths(graph, start, target)]
    return min(paths, key=lambda path: (sum(role_gap(member, roles[slug]) for slug in path[1:]), path))


def _edge(index: FrameworkIndex, from_role: str, to_role: str) -> PathwayEdge:
    """The first edge between two roles (the graph keeps one; the edition lists them in order)."""
    return next(edge for edge in index.edges_from.get(from_role, []) if edge.to_role == to_role)


def _route(member: TeamMember, path: Sequence[str], index: FrameworkIndex) -> list[RouteStep]:
    steps = []
    for from_role, to_role in pairwise(path):
        edge = _edge(index, from_role, to_role)
        role = index.roles[to_role]
        steps.append(
            RouteStep(
                from_role=from_role,
                to_role=to_role,
                title=role.title,
                kind=edge.kind,
                years_min=edge.years_min,
                years_max=edge.years_max,
                readiness=role_readiness(member, role),
                skills_to_build=skills_to_build(member, role, index),
            )
        )
    return steps


def career_pathway(member: TeamMember, index: FrameworkIndex, target: str | None = None) -> CareerPathway:
    """DESIGN §2.6 for one member: readiness now, the roles within reach and the route to ``target``.

    Raises ``UnknownRole`` when the target or the member's role is not in the framework, and
    ``Unreachable`` when a target is given but the member has no role or no path leads there.
    """
    if target is not None and target not in index.roles:
        raise UnknownRole(f"role {target!r} is not in framework {index.key}")
    if member.role is not None and member.role not in index.roles:
        raise UnknownRole(f"role {member.role!r} is not in framework {index.key}")
    if member.role is None:
        if target is not None:
            raise Unreachable("the member has no current role, so there is no starting point for a route")
        return CareerPathway(
            member=member.reference,
            current_role=None,
            current_readiness=None,
            reachable=[],
            target=None,
            route=None,
            total_gap=None,
        )
    start = member.role
    graph = pathway_graph(index.roles, index.framework.pathways)
    route: list[RouteStep] | None = None
    total_gap: int | None = None
    if target is not None:
        path = _choose_path(member, start, target, graph, index.roles)
        route = _route(member, path, index)
        total_gap = sum(role_gap(member, index.roles[slug]) for slug in path[1:])
    return CareerPathway(
        member=member.reference,
        current_role=start,
        current_readiness=role_readiness(member, index.roles[start]),
        reachable=_reachable(member, start, graph, index.roles),
        target=target,
        route=route,
        total_gap=total_gap,
    )
