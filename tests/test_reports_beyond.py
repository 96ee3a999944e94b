"""Hand-computed checks of the Beyond HubSpot reports: backlog, reopen-rate, one-touch-resolution,
ticket-facts. Times in UTC; weeks start on Monday: 03-02 and 03-09 (2026)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from svcstats.errors import UsageError
from tests.conftest import rows, run_report, write_csv

RANGE = {"date_from": date(2026, 3, 2), "date_to": date(2026, 3, 15)}
HEADER = ["ticket_id", "created_at", "first_closed_at", "reopened_at", "closed_at", "is_closed", "owner", "team"]
# spells (open ranges) in comments; the backlog is counted just before each week's end (03-09 00:00, 03-16 00:00)
TICKETS = [
    ["A", "2026-03-02T10:00:00Z", None, None, "2026-03-03T10:00:00Z", "true", "Ann", "X"],  # open 03-02 10h..03-03 10h
    # closed 03-05, reopened 03-10, still open
    ["B", "2026-03-03T00:00:00Z", "2026-03-05T00:00:00Z", "2026-03-10T00:00:00Z", None, "false", "Ann", "X"],
    ["C", "2026-03-06T12:00:00Z", None, None, None, "false", "Bob", "Y"],  # never closed
    ["D", "2026-02-20T00:00:00Z", None, None, "2026-03-12T00:00:00Z", "true", "Bob", "Y"],  # created before the range
    # closed 03-11, reopened 03-12, closed again 03-13
    ["E", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z", "2026-03-13T00:00:00Z", "true", "Bob", "Y"],
    ["F", "2026-03-09T00:00:00Z", None, None, "2026-03-08T00:00:00Z", "true", "Bob", "Y"],  # closed before created
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", HEADER, TICKETS)
    return tmp_path


def weeks(result) -> dict[str, dict[str, object]]:
    return {str(row.pop("period_start")): row for row in rows(result.drop("period_end", "partial"))}


def test_backlog_weekly(data: Path) -> None:
    outcome = run_report(data, "backlog", frequency="weekly", as_of=date(2026, 3, 15), **RANGE)
    result = weeks(outcome.result)
    # At 03-09 00:00: A closed 03-03; B closed 03-05 (reopened only 03-10); E not created yet;
    # C open, age 03-09 00h - 03-06 12h = 2.5 d (1-3 d); D open, age 17 d (7-30 d): backlog 2.
    # Flow of week 03-02: created A, B, C = 3 (D before the range); closed A 03-03, B 03-05 = 2;
    # reopened 0; net 3 + 0 - 2 = 1 (the backlog at 03-02 00:00 was D alone: 1 + 1 = 2).
    assert result["2026-03-02"] == {
        "backlog": 2,
        "age_0_1d": 0,
        "age_1_3d": 1,
        "age_3_7d": 0,
        "age_7_30d": 1,
        "age_30d_plus": 0,
        "created": 3,
        "closed": 2,
        "reopened": 0,
        "net_change": 1,
    }
    # At 03-16 00:00 (end of --as-of 03-15): B open again since 03-10, age 13 d; C age 9.5 d;
    # D closed 03-12; E closed again 03-13: backlog 2, both 7-30 d.
    # Week 03-09: created E = 1 (F is left out); closed D 03-12, E 03-11 and 03-13 = 3;
    # reopened B 03-10, E 03-12 = 2; net 1 + 2 - 3 = 0 (2 -> 2).
    assert result["2026-03-09"] == {
        "backlog": 2,
        "age_0_1d": 0,
        "age_1_3d": 0,
        "age_3_7d": 0,
        "age_7_30d": 2,
        "age_30d_plus": 0,
        "created": 1,
        "closed": 3,
        "reopened": 2,
        "net_change": 0,
    }
    assert "warning: backlog: 1 row left out: closed before it was created" in [f.message() for f in outcome.findings]


def test_backlog_totals_by_team(data: Path) -> None:
    result = run_report(data, "backlog", totals=True, group_by=["team"], as_of=date(2026, 3, 15), **RANGE).result
    by_team = {row.pop("team"): row for row in rows(result)}
    # X (A, B): open at 03-16: B; created A, B = 2; closed A, B's first = 2; reopened B = 1; net 2 + 1 - 2 = 1
    # Y (C, D, E): open: C; created C, E = 2; closed D, E twice = 3; reopened E = 1; net 2 + 1 - 3 = 0
    assert {t: (r["backlog"], r["created"], r["closed"], r["reopened"], r["net_change"]) for t, r in by_team.items()} == {
        "X": (1, 2, 2, 1, 1),
        "Y": (1, 2, 3, 1, 0),
    }


def test_backlog_as_of_is_a_snapshot(data: Path) -> None:
    # --as-of 03-11: the loader cuts at 03-12 00:00. E: closed 03-11, its reopen (03-12) not yet
    # happened; D's close (03-12) not yet. The last week's backlog is counted at 03-12 00:00:
    # B (reopened 03-10, age 9 d), C (5.5 d), D (21 d) = 3; E closed.
    # Week 03-09: created E = 1; closed E 03-11 = 1; reopened B = 1; net 1 + 1 - 1 = 1 (2 -> 3).
    result = weeks(run_report(data, "backlog", frequency="weekly", as_of=date(2026, 3, 11), **RANGE).result)
    week = result["2026-03-09"]
    assert (week["backlog"], week["age_3_7d"], week["age_7_30d"]) == (3, 1, 2)
    assert (week["created"], week["closed"], week["reopened"], week["net_change"]) == (1, 1, 1, 1)


def test_backlog_as_of_before_a_reopen(data: Path) -> None:
    # --as-of 03-06 (cut 03-07 00:00): B was closed 03-05 and is reopened only 03-10, so it was
    # closed then, though it is open now with no close date. Open at 03-07 00:00: C (0.5 d), D (15 d).
    # Flow 03-02..03-06: created A, B, C = 3; closed A 03-03, B 03-05 = 2; net 1 (D alone before: 1 -> 2).
    outcome = run_report(data, "backlog", totals=True, as_of=date(2026, 3, 6), date_from=date(2026, 3, 2), date_to=date(2026, 3, 6))
    [total] = rows(outcome.result)
    assert (total["backlog"], total["age_0_1d"], total["age_7_30d"]) == (2, 1, 1)
    assert (total["created"], total["closed"], total["reopened"], total["net_change"]) == (3, 2, 0, 1)


def test_backlog_age_buckets_option(data: Path) -> None:
    # --age-buckets 7: week 03-02: C 2.5 d (0-7 d), D 17 d (7 d+)
    options = {"age_buckets": "7"}
    result = weeks(run_report(data, "backlog", options=options, as_of=date(2026, 3, 15), **RANGE).result)
    assert (result["2026-03-02"]["age_0_7d"], result["2026-03-02"]["age_7d_plus"]) == (1, 1)
    with pytest.raises(UsageError, match="--age-buckets"):
        run_report(data, "backlog", options={"age_buckets": "7,3"}, **RANGE)


def test_reopen_rate_weekly_and_totals(data: Path) -> None:
    # First closes: A 03-03 (its close date), B 03-05, D 03-12, E 03-11; C never; F left out.
    # Week 03-02: A, B closed; B reopened 03-10: 1 / 2 = 50 %, latency 03-10 - 03-05 = 120 h.
    # Week 03-09: D, E closed; E reopened 03-12: 1 / 2 = 50 %, latency 03-12 - 03-11 = 24 h.
    result = weeks(run_report(data, "reopen-rate", as_of=date(2026, 3, 15), **RANGE).result)
    assert result["2026-03-02"] == {
        "reopen_pct": pytest.approx(50.0),
        "closed_tickets": 2,
        "reopened_tickets": 1,
        "timed_reopens": 1,
        "mean_hours": pytest.approx(120.0),
        "median_hours": pytest.approx(120.0),
        "p90_hours": pytest.approx(120.0),
    }
    assert result["2026-03-09"]["mean_hours"] == pytest.approx(24.0)
    # Totals: 2 of 4 = 50 %; latencies 24, 120: mean = median = 72, p90 = 24 + 0.9 * 96 = 110.4
    [total] = rows(run_report(data, "reopen-rate", totals=True, as_of=date(2026, 3, 15), **RANGE).result)
    assert (total["reopen_pct"], total["closed_tickets"], total["reopened_tickets"]) == (pytest.approx(50.0), 4, 2)
    assert (total["mean_hours"], total["median_hours"], total["p90_hours"]) == pytest.approx((72.0, 72.0, 110.4))
    # by rep (the owner): Ann A, B (B reopened after 120 h); Bob D, E (E after 24 h)
    by_rep = {
        r["rep"]: r for r in rows(run_report(data, "reopen-rate", totals=True, group_by=["rep"], as_of=date(2026, 3, 15), **RANGE).result)
    }
    assert {rep: (r["closed_tickets"], r["reopened_tickets"], r["mean_hours"]) for rep, r in by_rep.items()} == {
        "Ann": (2, 1, pytest.approx(120.0)),
        "Bob": (2, 1, pytest.approx(24.0)),
    }


def test_reopen_rate_as_of(data: Path) -> None:
    # --as-of 03-11: E's reopen (03-12) and D's close (03-12) have not happened: week 03-09 holds E
    # alone, not reopened (0 / 1); B's reopen (03-10) has: week 03-02 stays 1 / 2.
    result = weeks(run_report(data, "reopen-rate", as_of=date(2026, 3, 11), **RANGE).result)
    assert (result["2026-03-09"]["closed_tickets"], result["2026-03-09"]["reopened_tickets"]) == (1, 0)
    assert result["2026-03-09"]["reopen_pct"] == pytest.approx(0.0)
    assert (result["2026-03-02"]["closed_tickets"], result["2026-03-02"]["reopened_tickets"]) == (2, 1)


def test_reopen_without_a_date_counts_but_is_not_timed(tmp_path: Path) -> None:
    # G: first close 03-03 before its last close 03-06, no reopen date: reopened, latency unknown
    write_csv(
        tmp_path / "tickets.csv",
        HEADER,
        [["G", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", None, "2026-03-06T00:00:00Z", "true", "Ann", "X"]],
    )
    [total] = rows(run_report(tmp_path, "reopen-rate", totals=True, as_of=date(2026, 3, 15), **RANGE).result)
    assert (total["closed_tickets"], total["reopened_tickets"], total["timed_reopens"], total["mean_hours"]) == (1, 1, 0, None)


MESSAGES_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]
MESSAGES = [
    # A: one customer message, one reply by Ann -> replies 1, customer messages 1, reps 1
    ["1", "A", "2026-03-02T10:00:00Z", "customer", "c1", "true"],
    ["2", "A", "2026-03-02T11:00:00Z", "agent", "Ann", "true"],
    # D: two customer messages, replies by Ann and Bob, an internal note -> replies 2, customer 2, reps 2
    ["3", "D", "2026-02-20T00:00:00Z", "customer", "c2", "true"],
    ["4", "D", "2026-02-20T01:00:00Z", "agent", "Ann", "true"],
    ["5", "D", "2026-02-21T00:00:00Z", "customer", "c2", "true"],
    ["6", "D", "2026-02-21T01:00:00Z", "agent", "Bob", "true"],
    ["7", "D", "2026-02-21T02:00:00Z", "agent", "Bob", "false"],
    # E (reopened): one customer message, one reply by Bob, a bot message -> replies 1, customer 1, reps 1
    ["8", "E", "2026-03-10T00:00:00Z", "customer", "c3", "true"],
    ["9", "E", "2026-03-10T00:01:00Z", "bot", "bot", "true"],
    ["10", "E", "2026-03-10T01:00:00Z", "agent", "Bob", "true"],
]


@pytest.mark.parametrize(
    ("definition", "one_touch"),
    [
        ("zendesk", 2),  # <= 1 public human reply: A (1), E (1, the bot does not count); not D (2)
        ("freshdesk", 2),  # <= 1 customer message: A, E; not D (2)
        ("intercom", 1),  # closed once and one replying rep: A; not D (2 reps), not E (reopened)
    ],
)
def test_one_touch_resolution_totals(data: Path, definition: str, one_touch: int) -> None:
    write_csv(data / "messages.csv", MESSAGES_HEADER, MESSAGES)
    # closed at 03-15 with a last close in the range: A 03-03, D 03-12, E 03-13 = 3 (F left out)
    outcome = run_report(data, "one-touch-resolution", totals=True, options={"definition": definition}, as_of=date(2026, 3, 15), **RANGE)
    [total] = rows(outcome.result)
    assert total == {"one_touch_pct": pytest.approx(one_touch * 100 / 3), "one_touch_tickets": one_touch, "closed_tickets": 3}


def test_one_touch_resolution_weekly_default_is_zendesk(data: Path) -> None:
    write_csv(data / "messages.csv", MESSAGES_HEADER, MESSAGES)
    # week 03-02: A (1 reply) -> 1 / 1; week 03-09: D (2 replies), E (1) -> 1 / 2
    result = weeks(run_report(data, "one-touch-resolution", as_of=date(2026, 3, 15), **RANGE).result)
    assert result["2026-03-02"] == {"one_touch_pct": pytest.approx(100.0), "one_touch_tickets": 1, "closed_tickets": 1}
    assert result["2026-03-09"] == {"one_touch_pct": pytest.approx(50.0), "one_touch_tickets": 1, "closed_tickets": 2}


CSAT_HEADER = ["response_id", "submitted_at", "rating", "ticket_id"]
CSAT = [["r1", "2026-03-13T00:00:00Z", "1", "E"], ["r2", "2026-03-14T00:00:00Z", "2", "E"], ["r3", "2026-03-15T00:00:00Z", None, "E"]]


def test_ticket_facts(data: Path) -> None:
    write_csv(data / "messages.csv", MESSAGES_HEADER, MESSAGES)
    write_csv(data / "csat.csv", CSAT_HEADER, CSAT)
    result = run_report(data, "ticket-facts", as_of=date(2026, 3, 15), **RANGE).result
    facts = {row["ticket_id"]: row for row in rows(result)}
    # created in the range, in creation order: A 03-02, B 03-03, C 03-06, F 03-09, E 03-10 (D: 02-20)
    assert list(facts) == ["A", "B", "C", "F", "E"]
    a = facts["A"]
    # A: created 03-02 10:00, Ann replied 11:00 (1 h); closed 03-03 10:00 (24 h, first = last close);
    # one wait, 10:00 -> 11:00 = 1 h
    assert (a["hours_to_first_response"], a["hours_to_first_close"], a["hours_to_close"]) == pytest.approx((1.0, 24.0, 24.0))
    assert (a["replies"], a["customer_messages"], a["replying_reps"], a["customer_waits"], a["open_waits"]) == (1, 1, 1, 1, 0)
    assert (a["wait_hours"], a["reopened"], a["csat_rating"]) == (pytest.approx(1.0), False, None)
    e = facts["E"]
    # E: created 03-10 00:00, the bot at 00:01 is no reply, Bob at 01:00 (1 h); first close 03-11
    # (24 h), reopened 03-12, last close 03-13 (72 h); latest rated CSAT 2 (03-14; 03-15 unrated)
    assert (e["hours_to_first_response"], e["hours_to_first_close"], e["hours_to_close"]) == pytest.approx((1.0, 24.0, 72.0))
    assert (e["reopened"], str(e["reopened_at"])[:10], e["replies"], e["wait_hours"], e["csat_rating"]) == (
        True,
        "2026-03-12",
        1,
        pytest.approx(1.0),
        2.0,
    )
    b = facts["B"]
    # B: no messages; first close 03-05 (48 h after 03-03 00:00), reopened 03-10, open: no last close
    assert (b["first_reply_at"], b["hours_to_first_close"], b["closed_at"], b["hours_to_close"]) == (None, pytest.approx(48.0), None, None)
    assert (b["reopened"], b["replies"], b["customer_waits"], b["wait_hours"]) == (True, 0, 0, 0.0)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


def test_ticket_facts_agree_with_the_reports() -> None:
    # the same rules: the mean of ticket-facts' hours equals the reports' means over the same tickets
    as_of = date(2026, 10, 31)
    facts = run_report(EXAMPLES, "ticket-facts", as_of=as_of).result
    [first] = rows(run_report(EXAMPLES, "ticket-time-to-first-response", totals=True, as_of=as_of).result)
    replied = facts.filter(facts["hours_to_first_response"] >= 0)["hours_to_first_response"]
    assert (replied.len(), replied.mean()) == (first["replied_tickets"], pytest.approx(first["mean_hours"]))
    [close] = rows(run_report(EXAMPLES, "ticket-time-to-close", totals=True, as_of=as_of).result)
    closed = facts.filter(facts["hours_to_close"] >= 0)["hours_to_close"]
    assert (closed.len(), closed.mean()) == (close["closed_tickets"], pytest.approx(close["mean_hours"]))
    [reopen] = rows(run_report(EXAMPLES, "reopen-rate", totals=True, as_of=as_of).result)
    once = facts.filter(facts["hours_to_first_close"] >= 0)  # closed at least once (and not before created)
    assert (once.height, once["reopened"].sum()) == (reopen["closed_tickets"], reopen["reopened_tickets"])


SLA = """\
[sla]
first_reply_hours = 2
close_hours = 48
[sla.team.Y]
close_hours = 100
"""


def test_sla_totals(data: Path) -> None:
    write_csv(data / "messages.csv", MESSAGES_HEADER, MESSAGES)
    (data / "svcstats.toml").write_text(SLA)
    outcome = run_report(data, "sla", totals=True, as_of=date(2026, 3, 15), config=data / "svcstats.toml", **RANGE)
    by_metric = {row.pop("metric"): row for row in rows(outcome.result)}
    # no next_reply target: not measured. Clocks started in the range: A, B, C, E (D before it, F left out).
    assert list(by_metric) == ["close", "first_reply"]
    # first reply (2 h): A 1 h and E 1 h (the bot is no reply) met; B and C never replied, open:
    # overdue at the end of 03-15: B 03-03 00:00 -> 03-16 00:00 = 312 h (310 over), C from 03-06
    # 12:00 = 228 h (226 over): mean = median = 268
    assert by_metric["first_reply"] == {
        "achievement_pct": pytest.approx(50.0),
        "met": 2,
        "breached": 2,
        "due_soon": 0,
        "active": 0,
        "completed_late": 0,
        "overdue": 2,
        "mean_over_hours": pytest.approx(268.0),
        "median_over_hours": pytest.approx(268.0),
    }
    # close: A (team X, 48 h) 24 h met; E (team Y, 100 h) 72 h met; B open 312 h (264 over, X);
    # C open 228 h (128 over, Y): mean (264 + 128) / 2 = 196
    assert (by_metric["close"]["met"], by_metric["close"]["overdue"]) == (2, 2)
    assert by_metric["close"]["mean_over_hours"] == pytest.approx(196.0)


def test_sla_active_and_breached_list(data: Path) -> None:
    write_csv(data / "messages.csv", MESSAGES_HEADER, MESSAGES)
    (data / "svcstats.toml").write_text(SLA)
    # --as-of 03-06 (cut 03-07 00:00): C was created 03-06 12:00: its first reply is overdue
    # (12 h > 2 h) but its close (team Y, 100 h) is not due yet: active, out of the denominator.
    as_of = {"date_from": date(2026, 3, 6), "date_to": date(2026, 3, 6), "as_of": date(2026, 3, 6), "config": data / "svcstats.toml"}
    by_metric = {r.pop("metric"): r for r in rows(run_report(data, "sla", totals=True, **as_of).result)}
    assert (by_metric["close"]["active"], by_metric["close"]["achievement_pct"]) == (1, None)
    listed = rows(run_report(data, "sla", totals=True, options={"breached": True}, **as_of).result)
    assert [(r["ticket_id"], r["metric"], r["status"], r["target_hours"]) for r in listed] == [("C", "first_reply", "overdue", 2.0)]
    # due 03-06 14:00; 03-06 12:00 -> 03-07 00:00 = 12 h, 12 - 2 = 10 h over (to the end of 03-06, less a microsecond)
    assert (str(listed[0]["due_at"])[:16], listed[0]["over_hours"]) == ("2026-03-06 14:00", pytest.approx(10.0))


def test_reopen_rate_in_business_hours(data: Path) -> None:
    # one schedule for all (rep "*"): Monday to Friday 09:00-17:00 UTC, 8 h a day
    days = ["mon", "tue", "wed", "thu", "fri"]
    write_csv(data / "working_hours.csv", ["rep", "weekday", "start", "end", "timezone"], [["*", d, "09:00", "17:00", "UTC"] for d in days])
    # B: closed Thu 03-05 00:00, reopened Tue 03-10 00:00: Thu 8 + Fri 8 + Mon 8 = 24 working hours
    # E: closed Wed 03-11 00:00, reopened Thu 03-12 00:00: Wed 8 h.  mean (24 + 8) / 2 = 16
    [total] = rows(run_report(data, "reopen-rate", totals=True, hours="business", as_of=date(2026, 3, 15), **RANGE).result)
    assert (total["reopened_tickets"], total["mean_hours"], total["median_hours"]) == (2, pytest.approx(16.0), pytest.approx(16.0))


def test_sla_target_precedence(tmp_path: Path) -> None:
    header = ["ticket_id", "created_at", "closed_at", "is_closed", "priority", "team"]
    both = ["2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z", "true"]  # closed after 24 h
    write_csv(tmp_path / "tickets.csv", header, [["T1", *both, "high", "X"], ["T2", *both, "low", "X"], ["T3", *both, "low", "Z"]])
    config = "[sla]\nclose_hours = 48\n[sla.priority.high]\nclose_hours = 12\n[sla.team.X]\nclose_hours = 20\n"
    (tmp_path / "svcstats.toml").write_text(config)
    # T1: priority high -> 12 h (before team X): 24 h is 12 h late; T2: no priority target, team X
    # -> 20 h: 4 h late; T3: the section's 48 h: met. No messages: no reply clocks.
    options = {"options": {"breached": True}, "config": tmp_path / "svcstats.toml", "as_of": date(2026, 3, 15), **RANGE}
    listed = rows(run_report(tmp_path, "sla", totals=True, **options).result)
    assert [(r["ticket_id"], r["target_hours"], r["over_hours"]) for r in listed if r["metric"] == "close"] == [
        ("T1", 12.0, pytest.approx(12.0)),
        ("T2", 20.0, pytest.approx(4.0)),
    ]


def test_sla_without_reply_data_measures_no_replies(tmp_path: Path) -> None:
    # a first-reply target, but no messages and no first-response column: no first_reply row
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], [["T1", "2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"]])
    (tmp_path / "svcstats.toml").write_text("[sla]\nfirst_reply_hours = 1\nclose_hours = 48\n")
    result = run_report(tmp_path, "sla", totals=True, config=tmp_path / "svcstats.toml", as_of=date(2026, 3, 15), **RANGE).result
    assert [(r["metric"], r["met"]) for r in rows(result)] == [("close", 1)]  # 24 h <= 48 h
