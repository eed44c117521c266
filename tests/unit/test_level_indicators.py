"""Skill level indicators (DESIGN §1, issue 17): the shipped lines, the validator's rules, the file
format's round trip and what the pure edits do with them."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from api.text import SINGLE_LINE_PATTERN
from taxonomy import edits
from taxonomy.edits import SKILLS
from taxonomy.load import (
    SHIPPED,
    check_directory,
    check_document,
    dump_directory,
    dump_document,
    load_document,
    load_framework,
)
from taxonomy.model import INDICATOR_LEVELS, INDICATOR_PATTERN, Framework, Skill
from taxonomy.normalise import normalise
from taxonomy.validate import indicator_problems

SHIPPED_EDITION = load_framework(SHIPPED)
SCALE = {level.level: level for level in SHIPPED_EDITION.levels}
LINES = [
    (skill, level, skill.indicator(level) or "")
    for skill in SHIPPED_EDITION.skills
    for level in INDICATOR_LEVELS
]
COMMON_WORDS = (
    "about across after also and area before being between both can could does each from have into its "
    "more most need needs other others over same some such than that their them then they this through "
    "under when where which while with within work would"
)
STOP_WORDS = frozenset(COMMON_WORDS.split())


def _stems(text: str) -> set[str]:
    """Content words cut to five letters, so "forecast" meets "forecasting", "charts" "chart"."""
    return {word[:5] for word in normalise(text).split() if len(word) > 3 and word not in STOP_WORDS}


# --- the shipped edition ------------------------------------------------------------------------


def test_every_shipped_skill_has_one_line_per_level() -> None:
    """Publishing does not demand indicators (DESIGN §1: a skill *may* carry them); the shipped
    edition promises them for every skill, so this test does."""
    assert len(SHIPPED_EDITION.skills) == 62
    assert all(len(skill.indicators) == 4 for skill in SHIPPED_EDITION.skills)
    assert all(indicator_problems(skill) == [] for skill in SHIPPED_EDITION.skills)
    assert all(skill.indicator(0) is None and skill.indicator(5) is None for skill in SHIPPED_EDITION.skills)


def test_shipped_lines_are_all_different_and_none_is_a_template() -> None:
    """248 lines, no two alike: the closest pair of any two lines scores below 80 (token sort ratio;
    "Level 2 of X"-style filler for two skills would score above 90), and no line names a level
    number or scale name instead of describing the work."""
    texts = [normalise(line) for _, _, line in LINES]
    assert len(set(texts)) == 62 * 4
    closest = max(fuzz.token_sort_ratio(a, b) for a, b in itertools.combinations(texts, 2))
    assert closest < 80
    names = "|".join(level.name for level in SCALE.values())
    template = re.compile(rf"\blevel\s*\d|\b(?:{names})\b(?: level)?\s*(?:of|in|at)\b", re.IGNORECASE)
    assert [line for _, _, line in LINES if template.search(line)] == []


def test_each_shipped_line_is_about_its_skill_not_the_generic_scale() -> None:
    """Each line shares a content word with its skill's label, description or alternative labels
    (it describes *that* skill), and none reads like the scale's line for its level."""
    off_topic = [
        (skill.slug, level, line)
        for skill, level, line in LINES
        if not _stems(line) & _stems(" ".join((skill.label, skill.description, *skill.alt_labels)))
    ]
    assert off_topic == []
    # The scale's own words reworded ("Applies it independently, including non-routine cases")
    # score above 85; the closest real line shares only common words (about 61).
    assert max(fuzz.token_sort_ratio(line, SCALE[level].description) for _, level, line in LINES) < 70


def test_the_indicator_pattern_is_the_single_line_rule_of_request_bodies() -> None:
    """``taxonomy`` never imports ``api``; the two copies of the rule must not drift."""
    assert INDICATOR_PATTERN == SINGLE_LINE_PATTERN


# --- the validator --------------------------------------------------------------------------------

GOOD = (
    "Knows the funder's basic rules and where the prospectus is published.",
    "Drafts the outputs table of a bid to the funder's template.",
    "Writes a complete competitive bid unaided and reviews colleagues' drafts.",
    "Runs the council's bid pipeline and advises other councils on bidding.",
)


def _raw_with(indicators: Any, slug: str = "bid-writing") -> dict[str, Any]:
    """The shipped edition as plain data (as files and drafts hold it) with one skill's indicators."""
    raw: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(SHIPPED_EDITION))
    skill = next(skill for skill in raw["skills"] if skill["slug"] == slug)
    if indicators is None:
        skill.pop("indicators", None)
    else:
        skill["indicators"] = indicators
    return raw


