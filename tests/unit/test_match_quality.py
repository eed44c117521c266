"""Matching quality on the labelled development sets (written apart from the alternative labels)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework
from taxonomy.match import Thresholds

DATA = Path(__file__).resolve().parent.parent / "data"


def rows(name: str) -> list[tuple[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return [(row["text"], row["expected"]) for row in csv.DictReader(handle)]


@pytest.fixture(scope="module")
def index() -> FrameworkIndex:
    return FrameworkIndex(load_framework())


def test_skill_top1_accuracy_and_false_matches(index: FrameworkIndex) -> None:
    data = rows("skill_match_devset.csv")
    skills = [(text, slug) for text, slug in data if slug]
    others = [text for text, slug in data if not slug]
    assert len(skills) >= 150 and len(others) >= 15
    matches = index.skill_matcher.match([text for text, _ in skills], Thresholds())
    misses = [
        (text, slug, m.best.key if m.best else None)
        for m, (text, slug) in zip(matches, skills, strict=True)
        if m.best is None or m.best.key != slug
    ]
    accuracy = 1 - len(misses) / len(skills)
    assert accuracy >= 0.90, misses
    false_matches = [
        m.text for m in index.skill_matcher.match(others, Thresholds()) if m.decision == "matched"
    ]
    assert len(false_matches) <= 0.05 * len(others), false_matches


def test_role_top1_accuracy(index: FrameworkIndex) -> None:
    data = rows("role_match_devset.csv")
    roles = [(text, slug) for text, slug in data if slug]
    others = [text for text, slug in data if not slug]
    matches = index.role_matcher.match([text for text, _ in roles], Thresholds())
    misses = [
        (text, slug)
        for m, (text, slug) in zip(matches, roles, strict=True)
        if m.best is None or m.best.key != slug
    ]
    assert 1 - len(misses) / len(roles) >= 0.80, misses
    false_matches = [
        m.text for m in index.role_matcher.match(others, Thresholds()) if m.decision == "matched"
    ]
    assert len(false_matches) <= 0.1 * len(others), false_matches
