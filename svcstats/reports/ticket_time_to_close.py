"""ticket-time-to-close: hours from creation to close (last or first), per period or group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import DURATION_COLUMNS, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per ticket of the selection: `closed` (by the chosen close, at --as-of), the
    close instant `ended_at`, hours_to_close, `valid` (not closed before created) and `reopened`
    (left out when the data has neither first closes nor reopen dates). Counts what is left out."""
    import polars as pl

    from svcstats.reports.base import Excluded
    from svcstats.reports.tickets import is_closed, require_close_dates, require_first_close, with_first_close

    require_close_dates(ctx.dataset, ctx.info.name)
    tickets, first_close_known = with_first_close(ctx.dataset, ctx.records([*ctx.info.needs, *ctx.schedule_rep("owner")]))
    tickets = ctx.reuse(tickets)
    if ctx.options.get("close") == "first":
        require_first_close(first_close_known, ctx.info.name)
        end, closed = "first_closed_at", pl.col("first_closed_at").is_not_null() & (pl.col("first_closed_at") <= ctx.now)
    else:
        end, closed = "closed_at", is_closed(ctx.now)
    reopened = pl.col("reopened_at").is_not_null() | (pl.col("first_closed_at") < pl.col("closed_at")).fill_null(False)
    reopen_known = first_close_known or "reopened_at" in ctx.dataset.columns("tickets")
    tickets = tickets.with_columns(
        closed.alias("closed"),
        pl.when(closed).then(ctx.duration("created_at", end, "owner")).alias("hours_to_close"),
        (pl.col(end) >= pl.col("created_at")).alias("valid"),  # the instants: business hours are 0 out of hours either way
        *([reopened.alias("reopened")] if reopen_known else []),
    )
    ctx.note_schedules(tickets.filter(pl.col("closed")), "owner")
    ctx.exclude_each(
        tickets,
        Excluded(pl.col("closed") & ~pl.col("valid"), "closed before it was created", _placed_by(ctx)),
        Excluded(pl.col("closed") & pl.col(end).is_null(), f"marked closed but no {end}", "created_at"),
        Excluded(~pl.col("closed"), "still open, no time to close (counted in open_tickets)", "created_at", "note"),
    )
    return tickets


def _placed_by(ctx: ReportContext) -> str:
    """The column a closed ticket is placed by: its (chosen) close, or the --date-by column."""
    end = "first_closed_at" if ctx.options.get("close") == "first" else "closed_at"
    return end if ctx.date_column == "closed_at" else ctx.date_column


def aggregate(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: closed tickets with mean/median/p90 hours to close and how many were
    reopened (placed by close), and open tickets (placed by creation)."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    reopen_known = "reopened" in tickets.collect_schema().names()
    closed = tickets.filter(pl.col("closed"))
    durations = ctx.aggregate(
        ctx.place(closed.filter(pl.col("valid")), _placed_by(ctx)),
        pl.len().alias("closed_tickets"),
        *duration_stats(pl.col("hours_to_close"), ctx.stats),
        (pl.col("reopened").sum() if reopen_known else pl.lit(None, pl.Null)).alias("reopened_tickets"),
    )
    open_counts = ctx.aggregate(ctx.place(tickets.filter(~pl.col("closed")), "created_at"), pl.len().alias("open_tickets"))
    return ctx.combine([durations, open_counts])


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, zero counts where nothing closed or stayed open."""
    import polars as pl

    reopen_known = aggregated.collect_schema()["reopened_tickets"] != pl.Null
    counts = ["closed_tickets", "open_tickets", *(["reopened_tickets"] if reopen_known else [])]
    result = ctx.assemble([aggregated], counts=counts)
    return result if reopen_known else result.with_columns(pl.col("reopened_tickets").cast(pl.Int64))


REPORT = ReportInfo(
    name="ticket-time-to-close",
    collection="Team performance",
    title="Time to close",
    summary="How long tickets take from creation to close: mean, median, p90.",
    about="""\
Measures, for each closed ticket, the time from its creation (created_at) to its close
(closed_at): hours_to_close = closed_at - created_at. HubSpot's "Average time to close" is the
mean; svcstats also gives the median and the 90th percentile, which are less distorted by a
few very old tickets.

A ticket is closed when it is marked closed (is_closed), or when the export does not say, when
it has a close date on or before --as-of (so re-running with the same --as-of gives the same
figures as the data grows). closed_at is the last close, as in HubSpot: a reopened and
closed-again ticket counts the whole time up to its latest close. A ticket marked closed without
a close date is left out and counted in a warning; an export without closed_at is an error.

By default tickets are placed in the range and in periods by their close date
(--date-by closed); --date-by created places them by creation date instead.

Edge cases:
- --close first measures to the first close instead (Zendesk's "first resolution time"): from
  first_closed_at, or when the export lacks it, the first entry into a closed stage in
  stage_history (is_closed_stage, else a stage named "closed"). reopened_tickets counts closed
  tickets whose first close came before their last (or with a reopen date); it is empty when the
  data has neither first closes nor reopen dates.
- Tickets still open have no time to close. They are not averaged but counted in open_tickets,
  by their creation date (in the range and period they were created in), whatever --date-by is.
- A ticket closed before it was created (bad data) is left out of the figures and counted in a
  warning on stderr.
- Periods with no closed tickets appear with closed_tickets = 0 and empty durations.""",
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("closed_tickets", "closed tickets in the period or group (n of the durations)"),
        *DURATION_COLUMNS,
        ("open_tickets", "tickets created in the period or group that are still open (excluded from the durations)"),
        ("reopened_tickets", "of the closed tickets, those closed more than once (empty when unknown)"),
    ),
    date_by={"closed": "closed_at", "created": "created_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row and its stage_history rows (for the first close)"),
    schedule_of="the ticket owner",
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    options=(
        ReportOption(
            "close",
            "--close",
            "last",
            "Which close ends the time: last (HubSpot's figure) or first (first_closed_at or stage history).",
            ("last", "first"),
        ),
    ),
    duration_stats=True,
    group_aliases=TICKET_GROUPS,
)
