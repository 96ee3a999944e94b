"""Business time, by hand: schedules in local time, DST, holidays, long and out-of-hours intervals.

Schedule OSLO is Mon-Fri 08:00-16:00 Europe/Oslo (8 h a day, 40 h a week). Oslo is UTC+1 in
winter and UTC+2 in summer; clocks go forward on Sunday 2026-03-29 and back on Sunday 2026-10-25.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcstats.schedule import Schedule, Window, parse_day_hours
from svcstats.worktime import WorkingTime, holiday_frame

OSLO_TZ = ZoneInfo("Europe/Oslo")
NEW_YORK_TZ = ZoneInfo("America/New_York")
OSLO = Schedule("Europe/Oslo", tuple(Window(day, time(8), time(16)) for day in range(1, 6)))
NEW_YORK = Schedule("America/New_York", tuple(Window(day, time(9), time(17)) for day in range(1, 6)))
NIGHTS = Schedule("Europe/Oslo", tuple(Window(day, time(22), time(6)) for day in range(1, 8)))  # every night, past midnight
HOLIDAYS = holiday_frame([(date(2026, 5, 1), "Europe/Oslo"), (date(2026, 5, 4), "America/New_York"), (date(2026, 12, 25), None)])
WORK = WorkingTime({"*": OSLO, "Ann": NEW_YORK, "Night": NIGHTS}, HOLIDAYS)


def business_hours(start: datetime, end: datetime, rep: str | None = None, work: WorkingTime = WORK) -> float:
    """Business hours from start to end in rep's schedule, through the vectorised expression."""
    frame = pl.DataFrame(
        {"a": [start], "b": [end], "rep": [rep]}, schema={"a": pl.Datetime("us", "UTC"), "b": pl.Datetime("us", "UTC"), "rep": pl.String}
    )
    return frame.select(work.between(pl.col("a"), pl.col("b"), pl.col("rep")) / 3.6e9).item()


def oslo(*args: int) -> datetime:
    return datetime(*args, tzinfo=OSLO_TZ)  # type: ignore[misc]


