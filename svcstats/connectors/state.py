"""A pull's staging folder (resumable) and its merge into the dataset folder (atomic, with a manifest).

A pull fetches *streams* (tickets, threads, ...) page by page. Each page's rows are written to
the staging folder beside the dataset, one file per table, before the stream's state (the token
of the next page, the cursor reached) is saved: so an interrupted pull resumes at the page it
had not finished, and a page written twice overwrites itself (no doubled rows, none lost).

When every stream is done, each table is merged: the dataset's earlier rows minus those the new
rows replace (same key; for child tables such as stage history, every row of a re-fetched
parent), plus the new rows (of a key fetched twice, the last page's). The merged tables, the
untouched ones and the manifest go into a new folder that replaces the dataset in two renames.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import polars as pl

from svcstats.errors import OutputError, UsageError
from svcstats.output.files import check_folder_target, place_folder

MANIFEST = "svcstats-pull.json"
STATE = "state.json"
FORMAT_VERSION = 1
PAGE = "_page"  # staged rows: the number of the page that brought them


@dataclass(frozen=True)
class TableSpec:
    """A table a connector writes: its columns (in file order), the columns whose values
    identify the rows a new row replaces (`key`), whether a pull replaces the table whole
    (`replace_all`), the columns it is sorted by, and those identifying one row (`unique`:
    of rows alike there, the last is kept)."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    sort: tuple[str, ...]
    replace_all: bool = False
    unique: tuple[str, ...] = ()
    finish: Callable[[pl.LazyFrame], pl.LazyFrame] | None = None  # applied to the merged table (e.g. snapshot_ends)


@dataclass
class StreamState:
    """Where one stream stands: next page token, pages and rows written, the cursor reached."""

    after: str | None = None
    pages: int = 0
    done: bool = False
    cursor: str | None = None  # the latest last-modified time seen (ISO 8601), for the next run
    rows: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # connector-specific (e.g. which endpoint)


class Staging:
    """The staging folder of a pull into `out`: `.<name>.pull/` beside it."""

    def __init__(self, out: Path, source: str, request: dict[str, Any], kind: str = "pull") -> None:
        self.out = out
        # one staging folder per kind of pull, so that a cron snapshot and a long pull can run together
        self.path = out.absolute().parent / f".{out.name}.{kind}"
        self._lock: TextIO | None = None
        self.source = source
        self.request = request
        self.streams: dict[str, StreamState] = {}
        self.started_at = now_iso()
        self.resumed = False

    def open(self) -> None:
        """Create the folder, or take up an interrupted pull's (which must have the same request).
        Fails when the same kind of pull into the same folder is running."""
        self._lock = _lock(self.path.with_name(self.path.name + ".lock"), wait=False)
        if self._lock is None:
            raise UsageError(f"another svcstats pull into {self.out} is running", "wait for it to finish, or stop it first")
        try:
            self._take_up()
        except BaseException:
            self.close()
            raise

    def _take_up(self) -> None:
        state_file = self.path / STATE
        if state_file.is_file():
            saved = json.loads(state_file.read_text(encoding="utf-8"))
            if saved.get("source") != self.source or saved.get("request") != self.request:
                raise UsageError(
                    f"{self.out}: an interrupted pull with other options is waiting in {self.path}",
                    f"run the same command as before to finish it ({saved.get('command', '')}), or delete {self.path} to start over",
                )
            self.started_at = saved["started_at"]
            self.streams = {name: StreamState(**value) for name, value in saved["streams"].items()}
            self.resumed = True
            return
        try:
            if self.path.exists():
                shutil.rmtree(self.path)
            self.path.mkdir()
        except OSError as exc:
            raise OutputError(f"cannot create {self.path}: {exc.strerror or exc}") from None
        self.save()

    def stream(self, name: str) -> StreamState:
        """The state of stream `name` (new streams start at their first page)."""
        return self.streams.setdefault(name, StreamState())

    def page_done(self, name: str, rows: dict[str, list[dict[str, Any]]], after: str | None, cursor: str | None) -> None:
        """Record one fetched page of stream `name`: its rows per table, then the next page's
        token (None: the stream is done) and the cursor reached."""
        state = self.stream(name)
        number = state.pages + 1
        for table, records in rows.items():
            folder = self.path / table
            folder.mkdir(exist_ok=True)
            text = "".join(json.dumps({**r, PAGE: number}, ensure_ascii=False) + "\n" for r in records)
            _write_atomically(folder / f"{name}-{number:06d}.ndjson", text)
            state.rows[table] = state.rows.get(table, 0) + len(records)
        state.pages, state.after, state.done = number, after, after is None
        state.cursor = max_iso(state.cursor, cursor)
        self.save()

    def save(self) -> None:
        """Write the state file (atomically)."""
        state = {
            "source": self.source,
            "request": self.request,
            "command": self.request.get("command", ""),
            "started_at": self.started_at,
            "streams": {name: s.__dict__ for name, s in self.streams.items()},
        }
        _write_atomically(self.path / STATE, json.dumps(state, indent=2) + "\n")

    def staged(self, spec: TableSpec) -> pl.LazyFrame | None:
        """The rows staged for `spec`'s table (all text, with their page number), or None."""
        folder = self.path / spec.name
        files = sorted(folder.glob("*.ndjson")) if folder.is_dir() else []
        files = [f for f in files if f.stat().st_size]
        if not files:
            return None
        schema = {c: pl.String for c in spec.columns} | {PAGE: pl.Int64}
        return pl.concat([pl.scan_ndjson(f, schema=schema) for f in files], how="vertical")

    def discard(self) -> None:
        """Remove the staging folder."""
        shutil.rmtree(self.path, ignore_errors=True)

    def close(self) -> None:
        """Let another pull of this kind start (the staging folder stays, for a resume)."""
        if self._lock is not None:
            Path(self._lock.name).unlink(missing_ok=True)  # while still held: a waiting pull fails, none is let in twice
            self._lock.close()
            self._lock = None


