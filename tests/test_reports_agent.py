"""Hand-computed checks of the customer agent's flags and every Performance report.

Fixture (UTC; weeks start on Monday 03-02, 03-09, 03-16, 03-23). --as-of 2026-03-31 ends at
2026-03-31T23:59:59.999999Z, so with the 72-hour rule a conversation is judged when its last
activity is at or before 2026-03-28T23:59:59.999999Z.

id   channel   started      agent replied humanreq handoff(reason)      feedback     rep  closed        outcome
C1   chat      03-02 10:00  yes   yes     no       no                   helpful      -    03-02 10:10   resolved (5 min), deflected
C2   chat      03-02 11:00  yes   yes     no       no                   (empty)      -    -             resolved (20 min), deflected
C3   chat      03-03 09:00  yes   yes     no       no                   not helpful  -    -             deflected, unresolved (negative)
C4   chat      03-03 12:00  yes   yes     yes      12:10 customer_req   none         Ann  03-03 15:00   handoff, closed by Ann
C5   email     03-04 08:00  yes   yes     no       08:20 cannot_answer  helpful      -    -  (ticket T9) handoff to a ticket, open
C6   email     03-09 09:00  yes   no      no       no                   none         -    -             deflected, unresolved (no reply)
C7   chat      03-10 10:00  yes   yes     no       no                   helpful      Bob  03-10 11:00   human involved: unresolved, Bob's
C8   whatsapp  03-10 12:00  no    -       -        -                    -            Bob  03-10 13:00   channel without the agent; Bob's
C9   chat      03-28 20:00  yes   yes     no       no                   thumbs up    -    -             last activity 03-28 23:59:59: judged, resolved (30 min)
C10  chat      03-28 21:00  yes   yes     no       no                   helpful      -    -             last activity 03-29 00:00:01: pending
C11  chat      03-11 08:00  no    -       -        -                    -            -    -             on a deployed channel, not handled
"""

# ruff: noqa: E501  (the fixture table reads best one conversation per line)
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from svcstats.errors import UsageError
from tests.conftest import rows, run_report, write_csv

HEADER = [
    "conversation_id", "channel", "started_at", "ended_at", "last_activity_at", "agent_involved", "agent_replied",
    "human_requested", "handed_off", "handoff_at", "handoff_reason", "feedback", "assigned_rep", "closed_at", "ticket_id",
]  # fmt: skip
CONVERSATIONS = [
    ["C1", "chat", "2026-03-02T10:00:00Z", "2026-03-02T10:05:00Z", "2026-03-02T10:05:00Z", "true", "true", "false", "false", None, None, "helpful", None, "2026-03-02T10:10:00Z", "T1"],
    ["C2", "chat", "2026-03-02T11:00:00Z", "2026-03-02T11:20:00Z", "2026-03-02T11:20:00Z", "true", "true", "false", "false", None, None, None, None, None, None],
    ["C3", "chat", "2026-03-03T09:00:00Z", "2026-03-03T09:30:00Z", "2026-03-03T09:30:00Z", "true", "true", "false", "false", None, None, "not helpful", None, None, None],
    ["C4", "chat", "2026-03-03T12:00:00Z", "2026-03-03T12:30:00Z", "2026-03-03T12:30:00Z", "true", "true", "true", "true", "2026-03-03T12:10:00Z", "customer_request", "none", "Ann", "2026-03-03T15:00:00Z", None],
    ["C5", "email", "2026-03-04T08:00:00Z", "2026-03-04T08:40:00Z", "2026-03-04T08:40:00Z", "true", "true", "false", "true", "2026-03-04T08:20:00Z", "cannot_answer", "helpful", None, None, "T9"],
    ["C6", "email", "2026-03-09T09:00:00Z", "2026-03-09T09:01:00Z", "2026-03-09T09:01:00Z", "true", "false", "false", "false", None, None, "none", None, None, None],
    ["C7", "chat", "2026-03-10T10:00:00Z", "2026-03-10T10:30:00Z", "2026-03-10T10:30:00Z", "true", "true", "false", "false", None, None, "helpful", "Bob", "2026-03-10T11:00:00Z", None],
    ["C8", "whatsapp", "2026-03-10T12:00:00Z", "2026-03-10T12:40:00Z", "2026-03-10T12:40:00Z", "false", None, None, None, None, None, None, "Bob", "2026-03-10T13:00:00Z", None],
    ["C9", "chat", "2026-03-28T20:00:00Z", "2026-03-28T20:30:00Z", "2026-03-28T23:59:59Z", "true", "true", "false", "false", None, None, "thumbs up", None, None, None],
    ["C10", "chat", "2026-03-28T21:00:00Z", "2026-03-28T21:30:00Z", "2026-03-29T00:00:01Z", "true", "true", "false", "false", None, None, "helpful", None, None, None],
    ["C11", "chat", "2026-03-11T08:00:00Z", None, "2026-03-11T08:05:00Z", "false", None, None, None, None, None, None, None, None, None],
]  # fmt: skip
AS_OF = {"as_of": date(2026, 3, 31)}
TOTALS = {"totals": True, **AS_OF}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "agent_conversations.csv", HEADER, CONVERSATIONS)
    return tmp_path


