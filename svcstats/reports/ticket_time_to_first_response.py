"""ticket-time-to-first-response: hours from ticket creation to the first human reply."""

from __future__ import annotations

import polars as pl

from svcstats.errors import DataError
from svcstats.findings import Check, Finding
from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.messages import first_replies

EXPORT_COLUMNS = ("first_response_at", "first_email_reply_seconds")  # what a ticket export may carry instead of messages


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Replied tickets with mean/median/p90 hours to the first reply; unreplied ones counted apart."""
    if ctx.dataset.has("messages"):
        tickets = ctx.records([*ctx.info.needs, "owner"])
        tickets = tickets.join(first_replies(ctx.dataset, tickets), on="ticket_id", how="left")
    else:
        tickets = ctx.records([*ctx.info.needs, "owner", "first_email_reply_seconds"])
        tickets = tickets.with_columns(first_reply_at=export_first_response(ctx))
    tickets = ctx.reuse(tickets)
    if not ctx.dataset.has("messages") and "first_email_reply_seconds" in ctx.dataset.columns("tickets"):
        _note_email_replies(ctx, tickets)
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


def export_first_response(ctx: ReportContext) -> pl.Expr:
    """Without messages, the first response the ticket export carries: first_response_at (HubSpot's
    "First agent response date"), else created_at + first_email_reply_seconds (HubSpot's "Time to
    first agent email reply (HH:mm:ss)", which counts email replies only), with a note saying so.
    An export with neither cannot tell a reply from none: that is an error, never zero replies."""
    present = [c for c in EXPORT_COLUMNS if c in ctx.dataset.columns("tickets")]
    if not present:
        raise DataError(
            f"{ctx.info.name}: no messages table, and {ctx.dataset.label('tickets')} has no first-response column",
            'add messages (svcstats pull hubspot writes it), or export the tickets with HubSpot\'s "First agent response date" '
            'or "Time to first agent email reply (HH:mm:ss)" column (first_response_at or first_email_reply_seconds)',
        )
    from_duration = pl.col("created_at") + pl.duration(milliseconds=(pl.col("first_email_reply_seconds") * 1000).round())
    return pl.coalesce("first_response_at", from_duration)


def _note_email_replies(ctx: ReportContext, tickets: pl.LazyFrame) -> None:
    """A note counting the tickets whose first response is the creation time plus HubSpot's
    email-reply duration (no First agent response date)."""
    timed = ctx.place(
        tickets.filter(pl.col("first_response_at").is_null() & pl.col("first_email_reply_seconds").is_not_null()),
        "created_at",
    )
    name = ctx.info.name

    def read(result: pl.DataFrame) -> list[Finding]:
        rows = int(result.item())
        what = (
            "no messages table: first response = created_at + Time to first agent email reply "
            "(HubSpot measures email replies only there; chat replies are not seen)"
        )
        return [Finding(name, what, rows, "note", unit="ticket", verb="timed from the export's duration")] if rows else []

    ctx.checks.append(Check(timed.select(pl.len()), read))
