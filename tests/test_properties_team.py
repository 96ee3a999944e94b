"""Property tests of the team-performance and satisfaction reports over random small datasets.

Each example writes the tables to a temporary folder (CSV with ISO-8601 "Z" times) and runs the
report through the library entry point. The invariants: sentiment counts add up to the responses,
rates stay in [0, 100], groups and periods add up to the totals, scales are never averaged
together, time in stage >= cumulative >= latest visit, bot/system/internal-note messages never end
a wait, first closes never come after last closes, and every figure agrees with a plain-Python
recomputation; results do not depend on row order or engine.
"""

from __future__ import annotations

import math
import statistics
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from svcstats.runner import Outcome
from tests.conftest import run_report, write_csv

# Every generated instant lies at 30 seconds past a minute, so none falls exactly on the end of
# --as-of (whether that is taken as the next midnight or the microsecond before it).
START = datetime(2026, 1, 5, 0, 0, 30, tzinfo=UTC)  # a Monday
SPAN_MINUTES = 70 * 24 * 60
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, print_blob=True)
EPS = 1e-9


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def flag(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def minutes_after(start: datetime, low: int, high: int) -> st.SearchStrategy[datetime]:
    return st.integers(low, high).map(lambda minutes: start + timedelta(minutes=minutes))


instants = minutes_after(START, 0, SPAN_MINUTES)


@contextmanager
def folder(tables: dict[str, tuple[list[str], list[list[object]]]]) -> Iterator[Path]:
    """A temporary dataset folder with one CSV per table: name -> (header, rows)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, (header, rows) in tables.items():
            write_csv(root / f"{name}.csv", header, rows)
        yield root


def findings(outcome: Outcome) -> list[tuple[str, str, int, str]]:
    return sorted((f.where, f.what, f.rows, f.severity) for f in outcome.findings)


def warnings_of(outcome: Outcome, severity: str = "warning") -> dict[str, int]:
    return {f.what: f.rows for f in outcome.findings if f.severity == severity}


def sums(frame: pl.DataFrame, columns: list[str], by: list[str] | None = None) -> pl.DataFrame:
    """Column sums, overall or per `by`, as Int64 and sorted."""
    aggs = [pl.col(c).sum().cast(pl.Int64) for c in columns]
    if not by:
        return frame.select(aggs)
    return frame.group_by(by).agg(aggs).sort(by)


def linear_quantile(values: list[float], q: float) -> float:
    """Quantile with linear interpolation between the closest ranks (Polars' "linear")."""
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


def hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


# == csat ===========================================================================================

# (scale_min, scale_max) -> (lowest positive rating, lowest neutral rating), as the about text says
SCALES = {(0, 2): (2, 1), (1, 3): (3, 2), (1, 5): (4, 3), (1, 7): (6, 4), (0, 10): (9, 7)}
CSAT_HEADER = ["response_id", "submitted_at", "rating", "scale_min", "scale_max", "team", "rep"]
CSAT_COUNTS = ["responses", "positive", "neutral", "negative", "unrated"]


def scale_name(scale: tuple[int, int]) -> str:
    return f"{scale[0]}-{scale[1]}"


@dataclass(frozen=True)
class Response:
    response_id: str
    submitted_at: datetime
    rating: float | None
    scale: tuple[int, int]
    team: str | None
    rep: str | None

    @property
    def in_range(self) -> bool:
        return self.rating is not None and self.scale[0] <= self.rating <= self.scale[1]

    @property
    def out_of_range(self) -> bool:
        return self.rating is not None and not self.in_range

    @property
    def sentiment(self) -> str:
        assert self.rating is not None and self.in_range
        positive_from, neutral_from = SCALES[self.scale]
        if self.rating >= positive_from:
            return "positive"
        return "neutral" if self.rating >= neutral_from else "negative"

    def row(self) -> list[object]:
        rating = None if self.rating is None else (int(self.rating) if self.rating.is_integer() else self.rating)
        return [self.response_id, iso(self.submitted_at), rating, self.scale[0], self.scale[1], self.team, self.rep]


@st.composite
def response(draw: st.DrawFn, index: int, scales: list[tuple[int, int]]) -> Response:
    scale = draw(st.sampled_from(scales))
    low, high = scale
    kind = draw(st.sampled_from(["rated", "rated", "rated", "rated", "unrated", "out", "half"]))
    if kind == "rated":
        rating: float | None = float(draw(st.integers(low, high)))
    elif kind == "half":  # a value between two points of the scale, still inside it
        rating = draw(st.integers(low, high - 1)) + 0.5
    elif kind == "out":
        rating = float(draw(st.sampled_from([low - 1, high + 1, high + 5])))
    else:
        rating = None
    return Response(
        response_id=f"r{index:04d}",
        submitted_at=draw(instants),
        rating=rating,
        scale=scale,
        team=draw(st.sampled_from(["Tier 1", "Tier 2", "Billing", None])),
        rep=draw(st.sampled_from(["Ann", "Bob", None])),
    )


@st.composite
def survey_tables(draw: st.DrawFn, max_size: int = 40) -> list[Response]:
    # some tables hold a single scale (so means are given), most mix several
    scales = draw(st.one_of(st.sampled_from(list(SCALES)).map(lambda s: [s]), st.just(list(SCALES))))
    size = draw(st.integers(1, max_size))
    return [draw(response(i, scales)) for i in range(size)]


def csat_data(table: list[Response]):
    return folder({"csat": (CSAT_HEADER, [r.row() for r in table])})


def check_csat_row(row: dict[str, object]) -> None:
    """The invariants every csat row keeps, whatever its period or group."""
    assert row["positive"] + row["neutral"] + row["negative"] == row["responses"]  # type: ignore[operator]
    if row["responses"] == 0:
        assert row["csat_pct"] is None
        assert row["mean_rating"] is None
        assert row["scale"] is None
    else:
        assert 0 <= row["csat_pct"] <= 100  # type: ignore[operator]
        assert row["csat_pct"] == pytest.approx(row["positive"] * 100 / row["responses"])  # type: ignore[operator]
    if row["scale"] == "mixed":
        assert row["mean_rating"] is None
    elif row["scale"] is not None:
        low, high = (int(p) for p in str(row["scale"]).split("-"))
        assert (low, high) in SCALES
        assert low - EPS <= row["mean_rating"] <= high + EPS  # type: ignore[operator]


def expected_csat(responses: list[Response]) -> dict[str, object]:
    """One csat row recomputed in plain Python (out-of-range ratings left out)."""
    kept = [r for r in responses if not r.out_of_range]
    rated = [r for r in kept if r.rating is not None]
    sentiments = Counter(r.sentiment for r in rated)
    scales = {r.scale for r in rated}
    single = len(scales) == 1
    return {
        "responses": len(rated),
        "positive": sentiments["positive"],
        "neutral": sentiments["neutral"],
        "negative": sentiments["negative"],
        "unrated": len(kept) - len(rated),
        "scale": scale_name(next(iter(scales))) if single else ("mixed" if scales else None),
        "mean_rating": statistics.fmean(r.rating for r in rated) if single else None,  # type: ignore[misc]
    }


def assert_matches(row: dict[str, object], expected: dict[str, object]) -> None:
    for column, value in expected.items():
        if isinstance(value, float):
            assert row[column] == pytest.approx(value), column
        else:
            assert row[column] == value, column


@SETTINGS
@given(table=survey_tables(), frequency=st.sampled_from(["weekly", "monthly"]))
def test_csat_counts_add_up_and_match_a_plain_python_count(table: list[Response], frequency: str) -> None:
    with csat_data(table) as data:
        over_time = run_report(data, "csat", frequency=frequency)
        totals = run_report(data, "csat", totals=True)
        grouped = run_report(data, "csat", frequency=frequency, group_by=["team"]).result
        grouped_totals = run_report(data, "csat", totals=True, group_by=["team"]).result

    for frame in (over_time.result, totals.result, grouped, grouped_totals):
        for row in frame.to_dicts():
            check_csat_row(row)

    # the totals row is the plain-Python count; groups and periods add up to it
    assert totals.result.height == 1
    assert_matches(totals.result.row(0, named=True), expected_csat(table))
    assert_frame_equal(sums(over_time.result, CSAT_COUNTS), totals.result.select(CSAT_COUNTS))
    assert_frame_equal(sums(grouped_totals, CSAT_COUNTS), totals.result.select(CSAT_COUNTS))
    assert_frame_equal(sums(grouped, CSAT_COUNTS, ["team"]), grouped_totals.select(["team", *CSAT_COUNTS]).sort("team"))
    if grouped.height:
        assert_frame_equal(sums(grouped, CSAT_COUNTS, ["period_start"]), over_time.result.select(["period_start", *CSAT_COUNTS]))
    for row in grouped_totals.to_dicts():
        members = [r for r in table if (r.team or "Unassigned") == row["team"]]
        assert_matches(row, expected_csat(members))

    # out-of-range ratings are left out and counted in one warning; nothing else is
    out_of_range = sum(r.out_of_range for r in table)
    for outcome in (over_time, totals):
        assert warnings_of(outcome) == ({"rating outside its scale": out_of_range} if out_of_range else {})


@SETTINGS
@given(table=survey_tables(), totals=st.booleans(), grouped=st.booleans())
def test_csat_distribution_adds_up_to_the_responses(table: list[Response], totals: bool, grouped: bool) -> None:
    options: dict[str, object] = {"frequency": "monthly", "totals": totals, "group_by": ["team"] if grouped else []}
    with csat_data(table) as data:
        summary = run_report(data, "csat", **options).result
        spread = run_report(data, "csat", options={"distribution": True}, **options).result

    keys = [c for c in ("period_start", "team") if c in summary.columns]
    # per row, the rating counts add up to the row's responses
    per_row = sums(spread, ["responses"], keys) if keys else sums(spread, ["responses"])
    if keys:
        summary_rows = summary.filter(pl.col("responses") > 0).select([*keys, "responses"]).sort(keys)
        nonzero = per_row.filter(pl.col("responses") > 0)
        assert_frame_equal(nonzero, summary_rows)
    else:
        assert per_row.item() == summary["responses"].sum()
    # per row and scale, the shares add up to 100 (or are empty when nothing was rated there)
    by_scale = spread.group_by([*keys, "scale"]).agg(pl.col("responses").sum().alias("n"), pl.col("share_pct").sum().alias("share"))
    for row in by_scale.to_dicts():
        assert row["share"] == pytest.approx(100.0 if row["n"] else 0.0)
    assert spread["share_pct"].drop_nulls().is_between(0, 100).all()
    # overall, the counts per scale and rating value are the plain-Python ones
    counted = Counter((scale_name(r.scale), r.rating) for r in table if r.in_range)
    seen = spread.group_by("scale", "rating").agg(pl.col("responses").sum())
    assert {(s, v): n for s, v, n in seen.rows() if n} == dict(counted)


@SETTINGS
@given(table=survey_tables(), order=st.randoms(use_true_random=False), distribution=st.booleans(), grouped=st.booleans())
def test_csat_does_not_depend_on_row_order(table: list[Response], order, distribution: bool, grouped: bool) -> None:
    options: dict[str, object] = {"options": {"distribution": distribution}, "group_by": ["team"] if grouped else []}
    shuffled = table[:]
    order.shuffle(shuffled)
    with csat_data(table) as data:
        baseline = run_report(data, "csat", **options)
    with csat_data(shuffled) as data:
        reordered = run_report(data, "csat", **options)
    assert_frame_equal(reordered.result, baseline.result)
    assert findings(reordered) == findings(baseline)


# == ticket-time-in-pipeline ========================================================================

# pipeline -> stages (name, stage_order, is_closed_stage); "Almost closed" is open despite its name
PIPELINES = {
    "Support": [("New", 1, False), ("Waiting on us", 2, False), ("Waiting on customer", 3, False), ("Closed", 4, True)],
    "Billing": [("Open", 1, False), ("Almost closed", 2, False), ("Done", 3, True)],
}
STAGE_HEADER = ["ticket_id", "pipeline", "stage", "stage_order", "is_closed_stage", "entered_at", "exited_at"]
AS_OF = date(2026, 3, 1)
NOW = datetime(2026, 3, 2, tzinfo=UTC)  # the end of --as-of in UTC (up to a microsecond)


@dataclass(frozen=True)
class Visit:
    ticket_id: str
    pipeline: str
    stage: str
    stage_order: int
    closed: bool
    entered_at: datetime
    exited_at: datetime | None

    def row(self) -> list[object]:
        return [self.ticket_id, self.pipeline, self.stage, self.stage_order, flag(self.closed), iso(self.entered_at), iso(self.exited_at)]


@st.composite
def ticket_visits(draw: st.DrawFn, index: int) -> list[Visit]:
    """One ticket's contiguous visits (each starts when the previous one ends), re-entries allowed;
    the last is still open or not; late tickets run past --as-of."""
    pipeline = draw(st.sampled_from(list(PIPELINES)))
    stages = PIPELINES[pipeline]
    at = draw(minutes_after(START, 0, 50 * 24 * 60))
    count = draw(st.integers(1, 6))
    visits, previous = [], None
    for number in range(count):
        name, order, closed = draw(st.sampled_from([s for s in stages if s[0] != previous]))
        length = draw(st.integers(1, 12 * 24 * 60))  # at least a minute, so entries never tie
        last = number == count - 1
        exited = None if last and draw(st.booleans()) else at + timedelta(minutes=length)
        visits.append(Visit(f"t{index:03d}", pipeline, name, order, closed, at, exited))
        at += timedelta(minutes=length)
        previous = name
    return visits


@st.composite
def stage_histories(draw: st.DrawFn, max_tickets: int = 15) -> list[Visit]:
    size = draw(st.integers(1, max_tickets))
    return [visit for i in range(size) for visit in draw(ticket_visits(i))]


@dataclass(frozen=True)
class StageTime:
    """Plain-Python figures of one ticket in one stage."""

    time_in: float
    cumulative: float
    latest: float
    visits: int
    still_in_stage: bool


def stage_times(history: list[Visit]) -> dict[tuple[str, str, str], StageTime]:
    """(ticket_id, pipeline, stage) -> its times up to NOW; visits entered after NOW are ignored."""
    per: dict[tuple[str, str, str], list[tuple[datetime, datetime, bool]]] = defaultdict(list)
    for v in history:
        if v.entered_at > NOW:
            continue
        left = NOW if v.exited_at is None else min(v.exited_at, NOW)
        per[(v.ticket_id, v.pipeline, v.stage)].append((v.entered_at, left, v.exited_at is None or v.exited_at > NOW))
    times = {}
    for key, spans in per.items():
        first = min(entered for entered, _, _ in spans)
        last_left = max(left for _, left, _ in spans)
        latest = max(spans)  # the visit entered last
        times[key] = StageTime(
            time_in=hours(first, last_left),
            cumulative=sum(hours(entered, left) for entered, left, _ in spans),
            latest=hours(latest[0], latest[1]),
            visits=len(spans),
            still_in_stage=any(still for _, _, still in spans),
        )
    return times


def closed_stage_names() -> set[tuple[str, str]]:
    return {(p, name) for p, stages in PIPELINES.items() for name, _, closed in stages if closed}


def pipeline_data(history: list[Visit]):
    return folder({"stage_history": (STAGE_HEADER, [v.row() for v in history])})


@SETTINGS
@given(history=stage_histories(), include_closed=st.booleans())
def test_time_in_pipeline_matches_a_plain_python_computation(history: list[Visit], include_closed: bool) -> None:
    options: dict[str, object] = {"as_of": AS_OF, "options": {"include_closed": include_closed}}
    with pipeline_data(history) as data:
        totals = run_report(data, "ticket-time-in-pipeline", totals=True, **options).result
        over_time = run_report(data, "ticket-time-in-pipeline", frequency="weekly", **options).result

    times = stage_times(history)
    assert all(t.time_in + EPS >= t.cumulative >= t.latest - EPS for t in times.values())
    if not include_closed:
        times = {k: t for k, t in times.items() if (k[1], k[2]) not in closed_stage_names()}
    orders = {(p, name): order for p, stages in PIPELINES.items() for name, order, _ in stages}

    # per stage: only the tickets that entered it, with the plain-Python means and counts
    by_stage: dict[tuple[str, str], list[StageTime]] = defaultdict(list)
    for (_, pipeline, stage), t in times.items():
        by_stage[(pipeline, stage)].append(t)
    assert {(r["pipeline"], r["stage"]) for r in totals.to_dicts()} == set(by_stage)
    for row in totals.to_dicts():
        stage_figures = by_stage[(row["pipeline"], row["stage"])]
        time_in = [t.time_in for t in stage_figures]
        assert row["tickets"] == len(stage_figures)
        assert row["visits"] == sum(t.visits for t in stage_figures)
        assert row["still_in_stage"] == sum(t.still_in_stage for t in stage_figures)
        assert row["stage_order"] == orders[(row["pipeline"], row["stage"])]
        assert row["mean_hours"] == pytest.approx(statistics.fmean(time_in))
        assert row["median_hours"] == pytest.approx(statistics.median(time_in))
        assert row["p90_hours"] == pytest.approx(linear_quantile(time_in, 0.9))
        assert row["mean_cumulative_hours"] == pytest.approx(statistics.fmean(t.cumulative for t in stage_figures))
        assert row["mean_latest_hours"] == pytest.approx(statistics.fmean(t.latest for t in stage_figures))
        assert row["mean_hours"] + EPS >= row["mean_cumulative_hours"] >= row["mean_latest_hours"] - EPS
    # visits equals the number of rows (entered by --as-of) in the stages shown
    shown = {(r["pipeline"], r["stage"]) for r in totals.to_dicts()}
    assert totals["visits"].sum() == sum(1 for v in history if v.entered_at <= NOW and (v.pipeline, v.stage) in shown)

    # over time, each ticket is placed once per stage: the periods add up to the totals
    assert_frame_equal(
        sums(over_time, ["tickets", "visits", "still_in_stage"], ["pipeline", "stage"]),
        totals.select("pipeline", "stage", "tickets", "visits", "still_in_stage").sort("pipeline", "stage"),
    )


@SETTINGS
@given(history=stage_histories(), include_closed=st.booleans())
def test_time_in_pipeline_per_ticket_keeps_time_in_stage_above_cumulative_above_latest(history: list[Visit], include_closed: bool) -> None:
    """Grouped by ticket_id (any exported column is a group key), each row is one ticket in one stage."""
    options: dict[str, object] = {"as_of": AS_OF, "options": {"include_closed": include_closed}}
    with pipeline_data(history) as data:
        per_ticket = run_report(data, "ticket-time-in-pipeline", totals=True, group_by=["ticket_id"], **options).result

    times = stage_times(history)
    if not include_closed:
        times = {k: t for k, t in times.items() if (k[1], k[2]) not in closed_stage_names()}
    # per ticket: the report's own numbers, time in stage >= cumulative >= latest
    assert per_ticket.height == len(times)
    for row in per_ticket.to_dicts():
        expected = times[(row["ticket_id"], row["pipeline"], row["stage"])]
        assert row["tickets"] == 1
        assert row["visits"] == expected.visits
        assert row["mean_hours"] == pytest.approx(expected.time_in)
        assert row["mean_cumulative_hours"] == pytest.approx(expected.cumulative)
        assert row["mean_latest_hours"] == pytest.approx(expected.latest)
        assert row["mean_hours"] + EPS >= row["mean_cumulative_hours"] >= row["mean_latest_hours"] - EPS


@SETTINGS
@given(history=stage_histories(), order=st.randoms(use_true_random=False))
def test_time_in_pipeline_does_not_depend_on_row_order_or_engine(history: list[Visit], order) -> None:
    options: dict[str, object] = {"as_of": AS_OF, "frequency": "weekly", "options": {"include_closed": True}}
    shuffled = history[:]
    order.shuffle(shuffled)
    with pipeline_data(history) as data:
        baseline = run_report(data, "ticket-time-in-pipeline", **options)
        in_memory = run_report(data, "ticket-time-in-pipeline", engine="in-memory", **options)
    with pipeline_data(shuffled) as data:
        reordered = run_report(data, "ticket-time-in-pipeline", **options)
    for other in (in_memory, reordered):
        assert_frame_equal(other.result, baseline.result)
        assert findings(other) == findings(baseline)


# == ticket-time-to-first-response and chat-wait-time ==============================================

TICKET_HEADER = ["ticket_id", "created_at", "source", "team"]
MESSAGE_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "is_public"]


@dataclass(frozen=True)
class Message:
    message_id: str
    ticket_id: str
    sent_at: datetime
    sender_type: str
    is_public: bool | None

    @property
    def human_reply(self) -> bool:
        return self.sender_type == "agent" and self.is_public is not False

    def row(self) -> list[object]:
        return [self.message_id, self.ticket_id, iso(self.sent_at), self.sender_type, flag(self.is_public)]


@dataclass(frozen=True)
class Conversation:
    ticket_id: str
    created_at: datetime
    source: str
    team: str | None
    messages: tuple[Message, ...]

    def ticket_row(self) -> list[object]:
        return [self.ticket_id, iso(self.created_at), self.source, self.team]


@st.composite
def conversation(draw: st.DrawFn, index: int) -> Conversation:
    ticket_id = f"c{index:03d}"
    created = draw(instants)
    count = draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6]))
    messages = []
    for number in range(count):
        sender = draw(st.sampled_from(["customer", "customer", "agent", "agent", "bot", "system"]))
        # agents write internal notes now and then; others' visibility is whatever the export says
        public = draw(st.sampled_from([None, True, False] if sender == "agent" else [None, True, False, True]))
        offset = draw(st.one_of(st.integers(0, 2 * 24 * 60), st.integers(0, 30), st.integers(-60, -1)))
        messages.append(Message(f"{ticket_id}-m{number}", ticket_id, created + timedelta(minutes=offset), sender, public))
    return Conversation(
        ticket_id,
        created,
        draw(st.sampled_from(["chat", "chat", "email"])),
        draw(st.sampled_from(["Tier 1", "Tier 2", None])),
        tuple(messages),
    )


