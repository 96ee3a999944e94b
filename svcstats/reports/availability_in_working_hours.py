"""availability-in-working-hours: how much of their working time reps were available, and how much
availability fell outside working hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, Stages
from svcstats.reports.rules import AVAILABILITY_GROUPS, AVAILABILITY_RULES

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The status intervals of each rep, cut at period boundaries, with their working hours
    (the rep's schedule) and whether the status is Available."""
    import polars as pl

    from svcstats.reports.availability import in_periods, is_available, status_intervals
    from svcstats.reports.base import HOURS_PER_MICROSECOND

    pieces = in_periods(ctx, status_intervals(ctx))
    ctx.note_schedules(pieces, "rep", always=True)
    working = ctx.working_time.between(pl.col("started_at"), pl.col("ended_at"), pl.col("rep")) * HOURS_PER_MICROSECOND
    return pieces.with_columns(working=working, available=is_available())


def aggregate(ctx: ReportContext, pieces: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: reps, working hours, available hours inside and outside them, and how many
    reps were available inside and outside."""
    import polars as pl

    outside = pl.col("hours") - pl.col("working")
    available = pl.col("available")
    return ctx.aggregate(
        pieces,
        pl.col("rep").n_unique().alias("reps"),
        pl.col("working").sum().alias("working_hours"),
        pl.col("working").filter(available).sum().alias("available_working_hours"),
        outside.filter(available).sum().alias("available_outside_hours"),
        pl.col("rep").filter(available & (pl.col("working") > 0)).n_unique().alias("reps_available_inside"),
        pl.col("rep").filter(available & (outside > 0)).n_unique().alias("reps_available_outside"),
    )


def finish(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, zeros where nobody's status was known, the available share."""
    import polars as pl

    counts = ["reps", "reps_available_inside", "reps_available_outside"]
    result = ctx.assemble([summary], counts=counts)
    hours = ["working_hours", "available_working_hours", "available_outside_hours"]
    result = result.with_columns(pl.col(hours).fill_null(0.0))
    return result.with_columns(ctx.rate("available_working_hours", "working_hours").alias("available_pct")).select(
        *ctx.keys, "reps", "working_hours", "available_working_hours", "available_pct", "available_outside_hours", *counts[1:]
    )


REPORT = ReportInfo(
    name="availability-in-working-hours",
    collection="Scheduling",
    title="Availability in working hours",
    summary="How much of their working hours reps were available, and how much availability fell outside them.",
    about="""\
For each rep, the time they were Available inside their working hours, as a share of their
working hours: available_pct = available_working_hours / working_hours (a ratio of sums over
the reps of a row). available_outside_hours is Available time outside working hours. Without
--group-by, one row per period for the whole team, with HubSpot's figure: how many reps were
available inside (reps_available_inside) and outside (reps_available_outside) their working
hours; --group-by rep gives one row per rep (those counts are then 1 or 0).

Working hours are each rep's schedule from the working_hours export (rep "*" and the
[business_hours] config section give the default, for reps without their own), in its own time
zone, DST-correct, holidays removed. They count while the rep's status is known: from their
first event (or the range start, carried in from their last earlier event) to --as-of; a gap
after an event's own ended_at has no status and no working hours.

"""
    + AVAILABILITY_RULES,
    table="availability",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("reps", "reps with a known status in the period or group"),
        ("working_hours", "their working hours while the status was known"),
        ("available_working_hours", "of those, hours with status Available"),
        ("available_pct", "available_working_hours / working_hours, in percent"),
        ("available_outside_hours", "hours Available outside working hours"),
        ("reps_available_inside", "reps Available at some time inside their working hours"),
        ("reps_available_outside", "reps Available at some time outside their working hours"),
    ),
    date_by={"started": "started_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("rep", "rep", "a rep's availability events, and the schedules (working_hours, holidays) every partition reads whole"),
    group_aliases=AVAILABILITY_GROUPS,
    example_options=" --frequency monthly --group-by rep",
)
