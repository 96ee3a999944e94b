"""SLA clocks, once, for the sla report and ticket-facts: one row per clock (a ticket's first
reply, each next reply, its close) with its target, due time, hours and status in HubSpot's words.

Two sources. Targets (`[sla]` in svcstats.toml, or the default targets): the clock runs from its
start to its completion (else to --as-of) on the target's clock (calendar, the owner's working
hours or a named schedule), less the time the ticket spent in a pause status (stage history).
The export (a neutral `sla` table, or HubSpot's SLA columns on the ticket export): the help
desk's own due and completion times; the status is worked out from them at --as-of.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import polars as pl

from svcstats.errors import UsageError
from svcstats.findings import Check, Finding
from svcstats.schedule import DEFAULT

if TYPE_CHECKING:
    from svcstats.config import SlaConfig, SlaTargets
    from svcstats.reports.base import ReportContext

METRICS = ("first_reply", "next_reply", "close")
DIMENSIONS = ("priority", "pipeline", "source", "team")  # per-value targets, first match wins
DEFAULT_TARGETS = {"first_reply": 24.0, "next_reply": 24.0, "close": 72.0}  # hours, without an [sla] section
STATUSES = ("completed_on_time", "completed_late", "overdue", "due_soon", "active")  # HubSpot's five, in snake_case
BREACHED = ("completed_late", "overdue")
NO_SLA_SECTION = (
    "no [sla] in svcstats.toml: default targets first reply 24 h, next reply 24 h, close 72 h (calendar hours); "
    "set your own in an [sla] section"
)
# the export's names of the clocks (neutral sla table's sla_type, HubSpot's property names)
EXPORT_TYPES = {"first_response": "first_reply", "next_response": "next_reply", "close": "close"}
# HubSpot's SLA columns on the ticket export, as neutral tickets columns: metric -> (due, status)
TICKET_SLA = {metric: (f"sla_{kind}_due_at", f"sla_{kind}_status") for kind, metric in EXPORT_TYPES.items()}
TICKET_SLA_COLUMNS = tuple(c for pair in TICKET_SLA.values() for c in pair)
# an exported status (HubSpot's codes 0-4 or words, lower case, words joined by _, "sla" dropped)
STATUS_WORDS = {
    "0": "active", "active": "active",
    "1": "overdue", "overdue": "overdue",
    "2": "due_soon", "due_soon": "due_soon",
    "3": "completed_on_time", "completed_on_time": "completed_on_time", "achieved": "completed_on_time", "met": "completed_on_time",
    "4": "completed_late", "completed_late": "completed_late",
}  # fmt: skip
CLOCK_KEY = ("ticket_id", "metric", "started_at")
CLOCK_COLUMNS = ("metric", "started_at", "completed_at", "target_hours", "due_at", "hours", "over_hours", "paused_hours", "status")
US_PER_HOUR = 3.6e9


def settings(ctx: ReportContext) -> SlaConfig:
    """The [sla] section of svcstats.toml, or the documented default targets."""
    from svcstats.config import SlaConfig

    given = ctx.dataset.config.sla
    if given is not None:
        return given
    return SlaConfig(
        first_reply_hours=DEFAULT_TARGETS["first_reply"],
        next_reply_hours=DEFAULT_TARGETS["next_reply"],
        close_hours=DEFAULT_TARGETS["close"],
    )


def exported_clocks(ctx: ReportContext) -> bool:
    """Whether the clocks come from the export: --targets export, or auto (the default) when the
    data has an sla table or SLA columns on its tickets. --targets export without either is a
    usage error."""
    choice = ctx.options.get("targets") or "auto"
    has = ctx.dataset.has("sla") or bool(set(TICKET_SLA_COLUMNS) & set(ctx.dataset.columns("tickets")))
    if choice == "export" and not has:
        raise UsageError(
            "--targets export: the data has no SLA clocks of its own",
            "add an sla table (ticket_id, sla_type, due_at, completed_at, status) or HubSpot's SLA columns, or use --targets config",
        )
    return has and choice != "config"


def sla_clocks(ctx: ReportContext, tickets: pl.LazyFrame, keep: list[str], *, listing: bool = False) -> pl.LazyFrame:
    """One row per SLA clock of `tickets` (lifecycle rows with first_reply_at, owner, the four
    target dimensions and TICKET_SLA_COLUMNS): `keep` columns of its ticket and CLOCK_COLUMNS.
    Notes say where the clocks came from (the export, or the default targets); clocks that cannot
    be measured are counted as left out, unless the caller lists every ticket anyway (`listing`)."""
    if exported_clocks(ctx):
        return _from_export(ctx, tickets, keep, listing)
    return _from_targets(ctx, tickets, keep, listing)


def per_ticket(clocks: pl.LazyFrame) -> pl.LazyFrame:
    """Each ticket's clock statuses and due times, one row per ticket: first_reply_sla_status,
    _due_at, next_reply_ (its latest next-reply clock), close_."""
    order = ["started_at", "due_at", "status"]  # the latest start; ties (exported clocks) by value, never by row order
    # one sort, then each group's last row (a group keeps its rows' order): a sort per group
    # (`sort_by` in the aggregation) and a frame per metric were most of ticket-facts' time
    latest = (
        clocks.sort(["ticket_id", "metric", *order], nulls_last=False)
        .group_by("ticket_id", "metric")
        .agg(pl.col("status", "due_at").last())
    )
    return latest.group_by("ticket_id").agg(
        expr
        for metric in METRICS
        for expr in (
            pl.col("status").filter(pl.col("metric") == metric).first().alias(f"{metric}_sla_status"),
            pl.col("due_at").filter(pl.col("metric") == metric).first().alias(f"{metric}_sla_due_at"),
        )
    )


# --- clocks from targets -------------------------------------------------------------------


def _from_targets(ctx: ReportContext, tickets: pl.LazyFrame, keep: list[str], listing: bool) -> pl.LazyFrame:
    """Clocks measured against the targets: first reply and close from the ticket, next replies
    from the customer waits after the first (as customer-wait-time pairs them)."""
    from svcstats.reports.reply_waits import attributed_waits
    from svcstats.reports.ticket_facts import EXPORT_REPLY

    sla = settings(ctx)
    clock, used = _clock(ctx, sla)
    tickets = tickets.with_columns(pl.col(d).cast(pl.String).alias(f"sla_{d}") for d in DIMENSIONS).with_columns(clock.alias("sla_clock"))
    carry = list(dict.fromkeys([*keep, "ticket_id", "owner", "closed", "sla_clock"]))
    clocks = [
        tickets.select(*carry, pl.lit("first_reply").alias("metric"), pl.col("created_at").alias("started_at"),
                       pl.col("first_reply_at").alias("completed_at"), target(sla, "first_reply").alias("target_hours")),
        tickets.select(*carry, pl.lit("close").alias("metric"), pl.col("created_at").alias("started_at"),
                       pl.col("last_closed_at").alias("completed_at"), target(sla, "close").alias("target_hours")),
    ]  # fmt: skip
    if not ctx.dataset.has("messages") and not set(EXPORT_REPLY) & set(ctx.dataset.columns("tickets")):
        clocks = clocks[1:]  # no way to tell a reply from none: first replies are not measured
    if ctx.dataset.has("messages"):
        # the result and the counts of the clocks read the waits: paired once (a cache over the
        # clocks themselves is not kept by Polars 2.1's optimiser, one over the waits is)
        waits = ctx.reuse(attributed_waits(ctx, "customer").filter(~pl.col("first_wait")))
        owned = tickets.select(*carry, target(sla, "next_reply").alias("target_hours"))
        clocks.append(
            waits.join(owned, on="ticket_id", how="inner").select(
                *carry, pl.lit("next_reply").alias("metric"), "started_at", pl.col("ended_at").alias("completed_at"), "target_hours"
            )
        )
    measured = pl.concat(clocks, how="vertical").filter(pl.col("target_hours").is_not_null())
    stopped = pl.col("completed_at").is_null() & pl.col("closed")
    if not listing:
        ctx.exclude(
            ctx.place(measured.filter(stopped), "started_at"),
            "not measured: the ticket was closed before the reply (or closed without a date)",
            "note",
        )
    if ctx.dataset.config.sla is None:
        _note(ctx, measured, NO_SLA_SECTION)
    measured = measured.filter(~stopped)
    if used - {"calendar"}:
        ctx.note_schedules(measured.filter(pl.col("sla_clock") == "business"), "owner")
    return _measure(ctx, sla, measured, bool(used - {"calendar"})).select(*keep, *CLOCK_COLUMNS)


def target(sla: SlaConfig, metric: str) -> pl.Expr:
    """Each ticket's target in hours for `metric`: the first per-value target of its priority,
    pipeline, source or team that sets one, else the section's; empty = no target."""
    return _first_match(sla, lambda t: getattr(t, f"{metric}_hours"), pl.Float64)


