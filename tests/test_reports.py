"""Hand-computed checks of ticket-time-to-close and support-volume.

The fixture is read in Europe/Oslo, whose clocks go from UTC+1 to UTC+2 at 01:00 UTC on
Sunday 2026-03-29. Weeks start on Monday: 03-16, 03-23, 03-30, 04-06, 04-13.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from svcstats.errors import DataError, UsageError
from tests.conftest import rows, run_report, write_csv

OSLO = "Europe/Oslo"
RANGE = {"date_from": date(2026, 3, 23), "date_to": date(2026, 4, 19), "tz": OSLO}

# id, created (UTC), closed (UTC), owner, team, source, priority        hours; local close time (Oslo)
TICKETS = [
    ["T1", "2026-03-23T08:00:00Z", "2026-03-23T20:00:00Z", "Ann", "Tier 1", "chat", "high"],  # 12.0; Mon 03-23 21:00
    ["T2", "2026-03-24T09:00:00Z", "2026-03-26T09:00:00Z", "Bob", "Tier 2", "email", "low"],  # 48.0; Thu 03-26
    ["T3", "2026-03-28T10:00:00Z", "2026-03-29T22:30:00Z", "Ann", "Tier 1", "chat", "high"],  # 36.5; Mon 03-30 00:30 (+2)
    ["T4", "2026-03-29T21:00:00Z", "2026-04-01T21:00:00Z", "Bob", "Tier 2", "email", "low"],  # 72.0; Wed 04-01 23:00
    ["T5", "2026-04-02T10:00:00Z", None, "Ann", "Tier 1", "phone", "low"],  # still open; created Thu 04-02
    ["T6", "2026-04-13T08:00:00Z", "2026-04-14T08:00:00Z", None, None, "form", "low"],  # 24.0; Tue 04-14
    ["T7", "2026-04-15T10:00:00Z", "2026-04-15T09:00:00Z", "Bob", "Tier 2", "chat", "low"],  # -1.0: closed before created
    ["T8", "2026-03-20T10:00:00Z", "2026-03-22T23:30:00Z", "Ann", "Tier 1", "email", "high"],  # 61.5; Mon 03-23 00:30 (+1)
]
HEADER = ["ticket_id", "created_at", "closed_at", "owner", "team", "source", "priority"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", HEADER, TICKETS)
    return tmp_path


def by_period(result) -> dict[str, dict[str, object]]:
    """Rows by period start; each period's end and partial flag are checked apart (period_periods)."""
    return {str(row.pop("period_start")): row for row in rows(result.drop("period_end", "partial"))}


def period_periods(result) -> list[tuple[str, str, bool]]:
    return [(str(r["period_start"]), str(r["period_end"]), r["partial"]) for r in rows(result)]


def test_time_to_close_weekly_in_oslo(data: Path) -> None:
    outcome = run_report(data, "ticket-time-to-close", frequency="weekly", **RANGE)
    weeks = by_period(outcome.result)
    assert list(weeks) == ["2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13"]
    # Week 03-23 (by local close date): T1 12, T2 48 and T8 61.5 (closed 00:30 local on Monday 03-23).
    # mean = 121.5 / 3 = 40.5; median 48; p90 at rank 0.9 * 2 = 1.8 -> 48 + 0.8 * (61.5 - 48) = 58.8
    assert weeks["2026-03-23"]["closed_tickets"] == 3
    assert weeks["2026-03-23"]["mean_hours"] == pytest.approx(40.5)
    assert weeks["2026-03-23"]["median_hours"] == pytest.approx(48.0)
    assert weeks["2026-03-23"]["p90_hours"] == pytest.approx(58.8)
    # Week 03-30: T3 36.5 (closed 00:30 on Monday 03-30, after the DST change) and T4 72.
    # mean = median = 108.5 / 2 = 54.25; p90 at rank 0.9 -> 36.5 + 0.9 * 35.5 = 68.45. T5 is open.
    assert weeks["2026-03-30"] == {
        "closed_tickets": 2,
        "mean_hours": pytest.approx(54.25),
        "median_hours": pytest.approx(54.25),
        "p90_hours": pytest.approx(68.45),
        "reopened_tickets": None,  # neither first closes nor reopen dates in this export
        "open_tickets": 1,
    }
    # Week 04-06 has nothing: zero counts, empty durations.
    assert weeks["2026-04-06"] == {
        "closed_tickets": 0,
        "mean_hours": None,
        "median_hours": None,
        "p90_hours": None,
        "reopened_tickets": None,
        "open_tickets": 0,
    }
    # Week 04-13: T6 24; T7 (closed before created) is left out and reported.
    assert weeks["2026-04-13"]["closed_tickets"] == 1
    assert weeks["2026-04-13"]["mean_hours"] == pytest.approx(24.0)
    messages = [f.message() for f in outcome.findings]
    assert "warning: ticket-time-to-close: 1 row left out: closed before it was created" in messages
    assert any(m.startswith("note: ticket-time-to-close: 1 row left out: still open") for m in messages)


