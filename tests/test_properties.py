"""Property tests of ticket-time-to-close and support-volume over random small ticket tables.

Each example writes a table to a temporary folder (CSV with ISO-8601 "Z" times, or Parquet with
a UTC Datetime column) and runs the report through the library entry point. The invariants:
over-time rows add up to the totals, groups add up to the whole, results do not depend on row
order, file layout, file kind or engine, the calendar has no gaps, and the counts and durations
agree with a plain-Python recomputation.
"""

from __future__ import annotations

import itertools
import math
import statistics
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from svcstats.runner import Outcome
from tests.conftest import run_report, write_csv

START = datetime(2025, 12, 1, tzinfo=UTC)
SPAN_MINUTES = 150 * 24 * 60  # about five months, across the spring DST change in Europe and the US
REPORTS = ("ticket-time-to-close", "support-volume")
FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")
ZONES = ("UTC", "America/New_York", "Europe/Oslo", "Asia/Kolkata")
COUNTS = {"ticket-time-to-close": ["closed_tickets", "open_tickets"], "support-volume": ["tickets", "closed_tickets", "open_tickets"]}
DURATIONS = ["mean_hours", "median_hours", "p90_hours"]
HEADER = ["ticket_id", "created_at", "closed_at", "is_closed", "owner", "team", "source"]
SCHEMA = {
    "ticket_id": pl.String,
    "created_at": pl.Datetime("us", "UTC"),
    "closed_at": pl.Datetime("us", "UTC"),
    "is_closed": pl.Boolean,
    "owner": pl.String,
    "team": pl.String,
    "source": pl.String,
}
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, print_blob=True)


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    created_at: datetime
    closed_at: datetime | None
    is_closed: bool | None
    owner: str | None
    team: str | None
    source: str | None

    @property
    def closed(self) -> bool:
        """svcstats' definition (no --as-of, every close is in the past): marked closed, or when
        the export does not say, a close date."""
        return self.is_closed if self.is_closed is not None else self.closed_at is not None

    @property
    def measurable(self) -> bool:
        """Closed with a close date: it has a time to close (marked closed without one is warned)."""
        return self.closed and self.closed_at is not None

    @property
    def hours(self) -> float:
        assert self.closed_at is not None
        return (self.closed_at - self.created_at).total_seconds() / 3600


# Instants where placement is delicate: midnights of period starts in UTC, New York, Oslo and
# Kolkata, and the spring DST changes in the US (03-08 07:00Z) and Europe (03-29 01:00Z).
EDGES = [
    datetime(2026, 1, 1, 0, tzinfo=UTC), datetime(2026, 1, 1, 5, tzinfo=UTC), datetime(2025, 12, 31, 23, tzinfo=UTC),
    datetime(2025, 12, 31, 18, 30, tzinfo=UTC), datetime(2026, 4, 1, 4, tzinfo=UTC), datetime(2026, 3, 30, 22, tzinfo=UTC),
    datetime(2026, 3, 8, 7, tzinfo=UTC), datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 2, 2, 0, tzinfo=UTC),
]  # fmt: skip
instants = st.one_of(
    st.integers(0, SPAN_MINUTES).map(lambda minutes: START + timedelta(minutes=minutes)),
    st.builds(lambda edge, minutes: edge + timedelta(minutes=minutes), st.sampled_from(EDGES), st.integers(-90, 90)),
)


@st.composite
def ticket(draw: st.DrawFn, index: int) -> Ticket:
    created = draw(instants)
    shape = draw(st.sampled_from(["closed", "closed", "closed", "open", "closed-before-created", "same-instant", "closed-anytime"]))
    if shape == "closed-anytime":  # possibly near an edge, possibly before it was created
        closed: datetime | None = draw(instants)
    elif shape == "closed":
        closed = created + timedelta(minutes=draw(st.integers(1, 40 * 24 * 60)))
    elif shape == "closed-before-created":
        closed = created - timedelta(minutes=draw(st.integers(1, 3 * 24 * 60)))
    elif shape == "same-instant":
        closed = created
    else:
        closed = None
    return Ticket(
        ticket_id=f"{index:04d}",
        created_at=created,
        closed_at=closed,
        is_closed=draw(st.sampled_from([None, None, None, True, False])),
        owner=draw(st.sampled_from(["Ann", "Bob", "Cid", None])),
        team=draw(st.sampled_from(["Tier 1", "Tier 2", "Billing", None])),
        source=draw(st.sampled_from(["chat", "email", "Phone", "Form submission", None])),
    )


