"""Saved reports and dashboards in the config file.

A saved report is a table under `[saved]` holding the report's name and the options as they are
written on the command line, without the dashes:

    [saved.weekly-close]
    report = "ticket-time-to-close"
    frequency = "weekly"
    group-by = ["team"]

A dashboard lists saved report names or inline tables of the same shape. Saving rewrites the
file with tomlkit, so the rest of the file and its comments stay as they were. A saved `data`
folder is relative to the config file, like the config's own `data` (load_config resolves both).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from svcstats.config import CONFIG_NAME, NAME_PATTERN, Config, find_config_file, load_config, validated
from svcstats.errors import OutputError, UsageError

LOCK_SECONDS = 60.0  # how long --save waits for another save into the same config file


@dataclass(frozen=True)
class ReportSpec:
    """A report and the options it runs with, as stored in the config (flag names without dashes)."""

    report: str
    options: dict[str, Any] = field(default_factory=dict)
    name: str | None = None  # the saved name, if it has one

    @property
    def label(self) -> str:
        """The name files and headings use: the saved name, else the report's."""
        return self.name or self.report


def spec_from_table(table: dict[str, Any], name: str | None, where: str) -> ReportSpec:
    """A ReportSpec from a config table; `where` names the table in error messages."""
    options = dict(table)
    report = options.pop("report", None)
    if not isinstance(report, str):
        raise UsageError(f"{where} has no report", 'add report = "NAME" (see svcstats reports)')
    return ReportSpec(report, options, name)


def saved_spec(config: Config, name: str) -> ReportSpec:
    """The saved report `name`; a usage error listing the saved names when there is none."""
    if name not in config.saved:
        known = ", ".join(sorted(config.saved)) or "none yet"
        raise UsageError(f"no saved report {name!r} (saved: {known})", "save one with svcstats report NAME ... --save NAME")
    return spec_from_table(config.saved[name], name, f"[saved.{name}]")


def dashboard_specs(config: Config, name: str) -> tuple[str, list[ReportSpec]]:
    """The title and the reports of dashboard `name`, saved names resolved."""
    if name not in config.dashboards:
        known = ", ".join(sorted(config.dashboards)) or "none yet"
        raise UsageError(f"no dashboard {name!r} (dashboards: {known})", f"add a [dashboards.{name}] table to the config file")
    board = config.dashboards[name]
    if not board.reports:
        raise UsageError(f"dashboard {name!r} lists no reports", f"add one with: svcstats dashboard {name} --add REPORT")
    specs = [
        saved_spec(config, entry) if isinstance(entry, str) else spec_from_table(entry, None, f"[dashboards.{name}] entry {n + 1}")
        for n, entry in enumerate(board.reports)
    ]
    return board.title or name, specs


def check_new_name(name: str, explicit_config: Path | None, *, replace: bool) -> None:
    """Refuse (before any work) to save over an existing saved report unless `replace` (--force)."""
    path = find_config_file(explicit_config)
    if not replace and path is not None and path.exists() and name in load_config(path)[0].saved:
        raise UsageError(f"a saved report {name!r} already exists in {path}", "add --force to replace it, or choose another name")


def save_spec(spec: ReportSpec, explicit_config: Path | None, *, replace: bool = False) -> Path:
    """Store `spec` under [saved.NAME] in the config file in force (./svcstats.toml when there is
    none), keeping everything else in the file; returns the file's path. An existing saved report
    of that name is refused unless `replace`."""
    assert spec.name is not None
    name = spec.name
    if not NAME_PATTERN.match(name):
        raise UsageError(f"--save {name!r} is not a usable name", "use letters, digits, - and _ (e.g. weekly-close)")

    def change(document: Any, path: Path) -> None:
        saved = _super_table(document, "saved")
        if name in saved and not replace:
            raise UsageError(f"a saved report {name!r} already exists in {path}", "add --force to replace it, or choose another name")
        saved[name] = _entry(spec, path, inline=False)

    return _rewrite(explicit_config, change)


def save_dashboard(name: str, specs: list[ReportSpec], explicit_config: Path | None, title: str | None = None) -> tuple[Path, list[str]]:
    """Add reports (saved names, or reports with their options) to [dashboards.NAME] in the config
    file in force, creating the dashboard (and the file) when missing; returns the file's path and
    the labels of the reports left out because the dashboard already shows them as given."""
    if not NAME_PATTERN.match(name):
        raise UsageError(f"dashboard name {name!r} is not usable", "use letters, digits, - and _ (e.g. weekly)")

    def change(document: Any, path: Path) -> None:
        import tomlkit

        boards = _super_table(document, "dashboards")
        if name not in boards:
            boards[name] = tomlkit.table()
        board = boards[name]
        if title is not None:
            board["title"] = title
        if "reports" not in board:
            board["reports"] = tomlkit.array()
        for spec in specs:
            entry = spec.name if spec.name else _entry(spec, path, inline=True)
            if _plain(entry) in [_plain(item) for item in board["reports"]]:
                skipped.append(spec.label)  # the same report with the same options is shown once
            else:
                board["reports"].append(entry)
        board["reports"].multiline(len(board["reports"]) > 2)

    skipped: list[str] = []
    return _rewrite(explicit_config, change), skipped


