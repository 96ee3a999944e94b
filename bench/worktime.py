"""Benchmark: business time for N random intervals (default 10 million), over the example schedules.

    python bench/worktime.py --intervals 10000000

Intervals start anywhere in 2025-2026 and last from a minute to 30 days; each names one of the
reps of examples/data/working_hours.csv (or nobody: the default schedule). Prints the time to
build the schedules' edges and the time to compute the business-hours column, on each engine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import polars as pl

from svcstats.config import Config
from svcstats.loaders.dataset import Dataset
from svcstats.worktime import load_working_time

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


def main() -> None:
    """Time the build of the schedules and the business-hours column."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intervals", type=int, default=10_000_000)
    args = parser.parse_args()
    started = time.perf_counter()
    work = load_working_time(Dataset(EXAMPLES, Config()), "UTC")
    built = time.perf_counter() - started
    rng = np.random.default_rng(1)
    n = args.intervals
    origin = np.datetime64("2025-01-01T00:00:00", "us").astype(np.int64)
    starts = origin + rng.integers(0, 730 * 86_400_000_000, n)
    ends = starts + rng.integers(60_000_000, 30 * 86_400_000_000, n)
    reps = np.array([*sorted(work.schedules), None], dtype=object)[rng.integers(0, len(work.schedules) + 1, n)]
    frame = pl.DataFrame({"start": starts, "end": ends, "rep": reps}).with_columns(pl.col("start", "end").cast(pl.Datetime("us", "UTC")))
    print(f"schedules: {len(work.schedules)} ({len(set(work.numbers.values()))} distinct), edges built in {built:.2f} s")
    for engine in ("streaming", "in-memory"):
        query = frame.lazy().select((work.between(pl.col("start"), pl.col("end"), pl.col("rep")) / 3.6e9).sum())
        started = time.perf_counter()
        total = query.collect(engine=engine).item()  # type: ignore[call-overload]
        print(f"{engine}: {n:,} intervals in {time.perf_counter() - started:.2f} s (total {total:,.0f} business hours)")


if __name__ == "__main__":
    main()
