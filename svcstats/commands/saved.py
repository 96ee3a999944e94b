"""`svcstats run NAME` and `svcstats saved`: saved reports from the config file.

A saved report's options are command-line arguments read by `commands.argv` (the same checks
and defaults as `svcstats report`); saved options come first and explicit ones override them. A
date range given explicitly replaces the saved range. No Polars at import.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from svcstats.commands.argv import ReportCall, option_args, spec_call
from svcstats.commands.errors import HELP_FLAGS, reported_errors, say
from svcstats.commands.running import here

if TYPE_CHECKING:
    from svcstats.config import Config

# `run NAME` and friends take any report option after their own: Typer leaves them in ctx.args
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": list(HELP_FLAGS)}
ConfigOption = Annotated[Path | None, typer.Option("--config", metavar="FILE", help="Config file (default ./svcstats.toml).")]


def load_settings(config: Path | None) -> Config:
    """The config in force, for the commands that read saved reports and dashboards."""
    from svcstats.config import load_config

    return load_config(config)[0]


def with_config(args: list[str], config: Path | None) -> list[str]:
    """Pass --config on to every report the command runs."""
    return [*args, "--config", str(config)] if config is not None else args


def debugging(calls: list[ReportCall]) -> bool:
    """Whether any of the parsed reports asked for --debug (read when an error is reported)."""
    return any(call.output.debug for call in calls)


def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A saved report's name (svcstats saved lists them).")],
    config: ConfigOption = None,
) -> None:
    """Run a saved report; any report option given after its name overrides the saved one.

    Example: svcstats run close-by-team --config examples/svcstats.toml --last-month --format csv
    """
    calls: list[ReportCall] = []
    with reported_errors(lambda: debugging(calls)):
        from svcstats.commands.running import run_call
        from svcstats.saved import saved_spec

        spec = saved_spec(load_settings(config), name)
        calls.append(spec_call(spec, with_config(list(ctx.args), config)))
        run_call(calls[0])


def saved(config: ConfigOption = None) -> None:
    """List the saved reports and their options.

    Example: svcstats saved --config examples/svcstats.toml
    """
    with reported_errors(debug=False):
        from svcstats.saved import saved_spec

        settings = load_settings(config)
        if not settings.saved:
            say("no saved reports yet (save one with: svcstats report NAME ... --save MY-REPORT)")
            return
        width = max(map(len, settings.saved))
        for name in settings.saved:
            spec = saved_spec(settings, name)
            options = dict(spec.options)
            if isinstance(options.get("data"), str):  # resolved against the config file: shown as run from here
                options["data"] = here(Path(options["data"]))
            print(f"{name:<{width}}  {shlex.join([spec.report, *option_args(options)])}")
