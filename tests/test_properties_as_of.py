"""--as-of is a snapshot, for every report (issue 14): over generated datasets,
report(data, --as-of D) == report(data with everything after D removed, --as-of D).

"Everything after D removed" is written here from the rule, independently of the program: at
the end of day D (UTC), a record created later does not exist, an instant later is empty, a
ticket closed later is open (unless first closed before and reopened after: then closed at its
first close), a conversation handed off later was not handed off (no reason, no rep), and one
with any instant later was still going (last activity at the last instant of D, no feedback).
"""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcstats.catalog import REPORTS
from tests.conftest import write_csv

START = datetime(2026, 3, 1, tzinfo=UTC)
AS_OF = "2026-03-20"
CUT = datetime(2026, 3, 21, tzinfo=UTC)  # the end of 03-20 (UTC)
LAST_MOMENT = CUT - timedelta(microseconds=1)
SPAN = 35 * 24 * 60  # minutes after START: instants fall on both sides of the cut
REPS = ["Ann", "Bob"]

TICKET_HEADER = [
    "ticket_id", "created_at", "closed_at", "first_closed_at", "reopened_at", "is_closed", "first_response_at",
    "owner", "team", "source", "pipeline", "subject",
]  # fmt: skip
MESSAGE_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]
STAGE_HEADER = ["ticket_id", "pipeline", "stage", "stage_order", "is_closed_stage", "entered_at", "exited_at"]
AVAILABILITY_HEADER = ["rep", "status", "started_at", "ended_at", "team"]
CSAT_HEADER = ["response_id", "submitted_at", "rating", "scale_min", "scale_max", "ticket_id", "rep", "team"]
AGENT_HEADER = [
    "conversation_id", "channel", "started_at", "ended_at", "last_activity_at", "agent_involved", "agent_replied",
    "human_requested", "handed_off", "handoff_at", "handoff_reason", "feedback", "assigned_rep", "closed_at", "ticket_id",
]  # fmt: skip


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def minutes(lo: int = 0, hi: int = SPAN) -> st.SearchStrategy[int]:
    return st.integers(lo, hi)


