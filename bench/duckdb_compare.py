"""Benchmark svcstats against the same reports hand-written in DuckDB SQL, side by side.

    pip install -e '.[bench]'
    python bench/duckdb_compare.py --tickets 100000 1000000 --format parquet csv --rounds 5

For every dataset (generated once by `svcstats demo --seed 1`, cached under bench/out/) and every
report, both engines first run once and their outputs are compared cell by cell (counts and
dates exactly, means and quantiles within 1e-9); a report whose outputs differ is not timed and
makes the run fail. Then the reports are timed in interleaved rounds (round 1 of every report and
engine, then round 2, ...; the engine that goes first alternates), each run a fresh process:
svcstats as `python -m svcstats report ... -f parquet -o FILE`, DuckDB as
`python bench/duckdb_report.py bench/sql/NAME.sql ...` (bench/sql/*.sql follow the definitions
of `svcstats about NAME`). Wall time, CPU time (user + system) and peak RSS come from the
process's resource usage (os.wait4, and GNU time for the peak RSS). The Markdown result notes the machine and its load.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from run import HERE, dataset

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Case:
    """One report, as a svcstats command line and as a SQL file of bench/sql."""

    label: str
    args: tuple[str, ...]
    sql: str


CASES = (
    Case("ticket-time-to-close --group-by team", ("ticket-time-to-close", "--group-by", "team"), "ticket_time_to_close.sql"),
    Case("support-volume", ("support-volume",), "support_volume.sql"),
    Case("ticket-time-to-first-response", ("ticket-time-to-first-response",), "ticket_time_to_first_response.sql"),
    Case(
        "ticket-time-to-first-response --hours business",
        ("ticket-time-to-first-response", "--hours", "business"),
        "ticket_time_to_first_response_business.sql",
    ),
    Case("customer-wait-time", ("customer-wait-time",), "customer_wait_time.sql"),
)


@dataclass(frozen=True)
class Run:
    """Resource use of one process."""

    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss: float  # peak resident set, MB


def measure(command: list[str]) -> Run:
    """Run `command` (output discarded) and return its wall time, CPU time and peak RSS.

    The peak RSS comes from GNU time (/usr/bin/time) around the command: a child forked from
    this process would inherit this process's high-water mark (~90 MB with Polars loaded) in its
    own ru_maxrss, while time's child starts from a 2 MB process. CPU time is that of the whole
    process tree (os.wait4 on time, which waits for the command), wall time from here."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss, tempfile.TemporaryFile("w+") as errors:
        started = time.perf_counter()
        process = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name, *command], stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # waited for here, not by Popen
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"failed: {' '.join(command)}\n{errors.read()}")
        peak_kb = int(rss.read().split()[-1])
    return Run(wall, usage.ru_utime + usage.ru_stime, peak_kb / 1024)


def svcstats_command(case: Case, data: Path, out: Path) -> list[str]:
    """The svcstats command line of a case, writing Parquet to `out`."""
    return [sys.executable, "-m", "svcstats", "report", *case.args, "--data", str(data), "-f", "parquet", "-o", str(out), "-q"]


def duckdb_command(case: Case, data: Path, file_format: str, out: Path) -> list[str]:
    """The DuckDB command line of a case, writing Parquet to `out`."""
    return [sys.executable, str(HERE / "duckdb_report.py"), str(HERE / "sql" / case.sql), str(data), file_format, str(out)]


