"""What a report is, as data: the types every report module fills in once (its `REPORT`).

Polars-free on purpose: `svcstats reports`, `svcstats about` and every `--help` read the
definitions without loading Polars; the code a definition names runs only when the report does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from svcstats.errors import UsageError

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

COLLECTIONS = (
    "Customer satisfaction",
    "Team performance",
    "Ticket replies",
    "Scheduling",
    "Customer agent",
    "Beyond HubSpot",
)

# Shared wording for columns several reports carry.
PERIOD_COLUMN = ("period_start", "first day of the period (ISO date, in --tz); absent with --totals")
PERIOD_COLUMNS = (  # every over-time result carries them (runner: periods.with_period_end)
    PERIOD_COLUMN,
    ("period_end", "last day of the period (ISO date); absent with --totals"),
    ("partial", "true when the date range cuts the period (it starts before the range or ends after it); absent with --totals"),
)
COMPARE_COLUMNS = (  # every report --compare applies to carries them with it (svcstats/compare.py)
    (
        "<measure>_previous, <measure>_change, <measure>_change_pct",
        "with --compare: each numeric measure over the compared range (totals) or period (over time; a count with no "
        "compared row is 0 there), the change (measure - previous, in its unit; in points for a rate) and, for counts and "
        "durations, the change in % of previous (empty when previous is 0 or empty)",
    ),
    ("compared_from, compared_to", "with --compare: the first and last day the comparison covers on that row"),
)
GROUP_COLUMNS = ("<group>", "one column per --group-by key, named after it (rep, team, ...); absent without --group-by")

OptionKind = Literal["flag", "choice", "int", "float"]
MeasureKind = Literal["count", "duration", "rate", "rank"]
OptionValue = bool | str | int | float | None


@dataclass(frozen=True)
class ReportOption:
    """An option only some reports take. Its value reaches the report as ctx.options[name],
    already parsed by `parse`: one rule per option name, checked before any data is read."""

    name: str
    flag: str
    default: str | bool | None
    help: str
    choices: tuple[str, ...] = ()
    kind: OptionKind | None = None  # None: flag for a bool default, choice with choices, else text (kept as given)
    minimum: float | None = None  # int and float options: the smallest value accepted
    maximum: float | None = None  # and the largest

    @property
    def value_kind(self) -> OptionKind | Literal["text"]:
        """The kind of value the option takes: flag, choice, int, float, or free text."""
        if self.kind is not None:
            return self.kind
        if isinstance(self.default, bool):
            return "flag"
        return "choice" if self.choices else "text"

    def parse(self, value: OptionValue) -> OptionValue:
        """`value` (text from the command line or a saved report, or already typed) as this option's
        type; a usage error naming the flag when it is not one. None stays None (not given)."""
        if value is None or isinstance(value, bool):
            return value
        kind = self.value_kind
        text = str(value).strip()
        if kind == "choice":
            if text not in self.choices:
                raise UsageError(f"{self.flag} {text!r} is not one of its choices", f"choose one of: {', '.join(self.choices)}")
            return text
        if kind == "int":
            number: float = int(text) if text.isdigit() else -1
            if not text.isdigit() or not self._in_bounds(number):
                raise UsageError(f"{self.flag} {text!r} is not {self._bounds('a whole number')}", f"e.g. {self.flag} {self._example()}")
            return int(number)
        if kind == "float":
            try:
                number = float(text)
            except ValueError:
                number = math.nan
            if not (math.isfinite(number) and self._in_bounds(number)):
                raise UsageError(f"{self.flag} {text!r} is not {self._bounds('a number')}", f"e.g. {self.flag} {self._example()}")
            return number
        return value

    def _in_bounds(self, number: float) -> bool:
        return (self.minimum is None or number >= self.minimum) and (self.maximum is None or number <= self.maximum)

    def _bounds(self, what: str) -> str:
        low, high = (f"{b:g}" if b is not None else None for b in (self.minimum, self.maximum))
        if low is not None and high is not None:
            return f"{what} from {low} to {high}"
        return f"{what} of at least {low}" if low is not None else what

    def _example(self) -> str:
        return f"{self.default}" if self.default not in (None, True, False) else f"{self.minimum or 0:g}"


# --top means the same in every report that takes it: a whole number, 0 = no limit.
TOP_RULE = "a whole number, 0 = all"


def top_option(help_text: str) -> ReportOption:
    """The --top option: one rule everywhere (a whole number of at least 0; 0 lists all)."""
    return ReportOption("top", "--top", None, f"{help_text} ({TOP_RULE}).", kind="int", minimum=0)


@dataclass(frozen=True)
class Rate:
    """A rate column: name = numerator / denominator x 100 (a ratio of sums per row)."""

    name: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Shape:
    """The columns a count/rate report shows from shared counts (the customer agent's flags): its
    rate, if any, then the counts, in order."""

    rate: Rate | None
    counts: tuple[str, ...]
    deployed_only: bool = False  # only conversations on channels that had the agent then (the rest in a note)


@dataclass(frozen=True)
class Chart:
    """What a chart of the report draws when the general rule (first duration statistic, else the
    first percentage, else the first count, one series per text column) does not fit."""

    value: str  # the charted column
    labels: tuple[str, ...]  # the columns naming a bar or series
    ranking: str | None = None  # for a result of several rankings: the one drawn


Partition = Literal["ticket", "conversation", "rep", "row", "none"]  # row: any split of the rows works


@dataclass(frozen=True)
class Records:
    """What a report's per-record facts are computed from: the partition key (every fact of a
    record comes from the rows of its partition alone, so partitions can be computed apart and
    their facts aggregated together) and what a partition must hold."""

    partition: Partition
    key: str  # the column that partitions the rows (ticket_id, conversation_id, rep); "" for none
    holds: str  # which rows a partition holds, and anything computed over the whole data first


Facts = Callable[["ReportContext"], "pl.LazyFrame"]
Aggregate = Callable[["ReportContext", "pl.LazyFrame"], "pl.LazyFrame"]


@dataclass(frozen=True)
class Stages:
    """A report's computation in three stages, so that (1) and (2) can run apart on partitions:

    (1) facts(ctx): one row of facts per record (ticket, conversation, rep...), each from the rows
        of its partition alone (see Records); loads and filters, nothing aggregated;
    (2) aggregate(ctx, facts): those facts aggregated by period and group (counts, sums, means,
        exact quantiles); a function of the facts and the settings only, never of the dataset;
    (3) finish(ctx, aggregated): the final shaping: calendar fill, rates, labels, column order, sort.
    """

    facts: Facts
    aggregate: Aggregate
    finish: Aggregate

    def run(self, ctx: ReportContext) -> pl.LazyFrame:
        """The local run: the three stages joined into one lazy query."""
        return self.finish(ctx, self.aggregate(ctx, self.facts(ctx)))


@dataclass(frozen=True)
class ReportInfo:
    """What a report is: everything needed to list it, explain it and run it, declared once in
    its module (`REPORT`, or several for a module that serves a family of reports)."""

    name: str
    collection: str
    title: str
    summary: str
    about: str
    table: str  # the table whose records the report counts; filters apply to it
    columns: tuple[tuple[str, str], ...]
    date_by: Mapping[str, str]  # --date-by choice -> column of `table`; the first is the default
    records: Records  # the partition key and what a partition holds
    stages: Stages  # the code: facts per record, their aggregation, the final shaping
    needs: tuple[str, ...] = ()  # columns of `table` the report reads beyond the required ones
    duration_stats: bool = False  # carries mean/median/p90 columns, so --stat applies
    duration_unit: str = "hours"  # unit of those columns: <stat>_<unit>
    group_aliases: Mapping[str, str] = field(default_factory=dict)
    options: tuple[ReportOption, ...] = ()
    example_options: str = " --frequency weekly --group-by team"
    default_group_by: tuple[str, ...] = ()  # group keys used when the user gives no --group-by
    range_only: bool = False  # a total over the range by nature: --frequency does not apply
    default_frequency: str = "weekly"  # --frequency when none is given
    schedule_of: str = ""  # whose working hours --hours business counts ("the ticket owner's"); "" = no --hours
    own_range: str = ""  # the dates the report always covers ("the week of --as-of"): no range options then
    shape: Shape | None = None  # count/rate reports over shared counts: which rate and counts they show
    chart: Chart | None = None  # chart facts, when the general rule does not fit
    no_compare: str = ""  # why --compare does not apply ("lists one row per ticket"); "" = it does
    listing_options: tuple[str, ...] = ()  # own options that make the result a listing: --compare is refused with them
    row_keys: tuple[str, ...] = ()  # numeric columns that name a row (hour, rating): --compare matches rows on them
    # text columns that describe a row rather than name it (csat's scale): --compare keeps the run's
    # value and does not match on it, unless an option given here splits rows by it
    labels: tuple[str, ...] = ()
    labels_split_by: tuple[str, ...] = ()

    def run(self, ctx: ReportContext) -> pl.LazyFrame:
        """The report's lazy query for `ctx`: its three stages joined."""
        return self.stages.run(ctx)

    def business_hours(self) -> str:
        """The rule --hours business follows for this report, as `svcstats about` shows it."""
        return BUSINESS_HOURS.format(whose=self.schedule_of)

    @property
    def documented_columns(self) -> tuple[tuple[str, str], ...]:
        """The output columns `svcstats about` lists: the report's own, and --compare's where it applies."""
        return self.columns + (COMPARE_COLUMNS if not self.no_compare else ())

    def compare_refusal(self, options: Mapping[str, OptionValue]) -> str | None:
        """Why --compare does not apply to this report with its own `options` (parsed), or None
        when it does: a listing has no figures to set beside another range's."""
        if self.no_compare:
            return f"{self.name} {self.no_compare}"
        flags = {option.name: option.flag for option in self.options}
        given = [name for name in self.listing_options if options.get(name) not in (None, False)]
        return f"{self.name} {flags[given[0]]} lists rows, not figures to compare" if given else None

    def compare_labels(self, options: Mapping[str, OptionValue]) -> tuple[str, ...]:
        """The `labels` --compare does not match rows on, with the report's own `options`."""
        split = any(options.get(name) not in (None, False) for name in self.labels_split_by)
        return () if split else self.labels

    def measure_kind(self, column: str) -> MeasureKind:
        """How --compare reads a numeric result column: a rate (a percentage: its change is in
        points), a rank (a place: its change is in places), a duration (in `duration_unit`, or
        hours/minutes) or a count (anything else)."""
        if column == "rank":
            return "rank"
        if column.endswith("_pct") or (self.shape is not None and self.shape.rate is not None and column == self.shape.rate.name):
            return "rate"
        units = {"hours", "minutes", self.duration_unit}
        if units & set(column.split("_")):  # mean_hours, first_reply_minutes, paused_hours
            return "duration"
        return "count"

    @property
    def default_date_by(self) -> str:
        """The --date-by choice used when none is given."""
        return next(iter(self.date_by))

    def parse_options(self, given: Mapping[str, OptionValue]) -> dict[str, OptionValue]:
        """The report's own options from `given` (by name), each parsed by its one rule; a usage
        error for a name the report does not take."""
        known = {option.name: option for option in self.options}
        unknown = [name for name in given if name not in known]
        if unknown:
            raise UsageError(f"{self.name} has no option {unknown[0]!r}", f"see svcstats report {self.name} --help")
        return {name: option.parse(given.get(name)) for name, option in known.items() if name in given}


BUSINESS_HOURS = """\
Business hours: --hours business counts working time only, in the working hours of
{whose}.
Schedules come from the working_hours export; reps without one of their own use the default
(the [business_hours] section of svcstats.toml, else the export's rows for rep "*").
Each schedule is in its own time zone, so a 09:00 start is 09:00 local on both sides of a DST
change; holidays (the holidays export, for the schedule's time zone, or for every zone when it
names none) count no working time. Time outside working hours counts zero: a wait entirely out
of hours is 0 business hours and stays in the figures. The duration columns keep their names;
the title says "business hours". A note on stderr says how many reps had no schedule of their own."""