def _first_match(
    sla: SlaConfig, value: Callable[[SlaTargets], object], dtype: pl.DataType | type[pl.DataType], default: object = None
) -> pl.Expr:
    """The value `value(table)` of the first [sla.DIMENSION.VALUE] table matching the ticket that
    sets one (columns sla_DIMENSION), else the section's, else `default`."""
    parts = []
    for dimension in DIMENSIONS:
        mapping = {v: value(t) for v, t in getattr(sla, dimension).items() if value(t) is not None}
        if mapping:
            parts.append(pl.col(f"sla_{dimension}").replace_strict(mapping, default=None, return_dtype=dtype))
    own = value(sla)
    return pl.coalesce([*parts, pl.lit(own if own is not None else default, dtype)])


def _clock(ctx: ReportContext, sla: SlaConfig) -> tuple[pl.Expr, set[str]]:
    """Each ticket's clock ("calendar", "business" = the owner's working hours, "schedule:NAME")
    by the first table that sets `hours` or `schedule` (else --hours), and every clock the
    section names. A named schedule must exist in the working hours: else a usage error listing them."""
    default = "business" if ctx.business else "calendar"
    tables: list[SlaTargets] = [sla, *(t for d in DIMENSIONS for t in getattr(sla, d).values())]
    used = {default, *(c for t in tables if (c := t.clock()) is not None)}
    if used - {"calendar"}:
        known = ctx.working_time.numbers  # a usage error when there are no working hours at all
        for name in sorted(c.removeprefix("schedule:") for c in used if c.startswith("schedule:")):
            if name not in known:
                raise UsageError(
                    f"[sla] schedule {name[:60]!r} is not in the working hours",
                    f"known schedules (the working_hours export's rep values): {', '.join(sorted(known)) or 'none'}",
                )
        if "business" in used and DEFAULT not in known:
            raise UsageError(
                "SLA clocks in the owner's working hours need a default schedule, for owners without their own",
                'add rows for rep "*" to the working_hours export, or a [business_hours] section to svcstats.toml',
            )
    return _first_match(sla, lambda t: t.clock(), pl.String, default), used


