"""chat-wait-time: minutes chat customers wait for a first human reply; unanswered chats as abandonment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


from svcstats.errors import DataError

MINUTES_PER_MICROSECOND = 1 / 6e7


def chat_milestones(messages: pl.LazyFrame) -> pl.LazyFrame:
    """Per chat (ticket_id): the customer's first message, the first human reply after it, and the
    last bot message between the two (the handoff to a human). Plain aggregations and joins: a
    filter inside a per-group aggregation is evaluated group by group, far slower at scale."""
    import polars as pl

    from svcstats.reports.messages import is_human_reply

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


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per chat (a ticket from chat, or with chat messages) of the selection: when the
    customer first wrote, the first human reply, the bot's handoff, and minutes_waited. Counts the
    chats without a customer message (left out)."""
    import polars as pl

    tickets = ctx.records(["source", *ctx.schedule_rep("owner")])
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
    started = chats.filter(pl.col("chat_started_at").is_not_null())
    ctx.note_schedules(ctx.place(started), "owner")
    return started


def aggregate(ctx: ReportContext, chats: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: chats started, answered ones with mean/median/p90 minutes, abandoned ones."""
    import polars as pl

    from svcstats.reports.base import duration_stats

    answered = pl.col("first_reply_at").is_not_null()
    return ctx.aggregate(
        ctx.place(chats),
        pl.len().alias("chats"),
        answered.sum().alias("answered_chats"),
        *duration_stats(pl.col("minutes_waited").filter(answered), ctx.stats, unit="minutes"),
        (~answered).sum().alias("abandoned_chats"),
    )


def finish(ctx: ReportContext, counts: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, with the abandoned share."""
    result = ctx.assemble([counts], counts=["chats", "answered_chats", "abandoned_chats"])
    return result.with_columns(ctx.rate("abandoned_chats", "chats").alias("abandonment_pct"))


REPORT = ReportInfo(
    name="chat-wait-time",
    collection="Team performance",
    title="Chat wait time",
    summary="How long chat customers wait for a first human reply, and how many chats go unanswered.",
    about="""\
Measures, for each chat, how long the customer waited for a human:
minutes_waited = first human reply - the customer's first message. HubSpot's "Chat wait time"
is the mean; the median and p90 come beside it.

A chat is a ticket whose source is chat (or, when tickets carry no source, whose messages have
channel chat); its messages come from the messages table. The first human reply is the first
public agent message at or after the customer's first message; bot and system messages and
internal notes never end the wait.

--wait-from handoff starts the wait at the handoff instead: the last bot message before the
first human reply (a chat the bot never took part in still waits from the customer's first
message). The default, --wait-from customer, counts the time with the bot as waiting too.

Chats are placed by the customer's first message (--date-by started).

Edge cases:
- Chats with no human reply are abandoned: not averaged, counted in abandoned_chats, and
  abandonment_pct = abandoned_chats / chats x 100 (a ratio of counts, per row).
- Chats without any customer message (started by an agent, or with no messages in the export)
  are left out and counted in a note.""",
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("chats", "chats started in the period or group"),
        ("answered_chats", "of those, chats with a human reply (n of the waits)"),
        ("mean_minutes", "mean wait in minutes (HubSpot's figure)"),
        ("median_minutes", "median wait in minutes"),
        ("p90_minutes", "90th percentile of the wait in minutes"),
        ("abandoned_chats", "of those, chats with no human reply"),
        ("abandonment_pct", "abandoned_chats / chats x 100; empty when there are no chats"),
    ),
    date_by={"started": "chat_started_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row and its messages"),
    schedule_of="the chat's ticket owner",
    needs=("source",),
    duration_stats=True,
    duration_unit="minutes",
    group_aliases=TICKET_GROUPS,
    options=(
        ReportOption(
            "wait_from",
            "--wait-from",
            "customer",
            "When the wait starts: at the customer's first message, or at the bot's handoff to a human.",
            ("customer", "handoff"),
        ),
    ),
)
