"""Counts of records left out of a result, and why: collected with the report, shown on stderr.

Loaders add a check for values they could not parse; reports add checks for records they
exclude (open tickets, impossible durations). Every check is a lazy frame, so the counts are
computed in the same `collect_all` as the report itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import polars as pl

Severity = Literal["warning", "note"]


@dataclass(frozen=True)
class Finding:
    """`rows` records of `where` were left out because of `what`; warnings are bad data, notes are by design."""

    where: str
    what: str
    rows: int
    severity: Severity = "warning"
    example: str | None = None
    unit: str = "row"  # what `rows` counts
    verb: str = "left out"  # what happened to them
    # the values `rows` counts when it counts distinct ones (reps): how partitions' counts are combined
    distinct: tuple[str, ...] = field(default=(), compare=False, repr=False)

    def message(self) -> str:
        """The one-line stderr message for this finding."""
        noun = self.unit if self.rows == 1 else f"{self.unit}s"
        example = f" (e.g. {self.example})" if self.example else ""
        return f"{self.severity}: {self.where}: {self.rows} {noun} {self.verb}: {self.what}{example}"

    def strict_message(self) -> str:
        """The error when --strict makes this finding fatal."""
        noun = "row" if self.rows == 1 else "rows"
        example = f", e.g. {self.example}" if self.example else ""
        return f"{self.where}: {self.what} in {self.rows} {noun}{example}"


@dataclass(frozen=True)
class Check:
    """A lazy query whose collected result `read` turns into findings."""

    frame: pl.LazyFrame
    read: Callable[[pl.DataFrame], list[Finding]]


def count_check(frame: pl.LazyFrame, where: str, what: str, severity: Severity = "warning") -> Check:
    """A check counting the rows of `frame` (already filtered to the records left out)."""

    def read(result: pl.DataFrame) -> list[Finding]:
        rows = int(result.item())
        return [Finding(where, what, rows, severity)] if rows else []

    return Check(frame.select(pl.len()), read)


def counts_check(frame: pl.LazyFrame, where: str, counts: Sequence[tuple[pl.Expr, str, Severity]]) -> Check:
    """A check counting, in one pass over `frame`, the rows meeting each condition of `counts`
    (condition, what, severity): one finding per reason with any."""

    def read(result: pl.DataFrame) -> list[Finding]:
        found = zip(counts, result.row(0), strict=True)
        return [Finding(where, what, int(rows), severity) for (_, what, severity), rows in found if rows]

    return Check(frame.select(condition.sum().alias(f"count:{i}") for i, (condition, _, _) in enumerate(counts)), read)
