"""`svcstats export` (one file per report and a manifest, for cron) and `svcstats dashboard` (a
config file's dashboard in the terminal or as one html page). Both read their reports' options
with `commands.argv`; report options after their own apply to every report. No Polars at import.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from svcstats.catalog import REPORTS, get_report
from svcstats.commands.argv import ReportCall, share_line, spec_call
from svcstats.commands.errors import reported_errors, say
from svcstats.commands.options import OUTPUT_FLAGS
from svcstats.commands.saved import ConfigOption, debugging, load_settings, with_config
from svcstats.errors import UsageError
from svcstats.output.formats import EXTENSIONS, FILE_FORMATS

if TYPE_CHECKING:
    from collections.abc import Callable

    from svcstats.config import Config
    from svcstats.saved import ReportSpec


def report_specs(config: Config, dashboard: str | None, reports: str | None, every: bool) -> tuple[str, list[ReportSpec]]:
    """The reports a dashboard, a comma-separated list (saved names or report names) or --all names."""
    from svcstats.saved import ReportSpec, dashboard_specs, saved_spec

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


def export_command(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option(*OUTPUT_FLAGS, metavar="DIR", help="Folder to write (replaced as a whole when the export completes).")
    ],
    dashboard: Annotated[str | None, typer.Option("--dashboard", metavar="NAME", help="Export the reports of this dashboard.")] = None,
    reports: Annotated[str | None, typer.Option("--reports", metavar="A,B,C", help="Export these saved reports or reports.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Export every report in the catalogue.")] = False,
    file_format: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help=f"File format: {', '.join(FILE_FORMATS)}.")] = "csv",
    config: ConfigOption = None,
) -> None:
    """Write one file per report and a manifest.json into a folder, all at once (for cron).

    The manifest gives each report's options, period, rows and sha256. Any report option after
    these (--last-week, --as-of DATE, --data DIR, --tz ZONE, ...) applies to every report and
    overrides saved ones.

    Example: svcstats export --config examples/svcstats.toml --dashboard weekly --last-week --output reports/2026-W47
    """
    calls: list[ReportCall] = []
    with reported_errors(lambda: debugging(calls)):
        from svcstats.export import export
        from svcstats.progress import tracked

        file_format = file_format.lower()  # --format CSV as --format csv
        if file_format not in FILE_FORMATS:
            raise UsageError(f"cannot export as {file_format!r}", f"choose one of: {', '.join(FILE_FORMATS)}")
        _, specs = report_specs(load_settings(config), dashboard, reports, every)
        overrides = with_config(list(ctx.args), config)
        calls += [compare_call(own_range_call(spec_call(spec, overrides))) for spec in specs]
        items = [
            (spec.label, report_writer(spec.label, call, file_format), {"report": call.info.name, "options": call.stored_options()})
            for spec, call in zip(specs, calls, strict=True)
        ]
        result = export(items, out, file_format, progress=lambda items: tracked(items, "exporting", len(items)))
        failed = result.manifest["failed"]
        if failed:
            say(f"svcstats: error: {len(failed)} of {len(items)} reports failed ({', '.join(failed)}); see {out / 'manifest.json'}")
            raise SystemExit(max(result.failure_codes))
        if not all(call.output.quiet for call in calls):
            say(f"note: wrote {len(items)} reports and manifest.json to {out}")


def own_range_call(call: ReportCall) -> ReportCall:
    """`call`, or, for a report that covers its own dates (agent-impact) given a date range by
    an export or dashboard run for all its reports, the same call with the range's nearest
    meaning: its last day as --as-of (settings.own_range_as_of), told in a note on stderr. One
    report's dates must not fail a weekly cron export that wrote every other report."""
    from svcstats.commands.options import default_of
    from svcstats.query import DATE_RANGE
    from svcstats.settings import own_range_as_of, range_flag

    as_of = own_range_as_of(call.query)
    if as_of is None:
        return call
    flags = [range_flag(name) for name in DATE_RANGE if getattr(call.query, name)]
    cleared = {name: default_of(name) for name in DATE_RANGE}
    query = replace(call.query, **cleared, as_of=as_of)
    given = {name: value for name, value in call.given.items() if name not in DATE_RANGE} | {"as_of": as_of}
    if not call.output.quiet:
        say(f"note: {call.info.name} always covers {call.info.own_range}: {' '.join(flags)} read as --as-of {as_of}")
    return replace(call, query=query, given=given)


