"""A dataset folder: each neutral table loaded on demand, typed, in UTC, with bad values counted.

`Dataset.load(table, columns)` returns a LazyFrame in the neutral schema holding the table's
required columns plus the ones asked for. Only those columns are read. Rows holding a value
that cannot be parsed are left out, and a check counting them (with an example) is added to
`Dataset.checks`, to be collected with the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Literal, NamedTuple

import polars as pl

from svcstats.config import Config
from svcstats.errors import DataError, UsageError, first_line
from svcstats.findings import Check, Finding
from svcstats.loaders import helpdesk, hubspot, snapshot
from svcstats.loaders.converted import latest_visits_tables, unique_id_tables, written_tables
from svcstats.loaders.files import TableFiles, bad_line, kind_of, line_of_row, locate, read_error, scan
from svcstats.loaders.parse import (
    BOOL_SPELLINGS,
    TimestampFormats,
    bool_from_spellings,
    detect_timestamp_formats,
    naive_timestamps_error,
    neutral_dtype,
    text_expr,
    timestamp_from_text,
    timestamps,
    trimmed_text,
    typed_expr,
    typed_timestamp,
    with_fallback,
)
from svcstats.loaders.presets import PRESETS
from svcstats.schema import SENDER_TYPES, TABLES, Kind

Engine = Literal["streaming", "in-memory"]  # the Polars engines a run can use
SAMPLE_ROWS = 2000  # rows read up front to choose each timestamp column's formats
KEY_BATCH_ROWS: int | None = None  # rows of a key column held at once while its order is tested (None: the engine's batches)
NEVER_BAD = (Kind.ID, Kind.TEXT, Kind.SOURCE)  # kinds where any text is a valid value
MISSED = "tuned:missed"  # a column of a first-try copy: true where a tuned parser left a value (`Dataset._load`)


@dataclass(frozen=True)
class Problem:
    """Why a row is left out: `column` is empty or not valid; `raw` names the column holding the
    value as exported (for examples), if any."""

    column: str
    what: str
    raw: str | None


@dataclass(frozen=True)
class RawTable:
    """A table as exported, with its columns renamed to neutral names where they map onto one."""

    frame: pl.LazyFrame
    label: str  # how messages name the source, e.g. "tickets.csv"
    source_format: str  # "generic", "hubspot" or another help desk's preset (loaders/presets)
    line_offset: int | None  # data row i is on file line i + offset (single CSV files only)
    parse_once: bool = False  # loaded once into memory, then read by the report and its checks (see Dataset.load)
    typed: bool = False  # Parquet: typed values, cheap to scan again (a lazy scan when its ids cannot repeat; see Dataset.load)
    stage_order_from_data: bool = False  # HubSpot stage columns: the export does not give the stages' order
    files: TableFiles | None = None  # where it was read from (to say where a read failed)
    adapted: helpdesk.Adapted | None = None  # a help-desk preset's notes and checks (loaders/helpdesk.py)
    exported: pl.LazyFrame | None = None  # the export as read, before mapping (other tables derive from it)

    def read_error(self, exc: BaseException) -> DataError:
        """The one-line error for a failure to read this table: which file, and where."""
        if self.files is None:
            return DataError(f"{self.label}: cannot read: {first_line(exc)}", "repair or export the file again")
        return read_error(self.files, exc)

    @property
    def schema(self) -> pl.Schema:
        """Column names and types as exported (after renaming)."""
        return self.frame.collect_schema()


def normalise_name(header: str) -> str:
    """A header as a neutral-style name: "Created At" and "created-at" both give created_at."""
    return re.sub(r"[\s\-]+", "_", header.replace("\ufeff", "").strip()).casefold()


class Dataset:
    """The tables of one export folder, loaded lazily into the neutral schema."""

    def __init__(
        self,
        root: Path,
        config: Config | None = None,
        *,
        source_format: str = "auto",
        source_tz: str | None = None,
        engine: Engine = "streaming",
        parse_text_once: bool = True,
        cutoff: datetime | None = None,
    ) -> None:
        self.file = root if root.is_file() else None  # --data FILE: one help-desk export
        if self.file is None and not root.is_dir():
            raise DataError(f"data folder {root} not found", "pass --data DIR, set $SVCSTATS_DATA, or set data in svcstats.toml")
        self.root = root.parent if self.file else root
        self.config = config or Config()
        self.source_format = source_format
        self.source_tz = source_tz
        self.engine = engine
        # True: each load of a text table is read once into memory (its selected columns, parsed
        # and flagged), and the report and every check read that copy in the one collect_all: one
        # parse of each table (a text table 6x slower without). A Parquet table stays a lazy scan
        # (projection and predicate pushdown, no copy in memory) when a streaming test on its ids
        # shows the duplicate-id rule cannot flag a row (ids in increasing order, as exports and
        # conversions usually are, else all distinct), else it is read once too.
        # False for a single streaming pass (data convert).
        self.parse_text_once = parse_text_once
        # --as-of: every table as it stood just before this instant (see loaders/snapshot.py)
        self.cutoff = cutoff
        self.checks: list[Check] = []
        self._raw: dict[str, RawTable | None] = {}
        self._exports: dict[str, helpdesk.Export] | None = None
        self._loaded: dict[tuple[str, tuple[str, ...], str | None], pl.LazyFrame] = {}
        self._reported: dict[str, set[Problem]] = {}  # per table, the problems a check already counts
        self._adapted_checks: set[int] = set()  # ids of the preset checks already in `checks` (each added once)
        self._as_is: dict[str, dict[str, bool]] = {}  # per typed table, whether each text column is read as exported
        self._increasing: dict[str, bool] = {}  # per typed table, whether its exported ids are strictly increasing
        self._ids_distinct: dict[str, bool] = {}  # per typed table, whether its parsed ids are all different
        # per typed table, the columns a pass counted the empty values of (as parsed): the key, and
        # the text columns read as exported
        self._nulls: dict[str, dict[str, int]] = {}

    def has(self, table: str) -> bool:
        """True when the folder holds `table` (or it can be derived, like HubSpot stage history)."""
        return self._raw_table(table) is not None

    @cached_property
    def _unique_ids(self) -> frozenset[str]:
        """The tables a conversion's manifest vouches have unique ids (no pass over them needed)."""
        return unique_id_tables(self.root) & self._converted

    @cached_property
    def _converted(self) -> frozenset[str]:
        """The tables read from a conversion's files as it wrote them (values parsed already)."""
        if self.file is not None:
            return frozenset()
        moved = {name for name, table in self.config.tables.items() if table.path}  # read from elsewhere
        return written_tables(self.root) - moved

    def ids_in_row_order(self, table: str) -> bool:
        """True when the table's ids (those present) increase strictly from row to row, as the pass
        over a typed table's ids found while loading it: its rows are then in id order."""
        return self._increasing.get(table, False)

    def latest_visits_only(self, table: str) -> bool:
        """True for stage history taken from a HubSpot export's stage columns, which keep only
        the latest entry and exit of each stage (so re-entries and first visits are unknown),
        directly or through `svcstats data convert` (its manifest says so)."""
        raw = self._raw_table(table)
        if raw is None:
            return False
        return (table == "stage_history" and raw.source_format == "hubspot") or table in latest_visits_tables(self.root)

    def columns(self, table: str) -> list[str]:
        """The columns the export has for `table`, by loaded name: neutral ones first, then extras.
        (`load` also gives absent optional neutral columns, as nulls.)"""
        raw = self._require(table)
        known = TABLES[table].columns
        present = raw.schema.names()
        return [*[c for c in known if c in present], *[c for c in present if c not in known]]

    def source_format_of(self, table: str) -> str:
        """The format the table was read in: "generic" or a help desk's preset name."""
        return self._require(table).source_format

    def label(self, table: str) -> str:
        """How messages name the table's source."""
        return self._require(table).label

    def exported_rows(self, table: str) -> pl.LazyFrame:
        """A one-value frame: the number of rows the export holds, bad ones included."""
        return self._require(table).frame.select(pl.len().alias("rows"))

    def place(self, table: str, row: int) -> str:
        """Where data row `row` (0-based, in file order) is: "line N" of a single CSV file, else "data row N"."""
        raw = self._require(table)
        if raw.line_offset is None:
            return f"data row {row + 1}"
        try:
            return f"line {_file_line(raw, row)}"
        except pl.exceptions.PolarsError:  # Polars cannot read the whole file (a ragged line): count with the csv module
            line = line_of_row(raw.files, row) if raw.files is not None else None
            return f"line {line}" if line is not None else f"data row {row + 1}"

    def load(self, table: str, columns: Iterable[str] = (), *, row_index: str | None = None) -> pl.LazyFrame:
        """The table in the neutral schema: required columns plus `columns` (optional neutral
        columns absent from the export come as nulls; other names must exist in the export),
        plus a column `row_index` numbering the rows as exported (for `place`), if given.

        Memoised per (table, columns, row_index): a report that reads a table in several places
        gets the same frame (parsed once), and each problem of a table is counted in one check,
        so a bad value is reported once however often the table is loaded. With a cut-off (--as-of)
        the memoised frame is the table as it stood then (`snapshot.cut`), so every report and
        every load sees the same snapshot."""
        raw = self._require(table)
        spec = TABLES[table]
        wanted = list(dict.fromkeys([*spec.required, *columns]))
        key = (table, tuple(wanted), row_index)
        if key not in self._loaded:
            self._loaded[key] = self._load(table, raw, wanted, row_index)
        return self._loaded[key]

    def _load(self, table: str, raw: RawTable, asked: list[str], row_index: str | None, *, first_try: bool = True) -> pl.LazyFrame:
        """`load` without the memo: parse, flag the problems, add a check for those not yet counted,
        and with a cut-off, cut the table at it (reading the columns the cut needs too).

        A text table read into memory (CSV) is parsed first with the parsers tuned on its sample
        alone (`_tuned_parse`: its timestamp formats, untrimmed; its sender words; its spellings
        of true and false), plain expressions over whole columns; only when they leave a value
        unparsed is it read again with the full parsers, whose fallback runs batch by batch in
        Python and so one column at a time (`parse.with_fallback`). ticket-time-to-close on 1M
        tickets from CSV: 0.93-1.01 -> 0.58 s."""
        spec = TABLES[table]
        present = raw.schema
        missing = [c for c in spec.required if c not in present]
        if missing:
            raise self._missing_column_error(table, raw, missing[0])
        wanted = list(dict.fromkeys([*asked, *(snapshot.needs(table) if self.cutoff else ())]))
        if raw.adapted is not None:
            for check in raw.adapted.checks_for(wanted, events=self.has("messages")):
                if id(check) not in self._adapted_checks:  # a column loaded again (other columns) is checked once
                    self._adapted_checks.add(id(check))
                    self.checks.append(check)
        unknown = [c for c in wanted if c not in present and c not in spec.columns]
        if unknown:
            raise UsageError(f"{raw.label} has no column {unknown[0]!r}", f"its columns are: {_list(self.columns(table))}")
        formats, sample_read = self._timestamp_formats(raw, [c for c in wanted if c in present and spec.columns.get(c) is Kind.TIMESTAMP])
        key = spec.key if spec.key in present else None  # an optional key (message_id, response_id) only when exported
        names = [*wanted, *([key] if key and key not in wanted else [])]
        as_is = self._kept_as_is(table, raw, names, key)
        copied = raw.parse_once and not raw.typed  # parsed once, into memory
        parsed: dict[str, pl.Expr] = {}
        fallible: list[str] = []
        tuned: list[str] = []  # parsed by `_tuned_parse`, which may leave a value the full parse reads
        for name in names:
            kind = spec.columns.get(name)
            if name not in present:
                parsed[name] = pl.lit(None, dtype=neutral_dtype(kind or Kind.TEXT))
                continue
            if kind is None or name in as_is:
                parsed[name] = pl.col(name)
                continue
            fast = self._tuned_parse(raw, name, kind, formats.get(name), name in sample_read) if copied and first_try else None
            parsed[name] = fast if fast is not None else self._parse(raw, name, kind, formats.get(name), copied=copied)
            tuned += [name] if fast is not None else []
            if can_fail(kind, present[name]):
                fallible.append(name)
        exported = raw.frame if row_index is None else raw.frame.with_row_index(row_index)
        kept = [] if row_index is None else [row_index]
        staged = exported.select(*kept, **{f"raw:{n}": pl.col(n) for n in fallible}, **parsed)
        problems: dict[Problem, pl.Expr] = {}
        for name in fallible:
            invalid = _unparsed(name, present[name])
            problems[Problem(name, f"{name} is not a valid {spec.columns[name].value.replace('_', ' ')}", f"raw:{name}")] = invalid
        # a lazy scan: each reader reads only its columns and rows, nothing held in memory
        scanned = raw.parse_once and raw.typed and (key is None or table in self._unique_ids or self._distinct(table, staged, key, raw))
        parse_once = raw.parse_once and not scanned
        # a column a pass found in every row needs no empty flag, which would make every reader of
        # the scan (the report, each exclusion count) read that column again to test it
        counted = self._nulls.get(table, {})
        never_empty = {name for name, nulls in counted.items() if nulls == 0} if scanned else set()
        empties: dict[Problem, pl.Expr] = {}
        placing = [n for n in spec.required if n not in spec.may_be_empty and n not in never_empty]  # without one a record cannot be placed
        for name in placing:
            empty = pl.col(name).is_null()
            if name in fallible:
                empty &= ~_unparsed(name, present[name])
            empties[Problem(name, f"{name} is empty", None)] = empty
        # each row flagged by its first problem only, so that the counts add up to the rows left
        # out; a duplicate id is flagged only on a usable row (no other problem), so it needs no
        # exclusion and stands between the invalid values and the empty columns as before
        # each condition computed once, as a column: written out in every later flag it was
        # evaluated again there, string tests too (1M tickets from CSV: load 0.67 -> 0.59 s)
        conditions = {f"condition:{i}": expr for i, expr in enumerate([*problems.values(), *empties.values()])}
        # where a tuned parser left a value: its column's invalid-value condition (each tuned kind can fail)
        unparsed = [pl.col(f"condition:{i}") for i, problem in enumerate(problems) if problem.column in tuned]
        staged = staged.with_columns(**conditions)
        exclusive = _first_problem_only(dict(zip([*problems, *empties], map(pl.col, conditions), strict=True)))
        problems = {p: exclusive[p] for p in problems}
        duplicate = None  # the flag column of the duplicate-id rule, if the table has a key
        if key is not None:  # overlapping exports: keep the last usable row of each id, in file order
            duplicate = f"problem:{len(problems)}"
            problems[Problem(key, f"duplicate {key} (the last row of each is kept)", key)] = _repeated(
                pl.col(key), list(exclusive.values())
            )
        problems.update({p: exclusive[p] for p in empties})
        flags = {f"problem:{i}": expr for i, expr in enumerate(problems.values())}
        if scanned and duplicate is not None:
            flags[duplicate] = pl.lit(False)  # strictly increasing ids are unique: no row is a duplicate
        if parse_once:
            # the duplicate rule is applied to the parsed copy, after the other flags: a row it
            # flags is usable (has no other problem), so it is the row's first problem wherever
            # it stands in `problems`, and "usable" is "no other flag"
            first = {name: flag for name, flag in flags.items() if name != duplicate}
            ids = [key] if key is not None and key not in wanted else []
            missed = {MISSED: pl.any_horizontal(unparsed)} if unparsed else {}
            try:
                copy = staged.select(*kept, *wanted, *ids, **first, **missed).collect(engine=self.engine)
                if missed:
                    if copy[MISSED].any():  # a value the tuned parsers left: read the table again with the full ones
                        return self._load(table, raw, asked, row_index, first_try=False)
                    copy = copy.drop(MISSED)
                if key is not None and duplicate is not None:
                    # most exports have unique ids: a cheap exact test on them spares the hash pass
                    rule = pl.lit(False) if _unique(copy[key]) else _repeated(pl.col(key), list(first))
                    copy = copy.lazy().with_columns(rule.alias(duplicate)).collect(engine="in-memory")
            except pl.exceptions.PolarsError as exc:
                raise raw.read_error(exc) from exc
            checked = copy.lazy()
        else:
            checked = staged.select(*kept, *wanted, **flags)
        reported = self._reported.setdefault(table, set())
        new = [i for i, problem in enumerate(problems) if problem not in reported]
        if new:  # problems an earlier load of the table (with other columns) counts are not counted again
            reported.update(list(problems)[i] for i in new)
            self.checks.append(_problems_check(checked, staged, problems, raw, lambda row: self.place(table, row), new))
        usable = checked.filter(~pl.any_horizontal(list(flags))) if flags else checked  # no flags: every column found present
        loaded = usable.select(*kept, *wanted)
        if self.cutoff is not None:  # the snapshot first: the stage order comes from what had happened by then
            loaded = snapshot.cut(table, loaded, self.cutoff)
        if raw.stage_order_from_data and "stage_order" in wanted:
            loaded = hubspot.with_stage_order(loaded)
        return loaded if self.cutoff is None else loaded.select(*kept, *asked)

    def _distinct(self, table: str, staged: pl.LazyFrame, key: str, raw: RawTable) -> bool:
        """Whether the table's parsed, non-null `key` values are all different, from that column
        alone on the run's engine (streaming: no copy of the table held): strictly increasing in
        file order (one comparison per row, by batches; known from `_kept_as_is`'s pass when the
        ids are kept as exported), else by their distinct count (a hash of the ids). Once per table."""
        if table not in self._ids_distinct:
            ids = pl.col(key).drop_nulls()
            # the exported ids were tested and are the parsed ones (a conversion's manifest vouches
            # for them without a pass when it lists unique ids; one written before it did needs one)
            tested = self._as_is.get(table, {}).get(key, False) and table in self._increasing
            try:
                if tested:
                    increasing = self._increasing[table]
                else:
                    found = _key_pass(staged, key, None, self.engine)
                    increasing = found.increasing
                    if found.nulls is not None:
                        self._nulls.setdefault(table, {})[key] = found.nulls
                distinct = increasing or staged.select(ids.n_unique() == ids.len()).collect(engine=self.engine).item()
                self._ids_distinct[table] = bool(distinct)
            except pl.exceptions.PolarsError as exc:
                raise raw.read_error(exc) from exc
        return self._ids_distinct[table]

    def _kept_as_is(self, table: str, raw: RawTable, names: list[str], key: str | None) -> set[str]:
        """The columns among `names` of a typed (Parquet) table whose parse would return every
        value unchanged, so they are read as exported: text and ids with no surrounding white space
        and none empty, sender types that are neutral words already. Plain column reads keep the
        reports' filters and projections pushed down to the scan, and spare every reader (the
        report, its checks) the per-batch trimming. Known from a streaming pass over each column
        not yet tested (memoised per table and column), which also counts its empty values; the
        key's also tells whether its exported values are strictly increasing (`_distinct`)."""
        if not (raw.typed and self.parse_text_once):
            return set()
        spec, present = TABLES[table], raw.schema
        candidates = [
            n for n in names if n in present and present[n] == pl.String and spec.columns.get(n) in (Kind.ID, Kind.TEXT, Kind.SENDER_TYPE)
        ]
        known = self._as_is.setdefault(table, {})
        if table in self._converted:  # `data convert` wrote the parsed values: no pass needed
            known.update(dict.fromkeys(candidates, True))
        for name in [n for n in candidates if n not in known]:
            try:
                if name == key:
                    found = _key_pass(raw.frame, key, spec.columns[name], self.engine)
                    known[name], nulls = found.as_is, found.nulls
                    self._increasing[table] = found.as_is and found.increasing
                else:  # a column at a time: the streaming reduction then holds no more than one column's batches
                    test = _unchanged_by_parse(pl.col(name), spec.columns[name])
                    row = raw.frame.select(test.alias("as_is"), pl.col(name).null_count().alias("nulls")).collect(engine=self.engine).row(0)
                    known[name], nulls = bool(row[0]), int(row[1])
                if known[name] and nulls is not None:  # as exported: the parsed values have as many empty
                    self._nulls.setdefault(table, {})[name] = nulls
            except pl.exceptions.PolarsError as exc:
                raise raw.read_error(exc) from exc
        return {n for n in candidates if known[n]}

    def read_failure(self, exc: BaseException, doing: str) -> DataError:
        """The error for a query that failed while `doing` something: the table and line that
        cannot be read when one of the tables opened is a malformed CSV file, else Polars' message."""
        for raw in self._raw.values():
            where = bad_line(raw.files) if raw is not None and raw.files is not None else None
            if raw is not None and where:
                return DataError(f"{raw.label}: cannot read: {where}", "repair or export the file again")
        return DataError(f"{doing}: {first_line(exc)}", "run with --debug for details; svcstats data check lists each table's problems")

    # -- internals -------------------------------------------------------------------------

    def _require(self, table: str) -> RawTable:
        raw = self._raw_table(table)
        if raw is None:
            names = ", ".join(f"{table}{s}" for s in (".csv", ".parquet", ".ndjson", ".xlsx"))
            tickets = self._raw.get("tickets")
            if self.file is not None:
                raise helpdesk.file_error(self.file, table, tickets.source_format if tickets else "generic", self.source_format)
            raise DataError(
                f"table {table!r} not found in {self.root}",
                helpdesk.table_hint(tickets.source_format if tickets else "generic", table)
                + f"add {names} or a folder {table}/ of such files, or set tables.{table}.path in svcstats.toml"
                + helpdesk.unread_hint(self.root, self.source_format, table),
            )
        return raw

    def _raw_table(self, table: str) -> RawTable | None:
        if table not in self._raw:
            self._raw[table] = self._open(table)
        return self._raw[table]

    def recognised(self) -> dict[str, str]:
        """table -> "Zendesk export (file)" for each table read through a help desk's preset."""
        return {
            t: helpdesk.describe(raw.source_format, raw.label)
            for t, raw in self._raw.items()
            if raw is not None and raw.source_format != "generic"
        }

    def _open(self, table: str) -> RawTable | None:
        table_config = self.config.tables.get(table)
        if self.file is not None:
            files = helpdesk.file_as_table(self.file, table)
        else:
            files = locate(self.root, table, table_config.path if table_config else None)
        if files is None:
            export = self._help_desk_exports().get(table)
            if export is not None:
                return self._mapped(table, export.frame, export.label, export.preset.name, _files_of(export))
            return self._derived(table)
        frame = scan(files)
        try:
            headers = frame.collect_schema().names()
        except pl.exceptions.PolarsError as exc:
            raise read_error(files, exc) from exc
        return self._mapped(table, frame, files.label, self._format_of(table, headers), files)

    def _mapped(self, table: str, frame: pl.LazyFrame, label: str, source_format: str, files: TableFiles | None) -> RawTable:
        """A table's export with its columns mapped: by a help desk's preset, then the config."""
        exported, adapted = frame, None
        preset = PRESETS.get(source_format)
        if preset is not None and source_format != "hubspot" and table in preset.tables:
            adapted = helpdesk.adapt(frame, preset, preset.tables[table], label, self.source_tz)
            frame = adapted.frame
        headers = frame.collect_schema().names()
        mapping = self._column_map(table, headers, source_format)
        offset = _line_offset(files) if files is not None and adapted is None else None  # a preset may leave rows out: no file lines
        typed = files is not None and files.kind == "parquet"
        return RawTable(
            frame.rename(mapping),
            label,
            source_format,
            offset,
            self.parse_text_once,
            typed,
            files=files,
            adapted=adapted,
            exported=exported,
        )

    def _help_desk_exports(self) -> dict[str, helpdesk.Export]:
        """Help-desk exports under their own file names (or the one --data FILE), by table."""
        if self._exports is None:
            self._exports = helpdesk.find_exports(self.root, self.file, self.source_format)
        return self._exports

    def _derived(self, table: str) -> RawTable | None:
        """Stage history taken from a HubSpot ticket export's stage columns, or another table a
        help desk's ticket export carries (Zendesk's Satisfaction Score), when no file has it."""
        if table != "stage_history":
            try:
                tickets = self._raw_table("tickets") if table != "tickets" else None
            except DataError:
                return None  # an unreadable tickets export is reported as such; it gives no other table
            preset = PRESETS.get(tickets.source_format) if tickets is not None else None
            spec = preset.tables.get(table) if preset is not None else None
            if tickets is None or tickets.exported is None or preset is None or spec is None or spec.derived_from != "tickets":
                return None
            return self._mapped(table, tickets.exported, f"{tickets.label} ({table})", preset.name, None)
        try:
            tickets = self._raw_table("tickets")
        except DataError:
            return None  # an unreadable tickets export is reported as such; it gives no stage history
        if tickets is None or tickets.source_format != "hubspot" or "ticket_id" not in tickets.schema:
            return None
        stages = hubspot.stage_columns(tickets.schema.names())
        if not stages:
            return None
        return RawTable(
            hubspot.stage_history(tickets.frame, "ticket_id", stages),
            f"{tickets.label} (stage columns)",
            "hubspot",
            None,
            tickets.parse_once,
            stage_order_from_data=True,
            files=tickets.files,
        )

    def _format_of(self, table: str, headers: list[str]) -> str:
        match = helpdesk.recognised(headers, self.source_format)
        return match[0].name if match is not None and match[1] == table else "generic"

    def _column_map(self, table: str, headers: list[str], source_format: str) -> dict[str, str]:
        """Export header -> loaded name. Config mappings win, then the format's preset, then
        headers that already are neutral names up to case and spacing. A header whose name a
        mapping takes over keeps its data as "<header> (export)"."""
        configured = self.config.tables[table].columns if table in self.config.tables else {}
        by_norm = {normalise_name(k): v for k, v in configured.items()}
        mapping: dict[str, str] = {}
        for header in headers:
            target = configured.get(header) or by_norm.get(normalise_name(header))
            if target and target in mapping.values():
                raise UsageError(f"svcstats.toml maps two {table} columns onto {target!r}", "map one export column onto each name")
            if target:
                mapping[header] = target
        preset = hubspot.ticket_column_map(headers) if source_format == "hubspot" and table == "tickets" else {}
        neutral = {h: normalise_name(h) for h in headers if normalise_name(h) in TABLES[table].columns}
        for header, target in [*preset.items(), *neutral.items()]:
            if header not in mapping and target not in mapping.values():
                mapping[header] = target
        renames = {h: t for h, t in mapping.items() if h != t}
        taken = set(mapping.values())
        renames.update({h: f"{h} (export)" for h in headers if h in taken and h not in mapping})
        return renames

    def _timestamp_formats(self, raw: RawTable, names: list[str]) -> tuple[dict[str, TimestampFormats], set[str]]:
        """Formats for each text timestamp column, chosen from a sample of the first rows; and the
        columns whose sampled values those formats read as they are (none padded or unreadable)."""
        text_columns = [n for n in names if raw.schema[n] == pl.String]
        if not text_columns:
            return {}, set()
        try:
            sample = raw.frame.select(text_columns).head(SAMPLE_ROWS).collect()
        except pl.exceptions.PolarsError as exc:
            raise raw.read_error(exc) from exc
        formats, read = {}, set()
        for name in text_columns:
            values = [v for v in sample[name].to_list() if v is not None and v.strip()]
            chosen = detect_timestamp_formats(values, self.config.datetime_formats)
            if values and not (chosen.utc or chosen.aware or chosen.naive):
                raise DataError(
                    f"{raw.label}: {name} values such as {values[0]!r} are not a date-time svcstats can read",
                    "use ISO 8601 (2026-05-03T14:07:31Z or 2026-05-03 14:07) or add a strftime format to datetime_formats in svcstats.toml",
                )
            if chosen.naive and self.source_tz is None:
                if values:
                    raise naive_timestamps_error(f"{raw.label}: {name}", repr(first_naive(values, chosen)))
                # nothing sampled: accept zoned values; a local one later is counted as invalid
                chosen = TimestampFormats(chosen.aware, (), chosen.utc)
            formats[name] = chosen
            untrimmed = timestamp_from_text(pl.col(name), chosen, self.source_tz, trim=False)
            if values and pl.DataFrame({name: values}, schema={name: pl.String}).select(untrimmed.is_not_null().all()).item():
                read.add(name)
        return formats, read

    def _tuned_parse(self, raw: RawTable, name: str, kind: Kind, formats: TimestampFormats | None, sample_read: bool) -> pl.Expr | None:
        """For a text column whose full parse (`_parse`) tries every accepted form of a value the
        sample did not show, the parse of the sampled forms alone (None for any other column): the
        timestamp formats detected, values not trimmed (when they read every sampled value as it
        is, `sample_read`: else the first try would miss); the neutral sender words; the true and
        false words as the sample spells them (comparisons, not a trim and a lowercasing). It
        leaves null any value the full parse may still read."""
        if raw.schema[name] != pl.String:
            return None
        if kind is Kind.TIMESTAMP:
            assert formats is not None
            return timestamp_from_text(pl.col(name), formats, self.source_tz, trim=False) if sample_read else None
        if kind is Kind.SENDER_TYPE and _all_canonical(raw, name):
            return _as_sender_word(pl.col(name))
        if kind is Kind.BOOL:
            spellings = _sampled(raw, name).unique().to_list()
            return bool_from_spellings(pl.col(name), spellings) if spellings and set(spellings) <= BOOL_SPELLINGS else None
        return None

    def _parse(self, raw: RawTable, name: str, kind: Kind, formats: TimestampFormats | None, *, copied: bool = False) -> pl.Expr:
        """The expression turning export column `name` into `kind`'s neutral type; `copied` when
        the table is parsed once into memory (text is then trimmed outright, which costs less
        than `trimmed_text`'s test when every value is parsed once only)."""
        column, dtype, where = pl.col(name), raw.schema[name], f"{raw.label}: {name}"
        if dtype != pl.String and kind is not Kind.TIME and dtype == neutral_dtype(kind):
            # typed as loaded already (Parquet): a plain read, which filters can reach through (a
            # time of day is still read through its text, as before: seconds' fractions are not kept)
            return column
        if kind is Kind.TIMESTAMP:
            if dtype == pl.String:
                assert formats is not None
                return timestamps(column, formats, self.source_tz, self.config.datetime_formats)
            if dtype == pl.Null:
                return pl.lit(None, dtype=neutral_dtype(kind))
            if not isinstance(dtype, pl.Datetime | pl.Date):
                raise DataError(f"{where} holds {dtype} values, not date-times", "export it as ISO 8601 text or as a datetime column")
            return typed_timestamp(column, dtype, self.source_tz, where)
        if dtype.is_nested() or dtype in (pl.Binary, pl.Object):
            raise DataError(f"{where} holds {dtype} values, not {kind.value} values", "export it as plain values (text or numbers)")
        if dtype == pl.String and kind is Kind.SENDER_TYPE and _all_canonical(raw, name):
            # the export already uses the neutral words: a cast is 2.5x faster than mapping synonyms
            # (a synonym after the sampled rows is still mapped, by the fallback)
            return with_fallback(column, _as_sender_word, lambda c: text_expr(c, kind), pl.String())
        if dtype == pl.String and kind in (Kind.ID, Kind.TEXT):
            return text_expr(column, kind) if copied else trimmed_text(column)
        if dtype == pl.String:
            return text_expr(column, kind)
        return typed_expr(column, kind, dtype)

    def _missing_column_error(self, table: str, raw: RawTable, column: str) -> DataError:
        hint = f"name a column {column}, or map yours onto it under [tables.{table}.columns] in svcstats.toml"
        if raw.source_format == "generic":
            hint += helpdesk.hint((raw.exported if raw.exported is not None else raw.frame).collect_schema().names())
        return DataError(f"{raw.label}: required column {column!r} not found (columns: {_list(raw.schema.names())})", hint)


