"""support-volume: tickets per period, rep or team, split into closed and still open."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext
from svcstats.reports.tickets import is_closed


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Tickets whose --date-by date falls in each period (or group), with how many are closed now."""
    tickets = ctx.place(ctx.records(ctx.info.needs))
    known = {"closed_at", "is_closed"} & set(ctx.dataset.columns("tickets"))
    closed = is_closed(ctx.now)
    unknown = pl.lit(None, pl.UInt32)  # no close data: the split is unknown, not "all open"
    counts = ctx.aggregate(
        tickets,
        pl.len().alias("tickets"),
        (closed.sum() if known else unknown).alias("closed_tickets"),
        ((~closed).sum() if known else unknown).alias("open_tickets"),
    )
    result = ctx.assemble([counts], counts=["tickets", *(["closed_tickets", "open_tickets"] if known else [])])
    return result if known else result.with_columns(pl.col("closed_tickets", "open_tickets").cast(pl.Int64))
