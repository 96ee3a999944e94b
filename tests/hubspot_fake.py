"""A fake HubSpot API for pytest-httpserver: the documented response shapes (export-formats.md
§2.3-2.8), served newest first and paged with `paging.next.after`, with injectable failures.

The data is small enough to compute every report figure by hand (see test_pull_hubspot.py):

  ticket 11  Ann (Tier 1), email, created 2026-03-02 09:00, closed 21:00 (12 h)
             thread 501: customer 09:00, Ann's internal note 10:00, Ann's reply 11:00
  ticket 12  Bob (Tier 2), chat, created 2026-03-03 10:00, closed 03-05 10:00 (48 h)
             thread 502: bot welcome 09:59:59.995 (before the ticket: normal), customer 10:00,
             bot answer 10:00:05, customer 10:01, Bob's reply 14:00
  ticket 13  Ann, email, created 2026-03-04 08:00, open; thread 503: customer 08:00, no reply
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

TOKEN = "test-token"

OWNERS = [
    {"id": "101", "email": "ann@example.com", "firstName": "Ann", "lastName": "Lee", "userId": 9001,
     "teams": [{"id": "t1", "name": "Tier 1", "primary": True}]},
    {"id": "102", "email": "bob@example.com", "firstName": "Bob", "lastName": "Ray", "userId": 9002,
     "teams": [{"id": "t2", "name": "Tier 2", "primary": True}]},
]  # fmt: skip
PIPELINES = [
    {"id": "0", "label": "Support Pipeline", "displayOrder": 0, "stages": [
        {"id": "1", "label": "New", "displayOrder": 0, "metadata": {"ticketState": "OPEN"}},
        {"id": "2", "label": "Waiting on contact", "displayOrder": 1, "metadata": {"ticketState": "OPEN"}},
        {"id": "3", "label": "Waiting on us", "displayOrder": 2, "metadata": {"ticketState": "OPEN"}},
        {"id": "4", "label": "Closed", "displayOrder": 3, "metadata": {"ticketState": "CLOSED"}},
    ]},
]  # fmt: skip


def ticket(tid: str, created: str, modified: str, stage: str, owner: str, team: str, source: str, history: list[tuple[str, str]],
           closed: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A ticket record as the CRM v3 API gives it; `history` (stage id, time) is served newest first."""
    return {
        "id": tid,
        "createdAt": created,
        "updatedAt": modified,
        "archived": False,
        "properties": {
            "hs_object_id": tid,
            "subject": f"Ticket {tid}",
            "createdate": created,
            "closed_date": closed,
            "hs_pipeline": "0",
            "hs_pipeline_stage": stage,
            "hubspot_owner_id": owner,
            "hubspot_team_id": team,
            "source_type": source,
            "hs_ticket_priority": "HIGH",
            "hs_lastmodifieddate": modified,
        },
        "propertiesWithHistory": {
            "hs_pipeline_stage": [
                {"value": value, "timestamp": when, "sourceType": "CRM_UI"}
                for value, when in sorted(history, key=lambda h: h[1], reverse=True)
            ]
        },
    }


def message(mid: str, kind: str, actor: str, when: str, direction: str = "INCOMING", **extra: Any) -> dict[str, Any]:
    """A thread message as the Conversations v3 API gives it."""
    return {
        "type": kind, "id": mid, "createdAt": when, "updatedAt": when, "createdBy": actor,
        "client": {"clientType": "HUBSPOT"}, "senders": [{"actorId": actor, "name": actor}], "recipients": [],
        "text": "...", "direction": direction, "status": {"statusType": "SENT"}, "archived": False, **extra,
    }  # fmt: skip


def thread(tid: str, created: str, ticket_id: str | None, channel: str, latest: str, closed: str | None = None) -> dict[str, Any]:
    """A conversation thread with its ticket association."""
    return {
        "id": tid, "inboxId": "1", "status": "CLOSED" if closed else "OPEN", "createdAt": created, "closedAt": closed,
        "spam": False, "archived": False, "originalChannelId": channel, "latestMessageTimestamp": latest,
        "threadAssociations": {"associatedTicketId": ticket_id} if ticket_id else {},
    }  # fmt: skip


