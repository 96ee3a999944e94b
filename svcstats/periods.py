"""Place records in the date range and in periods, and build the calendar of periods to report.

Range and period boundaries are local midnights in the report time zone (DST-correct, since
they are computed on local dates); weeks start on Monday, or on Sunday for the interval
SUNDAY_WEEKS (--week-start sunday).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl

from svcstats.daterange import DateRange

PERIOD = "period_start"
PERIOD_END = "period_end"
PARTIAL = "partial"
SUNDAY_WEEKS = "1w-sun"  # `every` of weekly periods starting on Sunday; Polars' "1w" starts on Monday


def step(every: str) -> str:
    """The Polars interval of one period of `every` (SUNDAY_WEEKS steps by "1w")."""
    return "1w" if every == SUNDAY_WEEKS else every


def truncate(day: pl.Expr, every: str) -> pl.Expr:
    """The first date of the period of `every` holding each date of `day` (weeks from Sunday
    for SUNDAY_WEEKS: a Sunday moved one day on is a Monday, truncated, moved back)."""
    if every == SUNDAY_WEEKS:
        return day.dt.offset_by("1d").dt.truncate("1w").dt.offset_by("-1d")
    return day.dt.truncate(every)


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
    return truncate(ts.dt.convert_time_zone(tz).dt.date(), every).alias(PERIOD)


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
    cut = frame.with_columns(pl.date_ranges(first, last, step(every)).alias(PERIOD)).explode(PERIOD)
    opens = local_instant(pl.col(PERIOD).cast(pl.Datetime("us")), tz)
    closes = local_instant(pl.col(PERIOD).dt.offset_by(step(every)).cast(pl.Datetime("us")), tz)
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
    first: date = pl.select(truncate(pl.lit(day), every)).item()
    return first


def calendar(observed: pl.LazyFrame, every: str, date_range: DateRange) -> pl.LazyFrame:
    """Every period from the range's start to its end; an open side ends at the first or last
    period observed in the data. No data and an open range give no periods."""
    low = pl.lit(truncate_date(date_range.start, every)) if date_range.start else pl.col(PERIOD).min()
    high = pl.lit(truncate_date(date_range.end, every)) if date_range.end else pl.col(PERIOD).max()
    return observed.select(pl.date_ranges(low, high, step(every)).alias(PERIOD)).explode(PERIOD).drop_nulls(PERIOD)


def with_period_end(result: pl.DataFrame, every: str, date_range: DateRange) -> pl.DataFrame:
    """A result over time with, after its period_start, the period's last day (period_end) and
    whether the date range cuts the period (partial: it starts before the range or ends after
    it, so the row covers fewer days than the period). Results without periods are unchanged."""
    if PERIOD not in result.columns:
        return result
    start = pl.col(PERIOD)
    end = start.dt.offset_by(step(every)).dt.offset_by("-1d")
    partial = pl.lit(False)
    if date_range.start is not None:
        partial |= start < pl.lit(date_range.start)
    if date_range.end is not None:
        partial |= end > pl.lit(date_range.end)
    added = result.with_columns(end.alias(PERIOD_END), partial.alias(PARTIAL))
    columns = [c for c in result.columns if c != PERIOD]
    at = result.columns.index(PERIOD)
    return added.select(*columns[:at], PERIOD, PERIOD_END, PARTIAL, *columns[at:])
