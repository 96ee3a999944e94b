"""Write a report's result: a Rich table for people, or a machine format for programs.

Machine formats never pass through Rich (no colour, no wrapping, no decoration): floats are
rounded to 4 decimals in text formats, dates are ISO, timestamps RFC 3339. The bytes go to
stdout or through `output.files` (atomic); the formats themselves are declared in `output.formats`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import IO

import polars as pl
import polars.selectors as cs

from svcstats.errors import UsageError
from svcstats.output.files import emit
from svcstats.output.formats import BINARY_FORMATS, FORMATS, check_destination

DECIMALS = 4
DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%S%:z"
DURATION_UNITS = {"_hours": 1.0, "_minutes": 1 / 60}  # column suffix -> hours per unit
PERCENT_SUFFIX = "_pct"
# --compare's columns beside a measure (svcstats/compare.py), longest first; and the compared dates
COMPARED_SUFFIXES = {"_change_pct": " Δ%", "_change": " Δ", "_previous": " prev"}
COMPARED_DATES = ("compared_from", "compared_to")


def render(
    result: pl.DataFrame,
    fmt: str,
    output: Path | None,
    *,
    title: str = "",
    hidden: Sequence[str] = (),
    footer: str = "",
    business: bool = False,
    sheet: str = "",
) -> None:
    """Write `result` in `fmt` to `output` (atomically) or to stdout; `hidden` columns are left
    out of the table view only, which `footer` (a chart) follows; `business` (--hours business)
    shows durations in the table in hours, never in days (a day of 24 working hours is misread);
    `sheet` names an xlsx worksheet (the report's name)."""
    if fmt == "table":
        hidden = [*hidden, *(f"{column}{suffix}" for column in hidden for suffix in COMPARED_SUFFIXES)]  # and their comparisons
        text = terminal_text(result.drop([c for c in hidden if c in result.columns]), title, business=business) + footer
        emit(lambda handle: handle.write(text.encode()), output)
        return
    if fmt in BINARY_FORMATS:
        check_destination(fmt, output)
        writer = _binary_writer(result, fmt, sheet)
    else:
        text = machine_text(result, fmt)
        writer = lambda handle: handle.write(text.encode())  # noqa: E731
    emit(writer, output)


def machine_text(result: pl.DataFrame, fmt: str) -> str:
    """`result` as csv, tsv, json (array of objects), ndjson or markdown text."""
    rounded = result.with_columns(cs.float().round(DECIMALS))
    if fmt in ("csv", "tsv"):
        rounded = spreadsheet_safe(rounded)
        return rounded.write_csv(separator="\t" if fmt == "tsv" else ",", datetime_format=DATETIME_FORMAT, date_format="%Y-%m-%d")
    if fmt in ("json", "ndjson"):
        text = _with_text_datetimes(rounded)
        return text.write_json() + "\n" if fmt == "json" else text.write_ndjson()
    if fmt == "markdown":
        return markdown_text(rounded)
    raise UsageError(f"unknown format {fmt!r}", f"choose one of: {', '.join(FORMATS)}")


FORMULA_START = r"^[=+\-@\t\r]"  # cells a spreadsheet would run as a formula (OWASP: CSV injection)


def spreadsheet_safe(result: pl.DataFrame) -> pl.DataFrame:
    """Text cells (and headers) starting with = + - @, a tab or a carriage return get a leading
    apostrophe, so Excel, LibreOffice and Sheets show them instead of evaluating them (the OWASP
    rule for CSV injection). Numbers are never changed: only text columns are touched."""
    texts = [name for name, dtype in result.schema.items() if dtype == pl.String]
    safe = result.with_columns(
        pl.when(pl.col(name).str.contains(FORMULA_START)).then(pl.lit("'") + pl.col(name)).otherwise(pl.col(name)).alias(name)
        for name in texts
    )
    return safe.rename({name: f"'{name}" for name in safe.columns if re.match(FORMULA_START, name)})


def markdown_text(result: pl.DataFrame) -> str:
    """A GitHub pipe table; numbers right-aligned, nulls empty."""
    header = "| " + " | ".join(result.columns) + " |"
    rule = "|" + "|".join("---:" if dtype.is_numeric() else "---" for dtype in result.dtypes) + "|"
    rows = ["| " + " | ".join("" if v is None else str(v).replace("|", "\\|") for v in row) + " |" for row in result.iter_rows()]
    return "\n".join([header, rule, *rows]) + "\n"


def terminal_text(result: pl.DataFrame, title: str, business: bool = False) -> str:
    """A result as a terminal shows it: a weekday x hour grid for a result by weekday and hour
    (output.grid), else a table (`table_text`), fitting the terminal's width."""
    from svcstats import env
    from svcstats.output.grid import grid_text, is_grid

    if is_grid(result):
        return grid_text(result, title, env.current().width())
    shown, partial = shown_columns(table_view(result))
    text = table_text(shown, title, business)
    return f"{text.rstrip()}\n{PARTIAL_NOTE}\n" if partial else text


PARTIAL_NOTE = "* partial period: the range starts or ends inside it"


def shown_columns(result: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """The columns a terminal table shows, and whether a period is partial: an over-time result
    without `period_end` (the title names the frequency) and `partial` as a * after the period's
    start (PARTIAL_NOTE under the table). Machine formats keep both columns."""
    from svcstats.periods import PARTIAL, PERIOD, PERIOD_END

    if PARTIAL not in result.columns or PERIOD not in result.columns or result.schema[PARTIAL] != pl.Boolean:
        return result, False
    partial = bool(result[PARTIAL].any())
    marked = pl.col(PERIOD).cast(pl.String) + pl.when(pl.col(PARTIAL)).then(pl.lit("*")).otherwise(pl.lit(" "))
    shown = result.with_columns(marked.alias(PERIOD)) if partial else result
    return shown.drop([c for c in (PERIOD_END, PARTIAL) if c in result.columns]), partial


def table_view(result: pl.DataFrame) -> pl.DataFrame:
    """The columns a table shows of a result with --compare: each measure, its previous value and
    one change (in % for counts and durations, in points for rates); the compared range is in
    the title. Machine formats keep every column."""
    dropped = [c for c in result.columns if c.endswith("_change") and f"{c}_pct" in result.columns]
    return result.drop([*dropped, *(c for c in COMPARED_DATES if c in result.columns)])


def compared_base(name: str, columns: Collection[str]) -> tuple[str, str] | None:
    """(measure, suffix) when `name` is --compare's column beside a measure among `columns`
    ("tickets_change_pct" -> ("tickets", "_change_pct")); None for any other column."""
    for suffix in COMPARED_SUFFIXES:
        if name.endswith(suffix) and name.removesuffix(suffix) in columns:
            return name.removesuffix(suffix), suffix
    return None


def table_text(result: pl.DataFrame, title: str, business: bool = False, width: int | None = None) -> str:
    """A Rich table as plain text (no colour): durations humanised (in hours only when
    `business`), numbers right-aligned. It fits `width` (default: the terminal's, `env.width`):
    as wide as its content when that fits (or when there is no limit: a pipe cuts nothing
    off), else with text cells wrapped, else as one block of "label  value" lines per row."""
    from svcstats import env

    width = env.current().width() if width is None else width
    cells = _cells(result, business)
    natural, natural_width = _rich_table(result, cells, title, wrap=False, width=None)
    if width is None or natural_width <= width:
        return natural
    wrapped, minimum = _rich_table(result, cells, title, wrap=True, width=width)
    if minimum <= width:
        return wrapped
    return records_text(result.columns, cells, title, width)


def _cells(result: pl.DataFrame, business: bool) -> list[list[str]]:
    """Each row's cells as the table shows them."""
    formatters = [cell_formatter(name, dtype, business, result.columns) for name, dtype in zip(result.columns, result.dtypes, strict=True)]
    return [[fmt(value) for fmt, value in zip(formatters, row, strict=True)] for row in result.iter_rows()]


def _rich_table(result: pl.DataFrame, cells: list[list[str]], title: str, *, wrap: bool, width: int | None) -> tuple[str, int]:
    """The table's text and its width: as wide as its content (`wrap` off), or within `width`
    with text cells and headers wrapped (the second value is then the narrowest it can be)."""
    from rich import box
    from rich.console import Console
    from rich.measure import Measurement
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAVY)
    narrowest = 1  # SIMPLE_HEAVY: an edge and padding each side, and 3 between columns
    for index, (name, dtype) in enumerate(zip(result.columns, result.dtypes, strict=True)):
        numeric, label = dtype.is_numeric(), column_label(name, result.columns)
        if wrap and numeric:  # a number's header takes a line per word ("Closed" over "tickets")
            label = label.replace(" ", "\n")
        texts = (*label.split("\n"), *(row[index] for row in cells))
        # a number keeps its width; text wraps only between words, so never narrower than its longest word
        shortest = max(len(part) for text in texts for part in ([text] if numeric else text.split() or [""]))
        narrowest += shortest + 3
        table.add_column(label, justify="right" if numeric else "left", no_wrap=numeric or not wrap, min_width=shortest if wrap else None)
    for row in cells:
        table.add_row(*row)
    if result.is_empty():
        table.caption = "no records in this range"
    buffer = io.StringIO()
    console = Console(file=buffer, width=10_000, color_system=None, force_terminal=False, highlight=False)
    measured = Measurement.get(console, console.options, table)
    if width is None:
        console.width = max(measured.maximum, len(title))
    else:
        console.width = width
    if title:
        console.print(title)
    console.print(table)
    text = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines()) + "\n"
    return text, narrowest if wrap else measured.maximum


