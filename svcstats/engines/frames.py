"""A dataset served from in-memory frames: one partition's rows of each table, as exported.

A distributed engine hands each partition's rows of every table to `FrameDataset`; the loader's
rules (column mapping, typing, problem counts, --as-of snapshot, HubSpot stage columns) then run
unchanged, because `FrameDataset` differs from a folder's `Dataset` only in where a table's raw
rows come from (`_open`). Polars only: no engine is imported here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import polars as pl

from svcstats.config import Config
from svcstats.loaders import snapshot
from svcstats.loaders.dataset import Dataset, Engine, RawTable
from svcstats.schema import TABLES


class FrameDataset(Dataset):
    """The tables of one partition, given as raw frames (columns as exported), loaded like a folder's.

    `frames` holds each table present in the source (an empty frame with the export's schema for a
    table this partition has no rows of); `labels` names each table's source in findings;
    `latest_visits` lists the tables a conversion marked as keeping the latest stage visits only."""

    def __init__(
        self,
        frames: Mapping[str, pl.DataFrame],
        config: Config | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        source_format: str = "auto",
        source_tz: str | None = None,
        engine: Engine = "in-memory",
        cutoff: datetime | None = None,
        latest_visits: Iterable[str] = (),
        where: str = "a partition",
    ) -> None:
        self.root = Path(".")
        self.config = config or Config()
        self.source_format = source_format
        self.source_tz = source_tz
        self.engine = engine
        self.parse_text_once = True
        self.cutoff = cutoff
        self.checks = []
        self._raw = {}
        self._loaded = {}
        self._reported = {}
        self._as_is, self._increasing, self._ids_distinct, self._nulls = {}, {}, {}, {}  # typed (Parquet) tables' passes: none here
        self._frames = frames  # a plain dict, or a mapping that reads a table when first asked for
        self._labels = dict(labels or {})
        self._latest_visits = frozenset(latest_visits)
        self._where = where
        self.opened: list[str] = []  # the tables read (columns or rows), in order: what a partition must be sent
        self.touched: list[str] = []  # every table looked for (has() included): what a partition must know of
        self.asked: dict[str, set[str]] = {}  # per table, the loaded names read: the columns a partition must be sent

    def latest_visits_only(self, table: str) -> bool:
        """As `Dataset.latest_visits_only`, with the converted tables given up front (no manifest to read)."""
        raw = self._raw_table(table)
        if raw is None:
            return False
        return (table == "stage_history" and raw.source_format == "hubspot") or table in self._latest_visits

    def place(self, table: str, row: int) -> str:
        """A row's place: its number within this partition (the files' line numbers are not known here)."""
        return f"data row {row + 1} of {self._where}"

    def _require(self, table: str) -> RawTable:
        raw = super()._require(table)
        if table not in self.opened:
            self.opened.append(table)
        return raw

    def _load(self, table: str, raw: RawTable, asked: list[str], row_index: str | None, *, first_try: bool = True) -> pl.LazyFrame:
        names = self.asked.setdefault(table, set())
        key = TABLES[table].key
        names.update([*asked, *(snapshot.needs(table) if self.cutoff else ()), *([key] if key else [])])
        return super()._load(table, raw, asked, row_index, first_try=first_try)

    def sent_columns(self, table: str) -> list[str] | None:
        """The export's headers a partition needs of `table` (those its loads read, by their
        export names), or None for all of them (a HubSpot export: its stage columns are read too)."""
        frame = self._frames.get(table)
        if frame is None:
            return None
        if self._format_of(table, frame.columns) == "hubspot":
            return None
        mapping = self.column_map(table)
        wanted = self.asked.get(table, set())
        return [header for header in frame.columns if mapping.get(header, header) in wanted]

    def _open(self, table: str) -> RawTable | None:
        self.touched.append(table)
        frame = self._frames.get(table)
        if frame is None:
            return self._derived(table)
        lazy = frame.lazy().with_columns(pl.col(pl.Categorical, pl.Enum).cast(pl.String))
        headers = frame.columns
        source_format = self._format_of(table, headers)
        mapping = self._column_map(table, headers, source_format)
        return RawTable(lazy.rename(mapping), self._labels.get(table, table), source_format, None, parse_once=True)

    def column_map(self, table: str) -> dict[str, str]:
        """Export header -> loaded name for `table` (as `_open` renames it); {} for an absent table."""
        frame = self._frames.get(table)
        if frame is None:
            return {}
        return self._column_map(table, frame.columns, self._format_of(table, frame.columns))
