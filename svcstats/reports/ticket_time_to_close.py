"""ticket-time-to-close: hours from creation to close (last or first), per period or group."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.tickets import is_closed, require_close_dates, require_first_close, with_first_close


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Closed tickets with mean/median/p90 hours to close, still-open tickets counted apart, and
    how many of the closed ones were reopened."""
    require_close_dates(ctx.dataset, ctx.info.name)
    tickets, first_close_known = with_first_close(ctx.dataset, ctx.records([*ctx.info.needs, "owner"]))
    tickets = ctx.reuse(tickets)
    if ctx.options.get("close") == "first":
        require_first_close(first_close_known, ctx.info.name)
        end, closed = "first_closed_at", pl.col("first_closed_at").is_not_null() & (pl.col("first_closed_at") <= ctx.now)
    else:
        end, closed = "closed_at", is_closed(ctx.now)
    date_column = end if ctx.date_column == "closed_at" else ctx.date_column
    reopened = pl.col("reopened_at").is_not_null() | (pl.col("first_closed_at") < pl.col("closed_at")).fill_null(False)
    reopen_known = first_close_known or "reopened_at" in ctx.dataset.columns("tickets")

    closed_tickets = tickets.filter(closed).with_columns(hours_to_close=ctx.duration("created_at", end, "owner"))
    valid = pl.col(end) >= pl.col("created_at")  # the instants: business hours are 0 out of hours either way
    still_open = tickets.filter(~closed)
    ctx.note_schedules(closed_tickets, "owner")
    ctx.exclude(ctx.place(closed_tickets.filter(~valid), date_column), "closed before it was created")
    ctx.exclude(ctx.place(closed_tickets.filter(pl.col(end).is_null()), "created_at"), f"marked closed but no {end}")
    ctx.exclude(ctx.place(still_open, "created_at"), "still open, no time to close (counted in open_tickets)", "note")
    durations = ctx.aggregate(
        ctx.place(closed_tickets.filter(valid), date_column),
        pl.len().alias("closed_tickets"),
        *duration_stats(pl.col("hours_to_close"), ctx.stats),
        (reopened.sum() if reopen_known else pl.lit(None, pl.UInt32)).alias("reopened_tickets"),
    )
    open_counts = ctx.aggregate(ctx.place(still_open, "created_at"), pl.len().alias("open_tickets"))
    counts = ["closed_tickets", "open_tickets", *(["reopened_tickets"] if reopen_known else [])]
    result = ctx.assemble([durations, open_counts], counts=counts)
    return result if reopen_known else result.with_columns(pl.col("reopened_tickets").cast(pl.Int64))
