"""max-available-reps: the most reps available at the same moment, when, and the average over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import AVAILABILITY_GROUPS, AVAILABILITY_RULES

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The status intervals of each rep (reports/availability.py), clipped to the range."""
    from svcstats.reports.availability import status_intervals

    return status_intervals(ctx)


def aggregate(ctx: ReportContext, intervals: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key (and hour of day with --by-hour, every hour): the peak number of reps
    available at once (a sweep over the Available intervals' starts and ends, ends first at equal
    instants), the first moment it was reached, the Available rep-hours; and, on every row, the
    first known status of any rep (where an open range's clock starts)."""
    import polars as pl

    from svcstats.periods import split_by_hour
    from svcstats.reports.availability import hours, in_periods, is_available

    pieces = in_periods(ctx, intervals.filter(is_available()))
    by = _by(ctx)
    if by:
        pieces = split_by_hour(pieces, ctx.tz).with_columns(hours=hours())
    pieces = ctx.reuse(pieces)
    keys = [*ctx.keys, *by]
    starts = pieces.select(*keys, pl.col("started_at").alias("at"), pl.lit(1, pl.Int32).alias("step"))
    ends = pieces.select(*keys, pl.col("ended_at").alias("at"), pl.lit(-1, pl.Int32).alias("step"))
    level = pl.col("step").cum_sum()
    swept = pl.concat([starts, ends]).sort([*keys, "at", "step"]).with_columns(level=level.over(keys) if keys else level)
    peaks = ctx.aggregate(
        swept,
        pl.col("level").max().cast(pl.Int64).alias("max_available_reps"),
        pl.col("at").filter(pl.col("level") == pl.col("level").max()).min().alias("peak_at"),
        by=by,
    )
    rep_hours = ctx.aggregate(pieces, pl.col("hours").sum().alias("available_rep_hours"), by=by)
    result = ctx.combine([peaks, rep_hours], by=by)
    if by:  # every hour of the day, also those nobody was available in
        day = pl.LazyFrame({"hour": list(range(24))}, schema={"hour": pl.Int8})
        grid = result.select(ctx.keys).unique().join(day, how="cross") if ctx.keys else day
        result = grid.join(result, on=keys, how="left").with_columns(pl.col("max_available_reps").fill_null(0))
    known = intervals.select(pl.col("started_at").min().alias("first_known_at"))
    return result.join(known, how="cross")


def finish(ctx: ReportContext, result: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, and the time-weighted average: Available rep-hours over
    the row's clock hours."""
    import polars as pl

    from svcstats.periods import PERIOD

    by = _by(ctx)
    keys = [*ctx.keys, *by]
    known = result.select(pl.col("first_known_at").first())
    result = ctx.assemble([result.drop("first_known_at")], counts=["max_available_reps"], by=by)
    clock = clock_hours(ctx, result, known, by)
    on = [k for k in (PERIOD, *by) if k in keys]
    result = result.join(clock, on=on, how="left") if on else result.join(clock, how="cross")
    mean = pl.when(pl.col("clock_hours") > 0).then(pl.col("available_rep_hours").fill_null(0.0) / pl.col("clock_hours"))
    return (
        result.with_columns(mean_available_reps=mean)
        .sort(keys)
        .select(*keys, "max_available_reps", "peak_at", "mean_available_reps", pl.col("available_rep_hours").fill_null(0.0))
    )


def _by(ctx: ReportContext) -> list[str]:
    return ["hour"] if ctx.options.get("by_hour") else []


def clock_hours(ctx: ReportContext, result: pl.LazyFrame, known: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Clock hours behind each row's average: its period (the whole range with --totals) from the
    range start, or without one from the first known status of any rep, to the range end or
    --as-of; with --by-hour, per local hour of day (a 25-hour day has hour 1 twice, a 23-hour day
    lacks hour 2). `known`: one row, first_known_at."""
    import polars as pl

    from svcstats.periods import PERIOD, end_of_day, local_instant, local_midnight, split_by_hour, step
    from svcstats.reports.availability import hours

    first = pl.lit(local_midnight(ctx.date_range.start, ctx.tz)) if ctx.date_range.start else pl.col("first_known_at")
    last = pl.lit(min(end_of_day(ctx.date_range.end, ctx.tz), ctx.until) if ctx.date_range.end and ctx.until else ctx.until)
    if ctx.totals:
        spans = known.select(first.alias("started_at"), last.alias("ended_at"))
    else:
        periods = result.select(PERIOD).unique().join(known, how="cross")
        opens = local_instant(pl.col(PERIOD).cast(pl.Datetime("us")), ctx.tz)
        closes = local_instant(pl.col(PERIOD).dt.offset_by(step(ctx.every)).cast(pl.Datetime("us")), ctx.tz)
        spans = periods.select(
            PERIOD, pl.max_horizontal(opens, first).alias("started_at"), pl.min_horizontal(closes, last).alias("ended_at")
        )
    spans = spans.filter(pl.col("ended_at") > pl.col("started_at"))
    if by:
        spans = split_by_hour(spans, ctx.tz)
    keys = [k for k in (PERIOD, *by) if k in spans.collect_schema().names()]
    total = hours().sum().alias("clock_hours")
    return spans.group_by(keys).agg(total) if keys else spans.select(total)


REPORT = ReportInfo(
    name="max-available-reps",
    collection="Scheduling",
    title="Maximum available reps",
    summary="The most reps available at the same moment, per day, with when it happened and the average.",
    about="""\
Per day (or --frequency period), the largest number of reps Available at the same moment
(max_available_reps), the first moment that number was reached (peak_at), and the time-weighted
average number Available (mean_available_reps = Available rep-hours / clock hours of the
period, clipped to the range and --as-of). The peak is found with a sweep over the starts and
ends of Available intervals; at equal instants ends come before starts, so a rep handing over
to another at 12:00 never counts twice. --by-hour gives the profile across the day: one row per
local hour of day (0-23), with the peak within that hour on any day and the average over the
days. --group-by team sweeps each team apart.

"""
    + AVAILABILITY_RULES,
    table="availability",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("hour", "local hour of day, 0-23 (with --by-hour)"),
        ("max_available_reps", "most reps Available at the same moment"),
        ("peak_at", "the first moment that many were Available (UTC)"),
        ("mean_available_reps", "time-weighted average number of reps Available"),
        ("available_rep_hours", "Available time of all reps, added up, in hours"),
    ),
    date_by={"started": "started_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("rep", "rep", "a rep's availability events; the sweep for the peak is an aggregation over all reps' intervals"),
    group_aliases=AVAILABILITY_GROUPS,
    example_options=" --last-week --as-of 2026-10-31",
    default_frequency="daily",
    row_keys=("hour",),
    options=(ReportOption("by_hour", "--by-hour", False, "One row per hour of day: the profile across the day."),),
)