@st.composite
def ticket_tables(draw: st.DrawFn, max_size: int = 40) -> list[Ticket]:
    size = draw(st.integers(1, max_size))
    return [draw(ticket(i)) for i in range(size)]


# -- writing the table ----------------------------------------------------------------------------


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def csv_rows(table: list[Ticket]) -> list[list[object]]:
    def flag(value: bool | None) -> str | None:
        return None if value is None else ("true" if value else "false")

    return [[t.ticket_id, iso(t.created_at), iso(t.closed_at), flag(t.is_closed), t.owner, t.team, t.source] for t in table]


def frame_of(table: list[Ticket]) -> pl.DataFrame:
    return pl.DataFrame(
        [[t.ticket_id, t.created_at, t.closed_at, t.is_closed, t.owner, t.team, t.source] for t in table],
        schema=SCHEMA,
        orient="row",
    )


def write_table(folder: Path, table: list[Ticket], layout: str = "csv", cuts: list[int] | None = None) -> Path:
    """Write `table` into `folder` as tickets.csv, tickets.parquet or a tickets/ folder of CSV parts."""
    folder.mkdir(parents=True, exist_ok=True)
    if layout == "csv":
        write_csv(folder / "tickets.csv", HEADER, csv_rows(table))
    elif layout == "parquet":
        frame_of(table).write_parquet(folder / "tickets.parquet")
    elif layout == "split":
        bounds = [0, *sorted(set(cuts or [])), len(table)]
        parts = [table[a:b] for a, b in itertools.pairwise(bounds) if b > a]
        for number, part in enumerate(parts):
            write_csv(folder / "tickets" / f"part-{number:02d}.csv", HEADER, csv_rows(part))
    else:
        raise AssertionError(layout)
    return folder


@contextmanager
def dataset(table: list[Ticket], layout: str = "csv", cuts: list[int] | None = None) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        yield write_table(Path(tmp), table, layout, cuts)


def run(data: Path, report: str, **options: object) -> Outcome:
    return run_report(data, report, **options)


# -- a plain-Python calendar --------------------------------------------------------------------------


def period_start(day: date, frequency: str) -> date:
    if frequency == "daily":
        return day
    if frequency == "weekly":
        return day - timedelta(days=day.weekday())
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return date(day.year, 1, 1)


def next_period(start: date, frequency: str) -> date:
    if frequency == "daily":
        return start + timedelta(days=1)
    if frequency == "weekly":
        return start + timedelta(days=7)
    months = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def local_period(instant: datetime, frequency: str, tz: str) -> date:
    return period_start(instant.astimezone(ZoneInfo(tz)).date(), frequency)


def placed_instants(table: list[Ticket], report: str, date_by: str | None = None) -> list[datetime]:
    """The instants that place each counted record in a period, as the reports define them."""
    if report == "support-volume":
        if (date_by or "created") == "created":
            return [t.created_at for t in table]
        return [t.closed_at for t in table if t.closed_at is not None]
    column = date_by or "closed"
    closed = [t for t in table if t.measurable and t.hours >= 0]
    opened = [t.created_at for t in table if not t.closed]
    return [(t.closed_at if column == "closed" else t.created_at) for t in closed] + opened  # type: ignore[misc]


def sums(frame: pl.DataFrame, columns: list[str], by: list[str] | None = None) -> pl.DataFrame:
    """Column sums, overall or per `by`, as Int64 and sorted."""
    aggs = [pl.col(c).sum().cast(pl.Int64) for c in columns]
    if not by:
        return frame.select(aggs)
    return frame.group_by(by).agg(aggs).sort(by)


# -- properties ------------------------------------------------------------------------------------