def _working(ctx: ReportContext, start: pl.Expr, end: pl.Expr, business: bool) -> pl.Expr:
    """Microseconds from `start` to `end` on each clock (column sla_clock): calendar, or the
    working time of its schedule (a named one, else the owner's)."""
    calendar = (end - start).dt.total_microseconds()
    if not business:
        return calendar
    return pl.when(pl.col("sla_clock") == "calendar").then(calendar).otherwise(ctx.working_time.between(start, end, _schedule()))


def _after(ctx: ReportContext, start: pl.Expr, amount_us: pl.Expr, business: bool) -> pl.Expr:
    """The instant `amount_us` microseconds after `start` on each clock (the inverse of `_working`)."""
    calendar = start + pl.duration(microseconds=amount_us.round().cast(pl.Int64))
    if not business:
        return calendar
    return (
        pl.when(pl.col("sla_clock") == "calendar").then(calendar).otherwise(ctx.working_time.after(start, amount_us.round(), _schedule()))
    )


def _schedule() -> pl.Expr:
    """The schedule a working-hours clock counts: its named schedule, else the ticket owner's."""
    clock = pl.col("sla_clock")
    return pl.when(clock.str.starts_with("schedule:")).then(clock.str.strip_prefix("schedule:")).otherwise(pl.col("owner"))


