"""ticket-time-to-first-response on a HubSpot ticket export without messages: the figures the
export carries (First agent response date, else Create date + Time to first agent email reply),
and a clear error, never zero replies, when it carries neither."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_csv

HEADER = ["Ticket ID", "Ticket name", "Create date", "Close date", "Ticket owner", "Ticket status", "Pipeline"]
ROWS = [
    ["1", "A", "2026-03-02 09:00", "2026-03-02 21:00", "Ann", "Closed", "Support Pipeline"],
    ["2", "B", "2026-03-03 10:00", "", "Bob", "New", "Support Pipeline"],
    ["3", "C", "2026-03-04 08:00", "", "Ann", "New", "Support Pipeline"],
]
OPTIONS = ("--source-tz", "UTC", "--from", "2026-03-01", "--to", "2026-03-31", "--as-of", "2026-03-31", "--totals", "-f", "csv")


def test_email_reply_duration_gives_the_first_response(tmp_path: Path, cli) -> None:
    durations = ["1:30:00", "26:00:00", ""]  # 1.5 h, 26 h (hours past 24), no reply
    write_csv(tmp_path / "tickets.csv", [*HEADER, "Time to first agent email reply (HH:mm:ss)"],
              [[*row, d] for row, d in zip(ROWS, durations, strict=True)])  # fmt: skip
    result = cli("report", "ticket-time-to-first-response", "--data", tmp_path, *OPTIONS)
    assert result.code == 0, result.stderr
    # replied: 1 (1.5 h) and 2 (26 h): mean (1.5 + 26) / 2 = 13.75 h; ticket 3 unreplied
    assert result.stdout.splitlines()[1].split(",") == ["2", "13.75", "13.75", "23.55", "1"]
    # p90 of two values: 1.5 + 0.9 * (26 - 1.5) = 23.55
    assert "2 tickets timed from the export's duration" in result.stderr
    assert "HubSpot measures email replies only there" in result.stderr


def test_first_agent_response_date_wins_over_the_duration(tmp_path: Path, cli) -> None:
    header = [*HEADER, "First agent response date", "Time to first agent email reply (HH:mm:ss)"]
    rows = [
        [*ROWS[0], "2026-03-02 10:00", "5:00:00"],  # date: 1 h (the email duration says 5 h)
        [*ROWS[1], "", "2:00:00"],  # duration only: 2 h
        [*ROWS[2], "", ""],
    ]
    write_csv(tmp_path / "tickets.csv", header, rows)
    result = cli("report", "ticket-time-to-first-response", "--data", tmp_path, *OPTIONS)
    assert result.code == 0, result.stderr
    # (1 + 2) / 2 = 1.5 h
    assert result.stdout.splitlines()[1].split(",")[:2] == ["2", "1.5"]
    assert "1 ticket timed from the export's duration" in result.stderr


def test_export_without_any_first_response_is_an_error_not_zero_replies(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", HEADER, ROWS)
    result = cli("report", "ticket-time-to-first-response", "--data", tmp_path, *OPTIONS)
    assert result.code == 3
    assert result.stdout == ""
    assert "no messages table, and tickets.csv has no first-response column" in result.stderr
    assert "Time to first agent email reply (HH:mm:ss)" in result.stderr
