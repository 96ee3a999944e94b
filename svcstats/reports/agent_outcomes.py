"""The customer agent's count and rate reports per period: handled, handling rate, resolutions,
deflections, handoffs and feedback, all from the shared per-conversation flags.

Each definition below names its shape (rate and counts); a rate carries its numerator, its
denominator and the pending conversations beside it (ratio of sums per row).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Rate, ReportOption, Shape, Stages
from svcstats.reports.rules import RATE_NOTE, REASON_COLUMNS, REASON_NOTE, agent_report

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per conversation with its flags (reports/agent_flags.py); --by channel adds the
    channel to the group keys first."""
    from svcstats.reports.agent_flags import conversation_flags

    by_channel = ctx.options.get("by") == "channel" or ctx.info is BY_CHANNEL  # which always splits by channel
    if by_channel and "channel" not in ctx.group_keys:
        ctx.group_by = [*ctx.group_by, "channel"]
    return conversation_flags(ctx)


def aggregate(ctx: ReportContext, flags: pl.LazyFrame) -> pl.LazyFrame:
    """(2) The shared counts per row key of the conversations placed in the range (for the
    handling rate, those on channels that had the agent then: the others counted in a note)."""
    import polars as pl

    from svcstats.reports.agent_flags import counts

    assert ctx.info.shape is not None
    if ctx.info.shape.deployed_only:
        ctx.exclude(ctx.place(flags.filter(~pl.col("deployed"))), "conversations on channels without the agent (then)", severity="note")
        flags = flags.filter(pl.col("deployed"))
    return counts(ctx, ctx.place(flags)).drop("mean_resolution_minutes")


def finish(ctx: ReportContext, counted: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, the report's rate and its counts, in the order of its shape."""
    import polars as pl

    from svcstats.reports.agent_flags import COUNT_COLUMNS

    shape = ctx.info.shape
    assert shape is not None
    result = ctx.assemble([counted], counts=list(COUNT_COLUMNS))
    result = result.with_columns((pl.col("helpful") + pl.col("not_helpful")).alias("rated"))
    columns = [*ctx.keys]
    if shape.rate is not None:
        result = result.with_columns(ctx.rate(shape.rate.numerator, shape.rate.denominator).alias(shape.rate.name))
        columns.append(shape.rate.name)
        if shape.rate.denominator == "rated":
            columns.append("rated")
    return result.select(*columns, *shape.counts)


STAGES = Stages(facts, aggregate, finish)

HANDLED = agent_report(
    "agent-conversations-handled",
    "Conversations handled by the customer agent",
    "Conversations the agent took part in per period (--by channel: per channel).",
    """\
HubSpot's "Conversations handled over time" and, with --by channel (or the report
agent-conversations-by-channel), "Conversations handled by channel": handled = conversations
the agent took part in, whether it resolved them or handed them off; resolved, handoffs and
pending beside it.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("handled", "conversations the agent took part in"),
        ("resolved", "of those, resolved by the agent"),
        ("handoffs", "of those, judged and handed off to a human"),
        RATE_NOTE,
    ),
    options=(ReportOption("by", "--by", None, "Split by channel (HubSpot's per-channel chart).", ("channel",)),),
    stages=STAGES,
    shape=Shape(None, ("handled", "resolved", "handoffs", "pending")),
)

BY_CHANNEL = agent_report(
    "agent-conversations-by-channel",
    "Conversations handled by channel",
    "Conversations the agent took part in, per channel (over the range unless --frequency is given per period).",
    """\
HubSpot's "Conversations handled by channel": agent-conversations-handled split by channel
(the same as agent-conversations-handled --by channel).""",
    (
        *PERIOD_COLUMNS,
        ("channel", "the conversation's channel ((none) when empty)"),
        ("handled", "conversations the agent took part in"),
        ("resolved", "of those, resolved by the agent"),
        ("handoffs", "of those, judged and handed off to a human"),
        RATE_NOTE,
    ),
    default_group_by=("channel",),
    example_options=" --totals",
    stages=STAGES,
    shape=Shape(None, ("handled", "resolved", "handoffs", "pending")),
)

FEEDBACK_TREND = agent_report(
    "agent-feedback-trend",
    "Trend of visitor feedback",
    "Visitor feedback on the agent per period: helpful, not helpful, none.",
    """\
HubSpot's "Trend of visitor feedback": per period, the conversations the agent took part in by
their feedback: helpful, not_helpful, no_feedback, and helpful_pct = helpful / (helpful + not
helpful) (rated); conversations without feedback are not in the rate. Feedback words are
normalised: helpful/positive/thumbs up/yes; not helpful/unhelpful/negative/thumbs down/no;
none or empty. One feedback per conversation (the export's last).""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("helpful_pct", "helpful / rated x 100"),
        ("rated", "helpful + not_helpful"),
        ("helpful, not_helpful, no_feedback", "conversations by feedback"),
        RATE_NOTE,
    ),
    stages=STAGES,
    shape=Shape(Rate("helpful_pct", "helpful", "rated"), ("helpful", "not_helpful", "no_feedback", "pending")),
)

HANDLING_RATE = agent_report(
    "agent-handling-rate",
    "Handling rate over time",
    "Share of conversations on the agent's channels that it took part in.",
    """\
HubSpot's "Handling rate over time": handle_pct = handled / conversations, where conversations
counts every conversation on a channel the agent works on ([agent] channels in the config, else
a channel from the first conversation the agent took part in on it) and handled those it took
part in. Conversations on other channels, or before the agent came to theirs, are left out and
counted in a note. A low rate means the agent is under-used.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("handle_pct", "handled / conversations x 100"),
        ("handled", "conversations the agent took part in"),
        ("conversations", "all conversations on the agent's channels"),
        RATE_NOTE,
    ),
    stages=STAGES,
    shape=Shape(Rate("handle_pct", "handled", "conversations"), ("handled", "conversations", "pending"), deployed_only=True),
)

RESOLUTION_RATE = agent_report(
    "agent-resolution-rate",
    "Resolution rate (over time)",
    "Share of judged conversations the agent resolved without a human; --totals for the overall rate.",
    """\
HubSpot's "Resolution rate" (--totals) and "Resolution rate over time": resolution_pct =
resolved / judged. A conversation is resolved when the agent replied, no human was requested
or involved, and the feedback is not negative, judged once it has been inactive for
--pending-after hours (72). Teams pay per resolution, so the rule is strict: a handoff, an
assigned rep or a human's message on the ticket, a request for a human, or "not helpful" feedback
each make the conversation unresolved.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("resolution_pct", "resolved / judged x 100"),
        ("resolved", "conversations resolved by the agent"),
        ("judged", "involved conversations whose outcome is final"),
        RATE_NOTE,
    ),
    stages=STAGES,
    shape=Shape(Rate("resolution_pct", "resolved", "judged"), ("resolved", "judged", "pending")),
)

