"""The configuration file: `svcstats.toml`, validated with pydantic; unknown keys are errors."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from svcstats.errors import UsageError
from svcstats.query import SourceFormat
from svcstats.schedule import WEEKDAYS, Window, parse_day_hours
from svcstats.schema import TABLES

CONFIG_ENV = "SVCSTATS_CONFIG"
CONFIG_NAME = "svcstats.toml"
MAX_PENDING_AFTER_HOURS = 8760.0  # a year: longer waits are surely a typo (and overflow durations)
# saved report and dashboard names: they become file names (svcstats export), so never a path
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


def check_time_zone(name: str) -> str:
    """Return `name` if it is a known IANA time zone, else raise a usage error."""
    try:
        if len(name) > 255:
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a file name
        raise UsageError(f"unknown time zone {name[:60]!r}", "use an IANA name such as Europe/Oslo, America/New_York or UTC") from None
    return name


class TableConfig(BaseModel):
    """Where one table's export is and how its columns map onto the neutral names."""

    model_config = ConfigDict(extra="forbid")

    path: str | None = None
    columns: dict[str, str] = {}


class BusinessHours(BaseModel):
    """The default working-hours schedule, for reps without one in the working_hours export:
    a time zone and, per weekday, "HH:MM-HH:MM" windows (comma-separated; absent = day off)."""

    model_config = ConfigDict(extra="forbid")

    timezone: str | None = None
    mon: str = ""
    tue: str = ""
    wed: str = ""
    thu: str = ""
    fri: str = ""
    sat: str = ""
    sun: str = ""

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _zone(value)

    @field_validator("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    @classmethod
    def _hours(cls, value: str, info: ValidationInfo) -> str:
        parse_day_hours(str(info.field_name), value)  # raises ValueError with the key and the expected form
        return value

    def windows(self) -> list[Window]:
        """The weekly windows this section gives."""
        return [w for day in WEEKDAYS for w in parse_day_hours(day, getattr(self, day))]


class Dashboard(BaseModel):
    """A page of reports: saved report names, or inline tables like `{ report = "csat", totals = true }`."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    reports: list[str | dict[str, Any]] = []


class AgentConfig(BaseModel):
    """The customer agent's settings: the outcome rule and the knowledge-gaps state file."""

    model_config = ConfigDict(extra="forbid")

    # inactivity before a conversation's outcome is judged; finite, at most a year
    pending_after_hours: float = Field(default=72.0, ge=0, le=MAX_PENDING_AFTER_HOURS, allow_inf_nan=False)
    state: Path | None = None  # knowledge-gaps state (SQLite); relative to the config file
    channels: list[str] | None = None  # channels the agent is deployed on (else: from its first conversation on each)


class SlaTargets(BaseModel):
    """SLA targets in hours and the clock they are counted on; empty = no target (or: not set here).

    The clock: `schedule = "NAME"` counts the working time of that schedule of the working_hours
    export (its `rep` value; "*" the default), `hours = "business"` the ticket owner's working
    time, `hours = "calendar"` every hour; none of them: as --hours says."""

    model_config = ConfigDict(extra="forbid")

    first_reply_hours: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    next_reply_hours: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    close_hours: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    hours: Literal["business", "calendar"] | None = None
    schedule: str | None = Field(default=None, min_length=1, max_length=200)

    @field_validator("schedule")
    @classmethod
    def _business_schedule(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("hours") == "calendar":
            raise ValueError(f'schedule = {value[:60]!r} counts working time: it cannot go with hours = "calendar"')
        return value

    def clock(self) -> str | None:
        """The clock this table sets: "calendar", "business" (the owner's schedule),
        "schedule:NAME", or None when it sets none."""
        if self.schedule is not None:
            return f"schedule:{self.schedule}"
        return self.hours


class SlaConfig(SlaTargets):
    """The `[sla]` section: default targets, and targets per value of priority, pipeline, source or
    team (`[sla.priority.high]`); the first of those that sets a target wins, in that order (and
    likewise for the clock: the first that sets `hours` or `schedule`). `pause_statuses`: stages
    (statuses) whose time does not count on the clocks of `pause_metrics` (the close clock by
    default); `due_soon_hours`: an active clock this
    close to its due time is due soon."""

    priority: dict[str, SlaTargets] = {}
    pipeline: dict[str, SlaTargets] = {}
    source: dict[str, SlaTargets] = {}
    team: dict[str, SlaTargets] = {}
    pause_statuses: list[str] = []
    pause_metrics: list[Literal["first_reply", "next_reply", "close"]] = ["close"]  # the clocks pauses stop
    due_soon_hours: float = Field(default=1.0, ge=0, le=MAX_PENDING_AFTER_HOURS, allow_inf_nan=False)


class SparkConfig(BaseModel):
    """Where `svcstats report` runs when no --spark is given: a Spark master, and Spark settings."""

    model_config = ConfigDict(extra="forbid")

    master: str | None = None  # local[2], spark://host:7077, yarn; None: run here
    conf: dict[str, str] = {}  # extra Spark settings (spark.executor.memory = "4g", ...)


class Config(BaseModel):
    """Everything `svcstats.toml` may set; command-line flags win over it."""

    model_config = ConfigDict(extra="forbid")

    data: Path | None = None
    source_format: SourceFormat = "auto"
    source_tz: str | None = None
    tz: str | None = None
    week_start: Literal["monday", "sunday"] = "monday"  # the first day of weekly periods and of --this-week/--last-week
    datetime_formats: list[str] = []
    tables: dict[str, TableConfig] = {}
    business_hours: BusinessHours | None = None
    saved: dict[str, dict[str, Any]] = {}  # NAME -> { report = "...", <option> = value }; see saved.py
    dashboards: dict[str, Dashboard] = {}
    agent: AgentConfig = AgentConfig()
    sla: SlaConfig | None = None  # SLA targets (the sla report)
    spark: SparkConfig = SparkConfig()

    @field_validator("source_tz", "tz")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return _zone(value)

    @field_validator("saved", "dashboards")
    @classmethod
    def _usable_names(cls, value: dict[str, Any]) -> dict[str, Any]:
        bad = [name for name in value if not NAME_PATTERN.match(name)]
        if bad:
            raise ValueError(f"{bad[0][:60]!r} is not a usable name (letters, digits, - and _, at most 100)")
        return value

    @field_validator("tables")
    @classmethod
    def _known_tables(cls, value: dict[str, TableConfig]) -> dict[str, TableConfig]:
        unknown = sorted(set(value) - set(TABLES))
        if unknown:
            raise ValueError(f"unknown table {unknown[0]!r} (tables: {', '.join(TABLES)})")
        return value


def _zone(value: str | None) -> str | None:
    """`value` if it is a known time zone (or None); a ValueError naming it otherwise."""
    if value is None:
        return None
    try:
        return check_time_zone(value)
    except UsageError as exc:
        raise ValueError(exc.one_line()) from None


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
        config = Config.model_validate(raw)
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
    key = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return f"unknown key {key!r}"
    message = error["msg"].removeprefix("Value error, ")
    return f"{key}: {message}"
