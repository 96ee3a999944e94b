"""`svcstats demo`: write a synthetic dataset. The generator (Polars, numpy) is imported only
when the command runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import typer

from svcstats.commands.errors import reported_errors, say
from svcstats.commands.options import DATE_FORMATS, OUTPUT_FLAGS
from svcstats.errors import OutputError


def demo(
    out: Annotated[Path, typer.Option(*OUTPUT_FLAGS, metavar="DIR", help="Folder to write the dataset into (created if missing).")],
    tickets: Annotated[int, typer.Option("--tickets", min=1, help="Number of tickets; other tables scale with it.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same files.")] = 7,
    months: Annotated[int, typer.Option("--months", min=1, help="Months of data, from --start.")] = 6,
    start: Annotated[datetime, typer.Option("--start", formats=DATE_FORMATS, help="First day of the data.")] = datetime(2026, 5, 1),
    file_format: Annotated[Literal["csv", "parquet"], typer.Option("--format", help="File format of the tables.")] = "csv",
    hubspot: Annotated[bool, typer.Option("--hubspot", help="Write one HubSpot-style ticket export (tickets.csv) instead.")] = False,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of the HubSpot export's local times.")] = "Europe/Oslo",
) -> None:
    """Write a realistic synthetic dataset covering every table.

    Example: svcstats demo --output /tmp/demo --tickets 100000 --seed 1 --format parquet
    """
    with reported_errors(debug=False):
        from svcstats import demo as generator

        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create {out}: {exc.strerror or exc}") from None
        if hubspot:
            rows = {
                "tickets": generator.write_hubspot_ticket_export(
                    out / "tickets.csv", tickets=tickets, seed=seed, start=start.date(), months=months, tz=tz
                )
            }
        else:
            rows = generator.generate(out, tickets=tickets, seed=seed, start=start.date(), months=months, file_format=file_format)
        for table, count in rows.items():
            say(f"{table}: {count} rows")
