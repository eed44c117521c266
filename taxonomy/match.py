"""Fuzzy matching of free text (spreadsheet headers, job titles, council names) to the taxonomy.

DESIGN §2.8. Labels are normalised once when the index is built. A query is first looked up
exactly (after normalisation); otherwise a cheap batched first pass (``token_sort_ratio`` through
``cdist``, uint8) shortlists labels, and the shortlist is re-ranked with the mean of
``token_sort_ratio`` and ``token_set_ratio`` (pairwise through ``cpdist``). Scores are per key
(skill slug, role slug, …), the best of its labels. The default thresholds were calibrated on
``tests/data/skill_match_devset.csv`` (see bench/RESULTS.md).

Decision: ``matched`` when the best key scores at least ``high`` and leads the runner-up key by
``margin``; ``suggested`` when it scores at least ``low`` (a person must confirm); else
``unmatched``. Imports never guess silently: they show these decisions in a dry run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec
import numpy as np
from rapidfuzz import fuzz, process

from taxonomy.normalise import normalise

Decision = Literal["matched", "suggested", "unmatched"]

SHORTLIST = 12
"""Labels kept from the first pass for re-ranking (covers every label of the top few keys)."""
CHUNK = 4096
"""Queries per ``cdist`` call, bounding the score matrix to CHUNK × labels bytes."""


class Thresholds(msgspec.Struct, frozen=True, kw_only=True):
    high: float = 84.0
    low: float = 60.0
    margin: float = 4.0


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    score: float
    label: str
    """The label (preferred or alternative) that scored best for this key."""


class Match(msgspec.Struct, frozen=True, kw_only=True):
    text: str
    decision: Decision
    candidates: tuple[Candidate, ...]
    """Best first; empty when nothing scored at least ``low``."""

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


class Matcher:
    """An index over ``(key, label)`` pairs; build once per framework edition, then share."""

    def __init__(self, entries: Iterable[tuple[str, str]], *, shortlist: int = SHORTLIST) -> None:
        self.keys: list[str] = []
        self.labels: list[str] = []
        self.normalised: list[str] = []
        self.exact: dict[str, set[int]] = {}
        for key, label in entries:
            text = normalise(label)
            if not text:
                continue
            self.exact.setdefault(text, set()).add(len(self.keys))
            self.keys.append(key)
            self.labels.append(label)
            self.normalised.append(text)
        self.shortlist = max(1, min(shortlist, len(self.normalised)))

    def match(
        self, texts: Sequence[str], thresholds: Thresholds | None = None, *, limit: int = 3
    ) -> list[Match]:
        """Match many texts at once; repeated texts are scored once."""
        thresholds = thresholds or Thresholds()
        queries = [normalise(text) for text in texts]
        unique = list(dict.fromkeys(query for query in queries if query))
        fuzzy = [query for query in unique if query not in self.exact]
        decided = {
            query: self._decide(self._exact_ranking(query), thresholds, limit)
            for query in unique
            if query in self.exact
        }
        for query, ranking in zip(fuzzy, self._fuzzy_rankings(fuzzy, limit + 1), strict=True):
            decided[query] = self._decide(ranking, thresholds, limit)
        unmatched: tuple[Decision, tuple[Candidate, ...]] = ("unmatched", ())
        results = []
        for text, query in zip(texts, queries, strict=True):
            decision, candidates = decided.get(query, unmatched)
            results.append(Match(text=text, decision=decision, candidates=candidates))
        return results

    def match_one(self, text: str, thresholds: Thresholds | None = None, *, limit: int = 3) -> Match:
        return self.match([text], thresholds, limit=limit)[0]

    def _exact_ranking(self, query: str) -> list[tuple[str, float, int]]:
        return sorted((self.keys[index], 100.0, index) for index in self.exact[query])

    def _fuzzy_rankings(self, queries: list[str], keys_wanted: int) -> list[list[tuple[str, float, int]]]:
        """Per query: up to ``keys_wanted`` distinct keys, best first, as (key, score, label index).

        The re-rank score is the mean of ``token_sort_ratio`` (whole-string similarity, robust
        to word order and typos) and ``token_set_ratio`` (credits a label contained in a longer
        header such as "Bid writing (external funding)"). On the development set it beat
        ``WRatio``, whose partial scores give 85.5 to any single shared word.
        """
        if not queries or not self.normalised:
            return [[] for _ in queries]
        out: list[list[tuple[str, float, int]]] = []
        width = self.shortlist
        for start in range(0, len(queries), CHUNK):
            chunk = queries[start : start + CHUNK]
            first_pass = process.cdist(
                chunk, self.normalised, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1
            )
            # A stable argsort of uint8 rows is a radix sort: 3x faster here than argpartition.
            shortlisted = np.argsort(first_pass, axis=1, kind="stable")[:, -width:]
            rows = np.repeat(np.arange(len(chunk)), width)
            columns = shortlisted.ravel()
            set_scores = process.cpdist(
                [chunk[row] for row in rows.tolist()],
                [self.normalised[column] for column in columns.tolist()],
                scorer=fuzz.token_set_ratio,
                dtype=np.float32,
            )
            scores = ((first_pass[rows, columns].astype(np.float32) + set_scores) / 2).reshape(
                len(chunk), width
            )
            order = np.argsort(-scores, axis=1, kind="stable")
            ranked_labels = np.take_along_axis(shortlisted, order, axis=1).tolist()
            ranked_scores = np.take_along_axis(scores, order, axis=1).tolist()
            for label_indices, label_scores in zip(ranked_labels, ranked_scores, strict=True):
                ranking: list[tuple[str, float, int]] = []
                seen: set[str] = set()
                for index, score in zip(label_indices, label_scores, strict=True):
                    key = self.keys[index]
                    if key not in seen:
                        seen.add(key)
                        ranking.append((key, score, index))
                        if len(ranking) == keys_wanted:
                            break
                out.append(ranking)
        return out

    def _decide(
        self, ranking: list[tuple[str, float, int]], thresholds: Thresholds, limit: int
    ) -> tuple[Decision, tuple[Candidate, ...]]:
        candidates = tuple(
            Candidate(key=key, score=round(score, 1), label=self.labels[index])
            for key, score, index in ranking[:limit]
            if score >= thresholds.low
        )
        if not candidates:
            return "unmatched", ()
        best = ranking[0][1]
        runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
        clear = best >= thresholds.high and best - runner_up >= thresholds.margin
        return ("matched" if clear else "suggested"), candidates
