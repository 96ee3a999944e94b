"""--as-of is a snapshot (issue 14): at the end of the --as-of day, whatever happened later is
invisible to every report. Small cases by hand, driven through the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.conftest import write_csv

MESSAGE_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def table(cli, *args: str | Path) -> list[dict[str, str]]:
    """Run `svcstats ARGS --format csv` and return the rows (exit 0 expected)."""
    result = cli(*args, "--format", "csv")
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def working_hours(folder: Path) -> None:
    """09:00-17:00 UTC, Monday to Friday, for everyone."""
    write_csv(
        folder / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], [["*", d, "09:00", "17:00", "UTC"] for d in WEEKDAYS]
    )


# -- 1. first response after --as-of --------------------------------------------------------


@pytest.mark.parametrize("hours", ["calendar", "business"])
def test_first_reply_after_as_of_is_no_reply_yet(cli, tmp_path: Path, hours: str) -> None:
    # created Tue 09-29 10:00, replied Fri 10-02 10:00 (72 h later). At the end of 09-30 no reply
    # had come: 0 replied, 1 unreplied (before the fix: replied 1, mean 72 h).
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "owner"], [["T1", "2026-09-29T10:00:00Z", "Ann"]])
    write_csv(
        tmp_path / "messages.csv",
        MESSAGE_HEADER,
        [["m1", "T1", "2026-09-29T10:00:00Z", "customer", "c1", "true"], ["m2", "T1", "2026-10-02T10:00:00Z", "agent", "Ann", "true"]],
    )
    working_hours(tmp_path)
    [row] = table(cli, "report", "ticket-time-to-first-response", "--data", tmp_path, "--totals", "--as-of", "2026-09-30", "--hours", hours)
    assert (row["replied_tickets"], row["unreplied_tickets"], row["mean_hours"]) == ("0", "1", "")


def test_first_response_at_on_the_ticket_after_as_of(cli, tmp_path: Path) -> None:
    # the same ticket with first_response_at 10-02 10:00 and no messages table: not replied by 09-30
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "first_response_at", "owner"],
        [["T1", "2026-09-29T10:00:00Z", "2026-10-02T10:00:00Z", "Ann"]],
    )
    [row] = table(cli, "report", "ticket-time-to-first-response", "--data", tmp_path, "--totals", "--as-of", "2026-09-30")
    assert (row["replied_tickets"], row["unreplied_tickets"]) == ("0", "1")
    # and as of 10-02 it is replied after 72 h (10-02 10:00 - 09-29 10:00 = 3 days)
    [row] = table(cli, "report", "ticket-time-to-first-response", "--data", tmp_path, "--totals", "--as-of", "2026-10-02")
    assert (row["replied_tickets"], row["unreplied_tickets"], float(row["mean_hours"])) == ("1", "0", 72.0)


# -- 2. chat answered after --as-of ---------------------------------------------------------


def test_chat_answered_after_as_of_is_abandoned_then(cli, tmp_path: Path) -> None:
    # chat starts 09-09 13:00, the human replies 09-12 12:00 (4,260 min = 71 h later). At the end
    # of 09-10 it is unanswered: 1 chat, 0 answered, 1 abandoned (100 %).
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "source", "owner"], [["C1", "2026-09-09T13:00:00Z", "chat", "Ann"]])
    write_csv(
        tmp_path / "messages.csv",
        MESSAGE_HEADER,
        [["m1", "C1", "2026-09-09T13:00:00Z", "customer", "c1", "true"], ["m2", "C1", "2026-09-12T12:00:00Z", "agent", "Ann", "true"]],
    )
    [row] = table(cli, "report", "chat-wait-time", "--data", tmp_path, "--totals", "--as-of", "2026-09-10")
    assert (row["chats"], row["answered_chats"], row["abandoned_chats"], float(row["abandonment_pct"])) == ("1", "0", "1", 100.0)
    [row] = table(cli, "report", "chat-wait-time", "--data", tmp_path, "--totals", "--as-of", "2026-09-12")
    assert (row["answered_chats"], float(row["mean_minutes"])) == ("1", 4260.0)


# -- 3. records created after --as-of, and closes after it ----------------------------------


@pytest.fixture
def later_tickets(tmp_path: Path) -> Path:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "is_closed", "owner"],
        [
            ["A", "2026-09-01T10:00:00Z", "2026-09-02T10:00:00Z", "true", "Ann"],  # closed before the cut: 24 h
            ["B", "2026-09-03T10:00:00Z", "2026-09-20T10:00:00Z", "true", "Ann"],  # closed after the cut: open then
            ["C", "2026-09-12T10:00:00Z", None, "false", "Ann"],  # created after the cut: did not exist
        ],
    )
    return tmp_path


def test_time_to_close_and_volume_ignore_later_tickets_and_closes(cli, later_tickets: Path) -> None:
    # as of 09-10 (range to 09-30): A closed (24 h), B open, C does not exist yet -> 1 closed, 1 open
    args = ["--data", later_tickets, "--from", "2026-09-01", "--to", "2026-09-30", "--as-of", "2026-09-10", "--totals"]
    [close] = table(cli, "report", "ticket-time-to-close", *args)
    assert (close["closed_tickets"], float(close["mean_hours"]), close["open_tickets"]) == ("1", 24.0, "1")
    [volume] = table(cli, "report", "support-volume", *args)
    assert (volume["tickets"], volume["closed_tickets"], volume["open_tickets"]) == ("2", "1", "1")


AGENT_HEADER = [
    "conversation_id",
    "channel",
    "started_at",
    "ended_at",
    "last_activity_at",
    "agent_involved",
    "agent_replied",
    "handed_off",
    "feedback",
]


def test_agent_reports_ignore_conversations_started_later(cli, tmp_path: Path) -> None:
    # K1 started 09-01 and ended 09-01 (judged by 09-10, resolved); K2 starts 09-12, after the
    # cut: it does not exist (before the fix it was counted as a pending conversation).
    write_csv(
        tmp_path / "agent_conversations.csv",
        AGENT_HEADER,
        [
            ["K1", "chat", "2026-09-01T10:00:00Z", "2026-09-01T10:10:00Z", "2026-09-01T10:10:00Z", "true", "true", "false", "helpful"],
            ["K2", "chat", "2026-09-12T10:00:00Z", "2026-09-12T10:10:00Z", "2026-09-12T10:10:00Z", "true", "true", "false", "helpful"],
        ],
    )
    args = ["--data", tmp_path, "--from", "2026-09-01", "--to", "2026-09-30", "--as-of", "2026-09-10", "--totals"]
    [handled] = table(cli, "report", "agent-conversations-handled", *args)
    assert (handled["handled"], handled["resolved"], handled["pending"]) == ("1", "1", "0")


def test_conversation_ended_after_the_cut_is_pending(cli, tmp_path: Path) -> None:
    # started 09-01, ended 09-15 with helpful feedback: on 09-10 it was still going -> pending,
    # no feedback yet (as of 09-30 it is judged and resolved).
    write_csv(
        tmp_path / "agent_conversations.csv",
        AGENT_HEADER,
        [["K1", "chat", "2026-09-01T10:00:00Z", "2026-09-15T10:00:00Z", "2026-09-15T10:00:00Z", "true", "true", "false", "helpful"]],
    )
    args = ["--data", tmp_path, "--from", "2026-09-01", "--to", "2026-09-30", "--totals"]
    [then] = table(cli, "report", "agent-resolutions", *args, "--as-of", "2026-09-10")
    assert (then["resolved"], then["unresolved"], then["pending"]) == ("0", "0", "1")
    [later] = table(cli, "report", "agent-feedback-trend", *args, "--as-of", "2026-09-10")
    assert (later["helpful"], later["no_feedback"]) == ("0", "1")
    [after] = table(cli, "report", "agent-resolutions", *args, "--as-of", "2026-09-30")
    assert (after["resolved"], after["pending"]) == ("1", "0")


def test_reopened_after_the_cut_was_closed_at_the_cut(cli, tmp_path: Path) -> None:
    # first closed 09-02 10:00, reopened 09-12, closed again 09-14: at the end of 09-10 it was
    # closed, 24 h after creation (09-01 10:00); as of 09-30 its last close counts (13 days = 316 h).
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "first_closed_at", "reopened_at", "is_closed"],
        [["A", "2026-09-01T10:00:00Z", "2026-09-14T10:00:00Z", "2026-09-02T10:00:00Z", "2026-09-12T10:00:00Z", "true"]],
    )
    args = ["--data", tmp_path, "--from", "2026-09-01", "--to", "2026-09-30", "--totals"]
    [then] = table(cli, "report", "ticket-time-to-close", *args, "--as-of", "2026-09-10")
    assert (then["closed_tickets"], float(then["mean_hours"]), then["reopened_tickets"]) == ("1", 24.0, "0")
    [now] = table(cli, "report", "ticket-time-to-close", *args, "--as-of", "2026-09-30")
    assert (now["closed_tickets"], float(now["mean_hours"]), now["reopened_tickets"]) == ("1", 13 * 24.0, "1")
