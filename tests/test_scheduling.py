"""The Scheduling reports, by hand, and their invariants.

Range Mon 2026-11-16 to Tue 11-17 in UTC, --as-of 11-17 (open intervals end at 11-18 00:00).
Working hours: everyone Mon-Fri 09:00-17:00 UTC; Bob his own, Mon-Fri 12:00-20:00 UTC.

Status intervals (hours), clipped to the range:
  Ann  available 11-16 00:00-12:00 (12, carried in from 11-13)  away/lunch 12:00-13:00 (1)
       available 13:00-20:00 (7)  away/offline 20:00-11-18 00:00 (28, open)       covered 48
  Bob  available 11-16 08:00-10:00 (2, its own ended_at; 10:00-14:00 unknown)
       available 14:00-11-17 09:00 (19)  away 09:00-11-18 00:00 (15, open)          covered 36
  Cy   available 11-16 12:00-18:00 (6)  away 18:00-11-18 00:00 (30, open)           covered 36
       (an "away" event at the same instant as the 12:00 "available" is left out: the first
       by status name is kept)
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from tests.conftest import rows, run_report, write_csv

RANGE = {"date_from": date(2026, 11, 16), "date_to": date(2026, 11, 17), "as_of": date(2026, 11, 17), "tz": "UTC"}
HEADER = ["rep", "status", "started_at", "ended_at", "team", "detail"]
EVENTS = [
    ["Ann", "Available", "2026-11-13T10:00:00Z", None, "T1", None],
    ["Ann", "Away", "2026-11-16T12:00:00Z", None, "T1", "lunch"],
    ["Ann", "Available", "2026-11-16T13:00:00Z", None, "T1", None],
    ["Ann", "Away", "2026-11-16T20:00:00Z", None, "T1", "offline"],
    ["Bob", "Available", "2026-11-16T08:00:00Z", "2026-11-16T10:00:00Z", "T2", None],
    ["Bob", "Available", "2026-11-16T14:00:00Z", None, "T2", None],
    ["Bob", "Away", "2026-11-17T09:00:00Z", None, "T2", None],
    ["Cy", "Away", "2026-11-16T12:00:00Z", None, "T1", "meeting"],
    ["Cy", "Available", "2026-11-16T12:00:00Z", None, "T1", None],
    ["Cy", "Away", "2026-11-16T18:00:00Z", None, "T1", None],
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "availability.csv", HEADER, EVENTS)
    hours = [["*", d, "09:00", "17:00", "UTC"] for d in WEEKDAYS] + [["Bob", d, "12:00", "20:00", "UTC"] for d in WEEKDAYS]
    write_csv(tmp_path / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], hours)
    return tmp_path


def test_rep_availability_totals_and_shares(data: Path) -> None:
    outcome = run_report(data, "rep-availability", totals=True, **RANGE)
    result = rows(outcome.result)
    assert [(r["rep"], r["status"]) for r in result] == [(rep, s) for rep in ("Ann", "Bob", "Cy") for s in ("Available", "Away")]
    assert [r["hours"] for r in result] == pytest.approx([19, 29, 21, 15, 6, 30])
    assert [r["share_pct"] for r in result] == pytest.approx(
        [19 / 48 * 100, 29 / 48 * 100, 21 / 36 * 100, 15 / 36 * 100, 6 / 36 * 100, 30 / 36 * 100]
    )
    messages = [f.message() for f in outcome.findings]
    assert any("1 row left out: another event of the rep at the same instant" in m for m in messages)


def test_rep_availability_daily_detail_and_intervals(data: Path) -> None:
    daily = rows(run_report(data, "rep-availability", frequency="daily", **RANGE).result)
    bob = {(str(r["period_start"]), r["status"]): r["hours"] for r in daily if r["rep"] == "Bob"}
    # 11-16: available 08-10 and 14-24 = 12, no away (a zero row); 11-17: available 00-09, away 09-24
    assert bob == pytest.approx(
        {("2026-11-16", "Available"): 12.0, ("2026-11-16", "Away"): 0.0, ("2026-11-17", "Available"): 9.0, ("2026-11-17", "Away"): 15.0}
    )
    detail = rows(run_report(data, "rep-availability", totals=True, options={"detail": True}, **RANGE).result)
    ann = {(r["status"], r["detail"]): r["hours"] for r in detail if r["rep"] == "Ann"}
    assert ann == pytest.approx({("Available", "(none)"): 19.0, ("Away", "lunch"): 1.0, ("Away", "offline"): 28.0})
    intervals = rows(run_report(data, "rep-availability", options={"intervals": True}, **RANGE).result)
    first, last = intervals[0], intervals[3]
    assert (first["rep"], first["started_at"], first["hours"], first["carried_in"], first["open"]) == (
        "Ann", datetime(2026, 11, 16, tzinfo=UTC), 12.0, True, False
    )  # fmt: skip
    assert (last["ended_at"], last["hours"], last["open"]) == (datetime(2026, 11, 18, tzinfo=UTC), 28.0, True)
    assert [r["hours"] for r in intervals if r["rep"] == "Bob"] == pytest.approx([2.0, 19.0, 15.0])


def test_filters_select_intervals_without_stretching_others(data: Path, tmp_path: Path) -> None:
    # --where on the status keeps Ann's away intervals as they were (29 h), not stretched over her
    # available time; --team selects reps' intervals
    away = rows(run_report(data, "rep-availability", totals=True, where="status = 'Away'", **RANGE).result)
    assert {r["rep"]: r["hours"] for r in away} == pytest.approx({"Ann": 29.0, "Bob": 15.0, "Cy": 30.0})
    team = rows(run_report(data, "rep-availability", totals=True, teams=["T2"], **RANGE).result)
    assert {(r["rep"], r["status"]): r["hours"] for r in team} == pytest.approx({("Bob", "Available"): 21.0, ("Bob", "Away"): 15.0})
    # an export without the optional columns (ended_at, team, detail)
    bare = tmp_path / "bare"
    write_csv(bare / "availability.csv", ["rep", "status", "started_at"], [e[:3] for e in EVENTS if e[3] is None])
    result = rows(run_report(bare, "rep-availability", totals=True, options={"detail": True}, **RANGE).result)
    assert {(r["rep"], r["status"]) for r in result} == {
        ("Ann", "Available"),
        ("Ann", "Away"),
        ("Bob", "Available"),
        ("Bob", "Away"),
        ("Cy", "Available"),
        ("Cy", "Away"),
    }


def test_availability_in_working_hours_per_rep_and_overall(data: Path) -> None:
    per_rep = rows(run_report(data, "availability-in-working-hours", totals=True, group_by=["rep"], **RANGE).result)
    assert [r["rep"] for r in per_rep] == ["Ann", "Bob", "Cy"]
    # Ann: 09-17 both days; available 09-12 and 13-17 on Monday; 19 - 7 outside
    # Bob: 12-20 from 14:00 Monday (6) and Tuesday (8); available 14-20 Monday; 21 - 6 outside
    # Cy: from 12:00 Monday, 12-17 (5) and Tuesday (8); available 12-17, and 17-18 outside
    assert [r["working_hours"] for r in per_rep] == pytest.approx([16, 14, 13])
    assert [r["available_working_hours"] for r in per_rep] == pytest.approx([7, 6, 5])
    assert [r["available_pct"] for r in per_rep] == pytest.approx([7 / 16 * 100, 6 / 14 * 100, 5 / 13 * 100])
    assert [r["available_outside_hours"] for r in per_rep] == pytest.approx([12, 15, 1])
    outcome = run_report(data, "availability-in-working-hours", totals=True, **RANGE)
    (row,) = rows(outcome.result)
    assert row["reps"] == 3 and row["reps_available_inside"] == 3 and row["reps_available_outside"] == 3
    assert row["working_hours"] == pytest.approx(43.0)
    assert row["available_pct"] == pytest.approx(18 / 43 * 100)  # a ratio of sums, not the mean of the reps' shares
    notes = [f.message() for f in outcome.findings]
    assert (
        "note: availability-in-working-hours: 2 reps without working hours of their own: the default schedule was used (e.g. Ann)" in notes
    )


def test_max_available_reps_daily_totals_and_by_hour(data: Path) -> None:
    daily = rows(run_report(data, "max-available-reps", **RANGE).result)
    # Monday: Ann 00-12 and 13-20, Bob 08-10 and 14-24, Cy 12-18: three at once from 14:00; 37 rep-hours
    assert [(str(r["period_start"]), r["max_available_reps"], r["peak_at"]) for r in daily] == [
        ("2026-11-16", 3, datetime(2026, 11, 16, 14, tzinfo=UTC)),
        ("2026-11-17", 1, datetime(2026, 11, 17, tzinfo=UTC)),  # Bob, carried over midnight, until 09:00
    ]
    assert [r["mean_available_reps"] for r in daily] == pytest.approx([37 / 24, 9 / 24])
    (total,) = rows(run_report(data, "max-available-reps", totals=True, **RANGE).result)
    assert (total["max_available_reps"], total["available_rep_hours"]) == (3, pytest.approx(46.0))
    assert total["mean_available_reps"] == pytest.approx(46 / 48)
    hourly = {r["hour"]: r for r in rows(run_report(data, "max-available-reps", totals=True, options={"by_hour": True}, **RANGE).result)}
    assert len(hourly) == 24
    assert hourly[14]["max_available_reps"] == 3 and hourly[14]["mean_available_reps"] == pytest.approx(3 / 2)  # 3 rep-hours over 2 days
    assert hourly[12]["max_available_reps"] == 1  # only Cy: Ann left at 12:00 (the tie itself is tested below)
    assert hourly[3]["max_available_reps"] == 1  # Bob on Tuesday night


def test_an_end_and_a_start_at_the_same_instant_do_not_overlap(tmp_path: Path) -> None:
    events = [
        ["Ann", "available", "2026-11-16T10:00:00Z", "2026-11-16T12:00:00Z", None, None],
        ["Bob", "available", "2026-11-16T12:00:00Z", "2026-11-16T14:00:00Z", None, None],
    ]
    write_csv(tmp_path / "availability.csv", HEADER, events)
    (row,) = rows(run_report(tmp_path, "max-available-reps", totals=True, **RANGE).result)
    assert row["max_available_reps"] == 1 and row["peak_at"] == datetime(2026, 11, 16, 10, tzinfo=UTC)


# == invariants ====================================================================================

START = datetime(2026, 11, 16, tzinfo=UTC)
event = st.tuples(
    st.sampled_from(["Ann", "Bob", "Cy"]),
    st.sampled_from(["Available", "Away"]),
    st.integers(-24 * 60, 3 * 24 * 60),  # minutes from the range start (before it too)
    st.one_of(st.none(), st.integers(1, 24 * 60)),  # own duration in minutes, or none
)


def write_events(folder: Path, events: list[tuple[str, str, int, int | None]]) -> None:
    def at(minutes: int) -> str:
        return (START + timedelta(minutes=minutes)).isoformat().replace("+00:00", "Z")

    table = [[rep, status, at(m), at(m + d) if d else None, None, None] for rep, status, m, d in events]
    write_csv(folder / "availability.csv", HEADER, table)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(events=st.lists(event, min_size=1, max_size=12), frequency=st.sampled_from(["daily", "weekly"]))
def test_statuses_add_up_and_the_peak_never_exceeds_the_reps(tmp_path_factory: pytest.TempPathFactory, events, frequency: str) -> None:
    folder = tmp_path_factory.mktemp("events")
    write_events(folder, events)
    window = {**RANGE, "date_to": date(2026, 11, 18), "as_of": date(2026, 11, 18)}
    intervals = rows(run_report(folder, "rep-availability", options={"intervals": True}, **window).result)
    covered: dict[str, float] = defaultdict(float)
    for interval in intervals:
        covered[interval["rep"]] += interval["hours"]  # type: ignore[operator]
    # per-status times of a rep add up to the time its status was known, over time and in total
    for totals in (True, False):
        result = rows(run_report(folder, "rep-availability", totals=totals, frequency=frequency, **window).result)
        per_rep: dict[str, float] = defaultdict(float)
        for row in result:
            per_rep[row["rep"]] += row["hours"]  # type: ignore[operator]
            assert row["share_pct"] is None or 0 <= row["share_pct"] <= 100 + 1e-9
        assert per_rep == pytest.approx(dict(covered))
    # no moment has more reps available than there are reps; the mean is at most the peak
    reps = len({rep for rep, *_ in events})
    peaks = run_report(folder, "max-available-reps", frequency=frequency, **window).result
    for row in rows(peaks):
        assert 0 <= row["max_available_reps"] <= reps
        assert row["mean_available_reps"] <= row["max_available_reps"] + 1e-9
    # the engines agree, and so does the same data in reverse order
    assert_frame_equal(peaks, run_report(folder, "max-available-reps", frequency=frequency, engine="in-memory", **window).result)
    write_events(folder, events[::-1])
    assert_frame_equal(peaks, run_report(folder, "max-available-reps", frequency=frequency, **window).result)


def test_tables_show_instants_in_the_report_zone_and_machines_in_utc(data: Path, cli) -> None:
    args = ["report", "max-available-reps", "--data", data, "--from", "2026-11-16", "--to", "2026-11-17", "--as-of", "2026-11-17"]
    table = cli(*args, "--tz", "Europe/Oslo", "--format", "table").stdout
    assert "2026-11-16 15:00:00+01:00" in table  # Monday's peak, 14:00 UTC, in Oslo time
    machine = cli(*args, "--tz", "Europe/Oslo", "--format", "csv").stdout
    assert "2026-11-16T14:00:00+00:00" in machine


def test_a_backwards_event_does_not_take_its_twin_with_it(tmp_path: Path) -> None:
    # Ann: "Available 10:00, ended 09:00" is bad data (left out); "Away 10:00" at the same instant
    # is then the only event there: Away from 10:00 to the end of 11-16 = 14 h
    events = [
        ["Ann", "Available", "2026-11-16T10:00:00Z", "2026-11-16T09:00:00Z", None, None],
        ["Ann", "Away", "2026-11-16T10:00:00Z", None, None, None],
    ]
    write_csv(tmp_path / "availability.csv", HEADER, events)
    window = {**RANGE, "date_to": date(2026, 11, 16), "as_of": date(2026, 11, 16)}
    outcome = run_report(tmp_path, "rep-availability", totals=True, **window)
    assert [(r["status"], r["hours"]) for r in rows(outcome.result)] == [("Away", 14.0)]
    assert [f.what for f in outcome.findings] == ["ends before it starts"]


def test_by_hour_counts_a_25_hour_day_right(tmp_path: Path) -> None:
    # New York falls back on Sunday 2026-11-01: hour 1 happens twice. One rep available all day:
    # one rep on average in every hour, hour 1 included (2 clock hours, 2 rep-hours)
    write_csv(tmp_path / "availability.csv", HEADER, [["Ann", "Available", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", None, None]])
    day = {"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 1), "as_of": date(2026, 11, 2), "tz": "America/New_York"}
    hourly = rows(run_report(tmp_path, "max-available-reps", totals=True, options={"by_hour": True}, **day).result)
    assert [r["mean_available_reps"] for r in hourly] == pytest.approx([1.0] * 24)
    assert hourly[1]["available_rep_hours"] == pytest.approx(2.0)


def test_availability_without_a_default_schedule(data: Path) -> None:
    # only Bob has working hours: Ann and Cy have none and no default: no working time for them
    hours = [["Bob", d, "12:00", "20:00", "UTC"] for d in WEEKDAYS]
    write_csv(data / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], hours)
    outcome = run_report(data, "availability-in-working-hours", totals=True, group_by=["rep"], **RANGE)
    got = {r["rep"]: (r["working_hours"], r["available_working_hours"]) for r in rows(outcome.result)}
    assert got == {"Ann": (0.0, 0.0), "Bob": (14.0, 6.0), "Cy": (0.0, 0.0)}
    notes = [f.message() for f in outcome.findings]
    what = "2 reps without working hours of their own: no default schedule either, so no working time counted (e.g. Ann)"
    assert f"note: availability-in-working-hours: {what}" in notes


def test_counts_and_open_flags_follow_the_range_and_the_selection(data: Path) -> None:
    # Cy's same-instant event is counted for Cy, not when only Ann is selected
    assert any("same instant" in f.what for f in run_report(data, "rep-availability", totals=True, **RANGE).findings)
    assert not run_report(data, "rep-availability", totals=True, reps=["Ann"], **RANGE).findings
    # a range ending before --as-of cuts Ann's last interval: cut, not open
    monday = {**RANGE, "date_to": date(2026, 11, 16)}
    intervals = rows(run_report(data, "rep-availability", reps=["Ann"], options={"intervals": True}, **monday).result)
    assert (intervals[-1]["hours"], intervals[-1]["open"]) == (4.0, False)
    intervals = rows(run_report(data, "rep-availability", reps=["Ann"], options={"intervals": True}, **RANGE).result)
    assert (intervals[-1]["hours"], intervals[-1]["open"]) == (28.0, True)
