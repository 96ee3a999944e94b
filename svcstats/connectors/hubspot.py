"""HubSpot's APIs onto the neutral tables (reference/export-formats.md §2.3-2.8).

Streams, each fetched page by page with `paging.next.after`:
  tickets   GET /crm/v3/objects/tickets with the stage's property history (first pull), or, from
            a cursor, POST .../tickets/search on hs_lastmodifieddate then .../tickets/batch/read
            for the history: -> tickets, stage_history
  threads   GET /conversations/v3/conversations/threads (association=TICKET; from a cursor,
            latestMessageTimestampAfter) and each thread's messages: -> messages, agent_conversations
  feedback  GET /crm/v3/objects/feedback_submissions (from a cursor: search): -> csat
  users     GET /crm/v3/objects/users: -> working_hours, and with a snapshot availability
Owner and team names come from GET /crm/v3/owners, stage labels, order and closed flags from
GET /crm/v3/pipelines/tickets. Payloads arrive newest first: rows are ordered by their times.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from svcstats.connectors.http import Api, Client
from svcstats.connectors.pull import Pulled, chosen_tables, open_pull, run
from svcstats.connectors.state import SNAPSHOT, Staging, StreamState, TableSpec, snapshot_ends
from svcstats.errors import SourceError, UsageError

API_URL = "https://api.hubapi.com"
TOKEN_ENV = "HUBSPOT_ACCESS_TOKEN"
PAGE_LIMIT = 100
HISTORY_LIMIT = 50  # HubSpot serves at most 50 records a page with property history
SEARCH_CAP = 10_000  # HubSpot's CRM search gives at most this many results of one query

TABLES = {
    spec.name: spec
    for spec in (
        TableSpec(
            "tickets",
            ("ticket_id", "subject", "created_at", "closed_at", "first_closed_at", "reopened_at", "status", "is_closed", "pipeline",
             "owner", "team", "source", "priority", "first_response_at", "updated_at", "thread_id"),
            key=("ticket_id",), sort=("created_at", "ticket_id"), unique=("ticket_id",),
        ),
        TableSpec(
            "stage_history",
            ("ticket_id", "pipeline", "stage", "stage_order", "is_closed_stage", "entered_at", "exited_at"),
            key=("ticket_id",), sort=("ticket_id", "entered_at"),
        ),
        TableSpec(
            "messages",
            ("message_id", "ticket_id", "thread_id", "sent_at", "sender_type", "sender", "channel", "is_public", "message_type"),
            key=("thread_id",), sort=("ticket_id", "sent_at", "message_id"), unique=("message_id",),
        ),
        TableSpec(
            "agent_conversations",
            ("conversation_id", "channel", "started_at", "ended_at", "last_activity_at", "agent_involved", "agent_replied",
             "human_requested", "handed_off", "handoff_at", "handoff_reason", "feedback", "assigned_rep", "closed_at", "ticket_id"),
            key=("conversation_id",), sort=("started_at", "conversation_id"), unique=("conversation_id",),
        ),
        TableSpec(
            "csat",
            ("response_id", "submitted_at", "rating", "scale_min", "scale_max", "survey_type", "ticket_id", "rep", "team", "channel",
             "comment"),
            key=("response_id",), sort=("submitted_at", "response_id"), unique=("response_id",),
        ),
        TableSpec("working_hours", ("rep", "weekday", "start", "end", "timezone"), key=(), sort=("rep", "weekday", "start"),
                  replace_all=True),
        TableSpec(
            "availability", ("rep", "status", "started_at", "ended_at", "team", "detail"),
            key=("rep", "started_at"), sort=("started_at", "rep"), unique=("rep", "started_at"), finish=snapshot_ends,
        ),
    )
}  # fmt: skip
STREAM_OF = {
    "tickets": "tickets", "stage_history": "tickets", "messages": "threads", "agent_conversations": "threads",
    "csat": "feedback", "working_hours": "users", "availability": "users",
}  # fmt: skip
DEFAULT_TABLES = ("tickets", "stage_history", "messages", "agent_conversations", "csat", "working_hours")
SNAPSHOT_TABLES = ("availability", "working_hours")
SCOPES = {  # the private-app scope each stream needs (named in the 403 message when HubSpot does not say)
    "tickets": "tickets",
    "threads": "conversations.read",
    "feedback": "crm.objects.feedback_submissions.read",
    "users": "crm.objects.users.read",
    "owners": "crm.objects.owners.read",
}
TICKET_PROPERTIES = (
    "subject", "createdate", "closed_date", "hs_ticket_reopened_at", "hs_pipeline", "hs_pipeline_stage", "hubspot_owner_id",
    "hubspot_team_id", "source_type", "hs_ticket_priority", "hs_first_agent_message_sent_at", "first_agent_reply_date",
    "hs_lastmodifieddate", "hs_conversations_originating_thread_id",
)  # fmt: skip
FEEDBACK_PROPERTIES = (
    "hs_submission_timestamp", "hs_createdate", "hs_lastmodifieddate", "hs_value", "hs_survey_type", "hs_survey_channel",
    "hs_content", "hs_ticket_id",
)  # fmt: skip
USER_PROPERTIES = (
    "hs_availability_status", "hs_working_hours", "hs_standard_time_zone", "hs_email", "hs_given_name", "hs_family_name",
    "hubspot_owner_id",
)  # fmt: skip
SCALES = {"CSAT": ("0", "2"), "NPS": ("0", "10"), "CES": ("1", "7")}
CHANNELS = {"1000": "chat", "1002": "email", "1007": "whatsapp"}
SENDER_TYPES = {"V": "customer", "E": "customer", "A": "agent", "B": "bot", "L": "bot", "S": "system", "I": "system"}
MESSAGE_TYPES = ("MESSAGE", "COMMENT")  # the others (welcome, status change, assignment) are events, never replies
DAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
DAY_SETS = {
    **{day: (i,) for i, day in enumerate(DAYS)},
    "MONDAY_TO_FRIDAY": (0, 1, 2, 3, 4), "SATURDAY_SUNDAY": (5, 6), "EVERY_DAY": (0, 1, 2, 3, 4, 5, 6),
}  # fmt: skip
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Rows = dict[str, list[dict[str, Any]]]
Page = tuple[Rows, str | None, str | None]  # rows per table, next page token, cursor reached


def api(base_url: str = API_URL) -> Api:
    """HubSpot's API at `base_url`, with its ways of saying "daily limit" and "missing scope"."""
    return Api("HubSpot", base_url, TOKEN_ENV, daily_limit=_daily_limit, missing_scopes=_missing_scopes)


