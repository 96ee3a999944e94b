"""A fake Zendesk Support API for pytest-httpserver: the documented response shapes
(export-formats.md §3.2: incremental tickets with cursor and sideloaded metric sets, incremental
ticket events with end_time, cursor-paged satisfaction ratings, users, groups, schedules), with
injectable failures. Small enough to check every figure by hand (see test_pull_zendesk.py):

  ticket 1  Ana (Support), email, created 2026-03-02 09:00Z, solved 21:00 (12 h), metric reply 120 min
            events: created new + customer comment 09:00; Ana's private note + open 10:00;
            Ana's public reply + pending 11:00; solved 21:00                  rating good
  ticket 2  Ben (Billing), chat, created 2026-03-03 10:00Z, closed, solved 03-05 10:00 (48 h)
            events: new + customer comment 10:00; Ben's reply + open 14:00; solved 03-05 10:00  rating bad
  ticket 3  Ana, web form, created 2026-03-04 08:00Z, open; new + customer comment 08:00 rating offered
"""

from __future__ import annotations

import base64
import copy
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug import Request, Response

EMAIL, TOKEN = "admin@example.org", "zd-test-token"
AUTH = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
USERS = [{"id": 501, "name": "Ana Silva", "role": "agent"}, {"id": 502, "name": "Ben Okafor", "role": "admin"}]
GROUPS = [{"id": 601, "name": "Support"}, {"id": 602, "name": "Billing"}]


