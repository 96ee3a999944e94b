"""Charts as plain text for an 80-column terminal: bars per group for totals, a column chart
over time per group. Axes start at zero and carry the unit; all series share one scale."""

from __future__ import annotations

from svcstats.outcome import Outcome
from svcstats.output.charts.data import ChartData, chart_data
from svcstats.output.grid import heat_lines, is_grid
from svcstats.output.titles import title
from svcstats.query import ReportQuery

WIDTH = 80
HEIGHT = 6  # rows of a column chart
EIGHTHS_UP = " ▁▂▃▄▅▆▇█"
EIGHTHS_RIGHT = " ▏▎▍▌▋▊▉█"
LABEL_WIDTH = 22


def chart_text(outcome: Outcome, request: ReportQuery) -> str:
    """The chart drawn under a terminal table by --chart."""
    data = chart_data(outcome, request, title(outcome, request))
    if is_grid(outcome.result):  # by weekday and hour: a heat map, not 168 bars
        lines = heat_lines(outcome.result, data.value, data.value_label)
    elif not data.categories:
        lines = ["(nothing to chart: no records in this range)"]
    elif not data.maximum:
        lines = ["(nothing to chart: every value is 0 or empty)"]
    else:
        lines = bar_lines(data) if not data.over_time else column_lines(data)
    note = "" if is_grid(outcome.result) else data.note  # the heat map shows every cell
    header = f"Chart: {data.value_label}" + (f" ({note})" if note else "")
    return "\n".join([header, "", *lines]) + "\n"


def bar_lines(data: ChartData) -> list[str]:
    """One horizontal bar per category, longest = the maximum, with a zero-based scale line."""
    values = next(iter(data.series.values()))
    labels = [_fit(c, LABEL_WIDTH) for c in data.categories]
    label_width = max(map(len, labels), default=0)
    texts = [data.format(v) for v in values]
    value_width = max(map(len, texts), default=1)
    bar_width = WIDTH - label_width - value_width - 3
    top = data.maximum
    lines = []
    for label, value, text in zip(labels, values, texts, strict=True):
        bar = _bar(0 if value is None else value / top * bar_width if top else 0, bar_width)
        lines.append(f"{label:<{label_width}} {bar} {text:>{value_width}}".rstrip())
    scale_end = data.format(top)
    rule = "0" + "─" * max(bar_width - len(scale_end) - 1, 1) + scale_end
    lines.append(f"{'':<{label_width}} {rule}")
    return lines


def _bar(eighths_of_width: float, width: int) -> str:
    eighths = round(eighths_of_width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS_RIGHT[part] if part else "")).ljust(width)


def column_lines(data: ChartData) -> list[str]:
    """A small column chart per series, over the same periods and on the same scale."""
    top = data.maximum
    axis_labels = [data.format(top), "0"]
    axis_width = max(map(len, axis_labels))
    room = WIDTH - axis_width - 2
    categories, series = data.categories, data.series
    lines = []
    if len(categories) > room:
        lines.append(f"(the last {room} of {len(categories)} periods)")
        categories = categories[-room:]
        series = {name: values[-room:] for name, values in series.items()}
    step = max(1, min(3, room // max(len(categories), 1)))
    for name, values in series.items():
        if data.grouped:
            lines.append(name)
        heights = [0.0 if v is None or not top else v / top * HEIGHT * 8 for v in values]
        for row in range(HEIGHT - 1, -1, -1):
            label = axis_labels[0] if row == HEIGHT - 1 else ""
            cells = "".join(_cell(h - row * 8) * (step - 1 if step > 1 else 1) + (" " if step > 1 else "") for h in heights)
            lines.append(f"{label:>{axis_width}} ┤{cells}".rstrip())
        lines.append(f"{'0':>{axis_width}} └{'─' * (len(categories) * step)}")
        lines.append(" " * (axis_width + 2) + axis_text(categories, step).rstrip())
        lines.append("")
    return lines[:-1]


def axis_text(categories: list[str], step: int) -> str:
    """The x axis under `step`-wide columns: a label under the first column, then under every
    k-th column (k as small as the labels allow, two spaces apart), the last column's label when
    it fits after the previous one; one column chart has at least its first and last labelled."""
    width = len(categories) * step
    longest = max(map(len, categories), default=0)
    every = max(1, -(-(longest + 2) // step))  # columns per label, rounded up
    line = [" "] * (width + longest)
    placed_end = -1
    chosen = list(range(0, len(categories), every))
    if chosen[-1] != len(categories) - 1:
        chosen.append(len(categories) - 1)
    for index in chosen:
        at = index * step
        label = categories[index]
        if at <= placed_end + 1 and index:
            continue  # would touch the label before (the last one, squeezed)
        line[at : at + len(label)] = label
        placed_end = at + len(label)
    return "".join(line)


def _cell(eighths: float) -> str:
    if eighths >= 8:
        return "█"
    if eighths <= 0:
        return " "
    return EIGHTHS_UP[max(1, round(eighths))]


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
