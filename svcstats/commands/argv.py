"""Report options as command-line arguments, both ways, without a Typer context.

`parse_report_args` reads `svcstats report NAME ARGS...` from a list of strings, with the option
declarations of `commands.options` (the same flags, types, choices, defaults and environment
variables as the command) and the same error messages as the command line; saved reports,
dashboards and exports read their stored options and overrides with it. `option_args` writes
stored options back as arguments, and `share_line` writes the command line that reproduces a
run. `ReportCall` is the parsed result: the query, the output options, and what was given.
No Polars, no Typer internals.
"""

from __future__ import annotations

import os
import shlex
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from svcstats.catalog import ReportInfo, get_report
from svcstats.commands.errors import plain_words
from svcstats.commands.options import DATE_FORMATS, report_options
from svcstats.errors import UsageError
from svcstats.query import DATE_RANGE, OUTPUT_FIELDS, QUERY_FIELDS, OutputOptions, ReportQuery

if TYPE_CHECKING:
    from svcstats.outcome import Outcome
    from svcstats.saved import ReportSpec
    from svcstats.settings import Resolved

# options that say how to run, not what to show: a saved report does not keep them
NOT_STORED = ("save", "force", "share", "config", "output", "quiet", "verbose", "debug", "engine", "spark", "approx_quantiles")
NOT_SHARED = (*NOT_STORED, *DATE_RANGE, "as_of", "data", "tz", "output", "quiet", "verbose")
DATES = ("date_from", "date_to", "as_of")


@dataclass
class ReportCall:
    """A parsed `svcstats report NAME ...`: what to compute, how to output it, and the options
    given explicitly (parameter name -> value)."""

    info: ReportInfo
    query: ReportQuery
    output: OutputOptions
    given: dict[str, Any]
    save: str | None = None
    share: bool = False
    force: bool = False  # --save may replace a saved report of that name

    def stored_options(self) -> dict[str, Any]:
        """The explicit options keyed by flag name without dashes, as the config stores them."""
        flags = flag_names(self.info)
        return {flags[name]: value for name, value in self.given.items() if name not in NOT_STORED}


def make_call(info: ReportInfo, values: dict[str, Any], given: set[str]) -> ReportCall:
    """A ReportCall from every option's value (parameter name -> value, as Typer or the parser
    read them) and the names of those written on the command line."""
    values = {name: value.date() if name in DATES and isinstance(value, datetime) else value for name, value in values.items()}
    own = {option.name: values[option.name] for option in info.options if option.name in values}
    query = ReportQuery(report=info.name, options=own, **{name: values[name] for name in QUERY_FIELDS if name in values})
    output = OutputOptions(**{name: values[name] for name in OUTPUT_FIELDS if name in values})
    explicit = {name: values[name] for name in values if name in given}
    return ReportCall(info, query, output, explicit, values.get("save"), bool(values.get("share")), bool(values.get("force")))


# -- reading arguments --------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    """One option as the parser needs it: its name, flags, what it takes, its default."""

    name: str
    flags: tuple[str, ...]
    base: Any  # the value type, without None: bool, str, Path, datetime, a Literal, list[str]
    default: Any
    envvar: str | None
    formats: tuple[str, ...] | None
    bounds: tuple[Any, Any] = (None, None)  # min and max of a number
    case_sensitive: bool = True  # a choice (--format CSV) read as the command line reads it

    @property
    def takes_value(self) -> bool:
        return self.base is not bool

    @property
    def repeatable(self) -> bool:
        return typing.get_origin(self.base) is list

    @property
    def label(self) -> str:
        """How error messages name it: '--frequency' / '-F'."""
        return " / ".join(f"'{flag}'" for flag in self.flags)


