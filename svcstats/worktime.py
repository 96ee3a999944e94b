"""Working time: weekly schedules in local time, holidays, and business time between two instants.

A schedule is a set of weekly windows (weekday, start, end) in one IANA time zone. Its working
intervals are laid out in UTC for every local day of the years the data needs (within 1970 to
2099): a 09:00 start is 09:00 local on both sides of a DST change, and a holiday removes its
local day's windows. Each instant then maps to "business microseconds elapsed since the start of
the layout" for its schedule, by one binary search over the interval edges of all schedules (each
schedule in its own block of keys); business time between two instants is the difference of the
two. That is a handful of vectorised operations per column, whatever the number of rows or the
length of the intervals.

The layout covers the years of the instants seen so far, a year either side: each batch of
(start, end) pairs is measured against a layout covering all its instants (made wider, from
scratch, when a batch needs years it does not have), so a difference never depends on where the
layout starts, and a run whose data spans two years lays out four, not 130.

Edge rules: a window whose end is at or before its start runs past midnight (22:00-06:00, or
09:00-00:00 for "until midnight"); overlapping windows merge; a local start that does not exist
(inside a spring-forward gap) is taken as if the clock had not moved yet; an ambiguous one
(autumn) as its first occurrence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

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

    `between(start, end, rep)` is an expression: business microseconds from `start` to `end` in
    the schedule of `rep` (the default schedule when the rep has none of its own, null when there
    is no default either)."""

    def __init__(self, schedules: Mapping[str, Schedule], holidays: pl.DataFrame | None = None) -> None:
        self.schedules = dict(schedules)
        # reps with the same schedule share one block of keys
        blocks = list(dict.fromkeys(self.schedules[name] for name in sorted(self.schedules)))
        if len(blocks) > MAX_SCHEDULES:
            raise DataError(f"{len(blocks)} different working-hours schedules; at most {MAX_SCHEDULES} are supported")
        self.numbers = {name: blocks.index(schedule) for name, schedule in self.schedules.items()}
        self._blocks = blocks
        self._holidays = holidays if holidays is not None else holiday_frame([])
        self._layout: _Layout | None = None
        self._lock = threading.Lock()

    def schedule_number(self, rep: pl.Expr) -> pl.Expr:
        """The number of `rep`'s schedule: its own, else the default's, else null."""
        default = self.numbers.get(DEFAULT)
        own = {name: number for name, number in self.numbers.items() if name != DEFAULT}
        return rep.cast(pl.String).replace_strict(own, default=default, return_dtype=pl.Int64)

    def _key(self, instant: pl.Expr, rep: pl.Expr) -> pl.Expr:
        """The search key of `instant` (UTC-aware) in `rep`'s schedule: null outside 1970-2099
        (no business time there, never clamped) or without a schedule."""
        utc = instant.dt.convert_time_zone("UTC").dt.epoch("us")
        utc = pl.when((utc >= 0) & (utc < SPAN_US)).then(utc)
        return self.schedule_number(rep) * SPAN_US + utc

    def between(self, start: pl.Expr, end: pl.Expr, rep: pl.Expr) -> pl.Expr:
        """Business microseconds from `start` to `end` in `rep`'s schedule (negative when end < start)."""
        keys = pl.struct(self._key(start, rep).alias("start"), self._key(end, rep).alias("end"))
        return keys.map_batches(self._business_between, return_dtype=pl.Int64, is_elementwise=True)

    def _business_between(self, keys: pl.Series) -> pl.Series:
        """Business microseconds between each pair of keys (null when either is): one binary search
        over the edges for each end, a batch at a time, against a layout covering the whole batch.
        (NumPy's search: Polars' search_sorted against a literal runs twice as slowly on the
        streaming engine.) Each schedule's block opens with a closed edge at its own start, so the
        search never lands in the previous schedule's block."""
        import numpy as np  # here, not at the top: only business hours need it (~60 ms of start-up)

        start, end = keys.struct.field("start"), keys.struct.field("end")
        both = start.is_not_null() & end.is_not_null()
        if not both.any():
            return _nulls(keys.name, len(keys))
        known = pl.concat([start.filter(both), end.filter(both)]) % SPAN_US
        layout = self._covering(_year_of(int(known.min())), _year_of(int(known.max())))  # type: ignore[arg-type]

        def business(values: pl.Series) -> np.ndarray:
            at = values.fill_null(0).to_numpy()
            edge = np.searchsorted(layout.keys, at, side="right") - 1
            measured: np.ndarray = layout.base[edge] + layout.slope[edge] * at
            return measured

        measured = pl.Series(keys.name, business(end) - business(start), dtype=pl.Int64)
        return measured.zip_with(both, _nulls(keys.name, len(keys)))

    def after(self, start: pl.Expr, business_us: pl.Expr, rep: pl.Expr) -> pl.Expr:
        """The first instant (UTC) at which `business_us` business microseconds have passed since
        `start` in `rep`'s schedule: the inverse of `between` (a due time). Null when either is,
        without a schedule, or when the schedule has not that much working time within a year of
        the latest start of the batch."""
        keys = pl.struct(self._key(start, rep).alias("start"), business_us.cast(pl.Int64).alias("amount"))
        return keys.map_batches(self._business_after, return_dtype=pl.Datetime("us", "UTC"), is_elementwise=True)

    def _business_after(self, keys: pl.Series) -> pl.Series:
        """For each (start key, amount): the smallest key whose business time is the start's plus
        the amount, as a UTC instant. Business time at a key is `base + slope * key` of the last
        edge at or before it; adding each block's number * SPAN_US to it orders all blocks' edges
        by (block, business time), so one search finds the working interval holding the answer."""
        import numpy as np

        start, amount = keys.struct.field("start"), keys.struct.field("amount")
        both = start.is_not_null() & amount.is_not_null() & (amount >= 0).fill_null(False)
        nulls = pl.Series(keys.name, [], dtype=pl.Datetime("us", "UTC")).extend_constant(None, len(keys))
        if not both.any():
            return nulls
        known = start.filter(both) % SPAN_US
        layout = self._covering(_year_of(int(known.min())), _year_of(int(known.max())) + 1)  # type: ignore[arg-type]
        block = layout.keys // SPAN_US
        ordered = block * SPAN_US + layout.base + layout.slope * layout.keys  # (block, business time) at each edge
        at = start.fill_null(0).to_numpy()
        edge = np.searchsorted(layout.keys, at, side="right") - 1
        wanted = (at // SPAN_US) * SPAN_US + layout.base[edge] + layout.slope[edge] * at + amount.fill_null(0).to_numpy()
        found = np.searchsorted(ordered, wanted, side="left") - 1  # the last edge before the wanted business time
        found = np.clip(found, 0, len(ordered) - 1)
        # never before the start: no working time is due at once, even outside working hours
        key = np.maximum(layout.keys[found] + (wanted - ordered[found]), at)
        # the answer lies in a working interval (slope 1) of the start's own block, else beyond the layout
        usable = (layout.slope[found] == 1) & (block[found] == at // SPAN_US) & (wanted - ordered[found] > 0)
        instants = pl.Series(keys.name, key % SPAN_US, dtype=pl.Int64).cast(pl.Datetime("us", "UTC"))
        return instants.zip_with(both & pl.Series(usable), nulls)

    def _covering(self, first: int, last: int) -> _Layout:
        """A layout of every schedule covering the years `first` to `last` (UTC) with a year
        either side, made (wider than the one at hand, if any) when the one at hand does not.

        Batches arrive on the engine's worker threads. The layout is built outside any lock: a
        thread waiting on a lock holds a worker, and building a layout runs Polars work that needs
        the workers, so holding a lock around it deadlocks a small pool (seen on 2 cores). Two
        threads may build a layout at once; each returns one covering its own batch, and the
        lock only guards which one is kept for the batches after."""
        layout = self._layout
        if layout is not None and layout.first <= first and last <= layout.last:
            return layout
        low = first if layout is None else min(first, layout.first)
        high = last if layout is None else max(last, layout.last)
        wider = _lay_out(self._blocks, self._holidays, low, high)
        with self._lock:
            kept = self._layout
            if kept is None or (wider.first <= kept.first and kept.last <= wider.last):
                self._layout = wider
        return wider

    def reps_without_schedule(self, reps: pl.Expr) -> pl.Expr:
        """True for rep names that have no schedule of their own (nulls excluded)."""
        return reps.is_not_null() & ~reps.cast(pl.String).is_in([n for n in self.numbers if n != DEFAULT])


@dataclass(frozen=True)
class _Layout:
    """The edges of every schedule's working intervals over the years `first` to `last` (UTC
    years of the instants it is for; the local days laid out reach a year further either side)."""

    first: int
    last: int
    keys: Any  # NumPy arrays: edge keys (sorted), and base and slope at each
    base: Any
    slope: Any


def _lay_out(blocks: list[Schedule], holidays: pl.DataFrame, first: int, last: int) -> _Layout:
    """The layout of `blocks` (schedule number = position) for instants in the years `first` to
    `last`: the edges of every schedule's working intervals, as keys (number * SPAN_US + UTC
    microseconds) with, at each, base and slope such that business time at key k is base + slope
    * k (business time counted from the start of the days laid out). The intervals are found in
    one query per time zone, not per schedule (the demo's ten schedules: 0.12 -> 0.065 s of every
    business-hours run)."""
    days = (max(FIRST_DAY, date(first - 1, 1, 1)), min(END_DAY, date(last + 2, 1, 1)))
    by_zone: dict[str, list[tuple[int, Schedule]]] = {}
    for number, schedule in enumerate(blocks):
        by_zone.setdefault(schedule.timezone, []).append((number, schedule))
    found = [_intervals(numbered, zone, holidays, days) for zone, numbered in by_zone.items()]
    intervals = pl.concat(found) if found else pl.DataFrame(schema={"number": pl.Int64, "start": pl.Int64, "end": pl.Int64})
    # merge a schedule's overlapping and touching pieces: a new island starts where no earlier
    # interval of the schedule reaches (island numbers run on across schedules)
    reaches = pl.col("end").cum_max().shift(1).over("number")
    merged = (
        intervals.sort("number", "start")
        .with_columns(island=(pl.col("start") > reaches).fill_null(True).cum_sum())
        .group_by("number", "island")
        .agg(pl.col("start").min(), pl.col("end").max())
        .sort("number", "start")
        .with_columns(length=pl.col("end") - pl.col("start"))
        .with_columns(before=(pl.col("length").cum_sum() - pl.col("length")).over("number"))
    )
    offset = pl.col("number") * SPAN_US
    opening = pl.DataFrame({"number": range(len(blocks))}, schema={"number": pl.Int64})
    # at one key, the edges in search order: the last interval of the block before ending there,
    # then the block's opening edge, then an interval of its own starting there (the search takes
    # the last edge at or before a key)
    edges = pl.concat(
        [
            opening.select("number", key=offset, base=pl.lit(0, pl.Int64), slope=pl.lit(0, pl.Int64), kind=pl.lit(0, pl.Int8)),
            merged.select(
                "number",
                key=pl.col("start") + offset,
                base=pl.col("before") - (pl.col("start") + offset),
                slope=pl.lit(1, pl.Int64),
                kind=pl.lit(1, pl.Int8),
            ),
            merged.select(
                "number",
                key=pl.col("end") + offset,
                base=pl.col("before") + pl.col("length"),
                slope=pl.lit(0, pl.Int64),
                kind=pl.lit(2, pl.Int8),
            ),
        ]
    ).sort("key", "number", "kind")
    return _Layout(first, last, edges["key"].to_numpy(), edges["base"].to_numpy(), edges["slope"].to_numpy())


def _nulls(name: str, length: int) -> pl.Series:
    """A column of `length` null durations."""
    return pl.Series(name, [], dtype=pl.Int64).extend_constant(None, length)


def _year_of(utc_us: int) -> int:
    """The UTC year of an instant given in microseconds since 1970."""
    return (datetime(1970, 1, 1) + timedelta(microseconds=utc_us)).year


def _intervals(numbered: list[tuple[int, Schedule]], timezone: str, holidays: pl.DataFrame, span: tuple[date, date]) -> pl.DataFrame:
    """The working intervals (number, start, end in UTC microseconds) of the schedules of one
    `timezone`, each with its number, over the local days of `span` (end excluded), holidays cut
    out; pieces of one schedule may touch or overlap (`_lay_out` merges them)."""
    windows = pl.DataFrame(
        {
            "number": [number for number, schedule in numbered for _ in schedule.windows],
            "weekday": [w.weekday for _, schedule in numbered for w in schedule.windows],
            "start": [w.start for _, schedule in numbered for w in schedule.windows],
            "end": [w.end for _, schedule in numbered for w in schedule.windows],
        },
        schema={"number": pl.Int64, "weekday": pl.Int8, "start": pl.Time, "end": pl.Time},
    )
    days = pl.DataFrame({"day": pl.date_range(*span, "1d", closed="left", eager=True)})
    days = days.with_columns(weekday=pl.col("day").dt.weekday().cast(pl.Int8))
    end_day = pl.col("day") + pl.duration(days=(pl.col("end") <= pl.col("start")).cast(pl.Int64))  # past midnight
    utc = pl.Datetime("us", "UTC")
    windows_utc = (
        days.lazy()
        .join(windows.lazy(), on="weekday")
        .select(
            "number",
            started_at=_utc_us(pl.col("day").dt.combine(pl.col("start")), timezone).cast(utc),
            ended_at=_utc_us(end_day.dt.combine(pl.col("end")), timezone).cast(utc),
        )
    )
    # a holiday is a local day without working time, whichever day its windows started on: cut
    # the windows at local midnights and drop the pieces on holidays
    off = holidays.filter(pl.col("timezone").is_null() | (pl.col("timezone") == timezone)).select(pl.col("day").alias(PERIOD))
    pieces = split_by_period(windows_utc.filter(pl.col("ended_at") > pl.col("started_at")), "1d", timezone)
    return (
        pieces.join(off.lazy(), on=PERIOD, how="anti")
        .select("number", start=pl.col("started_at").dt.epoch("us"), end=pl.col("ended_at").dt.epoch("us"))
        .filter(pl.col("end") > pl.col("start"))
        .collect()
    )


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
