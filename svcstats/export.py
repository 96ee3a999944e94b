"""`svcstats export`: one file per report and a manifest.json, placed all at once.

Files are written into a temporary folder beside the target, which is renamed into place only
when every report has been dealt with: a run that stops midway (disk full, interrupted, a bug)
leaves no folder behind. A report that cannot be computed (a usage or data error) is recorded as
failed in the manifest, the others are still written, and the command exits non-zero.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from svcstats import version
from svcstats.config import NAME_PATTERN
from svcstats.errors import DataError, OutputError, UsageError
from svcstats.output.files import check_folder_target, replacing_folder

FILE_FORMATS = ("csv", "tsv", "json", "ndjson", "markdown", "parquet", "xlsx", "html", "svg", "png")
SUFFIXES = {"markdown": ".md"}
MANIFEST = "manifest.json"


@dataclass
class ExportResult:
    """What an export wrote: the manifest's content and the failed reports' exit codes."""

    manifest: dict[str, Any]
    failure_codes: list[int] = field(default_factory=list)


def file_name(label: str, fmt: str, taken: set[str]) -> str:
    """`label.ext`, numbered when two reports of the set share a label; a label that is not a
    plain name (a path, "..", a hidden file) is refused, so nothing is written outside the folder."""
    if not NAME_PATTERN.match(label):
        raise UsageError(f"cannot export {label[:60]!r}: not a usable file name", "name saved reports with letters, digits, - and _")
    suffix = SUFFIXES.get(fmt, f".{fmt}")
    name, n = f"{label}{suffix}", 2
    while name in taken:
        name, n = f"{label}-{n}{suffix}", n + 1
    taken.add(name)
    return name


def sha256(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_target(out: Path) -> None:
    """Create the parent folders, and refuse targets that cannot take an export, before any work."""
    check_folder_target(out, f"cannot export to {out}", check_earlier_export, create_parent=True)


def check_earlier_export(out: Path) -> None:
    """Refuse to replace a folder unless it is an earlier export as svcstats wrote it: a manifest
    svcstats wrote, and no file the manifest does not list (a note added by hand would be lost)."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        listed = {entry["file"] for entry in manifest["reports"] if "file" in entry} if "svcstats_version" in manifest else None
    except (OSError, ValueError, TypeError, KeyError):
        listed = None
    if listed is None:
        raise OutputError(f"cannot export to {out}: it holds files that are not an svcstats export", "give a new or empty folder")
    others = sorted(p.name for p in out.iterdir() if p.name != MANIFEST and p.name not in listed)
    if others:
        raise OutputError(
            f"cannot export to {out}: it holds {others[0]}, which its manifest does not list",
            "move it elsewhere or give another folder: an export replaces the whole folder",
        )


def export(
    items: Sequence[tuple[str, Callable[[Path], dict[str, Any]], dict[str, Any]]],
    out: Path,
    fmt: str,
    progress: Callable[[Sequence[Any]], Any] = lambda items: items,
) -> ExportResult:
    """Write each item (label, write(path) -> details, description) into a fresh folder that
    replaces `out` when all are done. `write` raises UsageError or DataError for a report that
    cannot be computed; that report is recorded as failed."""
    check_target(out)
    with replacing_folder(out, f"cannot export to {out}") as staging:
        entries: list[dict[str, Any]] = []
        codes: list[int] = []
        taken: set[str] = set()
        for label, write, description in progress(items):
            name = file_name(label, fmt, taken)
            entry: dict[str, Any] = {"name": label, **description}
            try:
                details = write(staging / name)
            except OutputError as exc:  # name the folder the user asked for, not the temporary one
                raise OutputError(exc.message.replace(str(staging), str(out)), exc.hint) from None
            except (UsageError, DataError) as exc:
                entry.update(status="failed", exit_code=int(exc.exit_code), error=exc.one_line())
                codes.append(int(exc.exit_code))
            else:
                entry.update(status="ok", file=name, **details, sha256=sha256(staging / name))
            entries.append(entry)
        manifest = {
            "svcstats_version": version(),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "format": fmt,
            "reports": entries,
            "failed": [entry["name"] for entry in entries if entry["status"] == "failed"],
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, default=_json_value) + "\n", encoding="utf-8")
    return ExportResult(manifest, codes)


def _json_value(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
