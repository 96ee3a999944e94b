"""Damaged and hostile datasets, for the hostile-input suite (tests/test_hostile.py, bench/hostile_sweep.py).

`base(folder)` writes a small clean dataset (every table, CSV); each damage in `DAMAGES` takes
such a folder and breaks it in one way real exports break: encodings, ragged rows, stray
quotes, mixed timestamp forms, duplicates, wrong types, empty and huge fields, missing or
unusable tables, damaged compressed/Parquet/NDJSON/xlsx files. `variants(seed, n)` combines
them (one to three damages per folder) for a larger sweep.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import random
import re
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

TABLE_NAMES = (
    "tickets",
    "stage_history",
    "messages",
    "availability",
    "working_hours",
    "holidays",
    "csat",
    "agent_conversations",
    "knowledge_gaps",
)


def base(folder: Path, tickets: int = 30, seed: int = 1) -> Path:
    """A small clean dataset with every table (the demo generator's, one month)."""
    from svcstats.demo import generate

    generate(folder, tickets=tickets, seed=seed, start=date(2026, 5, 1), months=1, file_format="csv")
    return folder


# -- reading and writing the CSV tables --------------------------------------------------------


def read(folder: Path, table: str) -> tuple[list[str], list[list[str]]]:
    """A CSV table's header and rows."""
    with (folder / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    return header, rows


def write(folder: Path, table: str, header: list[str], rows: list[list[str]], **options: object) -> Path:
    """Write a CSV table (csv module options pass through)."""
    path = folder / f"{table}.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, **options)  # type: ignore[arg-type]
        writer.writerow(header)
        writer.writerows(rows)
    return path


def edit(folder: Path, table: str, change: Callable[[list[str], list[list[str]]], tuple[list[str], list[list[str]]]]) -> None:
    """Rewrite a CSV table through `change(header, rows)`."""
    header, rows = read(folder, table)
    write(folder, table, *change(header, rows))


def set_column(table: str, column: str, value: Callable[[int, str], str]) -> Callable[[Path], None]:
    """A damage replacing `column` of `table` by value(row number, old value) (added when absent)."""

    def damage(folder: Path) -> None:
        def change(header: list[str], rows: list[list[str]]) -> tuple[list[str], list[list[str]]]:
            if column not in header:
                header = [*header, column]
                rows = [[*row, ""] for row in rows]
            at = header.index(column)
            return header, [[*row[:at], value(n, row[at]), *row[at + 1 :]] for n, row in enumerate(rows)]

        edit(folder, table, change)

    return damage


def append_line(table: str, line: str) -> Callable[[Path], None]:
    """A damage appending a raw line (ragged, quoted, blank...) to a CSV table."""

    def damage(folder: Path) -> None:
        with (folder / f"{table}.csv").open("a", encoding="utf-8", newline="") as handle:
            handle.write(line)

    return damage


def insert_line(table: str, line: str, at: int = 3) -> Callable[[Path], None]:
    """A damage inserting a raw line after the `at`-th line of a CSV table."""

    def damage(folder: Path) -> None:
        path = folder / f"{table}.csv"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join([*lines[:at], line, *lines[at:]]), encoding="utf-8")

    return damage


# -- damages ---------------------------------------------------------------------------------


def _remove(table: str) -> Callable[[Path], None]:
    return lambda folder: (folder / f"{table}.csv").unlink()


def _duplicate_rows(table: str, every: int = 3) -> Callable[[Path], None]:
    return lambda folder: edit(folder, table, lambda h, rows: (h, rows + rows[::every]))


def _reencode(table: str, encoding: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / f"{table}.csv"
        text = path.read_text(encoding="utf-8")
        path.write_bytes(text.replace("a", "æ", 3).encode(encoding, errors="replace"))

    return damage


def _bom(folder: Path) -> None:
    path = folder / "tickets.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _gzip(table: str, truncate: bool) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / f"{table}.csv"
        packed = gzip.compress(path.read_bytes())
        path.unlink()
        (folder / f"{table}.csv.gz").write_bytes(packed[: len(packed) // 2] if truncate else packed)

    return damage


def _as_parquet(table: str, change: Callable[[object], object] | None = None, garbage: bool = False) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import polars as pl

        path = folder / f"{table}.csv"
        target = folder / f"{table}.parquet"
        if garbage:
            target.write_bytes(b"PAR1 this is not a parquet file PAR1")
        else:
            frame = pl.read_csv(path, infer_schema_length=0)
            (change(frame) if change else frame).write_parquet(target)  # type: ignore[union-attr]
        path.unlink()

    return damage


def _struct_rating(frame):  # type: ignore[no-untyped-def]
    import polars as pl

    return frame.with_columns(pl.struct(pl.col("rating"), pl.lit(1).alias("x")).alias("rating"))


def _categorical(frame):  # type: ignore[no-untyped-def]
    import polars as pl

    return frame.with_columns(pl.all().cast(pl.Categorical))


def _as_ndjson(table: str, broken: bool) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import polars as pl

        path = folder / f"{table}.csv"
        text = pl.read_csv(path, infer_schema_length=0).write_ndjson()
        if broken:
            lines = text.splitlines()
            lines.insert(len(lines) // 2, '{"ticket_id": "x", "created_at": ')
            text = "\n".join(lines) + "\n"
        (folder / f"{table}.ndjson").write_text(text, encoding="utf-8")
        path.unlink()

    return damage


def _as_xlsx(table: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        import polars as pl

        path = folder / f"{table}.csv"
        frame = pl.read_csv(path, infer_schema_length=0)
        frame.write_excel(folder / f"{table}.xlsx")
        path.unlink()

    return damage


def _hubspot(quoted: bool = False, xlsx: bool = False, reorder: bool = False) -> Callable[[Path], None]:
    """Replace tickets and stage history by a HubSpot ticket export."""

    def damage(folder: Path) -> None:
        from svcstats.demo import write_hubspot_ticket_export

        for table in ("tickets", "stage_history"):
            (folder / f"{table}.csv").unlink(missing_ok=True)
        path = folder / "tickets.csv"
        write_hubspot_ticket_export(path, tickets=30, seed=1, start=date(2026, 5, 1), months=1, tz="UTC")
        if quoted or reorder:
            header, rows = read(folder, "tickets")
            order = list(range(len(header)))[::-1] if reorder else list(range(len(header)))
            write(
                folder, "tickets", [header[i] for i in order], [[r[i] for i in order] for r in rows], quoting=csv.QUOTE_ALL if quoted else 0
            )
        if xlsx:
            import polars as pl

            frame = pl.read_csv(path, infer_schema_length=0)
            dates = [c for c in frame.columns if c.lower().startswith(("date ", "create date", "close date"))]
            frame = frame.with_columns(pl.col(dates).str.to_datetime("%Y-%m-%d %H:%M", strict=False))
            frame.write_excel(folder / "tickets.xlsx")
            path.unlink()

    return damage


def _unusable(kind: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        path = folder / "tickets.csv"
        if kind == "upper":
            path.rename(folder / "TICKETS.CSV")
            return
        path.unlink()
        if kind == "dangling":
            path.symlink_to(folder / "nowhere.csv")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "header":
            path.write_text("ticket_id,created_at\n", encoding="utf-8")

    return damage


def _state(content: bytes) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        (folder / "svcstats.toml").write_text('[agent]\nstate = "state.db"\n', encoding="utf-8")
        (folder / "state.db").write_bytes(content)

    return damage


def _mixed_timestamps(folder: Path) -> None:
    forms = ("2026-05-0{d}T10:00:00Z", "2026-05-0{d}T12:00:00+02:00", "2026-05-0{d} 10:00:00.250Z", "2026-05-0{d}T10:00Z")
    set_column("tickets", "created_at", lambda n, _: forms[n % len(forms)].format(d=1 + n % 9))(folder)


DAMAGES: dict[str, Callable[[Path], None]] = {
    "ragged-row": insert_line("tickets", "999,2026-05-02T10:00:00Z,extra,fields,here,,,,,,,,,,,,,,,,,\n"),
    "short-row": insert_line("messages", "1,2\n"),
    "stray-quote": insert_line("tickets", '998,"2026-05-02T10:00:00Z,oops\n'),
    "blank-lines": append_line("tickets", "\n\n,,,\n"),
    "empty-ids": set_column("tickets", "ticket_id", lambda n, old: "" if n % 7 == 0 else old),
    "duplicate-tickets": _duplicate_rows("tickets"),
    "duplicate-messages": _duplicate_rows("messages"),
    "duplicate-csat": _duplicate_rows("csat", 1),
    "duplicate-column": lambda f: edit(f, "tickets", lambda h, rows: ([*h, h[0]], [[*r, r[0]] for r in rows])),
    "mixed-timestamps": _mixed_timestamps,
    "garbage-timestamps": set_column("tickets", "closed_at", lambda n, old: "soon" if n % 4 == 0 else old),
    "garbage-required-time": set_column("messages", "sent_at", lambda n, old: "yesterday" if n % 5 == 0 else old),
    "text-in-bools": set_column("messages", "is_public", lambda n, old: "maybe" if n % 3 == 0 else old),
    "text-in-numbers": set_column("csat", "rating", lambda n, old: "five" if n % 2 == 0 else old),
    "closed-before-created": set_column("tickets", "first_closed_at", lambda n, _: "2026-04-01T00:00:00Z" if n % 5 == 0 else ""),
    "huge-field": set_column("tickets", "subject", lambda n, old: "x" * 200_000 if n == 1 else old),
    "control-chars": set_column("tickets", "owner", lambda n, old: "=cmd|' /C calc'!A0\r\t\x00" if n % 4 == 0 else old),
    "latin-1": _reencode("tickets", "latin-1"),
    "utf-16": _reencode("tickets", "utf-16"),
    "bom": _bom,
    "missing-tickets": _remove("tickets"),
    "missing-messages": _remove("messages"),
    "gzip": _gzip("tickets", truncate=False),
    "truncated-gzip": _gzip("tickets", truncate=True),
    "bad-parquet": _as_parquet("tickets", garbage=True),
    "struct-parquet": _as_parquet("csat", _struct_rating),
    "categorical-parquet": lambda f: (_as_parquet("working_hours", _categorical)(f), _as_parquet("holidays", _categorical)(f)),
    "ndjson": _as_ndjson("tickets", broken=False),
    "broken-ndjson": _as_ndjson("tickets", broken=True),
    "xlsx": _as_xlsx("csat"),
    "hubspot": _hubspot(),
    "hubspot-quoted": _hubspot(quoted=True),
    "hubspot-reordered": _hubspot(reorder=True),
    "hubspot-xlsx": _hubspot(xlsx=True),
    "dangling-symlink": _unusable("dangling"),
    "fifo": _unusable("fifo"),
    "folder-named-csv": _unusable("folder"),
    "upper-case-name": _unusable("upper"),
    "empty-file": _unusable("empty"),
    "header-only": _unusable("header"),
    "broken-gaps-table": insert_line("knowledge_gaps", '"2026-05-02T10:00:00Z,never closed\n'),
    "empty-state-file": _state(b""),
    "garbage-state-file": _state(b"not a database at all" * 10),
}


def damaged(folder: Path, names: list[str], *, skip_inapplicable: bool = False) -> Path:
    """Apply the damages `names`, in order, to the dataset in `folder`; in a combination, one an
    earlier damage made inapplicable (its file gone or no longer readable) is skipped."""
    for name in names:
        try:
            DAMAGES[name](folder)
        except Exception:  # the file to damage is not there, or not CSV any more
            if not skip_inapplicable:
                raise
    return folder


def variants(seed: int, count: int) -> Iterator[list[str]]:
    """`count` combinations of one to three damages, reproducible from `seed`."""
    chooser = random.Random(seed)
    names = sorted(DAMAGES)
    for _ in range(count):
        yield chooser.sample(names, chooser.choice((1, 1, 2, 3)))


# -- running the command in-process ------------------------------------------------------------


def run(*args: str | Path) -> tuple[int, str, str]:
    """`svcstats ARGS...` through the real entry point: exit code, stdout, stderr."""
    from svcstats.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    saved = sys.stdout, sys.stderr
    sys.stdout = io.TextIOWrapper(out, write_through=True)
    sys.stderr = io.TextIOWrapper(err, write_through=True)
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exited:
        code = int(exited.code or 0)
    finally:
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
            stream.detach()  # keep the buffers open
        sys.stdout, sys.stderr = saved
    return code, out.getvalue().decode(errors="replace"), err.getvalue().decode(errors="replace")


# -- what a run must honour ------------------------------------------------------------------

DOCUMENTED_EXIT_CODES = (0, 2, 3, 4)  # 1 is an internal error: never on bad input
FINDING = re.compile(r"^(?:warning|note): (?P<where>.+?): (?P<rows>\d+) rows? left out: ", re.MULTILINE)


def given_rows(folder: Path, table: str) -> int | None:
    """The rows a table's file holds (a blank line inside the data is a row with every value
    empty), read independently of svcstats; None when there is no single readable file for it."""
    found = [p for p in folder.iterdir() if p.name.casefold().startswith(f"{table}.") and p.is_file()]
    if len(found) != 1:
        return None
    path = found[0]
    name = path.name.casefold()
    try:
        if name.endswith((".csv", ".csv.gz")):
            opener = gzip.open if name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:  # type: ignore[operator]
                return sum(1 for _ in csv.reader(handle, strict=True)) - 1
        if name.endswith((".ndjson", ".jsonl")):
            return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
        if name.endswith(".parquet"):
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
    except (OSError, EOFError, UnicodeError, csv.Error, ValueError):
        return None
    return None


def left_out(stderr: str, label_start: str) -> int:
    """The rows stderr says were left out of the table whose label starts with `label_start`."""
    return sum(int(m["rows"]) for m in FINDING.finditer(stderr) if m["where"].casefold().startswith(label_start))