def test_time_to_close_weeks_in_utc_differ(data: Path) -> None:
    # In UTC, T8 closes on Sunday 03-22 (outside the range) and T3 on Sunday 03-29 (week 03-23):
    # week 03-23 holds T1 12, T2 48, T3 36.5 -> mean 96.5 / 3; week 03-30 holds only T4 72.
    outcome = run_report(data, "ticket-time-to-close", date_from=date(2026, 3, 23), date_to=date(2026, 4, 19))
    weeks = by_period(outcome.result)
    assert weeks["2026-03-23"]["closed_tickets"] == 3
    assert weeks["2026-03-23"]["mean_hours"] == pytest.approx(96.5 / 3)
    assert weeks["2026-03-30"]["closed_tickets"] == 1
    assert weeks["2026-03-30"]["mean_hours"] == pytest.approx(72.0)


def test_time_to_close_totals(data: Path) -> None:
    # In range (Oslo close dates 03-23..04-19): T1 12, T2 48, T8 61.5, T3 36.5, T4 72, T6 24.
    # mean = 254 / 6; sorted 12, 24, 36.5, 48, 61.5, 72 -> median (36.5 + 48) / 2 = 42.25;
    # p90 at rank 0.9 * 5 = 4.5 -> 61.5 + 0.5 * 10.5 = 66.75.
    [total] = rows(run_report(data, "ticket-time-to-close", totals=True, **RANGE).result)
    assert total == {
        "closed_tickets": 6,
        "mean_hours": pytest.approx(254 / 6),
        "median_hours": pytest.approx(42.25),
        "p90_hours": pytest.approx(66.75),
        "reopened_tickets": None,
        "open_tickets": 1,
    }


def test_time_to_close_by_rep(data: Path) -> None:
    # Ann: T1 12, T8 61.5, T3 36.5 (mean 110 / 3), T5 open; Bob: T2 48, T4 72 (mean 60);
    # Unassigned: T6 24.
    result = run_report(data, "ticket-time-to-close", totals=True, group_by=["rep"], **RANGE).result
    by_rep = {row.pop("rep"): row for row in rows(result)}
    assert list(by_rep) == ["Ann", "Bob", "Unassigned"]
    assert by_rep["Ann"]["closed_tickets"] == 3
    assert by_rep["Ann"]["mean_hours"] == pytest.approx(110 / 3)
    assert by_rep["Ann"]["open_tickets"] == 1
    assert by_rep["Bob"]["mean_hours"] == pytest.approx(60.0)
    assert by_rep["Unassigned"]["closed_tickets"] == 1


def test_time_to_close_over_time_by_team_fills_every_week_for_every_team(data: Path) -> None:
    result = run_report(data, "ticket-time-to-close", group_by=["team"], **RANGE).result
    # 4 weeks x 3 teams (Tier 1, Tier 2, Unassigned), sorted by week then team.
    assert result.height == 12
    assert result["team"].to_list()[:3] == ["Tier 1", "Tier 2", "Unassigned"]
    assert result["closed_tickets"].sum() == 6
    tier2 = result.filter(team="Tier 2")
    assert tier2["closed_tickets"].to_list() == [1, 1, 0, 0]  # T2 in 03-23, T4 in 03-30; T7 excluded


def test_time_to_close_by_created_date(data: Path) -> None:
    # By local creation date: week 03-23 holds T1 12, T2 48, T3 36.5 and T4 (created 23:00 local
    # on Sunday 03-29) 72 -> mean 168.5 / 4; T8 (created 03-20) is outside the range.
    weeks = by_period(run_report(data, "ticket-time-to-close", date_by="created", **RANGE).result)
    assert weeks["2026-03-23"]["closed_tickets"] == 4
    assert weeks["2026-03-23"]["mean_hours"] == pytest.approx(168.5 / 4)
    assert weeks["2026-03-30"]["closed_tickets"] == 0
    assert weeks["2026-03-30"]["open_tickets"] == 1


