"""Plain inputs shared by the analyses: a team, requirement rows and gap rows."""

from __future__ import annotations

from typing import Literal

import msgspec

from taxonomy.model import Importance

Rag = Literal["red", "amber", "green"]
RAG_ORDER: dict[str, int] = {"red": 0, "amber": 1, "green": 2}
IMPORTANCE_RANK: dict[str, int] = {"desirable": 1, "important": 2, "essential": 3}


class TeamMember(msgspec.Struct, frozen=True, kw_only=True):
    """One member as the analyses see them: effective levels only (a missing skill is level 0)."""

    reference: str
    role: str | None = None
    levels: dict[str, int] = {}

    def level(self, skill: str) -> int:
        return self.levels.get(skill, 0)


class RequirementRow(msgspec.Struct, frozen=True, kw_only=True):
    """DESIGN §2.1: a needs profile expanded to ``(skill, level)`` with a required headcount."""

    skill: str
    level: int
    required: int
    importance: Importance
    weight: int


class GapRow(msgspec.Struct, frozen=True, kw_only=True):
    """DESIGN §2.2: one requirement row against the team."""

    skill: str
    level: int
    required: int
    covered: int
    near: int
    shortfall: int
    importance: Importance
    weight: int
    rag: Rag
