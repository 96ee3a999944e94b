"""Zendesk Support's APIs onto the neutral tables (reference/export-formats.md §3.2-3.3).

Streams, each fetched page by page and resumable:
  tickets    GET /incremental/tickets/cursor.json (start_time, then cursor; metric sets sideloaded)
             -> tickets (solved_at, reply time and business-hour figures from the metric set)
  events     GET /incremental/ticket_events.json?include=comment_events (start_time, then each
             page's end_time) -> stage_history (status changes), messages (comments: public or
             private, author role from the agents list)
  ratings    GET /satisfaction_ratings (cursor pages) -> csat (good = 1, bad = 0 on 0-1; offered: unrated)
  schedules  GET /business_hours/schedules -> working_hours (the first, default schedule)
Agent and group names come from GET /users?role[]=agent&role[]=admin and GET /groups.
Authentication: $ZENDESK_EMAIL with $ZENDESK_API_TOKEN (basic), or $ZENDESK_OAUTH_TOKEN (bearer).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from svcstats.connectors.http import Api, Client
from svcstats.connectors.pull import Pulled, chosen_tables, open_pull, run
from svcstats.connectors.state import Staging, StreamState, TableSpec
from svcstats.errors import AuthError

EMAIL_ENV, TOKEN_ENV, OAUTH_ENV = "ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN"
PAGE_SIZE = 100
STATUSES = ("new", "open", "pending", "hold", "solved", "closed")
CLOSED = ("solved", "closed")
CHANNELS = {
    "email": "email", "web": "form", "web_form": "form", "web_widget": "form", "chat": "chat", "native_messaging": "chat",
    "messaging": "chat", "mobile_sdk": "chat", "sms": "chat", "whatsapp": "chat", "facebook": "chat", "twitter": "chat",
    "voice": "phone", "phone": "phone",
}  # fmt: skip
PRIORITIES = {"low": "low", "normal": "medium", "high": "high", "urgent": "urgent"}
SCORES = {"good": "1", "bad": "0", "offered": None}  # unoffered: no survey, no row
# Zendesk schedules name Rails time zones; the common ones as IANA names (others are written as they come, with a note)
ZONES = {
    "UTC": "UTC", "London": "Europe/London", "Dublin": "Europe/Dublin", "Lisbon": "Europe/Lisbon", "Amsterdam": "Europe/Amsterdam",
    "Berlin": "Europe/Berlin", "Copenhagen": "Europe/Copenhagen", "Stockholm": "Europe/Stockholm", "Paris": "Europe/Paris",
    "Madrid": "Europe/Madrid", "Rome": "Europe/Rome", "Oslo": "Europe/Oslo", "Helsinki": "Europe/Helsinki", "Warsaw": "Europe/Warsaw",
    "Athens": "Europe/Athens", "Istanbul": "Europe/Istanbul", "Moscow": "Europe/Moscow", "Brussels": "Europe/Brussels",
    "Vienna": "Europe/Vienna", "Prague": "Europe/Prague", "Zurich": "Europe/Zurich",
    "Eastern Time (US & Canada)": "America/New_York", "Central Time (US & Canada)": "America/Chicago",
    "Mountain Time (US & Canada)": "America/Denver", "Pacific Time (US & Canada)": "America/Los_Angeles",
    "Arizona": "America/Phoenix", "Alaska": "America/Juneau", "Hawaii": "Pacific/Honolulu", "Brasilia": "America/Sao_Paulo",
    "Mexico City": "America/Mexico_City", "Tokyo": "Asia/Tokyo", "Singapore": "Asia/Singapore", "Hong Kong": "Asia/Hong_Kong",
    "Mumbai": "Asia/Kolkata", "New Delhi": "Asia/Kolkata", "Sydney": "Australia/Sydney", "Melbourne": "Australia/Melbourne",
    "Auckland": "Pacific/Auckland", "Dubai": "Asia/Dubai", "Abu Dhabi": "Asia/Dubai", "Johannesburg": "Africa/Johannesburg",
}  # fmt: skip
WEEKDAYS = (7, 1, 2, 3, 4, 5, 6)  # Zendesk's intervals count minutes from Sunday 00:00

TABLES = {
    spec.name: spec
    for spec in (
        TableSpec(
            "tickets",
            ("ticket_id", "subject", "created_at", "closed_at", "status", "is_closed", "owner", "team", "source", "priority",
             "first_response_at", "updated_at", "first_reply_seconds", "first_reply_business_seconds",
             "full_resolution_seconds", "full_resolution_business_seconds", "requester_wait_seconds", "reopens", "replies"),
            key=("ticket_id",), sort=("created_at", "ticket_id"), unique=("ticket_id",),
        ),
        TableSpec(
            "stage_history",
            ("event_id", "ticket_id", "pipeline", "stage", "stage_order", "is_closed_stage", "entered_at", "exited_at"),
            key=("event_id",), sort=("ticket_id", "entered_at", "event_id"), unique=("event_id",), finish=None,
        ),
        TableSpec(
            "messages",
            ("message_id", "ticket_id", "sent_at", "sender_type", "sender", "channel", "is_public"),
            key=("message_id",), sort=("ticket_id", "sent_at", "message_id"), unique=("message_id",),
        ),
        TableSpec(
            "csat",
            ("response_id", "submitted_at", "rating", "scale_min", "scale_max", "ticket_id", "rep", "team", "comment"),
            key=("response_id",), sort=("submitted_at", "response_id"), unique=("response_id",),
        ),
        TableSpec("working_hours", ("rep", "weekday", "start", "end", "timezone"), key=(), sort=("rep", "weekday", "start"),
                  replace_all=True),
    )
}  # fmt: skip
STREAM_OF = {"tickets": "tickets", "stage_history": "events", "messages": "events", "csat": "ratings", "working_hours": "schedules"}
STREAMS = ("tickets", "events", "ratings", "schedules")

Rows = dict[str, list[dict[str, Any]]]
Page = tuple[Rows, str | None, str | None]


def api_url(subdomain: str) -> str:
    """The API of the Zendesk account `subdomain`."""
    return f"https://{subdomain}.zendesk.com/api/v2"


def credentials(environ: dict[str, str]) -> str:
    """The Authorization header value from the environment: OAuth bearer, else email + API token."""
    oauth = environ.get(OAUTH_ENV, "").strip()
    if oauth:
        return f"Bearer {oauth}"
    email, token = environ.get(EMAIL_ENV, "").strip(), environ.get(TOKEN_ENV, "").strip()
    if email and token:
        return "Basic " + base64.b64encode(f"{email}/token:{token}".encode()).decode()
    raise AuthError(
        f"no Zendesk credentials: set ${EMAIL_ENV} and ${TOKEN_ENV}, or ${OAUTH_ENV}",
        "create an API token in Admin Center > Apps and integrations > APIs > Zendesk API",
    )


@dataclass
class ZendeskClient(Client):
    """The shared client, with Zendesk's Authorization header (basic or bearer) instead of a bare bearer token."""

    authorization: str = ""

    def auth_headers(self) -> dict[str, str]:
        """Zendesk's Authorization header: basic (email/token) or bearer (OAuth), built by the caller."""
        return {"Authorization": self.authorization}