@st.composite
def conversations(draw: st.DrawFn, max_size: int = 25) -> list[Conversation]:
    size = draw(st.integers(1, max_size))
    return [draw(conversation(i)) for i in range(size)]


def message_rows(table: list[Conversation]) -> list[Message]:
    return [m for c in table for m in c.messages]


def conversation_data(table: list[Conversation], messages: list[Message] | None = None):
    rows = message_rows(table) if messages is None else messages
    return folder({"tickets": (TICKET_HEADER, [c.ticket_row() for c in table]), "messages": (MESSAGE_HEADER, [m.row() for m in rows])})


def first_response_hours(c: Conversation) -> float | None:
    """Plain Python: hours from creation to the first public agent message at or after it."""
    replies = [m.sent_at for m in c.messages if m.human_reply and m.sent_at >= c.created_at]
    return hours(c.created_at, min(replies)) if replies else None


@dataclass(frozen=True)
class Chat:
    answered: bool
    minutes: float | None


def proactive_chats(outcome: Outcome) -> int:
    """Chats the note counts as having no customer message."""
    return sum(f.rows for f in outcome.findings if f.severity == "note" and f.what.startswith("no customer message"))


def chat_wait(c: Conversation, wait_from: str) -> Chat | None:
    """Plain Python: None without a customer message; else whether a human answered, and the wait."""
    customer = [m.sent_at for m in c.messages if m.sender_type == "customer"]
    if not customer:
        return None
    started = min(customer)
    replies = [m.sent_at for m in c.messages if m.human_reply and m.sent_at >= started]
    if not replies:
        return Chat(False, None)
    reply = min(replies)
    bots = [m.sent_at for m in c.messages if m.sender_type == "bot" and started <= m.sent_at <= reply]
    start = max(bots) if wait_from == "handoff" and bots else started
    return Chat(True, (reply - start).total_seconds() / 60)


