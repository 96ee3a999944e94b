"""agent-conversation-flags: every conversation with the flags the agent reports count, so that
each resolution (a billing event) can be checked one by one."""

from __future__ import annotations

import polars as pl

from svcstats.reports.agent_flags import conversation_flags, pending_after_hours
from svcstats.reports.base import ReportContext

COLUMNS = (
    "conversation_id", "started_at", "channel", "involved", "agent_replied", "handed_off", "handoff_at", "handoff_trigger",
    "human_requested", "human_involved", "feedback", "judged_from", "outcome", "deflected", "resolution_minutes", "ticket_id",
)  # fmt: skip


def build(ctx: ReportContext) -> pl.LazyFrame:
    """One row per conversation started in the range, in start order, with its flags and outcome."""
    flags = ctx.place(conversation_flags(ctx), "started_at")
    judged_from = pl.when(pl.col("involved")).then(pl.col("inactive_since")) + pl.duration(
        microseconds=round(pending_after_hours(ctx) * 3.6e9)
    )
    keys = [k for k in ctx.group_keys if k not in COLUMNS]
    return flags.with_columns(judged_from.alias("judged_from")).select(*keys, *COLUMNS).sort([*keys, "started_at", "conversation_id"])