def _as_sender_word(column: pl.Expr) -> pl.Expr:
    """The values of a text column that are neutral sender words already (others null)."""
    return column.cast(pl.Enum(SENDER_TYPES), strict=False).cast(pl.String)


def _first_problem_only(problems: dict[Problem, pl.Expr]) -> dict[Problem, pl.Expr]:
    """Each row flagged by its first problem only, so that the counts add up to the rows left out."""
    exclusive: dict[Problem, pl.Expr] = {}
    earlier: list[pl.Expr] = []
    for problem, flagged in problems.items():
        exclusive[problem] = flagged & ~pl.any_horizontal(earlier) if earlier else flagged
        earlier.append(flagged)
    return exclusive


def _repeated(key: pl.Expr, unusable: list[pl.Expr] | list[str]) -> pl.Expr:
    """True for a usable row (none of `unusable` true) whose non-null `key` comes again in a later
    usable row: one hash pass in file order (a window over the key is 3x slower)."""
    usable = ~pl.any_horizontal(unusable) if unusable else pl.lit(True)
    return usable & key.is_not_null() & ~pl.when(usable).then(key).is_last_distinct()


def _unique(ids: pl.Series) -> bool:
    """Whether the non-null `ids` are all different, by a test cheaper than hashing them when it
    can tell: ids in strictly increasing order (as exports usually are) are unique, else their
    distinct count says it. Exact either way."""
    present = ids.drop_nulls()
    if present.len() < 2:
        return True
    if bool((present.slice(1) > present.slice(0, present.len() - 1)).all()):
        return True
    return present.n_unique() == present.len()