BID_WRITING = next(i for i, skill in enumerate(SHIPPED_EDITION.skills) if skill.slug == "bid-writing")
WHERE = ("skills.yaml", f"skills[{BID_WRITING}] 'bid-writing'")


@pytest.mark.parametrize(
    ("indicators", "field", "message"),
    [
        (
            list(GOOD[:3]),
            "indicators",
            "give none or exactly 4 indicators, one for each level 1 to 4 in order; got 3",
        ),
        (list(GOOD[:1]), "indicators", "got 1"),
        ([*GOOD, GOOD[0]], "indicators", "length <= 4"),
        (
            [GOOD[0], GOOD[1], GOOD[2], GOOD[1].upper()],
            "indicators[3]",
            "level 4 repeats the indicator of level 2",
        ),
        ([GOOD[0], "Too short", GOOD[2], GOOD[3]], "indicators[1]", "length >= 10"),
        ([GOOD[0], GOOD[1], "x" * 301, GOOD[3]], "indicators[2]", "length <= 300"),
        ([GOOD[0], GOOD[1], GOOD[2], "Two lines:\nthe second one"], "indicators[3]", "matching regex"),
        ([GOOD[0], GOOD[1], GOOD[2], "Ends with a new line\n"], "indicators[3]", "matching regex"),
        ([GOOD[0], "A tab\there is no line", GOOD[2], GOOD[3]], "indicators[1]", "matching regex"),
        ([GOOD[0], GOOD[1], GOOD[2], 4], "indicators[3]", "Expected `str`"),
        ("one line for every level", "indicators", "Expected `array`"),
    ],
)
def test_bad_indicators_are_problems_naming_file_item_and_field(
    indicators: Any, field: str, message: str
) -> None:
    _, problems = check_document(_raw_with(indicators))
    assert [(p.file, p.item, p.field) for p in problems if p.file == "skills.yaml"] == [(*WHERE, field)]
    assert message in problems[0].message
    # A skill that does not decode is left out, so what names it is reported too; nothing else.
    assert {p.message for p in problems[1:]} <= {"unknown skill 'bid-writing'"}


@pytest.mark.parametrize("indicators", [None, [], list(GOOD)])
def test_none_or_four_different_lines_are_valid(indicators: Any) -> None:
    assert check_document(_raw_with(indicators))[1] == []


def test_every_bad_skill_is_reported_not_just_the_first(tmp_path: Path) -> None:
    """In the files too: two skills with wrong counts and a third with a bad line, three problems
    (the bad line's skill is left out, so the roles requiring it also report it as unknown)."""
    dump_directory(SHIPPED_EDITION, tmp_path)
    path = tmp_path / "skills.yaml"
    skills = yaml.safe_load(path.read_text())
    skills[0]["indicators"] = skills[0]["indicators"][:2]
    skills[1]["indicators"] = []
    skills[5]["indicators"] = skills[5]["indicators"][:3]
    skills[61]["indicators"][3] = "short"
    path.write_text(yaml.safe_dump(skills, sort_keys=False))
    _, problems = check_directory(tmp_path)
    assert [(p.item, p.field) for p in problems if p.file == "skills.yaml"] == [
        ("skills[61] 'information-governance'", "indicators[3]"),
        ("skills[0] 'economic-data-analysis'", "indicators"),
        ("skills[5] 'forecasting-scenarios'", "indicators"),
    ]


# --- the file format round trip ---------------------------------------------------------------

SMALL = msgspec.structs.replace(
    SHIPPED_EDITION,
    categories=tuple(c for c in SHIPPED_EDITION.categories if c.slug == "evidence"),
    roles=(),
    pathways=(),
    scenarios=(),
    training=(),
)
"""The shipped header and one category's skills: the round trip is about skills, and the whole
edition's YAML takes seconds per example."""

line_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    min_size=10,
    max_size=300,
).filter(lambda text: re.search(INDICATOR_PATTERN, text) is not None)
indicator_sets = st.one_of(
    st.just(()), st.lists(line_text, min_size=4, max_size=4, unique_by=normalise).map(tuple)
)


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_indicators_round_trip_through_the_document_and_the_files(
    data: st.DataObject, tmp_path: Path
) -> None:
    """Any valid lines (any script, quotes, colons, YAML's special characters, U+0085 NEL which
    PyYAML used to fold into a space) come back identical from the single YAML document and from
    the directory of files."""
    skills = [
        msgspec.structs.replace(skill, indicators=data.draw(indicator_sets))
        for skill in SHIPPED_EDITION.skills
        if skill.category == "evidence"
    ]
    framework = msgspec.structs.replace(SMALL, skills=tuple(skills))
    assert load_document(dump_document(framework)) == framework
    directory = tmp_path / f"edition-{data.draw(st.uuids()).hex}"
    dump_directory(framework, directory)
    loaded, problems = check_directory(directory)
    assert problems == [] and loaded == framework


