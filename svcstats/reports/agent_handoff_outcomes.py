"""agent-handoff-outcomes: what became of the conversations the agent handed to a human."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Stages
from svcstats.reports.rules import agent_report

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


COUNTS = ["handoffs", "converted", "to_ticket", "open_handoffs", "closed_handoffs"]


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per conversation with its flags, and for a closed one (by --as-of) the hours
    from its start and from its handoff to the close (in the assigned rep's working hours with
    --hours business)."""
    import polars as pl

    from svcstats.reports.agent_flags import conversation_flags

    closed = _closed(ctx)
    return conversation_flags(ctx).with_columns(
        closed.alias("closed"),
        pl.when(closed).then(ctx.duration("started_at", "closed_at", rep="assigned_rep")).alias("hours"),
        pl.when(closed).then(ctx.duration("handoff_at", "closed_at", rep="assigned_rep")).alias("after_handoff_hours"),
    )


def _closed(ctx: ReportContext) -> pl.Expr:
    import polars as pl

    return pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= ctx.now)


def aggregate(ctx: ReportContext, flags: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: handoffs, converted ones, open ones, and the hours to close."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    handoffs = ctx.place(flags.filter(pl.col("handed_off")))
    closed = pl.col("closed")
    taken_up = pl.col("assigned_rep").is_not_null() | pl.col("human_messaged")
    to_ticket = pl.col("ticket_id").is_not_null()
    return ctx.aggregate(
        handoffs,
        pl.len().alias("handoffs"),
        ((closed & taken_up) | to_ticket).sum().alias("converted"),
        to_ticket.sum().alias("to_ticket"),
        (~closed).sum().alias("open_handoffs"),
        closed.sum().alias("closed_handoffs"),
        *duration_stats(pl.col("hours"), ctx.stats),
        pl.col("after_handoff_hours").mean().alias("mean_after_handoff_hours"),
    )


def finish(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, with the converted share first."""
    result = ctx.assemble([summary], counts=COUNTS)
    stats = [f"{stat}_hours" for stat in ctx.stats]
    return result.with_columns(ctx.rate("converted", "handoffs").alias("conversion_pct")).select(
        *ctx.keys, "conversion_pct", *COUNTS, *stats, "mean_after_handoff_hours"
    )


REPORT = agent_report(
    "agent-handoff-outcomes",
    "Customer agent handoff",
    "Of the handed-off conversations: the share converted, and the time from the agent's assignment to close.",
    """\
HubSpot's "Customer agent handoff". Of the conversations the agent handed off (whatever their
age: a handoff is a fact as soon as it happens, so this report counts it at once, unlike
agent-handoffs and agent-handoff-rate, which wait until the conversation is judged), converted = taken up by a human (an assigned
rep, or a human message on the ticket) and closed by the end of --as-of, or turned into a ticket
(ticket_id given). conversion_pct = converted / handoffs. The time is from the agent's
assignment (the conversation's start) to its close (closed_at), for the handed-off
conversations closed by --as-of: mean, median, p90 hours; hours after the handoff itself
(closed_at - handoff_at) come beside as mean_after_handoff_hours. open_handoffs are handed-off
conversations not closed by --as-of: in the denominator, not in the times.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("conversion_pct", "converted / handoffs x 100"),
        ("handoffs", "conversations handed off"),
        ("converted", "of those, closed by a human or turned into a ticket"),
        ("to_ticket", "of those, with a ticket"),
        ("open_handoffs", "handed off and not closed at --as-of"),
        ("closed_handoffs", "handed off and closed (n of the times)"),
        ("mean_hours, median_hours, p90_hours", "hours from the conversation's start to its close"),
        ("mean_after_handoff_hours", "mean hours from the handoff to the close"),
    ),
    duration_stats=True,
    schedule_of="the rep the conversation was handed to",
    stages=Stages(facts, aggregate, finish),
)
