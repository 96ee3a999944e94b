"""Hand-computed checks of the SLA clocks (sla report and ticket-facts): pause statuses, named
schedules per target, due soon, the export's own clocks. Times in UTC; 2026-03-02 is a Monday.
--as-of 2026-03-10: clocks still running are measured to its last instant, 03-10 24:00 less 1 µs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcstats.errors import UsageError
from svcstats.schedule import Schedule, Window
from svcstats.worktime import WorkingTime
from tests.conftest import rows, run_report, write_csv

AS_OF = {"as_of": date(2026, 3, 10), "date_from": date(2026, 3, 1), "date_to": date(2026, 3, 10)}
TICKETS = ["ticket_id", "created_at", "closed_at", "is_closed", "owner", "priority"]
STAGES = ["ticket_id", "stage", "entered_at", "exited_at"]
EPS = 1e-6  # hours: clocks still running end 1 µs before 03-11 00:00


def at(day: int, hour: float = 0) -> str:
    """2026-03-`day` at `hour` (UTC), as exported."""
    return (datetime(2026, 3, day, tzinfo=UTC) + timedelta(hours=hour)).isoformat()


def config(folder: Path, text: str) -> Path:
    (folder / "svcstats.toml").write_text(text)
    return folder / "svcstats.toml"


def listed(folder: Path, report: str = "sla", **options: object) -> dict[str, dict[str, object]]:
    result = run_report(folder, report, totals=True, config=folder / "svcstats.toml", **AS_OF, **options).result
    return {str(row["ticket_id"]): row for row in rows(result)}


# --- pause statuses, calendar hours -----------------------------------------------------------

PAUSE_TICKETS = [
    ["P1", at(2), at(5), "true", "Ann", "low"],  # 72 h, paused twice (10 h + 6 h)
    ["P2", at(2), at(4, 20), "true", "Ann", "low"],  # 68 h, a 24 h pause spanning the unpaused due time
    ["P4", at(2), at(6), "true", "Ann", "low"],  # 96 h, a pause after the due time
    ["P3", at(8, 1), None, "false", "Ann", "low"],  # open, paused at --as-of
    ["P5", at(9, 0.5), None, "false", "Ann", "low"],  # open, not paused, due within the hour
]
PAUSES = [
    ["P1", "Waiting on contact", at(2, 10), at(2, 20)],
    ["P1", "In progress", at(2, 20), at(3, 6)],  # not a pause status
    ["P1", "waiting ON contact ", at(3, 6), at(3, 12)],  # names match case-insensitively
    ["P2", "Waiting on contact", at(3, 12), at(4, 12)],
    ["P4", "Waiting on contact", at(4), at(5)],
    ["P3", "Waiting on contact", at(10), None],  # still paused at --as-of
]
PAUSE_CONFIG = '[sla]\nclose_hours = 48\npause_statuses = ["Waiting on contact"]\n'


@pytest.fixture
def paused(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", TICKETS, PAUSE_TICKETS)
    write_csv(tmp_path / "stage_history.csv", STAGES, PAUSES)
    config(tmp_path, PAUSE_CONFIG)
    return tmp_path


def test_pauses_take_time_off_the_clock_and_push_the_due_time(paused: Path) -> None:
    clocks = listed(paused, "sla", options={"breached": True})
    # no messages and no first-response column: only close clocks. Breached: P1 and P4.
    assert sorted(clocks) == ["P1", "P4"]
    p1 = clocks["P1"]
    # P1: 03-02 00:00 -> 03-05 00:00 = 72 h, paused 10 h (03-02 10-20) + 6 h (03-03 06-12) = 16 h:
    # 72 - 16 = 56 h > 48: completed late by 8 h. Due: at the first pause the clock had run 10 h,
    # at the second 30 - 10 = 20 h, both < 48: due = 48 + 16 = 64 h after creation = 03-04 16:00.
    assert (p1["status"], p1["hours"], p1["over_hours"], p1["paused_hours"]) == (
        "completed_late",
        pytest.approx(56.0),
        pytest.approx(8.0),
        pytest.approx(16.0),
    )
    assert p1["due_at"] == datetime(2026, 3, 4, 16, tzinfo=UTC)
    # P4: 96 h, paused 03-04 00:00 - 03-05 00:00 = 24 h: 72 h, late by 24. The clock had run
    # 48 h when the pause began: due at 48 h = 03-04 00:00 (the later pause does not move it).
    p4 = clocks["P4"]
    assert (p4["hours"], p4["over_hours"], p4["due_at"]) == (pytest.approx(72.0), pytest.approx(24.0), datetime(2026, 3, 4, tzinfo=UTC))


def test_a_pause_spanning_the_due_time_and_one_open_at_as_of(paused: Path) -> None:
    facts = listed(paused, "ticket-facts")
    # P2: 68 h, paused 03-03 12:00 - 03-04 12:00 = 24 h: 44 h <= 48, on time. Unpaused it would
    # be due 03-04 00:00, inside the pause; it had run 36 h when the pause began: due 48 + 24 = 72 h = 03-05 00:00.
    assert (facts["P2"]["close_sla_status"], facts["P2"]["close_sla_due_at"]) == ("completed_on_time", datetime(2026, 3, 5, tzinfo=UTC))
    # P3: created 03-08 01:00, paused since 03-10 00:00: run 47 h, 1 h left (due soon unpaused)
    # but paused at --as-of: active. Due as if it ran on from --as-of: 48 h + 24 h paused (less
    # 1 µs) after 03-08 01:00 = 03-11 01:00 less 1 µs.
    assert facts["P3"]["close_sla_status"] == "active"
    assert facts["P3"]["close_sla_due_at"] == datetime(2026, 3, 11, 1, tzinfo=UTC) - timedelta(microseconds=1)
    # P5: created 03-09 00:30, not paused: 47.5 h run, 0.5 h left <= due_soon_hours 1: due soon, due 03-11 00:30
    assert (facts["P5"]["close_sla_status"], facts["P5"]["close_sla_due_at"]) == ("due_soon", datetime(2026, 3, 11, 0, 30, tzinfo=UTC))
    # no first reply or next reply clocks here: those columns are empty
    assert facts["P5"]["first_reply_sla_status"] is None and facts["P5"]["next_reply_sla_status"] is None


def test_sla_totals_with_pauses_and_due_soon(paused: Path) -> None:
    [close] = rows(run_report(paused, "sla", totals=True, config=paused / "svcstats.toml", **AS_OF).result)
    # met P2; breached P1 (8 h over) and P4 (24 h over); due soon P5; active P3.
    # achievement 1 / (1 + 2) = 33.33 %; mean (8 + 24) / 2 = 16 h, median 16 h.
    assert close == {
        "metric": "close",
        "achievement_pct": pytest.approx(100 / 3),
        "met": 1,
        "breached": 2,
        "due_soon": 1,
        "active": 1,
        "completed_late": 2,
        "overdue": 0,
        "mean_over_hours": pytest.approx(16.0),
        "median_over_hours": pytest.approx(16.0),
    }


def test_due_soon_hours_is_configurable(paused: Path) -> None:
    # due_soon_hours = 0.25: P5's 0.5 h left is no longer due soon (active)
    config(paused, PAUSE_CONFIG + "due_soon_hours = 0.25\n")
    assert listed(paused, "ticket-facts")["P5"]["close_sla_status"] == "active"


def test_a_pause_status_without_stage_history_is_a_warning(paused: Path) -> None:
    (paused / "stage_history.csv").unlink()
    outcome = run_report(paused, "sla", totals=True, config=paused / "svcstats.toml", **AS_OF)
    messages = [f.message() for f in outcome.findings]
    assert any("pause_statuses is set but the data has no stage history" in m and m.startswith("warning") for m in messages)


# --- a named schedule per target ----------------------------------------------------------------

WEEKDAYS_9_17 = [["EU", day, "09:00", "17:00", "UTC"] for day in ("mon", "tue", "wed", "thu", "fri")]
SCHEDULE_TICKETS = [
    ["B1", at(2, 8), at(4, 12), "true", "Ann", "low"],  # Mon 08:00 -> Wed 12:00
    ["B2", at(6, 16), at(9, 17), "true", "Ann", "low"],  # Fri 16:00 -> Mon 17:00
    ["B3", at(2, 8), at(2, 20), "true", "Ann", "urgent"],  # calendar for urgent: 12 h
]
SCHEDULE_PAUSES = [
    ["B1", "On hold", at(3, 13), at(3, 15)],  # Tue 13:00-15:00: 2 working hours
    ["B2", "On hold", at(9, 9), at(9, 10)],  # Mon 09:00-10:00: 1 working hour
]
SCHEDULE_CONFIG = """\
[sla]
close_hours = 10
schedule = "EU"
pause_statuses = ["On hold"]
[sla.priority.urgent]
hours = "calendar"
"""


@pytest.fixture
def scheduled(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", TICKETS, SCHEDULE_TICKETS)
    write_csv(tmp_path / "stage_history.csv", STAGES, SCHEDULE_PAUSES)
    write_csv(tmp_path / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], WEEKDAYS_9_17)
    config(tmp_path, SCHEDULE_CONFIG)
    return tmp_path


def test_a_target_counts_its_named_schedule(scheduled: Path) -> None:
    clocks = listed(scheduled, "sla", options={"breached": True})
    # B1 in EU hours (Mon-Fri 09-17): Mon 8 + Tue 8 + Wed 3 (09-12) = 19 h, less the 2 h pause = 17 h > 10:
    # late by 7 h. When the pause began (Tue 13:00) the clock had run Mon 8 + Tue 4 = 12 h >= 10, so
    # the due time is before it: 10 working hours after Mon 08:00 = Mon 17:00 + 2 h = Tue 11:00.
    b1 = clocks["B1"]
    assert (b1["hours"], b1["over_hours"], b1["paused_hours"], b1["due_at"]) == (
        pytest.approx(17.0),
        pytest.approx(7.0),
        pytest.approx(2.0),
        datetime(2026, 3, 3, 11, tzinfo=UTC),
    )
    # B3 is urgent: [sla.priority.urgent] says calendar hours: 12 h > 10, 2 h late, due 03-02 18:00
    b3 = clocks["B3"]
    assert (b3["hours"], b3["over_hours"], b3["due_at"]) == (pytest.approx(12.0), pytest.approx(2.0), datetime(2026, 3, 2, 18, tzinfo=UTC))
    # B2: Fri 16-17 = 1 h + Mon 09-17 = 8 h, less the 1 h pause = 8 h <= 10: met (not listed).
    assert "B2" not in clocks
    facts = listed(scheduled, "ticket-facts")
    # its due: the pause began when the clock had run 1 h: due after 10 + 1 = 11 working hours from
    # Fri 16:00: Fri 1 h, Mon 8 h (9 h), Tue 09:00 + 2 h = Tue 03-10 11:00
    assert (facts["B2"]["close_sla_status"], facts["B2"]["close_sla_due_at"]) == (
        "completed_on_time",
        datetime(2026, 3, 10, 11, tzinfo=UTC),
    )


def test_an_unknown_schedule_is_a_usage_error_listing_the_known_ones(scheduled: Path) -> None:
    config(scheduled, SCHEDULE_CONFIG.replace('schedule = "EU"', 'schedule = "US"'))
    with pytest.raises(UsageError) as raised:
        run_report(scheduled, "sla", totals=True, config=scheduled / "svcstats.toml", **AS_OF)
    assert "'US' is not in the working hours" in raised.value.one_line() and "EU" in raised.value.one_line()


def test_schedule_and_calendar_hours_contradict(scheduled: Path) -> None:
    config(scheduled, '[sla]\nclose_hours = 10\nhours = "calendar"\nschedule = "EU"\n')
    with pytest.raises(UsageError, match="cannot go with hours"):
        run_report(scheduled, "sla", totals=True, config=scheduled / "svcstats.toml", **AS_OF)


# --- the export's own clocks --------------------------------------------------------------------

EXPORT_TICKETS = [[t, at(2), None, "false", "Ann", "low"] for t in ("X1", "X2", "X3", "X4", "X5")]
SLA_HEADER = ["ticket_id", "sla_type", "started_at", "due_at", "completed_at", "status"]
SLA_ROWS = [
    ["X1", "first_response", None, at(2, 4), at(2, 3), "3"],  # done 1 h before due: on time
    ["X1", "close", None, at(4), at(5), "4"],  # done 24 h after due: late by 24 h
    ["X2", "close", None, at(10, 23.5), None, "0"],  # not done, due 03-10 23:30: overdue at --as-of by 0.5 h
    ["X3", "close", None, at(11, 0.5), None, "0"],  # due 03-11 00:30: 0.5 h after --as-of: due soon
    ["X4", "close", None, at(12), None, "Active SLA"],  # due in 24 h: active
    ["X5", "next_response", at(9, 10), at(9, 18), at(11), "SLA completed late"],  # completed after --as-of: overdue then
    ["X5", "resolution", None, at(9), None, "0"],  # not a clock svcstats knows
]


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", TICKETS, EXPORT_TICKETS)
    write_csv(tmp_path / "sla.csv", SLA_HEADER, SLA_ROWS)
    config(tmp_path, "[sla]\nclose_hours = 500\n")
    return tmp_path


def test_the_exports_clocks_are_used_and_judged_at_as_of(exported: Path) -> None:
    outcome = run_report(exported, "sla", totals=True, config=exported / "svcstats.toml", **AS_OF)
    by_metric = {row.pop("metric"): row for row in rows(outcome.result)}
    # close: met 0; breached X1 (late, 24 h over) and X2 (overdue, 03-10 23:30 -> 24:00 less 1 µs = 0.5 h);
    # due soon X3; active X4. achievement 0 / 2 = 0; mean (24 + 0.5) / 2 = 12.25, median 12.25
    assert by_metric["close"] == {
        "achievement_pct": pytest.approx(0.0),
        "met": 0,
        "breached": 2,
        "due_soon": 1,
        "active": 1,
        "completed_late": 1,
        "overdue": 1,
        "mean_over_hours": pytest.approx(12.25),
        "median_over_hours": pytest.approx(12.25),
    }
    # first response X1: on time (100 %). next response X5: completed 03-11, after --as-of: overdue
    # at --as-of since 03-09 18:00: 30 h over (less 1 µs)
    assert (by_metric["first_reply"]["met"], by_metric["first_reply"]["achievement_pct"]) == (1, pytest.approx(100.0))
    assert (by_metric["next_reply"]["overdue"], by_metric["next_reply"]["mean_over_hours"]) == (1, pytest.approx(30.0))
    messages = [f.message() for f in outcome.findings]
    assert any("SLA clocks from the export" in m for m in messages)
    assert any(m.startswith("warning") and "sla_type is not first_response" in m for m in messages)


def test_the_exports_clocks_in_ticket_facts_and_breached(exported: Path) -> None:
    facts = listed(exported, "ticket-facts")
    assert (facts["X1"]["first_reply_sla_status"], facts["X1"]["close_sla_status"]) == ("completed_on_time", "completed_late")
    assert [facts[t]["close_sla_status"] for t in ("X2", "X3", "X4")] == ["overdue", "due_soon", "active"]
    assert facts["X4"]["close_sla_due_at"] == datetime(2026, 3, 12, tzinfo=UTC)
    breached = listed(exported, "sla", options={"breached": True})
    # X1's close: started 03-02 00:00 (the ticket's creation), due 03-04 = 48 h target, completed 03-05: 72 h, 24 over
    assert (breached["X1"]["target_hours"], breached["X1"]["hours"], breached["X1"]["over_hours"]) == (
        pytest.approx(48.0),
        pytest.approx(72.0),
        pytest.approx(24.0),
    )
    # documented columns with --breached (test_catalog runs the example data, which has no sla table)
    from svcstats.catalog import REPORTS

    documented = {c for names, _ in REPORTS["sla"].columns if "--breached" in _ for c in names.split(", ")}
    assert set(run_report(exported, "sla", totals=True, options={"breached": True}, **AS_OF).result.columns) == documented | {"metric"}


def test_targets_config_ignores_the_export(exported: Path) -> None:
    # --targets config: the [sla] close target of 500 h; no messages, so close clocks only: all five
    # tickets open since 03-02 00:00, 216 h at --as-of < 500 h: active
    [close] = rows(
        run_report(exported, "sla", totals=True, config=exported / "svcstats.toml", options={"targets": "config"}, **AS_OF).result
    )
    assert (close["metric"], close["active"], close["met"], close["breached"]) == ("close", 5, 0, 0)


def test_targets_export_without_export_clocks_is_a_usage_error(paused: Path) -> None:
    with pytest.raises(UsageError, match="no SLA clocks of its own"):
        run_report(paused, "sla", totals=True, options={"targets": "export"}, **AS_OF)


def test_without_sla_section_the_default_targets_and_a_note(paused: Path) -> None:
    (paused / "svcstats.toml").unlink()
    outcome = run_report(paused, "ticket-facts", **AS_OF)
    facts = {r["ticket_id"]: r for r in rows(outcome.result)}
    # default close target 72 h, no pauses: P1 72 h on time (not over), P4 96 h late; due 72 h after creation
    assert (facts["P1"]["close_sla_status"], facts["P4"]["close_sla_status"]) == ("completed_on_time", "completed_late")
    assert facts["P1"]["close_sla_due_at"] == datetime(2026, 3, 5, tzinfo=UTC)
    assert any("default targets first reply 24 h, next reply 24 h, close 72 h" in f.message() for f in outcome.findings)


# --- the inverse of business time ---------------------------------------------------------------

NINE_TO_FIVE = Schedule("Europe/Oslo", tuple(Window(d, time(9), time(17)) for d in range(1, 6)))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 400 * 24 * 60), st.integers(1, 200 * 60))
def test_after_is_the_first_instant_reaching_the_business_time(start_minute: int, business_minutes: int) -> None:
    working = WorkingTime({"*": NINE_TO_FIVE})
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=start_minute)
    frame = pl.DataFrame({"start": [start], "amount": [business_minutes * 60_000_000]})
    due = frame.select(working.after(pl.col("start"), pl.col("amount"), pl.lit("*"))).item()
    back = pl.DataFrame({"a": [start, start], "b": [due, due - timedelta(microseconds=1)]}).select(
        working.between(pl.col("a"), pl.col("b"), pl.lit("*"))
    )
    # exactly the business time asked for at `due`, and less a microsecond before it
    assert back.to_series().to_list() == [business_minutes * 60_000_000, business_minutes * 60_000_000 - 1]


def test_after_with_no_business_time_is_the_start_itself() -> None:
    # Tue 2026-03-24 08:00 UTC is 09:00 in Oslo (a window opens) and 06:00 UTC is before it: 0 h
    # of working time is due at the start, never at the end of Monday's window (16:00 UTC)
    working = WorkingTime({"*": NINE_TO_FIVE})
    starts = [datetime(2026, 3, 24, 8, tzinfo=UTC), datetime(2026, 3, 24, 6, tzinfo=UTC)]
    frame = pl.DataFrame({"start": starts, "amount": [0, 0]})
    assert frame.select(working.after(pl.col("start"), pl.col("amount"), pl.lit("*"))).to_series().to_list() == starts


# --- HubSpot's SLA columns on its ticket export -------------------------------------------------

HUBSPOT_HEADER = [
    "Ticket ID", "Ticket name", "Pipeline", "Ticket status", "Create date", "Close date", "Ticket owner", "Priority",
    "First agent response date", "Time to first response SLA status", "Time to first response SLA due date",
    "Time to next response SLA status", "Time to close SLA status", "Time to close SLA due date",
]  # fmt: skip
HUBSPOT_ROWS = [
    # closed 03-03 (on time for its 03-04 due); first response 05:00, due 04:00: late by 1 h; next response exported as late
    ["H1", "a", "Support", "Closed", "2026-03-02 00:00", "2026-03-03 00:00", "Ann", "High",
     "2026-03-02 05:00", "4", "2026-03-02 04:00", "SLA completed late", "3", "2026-03-04 00:00"],
    # open; close due 03-10 12:00, exported as Active (0): at --as-of 03-10 it is overdue by 12 h
    ["H2", "b", "Support", "New", "2026-03-05 00:00", None, "Ann", "High", None, None, None, None, "0", "2026-03-10 12:00"],
    # only a first response status without a due date: taken as exported
    ["H3", "c", "Support", "New", "2026-03-09 00:00", None, "Ann", "High", None, "Active SLA", None, None, None, None],
]  # fmt: skip


def test_hubspot_sla_columns(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", HUBSPOT_HEADER, HUBSPOT_ROWS)
    facts = {r["ticket_id"]: r for r in rows(run_report(tmp_path, "ticket-facts", source_tz="UTC", **AS_OF).result)}
    assert (facts["H1"]["first_reply_sla_status"], facts["H1"]["next_reply_sla_status"], facts["H1"]["close_sla_status"]) == (
        "completed_late",
        "completed_late",
        "completed_on_time",
    )
    assert (facts["H2"]["close_sla_status"], facts["H2"]["close_sla_due_at"]) == ("overdue", datetime(2026, 3, 10, 12, tzinfo=UTC))
    assert (facts["H3"]["first_reply_sla_status"], facts["H3"]["close_sla_status"]) == ("active", None)
    breached = {
        (r["ticket_id"], r["metric"]): r
        for r in rows(run_report(tmp_path, "sla", totals=True, source_tz="UTC", options={"breached": True}, **AS_OF).result)
    }
    # H1's first response: due 04:00, replied 05:00: 1 h over; target = due - creation = 4 h
    assert (breached["H1", "first_reply"]["over_hours"], breached["H1", "first_reply"]["target_hours"]) == (
        pytest.approx(1.0),
        pytest.approx(4.0),
    )
    # H2's close: overdue from 03-10 12:00 to the end of 03-10: 12 h (less 1 µs)
    assert breached["H2", "close"]["over_hours"] == pytest.approx(12.0)


def test_pauses_stop_the_close_clock_unless_pause_metrics_names_more(tmp_path: Path) -> None:
    header = ["ticket_id", "created_at", "first_response_at", "closed_at", "is_closed"]
    write_csv(tmp_path / "tickets.csv", header, [["R1", at(2), at(2, 12), at(3), "true"]])
    write_csv(tmp_path / "stage_history.csv", STAGES, [["R1", "Waiting on contact", at(2, 10), at(2, 20)]])
    base = '[sla]\nfirst_reply_hours = 11\nclose_hours = 48\npause_statuses = ["Waiting on contact"]\n'
    # default pause_metrics = ["close"]: the first reply (03-02 00:00 -> 12:00 = 12 h) is not paused: 1 h late;
    # the close (24 h, paused 10 h) is 14 h
    config(tmp_path, base)
    clocks = {r["metric"]: r for r in rows(run_report(tmp_path, "sla", totals=True, config=tmp_path / "svcstats.toml", **AS_OF).result)}
    assert (clocks["first_reply"]["completed_late"], clocks["close"]["met"]) == (1, 1)
    # naming first_reply too: the pause 10:00-20:00 is cut at the reply (12:00): 2 h off, 10 h <= 11: met
    config(tmp_path, base + 'pause_metrics = ["first_reply", "close"]\n')
    facts = listed(tmp_path, "ticket-facts")
    assert facts["R1"]["first_reply_sla_status"] == "completed_on_time"
    # due: the clock had run 10 h when the pause began (< 11): 11 + 2 = 13 h after creation = 03-02 13:00
    assert facts["R1"]["first_reply_sla_due_at"] == datetime(2026, 3, 2, 13, tzinfo=UTC)


def test_tickets_without_an_exported_clock_are_named_in_a_note(tmp_path: Path) -> None:
    # H4 has no SLA value at all (HubSpot applied no SLA to it): not measured, and a note says so
    no_sla = ["H4", "d", "Support", "New", "2026-03-09 00:00", None, "Ann", "High", None, None, None, None, None, None]
    write_csv(tmp_path / "tickets.csv", HUBSPOT_HEADER, [*HUBSPOT_ROWS, no_sla])
    outcome = run_report(tmp_path, "sla", totals=True, source_tz="UTC", **AS_OF)
    # clocks: H1 first reply, next reply, close; H2 close; H3 first reply = 5
    assert sum(int(r["met"]) + int(r["breached"]) + int(r["due_soon"]) + int(r["active"]) for r in rows(outcome.result)) == 5
    messages = [f.message() for f in outcome.findings]
    assert any(m.startswith("note: sla: 1 row left out: no SLA clock in the export (the help desk applied no SLA") for m in messages)


def test_each_ticket_gets_its_latest_clock_per_metric() -> None:
    # per_ticket: per ticket and metric the clock that starts last; at one start the later due
    # time, then the status that sorts last; an empty due time sorts first. Never the row order.
    from svcstats.reports.sla_clocks import per_ticket

    day = lambda d, h=0: datetime(2026, 3, d, h, tzinfo=UTC)  # noqa: E731
    clocks = pl.DataFrame(
        {
            "ticket_id": ["A", "A", "A", "A", "B", "B", "B"],
            "metric": ["next_reply", "next_reply", "close", "first_reply", "next_reply", "next_reply", "next_reply"],
            "started_at": [day(2), day(1), day(1), day(1), day(3), day(3), day(3)],
            "due_at": [day(3), day(9), day(4), None, day(4), None, day(4)],
            "status": ["overdue", "completed_late", "active", "active", "active", "overdue", "completed_on_time"],
        }
    )
    for order in (clocks, clocks.reverse()):
        got = {r["ticket_id"]: r for r in per_ticket(order.lazy()).collect().to_dicts()}
        # A next_reply: started 2 Mar (later than 1 Mar) -> overdue, due 3 Mar
        assert (got["A"]["next_reply_sla_status"], got["A"]["next_reply_sla_due_at"]) == ("overdue", day(3))
        assert (got["A"]["close_sla_status"], got["A"]["first_reply_sla_status"]) == ("active", "active")
        # B: three clocks at 3 Mar; due 4 Mar beats none; of the two due 4 Mar, "completed_on_time" > "active"
        assert (got["B"]["next_reply_sla_status"], got["B"]["next_reply_sla_due_at"]) == ("completed_on_time", day(4))
        assert got["B"]["close_sla_status"] is None and got["B"]["first_reply_sla_due_at"] is None
