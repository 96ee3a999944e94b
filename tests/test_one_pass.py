"""One pass over the data: a table is loaded (parsed, checked) once per report however many of its
parts read it, so a bad value is reported once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from svcstats.catalog import REPORTS
from svcstats.loaders.dataset import Dataset
from tests.conftest import Reads, run_report, write_csv

MESSAGES = ["ticket_id", "message_id", "sent_at", "sender_type", "sender", "is_public"]


@pytest.fixture
def bad_message(tmp_path: Path) -> Path:
    """Three messages of one ticket, the second with a sent_at that is not a timestamp."""
    write_csv(
        tmp_path / "messages.csv",
        MESSAGES,
        [
            ["T1", "M1", "2026-03-02T09:00:00Z", "customer", "c@x", "true"],
            ["T1", "M2", "yesterday", "agent", "Ann", "true"],
            ["T1", "M3", "2026-03-02T11:00:00Z", "agent", "Ann", "true"],
        ],
    )
    return tmp_path


@pytest.mark.parametrize("report", ["customer-wait-time", "customer-response-time", "ticket-reply-count", "owner-reply-count"])
def test_a_bad_value_is_reported_once(cli, bad_message: Path, report: str) -> None:
    # the wait reports read messages for the waits and again for the repliers' schedules: one warning
    result = cli("report", report, "--data", bad_message, "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "sent_at is not a valid timestamp" in line]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("warning: messages.csv: 1 row left out")


def test_loads_are_memoised_per_table_and_columns(bad_message: Path) -> None:
    dataset = Dataset(bad_message)
    first = dataset.load("messages", ["sender"])
    assert dataset.load("messages", ["sender"]) is first  # the same frame: parsed once
    assert len(dataset.checks) == 1
    wider = dataset.load("messages", ["sender", "is_public"])
    assert wider is not first
    # the wider load's check counts only what the first does not (is_public): sent_at is counted once
    findings = [f for check in dataset.checks for f in check.read(check.frame.collect())]
    assert [(f.what, f.rows) for f in findings] == [("sent_at is not a valid timestamp", 1)]
    assert wider.collect().height == first.collect().height == 2


# Where a report run may collect besides the runner's one collect_all: planning reads of the loader
# (a 2,000-row sample to choose timestamp formats and to see how sender types and bools are written; a
# text table parsed once into memory, which collect_all's shared sub-plans do not replace: 6x slower
# without) and the working-time engine (schedules turned into arrays from the small working_hours and
# holidays tables; a Parquet table's one pass over its ids). A report module never collects:
# ReportContext.reuse hands frames on to collect_all (a CACHE node it fills once).
ALLOWED = {
    "dataset.py:_timestamp_formats",
    "dataset.py:_sampled",
    "dataset.py:_load",
    "dataset.py:_distinct",  # a Parquet table's ids, streamed: all distinct, it stays a lazy scan
    "worktime.py:load_working_time",
    "worktime.py:_intervals",
}
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


@pytest.mark.parametrize("report", sorted(REPORTS))
def test_one_collect_all_and_each_table_parsed_once(report: str, counted_reads: Reads) -> None:
    collects, parsed = counted_reads.collects, counted_reads.parsed
    run_report(EXAMPLES, report, as_of=date(2026, 10, 31))
    assert collects.pop("collect_all") == 1
    assert set(collects) <= ALLOWED, f"{report} collects in {sorted(set(collects) - ALLOWED)}"
    assert [table for table, n in parsed.items() if n > 1] == [], f"{report} parses a table twice: {parsed}"


def test_a_frame_is_cached_only_when_dearer_to_compute_than_to_hold() -> None:
    # a frame read by several queries of a report: a table read and transformed row by row is
    # read again by each (a cache would hold all its rows); joins, aggregations, sorts, windows
    # and Python calls are computed once
    import polars as pl

    from svcstats.reports.base import worth_caching

    table = pl.LazyFrame({"ticket_id": ["T1", "T2"], "hours": [1.0, 2.0]})
    cheap = table.filter(pl.col("hours") > 0).with_columns(double=pl.col("hours") * 2).select("ticket_id", "double")
    assert not worth_caching(cheap)
    dear = [
        table.join(table, on="ticket_id"),
        table.group_by("ticket_id").agg(pl.col("hours").sum()),
        table.sort("hours"),
        table.unique("ticket_id"),
        table.with_columns(total=pl.col("hours").sum().over("ticket_id")),
        table.with_columns(pl.col("hours").map_batches(lambda s: s * 2, return_dtype=pl.Float64)),
        cheap.cache().filter(pl.col("double") > 1),
        table.select(pl.col("ticket_id").unique()),  # distinct values and samples: the rows' order may differ each time
        table.select(pl.all().shuffle(seed=1)),
    ]
    assert [worth_caching(frame) for frame in dear] == [True] * len(dear)


def test_row_numbers_are_cached_where_a_second_computation_could_reorder_the_rows() -> None:
    # with_first_replies joins the replies back by row number: each reader must see the same
    # numbers, so a frame whose order a join or group-by decides is numbered once (cached)
    import polars as pl

    from svcstats.reports.base import with_row_number

    table = pl.LazyFrame({"ticket_id": ["T1", "T2", "T3"], "hours": [1.0, 2.0, 3.0]})
    read = with_row_number(table.filter(pl.col("hours") > 1), "row")
    assert "CACHE" not in read.explain(optimized=False)
    assert read.collect().rows() == [(0, "T2", 2.0), (1, "T3", 3.0)]
    joined = with_row_number(table.join(table.select("ticket_id"), on="ticket_id"), "row")
    assert "CACHE" in joined.explain(optimized=False)
