"""Waits in a conversation, paired once for every reply-time report.

The rules are `rules.MESSAGE_RULES` (what `svcstats about` prints for the Ticket replies
reports): what a reply is, when a wait starts and ends, the message order. The pairing is window
expressions over each ticket's messages: no loops over rows.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from svcstats.loaders.dataset import Dataset
from svcstats.reports.messages import is_human_reply

Side = Literal["customer", "reply"]
ORDER = ["sent_at", "order_id", "role_rank"]
COLUMNS = ["message_id", "sender", "is_public"]  # the messages columns the pairing reads
PARTS = 8  # groups of tickets paired one after another (see `waits`)


def conversation(dataset: Dataset, include_bots: bool) -> pl.LazyFrame:
    """The messages that start or end waits, with their role ("customer" or "reply") and, per
    ticket, the customer's id (its customer sender; the smallest id if several)."""
    messages = dataset.load("messages", COLUMNS)
    order = pl.col("message_id").fill_null("")
    if dataset.ids_in_row_order("messages"):
        # a row's position sorts as its id does, and a number sorts far cheaper than text (the
        # order sort's memory at 5M messages); a missing id, "" as text, still sorts first: rows
        # are numbered from 1 and a missing id is 0
        messages = messages.with_row_index("row:", offset=1)
        order = pl.when(pl.col("message_id").is_null()).then(0).otherwise(pl.col("row:"))
    reply = is_human_reply()
    if include_bots:
        reply |= (pl.col("sender_type") == "bot") & pl.col("is_public").fill_null(True)
    role = pl.when(pl.col("sender_type") == "customer").then(pl.lit("customer")).when(reply).then(pl.lit("reply"))
    roles = messages.with_columns(role=role).filter(pl.col("role").is_not_null())
    return roles.with_columns(
        order_id=order,
        role_rank=(pl.col("role") == "reply").cast(pl.Int8),
        customer=pl.col("sender").filter(pl.col("role") == "customer").min().over("ticket_id"),
    ).drop("row:", strict=False)


def waits(messages: pl.LazyFrame, waiting: Side, now: object) -> pl.LazyFrame:
    """One row per wait of `waiting` ("customer": the customer waits for a reply; "reply": the
    team waits for the customer): ticket_id, started_at, ended_at (null while open at `now`),
    first_wait (the ticket's first), starter (sender of the message that started it), ender (sender
    of the one that ended it), customer. Durations are the caller's (calendar or business time).

    Waits never span tickets, so the tickets are paired in PARTS groups (by a hash of the id), each
    sorted and paired on its own (`paired`), from one cached read of the messages: the sort, which
    holds everything it sorts, then holds one group at a time (customer-wait-time at 5M messages:
    1.0 GB peak -> 0.7 GB, the same CPU). The rows come group by group, each in ticket order."""
    # read by every group; the group number is a byte, as every column here is held for each message
    tagged = messages.with_columns(group=(pl.col("ticket_id").hash(seed=0) % PARTS).cast(pl.UInt8)).cache()
    groups = [paired(tagged.filter(pl.col("group") == i).drop("group"), waiting, now) for i in range(PARTS)]
    return pl.concat(groups, parallel=False)


def paired(messages: pl.LazyFrame, waiting: Side, now: object) -> pl.LazyFrame:
    """The waits of `waiting` in `messages` (whole tickets), as `waits` describes them.

    The messages are sorted once by ticket and message order (stably: exact ties keep their input
    order), so that each ticket's messages are consecutive rows; the pairing is then shifts, backward
    fills and a running count over the whole frame, with every filled value checked against the
    row's ticket number so that nothing is taken from the next ticket."""
    waits_role = pl.col("role_rank") == (0 if waiting == "customer" else 1)  # role_rank: 0 customer, 1 reply
    answers = ~waits_role
    ticket_no = pl.col("ticket_no")
    ordered = messages.sort(["ticket_id", *ORDER], maintain_order=True).with_columns(
        new_ticket=pl.col("ticket_id").ne_missing(pl.col("ticket_id").shift(1))
    )
    marked = ordered.with_columns(
        ticket_no=pl.col("new_ticket").cum_sum(),
        # a run of `waiting` messages starts one wait, at its first message
        starts=waits_role & (pl.col("new_ticket") | ~waits_role.shift(1)),
    ).with_columns(
        # the next answer at or after each row: its time, ticket and sender, each filled on its own
        # so that the sender is sorted along only when a report reads it. They come from one
        # message: time and ticket are never empty (a message without a time is not loaded), and
        # an empty sender is filled as "" (no parsed text is "") and read back as empty
        answer_at=pl.when(answers).then(pl.col("sent_at")).backward_fill(),
        answer_ticket=pl.when(answers).then(ticket_no).backward_fill(),
        answer_by=pl.when(answers).then(pl.col("sender").fill_null("")).backward_fill(),
    )
    answered = pl.col("answer_ticket") == ticket_no  # null without an answer
    return (
        marked.filter(pl.col("starts"))
        .select(
            "ticket_id",
            pl.col("sent_at").alias("started_at"),
            pl.when(answered).then(pl.col("answer_at")).alias("ended_at"),
            # the waits are in ticket order here: a ticket's first is the first row of its number
            ticket_no.ne_missing(ticket_no.shift(1)).alias("first_wait"),
            pl.col("sender").alias("starter"),
            pl.when(answered & (pl.col("answer_by") != "")).then(pl.col("answer_by")).alias("ender"),
            "customer",
        )
        .filter(pl.col("started_at") <= pl.lit(now))
        .with_columns(
            # an answer after --as-of had not come yet: the wait was open then
            ended_at=pl.when(pl.col("ended_at") <= pl.lit(now)).then(pl.col("ended_at")),
            ender=pl.when(pl.col("ended_at") <= pl.lit(now)).then(pl.col("ender")),
        )
    )