@SETTINGS
@given(
    table=ticket_tables(),
    report=st.sampled_from(REPORTS),
    frequency=st.sampled_from(FREQUENCIES),
    tz=st.sampled_from(ZONES),
    date_by=st.sampled_from([None, "created", "closed"]),
    window=st.one_of(st.none(), st.tuples(st.integers(0, 150), st.integers(0, 150))),
)
def test_over_time_rows_add_up_to_totals_and_groups_to_the_whole(
    table: list[Ticket], report: str, frequency: str, tz: str, date_by: str | None, window: tuple[int, int] | None
) -> None:
    counts = COUNTS[report]
    options: dict[str, object] = {"frequency": frequency, "tz": tz, "date_by": date_by}
    if window is not None:
        first, last = sorted(window)
        options |= {"date_from": START.date() + timedelta(days=first), "date_to": START.date() + timedelta(days=last)}
    with dataset(table) as data:
        over_time = run(data, report, **options).result
        totals = run(data, report, totals=True, **options).result
        grouped = run(data, report, group_by=["team"], **options).result
        grouped_totals = run(data, report, group_by=["team"], totals=True, **options).result

    assert totals.height == 1
    assert_frame_equal(sums(over_time, counts), totals.select(counts))
    assert_frame_equal(sums(grouped, counts, ["team"]), grouped_totals.select(["team", *counts]).sort("team"))
    assert_frame_equal(sums(grouped_totals, counts), totals.select(counts))
    # per period, the groups add up to the ungrouped row (with no record in the range there is
    # no group, so no grouped row, while the ungrouped calendar still shows the range with zeros)
    if grouped.height:
        assert_frame_equal(sums(grouped, counts, ["period_start"]), over_time.select(["period_start", *counts]))
    else:
        assert all(over_time[c].sum() == 0 for c in counts)
    if report == "support-volume":
        for frame in (over_time, totals, grouped, grouped_totals):
            assert (frame["tickets"] == frame["closed_tickets"] + frame["open_tickets"]).all()
    if window is None and date_by is None:
        expected = len(placed_instants(table, report))
        assert sum(totals.row(0)[totals.columns.index(c)] for c in counts if c != "tickets") == expected


@SETTINGS
@given(
    table=ticket_tables(),
    report=st.sampled_from(REPORTS),
    frequency=st.sampled_from(["daily", "weekly", "monthly"]),
    grouped=st.booleans(),
    totals=st.booleans(),
    order=st.randoms(use_true_random=False),
    cuts=st.lists(st.integers(1, 39), max_size=4),
)
def test_results_do_not_depend_on_row_order_file_layout_file_kind_or_engine(
    table: list[Ticket], report: str, frequency: str, grouped: bool, totals: bool, order, cuts: list[int]
) -> None:
    options: dict[str, object] = {"frequency": frequency, "totals": totals, "group_by": ["team"] if grouped else [], "tz": "Europe/Oslo"}
    shuffled = table[:]
    order.shuffle(shuffled)
    with dataset(table) as data:
        baseline = run(data, report, **options)
        in_memory = run(data, report, engine="in-memory", **options)
    with dataset(shuffled) as data:
        reordered = run(data, report, **options)
    with dataset(shuffled, "split", [c for c in cuts if c < len(table)]) as data:
        split = run(data, report, **options)
    with dataset(shuffled, "parquet") as data:
        parquet = run(data, report, **options)

    def findings(outcome: Outcome) -> list[tuple[str, str, int, str]]:
        return sorted((f.where, f.what, f.rows, f.severity) for f in outcome.findings)

    for other in (in_memory, reordered, split, parquet):
        assert_frame_equal(other.result, baseline.result)
        assert findings(other) == findings(baseline)


