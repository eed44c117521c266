"""Assessment rounds: the pure rules (DESIGN §1 "Assessment round", §2.9, issue 17).

Which skills a member is asked about, the calibration flags, the response rate, how long a link is
valid, when the next review falls, and what a submission must hold. No HTTP, no ORM: the service
(``api.rounds.service``) loads rows and hands plain values here.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Final, Literal

import msgspec

ScopeKind = Literal["roles", "categories"]
CYCLES: Final = (0, 3, 6, 12)
"""Review cycles in months (issue 17: none, 3, 6 or 12; the sector's progress-review rhythm)."""
CALIBRATION_THRESHOLD: Final = 2
"""§2.9: a self level 2 or more from the manager's, either way, is flagged."""
EVIDENCE_FROM_LEVEL: Final = 3
"""A round may require an evidence note for self levels at or above this (issue 17)."""


def member_scope(
    kind: ScopeKind,
    *,
    role_skills: Iterable[str],
    profile_skills: Iterable[str],
    category_skills: Iterable[str],
) -> frozenset[str]:
    """The skills one member is asked about.

    ``roles`` (the default): the member's own role requirements plus every skill of the chosen needs
    profile's rows (none without a profile); ``categories``: every skill of the chosen categories,
    whatever the member's role.
    """
    if kind == "categories":
        return frozenset(category_skills)
    return frozenset(role_skills) | frozenset(profile_skills)


class Calibration(msgspec.Struct, frozen=True, kw_only=True):
    """§2.9 for one skill: ``difference = self − manager``; ``flagged`` when ``|difference| ≥ 2``."""

    difference: int
    flagged: bool


def calibration(self_levels: Mapping[str, int], manager_levels: Mapping[str, int]) -> dict[str, Calibration]:
    """Per skill holding both a self and a manager level (others have no calibration), by skill."""
    return {
        skill: Calibration(difference=(d := self_levels[skill] - manager_levels[skill]), flagged=abs(d) >= 2)
        for skill in sorted(self_levels.keys() & manager_levels.keys())
    }


class ResponseRate(msgspec.Struct, frozen=True, kw_only=True):
    invited: int
    submitted: int
    rate_percent: float | None
    """``submitted ÷ invited`` as a percentage with one decimal (§2.9); None when nobody is invited."""


def response_rate(invited: int, submitted: int) -> ResponseRate:
    if not 0 <= submitted <= invited:
        raise ValueError(f"submitted ({submitted}) must be between 0 and invited ({invited})")
    percent = None if invited == 0 else round(100 * submitted / invited, 1)
    return ResponseRate(invited=invited, submitted=submitted, rate_percent=percent)


def valid_until(due_date: dt.date, grace_days: int) -> dt.datetime:
    """A link works through the due date and ``grace_days`` more whole days (UTC): it stops at the
    midnight that ends the last of them (DESIGN §1: "valid until the due date plus a grace period")."""
    return dt.datetime.combine(due_date + dt.timedelta(days=grace_days + 1), dt.time(), dt.UTC)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved on ``months`` calendar months, clamped to the month's last day (31 Jan + 1 →
    28/29 Feb): the next review of a cycle."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """A member's answer for one skill: a level (None: not yet chosen), an evidence note, and
    whether they would like to develop it."""

    skill: str
    level: int | None = None
    evidence: str | None = None
    develop: bool = False


class AnswerProblem(msgspec.Struct, frozen=True, kw_only=True):
    """A refusal of one answer: ``position`` in the request's list (None: a skill left out), the
    field (``skill``, ``level``, ``evidence``) and why."""

    position: int | None
    field: str
    message: str
    skill: str


def answer_problems(
    scope: Collection[str],
    answers: Iterable[Answer],
    *,
    submitting: bool,
    evidence_required_from_level3: bool,
) -> list[AnswerProblem]:
    """Everything wrong with ``answers`` for a member whose scope is ``scope``.

    Always: every skill in scope, once. On submitting also: a level for every skill in scope, and
    an evidence note for levels of 3 and above when the round asks for one. A draft may be partial.
    """
    problems: list[AnswerProblem] = []
    seen: set[str] = set()
    for position, answer in enumerate(answers):
        if answer.skill not in scope:
            problems.append(
                AnswerProblem(
                    position=position,
                    field="skill",
                    message="not a skill you are asked about",
                    skill=answer.skill,
                )
            )
            continue
        if answer.skill in seen:
            problems.append(
                AnswerProblem(position=position, field="skill", message="answered twice", skill=answer.skill)
            )
            continue
        seen.add(answer.skill)
        if submitting and answer.level is None:
            problems.append(
                AnswerProblem(position=position, field="level", message="choose a level", skill=answer.skill)
            )
        if (
            submitting
            and evidence_required_from_level3
            and answer.level is not None
            and answer.level >= EVIDENCE_FROM_LEVEL
            and not (answer.evidence or "").strip()
        ):
            problems.append(
                AnswerProblem(
                    position=position,
                    field="evidence",
                    message=f"give evidence for level {EVIDENCE_FROM_LEVEL} and above",
                    skill=answer.skill,
                )
            )
    if submitting:
        problems.extend(
            AnswerProblem(position=None, field="level", message="choose a level", skill=skill)
            for skill in sorted(set(scope) - seen)
        )
    return problems


RoundStatus = Literal["open", "overdue"]


def round_status(due_date: dt.date, today: dt.date) -> RoundStatus:
    """An open round is ``overdue`` once its due date has passed (the dashboard, issue 17)."""
    return "overdue" if due_date < today else "open"


ReviewStatus = Literal["scheduled", "due"]


def review_status(review_date: dt.date, today: dt.date) -> ReviewStatus:
    """A scheduled review with no round yet is ``due`` from its date on."""
    return "due" if review_date <= today else "scheduled"
