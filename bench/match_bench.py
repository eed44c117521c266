"""Issue 3: matching 10,000 texts, accuracy on the development set, and POST /v1/match/skills.

Run: `python -m bench.match_bench` (prints a Markdown section for bench/RESULTS.md).
"""

from __future__ import annotations

import csv
import difflib
import random
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from bench.common import best_of, percentile
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework
from taxonomy.match import Matcher, Thresholds
from taxonomy.normalise import normalise

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT / "tests" / "data" / "skill_match_devset.csv"


def devset() -> list[tuple[str, str]]:
    with DEVSET.open(encoding="utf-8") as handle:
        return [(row["text"], row["expected"]) for row in csv.DictReader(handle)]


def noisy_texts(seeds: list[str], count: int, rng: random.Random) -> list[str]:
    """Distinct texts in the style of the development set: seeds with typos and case noise."""
    texts: set[str] = set(seeds)
    letters = "abcdefghijklmnopqrstuvwxyz"
    while len(texts) < count:
        chars = list(rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(chars))
            action = rng.random()
            if action < 0.4:
                chars[position] = rng.choice(letters)
            elif action < 0.7:
                chars.insert(position, rng.choice(letters))
            elif len(chars) > 3:
                del chars[position]
        text = "".join(chars)
        texts.add(text.upper() if rng.random() < 0.1 else text)
    return sorted(texts)[:count]


def accuracy(index: FrameworkIndex, thresholds: Thresholds) -> dict[str, float]:
    rows = devset()
    skills = [(text, slug) for text, slug in rows if slug]
    others = [text for text, slug in rows if not slug]
    matches = index.skill_matcher.match([text for text, _ in skills], thresholds)
    top1 = sum(
        m.best is not None and m.best.key == slug for m, (_, slug) in zip(matches, skills, strict=True)
    )
    matched_right = sum(
        m.decision == "matched" and m.best is not None and m.best.key == slug
        for m, (_, slug) in zip(matches, skills, strict=True)
    )
    matched_wrong = sum(
        m.decision == "matched" and m.best is not None and m.best.key != slug
        for m, (_, slug) in zip(matches, skills, strict=True)
    )
    non_skill_matched = sum(m.decision == "matched" for m in index.skill_matcher.match(others, thresholds))

    matcher = index.skill_matcher
    label_slug = dict(zip(matcher.normalised, matcher.keys, strict=True))
    difflib_top1 = difflib_non_skill = 0
    for text, slug in skills:
        found = difflib.get_close_matches(normalise(text), matcher.normalised, n=1, cutoff=0.6)
        difflib_top1 += bool(found) and label_slug[found[0]] == slug
    for text in others:
        difflib_non_skill += bool(
            difflib.get_close_matches(normalise(text), matcher.normalised, n=1, cutoff=0.6)
        )
    return {
        "skills": len(skills),
        "non_skills": len(others),
        "top1": top1 / len(skills),
        "matched_right": matched_right / len(skills),
        "matched_wrong": matched_wrong / len(skills),
        "non_skill_matched": non_skill_matched / len(others),
        "difflib_top1": difflib_top1 / len(skills),
        "difflib_non_skill": difflib_non_skill / len(others),
    }


def throughput(index: FrameworkIndex, texts: list[str], thresholds: Thresholds) -> dict[str, float]:
    labels = index.skill_matcher.normalised
    prepared = [normalise(text) for text in texts]

    def ours() -> None:
        normalise.cache_clear()
        Matcher.match(index.skill_matcher, texts, thresholds)

    def raw_token_sort() -> None:
        process.cdist(prepared, labels, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=1)

    def raw_wratio() -> None:
        process.cdist(prepared, labels, scorer=fuzz.WRatio, dtype=np.uint8, workers=1)

    def build() -> None:
        normalise.cache_clear()
        Matcher((s.slug, label) for s in index.framework.skills for label in (s.label, *s.alt_labels))

    return {
        "labels": len(labels),
        "build_s": best_of(build, 3),
        "ours_s": best_of(ours, 5),
        "raw_token_sort_s": best_of(raw_token_sort, 5),
        "raw_wratio_s": best_of(raw_wratio, 3),
    }


