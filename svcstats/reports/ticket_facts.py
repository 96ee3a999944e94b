"""ticket-facts: one row per ticket with every per-ticket measure svcstats computes, to drill
down and to join in other tools. Each measure comes from the function its report uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, Records, ReportInfo, Stages
from svcstats.reports.rules import LIFECYCLE_RULES, MESSAGE_RULES, SLA_TARGETS, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

TICKET = ("ticket_id", "created_at", "owner", "team", "pipeline", "source", "priority")
COLUMNS = (
    *TICKET, "first_reply_at", "hours_to_first_response", "first_closed_at", "hours_to_first_close", "closed_at",
    "hours_to_close", "reopened", "reopened_at", "replies", "customer_messages", "replying_reps", "customer_waits",
    "open_waits", "wait_hours", "csat_rating", "first_reply_sla_status", "first_reply_sla_due_at", "next_reply_sla_status",
    "next_reply_sla_due_at", "close_sla_status", "close_sla_due_at",
)  # fmt: skip
EXPORT_REPLY = ("first_response_at", "first_email_reply_seconds")


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per selected ticket: its closes (lifecycle.py), first response (as
    ticket-time-to-first-response finds it), touches (touches.py), customer waits (as
    customer-wait-time pairs them) and latest CSAT rating."""
    import polars as pl

    from svcstats.reports.lifecycle import lifecycle
    from svcstats.reports.sla_clocks import TICKET_SLA_COLUMNS

    tickets = ctx.reuse(lifecycle(ctx, (*TICKET[2:], *EXPORT_REPLY, *TICKET_SLA_COLUMNS)))
    closed = pl.col("closed")
    # read by the SLA clocks and by the rest: the first replies found once
    tickets = ctx.reuse(with_known_first_reply(ctx, tickets)).with_columns(
        ctx.duration("created_at", "first_reply_at", "owner").alias("hours_to_first_response"),
        ctx.duration("created_at", "first_closed_at", "owner").alias("hours_to_first_close"),
        pl.col("last_closed_at").alias("closed_at"),
        ctx.duration("created_at", "last_closed_at", "owner").alias("hours_to_close"),
        pl.when(pl.col("reopened")).then(pl.col("reopened_at")).alias("reopened_at"),
    )
    ctx.note_schedules(tickets, "owner")
    # from the tickets before the message figures: the clocks read none of them (computed from
    # the finished rows, the clocks made every figure be computed again)
    statuses = _sla_statuses(ctx, tickets)
    if ctx.dataset.has("messages"):
        from svcstats.reports.touches import with_touches

        tickets = _with_waits(ctx, with_touches(ctx.dataset, tickets), closed)
    else:
        tickets = tickets.with_columns(pl.lit(None, pl.Int64).alias(c) for c in ("replies", "customer_messages", "replying_reps"))
        tickets = tickets.with_columns(pl.lit(None, pl.Int64).alias("customer_waits"), pl.lit(None, pl.Int64).alias("open_waits"))
        tickets = tickets.with_columns(pl.lit(None, pl.Float64).alias("wait_hours"))
    keys = [k for k in ctx.group_keys if k not in COLUMNS]
    return _with_csat(ctx, tickets).join(statuses, on="ticket_id", how="left").select(*keys, *COLUMNS)


