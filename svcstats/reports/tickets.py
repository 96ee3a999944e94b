"""Definitions about tickets that several reports share."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from svcstats.errors import DataError, UsageError
from svcstats.loaders.dataset import Dataset
from svcstats.loaders.presets.base import missing_hint


def is_closed(now: datetime | None = None) -> pl.Expr:
    """Whether a ticket is closed as of `now`: marked closed (is_closed), or when the export does
    not say, closed at or before `now` (a close after --as-of was still open then)."""
    closed_by_now = pl.col("closed_at").is_not_null()
    if now is not None:
        closed_by_now &= pl.col("closed_at") <= now
    return pl.col("is_closed").fill_null(closed_by_now) & (closed_by_now | pl.col("closed_at").is_null())


def require_close_dates(dataset: Dataset, report: str) -> None:
    """A data error when the tickets export has no close dates at all."""
    if "closed_at" not in dataset.columns("tickets"):
        raise DataError(
            f"{report} needs close dates, and {dataset.label('tickets')} has no closed_at column",
            missing_hint(
                dataset.source_format_of("tickets"),
                "closed_at",
                'export the "Close date" property, or map your column onto closed_at in svcstats.toml',
            ),
        )


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
