"""Running one parsed report the way `svcstats report` does: the spinner, the findings told on
stderr (fatal under --strict), the result written, and --share / --save. Every command that runs
reports (report, run, export, dashboard) goes through here; the library below prints nothing.
No Polars and no Typer at import: `run_report_args` runs `svcstats report NAME ...` without either."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from svcstats.commands.argv import ReportCall, share_line
from svcstats.commands.errors import HELP_FLAGS, say
from svcstats.errors import DataError
from svcstats.query import OutputOptions, ReportQuery

if TYPE_CHECKING:
    from collections.abc import Callable

    from svcstats.outcome import Outcome
    from svcstats.settings import Resolved


def run_report_args(args: list[str]) -> int | None:
    """Run `svcstats report NAME OPTIONS...` with the parser of `commands.argv` (the same option
    declarations, defaults and environment variables as the Typer command) without importing
    Typer, whose import and command building were a fifth of a small report's start-up; the exit
    code. None when `args` are anything else, ask for help, or do not parse: the Typer app then
    runs them (and words the error)."""
    from svcstats.catalog import REPORTS

    if len(args) < 2 or args[0] != "report" or args[1] not in REPORTS or any(a in HELP_FLAGS for a in args[2:]):
        return None
    from svcstats.commands.argv import parse_report_args
    from svcstats.commands.errors import reported_errors
    from svcstats.errors import UsageError

    try:
        call = parse_report_args(args[1], args[2:])
    except UsageError:
        return None
    try:
        with reported_errors(bool(call.given.get("debug"))):
            run_call(call)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    return 0


def run_call(call: ReportCall, *, save: str | None = None, share: bool = False) -> None:
    """Run a parsed report as `svcstats report` does: --share prints its command line instead,
    --save stores it in the config file once it ran (or once --share resolved it)."""
    name = save or call.save
    if name:  # before any work: a report that ran for minutes is not then refused its name
        from svcstats.saved import check_new_name

        check_new_name(name, call.query.config, replace=call.force)
    if share or call.share:
        from svcstats.output.report import output_format
        from svcstats.settings import resolve

        output_format(call.output)  # the checks a run makes before any work (e.g. --chart with csv)
        print(share_line(call, resolve(call.query)))  # resolving the settings checked them: --save may store them
    else:
        run_report(call.query, call.output)
    if name:
        from svcstats.saved import ReportSpec, save_spec

        path = save_spec(ReportSpec(call.info.name, call.stored_options(), name), call.query.config, replace=call.force)
        if not call.output.quiet:
            say(f"note: saved as {name} in {path} (run it with: svcstats run {name})")


def run_report(query: ReportQuery, output: OutputOptions) -> None:
    """Compute the report, tell stderr what was left out, and write the result."""
    from svcstats.output.files import check_not_input, is_stdout
    from svcstats.output.report import output_format, write_outcome
    from svcstats.progress import working
    from svcstats.settings import resolve

    fmt = output_format(output)
    resolved = resolve(query)
    if output.verbose:
        say(settings_line(resolved))
    table_paths = [table.path for table in resolved.config.tables.values() if table.path]
    check_not_input(output.output, resolved.data, table_paths, resolved.config_path)
    with working(query.report) as phase:
        outcome = compute(query, phase)
    tell(outcome, query, output)
    if is_stdout(output.output):  # nothing drawn on the terminal while the result is printed on it
        write_outcome(outcome, query, output, fmt)
        return
    with working(query.report) as phase:
        phase("writing")
        write_outcome(outcome, query, output, fmt)


def settings_line(resolved: Resolved) -> str:
    """The settings a run resolved, for --verbose: config file, data folder, how it is read, zone, dates."""
    config = here(resolved.config_path) if resolved.config_path is not None else "none (defaults)"
    detected = " (each table recognised from its headers)" if resolved.source_format == "auto" else ""
    source = resolved.source_format + detected + (f", times without a zone in {resolved.source_tz}" if resolved.source_tz else "")
    return (
        f"info: config {config}; data {here(resolved.data)}; source format {source}; "
        f"time zone {resolved.tz}; as of {resolved.as_of}; range {resolved.date_range.describe()}"
    )


def compute(query: ReportQuery, phase: Callable[[str], object] = lambda name: None) -> Outcome:
    """The library's `compute`, imported when a report runs (it brings Polars); `phase` is told
    what it is doing (loading, computing) for the progress line."""
    from svcstats.runner import compute as computed

    return computed(query, phase)


def compute_and_tell(query: ReportQuery, output: OutputOptions, label: str = "") -> Outcome:
    """Compute the report and tell stderr what was left out (fatal under --strict); `label`
    prefixes --verbose lines when several reports run together."""
    return tell(compute(query), query, output, label)


def tell(outcome: Outcome, query: ReportQuery, output: OutputOptions, label: str = "") -> Outcome:
    """Print the findings (and with --verbose, the timing) of a computed report on stderr."""
    warnings = [f for f in outcome.findings if f.severity == "warning"]
    if query.strict and warnings:
        raise DataError(warnings[0].strict_message(), "fix the data, or run without --strict to leave such rows out")
    for finding in outcome.findings:
        if finding.severity == "warning" or not output.quiet:
            say(finding.message())
    if output.verbose:
        for table, source in outcome.recognised.items():
            say(f"info: {label or outcome.info.name}: {table} read from the {source}")
        if not outcome.recognised:
            say(f"info: {label or outcome.info.name}: every table read as svcstats' neutral tables (no help-desk export recognised)")
        say(
            f"info: {label or outcome.info.name}: {outcome.result.height} rows, {outcome.date_range.describe()} "
            f"({outcome.tz}), computed in {outcome.seconds:.2f}s on {outcome.ran_on or f'the {query.engine} engine'}"
        )
        if outcome.compared_range is not None:  # --compare: the compared rows' dates together
            say(f"info: {label or outcome.info.name}: compared ({outcome.compare}) with {outcome.compared_range.describe()}")
    return outcome


def here(path: Path) -> str:
    """`path` relative to the current folder when it is inside it, else as it is."""
    absolute = Path(os.path.abspath(path))  # without "..": team/../data is data
    return str(absolute.relative_to(Path.cwd())) if absolute.is_relative_to(Path.cwd()) else str(absolute)