def unix(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def ticket(tid: int, created: str, updated: str, status: str, assignee: int, group: int | None, channel: str, priority: str) -> dict:
    return {"id": tid, "url": f"/api/v2/tickets/{tid}.json", "subject": f"Ticket {tid}", "raw_subject": f"Ticket {tid}",
            "created_at": created, "updated_at": updated, "status": status, "assignee_id": assignee, "group_id": group,
            "requester_id": 9000 + tid, "priority": priority, "type": "question", "via": {"channel": channel, "source": {}}}  # fmt: skip


def metric(tid: int, solved: str | None, reply: int | None, full: int | None) -> dict:
    return {"id": 700 + tid, "ticket_id": tid, "solved_at": solved, "reopens": 0, "replies": 1,
            "reply_time_in_minutes": {"calendar": reply, "business": reply},
            "full_resolution_time_in_minutes": {"calendar": full, "business": full},
            "requester_wait_time_in_minutes": {"calendar": full, "business": full}}  # fmt: skip


def audit(eid: int, tid: int, when: str, updater: int, children: list[dict], channel: str = "web") -> dict:
    return {"id": eid, "ticket_id": tid, "timestamp": unix(when), "created_at": when, "updater_id": updater,
            "via": {"channel": channel}, "event_type": "Audit", "child_events": children}  # fmt: skip


def status(cid: int, value: str, kind: str = "Change") -> dict:
    return {"id": cid, "event_type": kind, "field_name": "status", "value": value, "previous_value": None}


def comment(cid: int, author: int, public: bool = True) -> dict:
    return {"id": cid, "event_type": "Comment", "author_id": author, "public": public, "body": "..."}


def base_data() -> dict[str, Any]:
    return {
        "tickets": [
            ticket(1, "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z", "solved", 501, 601, "email", "normal"),
            ticket(2, "2026-03-03T10:00:00Z", "2026-03-05T10:00:00Z", "closed", 502, 602, "chat", "high"),
            ticket(3, "2026-03-04T08:00:00Z", "2026-03-04T08:00:00Z", "open", 501, None, "web", "low"),
        ],
        "metrics": [
            metric(1, "2026-03-02T21:00:00Z", 120, 720),
            metric(2, "2026-03-05T10:00:00Z", 240, 2880),
            metric(3, None, None, None),
        ],
        "events": [
            audit(11, 1, "2026-03-02T09:00:00Z", 9001, [status(1001, "new", "Create"), comment(1002, 9001)], "email"),
            audit(12, 1, "2026-03-02T10:00:00Z", 501, [comment(1003, 501, public=False), status(1004, "open")]),
            audit(13, 1, "2026-03-02T11:00:00Z", 501, [comment(1005, 501), status(1006, "pending")]),
            audit(14, 1, "2026-03-02T21:00:00Z", 501, [status(1007, "solved")]),
            audit(21, 2, "2026-03-03T10:00:00Z", 9002, [status(2001, "new", "Create"), comment(2002, 9002)], "chat"),
            audit(22, 2, "2026-03-03T14:00:00Z", 502, [comment(2003, 502), status(2004, "open")], "chat"),
            audit(23, 2, "2026-03-05T10:00:00Z", 502, [status(2005, "solved")]),
            audit(31, 3, "2026-03-04T08:00:00Z", 9003, [status(3001, "new", "Create"), comment(3002, 9003)]),
        ],
        "ratings": [
            {"id": 801, "ticket_id": 1, "assignee_id": 501, "group_id": 601, "score": "good", "comment": "Thanks",
             "created_at": "2026-03-02T21:00:00Z", "updated_at": "2026-03-03T08:00:00Z"},
            {"id": 802, "ticket_id": 2, "assignee_id": 502, "group_id": 602, "score": "bad", "comment": None,
             "created_at": "2026-03-05T10:00:00Z", "updated_at": "2026-03-05T12:00:00Z"},
            {"id": 803, "ticket_id": 3, "assignee_id": 501, "group_id": None, "score": "offered", "comment": None,
             "created_at": "2026-03-04T09:00:00Z", "updated_at": "2026-03-04T09:00:00Z"},
            {"id": 804, "ticket_id": 3, "assignee_id": 501, "group_id": None, "score": "unoffered", "comment": None,
             "created_at": "2026-03-04T09:00:00Z", "updated_at": "2026-03-04T09:00:00Z"},
        ],
        "schedules": [
            {"id": 1, "name": "Support hours", "time_zone": "Pacific Time (US & Canada)",
             "intervals": [{"start_time": 1440 * d + 540, "end_time": 1440 * d + 1020} for d in range(1, 6)]},
        ],
    }  # fmt: skip


@dataclass
class FakeZendesk:
    """A request handler serving `data`; `fail[path]` lists answers given first (then the real
    one); `log` records (path, query) of every request."""

    data: dict[str, Any] = field(default_factory=base_data)
    page_size: int = 2
    fail: dict[str, list[Response]] = field(default_factory=dict)
    log: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def __call__(self, request: Request) -> Response:
        path = request.path.removeprefix("/api/v2")
        self.log.append((path, dict(request.args)))
        if request.headers.get("Authorization") != AUTH:
            return _json({"error": "Couldn't authenticate you"}, 401)
        waiting = self.fail.get(path)
        if waiting:
            return waiting.pop(0)
        args = request.args
        if path == "/users":
            return _json(self.cursor_page("users", USERS, args))
        if path == "/groups":
            return _json(self.cursor_page("groups", GROUPS, args))
        if path == "/incremental/tickets/cursor.json":
            return _json(self.tickets(args))
        if path == "/incremental/ticket_events.json":
            return _json(self.events(int(args["start_time"])))
        if path == "/satisfaction_ratings":
            since = int(args.get("start_time", 0))
            ratings = [r for r in self.data["ratings"] if unix(r["updated_at"]) >= since]
            return _json(self.cursor_page("satisfaction_ratings", ratings, args))
        if path == "/business_hours/schedules":
            return _json({"schedules": self.data["schedules"]})
        return _json({"error": "InvalidEndpoint", "description": f"no route {path}"}, 404)

    def cursor_page(self, key: str, records: list[dict], args: Any) -> dict[str, Any]:
        """Cursor pagination (page[size], page[after]); the cursor is an offset here."""
        size = int(args.get("page[size]", 100))
        start = int(args.get("page[after]", 0))
        more = start + size < len(records)
        return {key: copy.deepcopy(records[start : start + size]),
                "meta": {"has_more": more, "after_cursor": str(start + size) if more else None, "before_cursor": None}}  # fmt: skip

    def tickets(self, args: Any) -> dict[str, Any]:
        """Incremental tickets: start_time (updated at or after it), then the cursor (an offset)."""
        if "cursor" in args:
            since, start = (int(part) for part in args["cursor"].split(":"))
        else:
            since, start = int(args["start_time"]), 0
        chosen = sorted((t for t in self.data["tickets"] if unix(t["updated_at"]) >= since), key=lambda t: t["updated_at"])
        page = chosen[start : start + self.page_size]
        ids = {t["id"] for t in page}
        end = start + self.page_size >= len(chosen)
        return {"tickets": copy.deepcopy(page), "metric_sets": [m for m in self.data["metrics"] if m["ticket_id"] in ids],
                "after_cursor": f"{since}:{start + self.page_size}", "before_cursor": None, "end_of_stream": end,
                "after_url": None}  # fmt: skip

    def events(self, start: int) -> dict[str, Any]:
        """Incremental ticket events at or after `start`, 4 audits a page, with the page's end_time."""
        chosen = sorted((e for e in self.data["events"] if e["timestamp"] >= start), key=lambda e: e["timestamp"])
        page = chosen[:4]
        last = len(chosen) <= 4
        end = page[-1]["timestamp"] + (1 if last else 0) if page else start
        if not last:  # the next page starts at the first audit not served
            end = chosen[4]["timestamp"]
        return {"ticket_events": copy.deepcopy(page), "count": len(page), "end_time": end, "end_of_stream": last, "next_page": None}


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json", headers=headers or {})


def answer(status: int, headers: dict[str, str] | None = None, payload: Any = None) -> Response:
    """A failure answer to inject."""
    return _json(payload if payload is not None else {"error": "failure"}, status, headers)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
