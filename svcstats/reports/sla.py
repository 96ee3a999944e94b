"""sla: attainment of first reply, next reply and time to close targets, per period and group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import LIFECYCLE_RULES, MESSAGE_RULES, SLA_TARGETS, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

LISTED = (
    "ticket_id", "metric", "status", "target_hours", "started_at", "due_at", "completed_at", "hours", "over_hours", "paused_hours",
)  # fmt: skip
COUNTS = ("met", "breached", "due_soon", "active", "completed_late", "overdue")


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per SLA clock (sla_clocks.py, shared with ticket-facts): each ticket's first
    reply and close, and each customer wait after the first (next reply), with its target, due
    time, hours and status; or the export's own clocks."""
    from svcstats.reports.lifecycle import lifecycle, valid_only
    from svcstats.reports.sla_clocks import DIMENSIONS, TICKET_SLA_COLUMNS, sla_clocks
    from svcstats.reports.ticket_facts import EXPORT_REPLY, with_known_first_reply

    tickets = valid_only(ctx, ctx.reuse(lifecycle(ctx, ("owner", *DIMENSIONS, *EXPORT_REPLY, *TICKET_SLA_COLUMNS))))
    keep = list(dict.fromkeys(["ticket_id", *ctx.group_keys]))
    return sla_clocks(ctx, with_known_first_reply(ctx, tickets), keep)


