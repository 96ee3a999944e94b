"""Typer's help formatter without the Rich modules it imports for features this app does not use.

`typer.rich_utils` imports `rich.markdown` (with markdown-it and Pygments) for the "markdown"
markup mode, and `rich.traceback` for pretty exceptions; this app uses neither (the default
"rich" markup, `pretty_exceptions_enable=False`), yet the two imports were a fifth of
`svcstats --help` (~50 ms of 0.28 s on a slow machine). `import_help_formatter` imports
`typer.rich_utils` with stand-ins for those two classes: each loads the real module the first
time it is used, so nothing changes but when the import happens.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Sequence
from typing import Any

from svcstats.commands.errors import HELP_FLAGS

DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}  # module: the class typer imports


class _StandIn(type):
    """The metaclass of a stand-in class: calling it or reading an attribute of it (a class
    method such as `Traceback.from_exception`) goes to the real class, imported then."""

    _module: str
    _name: str

    def real(cls) -> Any:
        """The class this one stands for, importing its module now if need be."""
        return getattr(_real_module(cls._module), cls._name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls.real()(*args, **kwargs)

    def __getattr__(cls, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(cls.real(), name)


def _stand_in_module(module: str, name: str) -> types.ModuleType:
    """A module object named `module` holding a stand-in for its class `name`; any other name
    read from it loads the real module."""
    stand_in = types.ModuleType(module)
    setattr(stand_in, name, _StandIn(name, (), {"_module": module, "_name": name}))

    def __getattr__(attribute: str) -> Any:
        if attribute.startswith("__"):  # the import system asking for __path__ and the like
            raise AttributeError(attribute)
        return getattr(_real_module(module), attribute)

    stand_in.__getattr__ = __getattr__  # type: ignore[method-assign]
    stand_in.__stand_in__ = True  # type: ignore[attr-defined]
    return stand_in


def _real_module(module: str) -> types.ModuleType:
    """The module `module` itself, imported now if need be (never its stand-in)."""
    _remove_stand_in(module)
    return importlib.import_module(module)


def _remove_stand_in(module: str) -> None:
    """Take `module` out of `sys.modules` if what is there is a stand-in."""
    if getattr(sys.modules.get(module), "__stand_in__", False):
        del sys.modules[module]


def wants_help(args: Sequence[str]) -> bool:
    """Whether the command line `args` may print help: a help flag, or a group called alone
    (`svcstats`, `svcstats report`). Loose on purpose: a wrong guess costs time, never output."""
    return len(args) <= 1 or any(arg in HELP_FLAGS for arg in args)


def import_help_formatter() -> None:
    """Import `typer.rich_utils` with stand-ins for the classes of `DEFERRED` (once; a module
    already imported is used as it is). The stand-ins leave `sys.modules` at once, so any later
    `import rich.markdown` gets the real module."""
    if "typer.rich_utils" in sys.modules:
        return
    placed = [module for module in DEFERRED if module not in sys.modules]
    for module in placed:
        sys.modules[module] = _stand_in_module(module, DEFERRED[module])
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        for module in placed:
            _remove_stand_in(module)
