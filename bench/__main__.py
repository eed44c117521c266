"""`make bench`: run every benchmark and rewrite bench/RESULTS.md with today's figures."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench import faults, gaps_bench, import_bench, load_test, match_bench, national_scale, recommend_bench
from bench.common import machine

SECTIONS = [
    match_bench.run,
    import_bench.run,
    gaps_bench.run,
    recommend_bench.run,
    load_test.run,
    faults.run,
    national_scale.run,
]
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main() -> None:
    parts = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Date: {dt.date.today().isoformat()}. Produced by `make bench`; "
        "ratios are against a baseline measured in the same run, because these machines are noisy.",
        "",
    ]
    for section in SECTIONS:
        parts.append(section())
    RESULTS.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
