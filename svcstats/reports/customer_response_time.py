"""customer-response-time: how long customers take to answer the team."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import Records, ReportInfo, Stages
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_COLUMNS, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The team waits (from the first unanswered reply to the customer's next message), one row each (reports/reply_waits.py)."""
    from svcstats.reports.reply_waits import wait_facts

    return wait_facts(ctx, "reply")


def aggregate(ctx: ReportContext, waits: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key (or ticket, or customer), see reply_waits.aggregate_waits."""
    from svcstats.reports.reply_waits import aggregate_waits

    return aggregate_waits(ctx, waits)


def finish(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) The calendar, or the per-ticket order, or the ranking: see reply_waits.finish_waits."""
    from svcstats.reports.reply_waits import finish_waits

    return finish_waits(ctx, summary)


REPORT = ReportInfo(
    name="customer-response-time",
    collection="Ticket replies",
    title="Customer response time",
    summary="How long customers take to answer the team's replies.",
    about="""\
Measures every wait of the team for the customer: from the first reply not yet answered to the
customer's next message (hours = customer message - reply), with the mean, median and p90 per
period or group. --group-by rep attributes a wait to the rep whose reply was waiting (--attribute
owner: to the ticket owner). --top 10 lists the ten customers (by sender id, else the ticket)
with the longest average response time, as HubSpot does; --per-ticket gives each ticket's total.

"""
    + MESSAGE_RULES,
    table="messages",
    columns=WAIT_COLUMNS,
    date_by={"started": "started_at", "answered": "ended_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's messages (and its owner, for --attribute owner)"),
    schedule_of="the rep whose reply awaits the customer",
    duration_stats=True,
    group_aliases=MESSAGE_GROUPS,
    example_options=" --totals --top 10",
    options=WAIT_OPTIONS,
    listing_options=("per_ticket", "top"),
)