@st.composite
def ticket(draw: st.DrawFn, i: int) -> dict[str, object]:
    created = draw(minutes())
    closes = draw(st.lists(st.integers(30, 12 * 24 * 60), min_size=0, max_size=2))  # 0, 1 or 2 closes (a reopen)
    first_closed = at(created + closes[0]) if closes else None
    closed = at(created + sum(closes)) if closes else None
    reopened = at(created + closes[0] + closes[1] // 2) if len(closes) == 2 else None
    responded = draw(st.one_of(st.none(), st.integers(1, 5 * 24 * 60)))
    return {
        "ticket_id": f"T{i}",
        "created_at": at(created),
        "closed_at": closed,
        "first_closed_at": first_closed,
        "reopened_at": reopened,
        "is_closed": "true" if closes else "false",
        "first_response_at": at(created + responded) if responded is not None else None,
        "owner": draw(st.sampled_from([*REPS, None])),
        "team": draw(st.sampled_from(["Tier 1", "Tier 2"])),
        "source": draw(st.sampled_from(["chat", "email"])),
        "pipeline": "Support",
        "subject": f"subject {i}",
        "_messages": [
            (created + offset, draw(st.sampled_from(["customer", "agent", "bot"])), draw(st.sampled_from(REPS)))
            for offset in draw(st.lists(st.integers(0, 6 * 24 * 60), max_size=4))
        ],
        "_stages": draw(st.lists(st.integers(10, 4 * 24 * 60), max_size=3)),
        "_csat": draw(st.one_of(st.none(), st.tuples(st.integers(0, 8 * 24 * 60), st.integers(0, 2)))),
    }


@st.composite
def conversation(draw: st.DrawFn, i: int) -> dict[str, object]:
    start = draw(minutes())
    length = draw(st.integers(1, 5 * 24 * 60))
    handed = draw(st.booleans())
    closed = draw(st.one_of(st.none(), st.integers(length, length + 3000)))
    return {
        "conversation_id": f"K{i}",
        "channel": draw(st.sampled_from(["chat", "email"])),
        "started_at": at(start),
        "ended_at": at(start + length),
        "last_activity_at": at(start + length),
        "agent_involved": "true",
        "agent_replied": str(draw(st.booleans())).lower(),
        "human_requested": str(draw(st.booleans())).lower(),
        "handed_off": str(handed).lower(),
        "handoff_at": at(start + length // 2) if handed else None,
        "handoff_reason": draw(st.sampled_from(["customer_request", "cannot_answer"])) if handed else None,
        "feedback": draw(st.sampled_from(["helpful", "not_helpful", None])),
        "assigned_rep": draw(st.sampled_from(REPS)) if handed else None,
        "closed_at": at(start + closed) if closed is not None else None,
        "ticket_id": None,
    }


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, list[dict[str, object]]]:
    tickets = [draw(ticket(i)) for i in range(draw(st.integers(1, 6)))]
    messages, stages, surveys, clocks = [], [], [], []
    for t in tickets:
        created = t["created_at"]
        assert isinstance(created, datetime)
        # the help desk's own SLA clocks: a close clock (its completion: the ticket's close) and a
        # next response started later, completed or not; either may lie past the cut
        status = st.sampled_from(["0", "2", "3", "4", "Active SLA", None])
        clocks.append(
            {"ticket_id": t["ticket_id"], "sla_type": "close", "started_at": None,
             "due_at": created + timedelta(minutes=draw(st.integers(60, 6 * 24 * 60))), "completed_at": t["closed_at"],
             "status": draw(status)}
        )  # fmt: skip
        begun = created + timedelta(minutes=draw(st.integers(0, 5 * 24 * 60)))
        done = draw(st.one_of(st.none(), st.integers(1, 3 * 24 * 60)))
        clocks.append(
            {"ticket_id": t["ticket_id"], "sla_type": "next_response", "started_at": begun,
             "due_at": begun + timedelta(minutes=draw(st.integers(30, 2 * 24 * 60))),
             "completed_at": begun + timedelta(minutes=done) if done is not None else None, "status": draw(status)}
        )  # fmt: skip
        for n, (offset, kind, rep) in enumerate(t.pop("_messages")):  # type: ignore[attr-defined]
            sender = f"cust-{t['ticket_id']}" if kind == "customer" else rep if kind == "agent" else "Bot"
            messages.append(
                {"message_id": f"{t['ticket_id']}-{n}", "ticket_id": t["ticket_id"], "sent_at": at(offset), "sender_type": kind,
                 "sender": sender, "is_public": "true"}
            )  # fmt: skip
        entered = created
        stage_times = t.pop("_stages")
        for order, length in enumerate(stage_times, 1):  # type: ignore[arg-type]
            left = entered + timedelta(minutes=length)
            last = order == len(stage_times)  # type: ignore[arg-type]
            stages.append(
                {"ticket_id": t["ticket_id"], "pipeline": "Support", "stage": f"S{order}", "stage_order": order,
                 "is_closed_stage": "false", "entered_at": entered, "exited_at": None if last else left}
            )  # fmt: skip
            entered = left
        survey = t.pop("_csat")
        if survey is not None:
            offset, rating = survey  # type: ignore[misc]
            surveys.append(
                {"response_id": f"R{t['ticket_id']}", "submitted_at": created + timedelta(minutes=offset), "rating": rating,
                 "scale_min": 0, "scale_max": 2, "ticket_id": t["ticket_id"], "rep": t["owner"], "team": t["team"]}
            )  # fmt: skip
    availability = [
        {"rep": rep, "status": status, "started_at": at(start), "ended_at": at(start + length) if length else None, "team": "Tier 1"}
        for rep in REPS
        for start, status, length in draw(
            st.lists(
                st.tuples(minutes(), st.sampled_from(["available", "away"]), st.integers(0, 600)), max_size=4, unique_by=lambda e: e[0]
            )
        )
    ]
    conversations = [draw(conversation(i)) for i in range(draw(st.integers(0, 5)))]
    return {"tickets": tickets, "messages": messages, "stage_history": stages, "availability": availability, "csat": surveys,
            "agent_conversations": conversations, "sla": clocks}  # fmt: skip


# -- everything after the cut removed, by the rule ------------------------------------------


def later(value: object) -> bool:
    return isinstance(value, datetime) and value >= CUT


def before(value: object) -> object:
    return None if later(value) else value


def removed(data: dict[str, list[dict[str, object]]]) -> dict[str, list[dict[str, object]]]:
    """The dataset as it stood at the end of AS_OF."""
    born = {"tickets": "created_at", "messages": "sent_at", "stage_history": "entered_at", "availability": "started_at",
            "csat": "submitted_at", "agent_conversations": "started_at", "sla": "started_at"}  # fmt: skip
    out = {name: [dict(r) for r in rows if not later(r[born[name]])] for name, rows in data.items()}
    for t in out["tickets"]:
        reopened_later = (
            later(t["closed_at"]) and t["first_closed_at"] is not None and not later(t["first_closed_at"]) and later(t["reopened_at"])
        )
        if reopened_later:
            t["closed_at"], t["is_closed"] = t["first_closed_at"], "true"
        elif later(t["closed_at"]):
            t["closed_at"], t["is_closed"] = None, "false"
        for column in ("first_closed_at", "first_response_at", "reopened_at"):
            t[column] = before(t[column])
    for s in out["stage_history"] + out["availability"]:
        s["exited_at" if "exited_at" in s else "ended_at"] = before(s.get("exited_at", s.get("ended_at")))
    for clock in out["sla"]:  # a due time is a plan: kept; a completion later has not happened
        clock["completed_at"] = before(clock["completed_at"])
    for c in out["agent_conversations"]:
        going = any(later(c[k]) for k in ("ended_at", "last_activity_at", "handoff_at", "closed_at"))
        if later(c["handoff_at"]):
            c["handed_off"], c["handoff_reason"], c["assigned_rep"] = "false", None, None
        for column in ("ended_at", "handoff_at", "closed_at"):
            c[column] = before(c[column])
        if going:
            c["last_activity_at"], c["feedback"] = LAST_MOMENT, None
    return out


HEADERS = {"tickets": TICKET_HEADER, "messages": MESSAGE_HEADER, "stage_history": STAGE_HEADER, "availability": AVAILABILITY_HEADER,
           "csat": CSAT_HEADER, "agent_conversations": AGENT_HEADER,
           "sla": ["ticket_id", "sla_type", "started_at", "due_at", "completed_at", "status"]}  # fmt: skip


def write(folder: Path, data: dict[str, list[dict[str, object]]]) -> Path:
    def text(value: object) -> object:
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if isinstance(value, datetime) else value

    for name, header in HEADERS.items():
        write_csv(folder / f"{name}.csv", header, [[text(r.get(c)) for c in header] for r in data[name]])
    write_csv(
        folder / "working_hours.csv",
        ["rep", "weekday", "start", "end", "timezone"],
        [["*", d, "09:00", "17:00", "UTC"] for d in ("mon", "tue", "wed", "thu", "fri")],
    )
    # SLA clocks with a pause stage (open at the cut or not), a named schedule for one team and a
    # due-soon window wide enough to be hit: read by the sla report and ticket-facts
    (folder / "svcstats.toml").write_text(SLA_CONFIG)
    return folder


SLA_CONFIG = """\
[sla]
first_reply_hours = 4
next_reply_hours = 8
close_hours = 48
pause_statuses = ["S2"]
pause_metrics = ["first_reply", "next_reply", "close"]
due_soon_hours = 12
[sla.team."Tier 2"]
schedule = "*"
"""
RANGE = ["--from", "2026-03-01", "--to", "2026-04-10"]  # runs past --as-of


def shapes(name: str) -> list[list[str]]:
    """The ways each example may run `name`: weekly, daily around the cut, totals per rep, and in
    business hours where the report measures durations."""
    info = REPORTS[name]
    if info.own_range:
        return [[], ["--group-by", "rep"]]
    per_rep = ["--rep", "Ann"] if name == "ticket-reply-count" else ["--group-by", "rep"]
    found = [RANGE, ["--frequency", "daily", "--from", "2026-03-15", "--to", "2026-03-25"], ["--totals", *per_rep, *RANGE]]
    if info.schedule_of:
        found.append(["--hours", "business", *RANGE])
    if name in ("sla", "ticket-facts"):  # the data has an sla table: from [sla] targets, or from it
        found = [[*shape, "--targets", "config"] for shape in found] + [["--targets", "export", *RANGE]]
    return found


@pytest.mark.parametrize("report", list(REPORTS))
def test_as_of_sees_nothing_after_its_day(cli, report: str) -> None:
    same_as_removed(cli, report, st.sampled_from(shapes(report)), 5)


@pytest.mark.parametrize("report", ["sla", "ticket-facts"])
def test_as_of_judges_the_exports_sla_clocks_at_its_day(cli, report: str) -> None:
    # the help desk's own clocks, every example: completions after the cut have not happened
    same_as_removed(cli, report, st.just(["--targets", "export", *RANGE]), 30)


def same_as_removed(cli, report: str, shape: st.SearchStrategy[list[str]], examples: int) -> None:
    """`report` --as-of AS_OF on generated data equals it on that data with everything later removed."""

    @settings(max_examples=examples, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(datasets(), shape)
    def check(data: dict[str, list[dict[str, object]]], extra: list[str]) -> None:
        with tempfile.TemporaryDirectory() as whole, tempfile.TemporaryDirectory() as cut:
            outputs = []
            for folder in (write(Path(whole), data), write(Path(cut), removed(data))):
                config = ["--config", folder / "svcstats.toml"] if report in ("sla", "ticket-facts") else []
                result = cli("report", report, "--data", folder, "--as-of", AS_OF, *config, *extra, "--format", "csv")
                assert result.code == 0, result.stderr
                outputs.append(list(csv.reader(io.StringIO(result.stdout))))
            assert outputs[0] == outputs[1]

    check()
