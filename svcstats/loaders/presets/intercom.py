"""Intercom conversations as its REST API writes them (`GET /conversations`, one conversation
object each; nested objects read as dotted names such as `statistics.first_admin_reply_at`).

Times are Unix seconds (UTC); `conversation_rating.rating` is 1-5; the `statistics.time_to_*`
durations are seconds and exclude office hours. See export-formats.md §4.
"""

from __future__ import annotations

from svcstats.loaders.presets.base import Preset, TableMap, sig

STATE = {"open": "open", "closed": "closed", "snoozed": "snoozed"}
CLOSED = {"closed": "true"}
SOURCE = {
    "conversation": "chat", "email": "email", "phone_call": "phone", "phone_switch": "phone", "push": "chat",
    "facebook": "chat", "instagram": "chat", "twitter": "chat", "whatsapp": "chat", "sms": "chat",
}  # fmt: skip
EPOCHS = ("created_at", "closed_at", "first_closed_at", "first_response_at", "updated_at", "first_assignment_at")

TICKETS = TableMap(
    columns={
        "ticket_id": ("id",),
        "created_at": ("created_at",),
        "closed_at": ("statistics.last_close_at",),
        "first_closed_at": ("statistics.first_close_at",),
        "first_response_at": ("statistics.first_admin_reply_at",),
        "status": ("state",),
        "owner": ("admin_assignee_id",),
        "team": ("team_assignee_id",),
        "source": ("source.type",),
        "priority": ("priority",),
        "subject": ("title",),
        "updated_at": ("updated_at",),
        "first_assignment_at": ("statistics.first_assignment_at",),
        "time_to_admin_reply_office_seconds": ("statistics.time_to_admin_reply",),
        "reopens": ("statistics.count_reopens",),
        "ai_agent_participated": ("ai_agent_participated",),
    },
    signature=sig("id", "created_at", ("admin_assignee_id", "team_assignee_id", "statistics.first_admin_reply_at"), ("state", "open")),
    units={**dict.fromkeys(EPOCHS, "epoch"), "time_to_admin_reply_office_seconds": "seconds"},
    values={"status": STATE, "source": SOURCE},
    derive={"is_closed": ("status", CLOSED, "false")},
)

CSAT = TableMap(
    columns={
        "response_id": ("id",),
        "ticket_id": ("id",),
        "submitted_at": ("conversation_rating.created_at",),
        "rating": ("conversation_rating.rating",),
        "rep": ("conversation_rating.teammate.id", "admin_assignee_id"),
        "team": ("team_assignee_id",),
        "channel": ("source.type",),
        "comment": ("conversation_rating.remark",),
    },
    units={"submitted_at": "epoch"},
    values={"channel": SOURCE},
    constants={"scale_min": "1", "scale_max": "5"},
    derived_from="tickets",
    required_value="rating",
)

# Fin (the AI agent): ai_agent.resolution_state routed_to_team / escalated is a handoff; its 1-5 rating is the feedback
AGENT = TableMap(
    columns={
        "conversation_id": ("id",),
        "ticket_id": ("id",),
        "started_at": ("created_at",),
        "last_activity_at": ("updated_at",),
        "closed_at": ("statistics.last_close_at",),
        "channel": ("source.type",),
        "agent_involved": ("ai_agent_participated",),
        "assigned_rep": ("admin_assignee_id",),
        "ai_resolution_state": ("ai_agent.resolution_state",),
        "ai_answer_type": ("ai_agent.last_answer_type",),
        "ai_rating": ("ai_agent.rating",),
    },
    units=dict.fromkeys(("started_at", "last_activity_at", "closed_at"), "epoch"),
    values={"channel": SOURCE},
    derive={
        "agent_replied": ("ai_answer_type", {}, "true"),  # an answer type: Fin answered
        "handed_off": ("ai_resolution_state", {"routed_to_team": "true", "escalated": "true"}, "false"),
        "feedback": ("ai_rating", {"4": "helpful", "5": "helpful", "1": "not_helpful", "2": "not_helpful"}, "none"),
    },
    derived_from="tickets",
)

PRESET = Preset(
    name="intercom",
    label="Intercom",
    tables={"tickets": TICKETS, "csat": CSAT, "agent_conversations": AGENT},
    source_tz="UTC",
    getting_data="the REST API's conversations (GET /conversations), saved as JSON or NDJSON; times are Unix seconds",
    missing={"closed_at": "save the conversations with their statistics (statistics.last_close_at)"},
)