def http_latency(texts: list[str], requests: int = 300) -> dict[str, float]:
    """POST /v1/match/skills with 100 texts through the real app in-process, beside GET /health."""
    import asyncio

    from litestar.testing import TestClient

    from api.app import create_app
    from api.db import migrate
    from api.seed import seed
    from api.settings import Settings

    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.db"
        migrate.upgrade(url)
        # 32,000 anonymous texts in well under a minute: over the default 20,000 a minute per
        # address, so this measurement (not the limit) gets a larger budget; the counter still runs
        settings = Settings.from_env({}, database_url=url, rate_limit_match_texts_per_minute=10_000_000)
        asyncio.run(seed(settings))
        body = {"texts": texts[:100]}
        with TestClient(app=create_app(settings)) as client:
            for _ in range(20):
                client.post("/v1/match/skills", json=body)
                client.get("/health")
            match_times, health_times = [], []
            for _ in range(requests):
                start = time.perf_counter()
                response = client.post("/v1/match/skills", json=body)
                match_times.append(time.perf_counter() - start)
                assert response.status_code == 200
                start = time.perf_counter()
                client.get("/health")
                health_times.append(time.perf_counter() - start)
    return {
        "p50_ms": percentile(match_times, 0.5) * 1000,
        "p99_ms": percentile(match_times, 0.99) * 1000,
        "health_p50_ms": percentile(health_times, 0.5) * 1000,
    }


def run() -> str:
    index = FrameworkIndex(load_framework())
    thresholds = Thresholds()
    rng = random.Random(2026)
    texts = noisy_texts([text for text, _ in devset()], 10_000, rng)
    acc = accuracy(index, thresholds)
    speed = throughput(index, texts, thresholds)
    http = http_latency(texts)
    return "\n".join(
        [
            "## Matching (issue 3)",
            "",
            f"Development set `tests/data/skill_match_devset.csv`: {acc['skills']:.0f} messy skill texts and "
            f"{acc['non_skills']:.0f} non-skills, thresholds high={thresholds.high}, low={thresholds.low}, "
            f"margin={thresholds.margin}.",
            "",
            "| measure | our matcher | `difflib.get_close_matches` (cutoff 0.6, same labels) |",
            "|---|---|---|",
            f"| top-1 accuracy | {acc['top1']:.1%} | {acc['difflib_top1']:.1%} |",
            f"| non-skills given a match | {acc['non_skill_matched']:.1%} `matched` | "
            f"{acc['difflib_non_skill']:.1%} returned a label |",
            f"| skills auto-`matched` correctly / wrongly | {acc['matched_right']:.1%} / {acc['matched_wrong']:.1%} | — |",
            "",
            "The thresholds were calibrated on this same set (a grid over high 80–88 and margin 2–6: "
            "high 84 was the lowest with no non-skill `matched`), and four phrases seen among its misses "
            "(OBC, FBC, planning obligations, AD Growth) were added as alternative labels, so the figures "
            "are somewhat flattering; the set was otherwise written without sight of the labels. "
            "Re-ranking the shortlist with the mean of token_sort and token_set scores instead of WRatio "
            "raised top-1 from 91% to 95% and removed WRatio's single-shared-word false matches.",
            "",
            f"10,000 distinct noisy texts against {speed['labels']:.0f} normalised labels (median of 5, one core):",
            "",
            "| run | seconds | ratio to raw `cdist` token_sort_ratio |",
            "|---|---|---|",
            f"| raw `process.cdist(token_sort_ratio, uint8)`, pre-normalised | {speed['raw_token_sort_s']:.3f} | 1.00 |",
            f"| our matcher (normalise + exact lookup + token_sort shortlist of 12 + token_set re-rank + decisions) | "
            f"{speed['ours_s']:.3f} | {speed['ours_s'] / speed['raw_token_sort_s']:.2f} |",
            f"| raw `process.cdist(WRatio, uint8)`, pre-normalised | {speed['raw_wratio_s']:.3f} | "
            f"{speed['raw_wratio_s'] / speed['raw_token_sort_s']:.2f} |",
            "",
            f"Index build (once per edition, labels normalised cold): {speed['build_s'] * 1000:.1f} ms. "
            "Our matcher is above the 2x aim: the token_set re-rank costs about one more cdist and the "
            "radix sort for the shortlist about half of one; dropping them loses 4 points of accuracy.",
            "",
            f"`POST /v1/match/skills` with 100 texts, in-process on SQLite: p50 {http['p50_ms']:.1f} ms, "
            f"p99 {http['p99_ms']:.1f} ms; `GET /health` in the same run p50 {http['health_p50_ms']:.2f} ms "
            f"(ratio {http['p50_ms'] / http['health_p50_ms']:.1f}).",
            "",
        ]
    )


if __name__ == "__main__":
    print(run())
