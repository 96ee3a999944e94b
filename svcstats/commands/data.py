"""`svcstats data ...`: commands about a dataset folder itself (`data check`, `data convert`,
`data map`).
Polars is imported only inside the commands, so `--help` stays instant."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from svcstats import env
from svcstats.commands.errors import HELP_FLAGS, fail, reported_errors, say
from svcstats.commands.options import (
    OUTPUT_FLAGS,
    ConfigFile,
    DataDir,
    Debug,
    Output,
    SourceFormatOption,
    SourceTz,
    Strict,
    TableFormatOption,
)
from svcstats.errors import ExitCode

data_app = typer.Typer(
    help="Check a dataset folder (its tables, columns and values), or convert it to Parquet.",
    no_args_is_help=True,
    context_settings={"help_option_names": list(HELP_FLAGS)},
)


@data_app.command("check")
def check(
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    fmt: TableFormatOption = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """Validate a dataset: per table its rows and columns, then every problem (unparseable values,
    empty required values, duplicate ids, impossible records such as closed before created) with
    its count and an example; on stderr, which reports the folder can run and what the others
    need. Exit 3 when any problem is an error.

    Example: svcstats data check --data examples/data
    """
    with reported_errors(debug):
        from svcstats.datacheck import check
        from svcstats.output.files import check_not_input
        from svcstats.output.formats import check_destination, choose_format
        from svcstats.output.render import render
        from svcstats.settings import data_settings, open_dataset

        chosen = choose_format(fmt, output, env.current().out_is_terminal())
        check_destination(chosen, output)
        dataset = open_dataset(data_settings(data, config, source_format, source_tz))
        check_not_input(output, dataset.root, [t.path for t in dataset.config.tables.values() if t.path])
        report = check(dataset)
        render(report.frame, chosen, output, title=f"Data check · {dataset.root}")
        for table, source in dataset.recognised().items():
            say(f"data check: {table} read from the {source}")
        from svcstats.readiness import readiness, summary

        for line in summary(readiness(dataset)):
            say(line)
    if report.errors:
        raise fail(report.summary(), ExitCode.DATA)
    say(report.summary())


@data_app.command("convert")
def convert(
    out: Annotated[
        Path,
        typer.Option(
            *OUTPUT_FLAGS, metavar="DIR", help="Folder to write the Parquet tables into (an earlier conversion there is replaced)."
        ),
    ],
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    strict: Strict = False,
    tables: Annotated[
        str | None, typer.Option("--tables", metavar="A,B", help="Comma-separated tables to convert; default every table found.")
    ] = None,
    debug: Debug = False,
) -> None:
    """Convert a dataset to Parquet for fast repeated runs: every table read as reports read it
    (neutral columns, typed, timestamps in UTC, HubSpot exports mapped, so --source-tz is no
    longer needed), one <table>.parquet each in the --output folder plus a manifest. Rows with values that cannot
    be parsed are left out and counted on stderr. OUT is replaced only when all tables are written.

    Example: svcstats data convert --data examples/data --output /tmp/data-parquet
    """
    with reported_errors(debug):
        from svcstats.convert import convert as convert_dataset
        from svcstats.convert import lines
        from svcstats.progress import tracked
        from svcstats.settings import data_settings, open_dataset

        settings = data_settings(data, config, source_format, source_tz)
        dataset = open_dataset(settings, parse_text_once=False)  # one streaming pass per table
        chosen = None if tables is None else [t.strip() for t in tables.split(",") if t.strip()]
        done = convert_dataset(dataset, out, chosen, strict=strict, progress=lambda names: tracked(names, "converting", len(names)))
        for finding in done.findings:
            say(finding.message())
        for line in lines(done):
            say(line)


@data_app.command("map")
def map_export(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="One export file (csv, xlsx, parquet, json, ndjson).")],
    debug: Debug = False,
) -> None:
    """Print a mapping stub for svcstats.toml with guesses for FILE's columns (which table it
    holds, which header is which neutral column, whether its times need source_tz). A help
    desk's export that svcstats recognises needs none; the stub says so.

    Example: svcstats data map exports/tickets-2026-05.csv > svcstats.toml
    """
    with reported_errors(debug):
        from svcstats.loaders.mapstub import stub

        print(stub(file), end="", file=env.current().out())
