"""How the command line reports errors: one line on stderr, "svcstats: error: WHAT (HINT)", and
the documented exit code; --debug adds the traceback. No Polars, no Typer: a command ends with
`SystemExit(code)`, which Typer lets through, so the report path need not import Typer."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from svcstats import env
from svcstats.errors import ExitCode, SvcstatsError, first_line

HELP_FLAGS = ("-h", "--help")  # every command's help options


def say(line: str) -> None:
    """Print one line on stderr."""
    print(line, file=env.current().err())


def fail(message: str, code: ExitCode) -> SystemExit:
    """Print one error line on stderr and return the exit to raise."""
    say(f"svcstats: error: {message}")
    return SystemExit(int(code))


@contextmanager
def reported_errors(debug: bool | Callable[[], bool]) -> Iterator[None]:
    """Turn errors into one stderr line and their exit code; --debug adds the traceback.
    `debug` may be a function, asked when an error happens (for options parsed inside the block)."""
    try:
        yield
    except SvcstatsError as exc:
        if debug() if callable(debug) else debug:
            traceback.print_exc()
        raise fail(exc.one_line(), exc.exit_code) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:
        if type(exc).__name__ == "Exit" and isinstance(getattr(exc, "exit_code", None), int):
            raise  # Typer's own way to end a command (its class is private): it carries the code
        if debug() if callable(debug) else debug:
            traceback.print_exc()
        raise fail(
            f"internal error: {type(exc).__name__}: {first_line(exc)} (run with --debug for the traceback)", ExitCode.INTERNAL
        ) from None


def usage_problem(exc: Exception) -> tuple[str, str | None, int] | None:
    """What a command-line parsing error raised by Typer says: (message, command path, exit code),
    or None for any other exception. Typer's parsing errors are recognised by their public
    interface (`format_message()`, `exit_code`, `ctx`) rather than by importing their classes,
    which Typer keeps in a private module."""
    format_message = getattr(exc, "format_message", None)
    code = getattr(exc, "exit_code", None)
    if not callable(format_message) or not isinstance(code, int):
        return None
    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None)
    return str(format_message()), path if isinstance(path, str) else None, code


def is_help_request(exc: Exception) -> bool:
    """Whether `exc` is Typer asking to show the help of a group called without a command
    (`svcstats`, `svcstats report`): not an error, the help is the answer."""
    return type(exc).__name__ == "NoArgsIsHelpError"


_INVALID = re.compile(r"Invalid value for '(?P<flag>[^']+)'(?: / '[^']+')*: (?:Value error, )?(?P<rest>.*)", re.DOTALL)
_NOT_A_DATE = re.compile(r"'(?P<value>.*)' does not match the formats? .*")
_NOT_A_CHOICE = re.compile(r"'(?P<value>.*)' is not one of (?P<choices>.*?)\.?$")
_VALIDATOR_WORDS = (  # pydantic's wording for a number, as a person says it
    ("Input should be a valid integer", "is not a whole number"),
    ("Input should be a valid number", "is not a number"),
    ("Input should be greater than or equal to ", "must be at least "),
    ("Input should be less than or equal to ", "must be at most "),
    ("Input should be greater than ", "must be more than "),
    ("Input should be less than ", "must be less than "),
)
_NO_OPTION = re.compile(r"No such option: (?P<flag>\S+)(?: \(Possible options: (?P<options>[^)]*)\)| Did you mean (?P<one>\S+?)\?)?$")


def plain_words(message: str) -> str:
    """A Typer or Click parsing message in the command line's own words: `--from '2026-13-01'
    is not a date (YYYY-MM-DD)` rather than a validator's "Value error, ... does not match the
    formats '%Y-%m-%d'"; a mistyped choice or option with the likeliest one ("did you mean")."""
    from difflib import get_close_matches

    message = message.strip()
    invalid = _INVALID.match(message)
    if invalid:
        flag, rest = invalid["flag"], invalid["rest"]
        if date := _NOT_A_DATE.match(rest):
            return f"{flag} {date['value']!r} is not a date (YYYY-MM-DD)"
        if choice := _NOT_A_CHOICE.match(rest):
            choices = [c.strip().strip("'") for c in choice["choices"].split(",")]
            close = get_close_matches(choice["value"].lower(), choices, n=1)
            guess = f" (did you mean {close[0]}?)" if close else ""
            return f"{flag} {choice['value']!r} is not one of: {', '.join(choices)}{guess}"
        for validator, words in _VALIDATOR_WORDS:
            if rest.startswith(validator):
                return f"{flag} {words}{rest.removeprefix(validator).split(',')[0].rstrip('.')}"
        return f"{flag}: {rest}"
    unknown = _NO_OPTION.match(message)
    if unknown and (unknown["options"] or unknown["one"]):
        listed = [o.strip() for o in (unknown["options"] or unknown["one"]).split(",")]
        close = get_close_matches(unknown["flag"], listed, n=2, cutoff=0.7)
        if close:
            return f"No such option: {unknown['flag']} (did you mean {' or '.join(close)}?)"
        return f"No such option: {unknown['flag']}"
    return message
