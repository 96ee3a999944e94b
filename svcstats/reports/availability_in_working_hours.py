"""availability-in-working-hours: how much of their working time reps were available, and how much
availability fell outside working hours."""

from __future__ import annotations

import polars as pl

from svcstats.reports.availability import in_periods, is_available, status_intervals
from svcstats.reports.base import HOURS_PER_MICROSECOND, ReportContext


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Per row key: working hours while the status was known, available hours inside and outside
    working hours, the available share, and how many reps were available inside and outside."""
    pieces = in_periods(ctx, status_intervals(ctx))
    ctx.note_schedules(pieces, "rep", always=True)
    working = ctx.working_time.between(pl.col("started_at"), pl.col("ended_at"), pl.col("rep")) * HOURS_PER_MICROSECOND
    pieces = pieces.with_columns(working=working, available=is_available())
    outside = pl.col("hours") - pl.col("working")
    available = pl.col("available")
    summary = ctx.aggregate(
        pieces,
        pl.col("rep").n_unique().alias("reps"),
        pl.col("working").sum().alias("working_hours"),
        pl.col("working").filter(available).sum().alias("available_working_hours"),
        outside.filter(available).sum().alias("available_outside_hours"),
        pl.col("rep").filter(available & (pl.col("working") > 0)).n_unique().alias("reps_available_inside"),
        pl.col("rep").filter(available & (outside > 0)).n_unique().alias("reps_available_outside"),
    )
    counts = ["reps", "reps_available_inside", "reps_available_outside"]
    result = ctx.assemble([summary], counts=counts)
    hours = ["working_hours", "available_working_hours", "available_outside_hours"]
    result = result.with_columns(pl.col(hours).fill_null(0.0))
    return result.with_columns(ctx.rate("available_working_hours", "working_hours").alias("available_pct")).select(
        *ctx.keys, "reps", "working_hours", "available_working_hours", "available_pct", "available_outside_hours", *counts[1:]
    )
