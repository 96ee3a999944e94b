"""Working time: weekly schedules in local time, holidays, and business time between two instants.

A schedule is a set of weekly windows (weekday, start, end) in one IANA time zone. Its working
intervals are laid out once, in UTC, for every local day from 1970 to 2099: a 09:00 start is
09:00 local on both sides of a DST change, and a holiday removes its local day's windows.
Each instant then maps to "business microseconds elapsed since 1970" for its schedule, by one
binary search over the interval edges of all schedules (each schedule in its own block of
keys); business time between two instants is the difference of the two. That is a handful of
vectorised operations per column, whatever the number of rows or the length of the intervals.

Edge rules: a window whose end is at or before its start runs past midnight (22:00-06:00, or
09:00-00:00 for "until midnight"); overlapping windows merge; a local start that does not exist
(inside a spring-forward gap) is taken as if the clock had not moved yet; an ambiguous one
(autumn) as its first occurrence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import polars as pl

from svcstats.config import check_time_zone
from svcstats.errors import DataError, UsageError
from svcstats.loaders.dataset import Dataset
from svcstats.periods import PERIOD, local_instant, split_by_period
from svcstats.schedule import DEFAULT, Schedule, Window

FIRST_DAY = date(1970, 1, 1)
END_DAY = date(2100, 1, 1)  # exclusive
DAY_US = 86_400_000_000
SPAN_US = (END_DAY - FIRST_DAY).days * DAY_US  # the keys of one schedule: [number * SPAN_US, (number + 1) * SPAN_US)
MAX_SCHEDULES = (2**63 - 1) // SPAN_US - 1


class WorkingTime:
    """Business time for a set of named schedules (rep name -> Schedule; "*" is the default).

    `elapsed(instant, rep)` is an expression: business microseconds from 1970 to `instant` in
    the schedule of `rep` (the default schedule when the rep has none of its own, null when there
    is no default either)."""

    def __init__(self, schedules: Mapping[str, Schedule], holidays: pl.DataFrame | None = None) -> None:
        self.schedules = dict(schedules)
        # reps with the same schedule share one block of keys
        blocks = list(dict.fromkeys(self.schedules[name] for name in sorted(self.schedules)))
        if len(blocks) > MAX_SCHEDULES:
            raise DataError(f"{len(blocks)} different working-hours schedules; at most {MAX_SCHEDULES} are supported")
        self.numbers = {name: blocks.index(schedule) for name, schedule in self.schedules.items()}
        holidays = holidays if holidays is not None else holiday_frame([])
        edges = pl.concat(
            [_edges(schedule, number, holidays) for number, schedule in enumerate(blocks)]
            or [pl.DataFrame(schema={"key": pl.Int64, "base": pl.Int64, "slope": pl.Int64})]
        ).sort("key")
        self._keys = edges["key"].to_numpy()
        self._base = edges["base"].to_numpy()
        self._slope = edges["slope"].to_numpy()

    def schedule_number(self, rep: pl.Expr) -> pl.Expr:
        """The number of `rep`'s schedule: its own, else the default's, else null."""
        default = self.numbers.get(DEFAULT)
        own = {name: number for name, number in self.numbers.items() if name != DEFAULT}
        return rep.cast(pl.String).replace_strict(own, default=default, return_dtype=pl.Int64)

    def elapsed(self, instant: pl.Expr, rep: pl.Expr) -> pl.Expr:
        """Business microseconds from 1970-01-01 to `instant` (UTC-aware) in `rep`'s schedule."""
        utc = instant.dt.convert_time_zone("UTC").dt.epoch("us")
        utc = pl.when((utc >= 0) & (utc < SPAN_US)).then(utc)  # outside 1970-2099: no business time (null), never clamped
        key = self.schedule_number(rep) * SPAN_US + utc
        return pl.when(key.is_not_null()).then(key.map_batches(self._business_at, return_dtype=pl.Int64, is_elementwise=True))

    def _business_at(self, keys: pl.Series) -> pl.Series:
        """Business microseconds at each key: one binary search over the edges, a batch at a time.
        (NumPy's search: Polars' search_sorted against a literal runs twice as slowly on the
        streaming engine.) Each schedule's block opens with a closed edge at its own start, so the
        search never lands in the previous schedule's block."""
        import numpy as np  # here, not at the top: only business hours need it (~60 ms of start-up)

        values = keys.fill_null(0).to_numpy()
        at = np.searchsorted(self._keys, values, side="right") - 1
        return pl.Series(keys.name, self._base[at] + self._slope[at] * values, dtype=pl.Int64)

    def between(self, start: pl.Expr, end: pl.Expr, rep: pl.Expr) -> pl.Expr:
        """Business microseconds from `start` to `end` in `rep`'s schedule (negative when end < start)."""
        return self.elapsed(end, rep) - self.elapsed(start, rep)

    def reps_without_schedule(self, reps: pl.Expr) -> pl.Expr:
        """True for rep names that have no schedule of their own (nulls excluded)."""
        return reps.is_not_null() & ~reps.cast(pl.String).is_in([n for n in self.numbers if n != DEFAULT])


