"""Errors users can act on, and the exit code each one maps to (SPEC §7)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; part of the command-line interface."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    DATA = 3
    OUTPUT = 4
    AUTH = 5  # a help desk refused the access token (missing, invalid, or lacking a scope)
    SOURCE = 6  # a help desk's API failed: limits hit, retries exhausted, or an answer that cannot be read


class SvcstatsError(Exception):
    """An error with a one-line message (what and where) and a hint (what to do)."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and hint joined into the single stderr line users see."""
        return f"{self.message} ({self.hint})" if self.hint else self.message


class UsageError(SvcstatsError):
    """Bad options or arguments: an unknown report, a bad date, conflicting flags."""

    exit_code = ExitCode.USAGE


class DataError(SvcstatsError):
    """The data cannot be used: a missing table or column, unparseable values under --strict."""

    exit_code = ExitCode.DATA


class OutputError(SvcstatsError):
    """The result cannot be written where it was asked to go."""

    exit_code = ExitCode.OUTPUT


class AuthError(SvcstatsError):
    """A help desk's API refused the access token: missing, invalid or expired (401), or without
    the scope an endpoint needs (403)."""

    exit_code = ExitCode.AUTH


class SourceError(SvcstatsError):
    """A help desk's API could not give the data: its daily limit is used up, it kept failing
    after the retries, or it answered with something that is not the documented shape."""

    exit_code = ExitCode.SOURCE


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (Polars adds plans and hints below it)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
