"""Commands that run reports from the config or for a cron job: run, saved, dashboard, export.

They share one mechanism: a report's options are command-line arguments, parsed by the report's
own command (so every check and default is the same as for `svcstats report`). Saved options come
first and explicit ones override them; a date range given explicitly replaces the saved range.
Imported at the end of cli.py, which it extends; no Polars at import.
"""

from __future__ import annotations

import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from svcstats.catalog import REPORTS, ReportInfo, get_report
from svcstats.cli import app, option_flag, report_app, report_parameters, reported_errors
from svcstats.errors import UsageError
from svcstats.request import ReportRequest
from svcstats.specs import ReportSpec, option_args

if TYPE_CHECKING:
    from svcstats.resolve import Resolved
    from svcstats.runner import Outcome

CAPTURE = "svcstats.capture"  # context key: collect the parsed call instead of running it
DATE_RANGE = ("date_from", "date_to", "last", "this_week", "last_week", "this_month", "last_month")
# options that say how to run, not what to show: a saved report does not keep them
NOT_STORED = ("save", "share", "config", "output", "quiet", "verbose", "debug", "engine")
NOT_SHARED = (*NOT_STORED, *DATE_RANGE, "as_of", "data", "tz", "output", "quiet", "verbose")
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": ["-h", "--help"]}


@dataclass
class ReportCall:
    """A parsed `svcstats report NAME ...`: the request, and the options given explicitly."""

    info: ReportInfo
    request: ReportRequest
    given: dict[str, Any]  # parameter name -> value, for options written on the command line
    save: str | None = None
    share: bool = False

    def stored_options(self) -> dict[str, Any]:
        """The explicit options keyed by flag name without dashes, as the config stores them."""
        flags = flag_names(self.info)
        return {flags[name]: value for name, value in self.given.items() if name not in NOT_STORED}


def flag_names(info: ReportInfo) -> dict[str, str]:
    """Parameter name -> long flag without dashes, for every option of the report."""
    return {p.name: option_flag(p).removeprefix("--") for p in report_parameters(info)}


def parse_call(report: str, args: list[str], label: str | None = None) -> ReportCall:
    """Parse `svcstats report REPORT ARGS...` without running it; a bad option or value is a
    usage error naming `label` (the saved report or dashboard entry it came from)."""
    from typer._click.exceptions import ClickException  # Typer vendors click (see cli.main)
    from typer.main import get_command

    info = get_report(report)
    group = get_command(report_app)
    command = group.commands[info.name]  # type: ignore[attr-defined]
    captured: list[ReportCall] = []
    try:
        context = command.make_context(f"svcstats report {info.name}", list(args))
        context.meta[CAPTURE] = captured
        with context:
            command.invoke(context)
    except ClickException as exc:
        raise UsageError(f"{label or info.name}: {exc.format_message()}", f"see svcstats report {info.name} --help") from None
    call = captured[0]
    call.save, call.share = context.params.get("save"), bool(context.params.get("share"))
    return call


def spec_call(spec: ReportSpec, overrides: list[str]) -> ReportCall:
    """The call a saved or dashboard report makes, with `overrides` (arguments) winning."""
    info = get_report(spec.report)
    keys = {flag: name for name, flag in flag_names(info).items()}
    unknown = [key for key in spec.options if key not in keys]
    if unknown:
        raise UsageError(f"{spec.label}: {info.name} has no option {unknown[0]!r}", f"see svcstats report {info.name} --help")
    given = set(parse_call(info.name, overrides, spec.label).given)
    replaced = given | (set(DATE_RANGE) | {"as_of"} if given & set(DATE_RANGE) else set())
    kept = {key: value for key, value in spec.options.items() if keys[key] not in replaced}
    return parse_call(info.name, [*option_args(kept), *overrides], spec.label)


def share_line(call: ReportCall, settings: Resolved | Outcome) -> str:
    """The command line that reproduces `call`'s result: the explicit options, plus the data
    folder, time zone, range and "today" as the run resolved them (`settings`)."""
    from svcstats.render import EXTENSIONS

    args = ["svcstats", "report", call.info.name, "--data", str(settings.data)]
    if settings.config_path is not None:
        args += ["--config", str(settings.config_path)]
    flags = flag_names(call.info)
    for name, value in call.given.items():
        if name not in NOT_SHARED:
            args += option_args({flags[name]: value})
    if "format" not in call.given and call.request.output is not None and call.request.output.suffix.lower() in EXTENSIONS:
        args += ["--format", EXTENSIONS[call.request.output.suffix.lower()]]
    if settings.date_range.start is not None and not call.info.own_range:
        args += ["--from", settings.date_range.start.isoformat()]
    if settings.date_range.end is not None and not call.info.own_range:
        args += ["--to", settings.date_range.end.isoformat()]
    args += ["--as-of", settings.as_of.isoformat(), "--tz", settings.tz]
    return shlex.join(args)


