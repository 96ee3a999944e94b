"""Zendesk Support's ticket CSV export (Admin Center > Account > Tools > Reports > Export).

Times are in the account's time zone without an offset (so --source-tz is needed); durations
are whole minutes in calendar/business pairs, `Resolution time` is hours; `Via` names the
channel; `Satisfaction Score` is Good/Bad (or Offered/Not Offered). See export-formats.md §3.
"""

from __future__ import annotations

from svcstats.loaders.presets.base import DROP, Figure, Preset, TableMap, sig

STATUS = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "on_hold",
    "on-hold": "on_hold",
    "solved": "solved",
    "closed": "closed",
}
CLOSED = {"solved": "true", "closed": "true"}
VIA = {
    "mail": "email", "email": "email", "web form": "form", "web": "form", "web widget": "form", "web service": "form",
    "chat": "chat", "native messaging": "chat", "messaging": "chat", "mobile sdk": "chat", "facebook": "chat",
    "twitter": "chat", "whatsapp": "chat", "sms": "chat", "voice": "phone", "phone call (incoming)": "phone",
    "phone call (outgoing)": "phone", "voicemail": "phone", "api": "other", "closed ticket": "other", "rule": "other",
}  # fmt: skip
PRIORITY = {"low": "low", "normal": "medium", "high": "high", "urgent": "urgent"}
# minutes columns, each with its "within business hours" twin
MINUTES = {
    "first_reply": "First reply time in minutes",
    "first_resolution": "First resolution time in minutes",
    "full_resolution": "Full resolution time in minutes",
    "agent_wait": "Agent wait time in minutes",
    "requester_wait": "Requester wait time in minutes",
    "on_hold": "On hold time in minutes",
}
DURATIONS = {
    **{f"{name}_seconds": (header,) for name, header in MINUTES.items()},
    **{f"{name}_business_seconds": (f"{header} within business hours",) for name, header in MINUTES.items()},
}
# Good/Bad on 0-1 (Offered: sent, not answered); the newer CSAT survey writes 1-5 numbers
RATING = {
    "good": "1", "good with comment": "1", "bad": "0", "bad with comment": "0", "offered": None,
    "not offered": DROP, "unoffered": DROP, "": DROP,
}  # fmt: skip
GOOD_BAD = ("good", "good with comment", "bad", "bad with comment", "offered")

TICKETS = TableMap(
    columns={
        "ticket_id": ("Id",),
        "created_at": ("Created at",),
        "closed_at": ("Solved at",),
        "status": ("Status",),
        "owner": ("Assignee",),
        "team": ("Group",),
        "source": ("Via",),
        "priority": ("Priority",),
        "subject": ("Subject",),
        "ticket_type": ("Ticket type",),
        "first_assigned_at": ("Initially assigned at",),
        "resolution_seconds": ("Resolution time",),
        "reopens": ("Reopens",),
        "replies": ("Replies",),
        **DURATIONS,
    },
    signature=sig("id", "via", "created at", ("requester", "summation column", "solved at")),
    units={"resolution_seconds": "hours", **dict.fromkeys(DURATIONS, "minutes")},
    values={"status": STATUS, "source": VIA, "priority": PRIORITY},
    derive={"is_closed": ("status", CLOSED, "false")},
    figures={
        "first_response_at": Figure(
            "created_at", "first_reply_seconds", "no messages table: first response = Created at + Zendesk's First reply time in minutes"
        )
    },
)

CSAT = TableMap(
    columns={
        "response_id": ("Id",),
        "ticket_id": ("Id",),
        "submitted_at": ("Solved at", "Updated at"),
        "rating": ("Satisfaction Score",),
        "rep": ("Assignee",),
        "team": ("Group",),
        "channel": ("Via",),
    },
    values={"rating": RATING, "channel": VIA},
    derive={
        "scale_min": ("rating", dict.fromkeys(GOOD_BAD, "0"), "1"),
        "scale_max": ("rating", dict.fromkeys(GOOD_BAD, "1"), "5"),
    },
    derived_from="tickets",
)

PRESET = Preset(
    name="zendesk",
    label="Zendesk",
    tables={"tickets": TICKETS, "csat": CSAT},
    source_tz="account",
    getting_data="Admin Center > Account > Tools > Reports > Export (CSV); times are in the account's time zone",
    missing={"closed_at": 'export with the "Solved at" column (the full CSV export has it)'},
)
