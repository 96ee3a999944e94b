"""The words around a result: its heading, and the columns a table leaves out. Shared by the
terminal table, the charts and the html page; no Polars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from svcstats.query import DEFAULT_STATS, ReportQuery

if TYPE_CHECKING:
    from svcstats.catalog import ReportInfo
    from svcstats.outcome import Outcome


def title(outcome: Outcome, query: ReportQuery) -> str:
    """The heading of a result: report, shape, range and time zone."""
    shape = "totals" if query.totals or outcome.info.range_only else query.frequency or outcome.info.default_frequency
    hours = " · business hours" if query.hours == "business" else ""
    return f"{outcome.info.title} · {shape} · {outcome.date_range.describe()} ({outcome.tz}){hours}{compared(outcome, shape)}"


def compared(outcome: Outcome, shape: str) -> str:
    """What --compare set beside the figures, for the heading ("" without it)."""
    if outcome.compare is None or outcome.compared_range is None:
        return ""
    if shape == "totals":
        return f" · vs {outcome.compared_range.describe()}"
    if outcome.compare == "previous":
        return " · vs the period before"
    return " · vs a year earlier" + (" (52 weeks)" if shape in ("daily", "weekly") else "")


def hidden_columns(info: ReportInfo, requested: Sequence[str]) -> list[str]:
    """Duration columns the table leaves out when --stat chose others."""
    if not requested or not info.duration_stats:
        return []
    return [f"{stat}_{info.duration_unit}" for stat in DEFAULT_STATS if stat not in requested]