def test_filters_select_records(data: Path) -> None:
    # --rep Ann --where "priority = 'high'": T1 12, T8 61.5 (03-23) and T3 36.5 (03-30).
    outcome = run_report(data, "ticket-time-to-close", totals=True, reps=["Ann"], where="priority = 'high'", **RANGE)
    assert rows(outcome.result) == [
        {
            "closed_tickets": 3,
            "mean_hours": pytest.approx(110 / 3),
            "median_hours": pytest.approx(36.5),
            "p90_hours": pytest.approx(56.5),
            "reopened_tickets": None,
            "open_tickets": 0,
        }
    ]
    # --source chat (upper or lower case): T1, T3; T7 excluded as closed before created.
    chat = run_report(data, "ticket-time-to-close", totals=True, sources=["CHAT"], **RANGE).result
    assert chat["closed_tickets"].to_list() == [2]
    # --rep Unassigned picks tickets without an owner: T6.
    unassigned = run_report(data, "support-volume", totals=True, reps=["Unassigned"], **RANGE).result
    assert unassigned["tickets"].to_list() == [1]


def test_monthly_and_quarterly_periods(data: Path) -> None:
    # By Oslo close date: March holds T1, T2, T8, T3 (03-30 00:30 local); April holds T4, T6.
    months = by_period(run_report(data, "ticket-time-to-close", frequency="monthly", **RANGE).result)
    assert {k: v["closed_tickets"] for k, v in months.items()} == {"2026-03-01": 4, "2026-04-01": 2}
    quarters = by_period(run_report(data, "ticket-time-to-close", frequency="quarterly", **RANGE).result)
    assert {k: v["closed_tickets"] for k, v in quarters.items()} == {"2026-01-01": 4, "2026-04-01": 2}


def test_support_volume_weekly(data: Path) -> None:
    # By local creation date: 03-23 T1 T2 T3 T4 (all closed); 03-30 T5 (open); 04-06 none;
    # 04-13 T6 and T7 (T7 has a close date, so it counts as closed here).
    result = run_report(data, "support-volume", **RANGE).result
    # 03-23 to 04-19 is four whole Monday-to-Sunday weeks: no period is partial
    assert period_periods(result) == [
        ("2026-03-23", "2026-03-29", False),
        ("2026-03-30", "2026-04-05", False),
        ("2026-04-06", "2026-04-12", False),
        ("2026-04-13", "2026-04-19", False),
    ]
    weeks = by_period(result)
    assert weeks == {
        "2026-03-23": {"tickets": 4, "closed_tickets": 4, "open_tickets": 0},
        "2026-03-30": {"tickets": 1, "closed_tickets": 0, "open_tickets": 1},
        "2026-04-06": {"tickets": 0, "closed_tickets": 0, "open_tickets": 0},
        "2026-04-13": {"tickets": 2, "closed_tickets": 2, "open_tickets": 0},
    }


def test_support_volume_totals_by_rep_without_range(data: Path) -> None:
    # All dates: Ann T1 T3 T5 T8, Bob T2 T4 T7, Unassigned T6.
    result = run_report(data, "support-volume", totals=True, group_by=["rep"]).result
    assert rows(result) == [
        {"rep": "Ann", "tickets": 4, "closed_tickets": 3, "open_tickets": 1},
        {"rep": "Bob", "tickets": 3, "closed_tickets": 3, "open_tickets": 0},
        {"rep": "Unassigned", "tickets": 1, "closed_tickets": 1, "open_tickets": 0},
    ]


def test_open_range_runs_from_first_to_last_record(data: Path) -> None:
    # No range: created dates run from T8 (Fri 03-20, week 03-16) to T7 (Wed 04-15, week 04-13).
    weeks = by_period(run_report(data, "support-volume").result)
    assert list(weeks) == ["2026-03-16", "2026-03-23", "2026-03-30", "2026-04-06", "2026-04-13"]


def test_reopened_ticket_marked_open_is_not_closed(tmp_path: Path) -> None:
    # R2 has a close date from before it was reopened, but is_closed says it is open now.
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "is_closed"],
        [["R1", "2026-05-04T08:00:00Z", "2026-05-04T10:00:00Z", "true"], ["R2", "2026-05-04T08:00:00Z", "2026-05-05T08:00:00Z", "false"]],
    )
    [total] = rows(run_report(tmp_path, "ticket-time-to-close", totals=True).result)
    assert (total["closed_tickets"], total["open_tickets"], total["mean_hours"]) == (1, 1, pytest.approx(2.0))


