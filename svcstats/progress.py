"""Progress on stderr for long work (a bar, or a spinner), shown only when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from svcstats import env

T = TypeVar("T")


def tracked(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Yield `items`, drawing a Rich progress bar on stderr when it is a terminal (nothing otherwise)."""
    if not env.current().err_is_terminal():
        yield from items
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=env.current().err()), transient=True) as bar:
        yield from bar.track(items, description=description, total=total)


@contextmanager
def working(description: str) -> Iterator[None]:
    """Show a spinner with `description` on stderr while the block runs, when stderr is a terminal."""
    if not env.current().err_is_terminal():
        yield
        return
    from rich.console import Console

    with Console(file=env.current().err()).status(description):
        yield
