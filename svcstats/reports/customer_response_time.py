"""customer-response-time: how long customers take to answer the team."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import Records, ReportInfo
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_COLUMNS, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Team waits, from the first unanswered reply to the customer's next message."""
    from svcstats.reports.reply_waits import wait_report

    return wait_report(ctx, "reply")


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
    build=build,
    records=Records("ticket", "ticket_id", "a ticket's messages (and its owner, for --attribute owner)"),
    schedule_of="the rep whose reply awaits the customer",
    duration_stats=True,
    group_aliases=MESSAGE_GROUPS,
    example_options=" --totals --top 10",
    options=WAIT_OPTIONS,
)