def test_the_issue_example_thursday_afternoon_to_friday_morning() -> None:
    # Thu 15:00 -> Fri 09:30: 1 h on Thursday (15-16) + 1.5 h on Friday (08-09:30) = 2.5 h; 18.5 h calendar
    start, end = oslo(2026, 11, 19, 15), oslo(2026, 11, 20, 9, 30)
    assert business_hours(start, end) == pytest.approx(2.5)
    assert (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(hours=1) == 18.5


@pytest.mark.parametrize(
    ("friday", "monday", "calendar"),
    [
        ((2026, 3, 27), (2026, 3, 30), 65),  # spring forward: the weekend is an hour shorter
        ((2026, 10, 23), (2026, 10, 26), 67),  # fall back: an hour longer
    ],
)
def test_a_dst_weekend_keeps_local_hours(friday: tuple[int, int, int], monday: tuple[int, int, int], calendar: int) -> None:
    # Fri 15:00 -> Mon 09:00: 1 h Friday + 1 h Monday, whatever the clocks did in between
    start, end = oslo(*friday, 15), oslo(*monday, 9)
    assert (end.astimezone(UTC) - start.astimezone(UTC)) / timedelta(hours=1) == calendar  # aware arithmetic is wall time
    assert business_hours(start, end) == pytest.approx(2.0)
    # and Monday's 08:00 start is 08:00 local: 07:00 UTC in summer time, 07:00 + 1 h in winter
    assert business_hours(oslo(*monday, 0), oslo(*monday, 8)) == 0.0


@pytest.mark.parametrize(("night", "hours"), [((2026, 3, 28), 7.0), ((2026, 10, 24), 9.0)])
def test_a_night_shift_across_the_clock_change_counts_real_hours(night: tuple[int, int, int], hours: float) -> None:
    # 22:00 -> 06:00 local is 7 real hours when the clock jumps forward, 9 when it falls back
    start, end = oslo(*night, 21), oslo(*night, 23) + timedelta(hours=9)  # from before the shift to after it
    assert business_hours(start.astimezone(UTC), end.astimezone(UTC), "Night") == pytest.approx(hours)


def test_a_holiday_counts_no_working_time_in_its_own_zone_only() -> None:
    # Thu 2026-04-30 12:00 -> Mon 05-04 09:00 Oslo: Thu 4 h, Fri 05-01 a holiday in Oslo, Mon 1 h = 5 h
    assert business_hours(oslo(2026, 4, 30, 12), oslo(2026, 5, 4, 9)) == pytest.approx(5.0)
    # Ann (New York, 09-17) works Fri 05-01 (Oslo's holiday, not hers) but not Mon 05-04 (hers):
    # Thu 04-30 06:00 NY -> Tue 05-05 00:00 NY = Thu 8 h + Fri 8 h + Mon 0 h = 16 h
    ny = lambda *a: datetime(*a, tzinfo=NEW_YORK_TZ)  # noqa: E731
    assert business_hours(ny(2026, 4, 30, 6), ny(2026, 5, 5, 0), "Ann") == pytest.approx(16.0)
    # a holiday without a zone (12-25, a Friday) is everyone's
    assert business_hours(oslo(2026, 12, 25, 0), oslo(2026, 12, 26, 0)) == 0.0
    assert business_hours(ny(2026, 12, 25, 0), ny(2026, 12, 26, 0), "Ann") == 0.0


def test_an_interval_of_weeks_and_one_entirely_outside_hours() -> None:
    # Mon 11-02 08:00 -> Mon 11-16 08:00: two whole weeks of 40 h
    assert business_hours(oslo(2026, 11, 2, 8), oslo(2026, 11, 16, 8)) == pytest.approx(80.0)
    # Sat 10:00 -> Sun 20:00: zero, kept as a zero (not null)
    assert business_hours(oslo(2026, 11, 21, 10), oslo(2026, 11, 22, 20)) == 0.0
    # an evening: Tue 17:00 -> Wed 07:59
    assert business_hours(oslo(2026, 11, 17, 17), oslo(2026, 11, 18, 7, 59)) == 0.0
    # a month: 2026-06-01 (Mon) 00:00 -> 07-01 00:00 = 22 weekdays of 8 h
    assert business_hours(oslo(2026, 6, 1), oslo(2026, 7, 1)) == pytest.approx(176.0)


def test_reps_in_different_zones_and_the_default() -> None:
    # Mon 2026-11-16 14:00 UTC -> 20:00 UTC: Oslo (UTC+1) 15:00-21:00 -> 1 h; New York (UTC-5) 09:00-15:00 -> 6 h
    start, end = datetime(2026, 11, 16, 14, tzinfo=UTC), datetime(2026, 11, 16, 20, tzinfo=UTC)
    assert business_hours(start, end, "Ann") == pytest.approx(6.0)
    assert business_hours(start, end, None) == pytest.approx(1.0)
    assert business_hours(start, end, "Nobody") == pytest.approx(1.0)  # no schedule of their own: the default


def test_split_and_overlapping_windows_and_midnight() -> None:
    split = Schedule("UTC", (*parse_day_hours("mon", "08:00-12:00, 13:00-17:00"), *parse_day_hours("mon", "11:00-12:30")))
    late = Schedule("UTC", tuple(parse_day_hours("tue", "20:00-24:00")))
    work = WorkingTime({"*": split, "late": late})
    monday = datetime(2026, 11, 16, tzinfo=UTC)
    # 08:00-12:30 (merged with 11:00-12:30) + 13:00-17:00 = 4.5 + 4 = 8.5 h
    assert business_hours(monday, monday + timedelta(days=1), work=work) == pytest.approx(8.5)
    assert business_hours(monday, monday + timedelta(days=2), "late", work=work) == pytest.approx(4.0)


def test_bad_day_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        parse_day_hours("mon", "9-17")
    with pytest.raises(ValueError, match="not a time range"):
        parse_day_hours("mon", "09:00-25:00")


# == properties ====================================================================================

instants = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
reps = st.sampled_from([None, "Ann", "Night", "Nobody"])


@settings(max_examples=60, deadline=None, derandomize=True)
@given(a=instants, b=instants, c=instants, rep=reps)
def test_business_time_is_additive_and_never_exceeds_calendar_time(a: datetime, b: datetime, c: datetime, rep: str | None) -> None:
    a, b, c = sorted([a, b, c])
    ab, bc, ac = business_hours(a, b, rep), business_hours(b, c, rep), business_hours(a, c, rep)
    assert 0 <= ab <= (b - a) / timedelta(hours=1) + 1e-9
    assert ac == pytest.approx(ab + bc, abs=1e-6)


def test_the_expression_agrees_row_by_row_on_a_column() -> None:
    """Many rows at once (several schedules in one column) give what each row gives alone."""
    starts = [oslo(2026, 11, 19, 15), oslo(2026, 3, 27, 15), datetime(2026, 11, 16, 14, tzinfo=UTC), oslo(2026, 4, 30, 12)]
    ends = [oslo(2026, 11, 20, 9, 30), oslo(2026, 3, 30, 9), datetime(2026, 11, 16, 20, tzinfo=UTC), oslo(2026, 5, 4, 9)]
    who = [None, None, "Ann", "Nobody"]
    frame = pl.DataFrame({"a": starts, "b": ends, "rep": who}).with_columns(pl.col("a", "b").dt.convert_time_zone("UTC"))
    hours = frame.select(WORK.between(pl.col("a"), pl.col("b"), pl.col("rep")) / 3.6e9).to_series().to_list()
    assert hours == pytest.approx([2.5, 2.0, 6.0, 5.0])


# == edges found in review ========================================================================


def test_a_window_in_a_dst_gap_starts_as_if_the_clock_had_not_moved() -> None:
    # New York jumps from 02:00 to 03:00 on Sunday 2026-03-08: a 02:30-05:00 window starts at
    # 02:30 EST = 07:30 UTC and ends at 05:00 EDT = 09:00 UTC: 1.5 h
    ny = Schedule("America/New_York", (Window(7, time(2, 30), time(5)),))
    oslo_gap = Schedule("Europe/Oslo", (Window(7, time(2), time(3)),))  # Oslo 2026-03-29: 02:00-03:00 does not exist
    work = WorkingTime({"*": ny, "gap": oslo_gap})
    day = datetime(2026, 3, 8, 5, tzinfo=UTC)  # midnight EST
    assert business_hours(day, day + timedelta(hours=12), work=work) == pytest.approx(1.5)
    sunday = datetime(2026, 3, 28, 23, tzinfo=UTC)  # midnight in Oslo
    assert business_hours(sunday, sunday + timedelta(hours=12), "gap", work=work) == 0.0


def test_a_holiday_is_a_local_day_without_working_time_even_for_night_windows() -> None:
    # nightly 22:00-06:00 in Oslo; 12-25 is everyone's holiday: nothing from its midnight to the
    # next, though the 24th's window runs into it; the 25th's window still works after midnight
    assert business_hours(oslo(2026, 12, 25, 0), oslo(2026, 12, 26, 0), "Night") == 0.0
    assert business_hours(oslo(2026, 12, 26, 0), oslo(2026, 12, 26, 6), "Night") == pytest.approx(6.0)
    assert business_hours(oslo(2026, 12, 24, 22), oslo(2026, 12, 25, 0), "Night") == pytest.approx(2.0)


def test_instants_outside_1970_to_2099_have_no_business_time() -> None:
    assert business_hours(datetime(1969, 12, 31, 12, tzinfo=UTC), datetime(1970, 1, 2, 12, tzinfo=UTC)) is None


def test_periods_split_where_a_zone_skips_midnight() -> None:
    # Santiago's clocks jump from 00:00 to 01:00 on 2026-09-06: that day has 23 hours
    from svcstats.periods import split_by_period

    tz = ZoneInfo("America/Santiago")
    start, end = datetime(2026, 9, 5, tzinfo=tz).astimezone(UTC), datetime(2026, 9, 7, tzinfo=tz).astimezone(UTC)
    frame = pl.LazyFrame(
        {"started_at": [start], "ended_at": [end]}, schema={"started_at": pl.Datetime("us", "UTC"), "ended_at": pl.Datetime("us", "UTC")}
    )
    pieces = split_by_period(frame, "1d", "America/Santiago").collect()
    lengths = ((pieces["ended_at"] - pieces["started_at"]).dt.total_minutes() / 60).to_list()
    assert [str(d) for d in pieces["period_start"].to_list()] == ["2026-09-05", "2026-09-06"]
    assert lengths == [24.0, 23.0]
