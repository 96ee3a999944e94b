"""`svcstats reports` and `svcstats about NAME`: the catalogue, as a list and one entry at a time.
No Polars."""

from __future__ import annotations

from typing import Annotated

import typer

from svcstats.catalog import by_collection, get_report
from svcstats.commands.errors import reported_errors
from svcstats.commands.report import example


def list_reports(
    questions: Annotated[bool, typer.Option("--questions", help="List everyday questions and the report that answers each.")] = False,
) -> None:
    """List the reports by collection.

    Example: svcstats reports --questions
    """
    if questions:
        from svcstats.questions import questions as everyday

        for question, answer in everyday():
            print(f"{question}\n  svcstats {answer}")
        return
    for collection, reports in by_collection().items():
        print(collection)
        width = max(len(r.name) for r in reports)
        for info in reports:
            print(f"  {info.name:<{width}}  {info.summary}")
        print()


def about(name: Annotated[str, typer.Argument(help="Report name, as listed by svcstats reports.")]) -> None:
    """Explain a report: what it measures, the formula, edge cases, inputs and output columns.

    Example: svcstats about ticket-time-to-close
    """
    with reported_errors(debug=False):
        info = get_report(name)
    from svcstats.schema import TABLES

    table = TABLES[info.table]
    date_by = ", ".join(f"{choice} ({column})" for choice, column in info.date_by.items())
    width = max(len(column) for column, _ in info.columns)
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
        *(f"  {column:<{width}}  {text}" for column, text in info.columns),
        "",
        f"Example: {example(info)}",
    ]
    print("\n".join(lines))
