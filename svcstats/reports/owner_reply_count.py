"""owner-reply-count: replies sent per rep, the most active first."""

from __future__ import annotations

import polars as pl

from svcstats.errors import UsageError
from svcstats.reports.base import ReportContext
from svcstats.reports.waits import conversation


def top_count(option: object, default: int) -> int:
    """--top N as a number (0 = no limit)."""
    text = str(option if option is not None else default)
    if not text.isdigit():
        raise UsageError(f"--top {text!r} is not a whole number", "e.g. --top 10, or --top 0 for all")
    return int(text)


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Replies (public human-agent messages) per rep (default --group-by rep) per period, or in
    total; with --totals only the top N reps (10 unless --top), ties at the cut all kept."""
    replies = conversation(ctx.dataset, bool(ctx.options.get("include_bots"))).filter(pl.col("role") == "reply")
    replies = ctx.refine(replies.with_columns(rep=pl.col("sender")), computed=["sent_at"])
    result = ctx.assemble([ctx.aggregate(ctx.place(replies), pl.len().alias("replies"))], counts=["replies"])
    top = top_count(ctx.options.get("top"), 10)
    if not (ctx.totals and "rep" in ctx.group_keys):
        return result
    others = [key for key in ctx.keys if key != "rep"]
    rank = pl.col("replies").rank("min", descending=True)
    ranked = result.with_columns((rank.over(others) if others else rank).cast(pl.Int64).alias("rank"))
    if top:  # --top 0 lists every rep, still ranked
        ranked = ranked.filter(pl.col("rank") <= top)
    return ranked.sort([*others, "rank", "rep"])