def _edges(schedule: Schedule, number: int, holidays: pl.DataFrame) -> pl.DataFrame:
    """The edges of one schedule's working intervals as keys (number * SPAN_US + UTC microseconds)
    with, at each, base and slope such that business time at key k is base + slope * k."""
    windows = pl.DataFrame(
        {
            "weekday": [w.weekday for w in schedule.windows],
            "start": [w.start for w in schedule.windows],
            "end": [w.end for w in schedule.windows],
        },
        schema={"weekday": pl.Int8, "start": pl.Time, "end": pl.Time},
    )
    days = pl.DataFrame({"day": pl.date_range(FIRST_DAY, END_DAY, "1d", closed="left", eager=True)})
    days = days.with_columns(weekday=pl.col("day").dt.weekday().cast(pl.Int8))
    end_day = pl.col("day") + pl.duration(days=(pl.col("end") <= pl.col("start")).cast(pl.Int64))  # past midnight
    utc = pl.Datetime("us", "UTC")
    windows_utc = days.join(windows, on="weekday").select(
        started_at=_utc_us(pl.col("day").dt.combine(pl.col("start")), schedule.timezone).cast(utc),
        ended_at=_utc_us(end_day.dt.combine(pl.col("end")), schedule.timezone).cast(utc),
    )
    # a holiday is a local day without working time, whichever day its windows started on: cut
    # the windows at local midnights and drop the pieces on holidays
    off = holidays.filter(pl.col("timezone").is_null() | (pl.col("timezone") == schedule.timezone)).select(pl.col("day").alias(PERIOD))
    pieces = split_by_period(windows_utc.lazy().filter(pl.col("ended_at") > pl.col("started_at")), "1d", schedule.timezone)
    intervals = (
        pieces.join(off.lazy(), on=PERIOD, how="anti")
        .select(start=pl.col("started_at").dt.epoch("us"), end=pl.col("ended_at").dt.epoch("us"))
        .filter(pl.col("end") > pl.col("start"))
        .collect()
    )
    # merge overlapping and touching pieces: a new island starts where no earlier interval reaches
    merged = (
        intervals.sort("start")
        .with_columns(island=(pl.col("start") > pl.col("end").cum_max().shift(1)).fill_null(True).cum_sum())
        .group_by("island")
        .agg(pl.col("start").min(), pl.col("end").max())
        .sort("start")
        .with_columns(length=pl.col("end") - pl.col("start"))
        .with_columns(before=pl.col("length").cum_sum() - pl.col("length"))
    )
    offset = number * SPAN_US
    opening = pl.DataFrame({"key": [offset], "base": [0], "slope": [0]}, schema={"key": pl.Int64, "base": pl.Int64, "slope": pl.Int64})
    starts = merged.select(key=pl.col("start") + offset, base=pl.col("before") - (pl.col("start") + offset), slope=pl.lit(1, pl.Int64))
    ends = merged.select(key=pl.col("end") + offset, base=pl.col("before") + pl.col("length"), slope=pl.lit(0, pl.Int64))
    return pl.concat([opening, starts, ends])