def only(report: str, data: Path, **options: object) -> dict[str, object]:
    result = rows(run_report(data, report, **{**TOTALS, **options}).result)
    assert len(result) == 1
    return result[0]


def test_resolution_rate_totals(data: Path) -> None:
    # judged: C1-C7 and C9 = 8 (C10 is 71:59:58 inactive at the end of 03-31: pending);
    # resolved: C1, C2 (no feedback counts as not negative), C9 -> 3 / 8 = 37.5 %
    assert only("agent-resolution-rate", data) == {"resolution_pct": 37.5, "resolved": 3, "judged": 8, "pending": 1}


def test_resolutions_counts_add_up_to_handled(data: Path) -> None:
    # unresolved: C3 (negative), C4 (handoff, human requested), C5 (handoff), C6 (no reply), C7 (rep involved)
    assert only("agent-resolutions", data) == {"resolved": 3, "unresolved": 5, "pending": 1}


def test_seventy_two_hour_edge(data: Path) -> None:
    # C9's last activity is 72 h + 0.999999 s before the end of 03-31: judged; C10's 71:59:58.999999: pending.
    # A day earlier (as of 03-30) both are pending; with --pending-after 24 at 03-31 both are judged.
    assert only("agent-resolutions", data, as_of=date(2026, 3, 30)) == {"resolved": 2, "unresolved": 5, "pending": 2}
    assert only("agent-resolutions", data, options={"pending_after": "24"}) == {"resolved": 4, "unresolved": 5, "pending": 0}


def test_deflection_rate(data: Path) -> None:
    # deflected (judged, no human): C1, C2, C3 (negative feedback still deflects), C6, C9 = 5 of 8
    assert only("agent-deflection-rate", data) == {"deflection_pct": 62.5, "deflected": 5, "judged": 8, "pending": 1}


def test_handoff_rate_and_reasons(data: Path) -> None:
    # handoffs: C4 (customer_request), C5 (cannot_answer) = 2 of 8 judged
    result = only("agent-handoff-rate", data)
    assert result == {
        "handoff_pct": 25.0, "handoffs": 2, "judged": 8, "pending": 1,
        "customer_request": 1, "cannot_answer": 1, "custom_trigger": 0, "agent_paused": 0, "other_reason": 0,
    }  # fmt: skip


def test_handoffs_weekly_by_trigger(data: Path) -> None:
    # handed off: C4 (03-03, customer_request; last activity its close 03-03 15:00) and C5 (03-04,
    # cannot_answer; last activity 08:40): both judged, both in the week of 03-02.
    # pending: involved and not judged = C10 alone (last activity 03-29 00:00:01), week of 03-23.
    # Week 03-09 (C6, C7, C8, C11) has no handoff; week 03-16 has no conversation: a calendar row of zeros,
    # as is the week of --as-of (03-31 is in the week of 03-30), where the open-ended calendar stops.
    result = run_report(data, "agent-handoffs", **AS_OF).result
    assert result.columns == [
        "period_start", "period_end", "partial",
        "handoffs", "customer_request", "cannot_answer", "custom_trigger", "agent_paused", "other_reason", "pending",
    ]  # fmt: skip
    # each week ends on the Sunday 6 days after its Monday; the range has no start (nothing cut
    # there) and ends at --as-of 03-31, which cuts only the last week (03-30 to 04-05): partial
    assert [(str(r["period_start"]), str(r["period_end"]), r["partial"]) for r in rows(result)] == [
        ("2026-03-02", "2026-03-08", False), ("2026-03-09", "2026-03-15", False), ("2026-03-16", "2026-03-22", False),
        ("2026-03-23", "2026-03-29", False), ("2026-03-30", "2026-04-05", True),
    ]  # fmt: skip
    weeks = {str(r.pop("period_start")): r for r in rows(result.drop("period_end", "partial"))}
    zero = {"handoffs": 0, "customer_request": 0, "cannot_answer": 0, "custom_trigger": 0, "agent_paused": 0, "other_reason": 0}
    assert weeks == {
        "2026-03-02": {**zero, "handoffs": 2, "customer_request": 1, "cannot_answer": 1, "pending": 0},
        "2026-03-09": {**zero, "pending": 0},
        "2026-03-16": {**zero, "pending": 0},
        "2026-03-23": {**zero, "pending": 1},
        "2026-03-30": {**zero, "pending": 0},
    }


