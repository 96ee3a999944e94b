"""`svcstats data map FILE`'s text: a mapping stub for svcstats.toml, with guesses, for an export
svcstats does not recognise, so that no one types column names by hand (the command is in
commands/data.py)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from svcstats.errors import DataError
from svcstats.loaders.guess import guess
from svcstats.loaders.helpdesk import read_export
from svcstats.loaders.parse import detect_timestamp_formats
from svcstats.loaders.presets import recognise


def stub(file: Path) -> str:
    """The TOML text for `file`."""
    if not file.is_file():
        raise DataError(f"{file} not found", "pass the path of one export file")
    frame = read_export(file)
    headers = frame.collect_schema().names()
    known = recognise(headers)
    if known is not None:
        preset, table = known
        zone = "" if preset.source_tz == "UTC" else "; its times need --source-tz (or source_tz here)"
        return (
            f"# {file.name} is a {preset.label} export ({table}): svcstats reads it as it is, no mapping needed{zone}.\n"
            f"# svcstats data check --data {_q(str(file))}\n"
            f'source_format = "{preset.name}"\n'
        )
    found = guess(headers)
    lines = [
        f"# svcstats.toml: guesses by `svcstats data map` for {file.name}, read as the {found.table} table.",
        "# Check every line and delete wrong ones, then: svcstats data check",
        f"data = {_q(str(file.parent))}",
    ]
    if _naive_times(frame, [h for h, c in found.columns.items() if c.endswith("_at")]):
        lines.append('# source_tz = "Europe/Oslo"  # REQUIRED: the time zone the export\'s times are written in (they carry none)')
    lines += ["", f"[tables.{found.table}]", f"path = {_q(file.name)}", "", f"[tables.{found.table}.columns]"]
    lines += [f"{_q(header)} = {_q(column)}" for header, column in found.columns.items() if header != column]
    named = [header for header, column in found.columns.items() if header == column]
    if named:
        lines.append(f"# already named as svcstats names them: {', '.join(named)}")
    if found.missing:
        lines.append(f'# no guess for required {", ".join(found.missing)}: add a line "<your header>" = "<column>"')
    rest = [h for h in headers if h not in found.columns]
    if rest:
        lines.append(f"# passed through as they are (usable in --where and --group-by): {', '.join(rest)}")
    return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    """A TOML basic string."""
    return json.dumps(text, ensure_ascii=False)


def _naive_times(frame: pl.LazyFrame, columns: list[str]) -> bool:
    """Whether sampled values of the guessed time columns carry no zone."""
    if not columns:
        return False
    sample = frame.select(pl.col(columns).cast(pl.String)).head(200).collect()
    return any(detect_timestamp_formats([v for v in sample[c].to_list() if v]).naive for c in columns)
