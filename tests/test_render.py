"""Renderers: humanised durations, atomic files, binary formats refused on a terminal."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from svcstats.errors import OutputError, UsageError
from svcstats.output.files import atomic_file
from svcstats.output.formats import choose_format
from svcstats.output.render import column_label, humanize_hours, machine_text, table_text


@pytest.mark.parametrize(
    ("hours", "text"),
    [(None, "–"), (0.0, "0s"), (30 / 3600, "30s"), (0.2, "12m"), (3.25, "3h 15m"), (52.0, "2d 4h"), (-0.5, "-30m")],
)
def test_humanize_hours(hours: float | None, text: str) -> None:
    assert humanize_hours(hours) == text


def test_labels_and_format_choice() -> None:
    assert column_label("median_hours") == "Median"
    assert column_label("closed_tickets") == "Closed tickets"
    assert choose_format(None, None, stdout_is_terminal=True) == "table"
    assert choose_format(None, None, stdout_is_terminal=False) == "csv"
    assert choose_format(None, Path("weekly.parquet"), stdout_is_terminal=True) == "parquet"
    assert choose_format("json", Path("weekly.parquet"), stdout_is_terminal=True) == "json"
    with pytest.raises(UsageError):
        choose_format("yaml", None, stdout_is_terminal=True)
    with pytest.raises(UsageError, match=r"cannot tell the format of weekly\.weird"):
        choose_format(None, Path("weekly.weird"), stdout_is_terminal=True)
    assert machine_text(pl.DataFrame({"team": ["A|B"]}), "markdown") == "| team |\n|---|\n| A\\|B |\n"


def test_machine_text_rounds_and_uses_iso_dates() -> None:
    frame = pl.DataFrame({"period_start": [date(2026, 3, 2)], "mean_hours": [1 / 3], "n": [3]})
    assert machine_text(frame, "csv") == "period_start,mean_hours,n\n2026-03-02,0.3333,3\n"
    assert machine_text(frame, "json") == '[{"period_start":"2026-03-02","mean_hours":0.3333,"n":3}]\n'


def test_table_text_has_no_colour_and_keeps_every_column() -> None:
    frame = pl.DataFrame({f"a_very_long_column_name_{i}": [i] for i in range(8)})
    text = table_text(frame, "Wide")
    assert "\x1b" not in text
    assert all(f"A very long column name {i}" in text for i in range(8))


def test_atomic_file_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("previous\n")

    class Interrupted(RuntimeError):
        pass

    def write_half_then_fail() -> None:
        with atomic_file(target) as handle:
            handle.write(b"half a fi")
            raise Interrupted

    with pytest.raises(Interrupted):
        write_half_then_fail()
    assert target.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv"]
    with atomic_file(target) as handle:
        handle.write(b"new\n")
    assert target.read_text() == "new\n"


def test_atomic_file_creates_a_missing_folder_but_not_under_a_file(tmp_path: Path) -> None:
    with atomic_file(tmp_path / "new" / "x.csv") as handle:
        handle.write(b"x")
    assert (tmp_path / "new" / "x.csv").read_bytes() == b"x"
    (tmp_path / "file").write_text("")
    with pytest.raises(OutputError, match="cannot write"), atomic_file(tmp_path / "file" / "x.csv") as handle:
        handle.write(b"x")


def test_atomic_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "new.csv"
    with atomic_file(target) as handle:
        handle.write(b"x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    target.chmod(0o640)
    with atomic_file(target) as handle:
        handle.write(b"y\n")
    assert target.stat().st_mode & 0o777 == 0o640  # a replaced file keeps its mode
