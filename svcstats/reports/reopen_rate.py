"""reopen-rate: of the tickets first closed in a period, how many were reopened, and how soon."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, Stages
from svcstats.reports.rules import LIFECYCLE_RULES, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per selected ticket closed at least once (by --as-of): its first close, whether
    it was reopened, and reopen_hours (reopen - first close, when the reopen date is known)."""
    import polars as pl

    from svcstats.reports.lifecycle import lifecycle, valid_only
    from svcstats.reports.tickets import require_close_dates

    require_close_dates(ctx.dataset, ctx.info.name)
    tickets = valid_only(ctx, ctx.reuse(lifecycle(ctx, ctx.schedule_rep("owner"))))
    closed = tickets.filter(pl.col("first_closed_at").is_not_null())
    ctx.note_schedules(closed.filter(pl.col("reopen_1").is_not_null()), "owner")
    latency = ctx.duration("close_1", "reopen_1", "owner")
    return closed.select("ticket_id", "first_closed_at", "reopened", latency.alias("reopen_hours"), *ctx.group_keys)


def aggregate(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key (placed by first close): closed tickets, reopened ones, reopen latency stats."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    return ctx.aggregate(
        ctx.place(tickets),
        pl.len().alias("closed_tickets"),
        pl.col("reopened").sum().alias("reopened_tickets"),
        pl.col("reopen_hours").count().alias("timed_reopens"),
        *duration_stats(pl.col("reopen_hours"), ctx.stats),
    )


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar; reopen_pct = reopened / closed x 100 (a ratio of sums)."""
    counts = ["closed_tickets", "reopened_tickets", "timed_reopens"]
    result = ctx.assemble([aggregated], counts=counts)
    stats = [c for c in result.collect_schema().names() if c not in (*ctx.keys, *counts)]
    return result.with_columns(ctx.rate("reopened_tickets", "closed_tickets").alias("reopen_pct")).select(
        *ctx.keys, "reopen_pct", "closed_tickets", "reopened_tickets", "timed_reopens", *stats
    )


REPORT = ReportInfo(
    name="reopen-rate",
    collection="Beyond HubSpot",
    title="Reopen rate",
    summary="Of the tickets closed, how many were reopened, and how long after the close.",
    about="""\
Counts, for the tickets first closed in each period: closed_tickets, and of those
reopened_tickets, those reopened since (at --as-of): reopen_pct = reopened_tickets /
closed_tickets x 100, a ratio of sums per row (never a mean of rates). A ticket is reopened when
it has a reopen date (reopened_at) or its first close came before its last.

The reopen latency is reopen - first close (reopened_at - first close), in hours: mean, median
and p90 over the reopens whose date is known (timed_reopens of them); with --hours business, in
the ticket owner's working hours. HubSpot keeps only the latest reopen, so for a ticket reopened
several times it is the time from the first close to the latest reopen.

Tickets are placed by their first close (first_closed_at, or the first entry into a closed stage
in stage_history, else the close date). The reopen is charged to the ticket's owner (the current
owner: the data holds no owner history) for --group-by rep.

"""
    + LIFECYCLE_RULES,
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("reopen_pct", "reopened_tickets / closed_tickets x 100 (empty when nothing closed)"),
        ("closed_tickets", "tickets first closed in the period"),
        ("reopened_tickets", "of those, tickets reopened since (at --as-of)"),
        ("timed_reopens", "of those, reopens whose date is known (n of the durations)"),
        ("mean_hours", "mean hours from the first close to the reopen"),
        ("median_hours", "median hours from the first close to the reopen"),
        ("p90_hours", "90th percentile in hours (linear interpolation)"),
    ),
    date_by={"closed": "first_closed_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row and its stage_history rows (for the first close)"),
    schedule_of="the ticket owner",
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    duration_stats=True,
    group_aliases=TICKET_GROUPS,
)
