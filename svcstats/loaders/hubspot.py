"""HubSpot's ticket export: display-label headers onto neutral columns, stage columns into stage history.

Headers are matched case-insensitively with whitespace collapsed, and internal property names
(exports made with "internal names") are accepted too. See reference/export-formats.md §2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

# Normalised header -> neutral tickets column. Earlier entries win when an export has both.
TICKET_COLUMNS = {
    "ticket id": "ticket_id", "hs_ticket_id": "ticket_id", "record id": "ticket_id", "hs_object_id": "ticket_id",
    "ticket name": "subject", "subject": "subject",
    "create date": "created_at", "createdate": "created_at",
    "close date": "closed_at", "closed_date": "closed_at",
    "ticket reopen date": "reopened_at", "hs_ticket_reopened_at": "reopened_at",
    "pipeline": "pipeline", "hs_pipeline": "pipeline",
    "ticket status": "status", "hs_pipeline_stage": "status",
    "ticket owner": "owner", "hubspot_owner_id": "owner",
    "hubspot team": "team", "hubspot_team_id": "team",
    "source": "source", "source_type": "source",
    "priority": "priority", "hs_ticket_priority": "priority",
    "first agent response date": "first_response_at", "hs_first_agent_message_sent_at": "first_response_at",
    "first agent email response date": "first_response_at", "first_agent_reply_date": "first_response_at",
    "time to first agent email reply (hh:mm:ss)": "first_email_reply_seconds",
    "time to first agent email reply": "first_email_reply_seconds",
    # SLA properties (status: codes 0-4 with internal names, else their labels; due dates)
    "time to first response sla status": "sla_first_response_status",
    "hs_time_to_first_response_sla_status": "sla_first_response_status",
    "time to next response sla status": "sla_next_response_status",
    "hs_time_to_next_response_sla_status": "sla_next_response_status",
    "time to close sla status": "sla_close_status", "time to close sla ticket status": "sla_close_status",
    "hs_time_to_close_sla_status": "sla_close_status",
    "time to first response sla due date": "sla_first_response_due_at",
    "hs_time_to_first_response_sla_at": "sla_first_response_due_at",
    "time to next response sla due date": "sla_next_response_due_at",
    "hs_time_to_next_response_sla_at": "sla_next_response_due_at",
    "time to close sla due date": "sla_close_due_at", "hs_time_to_close_sla_at": "sla_close_due_at",
}  # fmt: skip
SIGNATURE = ({"ticket id", "hs_ticket_id", "record id", "hs_object_id"}, {"create date", "createdate"})
STAGE_HEADER = re.compile(r"^date (entered|exited) [\"'](?P<inner>.+)[\"']$")


def normalise(header: str) -> str:
    """Header text as matched: stripped, case-folded, inner whitespace collapsed."""
    return " ".join(header.replace("\ufeff", "").split()).casefold()


def looks_like_hubspot(headers: list[str]) -> bool:
    """True when the headers carry HubSpot's ticket-export signature (Ticket ID and Create date)."""
    found = {normalise(h) for h in headers}
    return all(found & names for names in SIGNATURE)


def ticket_column_map(headers: list[str]) -> dict[str, str]:
    """Export header -> neutral column for the headers HubSpot's ticket export uses."""
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    by_norm = {normalise(h): h for h in headers}
    for norm, neutral in TICKET_COLUMNS.items():
        if norm in by_norm and neutral not in taken:
            mapping[by_norm[norm]] = neutral
            taken.add(neutral)
    return mapping


@dataclass(frozen=True)
class StageColumns:
    """The entered/exited columns of one pipeline stage in a HubSpot export."""

    pipeline: str
    stage: str
    order: int
    entered: str
    exited: str | None


