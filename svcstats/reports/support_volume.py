"""support-volume: tickets per period, rep or team, split into closed and still open."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext
from svcstats.reports.tickets import is_closed


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Tickets whose --date-by date falls in each period (or group), with how many are closed now."""
    tickets = ctx.place(ctx.records(ctx.info.needs))
    closed = is_closed()
    counts = ctx.aggregate(
        tickets,
        pl.len().alias("tickets"),
        closed.sum().alias("closed_tickets"),
        (~closed).sum().alias("open_tickets"),
    )
    return ctx.assemble([counts], counts=["tickets", "closed_tickets", "open_tickets"])
