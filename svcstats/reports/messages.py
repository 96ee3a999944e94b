"""Definitions about conversation messages that several reports share."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from svcstats.loaders.dataset import Dataset


def is_human_reply() -> pl.Expr:
    """A reply: a public message (not an internal note) from a human agent; bots and system
    messages never are."""
    return (pl.col("sender_type") == "agent") & pl.col("is_public").fill_null(True)


def first_replies(dataset: Dataset, tickets: pl.LazyFrame, columns: Sequence[str] = ("is_public",)) -> pl.LazyFrame:
    """Per ticket of `tickets` (ticket_id, created_at), the first human reply sent at or after
    its creation: ticket_id, first_reply_at. `columns` (with is_public) are the messages columns to
    load: a report that reads more of them elsewhere passes its list, so the table is parsed once."""
    messages = dataset.load("messages", list(columns)).filter(is_human_reply())
    return (
        messages.join(tickets.select("ticket_id", "created_at"), on="ticket_id", how="inner")
        .filter(pl.col("sent_at") >= pl.col("created_at"))
        .group_by("ticket_id")
        .agg(pl.col("sent_at").min().alias("first_reply_at"))
    )
