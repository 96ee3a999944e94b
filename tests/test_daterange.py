"""Date-range options resolved into inclusive local dates (weeks start on Monday)."""

from __future__ import annotations

from datetime import date

import pytest

from svcstats.daterange import DateRange, resolve_range
from svcstats.errors import UsageError

AS_OF = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, DateRange(None, None)),
        ({"date_from": date(2026, 11, 1), "date_to": date(2026, 11, 7)}, DateRange(date(2026, 11, 1), date(2026, 11, 7))),
        ({"date_from": date(2026, 11, 1)}, DateRange(date(2026, 11, 1), AS_OF)),  # --from alone runs to --as-of
        ({"date_to": date(2026, 11, 7)}, DateRange(None, date(2026, 11, 7))),
        ({"this_week": True}, DateRange(date(2026, 11, 16), AS_OF)),
        ({"last_week": True}, DateRange(date(2026, 11, 9), date(2026, 11, 15))),
        ({"this_month": True}, DateRange(date(2026, 11, 1), AS_OF)),
        ({"last_month": True}, DateRange(date(2026, 10, 1), date(2026, 10, 31))),
        ({"last": "30d"}, DateRange(date(2026, 10, 20), AS_OF)),  # 30 days ending with the as-of day
        ({"last": "2w"}, DateRange(date(2026, 11, 9), AS_OF)),  # last week and this one
        ({"last": "6m"}, DateRange(date(2026, 6, 1), AS_OF)),  # June..November
        ({"last": "12M"}, DateRange(date(2025, 12, 1), AS_OF)),
        ({"last": "2q"}, DateRange(date(2026, 7, 1), AS_OF)),  # Q3 and Q4
        ({"last": "1y"}, DateRange(date(2026, 1, 1), AS_OF)),
    ],
)
def test_resolve_range(options: dict[str, object], expected: DateRange) -> None:
    assert resolve_range(as_of=AS_OF, **options) == expected


def test_last_month_in_january_and_last_week_on_a_monday() -> None:
    assert resolve_range(last_month=True, as_of=date(2026, 1, 15)) == DateRange(date(2025, 12, 1), date(2025, 12, 31))
    assert resolve_range(last_week=True, as_of=date(2026, 11, 23)) == DateRange(date(2026, 11, 16), date(2026, 11, 22))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"last": "3x"}, "is not a period"),
        ({"last": "0d"}, "is not a period"),
        ({"date_from": date(2026, 11, 7), "date_to": date(2026, 11, 1)}, "before --from"),
        ({"last": "2w", "this_month": True}, "both set a date range"),
        ({"date_from": date(2026, 11, 1), "last_week": True}, "both set a date range"),
    ],
)
def test_bad_ranges(options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        resolve_range(as_of=AS_OF, **options)
