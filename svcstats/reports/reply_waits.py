"""The two wait reports: how long customers wait for the team, and the team for customers."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.tickets import is_closed
from svcstats.reports.waits import COLUMNS, Side, conversation, waits


def wait_facts(ctx: ReportContext, waiting: Side, *, closes: bool = False) -> pl.LazyFrame:
    """(1) One row per wait of `waiting` (paired within its ticket), with its hours, age if open,
    responding rep and group labels, selected by --rep/--team/--where; with `closes`
    (customer-wait-time) each wait also carries ticket_closed (its ticket closed by --as-of)."""
    found = attributed_waits(ctx, waiting)
    if closes:
        found = with_ticket_closed(ctx, found)
    return ctx.refine(found, computed=["hours", "started_at", "ended_at", *(["ticket_closed"] if closes else [])])


def with_ticket_closed(ctx: ReportContext, found: pl.LazyFrame) -> pl.LazyFrame:
    """`found` (waits) with ticket_closed: whether the wait's ticket is closed by --as-of (false
    when the tickets export is missing or has no close data)."""
    if not ctx.dataset.has("tickets") or not {"closed_at", "is_closed"} & set(ctx.dataset.columns("tickets")):
        return found.with_columns(ticket_closed=pl.lit(False))
    tickets = ctx.dataset.load("tickets", ["closed_at", "is_closed"]).select("ticket_id", is_closed(ctx.now).alias("ticket_closed"))
    return found.join(tickets, on="ticket_id", how="left").with_columns(pl.col("ticket_closed").fill_null(False))


def aggregate_waits(ctx: ReportContext, waits: pl.LazyFrame, *, closes: bool = False) -> pl.LazyFrame:
    """(2) The waits placed in the range, per row key: closed waits with mean/median/p90 hours and
    open waits counted; with --per-ticket, per ticket; with --top, per customer (by id, else ticket).
    With `closes` (facts from wait_facts(..., closes=True)): a wait never answered on a ticket
    closed by --as-of was ended by the close: it is counted in closed_unanswered, without
    duration, and not in open_waits."""
    placed = ctx.place(waits)
    closed = pl.col("ended_at").is_not_null()
    unanswered = ~closed & pl.col("ticket_closed") if closes else pl.lit(False)
    still_open = ~closed & ~unanswered
    counted = [unanswered.sum().alias("closed_unanswered")] if closes else []
    if ctx.options.get("top") is not None:
        answered = placed.filter(closed).with_columns(customer=pl.coalesce("customer", "ticket_id"))
        return ctx.aggregate(
            answered,
            pl.len().alias("waits"),
            pl.col("hours").mean().alias("mean_hours"),
            pl.col("hours").sum().alias("total_hours"),
            by=["customer"],
        )
    if ctx.options.get("per_ticket"):
        return ctx.aggregate(
            placed,
            closed.sum().alias("waits"),
            pl.col("hours").sum().alias("total_hours"),
            still_open.sum().alias("open_waits"),
            *counted,
            by=["ticket_id"],
        )
    age = pl.col("open_hours").filter(still_open)
    opened = [age.mean().alias("mean_open_hours"), age.max().alias("max_open_hours")] if ctx.options.get("open") else []
    return ctx.aggregate(
        placed,
        closed.sum().alias("waits"),
        *duration_stats(pl.col("hours").filter(closed), ctx.stats),
        still_open.sum().alias("open_waits"),
        *counted,
        *opened,
    )


def finish_waits(ctx: ReportContext, summary: pl.LazyFrame, *, closes: bool = False) -> pl.LazyFrame:
    """(3) Every period of the calendar; with --per-ticket the longest total wait first; with --top
    N the N customers with the longest mean wait (0 = all) per row key, ties broken by customer id."""
    top = ctx.options.get("top")
    if top is not None:
        return top_customers(ctx, summary, int(top))
    counts = ["waits", "open_waits", *(["closed_unanswered"] if closes else [])]
    if ctx.options.get("per_ticket"):
        order = [*ctx.keys, "total_hours", "ticket_id"]
        descending = [*(False for _ in ctx.keys), True, False]  # longest total wait first
        return summary.with_columns(pl.col(counts).cast(pl.Int64)).sort(order, descending=descending)
    return ctx.assemble([summary], counts=counts)


def attributed_waits(ctx: ReportContext, waiting: Side) -> pl.LazyFrame:
    """The waits of `waiting` with hours (closed waits) and open_hours (age of open ones at --as-of)
    and a `rep` column: the rep who answered the customer (or, for the team's waits, whose reply
    awaits an answer), or with --attribute owner the ticket owner. With --hours business both
    durations count the working hours of that responding rep (the default schedule for open waits)."""
    found = waits(conversation(ctx.dataset, bool(ctx.options.get("include_bots"))), waiting, ctx.now)
    responder = "ender" if waiting == "customer" else "starter"
    found = found.with_columns(
        hours=ctx.duration("started_at", "ended_at", responder),
        open_hours=pl.when(pl.col("ended_at").is_null()).then(ctx.duration("started_at", pl.lit(ctx.now), responder)),
    )
    # the reps who replied, from the same load (memoised: parsed once) rather than from the waits,
    # which would be paired a second time
    repliers = ctx.dataset.load("messages", COLUMNS).filter(pl.col("sender_type") == "agent")
    ctx.note_schedules(repliers, "sender")
    if ctx.options.get("attribute") == "owner":
        owners = ctx.dataset.load("tickets", ["owner"]).select("ticket_id", "owner")
        return found.join(owners, on="ticket_id", how="left").with_columns(rep=pl.col("owner")).drop("owner")
    return found.with_columns(rep=pl.col("ender" if waiting == "customer" else "starter"))


def top_customers(ctx: ReportContext, per_customer: pl.LazyFrame, top: int) -> pl.LazyFrame:
    """The `top` customers (0 = all) with the longest mean closed wait, per row key, from their
    aggregates (ties broken by customer id)."""
    # longest mean first; ties broken by customer id, so the cut at N never depends on row order
    rank = pl.struct((-pl.col("mean_hours")).alias("longest"), "customer").rank("ordinal")
    ranked = per_customer.with_columns((rank.over(ctx.keys) if ctx.keys else rank).alias("rank"))
    return (
        (ranked.filter(pl.col("rank") <= top) if top else ranked)
        .with_columns(pl.col("waits", "rank").cast(pl.Int64))
        .sort([*ctx.keys, "rank"])
        .select(*ctx.keys, "rank", "customer", "waits", "mean_hours", "total_hours")
    )
