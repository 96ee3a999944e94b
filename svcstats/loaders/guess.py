"""Guess how an unrecognised export's headers map onto a neutral table, for `svcstats data map`.

Each neutral column has a few usual header spellings across help desks and spreadsheets;
a header matches a column when it equals one, or holds all of its words. The table whose
required columns are best covered is chosen. Guesses only: the stub says to check them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from svcstats.schema import TABLES

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "tickets": {
        "ticket_id": ("ticket id", "ticket number", "ticket no", "ticket #", "case id", "case number", "conversation id", "id", "number"),
        "created_at": (
            "created at",
            "created",
            "create date",
            "created date",
            "creation date",
            "date created",
            "opened",
            "opened at",
            "created on",
            "submitted at",
        ),
        "closed_at": (
            "closed at",
            "closed",
            "close date",
            "closed date",
            "date closed",
            "resolved at",
            "resolved",
            "solved at",
            "resolution date",
            "closed on",
        ),
        "first_response_at": (
            "first response at",
            "first response date",
            "first reply at",
            "first replied at",
            "first response time",
            "first reply date",
        ),
        "status": ("status", "state", "ticket status"),
        "owner": ("owner", "assignee", "assigned to", "agent", "rep", "responder", "ticket owner", "assigned agent"),
        "team": ("team", "group", "department", "queue"),
        "source": ("source", "channel", "via", "origin", "medium"),
        "priority": ("priority", "urgency", "severity"),
        "subject": ("subject", "title", "summary", "ticket name"),
        "pipeline": ("pipeline", "board", "workflow"),
    },
    "csat": {
        "submitted_at": ("submitted at", "submitted", "recorded date", "rated at", "response date", "survey date", "date"),
        "rating": ("rating", "score", "csat", "satisfaction", "satisfaction score", "csat score"),
        "ticket_id": ("ticket id", "ticket number", "conversation id", "case id"),
        "rep": ("agent", "agent name", "rep", "owner", "assignee"),
        "comment": ("comment", "feedback", "feedback comment", "remark"),
    },
    "messages": {
        "ticket_id": ("ticket id", "conversation id", "thread id", "case id"),
        "sent_at": ("sent at", "created at", "timestamp", "date", "sent", "message date"),
        "sender_type": ("sender type", "author type", "from", "direction", "role", "sender role"),
        "sender": ("sender", "author", "author name", "agent"),
        "is_public": ("public", "is public", "visibility"),
    },
    "availability": {
        "rep": ("rep", "agent", "user", "name"),
        "status": ("status", "availability", "state"),
        "started_at": ("started at", "start", "from", "changed at", "timestamp"),
        "ended_at": ("ended at", "end", "until", "to"),
    },
}


@dataclass(frozen=True)
class Guess:
    """The table an export most likely holds, and header -> neutral column guesses."""

    table: str
    columns: dict[str, str]
    missing: list[str]  # required columns without a guess


def words(text: str) -> list[str]:
    """A header's words: lower case, split at spaces, underscores, dashes, dots and brackets."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)  # createdAt -> created At
    return [w for w in re.split(r"[\s_\-./()\[\]:#]+", spaced.casefold()) if w]


def guess(headers: list[str]) -> Guess:
    """The best table for `headers` and a mapping of each guessed header."""
    best: Guess | None = None
    score = (-1, -1)
    for table, synonyms in SYNONYMS.items():
        columns = _match(headers, synonyms)
        required = list(TABLES[table].required)
        covered = sum(1 for c in required if c in columns.values())
        candidate = Guess(table, columns, [c for c in required if c not in columns.values()])
        if (covered * 100 // len(required), len(columns)) > score:
            best, score = candidate, (covered * 100 // len(required), len(columns))
    assert best is not None
    return best


def _match(headers: list[str], synonyms: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """header -> column: exact spellings first (in the order listed), then headers holding all words."""
    mapping: dict[str, str] = {}
    spelled = {" ".join(words(h)): h for h in headers}
    for strict in (True, False):
        for column, names in synonyms.items():
            if column in mapping.values():
                continue
            for name in names:
                target = " ".join(words(name))
                header = spelled.get(target) if strict else _containing(headers, target, mapping)
                if header is not None and header not in mapping:
                    mapping[header] = column
                    break
    return mapping


def _containing(headers: list[str], target: str, taken: dict[str, str]) -> str | None:
    wanted = set(target.split())
    if len(wanted) < 2:  # one-word names only match exactly ("id" is in too many headers)
        return None
    return next((h for h in headers if h not in taken and wanted <= set(words(h))), None)
