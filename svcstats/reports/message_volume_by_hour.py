"""message-volume-by-hour: messages sent and received by hour of day (and weekday) in --tz."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, Chart, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import MESSAGE_RULES, TICKET_GROUPS, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) The customer messages and replies of the selection, one row each, with their local
    hour, weekday and day in --tz."""
    import polars as pl

    from svcstats.reports.waits import conversation

    messages = conversation(ctx.dataset, bool(ctx.options.get("include_bots")))  # --rep: the ticket owner
    local = pl.col("sent_at").dt.convert_time_zone(ctx.tz)
    return ctx.refine(messages, computed=["sent_at"]).with_columns(
        hour=local.dt.hour().cast(pl.Int8), weekday=local.dt.weekday().cast(pl.Int8), day=local.dt.date()
    )


def aggregate(ctx: ReportContext, messages: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Messages received and sent in the range per group and hour (and weekday), with the
    first and last day of each cell's messages (the days of an open range)."""
    import polars as pl

    from svcstats.periods import range_filter

    placed = messages.filter(range_filter(pl.col("sent_at"), ctx.date_range, ctx.tz))
    return placed.group_by([*ctx.group_keys, *_slots(ctx)]).agg(
        (pl.col("role") == "customer").sum().alias("messages_received"),
        (pl.col("role") == "reply").sum().alias("messages_sent"),
        pl.col("day").min().alias("first_day"),
        pl.col("day").max().alias("last_day"),
    )


def finish(ctx: ReportContext, counts: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every hour (and weekday) for every group, zeros where nothing happened, and the
    averages per day (of that weekday) of the range."""
    import polars as pl

    slots = _slots(ctx)
    grid = pl.LazyFrame({"hour": pl.int_range(0, 24, dtype=pl.Int8, eager=True)})
    if "weekday" in slots:
        grid = pl.LazyFrame({"weekday": pl.int_range(1, 8, dtype=pl.Int8, eager=True)}).join(grid, how="cross")
    if ctx.group_keys:
        grid = counts.select(ctx.group_keys).unique().join(grid, how="cross")
    days = days_in_range(ctx, counts, by_weekday="weekday" in slots)
    result = grid.join(counts.drop("first_day", "last_day"), on=[*ctx.group_keys, *slots], how="left").with_columns(
        pl.col("messages_received", "messages_sent").fill_null(0).cast(pl.Int64)
    )
    result = result.join(days, on=["weekday"], how="left") if "weekday" in slots else result.join(days, how="cross")
    per_day = {
        f"{name.removeprefix('messages_')}_per_day": pl.col(name) / pl.col("days") for name in ("messages_received", "messages_sent")
    }
    return result.with_columns(**per_day).drop("days").sort([*ctx.group_keys, *slots])


def _slots(ctx: ReportContext) -> list[str]:
    return ["weekday", "hour"] if ctx.options.get("by_weekday") else ["hour"]


def days_in_range(ctx: ReportContext, counts: pl.LazyFrame, by_weekday: bool) -> pl.LazyFrame:
    """How many days (of each weekday) the range has: its dates, or the data's first to last day
    (from the first_day and last_day of the counted cells)."""
    import polars as pl

    low = pl.lit(ctx.date_range.start) if ctx.date_range.start else pl.col("first_day").min()
    high = pl.lit(ctx.date_range.end) if ctx.date_range.end else pl.col("last_day").max()
    dates = counts.select(pl.date_ranges(low, high, "1d").alias("day")).explode("day").drop_nulls()
    if by_weekday:
        return dates.group_by(pl.col("day").dt.weekday().cast(pl.Int8).alias("weekday")).agg(pl.len().cast(pl.Int64).alias("days"))
    return dates.select(pl.len().cast(pl.Int64).alias("days"))


REPORT = ReportInfo(
    name="message-volume-by-hour",
    collection="Ticket replies",
    title="Message volume by time of day",
    summary="Messages sent and received by hour of day (and weekday): when the team and customers are busiest.",
    about="""\
Counts customer messages received and replies sent per hour of the day (0-23) in --tz (DST
handled: a local hour is counted on the local clock), over the whole range, with the average
per day of the range (received_per_day, sent_per_day). --by-weekday gives a weekday x hour grid
(weekday 1 = Monday ... 7 = Sunday), each cell averaged over the number of such weekdays in the
range. Every hour (and weekday) appears, with zeros where nothing happened. Without a range, the
days run from the first to the last message. --group-by team (or any column) adds one grid per
group.

"""
    + MESSAGE_RULES,
    table="messages",
    columns=(
        GROUP_COLUMNS,
        ("weekday", "with --by-weekday: 1 = Monday ... 7 = Sunday"),
        ("hour", "hour of the day, 0-23, in --tz"),
        ("messages_received", "customer messages in that hour"),
        ("messages_sent", "replies sent in that hour"),
        ("received_per_day, sent_per_day", "the same divided by the days (of that weekday) in the range"),
    ),
    date_by={"sent": "sent_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records(
        "ticket", "ticket_id", "a ticket's messages; without a date range the first and last day of all messages are over the whole data"
    ),
    group_aliases=TICKET_GROUPS,  # --rep and --group-by rep: the ticket owner
    example_options=" --tz Europe/Oslo",
    range_only=True,
    row_keys=("weekday", "hour"),
    options=(
        WAIT_OPTIONS[1],
        ReportOption("by_weekday", "--by-weekday", False, "A weekday x hour grid instead of hours alone."),
    ),
    chart=Chart("messages_received", ("weekday", "hour")),
)
