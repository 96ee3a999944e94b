"""Find a table's export files in a dataset folder and scan them, untyped, into a LazyFrame.

A table is one file (`tickets.csv`, `.csv.gz`, `.parquet`, `.ndjson`, `.jsonl`, `.xlsx`) or a
folder of such files (`tickets/*.csv`, `messages/month=2026-01/*.parquet`, hive partitions
honoured). CSV is read with every column as text; parsing happens in `parse`.
"""

from __future__ import annotations

import csv
import glob
import gzip
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from svcstats.errors import DataError, first_line

# Preference order when a folder holds several files for one table.
SUFFIXES = {
    ".parquet": "parquet", ".csv": "csv", ".csv.gz": "csv", ".tsv": "csv", ".ndjson": "ndjson", ".jsonl": "ndjson", ".xlsx": "xlsx",
    ".json": "json",  # a list of records, or an API page holding one (loaders/helpdesk.py)
}  # fmt: skip


@dataclass(frozen=True)
class TableFiles:
    """The files holding one table, all of one kind."""

    table: str
    paths: tuple[Path, ...]
    kind: str  # csv, parquet, ndjson, xlsx
    label: str  # how messages name it: "tickets.csv" or "messages/ (12 parquet files)"
    hive_root: Path | None = None

    @property
    def text_only(self) -> bool:
        """True when every value arrives as text and must be parsed."""
        return self.kind == "csv"


def kind_of(path: Path) -> str | None:
    """The file kind from its name, or None for files svcstats does not read."""
    name = path.name.lower()
    for suffix, kind in SUFFIXES.items():
        if name.endswith(suffix):
            return kind
    return None


def locate(data_dir: Path, table: str, override: str | None = None) -> TableFiles | None:
    """The files of `table` in `data_dir` (or at the configured `override` path/glob); None if absent."""
    if override is not None:
        target = Path(override) if Path(override).is_absolute() else data_dir / override
        if target.is_dir():
            return _from_folder(table, target)
        paths = sorted(Path(p) for p in glob.glob(str(target), recursive=True))
        if not paths:
            raise DataError(f"tables.{table}.path {override!r} matches no file in {data_dir}", "fix the path in svcstats.toml")
        return _from_paths(table, paths, target.name)
    candidates = _named(data_dir, table)
    folder = data_dir / table
    if folder.is_dir():
        candidates.append(folder)
    if len(candidates) > 1:
        names = ", ".join(c.name + ("/" if c.is_dir() else "") for c in candidates)
        raise DataError(
            f"{data_dir} holds {table} more than once ({names})", f"keep one, or choose with tables.{table}.path in svcstats.toml"
        )
    if not candidates:
        return None
    return _from_folder(table, folder) if candidates[0] == folder else _from_paths(table, candidates, candidates[0].name)


def _named(data_dir: Path, table: str) -> list[Path]:
    """The files named after `table` (any letter case: TICKETS.CSV is tickets.csv); one that is
    there but cannot be read as a file (a dangling link, a FIFO, a folder) is an error, not absent."""
    names = [f"{table}{suffix}" for suffix in SUFFIXES]  # in order of preference
    try:
        entries = sorted(
            (e for e in data_dir.iterdir() if e.name.casefold() in names), key=lambda e: (names.index(e.name.casefold()), e.name)
        )
    except OSError as exc:
        raise DataError(f"cannot list {data_dir}: {exc.strerror or exc}") from None
    for entry in entries:
        problem = _not_a_file(entry)
        if problem:
            raise DataError(f"{entry.name} in {data_dir} is {problem}, not a file svcstats can read", f"replace it with the {table} export")
    return entries


def _not_a_file(path: Path) -> str | None:
    """Why `path` cannot be read as a table file, or None when it is a regular file."""
    if path.is_symlink() and not path.exists():
        return "a symbolic link to nothing"
    if path.is_dir():
        return "a folder"
    if not path.is_file():
        return "not a regular file (a pipe or device)"
    if not os.access(path, os.R_OK):
        return "not readable (permissions)"
    return None


