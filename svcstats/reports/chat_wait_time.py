"""chat-wait-time: minutes chat customers wait for a first human reply; unanswered chats as abandonment."""

from __future__ import annotations

import polars as pl

from svcstats.errors import DataError
from svcstats.reports.base import ReportContext, duration_stats
from svcstats.reports.messages import is_human_reply

MINUTES_PER_MICROSECOND = 1 / 6e7


def chat_milestones(messages: pl.LazyFrame) -> pl.LazyFrame:
    """Per chat (ticket_id): the customer's first message, the first human reply after it, and the
    last bot message between the two (the handoff to a human). Plain aggregations and joins: a
    filter inside a per-group aggregation is evaluated group by group, far slower at scale."""
    sent, order = pl.col("sent_at"), pl.col("message_id").fill_null("")
    started = messages.filter(pl.col("sender_type") == "customer").group_by("ticket_id").agg(sent.min().alias("chat_started_at"))
    after_start = messages.join(started, on="ticket_id", how="inner").filter(sent >= pl.col("chat_started_at"))
    replies = after_start.filter(is_human_reply())
    replied = replies.group_by("ticket_id").agg(sent.min().alias("first_reply_at"))
    replied = (  # the first reply's message_id, to order a bot message at the same instant
        replies.join(replied, on="ticket_id", how="inner")
        .filter(sent == pl.col("first_reply_at"))
        .group_by("ticket_id", "first_reply_at")
        .agg(order.min().alias("first_reply_order"))
    )
    bots = after_start.filter(pl.col("sender_type") == "bot").join(replied, on="ticket_id", how="inner")
    # the handoff comes before the reply in message order (sent_at, then message_id): a bot
    # message at the reply's instant but ordered after it is not the handoff
    before_reply = (sent < pl.col("first_reply_at")) | ((sent == pl.col("first_reply_at")) & (order < pl.col("first_reply_order")))
    handoff = bots.filter(before_reply).group_by("ticket_id").agg(sent.max().alias("handoff_at"))
    return started.join(replied.drop("first_reply_order"), on="ticket_id", how="left").join(handoff, on="ticket_id", how="left")


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Answered chats with mean/median/p90 minutes of waiting; abandoned chats counted with their share."""
    tickets = ctx.records(["source", "owner"])
    messages = ctx.reuse(ctx.dataset.load("messages", ["message_id", "is_public", "channel"]))
    if "source" in ctx.dataset.columns("tickets"):
        chats = tickets.filter(pl.col("source") == "chat")
    elif "channel" in ctx.dataset.columns("messages"):
        chat_ids = messages.filter(pl.col("channel").str.to_lowercase() == "chat").select("ticket_id").unique()
        chats = tickets.join(chat_ids, on="ticket_id", how="semi")
    else:
        raise DataError(
            f"{ctx.info.name} cannot tell chats apart: neither tickets.source nor messages.channel is exported",
            "add a source column to tickets (chat/email/...) or a channel column to messages",
        )
    chats = chats.join(chat_milestones(messages), on="ticket_id", how="left")
    start = "handoff_at" if ctx.options.get("wait_from") == "handoff" else "chat_started_at"
    waits = ctx.duration(pl.coalesce(start, "chat_started_at"), "first_reply_at", "owner", per_us=MINUTES_PER_MICROSECOND)
    chats = ctx.reuse(chats.with_columns(minutes_waited=waits))
    ctx.exclude(chats.filter(pl.col("chat_started_at").is_null()), "no customer message (a proactive chat, or no messages)", "note")
    started = ctx.place(chats.filter(pl.col("chat_started_at").is_not_null()))
    ctx.note_schedules(started, "owner")
    answered = pl.col("first_reply_at").is_not_null()
    counts = ctx.aggregate(
        started,
        pl.len().alias("chats"),
        answered.sum().alias("answered_chats"),
        *duration_stats(pl.col("minutes_waited").filter(answered), ctx.stats, unit="minutes"),
        (~answered).sum().alias("abandoned_chats"),
    )
    result = ctx.assemble([counts], counts=["chats", "answered_chats", "abandoned_chats"])
    return result.with_columns(ctx.rate("abandoned_chats", "chats").alias("abandonment_pct"))
