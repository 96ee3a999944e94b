"""A ticket's open and closed spells, once, for the reports that follow tickets through time
(backlog, reopen-rate, one-touch-resolution, ticket-facts).

Built on `tickets.py` (what closed means at --as-of, first closes from stage history): nothing
here computes a close a second way. The model, as `rules.LIFECYCLE_RULES` says it to users: a ticket is
open from its creation to its first close; when it was reopened (reopened_at, on or after that
close) it is open again from the reopen to its last close (closed_at, when it is closed at
--as-of). HubSpot keeps the first close, the latest reopen and the last close, so reopens
before the latest are not seen: the ticket counts as closed from its first close to its latest
reopen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from svcstats.reports.tickets import is_closed, with_first_close

if TYPE_CHECKING:
    from svcstats.reports.base import ReportContext

LIFECYCLE_NEEDS = ("closed_at", "is_closed", "first_closed_at", "reopened_at")


def lifecycle(ctx: ReportContext, columns: tuple[str, ...] = ()) -> pl.LazyFrame:
    """The selected tickets (`ctx.records`) with their spells: created_at, `closed` (closed at
    --as-of), `last_closed_at` (closed_at when closed, else empty), `first_closed_at` (the first
    close: first_closed_at or stage history, else the last close), `reopened` (a reopen date, or
    a first close before the last), and the model's three instants: `close_1` (when it first
    goes from open to closed), `reopen_1` and `close_2` (empty without a known reopen cycle);
    `valid` is false for a ticket closed before it was created."""
    tickets, _ = with_first_close(ctx.dataset, ctx.records([*LIFECYCLE_NEEDS, *columns]))
    col = pl.col
    closed = is_closed(ctx.now)
    last_close = pl.when(closed).then(col("closed_at"))
    tickets = tickets.with_columns(closed.alias("closed"), last_close.alias("last_closed_at")).with_columns(
        pl.coalesce("first_closed_at", "last_closed_at").alias("first_closed_at")
    )
    first, reopen, last = col("first_closed_at"), col("reopened_at"), col("last_closed_at")
    # a reopen is known when it lies between the first close and the last (or the ticket is open)
    cycle = first.is_not_null() & (reopen >= first).fill_null(False) & (last.is_null() | (last >= reopen)).fill_null(False)
    return tickets.with_columns(
        (reopen.is_not_null() | (first < last).fill_null(False)).alias("reopened"),
        pl.when(cycle).then(first).otherwise(last).alias("close_1"),
        pl.when(cycle).then(reopen).alias("reopen_1"),
        pl.when(cycle).then(last).alias("close_2"),
        (first >= col("created_at")).fill_null(True).alias("valid"),
    )


def open_before(at: pl.Expr) -> pl.Expr:
    """Whether a ticket of `lifecycle` is open just before the instant `at` (exclusive: what
    happens at `at` belongs to the next period): created before it and not in a closed spell."""
    before = [(pl.col(c) < at).fill_null(False) for c in ("close_1", "reopen_1", "close_2")]
    closed_then = (before[0] & ~before[1]) | before[2]
    return (pl.col("created_at") < at) & ~closed_then


def valid_only(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """The tickets of `lifecycle` that were not closed before they were created; the others are
    counted in a warning."""
    ctx.exclude(tickets.filter(~pl.col("valid")), "closed before it was created")
    return tickets.filter(pl.col("valid"))