def _measure(ctx: ReportContext, sla: SlaConfig, clocks: pl.LazyFrame, business: bool) -> pl.LazyFrame:
    """Hours on each clock (start to completion, else to --as-of, less paused time), due time,
    status and hours over target. Due: the first instant at which the clock reaches its target
    (pauses before it push it later; a clock still running is taken to run on from --as-of)."""
    now = pl.lit(ctx.now)
    clocks = clocks.with_columns(
        pl.coalesce("completed_at", now).alias("sla_end"), (pl.col("target_hours") * US_PER_HOUR).alias("target_us")
    )
    if sla.pause_statuses:
        clocks = _with_pauses(ctx, sla, clocks, business)
    else:
        clocks = clocks.with_columns(pl.lit(0.0).alias("paused_us"), pl.lit(0.0).alias("due_pause_us"), pl.lit(False).alias("paused_now"))
    hours = (_working(ctx, pl.col("started_at"), pl.col("sla_end"), business) - pl.col("paused_us")) / US_PER_HOUR
    done = pl.col("completed_at").is_not_null()
    late = pl.col("hours") > pl.col("target_hours")
    soon = (pl.col("target_hours") - pl.col("hours")) <= sla.due_soon_hours
    status = (
        pl.when(done & ~late).then(pl.lit("completed_on_time"))
        .when(done).then(pl.lit("completed_late"))
        .when(late).then(pl.lit("overdue"))
        .when(~pl.col("paused_now") & soon).then(pl.lit("due_soon"))
        .otherwise(pl.lit("active"))
    )  # fmt: skip
    due = _after(ctx, pl.col("started_at"), pl.col("target_us") + pl.col("due_pause_us"), business)
    return (
        clocks.with_columns(hours.alias("hours"), due.alias("due_at"), (pl.col("paused_us") / US_PER_HOUR).alias("paused_hours"))
        .with_columns(status.alias("status"))
        .with_columns(pl.when(late).then(pl.col("hours") - pl.col("target_hours")).alias("over_hours"))
    )


