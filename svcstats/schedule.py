"""Working-hours schedules as plain data (no Polars): weekly windows in one time zone.

`svcstats.worktime` turns them into business time; the config's [business_hours] section and
the working_hours export both become `Schedule`s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

DEFAULT = "*"  # the rep name of the schedule for everyone
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True)
class Window:
    """One weekly working window: ISO weekday (1 = Monday), start and end in local time."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True)
class Schedule:
    """Weekly windows in one time zone; holidays in that zone (or in none) are days off."""

    timezone: str
    windows: tuple[Window, ...]


def parse_day_hours(day: str, text: str) -> list[Window]:
    """Windows from a config value such as "09:00-17:00" or "08:00-12:00, 13:00-16:00" ("" = day off)."""
    weekday = WEEKDAYS.index(day) + 1
    windows = []
    for part in filter(str.strip, text.split(",")):
        match = HOURS_RANGE.match(part)
        if not match:
            raise ValueError(f"{day} = {text!r}: write hours as HH:MM-HH:MM, several separated by commas")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if (h1, m1) == (h2, m2):
            raise ValueError(f"{day} = {text!r}: {part.strip()} starts and ends at once (a whole day is 00:00-24:00)")
        if h2 == 24 and m2 == 0:
            h2 = 0  # 24:00 is midnight at the end of the day
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"{day} = {text!r}: {part.strip()} is not a time range")
        windows.append(Window(weekday, time(h1, m1), time(h2, m2)))
    return windows