class KeyPass(NamedTuple):
    """What one pass over a table's key column found."""

    as_is: bool  # every value reads as exported (not tested: True); when False, nothing else was tested
    increasing: bool  # the non-null values increase strictly in file order
    nulls: int | None  # the rows without a key (None: not counted)


def _key_pass(frame: pl.LazyFrame, key: str, kind: Kind | None, engine: Engine) -> KeyPass:
    """Whether the key column reads as it is (`_unchanged_by_parse` as `kind`; not tested when
    None), whether its non-null values are strictly increasing in file order, and how many rows
    have none. On the streaming engine, in one pass a batch at a time: a comparison with the row
    before is not streamed, and over the whole column it held every id (0.42 GB for 10M ticket
    ids); each batch's first id is compared with the last one before it (slices of the column,
    each its own read, took 1.5x as long: 2.0 s for 50M message ids, 1.3 s by batches). The
    in-memory engine (--engine in-memory) tests the whole column at once."""
    ids = pl.col(key).drop_nulls()
    as_is = pl.lit(True) if kind is None else _unchanged_by_parse(pl.col(key), kind)
    tests = [as_is.alias("as_is"), (ids > ids.shift(1)).all().alias("increasing"), pl.col(key).null_count().alias("nulls")]
    column = frame.select(key)
    batches = (
        column.collect_batches(chunk_size=KEY_BATCH_ROWS, engine="streaming") if engine == "streaming" else [column.collect(engine=engine)]
    )
    increasing, last, nulls = True, None, 0
    for part in batches:
        found = part.select(*tests, ids.first().alias("first"), ids.last().alias("last")).row(0, named=True)
        if not found["as_is"]:
            return KeyPass(False, False, None)
        nulls += found["nulls"]
        if increasing and found["first"] is not None:
            increasing = bool(found["increasing"]) and (last is None or found["first"] > last)
            last = found["last"]
    return KeyPass(True, increasing, nulls)


