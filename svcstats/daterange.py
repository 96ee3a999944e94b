"""Resolve the date-range options (--from/--to, --last, --this-week, ...) into inclusive dates.

Pure calendar arithmetic, no Polars: dates are local dates in the report time zone, weeks start
on Monday (or Sunday: --week-start), and "today" is `--as-of` (else the current date in the
report time zone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from svcstats.errors import UsageError

LAST_PATTERN = re.compile(r"^(\d+)\s*([dwmqy])$")
LAST_UNITS = {"d": "days", "w": "weeks", "m": "months", "q": "quarters", "y": "years"}
WEEK_STARTS = {"monday": 0, "sunday": 6}  # --week-start -> date.weekday() of a week's first day


@dataclass(frozen=True)
class DateRange:
    """Inclusive local dates; None on a side means "as far as the data goes"."""

    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        """Human wording for messages, e.g. "2026-05-01 to 2026-05-31"."""
        if self.start is None and self.end is None:
            return "all dates"
        return f"{self.start or 'the first date'} to {self.end or 'the last date'}"


def today_in(tz: str) -> date:
    """The current local date in time zone `tz`."""
    return datetime.now(ZoneInfo(tz)).date()


def week_start(day: date, first: str = "monday") -> date:
    """The first day (Monday, or `first`: "sunday") of the week holding `day`."""
    return day - timedelta(days=(day.weekday() - WEEK_STARTS[first]) % 7)


def month_start(day: date) -> date:
    """The first day of the month holding `day`."""
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """`day` moved by a whole number of months; `day` must be the first of a month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_last(text: str) -> tuple[int, str]:
    """Parse `--last` values such as 30d, 12w, 6m, 2q, 1y into (count, unit letter)."""
    match = LAST_PATTERN.match(text.strip().lower())
    if not match or int(match.group(1)) < 1:
        raise UsageError(
            f"--last {text!r} is not a period",
            "use a count and a unit: 30d (days), 12w (weeks), 6m (months), 2q (quarters), 1y (years)",
        )
    return int(match.group(1)), match.group(2)


def last_range(count: int, unit: str, as_of: date, first_day: str = "monday") -> DateRange:
    """The `count` whole periods up to and including the one holding `as_of` (which ends the
    range); weeks start on `first_day`."""
    if unit == "d":
        return DateRange(as_of - timedelta(days=count - 1), as_of)
    if unit == "w":
        return DateRange(week_start(as_of, first_day) - timedelta(weeks=count - 1), as_of)
    months = {"m": 1, "q": 3, "y": 12}[unit]
    first = month_start(as_of)
    if unit == "q":
        first = first.replace(month=(first.month - 1) // 3 * 3 + 1)
    if unit == "y":
        first = first.replace(month=1)
    return DateRange(add_months(first, -months * (count - 1)), as_of)


def resolve_range(
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    last: str | None = None,
    this_week: bool = False,
    last_week: bool = False,
    this_month: bool = False,
    last_month: bool = False,
    as_of: date,
    first_day: str = "monday",
) -> DateRange:
    """Turn the date-range options into one inclusive range (weeks from `first_day`);
    conflicting options are a usage error."""
    chosen = [
        name
        for name, given in (
            ("--from/--to", date_from is not None or date_to is not None),
            ("--last", last is not None),
            ("--this-week", this_week),
            ("--last-week", last_week),
            ("--this-month", this_month),
            ("--last-month", last_month),
        )
        if given
    ]
    if len(chosen) > 1:
        raise UsageError(f"{' and '.join(chosen)} both set a date range", "give only one of them")
    if last is not None:
        return last_range(*parse_last(last), as_of, first_day)
    if this_week:
        return DateRange(week_start(as_of, first_day), as_of)
    if last_week:
        monday = week_start(as_of, first_day) - timedelta(weeks=1)
        return DateRange(monday, monday + timedelta(days=6))
    if this_month:
        return DateRange(month_start(as_of), as_of)
    if last_month:
        first = add_months(month_start(as_of), -1)
        return DateRange(first, month_start(as_of) - timedelta(days=1))
    if date_from is not None and date_to is not None and date_to < date_from:
        raise UsageError(f"--to {date_to} is before --from {date_from}", "swap them")
    if date_from is not None and date_to is None:
        return DateRange(date_from, max(as_of, date_from))
    return DateRange(date_from, date_to)
