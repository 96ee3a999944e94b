"""Settings a report run resolves before touching data: time zone, "today", the date range, the
data folder. Polars-free, so that `--share` can print a command line without loading anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from svcstats.catalog import get_report
from svcstats.config import Config, check_time_zone, load_config
from svcstats.daterange import DateRange, resolve_range, today_in
from svcstats.errors import UsageError
from svcstats.loaders.converted import converted_source_tz
from svcstats.request import ReportRequest

# dates a run may name: periods, "the end of --as-of" and time zones all stay computable
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9998, 12, 31)


@dataclass(frozen=True)
class Resolved:
    """What a request means once the config, the environment and the clock are applied."""

    config: Config
    config_path: Path | None
    source_tz: str | None
    tz: str
    as_of: date
    date_range: DateRange
    data: Path


def resolve(request: ReportRequest) -> Resolved:
    """Apply the config file and the clock to `request`; raises UsageError on bad settings."""
    config, config_path = load_config(request.config)
    source_tz = request.source_tz or config.source_tz
    if source_tz is not None:
        check_time_zone(source_tz)
    data_dir = request.data or config.data
    if data_dir is None:
        raise UsageError("no data folder given", "pass --data DIR, set $SVCSTATS_DATA, or set data in svcstats.toml")
    # an Oslo export reads in Oslo time, and so does its conversion to Parquet
    tz = check_time_zone(request.tz or config.tz or source_tz or converted_source_tz(Path(data_dir)) or "UTC")
    as_of = request.as_of or today_in(tz)
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
        )
    except (OverflowError, ValueError):  # --last 3000y from 2026 starts before year 1
        raise UsageError(f"--last {request.last} reaches outside the calendar", f"give a range within {FIRST_DAY} to {LAST_DAY}") from None
    if date_range.start is not None and date_range.start < FIRST_DAY:
        raise UsageError(f"the range starts on {date_range.start}, before {FIRST_DAY}", "give a shorter --last or a later --from")
    if request.as_of is not None and date_range.end is None:
        # --as-of pins today: what happened after it had not happened yet
        date_range = DateRange(date_range.start, request.as_of)
    return Resolved(config, config_path, source_tz, tz, as_of, date_range, Path(data_dir))


RANGE_FLAGS = {
    "date_from": "--from", "date_to": "--to", "last": "--last", "this_week": "--this-week",
    "last_week": "--last-week", "this_month": "--this-month", "last_month": "--last-month",
}  # fmt: skip


def check_own_range(request: ReportRequest) -> None:
    """A report that always covers its own dates (agent-impact: the week of --as-of) takes no
    date range option: giving one is a usage error, not silently ignored."""
    info = get_report(request.report)
    given = [flag for name, flag in RANGE_FLAGS.items() if getattr(request, name)]
    if info.own_range and given:
        raise UsageError(f"{info.name} takes no {given[0]}: it always covers {info.own_range}", "drop it; pick the week with --as-of")
