"""Settings a run resolves before touching data: the config file, the data folder and how to read
it, the time zone, "today" and the date range; and `open_dataset`, the one way every command
opens the data those settings name.

Polars-free (the loaders are imported inside `open_dataset`), so that `--share` can print a
command line without loading anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from svcstats.catalog import get_report
from svcstats.config import Config, check_time_zone, load_config
from svcstats.daterange import DateRange, resolve_range, today_in
from svcstats.errors import UsageError
from svcstats.loaders.converted import converted_source_tz
from svcstats.query import DATE_RANGE, Engine, ReportQuery

if TYPE_CHECKING:
    from svcstats.loaders.dataset import Dataset

NO_DATA_HINT = "pass --data DIR, set $SVCSTATS_DATA, or set data in svcstats.toml"
# dates a run may name: periods, "the end of --as-of" and time zones all stay computable
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


@dataclass(frozen=True, kw_only=True)
class DataSettings:
    """Which data to read and how: the options given, else the config file's settings."""

    config: Config
    config_path: Path | None
    data: Path
    source_format: str
    source_tz: str | None


@dataclass(frozen=True, kw_only=True)
class Resolved(DataSettings):
    """What a report query means once the config, the environment and the clock are applied."""

    tz: str
    as_of: date
    date_range: DateRange
    week_start: str = "monday"  # the first day of a week: --week-start, else the config's


def data_settings(data: Path | None, config: Path | None, source_format: str | None, source_tz: str | None) -> DataSettings:
    """The data options (--data, --config, --source-format, --source-tz) applied over the config
    file; raises UsageError when no data folder is named or --source-tz is not a zone."""
    settings, config_path = load_config(config)
    zone = source_tz or settings.source_tz
    if zone is not None:
        check_time_zone(zone)
    data_dir = data or settings.data
    if data_dir is None:
        raise UsageError("no data folder given", NO_DATA_HINT)
    chosen_format = source_format or settings.source_format
    return DataSettings(config=settings, config_path=config_path, data=Path(data_dir), source_format=chosen_format, source_tz=zone)


def open_dataset(
    settings: DataSettings, *, engine: Engine = "streaming", parse_text_once: bool = True, cutoff: datetime | None = None
) -> Dataset:
    """The dataset `settings` name, read with its source format and zone; with a `cutoff`
    (--as-of: the end of that day), every table as it stood just before it (loaders/snapshot.py)."""
    from svcstats.loaders.dataset import Dataset

    return Dataset(
        settings.data,
        settings.config,
        source_format=settings.source_format,
        source_tz=settings.source_tz,
        engine=engine,
        parse_text_once=parse_text_once,
        cutoff=cutoff,
    )


def resolve(request: ReportQuery, *, own_range_check: bool = True) -> Resolved:
    """Apply the config file and the clock to a report query; raises UsageError on bad settings
    (a range given to a report that covers its own dates too, unless `own_range_check` is off)."""
    base = data_settings(request.data, request.config, request.source_format, request.source_tz)
    # an Oslo export reads in Oslo time, and so does its conversion to Parquet
    tz = check_time_zone(request.tz or base.config.tz or base.source_tz or converted_source_tz(base.data) or "UTC")
    as_of = request.as_of or today_in(tz)
    week_start = request.week_start or base.config.week_start
    if own_range_check:
        check_own_range(request)
    for flag, day in (("--as-of", as_of), ("--from", request.date_from), ("--to", request.date_to)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise UsageError(f"{flag} {day} is out of range", f"give a date from {FIRST_DAY} to {LAST_DAY}")
    try:
        date_range = resolve_range(
            date_from=request.date_from,
            date_to=request.date_to,
            last=request.last,
            this_week=request.this_week,
            last_week=request.last_week,
            this_month=request.this_month,
            last_month=request.last_month,
            as_of=as_of,
            first_day=week_start,
        )
    except (OverflowError, ValueError):  # --last 3000y from 2026 starts before year 1
        raise UsageError(f"--last {request.last} reaches outside the calendar", f"give a range within {FIRST_DAY} to {LAST_DAY}") from None
    if date_range.start is not None and date_range.start < FIRST_DAY:
        raise UsageError(f"the range starts on {date_range.start}, before {FIRST_DAY}", "give a shorter --last or a later --from")
    if request.as_of is not None and date_range.end is None:
        # --as-of pins today: what happened after it had not happened yet
        date_range = DateRange(date_range.start, request.as_of)
    return Resolved(**vars(base), tz=tz, as_of=as_of, date_range=date_range, week_start=week_start)


def range_flag(name: str) -> str:
    """The command-line flag of a date range field: date_from -> --from, last_week -> --last-week."""
    return "--" + name.removeprefix("date_").replace("_", "-")


def check_own_range(request: ReportQuery) -> None:
    """A report that always covers its own dates (agent-impact: the week of --as-of) takes no
    date range option: giving one is a usage error, not silently ignored."""
    info = get_report(request.report)
    given = [range_flag(name) for name in DATE_RANGE if getattr(request, name)]
    if info.own_range and given:
        raise UsageError(f"{info.name} takes no {given[0]}: it always covers {info.own_range}", "drop it; pick the week with --as-of")


def own_range_as_of(request: ReportQuery) -> date | None:
    """For a report that covers its own dates (agent-impact: the week of --as-of) given a date
    range anyway, the nearest meaning of that range: the range's last day as --as-of (--last-week:
    last week's Sunday, so last week beside the week before). None when no range was given or
    the report takes ranges."""
    if not get_report(request.report).own_range or not any(getattr(request, name) for name in DATE_RANGE):
        return None
    settings = resolve(request, own_range_check=False)
    return settings.date_range.end or settings.as_of
