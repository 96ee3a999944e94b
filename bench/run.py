"""Benchmark: time every report end to end on generated data and print a Markdown table.

    python bench/run.py --tickets 1000000 --format parquet

Generates the dataset once (with `svcstats demo`, cached under bench/out/), then runs each
report as a real command (`svcstats report ... -o /dev/null`) several times and reports the
median wall time, the peak resident memory of the process, and input rows per second.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VARIANTS = {
    "weekly": [],
    "weekly by rep": ["--group-by", "rep"],
    "totals by team": ["--totals", "--group-by", "team"],
}


def run_once(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{process.stderr.read().decode() if process.stderr else ''}")
    return wall, usage.ru_maxrss / 1024


CHUNK = 1_000_000  # larger datasets are built from chunks of this many tickets


def dataset(tickets: int, file_format: str) -> Path:
    """The folder of a generated dataset (`svcstats demo --seed 1`), generated on first use under
    bench/out/. Above CHUNK tickets (Parquet only), it is CHUNK-ticket datasets of seeds 1, 2, ...
    put together with their ids prefixed by the seed: the demo generator holds a whole dataset in
    memory (~15 GB at 10M tickets), a chunk takes ~1.5 GB."""
    data = HERE / "out" / f"{tickets}-{file_format}"
    if (data / f"tickets.{file_format}").exists():
        return data
    started = time.perf_counter()
    if tickets > CHUNK:
        if tickets % CHUNK or file_format != "parquet":
            raise SystemExit(f"datasets over {CHUNK:,} tickets are built from chunks: a multiple of {CHUNK:,}, as Parquet")
        combine(data, [chunk(seed) for seed in range(1, tickets // CHUNK + 1)])
    else:
        demo(data, tickets, 1, file_format)
    print(f"generated {tickets} tickets ({file_format}) in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return data


def demo(data: Path, tickets: int, seed: int, file_format: str) -> None:
    """Write `svcstats demo` data into `data`."""
    command = [sys.executable, "-m", "svcstats", "demo", "--out", str(data), "--tickets", str(tickets), "--seed", str(seed)]
    subprocess.run([*command, "--format", file_format], check=True, cwd=HERE.parent)


def chunk(seed: int) -> Path:
    """A CHUNK-ticket Parquet dataset of `seed` (seed 1 is the CHUNK-ticket dataset itself)."""
    if seed == 1:
        return dataset(CHUNK, "parquet")
    data = HERE / "out" / "chunks" / f"{CHUNK}-parquet-seed{seed}"
    if not (data / "tickets.parquet").exists():
        demo(data, CHUNK, seed, "parquet")
    return data


def combine(data: Path, chunks: list[Path]) -> None:
    """Concatenate the chunks table by table into `data`, prefixing every *_id column with the
    chunk's number, zero-padded (001-, 002-, ... 010-), so ids stay unique and in the increasing
    order each chunk has (unpadded, "10-" sorted before "2-"); tables without ids (working hours,
    holidays, availability) come from the first chunk only."""
    import polars as pl

    data.mkdir(parents=True, exist_ok=True)
    for table in sorted(p.stem for p in chunks[0].glob("*.parquet")):
        ids = [c for c in pl.read_parquet_schema(chunks[0] / f"{table}.parquet") if c.endswith("_id")]
        if not ids:
            pl.read_parquet(chunks[0] / f"{table}.parquet").write_parquet(data / f"{table}.parquet")
            continue
        parts = [
            pl.scan_parquet(folder / f"{table}.parquet").with_columns(pl.format(f"{number:03d}-{{}}", pl.col(c)).alias(c) for c in ids)
            for number, folder in enumerate(chunks, start=1)
        ]
        pl.concat(parts).sink_parquet(data / f"{table}.parquet")


def main() -> None:
    """Generate (or reuse) the data, run every report variant, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    sys.path.insert(0, str(HERE.parent))
    from svcstats.catalog import REPORTS

    data = dataset(options.tickets, options.format)

    import polars as pl

    scan = pl.scan_parquet if options.format == "parquet" else pl.scan_csv
    print(f"| report | variant | wall s (median of {options.repeat}) | peak RSS MB | input rows/s |")
    print("|---|---|---:|---:|---:|")
    for info in REPORTS.values():
        input_rows = scan(data / f"{info.table}.{options.format}").select(pl.len()).collect().item()
        for variant, extra in VARIANTS.items():
            command = [
                sys.executable,
                "-m",
                "svcstats",
                "report",
                info.name,
                "--data",
                str(data),
                "-f",
                "csv",
                "-o",
                os.devnull,
                "-q",
                *extra,
            ]
            runs = [run_once(command) for _ in range(options.repeat)]
            wall = statistics.median(w for w, _ in runs)
            peak = max(m for _, m in runs)
            print(f"| {info.name} | {variant} | {wall:.2f} | {peak:.0f} | {input_rows / wall / 1e6:.1f} M |")


if __name__ == "__main__":
    main()