def aggregate(ctx: ReportContext, clocks: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key and metric (placed by when the clock started): the counts by status and
    the time over target of the breached ones; with --breached, the breached clocks themselves."""
    import polars as pl

    from svcstats.reports.base import duration_stats
    from svcstats.reports.sla_clocks import BREACHED

    placed = ctx.place(clocks, "started_at")
    status = pl.col("status")
    if ctx.options.get("breached"):
        keys = [k for k in ctx.keys if k not in LISTED]
        return placed.filter(status.is_in(BREACHED)).select(*keys, *LISTED)
    over = pl.col("over_hours").filter(status.is_in(BREACHED))
    return ctx.aggregate(
        placed,
        (status == "completed_on_time").sum().alias("met"),
        status.is_in(BREACHED).sum().alias("breached"),
        (status == "due_soon").sum().alias("due_soon"),
        (status == "active").sum().alias("active"),
        (status == "completed_late").sum().alias("completed_late"),
        (status == "overdue").sum().alias("overdue"),
        *duration_stats(over, ("mean", "median"), "over_hours"),
        by=["metric"],
    )


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar for each metric seen; achievement_pct = met / (met +
    breached) x 100 (active clocks are not due yet: out of the denominator)."""
    import polars as pl

    if ctx.options.get("breached"):
        keys = [k for k in ctx.keys if k not in LISTED]
        return aggregated.sort([*keys, "started_at", "ticket_id", "metric"])
    counts = list(COUNTS)
    result = ctx.assemble([aggregated], counts=counts, by=["metric"])
    achieved = pl.when(pl.col("met") + pl.col("breached") > 0).then(pl.col("met") * 100.0 / (pl.col("met") + pl.col("breached")))
    return result.with_columns(achieved.alias("achievement_pct")).select(
        *ctx.keys, "metric", "achievement_pct", *counts, "mean_over_hours", "median_over_hours"
    )


REPORT = ReportInfo(
    name="sla",
    collection="Beyond HubSpot",
    title="SLA attainment",
    summary="First reply, next reply and time to close against their targets: met, breached, due soon, active.",
    about="""\
Measures three clocks against targets in hours: first_reply (creation to the first public human
reply, as ticket-time-to-first-response), next_reply (each customer wait after the first, to the
next reply, as customer-wait-time pairs them) and close (creation to the last close, as
ticket-time-to-close). Targets come from the [sla] section of svcstats.toml:

  [sla]
  first_reply_hours = 4
  next_reply_hours = 8
  close_hours = 72
  pause_statuses = ["Waiting on contact"]   # stages whose time does not count
  pause_metrics = ["close"]                 # the clocks they stop (default: close only)
  due_soon_hours = 1                        # default 1
  [sla.priority.high]
  first_reply_hours = 1
  schedule = "EU support"                   # or hours = "business" / "calendar"

with per-value targets for priority, pipeline, source or team (the first of those that sets a
target wins, in that order; a metric without a target is not measured, nor first replies when
the data has neither messages nor a first-response column). Without an [sla] section the
defaults are first reply 24 h, next reply 24 h and close 72 h, in calendar hours (a note says so).

The clock: hours = "calendar" counts every hour, hours = "business" the ticket owner's working
hours, schedule = "NAME" the working hours of that schedule of the working_hours export (its rep
value; "*" is the default schedule; an unknown name is an error listing the known ones). The
first table that sets hours or schedule decides (priority, pipeline, source, team, then the
section); where none does, --hours decides. Time the ticket spends in a stage named in
pause_statuses (from stage history, case-insensitive; a visit still open at --as-of counts to
--as-of) does not count on the clocks of pause_metrics (close only by default: a status does
not excuse a reply the customer is waiting for; add first_reply and next_reply to pause those
too), and pushes their due time later by the pauses before it. The due time is the first
instant the clock reaches its target (a clock still running is taken to run on from --as-of).

Each clock has a status, in HubSpot's words: completed_on_time (met), completed_late, overdue
(not completed and past its target at --as-of), due_soon (not completed, due within
due_soon_hours of --as-of, counted on the clock's own hours; never while paused) or active (not
completed, not due yet). breached = completed_late + overdue; achievement_pct = met / (met +
breached) x 100: due_soon and active clocks are not due yet, so out of the denominator.
mean_over_hours and median_over_hours are the time past the target of the breached clocks (to
completion, or to --as-of). A first or next reply never sent before the ticket was closed is not
measured (a note). Clocks are placed by when they started.

From the export: when the data has an sla table (ticket_id, sla_type first_response /
next_response / close, due_at, completed_at, status) or HubSpot's SLA columns (Time to first
response / next response / close SLA status and due date), the help desk's own clocks are used
(a note says so): the status is worked out at --as-of from the due and completion times (HubSpot:
the first reply and last close as svcstats finds them; its next-response column has no
completion time, so its exported status says whether it was completed); hours are calendar
hours, target_hours = due - start. Tickets without a clock in the export are not measured (a
note). --targets config computes the clocks from [sla] instead; --targets export insists on the
export's.

--breached lists the breached clocks: ticket, metric, status, target, start, due, completion
(empty while overdue), hours, hours over and hours paused.

"""
    + MESSAGE_RULES
    + "\n\n"
    + LIFECYCLE_RULES,
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("metric", "first_reply, next_reply or close"),
        ("achievement_pct", "met / (met + breached) x 100 (empty when none is due)"),
        ("met", "clocks completed on time"),
        ("breached", "completed_late + overdue"),
        ("due_soon", "clocks not completed, due within due_soon_hours of --as-of (out of the denominator)"),
        ("active", "clocks not completed and not due yet, nor due soon (out of the denominator)"),
        ("completed_late", "completed after the target"),
        ("overdue", "not completed and past the target at --as-of"),
        ("mean_over_hours, median_over_hours", "time past the target of the breached clocks"),
        (
            "ticket_id, status, target_hours, started_at, due_at, completed_at, hours, over_hours, paused_hours",
            "with --breached: one row per breached clock",
        ),
    ),
    date_by={"started": "started_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row, its messages and stage_history rows"),
    schedule_of="the ticket owner, or the schedule an [sla] target names",
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    listing_options=("breached",),
    options=(ReportOption("breached", "--breached", False, "List the breached clocks, one row each."), SLA_TARGETS),
    group_aliases=TICKET_GROUPS,
)
