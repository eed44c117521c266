"""`make bench`: run every benchmark and rewrite bench/RESULTS.md with today's figures.

`python -m bench NAME [NAME …]` runs only the named benchmarks (module names without `_bench`,
e.g. `concurrency import_limits`) and replaces just their sections of RESULTS.md, keeping the rest,
so one issue's figures can be refreshed without the hour-long full run.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from bench import (
    concurrency_bench,
    faults,
    gaps_bench,
    growth_bench,
    import_bench,
    import_limits_bench,
    load_test,
    match_bench,
    national_scale,
    pages_bench,
    public_reads_bench,
    ratelimit_bench,
    recommend_bench,
)
from bench.common import machine

SECTIONS: dict[str, Callable[[], str]] = {
    "match": match_bench.run,
    "import": import_bench.run,
    "gaps": gaps_bench.run,
    "recommend": recommend_bench.run,
    "load": load_test.run,
    "faults": faults.run,
    "national": national_scale.run,
    "concurrency": concurrency_bench.run,
    "import_limits": import_limits_bench.run,
    "ratelimit": ratelimit_bench.run,
    "growth": growth_bench.run,
    "public": public_reads_bench.run,
    "pages": pages_bench.run,
}
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
_HEADING = re.compile(r"^## (.+)$", re.MULTILINE)


def _preamble() -> list[str]:
    return [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. Produced by `make bench`; "
        "ratios are against a baseline measured in the same run, because these machines are noisy.",
        "",
    ]


def _split(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text before the first section, and each ``## heading`` with its whole section."""
    starts = [match.start() for match in _HEADING.finditer(text)]
    sections = [text[start:end] for start, end in zip(starts, [*starts[1:], len(text)], strict=True)]
    head = text[: starts[0]] if starts else text
    return head, [(section.splitlines()[0], section) for section in sections]


def replace_sections(text: str, fresh: list[str]) -> str:
    """``text`` with each fresh section put in place of the one with the same heading (or appended)."""
    head, sections = _split(text)
    by_heading = {heading: section.rstrip("\n") + "\n\n" for heading, section in sections}
    for section in fresh:
        heading = section.strip().splitlines()[0]
        by_heading[heading] = section.rstrip("\n") + "\n\n"
    return head + "".join(by_heading.values())


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in SECTIONS]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    if not names:
        parts = _preamble() + [section() for section in SECTIONS.values()]
        RESULTS.write_text("\n".join(parts), encoding="utf-8")
    else:
        fresh = [SECTIONS[name]() for name in names]
        dated = [
            f"{section.rstrip()}\n\n_Refreshed {dt.date.today().isoformat()} on {machine()}._\n"
            for section in fresh
        ]
        text = replace_sections(RESULTS.read_text(encoding="utf-8"), dated)
        RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main(sys.argv[1:])
