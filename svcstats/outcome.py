"""What computing a report gives back: the result, the findings and the settings it ran with.

Its own module so that the output layer (tables, charts, exports) reads an outcome without
importing the code that computes it (`runner`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

    from svcstats.catalog import ReportInfo
    from svcstats.daterange import DateRange
    from svcstats.findings import Finding


@dataclass
class Outcome:
    """A computed report: the result frame, what was left out, and the settings it was computed
    with (resolved once, so that a manifest or a shared command line says what this run did)."""

    info: ReportInfo
    result: pl.DataFrame
    findings: list[Finding]
    date_range: DateRange
    tz: str
    seconds: float
    as_of: date  # "today" as this run took it: --as-of, else the date in `tz` when it resolved
    data: Path
    config_path: Path | None
    recognised: dict[str, str] = field(default_factory=dict)  # table -> help-desk export it was read from (-v)
    compare: str | None = None  # --compare: "previous" or "year"; None without it
    compared_range: DateRange | None = None  # the range compared with (totals), or all rows' compared periods together
    ran_on: str = ""  # where it was computed, for -v ("Spark at local[2]"); "" for here, on the query's Polars engine
