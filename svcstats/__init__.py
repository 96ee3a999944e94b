"""svcstats: service analytics from help-desk exports, computed locally."""

from __future__ import annotations


def version() -> str:
    """The installed version, from the package metadata (pyproject.toml's `version`, the one source)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("svcstats")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> str:
    """`svcstats.__version__`, read from the package metadata when asked for."""
    if name == "__version__":
        return version()
    raise AttributeError(f"module 'svcstats' has no attribute {name!r}")