def test_empty_range_gives_header_only_result(data: Path) -> None:
    result = run_report(data, "support-volume", date_from=date(2027, 1, 4), date_to=date(2027, 1, 10)).result
    assert result.to_dicts() == [
        # Monday 01-04 to Sunday 01-10: the whole week, not partial
        {
            "period_start": date(2027, 1, 4),
            "period_end": date(2027, 1, 10),
            "partial": False,
            "tickets": 0,
            "closed_tickets": 0,
            "open_tickets": 0,
        }
    ]
    assert run_report(data, "support-volume", where="priority = 'none'").result.height == 0


def test_extra_statistics(data: Path) -> None:
    # Totals over 12, 24, 36.5, 48, 61.5, 72: min 12, max 72, p75 at rank 3.75 -> 48 + 0.75 * 13.5.
    [total] = rows(run_report(data, "ticket-time-to-close", totals=True, stats=["min", "max", "p75"], **RANGE).result)
    assert (total["min_hours"], total["max_hours"]) == (12.0, 72.0)
    assert total["p75_hours"] == pytest.approx(58.125)
    assert "mean_hours" in total  # the defaults stay in machine output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"date_by": "resolved"}, "--date-by 'resolved' is not available"),
        ({"group_by": ["nosuch"]}, "has no column 'nosuch'"),
        ({"where": "priority ="}, "--where"),
        ({"stats": ["p99"]}, "unknown --stat 'p99'"),
        ({"frequency": "hourly"}, "unknown frequency"),
        ({"tz": "Europe/Osl"}, "unknown time zone"),
    ],
)
def test_bad_options_are_usage_errors(data: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        run_report(data, "ticket-time-to-close", **options)


def test_closedness_is_judged_at_as_of(tmp_path: Path) -> None:
    # Ticket 1 closes on 10-20, after --as-of 10-15: it was open then. Ticket 2 closed on 10-12.
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at"],
        [["1", "2026-10-10T10:00:00Z", "2026-10-20T10:00:00Z"], ["2", "2026-10-11T10:00:00Z", "2026-10-12T10:00:00Z"]],
    )
    as_of = {"this_month": True, "as_of": date(2026, 10, 15), "totals": True}
    assert rows(run_report(tmp_path, "support-volume", **as_of).result) == [{"tickets": 2, "closed_tickets": 1, "open_tickets": 1}]
    [ttc] = rows(run_report(tmp_path, "ticket-time-to-close", **as_of).result)
    assert (ttc["closed_tickets"], ttc["mean_hours"], ttc["open_tickets"]) == (1, 24.0, 1)


def test_marked_closed_without_close_date(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "is_closed"],
        [["1", "2026-10-10T10:00:00Z", None, "true"], ["2", "2026-10-10T10:00:00Z", "2026-10-10T12:00:00Z", None]],
    )
    assert rows(run_report(tmp_path, "support-volume", totals=True).result) == [{"tickets": 2, "closed_tickets": 2, "open_tickets": 0}]
    outcome = run_report(tmp_path, "ticket-time-to-close", totals=True)
    assert (outcome.result["closed_tickets"].item(), outcome.result["open_tickets"].item()) == (1, 0)
    assert [(f.what, f.rows) for f in outcome.findings] == [("marked closed but no closed_at", 1)]


def test_time_to_close_needs_close_dates(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-10-10T10:00:00Z"]])
    with pytest.raises(DataError, match="needs close dates"):
        run_report(tmp_path, "ticket-time-to-close")


def test_grouping_by_a_column_the_report_computes_with_is_refused(data: Path) -> None:
    with pytest.raises(UsageError, match="--group-by created_at"):
        run_report(data, "support-volume", group_by=["created_at"])


def test_where_type_errors_and_column_case(data: Path) -> None:
    with pytest.raises(UsageError, match="--where 'priority = 1'"):
        run_report(data, "support-volume", where="priority = 1")
    by_team = run_report(data, "support-volume", totals=True, group_by=["TEAM"]).result  # any case
    assert by_team.columns[0] == "TEAM"
    assert by_team["tickets"].sum() == 8
    assert rows(run_report(data, "support-volume", totals=True, sources=["E-mail"]).result)[0]["tickets"] == 3  # T2 T4 T8