@SETTINGS
@given(table=conversations())
def test_first_response_counts_every_ticket_and_ignores_bots_and_notes(table: list[Conversation]) -> None:
    with conversation_data(table) as data:
        outcome = run_report(data, "ticket-time-to-first-response", totals=True, stats=["min"])
        over_time = run_report(data, "ticket-time-to-first-response", frequency="weekly", stats=["min"]).result
        per_ticket = run_report(data, "ticket-time-to-first-response", totals=True, group_by=["ticket_id"], stats=["min"]).result

    totals = outcome.result
    assert warnings_of(outcome) == {}  # replies come from messages, so none precedes its ticket
    counts = ["replied_tickets", "unreplied_tickets"]
    for frame in (totals, over_time, per_ticket):
        assert frame["min_hours"].drop_nulls().ge(0).all()  # the wait is never negative
    assert totals["replied_tickets"].item() + totals["unreplied_tickets"].item() == len(table)
    assert_frame_equal(sums(over_time, counts), totals.select(counts))

    expected = {c.ticket_id: first_response_hours(c) for c in table}
    replied = [h for h in expected.values() if h is not None]
    assert totals["replied_tickets"].item() == len(replied)
    if replied:
        assert totals["mean_hours"].item() == pytest.approx(statistics.fmean(replied))
        assert totals["median_hours"].item() == pytest.approx(statistics.median(replied))
    else:
        assert totals["mean_hours"].item() is None
    assert sorted(per_ticket["ticket_id"]) == sorted(expected)
    for row in per_ticket.to_dicts():
        value = expected[row["ticket_id"]]
        assert row["replied_tickets"] + row["unreplied_tickets"] == 1
        assert row["replied_tickets"] == (value is not None)
        assert row["mean_hours"] == (None if value is None else pytest.approx(value))


