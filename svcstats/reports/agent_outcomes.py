"""The customer agent's count and rate reports per period: handled, handling rate, resolutions,
deflections, handoffs and feedback, all from the shared per-conversation flags.

Each catalogue entry names its columns here; a rate carries its numerator, its denominator
and the pending conversations beside it (ratio of sums per row).
"""

from __future__ import annotations

import polars as pl

from svcstats.reports.agent_flags import COUNT_COLUMNS, HANDOFF_REASONS, conversation_flags, counts
from svcstats.reports.base import ReportContext

REASON_COLUMNS = (*HANDOFF_REASONS, "other_reason")
# report -> (rate column, numerator, denominator) or None, then the count columns shown
SHAPES: dict[str, tuple[tuple[str, str, str] | None, tuple[str, ...]]] = {
    "agent-conversations-handled": (None, ("handled", "resolved", "handoffs", "pending")),
    "agent-conversations-by-channel": (None, ("handled", "resolved", "handoffs", "pending")),
    "agent-handling-rate": (("handle_pct", "handled", "conversations"), ("handled", "conversations", "pending")),
    "agent-resolution-rate": (("resolution_pct", "resolved", "judged"), ("resolved", "judged", "pending")),
    "agent-resolutions": (None, ("resolved", "unresolved", "pending")),
    "agent-deflection-rate": (("deflection_pct", "deflected", "judged"), ("deflected", "judged", "pending")),
    "agent-deflections": (None, ("deflected", "judged", "pending")),
    "agent-handoff-rate": (("handoff_pct", "handoffs", "judged"), ("handoffs", "judged", "pending", *REASON_COLUMNS)),
    "agent-handoffs": (None, ("handoffs", *REASON_COLUMNS, "pending")),
    "agent-feedback-trend": (("helpful_pct", "helpful", "rated"), ("helpful", "not_helpful", "no_feedback", "pending")),
}


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Per period (and group) the counts of the report's shape and its rate."""
    by_channel = ctx.options.get("by") == "channel" or ctx.info.name == "agent-conversations-by-channel"
    if by_channel and "channel" not in ctx.group_keys:
        ctx.group_by = [*ctx.group_by, "channel"]
    flags = conversation_flags(ctx)
    placed = ctx.place(flags.filter(pl.col("deployed")) if ctx.info.name == "agent-handling-rate" else flags)
    if ctx.info.name == "agent-handling-rate":
        ctx.exclude(ctx.place(flags.filter(~pl.col("deployed"))), "conversations on channels without the agent (then)", severity="note")
    result = ctx.assemble([counts(ctx, placed).drop("mean_resolution_minutes")], counts=list(COUNT_COLUMNS))
    result = result.with_columns((pl.col("helpful") + pl.col("not_helpful")).alias("rated"))
    rate, shown = SHAPES[ctx.info.name]
    columns = [*ctx.keys]
    if rate is not None:
        name, numerator, denominator = rate
        result = result.with_columns(ctx.rate(numerator, denominator).alias(name))
        columns.append(name)
        if denominator == "rated":
            columns.append("rated")
    return result.select(*columns, *shown)