def records_text(columns: Sequence[str], cells: list[list[str]], title: str, width: int) -> str:
    """Rows too wide for the terminal as blocks, one per row: a rule naming the row, then one
    "Label  value" line per column, long values wrapped under the value's start."""
    import textwrap

    labels = [column_label(name, columns) for name in columns]
    pad = min(max(map(len, labels), default=0), max(width // 2, 8))
    room = max(width - pad - 2, 12)
    lines = textwrap.wrap(title, width) if title else []
    for number, row in enumerate(cells, start=1):
        heading = f"── {number} of {len(cells)} "
        lines.append(heading + "─" * max(width - len(heading), 0))
        for label, value in zip(labels, row, strict=True):
            parts = textwrap.wrap(value, room, break_on_hyphens=False) or [""]
            lines.append(f"{label:<{pad}}  {parts[0]}".rstrip())
            lines += [f"{'':<{pad}}  {part}" for part in parts[1:]]
    if not cells:
        lines.append("no records in this range")
    return "\n".join(lines) + "\n"


def column_label(name: str, columns: Collection[str] = ()) -> str:
    """A table header from a column name: "median_hours" -> "Median", "closed_tickets" -> "Closed
    tickets"; beside a measure among `columns` (--compare), "Closed tickets prev", "… Δ", "… Δ%"."""
    compared = compared_base(name, columns)
    if compared is not None:
        return column_label(compared[0]) + COMPARED_SUFFIXES[compared[1]]
    for suffix in DURATION_UNITS:
        name = name.removesuffix(suffix)
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def humanize_hours(hours: float | None, days: bool = True) -> str:
    """A duration for people: "45s", "12m", "3h 05m", "2d 4h" (or, without `days`, "52h 00m":
    business hours, where a 24-hour day would be three working days)."""
    if hours is None:
        return "–"
    seconds = round(hours * 3600)
    sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
    if seconds < 60:
        return f"{sign}{seconds}s"
    minutes = seconds // 60
    if minutes < 60:
        return f"{sign}{minutes}m"
    whole_hours, minutes = divmod(minutes, 60)
    if whole_hours < 24 or not days:
        return f"{sign}{whole_hours}h {minutes:02d}m"
    whole_days, whole_hours = divmod(whole_hours, 24)
    return f"{sign}{whole_days}d {whole_hours}h"


def cell_formatter(name: str, dtype: pl.DataType, business: bool = False, columns: Collection[str] = ()) -> Callable[[object], str]:
    """How the table (terminal or html) and the charts show a value of column `name`: durations
    humanised (in hours, not days, when `business`), percentages with %, floats with at most 2
    decimals, nulls as a dash; `partial` periods marked "yes". Beside a measure among `columns`
    (--compare): the previous value as the measure's, a change signed ("+3", "+1h 05m", "+2.5 pts"
    for a rate), a relative change as "+12%"."""
    compared = compared_base(name, columns)
    if compared is not None:
        return _compared_formatter(*compared, dtype, business)
    for suffix, hours_per_unit in DURATION_UNITS.items():
        if name.endswith(suffix):
            return lambda v: humanize_hours(None if v is None else v * hours_per_unit, days=not business)  # type: ignore[operator]
    if name == "partial" and dtype == pl.Boolean:
        return lambda v: "yes" if v else ""
    if name.endswith(PERCENT_SUFFIX):
        return lambda v: "–" if v is None else f"{v:.1f}%"
    if dtype.is_float():
        return lambda v: "–" if v is None else f"{v:.2f}".rstrip("0").rstrip(".")
    if dtype.is_integer():
        return lambda v: "–" if v is None else str(v)
    return lambda v: "" if v is None else str(v)


def _compared_formatter(measure: str, suffix: str, dtype: pl.DataType, business: bool) -> Callable[[object], str]:
    """How a --compare column beside `measure` shows (see cell_formatter)."""
    plain = cell_formatter(measure, dtype, business)
    if suffix == "_previous":
        return plain
    if suffix == "_change_pct":
        return lambda v: "–" if v is None else f"{v:+.0f}%" if abs(v) >= 10 else f"{v:+.1f}%"  # type: ignore[arg-type]
    if measure.endswith(PERCENT_SUFFIX):
        return lambda v: "–" if v is None else f"{v:+.1f} pts"
    return lambda v: plain(v) if v is None or v <= 0 else "+" + plain(v)  # type: ignore[operator]


def _with_text_datetimes(result: pl.DataFrame) -> pl.DataFrame:
    return result.with_columns(cs.datetime().dt.to_string(DATETIME_FORMAT))


def sheet_name(name: str) -> str:
    """An Excel worksheet name: at most 31 characters, none of []:*?/\\; Sheet1 when empty."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31] or "Sheet1"


def _binary_writer(result: pl.DataFrame, fmt: str, sheet: str = "") -> Callable[[IO[bytes]], object]:
    if fmt == "parquet":
        return lambda handle: result.write_parquet(handle)
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        raise UsageError("--format xlsx needs the xlsx extra", "pip install 'svcstats[xlsx]', or use --format csv") from None
    # Excel has no time zones: instants are written in UTC, as the text formats give them
    naive = result.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC").dt.replace_time_zone(None))
    return lambda handle: naive.write_excel(handle, worksheet=sheet_name(sheet), autofit=True)