def remove_from_dashboard(name: str, reports: list[str], explicit_config: Path | None) -> Path:
    """Take every entry of the given reports or saved reports off [dashboards.NAME] in the config
    file in force; a name that is not on the dashboard is a usage error (nothing is changed)."""

    def change(document: Any, path: Path) -> None:
        board = (document.get("dashboards") or {}).get(name)
        if board is None:
            raise UsageError(f"no dashboard {name!r} in {path}", "see the dashboards with: svcstats saved")
        entries = board.get("reports") or []
        for report in reports:
            if not any(_shows(item, report) for item in entries):
                shown = ", ".join(dict.fromkeys(_label(item) for item in entries)) or "none"
                raise UsageError(f"dashboard {name} has no {report!r}", f"its reports: {shown}")
        keep = [item for item in entries if not any(_shows(item, report) for report in reports)]
        board["reports"].clear()
        board["reports"].extend(keep)
        board["reports"].multiline(len(keep) > 2)

    return _rewrite(explicit_config, change)


def _plain(item: Any) -> Any:
    """A dashboard entry as plain Python (a saved report's name, or a report's options)."""
    return item.unwrap() if hasattr(item, "unwrap") else item


def _label(item: Any) -> str:
    """What a dashboard entry shows: a saved report's name, or the report's name."""
    plain = _plain(item)
    return str(plain.get("report")) if isinstance(plain, dict) else str(plain)


def _shows(item: Any, report: str) -> bool:
    """Whether a dashboard entry is `report` (a saved report's name or a report's name)."""
    return _label(item) == report


def _super_table(document: Any, key: str) -> Any:
    """The document's `[key]` table of tables, added when missing."""
    import tomlkit

    if document.get(key) is None:
        document[key] = tomlkit.table(is_super_table=True)
    return document[key]


def _entry(spec: ReportSpec, path: Path, *, inline: bool) -> Any:
    """A report and its options as a TOML table (inline in a dashboard's list); paths relative to the config file."""
    import tomlkit

    entry = tomlkit.inline_table() if inline else tomlkit.table()
    entry["report"] = spec.report
    folder = path.absolute().parent
    for key, value in spec.options.items():
        entry[key] = [_toml_value(v, folder) for v in value] if isinstance(value, list) else _toml_value(value, folder)
    if not inline:
        entry.add(tomlkit.nl())  # a blank line before the next table
    return entry


def _rewrite(explicit_config: Path | None, change: Callable[[Any, Path], None]) -> Path:
    """Apply `change(document, path)` to the config file in force (./svcstats.toml when there is
    none) under its lock, keeping the rest of the file and its comments; the result is validated
    before it atomically replaces the file. Returns the file's path."""
    import tomlkit

    from svcstats.output.files import atomic_file

    path = find_config_file(explicit_config) or Path.cwd() / CONFIG_NAME
    with config_lock(path):  # read, change and replace under the lock: concurrent saves all land
        if path.exists():
            load_config(path)  # refuse to rewrite a file that is not valid as it stands
            document = tomlkit.parse(path.read_text(encoding="utf-8"))
        else:
            document = tomlkit.document()
        change(document, path)
        text = tomlkit.dumps(document).rstrip("\n") + "\n"
        validated(tomlkit.parse(text).unwrap())
        with atomic_file(path) as handle:
            handle.write(text.encode())
    return path


@contextmanager
def config_lock(path: Path, timeout: float = LOCK_SECONDS) -> Iterator[None]:
    """Hold the config file's lock (a `.NAME.lock` file beside it, which stays) while it is rewritten."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path.absolute().parent / f".{path.name}.lock"), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise OutputError(f"cannot save into {path}: another svcstats is saving into it", "try again in a moment") from None
    except OSError as exc:
        raise OutputError(f"cannot save into {path}: cannot lock it: {exc.strerror or exc}") from None
    try:
        yield
    finally:
        lock.release()


def _toml_value(value: Any, folder: Path) -> Any:
    """Values TOML can hold: paths (given relative to the current folder) become text relative
    to `folder`, the config file's."""
    if not isinstance(value, Path):
        return value
    absolute = value if value.is_absolute() else Path.cwd() / value
    try:
        return os.path.relpath(absolute, folder)
    except ValueError:  # another drive on Windows
        return str(absolute)
