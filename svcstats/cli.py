"""The `svcstats` command line: parses options, calls the library, reports errors.

Thin on purpose, and free of Polars at import time so that `--help` is instant: the library
modules that need Polars are imported inside the commands.
"""

from __future__ import annotations

import inspect
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer

from svcstats import __version__
from svcstats.catalog import REPORTS, ReportInfo, ReportOption, by_collection, get_report, unknown_report
from svcstats.errors import ExitCode, OutputError, SvcstatsError, first_line

EXIT_CODES = "Exit codes: 0 ok (an empty result too), 1 internal error, 2 usage error, 3 data error, 4 output error."

app = typer.Typer(
    name="svcstats",
    help="Service analytics from help-desk exports (tickets, messages, CSAT, availability, AI agent), computed locally.",
    epilog=f"Start with: svcstats reports, then svcstats report NAME --data DIR. {EXIT_CODES}",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
)
report_app = typer.Typer(
    help="Run one report. Each report has the same options; see svcstats report NAME --help.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(report_app, name="report")


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print one error line on stderr and return the Exit to raise."""
    print(f"svcstats: error: {message}", file=sys.stderr)
    return typer.Exit(int(code))


@contextmanager
def reported_errors(debug: bool | Callable[[], bool]) -> Iterator[None]:
    """Turn errors into one stderr line and their exit code; --debug adds the traceback.
    `debug` may be a function, asked when an error happens (for options parsed inside the block)."""
    try:
        yield
    except typer.Exit:
        raise
    except SvcstatsError as exc:
        if debug() if callable(debug) else debug:
            traceback.print_exc()
        raise fail(exc.one_line(), exc.exit_code) from None
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:  # noqa: BLE001  (anything else is our bug: say so in one line)
        if debug() if callable(debug) else debug:
            traceback.print_exc()
        raise fail(
            f"internal error: {type(exc).__name__}: {first_line(exc)} (run with --debug for the traceback)", ExitCode.INTERNAL
        ) from None


def _version(value: bool) -> None:
    if value:
        print(f"svcstats {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option("--version", "-V", help="Print the version and exit.", callback=_version, is_eager=True)] = False,
) -> None:
    """Service analytics from help-desk exports, computed locally."""


# -- shared report options ----------------------------------------------------------------

DATA, RANGE, SHAPE, OUTPUT, REPORT = "Data", "Date range", "Rows and groups", "Output", "This report"
KEEP = "Save and share"
Frequency = Literal["daily", "weekly", "monthly", "quarterly", "yearly"]
Format = Literal["table", "csv", "tsv", "json", "ndjson", "markdown", "parquet", "xlsx", "html", "svg", "png"]
DATE_FORMATS = ["%Y-%m-%d"]


METAVARS = {
    "data": "DIR", "config": "FILE", "output": "FILE", "source_tz": "ZONE", "tz": "ZONE", "last": "N[dwmqy]",
    "date_by": "NAME", "group_by": "COLUMN", "reps": "NAME", "teams": "NAME", "pipelines": "NAME",
    "sources": "SOURCE", "where": "SQL", "stats": "STAT", "save": "NAME",
}  # fmt: skip


def _option(name: str, annotation: Any, default: Any, *flags: str, panel: str, help: str, **extra: Any) -> inspect.Parameter:
    """A keyword parameter carrying a Typer option, with a metavar that says what it takes."""
    if "metavar" not in extra:
        extra["metavar"] = "" if annotation is bool else "DATE" if "formats" in extra else METAVARS.get(name)
    info = typer.Option(*flags, help=help, rich_help_panel=panel, show_default=default not in (None, False, []), **extra)
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=Annotated[annotation, info])


COMMON_OPTIONS = [
    _option(
        "data",
        Path | None,
        None,
        "--data",
        "-d",
        envvar="SVCSTATS_DATA",
        panel=DATA,
        help="Folder of exports, one file or folder per table.",
    ),
    _option("config", Path | None, None, "--config", panel=DATA, help="Config file (default ./svcstats.toml, or env SVCSTATS_CONFIG)."),
    _option(
        "source_format",
        Literal["auto", "generic", "hubspot"] | None,
        None,
        "--source-format",
        panel=DATA,
        help="Export format; auto detects HubSpot ticket exports from their headers.",
    ),
    _option(
        "source_tz",
        str | None,
        None,
        "--source-tz",
        panel=DATA,
        help="IANA zone of times written without one (HubSpot exports), e.g. Europe/Oslo.",
    ),
    _option("strict", bool, False, "--strict", panel=DATA, help="Fail (exit 3) on unparseable values instead of leaving their rows out."),
    _option("date_from", datetime | None, None, "--from", formats=DATE_FORMATS, panel=RANGE, help="First day, inclusive (YYYY-MM-DD)."),
    _option("date_to", datetime | None, None, "--to", formats=DATE_FORMATS, panel=RANGE, help="Last day, inclusive (YYYY-MM-DD)."),
    _option("last", str | None, None, "--last", panel=RANGE, help="The last N periods up to --as-of: 30d, 12w, 6m, 2q, 1y."),
    _option("this_week", bool, False, "--this-week", panel=RANGE, help="From Monday of this week to --as-of."),
    _option("last_week", bool, False, "--last-week", panel=RANGE, help="Monday to Sunday of last week."),
    _option("this_month", bool, False, "--this-month", panel=RANGE, help="From the 1st of this month to --as-of."),
    _option("last_month", bool, False, "--last-month", panel=RANGE, help="The whole of last month."),
    _option(
        "as_of",
        datetime | None,
        None,
        "--as-of",
        formats=DATE_FORMATS,
        panel=RANGE,
        help="Take this date as today (reproducible cron runs); without a range, the range ends there.",
    ),
    _option(
        "date_by",
        str | None,
        None,
        "--date-by",
        panel=RANGE,
        help="Which date places a record in the range and period (see svcstats about NAME).",
    ),
    _option("frequency", Frequency | None, None, "--frequency", "-F", panel=SHAPE, help="Period of each row; default: the report's own."),
    _option("totals", bool, False, "--totals", panel=SHAPE, help="One row per group for the whole range instead of one per period."),
    _option(
        "group_by",
        list[str],
        [],
        "--group-by",
        "-g",
        panel=SHAPE,
        help="Split rows by rep, team, pipeline, source, channel or any column; repeatable.",
    ),
    _option(
        "reps",
        list[str],
        [],
        "--rep",
        panel=SHAPE,
        help="Only these reps (ticket owners); repeatable; Unassigned picks tickets without one.",
    ),
    _option("teams", list[str], [], "--team", panel=SHAPE, help="Only these teams; repeatable."),
    _option("pipelines", list[str], [], "--pipeline", panel=SHAPE, help="Only these pipelines; repeatable."),
    _option("sources", list[str], [], "--source", panel=SHAPE, help="Only these sources (chat, email, form, phone, other); repeatable."),
    _option(
        "where",
        str | None,
        None,
        "--where",
        "-w",
        panel=SHAPE,
        help="SQL condition on the records, e.g. \"priority = 'high' AND source IN ('chat', 'email')\".",
    ),
    _option(
        "tz",
        str | None,
        None,
        "--tz",
        envvar="SVCSTATS_TZ",
        panel=SHAPE,
        help="IANA time zone for dates and periods (default: config tz, else UTC).",
    ),
    _option(
        "format",
        Format | None,
        None,
        "--format",
        "-f",
        panel=OUTPUT,
        help="Output format; default table on a terminal, csv when piped or from --output's extension.",
    ),
    _option("output", Path | None, None, "--output", "-o", panel=OUTPUT, help="Write to FILE (atomically) instead of stdout."),
    _option("chart", bool, False, "--chart", panel=OUTPUT, help="Draw a chart under the table (html, svg and png always have one)."),
    _option("quiet", bool, False, "--quiet", "-q", panel=OUTPUT, help="No notes on stderr (warnings and errors still show)."),
    _option("verbose", bool, False, "--verbose", "-v", panel=OUTPUT, help="Timing and resolved settings on stderr."),
    _option("debug", bool, False, "--debug", panel=OUTPUT, help="Show the full traceback on errors."),
    _option(
        "engine",
        Literal["streaming", "in-memory"],
        "streaming",
        "--engine",
        panel=OUTPUT,
        help="Polars engine; in-memory is for debugging.",
    ),
]
SHARE_OPTIONS = [
    _option("save", str | None, None, "--save", panel=KEEP, help="Run, then save the report and these options as NAME in the config file."),
    _option("share", bool, False, "--share", panel=KEEP, help="Print the command line that reproduces this result (dates resolved)."),
]
STAT_OPTION = _option(
    "stats",
    list[str],
    [],
    "--stat",
    panel=SHAPE,
    help="Statistic the table shows: mean, median, p75, p90, p95, min, max; repeatable. "
    "Machine formats always carry mean, median and p90, plus these.",
)


HOURS_OPTION = _option(
    "hours",
    Literal["calendar", "business"],
    "calendar",
    "--hours",
    panel=SHAPE,
    help="calendar: all hours (24/7); business: working hours only, from working_hours and holidays "
    "(whose schedule: see svcstats about NAME).",
)


def report_option(option: ReportOption) -> inspect.Parameter:
    """The Typer parameter for an option only this report takes."""
    if option.choices:
        annotation: Any = Literal[option.choices]  # type: ignore[valid-type]
    elif isinstance(option.default, bool):
        annotation = bool
    else:
        annotation = str | None
    return _option(option.name, annotation, option.default, option.flag, panel=REPORT, help=option.help)


def report_parameters(info: ReportInfo) -> list[inspect.Parameter]:
    """Every option of `svcstats report NAME`, in --help order."""
    every = info.default_frequency
    frequency = _option("frequency", Frequency | None, None, "--frequency", "-F", panel=SHAPE, help=f"Period of a row (default {every}).")
    common = [frequency if p.name == "frequency" else p for p in COMMON_OPTIONS]
    measured = [*([STAT_OPTION] if info.duration_stats else []), *([HOURS_OPTION] if info.schedule_of else [])]
    return [*common, *measured, *map(report_option, info.options), *SHARE_OPTIONS]


def option_flag(parameter: inspect.Parameter) -> str:
    """The long flag of an option parameter, e.g. "--group-by"."""
    info = parameter.annotation.__metadata__[0]
    declarations = [info.default, *info.param_decls]  # typer.Option takes the first flag as `default`
    return next(flag for flag in declarations if isinstance(flag, str) and flag.startswith("--"))


def report_command(info: ReportInfo) -> Callable[..., None]:
    """The `svcstats report NAME` command for one report, with the shared options."""

    def command(ctx: typer.Context, **options: Any) -> None:
        with reported_errors(options.get("debug", False)):
            from svcstats.automation import CAPTURE, ReportCall, run_call
            from svcstats.request import ReportRequest

            for name in ("date_from", "date_to", "as_of"):
                if options.get(name) is not None:
                    options[name] = options[name].date()
            given = {name: value for name, value in options.items() if _source(ctx, name) == "COMMANDLINE"}
            save, share = options.pop("save"), options.pop("share")
            own = {option.name: options.pop(option.name) for option in info.options}
            call = ReportCall(info, ReportRequest(report=info.name, options=own, **options), given)
            if CAPTURE in ctx.meta:  # a saved report, dashboard or export reading its options
                ctx.meta[CAPTURE].append(call)
                return
            run_call(call, save=save, share=share)

    parameters = report_parameters(info)
    context = inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context)
    command.__signature__ = inspect.Signature([context, *parameters])  # type: ignore[attr-defined]
    command.__annotations__ = {"ctx": typer.Context, **{p.name: p.annotation for p in parameters}}
    command.__name__ = info.name.replace("-", "_")
    return command


def _source(ctx: typer.Context, name: str) -> str | None:
    """Where a parameter's value came from (COMMANDLINE, ENVIRONMENT, DEFAULT...), by name."""
    source = ctx.get_parameter_source(name)
    return source.name if source is not None else None


def example(info: ReportInfo) -> str:
    """A command line that runs the report on the bundled example data."""
    return f"svcstats report {info.name} --data examples/data{info.example_options}"


for _info in REPORTS.values():
    report_app.command(
        _info.name,
        help=f"{_info.summary}\n\nExample: {example(_info)}\n\nsvcstats about {_info.name} explains the formula and the columns.",
        rich_help_panel=_info.collection,
    )(report_command(_info))


# -- catalogue -----------------------------------------------------------------------------


@app.command("reports")
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


@app.command("about")
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


# -- demo data -----------------------------------------------------------------------------


@app.command("demo")
def demo(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the dataset into (created if missing).")],
    tickets: Annotated[int, typer.Option("--tickets", min=1, help="Number of tickets; other tables scale with it.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same files.")] = 7,
    months: Annotated[int, typer.Option("--months", min=1, help="Months of data, from --start.")] = 6,
    start: Annotated[datetime, typer.Option("--start", formats=DATE_FORMATS, help="First day of the data.")] = datetime(2026, 5, 1),
    file_format: Annotated[Literal["csv", "parquet"], typer.Option("--format", help="File format of the tables.")] = "csv",
    hubspot: Annotated[bool, typer.Option("--hubspot", help="Write one HubSpot-style ticket export (tickets.csv) instead.")] = False,
    tz: Annotated[str, typer.Option("--tz", help="Time zone of the HubSpot export's local times.")] = "Europe/Oslo",
) -> None:
    """Write a realistic synthetic dataset covering every table.

    Example: svcstats demo --out /tmp/demo --tickets 100000 --seed 1 --format parquet
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
            print(f"{table}: {count} rows", file=sys.stderr)


@contextmanager
def only_needed_reports(args: list[str]) -> Iterator[None]:
    """While the command line for `args` is built, leave out the report commands it cannot reach:
    `svcstats report NAME ...` needs NAME's only, and `svcstats`, `--help` or `--version` none.
    Typer builds every registered command on each run, and the reports' (each with some forty
    options) are most of that: ~70 ms of a report's start-up. Anything else sees them all."""
    saved = list(report_app.registered_commands)
    if args[:1] == ["report"] and len(args) > 1 and args[1] in REPORTS:
        report_app.registered_commands[:] = [c for c in saved if c.name == args[1]]
    elif not args or args[0] in ("-h", "--help", "-V", "--version"):
        report_app.registered_commands[:] = saved[:1]  # the group still needs one command
    try:
        yield
    finally:
        report_app.registered_commands[:] = saved


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `svcstats` script and `python -m svcstats`: runs the app and turns
    usage errors into one stderr line with exit code 2."""
    # Typer vendors click since 0.26; its exception classes are only importable from there
    # (the version is pinned below 0.30 in pyproject.toml).
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer.main import get_command

    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `svcstats ... | head` ends quietly
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        with only_needed_reports(args):
            command = get_command(app)
        code = command(args=args, prog_name="svcstats", standalone_mode=False)
    except NoArgsIsHelpError as exc:
        exc.show()
        code = ExitCode.OK
    except ClickException as exc:
        path = exc.ctx.command_path if getattr(exc, "ctx", None) else "svcstats"  # type: ignore[attr-defined]
        message = f"{exc.format_message()} (see '{path} --help')"
        if path.endswith(" report") and "No such command" in message:
            name = message.split("'")[1] if "'" in message else ""
            message = unknown_report(name).one_line()
        print(f"svcstats: error: {message}", file=sys.stderr)
        code = exc.exit_code
    except typer.Abort:
        code = 130
    sys.exit(code if isinstance(code, int) else ExitCode.OK)


from svcstats import automation, data_cli, gaps_cli  # noqa: E402, F401  (register run, saved, dashboard, export; data; knowledge-gaps)