def merge(existing: pl.LazyFrame | None, staged: pl.LazyFrame | None, spec: TableSpec) -> pl.LazyFrame:
    """`existing` rows not replaced by `staged` ones, plus the staged rows (of each key, those of
    the last page that brought it), sorted by `spec.sort`."""
    columns = list(spec.columns)
    if staged is None:
        frames = [] if existing is None else [existing]
    else:
        key = list(spec.key)
        latest = staged.filter(pl.col(PAGE) == pl.col(PAGE).max().over(key)) if key else staged
        latest = latest.drop(PAGE)
        if existing is None or spec.replace_all:
            frames = [latest]
        else:
            kept = existing.join(latest.select(key).unique(), on=key, how="anti", nulls_equal=True)
            frames = [kept, latest]
    if not frames:
        return pl.LazyFrame(schema=dict.fromkeys(columns, pl.String))
    merged = pl.concat(
        [f.select(pl.col(c) if c in f.collect_schema() else pl.lit(None, pl.String).alias(c) for c in columns) for f in frames]
    )
    if spec.unique:
        merged = merged.unique(subset=list(spec.unique), keep="last", maintain_order=True)
    merged = merged.sort(list(spec.sort), nulls_last=True, maintain_order=True)
    return spec.finish(merged) if spec.finish else merged


SNAPSHOT = "snapshot"  # availability.detail of a status observed by a snapshot
SNAPSHOT_GAP_MINUTES = 15
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S%.3fZ"


def snapshot_ends(frame: pl.LazyFrame, gap_minutes: int = SNAPSHOT_GAP_MINUTES) -> pl.LazyFrame:
    """Availability rows observed by snapshots (detail "snapshot"), each ended: at the rep's next
    snapshot when it comes within `gap_minutes`, else `gap_minutes` after it (the time between
    is unknown: no status, rather than the last one stretched over hours); the rep's latest
    snapshot stays open (its status holds now)."""
    started = pl.col("started_at").str.to_datetime(TIME_FORMAT, time_zone="UTC", strict=False)
    gap = pl.duration(minutes=gap_minutes)
    following = started.shift(-1).over("rep", order_by=started)
    end = (
        pl.when(following.is_null())
        .then(pl.lit(None, pl.String))
        .when(following - started <= gap)
        .then(following.dt.strftime(TIME_FORMAT))
        .otherwise((started + gap).dt.strftime(TIME_FORMAT))
    )
    return frame.with_columns(ended_at=pl.when(pl.col("detail") == SNAPSHOT).then(end).otherwise(pl.col("ended_at")))


