"""ticket-time-to-first-response: hours from ticket creation to the first human reply."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.messages import first_replies


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Replied tickets with mean/median/p90 hours to the first reply; unreplied ones counted apart."""
    tickets = ctx.records([*ctx.info.needs, "owner"])
    if ctx.dataset.has("messages"):
        replies = first_replies(ctx.dataset, tickets)
        tickets = tickets.join(replies, on="ticket_id", how="left")
    else:
        tickets = tickets.with_columns(pl.col("first_response_at").alias("first_reply_at"))
    tickets = ctx.reuse(tickets)
    replied = tickets.filter(pl.col("first_reply_at").is_not_null()).with_columns(
        hours_to_first_response=ctx.duration("created_at", "first_reply_at", "owner")
    )
    valid = pl.col("first_reply_at") >= pl.col("created_at")  # the instants: business hours are 0 out of hours either way
    unreplied = tickets.filter(pl.col("first_reply_at").is_null())
    ctx.note_schedules(replied, "owner")
    ctx.exclude(ctx.place(replied.filter(~valid)), "first response before the ticket was created")
    ctx.exclude(ctx.place(unreplied, "created_at"), "no reply yet (counted in unreplied_tickets)", "note")
    durations = ctx.aggregate(
        ctx.place(replied.filter(valid)),
        pl.len().alias("replied_tickets"),
        *duration_stats(pl.col("hours_to_first_response"), ctx.stats),
    )
    waiting = ctx.aggregate(ctx.place(unreplied, "created_at"), pl.len().alias("unreplied_tickets"))
    return ctx.assemble([durations, waiting], counts=["replied_tickets", "unreplied_tickets"])
