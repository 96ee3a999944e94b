"""sla: attainment of first reply, next reply and time to close targets, per period and group."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import LIFECYCLE_RULES, MESSAGE_RULES, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.config import SlaConfig
    from svcstats.reports.base import ReportContext

METRICS = ("first_reply", "next_reply", "close")
DIMENSIONS = ("priority", "pipeline", "source", "team")  # per-value targets, first match wins
DEFAULT_TARGETS = {"first_reply": 24.0, "next_reply": 24.0, "close": 72.0}  # hours, without an [sla] section
BREACHED = ("completed_late", "overdue")
LISTED = ("ticket_id", "metric", "status", "target_hours", "started_at", "due_at", "completed_at", "hours", "hours_over")


def targets(ctx: ReportContext) -> SlaConfig:
    """The [sla] section of svcstats.toml, or the documented default targets (with a note)."""
    from svcstats.config import SlaConfig

    given = ctx.dataset.config.sla
    if given is not None:
        return given
    return SlaConfig(**{f"{metric}_hours": hours for metric, hours in DEFAULT_TARGETS.items()})


def target(sla: SlaConfig, metric: str) -> pl.Expr:
    """Each ticket's target in hours for `metric`: the first per-value target of its priority,
    pipeline, source or team that sets one, else the section's; empty = no target."""
    import polars as pl

    field = f"{metric}_hours"
    parts = []
    for dimension in DIMENSIONS:
        mapping = {value: getattr(t, field) for value, t in getattr(sla, dimension).items() if getattr(t, field) is not None}
        if mapping:
            column = pl.col(f"sla_{dimension}").cast(pl.String)
            parts.append(column.replace_strict(mapping, default=None, return_dtype=pl.Float64))
    return pl.coalesce([*parts, pl.lit(getattr(sla, field), pl.Float64)])


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per SLA clock: each ticket's first reply and close, and each customer wait
    after the first (next reply), with its target, hours (to completion, else to --as-of) and
    status. Clocks left unfinished by a close are not measured (a note)."""
    import polars as pl

    from svcstats.reports.lifecycle import lifecycle, valid_only
    from svcstats.reports.reply_waits import attributed_waits
    from svcstats.reports.ticket_facts import EXPORT_REPLY, with_known_first_reply

    sla = targets(ctx)
    tickets = valid_only(ctx, ctx.reuse(lifecycle(ctx, ("owner", *DIMENSIONS, *EXPORT_REPLY))))
    tickets = with_known_first_reply(ctx, tickets).with_columns(pl.col(d).alias(f"sla_{d}") for d in DIMENSIONS)
    keep = ["ticket_id", "owner", "closed", *ctx.group_keys]
    clocks = [
        tickets.select(*keep, pl.lit("first_reply").alias("metric"), pl.col("created_at").alias("started_at"),
                       pl.col("first_reply_at").alias("completed_at"), target(sla, "first_reply").alias("target_hours")),
        tickets.select(*keep, pl.lit("close").alias("metric"), pl.col("created_at").alias("started_at"),
                       pl.col("last_closed_at").alias("completed_at"), target(sla, "close").alias("target_hours")),
    ]  # fmt: skip
    if not ctx.dataset.has("messages") and not set(EXPORT_REPLY) & set(ctx.dataset.columns("tickets")):
        clocks = clocks[1:]  # no way to tell a reply from none: first replies are not measured
    if ctx.dataset.has("messages"):
        waits = attributed_waits(ctx, "customer").filter(~pl.col("first_wait"))
        owned = tickets.select(*keep, target(sla, "next_reply").alias("target_hours"))
        clocks.append(
            waits.join(owned, on="ticket_id", how="inner").select(
                *keep, pl.lit("next_reply").alias("metric"), "started_at", pl.col("ended_at").alias("completed_at"), "target_hours"
            )
        )
    measured = pl.concat(clocks, how="vertical").filter(pl.col("target_hours").is_not_null())
    stopped = pl.col("completed_at").is_null() & pl.col("closed")
    ctx.exclude(
        ctx.place(measured.filter(stopped), "started_at"),
        "not measured: the ticket was closed before the reply (or closed without a date)",
        "note",
    )
    if ctx.dataset.config.sla is None:
        _note_defaults(ctx, measured)
    return _status(ctx, measured.filter(~stopped))


def _status(ctx: ReportContext, clocks: pl.LazyFrame) -> pl.LazyFrame:
    """Hours on each clock (to completion, else to --as-of; with --hours business the owner's
    working hours), its due instant (calendar only) and status in HubSpot's words."""
    import polars as pl

    done = pl.col("completed_at").is_not_null()
    hours = ctx.duration("started_at", pl.coalesce("completed_at", pl.lit(ctx.now)), "owner")
    late = pl.col("hours") > pl.col("target_hours")
    status = (
        pl.when(done & ~late).then(pl.lit("completed_on_time"))
        .when(done).then(pl.lit("completed_late"))
        .when(late).then(pl.lit("overdue"))
        .otherwise(pl.lit("active"))
    )  # fmt: skip
    due = None if ctx.business else pl.col("started_at") + pl.duration(microseconds=(pl.col("target_hours") * 3.6e9).round())
    ctx.note_schedules(clocks, "owner")
    return (
        clocks.with_columns(hours.alias("hours"))
        .with_columns(status.alias("status"), (due if due is not None else pl.lit(None, pl.Datetime("us", "UTC"))).alias("due_at"))
        .with_columns(pl.when(late).then(pl.col("hours") - pl.col("target_hours")).alias("hours_over"))
    )


