"""Place records in the date range and in periods, and build the calendar of periods to report.

Range and period boundaries are local midnights in the report time zone (DST-correct, since
they are computed on local dates); weeks start on Monday.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from svcstats.daterange import DateRange

PERIOD = "period_start"


def range_filter(ts: pl.Expr, date_range: DateRange, tz: str) -> pl.Expr:
    """True for instants whose local date (in `tz`) lies in the inclusive range."""
    condition = pl.lit(True)
    if date_range.start is not None:
        condition &= ts >= local_midnight(date_range.start, tz)
    if date_range.end is not None:
        condition &= ts < end_of_day(date_range.end, tz)
    return condition


def end_of_day(day: date, tz: str) -> datetime:
    """The UTC instant at which `day` ends in `tz` (the next local midnight)."""
    return local_midnight(day + timedelta(days=1), tz)


def local_midnight(day: date, tz: str) -> datetime:
    """The UTC instant of 00:00 local time on `day` (a UTC literal compares without conversion)."""
    return datetime.combine(day, time(), ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


def period_of(ts: pl.Expr, every: str, tz: str) -> pl.Expr:
    """The first local date of the period (1d, 1w, 1mo, 1q, 1y) holding each instant."""
    return ts.dt.convert_time_zone(tz).dt.date().dt.truncate(every).alias(PERIOD)


def local_instant(wall_time: pl.Expr, tz: str) -> pl.Expr:
    """The UTC instant of a naive local wall time in `tz`: an ambiguous one (autumn) is its first
    occurrence; one inside a spring-forward gap is read as if the clock had not moved yet."""
    hour = pl.duration(hours=1)
    exact = wall_time.dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    # a wall time an hour later lies past the gap, in the new offset: the same instant as the wall
    # time read in the old offset (02:30 in a 02:00-03:00 gap is 03:30 new time, 02:30 old time)
    shifted = (wall_time + hour).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
    return pl.coalesce(exact, shifted).dt.convert_time_zone("UTC")


def split_by_period(frame: pl.LazyFrame, every: str, tz: str, start: str = "started_at", end: str = "ended_at") -> pl.LazyFrame:
    """Intervals [start, end) cut at the local period boundaries they cross: one row per interval
    and period (PERIOD added), with start and end clipped to the period."""
    first = period_of(pl.col(start), every, tz)
    last = period_of(pl.col(end) - pl.duration(microseconds=1), every, tz)
    cut = frame.with_columns(pl.date_ranges(first, last, every).alias(PERIOD)).explode(PERIOD)
    opens = local_instant(pl.col(PERIOD).cast(pl.Datetime("us")), tz)
    closes = local_instant(pl.col(PERIOD).dt.offset_by(every).cast(pl.Datetime("us")), tz)
    return cut.with_columns(pl.max_horizontal(start, opens).alias(start), pl.min_horizontal(end, closes).alias(end))


def split_by_hour(frame: pl.LazyFrame, tz: str, start: str = "started_at", end: str = "ended_at") -> pl.LazyFrame:
    """Intervals [start, end) cut at local hour boundaries: one row per interval and hour, with
    `hour` (0-23, local) and start and end clipped to that hour."""
    local = pl.col(start).dt.convert_time_zone(tz).dt.truncate("1h")
    hours = pl.datetime_ranges(local, pl.col(end).dt.convert_time_zone(tz) - pl.duration(microseconds=1), "1h")
    cut = frame.with_columns(hours.alias("hour_start")).explode("hour_start")
    opens = pl.col("hour_start").dt.convert_time_zone("UTC")
    return cut.with_columns(
        pl.max_horizontal(start, opens).alias(start),
        pl.min_horizontal(end, opens + pl.duration(hours=1)).alias(end),
        pl.col("hour_start").dt.hour().cast(pl.Int8).alias("hour"),
    ).drop("hour_start")


def truncate_date(day: date, every: str) -> date:
    """The first date of the period holding `day`."""
    first: date = pl.Series([day]).dt.truncate(every).item()
    return first


def calendar(observed: pl.LazyFrame, every: str, date_range: DateRange) -> pl.LazyFrame:
    """Every period from the range's start to its end; an open side ends at the first or last
    period observed in the data. No data and an open range give no periods."""
    low = pl.lit(truncate_date(date_range.start, every)) if date_range.start else pl.col(PERIOD).min()
    high = pl.lit(truncate_date(date_range.end, every)) if date_range.end else pl.col(PERIOD).max()
    return observed.select(pl.date_ranges(low, high, every).alias(PERIOD)).explode(PERIOD).drop_nulls(PERIOD)
