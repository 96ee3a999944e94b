"""Definitions about tickets that several reports share."""

from __future__ import annotations

import polars as pl

HOURS_PER_MICROSECOND = 1 / 3.6e9


def is_closed() -> pl.Expr:
    """A ticket is closed when it has a close date and is not marked open (is_closed not false)."""
    return pl.col("closed_at").is_not_null() & pl.col("is_closed").fill_null(True)


def hours_between(start: str, end: str) -> pl.Expr:
    """Calendar hours from column `start` to column `end` (negative when end comes first)."""
    return (pl.col(end) - pl.col(start)).dt.total_microseconds() * HOURS_PER_MICROSECOND
