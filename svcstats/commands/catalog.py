"""`svcstats reports` and `svcstats about NAME`: the catalogue, as a list and one entry at a time.
No Polars."""

from __future__ import annotations

from typing import Annotated

import typer

from svcstats.catalog import by_collection, get_report
from svcstats.commands.errors import reported_errors
from svcstats.commands.options import ConfigFile, DataDir
from svcstats.commands.report import example


def list_reports(
    questions: Annotated[bool, typer.Option("--questions", help="List everyday questions and the report that answers each.")] = False,
    data: DataDir = None,
    config: ConfigFile = None,
) -> None:
    """List the reports by collection.

    With a dataset (--data, $SVCSTATS_DATA or the config's data), the reports it cannot run are
    marked with what they need.

    Example: svcstats reports --questions
    """
    if questions:
        from svcstats.questions import questions as everyday

        for question, answer in everyday():
            print(f"{question}\n  svcstats {answer}")
        return
    with reported_errors(debug=False):
        from svcstats.readiness import folder_readiness  # Polars only when a folder is named

        ready = folder_readiness(data, config) or {}
    from svcstats import env

    fit = env.current().width()
    for collection, reports in by_collection().items():
        print(collection)
        width = max(len(r.name) for r in reports)
        for info in reports:
            lack = ready.get(info.name)
            text = info.summary + (f"  [cannot run: needs {lack}]" if lack else "")
            print(entry_lines(info.name, width, text, fit))
        print()


def entry_lines(name: str, width: int, text: str, fit: int | None) -> str:
    """`  name  text`, the text wrapped to `fit` columns beside the name (or under it when the
    names leave it less than 30 columns); one line when `fit` is None (piped)."""
    import textwrap

    lead = f"  {name:<{width}}  "
    if fit is None or len(lead) + len(text) <= fit:
        return lead + text
    if fit - len(lead) >= 30:
        return "\n".join(textwrap.wrap(text, fit, initial_indent=lead, subsequent_indent=" " * len(lead)))
    return "\n".join([f"  {name}", *textwrap.wrap(text, fit, initial_indent=" " * 6, subsequent_indent=" " * 6)])


def about(name: Annotated[str, typer.Argument(help="Report name, as listed by svcstats reports.")]) -> None:
    """Explain a report: what it measures, the formula, edge cases, inputs and output columns.

    Example: svcstats about ticket-time-to-close
    """
    with reported_errors(debug=False):
        info = get_report(name)
    from svcstats.schema import TABLES

    table = TABLES[info.table]
    date_by = ", ".join(f"{choice} ({column})" for choice, column in info.date_by.items())
    width = max(len(column) for column, _ in info.documented_columns)
    lines = [
        f"{info.title} ({info.name}) · {info.collection}",
        "",
        info.about,
        *(["", info.business_hours()] if info.schedule_of else []),
        "",
        f"Reads: {info.table} (required columns: {', '.join(table.required)}; also uses: {', '.join(info.needs) or 'nothing else'})",
        f"--date-by: {date_by}; default {info.default_date_by}",
        "",
        "Output columns:",
        *(f"  {column:<{width}}  {text}" for column, text in info.documented_columns),
        "",
        f"Example: {example(info)}",
    ]
    print("\n".join(lines))
