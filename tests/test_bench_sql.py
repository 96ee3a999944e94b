"""The benchmark's hand-written DuckDB SQL (bench/sql) and svcstats agree on demo data: an
independent second implementation of each benchmarked report. Skipped without duckdb (the
`bench` extra), which is never a runtime dependency."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import duckdb_compare  # noqa: E402  (bench/ is a folder of scripts, not a package)


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo dataset (3,000 tickets, ~15,000 messages) as Parquet."""
    from svcstats import demo

    folder = tmp_path_factory.mktemp("demo")
    demo.generate(folder, tickets=3000, seed=5, file_format="parquet")
    return folder


@pytest.mark.parametrize("case", duckdb_compare.CASES, ids=lambda case: case.label)
def test_sql_and_svcstats_agree_cell_by_cell(case: duckdb_compare.Case, demo_data: Path, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "svcstats.parquet", tmp_path / "duckdb.parquet"
    duckdb_compare.measure(duckdb_compare.svcstats_command(case, demo_data, ours))
    duckdb_compare.measure(duckdb_compare.duckdb_command(case, demo_data, "parquet", theirs))
    assert duckdb_compare.differences(ours, theirs) == []


def test_a_difference_is_found(tmp_path: Path) -> None:
    # the comparison must be able to fail: one count off by one, one mean off by 1e-6
    import polars as pl

    a = pl.DataFrame({"period_start": ["2026-05-04"], "tickets": [3], "mean_hours": [1.5]})
    b = a.with_columns(pl.col("tickets") + 1, pl.col("mean_hours") + 1e-6)
    a.write_parquet(tmp_path / "a.parquet")
    b.write_parquet(tmp_path / "b.parquet")
    found = duckdb_compare.differences(tmp_path / "a.parquet", tmp_path / "b.parquet")
    assert [line.split(":")[0] for line in found] == ["row 0 column tickets", "row 0 column mean_hours"]
    a.write_parquet(tmp_path / "c.parquet")
    assert duckdb_compare.differences(tmp_path / "a.parquet", tmp_path / "c.parquet") == []
