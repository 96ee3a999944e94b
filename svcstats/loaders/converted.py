"""What a folder written by `svcstats data convert` says about itself, in its manifest file."""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = "svcstats-convert.json"  # marks a folder as a conversion (so a new one may replace it)


def is_conversion(folder: Path) -> bool:
    """True when `folder` holds the manifest of a conversion."""
    return (folder / MANIFEST).is_file()


def latest_visits_tables(folder: Path) -> frozenset[str]:
    """The tables of a conversion taken from HubSpot's stage columns (only the latest visit of
    each stage); empty for any other folder."""
    tables = _manifest(folder).get("latest_visits_only", [])
    return frozenset(t for t in tables if isinstance(t, str)) if isinstance(tables, list) else frozenset()


def unique_id_tables(folder: Path) -> frozenset[str]:
    """The tables of a conversion whose ids are known to be unique (the conversion wrote each id
    once, after the loader's duplicate rule) and whose file is still the one it wrote
    (`written_tables`): their duplicate check is answered here, for free. Empty for any other folder."""
    written = _written(folder)
    return frozenset(table for table, entry in written.items() if entry.get("unique_ids") is True)


def written_tables(folder: Path) -> frozenset[str]:
    """The tables of a conversion whose file is still the one it wrote (same size and modification
    time; a copy that does not keep times is checked again): their values are the loader's parse
    already (text trimmed, sender types neutral words). Empty for any other folder."""
    return frozenset(_written(folder))


def _written(folder: Path) -> dict[str, dict[str, object]]:
    """The manifest's entry of each table whose file is still the one the conversion wrote."""
    tables = _manifest(folder).get("tables", {})
    if not isinstance(tables, dict):
        return {}
    written = {}
    for table, entry in tables.items():
        if isinstance(entry, dict) and isinstance(entry.get("file"), str):
            try:
                stat = (folder / entry["file"]).stat()
            except OSError:
                continue
            if [stat.st_size, stat.st_mtime_ns] == [entry.get("bytes"), entry.get("mtime_ns")]:
                written[table] = entry
    return written


def converted_source_tz(folder: Path) -> str | None:
    """The source time zone the conversion in `folder` was made with (reports default to it, as
    they do on the export itself); None for any other folder."""
    zone = _manifest(folder).get("source_tz")
    return zone if isinstance(zone, str) else None


def _manifest(folder: Path) -> dict[str, object]:
    """The manifest's content; empty when `folder` holds none (or an unreadable one)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}
