"""`svcstats data convert`: every table of a dataset, loaded as reports load it, written as Parquet.

Each table goes through `Dataset.load` (neutral names and types, timestamps in UTC, rows with
values that cannot be parsed left out and counted) and is streamed into `DIR/<table>.parquet`,
as `svcstats demo --format parquet` lays tables out. No hive partitions: no report filters on a
partition column, so they would prune nothing, and the loaders would pass the partition column
through as an extra column of every table. The tables are written into a temporary
folder beside DIR, with a manifest (`MANIFEST`), and put in place only when all are done
(`output.files.replacing_folder`, as exports are).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from svcstats.errors import DataError, OutputError, UsageError
from svcstats.findings import Finding
from svcstats.loaders import hubspot
from svcstats.loaders.converted import MANIFEST, is_conversion
from svcstats.loaders.dataset import Dataset
from svcstats.output.files import check_folder_target, replacing_folder
from svcstats.schema import TABLES

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Conversion:
    """What was written: rows per table, the rows left out (findings) and the time taken."""

    out: Path
    rows: dict[str, int]
    findings: list[Finding]
    seconds: float


def convert(
    dataset: Dataset,
    out: Path,
    tables: Iterable[str] | None = None,
    *,
    strict: bool = False,
    progress: Callable[[list[str]], Iterable[str]] = lambda names: names,
) -> Conversion:
    """Write `tables` (default: every table `dataset` has) of `dataset` as Parquet into `out`,
    atomically; under `strict`, a value that cannot be parsed fails the conversion (DataError)."""
    started = time.perf_counter()
    check_out(out, dataset.root)
    names = chosen_tables(dataset, tables)
    findings: list[Finding] = []
    rows: dict[str, int] = {}
    with replacing_folder(out, f"cannot write {out}") as staging:
        for table in progress(names):
            findings += _write_table(dataset, table, staging / f"{table}.parquet")
            if strict and findings:
                raise DataError(findings[0].strict_message(), "fix the data, or run without --strict to leave such rows out")
            rows[table] = pl.scan_parquet(staging / f"{table}.parquet").select(pl.len()).collect().item()
        flags = [t for t in names if dataset.latest_visits_only(t)]
        _write_manifest(staging / MANIFEST, dataset, rows, flags)
    return Conversion(out, rows, findings, time.perf_counter() - started)


def chosen_tables(dataset: Dataset, tables: Iterable[str] | None) -> list[str]:
    """The tables to convert, in schema order: the ones asked for (each must exist), or all found."""
    if tables is None:
        found = [t for t in TABLES if dataset.has(t)]
        if not found:
            raise DataError(f"no tables found in {dataset.root}", f"add files named after the tables ({', '.join(TABLES)})")
        return found
    asked = list(dict.fromkeys(tables))
    unknown = [t for t in asked if t not in TABLES]
    if unknown:
        raise UsageError(f"--tables: unknown table {unknown[0]!r}", f"choose among {', '.join(TABLES)}")
    for table in asked:
        dataset.label(table)  # a DataError naming the table when the folder does not hold it
    return [t for t in TABLES if t in asked]


def check_out(out: Path, source: Path) -> None:
    """Fail before any work when `out` cannot receive the conversion."""
    if out.resolve() == source.resolve():
        raise UsageError(f"--out {out} is the data folder itself", "write the conversion into another folder")

    def recognise(folder: Path) -> None:
        if not is_conversion(folder):
            raise OutputError(f"{folder} is not empty and holds no earlier conversion ({MANIFEST})", "give a new or empty folder")

    check_folder_target(out, f"cannot write {out}", recognise)


def _write_table(dataset: Dataset, table: str, path: Path) -> list[Finding]:
    """Stream `table` as loaded into `path`; the loader's findings (rows left out) are counted
    in the same run."""
    first = len(dataset.checks)
    frame = dataset.load(table, _kept_columns(dataset, table))
    checks = dataset.checks[first:]
    sink = frame.sink_parquet(path, lazy=True)
    try:
        results = pl.collect_all([sink, *(c.frame for c in checks)], engine="streaming")
    except pl.exceptions.PolarsError as exc:
        raise dataset.read_failure(exc, f"{dataset.label(table)}: cannot convert") from exc
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return [finding for check, result in zip(checks, results[1:], strict=True) for finding in check.read(result)]


def _kept_columns(dataset: Dataset, table: str) -> list[str]:
    """Every column the export has for `table`, except a HubSpot export's stage columns, which
    become the stage_history table."""
    columns = dataset.columns(table)
    if table == "tickets" and dataset.latest_visits_only("stage_history"):
        stages = hubspot.stage_columns(columns)
        spent = {name for s in stages for name in (s.entered, s.exited) if name}
        columns = [c for c in columns if c not in spent]
    return columns


def _write_manifest(path: Path, dataset: Dataset, rows: dict[str, int], latest_visits_only: list[str]) -> None:
    manifest = {
        "svcstats_convert": FORMAT_VERSION,
        "source": str(dataset.root.absolute()),
        "source_tz": dataset.source_tz,
        "converted_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        # each id written once (the loader's duplicate rule ran): a report need not count them again
        "tables": {
            table: {
                "file": f"{table}.parquet",
                "rows": count,
                "bytes": (path.parent / f"{table}.parquet").stat().st_size,
                "mtime_ns": (path.parent / f"{table}.parquet").stat().st_mtime_ns,
                "unique_ids": TABLES[table].key is not None,
            }
            for table, count in rows.items()
        },
        "latest_visits_only": latest_visits_only,
    }
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def lines(conversion: Conversion) -> Iterator[str]:
    """The stderr lines after a conversion: rows per table, then a summary."""
    for table, count in conversion.rows.items():
        yield f"{table}: {count} rows"
    total = sum(conversion.rows.values())
    yield f"data convert: {len(conversion.rows)} tables, {total} rows written to {conversion.out} in {conversion.seconds:.1f} s"
