"""owner-response-time: per rep, how fast customers get a reply: first responses and later ones."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.reply_waits import attributed_waits

STATS = ("mean", "median", "p90")


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Answered customer waits per rep (default --group-by rep), split into each ticket's first
    response and the later ones, with mean/median/p90 hours of each."""
    answered = ctx.place(ctx.refine(attributed_waits(ctx, "customer"), computed=["hours", "started_at", "ended_at"]))
    answered = answered.filter(pl.col("ended_at").is_not_null())
    first, later = pl.col("first_wait"), ~pl.col("first_wait")
    summary = ctx.aggregate(
        answered,
        first.sum().alias("first_responses"),
        *duration_stats(pl.col("hours").filter(first), STATS, unit="first_hours"),
        later.sum().alias("later_responses"),
        *duration_stats(pl.col("hours").filter(later), STATS, unit="later_hours"),
    )
    return ctx.assemble([summary], counts=["first_responses", "later_responses"])
