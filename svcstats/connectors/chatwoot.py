"""Chatwoot's application API onto the neutral tables (reference/export-formats.md §7).

Streams, each fetched page by page and resumable:
  conversations  GET /conversations?status=all&page=N (newest activity first), and for each
                 conversation active since the cursor GET /conversations/{id}/messages (then
                 ?before=<oldest id> for older ones) -> tickets, messages
  csat           GET /csat_survey_responses?page=N -> csat (1-5)
  inboxes        GET /inboxes -> working_hours (the first inbox with working hours, in its time zone)
Agent and team names come with the conversations (meta.assignee, meta.team). Times are Unix
seconds. Authentication: the api-access-token header from $CHATWOOT_API_TOKEN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tenacity

from svcstats.connectors.http import Api, Client, Retryable
from svcstats.connectors.pull import Pulled, chosen_tables, open_pull, run
from svcstats.connectors.state import Staging, StreamState, TableSpec
from svcstats.errors import SourceError

TOKEN_ENV = "CHATWOOT_API_TOKEN"
STATUSES = {"0": "open", "1": "resolved", "2": "pending", "3": "snoozed"}
CHANNELS = {
    "Channel::WebWidget": "chat", "Channel::Email": "email", "Channel::Api": "other", "Channel::Whatsapp": "chat",
    "Channel::FacebookPage": "chat", "Channel::Instagram": "chat", "Channel::TwitterProfile": "chat", "Channel::TwilioSms": "chat",
    "Channel::Sms": "chat", "Channel::Telegram": "chat", "Channel::Line": "chat", "Channel::Voice": "phone",
}  # fmt: skip
PRIORITIES = {"0": "low", "1": "medium", "2": "high", "3": "urgent"}
MESSAGE_TYPES = {"0": "incoming", "1": "outgoing", "2": "activity", "3": "template"}
BOTS = ("AgentBot", "Captain::Assistant")
WEEKDAYS = (7, 1, 2, 3, 4, 5, 6)  # Chatwoot's day_of_week: 0 = Sunday

TABLES = {
    spec.name: spec
    for spec in (
        TableSpec(
            "tickets",
            ("ticket_id", "created_at", "closed_at", "status", "is_closed", "owner", "team", "source", "priority",
             "first_response_at", "last_activity_at", "inbox_id"),
            key=("ticket_id",), sort=("created_at", "ticket_id"), unique=("ticket_id",),
        ),
        TableSpec(
            "messages",
            ("message_id", "ticket_id", "sent_at", "sender_type", "sender", "channel", "is_public", "message_type"),
            key=("ticket_id",), sort=("ticket_id", "sent_at", "message_id"), unique=("message_id",),
        ),
        TableSpec(
            "csat",
            ("response_id", "submitted_at", "rating", "scale_min", "scale_max", "ticket_id", "rep", "comment"),
            key=("response_id",), sort=("submitted_at", "response_id"), unique=("response_id",),
        ),
        TableSpec("working_hours", ("rep", "weekday", "start", "end", "timezone"), key=(), sort=("rep", "weekday", "start"),
                  replace_all=True),
    )
}  # fmt: skip
STREAM_OF = {"tickets": "conversations", "messages": "conversations", "csat": "csat", "working_hours": "inboxes"}
STREAMS = ("conversations", "csat", "inboxes")

Rows = dict[str, list[dict[str, Any]]]
Page = tuple[Rows, str | None, str | None]


@dataclass
class ChatwootClient(Client):
    """The shared client with Chatwoot's access-token header, reading JSON lists too."""

    def auth_headers(self) -> dict[str, str]:
        """Chatwoot documents api_access_token; proxies (nginx by default) drop header names with
        underscores, and Rack reads both spellings as HTTP_API_ACCESS_TOKEN."""
        return {"api-access-token": self.token}

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """GET `path` and return its JSON (an object or a list), retried and refused as `get` is."""
        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(Retryable), wait=self._wait, stop=self._stop, sleep=self._sleep, reraise=True
        )
        try:
            response = retrying(self._attempt, "GET", path, params=params)
        except Retryable as exc:
            raise SourceError(
                f"{self.api.name} API: GET {path} still failing after {self.requests_for_message()} ({exc.what})",
                "run the same command again later: the pull resumes where it stopped",
            ) from None
        self._refused(response, "GET", path, None)
        try:
            return response.json()
        except ValueError:
            raise self.malformed("GET", path, "the answer is not JSON") from None


