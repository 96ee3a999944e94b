"""Business time does not depend on which years the working-hours layout covers: it lays out only
the years the data needs, widening when a later batch needs more."""

from __future__ import annotations

from datetime import UTC, datetime, time

import polars as pl

from svcstats.schedule import Schedule, Window
from svcstats.worktime import WorkingTime, holiday_frame

OSLO = Schedule("Europe/Oslo", tuple(Window(day, time(8), time(16)) for day in range(1, 6)))  # Mon-Fri 8 h
NIGHTS = Schedule("Europe/Oslo", tuple(Window(day, time(22), time(6)) for day in range(1, 8)))  # every night, past midnight
HOLIDAYS = holiday_frame([(datetime(2026, 12, 25).date(), None), (datetime(1999, 12, 31).date(), None)])


def _hours(work: WorkingTime, pairs: list[tuple[datetime, datetime]], rep: str = "*") -> list[float | None]:
    frame = pl.DataFrame(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs]}, schema={"a": pl.Datetime("us", "UTC"), "b": pl.Datetime("us", "UTC")}
    )
    return frame.select(work.between(pl.col("a"), pl.col("b"), pl.lit(rep)) / 3.6e9).to_series().to_list()


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_a_week_measured_after_the_layout_was_made_for_other_years() -> None:
    work = WorkingTime({"*": OSLO}, HOLIDAYS)
    # first a batch in 2031 lays out 2030-2032; then a 2026 week needs a wider layout
    assert _hours(work, [(_utc(2031, 1, 6), _utc(2031, 1, 7))]) == [8.0]  # Mon 2031-01-06 08:00-16:00 Oslo
    # Mon 2026-11-16 07:00 UTC (08:00 Oslo) to Mon 2026-11-23 07:00 UTC: five 8-hour days = 40 h
    assert _hours(work, [(_utc(2026, 11, 16, 7), _utc(2026, 11, 23, 7))]) == [40.0]
    # Christmas week 2026: Fri 25 is a holiday: Mon-Thu = 32 h
    assert _hours(work, [(_utc(2026, 12, 21), _utc(2026, 12, 26))]) == [32.0]


def test_results_do_not_depend_on_the_years_laid_out() -> None:
    pairs = [
        (_utc(1971, 3, 1, 12), _utc(1971, 3, 9, 5)),
        (_utc(1999, 12, 30, 20), _utc(2000, 1, 3, 9)),  # across a holiday and a new year
        (_utc(2026, 3, 27, 10), _utc(2026, 3, 30, 9)),  # across the spring DST change
        (_utc(2026, 12, 31, 23), _utc(2027, 1, 1, 1)),  # a night across the new year
        (_utc(2098, 6, 1), _utc(2099, 12, 31, 23)),
        (_utc(2026, 5, 4, 12), _utc(2026, 5, 4, 1)),  # end before start: negative (-6 h by day, -3 h by night)
        (_utc(1969, 12, 31), _utc(1970, 1, 5)),  # before 1970: no business time (null)
    ]
    for schedule in (OSLO, NIGHTS):
        together = _hours(WorkingTime({"*": schedule}, HOLIDAYS), pairs)  # one batch: one wide layout
        alone = [_hours(WorkingTime({"*": schedule}, HOLIDAYS), [pair])[0] for pair in pairs]  # each its own years
        grown = WorkingTime({"*": schedule}, HOLIDAYS)
        widened = [_hours(grown, [pair])[0] for pair in pairs]  # one layout, widened batch by batch
        assert together == alone == widened
        assert together[-1] is None
        assert together[-2] == (-6.0 if schedule is OSLO else -3.0)


def test_business_time_adds_up_across_far_apart_years() -> None:
    work = WorkingTime({"*": NIGHTS}, HOLIDAYS)
    a, b, c = _utc(1980, 1, 1), _utc(2026, 6, 15, 3), _utc(2090, 1, 1)
    [whole] = _hours(work, [(a, c)])
    [first] = _hours(WorkingTime({"*": NIGHTS}, HOLIDAYS), [(a, b)])
    [second] = _hours(WorkingTime({"*": NIGHTS}, HOLIDAYS), [(b, c)])
    assert whole == first + second


def test_edges_at_one_key_are_searched_in_block_order() -> None:
    # rep a works round the clock (UTC): its block's last interval ends at 2100-01-01, the very key
    # where rep b's block opens, and b's own first window opens there too (1970-01-01 00:00 UTC, a
    # Thursday): the search must land on b's window, and a's first window on a's, not on an
    # opening edge. Hand-computed: b 00:00-02:00 on a Thursday with 00:00-01:00 worked = 1 h;
    # a 2099-12-30 to 2099-12-31 = 24 h.
    always = Schedule("UTC", tuple(Window(day, time(0), time(0)) for day in range(1, 8)))
    thursday_first_hour = Schedule("UTC", (Window(4, time(0), time(1)),))
    working = WorkingTime({"a": always, "b": thursday_first_hour})
    frame = pl.DataFrame(
        {
            "rep": ["b", "a", "a"],
            "start": [datetime(1970, 1, 1, tzinfo=UTC), datetime(2099, 12, 30, tzinfo=UTC), datetime(1970, 1, 1, tzinfo=UTC)],
            "end": [datetime(1970, 1, 1, 2, tzinfo=UTC), datetime(2099, 12, 31, tzinfo=UTC), datetime(1970, 1, 1, 3, tzinfo=UTC)],
        }
    )
    hour = 3_600_000_000
    assert frame.select(working.between(pl.col("start"), pl.col("end"), pl.col("rep"))).to_series().to_list() == [hour, 24 * hour, 3 * hour]
