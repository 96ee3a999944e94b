"""Help-desk exports read as they come: find them in a folder under their own file names,
recognise the help desk from the headers, and apply its preset (`svcstats.loaders.presets`):
headers onto neutral columns, values and units translated, figures such as Zendesk's first
reply time turned into timestamps. The result is still text (parsed by `Dataset.load`), except
figure timestamps and converted durations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from polars.datatypes import DataTypeClass

from svcstats.errors import DataError, first_line
from svcstats.findings import Check, Finding
from svcstats.loaders.files import TableFiles, kind_of, scan
from svcstats.loaders.parse import TIMESTAMP, detect_timestamp_formats, timestamp_from_text
from svcstats.loaders.presets import PRESETS, aggregate, recognise
from svcstats.loaders.presets.base import DROP, Preset, TableMap, norm
from svcstats.schema import TABLES

SAMPLE_ROWS = 2000
RECORD_KEYS = ("conversations", "payload", "data", "tickets", "results", "records")  # where API pages keep their records
FACTORS = {"seconds": 1.0, "minutes": 60.0, "hours": 3600.0}
MANIFEST_PREFIX = "svcstats-"  # svcstats' own manifests (svcstats-pull.json, svcstats-convert.json) are no exports


@dataclass(frozen=True)
class Export:
    """One help desk's export of one table: its files, frame (flattened, as exported) and preset."""

    preset: Preset
    table: str
    paths: tuple[Path, ...]
    frame: pl.LazyFrame

    @property
    def label(self) -> str:
        """How messages name it: the file name (and how many files)."""
        extra = f" (+{len(self.paths) - 1} files)" if len(self.paths) > 1 else ""
        return f"{self.paths[0].name}{extra}"


@dataclass
class Adapted:
    """An export mapped by its preset: the frame with loaded names, plus notes and checks to add
    when a column is loaded (`notes` only without a messages table)."""

    frame: pl.LazyFrame
    notes: dict[str, Check] = field(default_factory=dict)
    checks: dict[str, Check] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # figure timestamp -> the duration column it is made from

    def checks_for(self, columns: list[str], *, events: bool) -> list[Check]:
        """The checks of the loaded `columns` (and of the durations their figures come from), and
        their notes when no event table (`events`, e.g. messages) gives the same figure a better way."""
        notes = [] if events else [self.notes[c] for c in columns if c in self.notes]
        used = dict.fromkeys([*columns, *(self.inputs[c] for c in columns if c in self.inputs)])
        return [*notes, *(self.checks[c] for c in used if c in self.checks)]


def read_export(path: Path) -> pl.LazyFrame:
    """A file's rows as exported, nested objects flattened to dotted names (`meta.assignee.name`)."""
    kind = kind_of(path)
    if kind is None:
        raise DataError(f"{path.name}: cannot read this kind of file", "use csv, xlsx, parquet, json or ndjson")
    return flatten(scan(TableFiles(path.stem, (path,), kind, path.name)))


def json_records(path: Path) -> pl.LazyFrame:
    """The records of a JSON file, nested objects flattened: a list of objects, or an API page
    keeping them under a known key (`conversations`, `data.payload`, ...). Read by Polars (twice
    as fast); a file whose values it cannot fit into one schema is read through Python instead."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        frame = pl.read_json(path, infer_schema_length=None)
    except OSError as exc:
        raise DataError(f"{path.name}: cannot read: {exc.strerror or exc}") from None
    except (pl.exceptions.PolarsError, ValueError, RuntimeError):
        return flatten(_python_records(path))
    if not start.startswith(b"["):
        frame = _unwrapped(frame)
    return flatten(frame.lazy())


def _unwrapped(page: pl.DataFrame) -> pl.DataFrame:
    """The records an API page (one row) keeps under a known key; the page itself when it has none."""
    while page.height == 1:
        key = next((k for k in RECORD_KEYS if k in page.columns and isinstance(page.schema[k], pl.List | pl.Struct)), None)
        if key is None:
            break
        dtype = page.schema[key]
        if isinstance(dtype, pl.Struct):
            page = page.select(pl.col(key)).unnest(key)
            continue
        inner = dtype.inner if isinstance(dtype, pl.List) else None
        if isinstance(inner, pl.Null):
            return pl.DataFrame()  # an empty page
        if not isinstance(inner, pl.Struct):
            break
        return page.select(pl.col(key).explode()).filter(pl.col(key).is_not_null()).unnest(key)
    return page


def _python_records(path: Path) -> pl.LazyFrame:
    """`json_records` through Python's json module and `pl.from_dicts` (any mix of value types)."""
    try:
        value = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"{path.name}: not readable JSON: {first_line(exc)}") from None
    while isinstance(value, dict):
        inner = next((value[k] for k in RECORD_KEYS if isinstance(value.get(k), list | dict)), None)
        if inner is None:
            value = [value]
            break
        value = inner
    records = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
    if not records:
        return pl.LazyFrame()
    kinds: dict[str, set[bool]] = {}
    for record in records:
        for key, item in record.items():
            if item is not None:
                kinds.setdefault(key, set()).add(isinstance(item, dict | list))
    mixed = {key for key, seen in kinds.items() if len(seen) > 1}  # an object here, a plain value there: keep the text
    if mixed:
        records = [{k: json.dumps(v) if k in mixed and isinstance(v, dict | list) else v for k, v in r.items()} for r in records]
    try:
        return pl.from_dicts(records, infer_schema_length=None).lazy()
    except pl.exceptions.PolarsError as exc:
        raise DataError(
            f"{path.name}: its records do not share one shape ({first_line(exc)})", "save the records with the same fields and types"
        ) from None