@SETTINGS
@given(table=conversations(), wait_from=st.sampled_from(["customer", "handoff"]))
def test_chat_wait_matches_a_plain_python_computation(table: list[Conversation], wait_from: str) -> None:
    options: dict[str, object] = {"options": {"wait_from": wait_from}, "stats": ["min"]}
    with conversation_data(table) as data:
        totals = run_report(data, "chat-wait-time", totals=True, **options)
        over_time = run_report(data, "chat-wait-time", frequency="weekly", **options).result
        per_ticket = run_report(data, "chat-wait-time", totals=True, group_by=["ticket_id"], **options).result

    result = totals.result
    for frame in (result, over_time, per_ticket):
        assert (frame["answered_chats"] + frame["abandoned_chats"] == frame["chats"]).all()
        assert frame["abandonment_pct"].drop_nulls().is_between(0, 100).all()
        assert (frame["abandonment_pct"].is_null() == (frame["chats"] == 0)).all()
        assert frame["min_minutes"].drop_nulls().ge(0).all()  # the wait is never negative
    counts = ["chats", "answered_chats", "abandoned_chats"]
    assert_frame_equal(sums(over_time, counts), result.select(counts))

    chats = {c.ticket_id: chat_wait(c, wait_from) for c in table if c.source == "chat"}
    started = {k: v for k, v in chats.items() if v is not None}
    waits = [v.minutes for v in started.values() if v.minutes is not None]
    assert result["chats"].item() == len(started)
    assert result["answered_chats"].item() == len(waits)
    if waits:
        assert result["mean_minutes"].item() == pytest.approx(statistics.fmean(waits))
    else:
        assert result["mean_minutes"].item() is None
    assert proactive_chats(totals) == len(chats) - len(started)
    assert sorted(per_ticket["ticket_id"]) == sorted(started)
    for row in per_ticket.to_dicts():
        chat = started[row["ticket_id"]]
        assert row["chats"] == 1
        assert row["answered_chats"] == chat.answered
        assert row["mean_minutes"] == (None if chat.minutes is None else pytest.approx(chat.minutes))


