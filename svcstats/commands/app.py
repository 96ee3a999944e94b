"""The Typer app of the `svcstats` command line: its commands registered explicitly, and `run_app`,
which `svcstats.cli.main` calls for anything but a report run (`commands.running.run_report_args`).

Free of Polars at import time so that `--help` is quick: each command lives in its module of
`svcstats.commands` and imports the library modules that need Polars inside its body. Commands
never import this module, so the command line has no import cycle.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from typer.main import get_command

from svcstats import version
from svcstats.catalog import REPORTS, unknown_report
from svcstats.commands import catalog, data, demo, export, gaps, pull, report, saved
from svcstats.commands.errors import HELP_FLAGS, is_help_request, plain_words, say, usage_problem
from svcstats.commands.lighter_help import import_help_formatter, wants_help
from svcstats.commands.options import typer_parameters
from svcstats.commands.saved import PASS_THROUGH
from svcstats.errors import ExitCode

EXIT_CODES = (
    "Exit codes: 0 ok (an empty result too), 1 internal error, 2 usage error, 3 data error, 4 output error, "
    "5 access token refused, 6 help-desk API failed."
)

app = typer.Typer(
    name="svcstats",
    help="Service analytics from help-desk exports (tickets, messages, CSAT, availability, AI agent), computed locally.",
    epilog=f"Start with: svcstats reports, then svcstats report NAME --data DIR. {EXIT_CODES}",
    no_args_is_help=True,
    context_settings={"help_option_names": list(HELP_FLAGS)},
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"svcstats {version()}")
        raise typer.Exit()


@app.callback()
def root(
    show_version: Annotated[
        bool, typer.Option("--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True)
    ] = False,
) -> None:
    """Service analytics from help-desk exports, computed locally."""


# Every command, in --help order. A new command: a module in svcstats/commands, one line here.
app.add_typer(report.report_app, name="report")
app.command("reports")(catalog.list_reports)
app.command("about")(catalog.about)
app.command("demo")(demo.demo)
app.command("run", context_settings=PASS_THROUGH)(saved.run)
app.command("saved")(saved.saved)
app.command("export", context_settings=PASS_THROUGH)(export.export_command)
app.command("dashboard", context_settings=PASS_THROUGH)(export.dashboard_command)
app.add_typer(data.data_app, name="data")
app.add_typer(gaps.gaps_app, name="knowledge-gaps")
app.add_typer(pull.pull_app, name="pull")


def reflowed(doc: str) -> str:
    """A docstring as --help text: each paragraph's lines joined, so that the text wraps to the
    terminal (Typer keeps single line breaks after the first paragraph); a paragraph of indented
    or bulleted lines keeps its breaks."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    keep = [any(line.startswith((" ", "- ")) for line in par.splitlines()) for par in paragraphs]
    return "\n\n".join(par if kept else " ".join(par.split("\n")) for par, kept in zip(paragraphs, keep, strict=True))


def _prepare(group: typer.Typer) -> None:
    """Every command of `group` and its subgroups as Typer should read it: its help reflowed, its
    shared option declarations (`commands.options.Flag`) turned into Typer's."""
    for command in group.registered_commands:
        if command.callback is not None and command.callback is not report.unmade:  # made ready by make_commands
            command.callback = typer_parameters(command.callback)
    if group.registered_callback is not None and group.registered_callback.callback is not None:
        group.registered_callback.callback = typer_parameters(group.registered_callback.callback)
    for command in group.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = reflowed(command.callback.__doc__)
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            _prepare(sub.typer_instance)


_prepare(app)


@contextmanager
def only_needed_reports(args: list[str]) -> Iterator[None]:
    """While the command line for `args` is built, leave out the report commands it cannot reach:
    `svcstats report NAME ...` needs NAME's only, and `svcstats`, `--help` or `--version` none.
    Typer builds every registered command on each run, and the reports' (each with some forty
    options) are most of that: ~70 ms of a report's start-up. Anything else sees them all.
    The commands kept are made here (`commands.report.make_commands`)."""
    registered = report.report_app.registered_commands
    saved = list(registered)
    if args[:1] == ["report"] and len(args) > 1 and args[1] in REPORTS:
        registered[:] = [c for c in saved if c.name == args[1]]
    elif not args or args[0] in (*HELP_FLAGS, "-V", "--version"):
        registered[:] = saved[:1]  # the group still needs one command
    report.make_commands(c.name for c in registered if c.name)
    try:
        yield
    finally:
        registered[:] = saved


def run_app(args: list[str]) -> int:
    """Run the command line `args` through the Typer app; the exit code. Usage errors become one
    stderr line with exit code 2."""
    if wants_help(args):
        import_help_formatter()
    try:
        with only_needed_reports(args):
            command = get_command(app)
        code = command(args=args, prog_name="svcstats", standalone_mode=False)
    except typer.Abort:
        code = 130
    except Exception as exc:
        problem = usage_problem(exc)
        if problem is None:
            raise
        message, path, code = problem
        if is_help_request(exc):  # a group called without a command: its help on stderr, exit 0
            say(message)
            code = ExitCode.OK
        else:
            path = path or "svcstats"
            message = f"{plain_words(message)} (see '{path} --help')"
            if path.endswith(" report") and "No such command" in message:
                name = message.split("'")[1] if "'" in message else ""
                message = unknown_report(name).one_line()
            say(f"svcstats: error: {message}")
    return code if isinstance(code, int) else ExitCode.OK