class ChatwootPull:
    """One pull: the streams a request needs, page by page."""

    def __init__(self, client: ChatwootClient, staging: Staging, since: dict[str, str | None]) -> None:
        self.client = client
        self.staging = staging
        self.since = since

    def pages(self, stream: str, state: StreamState) -> Iterator[Page]:
        """The pages of `stream` from where `state` stands."""
        if stream == "conversations":
            yield from self._conversation_pages(int(state.after or 1), self.since.get(stream))
        elif stream == "csat":
            yield from self._csat_pages(int(state.after or 1), self.since.get(stream))
        elif stream == "inboxes":
            yield self._working_hours(), None, None

    def _conversation_pages(self, page: int, since: str | None) -> Iterator[Page]:
        path = "/conversations"
        while True:
            payload = self.client.get_json(path, {"status": "all", "assignee_type": "all", "page": page})
            data = payload.get("data") if isinstance(payload, dict) else None
            conversations = data.get("payload") if isinstance(data, dict) else None
            if not isinstance(conversations, list):
                raise self.client.malformed("GET", path, "no data.payload list in the answer")
            fresh = [
                c for c in conversations if isinstance(c, dict) and (since is None or (_iso(c.get("last_activity_at")) or "") >= since)
            ]
            tickets, messages = [], []
            for conversation in fresh:
                items = self._messages(str(conversation.get("id")))
                tickets.append(self._ticket(conversation, items))
                messages += [self._message(m, str(conversation.get("id")), _source(conversation)) for m in items]
            # an empty page ends the list; newest activity first, so from the cursor on, a page
            # holding older conversations ends it too
            done = not conversations or len(fresh) < len(conversations)
            cursor = max((t["last_activity_at"] for t in tickets if t["last_activity_at"]), default=None)
            yield {"tickets": tickets, "messages": messages}, None if done else str(page + 1), cursor
            if done:
                return
            page += 1

    def _messages(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every message of a conversation, oldest first (Chatwoot serves the latest 20, then ?before=)."""
        path = f"/conversations/{conversation_id}/messages"
        found: dict[str, dict[str, Any]] = {}
        before = None
        while True:
            payload = self.client.get_json(path, {"before": before} if before else None)
            items = payload.get("payload") if isinstance(payload, dict) else None
            if not isinstance(items, list):
                raise self.client.malformed("GET", path, "no payload list in the answer")
            new = [m for m in items if isinstance(m, dict) and str(m.get("id")) not in found]
            if not new:
                break
            found |= {str(m.get("id")): m for m in new}
            before = min(int(m["id"]) for m in new)
        return sorted(found.values(), key=lambda m: (m.get("created_at") or 0, int(m.get("id") or 0)))

    def _ticket(self, conversation: dict[str, Any], messages: list[dict[str, Any]]) -> dict[str, Any]:
        meta = conversation.get("meta") or {}
        status = STATUSES.get(str(conversation.get("status")), str(conversation.get("status") or "")) or None
        resolved = [m for m in messages if _type(m) == "activity" and "resolved" in str(m.get("content") or "").casefold()]
        return {
            "ticket_id": str(conversation.get("id")),
            "created_at": _iso(conversation.get("created_at")),
            "closed_at": _iso(resolved[-1].get("created_at")) if status == "resolved" and resolved else None,
            "status": status,
            "is_closed": None if status is None else ("true" if status == "resolved" else "false"),
            "owner": (meta.get("assignee") or {}).get("name"),
            "team": (meta.get("team") or {}).get("name"),
            "source": _source(conversation),
            "priority": PRIORITIES.get(str(conversation.get("priority")), conversation.get("priority")),
            "first_response_at": _iso(conversation.get("first_reply_created_at")),
            "last_activity_at": _iso(conversation.get("last_activity_at") or conversation.get("timestamp")),
            "inbox_id": None if conversation.get("inbox_id") is None else str(conversation.get("inbox_id")),
        }

    def _message(self, message: dict[str, Any], conversation_id: str, channel: str | None) -> dict[str, Any]:
        kind = _type(message)
        sender = message.get("sender") or {}
        sender_kind = str(message.get("sender_type") or sender.get("type") or "")
        if kind == "incoming":
            sender_type = "customer"
        elif kind == "outgoing":
            sender_type = "bot" if sender_kind in BOTS or sender_kind.casefold() == "agent_bot" else "agent"
        else:
            sender_type = "system"  # activity (status, assignment) and template messages never count as replies
        return {
            "message_id": str(message.get("id")),
            "ticket_id": conversation_id,
            "sent_at": _iso(message.get("created_at")),
            "sender_type": sender_type,
            "sender": sender.get("name") if sender_type == "agent" else None,
            "channel": channel,
            "is_public": "false" if message.get("private") else "true",
            "message_type": kind,
        }

    def _csat_pages(self, page: int, since: str | None) -> Iterator[Page]:
        path = "/csat_survey_responses"
        while True:
            params: dict[str, Any] = {"page": page} | ({"since": _unix(since)} if since else {})
            payload = self.client.get_json(path, params)
            responses = payload.get("payload") if isinstance(payload, dict) else payload
            if not isinstance(responses, list):
                raise self.client.malformed("GET", path, "no list of survey responses in the answer")
            rows = [
                {
                    "response_id": str(r.get("id")),
                    "submitted_at": _iso(r.get("created_at")),
                    "rating": None if r.get("rating") is None else str(r.get("rating")),
                    "scale_min": "1",
                    "scale_max": "5",
                    "ticket_id": None if r.get("conversation_id") is None else str(r.get("conversation_id")),
                    "rep": (r.get("assigned_agent") or {}).get("name"),
                    "comment": r.get("feedback_message"),
                }
                for r in responses
                if isinstance(r, dict)
            ]
            done = not responses
            yield {"csat": rows}, None if done else str(page + 1), max((r["submitted_at"] for r in rows if r["submitted_at"]), default=None)
            if done:
                return
            page += 1

    def _working_hours(self) -> Rows:
        payload = self.client.get_json("/inboxes")
        inboxes = payload.get("payload") if isinstance(payload, dict) else payload
        if not isinstance(inboxes, list):
            raise self.client.malformed("GET", "/inboxes", "no payload list in the answer")
        inbox = next((i for i in inboxes if isinstance(i, dict) and i.get("working_hours_enabled")), None)
        if inbox is None:
            return {"working_hours": []}
        zone = str(inbox.get("timezone") or "UTC")
        rows = []
        for day in inbox.get("working_hours") or []:
            if day.get("closed_all_day"):
                continue
            weekday = str(WEEKDAYS[int(day.get("day_of_week", 0)) % 7])
            if day.get("open_all_day"):
                start, end = "00:00", "24:00"
            else:
                start = f"{int(day.get('open_hour') or 0):02d}:{int(day.get('open_minutes') or 0):02d}"
                end = f"{int(day.get('close_hour') or 0):02d}:{int(day.get('close_minutes') or 0):02d}"
            rows.append({"rep": "*", "weekday": weekday, "start": start, "end": end, "timezone": zone})
        return {"working_hours": rows}


def pull(
    out: Path,
    token: str,
    *,
    api_url: str,
    tables: list[str] | None = None,
    since: str | None = None,
    command: str = "",
    client_options: dict[str, Any] | None = None,
    tell: Callable[[str], None] = lambda line: None,
) -> Pulled:
    """Pull `tables` (default all) from a Chatwoot account (`api_url` ends in /accounts/N) into
    `out`: incremental from the cursors of the pull already there (or `since`), resumable;
    `tell` receives a progress line per stream."""
    chosen = chosen_tables(tables, TABLES)
    streams = [s for s in STREAMS if s in {STREAM_OF[t] for t in chosen}]
    manifest, starts, staging = open_pull(out, "chatwoot", api_url, chosen, streams, since, command, whole=("inboxes",))
    client = ChatwootClient(Api("Chatwoot", api_url, TOKEN_ENV), token, **(client_options or {}))
    try:
        specs = [TABLES[t] for t in TABLES if t in chosen]
        return run(
            ChatwootPull(client, staging, starts),
            staging,
            streams,
            specs,
            {**manifest, "source": "chatwoot", "api_url": api_url},
            tell=tell,
        )
    finally:
        client.close()
        staging.close()


def account_url(url: str, account: int) -> str:
    """The account's API base from the Chatwoot installation's URL."""
    return f"{url.rstrip('/')}/api/v1/accounts/{account}"


def _type(message: dict[str, Any]) -> str:
    value = str(message.get("message_type"))
    return MESSAGE_TYPES.get(value, value)


def _source(conversation: dict[str, Any]) -> str | None:
    channel = (conversation.get("meta") or {}).get("channel")
    return CHANNELS.get(str(channel), "other") if channel else None


def _iso(value: Any) -> str | None:
    """Unix seconds (or ISO 8601 text) as ISO 8601 UTC; None for none (and for 0)."""
    if value in (None, "", 0):
        return None
    if isinstance(value, int | float) or str(value).replace(".", "", 1).isdigit():
        return datetime.fromtimestamp(float(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return str(value)


def _unix(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp())
