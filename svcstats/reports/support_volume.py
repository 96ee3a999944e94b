"""support-volume: tickets per period, rep or team, split into closed and still open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, Stages
from svcstats.reports.rules import TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per ticket of the selection with `closed` (closed at --as-of); without any
    close data the column is left out, as the split is unknown rather than "all open"."""
    from svcstats.reports.tickets import is_closed

    tickets = ctx.records(ctx.info.needs)
    known = {"closed_at", "is_closed"} & set(ctx.dataset.columns("tickets"))
    return tickets.with_columns(is_closed(ctx.now).alias("closed")) if known else tickets


def aggregate(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Tickets whose --date-by date falls in each period (or group), with how many are closed."""
    import polars as pl

    known = "closed" in tickets.collect_schema().names()
    closed = pl.col("closed")
    unknown = pl.lit(None, pl.Null)  # no close data: the split is unknown, not "all open"
    return ctx.aggregate(
        ctx.place(tickets),
        pl.len().alias("tickets"),
        (closed.sum() if known else unknown).alias("closed_tickets"),
        ((~closed).sum() if known else unknown).alias("open_tickets"),
    )


def finish(ctx: ReportContext, counts: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, zero where no ticket arrived (empty splits stay empty)."""
    import polars as pl

    known = counts.collect_schema()["closed_tickets"] != pl.Null
    result = ctx.assemble([counts], counts=["tickets", *(["closed_tickets", "open_tickets"] if known else [])])
    return result if known else result.with_columns(pl.col("closed_tickets", "open_tickets").cast(pl.Int64))


REPORT = ReportInfo(
    name="support-volume",
    collection="Team performance",
    title="Support volume",
    summary="How many tickets arrive, per period and per rep or team.",
    about="""\
Counts tickets: tickets = number of tickets whose date (by default the creation date,
--date-by created) falls in the period. With --group-by rep (or team) the count is split by
the ticket's current owner (or team); tickets with no owner are shown as "Unassigned".

Of those tickets, closed_tickets were closed at --as-of (else now) and open_tickets were not,
so tickets = closed_tickets + open_tickets on every row. A ticket is closed when it is marked
closed (is_closed), or when the export does not say, when it has a close date on or before
--as-of. Without any close data (no closed_at or is_closed column) both are empty.

Note that tickets created in a period and tickets closed in it are different populations:
--date-by closed counts tickets by close date instead (a ticket reopened since then, marked
open, counts as open).

Periods with no tickets appear with zero counts.""",
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("tickets", "tickets whose --date-by date falls in the period"),
        ("closed_tickets", "of those, tickets closed at --as-of (empty without close data)"),
        ("open_tickets", "of those, tickets still open at --as-of (empty without close data)"),
    ),
    date_by={"created": "created_at", "closed": "closed_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("row", "", "any split of the tickets: a ticket's facts come from its own row"),
    needs=("closed_at", "is_closed"),
    group_aliases=TICKET_GROUPS,
)
