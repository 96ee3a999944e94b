"""Chatwoot: conversations as its API writes them (`GET /api/v1/accounts/{id}/conversations`,
nested objects read as dotted names such as `meta.assignee.name`) and the CSAT download
(Reports > CSAT > Download). Its agent/team/inbox report downloads hold averages only.

Conversation times are Unix seconds; the CSAT `Recorded date` is "YYYY-MM-DD HH:MM:SS UTC";
ratings are 1-5; statuses open/resolved/pending/snoozed (0-3 in the database). See export-formats.md §7.
"""

from __future__ import annotations

from svcstats.loaders.presets.base import Preset, TableMap, sig

STATUS = {"0": "open", "1": "resolved", "2": "pending", "3": "snoozed"}  # the database's numbers; names stay
CLOSED = {"resolved": "true", "1": "true"}
CHANNEL = {
    "channel::webwidget": "chat", "channel::email": "email", "channel::api": "other", "channel::whatsapp": "chat",
    "channel::facebookpage": "chat", "channel::instagram": "chat", "channel::twitterprofile": "chat", "channel::twiliosms": "chat",
    "channel::sms": "chat", "channel::telegram": "chat", "channel::line": "chat", "channel::voice": "phone",
}  # fmt: skip
PRIORITY = {"0": "low", "1": "medium", "2": "high", "3": "urgent"}

TICKETS = TableMap(
    columns={
        "ticket_id": ("id",),
        "created_at": ("created_at",),
        "first_response_at": ("first_reply_created_at",),
        "status": ("status",),
        "owner": ("meta.assignee.name",),
        "team": ("meta.team.name",),
        "source": ("meta.channel",),
        "priority": ("priority",),
        "inbox_id": ("inbox_id",),
        "last_activity_at": ("last_activity_at", "timestamp"),
        "waiting_since": ("waiting_since",),
    },
    signature=sig("id", "created_at", "status", ("inbox_id", "account_id"), ("first_reply_created_at", "meta.channel", "last_activity_at")),
    units=dict.fromkeys(("created_at", "first_response_at", "last_activity_at", "waiting_since"), "epoch"),
    values={"status": STATUS, "source": CHANNEL, "priority": PRIORITY},
    derive={"is_closed": ("status", CLOSED, "false")},
)

CSAT = TableMap(
    columns={
        "submitted_at": ("Recorded date",),
        "rating": ("Rating",),
        "rep": ("Agent Name",),
        "comment": ("Feedback Comment",),
        "ticket_id": ("Link to the conversation",),
        "contact": ("Contact Name",),
    },
    signature=sig("agent name", "rating", "recorded date", "link to the conversation"),
    units={"submitted_at": "utc"},
    patterns={"rep": r"^(.*?)\s*\([^()]*@[^()]*\)$", "ticket_id": r"/conversations/(\d+)"},  # "Name (email)", a link
    constants={"scale_min": "1", "scale_max": "5"},
    required_value="submitted_at",  # the download ends with a "Reporting period ..." line
)

PRESET = Preset(
    name="chatwoot",
    label="Chatwoot",
    tables={"tickets": TICKETS, "csat": CSAT},
    source_tz="UTC",
    getting_data="conversations from the API (GET /api/v1/accounts/N/conversations) as JSON; CSAT from Reports > CSAT > Download",
    aggregate_signature=sig(("agent name", "team name", "inbox name", "label name"), "avg first response time"),
    missing={
        "closed_at": "Chatwoot's conversation JSON has no resolution time: add a closed_at column (from its "
        "conversation_resolved reporting events), or map one in svcstats.toml"
    },
    aggregate_hint="it holds averages per agent, team, inbox or label, not conversations: save the conversations from the API "
    "(GET /api/v1/accounts/N/conversations) and the CSAT download instead",
)
