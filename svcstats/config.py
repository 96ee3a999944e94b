"""The configuration file: `svcstats.toml`; unknown keys are errors.

The sections are plain dataclasses, each checking its own rules in `__post_init__`, so that a run
without a config file never imports pydantic (~100 ms of start-up); a file is read into them by a
pydantic `TypeAdapter` (types, nesting, unknown keys), which runs the same checks.
"""

from __future__ import annotations

import functools
import math
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from svcstats.errors import UsageError
from svcstats.query import SourceFormat
from svcstats.schedule import WEEKDAYS, Window, parse_day_hours
from svcstats.schema import TABLES

if TYPE_CHECKING:
    from pydantic import TypeAdapter, ValidationError

CONFIG_ENV = "SVCSTATS_CONFIG"
CONFIG_NAME = "svcstats.toml"
MAX_PENDING_AFTER_HOURS = 8760.0  # a year: longer waits are surely a typo (and overflow durations)
# pydantic reads a stdlib dataclass's settings from this class attribute: unknown keys are errors
FORBID_UNKNOWN_KEYS: dict[str, Any] = {"extra": "forbid"}

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


class KeyProblem(ValueError):
    """A section's value that breaks a rule, naming its key (pydantic reports a dataclass's
    `__post_init__` errors at the section; `_first_problem` adds the key)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _hours_within(section: object, keys: tuple[str, ...], low: float, high: float | None = None, *, inclusive: bool = True) -> None:
    """Each of `keys` (a number or None) finite, at least `low` (above it unless `inclusive`) and at most `high`."""
    for key in keys:
        value = getattr(section, key)
        if value is None:
            continue
        if not math.isfinite(value):
            raise KeyProblem(key, "Input should be a finite number")
        if value < low or (not inclusive and value == low):
            raise KeyProblem(key, f"Input should be greater than {'or equal to ' if inclusive else ''}{low:g}")
        if high is not None and value > high:
            raise KeyProblem(key, f"Input should be less than or equal to {high:g}")


def check_time_zone(name: str) -> str:
    """Return `name` if it is a known IANA time zone, else raise a usage error."""
    try:
        if len(name) > 255:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        raise UsageError(f"unknown time zone {name[:60]!r}", "use an IANA name such as Europe/Oslo, America/New_York or UTC") from None
    return name


@dataclass
class TableConfig:
    """Where one table's export is and how its columns map onto the neutral names."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    path: str | None = None
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class BusinessHours:
    """The default working-hours schedule, for reps without one in the working_hours export:
    a time zone and, per weekday, "HH:MM-HH:MM" windows (comma-separated; absent = day off)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    timezone: str | None = None
    mon: str = ""
    tue: str = ""
    wed: str = ""
    thu: str = ""
    fri: str = ""
    sat: str = ""
    sun: str = ""

    def __post_init__(self) -> None:
        _known_zone(self, "timezone")
        for day in WEEKDAYS:
            try:
                parse_day_hours(day, getattr(self, day))  # a ValueError naming the key and the expected form
            except ValueError as exc:
                raise KeyProblem(day, str(exc)) from None

    def windows(self) -> list[Window]:
        """The weekly windows this section gives."""
        return [w for day in WEEKDAYS for w in parse_day_hours(day, getattr(self, day))]


@dataclass
class Dashboard:
    """A page of reports: saved report names, or inline tables like `{ report = "csat", totals = true }`."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    title: str | None = None
    reports: list[str | dict[str, Any]] = field(default_factory=list)


@dataclass
class AgentConfig:
    """The customer agent's settings: the outcome rule and the knowledge-gaps state file."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    # inactivity before a conversation's outcome is judged; finite, at most a year
    pending_after_hours: float = 72.0
    state: Path | None = None  # knowledge-gaps state (SQLite); relative to the config file
    channels: list[str] | None = None  # channels the agent is deployed on (else: from its first conversation on each)

    def __post_init__(self) -> None:
        _hours_within(self, ("pending_after_hours",), 0, MAX_PENDING_AFTER_HOURS)


@dataclass
class SlaTargets:
    """SLA targets in hours and the clock they are counted on; empty = no target (or: not set here).

    The clock: `schedule = "NAME"` counts the working time of that schedule of the working_hours
    export (its `rep` value; "*" the default), `hours = "business"` the ticket owner's working
    time, `hours = "calendar"` every hour; none of them: as --hours says."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    first_reply_hours: float | None = None
    next_reply_hours: float | None = None
    close_hours: float | None = None
    hours: Literal["business", "calendar"] | None = None
    schedule: str | None = None

    def __post_init__(self) -> None:
        _hours_within(self, ("first_reply_hours", "next_reply_hours", "close_hours"), 0, inclusive=False)
        if self.schedule is not None:
            if not self.schedule:
                raise KeyProblem("schedule", "String should have at least 1 character")
            if len(self.schedule) > 200:
                raise KeyProblem("schedule", "String should have at most 200 characters")
            if self.hours == "calendar":
                raise KeyProblem("schedule", f'schedule = {self.schedule[:60]!r} counts working time: it cannot go with hours = "calendar"')

    def clock(self) -> str | None:
        """The clock this table sets: "calendar", "business" (the owner's schedule),
        "schedule:NAME", or None when it sets none."""
        if self.schedule is not None:
            return f"schedule:{self.schedule}"
        return self.hours


