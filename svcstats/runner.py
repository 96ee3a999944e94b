"""Run a report: resolve options against the config, build the lazy query, collect once, render.

`compute` is the library entry point (it returns the result and the findings); `run_report`
adds the command-line behaviour around it (messages on stderr, --strict, rendering).
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import polars.selectors as cs

from svcstats.catalog import ReportInfo, get_report
from svcstats.daterange import DateRange
from svcstats.errors import DataError, UsageError
from svcstats.findings import Finding
from svcstats.guard import check_not_input
from svcstats.loaders.dataset import Dataset
from svcstats.periods import end_of_day
from svcstats.progress import working
from svcstats.render import CHART_FORMATS, check_destination, choose_format, render
from svcstats.reports.base import ReportContext
from svcstats.request import DEFAULT_STATS, DURATION_STATS, ENGINES, FREQUENCIES, ReportRequest
from svcstats.resolve import resolve


@dataclass
class Outcome:
    """A computed report: the result frame, what was left out, and the settings it was computed
    with (resolved once, so that a manifest or a shared command line says what this run did)."""

    info: ReportInfo
    result: pl.DataFrame
    findings: list[Finding]
    date_range: DateRange
    tz: str
    seconds: float
    as_of: date  # "today" as this run took it: --as-of, else the date in `tz` when it resolved
    data: Path
    config_path: Path | None


def collect(frames: Sequence[pl.LazyFrame], engine: str) -> list[pl.DataFrame]:
    """Collect every frame in one pass on the chosen engine (streaming by default)."""
    return pl.collect_all(list(frames), engine=engine)  # type: ignore[arg-type]


def compute(request: ReportRequest) -> Outcome:
    """Compute the report `request` asks for; raises SvcstatsError subclasses on bad input."""
    info = get_report(request.report)
    resolved = resolve(request)
    config, tz, as_of, date_range, data_dir = resolved.config, resolved.tz, resolved.as_of, resolved.date_range, resolved.data
    frequency = request.frequency or info.default_frequency
    if frequency not in FREQUENCIES:
        raise UsageError(f"unknown frequency {frequency!r}", f"choose one of: {', '.join(FREQUENCIES)}")
    if request.engine not in ENGINES:
        raise UsageError(f"unknown engine {request.engine!r}", f"choose one of: {', '.join(ENGINES)}")
    source_format = request.source_format or config.source_format
    now = end_of_day(request.as_of, tz) if request.as_of else datetime.now(UTC)
    dataset = Dataset(data_dir, config, source_format=source_format, source_tz=resolved.source_tz, engine=request.engine)
    ctx = ReportContext(
        info=info,
        dataset=dataset,
        date_range=date_range,
        as_of=as_of,
        tz=tz,
        every=FREQUENCIES[frequency],
        totals=request.totals or info.range_only,
        group_by=request.group_by or list(info.default_group_by),
        selections={"rep": request.reps, "team": request.teams, "pipeline": request.pipelines, "source": request.sources},
        where=request.where,
        date_by=request.date_by,
        stats=_stats(info, request.stats),
        options=request.options,
        now=now - timedelta(microseconds=1) if request.as_of else now,
        until=now,
        engine=request.engine,
        hours=_hours(info, request.hours),
    )
    started = time.perf_counter()
    try:
        query = importlib.import_module(info.module).build(ctx)
        checks = [*dataset.checks, *ctx.checks]
        result, *check_results = collect([query, *(c.frame for c in checks)], request.engine)
    except pl.exceptions.PolarsError as exc:
        raise dataset.read_failure(exc, f"{info.name}: cannot compute from {data_dir}") from exc
    # a table loaded twice (say, for a join) gives the same finding twice: told once
    findings = list(dict.fromkeys(finding for check, frame in zip(checks, check_results, strict=True) for finding in check.read(frame)))
    seconds = time.perf_counter() - started
    return Outcome(info, result, findings, date_range, tz, seconds, as_of, data_dir, resolved.config_path)


def output_format(request: ReportRequest) -> str:
    """The format `request` writes in, checked against its destination and --chart before any work."""
    chart_table = request.chart and request.format is None and request.output is None  # --chart asks for the table
    fmt = choose_format("table" if chart_table else request.format, request.output, sys.stdout.isatty())
    check_destination(fmt, request.output)
    if request.chart and fmt not in ("table", *CHART_FORMATS):
        raise UsageError(
            f"--chart draws under a terminal table, not in {fmt}", "use --format table, or --format html|svg|png for chart files"
        )
    return fmt


def run_report(request: ReportRequest) -> None:
    """Compute the report, tell stderr what was left out, and render the result."""
    fmt = output_format(request)
    resolved = resolve(request)
    table_paths = [table.path for table in resolved.config.tables.values() if table.path]
    check_not_input(request.output, resolved.data, table_paths, resolved.config_path)
    with working(f"computing {request.report}"):
        outcome = compute(request)
    write_outcome(tell(outcome, request), request, fmt)


def write_outcome(outcome: Outcome, request: ReportRequest, fmt: str) -> None:
    """Write a computed report as `fmt` to request.output (or stdout): a chart file, or the result
    rendered, with --chart's chart under a table."""
    if fmt in CHART_FORMATS:
        from svcstats.charts.files import write_chart_file

        write_chart_file(outcome, request, fmt, request.output)
        return
    footer = ""
    if request.chart:
        from svcstats.charts.terminal import chart_text

        footer = chart_text(outcome, request)
    result = outcome.result
    if fmt == "table":  # a person reads instants in the report's zone; machine formats stay in UTC
        result = result.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone(outcome.tz))
    render(result, fmt, request.output, title=title(outcome, request), hidden=_hidden(outcome.info, request.stats), footer=footer)


