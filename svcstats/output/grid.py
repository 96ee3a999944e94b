"""A result by weekday and hour (message-volume-by-hour --by-weekday) as people read it in a
terminal: a weekday x hour grid of each count, and a heat map of the charted value, one per
group. Machine formats keep the long form (one row per weekday and hour)."""

from __future__ import annotations

import math
import textwrap

import polars as pl

from svcstats.output.render import column_label

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # weekday 1 = Monday ... 7 = Sunday
SHADES = "░▒▓█"  # a heat-map cell: up to a quarter, a half, three quarters, all of the maximum
SLOTS = ("weekday", "hour")
HOURS = range(24)


def is_grid(result: pl.DataFrame) -> bool:
    """Whether a result is by weekday and hour (so a terminal shows it as a grid)."""
    return all(column in result.columns for column in SLOTS)


def _groups(result: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    """The result's groups in order (the columns before weekday), each with its rows; one
    unnamed group when there are none."""
    keys = result.columns[: result.columns.index("weekday")]
    if not keys:
        return [("", result)]
    labelled = result.with_columns(pl.concat_str([pl.col(k).cast(pl.String).fill_null("–") for k in keys], separator=" · ").alias("_group"))
    names = labelled["_group"].unique(maintain_order=True).to_list()
    return [(name, labelled.filter(pl.col("_group") == name)) for name in names]


def _cells(rows: pl.DataFrame, value: str) -> dict[tuple[int, int], float | None]:
    """(weekday, hour) -> the value of that cell."""
    return {(int(d), int(h)): v for d, h, v in rows.select(*SLOTS, value).iter_rows()}


def grid_text(result: pl.DataFrame, title: str, width: int | None) -> str:
    """Each whole-number column (counts) as a weekday x hour grid per group; the hours fold into
    blocks (0-11, 12-23) when 24 columns do not fit `width`."""
    values = [c for c, dtype in result.schema.items() if dtype.is_integer() and c not in SLOTS]
    fit = (lambda text: [text]) if width is None else (lambda text: textwrap.wrap(text, width))
    lines = [*fit(title), ""] if title else []
    for group, rows in _groups(result):
        for value in values:
            cells = _cells(rows, value)
            cell = max([len(str(v)) for v in cells.values() if v is not None] + [2]) + 1
            per_block = len(HOURS) if width is None else max(1, min(len(HOURS), (width - 4) // cell))
            while len(HOURS) % per_block:  # blocks of equal size: 24, 12, 8, 6, 4, ...
                per_block -= 1
            lines += fit((f"{group} · " if group else "") + f"{column_label(value, result.columns)}, by weekday and hour")
            for start in range(0, len(HOURS), per_block):
                hours = HOURS[start : start + per_block]
                lines.append("    " + "".join(f"{h:>{cell}}" for h in hours))
                for day, name in enumerate(WEEKDAYS, start=1):
                    texts = ("–" if cells.get((day, h)) is None else str(cells[(day, h)]) for h in hours)
                    lines.append(name + " " + "".join(f"{t:>{cell}}" for t in texts))
            lines.append("")
    if result.is_empty():
        lines.append("no records in this range")
    return "\n".join(line.rstrip() for line in lines).rstrip("\n") + "\n\n"  # a blank line after, as under a table


def heat_cells(result: pl.DataFrame, value: str) -> dict[str, list[list[float | None]]]:
    """The value per group as 7 weekday rows (Monday first) of 24 hours, for chart files."""
    found = {}
    for group, rows in _groups(result):
        cells = _cells(rows, value)
        found[group] = [[cells.get((day, hour)) for hour in HOURS] for day in range(1, len(WEEKDAYS) + 1)]
    return found


def heat_lines(result: pl.DataFrame, value: str, label: str) -> list[str]:
    """The charted value as a heat map per group: a weekday per row, two characters per hour,
    shaded by the share of the largest cell (all groups on one scale), and the scale under it."""
    largest = result[value].cast(pl.Float64).max() if not result.is_empty() else None
    if not isinstance(largest, float) or not largest:
        return ["(nothing to chart: every value is 0 or empty)"]
    top = largest
    lines = []
    for group, rows in _groups(result):
        cells = _cells(rows, value)
        if group:
            lines.append(group)
        lines.append("    " + "".join(f"{h:<6}" for h in range(0, 24, 3)).rstrip())
        for day, name in enumerate(WEEKDAYS, start=1):
            lines.append((name + " " + "".join(_shade(cells.get((day, h)), top) * 2 for h in HOURS)).rstrip())
        lines.append("")
    quarter = top / 4
    scale = "  ".join(f"{shade} up to {_number(quarter * n)}" for n, shade in enumerate(SHADES, start=1))
    return [*lines, f"{label}: {scale}; blank = 0"]


def _shade(cell: float | None, top: float) -> str:
    if not cell:
        return " "
    return SHADES[min(len(SHADES) - 1, max(0, math.ceil(cell / top * len(SHADES)) - 1))]


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
