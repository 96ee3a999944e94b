"""Definitions about tickets that several reports share."""

from __future__ import annotations

import polars as pl

from svcstats.errors import UsageError
from svcstats.loaders.dataset import Dataset

HOURS_PER_MICROSECOND = 1 / 3.6e9


def is_closed() -> pl.Expr:
    """A ticket is closed when it has a close date and is not marked open (is_closed not false)."""
    return pl.col("closed_at").is_not_null() & pl.col("is_closed").fill_null(True)


def hours_between(start: str, end: str) -> pl.Expr:
    """Calendar hours from column `start` to column `end` (negative when end comes first)."""
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() * HOURS_PER_MICROSECOND


def closed_stage() -> pl.Expr:
    """Stage-history rows of a closed stage: is_closed_stage, or when that is not given, a stage
    whose name contains "closed"."""
    return pl.col("is_closed_stage").fill_null(pl.col("stage").str.to_lowercase().str.contains("closed"))


def with_first_close(dataset: Dataset, tickets: pl.LazyFrame) -> tuple[pl.LazyFrame, bool]:
    """`tickets` with first_closed_at filled from stage history (first entry into a closed stage)
    when the export does not carry it; the flag says whether first closes are known at all
    (HubSpot's exported stage columns keep only the latest entry, so they do not count)."""
    if "first_closed_at" in dataset.columns("tickets"):
        return tickets, True
    if not dataset.has("stage_history") or dataset.latest_visits_only("stage_history"):
        return tickets, False
    stages = dataset.load("stage_history", ["is_closed_stage"])
    first = stages.filter(closed_stage()).group_by("ticket_id").agg(pl.col("entered_at").min().alias("stage_first_closed_at"))
    filled = tickets.join(first, on="ticket_id", how="left").with_columns(
        pl.coalesce("first_closed_at", "stage_first_closed_at").alias("first_closed_at")
    )
    return filled.drop("stage_first_closed_at"), True


def require_first_close(known: bool, report: str) -> None:
    """A usage error when a report needs first closes and the data has none."""
    if not known:
        raise UsageError(
            f"{report} --close first needs first close dates",
            "export first_closed_at with the tickets, or add a stage_history table",
        )
