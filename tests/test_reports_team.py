"""Hand-computed checks of csat, first response, chat wait, time in pipeline and first vs last close."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from svcstats.errors import UsageError
from tests.conftest import rows, run_report, write_csv

# -- first response and chat wait ------------------------------------------------------------

TICKETS = [
    ["A", "2026-05-04T09:00:00Z", "chat", "Ann"],
    ["B", "2026-05-04T10:00:00Z", "email", "Bob"],
    ["C", "2026-05-05T08:00:00Z", "chat", "Ann"],
    ["D", "2026-05-06T12:00:00Z", "chat", "Bob"],
    ["E", "2026-05-07T12:00:00Z", "email", "Bob"],
]
MESSAGES = [
    # A: a bot acknowledgement and an internal note do not answer; Ann replies at 09:10.
    ["A", "2026-05-04T09:00:00Z", "customer", "cust-1", "true"],
    ["A", "2026-05-04T09:01:00Z", "bot", "Customer Agent", "true"],
    ["A", "2026-05-04T09:02:00Z", "agent", "Ann", "false"],
    ["A", "2026-05-04T09:05:00Z", "customer", "cust-1", "true"],
    ["A", "2026-05-04T09:10:00Z", "agent", "Ann", "true"],
    # B: an agent message before the ticket existed and a system message do not count; Bob at 12:00.
    ["B", "2026-05-04T09:50:00Z", "agent", "Bob", "true"],
    ["B", "2026-05-04T10:00:00Z", "customer", "cust-2", "true"],
    ["B", "2026-05-04T10:30:00Z", "system", None, "true"],
    ["B", "2026-05-04T12:00:00Z", "agent", "Bob", "true"],
    # C: only the bot answers: abandoned.
    ["C", "2026-05-05T08:00:00Z", "customer", "cust-3", "true"],
    ["C", "2026-05-05T08:01:00Z", "bot", "Customer Agent", "true"],
    # D: the bot talks until it hands off at 12:20; Bob replies at 12:30.
    ["D", "2026-05-06T12:00:00Z", "customer", "cust-4", "true"],
    ["D", "2026-05-06T12:00:00Z", "bot", "Customer Agent", "true"],
    ["D", "2026-05-06T12:20:00Z", "bot", "Customer Agent", "true"],
    ["D", "2026-05-06T12:30:00Z", "agent", "Bob", "true"],
]  # E has no messages at all


@pytest.fixture
def conversations(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "source", "owner"], TICKETS)
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type", "sender", "is_public"], MESSAGES)
    return tmp_path


def test_first_response_from_messages(conversations: Path) -> None:
    # A 10 min (1/6 h), B 2 h, D 30 min; C (bot only) and E (nothing) are unreplied.
    # mean (1/6 + 2 + 0.5) / 3; median 0.5; p90 at rank 1.8 -> 0.5 + 0.8 * 1.5 = 1.7
    [total] = rows(run_report(conversations, "ticket-time-to-first-response", totals=True).result)
    assert total == {
        "replied_tickets": 3,
        "mean_hours": pytest.approx((1 / 6 + 2 + 0.5) / 3),
        "median_hours": pytest.approx(0.5),
        "p90_hours": pytest.approx(1.7),
        "unreplied_tickets": 2,
    }


def test_first_response_by_rep_and_by_reply_date(conversations: Path) -> None:
    by_rep = rows(run_report(conversations, "ticket-time-to-first-response", totals=True, group_by=["rep"]).result)
    assert [(r["rep"], r["replied_tickets"], r["unreplied_tickets"]) for r in by_rep] == [("Ann", 1, 1), ("Bob", 2, 1)]
    assert by_rep[1]["mean_hours"] == pytest.approx(1.25)  # B 2 h, D 0.5 h
    daily = run_report(conversations, "ticket-time-to-first-response", frequency="daily", date_by="first-response").result
    replied = {str(r["period_start"]): r["replied_tickets"] for r in rows(daily)}
    # replies on 05-04 (A, B) and 05-06 (D); unreplied C and E are placed by creation (05-05, 05-07)
    assert replied == {"2026-05-04": 2, "2026-05-05": 0, "2026-05-06": 1, "2026-05-07": 0}


def test_first_response_from_ticket_column_without_messages(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "first_response_at"],
        [
            ["1", "2026-05-04T09:00:00Z", "2026-05-04T10:30:00Z"],  # 1.5 h
            ["2", "2026-05-04T09:00:00Z", None],  # unreplied
            ["3", "2026-05-04T09:00:00Z", "2026-05-04T08:00:00Z"],  # before creation: left out, warned
        ],
    )
    outcome = run_report(tmp_path, "ticket-time-to-first-response", totals=True)
    [total] = rows(outcome.result)
    assert (total["replied_tickets"], total["mean_hours"], total["unreplied_tickets"]) == (1, 1.5, 1)
    assert any(f.what == "first response before the ticket was created" and f.rows == 1 for f in outcome.findings)


def test_chat_wait_from_customer_message(conversations: Path) -> None:
    # chats A (10 min), C (abandoned), D (30 min): mean 20, median 20, p90 10 + 0.9 * 20 = 28
    [total] = rows(run_report(conversations, "chat-wait-time", totals=True).result)
    assert total == {
        "chats": 3,
        "answered_chats": 2,
        "mean_minutes": pytest.approx(20.0),
        "median_minutes": pytest.approx(20.0),
        "p90_minutes": pytest.approx(28.0),
        "abandoned_chats": 1,
        "abandonment_pct": pytest.approx(100 / 3),
    }


def test_chat_wait_from_handoff(conversations: Path) -> None:
    # A waits from the bot's 09:01 message (9 min), D from the bot's last message at 12:20 (10 min)
    [total] = rows(run_report(conversations, "chat-wait-time", totals=True, options={"wait_from": "handoff"}).result)
    assert (total["mean_minutes"], total["median_minutes"], total["p90_minutes"]) == (
        pytest.approx(9.5),
        pytest.approx(9.5),
        pytest.approx(9.9),
    )


def test_chat_wait_daily_fills_days_without_chats(conversations: Path) -> None:
    result = run_report(conversations, "chat-wait-time", frequency="daily").result
    assert rows(result.select("period_start", "chats", "abandoned_chats", "abandonment_pct")) == [
        {"period_start": date(2026, 5, 4), "chats": 1, "abandoned_chats": 0, "abandonment_pct": 0.0},
        {"period_start": date(2026, 5, 5), "chats": 1, "abandoned_chats": 1, "abandonment_pct": 100.0},
        {"period_start": date(2026, 5, 6), "chats": 1, "abandoned_chats": 0, "abandonment_pct": 0.0},
    ]


# -- time in pipeline ------------------------------------------------------------------------

STAGES = [
    # ticket, pipeline, stage, order, closed stage, entered, exited
    ["T1", "P", "New", 1, "false", "2026-05-01T00:00:00Z", "2026-05-01T10:00:00Z"],
    ["T1", "P", "Waiting", 2, "false", "2026-05-01T10:00:00Z", "2026-05-02T10:00:00Z"],
    ["T1", "P", "New", 1, "false", "2026-05-02T10:00:00Z", "2026-05-02T12:00:00Z"],  # re-entry
    ["T1", "P", "Closed", 3, "true", "2026-05-02T12:00:00Z", None],
    ["T2", "P", "New", 1, "false", "2026-05-10T00:00:00Z", "2026-05-10T06:00:00Z"],
    ["T2", "P", "Waiting", 2, "false", "2026-05-10T06:00:00Z", None],  # still there at --as-of
    ["T3", "P", "Waiting", 2, "false", "2026-05-20T00:00:00Z", "2026-05-21T00:00:00Z"],  # never in New
    ["T3", "P", "Closed", 3, "true", "2026-05-21T00:00:00Z", None],
    ["T4", "P", "New", 1, "false", "2026-06-05T00:00:00Z", None],  # after --as-of: ignored
]
AS_OF = date(2026, 5, 31)  # still-open visits count up to the end of 05-31 (06-01 00:00 UTC)


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    header = ["ticket_id", "pipeline", "stage", "stage_order", "is_closed_stage", "entered_at", "exited_at"]
    write_csv(tmp_path / "stage_history.csv", header, STAGES)
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "team"],
        [["T1", "2026-05-01T00:00:00Z", "Red"], ["T2", "2026-05-10T00:00:00Z", "Blue"], ["T3", "2026-05-20T00:00:00Z", "Red"]],
    )
    return tmp_path


def by_stage(result) -> dict[str, dict[str, object]]:
    return {row["stage"]: row for row in rows(result)}


def test_time_in_pipeline_totals(pipeline: Path) -> None:
    stages = by_stage(run_report(pipeline, "ticket-time-in-pipeline", totals=True, as_of=AS_OF).result)
    assert list(stages) == ["New", "Waiting"]  # in stage order; Closed left out by default
    # New: T1 first entry 05-01 00:00 to last exit 05-02 12:00 = 36 h (visits 10 h + 2 h = 12 h,
    # latest 2 h); T2 6 h. mean 21, median 21, p90 6 + 0.9 * 30 = 33; cumulative (12 + 6) / 2 = 9;
    # latest (2 + 6) / 2 = 4; 3 visits.
    new = stages["New"]
    assert (new["tickets"], new["visits"], new["still_in_stage"], new["stage_order"]) == (2, 3, 0, 1)
    assert (new["mean_hours"], new["median_hours"], new["p90_hours"]) == (pytest.approx(21), pytest.approx(21), pytest.approx(33))
    assert (new["mean_cumulative_hours"], new["mean_latest_hours"]) == (pytest.approx(9), pytest.approx(4))
    # Waiting: T1 24 h, T2 from 05-10 06:00 to the end of 05-31 = 21 d 18 h = 522 h, T3 24 h.
    # mean 570 / 3 = 190; median 24; p90 at rank 1.8 -> 24 + 0.8 * 498 = 422.4. T3 never was in New.
    waiting = stages["Waiting"]
    assert (waiting["tickets"], waiting["still_in_stage"]) == (3, 1)
    assert waiting["mean_hours"] == pytest.approx(190, abs=1e-6)
    assert waiting["median_hours"] == pytest.approx(24)
    assert waiting["p90_hours"] == pytest.approx(422.4, abs=1e-6)


def test_time_in_pipeline_closed_stages_on_request(pipeline: Path) -> None:
    # Closed: T1 from 05-02 12:00 (708 h to the end of 05-31), T3 from 05-21 00:00 (264 h).
    stages = by_stage(run_report(pipeline, "ticket-time-in-pipeline", totals=True, as_of=AS_OF, options={"include_closed": True}).result)
    assert list(stages) == ["New", "Waiting", "Closed"]
    assert stages["Closed"]["mean_hours"] == pytest.approx((708 + 264) / 2, abs=1e-6)


def test_time_in_pipeline_monthly_by_team(pipeline: Path) -> None:
    # Placed by last exit; T2's open Waiting visit is placed on --as-of (May). Teams come from tickets.
    result = run_report(pipeline, "ticket-time-in-pipeline", frequency="monthly", group_by=["team"], as_of=AS_OF).result
    assert rows(result.select("period_start", "team", "stage", "tickets")) == [
        {"period_start": date(2026, 5, 1), "team": "Blue", "stage": "New", "tickets": 1},
        {"period_start": date(2026, 5, 1), "team": "Blue", "stage": "Waiting", "tickets": 1},
        {"period_start": date(2026, 5, 1), "team": "Red", "stage": "New", "tickets": 1},
        {"period_start": date(2026, 5, 1), "team": "Red", "stage": "Waiting", "tickets": 2},
    ]


# -- first vs last close ---------------------------------------------------------------------

CLOSES = [
    ["X", "2026-05-04T00:00:00Z", "2026-05-04T10:00:00Z", "2026-05-06T00:00:00Z"],  # reopened: first 10 h, last 48 h
    ["Y", "2026-05-04T00:00:00Z", "2026-05-05T00:00:00Z", "2026-05-05T00:00:00Z"],  # 24 h both
    ["Z", "2026-05-05T00:00:00Z", "2026-05-05T12:00:00Z", None],  # closed once at 12 h, reopened, open now
]


def test_last_and_first_close(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "first_closed_at", "closed_at"], CLOSES)
    [last] = rows(run_report(tmp_path, "ticket-time-to-close", totals=True).result)
    # last close: X 48, Y 24 -> mean 36; X reopened; Z open
    assert (last["closed_tickets"], last["mean_hours"], last["reopened_tickets"], last["open_tickets"]) == (2, 36.0, 1, 1)
    [first] = rows(run_report(tmp_path, "ticket-time-to-close", totals=True, options={"close": "first"}).result)
    # first close: X 10, Y 24, Z 12 -> mean 46 / 3, median 12; nothing open
    assert (first["closed_tickets"], first["median_hours"], first["open_tickets"]) == (3, 12.0, 0)
    assert first["mean_hours"] == pytest.approx(46 / 3)


def test_first_close_from_stage_history(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], [[t, c, last] for t, c, _, last in CLOSES])
    write_csv(
        tmp_path / "stage_history.csv",
        ["ticket_id", "stage", "entered_at", "exited_at"],
        [
            ["X", "New", "2026-05-04T00:00:00Z", "2026-05-04T10:00:00Z"],
            ["X", "Closed", "2026-05-04T10:00:00Z", "2026-05-05T00:00:00Z"],  # no is_closed_stage: named "Closed"
            ["X", "New", "2026-05-05T00:00:00Z", "2026-05-06T00:00:00Z"],
            ["X", "Closed", "2026-05-06T00:00:00Z", None],
            ["Y", "Closed", "2026-05-05T00:00:00Z", None],
            ["Z", "Closed", "2026-05-05T12:00:00Z", "2026-05-06T00:00:00Z"],
        ],
    )
    [first] = rows(run_report(tmp_path, "ticket-time-to-close", totals=True, options={"close": "first"}).result)
    assert (first["closed_tickets"], first["mean_hours"], first["reopened_tickets"]) == (3, pytest.approx(46 / 3), 1)


def test_first_close_needs_a_source(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], [["1", "2026-05-04T00:00:00Z", None]])
    with pytest.raises(UsageError, match="--close first needs first close dates"):
        run_report(tmp_path, "ticket-time-to-close", options={"close": "first"})


# -- csat ------------------------------------------------------------------------------------

RESPONSES = [
    # id, submitted, rating, scale_min, scale_max, rep, team
    ["r1", "2026-05-04T10:00:00Z", "2", "0", "2", "Ann", "Tier 1"],  # positive
    ["r2", "2026-05-04T11:00:00Z", "1", "0", "2", "Ann", "Tier 1"],  # neutral
    ["r3", "2026-05-05T10:00:00Z", "0", "0", "2", "Bob", "Tier 2"],  # negative
    ["r4", "2026-05-05T11:00:00Z", None, "0", "2", "Bob", "Tier 2"],  # unrated
    ["r5", "2026-05-12T10:00:00Z", "4", "1", "5", "Ann", "Tier 1"],  # positive (top two of 5)
    ["r6", "2026-05-12T11:00:00Z", "3", "1", "5", "Bob", "Tier 2"],  # neutral: a 3 is not satisfied
    ["r7", "2026-05-13T10:00:00Z", "8", "0", "10", "Cid", "Tier 2"],  # neutral on 0-10 (9-10 positive)
    ["r8", "2026-05-13T11:00:00Z", "7", "1", "5", "Cid", "Tier 2"],  # outside its scale: left out
    ["r9", "2026-05-13T12:00:00Z", "3", "1", "4", "Cid", "Tier 2"],  # unsupported scale: left out
]


@pytest.fixture
def surveys(tmp_path: Path) -> Path:
    write_csv(tmp_path / "csat.csv", ["response_id", "submitted_at", "rating", "scale_min", "scale_max", "rep", "team"], RESPONSES)
    return tmp_path


def test_csat_totals_across_scales(surveys: Path) -> None:
    outcome = run_report(surveys, "csat", totals=True)
    # rated r1 r2 r3 r5 r6 r7: positive r1 r5, neutral r2 r6 r7, negative r3 -> 2 / 6 = 33.3 %
    assert rows(outcome.result) == [
        {
            "csat_pct": pytest.approx(100 / 3),
            "responses": 6,
            "positive": 2,
            "neutral": 3,
            "negative": 1,
            "unrated": 1,
            "mean_rating": None,  # three scales: no mean across them
            "scale": "mixed",
        }
    ]
    assert sorted((f.what, f.rows) for f in outcome.findings) == [
        ("rating outside its scale", 1),
        ("rating scale not supported (supported: 0-1, 0-2, 1-3, 1-5, 1-7, 0-10)", 1),
    ]


def test_csat_by_rep_and_single_scale_mean(surveys: Path) -> None:
    by_rep = {r.pop("rep"): r for r in rows(run_report(surveys, "csat", totals=True, group_by=["rep"]).result)}
    assert (by_rep["Ann"]["csat_pct"], by_rep["Ann"]["responses"]) == (pytest.approx(200 / 3), 3)
    assert (by_rep["Bob"]["csat_pct"], by_rep["Bob"]["unrated"]) == (0.0, 1)
    assert (by_rep["Cid"]["mean_rating"], by_rep["Cid"]["scale"]) == (8.0, "0-10")
    [hubspot_scale] = rows(run_report(surveys, "csat", totals=True, where="scale_max = 2").result)
    # r1 2, r2 1, r3 0 (r4 unrated): 1 / 3 positive, mean rating 1.0
    assert (hubspot_scale["csat_pct"], hubspot_scale["mean_rating"], hubspot_scale["scale"]) == (pytest.approx(100 / 3), 1.0, "0-2")


def test_csat_weekly_and_distribution(surveys: Path) -> None:
    weekly = rows(run_report(surveys, "csat").result)
    assert [(str(r["period_start"]), r["responses"], r["positive"]) for r in weekly] == [("2026-05-04", 3, 1), ("2026-05-11", 3, 1)]
    dist = rows(run_report(surveys, "csat", totals=True, options={"distribution": True}).result)
    assert [(r["scale"], r["rating"], r["responses"], round(r["share_pct"], 2)) for r in dist] == [
        ("0-10", 8.0, 1, 100.0),
        ("0-2", 0.0, 1, 33.33),
        ("0-2", 1.0, 1, 33.33),
        ("0-2", 2.0, 1, 33.33),
        ("1-5", 3.0, 1, 50.0),
        ("1-5", 4.0, 1, 50.0),
    ]


def test_csat_scale_option_and_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "csat.csv", ["submitted_at", "rating"], [["2026-05-04T10:00:00Z", r] for r in ("5", "4", "3", "1")])
    with pytest.raises(UsageError, match="no scale_min/scale_max columns"):
        run_report(tmp_path, "csat", totals=True)
    [total] = rows(run_report(tmp_path, "csat", totals=True, options={"scale": "1-5"}).result)
    assert (total["csat_pct"], total["positive"], total["neutral"], total["negative"], total["mean_rating"]) == (50.0, 2, 1, 1, 3.25)


def test_csat_scale_0_1_a_good_bad_rating(tmp_path: Path) -> None:
    write_csv(tmp_path / "csat.csv", ["submitted_at", "rating"], [["2026-05-04T10:00:00Z", r] for r in ("1", "1", "0", "1")])
    [total] = rows(run_report(tmp_path, "csat", totals=True, options={"scale": "0-1"}).result)
    # 0-1: 1 is positive, 0 negative, no neutral: 3 good of 4 = 75 %, mean rating 3/4
    assert (total["csat_pct"], total["positive"], total["neutral"], total["negative"], total["mean_rating"]) == (75.0, 3, 0, 1, 0.75)