def test_a_handoff_is_counted_only_once_judged(data: Path) -> None:
    # --pending-after 8760 (a year): no conversation's last activity is a year before 03-31, so all
    # 9 involved ones (C1-C7, C9, C10; not C8, C11) are pending and the 2 handoffs are not counted yet.
    assert only("agent-handoffs", data, options={"pending_after": "8760"}) == {
        "handoffs": 0, "customer_request": 0, "cannot_answer": 0, "custom_trigger": 0, "agent_paused": 0, "other_reason": 0, "pending": 9,
    }  # fmt: skip
    # an unknown trigger word is other_reason: C5's reason made "transfer" moves it there
    moved = [row if row[0] != "C5" else [*row[:10], "transfer", *row[11:]] for row in CONVERSATIONS]
    write_csv(data / "agent_conversations.csv", HEADER, moved)
    assert only("agent-handoffs", data) == {
        "handoffs": 2, "customer_request": 1, "cannot_answer": 0, "custom_trigger": 0, "agent_paused": 0, "other_reason": 1, "pending": 1,
    }  # fmt: skip


def test_handling_rate_leaves_out_channels_without_the_agent(data: Path) -> None:
    # deployed: chat and email (whatsapp never had the agent: C8 is left out, in a note);
    # conversations = 10 (all but C8), handled = 9 (C11 not) -> 90 %
    outcome = run_report(data, "agent-handling-rate", **TOTALS)
    assert rows(outcome.result) == [{"handle_pct": 90.0, "handled": 9, "conversations": 10, "pending": 1}]
    assert [(f.rows, f.severity) for f in outcome.findings] == [(1, "note")]
    assert "channels without the agent" in outcome.findings[0].what


def test_a_channel_has_the_agent_from_its_first_handled_conversation(tmp_path: Path) -> None:
    # email: E1 (03-01, before the agent came), E2 (03-04, the agent's first), E3 (03-05, not handled)
    # -> conversations E2, E3; handled E2 -> 50 %, and E1 left out in a note
    blank = [None] * 9
    rows_ = [
        ["E1", "email", "2026-03-01T09:00:00Z", None, "2026-03-01T09:10:00Z", "false", *blank],
        ["E2", "email", "2026-03-04T09:00:00Z", None, "2026-03-04T09:10:00Z", "true", "true", *blank[1:]],
        ["E3", "email", "2026-03-05T09:00:00Z", None, "2026-03-05T09:10:00Z", "false", *blank],
    ]
    write_csv(tmp_path / "agent_conversations.csv", HEADER, rows_)
    outcome = run_report(tmp_path, "agent-handling-rate", **TOTALS)
    assert rows(outcome.result) == [{"handle_pct": 50.0, "handled": 1, "conversations": 2, "pending": 0}]
    assert [(f.rows, f.severity) for f in outcome.findings] == [(1, "note")]
    # [agent] channels says where the agent is deployed, all along: all three count -> 1 / 3
    config = tmp_path / "svcstats.toml"
    config.write_text('[agent]\nchannels = ["Email"]\n', encoding="utf-8")
    (row,) = rows(run_report(tmp_path, "agent-handling-rate", config=config, **TOTALS).result)
    assert (row["handled"], row["conversations"]) == (1, 3)


def test_feedback_trend(data: Path) -> None:
    # helpful: C1, C5, C7, C9 (thumbs up), C10 = 5; not helpful: C3; none: C2 (empty), C4, C6 -> 5 / 6
    result = only("agent-feedback-trend", data)
    assert result == {
        "helpful_pct": pytest.approx(500 / 6), "rated": 6, "helpful": 5, "not_helpful": 1, "no_feedback": 3, "pending": 1
    }  # fmt: skip


