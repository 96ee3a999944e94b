"""The output formats, declared once: their names (as types the command line and a type checker
read), which are binary or charts, the extensions that imply them, and how the format of a run is
chosen. No Polars, so the command line can check a format before any work."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, get_args

from svcstats.errors import UsageError

TableFormat = Literal["table", "csv", "tsv", "json", "ndjson", "markdown", "parquet", "xlsx"]  # any table of data
ChartFormat = Literal["html", "svg", "png"]  # a chart file (html: chart and table), drawn by output.charts
Format = Literal[TableFormat, ChartFormat]

FORMATS: tuple[str, ...] = get_args(Format)
TABLE_FORMATS: tuple[str, ...] = get_args(TableFormat)
CHART_FORMATS: tuple[str, ...] = get_args(ChartFormat)
FILE_FORMATS: tuple[str, ...] = tuple(f for f in FORMATS if f != "table")  # an export writes files, not a terminal table
BINARY_FORMATS = ("parquet", "xlsx", "png")
EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".md": "markdown",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
    ".txt": "table",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".png": "png",
}


def choose_format(requested: str | None, output: Path | None, stdout_is_terminal: bool) -> str:
    """The output format: as requested, else from the --output extension, else table on a
    terminal and csv when stdout is piped."""
    if requested is not None:
        if requested not in FORMATS:
            raise UsageError(f"unknown format {requested!r}", f"choose one of: {', '.join(FORMATS)}")
        return requested
    if output is not None and str(output) != "-":
        if output.suffix.lower() not in EXTENSIONS:
            raise UsageError(f"cannot tell the format of {output.name} from its extension", f"add --format, one of: {', '.join(FORMATS)}")
        return EXTENSIONS[output.suffix.lower()]
    return "table" if stdout_is_terminal else "csv"


def check_destination(fmt: str, output: Path | None) -> None:
    """Fail early (before any work) when the result cannot go where it was asked to."""
    from svcstats import env
    from svcstats.output.files import check_writable, is_stdout

    if fmt in BINARY_FORMATS and is_stdout(output) and env.current().out_is_terminal():
        raise UsageError(f"--format {fmt} is binary and stdout is a terminal", "add --output FILE or pipe it")
    if output is not None:
        check_writable(output)
