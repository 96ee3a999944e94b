"""ticket-time-in-pipeline: hours tickets spend in each pipeline stage (HubSpot's figure, cumulative, latest visit)."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import NO_VALUE, ReportContext, duration_stats
from svcstats.reports.tickets import HOURS_PER_MICROSECOND, closed_stage

STAGE_KEYS = ["pipeline", "stage"]


def stage_times(ctx: ReportContext, visits: pl.LazyFrame) -> pl.LazyFrame:
    """One row per ticket and stage it entered (before --as-of): time_in_hours (HubSpot: first
    entry to the last moment in the stage), cumulative_hours (all visits), latest_hours (the last
    visit), visits, still_in_stage, and first_entered_at / last_left_at for placing it in time."""
    now = pl.lit(ctx.now)
    left = pl.min_horizontal(pl.coalesce("exited_at", now), now)
    visits = visits.filter(pl.col("entered_at") <= now).with_columns(
        left_at=left, visit_hours=(left - pl.col("entered_at")).dt.total_microseconds() * HOURS_PER_MICROSECOND
    )
    per_ticket = list(dict.fromkeys(["ticket_id", *STAGE_KEYS, *ctx.group_keys]))
    return (
        visits.group_by(per_ticket)
        .agg(
            pl.col("entered_at").min().alias("first_entered_at"),
            pl.col("left_at").max().alias("last_left_at"),
            pl.col("visit_hours").sum().alias("cumulative_hours"),
            pl.col("visit_hours").sort_by("entered_at").last().alias("latest_hours"),
            pl.len().alias("visits"),
            (pl.col("exited_at").is_null() | (pl.col("exited_at") > now)).any().alias("still_in_stage"),
        )
        .with_columns(time_in_hours=(pl.col("last_left_at") - pl.col("first_entered_at")).dt.total_microseconds() * HOURS_PER_MICROSECOND)
    )


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Per pipeline stage (in stage order), over time or in total: tickets that were in it, the
    HubSpot time-in figure (mean/median/p90) and the mean cumulative and latest-visit times."""
    visits = ctx.records(["exited_at", "pipeline", "stage_order", "is_closed_stage"])
    visits = visits.with_columns(pl.col("pipeline").fill_null(NO_VALUE))
    if not ctx.options.get("include_closed"):
        visits = visits.filter(~closed_stage())
    visits = ctx.reuse(visits)
    order = visits.group_by(STAGE_KEYS).agg(pl.col("stage_order").min())
    stats = ctx.aggregate(
        ctx.place(stage_times(ctx, visits)),
        pl.len().alias("tickets"),
        *duration_stats(pl.col("time_in_hours"), ctx.stats),
        pl.col("cumulative_hours").mean().alias("mean_cumulative_hours"),
        pl.col("latest_hours").mean().alias("mean_latest_hours"),
        pl.col("visits").sum().alias("visits"),
        pl.col("still_in_stage").sum().alias("still_in_stage"),
        by=STAGE_KEYS,
    )
    result = ctx.assemble([stats], counts=["tickets", "visits", "still_in_stage"], by=STAGE_KEYS)
    ordered = result.join(order, on=STAGE_KEYS, how="left")
    return ordered.sort([*ctx.keys, "pipeline", "stage_order", "stage"], nulls_last=True)
