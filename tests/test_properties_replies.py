"""Property tests of the Ticket replies wait reports (customer-wait-time, customer-response-time).

Each example writes random conversations (several tickets; customer, agent, bot and system
messages; public, internal and unmarked ones; several reps; equal timestamps) and a tickets.csv
with owners to a temporary folder, runs the reports through the library entry point, and checks
them against a plain-Python pairing of the message rules in svcstats/reports/waits.py: messages of
a ticket ordered by sent_at, then message_id, then customer before reply; a run of waiting-side
messages starts one wait at its first message, the next answering message ends it; a wait with no
answer by the end of --as-of's day is open. Results must not depend on row order, on splitting
the messages into several files, on CSV vs Parquet, or on the engine.
"""

from __future__ import annotations

import itertools
import math
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from svcstats.runner import Outcome
from tests.conftest import run_report, write_csv

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, in the past (runs without --as-of see it all)
AS_OF_DAYS = [START.date() + timedelta(days=d) for d in range(6)]
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, print_blob=True)
HEAVY = settings(SETTINGS, max_examples=15)  # for the tests running a report five times per example
REPORTS = ["customer-wait-time", "customer-response-time"]
WAITING = {"customer-wait-time": "customer", "customer-response-time": "reply"}  # who waits, as in waits.py
REPS = ["Ann", "Bob", "Cy"]
UNASSIGNED = "Unassigned"
MESSAGE_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]
TICKET_HEADER = ["ticket_id", "created_at", "owner"]
MESSAGE_SCHEMA = {
    "message_id": pl.String,
    "ticket_id": pl.String,
    "sent_at": pl.Datetime("us", "UTC"),
    "sender_type": pl.String,
    "sender": pl.String,
    "is_public": pl.Boolean,
}


def iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def flag(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


def hours(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 3600


def linear_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    rank = q * (len(ordered) - 1)
    below, above = math.floor(rank), math.ceil(rank)
    return ordered[below] + (ordered[above] - ordered[below]) * (rank - below)


# == random conversations ==========================================================================


@dataclass(frozen=True)
class Message:
    message_id: str | None
    ticket_id: str
    sent_at: datetime
    sender_type: str
    sender: str | None
    is_public: bool | None

    def row(self) -> list[object]:
        return [self.message_id, self.ticket_id, iso(self.sent_at), self.sender_type, self.sender, flag(self.is_public)]


@dataclass(frozen=True)
class Ticket:
    ticket_id: str
    created_at: datetime
    owner: str | None
    listed: bool  # whether tickets.csv has it (a message may name a ticket the export lacks)


@dataclass(frozen=True)
class Data:
    tickets: tuple[Ticket, ...]
    messages: tuple[Message, ...]

    def owner(self, ticket_id: str) -> str | None:
        return next((t.owner for t in self.tickets if t.ticket_id == ticket_id and t.listed), None)


@st.composite
def datasets(
    draw: st.DrawFn,
    missing_ids: bool = False,
    agents: tuple[str | None, ...] = (*REPS, None),
    ties: bool = False,
    max_tickets: int = 5,
    max_messages: int = 9,
) -> Data:
    """Random conversations. Message ids are unique and their text order differs from their
    number's (m10 < m2); with `missing_ids`, some or all messages have none. Agents' names are drawn
    from `agents` (None: the export lacks it). With `ties`, all tickets share one coarse time
    step and each has its own customer, so that customers' mean waits often tie."""
    count = draw(st.integers(2 if ties else 1, max_tickets))
    # with missing_ids, a third of the ids or all of them are empty (then customer before reply decides)
    missing = draw(st.sampled_from([0, 3, 1])) if missing_ids else 0
    serials = iter(draw(st.permutations(range(count * max_messages))))
    shared_step = draw(st.sampled_from([0, 30])) if ties else None
    tickets, messages = [], []
    for t in range(count):
        ticket_id = f"t{t}"
        base = START + timedelta(hours=draw(st.integers(0, 4 * 24)))
        # a few time slots per ticket, so that equal timestamps are common (all of them with step 0,
        # so tickets' waits tie at 0 h); some steps cross midnight
        step = draw(st.sampled_from([0, 1, 45, 240, 600])) if shared_step is None else shared_step
        slots = 2 if ties else 8
        customers = [f"c{t}"] if ties else draw(st.sampled_from([["c1"], ["c2", "c3"], ["c4", None], [None]]))
        for _ in range(draw(st.integers(0, max_messages))):
            sender_type = draw(st.sampled_from(["customer", "customer", "customer", "agent", "agent", "agent", "bot", "system"]))
            sender = {
                "customer": draw(st.sampled_from(customers)),
                "agent": draw(st.sampled_from(agents)),
                "bot": "Customer Agent",
                "system": None,
            }[sender_type]
            serial = next(serials)
            message_id = None if missing and draw(st.integers(1, missing)) == 1 else f"m{serial}"
            sent_at = base + timedelta(minutes=step * draw(st.integers(0, slots)))
            public = draw(st.sampled_from([True, True, None, False]))
            messages.append(Message(message_id, ticket_id, sent_at, sender_type, sender, public))
        owner = draw(st.sampled_from([*REPS, None]))
        tickets.append(Ticket(ticket_id, base, owner, listed=draw(st.integers(0, 5)) > 0))
    if not messages:  # at least one message, so the table is never empty
        messages.append(Message("m-only", "t0", START, "customer", "c1", True))
    return Data(tuple(tickets), tuple(messages))


@contextmanager
def folder(data: Data, messages: list[Message] | None = None, layout: str = "csv", parts: int = 3) -> Iterator[Path]:
    """A dataset folder: tickets.csv and the messages (in the given order) as one CSV file, a
    messages/ folder of `parts` CSV files ("split"), or one Parquet file ("parquet")."""
    rows = list(data.messages if messages is None else messages)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        tickets = [[t.ticket_id, iso(t.created_at), t.owner] for t in data.tickets if t.listed]
        write_csv(root / "tickets.csv", TICKET_HEADER, tickets)
        if layout == "csv":
            write_csv(root / "messages.csv", MESSAGE_HEADER, [m.row() for m in rows])
        elif layout == "split":
            size = max(1, math.ceil(len(rows) / parts))
            for i in range(0, len(rows), size):
                write_csv(root / "messages" / f"part-{i // size}.csv", MESSAGE_HEADER, [m.row() for m in rows[i : i + size]])
        else:
            frame = pl.DataFrame(
                [[m.message_id, m.ticket_id, m.sent_at, m.sender_type, m.sender, m.is_public] for m in rows],
                schema=MESSAGE_SCHEMA,
                orient="row",
            )
            frame.write_parquet(root / "messages.parquet")
        yield root


# == the message rules in plain Python =============================================================


def role(m: Message, include_bots: bool) -> str | None:
    """The message's side: "customer", "reply" (a public human agent message; a public bot one with include_bots) or None."""
    if m.sender_type == "customer":
        return "customer"
    if m.is_public is not False and (m.sender_type == "agent" or (include_bots and m.sender_type == "bot")):
        return "reply"
    return None


def conversations(data: Data, include_bots: bool) -> dict[str, list[tuple[Message, str]]]:
    """Each ticket's customer messages and replies, in the rules' order."""
    found: dict[str, list[tuple[Message, str]]] = defaultdict(list)
    for m in data.messages:
        r = role(m, include_bots)
        if r is not None:
            found[m.ticket_id].append((m, r))
    for items in found.values():
        items.sort(key=lambda item: (item[0].sent_at, item[0].message_id or "", item[1] == "reply"))
    return found


def end_of(as_of: date | None) -> datetime | None:
    """The instant --as-of's day ends (UTC); None: no cut (the data lies in the past)."""
    return None if as_of is None else datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) + timedelta(days=1)


@dataclass(frozen=True)
class Wait:
    ticket_id: str
    started_at: datetime
    ended_at: datetime | None  # None: open
    starter: str | None
    ender: str | None
    customer: str  # the ticket's smallest customer sender id, else the ticket id

    @property
    def hours(self) -> float | None:
        return None if self.ended_at is None else hours(self.started_at, self.ended_at)


def plain_waits(data: Data, waiting: str, include_bots: bool = False, as_of: date | None = None) -> list[Wait]:
    """Pair the waits with a loop: a wait starts at the first message of each run of `waiting`
    messages and ends at the next answering message sent by the end of --as-of's day."""
    answer = "reply" if waiting == "customer" else "customer"
    end = end_of(as_of)
    waits = []
    for ticket_id, items in conversations(data, include_bots).items():
        senders = [m.sender for m, r in items if r == "customer" and m.sender is not None]
        customer = min(senders) if senders else ticket_id
        for i, (m, r) in enumerate(items):
            if r != waiting or (i > 0 and items[i - 1][1] == waiting):
                continue
            if end is not None and m.sent_at >= end:
                continue  # not started yet at --as-of
            answered = next((n for n, nr in items[i + 1 :] if nr == answer), None)
            if answered is not None and end is not None and answered.sent_at >= end:
                answered = None
            waits.append(
                Wait(
                    ticket_id,
                    m.sent_at,
                    None if answered is None else answered.sent_at,
                    m.sender,
                    None if answered is None else answered.sender,
                    customer,
                )
            )
    return waits


def runs(data: Data, waiting: str, include_bots: bool = False, as_of: date | None = None) -> int:
    """Runs of `waiting` messages (no answer between them) whose first message is by --as-of."""
    end = end_of(as_of)
    count = 0
    for items in conversations(data, include_bots).values():
        sides = [(m.sent_at, r == waiting) for m, r in items]
        for i, (sent_at, waits) in enumerate(sides):
            count += waits and (i == 0 or not sides[i - 1][1]) and (end is None or sent_at < end)
    return count


def answers(data: Data, waiting: str, include_bots: bool = False, as_of: date | None = None) -> int:
    """Messages that can end a wait of `waiting`, sent by --as-of."""
    end = end_of(as_of)
    answer = "reply" if waiting == "customer" else "customer"
    return sum(role(m, include_bots) == answer and (end is None or m.sent_at < end) for m in data.messages)


def rep_of(wait: Wait, waiting: str, attribute: str, data: Data) -> str:
    """Whose wait it is: the ticket owner, or the replying rep (customer waits; none while open)
    or the rep whose reply waits (team waits)."""
    if attribute == "owner":
        return data.owner(wait.ticket_id) or UNASSIGNED
    return (wait.ender if waiting == "customer" else wait.starter) or UNASSIGNED


def summary(waits: list[Wait]) -> dict[str, object]:
    closed = [w.hours for w in waits if w.hours is not None]
    return {
        "waits": len(closed),
        "open_waits": len(waits) - len(closed),
        "mean_hours": statistics.fmean(closed) if closed else None,
        "median_hours": statistics.median(closed) if closed else None,
        "p90_hours": linear_quantile(closed, 0.9) if closed else None,
        "min_hours": min(closed) if closed else None,
        "max_hours": max(closed) if closed else None,
    }


def assert_row(row: dict[str, object], expected: dict[str, object], context: object = None) -> None:
    for column, value in expected.items():
        if column not in row:  # a statistic the run did not ask for
            continue
        if isinstance(value, float):
            assert row[column] == pytest.approx(value, abs=1e-9), (column, context)
        else:
            assert row[column] == value, (column, context)


def warnings(outcome: Outcome) -> list[str]:
    return [f.what for f in outcome.findings if f.severity == "warning"]


def findings(outcome: Outcome) -> list[tuple[str, str, int, str]]:
    return sorted((f.where, f.what, f.rows, f.severity) for f in outcome.findings)


def without_non_replies(data: Data) -> Data:
    """The data without bot and system messages and internal notes."""
    return replace(data, messages=tuple(m for m in data.messages if role(m, include_bots=False) is not None))


as_of_days = st.one_of(st.none(), st.sampled_from(AS_OF_DAYS))


# == every wait, paired as the rules say ===========================================================


@pytest.mark.parametrize("report", REPORTS)
@SETTINGS
@given(data=datasets(missing_ids=True), as_of=as_of_days)
def test_waits_match_a_plain_python_pairing(report: str, data: Data, as_of: date | None) -> None:
    waiting = WAITING[report]
    request: dict[str, object] = {"totals": True, "as_of": as_of, "stats": ["min", "max"]}
    with folder(data) as root:
        outcome = run_report(root, report, **request, options={"open": True})
        per_ticket = run_report(root, report, **request, group_by=["ticket_id"]).result

    assert warnings(outcome) == []
    [total] = outcome.result.to_dicts()
    expected = plain_waits(data, waiting, as_of=as_of)
    closed = [w for w in expected if w.ended_at is not None]
    assert total["min_hours"] is None or total["min_hours"] >= 0  # never negative
    assert per_ticket["min_hours"].drop_nulls().ge(0).all()
    assert total["waits"] <= answers(data, waiting, as_of=as_of)  # each reply ends at most one wait
    assert total["waits"] + total["open_waits"] == runs(data, waiting, as_of=as_of)  # one wait per run
    assert_row(total, summary(expected))
    if as_of is not None:  # ages of the open waits at the end of --as-of's day
        ages = [hours(w.started_at, end_of(as_of)) for w in expected if w.ended_at is None]  # type: ignore[arg-type]
        assert total["max_open_hours"] == (pytest.approx(max(ages)) if ages else None)
        assert total["mean_open_hours"] == (pytest.approx(statistics.fmean(ages)) if ages else None)

    by_ticket: dict[str, list[Wait]] = defaultdict(list)
    for w in expected:
        by_ticket[w.ticket_id].append(w)
    assert sorted(per_ticket["ticket_id"]) == sorted(by_ticket)
    for row in per_ticket.to_dicts():
        assert_row(row, summary(by_ticket[row["ticket_id"]]), row["ticket_id"])
    assert sum(w.hours for w in closed) == pytest.approx(sum(r["mean_hours"] * r["waits"] for r in per_ticket.to_dicts() if r["waits"]))


@pytest.mark.parametrize("report", REPORTS)
@SETTINGS
@given(data=datasets(), day=st.sampled_from(AS_OF_DAYS))
def test_open_waits_are_those_unanswered_by_the_end_of_the_as_of_day(report: str, data: Data, day: date) -> None:
    """Moving --as-of forward a day never reopens a wait: waits only start or close."""
    waiting = WAITING[report]
    with folder(data) as root:
        today = run_report(root, report, as_of=day, group_by=["ticket_id"], totals=True).result
        later = run_report(root, report, as_of=day + timedelta(days=1), group_by=["ticket_id"], totals=True).result
    for frame, as_of in ((today, day), (later, day + timedelta(days=1))):
        expected = plain_waits(data, waiting, as_of=as_of)
        opened = defaultdict(int)
        for w in expected:
            opened[w.ticket_id] += w.ended_at is None
        assert dict(zip(frame["ticket_id"], frame["open_waits"], strict=True)) == {t: opened[t] for t in {w.ticket_id for w in expected}}
    before = dict(zip(today["ticket_id"], today["waits"], strict=True))
    after = dict(zip(later["ticket_id"], later["waits"], strict=True))
    assert all(after[t] >= n for t, n in before.items())


# == bots ==========================================================================================


@pytest.mark.parametrize("report", REPORTS)
@SETTINGS
@given(data=datasets(missing_ids=True), as_of=as_of_days)
def test_bots_reply_only_with_include_bots(report: str, data: Data, as_of: date | None) -> None:
    waiting = WAITING[report]
    request: dict[str, object] = {"totals": True, "as_of": as_of, "group_by": ["ticket_id"]}
    with folder(data) as root:
        with_bots = run_report(root, report, **request, options={"include_bots": True}).result
        without = run_report(root, report, **request).result
    with folder(without_non_replies(data)) as root:
        humans_only = run_report(root, report, **request).result

    # without --include-bots, bot and system messages and internal notes change nothing
    assert_frame_equal(without, humans_only)
    expected: dict[str, list[Wait]] = defaultdict(list)
    for w in plain_waits(data, waiting, include_bots=True, as_of=as_of):
        expected[w.ticket_id].append(w)
    assert sorted(with_bots["ticket_id"]) == sorted(expected)
    for row in with_bots.to_dicts():
        assert_row(row, summary(expected[row["ticket_id"]]), row["ticket_id"])


# == attribution ===================================================================================


@pytest.mark.parametrize("report", REPORTS)
@SETTINGS
@given(data=datasets(agents=tuple(REPS)), attribute=st.sampled_from(["responder", "owner"]), include_bots=st.booleans(), as_of=as_of_days)
def test_each_wait_lands_on_its_rep_and_reps_add_up(
    report: str, data: Data, attribute: str, include_bots: bool, as_of: date | None
) -> None:
    waiting = WAITING[report]
    options = {"attribute": attribute, "include_bots": include_bots}
    with folder(data) as root:
        [total] = run_report(root, report, totals=True, as_of=as_of, options=options).result.to_dicts()
        by_rep = run_report(root, report, totals=True, as_of=as_of, group_by=["rep"], options=options).result.to_dicts()

    # the reps add up to the ungrouped totals
    assert sum(r["waits"] for r in by_rep) == total["waits"]
    assert sum(r["open_waits"] for r in by_rep) == total["open_waits"]
    hours_by_rep = sum(r["mean_hours"] * r["waits"] for r in by_rep if r["waits"])
    assert hours_by_rep == pytest.approx(total["mean_hours"] * total["waits"] if total["waits"] else 0.0)

    # each wait lands on the replying (or waiting) rep, or on its ticket's owner
    expected: dict[str, list[Wait]] = defaultdict(list)
    for w in plain_waits(data, waiting, include_bots=include_bots, as_of=as_of):
        expected[rep_of(w, waiting, attribute, data)].append(w)
    assert [r["rep"] for r in by_rep] == sorted(expected)
    for row in by_rep:
        assert_row(row, summary(expected[row["rep"]]), row["rep"])


@pytest.mark.parametrize("report", REPORTS)
@SETTINGS
@given(data=datasets(agents=("Ann", "Bob", None, None)), as_of=as_of_days)
def test_a_reply_without_a_sender_name_is_unassigned(report: str, data: Data, as_of: date | None) -> None:
    """Exports may lack an agent's name: the wait that reply ends (or starts) has no rep."""
    waiting = WAITING[report]
    with folder(data) as root:
        by_rep = run_report(root, report, totals=True, as_of=as_of, group_by=["rep"]).result.to_dicts()
    expected: dict[str, list[Wait]] = defaultdict(list)
    for w in plain_waits(data, waiting, as_of=as_of):
        expected[rep_of(w, waiting, "responder", data)].append(w)
    assert {r["rep"]: (r["waits"], r["open_waits"]) for r in by_rep} == {
        rep: (sum(w.ended_at is not None for w in waits), sum(w.ended_at is None for w in waits)) for rep, waits in expected.items()
    }


# == --top and --per-ticket ========================================================================


def assert_ranked(rows: list[dict[str, object]]) -> None:
    """Ranks 1, 2, ... in order of mean wait, longest first; equal means by customer id."""
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    for a, b in itertools.pairwise(rows):
        assert a["mean_hours"] > b["mean_hours"] or (a["mean_hours"] == b["mean_hours"] and a["customer"] < b["customer"])  # type: ignore[operator]


@pytest.mark.parametrize("report", REPORTS)
@SETTINGS
@given(data=datasets(missing_ids=True), top=st.integers(1, 4), as_of=as_of_days)
def test_top_and_per_ticket_agree_with_the_waits(report: str, data: Data, top: int, as_of: date | None) -> None:
    waiting = WAITING[report]
    with folder(data) as root:
        ranked = run_report(root, report, totals=True, as_of=as_of, options={"top": str(top)}).result.to_dicts()
        daily = run_report(root, report, frequency="daily", as_of=as_of, options={"top": str(top)}).result
        per_ticket = run_report(root, report, totals=True, as_of=as_of, options={"per_ticket": True}).result.to_dicts()

    expected = plain_waits(data, waiting, as_of=as_of)
    closed = [w for w in expected if w.ended_at is not None]

    # --top N: at most N rows per key, ranked 1, 2, ... by mean descending, equal means by customer id
    for _, rows in daily.group_by("period_start"):
        assert rows.height <= top
        assert_ranked(rows.sort("rank").to_dicts())
    assert_ranked(ranked)
    by_customer: dict[str, list[float]] = defaultdict(list)
    for w in closed:
        by_customer[w.customer].append(w.hours)  # type: ignore[arg-type]
    means = sorted((statistics.fmean(v) for v in by_customer.values()), reverse=True)
    assert len(ranked) == min(top, len(by_customer))
    assert [r["mean_hours"] for r in ranked] == pytest.approx(means[:top])
    for row in ranked:
        values = by_customer[row["customer"]]
        assert row["waits"] == len(values)
        assert row["mean_hours"] == pytest.approx(statistics.fmean(values))
        assert row["total_hours"] == pytest.approx(sum(values))
    if ranked:  # the customers left out wait no longer on average than the last one shown
        shown = {r["customer"] for r in ranked}
        assert all(statistics.fmean(v) <= ranked[-1]["mean_hours"] + 1e-9 for c, v in by_customer.items() if c not in shown)

    # --per-ticket: each ticket's closed waits, their total and its open waits; longest total first
    assert sum(r["total_hours"] for r in per_ticket) == pytest.approx(sum(w.hours for w in closed))  # type: ignore[misc]
    by_ticket: dict[str, list[Wait]] = defaultdict(list)
    for w in expected:
        by_ticket[w.ticket_id].append(w)
    assert sorted(r["ticket_id"] for r in per_ticket) == sorted(by_ticket)
    for row in per_ticket:
        waits = by_ticket[row["ticket_id"]]
        done = [w.hours for w in waits if w.hours is not None]
        assert (row["waits"], row["open_waits"]) == (len(done), len(waits) - len(done))
        assert row["total_hours"] == pytest.approx(sum(done))
    for a, b in itertools.pairwise(per_ticket):
        assert a["total_hours"] > b["total_hours"] or (a["total_hours"] == b["total_hours"] and a["ticket_id"] < b["ticket_id"])


# == what the results must not depend on ===========================================================

SHAPES: list[dict[str, object]] = [
    {"totals": True, "stats": ["min", "max"], "options": {"open": True}},
    {"frequency": "daily", "group_by": ["rep"]},
    {"totals": True, "group_by": ["rep"], "options": {"attribute": "owner", "include_bots": True}},
    {"totals": True, "group_by": ["ticket_id"]},
    {"totals": True, "options": {"per_ticket": True}},
    {"totals": True, "options": {"top": "2"}},
    {"frequency": "weekly", "options": {"top": "3", "include_bots": True}},
]


def variants(data: Data, request: dict[str, object], order, parts: int) -> dict[str, Outcome]:
    """The report over the same messages: as written, on the in-memory engine, shuffled, shuffled
    and split into `parts` CSV files, shuffled in one Parquet file."""
    report = str(request.pop("report"))
    shuffled = list(data.messages)
    order.shuffle(shuffled)
    found = {}
    with folder(data) as root:
        found["baseline"] = run_report(root, report, **request)
        found["in-memory"] = run_report(root, report, engine="in-memory", **request)
    with folder(data, shuffled) as root:
        found["shuffled"] = run_report(root, report, **request)
    with folder(data, shuffled, layout="split", parts=parts) as root:
        found["split"] = run_report(root, report, **request)
    with folder(data, shuffled, layout="parquet") as root:
        found["parquet"] = run_report(root, report, **request)
    return found


def assert_same(outcomes: dict[str, Outcome], columns: list[str] | None = None) -> None:
    """Every variant's result (or its `columns`) and findings equal the baseline's; findings
    compared without the source label (messages.csv, messages/, messages.parquet)."""
    baseline = outcomes["baseline"]
    for name, other in outcomes.items():
        try:
            if columns is None:
                assert_frame_equal(other.result, baseline.result)
            else:
                assert_frame_equal(other.result.select(columns), baseline.result.select(columns))
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from None
        assert [f[1:] for f in findings(other)] == [f[1:] for f in findings(baseline)], name


@pytest.mark.parametrize("report", REPORTS)
@HEAVY
@given(
    data=datasets(),
    shape=st.sampled_from(SHAPES),
    as_of=as_of_days,
    parts=st.integers(2, 4),
    order=st.randoms(use_true_random=False),
)
def test_results_do_not_depend_on_row_order_files_format_or_engine(
    report: str, data: Data, shape: dict[str, object], as_of: date | None, parts: int, order
) -> None:
    assert_same(variants(data, {**shape, "report": report, "as_of": as_of}, order, parts))


@pytest.mark.parametrize("report", REPORTS)
@HEAVY
@given(
    data=datasets(ties=True, max_tickets=6),
    top=st.sampled_from(["1", "2", "3"]),
    totals=st.booleans(),
    parts=st.integers(2, 4),
    order=st.randoms(use_true_random=False),
)
def test_top_ranks_tied_customers_whatever_the_row_order(report: str, data: Data, top: str, totals: bool, parts: int, order) -> None:
    request: dict[str, object] = {"report": report, "totals": totals, "frequency": "weekly", "options": {"top": top}}
    assert_same(variants(data, request, order, parts))