RESOLUTIONS = agent_report(
    "agent-resolutions",
    "Resolved conversations",
    "Conversations resolved by the agent per period, with the unresolved and pending ones.",
    """\
HubSpot's "Resolved conversations": resolved per period (--totals: over the range), beside
unresolved (judged, not resolved) and pending (not judged yet); resolved + unresolved + pending
= handled.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("resolved", "conversations resolved by the agent"),
        ("unresolved", "judged conversations not resolved"),
        RATE_NOTE,
    ),
    stages=STAGES,
    shape=Shape(None, ("resolved", "unresolved", "pending")),
)

DEFLECTION_RATE = agent_report(
    "agent-deflection-rate",
    "Deflection rate over time",
    "Share of judged conversations that needed no human.",
    """\
HubSpot's "Deflection rate over time": deflection_pct = deflected / judged, where deflected =
no human was involved (no handoff, no assigned rep, no human message on the ticket). Every
resolution is a deflection; a deflected conversation the visitor left unhappy (negative
feedback, or a request for a human that never came) is not a resolution.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("deflection_pct", "deflected / judged x 100"),
        ("deflected", "judged conversations without a human"),
        ("judged", "involved conversations whose outcome is final"),
        RATE_NOTE,
    ),
    stages=STAGES,
    shape=Shape(Rate("deflection_pct", "deflected", "judged"), ("deflected", "judged", "pending")),
)

DEFLECTIONS = agent_report(
    "agent-deflections",
    "Deflections over time",
    "Conversations the agent handled without a human, per period.",
    """\
HubSpot's "Deflections over time": deflected conversations (judged, no human involved) per
period, with the judged and pending conversations beside them.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("deflected", "judged conversations without a human"),
        ("judged", "involved conversations whose outcome is final"),
        RATE_NOTE,
    ),
    stages=STAGES,
    shape=Shape(None, ("deflected", "judged", "pending")),
)

HANDOFF_RATE = agent_report(
    "agent-handoff-rate",
    "Human handoff rate over time",
    "Share of judged conversations the agent handed to a human, with the split by trigger.",
    """\
HubSpot's "Human handoff rate over time": handoff_pct = handoffs / judged, counting
conversations (not handoff events), with the handoffs split by trigger: the visitor asked for a
human, the agent could not answer, a custom (keyword) trigger, the agent was paused, or another
reason. A handoff is counted only once its conversation is judged (inactive for --pending-after
hours), as the rate's denominator is; handoffs of conversations not judged yet are in pending.
agent-handoff-outcomes counts every handoff at once, so its recent periods can show more.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("handoff_pct", "handoffs / judged x 100"),
        ("handoffs", "judged conversations handed off to a human"),
        ("judged", "involved conversations whose outcome is final"),
        RATE_NOTE,
        REASON_NOTE,
    ),
    stages=STAGES,
    shape=Shape(Rate("handoff_pct", "handoffs", "judged"), ("handoffs", "judged", "pending", *REASON_COLUMNS)),
)

HANDOFFS = agent_report(
    "agent-handoffs",
    "Human handoffs",
    "Conversations handed to a human per period, split by trigger.",
    """\
HubSpot's "Human handoffs": judged conversations handed off per period, and how many of them
per trigger (customer_request, cannot_answer, custom_trigger, agent_paused, other_reason). A
handoff is counted only once its conversation is judged (inactive for --pending-after hours);
until then it is in pending. agent-handoff-outcomes counts every handoff at once, so its recent
periods can show more.""",
    (*PERIOD_COLUMNS, GROUP_COLUMNS, ("handoffs", "judged conversations handed off to a human"), REASON_NOTE, RATE_NOTE),
    stages=STAGES,
    shape=Shape(None, ("handoffs", *REASON_COLUMNS, "pending")),
)
REPORTS = (
    HANDLED,
    BY_CHANNEL,
    FEEDBACK_TREND,
    HANDLING_RATE,
    RESOLUTION_RATE,
    RESOLUTIONS,
    DEFLECTION_RATE,
    DEFLECTIONS,
    HANDOFF_RATE,
    HANDOFFS,
)
