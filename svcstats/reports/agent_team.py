"""agent-in-your-team: resolutions per period by each team member and by the customer agent."""

from __future__ import annotations

import polars as pl

from svcstats.reports.agent_flags import AGENT_RESOLVER, conversation_flags
from svcstats.reports.base import UNASSIGNED, ReportContext


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Resolved conversations per resolver (the agent, or the rep who closed it) and each one's
    share of the row's resolutions."""
    flags = conversation_flags(ctx)
    closed_by_human = pl.col("human_involved") & pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= ctx.now)
    resolver = (
        pl.when(pl.col("resolved"))
        .then(pl.lit(AGENT_RESOLVER))
        .when(closed_by_human)
        .then(pl.col("assigned_rep").fill_null(UNASSIGNED))
        .alias("resolver")
    )
    resolutions = ctx.place(flags.with_columns(resolver).filter(pl.col("resolver").is_not_null()))
    per_resolver = ctx.aggregate(resolutions, pl.len().alias("resolved"), by=["resolver"])
    result = ctx.assemble([per_resolver], counts=["resolved"], by=["resolver"])
    total = pl.col("resolved").sum().over(ctx.keys) if ctx.keys else pl.col("resolved").sum()
    result = result.with_columns(total.alias("all_resolved"))
    return result.select(*ctx.keys, "resolver", ctx.rate("resolved", "all_resolved").alias("share_pct"), "resolved", "all_resolved")
