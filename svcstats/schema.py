"""The neutral data schema (SPEC §3): every table, its columns and their kinds, declared once.

Loaders map each export onto these names and kinds; reports only ever see this schema.
Kept free of Polars so that the CLI can describe tables without importing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    """How a column's raw text is parsed and what type it has afterwards."""

    ID = "id"  # string identifier; numbers are kept as text
    TEXT = "text"
    TIMESTAMP = "timestamp"  # Datetime("us", "UTC")
    DATE = "date"
    TIME = "time"  # a time of day, "HH:MM"
    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    DURATION = "duration"  # seconds, from "H:MM:SS" or a number of seconds
    SOURCE = "source"  # chat / email / form / phone / other
    SENDER_TYPE = "sender_type"  # customer / agent / bot / system
    WEEKDAY = "weekday"  # 1 = Monday ... 7 = Sunday


SOURCES = ("chat", "email", "form", "phone", "other")
SENDER_TYPES = ("customer", "agent", "bot", "system")


@dataclass(frozen=True)
class Table:
    """One neutral table: its required and optional columns with their kinds."""

    name: str
    required: dict[str, Kind]
    optional: dict[str, Kind]
    may_be_empty: frozenset[str] = frozenset()  # required columns whose values may be missing
    key: str | None = None  # the column identifying a record (when exported), each must appear once

    @property
    def columns(self) -> dict[str, Kind]:
        """All known columns, required first."""
        return {**self.required, **self.optional}


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "tickets",
            {"ticket_id": Kind.ID, "created_at": Kind.TIMESTAMP},
            {
                "closed_at": Kind.TIMESTAMP,
                "first_closed_at": Kind.TIMESTAMP,
                "status": Kind.TEXT,
                "is_closed": Kind.BOOL,
                "pipeline": Kind.TEXT,
                "owner": Kind.TEXT,
                "team": Kind.TEXT,
                "source": Kind.SOURCE,
                "priority": Kind.TEXT,
                "subject": Kind.TEXT,
                "first_response_at": Kind.TIMESTAMP,
                "reopened_at": Kind.TIMESTAMP,
                # HubSpot's "Time to first agent email reply (HH:mm:ss)": used when no instant is known
                "first_email_reply_seconds": Kind.DURATION,
                # HubSpot's SLA properties on the ticket export (due date, status code 0-4 or its words)
                "sla_first_response_due_at": Kind.TIMESTAMP,
                "sla_first_response_status": Kind.TEXT,
                "sla_next_response_due_at": Kind.TIMESTAMP,
                "sla_next_response_status": Kind.TEXT,
                "sla_close_due_at": Kind.TIMESTAMP,
                "sla_close_status": Kind.TEXT,
            },
            key="ticket_id",
        ),
        Table(
            "stage_history",
            {"ticket_id": Kind.ID, "stage": Kind.TEXT, "entered_at": Kind.TIMESTAMP},
            {
                "exited_at": Kind.TIMESTAMP,
                "pipeline": Kind.TEXT,
                "stage_order": Kind.INT,
                "is_closed_stage": Kind.BOOL,
            },
        ),
        Table(
            "messages",
            {"ticket_id": Kind.ID, "sent_at": Kind.TIMESTAMP, "sender_type": Kind.SENDER_TYPE},
            {"message_id": Kind.ID, "sender": Kind.TEXT, "channel": Kind.TEXT, "is_public": Kind.BOOL},
            key="message_id",
        ),
        Table(
            "availability",
            {"rep": Kind.TEXT, "status": Kind.TEXT, "started_at": Kind.TIMESTAMP},
            {"ended_at": Kind.TIMESTAMP, "team": Kind.TEXT, "detail": Kind.TEXT},
        ),
        Table(
            "working_hours",
            {"rep": Kind.TEXT, "weekday": Kind.WEEKDAY, "start": Kind.TIME, "end": Kind.TIME},
            {"timezone": Kind.TEXT},
        ),
        Table("holidays", {"date": Kind.DATE}, {"name": Kind.TEXT, "timezone": Kind.TEXT}),
        Table(
            "csat",
            {"submitted_at": Kind.TIMESTAMP, "rating": Kind.FLOAT},
            {
                "response_id": Kind.ID,
                "scale_min": Kind.FLOAT,
                "scale_max": Kind.FLOAT,
                "ticket_id": Kind.ID,
                "rep": Kind.TEXT,
                "team": Kind.TEXT,
                "channel": Kind.TEXT,
                "comment": Kind.TEXT,
            },
            may_be_empty=frozenset({"rating"}),  # an unrated survey is a response, not bad data
            key="response_id",
        ),
        Table(
            "agent_conversations",
            {"conversation_id": Kind.ID, "started_at": Kind.TIMESTAMP},
            {
                "channel": Kind.TEXT,
                "ended_at": Kind.TIMESTAMP,
                "last_activity_at": Kind.TIMESTAMP,
                "agent_involved": Kind.BOOL,
                "agent_replied": Kind.BOOL,
                "human_requested": Kind.BOOL,
                "handed_off": Kind.BOOL,
                "handoff_at": Kind.TIMESTAMP,
                "handoff_reason": Kind.TEXT,
                "feedback": Kind.TEXT,
                "assigned_rep": Kind.TEXT,
                "closed_at": Kind.TIMESTAMP,
                "ticket_id": Kind.ID,
            },
            key="conversation_id",
        ),
        Table(
            "knowledge_gaps",
            {"asked_at": Kind.TIMESTAMP, "question": Kind.TEXT},
            {"question_id": Kind.ID, "conversation_id": Kind.ID, "ticket_id": Kind.ID, "topic": Kind.TEXT},
        ),
        Table(
            "sla",  # the help desk's own SLA clocks: sla_type first_response, next_response or close
            {"ticket_id": Kind.ID, "sla_type": Kind.TEXT},
            {
                "due_at": Kind.TIMESTAMP,
                "completed_at": Kind.TIMESTAMP,
                "status": Kind.TEXT,
                "schedule_id": Kind.TEXT,
                "started_at": Kind.TIMESTAMP,
            },
        ),
    )
}
