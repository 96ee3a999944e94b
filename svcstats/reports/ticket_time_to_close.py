"""ticket-time-to-close: hours from creation to (last) close, per period or group."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.tickets import hours_between, is_closed


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Closed tickets with mean/median/p90 hours to close, and still-open tickets counted apart."""
    tickets = ctx.records(ctx.info.needs)
    closed = tickets.filter(is_closed()).with_columns(hours_to_close=hours_between("created_at", "closed_at"))
    valid = pl.col("hours_to_close") >= 0
    still_open = tickets.filter(~is_closed())
    ctx.exclude(ctx.place(closed.filter(~valid)), "closed before it was created")
    ctx.exclude(ctx.place(still_open, "created_at"), "still open, no time to close (counted in open_tickets)", "note")
    durations = ctx.aggregate(
        ctx.place(closed.filter(valid)),
        pl.len().alias("closed_tickets"),
        *duration_stats(pl.col("hours_to_close"), ctx.stats),
    )
    open_counts = ctx.aggregate(ctx.place(still_open, "created_at"), pl.len().alias("open_tickets"))
    return ctx.assemble([durations, open_counts], counts=["closed_tickets", "open_tickets"])
