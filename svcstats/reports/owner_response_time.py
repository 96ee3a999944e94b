"""owner-response-time: per rep, how fast customers get a reply: first responses and later ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import PERIOD_COLUMN, Records, ReportInfo
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


STATS = ("mean", "median", "p90")


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Answered customer waits per rep (default --group-by rep), split into each ticket's first
    response and the later ones, with mean/median/p90 hours of each."""
    import polars as pl

    from svcstats.reports.base import duration_stats
    from svcstats.reports.reply_waits import attributed_waits

    answered = ctx.place(ctx.refine(attributed_waits(ctx, "customer"), computed=["hours", "started_at", "ended_at"]))
    answered = answered.filter(pl.col("ended_at").is_not_null())
    first, later = pl.col("first_wait"), ~pl.col("first_wait")
    summary = ctx.aggregate(
        answered,
        first.sum().alias("first_responses"),
        *duration_stats(pl.col("hours").filter(first), STATS, unit="first_hours"),
        later.sum().alias("later_responses"),
        *duration_stats(pl.col("hours").filter(later), STATS, unit="later_hours"),
    )
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
        PERIOD_COLUMN,
        ("rep", "the replying rep (or ticket owner with --attribute owner); other --group-by keys follow"),
        ("first_responses", "answered first waits of tickets"),
        ("mean_first_hours, median_first_hours, p90_first_hours", "their mean, median, p90 in hours"),
        ("later_responses", "answered later waits"),
        ("mean_later_hours, median_later_hours, p90_later_hours", "their mean, median, p90 in hours"),
    ),
    date_by={"started": "started_at", "answered": "ended_at"},
    build=build,
    records=Records("ticket", "ticket_id", "a ticket's messages (and its owner, for --attribute owner)"),
    schedule_of="the rep who replied",
    group_aliases=MESSAGE_GROUPS,
    example_options=" --totals",
    default_group_by=("rep",),
    options=WAIT_OPTIONS[:2],
)