def read_existing(out: Path, spec: TableSpec) -> pl.LazyFrame | None:
    """A table of an earlier pull in `out`, all text, or None."""
    path = out / f"{spec.name}.csv"
    if not path.is_file():
        return None
    return pl.scan_csv(path, infer_schema=False)


def check_out(out: Path) -> dict[str, Any]:
    """Fail before any request when `out` cannot receive a pull; return its earlier manifest
    ({} for a new or empty folder)."""
    manifest = read_manifest(out) if out.is_dir() else {}

    def recognise(folder: Path) -> None:
        if not manifest:
            raise OutputError(
                f"{folder} is not empty and holds no earlier pull ({MANIFEST})", "give a new or empty folder, or an earlier pull's"
            )

    check_folder_target(out, f"cannot write {out}", recognise)
    return manifest


def read_manifest(out: Path) -> dict[str, Any]:
    """The manifest of the pull in `out`; {} when there is none (or it cannot be read)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def publish(staging: Staging, specs: Sequence[TableSpec], manifest: dict[str, Any]) -> dict[str, int]:
    """Merge every staged table into the dataset `staging.out` and swap the result in with its
    manifest (`manifest` plus the tables' files and row counts); return the rows per table."""
    out = staging.out
    new = out.absolute().parent / f".{out.name}.new-{os.getpid()}"
    shutil.rmtree(new, ignore_errors=True)
    rows: dict[str, int] = {}
    publishing = _lock(out.absolute().parent / f".{out.name}.lock", wait=True)  # one swap at a time
    try:
        new.mkdir()
        written = set()
        for spec in specs:
            staged = staging.staged(spec)
            if staged is None and spec.replace_all and not (out / f"{spec.name}.csv").is_file():
                continue
            merged = merge(read_existing(out, spec), staged, spec).collect()
            merged.write_csv(new / f"{spec.name}.csv")
            rows[spec.name] = merged.height
            written.add(f"{spec.name}.csv")
        for item in out.iterdir() if out.is_dir() else []:
            if item.name not in written and item.name != MANIFEST and item.is_file():
                _link_or_copy(item, new / item.name)
        tables = dict(manifest.pop("tables", {}))
        for table, count in rows.items():
            tables[table] = {**tables.get(table, {}), "file": f"{table}.csv", "rows": count}
        manifest["tables"] = tables
        (new / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        place_folder(new, out, f"cannot write {out}")  # the same swap export and `data convert` do
    except OSError as exc:
        raise OutputError(f"cannot write {out}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(new, ignore_errors=True)
        if publishing is not None:
            publishing.close()
    staging.discard()
    return rows


def now_iso() -> str:
    """The current instant as ISO 8601 UTC text (seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def max_iso(*values: str | None) -> str | None:
    """The latest of ISO 8601 UTC timestamps written alike (None when all are)."""
    present = [v for v in values if v]
    return max(present) if present else None


def _lock(path: Path, *, wait: bool) -> TextIO | None:
    """An exclusive lock on file `path`, held while the returned file is open; None when another
    process holds it and not `wait`. (Without fcntl, as on Windows, no locking: always granted.)"""
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return open(os.devnull, "w")
    try:
        handle = path.open("w")
    except OSError as exc:
        raise OutputError(f"cannot create {path}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _link_or_copy(source: Path, target: Path) -> None:
    """Hard-link an unchanged file into the new folder (instant), else copy it."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def table_names(specs: Iterable[TableSpec]) -> list[str]:
    """The names of `specs`, in order."""
    return [s.name for s in specs]
