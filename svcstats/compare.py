"""--compare previous|year: the same report over another range, set beside the run's own rows.

One mechanism for every report that shows figures (over time or totals): the runner builds the
report's stages a second time on the compared range (`compared_range`) and `beside` joins that
lazy result to the run's own before the one `collect_all`, so both come from one pass over one
snapshot of the data (with --as-of, the same cut-off).

Which range is compared:

- totals (--totals, or a report that is a total by nature): `previous` is the range of equal
  length just before; a range of whole calendar months is compared with as many whole months
  before it (October with September, a quarter with the quarter before), and a month to date
  (1-15 October) with the same days of the month before (1-15 September), and a range shorter
  than a week (a week to date, Monday-Wednesday) with the same weekdays a week before. `year` is the same
  dates a year earlier (29 February becomes 28 February); whole months stay whole months
  (February 2025 with all of February 2024).
- over time: each row's period is compared with the period before it (`previous`), or with the
  same period a year earlier (`year`): the same month or quarter of the year before, and for
  weekly and daily rows the period 52 weeks (364 days) earlier, so that weekdays line up. The
  compared run covers the whole range moved back by that step, so the first row's comparison is
  computed too; a range that cuts its first or last period is compared with the same cut.

Columns added, for each numeric measure `m` (group keys, text columns, period columns and the
report's `row_keys` are the keys rows are matched on): `m_previous`, `m_change` (m - previous,
in m's unit; percentage points for a rate) and, for counts and durations, `m_change_pct`
(change / previous x 100; null when previous is 0 or null). Then `compared_from` and
`compared_to`: the dates the comparison covers on that row. Rows are the run's own: a group seen
only in the compared range has no row; a count with no compared row is 0 there, a duration or
rate null.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from svcstats.catalog import ReportInfo
from svcstats.daterange import DateRange, add_months
from svcstats.errors import UsageError
from svcstats.periods import PERIOD, SUNDAY_WEEKS, step
from svcstats.reports.definition import OptionValue

PREVIOUS, CHANGE, CHANGE_PCT = "_previous", "_change", "_change_pct"  # suffixes of the columns added per measure
COMPARED_SUFFIXES = (PREVIOUS, CHANGE, CHANGE_PCT)
COMPARED_FROM, COMPARED_TO = "compared_from", "compared_to"
KEY_TYPES = (pl.String, pl.Categorical, pl.Enum, pl.Boolean, pl.Date)  # text-like columns name a row; numbers are measures


@dataclass(frozen=True)
class Shift:
    """How far back a compared date lies: whole months, or days."""

    months: int = 0
    days: int = 0

    def back(self, day: date, *, month_end: bool = False) -> date:
        """`day` moved back; by months, a day past the target month's end becomes its last day
        (31 March -> 28 February, 29 February -> 28 February), and with `month_end` the last day
        of a month stays the last day of the month it moves to."""
        if not self.months:
            return day - timedelta(days=self.days)
        first = add_months(day.replace(day=1), -self.months)
        last = (add_months(first, 1) - timedelta(days=1)).day
        if month_end and (day + timedelta(days=1)).day == 1:
            return first.replace(day=last)
        return first.replace(day=min(day.day, last))

    def offset(self, sign: int) -> str:
        """The Polars offset of this shift forward (`sign` 1) or back (-1)."""
        return f"{sign * self.months}mo" if self.months else f"{sign * self.days}d"


# over time: how far back each row's period is compared, by --compare and the period's interval
WEEKS, YEAR_OF_WEEKS, YEAR = Shift(days=7), Shift(days=364), Shift(12)
PERIOD_SHIFTS: dict[str, dict[str, Shift]] = {
    "previous": {"1d": Shift(days=1), "1w": WEEKS, SUNDAY_WEEKS: WEEKS, "1mo": Shift(1), "1q": Shift(3), "1y": YEAR},
    "year": {"1d": YEAR_OF_WEEKS, "1w": YEAR_OF_WEEKS, SUNDAY_WEEKS: YEAR_OF_WEEKS, "1mo": YEAR, "1q": YEAR, "1y": YEAR},
}


@dataclass(frozen=True)
class Comparison:
    """What a run compares with: the mode, the compared range, and over time the shift that takes
    a row's period to its compared period (None for totals)."""

    mode: str
    date_range: DateRange
    shift: Shift | None
    every: str = "1d"  # the run's period interval (over time)


def comparison(mode: str, date_range: DateRange, every: str, totals: bool) -> Comparison:
    """The comparison `mode` ("previous" or "year") makes for a run over `date_range`, as totals
    or in periods of `every`; a usage error when totals have no range to move."""
    if not totals:
        shift = PERIOD_SHIFTS[mode][every]
        start = shift.back(date_range.start) if date_range.start else None
        end = shift.back(date_range.end, month_end=True) if date_range.end else None
        return Comparison(mode, DateRange(start, end), shift, every)
    if date_range.start is None or date_range.end is None:
        raise UsageError(f"--compare {mode} with totals needs a range with a first day", RANGE_HINT)
    return Comparison(mode, totals_range(mode, date_range.start, date_range.end), None)


RANGE_HINT = "give --from, --last or --last-month"


def range_refusal(info: ReportInfo, mode: str, date_range: DateRange, totals: bool) -> str | None:
    """Why --compare `mode` cannot run for `info` over `date_range` (totals need a first and a
    last day to move), or None when it can."""
    if not totals or (date_range.start is not None and date_range.end is not None):
        return None
    if info.range_only:
        return f"{info.name} is a total over its range: --compare {mode} needs a range with a first day"
    return f"{info.name}: --compare {mode} with totals needs a range with a first day"