def differences(ours: Path, theirs: Path, limit: int = 5) -> list[str]:
    """How two result files differ, cell by cell (empty when they agree): same columns in the same
    order, same rows; integers, dates and text exactly, floats within TOLERANCE (nulls alike)."""
    import polars as pl

    a, b = pl.read_parquet(ours), pl.read_parquet(theirs)
    # period_end and partial are added by the runner from period_start and the date range, after the
    # collect (periods.with_period_end); the SQL does not compute them
    a = a.drop([c for c in ("period_end", "partial") if c in a.columns and c not in b.columns])
    if a.columns != b.columns:
        return [f"columns differ: svcstats {a.columns}, duckdb {b.columns}"]
    if a.height != b.height:
        return [f"row counts differ: svcstats {a.height}, duckdb {b.height}"]
    found: list[str] = []
    for column in a.columns:
        x, y = a[column], b[column]
        if x.dtype.is_float() or y.dtype.is_float():
            pairs = zip(x.cast(pl.Float64).to_list(), y.cast(pl.Float64).to_list(), strict=True)
            same = [
                (p is None and q is None) or (p is not None and q is not None and math.isclose(p, q, rel_tol=TOLERANCE, abs_tol=TOLERANCE))
                for p, q in pairs
            ]
        elif x.dtype.is_integer() and y.dtype.is_integer():
            same = [p == q for p, q in zip(x.cast(pl.Int64).to_list(), y.cast(pl.Int64).to_list(), strict=True)]
        else:
            same = [p == q for p, q in zip(x.cast(pl.String).to_list(), y.cast(pl.String).to_list(), strict=True)]
        for row in [i for i, ok in enumerate(same) if not ok][:limit]:
            found.append(f"row {row} column {column}: svcstats {x[row]!r}, duckdb {y[row]!r}")
    return found[:limit]


def machine() -> str:
    """One line about the machine: cores, memory, CPU model, versions."""
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")), "?"
    )
    mem_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), 0)
    import duckdb
    import polars as pl

    import svcstats

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE).stdout.strip() or "?"
    return (
        f"{os.cpu_count()} cores ({cpu}), {mem_kb / 1024**2:.1f} GiB RAM, Python {platform.python_version()}, "
        f"polars {pl.__version__}, duckdb {duckdb.__version__}, svcstats {svcstats.__version__} ({commit})"
    )