def compare_call(call: ReportCall) -> ReportCall:
    """`call`, or, for a report --compare does not apply to (a listing such as ticket-facts, or
    totals without a first day) given it by an export or dashboard run for all its reports, the
    same call without it, told in a note on stderr: it must not fail the other reports' run."""
    if not call.query.compare:
        return call
    reason = call.info.compare_refusal(call.info.parse_options(call.query.options))
    if reason is None:  # a total without a first day: nothing to move back (an error when run alone)
        from svcstats.compare import range_refusal
        from svcstats.settings import resolve

        range_ = resolve(call.query).date_range
        reason = range_refusal(call.info, call.query.compare, range_, call.query.totals or call.info.range_only)
    if reason is None:
        return call
    if not call.output.quiet:
        say(f"note: {reason} (left out for it)")
    given = {name: value for name, value in call.given.items() if name != "compare"}
    return replace(call, query=replace(call.query, compare=None), given=given)


def report_writer(label: str, call: ReportCall, fmt: str) -> Callable[[Path], dict[str, Any]]:
    """A function writing `call`'s result as `fmt` to a path and returning its manifest details."""

    def write(path: Path) -> dict[str, Any]:
        from svcstats.commands.running import compute_and_tell
        from svcstats.output.report import write_outcome

        output = replace(call.output, format=fmt, output=path, chart=False)
        outcome = compute_and_tell(call.query, output, label)
        write_outcome(outcome, call.query, output, fmt)
        period = {"from": outcome.date_range.start, "to": outcome.date_range.end, "as_of": outcome.as_of, "tz": outcome.tz}
        return {"period": period, "command": share_line(call, outcome), "rows": outcome.result.height}

    return write


def dashboard_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A dashboard from the config file (\\[dashboards.NAME]); with --add, created if missing.")],
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
        Path | None, typer.Option(*OUTPUT_FLAGS, metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
    ] = None,
    add: Annotated[
        list[str],
        typer.Option(
            "--add",
            metavar="REPORT",
            help="Add this report or saved report to the dashboard (created if missing) in the config file, "
            "with the report options given after these; repeatable. Shows nothing.",
        ),
    ] = [],  # noqa: B006 (Typer reads the default; it is never changed)
    remove: Annotated[
        list[str],
        typer.Option(
            "--remove",
            metavar="REPORT",
            help="Take this report or saved report (every entry of it) off the dashboard in the config file; repeatable. Shows nothing.",
        ),
    ] = [],  # noqa: B006 (Typer reads the default; it is never changed)
    title: Annotated[str | None, typer.Option("--title", metavar="TEXT", help="With --add: the dashboard's heading.")] = None,
    config: ConfigOption = None,
) -> None:
    """Show a dashboard's reports: tables and charts in the terminal, or one html page; or, with
    --add, create or extend the dashboard.

    Report options after these (--last 12w, --as-of DATE, ...) apply to every report.

    Create one: svcstats dashboard weekly --add support-volume --add ticket-time-to-close --totals

    Change one: svcstats dashboard weekly --remove support-volume

    Example: svcstats dashboard weekly --config examples/svcstats.toml --last 12w --format html --output weekly.html
    """
    if remove:
        with reported_errors(debug="--debug" in ctx.args):
            remove_from(name, remove, [*add, *([title] if title is not None else []), *ctx.args], config)
        return
    if add or title is not None:
        with reported_errors(debug="--debug" in ctx.args):
            add_to_dashboard(name, add, title, list(ctx.args), config)
        return
    calls: list[ReportCall] = []
    with reported_errors(lambda: debugging(calls)):
        from svcstats.commands.running import compute_and_tell
        from svcstats.output.files import check_not_input, emit
        from svcstats.output.formats import check_destination
        from svcstats.output.titles import title as report_title
        from svcstats.progress import tracked

        fmt = dashboard_format(file_format, output)
        check_destination(fmt, output)
        heading, specs = report_specs(load_settings(config), name, None, False)
        overrides = with_config(list(ctx.args), config)
        calls += [compare_call(own_range_call(spec_call(spec, overrides))) for spec in specs]
        labelled = list(zip([spec.label for spec in specs], calls, strict=True))
        results = [
            (label, call, compute_and_tell(call.query, call.output, label)) for label, call in tracked(labelled, "computing", len(calls))
        ]
        for *_, outcome in results:
            check_not_input(output, outcome.data, config_path=outcome.config_path)
        if fmt == "html":
            from svcstats.output.charts.files import Section, page_html

            ranges = dict.fromkeys(f"{outcome.date_range.describe()} ({outcome.tz})" for _, _, outcome in results)
            as_of = dict.fromkeys(str(call.query.as_of) for _, call, _ in results if call.query.as_of)
            subtitle = "Data: " + "; ".join(ranges) + (f" · as of {', '.join(as_of)}" if as_of else "")
            sections = [Section(f"{label}: {report_title(outcome, call.query)}", outcome, call.query) for label, call, outcome in results]
            text = page_html(heading, subtitle, sections)
        else:
            from svcstats.output.charts.terminal import chart_text
            from svcstats.output.render import terminal_text

            parts = [heading, "=" * len(heading), ""]
            for label, call, outcome in results:
                business = call.query.hours == "business"
                parts += [
                    f"{label}: " + terminal_text(outcome.result, report_title(outcome, call.query), business=business),
                    chart_text(outcome, call.query),
                    "",
                ]
            text = "\n".join(parts)
        emit(lambda handle: handle.write(text.encode()), output)


