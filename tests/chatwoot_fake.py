"""A fake Chatwoot application API for pytest-httpserver: the documented response shapes
(export-formats.md §7: conversations under data.payload with meta, messages under payload served
latest first with ?before=, CSAT responses, inboxes with working hours), with injectable failures.
Small enough to check every figure by hand (see test_pull_chatwoot.py):

  101  Eva (Sales), web widget, created 2026-03-02 09:00Z, resolved: customer 09:00, bot 09:00:10,
       assignment 09:05, Eva's private note 09:20, Eva's reply 09:30, "marked resolved" 12:00   CSAT 5
  102  Eva, email, created 2026-03-03 10:00Z, open: customer 10:00, Eva's reply 11:00          CSAT 2
  103  unassigned, web widget, created 2026-03-04 08:00Z, pending: customer 08:00
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from werkzeug import Request, Response

TOKEN = "cw-test-token"
EVA = {"id": 1, "name": "Eva Berg", "email": "eva@example.org", "type": "user"}


def unix(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def conversation(cid: int, status: str, created: str, last: str, first_reply: str | None, channel: str, assignee: dict | None,
                 team: str | None) -> dict:  # fmt: skip
    return {"meta": {"sender": {"id": 900 + cid, "name": f"Customer {cid}", "type": "contact"}, "channel": channel,
                     "assignee": assignee, "team": {"id": 2, "name": team} if team else None, "hmac_verified": False},
            "id": cid, "messages": [], "account_id": 1, "inbox_id": 1, "status": status, "priority": None,
            "created_at": unix(created), "timestamp": unix(last), "last_activity_at": unix(last),
            "first_reply_created_at": unix(first_reply) if first_reply else None, "waiting_since": None,
            "labels": [], "unread_count": 0, "custom_attributes": {}, "additional_attributes": {}}  # fmt: skip


def message(mid: int, cid: int, kind: int, when: str, sender_type: str | None, private: bool = False, content: str = "...") -> dict:
    sender = {"User": EVA, "Contact": {"id": 900 + cid, "name": f"Customer {cid}", "type": "contact"},
              "AgentBot": {"id": 7, "name": "Helper bot", "type": "agent_bot"}}.get(sender_type or "")  # fmt: skip
    return {"id": mid, "content": content, "conversation_id": cid, "message_type": kind, "content_type": "text",
            "created_at": unix(when), "private": private, "status": "sent", "sender_type": sender_type, "sender": sender}  # fmt: skip


def base_data() -> dict[str, Any]:
    return {
        "conversations": [
            conversation(101, "resolved", "2026-03-02T09:00:00Z", "2026-03-02T12:00:00Z", "2026-03-02T09:30:00Z",
                         "Channel::WebWidget", EVA, "Sales"),
            conversation(102, "open", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z", "2026-03-03T11:00:00Z", "Channel::Email", EVA, None),
            conversation(103, "pending", "2026-03-04T08:00:00Z", "2026-03-04T08:00:00Z", None, "Channel::WebWidget", None, None),
        ],
        "messages": {
            101: [message(1, 101, 0, "2026-03-02T09:00:00Z", "Contact"), message(2, 101, 1, "2026-03-02T09:00:10Z", "AgentBot"),
                  message(3, 101, 2, "2026-03-02T09:05:00Z", None, content="Assigned to Eva Berg by System"),
                  message(4, 101, 1, "2026-03-02T09:20:00Z", "User", private=True),
                  message(5, 101, 1, "2026-03-02T09:30:00Z", "User"),
                  message(6, 101, 2, "2026-03-02T12:00:00Z", None, content="Conversation was marked resolved by Eva Berg")],
            102: [message(7, 102, 0, "2026-03-03T10:00:00Z", "Contact"), message(8, 102, 1, "2026-03-03T11:00:00Z", "User")],
            103: [message(9, 103, 0, "2026-03-04T08:00:00Z", "Contact")],
        },
        "csat": [
            {"id": 1, "rating": 5, "feedback_message": "Great", "conversation_id": 101, "assigned_agent": EVA,
             "contact": {"id": 901}, "created_at": "2026-03-02T12:05:00.000Z"},
            {"id": 2, "rating": 2, "feedback_message": None, "conversation_id": 102, "assigned_agent": EVA,
             "contact": {"id": 902}, "created_at": "2026-03-03T12:00:00.000Z"},
        ],
        "inboxes": [
            {"id": 1, "name": "Website", "channel_type": "Channel::WebWidget", "working_hours_enabled": True, "timezone": "Europe/Berlin",
             "working_hours": [{"day_of_week": d, "closed_all_day": d in (0, 6), "open_all_day": False, "open_hour": 9,
                                "open_minutes": 0, "close_hour": 17, "close_minutes": 30} for d in range(7)]},
        ],
    }  # fmt: skip


@dataclass
class FakeChatwoot:
    """A request handler serving `data` under /api/v1/accounts/1; `fail[(path, page)]` lists answers
    given first; `log` records (path, query) of every request."""

    data: dict[str, Any] = field(default_factory=base_data)
    page_size: int = 2
    message_page: int = 2
    fail: dict[tuple[str, str | None], list[Response]] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        path = request.path.removeprefix("/api/v1/accounts/1")
        args = request.args
        self.log.append((path, dict(args)))
        if request.headers.get("api-access-token") != TOKEN:
            return _json({"error": "Invalid Access Token"}, 401)
        waiting = self.fail.get((path, args.get("page")))
        if waiting:
            return waiting.pop(0)
        if path == "/conversations":
            ordered = sorted(self.data["conversations"], key=lambda c: c["last_activity_at"], reverse=True)
            page = int(args.get("page", 1))
            chosen = ordered[(page - 1) * self.page_size : page * self.page_size]
            meta = {"mine_count": 2, "unassigned_count": 1, "assigned_count": 2, "all_count": len(ordered)}
            return _json({"data": {"meta": meta, "payload": copy.deepcopy(chosen)}})
        if path.startswith("/conversations/") and path.endswith("/messages"):
            items = sorted(self.data["messages"][int(path.split("/")[2])], key=lambda m: m["id"])
            if "before" in args:
                items = [m for m in items if m["id"] < int(args["before"])]
            return _json({"meta": {"labels": []}, "payload": copy.deepcopy(items[-self.message_page :])})
        if path == "/csat_survey_responses":
            page = int(args.get("page", 1))
            return _json(copy.deepcopy(self.data["csat"][page - 1 : page]))  # one a page, a JSON list
        if path == "/inboxes":
            return _json({"payload": self.data["inboxes"]})
        return _json({"error": f"no route {path}"}, 404)


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json", headers=headers or {})


def answer(status: int, headers: dict[str, str] | None = None, payload: Any = None) -> Response:
    """A failure answer to inject."""
    return _json(payload if payload is not None else {"error": "failure"}, status, headers)