@SETTINGS
@given(table=conversations())
def test_every_chat_ticket_is_counted_or_noted(table: list[Conversation]) -> None:
    """A chat ticket with no messages at all is not dropped silently: it is noted with the proactive ones."""
    with conversation_data(table) as data:
        outcome = run_report(data, "chat-wait-time", totals=True)
    noted = proactive_chats(outcome)
    assert outcome.result["chats"].item() + noted == sum(c.source == "chat" for c in table)


@SETTINGS
@given(
    table=conversations(),
    report=st.sampled_from(["ticket-time-to-first-response", "chat-wait-time"]),
    totals=st.booleans(),
    grouped=st.booleans(),
    order=st.randoms(use_true_random=False),
)
def test_waits_do_not_depend_on_message_order_or_engine(table: list[Conversation], report: str, totals: bool, grouped: bool, order) -> None:
    options: dict[str, object] = {"frequency": "weekly", "totals": totals, "group_by": ["team"] if grouped else []}
    if report == "chat-wait-time":
        options["options"] = {"wait_from": "handoff"}
    messages = message_rows(table)
    order.shuffle(messages)
    with conversation_data(table) as data:
        baseline = run_report(data, report, **options)
        in_memory = run_report(data, report, engine="in-memory", **options)
    with conversation_data(table, messages) as data:
        reordered = run_report(data, report, **options)
    for other in (in_memory, reordered):
        assert_frame_equal(other.result, baseline.result)
        assert findings(other) == findings(baseline)


