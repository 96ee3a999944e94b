"""Status intervals from availability events, shared by the Scheduling reports.

The rules are `rules.AVAILABILITY_RULES` (what `svcstats about` prints for those reports): how
long an event holds, carry-in, open intervals, same-instant events, cut and bad ends.
"""

from __future__ import annotations

import polars as pl

from svcstats.findings import Severity
from svcstats.periods import end_of_day, local_midnight, split_by_period
from svcstats.reports.base import HOURS_PER_MICROSECOND, ReportContext

ORDERED = ("rep", "started_at", "status", "detail", "ended_at")
AVAILABLE = "available"  # the status (any case) that makes a rep available; every other one is away


def is_available() -> pl.Expr:
    """True for intervals whose status is Available (case-insensitive)."""
    return pl.col("status").str.strip_chars().str.to_lowercase() == AVAILABLE


def status_intervals(ctx: ReportContext) -> pl.LazyFrame:
    """One row per status interval, clipped to the range and to --as-of: rep, status, detail,
    started_at, ended_at, carried_in (began before the range), open (no end by --as-of), the
    exported columns, the group columns, and hours; --rep/--team/--where select intervals."""
    # filters (--rep, --team, --where) apply to the intervals, not to the events: leaving out an
    # event would stretch the one before it
    events = ctx.dataset.load("availability", dict.fromkeys(["ended_at", "detail", *ctx.dataset.columns("availability")]))
    now = pl.lit(ctx.now)
    start = local_midnight(ctx.date_range.start, ctx.tz) if ctx.date_range.start else None
    stop = min(end_of_day(ctx.date_range.end, ctx.tz), ctx.until) if ctx.date_range.end and ctx.until else ctx.until
    events = events.filter(pl.col("rep").is_not_null() & (pl.col("started_at") <= now))
    computed = ["started_at", "ended_at", "hours", "open", "carried_in"]

    def exclude(frame: pl.LazyFrame, what: str, severity: Severity = "warning") -> None:
        """Count the events of the range (and of the selected reps) left out or cut."""
        in_range = pl.col("started_at") < pl.lit(stop)
        if start is not None:
            in_range &= pl.col("started_at") >= pl.lit(start)
        ctx.exclude(ctx.refine(frame.filter(in_range), computed=computed), what, severity)

    backwards = (pl.col("ended_at") < pl.col("started_at")).fill_null(False)
    exclude(events.filter(backwards), "ends before it starts")
    # every column in the order, so that which of several events at one instant is kept never
    # depends on the order of the rows
    order = ["rep", "started_at", "status", "detail", "ended_at", *(c for c in events.collect_schema().names() if c not in ORDERED)]
    ordered = events.filter(~backwards).sort(order, nulls_last=True)
    same_rep_next = pl.col("rep").shift(-1) == pl.col("rep")
    twin = (pl.col("rep") == pl.col("rep").shift(1)) & (pl.col("started_at") == pl.col("started_at").shift(1))
    marked = ordered.with_columns(twin=twin.fill_null(False))
    exclude(marked.filter(pl.col("twin")).drop("twin"), "another event of the rep at the same instant (the first by status kept)")
    kept = marked.filter(~pl.col("twin"))
    follows = kept.with_columns(next_at=pl.when(same_rep_next).then(pl.col("started_at").shift(-1)))
    exclude(
        follows.filter(pl.col("ended_at") > pl.col("next_at")).drop("twin", "next_at"),
        "ended after the rep's next event: cut there (not left out)",
        "note",
    )
    end = pl.min_horizontal("ended_at", "next_at", pl.lit(stop))
    unknown_end = pl.col("ended_at").is_null() & pl.col("next_at").is_null()
    intervals = follows.with_columns(
        open=unknown_end & (pl.lit(stop) >= pl.lit(ctx.until)),  # still going at --as-of (not cut at an earlier range end)
        carried_in=pl.lit(start is not None) & (pl.col("started_at") < pl.lit(start)),
        started_at=pl.max_horizontal("started_at", pl.lit(start)) if start else pl.col("started_at"),
        ended_at=end,
    )
    intervals = intervals.filter(pl.col("ended_at") > pl.col("started_at")).drop("twin", "next_at").with_columns(hours=hours())
    return ctx.refine(intervals, computed=computed)


def hours() -> pl.Expr:
    """Calendar hours from started_at to ended_at."""
    return (pl.col("ended_at") - pl.col("started_at")).dt.total_microseconds() * HOURS_PER_MICROSECOND


def in_periods(ctx: ReportContext, intervals: pl.LazyFrame) -> pl.LazyFrame:
    """Intervals cut at period boundaries (PERIOD added; hours recomputed), or as they are with --totals."""
    if ctx.totals:
        return intervals
    return split_by_period(intervals, ctx.every, ctx.tz).with_columns(hours=hours())