def _with_pauses(ctx: ReportContext, sla: SlaConfig, clocks: pl.LazyFrame, business: bool) -> pl.LazyFrame:
    """`clocks` with paused_us (time in a pause status between the clock's start and its end, on
    the clocks of pause_metrics; 0 on the others),
    due_pause_us (the part of it before the due time) and paused_now (a running clock paused at
    --as-of). Each clock's pauses (stage visits, open ones to --as-of, overlapping ones merged) in
    order: the due time falls before pause k when the clock time run at its start, W_k - P_k
    (working time to it less the pauses before it), reaches the target; then the pauses before
    the due are P_k, else all of them."""
    if not ctx.dataset.has("stage_history"):
        _note(ctx, clocks, "[sla] pause_statuses is set but the data has no stage history: no pauses counted", "warning")
        return clocks.with_columns(pl.lit(0.0).alias("paused_us"), pl.lit(0.0).alias("due_pause_us"), pl.lit(False).alias("paused_now"))
    names = sorted({s.strip().lower() for s in sla.pause_statuses})
    visits = ctx.dataset.load("stage_history", ["exited_at"]).filter(pl.col("stage").str.strip_chars().str.to_lowercase().is_in(names))
    spans = visits.filter(pl.col("entered_at").is_not_null()).select(  # a visit without a start pauses nothing
        "ticket_id", pl.col("entered_at").alias("p_start"), pl.coalesce("exited_at", pl.lit(ctx.now)).alias("p_end")
    )
    key = list(CLOCK_KEY)
    carry = [*key, "sla_end", "target_us", "sla_clock", "owner", "completed_at"]
    clipped = (
        clocks.filter(pl.col("metric").is_in(list(sla.pause_metrics)))
        .select(carry)
        .join(spans, on="ticket_id", how="inner")
        .with_columns(pl.max_horizontal("p_start", "started_at").alias("p_start"), pl.min_horizontal("p_end", "sla_end").alias("p_end"))
        .filter(pl.col("p_end") > pl.col("p_start"))
    )
    # merge overlapping visits: a new island starts where no earlier pause of the clock reaches
    reach = pl.col("p_end").cum_max().shift(1).over(key, order_by="p_start")
    island = (pl.col("p_start") > reach).fill_null(True).cum_sum().over(key, order_by="p_start")
    merged = clipped.with_columns(island.alias("island")).group_by([*carry, "island"]).agg(pl.col("p_start").min(), pl.col("p_end").max())
    length = _working(ctx, pl.col("p_start"), pl.col("p_end"), business)
    run_to = _working(ctx, pl.col("started_at"), pl.col("p_start"), business)
    before = (pl.col("length").cum_sum() - pl.col("length")).over(key, order_by="p_start")
    paused = (
        merged.with_columns(length.cast(pl.Float64).alias("length"), run_to.cast(pl.Float64).alias("run_to"))
        .with_columns(before.alias("before"))
        .group_by(key)
        .agg(
            pl.col("length").sum().alias("paused_us"),
            pl.col("before").filter(pl.col("run_to") - pl.col("before") >= pl.col("target_us")).min().alias("due_pause_us"),
            ((pl.col("p_end") >= pl.col("sla_end")) & pl.col("completed_at").is_null()).any().alias("paused_now"),
        )
    )
    return (
        clocks.join(paused, on=key, how="left", nulls_equal=True)
        .with_columns(pl.col("paused_us").fill_null(0.0), pl.col("paused_now").fill_null(False))
        .with_columns(pl.coalesce("due_pause_us", "paused_us").alias("due_pause_us"))
    )


# --- clocks from the export ----------------------------------------------------------------


def _from_export(ctx: ReportContext, tickets: pl.LazyFrame, keep: list[str], listing: bool) -> pl.LazyFrame:
    """The help desk's own clocks: rows of the sla table, and HubSpot's SLA columns of each ticket
    (first response completed at the first reply, close at the last close as svcstats finds
    them; next response without a completion time: its exported status says whether it is done)."""
    carry = list(dict.fromkeys([*keep, "ticket_id"]))
    parts = []
    if ctx.dataset.has("sla"):
        rows = ctx.dataset.load("sla", ["due_at", "completed_at", "status", "started_at"])
        kind = pl.col("sla_type").str.strip_chars().str.to_lowercase().replace_strict(EXPORT_TYPES, default=None)
        rows = rows.with_columns(kind.alias("metric"))
        ctx.exclude(rows.filter(pl.col("metric").is_null()), "sla_type is not first_response, next_response or close")
        known_completion = "completed_at" in ctx.dataset.columns("sla")
        joined = rows.filter(pl.col("metric").is_not_null()).join(tickets.select(*carry, "created_at"), on="ticket_id", how="inner")
        parts.append(
            joined.select(
                *carry, "metric", pl.coalesce("started_at", "created_at").alias("started_at"), "due_at", "completed_at",
                pl.col("status").alias("exported_status"), pl.lit(known_completion).alias("completion_known"),
            )
        )  # fmt: skip
    present = set(ctx.dataset.columns("tickets"))
    completions = {"first_reply": pl.col("first_reply_at"), "close": pl.col("last_closed_at"), "next_reply": None}
    for metric, (due, word) in TICKET_SLA.items():
        if not {due, word} & present:
            continue
        completed = completions[metric]
        parts.append(
            tickets.filter(pl.col(due).is_not_null() | pl.col(word).is_not_null()).select(
                *carry, pl.lit(metric).alias("metric"), pl.col("created_at").alias("started_at"), pl.col(due).alias("due_at"),
                (completed if completed is not None else pl.lit(None, pl.Datetime("us", "UTC"))).alias("completed_at"),
                pl.col(word).alias("exported_status"), pl.lit(completed is not None).alias("completion_known"),
            )
        )  # fmt: skip
    clocks = pl.concat(parts, how="vertical_relaxed")
    _note(ctx, clocks, "SLA clocks from the export (the help desk's due and completion times); --targets config uses [sla] instead")
    if not listing:
        without = tickets.join(clocks.select("ticket_id").unique(), on="ticket_id", how="anti")
        ctx.exclude(
            ctx.place(without, "created_at"),
            "no SLA clock in the export (the help desk applied no SLA to them); --targets config measures them against [sla]",
            "note",
        )
    return _exported_status(ctx, clocks).select(*keep, *CLOCK_COLUMNS)