# == ticket-time-to-close: first vs last close ======================================================

CLOSE_HEADER = ["ticket_id", "created_at", "closed_at", "first_closed_at", "team"]
HISTORY_HEADER = ["ticket_id", "stage", "entered_at", "exited_at", "is_closed_stage"]


@dataclass(frozen=True)
class Closing:
    ticket_id: str
    created_at: datetime
    first_closed_at: datetime | None  # None: still open (never closed)
    closed_at: datetime | None
    team: str | None

    @property
    def reopened(self) -> bool:
        return self.first_closed_at is not None and self.closed_at is not None and self.first_closed_at < self.closed_at


@st.composite
def closing(draw: st.DrawFn, index: int) -> Closing:
    created = draw(instants)
    shape = draw(st.sampled_from(["open", "closed", "closed", "reopened", "reopened"]))
    first = last = None
    if shape != "open":
        first = created + timedelta(minutes=draw(st.integers(0, 20 * 24 * 60)))
        last = first + timedelta(minutes=draw(st.integers(1, 20 * 24 * 60))) if shape == "reopened" else first
    return Closing(f"k{index:03d}", created, first, last, draw(st.sampled_from(["Tier 1", "Tier 2", None])))


@st.composite
def closings(draw: st.DrawFn, max_size: int = 30) -> list[Closing]:
    size = draw(st.integers(1, max_size))
    return [draw(closing(i)) for i in range(size)]