def run_call(call: ReportCall, *, save: str | None = None, share: bool = False) -> None:
    """Run a parsed report as `svcstats report` does: --share prints its command line instead,
    --save stores it in the config file once it ran (or once --share resolved it)."""
    if share or call.share:
        from svcstats.resolve import resolve
        from svcstats.runner import output_format

        output_format(call.request)  # the checks a run makes before any work (e.g. --chart with csv)
        print(share_line(call, resolve(call.request)))  # resolving the settings checked them: --save may store them
    else:
        from svcstats.runner import run_report

        run_report(call.request)
    name = save or call.save
    if name:
        from svcstats.saved import save_spec

        path = save_spec(ReportSpec(call.info.name, call.stored_options(), name), call.request.config)
        if not call.request.quiet:
            print(f"note: saved as {name} in {path} (run it with: svcstats run {name})", file=sys.stderr)


def load_settings(config: Path | None) -> Any:
    """The config in force, for the commands that read saved reports and dashboards."""
    from svcstats.config import load_config

    return load_config(config)[0]


def with_config(args: list[str], config: Path | None) -> list[str]:
    """Pass --config on to every report the command runs."""
    return [*args, "--config", str(config)] if config is not None else args


ConfigOption = Annotated[Path | None, typer.Option("--config", metavar="FILE", help="Config file (default ./svcstats.toml).")]


@app.command("run", context_settings=PASS_THROUGH)
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
        from svcstats.saved import saved_spec

        spec = saved_spec(load_settings(config), name)
        calls.append(spec_call(spec, with_config(list(ctx.args), config)))
        run_call(calls[0])


def debugging(calls: list[ReportCall]) -> bool:
    """Whether any of the parsed reports asked for --debug (read when an error is reported)."""
    return any(call.request.debug for call in calls)


@app.command("saved")
def saved(config: ConfigOption = None) -> None:
    """List the saved reports and their options.

    Example: svcstats saved --config examples/svcstats.toml
    """
    with reported_errors(debug=False):
        from svcstats.saved import saved_spec

        settings = load_settings(config)
        if not settings.saved:
            print("no saved reports yet (save one with: svcstats report NAME ... --save MY-REPORT)", file=sys.stderr)
            return
        width = max(map(len, settings.saved))
        for name in settings.saved:
            spec = saved_spec(settings, name)
            options = dict(spec.options)
            if isinstance(options.get("data"), str):  # resolved against the config file: shown as run from here
                options["data"] = here(Path(options["data"]))
            print(f"{name:<{width}}  {shlex.join([spec.report, *option_args(options)])}")


def here(path: Path) -> str:
    """`path` relative to the current folder when it is inside it, else as it is."""
    absolute = Path(os.path.abspath(path))  # without "..": team/../data is data
    return str(absolute.relative_to(Path.cwd())) if absolute.is_relative_to(Path.cwd()) else str(absolute)


def report_specs(config: Any, dashboard: str | None, reports: str | None, every: bool) -> tuple[str, list[ReportSpec]]:
    """The reports a dashboard, a comma-separated list (saved names or report names) or --all names."""
    from svcstats.saved import dashboard_specs, saved_spec

    chosen = [flag for flag, given in (("--dashboard", dashboard), ("--reports", reports), ("--all", every)) if given]
    if len(chosen) != 1:
        raise UsageError(
            "say which reports to export" if not chosen else f"{' and '.join(chosen)} both choose reports",
            "give one of --dashboard NAME, --reports a,b,c or --all",
        )
    if dashboard:
        return dashboard_specs(config, dashboard)
    if every:
        return "all reports", [ReportSpec(name) for name in REPORTS]
    names = [name.strip() for name in (reports or "").split(",") if name.strip()]
    return "reports", [saved_spec(config, name) if name in config.saved else ReportSpec(get_report(name).name) for name in names]