def _from_folder(table: str, folder: Path) -> TableFiles:
    # hidden files and Excel's lock files (~$name.xlsx) are not exports
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and kind_of(p) and not p.name.startswith((".", "~$")))
    if not paths:
        raise DataError(f"{folder} holds no csv, parquet, ndjson or xlsx files for table {table}")
    kinds = {kind_of(p) for p in paths}
    if len(kinds) > 1:
        raise DataError(f"{folder} mixes file kinds ({', '.join(sorted(k for k in kinds if k))})", "keep one kind per table folder")
    kind = kinds.pop() or ""
    hive = folder if any("=" in part for p in paths for part in p.relative_to(folder).parts[:-1]) else None
    return TableFiles(table, tuple(paths), kind, f"{folder.name}/ ({len(paths)} {kind} files)", hive)


def _from_paths(table: str, paths: list[Path], label: str) -> TableFiles:
    kinds = {kind_of(p) for p in paths}
    if len(kinds) != 1 or None in kinds:
        raise DataError(f"{label}: cannot read {', '.join(p.name for p in paths[:3])}", f"use one of {', '.join(SUFFIXES)}")
    return TableFiles(table, tuple(paths), kinds.pop() or "", label if len(paths) == 1 else f"{label} ({len(paths)} files)")


def scan(files: TableFiles) -> pl.LazyFrame:
    """The table's rows as exported: every column as text for CSV, as typed in the file otherwise."""
    try:
        if files.kind == "csv":
            return _scan_csv(files)
        if files.kind == "parquet":
            if files.hive_root is not None:
                frame = pl.scan_parquet(files.hive_root, hive_partitioning=True, missing_columns="insert", extra_columns="ignore")
            else:
                frame = pl.concat([pl.scan_parquet(path) for path in files.paths], how="diagonal_relaxed")
        elif files.kind == "ndjson":
            frame = pl.scan_ndjson(list(files.paths), infer_schema_length=None)  # types from every line, not the first ones
        elif files.kind == "json":
            from svcstats.loaders.helpdesk import json_records  # API pages: help-desk knowledge

            frame = pl.concat([json_records(path) for path in files.paths], how="diagonal_relaxed")
        else:
            frame = _read_xlsx(files)
        # dictionary-encoded (categorical) columns are read as their text
        return frame.with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise DataError(f"{files.label}: cannot read: {first_line(exc)}") from exc


def _scan_csv(files: TableFiles) -> pl.LazyFrame:
    header = _first_line(files.paths[0])
    if not header.strip():
        raise DataError(f"{files.label}: the first line is empty", "export it again with the header on the first line")
    separator = separator_of(header)
    frames = [_scan_one_csv(path, separator) for path in files.paths]
    if len(frames) == 1:
        return frames[0]
    return pl.concat(frames, how="diagonal")  # files may carry different columns: take them all


def separator_of(header: str) -> str:
    """The field separator a CSV header line uses: tab, semicolon or comma."""
    return "\t" if header.count("\t") > header.count(",") else ";" if header.count(";") > header.count(",") else ","


def read_error(files: TableFiles, exc: BaseException) -> DataError:
    """The error for a table Polars could not read: for CSV, the file and line where it breaks
    (found by reading it again with the csv module), else Polars' own first line."""
    return DataError(
        f"{files.label}: cannot read: {bad_line(files) or first_line(exc)}",
        "repair or export the file again (svcstats data check lists every table's problems)",
    )


def bad_line(files: TableFiles) -> str | None:
    """Where the first malformed line of a CSV table is ("line 7 has 5 fields, the header 4"), if any."""
    if files.kind != "csv":
        return None
    try:
        separator = separator_of(_first_line(files.paths[0]))
    except (OSError, EOFError, DataError):
        separator = ","
    for path in files.paths:
        found = first_bad_line(path, separator)
        if found:
            return f"{path.name} {found}" if len(files.paths) > 1 else found
    return None