def _options(info: ReportInfo) -> list[_Option]:
    """The report's options, read from their declarations (`commands.options.Flag`)."""
    found = []
    for name, (alias, default) in report_options(info).items():
        annotation, declaration = typing.get_args(alias)[:2]
        envvar = declaration.get("envvar")
        formats = tuple(declaration.get("formats")) if declaration.get("formats") else None
        bounds = (declaration.get("min"), declaration.get("max"))
        cased = declaration.get("case_sensitive", True)
        found.append(_Option(name, declaration.param_decls, _without_none(annotation), default, envvar, formats, bounds, cased))
    return found


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


class _ParseError(Exception):
    """A message as the command line words it."""


def parse_report_args(report: str, args: list[str], label: str | None = None) -> ReportCall:
    """Parse `svcstats report REPORT ARGS...` without running it; a bad option or value is a
    usage error naming `label` (the saved report or dashboard entry it came from)."""
    info = get_report(report)
    try:
        values, given = _parse(_options(info), list(args))
    except _ParseError as exc:
        raise UsageError(f"{label or info.name}: {plain_words(str(exc))}", f"see svcstats report {info.name} --help") from None
    return make_call(info, values, given)


def _parse(options: list[_Option], args: list[str]) -> tuple[dict[str, Any], set[str]]:
    """Every option's value, and the names of those the arguments gave."""
    by_flag = {flag: option for option in options for flag in option.flags}
    long_flags = [flag for flag in by_flag if flag.startswith("--")] + ["--help"]
    raw: dict[str, list[str | None]] = {}
    extra: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            extra += rest
            break
        if not arg.startswith("-") or arg == "-":
            extra.append(arg)
            continue
        if arg.startswith("--"):
            flag, _, attached = arg.partition("=")
            option = by_flag.get(flag)
            if option is None:
                close = sorted(get_close_matches(flag, long_flags))
                raise _ParseError(f"No such option: {flag}" + (f" (Possible options: {', '.join(close)})" if close else ""))
            if not option.takes_value and "=" in arg:
                raise _ParseError(f"Option {flag!r} does not take a value.")
            raw.setdefault(option.name, []).append(_value(option, flag, attached if "=" in arg else None, rest))
            continue
        for at, letter in enumerate(arg[1:], start=2):  # -qv, -fcsv
            short = by_flag.get(f"-{letter}")
            if short is None:
                raise _ParseError(f"No such option: -{letter}")
            rest_of_arg = arg[at:] if short.takes_value and at < len(arg) else None
            raw.setdefault(short.name, []).append(_value(short, f"-{letter}", rest_of_arg, rest))
            if rest_of_arg is not None:
                break
    if extra:
        raise _ParseError(f"Got unexpected extra argument(s) ({' '.join(extra)})")
    values = {option.name: _converted(option, raw[option.name]) if option.name in raw else _default(option) for option in options}
    return values, set(raw)


def _value(option: _Option, flag: str, attached: str | None, rest: list[str]) -> str | None:
    """The text an option takes: attached (--x=1, -x1), else the next argument."""
    if not option.takes_value:
        return None
    if attached is not None:
        return attached
    if not rest:
        raise _ParseError(f"Option {flag!r} requires an argument.")
    return rest.pop(0)


def _converted(option: _Option, texts: list[str | None]) -> Any:
    if not option.takes_value:
        return True
    if option.repeatable:
        return [_typed(option, text or "") for text in texts]
    return _typed(option, texts[-1] or "")


def _default(option: _Option) -> Any:
    """The value of an option not given: its environment variable, else its default."""
    text = os.environ.get(option.envvar) if option.envvar else None
    if text:
        return _typed(option, text)
    return list(option.default) if isinstance(option.default, list) else option.default


