"""How the command line reports errors: one line on stderr, "svcstats: error: WHAT (HINT)", and
the documented exit code; --debug adds the traceback. No Polars."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer

from svcstats import env
from svcstats.errors import ExitCode, SvcstatsError, first_line


def say(line: str) -> None:
    """Print one line on stderr."""
    print(line, file=env.current().err())


def fail(message: str, code: ExitCode) -> typer.Exit:
    """Print one error line on stderr and return the Exit to raise."""
    say(f"svcstats: error: {message}")
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
    except (SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # noqa: BLE001  (anything else is our bug, Rust panics included: say so in one line)
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
