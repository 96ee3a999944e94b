"""message-volume-by-hour: messages sent and received by hour of day (and weekday) in --tz."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, Chart, Records, ReportInfo, ReportOption
from svcstats.reports.rules import MESSAGE_GROUPS, MESSAGE_RULES, WAIT_OPTIONS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Customer messages received and replies sent per hour of the day (0-23, local to --tz),
    or per weekday and hour with --by-weekday, with their average per day of the range."""
    import polars as pl

    from svcstats.periods import range_filter
    from svcstats.reports.waits import conversation

    messages = conversation(ctx.dataset, bool(ctx.options.get("include_bots"))).with_columns(rep=pl.col("sender"))
    messages = ctx.refine(messages, computed=["sent_at"]).filter(range_filter(pl.col("sent_at"), ctx.date_range, ctx.tz))
    local = pl.col("sent_at").dt.convert_time_zone(ctx.tz)
    slots = ["weekday", "hour"] if ctx.options.get("by_weekday") else ["hour"]
    messages = messages.with_columns(hour=local.dt.hour().cast(pl.Int8), weekday=local.dt.weekday().cast(pl.Int8), day=local.dt.date())
    counts = messages.group_by([*ctx.group_keys, *slots]).agg(
        (pl.col("role") == "customer").sum().alias("messages_received"), (pl.col("role") == "reply").sum().alias("messages_sent")
    )
    grid = pl.LazyFrame({"hour": pl.int_range(0, 24, dtype=pl.Int8, eager=True)})
    if "weekday" in slots:
        grid = pl.LazyFrame({"weekday": pl.int_range(1, 8, dtype=pl.Int8, eager=True)}).join(grid, how="cross")
    if ctx.group_keys:
        grid = counts.select(ctx.group_keys).unique().join(grid, how="cross")
    days = days_in_range(ctx, messages, by_weekday="weekday" in slots)
    result = grid.join(counts, on=[*ctx.group_keys, *slots], how="left").with_columns(
        pl.col("messages_received", "messages_sent").fill_null(0).cast(pl.Int64)
    )
    result = result.join(days, on=["weekday"], how="left") if "weekday" in slots else result.join(days, how="cross")
    per_day = {
        f"{name.removeprefix('messages_')}_per_day": pl.col(name) / pl.col("days") for name in ("messages_received", "messages_sent")
    }
    return result.with_columns(**per_day).drop("days").sort([*ctx.group_keys, *slots])


def days_in_range(ctx: ReportContext, messages: pl.LazyFrame, by_weekday: bool) -> pl.LazyFrame:
    """How many days (of each weekday) the range has: its dates, or the data's first to last day."""
    import polars as pl

    low = pl.lit(ctx.date_range.start) if ctx.date_range.start else pl.col("day").min()
    high = pl.lit(ctx.date_range.end) if ctx.date_range.end else pl.col("day").max()
    dates = messages.select(pl.date_ranges(low, high, "1d").alias("day")).explode("day").drop_nulls()
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
    build=build,
    records=Records(
        "ticket", "ticket_id", "a ticket's messages; without a date range the first and last day of all messages are over the whole data"
    ),
    group_aliases=MESSAGE_GROUPS,
    example_options=" --tz Europe/Oslo",
    range_only=True,
    options=(
        WAIT_OPTIONS[1],
        ReportOption("by_weekday", "--by-weekday", False, "A weekday x hour grid instead of hours alone."),
    ),
    chart=Chart("messages_received", ("weekday", "hour")),
)