def _sla_statuses(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """Each ticket's SLA statuses and due times (a row per ticket with a clock), from the clocks
    the sla report measures (sla_clocks.sla_clocks: the same targets, pauses, schedules or export)."""
    import polars as pl

    from svcstats.reports.sla_clocks import per_ticket, sla_clocks

    valid = tickets.filter(pl.col("valid"))  # as the sla report: a ticket closed before it was created has no clocks
    return per_ticket(sla_clocks(ctx, valid, ["ticket_id"], listing=True))


def with_known_first_reply(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """first_reply_at by ticket-time-to-first-response's rule; empty when the data has no way to
    know it (no messages and no first-response column in the export)."""
    import polars as pl

    from svcstats.reports.ticket_time_to_first_response import with_first_response
    from svcstats.reports.waits import COLUMNS

    if not ctx.dataset.has("messages") and not set(EXPORT_REPLY) & set(ctx.dataset.columns("tickets")):
        return tickets.with_columns(pl.lit(None, pl.Datetime("us", "UTC")).alias("first_reply_at"))
    return with_first_response(ctx, tickets, tuple(COLUMNS))  # the columns the waits read: one parse


def _with_waits(ctx: ReportContext, tickets: pl.LazyFrame, closed: pl.Expr) -> pl.LazyFrame:
    """The ticket's customer waits (reply_waits.attributed_waits): answered ones, their total hours
    (in the replying rep's working hours with --hours business), and the open ones (unanswered at
    --as-of on a ticket still open: on a closed ticket the close ended them)."""
    import polars as pl

    from svcstats.reports.reply_waits import attributed_waits

    answered = pl.col("ended_at").is_not_null()
    per_ticket = (
        attributed_waits(ctx, "customer")
        .group_by("ticket_id")
        .agg(
            answered.sum().cast(pl.Int64).alias("customer_waits"),
            (~answered).sum().cast(pl.Int64).alias("unanswered"),
            pl.col("hours").sum().alias("wait_hours"),
        )
    )
    joined = tickets.join(per_ticket, on="ticket_id", how="left")
    return joined.with_columns(
        pl.col("customer_waits").fill_null(0),
        pl.when(closed).then(0).otherwise(pl.col("unanswered").fill_null(0)).cast(pl.Int64).alias("open_waits"),
        pl.col("wait_hours").fill_null(0.0),
    )


def _with_csat(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """The ticket's latest CSAT rating (by submission time), empty without one."""
    import polars as pl

    if not ctx.dataset.has("csat") or "ticket_id" not in ctx.dataset.columns("csat"):
        return tickets.with_columns(pl.lit(None, pl.Float64).alias("csat_rating"))
    ratings = ctx.dataset.load("csat", ["ticket_id"]).filter(pl.col("rating").is_not_null() & pl.col("ticket_id").is_not_null())
    latest = ratings.group_by("ticket_id").agg(pl.col("rating").sort_by("submitted_at").last().alias("csat_rating"))
    return tickets.join(latest, on="ticket_id", how="left")


def aggregate(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Nothing to add up: the tickets created in the range."""
    return ctx.place(tickets, "created_at")


def finish(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(3) In creation order (within each group), then by ticket id."""
    keys = [k for k in ctx.group_keys if k not in COLUMNS]
    return tickets.select(*keys, *COLUMNS).sort([*keys, "created_at", "ticket_id"])


REPORT = ReportInfo(
    name="ticket-facts",
    collection="Beyond HubSpot",
    title="Ticket facts, one row per ticket",
    summary="Every per-ticket measure svcstats computes, one row per ticket, to drill down or join.",
    about="""\
Not a chart: one row per ticket created in the range (in creation order) with every measure the
other reports compute for it, each by the same rule (so the figures add up to theirs):

- first_reply_at, hours_to_first_response: the first public human reply (as
  ticket-time-to-first-response: from messages, else the export's first response);
- first_closed_at, hours_to_first_close, closed_at, hours_to_close: the first and last close
  (as ticket-time-to-close --close first / last); closed_at is empty while the ticket is open
  at --as-of; reopened and reopened_at (as reopen-rate);
- replies (public human replies sent), customer_messages (received), replying_reps (as
  one-touch-resolution);
- customer_waits (answered), open_waits (unanswered at --as-of on a ticket still open) and
  wait_hours (their total), as customer-wait-time pairs them;
- csat_rating: the ticket's latest rated survey response;
- first_reply_sla_status, next_reply_sla_status, close_sla_status and their _sla_due_at: the
  ticket's SLA clocks as the sla report measures them (the same targets, clocks, pauses, or the
  export's own SLA clocks; --targets as there), in HubSpot's words: completed_on_time,
  completed_late, overdue, due_soon, active; next_reply is the ticket's latest next-reply clock;
  empty where the clock is not measured (no target, or no reply before the close).

With --hours business every hours column counts working time (the owner's schedule; a wait, the
replying rep's). Without a messages table the message columns are empty. Use it to answer
"which tickets took more than X" (--where "priority = 'high'", then filter the file) or to
join svcstats' figures in your own tools (--format parquet). Always one row per ticket:
--frequency and --totals do not apply.

"""
    + MESSAGE_RULES
    + "\n\n"
    + LIFECYCLE_RULES,
    table="tickets",
    columns=(
        GROUP_COLUMNS,
        ("ticket_id, created_at, owner, team, pipeline, source, priority", "the ticket"),
        ("first_reply_at, hours_to_first_response", "the first public human reply and the hours to it"),
        ("first_closed_at, hours_to_first_close", "the first close and the hours to it"),
        ("closed_at, hours_to_close", "the last close (empty while open) and the hours to it"),
        ("reopened, reopened_at", "whether it was reopened, and when (the latest reopen)"),
        ("replies, customer_messages, replying_reps", "replies sent, customer messages received, reps who replied"),
        ("customer_waits, open_waits, wait_hours", "customer waits answered, still open, and the answered ones' total hours"),
        ("csat_rating", "the latest CSAT rating of the ticket (empty without one)"),
        (
            "first_reply_sla_status, first_reply_sla_due_at, next_reply_sla_status, next_reply_sla_due_at, "
            "close_sla_status, close_sla_due_at",
            "SLA status (HubSpot's words) and due time of each clock, as the sla report measures it",
        ),
    ),
    date_by={"created": "created_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row, its messages, stage_history rows and CSAT responses"),
    schedule_of="the ticket owner (for waits: the rep who replied)",
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    range_only=True,
    no_compare="lists one row per ticket, so --compare does not apply",
    options=(SLA_TARGETS,),
    example_options=" --from 2026-10-01 --as-of 2026-10-31 --format csv",
    group_aliases=TICKET_GROUPS,
)