def totals_range(mode: str, start: date, end: date) -> DateRange:
    """The range totals over start..end are compared with (see the module's docstring)."""
    after = end + timedelta(days=1)
    whole_months = start.day == 1 and after.day == 1
    if mode == "year":
        if whole_months:
            return DateRange(add_months(start, -12), add_months(after, -12) - timedelta(days=1))
        return DateRange(Shift(12).back(start), Shift(12).back(end))
    if whole_months:
        months = (after.year - start.year) * 12 + after.month - start.month
        return DateRange(add_months(start, -months), start - timedelta(days=1))
    if start.day == 1 and (start.year, start.month) == (end.year, end.month):  # month to date: the same days of the month before
        return DateRange(add_months(start, -1), Shift(1).back(end))
    length = after - start
    if length < timedelta(days=7):  # a week to date (Mon-Wed): the same weekdays of the week before
        return DateRange(start - timedelta(days=7), end - timedelta(days=7))
    return DateRange(start - length, start - timedelta(days=1))


def refuse(info: ReportInfo, options: Mapping[str, OptionValue]) -> None:
    """A usage error when --compare does not apply to `info` with its own `options` (a listing)."""
    reason = info.compare_refusal(options)
    if reason:
        raise UsageError(reason, "drop --compare")


def key_columns(info: ReportInfo, schema: pl.Schema, group_by: Sequence[str], options: Mapping[str, OptionValue]) -> list[str]:
    """The columns that name a row of `info`'s result: its period, groups, `row_keys` and text
    columns other than the report's labels (with its own `options`)."""
    labels = info.compare_labels(options)
    named = (PERIOD, *group_by, *info.row_keys)
    return [c for c, kind in schema.items() if c in named or (isinstance(kind, KEY_TYPES) and c not in labels)]


def measure_columns(info: ReportInfo, schema: pl.Schema, group_by: Sequence[str], options: Mapping[str, OptionValue]) -> list[str]:
    """The numeric columns of `info`'s result that are figures (not row keys, not --compare's own)."""
    keys = key_columns(info, schema, group_by, options)
    return [c for c, kind in schema.items() if c not in keys and kind.is_numeric()]


def own_columns(columns: Sequence[str]) -> list[str]:
    """A result's columns without those --compare added (`m_previous` beside `m`, compared_from ...)."""
    added = {c + suffix for c in columns for suffix in COMPARED_SUFFIXES} | {COMPARED_FROM, COMPARED_TO}
    return [c for c in columns if c not in added]


def beside(
    info: ReportInfo,
    current: pl.LazyFrame,
    compared: pl.LazyFrame,
    plan: Comparison,
    group_by: Sequence[str],
    options: Mapping[str, OptionValue],
) -> pl.LazyFrame:
    """`current` with each numeric measure's compared value and change beside it, matched on the
    row's keys (its period moved by the plan's shift, its groups, its text columns but labels)."""
    schema = current.collect_schema()
    keys = key_columns(info, schema, group_by, options)
    measures = measure_columns(info, schema, group_by, options)
    if PERIOD in schema and plan.shift is not None:
        compared = compared.with_columns(pl.col(PERIOD).dt.offset_by(plan.shift.offset(1)))
    before = compared.select(*keys, *(pl.col(m).alias(m + PREVIOUS) for m in measures))
    one = "_compare_row"  # totals without groups: one row beside one row, kept when the compared range has none
    on = keys or [one]
    if not keys:
        current, before = current.with_columns(pl.lit(0).alias(one)), before.with_columns(pl.lit(0).alias(one))
    joined = current.join(before, on=on, how="left", nulls_equal=True, maintain_order="left", coalesce=True).drop(one, strict=False)
    added: list[pl.Expr] = []
    for m in measures:
        previous = pl.col(m + PREVIOUS)
        kind = info.measure_kind(m)
        if kind == "count" and schema[m].is_integer():  # a count with no compared row counted none there
            previous = previous.fill_null(0)
        added += [previous.alias(m + PREVIOUS), (pl.col(m) - previous).alias(m + CHANGE)]
        if kind in ("count", "duration"):
            ratio = (pl.col(m) - previous).cast(pl.Float64) / previous.cast(pl.Float64) * 100
            added.append(pl.when(previous != 0).then(ratio).otherwise(None).alias(m + CHANGE_PCT))
    added += compared_dates(plan, PERIOD in schema)
    made = {expr.meta.output_name() for expr in added}
    order = [name for c in schema for name in (c, c + PREVIOUS, c + CHANGE, c + CHANGE_PCT) if name == c or name in made]
    return joined.with_columns(added).select(*order, COMPARED_FROM, COMPARED_TO)


def compared_dates(plan: Comparison, over_time: bool) -> list[pl.Expr]:
    """compared_from and compared_to: the compared range (totals), or each row's compared period
    within it (over time)."""
    low, high = plan.date_range.start, plan.date_range.end
    if not over_time or plan.shift is None:
        return [pl.lit(low, pl.Date).alias(COMPARED_FROM), pl.lit(high, pl.Date).alias(COMPARED_TO)]
    first = pl.col(PERIOD).dt.offset_by(plan.shift.offset(-1))
    last = first.dt.offset_by(step(plan.every)).dt.offset_by("-1d")
    if low is not None:
        first = pl.max_horizontal(first, pl.lit(low))
    if high is not None:
        last = pl.min_horizontal(last, pl.lit(high))
    return [first.alias(COMPARED_FROM), last.alias(COMPARED_TO)]
