"""agent-handoff-outcomes: what became of the conversations the agent handed to a human."""

from __future__ import annotations

import polars as pl

from svcstats.reports.agent_flags import conversation_flags
from svcstats.reports.base import ReportContext, duration_stats

COUNTS = ["handoffs", "converted", "to_ticket", "open_handoffs", "closed_handoffs"]


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Per period: handoffs, converted ones and their share, open ones, and the hours from the
    agent's assignment (conversation start) to close."""
    flags = conversation_flags(ctx)
    handoffs = ctx.place(flags.filter(pl.col("handed_off")))
    closed = pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= ctx.now)
    taken_up = pl.col("assigned_rep").is_not_null() | pl.col("human_messaged")
    to_ticket = pl.col("ticket_id").is_not_null()
    summary = ctx.aggregate(
        handoffs.with_columns(
            pl.when(closed).then(ctx.duration("started_at", "closed_at", rep="assigned_rep")).alias("hours"),
            pl.when(closed).then(ctx.duration("handoff_at", "closed_at", rep="assigned_rep")).alias("after_handoff_hours"),
        ),
        pl.len().alias("handoffs"),
        ((closed & taken_up) | to_ticket).sum().alias("converted"),
        to_ticket.sum().alias("to_ticket"),
        (~closed).sum().alias("open_handoffs"),
        closed.sum().alias("closed_handoffs"),
        *duration_stats(pl.col("hours"), ctx.stats),
        pl.col("after_handoff_hours").mean().alias("mean_after_handoff_hours"),
    )
    result = ctx.assemble([summary], counts=COUNTS)
    stats = [f"{stat}_hours" for stat in ctx.stats]
    return result.with_columns(ctx.rate("converted", "handoffs").alias("conversion_pct")).select(
        *ctx.keys, "conversion_pct", *COUNTS, *stats, "mean_after_handoff_hours"
    )
