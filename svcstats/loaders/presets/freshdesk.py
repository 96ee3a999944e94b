"""Freshdesk's ticket export (Tickets > Export, CSV or Excel).

Times are local to the account without an offset (so --source-tz is needed); the "(in hrs)"
columns hold HH:MM:SS business-hours durations; `Survey results` holds the 7-point CSAT
(-103 ... +103 or its labels). See export-formats.md §5.
"""

from __future__ import annotations

from svcstats.loaders.presets.base import DROP, Preset, TableMap, sig

STATUS = {"open": "open", "pending": "pending", "resolved": "resolved", "closed": "closed"}
CLOSED = {"resolved": "true", "closed": "true"}
SOURCE = {
    "email": "email", "outbound email": "email", "portal": "form", "feedback widget": "form", "phone": "phone",
    "chat": "chat", "mobihelp": "chat", "whatsapp": "chat", "facebook": "chat", "twitter": "chat", "forum": "other",
    "1": "email", "2": "form", "3": "phone", "7": "chat", "9": "form", "10": "email",
}  # fmt: skip
PRIORITY = {"low": "low", "medium": "medium", "high": "high", "urgent": "urgent", "1": "low", "2": "medium", "3": "high", "4": "urgent"}
# the default question's 7 points: -103 Extremely Unhappy ... 103 Extremely Happy -> 1 ... 7
RATING = {
    "-103": "1", "-102": "2", "-101": "3", "100": "4", "101": "5", "102": "6", "103": "7",
    "extremely unhappy": "1", "very unhappy": "2", "unhappy": "3", "neutral": "4", "happy": "5", "very happy": "6",
    "extremely happy": "7", "": DROP,
}  # fmt: skip

TICKETS = TableMap(
    columns={
        "ticket_id": ("Ticket ID",),
        "created_at": ("Created time",),
        "closed_at": ("Resolved time", "Closed time"),
        "status": ("Status",),
        "owner": ("Agent",),
        "team": ("Group",),
        "source": ("Source",),
        "priority": ("Priority",),
        "subject": ("Subject",),
        "ticket_type": ("Type",),
        "first_response_at": ("Initial response time",),
        "first_response_business_seconds": ("First response time (in hrs)",),
        "resolution_business_seconds": ("Resolution time (in hrs)",),
        "time_tracked_seconds": ("Time tracked",),
        "agent_interactions": ("Agent interactions",),
        "customer_interactions": ("Customer interactions",),
    },
    signature=sig(
        "ticket id",
        ("created time",),
        ("resolved time", "closed time"),
        ("agent interactions", "customer interactions", "first response time (in hrs)", "initial response time"),
    ),
    units={"first_response_business_seconds": "hms", "resolution_business_seconds": "hms", "time_tracked_seconds": "hms"},
    values={"status": STATUS, "source": SOURCE, "priority": PRIORITY},
    derive={"is_closed": ("status", CLOSED, "false")},
)

CSAT = TableMap(
    columns={
        "response_id": ("Ticket ID",),
        "ticket_id": ("Ticket ID",),
        "submitted_at": ("Resolved time", "Closed time", "Last update time", "Last updated time"),
        "rating": ("Survey results",),
        "rep": ("Agent",),
        "team": ("Group",),
        "channel": ("Source",),
    },
    values={"rating": RATING, "channel": SOURCE},
    constants={"scale_min": "1", "scale_max": "7"},
    derived_from="tickets",
)

PRESET = Preset(
    name="freshdesk",
    label="Freshdesk",
    tables={"tickets": TICKETS, "csat": CSAT},
    source_tz="account",
    getting_data="Tickets > Export (CSV); times are in the account's time zone",
    missing={"closed_at": 'tick "Resolved time" and "Closed time" in Freshdesk\'s export dialog'},
)
