"""rep-availability: per rep, time in each status and its share; --detail and --intervals drill down."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import AVAILABILITY_GROUPS, AVAILABILITY_RULES

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


INTERVAL_COLUMNS = ["rep", "status", "detail", "started_at", "ended_at", "hours", "carried_in", "open"]


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The status intervals of each rep (reports/availability.py), clipped to the range."""
    from svcstats.reports.availability import status_intervals

    return status_intervals(ctx)


def aggregate(ctx: ReportContext, intervals: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Hours and intervals per status (and detail) per row key, the intervals cut at period
    boundaries; with --intervals, the intervals themselves."""
    import polars as pl

    from svcstats.reports.availability import in_periods
    from svcstats.reports.base import NO_VALUE

    if ctx.options.get("intervals"):
        extra = [k for k in ctx.group_keys if k not in INTERVAL_COLUMNS]
        return intervals.select(*extra, *INTERVAL_COLUMNS)
    pieces = in_periods(ctx, intervals).with_columns(pl.col("detail").fill_null(NO_VALUE))
    return ctx.aggregate(pieces, pl.col("hours").sum(), pl.len().alias("intervals"), by=_by(ctx))


def finish(ctx: ReportContext, per_status: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar and each status's share of the key's covered time, sorted;
    with --intervals, the intervals by rep and start."""
    import polars as pl

    if ctx.options.get("intervals"):
        return per_status.sort(["rep", "started_at"])
    by = _by(ctx)
    result = ctx.assemble([per_status], counts=["intervals"], by=by).with_columns(pl.col("hours").fill_null(0.0))
    covered = pl.col("hours").sum().over(ctx.keys) if ctx.keys else pl.col("hours").sum()
    share = pl.when(covered > 0).then(pl.col("hours") * 100.0 / covered).alias("share_pct")
    return result.with_columns(share).sort([*ctx.keys, *by])


def _by(ctx: ReportContext) -> list[str]:
    return ["status", "detail"] if ctx.options.get("detail") else ["status"]


REPORT = ReportInfo(
    name="rep-availability",
    collection="Scheduling",
    title="Rep availability",
    summary="Per rep, the time spent in each status and its share; detailed statuses and the intervals themselves.",
    about="""\
Per rep (the default grouping) and period, the hours in each status and its share of the time
the rep's status was known (share_pct; a rep's shares add up to 100 in each row key).
--detail splits each status by its detailed status (the detail column: lunch, meeting, ...).
--intervals lists the status intervals themselves, clipped to the range: rep, status, detail,
start, end, hours, whether it was carried in from before the range, and whether it was still open
at --as-of.

"""
    + AVAILABILITY_RULES,
    table="availability",
    columns=(
        *PERIOD_COLUMNS,
        ("rep", "the rep (other --group-by keys follow)"),
        ("status", "the status, as exported"),
        ("detail", "the detailed status (with --detail; (none) when empty)"),
        ("hours", "hours in that status"),
        ("intervals", "status intervals (pieces of them within the period)"),
        ("share_pct", "share of the rep's time with a known status, in percent"),
        (
            "started_at, ended_at, carried_in, open",
            "with --intervals (instead of hours per status): each interval clipped to the range, whether it began "
            "before the range, whether it was still open at --as-of",
        ),
    ),
    date_by={"started": "started_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("rep", "rep", "a rep's availability events"),
    group_aliases=AVAILABILITY_GROUPS,
    example_options=" --last-month --as-of 2026-10-31 --totals",
    default_group_by=("rep",),
    listing_options=("intervals",),
    options=(
        ReportOption("detail", "--detail", False, "Split each status by its detailed status."),
        ReportOption("intervals", "--intervals", False, "List the status intervals instead of totals."),
    ),
)
