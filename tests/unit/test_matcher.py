"""The matcher's decisions (DESIGN §2.8) on a small index."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from taxonomy.match import Matcher, Thresholds

MATCHER = Matcher(
    [
        ("monitoring-evaluation", "Monitoring & evaluation"),
        ("monitoring-evaluation", "M&E"),
        ("bid-writing", "Bid writing"),
        ("bid-writing", "funding applications"),
        ("project-management", "Project management"),
        ("programme-management", "Programme management"),
    ]
)


def test_exact_after_normalisation_is_matched_at_100() -> None:
    match = MATCHER.match_one("m & e")
    assert match.decision == "matched"
    assert match.best is not None
    assert (match.best.key, match.best.score, match.best.label) == ("monitoring-evaluation", 100.0, "M&E")


def test_typo_is_matched() -> None:
    match = MATCHER.match_one("Monitering and Evaluation")
    assert match.decision == "matched"
    assert match.best is not None and match.best.key == "monitoring-evaluation"


def test_close_rivals_are_only_suggested() -> None:
    match = MATCHER.match_one("proj management")
    assert match.best is not None and match.best.key == "project-management"
    rivals = MATCHER.match_one("programme or project management")
    assert rivals.decision == "suggested"
    assert {c.key for c in rivals.candidates} >= {"project-management", "programme-management"}


def test_unrelated_text_is_unmatched() -> None:
    assert MATCHER.match_one("Forklift licence").decision == "unmatched"
    assert MATCHER.match_one("   ").decision == "unmatched"


def test_thresholds_move_the_decision() -> None:
    strict = Thresholds(high=101, low=99, margin=0)
    assert MATCHER.match_one("Monitering and Evaluation", strict).decision == "unmatched"


def test_batch_equals_one_by_one() -> None:
    texts = ["M&E", "bid writing", "bid writing", "funding aplications", "x"]
    assert MATCHER.match(texts) == [MATCHER.match_one(text) for text in texts]


@given(st.lists(st.text(max_size=40), max_size=20))
def test_any_text_gets_a_decision_and_sorted_candidates(texts: list[str]) -> None:
    for text, match in zip(texts, MATCHER.match(texts), strict=True):
        assert match.text == text
        scores = [candidate.score for candidate in match.candidates]
        assert scores == sorted(scores, reverse=True)
        assert all(60 <= score <= 100 for score in scores)
        assert (match.decision == "unmatched") == (not match.candidates)
