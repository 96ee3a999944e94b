"""--hours business on the duration reports, by hand.

Schedules: everyone ("*") Mon-Fri 08:00-16:00 Europe/Oslo (UTC+1 in November, so 07:00-15:00 UTC);
Ann Mon-Fri 09:00-17:00 America/New_York (UTC-5: 14:00-22:00 UTC). Bob has no schedule of his own.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import rows, run_report, write_csv

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
RANGE = {"date_from": date(2026, 11, 16), "date_to": date(2026, 11, 22), "totals": True, "hours": "business"}

# id, created, closed, owner, source                       business hours to close (calendar)
TICKETS = [
    ["T1", "2026-11-19T14:00:00Z", "2026-11-20T08:30:00Z", "Bob", "email"],  # default: Thu 15-16 + Fri 08-09:30 Oslo = 2.5 (18.5)
    ["T2", "2026-11-16T12:00:00Z", "2026-11-16T20:00:00Z", "Ann", "chat"],  # Ann: 14:00-20:00 UTC = 6.0 (8.0)
    ["T3", "2026-11-21T10:00:00Z", "2026-11-22T10:00:00Z", None, "email"],  # a weekend: 0.0, kept (24.0)
]
# ticket, sent, sender type, sender
MESSAGES = [
    ["T2", "2026-11-16T12:00:00Z", "customer", "c2"],
    ["T2", "2026-11-16T15:00:00Z", "agent", "Ann"],  # Ann's hours from 14:00 UTC: 1.0 business hour (3.0 calendar)
    ["T1", "2026-11-19T14:00:00Z", "customer", "c1"],
    ["T1", "2026-11-20T08:30:00Z", "agent", "Bob"],  # the default schedule: 2.5 business hours
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at", "owner", "source"], TICKETS)
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type", "sender"], MESSAGES)
    hours = [["*", day, "08:00", "16:00", "Europe/Oslo"] for day in WEEKDAYS]
    hours += [["Ann", day, "09:00", "17:00", "America/New_York"] for day in WEEKDAYS]
    write_csv(tmp_path / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], hours)
    return tmp_path


def test_time_to_close_counts_each_owners_working_hours(data: Path) -> None:
    outcome = run_report(data, "ticket-time-to-close", **RANGE)
    (row,) = rows(outcome.result)
    assert row["closed_tickets"] == 3
    assert row["mean_hours"] == pytest.approx((2.5 + 6.0 + 0.0) / 3)
    assert row["median_hours"] == pytest.approx(2.5)
    by_rep = {r["rep"]: r["mean_hours"] for r in rows(run_report(data, "ticket-time-to-close", group_by=["rep"], **RANGE).result)}
    assert by_rep == pytest.approx({"Ann": 6.0, "Bob": 2.5, "Unassigned": 0.0})
    notes = [f.message() for f in outcome.findings]
    assert "note: ticket-time-to-close: 1 rep without working hours of their own: the default schedule was used (e.g. Bob)" in notes


def test_calendar_hours_stay_the_default(data: Path) -> None:
    (row,) = rows(run_report(data, "ticket-time-to-close", **{**RANGE, "hours": "calendar"}).result)
    assert row["mean_hours"] == pytest.approx((18.5 + 8.0 + 24.0) / 3)


def test_customer_waits_count_the_replying_reps_hours(data: Path) -> None:
    (row,) = rows(run_report(data, "customer-wait-time", **RANGE).result)
    assert row["waits"] == 2
    assert row["mean_hours"] == pytest.approx((1.0 + 2.5) / 2)


def test_first_response_and_chat_wait(data: Path) -> None:
    (row,) = rows(run_report(data, "ticket-time-to-first-response", **RANGE).result)
    assert row["replied_tickets"] == 2
    assert row["mean_hours"] == pytest.approx((6.0 - 5.0 + 2.5) / 2)  # T2 created 12:00 UTC, replied 15:00: Ann's 14-15 = 1.0
    (chat,) = rows(run_report(data, "chat-wait-time", **RANGE).result)
    assert chat["mean_minutes"] == pytest.approx(60.0)  # the one chat (T2): 1.0 business hour


def test_the_config_default_schedule_wins_over_the_star_rows(data: Path, tmp_path: Path) -> None:
    config = tmp_path / "svcstats.toml"
    config.write_text('[business_hours]\ntimezone = "Europe/Oslo"\nthu = "15:30-16:00"\nfri = "08:00-08:15"\n', encoding="utf-8")
    result = run_report(data, "ticket-time-to-close", config=config, group_by=["rep"], **RANGE).result
    assert {r["rep"]: r["mean_hours"] for r in rows(result)}["Bob"] == pytest.approx(0.5 + 0.25)


def test_no_default_schedule_is_a_usage_error(data: Path, cli) -> None:
    hours = [["Ann", day, "09:00", "17:00", "America/New_York"] for day in WEEKDAYS]
    write_csv(data / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], hours)
    result = cli("report", "ticket-time-to-close", "--data", data, "--hours", "business")
    assert result.code == 2
    assert result.stderr.startswith("svcstats: error: business hours need a default working-hours schedule")
    assert len(result.stderr.splitlines()) == 1 and 'rep "*"' in result.stderr  # one line, saying what to do


def test_a_bad_config_schedule_and_a_report_without_durations(data: Path, tmp_path: Path, cli) -> None:
    config = tmp_path / "svcstats.toml"
    config.write_text('[business_hours]\nmon = "9-17"\n', encoding="utf-8")
    result = cli("report", "ticket-time-to-close", "--data", data, "--config", config, "--hours", "business")
    assert result.code == 2
    assert "business_hours.mon" in result.stderr and "HH:MM-HH:MM" in result.stderr
    result = cli("report", "support-volume", "--data", data, "--hours", "business")
    assert result.code == 2
    assert "--hours" in result.stderr


def test_a_close_before_creation_is_bad_data_in_business_hours_too(data: Path) -> None:
    # created Sat 10:00, closed Sat 09:00: 0 business hours either way, but closed before created
    write_csv(
        data / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "owner"],
        [["T9", "2026-11-21T10:00:00Z", "2026-11-21T09:00:00Z", None]],
    )
    outcome = run_report(data, "ticket-time-to-close", **RANGE)
    assert rows(outcome.result)[0]["closed_tickets"] == 0
    assert [f.what for f in outcome.findings] == ["closed before it was created"]
