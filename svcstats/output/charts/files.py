"""Chart files: svg and png of the chart alone, and self-contained html pages (charts inlined as
SVG, tables, no scripts, no external URLs, no fonts fetched).

matplotlib draws the charts with its bundled DejaVu fonts; SVG text is written as paths, so the
page looks the same everywhere without any font. It is imported only when a chart file is asked for,
and used through its Figure API only (no pyplot, no global backend). Labels are data, never
math text: a team called "Pay $CA" is drawn as written.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from svcstats.outcome import Outcome
from svcstats.output.charts.data import ChartData, chart_data
from svcstats.output.files import emit
from svcstats.output.render import cell_formatter, column_label, table_view
from svcstats.output.titles import title
from svcstats.query import ReportQuery

if TYPE_CHECKING:
    from matplotlib.figure import Figure

COLOURS = ("#2f6db5", "#e0803a", "#3a9a5b", "#c8463d", "#8a63b8", "#8c6d4f", "#d46fb0", "#7f7f7f")
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; color: #1f2933; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2.5rem; }
.range { color: #52606d; margin-top: 0; } .note { color: #52606d; font-size: .9rem; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: .9rem; margin-top: .8rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #d9e2ec; text-align: left; }
th { background: #f0f4f8; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
"""


@dataclass
class Section:
    """One report on a page: its heading, its chart and its table."""

    heading: str
    outcome: Outcome
    request: ReportQuery
    label: str = ""


