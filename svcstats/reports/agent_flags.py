"""The customer agent's per-conversation flags, computed once; every agent report reads them.

The rules are `rules.AGENT_RULES` (what `svcstats about` prints for every agent report); each
flag below is named as there. Besides those: `pending` (involved, not judged yet) and `deployed`
(the channel had the agent when the conversation started), which the handling rate reads.
"""

from __future__ import annotations

import polars as pl

from svcstats.findings import Check, Finding
from svcstats.reports.base import NO_VALUE, ReportContext
from svcstats.reports.rules import AGENT_NEEDS, HANDOFF_REASONS

TABLE = "agent_conversations"
AGENT_RESOLVER = "Customer agent"  # how the agent appears beside team members
NO_CHANNEL = "(none)"
FEEDBACK_WORDS = {
    **dict.fromkeys(("helpful", "positive", "thumbs_up", "thumbsup", "yes", "good", "up"), "helpful"),
    **dict.fromkeys(("not_helpful", "unhelpful", "negative", "thumbs_down", "thumbsdown", "no", "bad", "down"), "not_helpful"),
    # NO_VALUE: the label an empty value gets when --group-by feedback loads the column as a group key
    **dict.fromkeys(("none", "no_feedback", "n/a", "", NO_VALUE), "none"),
}
NEEDS = AGENT_NEEDS  # the optional columns the flags read
MINUTES_PER_MICROSECOND = 1 / 6e7
REASON_WORDS = {
    **dict.fromkeys(("customer_request", "visitor_request", "human_requested", "requested_human", "customer"), "customer_request"),
    **dict.fromkeys(("cannot_answer", "cant_answer", "can't_answer", "no_answer", "unanswered", "unable_to_answer"), "cannot_answer"),
    **dict.fromkeys(("custom_trigger", "custom", "keyword", "custom_keyword", "trigger"), "custom_trigger"),
    **dict.fromkeys(("agent_paused", "paused"), "agent_paused"),
}


def pending_after_hours(ctx: ReportContext) -> float:
    """Hours of inactivity after which an outcome is judged: --pending-after (parsed and bounded
    by its definition, rules.PENDING_AFTER), else the config's agent.pending_after_hours (72 unless set)."""
    given = ctx.options.get("pending_after")
    if given is None:
        return float(ctx.dataset.config.agent.pending_after_hours)
    return float(given)


def normalised_feedback(column: pl.Expr) -> pl.Expr:
    """helpful / not_helpful / none from the exported words (missing = none); null for words not
    recognised."""
    words = column.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s\-]+", "_").fill_null("")
    return words.replace_strict(FEEDBACK_WORDS, default=None, return_dtype=pl.String)


def conversation_flags(ctx: ReportContext) -> pl.LazyFrame:
    """Every conversation of the (filtered) table with its flags and outcome, computed once and
    reused by the caller's queries. Unrecognised feedback words are counted in a warning and
    treated as no feedback."""
    grouped = {ctx.source_column(key) for key in ctx.group_keys}  # loaded (and labelled) as group keys
    records, table = ctx.records_and_table([c for c in NEEDS if c not in grouped])
    col = pl.col
    handed_off_raw = _handed_off()
    involved = _involved(handed_off_raw)
    feedback = normalised_feedback(col("feedback"))
    assert ctx.now is not None
    wait = pl.duration(microseconds=round(pending_after_hours(ctx) * 3.6e9))
    flags = records.with_columns(
        col("feedback").cast(pl.String).alias("feedback_given"),
        involved.alias("involved"),
        (involved & col("agent_replied").fill_null(False)).alias("agent_replied"),
        (involved & handed_off_raw).alias("handed_off"),
        (involved & col("human_requested").fill_null(_reason(col("handoff_reason")) == "customer_request").fill_null(False)).alias(
            "human_requested"
        ),
        feedback.fill_null("none").alias("feedback"),
        feedback.is_null().alias("feedback_unknown"),
        col("channel").fill_null(NO_CHANNEL).alias("channel"),
        pl.when(involved & handed_off_raw).then(_reason(col("handoff_reason"))).alias("handoff_trigger"),
        pl.max_horizontal("started_at", "last_activity_at", "ended_at", "handoff_at", "closed_at").alias("inactive_since"),
    )
    flags = _with_human_messages(ctx, flags, wait).with_columns(
        (col("handed_off") | col("assigned_rep").is_not_null() | col("human_messaged")).alias("human_involved"),
    )
    # judged once inactive for at least --pending-after hours at the end of the --as-of day
    judged = col("involved") & (col("inactive_since") + wait <= (ctx.until or ctx.now))
    deflected = judged & ~col("human_involved")
    resolved = deflected & col("agent_replied") & ~col("human_requested") & (col("feedback") != "not_helpful")
    flags = flags.with_columns(
        judged.alias("judged"),
        (col("involved") & ~judged).alias("pending"),
        deflected.alias("deflected"),
        resolved.alias("resolved"),
        pl.when(resolved)
        .then(pl.lit("resolved"))
        .when(judged)
        .then(pl.lit("unresolved"))
        .when(col("involved"))
        .then(pl.lit("pending"))
        .alias("outcome"),
        pl.when(resolved)
        .then(ctx.duration("started_at", pl.coalesce("ended_at", "last_activity_at"), per_us=MINUTES_PER_MICROSECOND))
        .alias("resolution_minutes"),
    )
    flags = _with_deployment(ctx, flags, table)
    flags = ctx.reuse(flags)
    ctx.checks.append(_unknown_feedback_check(ctx, flags))
    return flags


