"""ticket-time-in-pipeline: hours tickets spend in each pipeline stage (HubSpot's figure, cumulative, latest visit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import DURATION_COLUMNS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


STAGE_KEYS = ["pipeline", "stage"]
SCHEDULE_REP = "schedule_rep"  # the ticket owner, whose working hours --hours business counts


def stage_times(ctx: ReportContext, visits: pl.LazyFrame) -> pl.LazyFrame:
    """One row per ticket and stage it visited: stage_order (the smallest of its visits), and of
    its visits entered by --as-of: time_in_hours (HubSpot: first entry to the last moment in the
    stage), cumulative_hours (all visits), latest_hours (the last visit), visits, still_in_stage,
    and first_entered_at / last_left_at for placing it in time (visits = 0 and no times for a
    stage entered only after --as-of)."""
    import polars as pl

    now = pl.lit(ctx.now)
    entered = pl.col("entered_at") <= now
    left = pl.min_horizontal(pl.coalesce("exited_at", now), now)
    visits = visits.with_columns(
        entered=entered,
        entered_by_now=pl.when(entered).then(pl.col("entered_at")),
        left_at=pl.when(entered).then(left),
        visit_hours=pl.when(entered).then(ctx.duration("entered_at", left, SCHEDULE_REP)),
    )
    return (
        visits.group_by(_per_ticket(ctx))
        .agg(
            pl.col("stage_order").min(),
            pl.col("entered_by_now").min().alias("first_entered_at"),
            pl.col("left_at").max().alias("last_left_at"),
            pl.col("visit_hours").sum().alias("cumulative_hours"),
            pl.col("visit_hours").sort_by("entered_by_now", nulls_last=False).last().alias("latest_hours"),
            pl.col("entered").sum().alias("visits"),
            (pl.col("entered") & (pl.col("exited_at").is_null() | (pl.col("exited_at") > now))).any().alias("still_in_stage"),
        )
        .with_columns(time_in_hours=ctx.duration("first_entered_at", "last_left_at", SCHEDULE_REP))
    )


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per ticket and stage it visited (closed stages left out unless
    --include-closed): its stage_order (over all its visits) and, when it entered before --as-of,
    its times in the stage (stage_times)."""
    import polars as pl

    from svcstats.reports.base import NO_VALUE
    from svcstats.reports.tickets import closed_stage

    visits = ctx.records(["exited_at", "pipeline", "stage_order", "is_closed_stage"])
    visits = visits.with_columns(pl.col("pipeline").fill_null(NO_VALUE))
    if not ctx.options.get("include_closed"):
        visits = visits.filter(~closed_stage())
    visits = ctx.reuse(with_owner(ctx, visits))
    ctx.note_schedules(visits, SCHEDULE_REP)
    return stage_times(ctx, visits)


def _per_ticket(ctx: ReportContext) -> list[str]:
    return list(dict.fromkeys(["ticket_id", *STAGE_KEYS, *ctx.group_keys, SCHEDULE_REP]))


def aggregate(ctx: ReportContext, stays: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key and stage: tickets, the HubSpot time-in figure (mean/median/p90), the mean
    cumulative and latest-visit times, visits, tickets still there; with each stage's order (the
    smallest stage_order of any visit)."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    order = stays.group_by(STAGE_KEYS).agg(pl.col("stage_order").min())
    stats = ctx.aggregate(
        ctx.place(stays.filter(pl.col("visits") > 0)),
        pl.len().alias("tickets"),
        *duration_stats(pl.col("time_in_hours"), ctx.stats),
        pl.col("cumulative_hours").mean().alias("mean_cumulative_hours"),
        pl.col("latest_hours").mean().alias("mean_latest_hours"),
        pl.col("visits").sum().alias("visits"),
        pl.col("still_in_stage").sum().alias("still_in_stage"),
        by=STAGE_KEYS,
    )
    return stats.join(order, on=STAGE_KEYS, how="left")


def finish(ctx: ReportContext, stats: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar for every stage seen, stages per pipeline in stage order."""
    order = stats.select(*STAGE_KEYS, "stage_order").unique()
    result = ctx.assemble([stats.drop("stage_order")], counts=["tickets", "visits", "still_in_stage"], by=STAGE_KEYS)
    ordered = result.join(order, on=STAGE_KEYS, how="left")
    return ordered.sort([*ctx.keys, "pipeline", "stage_order", "stage"], nulls_last=True)


def with_owner(ctx: ReportContext, visits: pl.LazyFrame) -> pl.LazyFrame:
    """`visits` with the ticket owner as SCHEDULE_REP (null without --hours business, or when the
    tickets export is missing: the default schedule then applies)."""
    import polars as pl

    if not (ctx.business and ctx.dataset.has("tickets")):
        return visits.with_columns(pl.lit(None, pl.String).alias(SCHEDULE_REP))
    owners = ctx.dataset.load("tickets", ["owner"]).select("ticket_id", pl.col("owner").alias(SCHEDULE_REP))
    return visits.join(owners, on="ticket_id", how="left")


REPORT = ReportInfo(
    name="ticket-time-in-pipeline",
    collection="Team performance",
    title="Time in pipeline",
    summary="How long tickets spend in each pipeline stage, in stage order.",
    about="""\
For each pipeline stage, how long tickets stayed in it, from the stage_history table (one row
per visit: ticket_id, stage, entered_at, exited_at; exited_at empty while the ticket is still
there). Per ticket and stage:
  time in stage (HubSpot's figure) = the last moment in the stage - the first entry into it,
                                     whatever happened in between (excursions to other stages count)
  cumulative = the sum of all visits; latest = the last visit alone; visits = number of entries
so time in stage >= cumulative >= latest. The mean, median and p90 of HubSpot's figure are
given, with the mean cumulative and latest times beside them.

A ticket still in a stage counts up to --as-of (the end of that day), else up to now; visits
after --as-of are ignored. A ticket that never entered a stage is not a zero for it: it simply
does not count there. Closed stages (is_closed_stage, or a stage named "closed" when that column
is absent) are left out unless --include-closed. Stages are listed per pipeline by stage_order
(for HubSpot stage columns, which do not give it: the order tickets typically enter them).

Over time, a ticket is placed by the last time it left the stage (--date-by exited; still in the
stage: --as-of), or by its first entry (--date-by entered). --group-by rep or team takes the
ticket's owner or team from the tickets table.

HubSpot's ticket export keeps only the latest entry and exit of each stage, so from such an
export cumulative = latest = time in stage, and re-entries are invisible.""",
    table="stage_history",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("pipeline", "pipeline of the stage"),
        ("stage", "stage name"),
        ("tickets", "tickets that were in the stage (n)"),
        *DURATION_COLUMNS,
        ("mean_cumulative_hours", "mean of all visits added up, per ticket"),
        ("mean_latest_hours", "mean of the latest visit, per ticket"),
        ("visits", "entries into the stage (re-entries counted)"),
        ("still_in_stage", "tickets in the stage at --as-of"),
        ("stage_order", "position of the stage in its pipeline, when known"),
    ),
    date_by={"exited": "last_left_at", "entered": "first_entered_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's stage_history visits and its row of tickets (owner, for --hours business)"),
    schedule_of="the ticket owner",
    duration_stats=True,
    row_keys=("stage_order",),
    group_aliases={"rep": "owner", "owner": "owner", "team": "team", "source": "source", "channel": "source"},
    example_options=" --totals",
    options=(ReportOption("include_closed", "--include-closed", False, "Also show time in closed stages."),),
)
