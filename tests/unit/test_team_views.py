"""The team pages' display shaping (api.audits.views, issue 16): pure, so properties and tables."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.analysis.model import TeamMember
from api.audits.views import NO_ROLE, mapping_from_form, team_matrix
from api.reports.html import LEVEL_COLOURS, LEVEL_TEXT, skill_groups
from taxonomy.index import FrameworkIndex
from taxonomy.load import SHIPPED, load_framework

INDEX = FrameworkIndex(load_framework(SHIPPED))
ROLES = [*INDEX.roles, None]
SKILLS = [skill.slug for skill in INDEX.framework.skills]
APP_CSS = Path(__file__).resolve().parents[2] / "api" / "web" / "static" / "app.css"

members = st.lists(
    st.builds(
        TeamMember,
        reference=st.from_regex(r"EDO-[0-9]{3}", fullmatch=True),
        role=st.sampled_from(ROLES),
        levels=st.dictionaries(st.sampled_from(SKILLS), st.integers(0, 4), max_size=8),
    ),
    max_size=12,
    unique_by=lambda member: member.reference,
)


@given(
    members,
    st.sampled_from([None, NO_ROLE, "nonsense", *INDEX.roles]),
    st.sampled_from([None, "x", *INDEX.framework.categories[0:3]]),
)
def test_the_matrix_keeps_exactly_the_filtered_members_and_skills(
    team: list[TeamMember], role: str | None, category: object
) -> None:
    wanted_category = getattr(category, "slug", category)
    matrix = team_matrix(INDEX, team, role=role, category=wanted_category)  # type: ignore[arg-type]
    columns = [skill.slug for group in matrix.groups for skill in group.skills]
    present = {member.role for member in team}
    known_role = (role == NO_ROLE and None in present) or (role in present and role is not None)
    expected = [m for m in team if not known_role or m.role == (None if role == NO_ROLE else role)]
    assert [row.reference for row in matrix.rows] == [m.reference for m in expected]
    if INDEX.skills_in_category.get(wanted_category):
        assert columns == [s.slug for s in INDEX.skills_in_category[wanted_category]]
    else:
        assert columns == [s.slug for _, skills in skill_groups(INDEX) for s in skills]
    for row, member in zip(matrix.rows, expected, strict=True):
        assert row.levels == [member.levels.get(slug, 0) for slug in columns]


def test_the_page_heat_colours_are_the_reports() -> None:
    """One palette: the stylesheet's heat cells carry the report's colours, level by level."""
    css = APP_CSS.read_text()
    for level, (background, text) in enumerate(zip(LEVEL_COLOURS, LEVEL_TEXT, strict=True)):
        rule = re.search(
            rf"\.heat-cell\[data-level='{level}'\] \{{ background: (#[0-9a-f]+); color: (#[0-9a-f]+); \}}",
            css,
        )
        assert rule is not None, f"no heat rule for level {level}"
        assert rule.groups() == (background, text)


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (
            {"column-G": "capital-delivery", "column-H": "ignore", "column-D": ""},
            {"columns": {"G": "capital-delivery", "H": "ignore"}},
        ),
        (
            {"role-0": "ed-officer", "role-text-0": "ED Officer", "role-1": "", "role-text-1": "Wizard"},
            {"roles": {"ED Officer": "ed-officer"}},
        ),
        (
            {"skill-name-2": "ignore", "skill-name-text-2": "Juggling", "role-x": "y"},
            {"skill_names": {"Juggling": "ignore"}},
        ),
        ({"role-0": "ed-officer"}, {}),  # no text beside it: nothing to key it by
    ],
)
def test_the_review_form_becomes_the_json_mapping(
    form: dict[str, str], expected: dict[str, dict[str, str]]
) -> None:
    assert msgspec.to_builtins(mapping_from_form(form)) == {
        "columns": {},
        "roles": {},
        "skill_names": {},
        **expected,
    }


def test_a_choice_over_the_mappings_bounds_is_refused() -> None:
    with pytest.raises(msgspec.ValidationError):
        mapping_from_form({"column-A": "x" * 81})
