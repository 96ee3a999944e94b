"""The connector machinery's merge rules, on small frames checked by hand (reused by every pull)."""

from __future__ import annotations

import polars as pl

from svcstats.connectors.state import PAGE, TableSpec, merge, snapshot_ends

S = pl.String


def frame(rows: list[tuple], columns: list[str]) -> pl.LazyFrame:
    schema = {c: (pl.Int64 if c == PAGE else S) for c in columns}
    return pl.LazyFrame(rows, schema=schema, orient="row")


def test_new_rows_replace_earlier_ones_by_key_and_the_last_page_wins() -> None:
    spec = TableSpec("stage_history", ("ticket_id", "stage"), key=("ticket_id",), sort=("ticket_id", "stage"))
    existing = frame([("1", "New"), ("1", "Closed"), ("2", "New")], ["ticket_id", "stage"])
    # ticket 1 came on pages 1 and 3 (modified during the pull): page 3's history replaces all of it
    staged = frame([("1", "New", 1), ("1", "Open", 3), ("3", "New", 2)], ["ticket_id", "stage", PAGE])
    merged = merge(existing, staged, spec).collect()
    assert merged.rows() == [("1", "Open"), ("2", "New"), ("3", "New")]


def test_replace_all_drops_the_earlier_table_and_unique_keeps_one_row() -> None:
    spec = TableSpec("working_hours", ("rep", "weekday"), key=(), sort=("rep", "weekday"), replace_all=True)
    existing = frame([("Ann", "mon")], ["rep", "weekday"])
    staged = frame([("Bob", "tue", 1)], ["rep", "weekday", PAGE])
    assert merge(existing, staged, spec).collect().rows() == [("Bob", "tue")]
    keyed = TableSpec("csat", ("response_id", "rating"), key=("response_id",), sort=("response_id",), unique=("response_id",))
    twice = frame([("f1", "1", 1), ("f1", "2", 1)], ["response_id", "rating", PAGE])  # the same page twice over
    assert merge(None, twice, keyed).collect().rows() == [("f1", "2")]


def test_nothing_staged_keeps_the_table_as_it_was() -> None:
    spec = TableSpec("csat", ("response_id",), key=("response_id",), sort=("response_id",))
    assert merge(frame([("b",), ("a",)], ["response_id"]), None, spec).collect().rows() == [("a",), ("b",)]


def test_snapshot_ends_at_the_next_snapshot_within_the_gap() -> None:
    rows = [
        ("Ann", "available", "2026-03-02T09:00:00.000Z", None, "snapshot"),
        ("Ann", "away", "2026-03-02T09:10:00.000Z", None, "snapshot"),  # 10 min later: ends the 09:00 one
        ("Ann", "away", "2026-03-02T10:00:00.000Z", None, "snapshot"),  # 50 min later: 09:10 ends at 09:25
        ("Bob", "lunch", "2026-03-02T09:00:00.000Z", "2026-03-02T09:30:00.000Z", None),  # not a snapshot: as it is
    ]
    ended = snapshot_ends(frame(rows, ["rep", "status", "started_at", "ended_at", "detail"])).collect()
    assert ended["ended_at"].to_list() == ["2026-03-02T09:10:00.000Z", "2026-03-02T09:25:00.000Z", None, "2026-03-02T09:30:00.000Z"]