def feedback(fid: str, survey: str, value: str, submitted: str, ticket_id: str | None = None) -> dict[str, Any]:
    """A feedback submission (CSAT 0-2, NPS 0-10, CES 1-7)."""
    props = {"hs_survey_type": survey, "hs_value": value, "hs_submission_timestamp": submitted, "hs_survey_channel": "EMAIL",
             "hs_lastmodifieddate": submitted, "hs_ticket_id": ticket_id}  # fmt: skip
    return {"id": fid, "properties": props, "createdAt": submitted, "updatedAt": submitted, "archived": False}


def base_data() -> dict[str, Any]:
    """The fixture account (see the module docstring)."""
    return {
        "tickets": [
            ticket("11", "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z", "4", "101", "t1", "EMAIL",
                   [("1", "2026-03-02T09:00:00Z"), ("2", "2026-03-02T10:00:00Z"), ("4", "2026-03-02T21:00:00Z")],
                   closed="2026-03-02T21:00:00Z"),
            ticket("12", "2026-03-03T10:00:00Z", "2026-03-05T10:00:00Z", "4", "102", "t2", "CHAT",
                   [("1", "2026-03-03T10:00:00Z"), ("3", "2026-03-03T12:00:00Z"), ("4", "2026-03-05T10:00:00Z")],
                   closed="2026-03-05T10:00:00Z"),
            ticket("13", "2026-03-04T08:00:00Z", "2026-03-04T08:00:00Z", "1", "101", "t1", "EMAIL", [("1", "2026-03-04T08:00:00Z")]),
        ],
        "threads": [
            thread("501", "2026-03-02T09:00:00Z", "11", "1002", "2026-03-02T11:00:00Z"),
            thread("502", "2026-03-03T09:59:59.995Z", "12", "1000", "2026-03-03T14:00:00Z"),
            thread("503", "2026-03-04T08:00:00Z", "13", "1002", "2026-03-04T08:00:00Z"),
        ],
        "messages": {
            "501": [
                message("m1", "MESSAGE", "V-1", "2026-03-02T09:00:00Z"),
                message("m2", "COMMENT", "A-9001", "2026-03-02T10:00:00Z", "OUTGOING"),
                message("m3", "MESSAGE", "A-9001", "2026-03-02T11:00:00Z", "OUTGOING"),
            ],
            "502": [
                message("w1", "WELCOME_MESSAGE", "B-7", "2026-03-03T09:59:59.995Z", "OUTGOING"),
                message("c1", "MESSAGE", "V-2", "2026-03-03T10:00:00Z"),
                message("b1", "MESSAGE", "B-7", "2026-03-03T10:00:05Z", "OUTGOING"),
                message("c2", "MESSAGE", "V-2", "2026-03-03T10:01:00Z"),
                message("s1", "THREAD_STATUS_CHANGE", "S-1", "2026-03-03T13:00:00Z"),
                message("a1", "MESSAGE", "A-9002", "2026-03-03T14:00:00Z", "OUTGOING"),
            ],
            "503": [message("c3", "MESSAGE", "V-3", "2026-03-04T08:00:00Z")],
        },
        "feedback": [
            feedback("f1", "CSAT", "2", "2026-03-03T12:00:00Z", "11"),
            feedback("f2", "CSAT", "0", "2026-03-04T12:00:00Z", "12"),
            feedback("f3", "NPS", "9", "2026-03-05T12:00:00Z"),
        ],
        "users": [
            {"id": "u1", "properties": {"hubspot_owner_id": "101", "hs_availability_status": "available",
             "hs_working_hours": json.dumps([{"days": "MONDAY_TO_FRIDAY", "startMinute": 540, "endMinute": 1020}]),
             "hs_standard_time_zone": "Europe/Oslo"}},
            {"id": "u2", "properties": {"hubspot_owner_id": "102", "hs_availability_status": "away",
             "hs_working_hours": json.dumps([{"days": "SATURDAY_SUNDAY", "startMinute": 600, "endMinute": 1440}]),
             "hs_standard_time_zone": "UTC"}},
        ],
    }  # fmt: skip


