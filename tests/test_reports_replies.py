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
        {"ticket_id": "W2", "waits": 1, "total_hours": pytest.approx(1.0), "open_waits": 0},
        {"ticket_id": "W1", "waits": 2, "total_hours": pytest.approx(0.5), "open_waits": 1},
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