@SETTINGS
@given(
    table=ticket_tables(),
    report=st.sampled_from(REPORTS),
    frequency=st.sampled_from(FREQUENCIES),
    tz=st.sampled_from(ZONES),
    grouped=st.booleans(),
    window=st.one_of(st.none(), st.tuples(st.integers(-20, 170), st.integers(-20, 170))),
)
def test_calendar_has_every_period_once_in_order(
    table: list[Ticket], report: str, frequency: str, tz: str, grouped: bool, window: tuple[int, int] | None
) -> None:
    options: dict[str, object] = {"frequency": frequency, "tz": tz, "group_by": ["team"] if grouped else []}
    date_range: tuple[date, date] | None = None
    if window is not None:
        first, last = sorted(window)
        date_range = (START.date() + timedelta(days=first), START.date() + timedelta(days=last))
        options |= {"date_from": date_range[0], "date_to": date_range[1]}
    with dataset(table) as data:
        result = run(data, report, **options).result

    assert result.schema["period_start"] == pl.Date
    instants = placed_instants(table, report)
    if date_range is not None:
        low, high = (period_start(d, frequency) for d in date_range)
        in_range = [i for i in instants if date_range[0] <= i.astimezone(ZoneInfo(tz)).date() <= date_range[1]]
    else:
        if not instants:  # e.g. every ticket closed before it was created
            assert result.height == 0
            return
        periods = [local_period(i, frequency, tz) for i in instants]
        low, high = min(periods), max(periods)
        in_range = instants
    expected = [low]
    while expected[-1] < high:
        expected.append(next_period(expected[-1], frequency))
    assert expected[-1] == high

    if not grouped:
        assert result["period_start"].to_list() == expected
        return
    groups = sorted(set(result["team"]))
    if not in_range:  # no record, so no group to show
        assert result.height == 0
        return
    # every (period, group) pair exactly once, sorted by period then group
    assert result.select("period_start", "team").rows() == [(p, g) for p in expected for g in groups]


@SETTINGS
@given(table=ticket_tables(max_size=60), date_by=st.sampled_from([None, "created"]), tz=st.sampled_from(["UTC", "UTC", *ZONES]))
def test_time_to_close_matches_a_plain_python_count(table: list[Ticket], date_by: str | None, tz: str) -> None:
    with dataset(table) as data:
        outcome = run(data, "ticket-time-to-close", frequency="weekly", tz=tz, stats=["min", "max"], date_by=date_by)
    result = outcome.result

    def week(instant: datetime) -> date:
        return local_period(instant, "weekly", tz)

    valid = [t for t in table if t.measurable and t.hours >= 0]
    before_created = [t for t in table if t.measurable and t.hours < 0]
    still_open = [t for t in table if not t.closed]
    hours: dict[date, list[float]] = defaultdict(list)
    for t in valid:
        hours[week(t.closed_at if date_by is None else t.created_at)].append(t.hours)  # type: ignore[arg-type]
    open_per_week = Counter(week(t.created_at) for t in still_open)

    by_week = {row["period_start"]: row for row in result.to_dicts()}
    assert set(hours) | set(open_per_week) <= set(by_week)
    for start, row in by_week.items():
        assert start.weekday() == 0
        assert row["closed_tickets"] == len(hours.get(start, []))
        assert row["open_tickets"] == open_per_week.get(start, 0)
        if not hours.get(start):
            assert all(row[c] is None for c in [*DURATIONS, "min_hours", "max_hours"])
            continue
        values = hours[start]
        low, high = min(values), max(values)
        assert row["min_hours"] == pytest.approx(low, abs=1e-9)
        assert row["max_hours"] == pytest.approx(high, abs=1e-9)
        for column in DURATIONS:
            assert low - 1e-9 <= row[column] <= high + 1e-9, column
        assert row["median_hours"] <= row["p90_hours"] + 1e-9
        assert row["mean_hours"] == pytest.approx(statistics.fmean(values))
        assert row["median_hours"] == pytest.approx(statistics.median(values))
        assert row["p90_hours"] == pytest.approx(linear_quantile(values, 0.9))

    assert sum(result["closed_tickets"]) + sum(result["open_tickets"]) == len(valid) + len(still_open)
    warnings = {f.what: f.rows for f in outcome.findings if f.severity == "warning"}
    assert warnings.get("closed before it was created", 0) == len(before_created)
    notes = {f.what: f.rows for f in outcome.findings if f.severity == "note"}
    assert notes.get("still open, no time to close (counted in open_tickets)", 0) == len(still_open)


