"""What the user asked for, as parsed from the command line (or built by a test)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

FREQUENCIES = {"daily": "1d", "weekly": "1w", "monthly": "1mo", "quarterly": "1q", "yearly": "1y"}
DURATION_STATS = ("mean", "median", "p75", "p90", "p95", "min", "max")
DEFAULT_STATS = ("mean", "median", "p90")  # always in machine output for duration reports
ENGINES = ("streaming", "in-memory")


@dataclass
class ReportRequest:
    """One report run: the report, where the data is, which records, how to shape and render them."""

    report: str
    data: Path | None = None
    config: Path | None = None
    source_format: str | None = None
    source_tz: str | None = None
    strict: bool = False
    date_from: date | None = None
    date_to: date | None = None
    last: str | None = None
    this_week: bool = False
    last_week: bool = False
    this_month: bool = False
    last_month: bool = False
    as_of: date | None = None
    date_by: str | None = None
    frequency: str | None = None  # None: the report's default (weekly for most)
    totals: bool = False
    group_by: list[str] = field(default_factory=list)
    reps: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)
    pipelines: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    where: str | None = None
    tz: str | None = None
    stats: list[str] = field(default_factory=list)
    format: str | None = None
    output: Path | None = None
    chart: bool = False  # a chart under the terminal table
    engine: str = "streaming"
    hours: str = "calendar"  # or "business": working time only
    quiet: bool = False
    verbose: bool = False
    debug: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # report-specific options