@dataclass
class SlaConfig(SlaTargets):
    """The `[sla]` section: default targets, and targets per value of priority, pipeline, source or
    team (`[sla.priority.high]`); the first of those that sets a target wins, in that order (and
    likewise for the clock: the first that sets `hours` or `schedule`). `pause_statuses`: stages
    (statuses) whose time does not count on the clocks of `pause_metrics` (the close clock by
    default); `due_soon_hours`: an active clock this close to its due time is due soon."""

    priority: dict[str, SlaTargets] = field(default_factory=dict)
    pipeline: dict[str, SlaTargets] = field(default_factory=dict)
    source: dict[str, SlaTargets] = field(default_factory=dict)
    team: dict[str, SlaTargets] = field(default_factory=dict)
    pause_statuses: list[str] = field(default_factory=list)
    pause_metrics: list[Literal["first_reply", "next_reply", "close"]] = field(default_factory=lambda: ["close"])  # the clocks pauses stop
    due_soon_hours: float = 1.0

    def __post_init__(self) -> None:
        super().__post_init__()
        _hours_within(self, ("due_soon_hours",), 0, MAX_PENDING_AFTER_HOURS)


@dataclass
class SparkConfig:
    """Where `svcstats report` runs when no --spark is given: a Spark master, and Spark settings."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    master: str | None = None  # local[2], spark://host:7077, yarn; None: run here
    conf: dict[str, str] = field(default_factory=dict)  # extra Spark settings (spark.executor.memory = "4g", ...)


@dataclass
class Config:
    """Everything `svcstats.toml` may set; command-line flags win over it."""

    __pydantic_config__: ClassVar[dict[str, Any]] = FORBID_UNKNOWN_KEYS

    data: Path | None = None
    source_format: SourceFormat = "auto"
    source_tz: str | None = None
    tz: str | None = None
    week_start: Literal["monday", "sunday"] = "monday"  # the first day of weekly periods and of --this-week/--last-week
    datetime_formats: list[str] = field(default_factory=list)
    tables: dict[str, TableConfig] = field(default_factory=dict)
    business_hours: BusinessHours | None = None
    saved: dict[str, dict[str, Any]] = field(default_factory=dict)  # NAME -> { report = "...", <option> = value }; see saved.py
    dashboards: dict[str, Dashboard] = field(default_factory=dict)
    agent: AgentConfig = field(default_factory=AgentConfig)
    sla: SlaConfig | None = None  # SLA targets (the sla report)
    spark: SparkConfig = field(default_factory=SparkConfig)

    def __post_init__(self) -> None:
        _known_zone(self, "source_tz")
        _known_zone(self, "tz")
        for key in ("saved", "dashboards"):
            bad = [name for name in getattr(self, key) if not NAME_PATTERN.match(name)]
            if bad:
                raise KeyProblem(key, f"{bad[0][:60]!r} is not a usable name (letters, digits, - and _, at most 100)")
        unknown = sorted(set(self.tables) - set(TABLES))
        if unknown:
            raise KeyProblem("tables", f"unknown table {unknown[0]!r} (tables: {', '.join(TABLES)})")


def validated(raw: dict[str, Any]) -> Config:
    """A config file's contents (parsed TOML) as a Config; pydantic's ValidationError when a value
    has the wrong type, a key is unknown or a section's rule is broken."""
    return _reader().validate_python(raw)


@functools.cache
def _reader() -> TypeAdapter[Config]:
    """pydantic's validator of Config, built once (the schema build is most of its cost)."""
    from pydantic import TypeAdapter

    return TypeAdapter(Config)


def _known_zone(section: object, key: str) -> None:
    """The section's `key` names a known time zone (or is None); a KeyProblem otherwise."""
    value = getattr(section, key)
    if value is None:
        return
    try:
        check_time_zone(value)
    except UsageError as exc:
        raise KeyProblem(key, exc.one_line()) from None


def find_config_file(explicit: Path | None) -> Path | None:
    """The config file in force: --config, else $SVCSTATS_CONFIG, else ./svcstats.toml if present."""
    if explicit is not None:
        return explicit
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / CONFIG_NAME
    return local if local.is_file() else None


def load_config(explicit: Path | None = None) -> tuple[Config, Path | None]:
    """Read and validate the config file in force; no file gives the defaults."""
    path = find_config_file(explicit)
    if path is None:
        return Config(), None
    from pydantic import ValidationError

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"config file {path} not found", f"check --config or ${CONFIG_ENV}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read config file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to be a config file", "see the Configuration section of the README") from None
    try:
        config = validated(raw)
    except RecursionError:
        raise UsageError(f"{path}: nested too deeply to be a config file", "see the Configuration section of the README") from None
    except ValidationError as exc:
        raise UsageError(f"{path}: {_first_problem(exc)}", "see the Configuration section of the README") from None
    if config.data is not None and not config.data.is_absolute():
        config.data = path.parent / config.data
    if config.agent.state is not None and not config.agent.state.is_absolute():
        config.agent.state = path.parent / config.agent.state
    inline = [entry for board in config.dashboards.values() for entry in board.reports if isinstance(entry, dict)]
    for table in [*config.saved.values(), *inline]:  # a saved report's data folder, like the config's own
        if isinstance(table.get("data"), str) and not Path(table["data"]).is_absolute():
            table["data"] = str(path.parent / table["data"])
    return config, path


def _first_problem(exc: ValidationError) -> str:
    """One line naming the offending key and what is wrong with it."""
    error = exc.errors()[0]
    location = [str(part) for part in error["loc"]]
    cause = error.get("ctx", {}).get("error")
    if isinstance(cause, KeyProblem):  # raised by a section's __post_init__: pydantic locates the section
        location.append(cause.key)
    key = ".".join(location)
    if error["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
        return f"unknown key {key!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{key}: {message}"