@app.command("export", context_settings=PASS_THROUGH)
def export_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", metavar="DIR", help="Folder to write (replaced as a whole when the export completes).")],
    dashboard: Annotated[str | None, typer.Option("--dashboard", metavar="NAME", help="Export the reports of this dashboard.")] = None,
    reports: Annotated[str | None, typer.Option("--reports", metavar="A,B,C", help="Export these saved reports or reports.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Export every report in the catalogue.")] = False,
    file_format: Annotated[
        str,
        typer.Option(
            "--format", "-f", metavar="FORMAT", help="File format: csv, tsv, json, ndjson, markdown, parquet, xlsx, html, svg, png."
        ),
    ] = "csv",
    config: ConfigOption = None,
) -> None:
    """Write one file per report and a manifest.json into a folder, all at once (for cron).

    The manifest gives each report's options, period, rows and sha256. Any report option after
    these (--last-week, --as-of DATE, --data DIR, --tz ZONE, ...) applies to every report and
    overrides saved ones.

    Example: svcstats export --config examples/svcstats.toml --dashboard weekly --last-week --out reports/2026-W47
    """
    calls: list[ReportCall] = []
    with reported_errors(lambda: debugging(calls)):
        from svcstats.export import FILE_FORMATS, export
        from svcstats.progress import tracked

        if file_format not in FILE_FORMATS:
            raise UsageError(f"cannot export as {file_format!r}", f"choose one of: {', '.join(FILE_FORMATS)}")
        _, specs = report_specs(load_settings(config), dashboard, reports, every)
        overrides = with_config(list(ctx.args), config)
        calls += [spec_call(spec, overrides) for spec in specs]
        items = [
            (spec.label, report_writer(spec.label, call, file_format), {"report": call.info.name, "options": call.stored_options()})
            for spec, call in zip(specs, calls, strict=True)
        ]
        result = export(items, out, file_format, progress=lambda items: tracked(items, "exporting", len(items)))
        failed = result.manifest["failed"]
        if failed:
            print(
                f"svcstats: error: {len(failed)} of {len(items)} reports failed ({', '.join(failed)}); see {out / 'manifest.json'}",
                file=sys.stderr,
            )
            raise typer.Exit(max(result.failure_codes))
        if not all(call.request.quiet for call in calls):
            print(f"note: wrote {len(items)} reports and manifest.json to {out}", file=sys.stderr)


def report_writer(label: str, call: ReportCall, fmt: str) -> Any:
    """A function writing `call`'s result as `fmt` to a path and returning its manifest details."""

    def write(path: Path) -> dict[str, Any]:
        from dataclasses import replace

        from svcstats.runner import compute_and_tell, write_outcome

        request = replace(call.request, format=fmt, output=path, chart=False)
        outcome = compute_and_tell(request, label)
        write_outcome(outcome, request, fmt)
        period = {"from": outcome.date_range.start, "to": outcome.date_range.end, "as_of": outcome.as_of, "tz": outcome.tz}
        return {"period": period, "command": share_line(call, outcome), "rows": outcome.result.height}

    return write


@app.command("dashboard", context_settings=PASS_THROUGH)
def dashboard_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A dashboard from the config file ([dashboards.NAME]).")],
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="table (terminal: tables and charts) or html (one page); default from --output's extension (.html, .txt), else table.",
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Show a dashboard's reports: tables and charts in the terminal, or one html page.

    Report options after these (--last 12w, --as-of DATE, ...) apply to every report.

    Example: svcstats dashboard weekly --config examples/svcstats.toml --last 12w --format html --output weekly.html
    """
    calls: list[ReportCall] = []
    with reported_errors(lambda: debugging(calls)):
        from svcstats.guard import check_not_input
        from svcstats.progress import tracked
        from svcstats.render import check_destination, emit
        from svcstats.runner import compute_and_tell, title

        fmt = dashboard_format(file_format, output)
        check_destination(fmt, output)
        heading, specs = report_specs(load_settings(config), name, None, False)
        overrides = with_config(list(ctx.args), config)
        calls += [spec_call(spec, overrides) for spec in specs]
        labelled = list(zip([spec.label for spec in specs], calls, strict=True))
        results = [(label, call, compute_and_tell(call.request, label)) for label, call in tracked(labelled, "computing", len(calls))]
        for *_, outcome in results:
            check_not_input(output, outcome.data, config_path=outcome.config_path)
        if fmt == "html":
            from svcstats.charts.files import Section, page_html

            ranges = dict.fromkeys(f"{outcome.date_range.describe()} ({outcome.tz})" for _, _, outcome in results)
            as_of = dict.fromkeys(str(call.request.as_of) for _, call, _ in results if call.request.as_of)
            subtitle = "Data: " + "; ".join(ranges) + (f" · as of {', '.join(as_of)}" if as_of else "")
            sections = [Section(f"{label}: {title(outcome, call.request)}", outcome, call.request) for label, call, outcome in results]
            text = page_html(heading, subtitle, sections)
        else:
            from svcstats.charts.terminal import chart_text
            from svcstats.render import table_text

            parts = [heading, "=" * len(heading), ""]
            for label, call, outcome in results:
                parts += [f"{label}: " + table_text(outcome.result, title(outcome, call.request)), chart_text(outcome, call.request), ""]
            text = "\n".join(parts)
        emit(lambda handle: handle.write(text.encode()), output)


def dashboard_format(requested: str | None, output: Path | None) -> str:
    """A dashboard's format: as requested, else from the output's extension, else the table
    (piped too: a dashboard has no machine format)."""
    from svcstats.render import EXTENSIONS, choose_format

    if requested is None and output is not None and str(output) != "-" and output.suffix.lower() not in EXTENSIONS:
        raise UsageError(f"cannot tell the format of {output.name} from its extension", "add --format table or --format html")
    fmt = choose_format(requested, output, stdout_is_terminal=True)
    if fmt not in ("table", "html"):
        raise UsageError(f"a dashboard is a table or an html page, not {fmt}", "use --format table or --format html (or an .html output)")
    return fmt
