"""Issue 14: how the heavy operations grow with their input — one table with fitted exponents.

Each workload is timed at four (import: three) sizes with the setup of its own bench, imported from
there so the two never drift apart:

- gaps: `GET …/gaps` in-process on teams of 10 → 1,000 members (`bench.gaps_bench.gaps_p50_by_size`);
- import: a long CSV of 1k → 100k rows through parse + plan + write, the service path of
  `bench.import_bench.measure`;
- training plan: `plan_training` (DESIGN §2.3) on weak teams of 10 → 200 members, the instances of
  `bench.recommend_bench.training_instance` with needs and budgets scaled with the team (at 100
  members they are exactly that bench's instances), so a larger team is a larger problem;
- sector view: `GET /v1/analytics/sector` in-process over 45 → 361 sharing councils of the national
  data set (`bench.devdata.fill_national`, 40 members each), switching sharing on for nested subsets.

The growth is the least-squares slope ``k`` of log(time) against log(size), reported as ``~n^k``.
Run: `python -m bench growth` (refreshes this section of RESULTS.md) or `python -m bench.growth_bench`.
"""

from __future__ import annotations

import asyncio
import gc
import math
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker

from api.analysis.training_plan import plan_training
from api.app import create_app
from api.auth import MAX_KEY_RATE_LIMIT, create_key
from api.db import migrate
from api.db.engine import create_engine
from api.db.models import Council
from api.seed import seed
from api.settings import Settings
from bench.devdata import fill_national
from bench.gaps_bench import gaps_p50_by_size
from bench.harness import drop_postgres, fresh_postgres, postgres_available
from bench.import_bench import long_csv, measure, prepared_database
from bench.recommend_bench import BUDGET_DAYS, BUDGET_GBP, training_instance
from taxonomy.index import FrameworkIndex
from taxonomy.load import load_framework

GAPS_MEMBERS = [10, 100, 300, 1_000]
IMPORT_ROWS = [1_000, 10_000, 100_000]
TRAINING_MEMBERS = [10, 50, 100, 200]
SECTOR_COUNCILS = [45, 90, 180, 361]
IMPORT_REPEATS = {1_000: 5, 10_000: 3, 100_000: 1}
"""Runs per import size: p50 where a run is cheap, one run for the largest file."""
TRAINING_SEEDS = 9
SECTOR_REPEATS = 9
SCENARIO = "lep-integration"
DATABASE = "edskills_growth"
"""Our own PostgreSQL database, so this bench never drops one another bench is using."""


@dataclass(frozen=True)
class Growth:
    """One line of the table: a workload on one database, its sizes and the time at each."""

    workload: str
    database: str
    unit: str
    sizes: list[int]
    seconds: list[float]
    how: str
    without_gc: list[float] | None = None
    """The same requests with Python's cyclic garbage collector off (the sector view only)."""

    @property
    def exponent(self) -> float:
        return fitted_exponent(self.sizes, self.seconds)

    @property
    def last_step_exponent(self) -> float:
        """The growth between the two largest sizes: where fixed costs have faded most."""
        return fitted_exponent(self.sizes[-2:], self.seconds[-2:])

    def at(self, size: int) -> float:
        """A larger size's time, extrapolated from the largest measured one at the steeper of the
        overall fit and the last step (a whole-range fit flattered by fixed costs underestimates)."""
        exponent = max(self.exponent, self.last_step_exponent)
        return self.seconds[-1] * float((size / self.sizes[-1]) ** exponent)


def fitted_exponent(sizes: Sequence[float], seconds: Sequence[float]) -> float:
    """Least-squares slope of log(time) on log(size): time grows as ``size ** k``."""
    xs = [math.log(size) for size in sizes]
    ys = [math.log(value) for value in seconds]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    covariance = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return float(covariance / sum((x - mean_x) ** 2 for x in xs))


def reading(exponent: float) -> str:
    """A one-word reading of a fitted exponent (k = 1 is linear)."""
    if exponent < 0.2:
        return "flat: fixed costs dominate"
    if exponent < 0.85:
        return "sub-linear"
    if exponent < 1.15:
        return "linear"
    if exponent < 1.6:
        return "super-linear"
    return "quadratic or worse"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def backends() -> list[str]:
    return ["sqlite"] + (["postgresql"] if postgres_available() else [])


def gaps(backend: str) -> Growth:
    by_size = gaps_p50_by_size(backend, GAPS_MEMBERS)
    return Growth(
        "gaps (`GET …/gaps`)",
        backend,
        "members",
        GAPS_MEMBERS,
        [by_size[size] for size in GAPS_MEMBERS],
        "p50, in-process HTTP",
    )


def imports(backend: str, index: FrameworkIndex, directory: str) -> Growth:
    url = prepared_database(backend, directory, DATABASE)
    assert url is not None, f"{backend} is not reachable"
    rng = random.Random(14)
    files = {rows: long_csv(index, rows, rng) for rows in IMPORT_ROWS}
    try:
        seconds = [
            statistics.median(
                measure(url, index, files[rows], "long.csv", rows)["total"]
                for _ in range(IMPORT_REPEATS[rows])
            )
            for rows in IMPORT_ROWS
        ]
    finally:
        if backend == "postgresql":
            drop_postgres(DATABASE)
    return Growth(
        "import, long CSV (parse + plan + write)",
        backend,
        "rows",
        IMPORT_ROWS,
        seconds,
        "p50 of 5 / 3, one run at 100k",
    )


