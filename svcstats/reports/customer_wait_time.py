"""customer-wait-time: how long customers wait for a reply, at every point of a conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import Records, ReportInfo, Stages
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_COLUMNS, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The customer waits (from the first unanswered customer message to the next human reply),
    one row each (reports/reply_waits.py)."""
    from svcstats.reports.reply_waits import wait_facts

    return wait_facts(ctx, "customer", closes=True)


def aggregate(ctx: ReportContext, waits: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key (or ticket, or customer), see reply_waits.aggregate_waits."""
    from svcstats.reports.reply_waits import aggregate_waits

    return aggregate_waits(ctx, waits, closes=True)


def finish(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) The calendar, or the per-ticket order, or the ranking: see reply_waits.finish_waits."""
    from svcstats.reports.reply_waits import finish_waits

    return finish_waits(ctx, summary, closes=True)


REPORT = ReportInfo(
    name="customer-wait-time",
    collection="Ticket replies",
    title="Customer wait time",
    summary="How long customers wait for the team's replies, at every point of a conversation.",
    about="""\
Measures every customer wait: from the first customer message that is not yet answered to the
next reply by a human agent (hours = reply - customer message), with the mean, median and p90
per period or group. Waits are placed by when they started (--date-by started) or ended
(--date-by answered). --group-by rep attributes a wait to the rep who ended it with a reply
(--attribute owner: to the ticket owner); open waits have no replying rep and are grouped as
Unassigned. A wait still unanswered when its ticket is closed (by --as-of) was ended by the
close, not by a reply: it is counted in closed_unanswered, not in open_waits, and has no
duration (a "thanks" after the last reply, say); open_waits are the waits on tickets still open.
--per-ticket gives each ticket's total waiting time; --top N the customers (by the
sender id of their messages, else the ticket) who waited longest on average.

"""
    + MESSAGE_RULES,
    table="messages",
    columns=(
        *WAIT_COLUMNS[:9],  # up to open_waits
        ("closed_unanswered", "waits never answered whose ticket was closed (by --as-of): ended by the close, not averaged"),
        *WAIT_COLUMNS[9:],
    ),
    date_by={"started": "started_at", "answered": "ended_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's messages (and its owner, for --attribute owner)"),
    schedule_of="the rep who replied (the default schedule while a wait is open)",
    duration_stats=True,
    group_aliases=MESSAGE_GROUPS,
    example_options=" --frequency monthly --group-by rep",
    options=WAIT_OPTIONS,
    listing_options=("per_ticket", "top"),
)
