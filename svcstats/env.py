"""The process's streams and whether they are terminals, in one replaceable place.

Whether stdout is a terminal decides the default format (table or csv) and whether a binary
format may go to stdout; whether stderr is one decides progress bars and spinners. Every such
question is asked here, so a test (or an embedding program) swaps the answer in one place with
`use(Environment(...))` instead of patching `sys` in several modules (httpie's `Environment`).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO


def _stdout() -> IO[str]:
    return sys.stdout


def _stderr() -> IO[str]:
    return sys.stderr


@dataclass(frozen=True)
class Environment:
    """Where output goes and whether a person is watching. Streams are looked up when asked for
    (not when the environment is made), so pytest's capturing of sys.stdout keeps working."""

    stdout_isatty: bool | None = None  # None: ask the stream
    stderr_isatty: bool | None = None
    columns: int | None = None  # the width tables fit; None: $COLUMNS, else the terminal's, else no limit
    stdout: IO[str] | None = field(default=None, repr=False)  # None: sys.stdout at the time of use
    stderr: IO[str] | None = field(default=None, repr=False)

    def out(self) -> IO[str]:
        """The text stream data goes to."""
        return self.stdout if self.stdout is not None else _stdout()

    def err(self) -> IO[str]:
        """The text stream notes, warnings and errors go to."""
        return self.stderr if self.stderr is not None else _stderr()

    def out_is_terminal(self) -> bool:
        """Whether stdout is a terminal (a table by default; no binary output there)."""
        return self.stdout_isatty if self.stdout_isatty is not None else _isatty(self.out())

    def width(self) -> int | None:
        """The width a terminal table must fit: `columns`, else $COLUMNS, else the terminal's
        when stdout is one; None (no limit: nothing cut off) when piped without $COLUMNS."""
        if self.columns is not None:
            return self.columns
        text = os.environ.get("COLUMNS", "")
        if text.isdigit() and int(text) > 0:
            return int(text)
        if self.out_is_terminal():
            return shutil.get_terminal_size().columns
        return None

    def err_is_terminal(self) -> bool:
        """Whether stderr is a terminal (progress bars and spinners are drawn only then)."""
        return self.stderr_isatty if self.stderr_isatty is not None else _isatty(self.err())


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream is not a terminal
        return False


_current = [Environment()]


def current() -> Environment:
    """The environment in force."""
    return _current[-1]


@contextmanager
def use(environment: Environment) -> Iterator[Environment]:
    """Run the block with `environment` in force."""
    _current.append(environment)
    try:
        yield environment
    finally:
        _current.remove(environment)