def _unchanged_by_parse(column: pl.Expr, kind: Kind) -> pl.Expr:
    """True when parsing every value of the text `column` as `kind` (ID, TEXT or SENDER_TYPE)
    gives it back unchanged: neutral sender words; text neither empty nor padded (trimming only
    removes, so an unchanged length is an unchanged value)."""
    if kind is Kind.SENDER_TYPE:
        # comparisons with the four neutral words: is_in hashes every value (50M sender types: 0.25 -> 0.12 s)
        return (column.is_null() | pl.any_horizontal([column == word for word in SENDER_TYPES])).all()
    length = column.str.len_bytes()
    return (column.is_null() | ((length > 0) & (column.str.strip_chars().str.len_bytes() == length))).all()


def _sampled(raw: RawTable, name: str) -> pl.Series:
    """The first non-null values of column `name`."""
    try:
        return raw.frame.select(pl.col(name).drop_nulls().head(SAMPLE_ROWS)).collect().to_series()
    except pl.exceptions.PolarsError as exc:
        raise raw.read_error(exc) from exc


def _all_canonical(raw: RawTable, name: str) -> bool:
    """Whether the first values of a sender_type column are all neutral words already."""
    return bool(_sampled(raw, name).is_in(SENDER_TYPES).all())


def _list(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _files_of(export: helpdesk.Export) -> TableFiles | None:
    """A help-desk export's files as one table's (to say where a read failed), when of one kind."""
    kinds = {kind_of(path) for path in export.paths}
    kind = kinds.pop() if len(kinds) == 1 else None
    return TableFiles(export.table, export.paths, kind, export.label) if kind else None


def _line_offset(files: TableFiles) -> int | None:
    return 2 if files.kind == "csv" and len(files.paths) == 1 else None


def _unparsed(name: str, dtype: pl.DataType) -> pl.Expr:
    """True where the export's column `name` (kept as `raw:NAME`, of type `dtype`) holds a value
    (not null, not blank text) that its parse (column `name`) left null. The blank test reads the
    values left null only (the column masked to them): over every row it cost 26 ms per 5M values."""
    raw, parsed = pl.col(f"raw:{name}"), pl.col(name)
    if dtype == pl.String:
        return (pl.when(parsed.is_null()).then(raw).str.strip_chars() != "").fill_null(False)
    return raw.is_not_null() & parsed.is_null()


def can_fail(kind: Kind, dtype: pl.DataType) -> bool:
    """Whether parsing a `dtype` column into `kind` can turn a value into null (and so needs a check)."""
    if kind in NEVER_BAD:
        return False
    if kind is Kind.TIMESTAMP and isinstance(dtype, pl.Datetime):
        return dtype.time_zone is None  # local times can fall in a DST gap
    if kind is Kind.SENDER_TYPE and dtype == pl.String:
        return True  # text as the neutral type, but mapped word by word: an unknown word is no sender type
    return dtype != neutral_dtype(kind)


def _problems_check(
    checked: pl.LazyFrame,
    staged: pl.LazyFrame,
    problems: dict[Problem, pl.Expr],
    raw: RawTable,
    place: Callable[[int], str],
    counted: list[int],
) -> Check:
    """Count the rows with each problem numbered in `counted` (flag columns `problem:i` of
    `checked`); for a problem with any, look up the first such row and its value in `staged` with
    a second query (only then)."""
    chosen = [problem for i, problem in enumerate(problems) if i in counted]

    def example(problem: Problem) -> str:
        value = pl.col(problem.raw).cast(pl.String) if problem.raw else pl.lit(None, pl.String)
        first = (
            staged.with_row_index("row:example")
            .filter(problems[problem])
            .select(value.alias("value"), "row:example")
            .head(1)
            .collect(engine="in-memory")
        )
        value, row = first.row(0)
        return f"{value!r} on {place(row)}" if value is not None else place(row)

    def read(result: pl.DataFrame) -> list[Finding]:
        return [
            Finding(raw.label, problem.what, int(count), "warning", example(problem))
            for problem, count in zip(chosen, result.row(0), strict=True)
            if count
        ]

    return Check(checked.select(pl.col(f"problem:{i}").sum() for i in counted), read)


def _file_line(raw: RawTable, row: int) -> int:
    """The file line of data row `row` (0-based) of a single CSV file, counting line breaks
    inside quoted values of the rows before it."""
    assert raw.line_offset is not None
    text = raw.frame.head(row).select(pl.col(pl.String).str.count_matches("\n").fill_null(0).sum())
    breaks = sum(v or 0 for v in text.collect(engine="in-memory").row(0)) if row else 0
    return row + raw.line_offset + breaks


def first_naive(values: list[str], formats: TimestampFormats) -> str:
    """The first sampled value that has no time zone (so needs a source time zone)."""
    sample = pl.Series(values, dtype=pl.String).str.strip_chars()
    zoned = [sample.str.to_datetime(f, strict=False, time_unit="us", time_zone="UTC").is_not_null() for f in formats.aware]
    zoned += [sample.str.to_datetime(f, strict=False, time_unit="us").is_not_null() for f in formats.utc]
    has_zone = pl.Series([False] * len(values)) if not zoned else pl.DataFrame(zoned).select(pl.any_horizontal(pl.all())).to_series()
    return next((v for v, z in zip(values, has_zone, strict=True) if not z), values[0])