def load() -> str:
    """The load averages (1, 5, 15 minutes)."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def row(values: list[str]) -> str:
    """A Markdown table row."""
    return "| " + " | ".join(values) + " |"


def spread(values: list[float], digits: int = 2) -> str:
    """Median with [min-max]."""
    return f"{statistics.median(values):.{digits}f} [{min(values):.{digits}f}–{max(values):.{digits}f}]"


def bench_dataset(tickets: int, file_format: str, cases: list[Case], rounds: int, scratch: Path) -> tuple[list[str], bool]:
    """Check then time every case on one dataset; the Markdown rows and whether all outputs agreed."""
    data = dataset(tickets, file_format)
    lines, agreed, timed = [], True, []
    for case in cases:
        ours, theirs = scratch / "svcstats.parquet", scratch / "duckdb.parquet"
        measure(svcstats_command(case, data, ours))
        measure(duckdb_command(case, data, file_format, theirs))
        found = differences(ours, theirs)
        if found:
            agreed = False
            print(f"MISMATCH {tickets} {file_format} {case.label}:\n  " + "\n  ".join(found), file=sys.stderr)
            lines.append(row([f"{tickets:,}", file_format, case.label, "outputs differ: not timed", *[""] * 6]))
        else:
            print(f"equal: {tickets} {file_format} {case.label}", file=sys.stderr)
            timed.append(case)
    runs: dict[tuple[str, str], list[Run]] = {}
    before = load()
    for number in range(rounds):
        for case in timed:
            engines = ["svcstats", "duckdb"] if number % 2 == 0 else ["duckdb", "svcstats"]
            for engine in engines:
                out = scratch / f"{engine}.parquet"
                command = svcstats_command(case, data, out) if engine == "svcstats" else duckdb_command(case, data, file_format, out)
                runs.setdefault((case.label, engine), []).append(measure(command))
        print(f"round {number + 1}/{rounds} done ({tickets} {file_format}, load {load()})", file=sys.stderr)
    after = load()
    for case in timed:
        ours, theirs = runs[(case.label, "svcstats")], runs[(case.label, "duckdb")]

        def median(runs: list[Run], field: str) -> float:
            return statistics.median(getattr(r, field) for r in runs)

        ratio = {field: median(ours, field) / median(theirs, field) for field in ("wall", "cpu", "rss")}
        lines.append(
            row(
                [
                    f"{tickets:,}",
                    file_format,
                    case.label,
                    spread([r.wall for r in ours]),
                    f"{median(ours, 'cpu'):.2f}",
                    f"{median(ours, 'rss'):.0f}",
                    spread([r.wall for r in theirs]),
                    f"{median(theirs, 'cpu'):.2f}",
                    f"{median(theirs, 'rss'):.0f}",
                    f"**{ratio['wall']:.2f}**",
                    f"{ratio['cpu']:.2f}",
                    f"{ratio['rss']:.2f}",
                ]
            )
        )
    lines.append(row([f"{tickets:,}", file_format, f"*load average before / after: {before} → {after}*", *[""] * 9]))
    return lines, agreed


def startup(rounds: int, scratch: Path) -> list[str]:
    """Start-up cost: `svcstats --help` and a report on an empty tickets table, against DuckDB's
    script on the same empty table and a bare Python start."""
    import polars as pl

    empty = scratch / "empty"
    empty.mkdir(exist_ok=True)
    schema = {
        "ticket_id": pl.String,
        "created_at": pl.Datetime("us", "UTC"),
        "closed_at": pl.Datetime("us", "UTC"),
        "is_closed": pl.Boolean,
    }
    pl.DataFrame(schema=schema).write_parquet(empty / "tickets.parquet")
    case = next(c for c in CASES if c.sql == "support_volume.sql")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "svcstats --help": [sys.executable, "-m", "svcstats", "--help"],
        "svcstats report support-volume (0 tickets)": svcstats_command(case, empty, scratch / "empty-svcstats.parquet"),
        "duckdb support_volume.sql (0 tickets)": duckdb_command(case, empty, "parquet", scratch / "empty-duckdb.parquet"),
    }
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            runs[name].append(measure(command))
    lines = [row(["command", "wall s, median [min–max]", "CPU s", "peak RSS MB"]), "|---|---:|---:|---:|"]
    for name, measured in runs.items():
        rss = statistics.median(r.rss for r in measured)
        lines.append(row([name, spread([r.wall for r in measured], 3), f"{statistics.median(r.cpu for r in measured):.3f}", f"{rss:.0f}"]))
    return lines


def main() -> None:
    """Parse the options, run the checks and rounds, print (and optionally write) the Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, nargs="+", default=[100_000, 1_000_000], help="dataset sizes (tickets; ~5 messages each)")
    parser.add_argument("--format", nargs="+", choices=["parquet", "csv"], default=["parquet", "csv"], dest="formats")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs per report and engine (interleaved)")
    parser.add_argument("--report", nargs="+", default=None, help="only these reports (labels, or their svcstats report name)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up measurements")
    parser.add_argument("--out", type=Path, help="also write the Markdown to this file")
    options = parser.parse_args()

    cases = [c for c in CASES if options.report is None or c.label in options.report or c.args[0] in options.report]
    # a plain install carries compiled bytecode; an editable one under PYTHONDONTWRITEBYTECODE would
    # compile the package on every start (~90 ms), which is not what users run
    compileall.compile_dir(HERE.parent / "svcstats", quiet=1)
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Load average at start: {load()}. {options.rounds} interleaved rounds; each figure is one fresh process.",
        "",
        row(
            [
                "tickets",
                "format",
                "report",
                "svcstats wall s",
                "CPU s",
                "RSS MB",
                "DuckDB wall s",
                "CPU s",
                "RSS MB",
                "wall ÷ DuckDB",
                "CPU ÷",
                "RSS ÷",
            ]
        ),
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    agreed = True
    with tempfile.TemporaryDirectory(prefix="svcstats-bench-") as scratch:
        for tickets in options.tickets:
            for file_format in options.formats:
                rows, ok = bench_dataset(tickets, file_format, cases, options.rounds, Path(scratch))
                lines.extend(rows)
                agreed &= ok
        if not options.no_startup:
            lines += ["", "Start-up (svcstats from the same venv; the empty folder holds a 0-row tickets.parquet):", ""]
            lines += startup(max(options.rounds, 5), Path(scratch))
    text = "\n".join(lines)
    print(text)
    if options.out:
        options.out.write_text(text + "\n")
    if not agreed:
        raise SystemExit("some outputs differ (see MISMATCH above): those reports were not timed")


if __name__ == "__main__":
    main()