def streams_for(tables: Iterable[str]) -> list[str]:
    """The streams that fill `tables`, in fetching order."""
    wanted = {STREAM_OF[t] for t in tables}
    return [s for s in ("tickets", "threads", "feedback", "users") if s in wanted]


@dataclass
class Lookups:
    """Names and stage facts the records refer to by id."""

    owners: dict[str, str] = field(default_factory=dict)  # owner id -> name
    users: dict[str, str] = field(default_factory=dict)  # user id -> owner name
    owner_teams: dict[str, str] = field(default_factory=dict)  # owner id -> primary team name
    teams: dict[str, str] = field(default_factory=dict)  # team id -> name
    pipelines: dict[str, str] = field(default_factory=dict)  # pipeline id -> label
    stages: dict[str, tuple[str, str, str, bool]] = field(default_factory=dict)  # stage id -> (label, order, pipeline, closed)


class HubSpotPull:
    """One pull: fetches the streams a request needs into a staging folder, page by page."""

    def __init__(
        self, client: Client, staging: Staging, *, since: dict[str, str | None], clock: Callable[[], datetime], snapshot: bool = False
    ) -> None:
        self.client = client
        self.snapshot = snapshot
        self.staging = staging
        self.since = since
        self.clock = clock
        self.lookups = Lookups()

    def load_lookups(self, need_owners: bool, need_pipelines: bool) -> None:
        """Fetch owners (names, teams) and ticket pipelines (stage labels), as the streams need."""
        if need_owners:
            for owner in self._pages("/crm/v3/owners", {"limit": PAGE_LIMIT}, "owners"):
                name = " ".join(p for p in (owner.get("firstName"), owner.get("lastName")) if p) or owner.get("email") or str(owner["id"])
                self.lookups.owners[str(owner["id"])] = name
                if owner.get("userId") is not None:
                    self.lookups.users[str(owner["userId"])] = name
                teams = owner.get("teams") or []
                for team in teams:
                    self.lookups.teams[str(team.get("id"))] = str(team.get("name"))
                primary = next((t for t in teams if t.get("primary")), teams[0] if teams else None)
                if primary:
                    self.lookups.owner_teams[str(owner["id"])] = str(primary.get("name"))
        if need_pipelines:
            payload = self.client.get("/crm/v3/pipelines/tickets", scope=SCOPES["tickets"])
            for pipeline in _results(self.client, payload, "/crm/v3/pipelines/tickets"):
                label = str(pipeline.get("label") or pipeline.get("id"))
                self.lookups.pipelines[str(pipeline.get("id"))] = label
                for stage in pipeline.get("stages") or []:
                    closed = str((stage.get("metadata") or {}).get("ticketState", "")).upper() == "CLOSED"
                    order = stage.get("displayOrder")
                    self.lookups.stages[str(stage.get("id"))] = (
                        str(stage.get("label") or stage.get("id")),
                        "" if order is None else str(order),
                        label,
                        closed,
                    )

    def pages(self, stream: str, state: StreamState) -> Iterator[Page]:
        """The pages of `stream` from where `state` stands."""
        since = self.since.get(stream)
        if stream == "tickets":
            yield from self._ticket_pages(state.after, since)
        elif stream == "threads":
            yield from self._thread_pages(state.after, since)
        elif stream == "feedback":
            yield from self._crm_pages("feedback_submissions", FEEDBACK_PROPERTIES, state.after, since, self._csat_rows, "feedback")
        elif stream == "users":
            yield from self._user_pages(state.after)

    # -- tickets ---------------------------------------------------------------------------

    def _ticket_pages(self, after: str | None, since: str | None) -> Iterator[Page]:
        if since is None:
            params = {
                "limit": HISTORY_LIMIT,
                "properties": ",".join(TICKET_PROPERTIES),
                "propertiesWithHistory": "hs_pipeline_stage",
                "archived": "false",
            }
            yield from self._listed("/crm/v3/objects/tickets", params, after, self._ticket_rows, "tickets")
            return
        for records, next_after in self._searched("tickets", TICKET_PROPERTIES, after, since, HISTORY_LIMIT):
            ids = [{"id": str(r["id"])} for r in records]
            body = {"inputs": ids, "properties": list(TICKET_PROPERTIES), "propertiesWithHistory": ["hs_pipeline_stage"]}
            path = "/crm/v3/objects/tickets/batch/read"
            full = _results(self.client, self.client.post(path, body, scope=SCOPES["tickets"]), path, "POST") if ids else []
            rows, cursor = self._ticket_rows(full)
            yield rows, next_after, cursor

    def _ticket_rows(self, records: list[dict[str, Any]]) -> tuple[Rows, str | None]:
        tickets, history, cursor = [], [], None
        for record in records:
            props = record.get("properties") or {}
            ticket_id = str(record["id"])
            visits = self._stage_visits(ticket_id, (record.get("propertiesWithHistory") or {}).get("hs_pipeline_stage") or [])
            history += visits
            stage = self.lookups.stages.get(str(props.get("hs_pipeline_stage") or ""))
            updated = iso(props.get("hs_lastmodifieddate") or record.get("updatedAt"))
            cursor = max(filter(None, (cursor, updated)), default=None)
            closed_entries = [v["entered_at"] for v in visits if v["is_closed_stage"] == "true"]
            tickets.append(
                {
                    "ticket_id": ticket_id,
                    "subject": props.get("subject"),
                    "created_at": iso(props.get("createdate") or record.get("createdAt")),
                    "closed_at": iso(props.get("closed_date")),
                    "first_closed_at": min(closed_entries) if closed_entries else None,
                    "reopened_at": iso(props.get("hs_ticket_reopened_at")),
                    "status": stage[0] if stage else props.get("hs_pipeline_stage"),
                    "is_closed": None if stage is None else _bool(stage[3]),
                    "pipeline": self.lookups.pipelines.get(str(props.get("hs_pipeline")), props.get("hs_pipeline")),
                    "owner": self._owner(props.get("hubspot_owner_id")),
                    "team": self.lookups.teams.get(str(props.get("hubspot_team_id")), props.get("hubspot_team_id")),
                    "source": (props.get("source_type") or "").lower() or None,
                    "priority": (props.get("hs_ticket_priority") or "").lower() or None,
                    "first_response_at": iso(props.get("hs_first_agent_message_sent_at") or props.get("first_agent_reply_date")),
                    "updated_at": updated,
                    "thread_id": props.get("hs_conversations_originating_thread_id"),
                }
            )
        return {"tickets": tickets, "stage_history": history}, cursor

    def _owner(self, owner_id: Any) -> str | None:
        """An owner's name (its id when the owners list does not have it); None for no owner."""
        if owner_id in (None, ""):
            return None
        return self.lookups.owners.get(str(owner_id), str(owner_id))

    def _stage_visits(self, ticket_id: str, versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """One row per stage visit, from the stage property's history (served newest first)."""
        changes = sorted(((iso(v.get("timestamp")), str(v.get("value") or "")) for v in versions), key=lambda c: c[0] or "")
        visits: list[dict[str, Any]] = []
        for when, stage_id in changes:
            if not when or not stage_id or (visits and visits[-1]["stage_id"] == stage_id):
                continue
            if visits:
                visits[-1]["exited_at"] = when
            label, order, pipeline, closed = self.lookups.stages.get(stage_id, (stage_id, "", None, False))
            visits.append(
                {
                    "ticket_id": ticket_id,
                    "pipeline": pipeline,
                    "stage": label,
                    "stage_order": order or None,
                    "is_closed_stage": _bool(closed),
                    "entered_at": when,
                    "exited_at": None,
                    "stage_id": stage_id,
                }
            )
        return [{k: v for k, v in visit.items() if k != "stage_id"} for visit in visits]

    # -- threads and messages ----------------------------------------------------------------

    def _thread_pages(self, after: str | None, since: str | None) -> Iterator[Page]:
        params: dict[str, Any] = {"limit": PAGE_LIMIT, "association": "TICKET"}
        if since is not None:
            params |= {"sort": "latestMessageTimestamp", "latestMessageTimestampAfter": since}
        yield from self._listed("/conversations/v3/conversations/threads", params, after, self._thread_rows, "threads")

    def _thread_rows(self, threads: list[dict[str, Any]]) -> tuple[Rows, str | None]:
        messages, conversations, cursor, without_ticket = [], [], None, 0
        for thread in threads:
            thread_id = str(thread["id"])
            path = f"/conversations/v3/conversations/threads/{thread_id}/messages"
            items = list(self._pages(path, {"limit": PAGE_LIMIT}, "threads"))
            items.sort(key=lambda m: (iso(m.get("createdAt")) or "", str(m.get("id"))))  # served newest first
            ticket_id = (thread.get("threadAssociations") or {}).get("associatedTicketId")
            ticket_id = None if ticket_id in (None, "") else str(ticket_id)
            channel = CHANNELS.get(str(thread.get("originalChannelId")), "other")
            rows = [self._message_row(m, ticket_id, thread_id, channel) for m in items]
            if ticket_id is None:
                without_ticket += 1
            else:
                messages += rows
            conversations.append(self._conversation(thread, thread_id, ticket_id, channel, rows, items))
            latest = iso(thread.get("latestMessageTimestamp") or thread.get("createdAt"))
            cursor = max(filter(None, (cursor, latest)), default=None)
        state = self.staging.stream("threads")
        state.extra["threads_without_ticket"] = state.extra.get("threads_without_ticket", 0) + without_ticket
        return {"messages": messages, "agent_conversations": conversations}, cursor

    def _message_row(self, message: dict[str, Any], ticket_id: str | None, thread_id: str, channel: str) -> dict[str, Any]:
        kind = str(message.get("type") or "")
        actor = _actor(message)
        sender_type = SENDER_TYPES.get(actor[:1], "system") if kind in MESSAGE_TYPES else "system"
        sender = message.get("senders") or [{}]
        name = (self.lookups.users.get(actor[2:]) or sender[0].get("name") or actor) if actor.startswith("A-") else (actor or None)
        own_channel = CHANNELS.get(str(message.get("channelId")), channel) if message.get("channelId") is not None else channel
        return {
            "message_id": str(message.get("id")),
            "ticket_id": ticket_id,
            "thread_id": thread_id,
            "sent_at": iso(message.get("createdAt")),
            "sender_type": sender_type,
            "sender": name,
            "channel": own_channel,
            "is_public": _bool(kind != "COMMENT"),
            "message_type": kind,
        }

    def _conversation(
        self,
        thread: dict[str, Any],
        thread_id: str,
        ticket_id: str | None,
        channel: str,
        rows: list[dict[str, Any]],
        items: list[dict[str, Any]],
    ) -> dict[str, Any]:
        """The AI/bot conversation facts of a thread: the agent took part when a bot (B-) or AI
        (L-) actor sent a message; the handoff is the first human message, or assignment to a
        human (A-), after the agent's first message."""
        bot_times = [r["sent_at"] for r in rows if r["sender_type"] == "bot" and r["message_type"] == "MESSAGE"]
        involved = bool(bot_times)
        handoff_at, assigned = None, None
        if involved:
            for row, item in zip(rows, items, strict=True):
                if not row["sent_at"] or row["sent_at"] < bot_times[0]:
                    continue
                target = str(item.get("assignedTo") or item.get("newAssignee") or "")
                if row["sender_type"] == "agent" and row["message_type"] == "MESSAGE":
                    handoff_at, assigned = row["sent_at"], row["sender"]
                    break
                if row["message_type"] == "ASSIGNMENT" and target.startswith("A-"):
                    handoff_at, assigned = row["sent_at"], self.lookups.users.get(target[2:], target)
                    break
        times = [r["sent_at"] for r in rows if r["sent_at"]]
        owner = str(thread.get("assignedTo") or "")
        if assigned is None and owner.startswith("A-") and involved and handoff_at is not None:
            assigned = self.lookups.users.get(owner[2:], owner)
        return {
            "conversation_id": thread_id,
            "channel": channel,
            "started_at": iso(thread.get("createdAt")),
            "ended_at": max(times) if times else None,
            "last_activity_at": max(times) if times else None,
            "agent_involved": _bool(involved),
            "agent_replied": _bool(involved),
            "human_requested": None,
            "handed_off": _bool(handoff_at is not None),
            "handoff_at": handoff_at,
            "handoff_reason": None,
            "feedback": None,
            "assigned_rep": assigned,
            "closed_at": iso(thread.get("closedAt")),
            "ticket_id": ticket_id,
        }

    # -- feedback submissions ----------------------------------------------------------------

    def _csat_rows(self, records: list[dict[str, Any]]) -> tuple[Rows, str | None]:
        rows, cursor = [], None
        for record in records:
            props = record.get("properties") or {}
            survey = str(props.get("hs_survey_type") or "").upper()
            low, high = SCALES.get(survey, (None, None))
            updated = iso(props.get("hs_lastmodifieddate") or record.get("updatedAt"))
            cursor = max(filter(None, (cursor, updated)), default=None)
            rows.append(
                {
                    "response_id": str(record["id"]),
                    "submitted_at": iso(props.get("hs_submission_timestamp") or props.get("hs_createdate") or record.get("createdAt")),
                    "rating": props.get("hs_value") or None,
                    "scale_min": low,
                    "scale_max": high,
                    "survey_type": survey or None,
                    "ticket_id": props.get("hs_ticket_id") or None,
                    "rep": None,
                    "team": None,
                    "channel": (props.get("hs_survey_channel") or "").lower() or None,
                    "comment": props.get("hs_content") or None,
                }
            )
        return {"csat": rows}, cursor

    # -- users: working hours and availability ------------------------------------------------

    def _user_pages(self, after: str | None) -> Iterator[Page]:
        params = {"limit": PAGE_LIMIT, "properties": ",".join(USER_PROPERTIES)}
        yield from self._listed("/crm/v3/objects/users", params, after, self._user_rows, "users")

    def _user_rows(self, users: list[dict[str, Any]]) -> tuple[Rows, str | None]:
        hours, availability = [], []
        observed = self.clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        for user in users:
            props = user.get("properties") or {}
            owner_id = str(props.get("hubspot_owner_id") or "")
            given = " ".join(p for p in (props.get("hs_given_name"), props.get("hs_family_name")) if p)
            rep = self.lookups.owners.get(owner_id) or given or props.get("hs_email") or str(user["id"])
            zone = props.get("hs_standard_time_zone") or None
            hours += [{"rep": rep, **slot, "timezone": zone} for slot in working_slots(props.get("hs_working_hours"), rep)]
            status = str(props.get("hs_availability_status") or "").strip().lower()
            if status and self.snapshot:
                team = self.lookups.owner_teams.get(owner_id)
                availability.append({"rep": rep, "status": status, "started_at": observed, "ended_at": None, "team": team,
                                     "detail": SNAPSHOT})  # fmt: skip
        return {"working_hours": hours, "availability": availability}, None

    # -- paging --------------------------------------------------------------------------------

    def _listed(
        self,
        path: str,
        params: dict[str, Any],
        after: str | None,
        rows: Callable[[list[dict[str, Any]]], tuple[Rows, str | None]],
        stream: str,
    ) -> Iterator[Page]:
        """Pages of a GET list endpoint from `after`, mapped by `rows`."""
        while True:
            payload = self.client.get(path, {**params, **({"after": after} if after else {})}, scope=SCOPES[stream])
            records = _results(self.client, payload, path)
            mapped, cursor = rows(records)
            after = _next_after(self.client, payload, path)
            yield mapped, after, cursor
            if after is None:
                return

    def _searched(
        self, object_type: str, properties: tuple[str, ...], token: str | None, since: str, limit: int
    ) -> Iterator[tuple[list[dict[str, Any]], str | None]]:
        """Records modified at or after `since` (oldest change first), page by page. HubSpot's
        search stops at SEARCH_CAP results, so before reaching it the search starts again from the
        last modification seen (records seen twice are merged away). Page tokens are
        "<from epoch ms>|<after>", so that a resumed pull asks the same search."""
        path = f"/crm/v3/objects/{object_type}/search"
        stream = "tickets" if object_type == "tickets" else "feedback"
        start, _, resumed_after = (token or f"{epoch_ms(since)}|").partition("|")
        after: str | None = resumed_after
        while True:
            body: dict[str, Any] = {
                "filterGroups": [{"filters": [{"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": start}]}],
                "sorts": [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
                "properties": list(properties),
                "limit": limit,
            }
            if after:
                body["after"] = after
            payload = self.client.post(path, body, scope=SCOPES[stream])
            records = _results(self.client, payload, path, "POST")
            next_after = _next_after(self.client, payload, path, "POST")
            if next_after is not None and _offset(next_after) + limit > SEARCH_CAP:
                last = (records[-1].get("properties") or {}).get("hs_lastmodifieddate") if records else None
                moment = iso(last) or since
                restart = epoch_ms(moment) if moment else start  # no instant to restart from: cannot page on
                if restart == start:
                    raise SourceError(
                        f"HubSpot API: over {SEARCH_CAP} {object_type} modified at one instant; the search cannot page past them",
                        "pull without --since (a full listing) instead",
                    )
                start, next_after = restart, ""
            after = next_after
            yield records, None if after is None else f"{start}|{after}"
            if after is None:
                return

    def _crm_pages(
        self,
        object_type: str,
        properties: tuple[str, ...],
        after: str | None,
        since: str | None,
        rows: Callable[[list[dict[str, Any]]], tuple[Rows, str | None]],
        stream: str,
    ) -> Iterator[Page]:
        """A CRM object's pages: listed on a first pull, searched by last-modified time from a cursor."""
        if since is None:
            params = {"limit": PAGE_LIMIT, "properties": ",".join(properties), "archived": "false"}
            yield from self._listed(f"/crm/v3/objects/{object_type}", params, after, rows, stream)
            return
        for records, next_after in self._searched(object_type, properties, after, since, PAGE_LIMIT):
            mapped, cursor = rows(records)
            yield mapped, next_after, cursor

    def _pages(self, path: str, params: dict[str, Any], stream: str) -> Iterator[dict[str, Any]]:
        """Every record of a small paged list (owners, a thread's messages)."""
        after = None
        while True:
            payload = self.client.get(path, {**params, **({"after": after} if after else {})}, scope=SCOPES[stream])
            yield from _results(self.client, payload, path)
            after = _next_after(self.client, payload, path)
            if after is None:
                return


def working_slots(value: Any, rep: str) -> list[dict[str, str]]:
    """Rows (weekday, start, end) of a user's `hs_working_hours`: a JSON array (as text) of
    {days, startMinute, endMinute}; days one day, MONDAY_TO_FRIDAY, SATURDAY_SUNDAY or EVERY_DAY."""
    if not value:
        return []
    try:
        ranges = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        raise SourceError(f"HubSpot API: user {rep}: hs_working_hours is not JSON: {str(value)[:80]!r}") from None
    slots = []
    for item in ranges if isinstance(ranges, list) else []:
        days = DAY_SETS.get(str(item.get("days", "")).upper(), ())
        start, end = int(item.get("startMinute", 0)), int(item.get("endMinute", 0))
        slots += [{"weekday": WEEKDAYS[d], "start": _clock(start), "end": _clock(end)} for d in days]
    return slots


def iso(value: Any) -> str | None:
    """A HubSpot time (ISO 8601 text, or epoch milliseconds) as UTC text with milliseconds,
    e.g. 2026-05-01T08:00:00.000Z, so that times sort as text; None when empty."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    if text.isdigit():
        moment = datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    else:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise SourceError(f"HubSpot API: {text[:40]!r} is not a date-time", "check --api-url points at HubSpot's API") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def epoch_ms(value: str) -> str:
    """An ISO 8601 UTC time as epoch milliseconds (how CRM search filters take dates)."""
    return str(int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000))


def _offset(after: str) -> int:
    """A search page token as the number of results before it (HubSpot's are offsets)."""
    return int(after) if after.isdigit() else 0


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _actor(message: dict[str, Any]) -> str:
    senders = message.get("senders") or []
    actor = senders[0].get("actorId") if senders and isinstance(senders[0], dict) else None
    return str(actor or message.get("createdBy") or "")


def _results(client: Client, payload: dict[str, Any], path: str, method: str = "GET") -> list[dict[str, Any]]:
    """The `results` of a page, each a record with an id; anything else is a malformed page."""
    results = payload.get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) and r.get("id") not in (None, "") for r in results):
        raise client.malformed(method, path, "the page has no list of results with ids (not the documented shape)")
    return results


def _next_after(client: Client, payload: dict[str, Any], path: str, method: str = "GET") -> str | None:
    """`paging.next.after` of a page, or None on the last page."""
    paging = payload.get("paging")
    if paging is None:
        return None
    after = (paging.get("next") or {}).get("after") if isinstance(paging, dict) else None
    if not isinstance(paging, dict) or (paging.get("next") and after in (None, "")):
        raise client.malformed(method, path, "paging.next has no after token")
    return None if after is None else str(after)


def _daily_limit(response: httpx.Response) -> bool:
    """HubSpot says a 429 is the daily limit with policyName DAILY in the body."""
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and str(body.get("policyName", "")).upper() == "DAILY"


def _missing_scopes(response: httpx.Response) -> list[str]:
    """The scopes a 403 names (errors[].context.requiredGranularScopes or requiredScopes)."""
    try:
        body = response.json()
    except ValueError:
        return []
    found: list[str] = []
    for error in body.get("errors", []) if isinstance(body, dict) else []:
        context = error.get("context") or {} if isinstance(error, dict) else {}
        for key in ("requiredGranularScopes", "requiredScopes"):
            found += [str(s) for s in context.get(key, []) if str(s) not in found]
    return found


def pull(
    out: Path,
    token: str,
    *,
    tables: list[str] | None = None,
    since: str | None = None,
    api_url: str = API_URL,
    snapshot: bool = False,
    command: str = "",
    client_options: dict[str, Any] | None = None,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    tell: Callable[[str], None] = lambda line: None,
) -> Pulled:
    """Pull `tables` (default: all but availability; with `snapshot`, availability and working
    hours) from HubSpot into the dataset folder `out`: incremental from the cursors of the pull
    already there (or from `since`, ISO 8601), resuming an interrupted pull of the same request;
    `tell` receives a progress line per stream."""
    chosen = chosen_tables(tables, TABLES, SNAPSHOT_TABLES if snapshot else DEFAULT_TABLES)
    if "availability" in chosen and not snapshot:
        raise UsageError(
            "--tables availability needs --availability-snapshot",
            "HubSpot keeps no availability history: run svcstats pull hubspot --availability-snapshot every few minutes",
        )
    if snapshot and "availability" not in chosen:
        chosen.append("availability")
    streams = streams_for(chosen)
    kind = "snapshot" if snapshot else "pull"
    # users are few: read whole every time
    manifest, starts, staging = open_pull(out, "hubspot", api_url, chosen, streams, since, command, whole=("users",), kind=kind)
    client = Client(api(api_url), token, **(client_options or {}))
    try:
        source = HubSpotPull(client, staging, since=starts, clock=clock, snapshot=snapshot)
        source.load_lookups(need_owners=True, need_pipelines="tickets" in streams)
        specs = [TABLES[t] for t in TABLES if t in chosen]
        return run(
            source,
            staging,
            streams,
            specs,
            {**manifest, "source": "hubspot", "api_url": api_url},
            notes=_notes,
            tell=tell,
        )
    finally:
        client.close()
        staging.close()


def _notes(staging: Staging) -> list[str]:
    """What a report reader should know about this pull."""
    notes = []
    without = staging.stream("threads").extra.get("threads_without_ticket", 0) if "threads" in staging.streams else 0
    if without:
        notes.append(
            f"{without} conversation threads have no ticket: their messages are not in messages "
            "(which links each message to a ticket); they are in agent_conversations"
        )
    return notes