def _note_defaults(ctx: ReportContext, clocks: pl.LazyFrame) -> None:
    """A note saying the default targets were used (no [sla] section in svcstats.toml)."""
    import polars as pl

    from svcstats.findings import Check, Finding

    name = ctx.info.name
    what = "no [sla] in svcstats.toml: default targets first reply 24 h, next reply 24 h, close 72 h"

    def read(result: pl.DataFrame) -> list[Finding]:
        rows = int(result.item())
        return [Finding(name, what, rows, "note", unit="clock", verb="measured")] if rows else []

    ctx.checks.append(Check(clocks.select(pl.len()), read))


def aggregate(ctx: ReportContext, clocks: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key and metric (placed by when the clock started): the counts by status and
    the time over target of the breached ones; with --breached, the breached clocks themselves."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    placed = ctx.place(clocks, "started_at")
    status = pl.col("status")
    if ctx.options.get("breached"):
        keys = [k for k in ctx.keys if k not in LISTED]
        return placed.filter(status.is_in(BREACHED)).select(*keys, *LISTED)
    over = pl.col("hours_over").filter(status.is_in(BREACHED))
    return ctx.aggregate(
        placed,
        (status == "completed_on_time").sum().alias("met"),
        status.is_in(BREACHED).sum().alias("breached"),
        (status == "active").sum().alias("active"),
        (status == "completed_late").sum().alias("completed_late"),
        (status == "overdue").sum().alias("overdue"),
        *duration_stats(over, ("mean", "median"), "hours_over"),
        by=["metric"],
    )


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar for each metric seen; achievement_pct = met / (met +
    breached) x 100 (active clocks are not due yet: out of the denominator)."""
    import polars as pl

    if ctx.options.get("breached"):
        keys = [k for k in ctx.keys if k not in LISTED]
        return aggregated.sort([*keys, "started_at", "ticket_id", "metric"])
    counts = ["met", "breached", "active", "completed_late", "overdue"]
    result = ctx.assemble([aggregated], counts=counts, by=["metric"])
    achieved = pl.when(pl.col("met") + pl.col("breached") > 0).then(pl.col("met") * 100.0 / (pl.col("met") + pl.col("breached")))
    return result.with_columns(achieved.alias("achievement_pct")).select(
        *ctx.keys, "metric", "achievement_pct", *counts, "mean_hours_over", "median_hours_over"
    )


REPORT = ReportInfo(
    name="sla",
    collection="Beyond HubSpot",
    title="SLA attainment",
    summary="First reply, next reply and time to close against their targets: met, breached, active.",
    about="""\
Measures three clocks against targets in hours: first_reply (creation to the first public human
reply, as ticket-time-to-first-response), next_reply (each customer wait after the first, to the
next reply, as customer-wait-time pairs them) and close (creation to the last close, as
ticket-time-to-close). Targets come from the [sla] section of svcstats.toml:

  [sla]
  first_reply_hours = 4
  next_reply_hours = 8
  close_hours = 72
  [sla.priority.high]
  first_reply_hours = 1

with per-value targets for priority, pipeline, source or team (the first of those that sets a
target wins, in that order; a metric without a target is not measured, nor first replies when
the data has neither messages nor a first-response column). Without an [sla] section the
defaults are first reply 24 h, next reply 24 h and close 72 h (a note says so).

Each clock has a status, in HubSpot's words: completed_on_time (met), completed_late, overdue
(not completed and past its target at --as-of) or active (not completed, not due yet; HubSpot's
"Due soon" is part of it). breached = completed_late + overdue; achievement_pct = met / (met +
breached) x 100: active clocks are not due yet, so out of the denominator. mean_hours_over and
median_hours_over are the time past the target of the breached clocks (to completion, or to
--as-of). A first or next reply never sent before the ticket was closed is not measured (a
note). Clocks are placed by when they started. With --hours business, hours count the ticket
owner's working hours (due_at is then empty: it is only given in calendar time).

--breached lists the breached clocks: ticket, metric, status, target, start, due, completion
(empty while overdue), hours and hours over.

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
        ("active", "clocks not completed and not due yet (out of the denominator)"),
        ("completed_late", "completed after the target"),
        ("overdue", "not completed and past the target at --as-of"),
        ("mean_hours_over, median_hours_over", "time past the target of the breached clocks"),
        (
            "ticket_id, status, target_hours, started_at, due_at, completed_at, hours, hours_over",
            "with --breached: one row per breached clock",
        ),
    ),
    date_by={"started": "started_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row, its messages and stage_history rows"),
    schedule_of="the ticket owner",
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    listing_options=("breached",),
    options=(ReportOption("breached", "--breached", False, "List the breached clocks, one row each."),),
    group_aliases=TICKET_GROUPS,
)