def _handed_off() -> pl.Expr:
    """handed_off as exported; when empty, whether a handoff time or reason is given."""
    return pl.col("handed_off").fill_null(pl.col("handoff_at").is_not_null() | pl.col("handoff_reason").is_not_null())


def _involved(handed_off: pl.Expr) -> pl.Expr:
    """agent_involved as exported; when empty, whether the agent replied or handed off."""
    return pl.col("agent_involved").fill_null(pl.col("agent_replied").fill_null(False) | handed_off)


def _unknown_feedback_check(ctx: ReportContext, flags: pl.LazyFrame) -> Check:
    """A warning counting the placed conversations whose feedback word is not recognised."""
    unknown = ctx.place(flags.filter(pl.col("feedback_unknown") & pl.col("involved")))
    frame = unknown.select(pl.len().alias("rows"), pl.col("feedback_given").first().alias("example"))
    name = ctx.info.name

    def read(result: pl.DataFrame) -> list[Finding]:
        rows, example = result.row(0)
        what = "feedback not recognised (helpful, not helpful or none expected)"
        return [Finding(name, what, rows, "warning", repr(example), unit="conversation", verb="counted as no feedback")] if rows else []

    return Check(frame, read)


def _reason(column: pl.Expr) -> pl.Expr:
    """The handoff trigger: one of HANDOFF_REASONS, else other_reason."""
    words = column.cast(pl.String).str.strip_chars().str.to_lowercase().str.replace_all(r"[\s\-]+", "_")
    return words.replace_strict(REASON_WORDS, default="other_reason", return_dtype=pl.String)


def _with_human_messages(ctx: ReportContext, flags: pl.LazyFrame, wait: pl.Expr) -> pl.LazyFrame:
    """`flags` with human_messaged: a human agent wrote on the conversation's ticket at or after
    its start, up to --as-of and before the conversation is judged (inactive_since + `wait`): a
    message after the outcome is final does not undo it. From the messages table, when there is one."""
    if not ctx.dataset.has("messages"):
        return flags.with_columns(pl.lit(False).alias("human_messaged"))
    col = pl.col
    human = (
        ctx.dataset.load("messages").filter((col("sender_type") == "agent") & (col("sent_at") <= ctx.now)).select("ticket_id", "sent_at")
    )
    window = ["ticket_id", "started_at", "judged_at"]
    flags = flags.with_columns((col("inactive_since") + wait).alias("judged_at"))
    messaged = (
        flags.select(window)
        .filter(col("ticket_id").is_not_null())
        .unique()
        .join(human, on="ticket_id")
        .filter((col("sent_at") >= col("started_at")) & (col("sent_at") < col("judged_at")))
        .select(window)
        .unique()
        .with_columns(pl.lit(True).alias("human_messaged"))
    )
    joined = flags.join(messaged, on=window, how="left", nulls_equal=False, maintain_order="left")
    return joined.with_columns(col("human_messaged").fill_null(False)).drop("judged_at")


def _with_deployment(ctx: ReportContext, flags: pl.LazyFrame, table: pl.LazyFrame) -> pl.LazyFrame:
    """`flags` with `deployed`: the conversation's channel had the agent when it started. The
    channels are `[agent] channels` in the config (deployed all along) when given; otherwise a
    channel has the agent from its first conversation the agent took part in (by --as-of, over the
    whole table, whatever the filters)."""
    channel = pl.col("channel").fill_null(NO_CHANNEL).str.to_lowercase()
    listed = ctx.dataset.config.agent.channels
    if listed is not None:
        return flags.with_columns(channel.is_in([c.lower() for c in listed]).alias("deployed"))
    first = (
        table.filter(_involved(_handed_off()) & (pl.col("started_at") <= ctx.now))
        .group_by(channel.alias("deployed_channel"))
        .agg(pl.col("started_at").min().alias("deployed_since"))
    )
    joined = flags.with_columns(channel.alias("deployed_channel")).join(first, on="deployed_channel", how="left")
    return joined.with_columns((pl.col("started_at") >= pl.col("deployed_since")).fill_null(False).alias("deployed")).drop(
        "deployed_channel", "deployed_since"
    )


def counts(ctx: ReportContext, flags: pl.LazyFrame, by: tuple[str, ...] = ()) -> pl.LazyFrame:
    """The shared per-row counts of placed conversations: handled (involved), judged, pending,
    resolved, unresolved, deflected, handoffs (judged and handed off), feedback by type."""
    col = pl.col
    return ctx.aggregate(
        flags,
        col("involved").sum().alias("handled"),
        col("judged").sum().alias("judged"),
        col("pending").sum().alias("pending"),
        col("resolved").sum().alias("resolved"),
        (col("judged") & ~col("resolved")).sum().alias("unresolved"),
        col("deflected").sum().alias("deflected"),
        (col("judged") & col("handed_off")).sum().alias("handoffs"),
        *((col("judged") & col("handed_off") & (col("handoff_trigger") == r)).sum().alias(r) for r in (*HANDOFF_REASONS, "other_reason")),
        (col("involved") & (col("feedback") == "helpful")).sum().alias("helpful"),
        (col("involved") & (col("feedback") == "not_helpful")).sum().alias("not_helpful"),
        (col("involved") & (col("feedback") == "none")).sum().alias("no_feedback"),
        col("deployed").sum().alias("conversations"),
        col("resolution_minutes").mean().alias("mean_resolution_minutes"),
        by=by,
    )


COUNT_COLUMNS = (
    "handled",
    "judged",
    "pending",
    "resolved",
    "unresolved",
    "deflected",
    "handoffs",
    *HANDOFF_REASONS,
    "other_reason",
    "helpful",
    "not_helpful",
    "no_feedback",
    "conversations",
)
