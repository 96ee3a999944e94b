"""What svcstats promises about the files it writes: never an input, never through a link.

A result file (--output) may not be a file svcstats reads: a table of the data folder (or any
file there it would read as one), a table's configured path, or the config file. Polars-free.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from svcstats.errors import OutputError


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def input_files(data: Path, table_paths: Sequence[str], config_path: Path | None) -> set[Path]:
    """The files a run may read: the config file and the tables' configured paths (globs)."""
    found = {_real(config_path)} if config_path is not None else set()
    for override in table_paths:
        target = Path(override) if Path(override).is_absolute() else data / override
        found.update(_real(Path(p)) for p in glob.glob(str(target), recursive=True))
        found.add(_real(target))
    return found


def check_not_input(output: Path | None, data: Path, table_paths: Sequence[str] = (), config_path: Path | None = None) -> None:
    """Refuse an --output that would replace an input: a file in the data folder svcstats reads
    as a table (any .csv, .parquet, ... there), a configured table path or the config file."""
    from svcstats.loaders.files import kind_of

    if output is None or str(output) == "-":
        return
    target, folder = _real(output), _real(data)
    inside = target.is_relative_to(folder)
    if (inside and kind_of(target) is not None) or target in input_files(data, table_paths, config_path):
        raise OutputError(
            f"refusing to write {output}: it is an input, or would be read as one (data folder {data})",
            "write the result outside the data folder; svcstats never overwrites its inputs",
        )
    if target == folder or folder.is_relative_to(target):
        raise OutputError(f"refusing to write {output}: it holds the data folder {data}", "give another path")


def check_not_link(path: Path) -> None:
    """Refuse to write onto a symbolic link (the link would be replaced, or a file elsewhere written)."""
    if path.is_symlink():
        raise OutputError(f"refusing to write {path}: it is a symbolic link", "give the path of a real file or a new one")
