"""Hand-computed checks of the Beyond HubSpot reports: backlog, reopen-rate, one-touch-resolution,
ticket-facts. Times in UTC; weeks start on Monday: 03-02 and 03-09 (2026)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from svcstats.errors import UsageError
from tests.conftest import rows, run_report, write_csv

RANGE = {"date_from": date(2026, 3, 2), "date_to": date(2026, 3, 15)}
HEADER = ["ticket_id", "created_at", "first_closed_at", "reopened_at", "closed_at", "is_closed", "owner", "team"]
# spells (open ranges) in comments; the backlog is counted just before each week's end (03-09 00:00, 03-16 00:00)
TICKETS = [
    ["A", "2026-03-02T10:00:00Z", None, None, "2026-03-03T10:00:00Z", "true", "Ann", "X"],  # open 03-02 10h..03-03 10h
    # closed 03-05, reopened 03-10, still open
    ["B", "2026-03-03T00:00:00Z", "2026-03-05T00:00:00Z", "2026-03-10T00:00:00Z", None, "false", "Ann", "X"],
    ["C", "2026-03-06T12:00:00Z", None, None, None, "false", "Bob", "Y"],  # never closed
    ["D", "2026-02-20T00:00:00Z", None, None, "2026-03-12T00:00:00Z", "true", "Bob", "Y"],  # created before the range
    # closed 03-11, reopened 03-12, closed again 03-13
    ["E", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z", "2026-03-13T00:00:00Z", "true", "Bob", "Y"],
    ["F", "2026-03-09T00:00:00Z", None, None, "2026-03-08T00:00:00Z", "true", "Bob", "Y"],  # closed before created
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", HEADER, TICKETS)
    return tmp_path


def weeks(result) -> dict[str, dict[str, object]]:
    return {str(row.pop("period_start")): row for row in rows(result.drop("period_end", "partial"))}


def test_backlog_weekly(data: Path) -> None:
    outcome = run_report(data, "backlog", frequency="weekly", as_of=date(2026, 3, 15), **RANGE)
    result = weeks(outcome.result)
    # At 03-09 00:00: A closed 03-03; B closed 03-05 (reopened only 03-10); E not created yet;
    # C open, age 03-09 00h - 03-06 12h = 2.5 d (1-3 d); D open, age 17 d (7-30 d): backlog 2.
    # Flow of week 03-02: created A, B, C = 3 (D before the range); closed A 03-03, B 03-05 = 2;
    # reopened 0; net 3 + 0 - 2 = 1 (the backlog at 03-02 00:00 was D alone: 1 + 1 = 2).
    assert result["2026-03-02"] == {
        "backlog": 2,
        "age_0_1d": 0,
        "age_1_3d": 1,
        "age_3_7d": 0,
        "age_7_30d": 1,
        "age_30d_plus": 0,
        "created": 3,
        "closed": 2,
        "reopened": 0,
        "net_change": 1,
    }
    # At 03-16 00:00 (end of --as-of 03-15): B open again since 03-10, age 13 d; C age 9.5 d;
    # D closed 03-12; E closed again 03-13: backlog 2, both 7-30 d.
    # Week 03-09: created E = 1 (F is left out); closed D 03-12, E 03-11 and 03-13 = 3;
    # reopened B 03-10, E 03-12 = 2; net 1 + 2 - 3 = 0 (2 -> 2).
    assert result["2026-03-09"] == {
        "backlog": 2,
        "age_0_1d": 0,
        "age_1_3d": 0,
        "age_3_7d": 0,
        "age_7_30d": 2,
        "age_30d_plus": 0,
        "created": 1,
        "closed": 3,
        "reopened": 2,
        "net_change": 0,
    }
    assert "warning: backlog: 1 row left out: closed before it was created" in [f.message() for f in outcome.findings]


def test_backlog_totals_by_team(data: Path) -> None:
    result = run_report(data, "backlog", totals=True, group_by=["team"], as_of=date(2026, 3, 15), **RANGE).result
    by_team = {row.pop("team"): row for row in rows(result)}
    # X (A, B): open at 03-16: B; created A, B = 2; closed A, B's first = 2; reopened B = 1; net 2 + 1 - 2 = 1
    # Y (C, D, E): open: C; created C, E = 2; closed D, E twice = 3; reopened E = 1; net 2 + 1 - 3 = 0
    assert {t: (r["backlog"], r["created"], r["closed"], r["reopened"], r["net_change"]) for t, r in by_team.items()} == {
        "X": (1, 2, 2, 1, 1),
        "Y": (1, 2, 3, 1, 0),
    }


def test_backlog_as_of_is_a_snapshot(data: Path) -> None:
    # --as-of 03-11: the loader cuts at 03-12 00:00. E: closed 03-11, its reopen (03-12) not yet
    # happened; D's close (03-12) not yet. The last week's backlog is counted at 03-12 00:00:
    # B (reopened 03-10, age 9 d), C (5.5 d), D (21 d) = 3; E closed.
    # Week 03-09: created E = 1; closed E 03-11 = 1; reopened B = 1; net 1 + 1 - 1 = 1 (2 -> 3).
    result = weeks(run_report(data, "backlog", frequency="weekly", as_of=date(2026, 3, 11), **RANGE).result)
    week = result["2026-03-09"]
    assert (week["backlog"], week["age_3_7d"], week["age_7_30d"]) == (3, 1, 2)
    assert (week["created"], week["closed"], week["reopened"], week["net_change"]) == (1, 1, 1, 1)


def test_backlog_age_buckets_option(data: Path) -> None:
    # --age-buckets 7: week 03-02: C 2.5 d (0-7 d), D 17 d (7 d+)
    options = {"age_buckets": "7"}
    result = weeks(run_report(data, "backlog", options=options, as_of=date(2026, 3, 15), **RANGE).result)
    assert (result["2026-03-02"]["age_0_7d"], result["2026-03-02"]["age_7d_plus"]) == (1, 1)
    with pytest.raises(UsageError, match="--age-buckets"):
        run_report(data, "backlog", options={"age_buckets": "7,3"}, **RANGE)