def close_data(table: list[Closing], first_from: str):
    """first_from "column": tickets carry first_closed_at; "history": a stage history has it."""
    if first_from == "column":
        rows = [[t.ticket_id, iso(t.created_at), iso(t.closed_at), iso(t.first_closed_at), t.team] for t in table]
        return folder({"tickets": (CLOSE_HEADER, rows)})
    header = [c for c in CLOSE_HEADER if c != "first_closed_at"]
    rows = [[t.ticket_id, iso(t.created_at), iso(t.closed_at), t.team] for t in table]
    history: list[list[object]] = []
    for t in table:
        history.append([t.ticket_id, "New", iso(t.created_at), iso(t.first_closed_at), "false"])
        if t.first_closed_at is None:
            continue
        if t.reopened:
            reopen = t.first_closed_at + (t.closed_at - t.first_closed_at) / 2  # type: ignore[operator]
            history.append([t.ticket_id, "Closed", iso(t.first_closed_at), iso(reopen), "true"])
            history.append([t.ticket_id, "Reopened", iso(reopen), iso(t.closed_at), "false"])
        history.append([t.ticket_id, "Closed", iso(t.closed_at), None, "true"])
    return folder({"tickets": (header, rows), "stage_history": (HISTORY_HEADER, history)})


@SETTINGS
@given(table=closings(), first_from=st.sampled_from(["column", "history"]), grouped=st.booleans())
def test_first_close_comes_no_later_than_last_close(table: list[Closing], first_from: str, grouped: bool) -> None:
    options: dict[str, object] = {"totals": True, "group_by": ["team"] if grouped else [], "as_of": date(2026, 12, 31)}
    with close_data(table, first_from) as data:
        first = run_report(data, "ticket-time-to-close", options={"close": "first"}, **options).result
        last = run_report(data, "ticket-time-to-close", options={"close": "last"}, **options).result

    keys = ["team"] if grouped else []
    assert first.select(keys).rows() == last.select(keys).rows()
    for f, la in zip(first.to_dicts(), last.to_dicts(), strict=True):
        members = [t for t in table if not grouped or (t.team or "Unassigned") == f["team"]]
        closed = [t for t in members if t.closed_at is not None]
        reopened = sum(t.reopened for t in closed)
        assert f["closed_tickets"] == la["closed_tickets"] == len(closed)
        assert f["open_tickets"] == la["open_tickets"] == len(members) - len(closed)
        assert f["reopened_tickets"] == la["reopened_tickets"] == reopened
        if not closed:
            assert f["mean_hours"] is None and la["mean_hours"] is None
            continue
        assert f["mean_hours"] <= la["mean_hours"] + EPS
        assert f["mean_hours"] == pytest.approx(statistics.fmean(hours(t.created_at, t.first_closed_at) for t in closed))  # type: ignore[arg-type]
        assert la["mean_hours"] == pytest.approx(statistics.fmean(hours(t.created_at, t.closed_at) for t in closed))  # type: ignore[arg-type]
        assert (f["mean_hours"] == pytest.approx(la["mean_hours"])) or reopened > 0
