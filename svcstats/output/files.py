"""Writing files and folders so that a failed run never leaves half of one behind, never over an
input and never through a symbolic link.

One mechanism for every writer: a result or a config file goes through `atomic_file` (a
temporary file beside the target, renamed over it when complete); an export or a conversion goes
through `replacing_folder` (a temporary folder beside the target, put in place as a whole).
New files and folders get the umask's permissions; a replaced file keeps its own. A result file
(--output) may not be a file svcstats reads (`check_not_input`) nor a link (`check_writable`). No Polars.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from svcstats import env
from svcstats.errors import OutputError


def is_stdout(output: Path | None) -> bool:
    """Whether `output` means standard output (no --output, or "-")."""
    return output is None or str(output) == "-"


def emit(write: Callable[[IO[bytes]], object], output: Path | None) -> None:
    """Run `write` on stdout's byte stream, or on a file that replaces `output` atomically."""
    if is_stdout(output):
        stdout = env.current().out()
        stdout.flush()
        # a text stream's bytes: sys.stdout and pytest's capture both have one
        binary = stdout.buffer  # type: ignore[attr-defined]
        write(binary)
        binary.flush()
        return
    assert output is not None
    with atomic_file(output) as handle:
        write(handle)


def check_writable(path: Path) -> None:
    """Fail when `path` cannot be written. Missing parent folders are only checked here (the
    nearest existing one must be a writable folder) and created when the file is written, so a
    run that fails leaves no empty folder behind."""
    if str(path) == "-":
        return
    folder = path.parent if str(path.parent) else Path(".")
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise OutputError(f"cannot write {path}: cannot create folder {folder}: {existing} is not a folder")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder", "give a file name")
    check_not_link(path)
    if not os.access(existing, os.W_OK):
        raise OutputError(f"cannot write {path}: folder {existing} is not writable")


def check_not_link(path: Path) -> None:
    """Refuse to write onto a symbolic link (the link would be replaced, or a file elsewhere written)."""
    if path.is_symlink():
        raise OutputError(f"refusing to write {path}: it is a symbolic link", "give the path of a real file or a new one")


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
    if is_stdout(output):
        return
    assert output is not None
    from svcstats.loaders.files import kind_of  # the loaders' own rule for what is a table file

    target, folder = _real(output), _real(data)
    inside = target.is_relative_to(folder)
    if (inside and kind_of(target) is not None) or target in input_files(data, table_paths, config_path):
        raise OutputError(
            f"refusing to write {output}: it is an input, or would be read as one (data folder {data})",
            "write the result outside the data folder; svcstats never overwrites its inputs",
        )
    if target == folder or folder.is_relative_to(target):
        raise OutputError(f"refusing to write {output}: it holds the data folder {data}", "give another path")


def with_umask(mode: int) -> int:
    """`mode` as the umask lets a new file or folder have it (mkstemp and mkdtemp ignore the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def _file_mode(path: Path) -> int:
    """The mode a replaced file keeps, or the umask's default for a new one (mkstemp makes 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return with_umask(0o666)


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary file handle whose content replaces `path` only if the block completes."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)  # reports/2026/x.csv in a fresh checkout
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}", "check that the folder exists and is writable") from None
    try:
        os.fchmod(fd, _file_mode(path))
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def check_folder_target(out: Path, failure: str, recognise: Callable[[Path], object], *, create_parent: bool = False) -> None:
    """Refuse, before any work, a folder that cannot be replaced as a whole by `replacing_folder`:
    a file, a non-empty folder `recognise` does not accept (it raises OutputError when the folder
    is not one svcstats wrote), a parent that is missing (created with `create_parent`) or not
    writable. `failure` starts each message, e.g. "cannot export to OUT"."""
    parent = out.absolute().parent
    if create_parent:
        try:
            parent.mkdir(parents=True, exist_ok=True)  # reports/2026-W47 in a fresh checkout
        except OSError as exc:
            raise OutputError(f"{failure}: cannot create {parent}: {exc.strerror or exc}") from None
    if out.exists() and not out.is_dir():
        raise OutputError(f"{failure}: it is a file", "give a folder")
    if out.is_dir() and any(out.iterdir()):
        recognise(out)
    if not parent.is_dir():
        raise OutputError(f"{failure}: folder {parent} does not exist", "create it first")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{failure}: folder {parent} is not writable")


@contextmanager
def replacing_folder(out: Path, failure: str) -> Iterator[Path]:
    """A fresh temporary folder beside `out`, filled by the block, then put in place of `out` as
    a whole (an earlier folder there is moved aside first and put back if the move fails, then
    deleted). When the block fails, the temporary folder is removed and `out` is untouched.
    `failure` starts the error message of a filesystem error, e.g. "cannot export to OUT"."""
    parent = out.absolute().parent
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{failure}: {exc.strerror or exc}") from None
    try:
        yield staging
        os.chmod(staging, with_umask(0o777))  # mkdtemp makes 0700
        place_folder(staging, out, failure)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def place_folder(staging: Path, out: Path, failure: str) -> None:
    """Move the finished folder `staging` into place as `out`; an earlier one is first moved aside (a second
    rename, so it can be put back if the first fails), then deleted."""
    if not out.exists():
        try:
            os.replace(staging, out)
        except OSError as exc:
            raise OutputError(f"{failure}: {exc.strerror or exc}") from None
        return
    try:
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=staging.parent))
    except OSError as exc:
        raise OutputError(f"{failure}: {exc.strerror or exc}") from None
    try:
        os.replace(out, old / "previous")
        os.replace(staging, out)
    except OSError as exc:
        if not out.exists() and (old / "previous").exists():
            os.replace(old / "previous", out)  # put the earlier folder back
        raise OutputError(f"{failure}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(old, ignore_errors=True)
