"""Hand-computed checks of the message rules and the two wait reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import rows, run_report, write_csv

MESSAGES = [
    # id, ticket, sent (UTC), sender type, sender, public
    ["m1", "W1", "2026-05-04T09:00:00Z", "customer", "c1", "true"],  # a customer wait starts
    ["m2", "W1", "2026-05-04T09:05:00Z", "customer", "c1", "true"],  # same run: no new wait
    ["m3", "W1", "2026-05-04T09:10:00Z", "bot", "Customer Agent", "true"],  # not a reply
    ["m4", "W1", "2026-05-04T09:20:00Z", "agent", "Bob", "false"],  # internal note: not a reply
    ["m5", "W1", "2026-05-04T09:30:00Z", "agent", "Bob", "true"],  # ends wait 1 (0.5 h); team waits from here
    ["m6", "W1", "2026-05-04T09:40:00Z", "agent", "Ann", "true"],  # same run of replies
    ["m7", "W1", "2026-05-04T10:40:00Z", "customer", "c1", "true"],  # ends team wait 1 (70 min); customer waits
    ["m8", "W1", "2026-05-04T10:40:00Z", "agent", "Ann", "true"],  # same second, after m7 by id: wait 2 is 0 h
    ["m9", "W1", "2026-05-04T11:00:00Z", "customer", "c1", "true"],  # ends team wait 2 (20 min); wait 3 stays open
    ["n1", "W2", "2026-05-05T08:00:00Z", "customer", "c2", "true"],
    ["n2", "W2", "2026-05-05T09:00:00Z", "agent", "Ann", "true"],  # 1 h; the team's wait from here stays open
]
AS_OF = date(2026, 5, 5)  # open waits are aged up to the end of 05-05


@pytest.fixture
def chats(tmp_path: Path) -> Path:
    write_csv(tmp_path / "messages.csv", ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"], MESSAGES)
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "owner"],
        [["W1", "2026-05-04T09:00:00Z", "Ann"], ["W2", "2026-05-05T08:00:00Z", "Bob"]],
    )
    return tmp_path


def test_customer_waits(chats: Path) -> None:
    # closed waits 0.5 (W1), 0 (W1, equal timestamps), 1.0 (W2): mean 0.5, median 0.5,
    # p90 at rank 1.8 -> 0.5 + 0.8 * 0.5 = 0.9; W1's wait from 11:00 is open.
    [total] = rows(run_report(chats, "customer-wait-time", totals=True, as_of=AS_OF, options={"open": True}).result)
    assert total == {
        "waits": 3,
        "mean_hours": pytest.approx(0.5),
        "median_hours": pytest.approx(0.5),
        "p90_hours": pytest.approx(0.9),
        "open_waits": 1,
        "closed_unanswered": 0,  # the tickets have no close data: no wait was ended by a close
        "mean_open_hours": pytest.approx(37.0),  # 05-04 11:00 to the end of 05-05
        "max_open_hours": pytest.approx(37.0),
    }


def test_customer_waits_by_replying_rep_and_by_owner(chats: Path) -> None:
    by_rep = {r.pop("rep"): r for r in rows(run_report(chats, "customer-wait-time", totals=True, group_by=["rep"], as_of=AS_OF).result)}
    assert {rep: (r["waits"], r["mean_hours"], r["open_waits"]) for rep, r in by_rep.items()} == {
        "Ann": (2, pytest.approx(0.5), 0),  # 0 h on W1 and 1 h on W2
        "Bob": (1, pytest.approx(0.5), 0),
        "Unassigned": (0, None, 1),  # the open wait has no replying rep yet
    }
    owners = rows(
        run_report(chats, "customer-wait-time", totals=True, group_by=["rep"], as_of=AS_OF, options={"attribute": "owner"}).result
    )
    assert [(r["rep"], r["waits"], r["mean_hours"], r["open_waits"]) for r in owners] == [
        ("Ann", 2, pytest.approx(0.25), 1),  # W1: 0.5 and 0, and the open wait
        ("Bob", 1, pytest.approx(1.0), 0),
    ]


def test_bot_counts_as_a_reply_only_on_request(chats: Path) -> None:
    # with --include-bots the bot's 09:10 message ends wait 1 after 10 minutes
    [total] = rows(run_report(chats, "customer-wait-time", totals=True, as_of=AS_OF, options={"include_bots": True}).result)
    assert total["waits"] == 3
    assert total["mean_hours"] == pytest.approx((10 / 60 + 0 + 1) / 3)


def test_team_waits_for_the_customer(chats: Path) -> None:
    # W1: from Bob's 09:30 reply (the first of the run) to 10:40 = 70 min; from Ann's 10:40 reply
    # to 11:00 = 20 min. W2: from 09:00, open.
    outcome = run_report(chats, "customer-response-time", totals=True, as_of=AS_OF)
    [total] = rows(outcome.result)
    assert (total["waits"], total["mean_hours"], total["open_waits"]) == (2, pytest.approx(0.75), 1)
    by_rep = rows(run_report(chats, "customer-response-time", totals=True, group_by=["rep"], as_of=AS_OF).result)
    assert [(r["rep"], r["waits"], r["mean_hours"], r["open_waits"]) for r in by_rep] == [
        ("Ann", 1, pytest.approx(1 / 3), 1),  # her 10:40 reply, and W2's open wait on her 09:00 reply
        ("Bob", 1, pytest.approx(7 / 6), 0),
    ]


def test_top_customers_and_per_ticket(chats: Path) -> None:
    top = rows(run_report(chats, "customer-response-time", totals=True, as_of=AS_OF, options={"top": "1"}).result)
    assert top == [{"rank": 1, "customer": "c1", "waits": 2, "mean_hours": pytest.approx(0.75), "total_hours": pytest.approx(1.5)}]
    per_ticket = rows(run_report(chats, "customer-wait-time", totals=True, as_of=AS_OF, options={"per_ticket": True}).result)
    assert per_ticket == [
        # no close data on the tickets: closed_unanswered 0
        {"ticket_id": "W2", "waits": 1, "total_hours": pytest.approx(1.0), "open_waits": 0, "closed_unanswered": 0},
        {"ticket_id": "W1", "waits": 2, "total_hours": pytest.approx(0.5), "open_waits": 1, "closed_unanswered": 0},
    ]


def test_waits_daily_and_as_of_cuts_answers_after_it(chats: Path) -> None:
    daily = rows(run_report(chats, "customer-wait-time", frequency="daily", as_of=AS_OF).result)
    assert [(str(r["period_start"]), r["waits"], r["open_waits"]) for r in daily] == [("2026-05-04", 2, 1), ("2026-05-05", 1, 0)]
    # as of 05-04, W2 has not started, and every W1 wait but the last was answered
    [early] = rows(run_report(chats, "customer-wait-time", totals=True, as_of=date(2026, 5, 4)).result)
    assert (early["waits"], early["open_waits"]) == (2, 1)


def test_row_order_does_not_matter(chats: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    shuffled = tmp_path_factory.mktemp("shuffled")
    write_csv(shuffled / "messages.csv", ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"], MESSAGES[::-1])
    write_csv(
        shuffled / "tickets.csv",
        ["ticket_id", "created_at", "owner"],
        [["W2", "2026-05-05T08:00:00Z", "Bob"], ["W1", "2026-05-04T09:00:00Z", "Ann"]],
    )
    for report in ("customer-wait-time", "customer-response-time"):
        expected = run_report(chats, report, group_by=["rep"], as_of=AS_OF).result
        assert run_report(shuffled, report, group_by=["rep"], as_of=AS_OF).result.equals(expected)


# -- owner response time, reply counts, volume by hour -----------------------------------------
# Replies: W1 m5 Bob 09:30, m6 Ann 09:40, m8 Ann 10:40; W2 n2 Ann 09:00 (05-05).
# Customer messages: W1 m1 09:00, m2 09:05, m7 10:40, m9 11:00; W2 n1 08:00 (05-05).


def test_owner_response_time_first_and_later(chats: Path) -> None:
    # Answered waits: W1 first 0.5 h (Bob), W1 later 0 h (Ann), W2 first 1 h (Ann).
    by_rep = {r.pop("rep"): r for r in rows(run_report(chats, "owner-response-time", totals=True, as_of=AS_OF).result)}
    assert (by_rep["Ann"]["first_responses"], by_rep["Ann"]["mean_first_hours"]) == (1, pytest.approx(1.0))
    assert (by_rep["Ann"]["later_responses"], by_rep["Ann"]["mean_later_hours"]) == (1, pytest.approx(0.0))
    assert (by_rep["Bob"]["first_responses"], by_rep["Bob"]["mean_first_hours"], by_rep["Bob"]["later_responses"]) == (
        1,
        pytest.approx(0.5),
        0,
    )
    assert by_rep["Bob"]["mean_later_hours"] is None
    owners = rows(run_report(chats, "owner-response-time", totals=True, as_of=AS_OF, options={"attribute": "owner"}).result)
    assert [(r["rep"], r["mean_first_hours"], r["later_responses"]) for r in owners] == [("Ann", 0.5, 1), ("Bob", 1.0, 0)]


def test_owner_reply_count(chats: Path) -> None:
    totals = rows(run_report(chats, "owner-reply-count", totals=True).result)
    assert totals == [{"rep": "Ann", "replies": 3, "rank": 1}, {"rep": "Bob", "replies": 1, "rank": 2}]
    assert [r["rep"] for r in rows(run_report(chats, "owner-reply-count", totals=True, options={"top": "1"}).result)] == ["Ann"]
    # with the bot as a replier, Bob and the bot tie for second: both are kept under --top 2
    with_bot = rows(run_report(chats, "owner-reply-count", totals=True, options={"top": "2", "include_bots": True}).result)
    assert [(r["rep"], r["rank"]) for r in with_bot] == [("Ann", 1), ("Bob", 2), ("Customer Agent", 2)]
    daily = rows(run_report(chats, "owner-reply-count", frequency="daily").result)
    assert [(str(r["period_start"]), r["rep"], r["replies"]) for r in daily] == [
        ("2026-05-04", "Ann", 2),
        ("2026-05-04", "Bob", 1),
        ("2026-05-05", "Ann", 1),
        ("2026-05-05", "Bob", 0),
    ]


def test_ticket_reply_count(chats: Path) -> None:
    result = rows(run_report(chats, "ticket-reply-count").result)
    assert [(r["ranking"], r["rank"], r["ticket_id"], r["replies_sent"], r["messages_received"], r["owner"]) for r in result] == [
        ("replies_sent", 1, "W1", 3, 4, "Ann"),
        ("replies_sent", 2, "W2", 1, 1, "Bob"),
        ("messages_received", 1, "W1", 3, 4, "Ann"),
        ("messages_received", 2, "W2", 1, 1, "Bob"),
    ]
    # only messages sent in the range count: from 05-05 only W2's
    in_range = rows(
        run_report(chats, "ticket-reply-count", date_from=date(2026, 5, 5), date_to=date(2026, 5, 5), options={"top": "1"}).result
    )
    assert [(r["ranking"], r["ticket_id"], r["replies_sent"], r["messages_received"]) for r in in_range] == [
        ("replies_sent", "W2", 1, 1),
        ("messages_received", "W2", 1, 1),
    ]


def test_message_volume_by_hour(chats: Path) -> None:
    window = {"date_from": date(2026, 5, 4), "date_to": date(2026, 5, 5)}  # two days
    hours = {r["hour"]: r for r in rows(run_report(chats, "message-volume-by-hour", **window).result)}
    assert len(hours) == 24
    assert {h: (r["messages_received"], r["messages_sent"]) for h, r in hours.items() if r["messages_received"] or r["messages_sent"]} == {
        8: (1, 0),
        9: (2, 3),
        10: (1, 1),
        11: (1, 0),
    }
    assert (hours[9]["received_per_day"], hours[9]["sent_per_day"]) == (1.0, 1.5)
    oslo = {r["hour"]: r["messages_received"] for r in rows(run_report(chats, "message-volume-by-hour", tz="Europe/Oslo", **window).result)}
    assert {h: n for h, n in oslo.items() if n} == {10: 1, 11: 2, 12: 1, 13: 1}  # UTC+2 in May
    grid = rows(run_report(chats, "message-volume-by-hour", options={"by_weekday": True}, **window).result)
    assert len(grid) == 7 * 24
    cells = {(r["weekday"], r["hour"]): (r["messages_received"], r["messages_sent"], r["sent_per_day"]) for r in grid}
    assert cells[(1, 9)] == (2, 2, 2.0)  # Monday 05-04: m1 m2 received, m5 m6 sent; one Monday in the range
    assert cells[(2, 9)] == (0, 1, 1.0)  # Tuesday 05-05: n2
    assert cells[(3, 9)][2] is None  # no Wednesday in the range: no average


def test_message_hours_across_the_spring_dst_change(tmp_path: Path) -> None:
    # Europe/Oslo skips 02:00-03:00 on 2026-03-29: 00:30Z is 01:30 local (UTC+1), 01:30Z is 03:30 (UTC+2)
    write_csv(
        tmp_path / "messages.csv",
        ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"],
        [["a", "T", "2026-03-29T00:30:00Z", "customer", "c", "true"], ["b", "T", "2026-03-29T01:30:00Z", "agent", "Ann", "true"]],
    )
    hours = rows(run_report(tmp_path, "message-volume-by-hour", tz="Europe/Oslo").result)
    assert {r["hour"]: (r["messages_received"], r["messages_sent"]) for r in hours if r["messages_received"] or r["messages_sent"]} == {
        1: (1, 0),
        3: (0, 1),
    }
    [wait] = rows(run_report(tmp_path, "customer-wait-time", totals=True, tz="Europe/Oslo").result)
    assert wait["mean_hours"] == pytest.approx(1.0)  # one hour of real time, though the clock moved two
