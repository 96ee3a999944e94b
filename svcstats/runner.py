"""Compute a report: resolve the query against the config, build the lazy query, collect once.

`compute` is the library entry point: it returns the result and the findings and prints
nothing. Telling stderr about the findings and writing the result belong to the command line
(`commands.running`) and the output layer (`output.report`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import polars as pl

from svcstats import compare
from svcstats.catalog import ReportInfo, get_report
from svcstats.errors import UsageError
from svcstats.findings import Finding
from svcstats.loaders.dataset import Dataset
from svcstats.outcome import Outcome
from svcstats.periods import SUNDAY_WEEKS, end_of_day, range_filter, with_period_end
from svcstats.query import DEFAULT_STATS, FREQUENCIES, Engine, ReportQuery, polars_engine
from svcstats.reports.base import ReportContext
from svcstats.settings import Resolved, open_dataset, resolve


def collect(frames: Sequence[pl.LazyFrame], engine: Engine) -> list[pl.DataFrame]:
    """Collect every frame in one pass on the chosen engine (streaming by default)."""
    return pl.collect_all(list(frames), engine=engine)


def compute(request: ReportQuery, phase: Callable[[str], object] = lambda name: None) -> Outcome:
    """Compute the report `request` asks for; raises SvcstatsError subclasses on bad input.
    (Frequency, engine, hours and stats names were checked when the query was built.) `phase`
    is told "loading" (reading the tables and planning) and "computing" (the one collect)."""
    info = get_report(request.report)
    resolved = resolve(request)
    master = spark_master(request.spark, resolved.config.spark.master)
    if request.compare and master:
        raise UsageError("--compare runs here, not on Spark", "drop --spark (or set --spark off) to compare")
    if request.approx_quantiles and not master:
        raise UsageError(
            "--approx-quantiles applies on Spark only: a run here computes medians and percentiles exactly",
            "add --spark MASTER (or [spark] master in svcstats.toml), or drop --approx-quantiles",
        )
    if master:  # a cluster runs the stages (svcstats.engines.spark; PySpark is imported only then)
        from svcstats.engines.spark import compute_on_spark

        return compute_on_spark(request, resolved, master)
    engine = polars_engine(request.engine)
    dataset = open_dataset(resolved, engine=engine, cutoff=cutoff_of(request, resolved.tz))
    ctx = context(request, resolved, dataset)
    plan = comparison_of(request, ctx)
    started = time.perf_counter()
    try:
        phase("loading")
        query = info.run(ctx)
        if plan is not None:  # the same stages over the compared range, joined before the one collect
            query = compare.beside(info, query, info.run(ctx.untold(date_range=plan.date_range)), plan, ctx.group_by, ctx.options)
        checks = [*dataset.checks, *ctx.checks]
        phase("computing")
        result, *check_results = collect([query, *(c.frame for c in checks)], engine)
    except pl.exceptions.PolarsError as exc:
        raise dataset.read_failure(exc, f"{info.name}: cannot compute from {resolved.data}") from exc
    result = with_period_end(result, ctx.every, ctx.date_range)  # over time: each period's end and whether it is cut
    # a table loaded twice (say, for a join) gives the same finding twice: told once
    findings = list(dict.fromkeys(finding for check, frame in zip(checks, check_results, strict=True) for finding in check.read(frame)))
    findings += nothing_in_range(ctx, result)
    seconds = time.perf_counter() - started
    return Outcome(
        info,
        result,
        findings,
        ctx.date_range,
        ctx.tz,
        seconds,
        ctx.as_of,
        resolved.data,
        resolved.config_path,
        dataset.recognised(),
        compare=plan.mode if plan else None,
        compared_range=plan.date_range if plan else None,
    )


def nothing_in_range(ctx: ReportContext, result: pl.DataFrame) -> list[Finding]:
    """When a range holds nothing at all (every number zero or empty), a note giving the dates the
    data does cover, so that a range after the data's end is not mistaken for a quiet week. One
    small read of the report's date column, made only then."""
    own = result.select(compare.own_columns(result.columns))
    measures = compare.measure_columns(ctx.info, own.schema, ctx.group_keys, ctx.options)
    found = any(own[name].fill_null(0).abs().sum() > 0 for name in measures)
    table, column = ctx.info.table, ctx.date_column
    if (ctx.date_range.start is None and ctx.date_range.end is None) or found or column not in ctx.dataset.columns(table):
        return []
    local = pl.col(column).dt.convert_time_zone(ctx.tz).dt.date()
    outside = pl.col(column).is_not_null() & ~range_filter(pl.col(column), ctx.date_range, ctx.tz)
    span = ctx.dataset.load(table, {column: None}).select(
        local.min().alias("first"), local.max().alias("last"), outside.sum().alias("outside")
    )
    first, last, records = span.collect(engine=ctx.engine).row(0)
    if not records:
        return []
    what = f"nothing in {ctx.date_range.describe()}; the data's {column} runs from {first} to {last} ({ctx.tz})"
    return [Finding(ctx.info.name, what, int(records), "note", unit="record", verb="outside the range")]


