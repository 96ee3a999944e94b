"""agent-impact: the week holding --as-of beside the week before (HubSpot's "Impact this week")."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from svcstats.daterange import week_start
from svcstats.periods import SUNDAY_WEEKS, end_of_day, local_midnight
from svcstats.reports.agent_flags import conversation_flags, counts
from svcstats.reports.base import ReportContext

MEASURES = (
    "resolved", "handled", "pending", "mean_resolution_minutes",
    "deflection_pct", "deflected", "judged", "helpful_pct", "helpful", "rated",
)  # fmt: skip
COUNTS = ("resolved", "handled", "pending", "deflected", "judged", "helpful", "rated")


def build(ctx: ReportContext) -> pl.LazyFrame:
    """One row (per group): this week's measures and, beside each, last week's."""
    flags = conversation_flags(ctx)
    # the first day of the week holding --as-of: a Monday, or a Sunday with --week-start sunday
    this_monday = week_start(ctx.as_of, "sunday" if ctx.every == SUNDAY_WEEKS else "monday")
    this_week = _week(ctx, flags, this_monday)
    last_week = _week(ctx, flags, this_monday - timedelta(days=7)).rename({m: f"{m}_last_week" for m in MEASURES})
    keys = ctx.group_keys
    result = this_week.join(last_week, on=keys, how="full", coalesce=True) if keys else pl.concat([this_week, last_week], how="horizontal")
    counted = [*COUNTS, *(f"{m}_last_week" for m in COUNTS)]
    result = result.with_columns(pl.col(counted).fill_null(0).cast(pl.Int64), pl.lit(this_monday).alias("week_start"))
    return result.select(*keys, "week_start", *(c for m in MEASURES for c in (m, f"{m}_last_week"))).sort(keys or "week_start")


def _week(ctx: ReportContext, flags: pl.LazyFrame, monday: date) -> pl.LazyFrame:
    """The measures of the conversations started in the week from `monday` (in --tz)."""
    started = pl.col("started_at")
    end = min(local_midnight(monday + timedelta(days=7), ctx.tz), end_of_day(ctx.as_of, ctx.tz))  # nothing after --as-of
    week = flags.filter((started >= local_midnight(monday, ctx.tz)) & (started < end))
    summary = counts(ctx, week).with_columns((pl.col("helpful") + pl.col("not_helpful")).alias("rated"))
    return summary.with_columns(
        ctx.rate("deflected", "judged").alias("deflection_pct"),
        ctx.rate("helpful", "rated").alias("helpful_pct"),
    ).select(*ctx.group_keys, *MEASURES)