def training(index: FrameworkIndex) -> tuple[Growth, int]:
    """p50 over several random teams per size, and how many plans the solver proved optimal."""
    seconds, proved = [], 0
    for members in TRAINING_MEMBERS:
        share = members / 100
        times = []
        for seed_number in range(TRAINING_SEEDS):
            team_gaps, team = training_instance(index, members, seed_number, headcount_scale=3 * share)
            start = time.perf_counter()
            plan = plan_training(
                team_gaps, team, index.framework.training, BUDGET_GBP * share, BUDGET_DAYS * share
            )
            times.append(time.perf_counter() - start)
            proved += plan.optimal
        seconds.append(statistics.median(times))
    growth = Growth(
        "training plan (`plan_training`)",
        "— (pure)",
        "members",
        TRAINING_MEMBERS,
        seconds,
        f"p50 of {TRAINING_SEEDS} teams",
    )
    return growth, proved


async def _sector_seconds(url: str) -> tuple[list[float], list[float]]:
    """p50 of the sector view at each number of sharing councils, with the garbage collector on
    (as served) and off (to see how much of the growth is the collector's). The sizes take turns,
    one request each per round, so a burst of load on this shared machine lands on every size
    alike rather than bending the curve."""
    filled = await fill_national(url, max(SECTOR_COUNCILS))
    order = random.Random(14).sample(filled.councils, len(filled.councils))
    engine = create_engine(Settings.from_env({}, database_url=url), pooled=False)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session, session.begin():
            _, key = await create_key(session, "growth", ["national:read"], MAX_KEY_RATE_LIMIT)
        app = create_app(Settings.from_env({}, database_url=url, log_level="warning"))
        headers = {"Authorization": f"Bearer {key}"}
        served: dict[int, list[float]] = {size: [] for size in SECTOR_COUNCILS}
        no_gc: dict[int, list[float]] = {size: [] for size in SECTOR_COUNCILS}
        async with AsyncTestClient(app=app) as client:
            for round_number in range(SECTOR_REPEATS + 1):
                for councils in SECTOR_COUNCILS:
                    async with engine.begin() as connection:
                        await connection.execute(update(Council).values(share_capability=False))
                        await connection.execute(
                            update(Council)
                            .where(Council.gss.in_(order[:councils]))
                            .values(share_capability=True)
                        )
                    for collector, times in ((True, served[councils]), (False, no_gc[councils])):
                        if not collector:
                            gc.disable()
                        try:
                            start = time.perf_counter()
                            response = await client.get(
                                "/v1/analytics/sector", params={"scenario": SCENARIO}, headers=headers
                            )
                            elapsed = time.perf_counter() - start
                        finally:
                            gc.enable()
                        assert response.status_code == 200, response.text[:300]
                        _check_sector(response.json(), councils)
                        if round_number:  # round 0 warms caches and pools
                            times.append(elapsed)
    finally:
        await engine.dispose()
    return (
        [statistics.median(served[size]) for size in SECTOR_COUNCILS],
        [statistics.median(no_gc[size]) for size in SECTOR_COUNCILS],
    )


def _check_sector(view: dict[str, Any], councils: int) -> None:
    """The view counted every sharing council and saw real levels (not a team of empty rows)."""
    overall = view["overall"]
    assert overall["councils"] == councils, (overall["councils"], councils)
    assert any(cell["green"] for cell in overall["cells"]), "no council green anywhere: levels not read"


def sector(backend: str, directory: str) -> Growth:
    url = f"sqlite+aiosqlite:///{directory}/sector.db" if backend == "sqlite" else fresh_postgres(DATABASE)
    try:
        migrate.upgrade(url)
        asyncio.run(seed(Settings.from_env({}, database_url=url)))
        seconds, without_gc = asyncio.run(_sector_seconds(url))
    finally:
        if backend == "postgresql":
            drop_postgres(DATABASE)
    return Growth(
        "sector view (`GET /v1/analytics/sector`)",
        backend,
        "councils",
        SECTOR_COUNCILS,
        seconds,
        f"p50 of {SECTOR_REPEATS}, sizes in turn, in-process HTTP",
        without_gc,
    )


def measure_all() -> tuple[list[Growth], int, float]:
    index = FrameworkIndex(load_framework())
    start = time.perf_counter()
    rows: list[Growth] = []
    with tempfile.TemporaryDirectory() as directory:
        rows += [gaps(backend) for backend in backends()]
        rows += [imports(backend, index, directory) for backend in backends()]
        plan, proved = training(index)
        rows.append(plan)
        rows += [sector(backend, directory) for backend in backends()]
    return rows, proved, time.perf_counter() - start


