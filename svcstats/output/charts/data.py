"""What a chart shows: one value column of the result, as columns over time (one series per
group) or as bars per group for totals. Shared by the terminal and file charts."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from svcstats.outcome import Outcome
from svcstats.output.grid import heat_cells, is_grid
from svcstats.output.render import PERCENT_SUFFIX, cell_formatter, column_label, compared_base
from svcstats.query import ReportQuery

PREVIOUS, PREVIOUS_LABEL = "_previous", " · previous"  # --compare's column beside the charted one, and its series' name
MAX_SERIES = 8  # more groups than this: the largest are drawn, the note says how many were left out
MAX_BARS = 40  # the same for bars
NOT_LABELS = {"scale", "subject", "owner", "ranking"}  # text columns that describe rows rather than group them


@dataclass
class ChartData:
    """Categories along one axis, one list of values (aligned with them) per series."""

    title: str
    value: str  # the charted column
    value_label: str  # e.g. "Median time (hours)"
    over_time: bool  # columns over periods; else bars per group
    categories: list[str]
    series: dict[str, list[float | None]]
    note: str = ""  # what was left out of the picture, if anything
    grouped: bool = True  # one series per group (else a single series, named after the value)
    business: bool = False  # --hours business: durations in hours, as the table shows them
    heat: dict[str, list[list[float | None]]] | None = None  # by weekday and hour: group -> 7 x 24 cells

    def format(self, value: float | None) -> str:
        """A value as the table shows it (durations humanised, percentages with %)."""
        return cell_formatter(self.value, pl.Float64(), self.business)(value)

    @property
    def maximum(self) -> float:
        """The largest value drawn (0 when there is none): the top of an axis that starts at zero."""
        cells = [v for grid in (self.heat or {}).values() for row in grid for v in row]
        return max((v for values in [*self.series.values(), cells] for v in values if v is not None), default=0.0)


def value_column(outcome: Outcome, request: ReportQuery) -> str:
    """The column a chart draws: the first --stat (else the median) of a report with durations
    (the first such column, e.g. median_first_hours), else the first percentage, else the first count."""
    info = outcome.info
    result = outcome.result.select(c for c in outcome.result.columns if compared_base(c, outcome.result.columns) is None)
    if info.chart is not None:  # the report's definition says what to draw
        return info.chart.value
    stat = request.stats[0] if request.stats else "median"
    for column in result.columns:
        if column.startswith(f"{stat}_") and column.endswith(f"_{info.duration_unit}"):
            return column
    for column in result.columns:
        if column.endswith(PERCENT_SUFFIX):
            return column
    numeric = [c for c, dtype in result.schema.items() if dtype.is_numeric() and c not in ("rank", "stage_order", "hour")]
    return numeric[0]


def unit_of(column: str) -> str:
    """The unit a value column is in, for axis labels."""
    if column.endswith("_hours"):
        return "hours"
    if column.endswith("_minutes"):
        return "minutes"
    if column.endswith(PERCENT_SUFFIX):
        return "%"
    return column.replace("_", " ")


def chart_data(outcome: Outcome, request: ReportQuery, title: str) -> ChartData:
    """The chart of `outcome`'s result as `request` shaped it."""
    result, info = outcome.result, outcome.info
    value = value_column(outcome, request)
    if info.chart is not None and info.chart.ranking is not None:
        result = result.filter(pl.col("ranking") == info.chart.ranking)
    if info.chart is not None:
        labels = [c for c in info.chart.labels if c in result.columns]
    else:
        labels = [c for c, dtype in result.schema.items() if dtype in (pl.String, pl.Categorical, pl.Enum) and c not in NOT_LABELS]
    over_time = "period_start" in result.columns
    unit = unit_of(value)
    name = column_label(value.removesuffix(PERCENT_SUFFIX))
    value_label = f"{name} ({unit})" if unit != value.replace("_", " ") else name
    if is_grid(result):  # by weekday and hour: a heat map per group, every cell shown
        heat = heat_cells(result, value)
        note = f"the first {MAX_SERIES} of {len(heat)} groups shown" if len(heat) > MAX_SERIES else ""
        heat = dict(list(heat.items())[:MAX_SERIES])
        return ChartData(title, value, value_label, False, [], {}, note, grouped=len(heat) > 1, heat=heat)
    label = pl.concat_str([pl.col(c).cast(pl.String).fill_null("–") for c in labels], separator=" · ") if labels else pl.lit(name)
    frame = result.select(label.alias("label"), *(["period_start"] if over_time else []), pl.col(value).cast(pl.Float64).alias("value"))
    previous = f"{value}{PREVIOUS}"
    if previous in result.columns:  # --compare: the compared figures drawn beside, as their own series or bars
        before = result.select(
            (label + pl.lit(PREVIOUS_LABEL)).alias("label"),
            *(["period_start"] if over_time else []),
            pl.col(previous).cast(pl.Float64).alias("value"),
        )
        if over_time:
            frame = pl.concat([frame, before])
        else:  # each bar followed by its previous one
            frame = pl.concat([frame.with_row_index(), before.with_row_index()]).sort("index", maintain_order=True).drop("index")
    note = ""
    if over_time:
        ranked = frame.group_by("label").agg(pl.col("value").sum().alias("total")).sort(["total", "label"], descending=[True, False])
        keep = ranked["label"].head(MAX_SERIES).to_list()
        if ranked.height > MAX_SERIES:
            note = f"the {MAX_SERIES} largest of {ranked.height} groups shown"
        periods = frame["period_start"].unique().sort()
        categories = [str(p) for p in periods]
        series = {}
        for key in sorted(keep):
            part = frame.filter(pl.col("label") == key)
            by_period = dict(zip(part["period_start"].cast(pl.String).to_list(), part["value"].to_list(), strict=True))
            series[key] = [by_period.get(c) for c in categories]
    else:
        if frame.height > MAX_BARS:
            note = f"the {MAX_BARS} largest of {frame.height} shown"
            frame = frame.with_row_index("order").top_k(MAX_BARS, by=["value", "order"], reverse=[False, True]).sort("order")
        categories = frame["label"].to_list()
        series = {name: frame["value"].to_list()}
    business = request.hours == "business"
    grouped = bool(labels) or previous in result.columns  # a legend names the current and previous series
    return ChartData(title, value, value_label, over_time, categories, series, note, grouped=grouped, business=business)
