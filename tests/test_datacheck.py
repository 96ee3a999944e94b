"""`svcstats data check`: tables found or absent, each kind of problem counted with an example, exit codes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcstats.datacheck import COLUMNS, RULES, check_folder
from svcstats.schema import TABLES
from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """One problem of each kind; the file line of each bad row is in its comment (the header is line 1)."""
    data = tmp_path / "broken"
    write_csv(
        data / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "first_closed_at", "first_response_at", "note"],
        [
            [
                "T1",
                "2026-03-02T09:00:00Z",
                "2026-03-02T12:00:00Z",
                "2026-03-02T12:00:00Z",
                "2026-03-02T10:00:00Z",
                "",
            ],  # line 2: T1 again on 7
            ["T2", "2026-03-02T10:00:00Z", "2026-03-02T09:00:00Z", None, None, ""],  # line 3: closed 1 h before created
            ["T3", "2026-03-03T10:00:00Z", "2026-03-03T12:00:00Z", "2026-03-03T13:00:00Z", None, ""],  # line 4: first close after close
            ["T4", "2026-03-04T10:00:00Z", None, None, "2026-03-04T09:30:00Z", ""],  # line 5: response before created
            ["T5", "not-a-date", None, None, None, ""],  # line 6: unparseable
            ["T1", "2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z", "2026-03-02T12:00:00Z", "2026-03-02T10:00:00Z", "again"],  # line 7
            [None, "2026-03-05T10:00:00Z", None, None, None, ""],  # line 8: no ticket_id
            ["T6", "2026-03-06T10:00:00Z", "2026-03-06T12:00:00Z", "2026-03-06T09:00:00Z", None, ""],  # line 9: first close before created
        ],
    )
    write_csv(
        data / "stage_history.csv",
        ["ticket_id", "stage", "entered_at", "exited_at"],
        [
            ["T1", "New", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"],
            ["T3", "New", "2026-03-03T11:00:00Z", "2026-03-03T10:30:00Z"],  # line 3: exited before entered
        ],
    )
    write_csv(
        data / "messages.csv",
        ["ticket_id", "sent_at", "sender_type"],
        [
            ["T1", "2026-03-02T09:00:00Z", "customer"],  # at creation: fine
            ["T3", "2026-03-03T09:59:00Z", "customer"],  # line 3: a minute before T3 was created
            ["T9", "2026-01-01T00:00:00Z", "customer"],  # no such ticket: not checked
        ],
    )
    write_csv(
        data / "availability.csv",
        ["rep", "status", "started_at", "ended_at"],
        [
            ["Ann", "available", "2026-03-02T08:00:00Z", "2026-03-02T07:00:00Z"],  # line 2: ended before started
            ["Ann", "away", "2026-03-02T12:00:00Z", None],
        ],
    )
    write_csv(
        data / "working_hours.csv",
        ["rep", "weekday", "start", "end"],
        [["Ann", "mon", "09:00", "17:00"], ["Ann", "tue", "09:00", "09:00"]],  # line 3: end == start
    )
    write_csv(data / "holidays.csv", ["day", "name"], [["2026-05-01", "Labour Day"]])  # no `date` column
    write_csv(
        data / "csat.csv",
        ["submitted_at", "rating", "scale_min", "scale_max"],
        [
            ["2026-03-02T12:00:00Z", "5", "1", "5"],
            ["2026-03-02T13:00:00Z", "6", "1", "5"],  # line 3: above the scale
            ["2026-03-02T14:00:00Z", None, "1", "5"],  # unrated: fine
        ],
    )
    write_csv(
        data / "agent_conversations.csv",
        ["conversation_id", "started_at", "ended_at", "handoff_at"],
        [
            ["C1", "2026-03-02T09:00:00Z", "2026-03-02T08:00:00Z", None],  # line 2: ended before started
            ["C2", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "2026-03-02T08:59:00Z"],  # line 3: handoff before start
            ["C3", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "2026-03-02T09:30:00Z"],
        ],
    )
    write_csv(data / "knowledge_gaps.csv", ["asked_at", "question"], [["soon", "Can I pay by card?"]])  # no date-time at all
    write_csv(
        data / "sla.csv",
        ["ticket_id", "sla_type", "started_at", "due_at", "completed_at"],
        [
            ["T1", "close", "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z", None],  # fine
            ["T1", "resolution", "2026-03-02T09:00:00Z", "2026-03-03T09:00:00Z", None],  # line 3: not a clock svcstats knows
            ["T3", "first_response", "2026-03-03T10:00:00Z", "2026-03-03T14:00:00Z", "2026-03-03T09:00:00Z"],  # line 4: completed first
            ["T4", "close", "2026-03-04T10:00:00Z", "2026-03-04T08:00:00Z", None],  # line 5: due before it started
        ],
    )
    return data


def problems(frame) -> list[tuple[object, ...]]:
    """(table, check, rows, example) of each row of severity error, in output order."""
    return [(r["table"], r["check"], r["rows"], r["example"]) for r in frame.to_dicts() if r["severity"] == "error"]


def test_each_kind_of_problem_is_counted_with_an_example(broken: Path) -> None:
    report = check_folder(broken)
    assert problems(report.frame) == [
        ("tickets", "created_at is not a valid timestamp", 1, "'not-a-date' on line 6"),
        ("tickets", "duplicate ticket_id (the last row of each is kept)", 1, "'T1' on line 2"),
        ("tickets", "ticket_id is empty", 1, "line 8"),
        ("tickets", "closed_at before created_at", 1, "closed_at 2026-03-02T09:00:00Z, created_at 2026-03-02T10:00:00Z on line 3"),
        (
            "tickets",
            "first_closed_at before created_at",
            1,
            "first_closed_at 2026-03-06T09:00:00Z, created_at 2026-03-06T10:00:00Z on line 9",
        ),
        ("tickets", "first_closed_at after closed_at", 1, "first_closed_at 2026-03-03T13:00:00Z, closed_at 2026-03-03T12:00:00Z on line 4"),
        (
            "tickets",
            "first_response_at before created_at",
            1,
            "first_response_at 2026-03-04T09:30:00Z, created_at 2026-03-04T10:00:00Z on line 5",
        ),
        ("stage_history", "exited_at before entered_at", 1, "exited_at 2026-03-03T10:30:00Z, entered_at 2026-03-03T11:00:00Z on line 3"),
        (
            "messages",
            "sent_at before the ticket's created_at",
            1,
            "sent_at 2026-03-03T09:59:00Z, ticket created_at 2026-03-03T10:00:00Z on line 3",
        ),
        ("availability", "ended_at before started_at", 1, "ended_at 2026-03-02T07:00:00Z, started_at 2026-03-02T08:00:00Z on line 2"),
        ("working_hours", "end equals start", 1, "start 09:00:00, end 09:00:00 on line 3"),
        ("holidays", "required columns missing", None, "date"),
        ("csat", "rating outside scale_min..scale_max", 1, "rating 6, scale_min 1, scale_max 5 on line 3"),
        (
            "agent_conversations",
            "ended_at before started_at",
            1,
            "ended_at 2026-03-02T08:00:00Z, started_at 2026-03-02T09:00:00Z on line 2",
        ),
        (
            "agent_conversations",
            "handoff_at before started_at",
            1,
            "handoff_at 2026-03-02T08:59:00Z, started_at 2026-03-02T09:00:00Z on line 3",
        ),
        (
            "knowledge_gaps",
            "cannot read",
            None,
            "knowledge_gaps.csv: asked_at values such as 'soon' are not a date-time svcstats can read "
            "(use ISO 8601 (2026-05-03T14:07:31Z or 2026-05-03 14:07) or add a strftime format to datetime_formats in svcstats.toml)",
        ),
        ("sla", "sla_type is not first_response, next_response or close", 1, "sla_type resolution on line 3"),
        ("sla", "completed_at before started_at", 1, "completed_at 2026-03-03T09:00:00Z, started_at 2026-03-03T10:00:00Z on line 4"),
        ("sla", "due_at before started_at", 1, "due_at 2026-03-04T08:00:00Z, started_at 2026-03-04T10:00:00Z on line 5"),
    ]
    assert (report.tables_found, report.errors, report.rows_affected) == (10, 19, 17)  # 17 error rows with a count of 1


def test_each_rule_is_exercised_by_the_broken_fixture(broken: Path) -> None:
    found = {(table, check) for table, check, _, _ in problems(check_folder(broken).frame)}
    assert {(rule.table, rule.check) for rule in RULES} <= found


def test_tables_are_listed_with_rows_and_columns(broken: Path) -> None:
    tables = {r["table"]: r for r in check_folder(broken).frame.to_dicts() if r["check"] in ("found", "absent")}
    assert tables["tickets"] == {
        "table": "tickets",
        "check": "found",
        "severity": "ok",
        "rows": 8,  # every exported row, bad ones included
        "source": "tickets.csv",
        "example": None,
        "required_columns_missing": None,
        "optional_columns_found": "closed_at, first_closed_at, first_response_at",
        "extra_columns": "note",
    }
    assert (tables["holidays"]["required_columns_missing"], tables["holidays"]["extra_columns"]) == ("date", "day")
    assert [t for t, r in tables.items() if r["check"] == "found"] == list(TABLES)  # every table, in schema order


def test_cli_exits_3_with_a_one_line_summary(cli, broken: Path) -> None:
    result = cli("data", "check", "--data", broken, "--format", "json")
    assert result.code == 3
    assert result.stderr == (
        "reports: 33 of 34 can run on this folder\n"  # chat-wait-time cannot tell chats apart: no tickets.source, no messages.channel
        "reports: need the messages table and tickets.source or messages.channel: chat-wait-time\n"
        "svcstats: error: data check: 10 tables checked, 19 errors (17 rows affected); see the rows of severity error\n"
    )
    assert len(json.loads(result.stdout)) == 10 + 19


def test_clean_dataset_exits_0_and_lists_absent_tables(cli, tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"], ["2", "2026-03-03T09:00:00Z"]])
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type"], [["1", "2026-03-02T09:00:00Z", "agent"]])
    result = cli("data", "check", "--data", tmp_path, "--format", "csv")
    lines = result.stderr.splitlines()
    assert (result.code, lines[-1]) == (0, "data check: 2 tables checked, no errors")
    # tickets and messages: support-volume, ticket-time-to-first-response, the six Ticket replies reports
    # ticket-facts and sla
    assert lines[0] == "reports: 10 of 34 can run on this folder"
    assert "reports: need tickets.closed_at: ticket-time-to-close, backlog, reopen-rate" in lines
    assert "reports: need tickets.closed_at and the messages table: one-touch-resolution" in lines
    assert "reports: need the messages table and tickets.source or messages.channel: chat-wait-time" in lines
    listed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["table"], r["check"], r["severity"], r["rows"]) for r in listed] == [
        ("tickets", "found", "ok", "2"),
        ("stage_history", "absent", "note", ""),
        ("messages", "found", "ok", "1"),
        *((table, "absent", "note", "") for table in ("availability", "working_hours", "holidays", "csat")),
        *((table, "absent", "note", "") for table in ("agent_conversations", "knowledge_gaps", "sla")),
    ]


def test_csv_columns_are_stable(cli, broken: Path) -> None:
    header = cli("data", "check", "--data", broken, "--format", "csv").stdout.splitlines()[0]
    assert header == "table,check,severity,rows,source,example,required_columns_missing,optional_columns_found,extra_columns"
    assert tuple(header.split(",")) == COLUMNS


def test_messages_are_not_checked_against_absent_tickets(tmp_path: Path) -> None:
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type"], [["1", "2020-01-01T00:00:00Z", "agent"]])
    assert check_folder(tmp_path).errors == 0


def test_missing_folder_and_empty_folder_exit_3(cli, tmp_path: Path) -> None:
    missing = cli("data", "check", "--data", tmp_path / "absent")
    assert (missing.code, missing.stdout) == (3, "")
    assert missing.stderr.splitlines() == [
        f"svcstats: error: data folder {tmp_path / 'absent'} not found (pass --data DIR, set $SVCSTATS_DATA, or set data in svcstats.toml)"
    ]
    empty = cli("data", "check", "--data", tmp_path)
    assert empty.code == 3
    assert len(empty.stderr.splitlines()) == 1
    assert empty.stderr.startswith(f"svcstats: error: no tables found in {tmp_path} ")


def test_hubspot_stage_exits_before_entries_are_notes(cli) -> None:
    """HubSpot's stage columns keep only the latest entry and exit of each stage, so an exit
    before the entry is a stage entered again, not an impossible record."""
    result = cli("data", "check", "--data", ROOT / "examples" / "hubspot", "--source-tz", "Europe/Oslo", "--format", "json")
    assert result.code == 0, result.stderr
    stages = [r for r in json.loads(result.stdout) if r["table"] == "stage_history" and r["check"] != "found"]
    assert [(r["severity"], r["check"].startswith("exited_at before entered_at (HubSpot")) for r in stages] == [("note", True)]
    assert stages[0]["rows"] > 0


def test_example_data_is_clean(cli) -> None:
    result = cli("data", "check", "--data", ROOT / "examples" / "data", "--format", "json")
    assert (result.code, result.stderr) == (0, "reports: 34 of 34 can run on this folder\ndata check: 9 tables checked, no errors\n")
    listed = json.loads(result.stdout)
    assert [r["check"] for r in listed] == ["found"] * 9 + ["absent"]  # no sla table: the sla report uses [sla] targets
    assert {r["table"]: r["rows"] for r in listed}["tickets"] == 2000


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 100), st.one_of(st.none(), st.integers(-50, 50))), min_size=1, max_size=20))
def test_closed_before_created_counts_every_such_ticket(tickets: list[tuple[int, int | None]]) -> None:
    """Tickets created `c` hours after a start and closed `d` hours after that (d < 0: before)."""
    import tempfile

    start = datetime(2026, 1, 1, tzinfo=UTC)
    stamp = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    with tempfile.TemporaryDirectory() as folder:
        rows = [
            [str(i), stamp(start + timedelta(hours=c)), None if d is None else stamp(start + timedelta(hours=c + d))]
            for i, (c, d) in enumerate(tickets)
        ]
        write_csv(Path(folder) / "tickets.csv", ["ticket_id", "created_at", "closed_at"], rows)
        found = {r["check"]: r["rows"] for r in check_folder(Path(folder)).frame.to_dicts()}
    expected = sum(1 for _, d in tickets if d is not None and d < 0)
    assert found.get("closed_at before created_at", 0) == expected