def _of(rows: list[Growth], prefix: str) -> list[Growth]:
    return [row for row in rows if row.workload.startswith(prefix)]


def _steps(row: Growth) -> str:
    """How much the time grew between consecutive sizes, e.g. ``x5.0 for x10``."""
    return ", ".join(
        f"x{later / earlier:.1f} for x{big / small:.1f}".replace(".0 ", " ").removesuffix(".0")
        for small, big, earlier, later in zip(
            row.sizes, row.sizes[1:], row.seconds, row.seconds[1:], strict=False
        )
    )


def _meaning(rows: list[Growth]) -> list[str]:
    """One sentence per workload on what its exponent means for the people who wait for it."""
    sentences = []
    if gaps_rows := _of(rows, "gaps"):
        sentences.append(
            "**Gaps**: a 1,000-member team's gaps take "
            + " and ".join(f"{_duration(row.seconds[-1])} on {row.database}" for row in gaps_rows)
            + "; extrapolated at the steeper of the fit and the last step, a 5,000-member team (the import "
            "cap) would take about "
            + " and ".join(_duration(row.at(5_000)) for row in gaps_rows)
            + " (steps: "
            + "; ".join(f"{row.database} {_steps(row)}" for row in gaps_rows)
            + ")."
        )
    if import_rows := _of(rows, "import"):
        sentences.append(
            "**Import**: a 100,000-row file takes "
            + " and ".join(f"{_duration(row.seconds[-1])} on {row.database}" for row in import_rows)
            + "; extrapolated the same way, a file at the 200,000-row cap about "
            + " and ".join(_duration(row.at(200_000)) for row in import_rows)
            + " (steps: "
            + "; ".join(f"{row.database} {_steps(row)}" for row in import_rows)
            + "; a small file pays mostly the fixed cost of a transaction)."
        )
    if plan_rows := _of(rows, "training"):
        plan = plan_rows[0]
        sentences.append(
            f"**Training plan**: {_duration(plan.seconds[-1])} p50 at 200 members, with the needs and the "
            f"budget growing with the team (steps: {_steps(plan)}); the MILP's time varies several-fold "
            f"between teams of one size, so ~n^{plan.exponent:.1f} is a trend, not a law."
        )
    if sector_rows := _of(rows, "sector"):
        sentences.append(
            "**Sector view**: all 361 district-level councils (the most there can be) take "
            + " and ".join(
                f"{_duration(row.seconds[-1])} on {row.database} "
                f"({row.seconds[-1] / row.sizes[-1] * 1000:.1f} ms a council)"
                for row in sector_rows
            )
            + " (steps: "
            + "; ".join(f"{row.database} {_steps(row)}" for row in sector_rows)
            + "). With Python's cyclic garbage collector off, the same requests take "
            + " and ".join(_without_gc(row) for row in sector_rows)
            + (
                ", so the collector's passes, which grow with the live heap (14,440 members' levels at "
                "361 councils), are what bend the curve above linear."
                if all(
                    row.without_gc and fitted_exponent(row.sizes, row.without_gc) < 1.15
                    for row in sector_rows
                )
                and any(row.exponent >= 1.15 for row in sector_rows)
                else "."
            )
        )
    return sentences


def _without_gc(row: Growth) -> str:
    if not row.without_gc:
        return "—"
    share = 1 - row.without_gc[-1] / row.seconds[-1]
    growth = fitted_exponent(row.sizes, row.without_gc)
    collector = (
        f"the collector is {share:.0%} of the time as served" if share >= 0.05 else "no clear difference"
    )
    return f"{_duration(row.without_gc[-1])} on {row.database} at {row.sizes[-1]} councils (~n^{growth:.1f}; {collector})"


def section(result: tuple[list[Growth], int, float]) -> str:
    rows, proved, elapsed = result
    lines = [
        "## Growth (issue 14)",
        "",
        "`python -m bench growth`: each workload timed at increasing sizes with the setup of its own "
        "bench (gaps: `bench/gaps_bench.py`; import: `bench/import_bench.py`; training plan: "
        "`bench/recommend_bench.py`, needs and budget scaled with the team; sector view: "
        "`bench/devdata.py`'s national data, sharing switched on for nested random subsets of councils). "
        "Growth is the least-squares slope k of log(time) on log(size), written ~n^k.",
        "",
        "| workload | database | sizes | time at each size | how | growth | reading |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        sizes = " → ".join(f"{size:,}" for size in row.sizes)
        times = " · ".join(_duration(value) for value in row.seconds)
        lines.append(
            f"| {row.workload} | {row.database} | {sizes} {row.unit} | {times} | {row.how} | "
            f"**~n^{row.exponent:.1f}** | {reading(row.exponent)} |"
        )
    runs = TRAINING_SEEDS * len(TRAINING_MEMBERS)
    lines += [
        "",
        *(f"- {sentence}" for sentence in _meaning(rows)),
        "",
        f"Training plans proved optimal: {proved} of {runs}. The whole section took {elapsed:.0f} s.",
        "",
    ]
    return "\n".join(lines)


def run() -> str:
    return section(measure_all())


if __name__ == "__main__":
    print(run())