@pytest.mark.parametrize(
    "text", ["Ends in a NEL\x85", "\x85\x85 two NELs: then a colon", "A line\u2028separator"]
)
def test_unicode_line_breaks_survive_the_yaml_files(text: str) -> None:
    """The examples hypothesis found, kept: YAML treats these as line breaks inside quotes."""
    skill = msgspec.structs.replace(SMALL.skills[0], indicators=(text, *GOOD[1:]))
    framework = msgspec.structs.replace(SMALL, skills=(skill,))
    assert load_document(dump_document(framework)) == framework


def test_a_skill_without_indicators_writes_none_to_its_file() -> None:
    """``omit_defaults``: files and documents of editions without indicators are unchanged."""
    bare = Skill(slug="bid-writing", label="Bid writing", category="funding")
    assert "indicators" not in msgspec.json.decode(msgspec.json.encode(bare))
    with_lines = msgspec.json.encode(msgspec.structs.replace(bare, indicators=GOOD))
    assert msgspec.json.decode(with_lines)["indicators"] == list(GOOD)


# --- the pure edits -----------------------------------------------------------------------------


def _skill(framework: Framework, slug: str) -> Skill:
    return SKILLS.find(framework, slug)[1]


def test_replacing_a_skill_with_bad_indicators_is_refused_with_each_field() -> None:
    current = _skill(SHIPPED_EDITION, "bid-writing")
    bad = msgspec.structs.replace(current, indicators=(GOOD[0], GOOD[0], GOOD[2], GOOD[2]))
    with pytest.raises(edits.ItemInvalid) as refused:
        edits.replace_item(SHIPPED_EDITION, SKILLS, "bid-writing", bad)
    assert refused.value.fields == [
        ("indicators[1]", "level 2 repeats the indicator of level 1"),
        ("indicators[3]", "level 4 repeats the indicator of level 3"),
    ]
    new = Skill(slug="new-skill", label="A new skill", category="funding", indicators=GOOD[:2])
    with pytest.raises(edits.ItemInvalid) as refused:
        edits.add_item(SHIPPED_EDITION, SKILLS, new)
    assert [field for field, _ in refused.value.fields] == ["indicators"]


def test_setting_and_clearing_indicators_is_an_update_of_the_skill() -> None:
    current = _skill(SHIPPED_EDITION, "bid-writing")
    framework, changes = edits.replace_item(
        SHIPPED_EDITION, SKILLS, "bid-writing", msgspec.structs.replace(current, indicators=GOOD)
    )
    assert _skill(framework, "bid-writing").indicators == GOOD
    assert [(c.action, c.item) for c in changes] == [("update", "bid-writing")]
    cleared, _ = edits.replace_item(
        framework, SKILLS, "bid-writing", msgspec.structs.replace(current, indicators=())
    )
    assert _skill(cleared, "bid-writing").indicators == ()


def test_indicators_travel_with_their_skill_into_a_draft_and_through_a_rename() -> None:
    draft = edits.new_draft(SHIPPED_EDITION, "2026.2", None, None)
    assert [s.indicators for s in draft.skills] == [s.indicators for s in SHIPPED_EDITION.skills]
    original = _skill(draft, "bid-writing")
    renamed, _ = edits.replace_item(
        draft,
        SKILLS,
        "bid-writing",
        msgspec.structs.replace(original, slug="funding-bids"),
        frozenset(s.slug for s in SHIPPED_EDITION.skills),
    )
    moved = _skill(renamed, "funding-bids")
    assert moved.indicators == original.indicators and moved.replaces == ("bid-writing",)


def test_a_merged_skill_keeps_the_targets_indicators() -> None:
    """The merged skill's lines describe another skill; the target's own lines stand."""
    target = _skill(SHIPPED_EDITION, "programme-management")
    merged, _ = edits.merge_skill(SHIPPED_EDITION, "project-management", "programme-management")
    after = _skill(merged, "programme-management")
    assert after.indicators == target.indicators
    assert "Project management" in after.alt_labels
