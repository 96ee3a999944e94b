"""Spark's cost next to a local run: start-up, the overhead of one report, and how it scales with cores.

    python bench/spark.py --tickets 100000 --cores 1 2 --report ticket-time-to-close customer-wait-time

Generates demo data as Parquet (cached in bench/out/spark-<tickets>/), then per report: the local
run, and on local[N] for each --cores N (a fresh session each, first run and a warm second run,
then a warm run with --approx-quantiles). Every Spark result is checked against the local one
before its time is shown (exact: equal; approximate: counts equal, quantiles within 0.5%).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

from polars.testing import assert_frame_equal

from svcstats import demo
from svcstats.engines.spark import session
from svcstats.query import ReportQuery
from svcstats.runner import compute

OUT = Path(__file__).resolve().parent / "out"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.test_partials import assert_within_bound  # noqa: E402 (the tests' own check of the bound)


def main() -> None:
    """Time the reports locally and on Spark, and print a Markdown table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--report", nargs="+", default=["ticket-time-to-close", "customer-wait-time"])
    args = parser.parse_args()
    data = OUT / f"spark-{args.tickets}"
    if not (data / "tickets.parquet").exists():
        demo.generate(data, tickets=args.tickets, seed=1, file_format="parquet")
    queries = {name: dict(report=name, data=data, as_of=date(2026, 10, 31), group_by=["team"]) for name in args.report}
    print(f"{args.tickets:,} tickets; load average before: {os.getloadavg()[0]:.1f}")
    print("| report | local | cores | Spark start-up | first run | warm run | warm ÷ local | warm, --approx-quantiles |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    local = {}
    for name, query in queries.items():
        started = time.perf_counter()
        local[name] = (compute(ReportQuery(**query)), time.perf_counter() - started)
    for cores in args.cores:
        master = f"local[{cores}]"
        started = time.perf_counter()
        spark = session(master, {})
        startup = time.perf_counter() - started
        for name, query in queries.items():
            runs = []
            for _ in range(2):
                started = time.perf_counter()
                outcome = compute(ReportQuery(**query, spark=master))
                runs.append(time.perf_counter() - started)
            expected, seconds = local[name]
            assert_frame_equal(outcome.result, expected.result, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)
            started = time.perf_counter()
            approx = compute(ReportQuery(**query, spark=master, approx_quantiles=True))
            approx_seconds = time.perf_counter() - started
            assert_within_bound(approx.result, expected.result)
            print(
                f"| {name} | {seconds:.2f} s | {cores} | {startup:.1f} s | {runs[0]:.1f} s | {runs[1]:.1f} s "
                f"| {runs[1] / seconds:.1f}× | {approx_seconds:.1f} s |",
                flush=True,
            )
            startup = 0.0
        spark.stop()


if __name__ == "__main__":
    main()
