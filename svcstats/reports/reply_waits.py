"""The two wait reports: how long customers wait for the team, and the team for customers."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.waits import COLUMNS, Side, conversation, waits


def wait_facts(ctx: ReportContext, waiting: Side) -> pl.LazyFrame:
    """(1) One row per wait of `waiting` (paired within its ticket), with its hours, age if open,
    responding rep and group labels, selected by --rep/--team/--where."""
    return ctx.refine(attributed_waits(ctx, waiting), computed=["hours", "started_at", "ended_at"])


def aggregate_waits(ctx: ReportContext, waits: pl.LazyFrame) -> pl.LazyFrame:
    """(2) The waits placed in the range, per row key: closed waits with mean/median/p90 hours and
    open waits counted; with --per-ticket, per ticket; with --top, per customer (by id, else ticket)."""
    placed = ctx.place(waits)
    closed = pl.col("ended_at").is_not_null()
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
            (~closed).sum().alias("open_waits"),
            by=["ticket_id"],
        )
    opened = (
        [pl.col("open_hours").mean().alias("mean_open_hours"), pl.col("open_hours").max().alias("max_open_hours")]
        if ctx.options.get("open")
        else []
    )
    return ctx.aggregate(
        placed,
        closed.sum().alias("waits"),
        *duration_stats(pl.col("hours").filter(closed), ctx.stats),
        (~closed).sum().alias("open_waits"),
        *opened,
    )


def finish_waits(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar; with --per-ticket the longest total wait first; with --top
    N the N customers with the longest mean wait (0 = all) per row key, ties broken by customer id."""
    top = ctx.options.get("top")
    if top is not None:
        return top_customers(ctx, summary, int(top))
    if ctx.options.get("per_ticket"):
        order = [*ctx.keys, "total_hours", "ticket_id"]
        descending = [*(False for _ in ctx.keys), True, False]  # longest total wait first
        return summary.with_columns(pl.col("waits", "open_waits").cast(pl.Int64)).sort(order, descending=descending)
    return ctx.assemble([summary], counts=["waits", "open_waits"])


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
