"""--as-of as a snapshot: each table as it stood at one instant (the end of the --as-of day).

Every report reads its tables through `Dataset.load`, which applies `cut` when the dataset has a
cut-off, so that all reports compute from the same snapshot. At the cut-off instant `cut`
(exclusive: an instant is visible when it is before `cut`):

- a record created at or after `cut` does not exist yet (tickets by created_at, messages by
  sent_at, stage visits by entered_at, availability events by started_at, surveys by
  submitted_at, agent conversations by started_at, knowledge-gap questions by asked_at);
- an instant at or after `cut` has not happened yet: it is empty (a close, a first response, a
  reopen, a stage exit, an SLA clock's completion (a clock started later does not exist; a due
  time is a plan, kept), an availability event's end, a conversation's end, handoff and close);
- what follows from those instants is reset with them: a ticket closed later is open (is_closed
  false), unless it was first closed before `cut` and reopened after it (then it was closed at
  its last close before `cut`: its first close when the close date is later or empty); a
  conversation handed off later was not handed off yet (no handoff reason or assigned rep), and
  one with any instant later was still going at `cut`: its last activity is `cut` (so it is
  pending, not judged) and it has no feedback yet.

Working hours and holidays are a calendar, not events: they are kept whole.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

# table -> the column whose instant creates the record
BORN = {
    "tickets": "created_at",
    "messages": "sent_at",
    "stage_history": "entered_at",
    "availability": "started_at",
    "csat": "submitted_at",
    "agent_conversations": "started_at",
    "knowledge_gaps": "asked_at",
}
# table -> columns the cut reads (and so loads, even when the report did not ask for them)
NEEDS = {
    "tickets": ("closed_at", "first_closed_at", "first_response_at", "reopened_at", "is_closed"),
    "stage_history": ("exited_at",),
    "sla": ("completed_at", "started_at"),
    "availability": ("ended_at",),
    "agent_conversations": (
        "ended_at",
        "last_activity_at",
        "handoff_at",
        "closed_at",
        "handed_off",
        "handoff_reason",
        "assigned_rep",
        "feedback",
    ),
}


def needs(table: str) -> tuple[str, ...]:
    """The optional columns `cut` reads for `table`, beside its required ones."""
    return NEEDS.get(table, ())


def cut(table: str, frame: pl.LazyFrame, at: datetime) -> pl.LazyFrame:
    """`frame` (a loaded `table` holding at least `needs(table)`) as it stood just before `at`."""
    if table == "sla":  # a clock started later does not exist yet; a later completion has not happened
        return frame.filter(pl.col("started_at").is_null() | (pl.col("started_at") < pl.lit(at))).with_columns(
            _before("completed_at", pl.lit(at))
        )
    born = BORN.get(table)
    if born is None:
        return frame
    edge = pl.lit(at)
    frame = frame.filter(pl.col(born) < edge)
    if table == "tickets":
        return _tickets(frame, edge)
    if table == "stage_history":
        return frame.with_columns(_before("exited_at", edge))
    if table == "availability":
        return frame.with_columns(_before("ended_at", edge))
    if table == "agent_conversations":
        return _conversations(frame, edge, at)
    return frame


def _before(column: str, edge: pl.Expr) -> pl.Expr:
    """`column` where its instant is before the cut, else empty."""
    return pl.when(pl.col(column) < edge).then(pl.col(column)).alias(column)


def _later(column: str, edge: pl.Expr) -> pl.Expr:
    """True where `column` holds an instant at or after the cut."""
    return (pl.col(column) >= edge).fill_null(False)


def _tickets(frame: pl.LazyFrame, edge: pl.Expr) -> pl.LazyFrame:
    col = pl.col
    # closed before the cut and reopened after it: closed at the cut (whatever it is now: closed again
    # later, or open with no close date or a stale one), since its last close before the cut
    closed_then = (col("first_closed_at") < edge).fill_null(False) & _later("reopened_at", edge)
    closed_at = pl.when(col("closed_at") < edge).then(col("closed_at")).when(closed_then).then(col("first_closed_at"))
    is_closed = pl.when(closed_then).then(True).when(_later("closed_at", edge)).then(False).otherwise(col("is_closed"))
    return frame.with_columns(
        closed_at.alias("closed_at"),
        is_closed.alias("is_closed"),
        _before("first_closed_at", edge),
        _before("first_response_at", edge),
        _before("reopened_at", edge),
    )


def _conversations(frame: pl.LazyFrame, edge: pl.Expr, at: datetime) -> pl.LazyFrame:
    col = pl.col
    handed_later = _later("handoff_at", edge)
    going = pl.any_horizontal(_later(c, edge) for c in ("ended_at", "last_activity_at", "handoff_at", "closed_at"))
    last_moment = pl.lit(at - timedelta(microseconds=1))
    return frame.with_columns(
        _before("ended_at", edge),
        _before("handoff_at", edge),
        _before("closed_at", edge),
        pl.when(going).then(last_moment).otherwise(col("last_activity_at")).alias("last_activity_at"),
        pl.when(handed_later).then(False).otherwise(col("handed_off")).alias("handed_off"),
        *(pl.when(~handed_later).then(col(c)).alias(c) for c in ("handoff_reason", "assigned_rep")),
        pl.when(~going).then(col("feedback")).alias("feedback"),
    )