@dataclass
class Lookups:
    """Names the records refer to by id."""

    agents: dict[str, str] = field(default_factory=dict)  # user id -> name (agents and admins)
    groups: dict[str, str] = field(default_factory=dict)  # group id -> name


class ZendeskPull:
    """One pull: the streams a request needs, page by page."""

    def __init__(self, client: Client, staging: Staging, since: dict[str, str | None]) -> None:
        self.client = client
        self.staging = staging
        self.since = since
        self.lookups = Lookups()

    def load_lookups(self) -> None:
        """Agent and group names."""
        for user in self._cursor_pages("/users", {"role[]": ["agent", "admin"]}, "users"):
            self.lookups.agents[str(user.get("id"))] = str(user.get("name") or user.get("id"))
        for group in self._cursor_pages("/groups", {}, "groups"):
            self.lookups.groups[str(group.get("id"))] = str(group.get("name") or group.get("id"))

    def pages(self, stream: str, state: StreamState) -> Iterator[Page]:
        """The pages of `stream` from where `state` stands."""
        since = _unix(self.since.get(stream))
        if stream == "tickets":
            yield from self._ticket_pages(state.after, since)
        elif stream == "events":
            yield from self._event_pages(state.after, since)
        elif stream == "ratings":
            yield from self._rating_pages(state.after, since)
        elif stream == "schedules":
            yield self._schedules(), None, None

    # -- tickets -----------------------------------------------------------------------------

    def _ticket_pages(self, after: str | None, since: int) -> Iterator[Page]:
        path = "/incremental/tickets/cursor.json"
        while True:
            params: dict[str, Any] = {"include": "metric_sets", "per_page": PAGE_SIZE}
            params |= {"cursor": after} if after else {"start_time": since}
            payload = self.client.get(path, params)
            tickets = _list(self.client, payload, "tickets", path)
            metrics = {str(m.get("ticket_id")): m for m in payload.get("metric_sets") or [] if isinstance(m, dict)}
            rows = [self._ticket(t, metrics.get(str(t.get("id"))) or {}) for t in tickets if t.get("status") != "deleted"]
            after = payload.get("after_cursor")
            done = bool(payload.get("end_of_stream")) or not after
            yield {"tickets": rows}, None if done else str(after), _latest(r["updated_at"] for r in rows)
            if done:
                return

    def _ticket(self, ticket: dict[str, Any], metric: dict[str, Any]) -> dict[str, Any]:
        status = str(ticket.get("status") or "")
        created = iso(ticket.get("created_at"))

        def minutes(name: str, part: str) -> str | None:
            value = (metric.get(name) or {}).get(part)
            return None if value is None else str(float(value) * 60)

        reply = minutes("reply_time_in_minutes", "calendar")
        return {
            "ticket_id": str(ticket.get("id")),
            "subject": ticket.get("subject") or ticket.get("raw_subject"),
            "created_at": created,
            "closed_at": iso(metric.get("solved_at")) if status in CLOSED else None,
            "status": status or None,
            "is_closed": None if not status else _bool(status in CLOSED),
            "owner": self._agent(ticket.get("assignee_id")),
            "team": self._group(ticket.get("group_id")),
            "source": _channel(ticket.get("via")),
            "priority": PRIORITIES.get(str(ticket.get("priority") or ""), ticket.get("priority")),
            "first_response_at": _plus(created, reply),
            "updated_at": iso(ticket.get("updated_at")),
            "first_reply_seconds": reply,
            "first_reply_business_seconds": minutes("reply_time_in_minutes", "business"),
            "full_resolution_seconds": minutes("full_resolution_time_in_minutes", "calendar"),
            "full_resolution_business_seconds": minutes("full_resolution_time_in_minutes", "business"),
            "requester_wait_seconds": minutes("requester_wait_time_in_minutes", "calendar"),
            "reopens": _text(metric.get("reopens")),
            "replies": _text(metric.get("replies")),
        }

    # -- ticket events: status changes and comments ---------------------------------------------

    def _event_pages(self, after: str | None, since: int) -> Iterator[Page]:
        path = "/incremental/ticket_events.json"
        start = int(after) if after else since
        while True:
            payload = self.client.get(path, {"start_time": start, "include": "comment_events"})
            events = _list(self.client, payload, "ticket_events", path)
            history, messages = [], []
            for event in events:
                h, m = self._event_rows(event)
                history += h
                messages += m
            end = payload.get("end_time")
            done = bool(payload.get("end_of_stream")) or end is None or int(end) <= start
            cursor = _latest([*(r["entered_at"] for r in history), *(r["sent_at"] for r in messages)])
            yield {"stage_history": history, "messages": messages}, None if done or end is None else str(int(end)), cursor
            if done or end is None:
                return
            start = int(end)

    def _event_rows(self, event: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        ticket_id = str(event.get("ticket_id"))
        when = iso(event.get("created_at")) or _from_unix(event.get("timestamp"))
        channel = _channel(event.get("via"))
        history, messages = [], []
        for child in event.get("child_events") or []:
            kind = child.get("event_type")
            if kind in ("Create", "Change") and child.get("field_name") == "status" and child.get("value"):
                status = str(child["value"])
                history.append(
                    {
                        "event_id": str(child.get("id")),
                        "ticket_id": ticket_id,
                        "pipeline": "Support",
                        "stage": status,
                        "stage_order": str(STATUSES.index(status) + 1) if status in STATUSES else None,
                        "is_closed_stage": _bool(status in CLOSED),
                        "entered_at": when,
                        "exited_at": None,
                    }
                )
            elif kind == "Comment":
                author = child.get("author_id", event.get("updater_id"))
                agent = self.lookups.agents.get(str(author))
                sender_type = "system" if str(author) == "-1" else "agent" if agent else "customer"
                messages.append(
                    {
                        "message_id": str(child.get("id")),
                        "ticket_id": ticket_id,
                        "sent_at": when,
                        "sender_type": sender_type,
                        "sender": agent,
                        "channel": channel,
                        "is_public": _bool(bool(child.get("public", True))),
                    }
                )
        return history, messages

    # -- satisfaction ratings and schedules -----------------------------------------------------

    def _rating_pages(self, after: str | None, since: int) -> Iterator[Page]:
        path = "/satisfaction_ratings"
        while True:
            params: dict[str, Any] = {"page[size]": PAGE_SIZE, "start_time": since} | ({"page[after]": after} if after else {})
            payload = self.client.get(path, params)
            ratings = _list(self.client, payload, "satisfaction_ratings", path)
            rows = [self._rating(r) for r in ratings if str(r.get("score")) in SCORES]
            meta = payload.get("meta") or {}
            after = meta.get("after_cursor") if meta.get("has_more") else None
            yield {"csat": rows}, None if not after else str(after), _latest(r["submitted_at"] for r in rows)
            if not after:
                return

    def _rating(self, rating: dict[str, Any]) -> dict[str, Any]:
        return {
            "response_id": str(rating.get("id")),
            "submitted_at": iso(rating.get("updated_at") or rating.get("created_at")),
            "rating": SCORES[str(rating.get("score"))],
            "scale_min": "0",
            "scale_max": "1",
            "ticket_id": _text(rating.get("ticket_id")),
            "rep": self._agent(rating.get("assignee_id")),
            "team": self._group(rating.get("group_id")),
            "comment": rating.get("comment"),
        }

    def _schedules(self) -> Rows:
        path = "/business_hours/schedules"
        schedules = _list(self.client, self.client.get(path), "schedules", path)
        if not schedules:
            return {"working_hours": []}
        schedule = schedules[0]
        zone = str(schedule.get("time_zone") or "UTC")
        zone = ZONES.get(zone, zone)
        if len(schedules) > 1:
            self.staging.stream("schedules").extra["other_schedules"] = [str(s.get("name")) for s in schedules[1:]]
        rows = []
        for interval in schedule.get("intervals") or []:
            start, end = int(interval["start_time"]), int(interval["end_time"])
            day = start // 1440
            rows.append({"rep": "*", "weekday": str(WEEKDAYS[day % 7]), "start": _clock(start - day * 1440),
                         "end": _clock(end - day * 1440), "timezone": zone})  # fmt: skip
        return {"working_hours": rows}

    # -- paging and names -----------------------------------------------------------------------

    def _cursor_pages(self, path: str, params: dict[str, Any], key: str) -> Iterator[dict[str, Any]]:
        after = None
        while True:
            payload = self.client.get(path, {**params, "page[size]": PAGE_SIZE, **({"page[after]": after} if after else {})})
            yield from _list(self.client, payload, key, path)
            meta = payload.get("meta") or {}
            after = meta.get("after_cursor") if meta.get("has_more") else None
            if not after:
                return

    def _agent(self, user_id: Any) -> str | None:
        return None if user_id in (None, "") else self.lookups.agents.get(str(user_id), str(user_id))

    def _group(self, group_id: Any) -> str | None:
        return None if group_id in (None, "") else self.lookups.groups.get(str(group_id), str(group_id))


def pull(
    out: Path,
    authorization: str,
    *,
    api_url: str,
    tables: list[str] | None = None,
    since: str | None = None,
    command: str = "",
    client_options: dict[str, Any] | None = None,
    tell: Callable[[str], None] = lambda line: None,
) -> Pulled:
    """Pull `tables` (default all) from Zendesk into the dataset folder `out`: incremental from the
    cursors of the pull already there (or from `since`, ISO 8601), resuming an interrupted pull;
    `tell` receives a progress line per stream."""
    chosen = chosen_tables(tables, TABLES)
    streams = [s for s in STREAMS if s in {STREAM_OF[t] for t in chosen}]
    manifest, starts, staging = open_pull(out, "zendesk", api_url, chosen, streams, since, command, whole=("schedules",))
    client = ZendeskClient(api(api_url), "", **(client_options or {}), authorization=authorization)
    try:
        source = ZendeskPull(client, staging, starts)
        source.load_lookups()
        specs = [_with_visits(TABLES[t]) for t in TABLES if t in chosen]
        return run(source, staging, streams, specs, {**manifest, "source": "zendesk", "api_url": api_url}, notes=_notes, tell=tell)
    finally:
        client.close()
        staging.close()


def api(base_url: str) -> Api:
    """Zendesk's API at `base_url`."""
    return Api("Zendesk", base_url, f"{EMAIL_ENV}/{TOKEN_ENV} (or {OAUTH_ENV})")


def _with_visits(spec: TableSpec) -> TableSpec:
    """Stage history's exits: each status visit ends where the ticket's next one starts."""
    if spec.name != "stage_history":
        return spec
    import polars as pl

    def ends(frame: pl.LazyFrame) -> pl.LazyFrame:
        following = pl.col("entered_at").shift(-1).over("ticket_id", order_by=["entered_at", "event_id"])
        return frame.with_columns(exited_at=following)

    return TableSpec(spec.name, spec.columns, spec.key, spec.sort, spec.replace_all, spec.unique, ends)


def _notes(staging: Staging) -> list[str]:
    others = staging.stream("schedules").extra.get("other_schedules") if "schedules" in staging.streams else None
    if others:
        return [f"working_hours is Zendesk's first (default) schedule; not used: {', '.join(others)}"]
    return []


def _list(client: Client, payload: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    records = payload.get(key)
    if not isinstance(records, list):
        raise client.malformed("GET", path, f"no {key} list in the answer")
    return [r for r in records if isinstance(r, dict)]


def iso(value: Any) -> str | None:
    """Zendesk's ISO 8601 UTC time as svcstats writes it (seconds, Z)."""
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return str(value)


def _from_unix(value: Any) -> str | None:
    return None if value in (None, "") else datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _unix(value: str | None) -> int:
    """An ISO time as Unix seconds (the incremental APIs' start_time); 1 (the start) for none."""
    if not value:
        return 1
    return max(1, int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()))


def _plus(start: str | None, seconds: str | None) -> str | None:
    if start is None or seconds is None:
        return None
    began = datetime.fromisoformat(start.replace("Z", "+00:00"))
    return datetime.fromtimestamp(began.timestamp() + float(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _latest(values: Any) -> str | None:
    return max((v for v in values if v), default=None)


def _channel(via: Any) -> str | None:
    channel = str((via or {}).get("channel") or "") if isinstance(via, dict) else ""
    return CHANNELS.get(channel, "other") if channel else None


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
