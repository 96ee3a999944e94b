"""Shared test helpers: write small exports, run the CLI in-process, run a report to a frame."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pytest

from svcstats.cli import main
from svcstats.query import ReportQuery
from svcstats.runner import Outcome, compute

if TYPE_CHECKING:
    from collections import Counter

os.environ.setdefault("TZ", "UTC")
os.environ.pop("COLUMNS", None)  # tables are as wide as their content unless a test sets a width

# a small tickets export for the output tests (charts, exports): ticket id, created, closed, owner, team
SMALL_HEADER = ["ticket_id", "created_at", "closed_at", "owner", "team"]
SMALL_TICKETS = [
    ["1", "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z", "Ann", "Tier 1"],  # 12 h, week of 03-02
    ["2", "2026-03-03T10:00:00Z", "2026-03-05T10:00:00Z", "Bob", "Tier 2"],  # 48 h, week of 03-02
    ["3", "2026-03-04T10:00:00Z", None, "Ann", "Tier 1"],  # open
    ["4", "2026-03-10T10:00:00Z", "2026-03-11T10:00:00Z", None, None],  # 24 h, week of 03-09
]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """Write a CSV export (None -> empty field) and return its path; parent folders are created."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return path


@dataclass
class CliResult:
    """What one CLI run produced: exit code, stdout and stderr, kept apart."""

    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsysbinary: pytest.CaptureFixture[bytes]):
    """Run `svcstats ARGS...` in-process through the real entry point."""

    def run(*args: str | Path) -> CliResult:
        with pytest.raises(SystemExit) as exited:
            main([str(a) for a in args])
        captured = capsysbinary.readouterr()
        code = exited.value.code
        return CliResult(int(code or 0), captured.out.decode(), captured.err.decode())

    return run


def run_report(data: Path, report: str, **options: object) -> Outcome:
    """Compute a report through the library entry point (the CLI's code path minus rendering)."""
    return compute(ReportQuery(report=report, data=data, **options))  # type: ignore[arg-type]


def rows(frame: pl.DataFrame) -> list[dict[str, object]]:
    """A result as a list of plain dicts, for readable assertions."""
    return frame.to_dicts()


@dataclass
class Reads:
    """What a run read: `collects` per calling function ("dataset.py:_load"), plus "collect_all";
    `parsed` the times each table was loaded."""

    collects: Counter[str]
    parsed: Counter[str]


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    """Count every collect, collect_all and table load made while the test runs."""
    import sys
    from collections import Counter

    from svcstats.loaders.dataset import Dataset

    reads = Reads(Counter(), Counter())
    collect, collect_all, load = pl.LazyFrame.collect, pl.collect_all, Dataset._load

    def counted_collect(self: pl.LazyFrame, *args: Any, **kwargs: Any) -> pl.DataFrame:
        caller = sys._getframe(1).f_code
        reads.collects[f"{Path(caller.co_filename).name}:{caller.co_name}"] += 1
        return collect(self, *args, **kwargs)

    def counted_collect_all(*args: Any, **kwargs: Any) -> list[pl.DataFrame]:
        reads.collects["collect_all"] += 1
        return collect_all(*args, **kwargs)

    def counted_load(self: Dataset, table: str, *args: Any, **kwargs: Any) -> pl.LazyFrame:
        reads.parsed[table] += 1  # a second try (`first_try=False`) is a second parse
        return load(self, table, *args, **kwargs)

    monkeypatch.setattr(pl.LazyFrame, "collect", counted_collect)
    monkeypatch.setattr(pl, "collect_all", counted_collect_all)
    monkeypatch.setattr(Dataset, "_load", counted_load)
    return reads


# what the pull tests run each report over: March 2026, as of its last day, totals as CSV
PULLED_RANGE = ("--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31", "--totals", "-f", "csv", "-q")


def read_pulled(out: Path, table: str) -> pl.DataFrame:
    """A table a pull wrote, every value as text."""
    return pl.read_csv(out / f"{table}.csv", infer_schema=False)


def pulled_report(cli: Any, out: Path, name: str, *extra: str) -> list[dict[str, str]]:
    """Report `name` over a pulled folder (PULLED_RANGE), its rows as text; the run must succeed."""
    result = cli("report", name, "--data", out, *PULLED_RANGE, *extra)
    assert result.code == 0, result.stderr
    return pl.read_csv(result.stdout.encode(), infer_schema=False).to_dicts()


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """API pulls back off for a millisecond instead of seconds (tests of 429/5xx stay fast)."""
    from svcstats.connectors import http as connector_http

    monkeypatch.setattr(connector_http, "BACKOFF_BASE", 0.001)


def serve(httpserver: Any, handler: Any) -> Any:
    """Serve every request on the loopback test server with `handler` (a fake help-desk API)."""
    import re

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handler)
    return handler
