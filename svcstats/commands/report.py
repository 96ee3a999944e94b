"""`svcstats report NAME`: one command per catalogue entry, each with the shared options of
`commands.options` plus the report's own. No Polars at import.

Typer reads a command's options from its function signature; the 29 report commands differ in
their options (--stat, --hours, the report's own, the default period in --frequency's help), so
each gets one function whose signature is set from `report_parameters` (by
`options.typer_parameters`, the one place the package sets a signature at run time).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from typing import Any

import typer

from svcstats.catalog import REPORTS, ReportInfo
from svcstats.commands.argv import make_call
from svcstats.commands.errors import HELP_FLAGS, reported_errors
from svcstats.commands.options import report_parameters, typer_parameters

report_app = typer.Typer(
    help="Run one report. Each report has the same options; see svcstats report NAME --help.",
    no_args_is_help=True,
    context_settings={"help_option_names": list(HELP_FLAGS)},
)


def example(info: ReportInfo) -> str:
    """A command line that runs the report on the bundled example data."""
    return f"svcstats report {info.name} --data examples/data{info.example_options}"


def report_command(info: ReportInfo) -> Callable[..., None]:
    """The `svcstats report NAME` command for one report."""

    def command(ctx: typer.Context, **options: Any) -> None:
        with reported_errors(bool(options.get("debug"))):
            from svcstats.commands.running import run_call

            given = {name for name in options if _source(ctx, name) == "COMMANDLINE"}
            run_call(make_call(info, options, given))

    command.__name__ = info.name.replace("-", "_")
    context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    return typer_parameters(command, [context, *report_parameters(info)])


def _source(ctx: typer.Context, name: str) -> str | None:
    """Where a parameter's value came from (COMMANDLINE, ENVIRONMENT, DEFAULT...), by name."""
    source = ctx.get_parameter_source(name)
    return source.name if source is not None else None


def unmade() -> None:
    """Stands for a report command until `make_commands` makes it: each has some forty options,
    and making all 29 took 10 ms of every start-up (`svcstats --help` needs none of them)."""
    raise RuntimeError("a report command was run before make_commands made it (run the app through run_app)")


def make_commands(names: Iterable[str]) -> None:
    """Make the report commands `names` (each once), so that Typer can build them."""
    wanted = set(names)
    for command in report_app.registered_commands:
        if command.callback is unmade and command.name in wanted:
            command.callback = report_command(REPORTS[command.name])


for _info in REPORTS.values():
    report_app.command(
        _info.name,
        help=f"{_info.summary}\n\nExample: {example(_info)}\n\nsvcstats about {_info.name} explains the formula and the columns.",
        rich_help_panel=_info.collection,
    )(unmade)
