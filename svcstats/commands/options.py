"""Every option the commands share, declared once as an `Annotated` alias that Typer and a type
checker both read, in the help panels they show under. The declarations are `Flag`s, typer.Option's
arguments kept without importing Typer (a report run parses its options without it);
`typer_parameters` turns them into Typer's own when a command is built. `svcstats report NAME`
takes them in `REPORT_OPTIONS` order; `data` and `knowledge-gaps` take the data and output ones;
the argv parser (`commands.argv`) reads the same declarations, so a saved report's options are
read exactly as the command line reads them. No Polars.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import MISSING, fields
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from svcstats.catalog import ReportInfo, ReportOption
from svcstats.output.formats import Format, TableFormat
from svcstats.query import Compare, Engine, Frequency, Hours, OutputOptions, ReportQuery, SourceFormat, WeekStart

DATA, RANGE, SHAPE, OUTPUT, REPORT, KEEP = "Data", "Date range", "Rows and groups", "Output", "This report", "Save and share"
DATE_FORMATS = ["%Y-%m-%d"]
# where every command writes, file or folder: --output/-o, with --out accepted as the same option
OUTPUT_FLAGS = ("--output", "-o", "--out")
STATE_NAME = "svcstats-state.sqlite"  # knowledge-gaps' state file, by default beside the config or data


class Flag:
    """An option's declaration in typer.Option's words: its flags, then keywords (help, envvar,
    metavar, rich_help_panel, min, formats, ...)."""

    def __init__(self, *param_decls: str, **settings: Any) -> None:
        self.param_decls = param_decls
        self.settings = settings

    def get(self, name: str, default: Any = None) -> Any:
        """One of its keywords (envvar, formats, min, max, case_sensitive), or `default`."""
        return self.settings.get(name, default)


# -- Data ---------------------------------------------------------------------------------
DataDir = Annotated[
    Path | None,
    Flag(
        "--data", "-d", envvar="SVCSTATS_DATA", metavar="DIR", rich_help_panel=DATA, show_default=False,
        help="Folder of exports (one file or folder per table, or help-desk exports under their own names), or one export file.",
    ),
]  # fmt: skip
ConfigFile = Annotated[
    Path | None,
    Flag(
        "--config", metavar="FILE", rich_help_panel=DATA, show_default=False,
        help="Config file (default ./svcstats.toml, or env SVCSTATS_CONFIG).",
    ),
]  # fmt: skip
SourceFormatOption = Annotated[
    SourceFormat | None,
    Flag(
        "--source-format", rich_help_panel=DATA, show_default=False,
        help="Export format: a help desk's own, or generic (neutral columns); auto (default) recognises it from the headers.",
    ),
]  # fmt: skip
SourceTz = Annotated[
    str | None,
    Flag(
        "--source-tz", metavar="ZONE", rich_help_panel=DATA, show_default=False,
        help="IANA zone of times written without one (HubSpot, Zendesk, Freshdesk exports), e.g. Europe/Oslo.",
    ),
]  # fmt: skip
Strict = Annotated[
    bool,
    Flag(
        "--strict", metavar="", rich_help_panel=DATA, show_default=False,
        help="Fail (exit 3) on unparseable values instead of leaving their rows out.",
    ),
]  # fmt: skip
State = Annotated[
    Path | None,
    Flag(
        "--state", metavar="FILE", rich_help_panel=DATA, show_default=False,
        help=f"State file (default: config agent.state, else {STATE_NAME} beside the config or data).",
    ),
]  # fmt: skip

# -- Date range ---------------------------------------------------------------------------
DateFrom = Annotated[
    datetime | None,
    Flag("--from", formats=DATE_FORMATS, metavar="DATE", rich_help_panel=RANGE, show_default=False,
                 help="First day, inclusive (YYYY-MM-DD)."),
]  # fmt: skip
DateTo = Annotated[
    datetime | None,
    Flag("--to", formats=DATE_FORMATS, metavar="DATE", rich_help_panel=RANGE, show_default=False,
                 help="Last day, inclusive (YYYY-MM-DD)."),
]  # fmt: skip
Last = Annotated[
    str | None,
    Flag("--last", metavar="N[dwmqy]", rich_help_panel=RANGE, show_default=False,
                 help="The last N periods up to --as-of: 30d, 12w, 6m, 2q, 1y."),
]  # fmt: skip
ThisWeek = Annotated[
    bool,
    Flag("--this-week", metavar="", rich_help_panel=RANGE, show_default=False,
                 help="From the first day of this week (Monday, or --week-start) to --as-of."),
]  # fmt: skip
LastWeek = Annotated[
    bool,
    Flag("--last-week", metavar="", rich_help_panel=RANGE, show_default=False,
                 help="The whole of last week (Monday to Sunday, or as --week-start says)."),
]  # fmt: skip
ThisMonth = Annotated[
    bool, Flag("--this-month", metavar="", rich_help_panel=RANGE, show_default=False, help="From the 1st of this month to --as-of.")
]
LastMonth = Annotated[bool, Flag("--last-month", metavar="", rich_help_panel=RANGE, show_default=False, help="The whole of last month.")]
AsOf = Annotated[
    datetime | None,
    Flag(
        "--as-of", formats=DATE_FORMATS, metavar="DATE", rich_help_panel=RANGE, show_default=False,
        help="Take this date as today (reproducible cron runs): reports see the data as it stood at the end of that day; "
        "without a range, the range ends there.",
    ),
]  # fmt: skip
WeekStartOption = Annotated[
    WeekStart | None,
    Flag(
        "--week-start", rich_help_panel=RANGE, show_default=False,
        help="First day of a week (weekly periods, --this-week, --last-week, --last Nw); default: config week_start, else monday.",
    ),
]  # fmt: skip
DateBy = Annotated[
    str | None,
    Flag("--date-by", metavar="NAME", rich_help_panel=RANGE, show_default=False,
                 help="Which date places a record in the range and period (see svcstats about NAME)."),
]  # fmt: skip

# -- Rows and groups ----------------------------------------------------------------------
Totals = Annotated[
    bool,
    Flag("--totals", metavar="", rich_help_panel=SHAPE, show_default=False,
                 help="One row per group for the whole range instead of one per period."),
]  # fmt: skip
GroupBy = Annotated[
    list[str],
    Flag("--group-by", "-g", metavar="COLUMN", rich_help_panel=SHAPE, show_default=False,
                 help="Split rows by rep, team, pipeline, source, channel or any column; repeatable."),
]  # fmt: skip
Reps = Annotated[
    list[str],
    Flag("--rep", metavar="NAME", rich_help_panel=SHAPE, show_default=False,
                 help="Only these reps (ticket owners); repeatable; Unassigned picks tickets without one."),
]  # fmt: skip
Teams = Annotated[
    list[str], Flag("--team", metavar="NAME", rich_help_panel=SHAPE, show_default=False, help="Only these teams; repeatable.")
]
Pipelines = Annotated[
    list[str],
    Flag("--pipeline", metavar="NAME", rich_help_panel=SHAPE, show_default=False, help="Only these pipelines; repeatable."),
]
Sources = Annotated[
    list[str],
    Flag("--source", metavar="SOURCE", rich_help_panel=SHAPE, show_default=False,
                 help="Only these sources (chat, email, form, phone, other); repeatable."),
]  # fmt: skip
Where = Annotated[
    str | None,
    Flag("--where", "-w", metavar="SQL", rich_help_panel=SHAPE, show_default=False,
                 help="SQL condition on the records, e.g. \"priority = 'high' AND source IN ('chat', 'email')\"."),
]  # fmt: skip
Tz = Annotated[
    str | None,
    Flag("--tz", envvar="SVCSTATS_TZ", metavar="ZONE", rich_help_panel=SHAPE, show_default=False,
                 help="IANA time zone for dates and periods (default: config tz, else UTC)."),
]  # fmt: skip
Stats = Annotated[
    list[str],
    Flag(
        "--stat", metavar="STAT", rich_help_panel=SHAPE, show_default=False,
        help="Statistic the table shows: mean, median, p75, p90, p95, min, max; repeatable. "
        "Machine formats always carry mean, median and p90, plus these.",
    ),
]  # fmt: skip
CompareOption = Annotated[
    Compare | None,
    Flag(
        "--compare", rich_help_panel=SHAPE, show_default=False,
        help="Add the same figures for another range and the change: previous (the range of equal length just before; "
        "whole months or a month to date: the months before; over time: each row's period before) or year (a year earlier; "
        "weekly and daily: 52 weeks, so weekdays align). Columns <measure>_previous, _change, _change_pct, compared_from, compared_to.",
    ),
]  # fmt: skip
HoursOption = Annotated[
    Hours,
    Flag(
        "--hours", rich_help_panel=SHAPE, show_default=True,
        help="calendar: all hours (24/7); business: working hours only, from working_hours and holidays "
        "(whose schedule: see svcstats about NAME).",
    ),
]  # fmt: skip

# -- Output -------------------------------------------------------------------------------
FORMAT_HELP = "Output format; default table on a terminal, csv when piped"
FormatOption = Annotated[
    Format | None,
    Flag(
        "--format", "-f", case_sensitive=False, rich_help_panel=OUTPUT, show_default=False,
        help=f"{FORMAT_HELP} or from --output's extension.",
    ),
]  # fmt: skip
TableFormatOption = Annotated[
    TableFormat | None,
    Flag("--format", "-f", case_sensitive=False, rich_help_panel=OUTPUT, show_default=False, help=f"{FORMAT_HELP}."),
]  # the commands that write a table of data, never a chart
Output = Annotated[
    Path | None,
    Flag(*OUTPUT_FLAGS, metavar="FILE", rich_help_panel=OUTPUT, show_default=False,
                 help="Write to FILE (atomically; missing folders are created) instead of stdout. --out is the same option."),
]  # fmt: skip
Chart = Annotated[
    bool,
    Flag("--chart", metavar="", rich_help_panel=OUTPUT, show_default=False,
                 help="Draw a chart under the table (html, svg and png always have one)."),
]  # fmt: skip
Quiet = Annotated[
    bool,
    Flag("--quiet", "-q", metavar="", rich_help_panel=OUTPUT, show_default=False,
                 help="No notes on stderr (warnings and errors still show)."),
]  # fmt: skip
Verbose = Annotated[
    bool,
    Flag(
        "--verbose",
        "-v",
        metavar="",
        rich_help_panel=OUTPUT,
        show_default=False,
        help="The config file, data folder, source format, time zone and range in force, and the timing, on stderr.",
    ),
]
Debug = Annotated[bool, Flag("--debug", metavar="", rich_help_panel=OUTPUT, show_default=False, help="Show the full traceback on errors.")]
EngineOption = Annotated[
    Engine, Flag("--engine", rich_help_panel=OUTPUT, show_default=True, help="Polars engine; in-memory is for debugging.")
]
SparkMaster = Annotated[
    str | None,
    Flag("--spark", metavar="MASTER", rich_help_panel=OUTPUT, show_default=False,
                 help="Run on Apache Spark at MASTER (local[2], spark://host:7077, yarn) over Parquet data; needs svcstats[spark]. "
                      "Default: [spark] master in svcstats.toml; 'off' runs here."),
]  # fmt: skip

ApproxQuantiles = Annotated[
    bool,
    Flag("--approx-quantiles", metavar="", rich_help_panel=OUTPUT, show_default=False,
                 help="With --spark: medians and percentiles from mergeable sketches, each within 0.5% of the exact value "
                      "(relative), so no group's rows meet in one task (for groups of billions); counts exact, means within 1e-9. "
                      "Reports without quantiles, or whose aggregation cannot merge, refuse it."),
]  # fmt: skip

# -- Save and share -----------------------------------------------------------------------
Save = Annotated[
    str | None,
    Flag("--save", metavar="NAME", rich_help_panel=KEEP, show_default=False,
                 help="Run, then save the report and these options as NAME in the config file."),
]  # fmt: skip
Force = Annotated[
    bool,
    Flag("--force", metavar="", rich_help_panel=KEEP, show_default=False,
                 help="With --save: replace a saved report of that name (without it, an existing name is refused)."),
]  # fmt: skip
Share = Annotated[
    bool,
    Flag("--share", metavar="", rich_help_panel=KEEP, show_default=False,
                 help="Print the command line that reproduces this result (dates resolved)."),
]  # fmt: skip


def frequency_option(default: str) -> Any:
    """--frequency as a report's help shows it, naming that report's default period."""
    return Annotated[
        Frequency | None,
        Flag("--frequency", "-F", rich_help_panel=SHAPE, show_default=False, help=f"Period of a row (default {default})."),
    ]


# The options of every `svcstats report NAME`, in --help order: query and output field name ->
# declaration ("frequency" is made per report, naming its default).
COMMON_OPTIONS: dict[str, Any] = {
    "data": DataDir, "config": ConfigFile, "source_format": SourceFormatOption, "source_tz": SourceTz, "strict": Strict,
    "date_from": DateFrom, "date_to": DateTo, "last": Last, "this_week": ThisWeek, "last_week": LastWeek,
    "this_month": ThisMonth, "last_month": LastMonth, "as_of": AsOf, "week_start": WeekStartOption,
    "date_by": DateBy,
    "frequency": None, "totals": Totals, "group_by": GroupBy, "reps": Reps, "teams": Teams, "pipelines": Pipelines,
    "sources": Sources, "where": Where, "tz": Tz, "compare": CompareOption,
    "format": FormatOption, "output": Output, "chart": Chart, "quiet": Quiet, "verbose": Verbose, "debug": Debug, "engine": EngineOption,
    "spark": SparkMaster, "approx_quantiles": ApproxQuantiles,
}  # fmt: skip
SHARE_OPTIONS: dict[str, Any] = {"save": Save, "force": Force, "share": Share}


def default_of(name: str) -> Any:
    """The default of a query or output field: the dataclasses say it, once."""
    for owner in (ReportQuery, OutputOptions):
        for item in fields(owner):
            if item.name == name:
                return [] if item.default is MISSING else item.default
    return None  # --save, --force and --share: not part of a query


def report_option(option: ReportOption) -> Any:
    """The declaration of an option only this report takes."""
    annotation: Any
    if option.choices:
        annotation = Literal[option.choices]
    elif isinstance(option.default, bool):
        annotation = bool
    else:
        annotation = str | None
    shown = option.default not in (None, False, [])
    # read as text and parsed by the option's one rule (ReportOption.parse); the metavar says the kind
    metavar = "" if annotation is bool else {"int": "<int>", "float": "<number>"}.get(option.value_kind)
    info = Flag(option.flag, help=option.help, rich_help_panel=REPORT, show_default=shown, metavar=metavar)
    return Annotated[annotation, info]


def report_options(info: ReportInfo) -> dict[str, tuple[Any, Any]]:
    """Every option of `svcstats report NAME`, in --help order: name -> (declaration, default)."""
    chosen = {name: frequency_option(info.default_frequency) if name == "frequency" else alias for name, alias in COMMON_OPTIONS.items()}
    if info.duration_stats:
        chosen["stats"] = Stats
    if info.schedule_of:
        chosen["hours"] = HoursOption
    every = {name: (alias, default_of(name)) for name, alias in chosen.items()}
    every.update({option.name: (report_option(option), option.default) for option in info.options})
    every.update({name: (alias, default_of(name)) for name, alias in SHARE_OPTIONS.items()})
    return every


def report_parameters(info: ReportInfo) -> list[inspect.Parameter]:
    """The options of `svcstats report NAME` as the keyword parameters Typer reads."""
    return [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=alias)
        for name, (alias, default) in report_options(info).items()
    ]


@functools.cache
def typer_annotation(annotation: Any) -> Any:
    """`Annotated[T, Flag(...)]` as `Annotated[T, typer.Option(...)]`; any other annotation as it is.
    Once per alias: the 34 report commands share most of theirs."""
    metadata = getattr(annotation, "__metadata__", ())
    if not any(isinstance(item, Flag) for item in metadata):
        return annotation
    import typer

    converted = [typer.Option(*m.param_decls, **m.settings) if isinstance(m, Flag) else m for m in metadata]
    return Annotated[(annotation.__origin__, *converted)]


def typer_parameters(function: Callable[..., Any], parameters: list[inspect.Parameter] | None = None) -> Callable[..., Any]:
    """`function` as Typer should read it: a wrapper whose parameters are `parameters` (by default
    the function's own) with their `Flag` declarations turned into typer.Option. The one place the
    package sets a signature at run time; the function itself keeps its declarations."""
    signature = inspect.signature(function, eval_str=True)
    if parameters is not None:
        signature = signature.replace(parameters=parameters)
    converted = [p.replace(annotation=typer_annotation(p.annotation)) for p in signature.parameters.values()]

    @functools.wraps(function)
    def command(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    command.__signature__ = signature.replace(parameters=converted)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in converted} | {"return": signature.return_annotation}
    return command