def _scan_one_csv(path: Path, separator: str) -> pl.LazyFrame:
    names = pl.scan_csv(path, separator=separator, infer_schema=False).collect_schema().names()
    frame = pl.scan_csv(path, separator=separator, schema=dict.fromkeys(names, pl.String), raise_if_empty=False)
    # Polars 2.1 keeps doubled quotes inside quoted header fields ("Date entered ""New (Support
    # Pipeline)"""); take the header as the csv module reads it, matched by position.
    header_fields = [field.strip() for field in next(csv.reader([_first_line(path)], delimiter=separator))]
    repeated = next((name for n, name in enumerate(header_fields) if name and name in header_fields[:n]), None)
    if repeated is not None:
        raise DataError(f"{path.name}: column {repeated!r} appears twice in the header", "rename or remove one of them")
    if len(header_fields) == len(names) and header_fields != names:
        frame = frame.rename({old: new for old, new in zip(names, header_fields, strict=True) if old != new})
    return frame


def _first_line(path: Path) -> str:
    """The header line; the file's start must be UTF-8 (a one-line error otherwise, rather than
    names and labels silently garbled)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    sample = 1 << 16
    try:
        with opener(path, "rb") as handle:
            start = handle.read(sample)
    except (EOFError, OSError) as exc:  # a truncated or corrupt .gz, an unreadable file
        raise DataError(f"{path.name}: cannot read: {first_line(exc)}", "repair or export the file again") from None
    if start.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(f"{path.name} is UTF-16 encoded", "save it as UTF-8 (in Excel: CSV UTF-8)")
    try:
        text = start.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if len(start) < sample or exc.start < len(start) - 4:  # not just a character cut by the sample's end
            raise DataError(
                f"{path.name} is not UTF-8 (byte {exc.start} is not valid UTF-8)", "save it as UTF-8 (in Excel: CSV UTF-8)"
            ) from None
        text = start[: exc.start].decode("utf-8-sig")
    return text.splitlines()[0] if text.splitlines() else ""


def _read_xlsx(files: TableFiles) -> pl.LazyFrame:
    try:
        import fastexcel  # noqa: F401  (only to give a clear message when missing)
    except ImportError:
        raise DataError(f"{files.label}: reading xlsx needs the xlsx extra", "pip install 'svcstats[xlsx]', or export CSV") from None
    try:
        frames = [pl.read_excel(path, engine="calamine", infer_schema_length=None) for path in files.paths]  # types from every row
    except Exception as exc:  # noqa: BLE001  (fastexcel raises its own error types)
        raise DataError(
            f"{files.label}: cannot read the workbook: {first_line(exc)}", "check that it is an .xlsx file Excel can open"
        ) from None
    return pl.concat(frames, how="diagonal_relaxed").lazy()


def first_bad_line(path: Path, separator: str) -> str | None:
    """Where a CSV file stops being readable: "line N has F fields, the header H" or the csv
    module's complaint with its line; None when every row is well formed. Read with Python only
    after Polars failed on the file (never on the normal path)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="", errors="replace") as handle:
            reader = csv.reader(handle, delimiter=separator, strict=True)
            width = len(next(reader, []))
            for row in reader:
                if row and len(row) > width:
                    return f"line {reader.line_num} has {len(row)} fields, the header {width}"
    except csv.Error as exc:
        return f"line {reader.line_num}: {exc}"
    except (OSError, EOFError, UnicodeError) as exc:  # a truncated or corrupt compressed file
        return f"{type(exc).__name__}: {exc}"
    return None


def line_of_row(files: TableFiles, row: int) -> int | None:
    """The file line data row `row` (0-based) starts on in a single CSV file, by the csv module;
    for files Polars cannot read whole (a ragged line), where the Polars count fails."""
    if files.kind != "csv" or len(files.paths) != 1:
        return None
    path = files.paths[0]
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="", errors="replace") as handle:
            reader = csv.reader(handle, delimiter=separator_of(_first_line(path)))
            next(reader, None)
            start = reader.line_num + 1
            for n, _ in enumerate(reader):
                if n == row:
                    return start
                start = reader.line_num + 1
    except (OSError, EOFError, csv.Error, DataError):
        return None
    return None
