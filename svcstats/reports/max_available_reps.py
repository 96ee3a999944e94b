"""max-available-reps: the most reps available at the same moment, when, and the average over time."""

from __future__ import annotations

import polars as pl

from svcstats.periods import end_of_day, local_instant, local_midnight, split_by_hour
from svcstats.reports.availability import hours, in_periods, is_available, status_intervals
from svcstats.reports.base import HOURS_PER_MICROSECOND, ReportContext


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Per row key (and hour of day with --by-hour): the peak number of reps available at once
    (a sweep over interval starts and ends, ends first at equal instants), the first moment it
    was reached, and the time-weighted average number available."""
    pieces = in_periods(ctx, status_intervals(ctx).filter(is_available()))
    by = ["hour"] if ctx.options.get("by_hour") else []
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
    rep_hours = ctx.aggregate(
        pieces, pl.col("hours").sum().alias("available_rep_hours"), pl.col("started_at").min().alias("first_available_at"), by=by
    )
    result = ctx.assemble([peaks, rep_hours], counts=["max_available_reps"], by=by)
    if by:  # every hour of the day, also those nobody was available in
        day = pl.LazyFrame({"hour": list(range(24))}, schema={"hour": pl.Int8})
        grid = result.select(ctx.keys).unique().join(day, how="cross") if ctx.keys else day
        result = grid.join(result, on=keys, how="left").with_columns(pl.col("max_available_reps").fill_null(0)).sort(keys)
    clock = clock_hours(ctx, by_hour=bool(by))
    mean = pl.when(clock > 0).then(pl.col("available_rep_hours").fill_null(0.0) / clock).otherwise(None)
    return result.with_columns(mean_available_reps=mean).select(
        *keys, "max_available_reps", "peak_at", "mean_available_reps", pl.col("available_rep_hours").fill_null(0.0)
    )


def clock_hours(ctx: ReportContext, by_hour: bool) -> pl.Expr:
    """Clock hours of each result row's time span: its period (or the whole range with --totals)
    clipped to the range and to --as-of; with --by-hour, one hour for each local day of it."""
    first = local_midnight(ctx.date_range.start, ctx.tz) if ctx.date_range.start else None  # else the data's first
    last = min(end_of_day(ctx.date_range.end, ctx.tz), ctx.until) if ctx.date_range.end and ctx.until else ctx.until
    if ctx.totals:
        opens, closes = (pl.lit(first) if first else pl.col("first_available_at")), pl.lit(last)
    else:
        opens = local_instant(pl.col("period_start").cast(pl.Datetime("us")), ctx.tz)
        closes = local_instant(pl.col("period_start").dt.offset_by(ctx.every).cast(pl.Datetime("us")), ctx.tz)
        opens = pl.max_horizontal(opens, pl.lit(first)) if first else opens
        closes = pl.min_horizontal(closes, pl.lit(last))
    span = (closes - opens).dt.total_microseconds() * HOURS_PER_MICROSECOND
    return (span / 24).ceil() if by_hour else span