@dataclass
class FakeHubSpot:
    """A request handler serving `data`; `fail[(path, after)]` lists answers given first (then
    the real page); `log` records (method, path, after) of every request."""

    data: dict[str, Any] = field(default_factory=base_data)
    page_size: int = 2
    fail: dict[tuple[str, str | None], list[Response]] = field(default_factory=dict)
    log: list[tuple[str, str, str | None]] = field(default_factory=list)
    search_bodies: list[tuple[str, str, dict]] = field(default_factory=list)  # (method, path, JSON body) of POSTs

    def __call__(self, request: Request) -> Response:
        body = request.get_json(silent=True) if request.method == "POST" else None
        after = request.args.get("after") if body is None else body.get("after")
        self.log.append((request.method, request.path, after))
        if body is not None:
            self.search_bodies.append((request.method, request.path, body))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _json({"status": "error", "message": "Authentication credentials not found.", "category": "INVALID_AUTHENTICATION"}, 401)
        waiting = self.fail.get((request.path, after))
        if waiting:
            return waiting.pop(0)
        return self.route(request, body, after)

    def route(self, request: Request, body: dict | None, after: str | None) -> Response:
        """The answer for one request."""
        path, args = request.path, request.args
        if path == "/crm/v3/owners":
            return _json(self.page(OWNERS, after))
        if path == "/crm/v3/pipelines/tickets":
            return _json({"results": PIPELINES})
        if path == "/crm/v3/objects/tickets":
            return _json(self.page(sorted(self.data["tickets"], key=lambda t: t["createdAt"], reverse=True), after))
        if path == "/crm/v3/objects/tickets/search":
            return _json(self.search(self.data["tickets"], body or {}, after))
        if path == "/crm/v3/objects/tickets/batch/read":
            ids = [i["id"] for i in (body or {}).get("inputs", [])]
            return _json({"status": "COMPLETE", "results": [t for t in self.data["tickets"] if t["id"] in ids]})
        if path == "/conversations/v3/conversations/threads":
            threads = sorted(self.data["threads"], key=lambda t: t["latestMessageTimestamp"], reverse=True)
            since = args.get("latestMessageTimestampAfter")
            if since:
                threads = [t for t in threads if _ms(t["latestMessageTimestamp"]) >= _ms(since)]
            return _json(self.page(threads, after))
        match = re.fullmatch(r"/conversations/v3/conversations/threads/(\w+)/messages", path)
        if match:
            items = sorted(self.data["messages"][match.group(1)], key=lambda m: m["createdAt"], reverse=True)  # newest first
            return _json(self.page([{**m, "conversationsThreadId": match.group(1)} for m in items], after, 3))
        if path == "/crm/v3/objects/feedback_submissions":
            return _json(self.page(self.data["feedback"], after))
        if path == "/crm/v3/objects/feedback_submissions/search":
            return _json(self.search(self.data["feedback"], body or {}, after))
        if path == "/crm/v3/objects/users":
            return _json(self.page(self.data["users"], after))
        return _json({"status": "error", "message": f"no route {path}"}, 404)

    def page(self, records: list[dict], after: str | None, size: int | None = None) -> dict[str, Any]:
        """One page of `records` from offset `after`, with paging.next.after when more remain."""
        size = size or self.page_size
        start = int(after or 0)
        page: dict[str, Any] = {"results": copy.deepcopy(records[start : start + size])}
        if start + size < len(records):
            page["paging"] = {"next": {"after": str(start + size), "link": "..."}}
        return page

    def search(self, records: list[dict], body: dict, after: str | None) -> dict[str, Any]:
        """CRM search: hs_lastmodifieddate >= the filter's epoch ms, oldest change first."""
        since = int(body["filterGroups"][0]["filters"][0]["value"])
        found = sorted((r for r in records if _ms(r["properties"]["hs_lastmodifieddate"]) >= since),
                       key=lambda r: r["properties"]["hs_lastmodifieddate"])  # fmt: skip
        page = self.page([{"id": r["id"], "properties": r["properties"]} for r in found], after)
        return {"total": len(found), **page}


def _ms(text: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(payload), status=status, headers=headers or {}, content_type="application/json")


def answer(payload: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    """A canned answer to inject into FakeHubSpot.fail."""
    return _json(payload, status, headers) if not isinstance(payload, str) else Response(payload, status=status, headers=headers or {})
