"""What a report run asks for, in two parts: the query (what to compute, the library's input)
and the output options (how to write it, the command line's business).

Both are plain data, built by the command line, by a saved report's stored options (through
`svcstats.argv`) or by a test. Values that do not depend on the report are checked here, once,
when a query is made; checks that depend on the report (does it have durations? its own date
range?) are made where the catalogue entry is at hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast, get_args

from svcstats.daterange import WEEK_STARTS
from svcstats.errors import UsageError

Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
Engine = Literal["streaming", "in-memory"]
Hours = Literal["calendar", "business"]
SourceFormat = Literal["auto", "generic", "hubspot", "zendesk", "freshdesk", "intercom", "chatwoot"]  # loaders/presets
WeekStart = Literal["monday", "sunday"]
Stat = Literal["mean", "median", "p75", "p90", "p95", "min", "max"]
Compare = Literal["previous", "year"]  # --compare: the range (or period) before, or the same one a year earlier

FREQUENCIES: dict[str, str] = {"daily": "1d", "weekly": "1w", "monthly": "1mo", "quarterly": "1q", "yearly": "1y"}
DURATION_STATS: tuple[str, ...] = get_args(Stat)
DEFAULT_STATS = ("mean", "median", "p90")  # always in machine output for duration reports
ENGINES: tuple[str, ...] = get_args(Engine)
HOURS: tuple[str, ...] = get_args(Hours)
COMPARES: tuple[str, ...] = get_args(Compare)

# The query fields that choose the date range (one group: an explicit range replaces a saved one).
DATE_RANGE = ("date_from", "date_to", "last", "this_week", "last_week", "this_month", "last_month")


@dataclass
class ReportQuery:
    """One report to compute: the report, where the data is, which records, how to shape them."""

    report: str
    data: Path | None = None
    config: Path | None = None
    source_format: str | None = None
    source_tz: str | None = None
    strict: bool = False  # a value that cannot be parsed fails the run instead of leaving its row out
    date_from: date | None = None
    date_to: date | None = None
    last: str | None = None
    this_week: bool = False
    last_week: bool = False
    this_month: bool = False
    last_month: bool = False
    as_of: date | None = None
    week_start: str | None = None  # "monday" or "sunday"; None: the config's (monday unless set)
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
    engine: str = "streaming"
    hours: str = "calendar"  # or "business": working time only
    compare: str | None = None  # "previous" or "year": the same figures for another range beside them (compare.py)
    options: dict[str, Any] = field(default_factory=dict)  # report-specific options
    spark: str | None = None  # a Spark master (local[2], spark://host:7077, yarn): the stages run there (engines/spark.py)
    approx_quantiles: bool = False  # on Spark: statistics merged from partial states, quantiles from sketches (reports/partials.py)

    def __post_init__(self) -> None:
        check_query_values(self)


def check_query_values(query: ReportQuery) -> None:
    """The checks every query passes whatever the report: known frequency, engine, hours, stats,
    week start, comparison."""
    if query.frequency is not None and query.frequency not in FREQUENCIES:
        raise UsageError(f"unknown frequency {query.frequency!r}", f"choose one of: {', '.join(FREQUENCIES)}")
    if query.engine not in ENGINES:
        raise UsageError(f"unknown engine {query.engine!r}", f"choose one of: {', '.join(ENGINES)}")
    if query.hours not in HOURS:
        raise UsageError(f"unknown --hours {query.hours!r}", "choose calendar or business")
    if query.compare is not None and query.compare not in COMPARES:
        raise UsageError(f"unknown --compare {query.compare!r}", f"choose one of: {', '.join(COMPARES)}")
    if query.week_start is not None and query.week_start not in WEEK_STARTS:
        raise UsageError(f"unknown --week-start {query.week_start!r}", f"choose one of: {', '.join(WEEK_STARTS)}")
    unknown = [s for s in query.stats if s not in DURATION_STATS]
    if unknown:
        raise UsageError(f"unknown --stat {unknown[0]!r}", f"choose from: {', '.join(DURATION_STATS)}")


def polars_engine(name: str) -> Engine:
    """`name` as the engine type Polars' collect takes; an unknown one is a usage error."""
    if name not in ENGINES:
        raise UsageError(f"unknown engine {name!r}", f"choose one of: {', '.join(ENGINES)}")
    return cast(Engine, name)


@dataclass(frozen=True)
class OutputOptions:
    """How a computed report is written and what the run says on stderr."""

    format: str | None = None  # None: from --output's extension, else table on a terminal, csv when piped
    output: Path | None = None
    chart: bool = False  # a chart under the terminal table
    quiet: bool = False
    verbose: bool = False
    debug: bool = False


QUERY_FIELDS = frozenset(ReportQuery.__dataclass_fields__) - {"report", "options"}
OUTPUT_FIELDS = frozenset(OutputOptions.__dataclass_fields__)
