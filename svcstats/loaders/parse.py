"""Turn raw export values into neutral-schema values, one Polars expression per column.

Timestamps are parsed with explicit formats (never inferred per value: Polars 2.1's own CSV
date parsing is 3-4.5x slower, and inference hides bad values). The formats a column needs are
chosen once from a sample of its values and tried first; a value none of them parses is tried
with every other accepted format (`with_fallback`: only those values, so the usual case costs
nothing), so a form that first appears after the sample is read like any other. A value that
cannot be parsed becomes null; the loader counts such values (raw not null, parsed null) and
leaves their rows out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import time

import polars as pl

from svcstats.errors import DataError
from svcstats.schema import Kind

UTC = "UTC"
TIMESTAMP = pl.Datetime("us", UTC)

# Formats in the order they are tried; documented in the README. A literal Z parses about 1.6x
# faster as a naive time labelled UTC than through %#z, so it comes first.
UTC_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S%.fZ")
AWARE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z", "%Y-%m-%d %H:%M%#z")
NAIVE_FORMATS = ("%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d")

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
# every spelling the bool parse reads as it is (no white space; any case of the words)
BOOL_SPELLINGS = frozenset(spelled for word in (*TRUE_WORDS, *FALSE_WORDS) for spelled in (word, word.upper(), word.title()))
SOURCE_WORDS = {
    "chat": "chat", "live chat": "chat", "livechat": "chat", "messenger": "chat",
    "email": "email", "e-mail": "email", "mail": "email",
    "form": "form", "form submission": "form", "web form": "form", "webform": "form", "forms": "form",
    "phone": "phone", "call": "phone", "voice": "phone", "calling": "phone",
}  # fmt: skip
SENDER_WORDS = {
    **{word: "customer" for word in ("customer", "contact", "visitor", "user", "end-user", "end_user", "requester")},
    **{word: "agent" for word in ("agent", "rep", "admin", "teammate", "human", "owner")},
    **{word: "bot" for word in ("bot", "ai", "chatbot", "customer agent", "ai agent")},
    "system": "system",
}
WEEKDAY_WORDS = {
    **{str(n): n for n in range(1, 8)},
    **{name: n for n, name in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), start=1)},
    **{name: n for n, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"), start=1)},
}  # fmt: skip


@dataclass(frozen=True)
class TimestampFormats:
    """The formats one timestamp column is parsed with: UTC ones (ending in a literal Z), ones
    with an offset, and local ones (without a zone)."""

    aware: tuple[str, ...]
    naive: tuple[str, ...]
    utc: tuple[str, ...] = ()


def has_zone(fmt: str) -> bool:
    """True for a strftime format that reads an offset or zone name."""
    return any(code in fmt for code in ("%z", "%:z", "%#z", "%Z"))


def detect_timestamp_formats(sample: Sequence[str], extra: Sequence[str] = ()) -> TimestampFormats:
    """Pick the formats, in order, that together parse the sampled values of one column.

    An empty sample (the column is empty where sampled) keeps every known format.
    A sample no format parses returns no formats; the caller reports it.
    """
    values = pl.Series([v.strip() for v in sample if v and v.strip()], dtype=pl.String)
    if values.is_empty():
        zoned = tuple(f for f in extra if has_zone(f))
        return TimestampFormats((*AWARE_FORMATS, *zoned), (*NAIVE_FORMATS, *(f for f in extra if not has_zone(f))), UTC_FORMATS)
    candidates = [(f, "utc") for f in UTC_FORMATS] + [(f, "aware") for f in AWARE_FORMATS]
    candidates += [(f, "aware" if has_zone(f) else "naive") for f in (*NAIVE_FORMATS, *extra)]
    chosen: dict[str, list[str]] = {"utc": [], "aware": [], "naive": []}
    remaining = values
    for fmt, group in candidates:
        if remaining.is_empty():
            break
        parsed = remaining.str.to_datetime(fmt, strict=False, time_unit="us", time_zone=UTC if group == "aware" else None)
        if parsed.is_not_null().any():
            chosen[group].append(fmt)
            remaining = remaining.filter(parsed.is_null())
    return TimestampFormats(tuple(chosen["aware"]), tuple(chosen["naive"]), tuple(chosen["utc"]))


def every_format(extra: Sequence[str], source_tz: str | None) -> TimestampFormats:
    """Every accepted format (the built-in ones and `extra`); local ones only with a source zone."""
    zoned = tuple(f for f in extra if has_zone(f))
    naive = (*NAIVE_FORMATS, *(f for f in extra if not has_zone(f))) if source_tz is not None else ()
    return TimestampFormats((*AWARE_FORMATS, *zoned), naive, UTC_FORMATS)


def timestamps(column: pl.Expr, formats: TimestampFormats, source_tz: str | None, extra: Sequence[str] = ()) -> pl.Expr:
    """UTC timestamps from text: the `formats` chosen from a sample first, then, for the values
    they leave unparsed, every other accepted format (so parsing never depends on the sample)."""
    everything = every_format(extra, source_tz)
    rest = TimestampFormats(
        tuple(f for f in everything.aware if f not in formats.aware),
        tuple(f for f in everything.naive if f not in formats.naive),
        tuple(f for f in everything.utc if f not in formats.utc),
    )
    if not (rest.aware or rest.naive or rest.utc):
        return timestamp_from_text(column, formats, source_tz)
    return with_fallback(
        column, lambda c: timestamp_from_text(c, formats, source_tz), lambda c: timestamp_from_text(c, rest, source_tz), TIMESTAMP
    )


def with_fallback(column: pl.Expr, fast: Callable[[pl.Expr], pl.Expr], slow: Callable[[pl.Expr], pl.Expr], dtype: pl.DataType) -> pl.Expr:
    """`fast(column)`, with `slow` applied to the values `fast` leaves null (only those: batch by
    batch, vectorised), for parsers tuned on a sample that must still read every row."""

    def parse(values: pl.Series) -> pl.Series:
        frame = values.to_frame("value")
        parsed = frame.select(fast(pl.col("value")).cast(dtype).alias("value")).to_series()
        missed = parsed.is_null() & values.is_not_null()
        if not missed.any():
            return parsed
        again = frame.filter(missed).select(slow(pl.col("value")).cast(dtype).alias("value")).to_series()
        return parsed.scatter(missed.arg_true(), again)

    return column.map_batches(parse, return_dtype=dtype, is_elementwise=True)


def timestamp_from_text(column: pl.Expr, formats: TimestampFormats, source_tz: str | None, *, trim: bool = True) -> pl.Expr:
    """UTC timestamps from text with the given formats; naive ones are local to `source_tz`.
    Without `trim`, a value with white space around it may be left unparsed (null; Polars reads
    some leading white space, not trailing), for a caller that parses such values again trimmed."""
    text = column.str.strip_chars() if trim else column
    parts = [text.str.to_datetime(f, strict=False, time_unit="us").dt.replace_time_zone(UTC) for f in formats.utc]
    parts += [text.str.to_datetime(f, strict=False, time_unit="us", time_zone=UTC) for f in formats.aware]
    if formats.naive:
        if source_tz is None:
            raise ValueError("naive formats need a source time zone")
        naive = [text.str.to_datetime(f, strict=False, time_unit="us") for f in formats.naive]
        local = naive[0] if len(naive) == 1 else pl.coalesce(naive)
        parts.append(localize(local, source_tz))
    return parts[0] if len(parts) == 1 else pl.coalesce(parts)


def localize(naive: pl.Expr, source_tz: str) -> pl.Expr:
    """Naive local timestamps in `source_tz` as UTC; a time skipped by a DST change becomes null
    (and so is counted as unparseable), a repeated one takes its earlier instant."""
    return naive.dt.replace_time_zone(source_tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone(UTC)


def typed_timestamp(column: pl.Expr, dtype: pl.DataType, source_tz: str | None, where: str) -> pl.Expr:
    """UTC timestamps from an already typed (Parquet, Excel) Datetime or Date column."""
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return column.dt.convert_time_zone(UTC).dt.cast_time_unit("us")
    if source_tz is None:
        raise naive_timestamps_error(where, "(a time-zone-less datetime column)")
    return localize(column.cast(pl.Datetime("us")), source_tz)


def naive_timestamps_error(where: str, example: str) -> DataError:
    """The error for local times without a zone when no source time zone is configured."""
    return DataError(
        f"{where} holds times without a time zone, e.g. {example}, and no source time zone is set",
        "pass --source-tz ZONE (for example --source-tz Europe/Oslo, or UTC if the export is in UTC) or set source_tz in svcstats.toml",
    )


def text_expr(column: pl.Expr, kind: Kind) -> pl.Expr:
    """Parse a text column into `kind` (everything but timestamps); unknown words become null."""
    text = column.str.strip_chars()
    lowered = text.str.to_lowercase()
    if kind in (Kind.ID, Kind.TEXT):
        return pl.when(text.str.len_bytes() > 0).then(text)
    if kind is Kind.BOOL:
        return pl.when(lowered.is_in(TRUE_WORDS)).then(True).when(lowered.is_in(FALSE_WORDS)).then(False)
    if kind is Kind.INT:
        return text.cast(pl.Float64, strict=False).cast(pl.Int64, strict=False)
    if kind is Kind.FLOAT:
        return text.cast(pl.Float64, strict=False)
    if kind is Kind.DATE:
        return text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    if kind is Kind.TIME:
        midnight = pl.when(text.str.strip_chars().is_in(["24:00", "24:00:00"])).then(pl.lit(time(0)))  # end of the day
        return pl.coalesce(text.str.to_time("%H:%M", strict=False), text.str.to_time("%H:%M:%S", strict=False), midnight)
    if kind is Kind.DURATION:
        return duration_seconds(text)
    if kind is Kind.SOURCE:
        return pl.when(text.str.len_bytes() > 0).then(lowered.replace_strict(SOURCE_WORDS, default="other"))
    if kind is Kind.SENDER_TYPE:
        return lowered.replace_strict(SENDER_WORDS, default=None)
    if kind is Kind.WEEKDAY:
        return lowered.replace_strict(WEEKDAY_WORDS, default=None, return_dtype=pl.Int8)
    raise AssertionError(f"no text parser for {kind}")


def bool_from_spellings(column: pl.Expr, spellings: Iterable[str]) -> pl.Expr:
    """True and false for the exact `spellings` (of BOOL_SPELLINGS) in a text column, null for
    any other value: `text_expr(column, Kind.BOOL)` for those values, by comparisons alone."""
    parsed = pl.lit(None, pl.Boolean)
    for spelled in sorted(spellings):
        parsed = pl.when(column == spelled).then(spelled.lower() in TRUE_WORDS).otherwise(parsed)
    return parsed


def trimmed_text(column: pl.Expr) -> pl.Expr:
    """`text_expr(column, Kind.TEXT)` (trimmed, empty as null) without the work where it changes
    nothing: a batch whose values have no surrounding white space and none empty is passed on as
    it is (a test half as costly as trimming; exports' ids and names are usually clean)."""

    def trim(values: pl.Series) -> pl.Series:
        lengths = values.str.len_bytes()
        if not ((lengths == 0).any() or (values.str.strip_chars().str.len_bytes() != lengths).any()):
            return values
        return values.to_frame().select(text_expr(pl.col(values.name), Kind.TEXT)).to_series()

    return column.map_batches(trim, return_dtype=pl.String, is_elementwise=True)


def duration_seconds(text: pl.Expr) -> pl.Expr:
    """Seconds from "H:MM:SS" (hours may exceed 24) or from a plain number of seconds."""
    parts = text.str.extract_groups(r"^(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$")
    clock = (
        parts.struct.field("1").cast(pl.Float64) * 3600
        + parts.struct.field("2").cast(pl.Float64) * 60
        + parts.struct.field("3").cast(pl.Float64)
    )
    return pl.coalesce(clock, text.cast(pl.Float64, strict=False))


def typed_expr(column: pl.Expr, kind: Kind, dtype: pl.DataType) -> pl.Expr:
    """Bring an already typed (non-text) column to `kind`'s type."""
    if kind in (Kind.ID, Kind.TEXT):
        if dtype.is_float():
            # ids read as floats (Excel) print without ".0" when they are whole numbers
            whole = column.cast(pl.Int64, strict=False)
            return pl.when(whole.cast(pl.Float64) == column).then(whole.cast(pl.String)).otherwise(column.cast(pl.String))
        return column.cast(pl.String)
    if kind is Kind.BOOL:
        return column.cast(pl.Boolean, strict=False)
    if kind is Kind.INT:
        return column.cast(pl.Int64, strict=False)
    if kind in (Kind.FLOAT, Kind.DURATION):
        return column.cast(pl.Float64, strict=False)
    if kind is Kind.DATE:
        return column.cast(pl.Date, strict=False)
    if kind is Kind.WEEKDAY:
        return column.cast(pl.Int8, strict=False)
    return text_expr(column.cast(pl.String), kind)


def neutral_dtype(kind: Kind) -> pl.DataType:
    """The Polars type a column of `kind` has after loading."""
    return {
        Kind.TIMESTAMP: TIMESTAMP,
        Kind.DATE: pl.Date(),
        Kind.TIME: pl.Time(),
        Kind.BOOL: pl.Boolean(),
        Kind.INT: pl.Int64(),
        Kind.FLOAT: pl.Float64(),
        Kind.DURATION: pl.Float64(),
        Kind.WEEKDAY: pl.Int8(),
    }.get(kind, pl.String())
