"""one-touch-resolution: closed tickets resolved with one touch, by Zendesk's, Freshdesk's or Intercom's rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import LIFECYCLE_RULES, MESSAGE_RULES, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

DEFINITIONS = ("zendesk", "freshdesk", "intercom")


def one_touch(definition: str) -> pl.Expr:
    """Whether a closed ticket (with its touches and `reopened`) was resolved with one touch."""
    import polars as pl

    if definition == "freshdesk":
        return pl.col("customer_messages") <= 1
    if definition == "intercom":
        return ~pl.col("reopened") & (pl.col("replying_reps") == 1)
    return pl.col("replies") <= 1


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per selected ticket closed at --as-of: its touches and whether it was one touch."""
    import polars as pl

    from svcstats.reports.lifecycle import lifecycle, valid_only
    from svcstats.reports.tickets import require_close_dates
    from svcstats.reports.touches import with_touches

    require_close_dates(ctx.dataset, ctx.info.name)
    tickets = valid_only(ctx, ctx.reuse(lifecycle(ctx)))
    closed = tickets.filter(pl.col("closed"))
    ctx.exclude(ctx.place(closed.filter(pl.col("closed_at").is_null()), "created_at"), "marked closed but no closed_at")
    closed = with_touches(ctx.dataset, closed.filter(pl.col("closed_at").is_not_null()))
    definition = str(ctx.options.get("definition") or "zendesk")
    return closed.select("ticket_id", "closed_at", one_touch(definition).alias("one_touch"), *ctx.group_keys)


def aggregate(ctx: ReportContext, tickets: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key (placed by close): closed tickets and the one-touch ones."""
    import polars as pl

    return ctx.aggregate(ctx.place(tickets), pl.len().alias("closed_tickets"), pl.col("one_touch").sum().alias("one_touch_tickets"))


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar; one_touch_pct = one-touch / closed x 100 (ratio of sums)."""
    result = ctx.assemble([aggregated], counts=["closed_tickets", "one_touch_tickets"])
    rate = ctx.rate("one_touch_tickets", "closed_tickets").alias("one_touch_pct")
    return result.with_columns(rate).select(*ctx.keys, "one_touch_pct", "one_touch_tickets", "closed_tickets")


REPORT = ReportInfo(
    name="one-touch-resolution",
    collection="Beyond HubSpot",
    title="One-touch resolution",
    summary="Closed tickets resolved with one touch, by Zendesk's, Freshdesk's or Intercom's rule.",
    about="""\
Counts the tickets closed in each period (placed by their last close, closed at --as-of) and,
of those, the ones resolved with one touch: one_touch_pct = one_touch_tickets /
closed_tickets x 100, a ratio of sums per row. HubSpot has the ticket property ("First contact
resolution") but no report; the help desks that report it disagree, so --definition chooses:

- zendesk (the default): at most one public reply by a human agent (0 replies counts too, as in
  Zendesk's one-touch tickets);
- freshdesk: no customer message after the first (at most one customer message);
- intercom: closed once (never reopened) and exactly one rep replied.

Replies and customer messages are counted over the ticket's whole conversation up to --as-of.
A ticket marked closed without a close date is left out (a warning).

"""
    + MESSAGE_RULES
    + "\n\n"
    + LIFECYCLE_RULES,
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("one_touch_pct", "one_touch_tickets / closed_tickets x 100 (empty when nothing closed)"),
        ("one_touch_tickets", "closed tickets resolved with one touch (by --definition)"),
        ("closed_tickets", "tickets closed in the period (by their last close)"),
    ),
    date_by={"closed": "closed_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row, its messages and stage_history rows"),
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    options=(
        ReportOption(
            "definition",
            "--definition",
            "zendesk",
            "Whose rule: zendesk (<= 1 public human reply), freshdesk (no customer message after the first), "
            "intercom (closed once, one replying rep).",
            DEFINITIONS,
        ),
    ),
    group_aliases=TICKET_GROUPS,
)
