"""`svcstats data ...`: commands about a dataset folder itself (`data check`). Registered by
cli.py; Polars is imported only inside the commands, so `--help` stays instant."""

from __future__ import annotations

import sys
from typing import Literal

import typer

from svcstats.cli import COMMON_OPTIONS, OUTPUT, _option, app
from svcstats.errors import ExitCode

data_app = typer.Typer(
    help="Check a dataset folder: its tables, columns and values.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(data_app, name="data")

SHARED = {p.name: p.annotation for p in COMMON_OPTIONS}  # --data, --config, ... read as in `svcstats report`
Data, ConfigFile, SourceFormat, SourceTz = SHARED["data"], SHARED["config"], SHARED["source_format"], SHARED["source_tz"]
Output, Debug = SHARED["output"], SHARED["debug"]
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
        from pathlib import Path

        from svcstats.config import check_time_zone, load_config
        from svcstats.datacheck import check_folder
        from svcstats.errors import UsageError
        from svcstats.render import check_destination, choose_format, render

        chosen = choose_format(fmt, output, sys.stdout.isatty())
        check_destination(chosen, output)
        settings, _ = load_config(config)
        data_dir = data or settings.data
        if data_dir is None:
            raise UsageError("no data folder given", "pass --data DIR, set $SVCSTATS_DATA, or set data in svcstats.toml")
        zone = source_tz or settings.source_tz
        if zone is not None:
            check_time_zone(zone)
        report = check_folder(Path(data_dir), config=settings, source_format=source_format or settings.source_format, source_tz=zone)
        render(report.frame, chosen, output, title=f"Data check · {data_dir}")
    if report.errors:
        raise fail(report.summary(), ExitCode.DATA)
    print(report.summary(), file=sys.stderr)
