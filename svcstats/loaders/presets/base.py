"""What a help-desk preset declares: for each neutral table, which export headers fill which
columns, how their values and units translate, and how the export is recognised.

Pure data (no Polars), so that the CLI can list presets without importing it. The code that
applies a preset to an export is `svcstats.loaders.helpdesk`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

# Units a column may be declared in; each is turned into the neutral form when loading.
#   epoch    Unix seconds (milliseconds above 1e11) -> an ISO 8601 UTC timestamp
#   utc      "YYYY-MM-DD HH:MM:SS[ UTC]" known to be UTC -> an ISO 8601 UTC timestamp
#   minutes, hours, seconds  a number -> seconds (float)
#   hms      "H:MM:SS" (hours may exceed 24; a plain number counts hours) -> seconds (float)
UNITS = ("epoch", "utc", "minutes", "hours", "seconds", "hms")
DROP = "\x00drop"  # a value-map target: the row is not a record of this table (e.g. no survey sent)


@dataclass(frozen=True)
class Figure:
    """A timestamp the export does not carry but lets svcstats derive: `start` plus the duration
    column `seconds` (both loaded names), used when no event data gives it; `note` says so."""

    start: str
    seconds: str
    note: str


@dataclass(frozen=True)
class TableMap:
    """How one neutral table is read from a help desk's export.

    `columns`: loaded name -> export headers (matched case-insensitively, spacing collapsed);
    the first non-empty of them gives the value. `units`: loaded name -> a unit of `UNITS`.
    `values`: loaded name -> {raw value (case-folded) -> loaded value}; unlisted values are kept,
    a target of `DROP` leaves the row out. `derive`: loaded name -> (other loaded name, map of
    its raw case-folded values, default) for columns computed from another one (is_closed from
    status). `constants`:
    loaded name -> fixed text. `figures`: timestamps derived from the export's own durations.
    `signature`: groups of headers; the export is recognised when it has one of each group.
    `derived_from`: the table whose export holds these rows too (csat in a ticket export).
    """

    columns: dict[str, tuple[str, ...]]
    signature: tuple[frozenset[str], ...] = ()
    units: dict[str, str] = field(default_factory=dict)
    values: dict[str, Mapping[str, str | None]] = field(default_factory=dict)
    derive: dict[str, tuple[str, Mapping[str, str | None], str | None]] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)  # loaded name -> regex; its first group is kept where it matches
    figures: dict[str, Figure] = field(default_factory=dict)
    derived_from: str | None = None
    required_value: str | None = None  # a loaded column that must be non-empty for a row to be a record


@dataclass(frozen=True)
class Preset:
    """One help desk: its name (`--source-format NAME`), how people call it, its tables, and
    where its times are (`source_tz`: "account" = naive local times, --source-tz needed; "UTC")."""

    name: str
    label: str
    tables: dict[str, TableMap]
    source_tz: str = "account"
    getting_data: str = ""  # one line: where in the help desk the export is made
    aggregate_signature: tuple[frozenset[str], ...] = ()  # report downloads svcstats cannot use
    aggregate_hint: str = ""
    missing: dict[str, str] = field(default_factory=dict)  # neutral column -> what to export to get it


def missing_hint(source_format: str, column: str, default: str) -> str:
    """What to do about a missing column, in the words of the help desk the export came from."""
    from svcstats.loaders.presets import PRESETS  # here: the registry imports this module

    preset = PRESETS.get(source_format)
    return preset.missing.get(column, default) if preset is not None else default


def norm(header: str) -> str:
    """A header as matched: BOM and quotes stripped, case-folded, inner whitespace collapsed."""
    return " ".join(header.replace("\ufeff", "").strip().strip('"').split()).casefold()


def matches(signature: tuple[frozenset[str], ...], headers: set[str]) -> bool:
    """True when `headers` (normalised) hold one header of every group of `signature`."""
    return bool(signature) and all(headers & group for group in signature)


def sig(*groups: str | tuple[str, ...]) -> tuple[frozenset[str], ...]:
    """A signature from header names or tuples of alternatives."""
    return tuple(frozenset((g,) if isinstance(g, str) else g) for g in groups)