def test_resolution_rate_weekly(data: Path) -> None:
    result = run_report(data, "agent-resolution-rate", date_from=date(2026, 3, 2), date_to=date(2026, 3, 29), **AS_OF).result
    # 03-02 to 03-29: four whole weeks, each ending on the Sunday 6 days after its Monday
    assert [(str(r["period_end"]), r["partial"]) for r in rows(result)] == [
        ("2026-03-08", False), ("2026-03-15", False), ("2026-03-22", False), ("2026-03-29", False)
    ]  # fmt: skip
    weeks = {str(r.pop("period_start")): r for r in rows(result.drop("period_end", "partial"))}
    assert weeks == {
        "2026-03-02": {"resolution_pct": 40.0, "resolved": 2, "judged": 5, "pending": 0},  # C1, C2 of C1-C5
        "2026-03-09": {"resolution_pct": 0.0, "resolved": 0, "judged": 2, "pending": 0},  # C6, C7
        "2026-03-16": {"resolution_pct": None, "resolved": 0, "judged": 0, "pending": 0},
        "2026-03-23": {"resolution_pct": 100.0, "resolved": 1, "judged": 1, "pending": 1},  # C9; C10 pending
    }


def test_conversations_handled_by_channel(data: Path) -> None:
    result = run_report(data, "agent-conversations-handled", options={"by": "channel"}, **TOTALS).result
    assert rows(result) == [
        {"channel": "chat", "handled": 7, "resolved": 3, "handoffs": 1, "pending": 1},  # C1-C4, C7, C9, C10
        {"channel": "email", "handled": 2, "resolved": 0, "handoffs": 1, "pending": 0},  # C5, C6
        {"channel": "whatsapp", "handled": 0, "resolved": 0, "handoffs": 0, "pending": 0},  # C8
    ]
    same = run_report(data, "agent-conversations-by-channel", **TOTALS).result
    assert rows(same) == rows(result)


def test_agent_in_your_team(data: Path) -> None:
    # agent: C1, C2, C9; Ann: C4 (handed off, then closed by her: hers only); Bob: C7 and C8 (without
    # the agent); C5 is open. 6 resolutions -> agent 50 %, Ann 1/6, Bob 2/6
    result = {r["resolver"]: r for r in rows(run_report(data, "agent-in-your-team", **TOTALS).result)}
    assert {k: v["resolved"] for k, v in result.items()} == {"Ann": 1, "Bob": 2, "Customer agent": 3}
    assert {v["all_resolved"] for v in result.values()} == {6}
    assert result["Customer agent"]["share_pct"] == 50.0
    assert result["Bob"]["share_pct"] == pytest.approx(200 / 6)
    assert list(result["Ann"]) == ["resolver", "share_pct", "resolved", "all_resolved"]


def test_handoff_outcomes(data: Path) -> None:
    # C4: closed by Ann 3 h after the start (2 h 50 min after the handoff); C5: became ticket T9, still open.
    assert only("agent-handoff-outcomes", data) == {
        "conversion_pct": 100.0, "handoffs": 2, "converted": 2, "to_ticket": 1, "open_handoffs": 1, "closed_handoffs": 1,
        "mean_hours": 3.0, "median_hours": 3.0, "p90_hours": 3.0, "mean_after_handoff_hours": pytest.approx(17 / 6),
    }  # fmt: skip


def test_impact_this_week_beside_last_week(data: Path) -> None:
    # As of Tuesday 03-10: this week = C6, C7 (C11 starts after --as-of), both inactive < 72 h: pending;
    # last week = C1-C5, all judged: resolved C1, C2 (5 and 20 min -> 12.5), deflected C1-C3 of 5,
    # helpful C1, C5 of rated C1, C3, C5.
    result = only("agent-impact", data, as_of=date(2026, 3, 10))
    assert result == {
        "week_start": date(2026, 3, 9),
        "resolved": 0, "resolved_last_week": 2,
        "handled": 2, "handled_last_week": 5,
        "pending": 2, "pending_last_week": 0,
        "mean_resolution_minutes": None, "mean_resolution_minutes_last_week": 12.5,
        "deflection_pct": None, "deflection_pct_last_week": 60.0,
        "deflected": 0, "deflected_last_week": 3,  # C1-C3
        "judged": 0, "judged_last_week": 5,  # C1-C5
        "helpful_pct": 100.0, "helpful_pct_last_week": pytest.approx(200 / 3),
        "helpful": 1, "helpful_last_week": 2,  # C7; C1, C5
        "rated": 1, "rated_last_week": 3,  # C7; C1, C3, C5
    }  # fmt: skip


