"""owner-response-time: per rep, how fast customers get a reply: first responses and later ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import PERIOD_COLUMNS, Records, ReportInfo, Stages
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


STATS = ("mean", "median", "p90")


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The customer waits, one row each, with the replying rep (reports/reply_waits.py)."""
    from svcstats.reports.reply_waits import wait_facts

    return wait_facts(ctx, "customer")


def aggregate(ctx: ReportContext, waits: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Answered waits placed in the range per row key (default --group-by rep), split into each
    ticket's first response and the later ones, with mean/median/p90 hours of each."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    answered = ctx.place(waits).filter(pl.col("ended_at").is_not_null())
    first, later = pl.col("first_wait"), ~pl.col("first_wait")
    return ctx.aggregate(
        answered,
        first.sum().alias("first_responses"),
        *duration_stats(pl.col("hours").filter(first), STATS, unit="first_hours"),
        later.sum().alias("later_responses"),
        *duration_stats(pl.col("hours").filter(later), STATS, unit="later_hours"),
    )


def finish(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar for every rep seen."""
    return ctx.assemble([summary], counts=["first_responses", "later_responses"])


REPORT = ReportInfo(
    name="owner-response-time",
    collection="Ticket replies",
    title="Owner response time",
    summary="Per rep, how fast customers get a reply: first responses and later ones.",
    about="""\
For each rep, the answered customer waits they ended with a reply (--attribute owner: the waits
on the tickets they own, so each ticket owner's average), split into each ticket's first
response (the ticket's first customer wait) and the later responses, with the mean, median and
p90 hours of each. Grouped by rep unless --group-by says otherwise; placed by when the wait
started (--date-by started) or was answered (--date-by answered). Open waits are not counted
here (customer-wait-time counts them).

"""
    + MESSAGE_RULES,
    table="messages",
    columns=(
        *PERIOD_COLUMNS,
        ("rep", "the replying rep (or ticket owner with --attribute owner); other --group-by keys follow"),
        ("first_responses", "answered first waits of tickets"),
        ("mean_first_hours, median_first_hours, p90_first_hours", "their mean, median, p90 in hours"),
        ("later_responses", "answered later waits"),
        ("mean_later_hours, median_later_hours, p90_later_hours", "their mean, median, p90 in hours"),
    ),
    date_by={"started": "started_at", "answered": "ended_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's messages (and its owner, for --attribute owner)"),
    schedule_of="the rep who replied",
    group_aliases=MESSAGE_GROUPS,
    example_options=" --totals",
    default_group_by=("rep",),
    options=WAIT_OPTIONS[:2],
)