def flatten(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Struct columns replaced by one column per leaf field, named with dots."""
    schema = frame.collect_schema()
    if not any(isinstance(t, pl.Struct) for t in schema.dtypes()):
        return frame
    exprs: list[pl.Expr] = []

    def walk(expr: pl.Expr, name: str, dtype: pl.DataType | DataTypeClass) -> None:
        if isinstance(dtype, pl.Struct):
            for f in dtype.fields:
                walk(expr.struct.field(f.name), f"{name}.{f.name}", f.dtype)
        else:
            exprs.append(expr.alias(name))

    for name, dtype in schema.items():
        walk(pl.col(name), name, dtype)
    return frame.select(exprs)


def _readable(path: Path) -> pl.LazyFrame | None:
    """The export in `path` with its schema known, or None when it is not a readable table
    (a file in the folder that is no export is passed over)."""
    try:
        frame = read_export(path)
        frame.collect_schema()
    except (DataError, OSError, pl.exceptions.PolarsError):
        return None
    return frame


def find_exports(root: Path, only: Path | None, source_format: str) -> dict[str, Export]:
    """The help-desk exports in `root` under their own file names (or the one file `only`), by
    the table they hold. Files named after a neutral table are left to the by-name lookup."""
    if only is not None:
        candidates = [only]
    else:
        candidates = sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith((".", "~$", MANIFEST_PREFIX)) and kind_of(p))
        candidates = [p for p in candidates if _stem(p) not in TABLES]
    found: dict[str, list[tuple[Preset, Path, pl.LazyFrame]]] = {}
    downloads: list[tuple[Preset, Path]] = []
    for path in candidates:
        frame = read_export(path) if only is not None else _readable(path)  # one file given: its error stands
        headers = frame.collect_schema().names() if frame is not None else []
        match = recognised(headers, source_format)
        if match is None or frame is None:
            stuck = aggregate(headers) or (_chatwoot_report(path) if path.suffix.lower() == ".csv" else None)
            if stuck is not None:
                downloads.append((stuck, path))
            continue
        preset, table = match
        found.setdefault(table, []).append((preset, path, frame))
    if downloads and not found:  # an aggregate download alone: say why it cannot be used
        stuck, path = downloads[0]
        raise DataError(f"{path.name} is a {stuck.label} report download", stuck.aggregate_hint)
    exports = {}
    for table, entries in found.items():
        presets = {p.name for p, _, _ in entries}
        if len(presets) > 1:
            names = ", ".join(f"{path.name} ({p.label})" for p, path, _ in entries)
            raise DataError(f"{root} holds {table} exports of more than one help desk: {names}", "keep one help desk per folder")
        paths = tuple(path for _, path, _ in entries)
        frames = [frame for _, _, frame in entries]
        frame = frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed")
        exports[table] = Export(entries[0][0], table, paths, frame)
    return exports


def file_as_table(path: Path, table: str) -> TableFiles | None:
    """One --data FILE named after `table` (tickets.csv), as that table's files."""
    kind = kind_of(path)
    return TableFiles(table, (path,), kind, path.name) if kind and _stem(path) == table else None


def unread_hint(root: Path, source_format: str, table: str) -> str:
    """The end of the hint when `table` is missing from a folder: the help desk's own format when
    its export is there but was read as generic."""
    export = _as_auto(root, None, source_format, table)
    return f" (for a {export.preset.label} export, --source-format {export.preset.name})" if export else ""


def file_error(path: Path, table: str, tickets_format: str, source_format: str) -> DataError:
    """The error when the one --data FILE does not give `table`."""
    export = _as_auto(path.parent, path, source_format, table)
    if export is not None:
        return DataError(f"{path.name} is a {export.preset.label} export", f"read it with --source-format {export.preset.name} or auto")
    if tickets_format in PRESETS:
        hint = table_hint(tickets_format, table) + f"point --data at a folder holding {table} as well"
        return DataError(f"{path.name} holds no {table}", hint)
    return DataError(
        f"{path.name} is not a help desk's export svcstats recognises, nor named after a table ({table} is needed)",
        f"`svcstats data map {path}` writes a svcstats.toml mapping with guesses; or name it {table}.csv if it has the neutral columns",
    )


def _as_auto(root: Path, only: Path | None, source_format: str, table: str) -> Export | None:
    """The export of `table` auto-recognition would find where `source_format` found none."""
    if source_format == "auto":
        return None
    try:
        return find_exports(root, only, "auto").get(table)
    except DataError:
        return None


def _chatwoot_report(path: Path) -> Preset | None:
    """Chatwoot's report downloads start with a "Reporting period ..." line."""
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            first = handle.readline()
    except OSError:
        return None
    return PRESETS["chatwoot"] if first.strip().strip('"').casefold().startswith("reporting period") else None


def _stem(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".csv.gz", ".csv", ".tsv", ".parquet", ".ndjson", ".jsonl", ".json", ".xlsx"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def recognised(headers: list[str], source_format: str) -> tuple[Preset, str] | None:
    """The preset and table for `headers`: recognised (auto) or the named format's, if it fits."""
    if source_format == "generic":
        return None
    if source_format == "auto":
        return recognise(headers)
    preset = PRESETS[source_format]
    found = {norm(h) for h in headers}
    table = next((t for t, spec in preset.tables.items() if spec.derived_from is None and found & _all_headers(spec)), None)
    return (preset, table) if table else None


def _all_headers(spec: TableMap) -> set[str]:
    return {norm(h) for headers in spec.columns.values() for h in headers} | {h for group in spec.signature for h in group}


def adapt(frame: pl.LazyFrame, preset: Preset, spec: TableMap, label: str, source_tz: str | None) -> Adapted:
    """`frame` (an export as read) with the preset's columns, values and units applied; unmapped
    columns pass through under their own names."""
    schema = frame.collect_schema()
    by_norm: dict[str, str] = {}
    for header in schema.names():
        by_norm.setdefault(norm(header), header)
    texts: dict[str, pl.Expr] = {}
    sources: dict[str, str] = {}
    used: set[str] = set()
    for name, headers in spec.columns.items():
        present = [by_norm[norm(h)] for h in headers if norm(h) in by_norm and _scalar(schema[by_norm[norm(h)]])]
        if not present:
            continue
        used.update(present)
        sources[name] = present[0]
        parts = [_text(pl.col(h), schema[h]) for h in present]
        texts[name] = parts[0] if len(parts) == 1 else pl.coalesce(parts)
    adapted = Adapted(frame)
    exprs: dict[str, pl.Expr] = {}
    drops: list[pl.Expr] = []
    for name, text in texts.items():
        value = text
        mapping = spec.values.get(name)
        if mapping:
            kept = {k: v for k, v in mapping.items() if v != DROP}
            dropped = [k for k, v in mapping.items() if v == DROP]
            lowered = text.str.to_lowercase()
            value = lowered.replace_strict(kept, default=text, return_dtype=pl.String) if kept else text
            if dropped:
                drops.append(lowered.is_in(dropped) | (text.is_null() if "" in dropped else pl.lit(False)))
        pattern = spec.patterns.get(name)
        if pattern is not None:
            value = pl.coalesce(value.str.extract(pattern, 1), value)
        unit = spec.units.get(name)
        if unit is not None:
            value = _in_unit(value, unit)
            if unit in (*FACTORS, "hms"):
                adapted.checks[name] = _unit_check(frame, text, value, label, sources[name], unit)
        exprs[name] = value
    for name, (source, mapping, default) in spec.derive.items():
        if source in texts:
            lowered = texts[source].str.to_lowercase()
            derived = lowered.replace_strict(mapping, default=default, return_dtype=pl.String)
            exprs[name] = pl.when(texts[source].is_not_null()).then(derived)
    for name, constant in spec.constants.items():
        exprs[name] = pl.lit(constant)
    keep = [h for h in schema.names() if h not in used and h not in exprs]
    out = frame
    if drops:
        out = out.filter(~pl.any_horizontal(drops).fill_null(False))
    out = out.select(*keep, **exprs)
    if spec.required_value is not None and spec.required_value in exprs:
        out = out.filter(pl.col(spec.required_value).is_not_null())
    adapted.frame = out
    for name, figure in spec.figures.items():
        if name not in exprs and figure.start in exprs and figure.seconds in exprs:
            figure_at = _figure(out, figure.start, figure.seconds, source_tz)
            # without the zone of local start times the column stays empty (loading them says what to do)
            adapted.frame = adapted.frame.with_columns((figure_at if figure_at is not None else pl.lit(None, TIMESTAMP)).alias(name))
            adapted.notes[name] = _note(adapted.frame, name, label, figure.note)
            adapted.inputs[name] = figure.seconds
    return adapted


def _scalar(dtype: pl.DataType) -> bool:
    return not isinstance(dtype, pl.List | pl.Array | pl.Struct | pl.Object)


def _text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A column as stripped text, blanks as null."""
    text = column.cast(pl.String).str.strip_chars() if dtype != pl.String else column.str.strip_chars()
    return pl.when(text.str.len_bytes() > 0).then(text)


def _in_unit(text: pl.Expr, unit: str) -> pl.Expr:
    """`text` (in `unit`) in its neutral form: ISO UTC text for instants, seconds for durations."""
    if unit == "epoch":
        number = text.cast(pl.Float64, strict=False)
        seconds = pl.when(number > 1e11).then(number / 1000).otherwise(number)
        micros = (seconds * 1_000_000).round().cast(pl.Int64, strict=False)
        iso = pl.from_epoch(micros, time_unit="us").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        return pl.coalesce(iso, text)  # text that is no number stays, to be counted as invalid
    if unit == "utc":
        bare = text.str.replace(r"\s*(UTC|Z)$", "")
        return pl.when(bare.str.contains(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d$")).then(bare.str.replace(" ", "T") + "Z").otherwise(text)
    if unit == "hms":
        parts = text.str.extract_groups(r"^(\d+):([0-5]\d):([0-5]\d)$")
        clock = sum((parts.struct.field(str(i + 1)).cast(pl.Float64) * f for i, f in enumerate((3600, 60, 1))), pl.lit(0.0))
        return pl.coalesce(clock, text.cast(pl.Float64, strict=False) * 3600)
    return text.cast(pl.Float64, strict=False) * FACTORS[unit]


def _unit_check(frame: pl.LazyFrame, text: pl.Expr, value: pl.Expr, label: str, header: str, unit: str) -> Check:
    """A warning counting values of a duration column that are not a number in `unit` (left empty)."""
    bad = text.is_not_null() & value.is_null()
    what = f"{header} is not {'H:MM:SS' if unit == 'hms' else f'a number of {unit}'} (taken as empty)"
    summary = frame.select(bad.sum().alias("rows"), text.filter(bad).first().alias("example"))

    def read(result: pl.DataFrame) -> list[Finding]:
        rows, example = result.row(0)
        return [Finding(label, what, int(rows), "warning", repr(example), verb="with a value")] if rows else []

    return Check(summary, read)


def _figure(frame: pl.LazyFrame, start: str, seconds: str, source_tz: str | None) -> pl.Expr | None:
    """`start` (text) plus `seconds` as a UTC timestamp; None when the start times cannot be placed
    (local times without --source-tz: loading the start column itself says so)."""
    sample = frame.select(pl.col(start)).head(SAMPLE_ROWS).collect().to_series().drop_nulls().to_list()
    formats = detect_timestamp_formats(sample)
    if formats.naive and source_tz is None:
        return None
    began = timestamp_from_text(pl.col(start), formats, source_tz)
    return began + pl.duration(microseconds=(pl.col(seconds) * 1_000_000).round().cast(pl.Int64, strict=False))


def _note(frame: pl.LazyFrame, name: str, label: str, note: str) -> Check:
    """A note counting the rows whose `name` comes from the export's own figure."""

    def read(result: pl.DataFrame) -> list[Finding]:
        rows = int(result.item())
        return [Finding(label, note, rows, "note", unit="ticket", verb="timed from the export's figure")] if rows else []

    return Check(frame.select(pl.col(name).is_not_null().sum()), read)


def describe(source_format: str, label: str) -> str:
    """How -v and `data check` name a table read through a preset: "Zendesk export (file.csv)"."""
    preset = PRESETS.get(source_format)
    return f"{preset.label if preset else source_format} export: {label}"


def table_hint(source_format: str, table: str) -> str:
    """The start of the hint for a table a help desk's export does not carry, or ""."""
    preset = PRESETS.get(source_format)
    if preset is None or table in preset.tables:
        return ""
    return f"{preset.label}'s export carries no {table}: "


def hint(headers: list[str]) -> str:
    """The --source-format to suggest for an export read as generic, or ""."""
    match = recognise(headers)
    if match is None:
        return ""
    return f" (for a {match[0].label} export, --source-format {match[0].name})"