def _utc_us(local: pl.Expr, timezone: str) -> pl.Expr:
    """Microseconds since the epoch (UTC) of a local wall time in `timezone` (see local_instant)."""
    return local_instant(local, timezone).dt.epoch("us")


def holiday_frame(rows: Iterable[tuple[date, str | None]]) -> pl.DataFrame:
    """A holidays frame (day, timezone) from (date, zone or None) pairs; a null zone is every zone's holiday."""
    pairs = list(rows)
    return pl.DataFrame({"day": [d for d, _ in pairs], "timezone": [z for _, z in pairs]}, schema={"day": pl.Date, "timezone": pl.String})


def load_working_time(dataset: Dataset, zone: str, require_default: bool = True) -> WorkingTime:
    """The schedules of the working_hours export (per rep; rep "*" is everyone's default) and the
    config's [business_hours] (the default, winning over "*"), with the holidays export. A schedule
    without a time zone is in `zone` (the report's). Raises a usage error when there is no schedule
    at all, or no default one and `require_default` (business hours for every rep)."""
    config = dataset.config.business_hours
    schedules: dict[str, Schedule] = {}
    if dataset.has("working_hours"):
        rows = dataset.load("working_hours", ["timezone"]).collect(engine=dataset.engine)
        rows = rows.filter(pl.all_horizontal(pl.col("rep", "weekday", "start", "end").is_not_null()))
        fallback = (config.timezone if config else None) or zone
        for (rep,), windows in rows.with_columns(pl.col("timezone").fill_null(fallback)).group_by("rep"):
            zones = windows["timezone"].unique().sort().to_list()
            if len(zones) > 1:
                raise DataError(
                    f"{dataset.label('working_hours')}: rep {rep!r} has working hours in several time zones ({', '.join(zones)})",
                    "give each rep one time zone",
                )
            check_zone(dataset, zones[0], rep)
            hours = tuple(Window(w, s, e) for w, s, e in windows.select("weekday", "start", "end").iter_rows())
            schedules[str(rep)] = Schedule(zones[0], hours)
    if config is not None:
        schedules[DEFAULT] = Schedule(config.timezone or zone, tuple(config.windows()))
    if not schedules:
        raise UsageError(
            "no working hours to measure against",
            "add a working_hours export (rep, weekday, start, end, timezone) or a [business_hours] section to svcstats.toml",
        )
    if DEFAULT not in schedules and require_default:
        raise UsageError(
            "business hours need a default working-hours schedule, for reps without their own",
            'add rows for rep "*" to the working_hours export, or a [business_hours] section to svcstats.toml',
        )
    holidays = None
    if dataset.has("holidays"):
        days = dataset.load("holidays", ["timezone"]).select(pl.col("date").alias("day"), "timezone")
        holidays = days.filter(pl.col("day").is_not_null()).collect(engine=dataset.engine)
        for holiday_zone in holidays["timezone"].drop_nulls().unique().to_list():
            check_zone(dataset, holiday_zone, None)
    return WorkingTime(schedules, holidays)


def check_zone(dataset: Dataset, zone: str, rep: str | None) -> None:
    """A data error naming the rep (or the holidays export, for rep None) for an unknown time zone."""
    try:
        check_time_zone(zone)
    except UsageError:
        where = f"{dataset.label('working_hours')}: rep {rep!r} has" if rep is not None else f"{dataset.label('holidays')}: a holiday has"
        raise DataError(f"{where} an unknown time zone {zone!r}", "use an IANA name such as Europe/Oslo") from None
