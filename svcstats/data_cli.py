"""`svcstats data ...`: commands about a dataset folder itself (`data check`, `data convert`). Registered by
cli.py; Polars is imported only inside the commands, so `--help` stays instant."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from svcstats.cli import COMMON_OPTIONS, OUTPUT, _option, app
from svcstats.errors import ExitCode

if TYPE_CHECKING:
    from svcstats.loaders.dataset import Dataset

data_app = typer.Typer(
    help="Check a dataset folder (its tables, columns and values), or convert it to Parquet.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(data_app, name="data")

SHARED = {p.name: p.annotation for p in COMMON_OPTIONS}  # --data, --config, ... read as in `svcstats report`
Data, ConfigFile, SourceFormat, SourceTz = SHARED["data"], SHARED["config"], SHARED["source_format"], SHARED["source_tz"]
Output, Debug, Strict = SHARED["output"], SHARED["debug"], SHARED["strict"]
Format = Literal["table", "csv", "tsv", "json", "ndjson", "markdown", "parquet", "xlsx"]
FormatOption = _option(
    "format", Format | None, None, "--format", "-f", panel=OUTPUT, help="Output format; default table on a terminal, csv when piped."
).annotation


@data_app.command("check")
def check(
    data: Data = None,
    config: ConfigFile = None,
    source_format: SourceFormat = None,
    source_tz: SourceTz = None,
    fmt: FormatOption = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """Validate a dataset: per table its rows and columns, then every problem (unparseable values,
    empty required values, duplicate ids, impossible records such as closed before created) with
    its count and an example. Exit 3 when any problem is an error.

    Example: svcstats data check --data examples/data
    """
    from svcstats.cli import fail, reported_errors

    with reported_errors(debug):
        from svcstats.datacheck import check
        from svcstats.guard import check_not_input
        from svcstats.render import check_destination, choose_format, render

        chosen = choose_format(fmt, output, sys.stdout.isatty())
        check_destination(chosen, output)
        dataset = open_dataset(data, config, source_format, source_tz)
        check_not_input(output, dataset.root, [t.path for t in dataset.config.tables.values() if t.path])
        report = check(dataset)
        render(report.frame, chosen, output, title=f"Data check · {dataset.root}")
    if report.errors:
        raise fail(report.summary(), ExitCode.DATA)
    print(report.summary(), file=sys.stderr)


@data_app.command("convert")
def convert(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="Folder to write the Parquet tables into (an earlier conversion there is replaced)."
        ),
    ],
    data: Data = None,
    config: ConfigFile = None,
    source_format: SourceFormat = None,
    source_tz: SourceTz = None,
    strict: Strict = False,
    tables: Annotated[
        str | None, typer.Option("--tables", metavar="A,B", help="Comma-separated tables to convert; default every table found.")
    ] = None,
    debug: Debug = False,
) -> None:
    """Convert a dataset to Parquet for fast repeated runs: every table read as reports read it
    (neutral columns, typed, timestamps in UTC, HubSpot exports mapped, so --source-tz is no
    longer needed), one OUT/<table>.parquet each plus a manifest. Rows with values that cannot
    be parsed are left out and counted on stderr. OUT is replaced only when all tables are written.

    Example: svcstats data convert --data examples/data --out /tmp/data-parquet
    """
    from svcstats.cli import reported_errors

    with reported_errors(debug):
        from svcstats.convert import convert as convert_dataset
        from svcstats.convert import lines
        from svcstats.progress import tracked

        dataset = open_dataset(data, config, source_format, source_tz, parse_text_once=False)  # one streaming pass per table
        chosen = None if tables is None else [t.strip() for t in tables.split(",") if t.strip()]
        done = convert_dataset(dataset, out, chosen, strict=strict, progress=lambda names: tracked(names, "converting", len(names)))
        for finding in done.findings:
            print(finding.message(), file=sys.stderr)
        for line in lines(done):
            print(line, file=sys.stderr)


def open_dataset(
    data: Path | None, config: Path | None, source_format: str | None, source_tz: str | None, *, parse_text_once: bool = True
) -> Dataset:
    """The dataset the shared data options name (the options win over svcstats.toml)."""
    from svcstats.config import check_time_zone, load_config
    from svcstats.errors import UsageError
    from svcstats.loaders.dataset import Dataset

    settings, _ = load_config(config)
    data_dir = data or settings.data
    if data_dir is None:
        raise UsageError("no data folder given", "pass --data DIR, set $SVCSTATS_DATA, or set data in svcstats.toml")
    zone = source_tz or settings.source_tz
    if zone is not None:
        check_time_zone(zone)
    chosen_format = source_format or settings.source_format
    return Dataset(Path(data_dir), settings, source_format=chosen_format, source_tz=zone, parse_text_once=parse_text_once)
