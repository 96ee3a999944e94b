"""agent-conversation-flags: every conversation with the flags the agent reports count, so that
each resolution (a billing event) can be checked one by one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, Stages
from svcstats.reports.rules import agent_report

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


COLUMNS = (
    "conversation_id", "started_at", "channel", "involved", "agent_replied", "handed_off", "handoff_at", "handoff_trigger",
    "human_requested", "human_involved", "feedback", "judged_from", "outcome", "deflected", "resolution_minutes", "ticket_id",
)  # fmt: skip


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per conversation with its flags (reports/agent_flags.py)."""
    from svcstats.reports.agent_flags import conversation_flags

    return conversation_flags(ctx)


def aggregate(ctx: ReportContext, flags: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Nothing to add up: the conversations started in the range, with judged_from."""
    import polars as pl

    from svcstats.reports.agent_flags import pending_after_hours

    judged_from = pl.when(pl.col("involved")).then(pl.col("inactive_since")) + pl.duration(
        microseconds=round(pending_after_hours(ctx) * 3.6e9)
    )
    keys = [k for k in ctx.group_keys if k not in COLUMNS]
    return ctx.place(flags, "started_at").with_columns(judged_from.alias("judged_from")).select(*keys, *COLUMNS)


def finish(ctx: ReportContext, flags: pl.LazyFrame) -> pl.LazyFrame:
    """(3) In start order (within each group)."""
    keys = [k for k in ctx.group_keys if k not in COLUMNS]
    return flags.sort([*keys, "started_at", "conversation_id"])


REPORT = agent_report(
    "agent-conversation-flags",
    "Customer agent conversations, one by one",
    "Every conversation with the flags the agent reports count: check each resolution (a billing event) by hand.",
    """\
Not a HubSpot chart: the per-conversation flags every Customer agent report counts, one row per
conversation started in the range (in start order), so that each resolution can be checked
against the help desk's bill. judged_from is when the outcome becomes final (last activity +
--pending-after hours); outcome is resolved, unresolved, pending, or empty when the agent did not
take part. Always one row per conversation: --frequency and --totals do not apply.""",
    (
        GROUP_COLUMNS,
        ("conversation_id, started_at, channel, ticket_id", "the conversation"),
        ("involved, agent_replied, handed_off, human_requested, human_involved, deflected", "the flags (true/false)"),
        ("handoff_at, handoff_trigger", "when and why it was handed off"),
        ("feedback", "helpful, not_helpful or none"),
        ("judged_from", "when its outcome is final (UTC)"),
        ("outcome", "resolved, unresolved, pending; empty without the agent"),
        ("resolution_minutes", "for resolved ones: minutes from start to end"),
    ),
    range_only=True,
    no_compare="lists one row per conversation, so --compare does not apply",
    example_options=" --from 2026-10-26 --as-of 2026-10-28 --format csv",
    stages=Stages(facts, aggregate, finish),
)
