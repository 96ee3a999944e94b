"""owner-reply-count: replies sent per rep, the most active first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import PERIOD_COLUMNS, Records, ReportInfo, Stages, top_option
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The replies (public human-agent messages; --include-bots: the bot's too) of the
    selection, one row each, with the sender as rep."""
    import polars as pl

    from svcstats.reports.waits import conversation

    replies = conversation(ctx.dataset, bool(ctx.options.get("include_bots"))).filter(pl.col("role") == "reply")
    return ctx.refine(replies.with_columns(rep=pl.col("sender")), computed=["sent_at"])


def aggregate(ctx: ReportContext, replies: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Replies per row key (default --group-by rep), placed by when they were sent."""
    import polars as pl

    return ctx.aggregate(ctx.place(replies), pl.len().alias("replies"))


def finish(ctx: ReportContext, counts: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar; with --totals only the top N reps (10 unless --top; 0 =
    all), ties at the cut all kept."""
    import polars as pl

    result = ctx.assemble([counts], counts=["replies"])
    top = ctx.options.get("top")
    top = 10 if top is None else int(top)  # --top: rules of definition.top_option, 0 = all
    if not (ctx.totals and "rep" in ctx.group_keys):
        return result
    others = [key for key in ctx.keys if key != "rep"]
    rank = pl.col("replies").rank("min", descending=True)
    ranked = result.with_columns((rank.over(others) if others else rank).cast(pl.Int64).alias("rank"))
    if top:  # --top 0 lists every rep, still ranked
        ranked = ranked.filter(pl.col("rank") <= top)
    return ranked.sort([*others, "rank", "rep"])


REPORT = ReportInfo(
    name="owner-reply-count",
    collection="Ticket replies",
    title="Owner reply count",
    summary="How many replies each rep sent: who talks to customers most.",
    about="""\
Counts replies (public messages by human agents; --include-bots counts the bot too) per rep,
the message's sender, per period or in total, placed by when they were sent. Grouped by rep
unless --group-by says otherwise. With --totals only the top N reps are listed (10 unless
--top N; --top 0 lists all), ranked by replies; reps tied at the cut are all kept.

"""
    + MESSAGE_RULES,
    table="messages",
    columns=(
        *PERIOD_COLUMNS,
        ("rep", "the sender of the replies; other --group-by keys follow"),
        ("replies", "replies sent"),
        ("rank", "with --totals: the rep's rank by replies (ties share a rank)"),
    ),
    date_by={"sent": "sent_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's messages"),
    group_aliases=MESSAGE_GROUPS,
    example_options=" --totals --top 5",
    default_group_by=("rep",),
    listing_options=("top",),
    options=(
        WAIT_OPTIONS[1],
        top_option("With --totals, only the N reps with the most replies (default 10)"),
    ),
)
