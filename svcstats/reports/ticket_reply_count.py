"""ticket-reply-count: the tickets with the most replies sent, and with the most customer messages."""

from __future__ import annotations

import polars as pl

from svcstats.errors import UsageError
from svcstats.reports.base import ReportContext
from svcstats.reports.owner_reply_count import top_count
from svcstats.reports.waits import conversation

RANKINGS = {"replies_sent": "reply", "messages_received": "customer"}


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Two rankings over the range: the top N tickets by replies sent and by customer messages
    received (ties broken by ticket id), with subject and owner when known."""
    if ctx.group_keys:
        raise UsageError(
            "ticket-reply-count ranks tickets over the whole range; it takes no --group-by", "filter with --team, --rep or --where instead"
        )
    messages = ctx.place(ctx.refine(conversation(ctx.dataset, bool(ctx.options.get("include_bots"))), computed=["sent_at"]))
    counts = messages.group_by("ticket_id").agg(
        *((pl.col("role") == role).sum().cast(pl.Int64).alias(name) for name, role in RANKINGS.items())
    )
    if ctx.dataset.has("tickets"):
        details = ctx.dataset.load("tickets", ["subject", "owner"]).select("ticket_id", "subject", "owner")
        counts = counts.join(details, on="ticket_id", how="left")
    else:
        counts = counts.with_columns(subject=pl.lit(None, pl.String), owner=pl.lit(None, pl.String))
    top = top_count(ctx.options.get("top"), 10)
    rankings = []
    for name in RANKINGS:
        ordered = counts.filter(pl.col(name) > 0).sort([name, "ticket_id"], descending=[True, False])
        ordered = ordered.head(top) if top else ordered
        rankings.append(ordered.with_columns(ranking=pl.lit(name), rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64)))
    columns = ["ranking", "rank", "ticket_id", "subject", "owner", *RANKINGS]
    return pl.concat([r.select(columns) for r in rankings]).sort(["ranking", "rank"], descending=[True, False])
