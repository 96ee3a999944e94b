"""Issue 14, findings 4-10: each rebuilt as a small case, checked by hand through the command line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.conftest import write_csv

MESSAGE_HEADER = ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "is_public"]
AGENT_HEADER = [
    "conversation_id",
    "channel",
    "started_at",
    "last_activity_at",
    "agent_involved",
    "agent_replied",
    "assigned_rep",
    "feedback",
]


def table(cli, *args: str | Path) -> list[dict[str, str]]:
    """Run `svcstats ARGS --format csv` and return the rows (exit 0 expected)."""
    result = cli(*args, "--format", "csv")
    assert result.code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


# -- 4. "at least --pending-after hours" ----------------------------------------------------


def test_inactive_exactly_pending_after_hours_is_judged(cli, tmp_path: Path) -> None:
    # the --as-of day 09-10 ends at 09-11 00:00 UTC. K1's last activity 09-08 00:00 is exactly 72 h
    # before that: judged (resolved). K2's 09-08 00:00:01 is 1 s short of 72 h: pending.
    write_csv(
        tmp_path / "agent_conversations.csv",
        AGENT_HEADER,
        [
            ["K1", "chat", "2026-09-07T23:50:00Z", "2026-09-08T00:00:00Z", "true", "true", None, "helpful"],
            ["K2", "chat", "2026-09-07T23:50:00Z", "2026-09-08T00:00:01Z", "true", "true", None, "helpful"],
        ],
    )
    [row] = table(cli, "report", "agent-resolutions", "--data", tmp_path, "--totals", "--as-of", "2026-09-10")
    assert (row["resolved"], row["unresolved"], row["pending"]) == ("1", "0", "1")


# -- 5. the handoff is the bot message before the first human reply -------------------------


def test_handoff_is_the_bot_message_ordered_before_the_reply(cli, tmp_path: Path) -> None:
    # customer 10:00, bot 10:02 (the handoff), human reply 10:07 (m3), bot again at 10:07 but
    # ordered after the reply (m4): the wait from the handoff is 10:07 - 10:02 = 5 minutes (not 0).
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "source"], [["C1", "2026-09-01T10:00:00Z", "chat"]])
    write_csv(
        tmp_path / "messages.csv",
        MESSAGE_HEADER,
        [
            ["m1", "C1", "2026-09-01T10:00:00Z", "customer", "c1", "true"],
            ["m2", "C1", "2026-09-01T10:02:00Z", "bot", "Bot", "true"],
            ["m3", "C1", "2026-09-01T10:07:00Z", "agent", "Ann", "true"],
            ["m4", "C1", "2026-09-01T10:07:00Z", "bot", "Bot", "true"],
        ],
    )
    [row] = table(cli, "report", "chat-wait-time", "--data", tmp_path, "--totals", "--wait-from", "handoff")
    assert float(row["mean_minutes"]) == 5.0
    # a bot message at the reply's instant ordered before it (m0 < m3) is the handoff: 0 minutes
    write_csv(
        tmp_path / "messages.csv",
        MESSAGE_HEADER,
        [
            ["m1", "C1", "2026-09-01T10:00:00Z", "customer", "c1", "true"],
            ["m0", "C1", "2026-09-01T10:07:00Z", "bot", "Bot", "true"],
            ["m3", "C1", "2026-09-01T10:07:00Z", "agent", "Ann", "true"],
        ],
    )
    [row] = table(cli, "report", "chat-wait-time", "--data", tmp_path, "--totals", "--wait-from", "handoff")
    assert float(row["mean_minutes"]) == 0.0


# -- 6, 9. --rep is the ticket owner in the message reports that rank tickets or hours ------


def owned_tickets(folder: Path) -> Path:
    write_csv(
        folder / "tickets.csv",
        ["ticket_id", "created_at", "owner"],
        [["T1", "2026-09-01T09:00:00Z", "Ann"], ["T2", "2026-09-01T09:00:00Z", "Bob"]],
    )
    write_csv(
        folder / "messages.csv",
        MESSAGE_HEADER,
        [
            ["m1", "T1", "2026-09-01T09:00:00Z", "customer", "c1", "true"],
            ["m2", "T1", "2026-09-01T10:00:00Z", "agent", "Bob", "true"],  # Bob answers on Ann's ticket
            ["m3", "T1", "2026-09-01T10:30:00Z", "agent", "Ann", "true"],
            ["m4", "T2", "2026-09-01T09:00:00Z", "customer", "c2", "true"],
            ["m5", "T2", "2026-09-01T09:10:00Z", "customer", "c2", "true"],
            ["m6", "T2", "2026-09-01T11:00:00Z", "agent", "Bob", "true"],
        ],
    )
    return folder


def test_ticket_reply_count_rep_ranks_the_owners_tickets(cli, tmp_path: Path) -> None:
    # --rep Ann: only T1 (Ann owns it): 2 replies sent (Bob's and Ann's), 1 customer message
    got = table(cli, "report", "ticket-reply-count", "--data", owned_tickets(tmp_path), "--rep", "Ann")
    assert [(r["ranking"], r["rank"], r["ticket_id"], r["replies_sent"], r["messages_received"]) for r in got] == [
        ("replies_sent", "1", "T1", "2", "1"),
        ("messages_received", "1", "T1", "2", "1"),
    ]


def test_message_volume_rep_is_the_ticket_owner(cli, tmp_path: Path) -> None:
    # --rep Bob: T2's messages: received 2 at 09:00 (09:00, 09:10), sent 1 at 11:00; over one day
    args = ["report", "message-volume-by-hour", "--data", owned_tickets(tmp_path), "--from", "2026-09-01", "--to", "2026-09-01"]
    got = {int(r["hour"]): (r["messages_received"], r["messages_sent"]) for r in table(cli, *args, "--rep", "Bob")}
    assert (got[9], got[10], got[11]) == (("2", "0"), ("0", "0"), ("0", "1"))
    # --group-by rep: one grid per owner (Ann, Bob), not one per customer or sender
    grouped = table(cli, *args, "--group-by", "rep")
    assert sorted({r["rep"] for r in grouped}) == ["Ann", "Bob"]
    ann = {int(r["hour"]): (r["messages_received"], r["messages_sent"]) for r in grouped if r["rep"] == "Ann"}
    assert (ann[9], ann[10]) == (("1", "0"), ("0", "2"))  # T1: c1 at 09:00; Bob 10:00 and Ann 10:30


# -- 7. owner-reply-count --top 0 still ranks -----------------------------------------------


def test_owner_reply_count_top_zero_ranks_every_rep(cli, tmp_path: Path) -> None:
    # replies: Bob 2 (m2, m6), Ann 1 (m3): ranked 1 and 2, as with --top 5
    args = ["report", "owner-reply-count", "--data", owned_tickets(tmp_path), "--totals"]
    expected = [("1", "Bob", "2"), ("2", "Ann", "1")]
    for top in ("0", "5"):
        got = table(cli, *args, "--top", top)
        assert [(r["rank"], r["rep"], r["replies"]) for r in got] == expected


# -- 8. agent-conversations-by-channel keeps the channel split ------------------------------


def test_by_channel_keeps_channels_when_grouped_by_rep(cli, tmp_path: Path) -> None:
    # Ann has one chat and one email conversation: two rows (chat 1, email 1), as with
    # agent-conversations-handled --by channel --group-by rep
    write_csv(
        tmp_path / "agent_conversations.csv",
        AGENT_HEADER,
        [
            ["K1", "chat", "2026-09-01T10:00:00Z", "2026-09-01T10:10:00Z", "true", "true", "Ann", None],
            ["K2", "email", "2026-09-01T11:00:00Z", "2026-09-01T11:10:00Z", "true", "true", "Ann", None],
        ],
    )
    base = ["--data", tmp_path, "--totals", "--as-of", "2026-09-30", "--group-by", "rep"]
    by_channel = table(cli, "report", "agent-conversations-by-channel", *base)
    handled = table(cli, "report", "agent-conversations-handled", *base, "--by", "channel")
    assert [(r["rep"], r["channel"], r["handled"]) for r in by_channel] == [("Ann", "chat", "1"), ("Ann", "email", "1")]
    assert by_channel == handled


# -- 10. unknown feedback counted once ------------------------------------------------------


def test_group_by_feedback_warns_only_about_unknown_words(cli, tmp_path: Path) -> None:
    # ten conversations: nine without feedback (empty = none) and one "meh" (not a feedback word):
    # the warning counts 1 conversation, not 10
    conversations = [[f"K{i}", "chat", "2026-09-01T10:00:00Z", "2026-09-01T10:10:00Z", "true", "true", None, None] for i in range(9)]
    conversations.append(["K9", "chat", "2026-09-01T10:00:00Z", "2026-09-01T10:10:00Z", "true", "true", None, "meh"])
    write_csv(tmp_path / "agent_conversations.csv", AGENT_HEADER, conversations)
    result = cli(
        "report",
        "agent-feedback-trend",
        "--data",
        tmp_path,
        "--totals",
        "--as-of",
        "2026-09-30",
        "--group-by",
        "feedback",
        "--format",
        "csv",
    )
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "feedback not recognised" in line]
    assert len(warnings) == 1 and " 1 conversation " in warnings[0], result.stderr
    groups = {r["feedback"]: r["no_feedback"] for r in csv.DictReader(io.StringIO(result.stdout))}
    assert groups == {"none": "10"}  # grouped by the normalised feedback: 9 empty + 1 unknown counted as none
