"""Issue 14, definitions a user misreads: waits ended by a close, partial periods, business
hours in tables, weeks starting on Sunday. Small cases by hand, through the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import write_csv

MESSAGE_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]


def table(cli, *args: str | Path) -> list[dict[str, str]]:
    """Run `svcstats ARGS --format csv` and return the rows (exit 0 expected)."""
    result = cli(*args, "--format", "csv")
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# -- waits ended by a close ------------------------------------------------------------------


def thanks(folder: Path) -> Path:
    """T1: asked 09-01 09:00, answered 10:00, "thanks" 11:00, closed 09-02. T2: asked 09-01
    12:00, never answered, still open."""
    write_csv(
        folder / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "is_closed", "owner"],
        [["T1", "2026-09-01T09:00:00Z", "2026-09-02T09:00:00Z", "true", "Ann"], ["T2", "2026-09-01T12:00:00Z", None, "false", "Ann"]],
    )
    write_csv(
        folder / "messages.csv",
        MESSAGE_HEADER,
        [
            ["m1", "T1", "2026-09-01T09:00:00Z", "customer", "c1", "true"],
            ["m2", "T1", "2026-09-01T10:00:00Z", "agent", "Ann", "true"],
            ["m3", "T1", "2026-09-01T11:00:00Z", "customer", "c1", "true"],
            ["m4", "T2", "2026-09-01T12:00:00Z", "customer", "c2", "true"],
        ],
    )
    return folder


def test_wait_ended_by_a_close_is_closed_unanswered(cli, tmp_path: Path) -> None:
    # as of 09-05: T1's first wait answered after 1 h; its "thanks" wait ended with the close on
    # 09-02 (closed_unanswered, no duration); T2's wait is open (24 + 12 h old at the end of 09-01)
    args = ["report", "customer-wait-time", "--data", thanks(tmp_path), "--totals", "--open"]
    [row] = table(cli, *args, "--as-of", "2026-09-05")
    assert (row["waits"], float(row["mean_hours"]), row["open_waits"], row["closed_unanswered"]) == ("1", 1.0, "1", "1")
    # the age of the open waits counts T2 only: 09-01 12:00 to the end of 09-05 = 4 days 12 h = 108 h
    assert float(row["max_open_hours"]) == 108.0 == float(row["mean_open_hours"])
    # as of 09-01 T1 was not closed yet: both unanswered waits were open
    [row] = table(cli, *args, "--as-of", "2026-09-01")
    assert (row["open_waits"], row["closed_unanswered"]) == ("2", "0")


def test_per_ticket_counts_closed_unanswered(cli, tmp_path: Path) -> None:
    got = table(cli, "report", "customer-wait-time", "--data", thanks(tmp_path), "--totals", "--per-ticket", "--as-of", "2026-09-05")
    assert {r["ticket_id"]: (r["waits"], r["open_waits"], r["closed_unanswered"]) for r in got} == {
        "T1": ("1", "0", "1"),
        "T2": ("0", "1", "0"),
    }


def test_about_explains_closed_unanswered(cli) -> None:
    result = cli("about", "customer-wait-time")
    assert result.code == 0
    assert "closed_unanswered" in result.stdout and "ended by the" in result.stdout


# -- partial periods -------------------------------------------------------------------------


def close_times(folder: Path) -> Path:
    """Four tickets closed in October: 10-01, 10-05, 10-20, 10-21 (each after 2 h)."""
    write_csv(
        folder / "tickets.csv",
        ["ticket_id", "created_at", "closed_at"],
        [[f"T{day}", f"2026-10-{day:02d}T08:00:00Z", f"2026-10-{day:02d}T10:00:00Z"] for day in (1, 5, 20, 21)],
    )
    return folder


def test_period_end_and_partial_in_every_machine_format(cli, tmp_path: Path) -> None:
    # --last-week as of Wed 10-28: the range is Mon 10-19 to Sun 10-25. The monthly row of October
    # (10-01 to 10-31) covers 7 of its 31 days: partial. Tickets closed in the range: 10-20, 10-21.
    args = [
        "report",
        "ticket-time-to-close",
        "--data",
        close_times(tmp_path),
        "--last-week",
        "--as-of",
        "2026-10-28",
        "--frequency",
        "monthly",
    ]
    [row] = table(cli, *args)
    assert list(row)[:3] == ["period_start", "period_end", "partial"]
    assert (row["period_start"], row["period_end"], row["partial"], row["closed_tickets"]) == ("2026-10-01", "2026-10-31", "true", "2")
    result = cli(*args, "--format", "json")
    assert '"period_end":"2026-10-31","partial":true' in result.stdout.replace(" ", "")
    result = cli(*args, "--format", "table")
    # the terminal table marks the cut month with a * after its start instead of two columns
    assert "Period end" not in result.stdout and "Partial" not in result.stdout
    assert "  2026-10-01* " in result.stdout
    assert result.stdout.endswith("* partial period: the range starts or ends inside it\n")


def test_weekly_periods_inside_the_range_are_whole(cli, tmp_path: Path) -> None:
    # --from Thu 10-01 --to Wed 10-21, weekly (Monday weeks): 09-28..10-04 starts before the range
    # (partial), 10-05..10-11 and 10-12..10-18 are whole, 10-19..10-25 ends after it (partial)
    got = table(cli, "report", "ticket-time-to-close", "--data", close_times(tmp_path), "--from", "2026-10-01", "--to", "2026-10-21")
    assert [(r["period_start"], r["period_end"], r["partial"]) for r in got] == [
        ("2026-09-28", "2026-10-04", "true"),
        ("2026-10-05", "2026-10-11", "false"),
        ("2026-10-12", "2026-10-18", "false"),
        ("2026-10-19", "2026-10-25", "true"),
    ]


def test_totals_have_no_period_columns(cli, tmp_path: Path) -> None:
    [row] = table(cli, "report", "ticket-time-to-close", "--data", close_times(tmp_path), "--totals")
    assert "period_end" not in row and "partial" not in row


# -- business hours in tables ------------------------------------------------------------------


def test_business_hours_tables_show_hours_not_days(cli, tmp_path: Path) -> None:
    # created Mon 10-05 09:00, closed Fri 10-09 10:00, working hours 09:00-17:00 Mon-Fri:
    # 4 working days of 8 h + 1 h on Friday = 33 working hours: "33h 00m" (not "1d 9h")
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], [["T1", "2026-10-05T09:00:00Z", "2026-10-09T10:00:00Z"]])
    write_csv(
        tmp_path / "working_hours.csv",
        ["rep", "weekday", "start", "end", "timezone"],
        [["*", d, "09:00", "17:00", "UTC"] for d in ("mon", "tue", "wed", "thu", "fri")],
    )
    base = ["report", "ticket-time-to-close", "--data", tmp_path, "--totals", "--format", "table"]
    business = cli(*base, "--hours", "business")
    assert business.code == 0, business.stderr
    assert "33h 00m" in business.stdout and "1d 9h" not in business.stdout
    # calendar hours keep days: 4 days 1 h = 97 h -> "4d 1h"
    assert "4d 1h" in cli(*base).stdout


# -- weeks starting on Sunday ------------------------------------------------------------------


def test_week_start_sunday(cli, tmp_path: Path) -> None:
    # closes on Thu 10-01, Mon 10-05, Tue 10-20, Wed 10-21; 10-04 and 10-18 are Sundays.
    # Monday weeks: 09-28 (10-01), 10-05 (10-05), 10-19 (10-20, 10-21).
    # Sunday weeks: 09-27..10-03 (10-01), 10-04..10-10 (10-05), 10-18..10-24 (10-20, 10-21).
    args = ["report", "ticket-time-to-close", "--data", close_times(tmp_path), "--from", "2026-10-01", "--to", "2026-10-24"]
    monday = table(cli, *args)
    assert [(r["period_start"], r["period_end"], r["closed_tickets"]) for r in monday if r["closed_tickets"] != "0"] == [
        ("2026-09-28", "2026-10-04", "1"),
        ("2026-10-05", "2026-10-11", "1"),
        ("2026-10-19", "2026-10-25", "2"),
    ]
    sunday = table(cli, *args, "--week-start", "sunday")
    assert [(r["period_start"], r["period_end"], r["partial"], r["closed_tickets"]) for r in sunday] == [
        ("2026-09-27", "2026-10-03", "true", "1"),  # starts before 10-01
        ("2026-10-04", "2026-10-10", "false", "1"),
        ("2026-10-11", "2026-10-17", "false", "0"),
        ("2026-10-18", "2026-10-24", "false", "2"),  # ends on --to: whole
    ]


def test_week_start_from_the_config_and_last_week(cli, tmp_path: Path) -> None:
    # week_start = "sunday" in svcstats.toml; --last-week as of Wed 10-21: this week began Sun
    # 10-18, so last week is Sun 10-11 to Sat 10-17 (Monday weeks: Mon 10-12 to Sun 10-18)
    close_times(tmp_path)
    config = tmp_path / "svcstats.toml"
    config.write_text('week_start = "sunday"\n', encoding="utf-8")
    args = ["report", "support-volume", "--data", tmp_path, "--last-week", "--as-of", "2026-10-21", "--verbose"]
    result = cli(*args, "--config", config, "--format", "csv")
    assert result.code == 0, result.stderr
    assert "2026-10-11 to 2026-10-17" in result.stderr
    assert result.stdout.splitlines()[1].startswith("2026-10-11,2026-10-17,false,")
    plain = cli(*args, "--format", "csv")
    assert "2026-10-12 to 2026-10-18" in plain.stderr
    # the flag wins over the config
    flagged = cli(*args, "--config", config, "--week-start", "monday", "--format", "csv")
    assert "2026-10-12 to 2026-10-18" in flagged.stderr


def test_week_start_in_help(cli) -> None:
    result = cli("report", "support-volume", "--help")
    assert "--week-start" in result.stdout


def test_business_hours_chart_labels_in_hours(cli, tmp_path: Path) -> None:
    # the same 33 working hours under the table's chart: labelled "33h 00m" too
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], [["T1", "2026-10-05T09:00:00Z", "2026-10-09T10:00:00Z"]])
    write_csv(
        tmp_path / "working_hours.csv",
        ["rep", "weekday", "start", "end", "timezone"],
        [["*", d, "09:00", "17:00", "UTC"] for d in ("mon", "tue", "wed", "thu", "fri")],
    )
    result = cli("report", "ticket-time-to-close", "--data", tmp_path, "--totals", "--hours", "business", "--chart")
    assert result.code == 0, result.stderr
    assert "1d 9h" not in result.stdout and result.stdout.count("33h 00m") >= 2


def test_week_start_sunday_moves_agent_impact_and_last_weeks(cli, tmp_path: Path) -> None:
    # as of Wed 10-21: the week holding it starts Sun 10-18 (Monday weeks: Mon 10-19)
    write_csv(
        tmp_path / "agent_conversations.csv",
        ["conversation_id", "started_at", "agent_involved"],
        [["K1", "2026-10-18T10:00:00Z", "true"], ["K2", "2026-10-12T10:00:00Z", "true"]],
    )
    [row] = table(cli, "report", "agent-impact", "--data", tmp_path, "--as-of", "2026-10-21", "--week-start", "sunday")
    # Sunday weeks: K1 (Sun 10-18) is this week, K2 (Mon 10-12) last week (10-11 to 10-17)
    assert (row["week_start"], row["handled"], row["handled_last_week"]) == ("2026-10-18", "1", "1")
    [row] = table(cli, "report", "agent-impact", "--data", tmp_path, "--as-of", "2026-10-21")
    # Monday weeks: this week from 10-19 has nothing; last week (10-12 to 10-18) has K1 and K2
    assert (row["week_start"], row["handled"], row["handled_last_week"]) == ("2026-10-19", "0", "2")
    # --last 2w: from the first day of the week before this one to --as-of
    result = cli(
        "report",
        "support-volume",
        "--data",
        close_times(tmp_path),
        "--last",
        "2w",
        "--as-of",
        "2026-10-21",
        "--week-start",
        "sunday",
        "--verbose",
        "--format",
        "csv",
    )
    assert "2026-10-11 to 2026-10-21" in result.stderr


def test_week_start_is_checked_when_a_query_is_made() -> None:
    # a saved report or a test builds a ReportQuery without Typer: the value is checked there, once
    import pytest

    from svcstats.errors import UsageError
    from svcstats.query import ReportQuery

    with pytest.raises(UsageError, match="unknown --week-start 'friday'"):
        ReportQuery(report="support-volume", week_start="friday")
    assert ReportQuery(report="support-volume", week_start="sunday").week_start == "sunday"
