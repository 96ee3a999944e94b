"""agent-impact: the week holding --as-of beside the week before (HubSpot's "Impact this week")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, Stages
from svcstats.reports.rules import agent_report

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

from datetime import date, timedelta

MEASURES = (
    "resolved", "handled", "pending", "mean_resolution_minutes",
    "deflection_pct", "deflected", "judged", "helpful_pct", "helpful", "rated",
)  # fmt: skip
COUNTS = ("resolved", "handled", "pending", "deflected", "judged", "helpful", "rated")


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per conversation with its flags (reports/agent_flags.py)."""
    from svcstats.reports.agent_flags import conversation_flags

    return conversation_flags(ctx)


def aggregate(ctx: ReportContext, flags: pl.LazyFrame) -> pl.LazyFrame:
    """(2) One row (per group): this week's measures and, beside each, last week's."""
    import polars as pl

    this_monday = _monday(ctx)
    this_week = _week(ctx, flags, this_monday)
    last_week = _week(ctx, flags, this_monday - timedelta(days=7)).rename({m: f"{m}_last_week" for m in MEASURES})
    keys = ctx.group_keys
    return this_week.join(last_week, on=keys, how="full", coalesce=True) if keys else pl.concat([this_week, last_week], how="horizontal")


def finish(ctx: ReportContext, weeks: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Zero counts where a week had none, the week's Monday, each measure beside last week's."""
    import polars as pl

    keys = ctx.group_keys
    counted = [*COUNTS, *(f"{m}_last_week" for m in COUNTS)]
    result = weeks.with_columns(pl.col(counted).fill_null(0).cast(pl.Int64), pl.lit(_monday(ctx)).alias("week_start"))
    return result.select(*keys, "week_start", *(c for m in MEASURES for c in (m, f"{m}_last_week"))).sort(keys or "week_start")


def _monday(ctx: ReportContext) -> date:
    """The first day of the week holding --as-of: a Monday, or a Sunday with --week-start sunday."""
    from svcstats.daterange import week_start

    return week_start(ctx.as_of, ctx.week_start)


def _week(ctx: ReportContext, flags: pl.LazyFrame, monday: date) -> pl.LazyFrame:
    """The measures of the conversations started in the week from `monday` (in --tz)."""
    import polars as pl

    from svcstats.periods import end_of_day, local_midnight
    from svcstats.reports.agent_flags import counts

    started = pl.col("started_at")
    end = min(local_midnight(monday + timedelta(days=7), ctx.tz), end_of_day(ctx.as_of, ctx.tz))  # nothing after --as-of
    week = flags.filter((started >= local_midnight(monday, ctx.tz)) & (started < end))
    summary = counts(ctx, week).with_columns((pl.col("helpful") + pl.col("not_helpful")).alias("rated"))
    return summary.with_columns(
        ctx.rate("deflected", "judged").alias("deflection_pct"),
        ctx.rate("helpful", "rated").alias("helpful_pct"),
    ).select(*ctx.group_keys, *MEASURES)


REPORT = agent_report(
    "agent-impact",
    "Customer agent impact this week",
    "This week's resolved and handled conversations, resolution time, deflection and helpful feedback, beside last week's.",
    """\
HubSpot's "Impact this week": for the week holding --as-of (Monday to Sunday, or Sunday to
Saturday with --week-start sunday, in --tz) and the week before it, side by side: resolved
conversations, handled (involved) conversations, pending ones, the mean resolution time in
minutes (resolved conversations: end, else last activity, minus start), the deflection rate
(deflected / judged) and the share of feedback marked helpful (helpful / (helpful + not
helpful); conversations without feedback are left out of it). Each rate carries its numerator
and denominator. The date range options do not apply (giving one is an error): the weeks come
from --as-of.""",
    (
        GROUP_COLUMNS,
        ("week_start", "first day of the week holding --as-of (Monday; Sunday with --week-start sunday)"),
        ("resolved, handled, pending", "this week's counts"),
        ("mean_resolution_minutes", "mean minutes from start to end of the resolved conversations"),
        ("deflection_pct", "deflected / judged x 100"),
        ("deflected, judged", "judged conversations without a human; involved conversations whose outcome is final"),
        ("helpful_pct", "helpful / rated x 100"),
        ("helpful, rated", "conversations with helpful feedback; with helpful or not helpful feedback"),
        ("<measure>_last_week", "the same measure for the week before"),
    ),
    range_only=True,
    no_compare="already sets the week of --as-of beside the week before, so --compare does not apply",
    own_range="the week of --as-of and the week before",
    example_options=" --as-of 2026-10-28",
    stages=Stages(facts, aggregate, finish),
)
