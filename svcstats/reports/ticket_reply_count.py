"""ticket-reply-count: the tickets with the most replies sent, and with the most customer messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import Chart, Records, ReportInfo, Stages, top_option
from svcstats.reports.rules import MESSAGE_RULES, TICKET_GROUPS, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


from svcstats.errors import UsageError

RANKINGS = {"replies_sent": "reply", "messages_received": "customer"}


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The customer messages and replies of the selection, one row each, with their ticket's
    subject and owner (when there is a tickets table)."""
    import polars as pl

    from svcstats.reports.waits import conversation

    if ctx.group_keys:
        raise UsageError(
            "ticket-reply-count ranks tickets over the whole range; it takes no --group-by", "filter with --team, --rep or --where instead"
        )
    messages = ctx.refine(conversation(ctx.dataset, bool(ctx.options.get("include_bots"))), computed=["sent_at"])
    if ctx.dataset.has("tickets"):
        details = ctx.dataset.load("tickets", ["subject", "owner"]).select("ticket_id", "subject", "owner")
        return messages.join(details, on="ticket_id", how="left")
    return messages.with_columns(subject=pl.lit(None, pl.String), owner=pl.lit(None, pl.String))


def aggregate(ctx: ReportContext, messages: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per ticket: replies sent and customer messages received in the range."""
    import polars as pl

    return (
        ctx.place(messages)
        .group_by("ticket_id", "subject", "owner")
        .agg(*((pl.col("role") == role).sum().cast(pl.Int64).alias(name) for name, role in RANKINGS.items()))
    )


def finish(ctx: ReportContext, counts: pl.LazyFrame) -> pl.LazyFrame:
    """(3) The two rankings: the top N tickets (10 unless --top; 0 = all) by each count, ties
    broken by ticket id."""
    import polars as pl

    top = ctx.options.get("top")
    top = 10 if top is None else int(top)  # --top: rules of definition.top_option, 0 = all
    rankings = []
    for name in RANKINGS:
        ordered = counts.filter(pl.col(name) > 0).sort([name, "ticket_id"], descending=[True, False])
        ordered = ordered.head(top) if top else ordered
        rankings.append(ordered.with_columns(ranking=pl.lit(name), rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)))
    columns = ["ranking", "rank", "ticket_id", "subject", "owner", *RANKINGS]
    return pl.concat([r.select(columns) for r in rankings]).sort(["ranking", "rank"], descending=[True, False])


REPORT = ReportInfo(
    name="ticket-reply-count",
    collection="Ticket replies",
    title="Ticket reply count",
    summary="The tickets with the most replies sent and with the most customer messages.",
    about="""\
Two rankings over the date range (always a total, never per period): the top N tickets (10
unless --top N) by replies sent (public human-agent messages) and the top N by customer
messages received, counting the messages sent in the range. Ties are broken by ticket id.
Subject and owner come from the tickets table when there is one. In machine formats both
rankings are one table, told apart by the ranking column (replies_sent, messages_received).

"""
    + MESSAGE_RULES,
    table="messages",
    columns=(
        ("ranking", "replies_sent or messages_received"),
        ("rank", "1 = the most"),
        ("ticket_id", "the ticket"),
        ("subject, owner", "from the tickets table, when known"),
        ("replies_sent", "replies sent in the range"),
        ("messages_received", "customer messages received in the range"),
    ),
    date_by={"sent": "sent_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's messages and its row of tickets (subject, owner)"),
    group_aliases=TICKET_GROUPS,  # --rep and --group-by rep: the ticket owner
    example_options=" --top 5",
    range_only=True,
    no_compare="ranks tickets (top lists), so --compare does not apply",
    options=(
        WAIT_OPTIONS[1],
        top_option("How many tickets each ranking lists (default 10)"),
    ),
    chart=Chart("replies_sent", ("ticket_id",), ranking="replies_sent"),
)