@pytest.mark.parametrize(
    ("option", "flag"),
    [({"date_from": date(2026, 3, 1)}, "--from"), ({"last": "4w"}, "--last"), ({"last_week": True}, "--last-week")],
)
def test_impact_refuses_a_date_range(data: Path, option: dict[str, object], flag: str) -> None:
    with pytest.raises(UsageError, match=f"agent-impact takes no {flag}: it always covers the week of --as-of"):
        run_report(data, "agent-impact", as_of=date(2026, 3, 10), **option)


def test_impact_date_range_is_a_one_line_usage_error_and_share_gives_none(cli, data: Path) -> None:
    result = cli("report", "agent-impact", "--data", data, "--as-of", "2026-03-10", "--from", "2026-03-01")
    assert result.code == 2 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    shared = cli("report", "agent-impact", "--data", data, "--as-of", "2026-03-10", "--share")
    assert shared.code == 0, shared.stderr
    assert "--from" not in shared.stdout and "--to" not in shared.stdout and "--as-of 2026-03-10" in shared.stdout


def with_ticket_for_c9(data: Path) -> None:
    """C9 with ticket T10 (it has none in the fixture)."""
    write_csv(data / "agent_conversations.csv", HEADER, [[*c[:14], "T10"] if c[0] == "C9" else c for c in CONVERSATIONS])


def test_a_human_message_on_the_ticket_is_human_involvement(data: Path) -> None:
    # A rep wrote on C9's ticket T10 on 03-29, after it started and before it is judged (last activity
    # 03-28 23:59:59 + 72 h = 03-31 23:59:59): C9 is no longer deflected nor resolved. The rep's message
    # on C1's ticket T1 on 03-20 comes after C1 was judged (03-02 10:05 + 72 h = 03-05 10:05): ignored.
    with_ticket_for_c9(data)
    messages = [["T1", "2026-03-20T09:00:00Z", "agent"], ["T10", "2026-03-29T10:00:00Z", "agent"]]
    write_csv(data / "messages.csv", ["ticket_id", "sent_at", "sender_type"], messages)
    assert only("agent-resolutions", data) == {"resolved": 2, "unresolved": 6, "pending": 1}  # C1, C2
    assert only("agent-deflections", data) == {"deflected": 4, "judged": 8, "pending": 1}  # C1, C2, C3, C6
    # As of 03-10 the message was not written yet: C1 is resolved; C6, C7 are pending, and C9, C10
    # (started after 03-10) had not happened yet: --as-of ends the range
    assert only("agent-resolutions", data, as_of=date(2026, 3, 10)) == {"resolved": 2, "unresolved": 3, "pending": 2}


def test_a_human_message_after_the_judgement_changes_nothing(data: Path) -> None:
    # C9 is judged at 03-31 23:59:59 (03-28 23:59:59 + 72 h); a message half a second later (still before
    # the end of --as-of 03-31) comes after its outcome is final, and C1's on 03-20 after C1's (03-05 10:05):
    # C1, C2, C9 stay resolved. Half a second before the judgement the message counts: C9 unresolved.
    with_ticket_for_c9(data)
    header = ["ticket_id", "sent_at", "sender_type"]
    write_csv(data / "messages.csv", header, [["T1", "2026-03-20T09:00:00Z", "agent"], ["T10", "2026-03-31T23:59:59.5Z", "agent"]])
    assert only("agent-resolutions", data) == {"resolved": 3, "unresolved": 5, "pending": 1}
    write_csv(data / "messages.csv", header, [["T10", "2026-03-31T23:59:58.5Z", "agent"]])
    assert only("agent-resolutions", data) == {"resolved": 2, "unresolved": 6, "pending": 1}


def test_a_loader_warning_is_reported_once(data: Path) -> None:
    # one row with an unreadable start time: one warning, not one per load of the table
    write_csv(data / "agent_conversations.csv", HEADER, [*CONVERSATIONS, ["C12", "chat", "soon", *[None] * 12]])
    for report in ("agent-resolutions", "agent-impact", "agent-in-your-team"):
        outcome = run_report(data, report, **TOTALS)
        assert [(f.rows, f.severity) for f in outcome.findings] == [(1, "warning")], report


def test_a_customer_request_handoff_reason_means_a_human_was_requested(data: Path) -> None:
    # C4 with human_requested empty and the reason written as HubSpot shows it: still human requested
    conversations = [[*c[:7], None, *c[8:10], "Customer request", *c[11:]] if c[0] == "C4" else c for c in CONVERSATIONS]
    write_csv(data / "agent_conversations.csv", HEADER, conversations)
    c4 = next(r for r in rows(run_report(data, "agent-conversation-flags", **AS_OF).result) if r["conversation_id"] == "C4")
    assert (c4["human_requested"], c4["handoff_trigger"]) == (True, "customer_request")