def _exported_status(ctx: ReportContext, clocks: pl.LazyFrame) -> pl.LazyFrame:
    """Status of each exported clock at --as-of from its due and completion times; the exported
    status word where the export gives no due time, or gives no completion time and says it
    is completed. Hours and hours over are calendar hours; target_hours = due - start."""
    now = pl.lit(ctx.now)
    due_soon = settings(ctx).due_soon_hours
    normalised = (
        pl.col("exported_status").cast(pl.String).str.to_lowercase().str.replace_all("sla", " ")
        .str.replace_all(r"[^a-z0-9]+", " ").str.strip_chars().str.replace_all(" ", "_")
    )  # fmt: skip
    word = normalised.replace_strict(STATUS_WORDS, default=None)
    done = pl.col("completed_at").is_not_null()
    due = pl.col("due_at")
    said_done = ~pl.col("completion_known") & word.is_in(["completed_on_time", "completed_late"]).fill_null(False)
    status = (
        pl.when(due.is_null() | said_done).then(word)
        .when(done & (pl.col("completed_at") <= due)).then(pl.lit("completed_on_time"))
        .when(done).then(pl.lit("completed_late"))
        .when(now > due).then(pl.lit("overdue"))
        .when((due - now).dt.total_microseconds() <= due_soon * US_PER_HOUR).then(pl.lit("due_soon"))
        .otherwise(pl.lit("active"))
    )  # fmt: skip
    clocks = clocks.with_columns(status.alias("status"))
    ctx.exclude(
        ctx.place(clocks.filter(pl.col("status").is_null()), "started_at"),
        "an exported SLA clock with neither a due time nor a known status",
    )
    end = pl.when(pl.col("status").is_in(["completed_on_time", "completed_late"])).then(pl.col("completed_at")).otherwise(now)

    def hours(a: pl.Expr, b: pl.Expr) -> pl.Expr:
        return (b - a).dt.total_microseconds() / US_PER_HOUR

    return clocks.filter(pl.col("status").is_not_null()).with_columns(
        hours(pl.col("started_at"), due).alias("target_hours"),
        hours(pl.col("started_at"), end).alias("hours"),
        pl.when(pl.col("status").is_in(BREACHED)).then(hours(due, end)).alias("over_hours"),
        pl.lit(None, pl.Float64).alias("paused_hours"),
    )


def _note(ctx: ReportContext, clocks: pl.LazyFrame, what: str, severity: str = "note") -> None:
    """A note (or warning) about the clocks of `clocks` that start in the range, when there are any."""
    name = ctx.info.name

    def read(result: pl.DataFrame) -> list[Finding]:
        rows = int(result.item())
        return [Finding(name, what, rows, severity, unit="clock", verb="measured")] if rows else []  # type: ignore[arg-type]

    ctx.checks.append(Check(ctx.place(clocks, "started_at").select(pl.len()), read))  # the clocks of the range