def stage_columns(headers: list[str]) -> list[StageColumns]:
    """The stages named by `Date entered "Stage (Pipeline)"` headers, in export order."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for header in headers:
        match = STAGE_HEADER.match(normalise(header))
        if not match:
            continue
        stage, pipeline = split_stage_label(_quoted_part(header))
        found.setdefault((pipeline, stage), {})[match.group(1)] = header
    stages: list[StageColumns] = []
    orders: dict[str, int] = {}
    for (pipeline, stage), cols in found.items():
        if "entered" not in cols:
            continue
        orders[pipeline] = orders.get(pipeline, 0) + 1
        stages.append(StageColumns(pipeline, stage, orders[pipeline], cols["entered"], cols.get("exited")))
    return stages


def split_stage_label(inner: str) -> tuple[str, str]:
    """Split "Waiting on us (Support Pipeline)" at the last " (" into (stage, pipeline)."""
    head, sep, tail = inner.rpartition(" (")
    if not sep or not tail.endswith(")"):
        return inner.strip(), ""
    return head.strip(), tail[:-1].strip()


def _quoted_part(header: str) -> str:
    """The text between the quotes of a stage header, in its original case."""
    text = " ".join(header.split())
    start = min(i for i in (text.find('"'), text.find("'")) if i >= 0)
    return text[start + 1 : -1]


def stage_history(raw: pl.LazyFrame, ticket_id: str, stages: list[StageColumns]) -> pl.LazyFrame:
    """One row per (ticket, stage) the ticket entered, untyped: HubSpot exports keep only the
    latest entry and exit of each stage, so re-entries are not visible here. A ticket exported
    twice gives its stages once, from its last row (as the tickets table keeps it)."""
    key = pl.col(ticket_id).cast(pl.String).str.strip_chars()
    raw = raw.with_row_index("row:ticket").filter(key.is_null() | (pl.col("row:ticket") == pl.col("row:ticket").max().over(key)))
    rows = [
        raw.select(
            pl.col(ticket_id).alias("ticket_id"),
            pl.lit(s.pipeline).alias("pipeline"),
            pl.lit(s.stage).alias("stage"),
            pl.lit(None, pl.String).alias("stage_order"),  # from the data once loaded: see with_stage_order
            pl.lit("true" if "closed" in s.stage.casefold() else "false").alias("is_closed_stage"),
            # as text: an xlsx export's date cells come typed, and each stage's columns may differ
            pl.col(s.entered).cast(pl.String).alias("entered_at"),
            (pl.col(s.exited).cast(pl.String) if s.exited else pl.lit(None, pl.String)).alias("exited_at"),
        ).filter(pl.col("entered_at").str.strip_chars().str.len_bytes() > 0)  # a fully quoted export writes "" for none
        for s in stages
    ]
    return pl.concat(rows, how="vertical")


def with_stage_order(visits: pl.LazyFrame) -> pl.LazyFrame:
    """`visits` (loaded stage history) with stage_order taken from the data, since an export's
    column order is no stage order: per pipeline, open stages by the median time from a ticket's
    first entry into the pipeline to its entry into the stage, then closed stages; ties by name.
    The same export gives the same order whatever its column order, header case or file format."""
    names = visits.collect_schema().names()
    pipeline = pl.col("pipeline") if "pipeline" in names else pl.lit(None, pl.String)
    closed = pl.col("is_closed_stage") if "is_closed_stage" in names else pl.col("stage").str.to_lowercase().str.contains("closed")
    first = pl.col("entered_at").min().over("ticket_id", "pipeline")
    typical = (
        visits.select("ticket_id", "stage", "entered_at", pipeline.alias("pipeline"), closed.alias("is_closed_stage"))
        .group_by("pipeline", "stage")
        .agg(
            (pl.col("entered_at") - first).median().alias("typical"),
            pl.col("is_closed_stage").fill_null(False).any().alias("closed"),
        )
        .sort("pipeline", "closed", "typical", pl.col("stage").str.to_lowercase(), "stage", nulls_last=True)
        .select("pipeline", "stage", (pl.col("stage").cum_count().over("pipeline")).cast(pl.Int64).alias("order"))
    )
    keyed = visits.with_columns(pipeline.alias("pipeline:order"))
    return (
        keyed.join(typical.rename({"pipeline": "pipeline:order"}), on=["pipeline:order", "stage"], how="left", nulls_equal=True)
        .with_columns(pl.col("order").alias("stage_order"))
        .drop("order", "pipeline:order")
    )
