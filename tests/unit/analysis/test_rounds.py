"""Issue 17 / DESIGN §2.9: the pure rules of assessment rounds, property-tested."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.analysis import rounds as rules

SKILLS = st.sampled_from([f"skill-{n}" for n in range(12)])
SKILL_SETS = st.frozensets(SKILLS, max_size=12)
LEVELS = st.dictionaries(SKILLS, st.integers(0, 4), max_size=12)


@given(role=SKILL_SETS, profile=SKILL_SETS, category=SKILL_SETS)
def test_scope_is_role_plus_profile_or_the_categories(
    role: frozenset[str], profile: frozenset[str], category: frozenset[str]
) -> None:
    by_roles = rules.member_scope("roles", role_skills=role, profile_skills=profile, category_skills=category)
    assert by_roles == role | profile
    assert role <= by_roles and profile <= by_roles
    by_categories = rules.member_scope(
        "categories", role_skills=role, profile_skills=profile, category_skills=category
    )
    assert by_categories == category  # whatever the member's role


@given(self_levels=LEVELS, manager_levels=LEVELS)
def test_calibration_flags_differences_of_two_or_more_either_way(
    self_levels: dict[str, int], manager_levels: dict[str, int]
) -> None:
    flags = rules.calibration(self_levels, manager_levels)
    assert set(flags) == self_levels.keys() & manager_levels.keys()  # only where both exist
    for skill, flag in flags.items():
        assert flag.difference == self_levels[skill] - manager_levels[skill]
        assert flag.flagged == (abs(flag.difference) >= 2)
    # Symmetry: swapping the sources negates the difference and keeps the flag.
    swapped = rules.calibration(manager_levels, self_levels)
    assert {s: (-f.difference, f.flagged) for s, f in swapped.items()} == {
        s: (f.difference, f.flagged) for s, f in flags.items()
    }


@pytest.mark.parametrize(
    ("self_level", "manager", "flagged"), [(3, 1, True), (1, 3, True), (3, 2, False), (0, 4, True)]
)
def test_calibration_table(self_level: int, manager: int, flagged: bool) -> None:
    assert rules.calibration({"s": self_level}, {"s": manager})["s"].flagged is flagged


@given(invited=st.integers(0, 500), data=st.data())
def test_response_rate_is_submitted_over_invited(invited: int, data: st.DataObject) -> None:
    submitted = data.draw(st.integers(0, invited))
    rate = rules.response_rate(invited, submitted)
    if invited == 0:
        assert rate.rate_percent is None
    else:
        assert rate.rate_percent == round(100 * submitted / invited, 1)
        assert 0 <= rate.rate_percent <= 100


def test_response_rate_refuses_more_submitted_than_invited() -> None:
    with pytest.raises(ValueError, match="between"):
        rules.response_rate(2, 3)


@given(day=st.dates(dt.date(2000, 1, 1), dt.date(2090, 12, 31)), months=st.sampled_from([3, 6, 12]))
def test_next_review_is_months_later_clamped_to_the_month_end(day: dt.date, months: int) -> None:
    later = rules.add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(days=1)).day == 1)


def test_next_review_examples() -> None:
    assert rules.add_months(dt.date(2026, 10, 1), 6) == dt.date(2027, 4, 1)
    assert rules.add_months(dt.date(2027, 8, 31), 6) == dt.date(2028, 2, 29)
    assert rules.add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


@given(due=st.dates(dt.date(2020, 1, 1), dt.date(2080, 1, 1)), grace=st.integers(0, 90))
def test_a_link_is_valid_through_the_last_day_of_grace(due: dt.date, grace: int) -> None:
    until = rules.valid_until(due, grace)
    last_day = due + dt.timedelta(days=grace)
    assert until - dt.timedelta(microseconds=1) >= dt.datetime.combine(
        last_day, dt.time.max, dt.UTC
    ) - dt.timedelta(microseconds=1)
    assert (
        until.date() == last_day + dt.timedelta(days=1)
        and until.time() == dt.time()
        and until.tzinfo is dt.UTC
    )


ANSWER = st.builds(
    rules.Answer,
    skill=SKILLS,
    level=st.none() | st.integers(0, 4),
    evidence=st.none() | st.sampled_from(["", "  ", "Led it"]),
)


@given(scope=SKILL_SETS, answers=st.lists(ANSWER, max_size=15), evidence=st.booleans())
def test_answer_problems(scope: frozenset[str], answers: list[rules.Answer], evidence: bool) -> None:
    draft = rules.answer_problems(scope, answers, submitting=False, evidence_required_from_level3=evidence)
    final = rules.answer_problems(scope, answers, submitting=True, evidence_required_from_level3=evidence)
    assert {(p.position, p.field) for p in draft} <= {(p.position, p.field) for p in final}
    # A draft is refused only for skills out of scope or repeated.
    assert all(p.field == "skill" for p in draft)
    first = {}
    for position, answer in enumerate(answers):
        first.setdefault(answer.skill, position)
    expected_draft = {
        position
        for position, answer in enumerate(answers)
        if answer.skill not in scope or first[answer.skill] != position
    }
    assert {p.position for p in draft} == expected_draft
    # A submission with no problems gives every skill in scope exactly one level, and evidence where asked.
    if not final:
        assert sorted(a.skill for a in answers) == sorted(scope)
        assert all(a.level is not None for a in answers)
        if evidence:
            assert all((a.evidence or "").strip() for a in answers if (a.level or 0) >= 3)
    missing = scope - {a.skill for a in answers}
    assert {p.skill for p in final if p.position is None} == missing


def test_dashboard_statuses() -> None:
    today = dt.date(2027, 1, 10)
    assert rules.round_status(dt.date(2027, 1, 10), today) == "open"
    assert rules.round_status(dt.date(2027, 1, 9), today) == "overdue"
    assert rules.review_status(dt.date(2027, 1, 11), today) == "scheduled"
    assert rules.review_status(dt.date(2027, 1, 10), today) == "due"
