"""Where a report's time goes inside svcstats: phases timed in-process, next to the raw scan floor.

    python bench/where_time_goes.py --tickets 1000000 --format parquet

For each report of bench/duckdb_compare.py, on the same generated data, prints the best of
--repeat runs (wall and CPU seconds) of:
- build: the report's lazy query (info.run(ctx): facts, aggregate, finish), with the loaders' planning reads;
  and the same with the loader's duplicate-id rule switched off (the demo ids are unique);
- result: collecting the report's query alone;
- data checks: collecting the loader's validation frames (bad values, duplicate ids, empty
  required columns), which read the tables a second time;
- report checks: the report's exclusion counts (open tickets, closed before created, ...);
- floor: scanning the report's input columns straight from the files (max of each), the least
  any engine must do; and the loader's duplicate-id window alone (tickets.ticket_id; 0 when no tickets are read).
Start-up (Python, imports, command line) is apart: see the start-up table of duckdb_compare.py.
The phases run one after the other here, while a real run collects result and checks together.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from duckdb_compare import CASES, Case
from run import dataset

if TYPE_CHECKING:
    from svcstats.reports.base import ReportContext

# input columns per table that each report reads (for the scan floor)
INPUTS = {
    "ticket-time-to-close": {"tickets": ["ticket_id", "created_at", "closed_at", "first_closed_at", "reopened_at", "is_closed", "team"]},
    "support-volume": {"tickets": ["ticket_id", "created_at", "closed_at", "is_closed"]},
    "ticket-time-to-first-response": {
        "tickets": ["ticket_id", "created_at", "owner"],
        "messages": ["ticket_id", "sent_at", "sender_type", "is_public"],
    },
    "customer-wait-time": {"messages": ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]},
}
KEYS = {"tickets": "ticket_id"}  # tables the loader checks for duplicate ids (schema.TABLES key)


def best(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The smallest wall and CPU seconds of `repeat` runs of `action`."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def context(case: Case, data: Path, engine: str = "streaming") -> ReportContext:
    """The ReportContext svcstats builds for the case's command line (runner.context, as compute does)."""
    from svcstats.query import ReportQuery, polars_engine
    from svcstats.runner import context as report_context
    from svcstats.settings import open_dataset, resolve

    args = list(case.args)
    request = ReportQuery(
        report=args[0],
        data=data,
        group_by=[args[args.index("--group-by") + 1]] if "--group-by" in args else [],
        hours=args[args.index("--hours") + 1] if "--hours" in args else "calendar",
    )
    resolved = resolve(request)
    return report_context(request, resolved, open_dataset(resolved, engine=polars_engine(engine)))


def without_duplicate_rule(action: Callable[[], object]) -> None:
    """Run `action` with the loader's duplicate-id rule switched off (no table has a key): what
    the rule costs on data whose ids are unique, as the demo data's are."""
    from dataclasses import replace

    from svcstats.schema import TABLES

    saved = dict(TABLES)
    TABLES.update({name: replace(spec, key=None) for name, spec in saved.items()})
    try:
        action()
    finally:
        TABLES.update(saved)


def phases(case: Case, data: Path, file_format: str, repeat: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each phase of one report."""
    import polars as pl

    built = {}

    def build() -> None:
        ctx = context(case, data)
        built["ctx"], built["query"] = ctx, ctx.info.run(ctx)

    timings = {"build (incl. eager collects)": best(build, repeat)}
    ctx, query = built["ctx"], built["query"]
    timings["build, duplicate-id rule off"] = best(lambda: without_duplicate_rule(build), repeat)
    timings["result"] = best(lambda: query.collect(engine="streaming"), repeat)
    data_checks = [c.frame for c in ctx.dataset.checks]
    report_checks = [c.frame for c in ctx.checks]
    timings["data checks"] = best(lambda: pl.collect_all(data_checks, engine="streaming"), repeat)
    timings["report checks"] = best(lambda: pl.collect_all(report_checks, engine="streaming"), repeat)
    scan = pl.scan_parquet if file_format == "parquet" else pl.scan_csv
    inputs = INPUTS[case.args[0]]
    floors = [scan(data / f"{table}.{file_format}").select(pl.col(columns).max()) for table, columns in inputs.items()]
    timings["floor: scan inputs"] = best(lambda: pl.collect_all(floors, engine="streaming"), repeat)
    windows = [
        scan(data / f"{table}.{file_format}")
        .select(KEYS[table])
        .with_row_index("row")
        .select((pl.col("row") != pl.col("row").max().over(KEYS[table])).sum())
        for table in inputs
        if table in KEYS
    ]
    timings["duplicate-id window alone"] = best(lambda: pl.collect_all(windows, engine="streaming"), repeat) if windows else (0.0, 0.0)
    return timings


def main() -> None:
    """Print one Markdown table per report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    data = dataset(options.tickets, options.format)
    print(f"{options.tickets:,} tickets, {options.format}; best of {options.repeat}, wall / CPU seconds\n")
    print(
        "| report | "
        + " | ".join(
            [
                "build (incl. eager collects)",
                "build, duplicate-id rule off",
                "result",
                "data checks",
                "report checks",
                "floor: scan inputs",
                "duplicate-id window alone",
            ]
        )
        + " |"
    )
    print("|---|" + "---:|" * 7)
    for case in CASES:
        timings = phases(case, data, options.format, options.repeat)
        print(f"| {case.label} | " + " | ".join(f"{wall:.2f} / {cpu:.2f}" for wall, cpu in timings.values()) + " |", flush=True)


if __name__ == "__main__":
    main()