def add_to_dashboard(name: str, reports: list[str], title: str | None, args: list[str], config: Path | None) -> None:
    """`dashboard NAME --add REPORT...`: store the reports (a saved report by its name, a report
    with the options in `args`, checked as `svcstats report` checks them) in [dashboards.NAME]."""
    from svcstats.commands.argv import parse_report_args
    from svcstats.saved import ReportSpec, save_dashboard

    known = load_settings(config)
    if not reports and name not in known.dashboards:
        raise UsageError(f"no dashboard {name!r} to give a title", "add its reports with --add REPORT")
    specs = []
    for report in reports:
        if report in known.saved and not args:
            specs.append(ReportSpec(str(known.saved[report].get("report")), name=report))
        elif report in known.saved:
            raise UsageError(f"{report} is a saved report: its options are saved with it", "add it without report options")
        else:
            call = parse_report_args(get_report(report).name, args)
            specs.append(ReportSpec(call.info.name, call.stored_options()))
    path, skipped = save_dashboard(name, specs, config, title)
    for label in skipped:
        say(f"note: dashboard {name} already shows {label} with these options; not added twice")
    tell_size(name, path)


def remove_from(name: str, reports: list[str], others: list[str], config: Path | None) -> None:
    """`dashboard NAME --remove REPORT...`: take those reports off [dashboards.NAME]."""
    from svcstats.saved import remove_from_dashboard

    if [arg for arg in others if arg != "--debug"]:
        raise UsageError("--remove takes no other options", "remove first, then add with --add in a second command")
    tell_size(name, remove_from_dashboard(name, reports, config))


def tell_size(name: str, path: Path) -> None:
    """The note after a dashboard changed: where it is and how many reports it now has."""
    board = load_settings(path).dashboards[name]
    then = f"show it with: svcstats dashboard {name}" if board.reports else f"add one with: svcstats dashboard {name} --add REPORT"
    say(f"note: dashboard {name} in {path} now has {len(board.reports)} reports ({then})")


def dashboard_format(requested: str | None, output: Path | None) -> str:
    """A dashboard's format: as requested, else from the output's extension, else the table
    (piped too: a dashboard has no machine format)."""
    from svcstats.output.formats import choose_format

    requested = requested.lower() if requested else requested
    if requested is None and output is not None and str(output) != "-" and output.suffix.lower() not in EXTENSIONS:
        raise UsageError(f"cannot tell the format of {output.name} from its extension", "add --format table or --format html")
    fmt = choose_format(requested, output, stdout_is_terminal=True)
    if fmt not in ("table", "html"):
        raise UsageError(f"a dashboard is a table or an html page, not {fmt}", "use --format table or --format html (or an .html output)")
    return fmt