def test_unknown_feedback_is_warned_and_counted_as_none(tmp_path: Path) -> None:
    write_csv(tmp_path / "agent_conversations.csv", HEADER, [[*CONVERSATIONS[0][:11], "meh", *CONVERSATIONS[0][12:]]])
    outcome = run_report(tmp_path, "agent-feedback-trend", **TOTALS)
    assert rows(outcome.result)[0]["no_feedback"] == 1
    assert [f.message() for f in outcome.findings] == [
        "warning: agent-feedback-trend: 1 conversation counted as no feedback: "
        "feedback not recognised (helpful, not helpful or none expected) (e.g. 'meh')"
    ]


def test_pending_after_must_be_hours(data: Path) -> None:
    with pytest.raises(UsageError, match="--pending-after"):
        run_report(data, "agent-resolutions", options={"pending_after": "soon"}, **TOTALS)


@pytest.mark.parametrize("hours", ["inf", "nan", "1e300", "1e12", "8761", "-1"])
def test_pending_after_must_be_finite_and_at_most_a_year(data: Path, hours: str) -> None:
    with pytest.raises(UsageError, match="--pending-after") as error:
        run_report(data, "agent-resolutions", options={"pending_after": hours}, **TOTALS)
    assert "8760" in error.value.one_line()


def test_pending_after_of_a_year_is_accepted(data: Path) -> None:
    # 8,760 hours at 03-31: nothing is inactive that long, every handled conversation is pending
    assert only("agent-resolutions", data, options={"pending_after": "8760"}) == {"resolved": 0, "unresolved": 0, "pending": 9}


@pytest.mark.parametrize("hours", ["inf", "nan", "1e12"])
def test_pending_after_in_the_config_must_be_finite_and_bounded(data: Path, tmp_path: Path, hours: str) -> None:
    config = tmp_path / "svcstats.toml"
    config.write_text(f"[agent]\npending_after_hours = {hours}\n")
    with pytest.raises(UsageError, match=r"agent\.pending_after_hours"):
        run_report(data, "agent-resolutions", config=config, **TOTALS)


def test_pending_after_from_the_config(data: Path, tmp_path: Path) -> None:
    config = tmp_path / "svcstats.toml"
    config.write_text("[agent]\npending_after_hours = 24\n")
    assert only("agent-resolutions", data, config=config) == {"resolved": 4, "unresolved": 5, "pending": 0}


def test_impact_by_channel(data: Path) -> None:
    # As of 03-10: this week chat C7, email C6 (both pending), whatsapp C8 (not handled);
    # last week chat C1-C4 (deflected C1-C3 of 4), email C5 (handed off).
    result = {r["channel"]: r for r in rows(run_report(data, "agent-impact", group_by=["channel"], as_of=date(2026, 3, 10)).result)}
    assert {c: (r["handled"], r["handled_last_week"], r["pending"], r["resolved_last_week"]) for c, r in result.items()} == {
        "chat": (1, 4, 1, 2),
        "email": (1, 1, 1, 0),
        "whatsapp": (0, 0, 0, 0),
    }
    assert (result["chat"]["deflection_pct_last_week"], result["email"]["deflection_pct_last_week"]) == (75.0, 0.0)


def test_conversation_flags_one_by_one(data: Path) -> None:
    result = {r["conversation_id"]: r for r in rows(run_report(data, "agent-conversation-flags", **AS_OF).result)}
    assert list(result) == [f"C{i}" for i in (1, 2, 3, 4, 5, 6, 7, 8, 11, 9, 10)]  # start order
    assert {c: r["outcome"] for c, r in result.items()} == {
        "C1": "resolved", "C2": "resolved", "C3": "unresolved", "C4": "unresolved", "C5": "unresolved", "C6": "unresolved",
        "C7": "unresolved", "C8": None, "C11": None, "C9": "resolved", "C10": "pending",
    }  # fmt: skip
    assert str(result["C10"]["judged_from"]) == "2026-04-01 00:00:01+00:00"  # last activity + 72 h
    assert (result["C4"]["handoff_trigger"], result["C1"]["handoff_trigger"]) == ("customer_request", None)
    assert (result["C9"]["feedback"], result["C9"]["resolution_minutes"]) == ("helpful", 30.0)  # "thumbs up"
