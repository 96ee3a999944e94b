"""Per ticket, the messages that touched it: replies sent, customer messages received and the
reps who replied (one-touch-resolution, ticket-facts). What a reply is: `messages.is_human_reply`."""

from __future__ import annotations

import polars as pl

from svcstats.loaders.dataset import Dataset
from svcstats.reports.messages import is_human_reply
from svcstats.reports.waits import COLUMNS


def touches(dataset: Dataset) -> pl.LazyFrame:
    """One row per ticket with messages: ticket_id, replies (public human replies), customer_messages
    and replying_reps (distinct senders of those replies; an empty sender counts as one rep). A
    data error (from the loader) when there is no messages table."""
    messages = dataset.load("messages", COLUMNS)  # as the wait pairing loads them: parsed once
    reply = is_human_reply()
    return messages.group_by("ticket_id").agg(
        reply.sum().cast(pl.Int64).alias("replies"),
        (pl.col("sender_type") == "customer").sum().cast(pl.Int64).alias("customer_messages"),
        pl.col("sender").fill_null("").filter(reply).n_unique().cast(pl.Int64).alias("replying_reps"),
    )


def with_touches(dataset: Dataset, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """`tickets` with their touches (zero for a ticket without messages)."""
    counts = ("replies", "customer_messages", "replying_reps")
    joined = tickets.join(touches(dataset), on="ticket_id", how="left")
    return joined.with_columns(pl.col(c).fill_null(0) for c in counts)
