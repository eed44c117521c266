"""The effective level (DESIGN §1): one home for the rule, issue 13.

A member may hold several assessments of one skill, from different sources. Where several exist the
effective level is the one from the most trusted source: verified > manager > self. Every reader of
levels (an audit's members, the team the analyses see, exports) takes them from here.
"""

from __future__ import annotations

from collections.abc import Iterable

SOURCE_PRIORITY: dict[str, int] = {"verified": 3, "manager": 2, "self": 1}
"""How far each source is trusted: the higher wins."""


def effective_levels(assessments: Iterable[tuple[str, str, int]]) -> dict[str, int]:
    """Per skill, the level from the most trusted source, given ``(skill, source, level)`` triples;
    ordered by skill. A skill with no assessment is absent (level 0 to the analyses)."""
    best: dict[str, tuple[int, int]] = {}
    for skill, source, level in assessments:
        rank = SOURCE_PRIORITY[source]
        held = best.get(skill)
        if held is None or rank > held[0]:
            best[skill] = (rank, level)
    return {skill: level for skill, (_, level) in sorted(best.items())}
