"""agent-in-your-team: resolutions per period by each team member and by the customer agent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Stages
from svcstats.reports.rules import agent_report

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per conversation with its flags and its resolver: the agent for a resolution,
    else the assigned rep (Unassigned) when a human was involved and closed it by --as-of."""
    import polars as pl

    from svcstats.reports.agent_flags import AGENT_RESOLVER, conversation_flags
    from svcstats.reports.base import UNASSIGNED

    closed_by_human = pl.col("human_involved") & pl.col("closed_at").is_not_null() & (pl.col("closed_at") <= ctx.now)
    resolver = (
        pl.when(pl.col("resolved"))
        .then(pl.lit(AGENT_RESOLVER))
        .when(closed_by_human)
        .then(pl.col("assigned_rep").fill_null(UNASSIGNED))
        .alias("resolver")
    )
    return conversation_flags(ctx).with_columns(resolver)


def aggregate(ctx: ReportContext, flags: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Resolved conversations per row key and resolver."""
    import polars as pl

    resolutions = ctx.place(flags.filter(pl.col("resolver").is_not_null()))
    return ctx.aggregate(resolutions, pl.len().alias("resolved"), by=["resolver"])


def finish(ctx: ReportContext, per_resolver: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar for every resolver, each one's share of the row's resolutions."""
    import polars as pl

    result = ctx.assemble([per_resolver], counts=["resolved"], by=["resolver"])
    total = pl.col("resolved").sum().over(ctx.keys) if ctx.keys else pl.col("resolved").sum()
    result = result.with_columns(total.alias("all_resolved"))
    return result.select(*ctx.keys, "resolver", ctx.rate("resolved", "all_resolved").alias("share_pct"), "resolved", "all_resolved")


REPORT = agent_report(
    "agent-in-your-team",
    "Customer agent in your team",
    "Resolved conversations per period by each team member and by the agent, with each one's share.",
    """\
HubSpot's "Customer agent in your team": per period, the conversations resolved by the agent
(resolver "Customer agent", the resolved flag) and those closed by each team member: a
conversation with a human involved, closed (closed_at) by the end of --as-of, credited to its
assigned_rep ("Unassigned" when none). A conversation handed off and then closed by a human
counts for the human only. share_pct = the resolver's resolutions / all resolutions of the row's
period (and groups). Conversations without the agent count for the team too, when a rep closed
them.""",
    (
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("resolver", "a team member, or Customer agent"),
        ("share_pct", "resolved / all_resolved x 100: the resolver's share of the row's resolutions"),
        ("resolved", "conversations resolved by the resolver"),
        ("all_resolved", "conversations resolved by anyone in the row's period (and groups)"),
    ),
    stages=Stages(facts, aggregate, finish),
)