def figure(data: ChartData) -> Figure:
    """The chart as a matplotlib Figure: grouped columns over time, or horizontal bars (build it
    within `drawn()`, whose settings its texts take)."""
    from matplotlib.figure import Figure

    if data.heat is not None:
        return heat_figure(data)
    fig = Figure(figsize=(10, 4.6 if data.over_time else max(2.2, 0.32 * len(data.categories) + 1.2)), dpi=100, layout="constrained")
    ax = fig.subplots()
    positions = list(range(len(data.categories)))
    if data.over_time:
        width = 0.8 / max(len(data.series), 1)
        for n, (name, values) in enumerate(data.series.items()):
            offsets = [p - 0.4 + width * (n + 0.5) for p in positions]
            ax.bar(offsets, [0 if v is None else v for v in values], width, label=name, color=COLOURS[n % len(COLOURS)])
        every = max(1, len(positions) // 12)
        ax.set_xticks(positions[::every], data.categories[::every], rotation=30, ha="right")
        ax.set_ylabel(data.value_label)
        ax.set_ylim(bottom=0)
        if data.grouped:
            ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the plot, never over a bar
        ax.grid(axis="y", color="#d9e2ec")
    else:
        bars = [0.0 if v is None else v for v in next(iter(data.series.values()))]
        ax.barh(positions, bars, color=COLOURS[0])
        ax.set_yticks(positions, data.categories)
        ax.invert_yaxis()
        ax.set_xlabel(data.value_label)
        ax.set_xlim(left=0, right=(data.maximum or 1) * 1.12)
        for position, value in zip(positions, bars, strict=True):
            ax.annotate(data.format(value), (value, position), xytext=(3, 0), textcoords="offset points", va="center", fontsize="small")
        ax.grid(axis="x", color="#d9e2ec")
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(data.title + (f"\n({data.note})" if data.note else ""), fontsize="medium", loc="left")
    return fig


def heat_figure(data: ChartData) -> Figure:
    """A weekday x hour heat map per group (vector cells, one colour scale from zero)."""
    from matplotlib.figure import Figure

    from svcstats.output.grid import WEEKDAYS

    assert data.heat is not None
    groups = list(data.heat.items())
    fig = Figure(figsize=(10, 0.9 + 2.3 * len(groups)), dpi=100, layout="constrained")
    axes = fig.subplots(len(groups), 1, squeeze=False)[:, 0]
    mesh = None
    for ax, (name, grid) in zip(axes, groups, strict=True):
        values = [[0.0 if v is None else float(v) for v in row] for row in grid]
        mesh = ax.pcolormesh(values, cmap="Blues", vmin=0, vmax=data.maximum or 1, edgecolors="white", linewidth=0.5)
        ax.set_yticks([n + 0.5 for n in range(len(WEEKDAYS))], WEEKDAYS)
        ax.set_xticks([h + 0.5 for h in range(24)], [str(h) for h in range(24)], fontsize="small")
        ax.invert_yaxis()  # Monday on top, as in the terminal grid
        ax.set_title(name, fontsize="small", loc="left")
    if mesh is not None:
        fig.colorbar(mesh, ax=list(axes), label=data.value_label, shrink=0.9)
    fig.suptitle(data.title + (f" ({data.note})" if data.note else ""), fontsize="medium", x=0.01, ha="left")
    return fig


def drawn(data: ChartData, fmt: str, settings: dict[str, Any], **options: Any) -> bytes:
    """The chart saved as `fmt` with these matplotlib settings; labels are never parsed as math
    text ("$" is a dollar sign, and a lone one does not crash the drawing)."""
    import matplotlib

    buffer = io.BytesIO()
    rc: Any = {"text.parse_math": False, **settings}
    with matplotlib.rc_context(rc):
        figure(data).savefig(buffer, format=fmt, **options)
    return buffer.getvalue()


def svg_text(data: ChartData, salt: str = "svcstats") -> str:
    """The chart as an SVG document, the same on every run with the same salt."""
    return drawn(data, "svg", {"svg.hashsalt": salt, "svg.fonttype": "path"}, metadata={"Date": None}).decode()


def png_bytes(data: ChartData) -> bytes:
    """The chart as a PNG image."""
    return drawn(data, "png", {}, dpi=110, metadata={"Software": None})


def inline_svg(document: str, prefix: str = "") -> str:
    """An SVG document without its XML declaration and doctype, to embed in HTML; `prefix` goes
    before every id and reference to one, so that several charts on a page (which share glyph
    ids such as DejaVuSans-31) keep their ids unique."""
    svg = re.sub(r"^.*?(?=<svg)", "", document, count=1, flags=re.DOTALL)
    if prefix:
        svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\g<1>"', svg)
        svg = re.sub(r'(href="#|url\(#)([^")]+)', rf"\g<1>{prefix}-\g<2>", svg)
    return svg


def table_html(outcome: Outcome, request: ReportQuery) -> str:
    """The result as an HTML table with the terminal table's formatting."""
    result = table_view(outcome.result)
    formatters = [cell_formatter(name, dtype, columns=result.columns) for name, dtype in result.schema.items()]
    numeric = [dtype.is_numeric() for dtype in result.dtypes]
    head = "".join(
        f"<th{' class=n' if n else ''}>{html.escape(column_label(c, result.columns))}</th>"
        for c, n in zip(result.columns, numeric, strict=True)
    )
    body = "\n".join(
        "<tr>"
        + "".join(f"<td{' class=n' if n else ''}>{html.escape(f(v))}</td>" for f, v, n in zip(formatters, row, numeric, strict=True))
        + "</tr>"
        for row in result.iter_rows()
    )
    empty = "" if result.height else "<p class=note>No records in this range.</p>"
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>{empty}"


def page_html(heading: str, subtitle: str, sections: Sequence[Section]) -> str:
    """A self-contained page: a heading, the data range, then a chart and a table per report."""
    parts = []
    for n, section in enumerate(sections):
        data = chart_data(section.outcome, section.request, title(section.outcome, section.request))
        chart = inline_svg(svg_text(data, salt=f"svcstats-{n}"), prefix=f"c{n}")
        notes = f"<p class=note>{html.escape(data.note)}</p>" if data.note else ""
        table = table_html(section.outcome, section.request)
        parts.append(f"<section>\n<h2>{html.escape(section.heading)}</h2>\n{chart}\n{notes}{table}\n</section>")
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(heading)}</title>\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n<h1>{html.escape(heading)}</h1>\n<p class=range>{html.escape(subtitle)}</p>\n"
        f"{body}\n</body>\n</html>\n"
    )


def write_chart_file(outcome: Outcome, request: ReportQuery, fmt: str, output: Path | None) -> None:
    """Write one report as an html page (chart and table), or its chart alone as svg or png."""
    heading = title(outcome, request)
    if fmt == "html":
        subtitle = f"Data: {outcome.date_range.describe()} ({outcome.tz})"
        content = page_html(outcome.info.title, subtitle, [Section(heading, outcome, request)]).encode()
    elif fmt == "svg":
        content = svg_text(chart_data(outcome, request, heading)).encode()
    else:
        content = png_bytes(chart_data(outcome, request, heading))
    emit(lambda handle: handle.write(content), output)