def comparison_of(request: ReportQuery, ctx: ReportContext) -> compare.Comparison | None:
    """What --compare compares the run with (None without it); a usage error for a report (or
    its options) that lists rows rather than figures."""
    if not request.compare:
        return None
    compare.refuse(ctx.info, ctx.options)
    problem = compare.range_refusal(ctx.info, request.compare, ctx.date_range, ctx.totals)
    if problem:
        raise UsageError(problem, compare.RANGE_HINT)
    return compare.comparison(request.compare, ctx.date_range, ctx.every, ctx.totals)


def spark_master(given: str | None, configured: str | None) -> str | None:
    """The Spark master to run on: --spark, else the config's [spark] master; None (run here) for neither or "off"."""
    master = (given or configured or "").strip()
    return None if master in ("", "off") else master


def cutoff_of(request: ReportQuery, tz: str) -> datetime | None:
    """--as-of's cut-off (the end of that day in `tz`): every table as it stood then; None without it."""
    return end_of_day(request.as_of, tz) if request.as_of else None


def context(request: ReportQuery, resolved: Resolved, dataset: Dataset) -> ReportContext:
    """The report context of `request` over `dataset`: the one place a query's settings become
    what a report's stages read (a local run, and each partition of a distributed one)."""
    info = get_report(request.report)
    tz, as_of, date_range = resolved.tz, resolved.as_of, resolved.date_range
    frequency = request.frequency or info.default_frequency
    now = end_of_day(request.as_of, tz) if request.as_of else datetime.now(UTC)
    return ReportContext(
        info=info,
        dataset=dataset,
        date_range=date_range,
        as_of=as_of,
        tz=tz,
        every=SUNDAY_WEEKS if frequency == "weekly" and resolved.week_start == "sunday" else FREQUENCIES[frequency],
        totals=request.totals or info.range_only,
        group_by=request.group_by or list(info.default_group_by),
        selections={"rep": request.reps, "team": request.teams, "pipeline": request.pipelines, "source": request.sources},
        where=request.where,
        date_by=request.date_by,
        stats=_stats(info, request.stats),
        options=info.parse_options(request.options),  # each option checked by its one rule, before any data is read
        now=now - timedelta(microseconds=1) if request.as_of else now,
        until=now,
        engine=polars_engine(request.engine),
        hours=_hours(info, request.hours),
        week_start=resolved.week_start,
    )


def _hours(info: ReportInfo, hours: str) -> str:
    """The --hours choice (a known one: ReportQuery checked it), checked against what the report measures."""
    if hours == "business" and not info.schedule_of:
        raise UsageError(f"{info.name} measures no durations, so --hours business does not apply to it")
    return hours


def _stats(info: ReportInfo, requested: Sequence[str]) -> tuple[str, ...]:
    """Statistics to compute: the machine-output defaults plus any asked for with --stat (known
    ones: ReportQuery checked them), which must be a report with durations."""
    if requested and not info.duration_stats:
        raise UsageError(f"--stat does not apply to {info.name}", "it has no durations")
    return tuple(dict.fromkeys([*DEFAULT_STATS, *requested]))