@SETTINGS
@given(table=ticket_tables(max_size=60), grouped=st.booleans(), tz=st.sampled_from(["UTC", "UTC", *ZONES]))
def test_support_volume_matches_a_plain_python_count(table: list[Ticket], grouped: bool, tz: str) -> None:
    with dataset(table) as data:
        result = run(data, "support-volume", frequency="weekly", tz=tz, group_by=["source"] if grouped else []).result

    def key(t: Ticket) -> tuple[date, ...] | tuple[date, str]:
        start = local_period(t.created_at, "weekly", tz)
        if not grouped:
            return (start,)
        label = {"Phone": "phone", "Form submission": "form"}.get(t.source or "", t.source)
        return (start, label or "(none)")

    tickets = Counter(key(t) for t in table)
    closed = Counter(key(t) for t in table if t.closed)
    keys = ["period_start", "source"] if grouped else ["period_start"]
    for row in result.to_dicts():
        k = tuple(row[c] for c in keys)
        assert row["tickets"] == tickets.get(k, 0)
        assert row["closed_tickets"] == closed.get(k, 0)
        assert row["open_tickets"] == row["tickets"] - row["closed_tickets"]
    assert set(tickets) <= {tuple(r) for r in result.select(keys).rows()}
    assert result["tickets"].sum() == len(table)


def linear_quantile(values: list[float], q: float) -> float:
    """Quantile with linear interpolation between the closest ranks (Polars' "linear")."""
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def test_quantiles_by_group_number_by_hand() -> None:
    from svcstats.reports.base import by_group_number

    # team A: 1, 3, 10 -> median 3, p90 = 3 + 0.8 * (10 - 3) = 8.6 (linear, rank 0.9 * 2 = 1.8);
    # team None (a null key is a group of its own): 2, 4 -> median 3, p90 = 2 + 0.9 * 2 = 3.8
    frame = pl.LazyFrame({"team": ["A", None, "A", "A", None], "h": [1.0, 2.0, 3.0, 10.0, 4.0]})
    aggs = [pl.len().alias("n"), pl.col("h").median().alias("median"), pl.col("h").quantile(0.9, "linear").alias("p90")]
    got = pl.collect_all([by_group_number(frame, ["team"], aggs)])[0].sort("team", nulls_last=True)
    assert got.rows() == [("A", 3, 3.0, pytest.approx(8.6)), (None, 2, 3.0, pytest.approx(3.8))]


def test_quantiles_by_group_number_may_read_a_key() -> None:
    from svcstats.reports.base import by_group_number

    # an aggregation that reads a grouping column (the agent reports count assigned_rep's values):
    # team A's rows 1.0 and 3.0 -> median 2, both with a team; team None's row 2.0 -> no team counted
    frame = pl.LazyFrame({"team": ["A", None, "A"], "h": [1.0, 2.0, 3.0]})
    aggs = [pl.col("h").median().alias("median"), pl.col("team").is_not_null().sum().alias("with_team")]
    got = pl.collect_all([by_group_number(frame, ["team"], aggs)])[0].sort("team", nulls_last=True)
    assert got.rows() == [("A", 2.0, 2), (None, 2.0, 0)]


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", None]), st.integers(0, 6), st.floats(0, 1e4, allow_nan=False) | st.none()),
        min_size=1,
        max_size=300,
    )
)
def test_quantiles_by_group_number_equal_the_plain_group_by(rows: list[tuple[str | None, int, float | None]]) -> None:
    # numbering the keys (to spare the streaming engine's memory) changes no number and no key
    from svcstats.reports.base import by_group_number

    frame = pl.LazyFrame(rows, schema={"team": pl.String, "day": pl.Int64, "h": pl.Float64}, orient="row")
    aggs = [
        pl.len().alias("n"),
        pl.col("h").mean().alias("mean"),
        pl.col("h").median().alias("median"),
        pl.col("h").quantile(0.9, "linear").alias("p90"),
    ]
    numbered, plain = pl.collect_all([by_group_number(frame, ["team", "day"], aggs), frame.group_by(["team", "day"]).agg(aggs)])
    assert_frame_equal(numbered.sort("team", "day", nulls_last=True), plain.sort("team", "day", nulls_last=True))
