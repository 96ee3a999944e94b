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
