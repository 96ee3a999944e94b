"""Progress on stderr for long work (a bar, or a spinner with the phase and the time elapsed),
shown only when stderr is a terminal."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
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
def working(description: str) -> Iterator[Callable[[str], None]]:
    """Show a spinner with `description` and the time elapsed on stderr while the block runs,
    when stderr is a terminal. The block gets a function naming the phase it is in (loading,
    computing, writing), shown after the description; it does nothing when nothing is drawn."""
    if not env.current().err_is_terminal():
        yield lambda phase: None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=Console(file=env.current().err()), transient=True) as spinner:
        task = spinner.add_task(description, total=None)

        def show(phase: str) -> None:
            spinner.update(task, description=f"{description} · {phase}")
            spinner.refresh()  # each phase drawn at least once, however short

        yield show