def _typed(option: _Option, text: str) -> Any:
    """`text` as the option's type, refused as the command line refuses it."""
    base = typing.get_args(option.base)[0] if option.repeatable else option.base
    if typing.get_origin(base) is Literal:
        choices = typing.get_args(base)
        if not option.case_sensitive:
            text = next((choice for choice in choices if choice.lower() == text.lower()), text)
        if text not in choices:
            listed = ", ".join(map(repr, choices))
            raise _ParseError(f"Invalid value for {option.label}: Value error, {text!r} is not one of {listed}.")
        return text
    if base is datetime:
        for pattern in option.formats or DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern)
            except ValueError:
                continue
        listed = ", ".join(map(repr, option.formats or DATE_FORMATS))
        raise _ParseError(f"Invalid value for {option.label}: Value error, {text!r} does not match the formats {listed}.")
    if base is Path:
        return Path(text)
    if base in (int, float):
        return _number(option, base, text)
    return text


def _number(option: _Option, kind: type, text: str) -> Any:
    """`text` as an int or float within the option's bounds, checked (and worded) as Typer does."""
    from pydantic import Field, TypeAdapter, ValidationError

    low, high = option.bounds
    try:
        bounded: Any = Annotated[kind, Field(ge=low, le=high)]
        return TypeAdapter(bounded).validate_python(text)
    except ValidationError as exc:
        raise _ParseError(f"Invalid value for {option.label}: {exc.errors()[0]['msg']}") from None


# -- writing arguments --------------------------------------------------------------------


def flag_names(info: ReportInfo) -> dict[str, str]:
    """Parameter name -> long flag without dashes, for every option of the report."""
    return {option.name: next(f for f in option.flags if f.startswith("--")).removeprefix("--") for option in _options(info)}


def option_args(options: dict[str, Any]) -> list[str]:
    """Command-line arguments for stored options: true flags bare, lists repeated, dates ISO."""
    args: list[str] = []
    for key, value in options.items():
        flag = f"--{key}"
        if value is True:
            args.append(flag)
        elif value is False or value is None:
            continue
        elif isinstance(value, list):
            for item in value:
                args += [flag, _text(item)]
        else:
            args += [flag, _text(value)]
    return args


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def spec_call(spec: ReportSpec, overrides: list[str]) -> ReportCall:
    """The call a saved or dashboard report makes, with `overrides` (arguments) winning; an
    explicit date range replaces the stored one as a whole."""
    info = get_report(spec.report)
    keys = {flag: name for name, flag in flag_names(info).items()}
    unknown = [key for key in spec.options if key not in keys]
    if unknown:
        raise UsageError(f"{spec.label}: {info.name} has no option {unknown[0]!r}", f"see svcstats report {info.name} --help")
    given = set(parse_report_args(info.name, overrides, spec.label).given)
    replaced = given | (set(DATE_RANGE) | {"as_of"} if given & set(DATE_RANGE) else set())
    kept = {key: value for key, value in spec.options.items() if keys[key] not in replaced}
    return parse_report_args(info.name, [*option_args(kept), *overrides], spec.label)


def share_line(call: ReportCall, settings: Resolved | Outcome) -> str:
    """The command line that reproduces `call`'s result: the explicit options, plus the data
    folder, time zone, range and "today" as the run resolved them (`settings`)."""
    from svcstats.output.formats import EXTENSIONS

    args = ["svcstats", "report", call.info.name, "--data", str(settings.data)]
    if settings.config_path is not None:
        args += ["--config", str(settings.config_path)]
    flags = flag_names(call.info)
    for name, value in call.given.items():
        if name not in NOT_SHARED:
            args += option_args({flags[name]: value})
    output = call.output.output
    if "format" not in call.given and output is not None and output.suffix.lower() in EXTENSIONS:
        args += ["--format", EXTENSIONS[output.suffix.lower()]]
    if settings.date_range.start is not None and not call.info.own_range:
        args += ["--from", settings.date_range.start.isoformat()]
    if settings.date_range.end is not None and not call.info.own_range:
        args += ["--to", settings.date_range.end.isoformat()]
    args += ["--as-of", settings.as_of.isoformat(), "--tz", settings.tz]
    return shlex.join(args)
