"""Write a computed report: the format a run writes in, checked before any work, and the result
written in it (a chart file, or a table or machine format with --chart's chart under a table)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars.selectors as cs

from svcstats import env
from svcstats.errors import UsageError
from svcstats.output.formats import CHART_FORMATS, check_destination, choose_format
from svcstats.output.render import render
from svcstats.output.titles import hidden_columns, title
from svcstats.query import OutputOptions, ReportQuery

if TYPE_CHECKING:
    from svcstats.outcome import Outcome


def output_format(output: OutputOptions) -> str:
    """The format a run writes in, checked against its destination and --chart before any work."""
    chart_table = output.chart and output.format is None and output.output is None  # --chart asks for the table
    fmt = choose_format("table" if chart_table else output.format, output.output, env.current().out_is_terminal())
    check_destination(fmt, output.output)
    if output.chart and fmt not in ("table", *CHART_FORMATS):
        raise UsageError(
            f"--chart draws under a terminal table, not in {fmt}", "use --format table, or --format html|svg|png for chart files"
        )
    return fmt


def write_outcome(outcome: Outcome, query: ReportQuery, output: OutputOptions, fmt: str) -> None:
    """Write a computed report as `fmt` to output.output (or stdout): a chart file, or the result
    rendered, with --chart's chart under a table."""
    if fmt in CHART_FORMATS:
        from svcstats.output.charts.files import write_chart_file

        write_chart_file(outcome, query, fmt, output.output)
        return
    footer = ""
    if output.chart:
        from svcstats.output.charts.terminal import chart_text

        footer = chart_text(outcome, query)
    result = outcome.result
    if fmt == "table":  # a person reads instants in the report's zone; machine formats stay in UTC
        result = result.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone(outcome.tz))
    hidden = hidden_columns(outcome.info, query.stats)
    business = query.hours == "business"  # durations in hours, never in days of 24 working hours
    heading = title(outcome, query)
    render(result, fmt, output.output, title=heading, hidden=hidden, footer=footer, business=business, sheet=outcome.info.name)
