"""Hostile and damaged input (issue 15): nothing lost, nothing silently wrong, no crash.

Each test drives the installed entry point (`svcstats.cli.main`, through the `cli` fixture) on
a small dataset written here, and states the expected figures by hand.
"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write_csv


def one_line(text: str) -> bool:
    """True when stderr holds exactly one error line and no traceback."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in text


# -- timestamps: every accepted form applies to every row ---------------------------------


def test_timestamp_forms_first_seen_after_the_sample_are_parsed(tmp_path: Path, cli) -> None:
    # 2,100 tickets in the "Z" form, then 3 with a +02:00 offset and fractional seconds: the
    # formats chosen from the first rows must not decide which later rows are valid.
    rows = [[str(i), "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"] for i in range(2100)]
    rows += [
        ["a", "2026-03-02T11:00:00+02:00", "2026-03-02T12:30:00.5+02:00"],  # 09:00Z -> 10:30:00.5Z
        ["b", "2026-03-02 11:00:00+02:00", "2026-03-02T10:00:00.250Z"],  # 09:00Z -> 10:00:00.25Z
        ["c", "2026-03-02T09:00Z", "2026-03-02T10:00:00Z"],
    ]
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], rows)
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    # 2,100 + 3 tickets, all closed; nothing left out
    assert result.stdout.splitlines() == ["tickets,closed_tickets,open_tickets", "2103,2103,0"]
    assert "left out" not in result.stderr


def test_sender_type_synonyms_after_the_sample_are_mapped(tmp_path: Path, cli) -> None:
    # 2,100 messages with the neutral words, then "Agent" and "contact" (synonyms): all kept.
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T08:00:00Z"]])
    rows = [["1", "2026-03-02T09:00:00Z", "customer", "true"] for _ in range(2100)]
    rows += [["1", "2026-03-02T10:00:00Z", "Agent", "true"], ["1", "2026-03-02T11:00:00Z", "contact", "true"]]
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type", "is_public"], rows)
    result = cli("report", "message-volume-by-hour", "--data", tmp_path, "--format", "csv")
    assert result.code == 0, result.stderr
    assert "left out" not in result.stderr
    by_hour = {line.split(",")[0]: line.split(",")[1:3] for line in result.stdout.splitlines()[1:]}
    # received: 2,100 at 09h, 1 at 11h ("contact"); sent: 1 at 10h ("Agent")
    assert by_hour["9"] == ["2100", "0"]
    assert by_hour["10"] == ["0", "1"]
    assert by_hour["11"] == ["1", "0"]