def compute_and_tell(request: ReportRequest, label: str = "") -> Outcome:
    """Compute the report and tell stderr what was left out (fatal under --strict); `label`
    prefixes --verbose lines when several reports run together."""
    return tell(compute(request), request, label)


def tell(outcome: Outcome, request: ReportRequest, label: str = "") -> Outcome:
    """Print the findings (and with --verbose, the timing) of a computed report on stderr."""
    warnings = [f for f in outcome.findings if f.severity == "warning"]
    if request.strict and warnings:
        raise DataError(warnings[0].strict_message(), "fix the data, or run without --strict to leave such rows out")
    for finding in outcome.findings:
        if finding.severity == "warning" or not request.quiet:
            print(finding.message(), file=sys.stderr)
    if request.verbose:
        print(
            f"info: {label or outcome.info.name}: {outcome.result.height} rows, {outcome.date_range.describe()} "
            f"({outcome.tz}), computed in {outcome.seconds:.2f}s on the {request.engine} engine",
            file=sys.stderr,
        )
    return outcome


def _hours(info: ReportInfo, hours: str) -> str:
    """The --hours choice, checked against what the report measures."""
    if hours not in ("calendar", "business"):
        raise UsageError(f"unknown --hours {hours!r}", "choose calendar or business")
    if hours == "business" and not info.schedule_of:
        raise UsageError(f"{info.name} measures no durations, so --hours business does not apply to it")
    return hours


def _stats(info: ReportInfo, requested: Sequence[str]) -> tuple[str, ...]:
    """Statistics to compute: the machine-output defaults plus any asked for with --stat."""
    unknown = [s for s in requested if s not in DURATION_STATS]
    if unknown:
        raise UsageError(f"unknown --stat {unknown[0]!r}", f"choose from: {', '.join(DURATION_STATS)}")
    if requested and not info.duration_stats:
        raise UsageError(f"--stat does not apply to {info.name}", "it has no durations")
    return tuple(dict.fromkeys([*DEFAULT_STATS, *requested]))


def _hidden(info: ReportInfo, requested: Sequence[str]) -> list[str]:
    """Duration columns the table leaves out when --stat chose others."""
    if not requested or not info.duration_stats:
        return []
    return [f"{stat}_{info.duration_unit}" for stat in DEFAULT_STATS if stat not in requested]


def title(outcome: Outcome, request: ReportRequest) -> str:
    """The heading of a result: report, shape, range and time zone."""
    shape = "totals" if request.totals or outcome.info.range_only else request.frequency or outcome.info.default_frequency
    hours = " · business hours" if request.hours == "business" else ""
    return f"{outcome.info.title} · {shape} · {outcome.date_range.describe()} ({outcome.tz}){hours}"
