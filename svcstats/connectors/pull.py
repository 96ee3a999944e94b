"""Running a pull: streams page by page into the staging folder, then one atomic publish.

Shared by every connector: a connector gives its table specs, the streams a request needs, and
a `pages(stream, state)` iterator; this module resumes, shows progress, keeps cursors for the
next (incremental) run and writes the manifest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from svcstats.connectors.state import FORMAT_VERSION, Staging, StreamState, TableSpec, check_out, max_iso, now_iso, publish
from svcstats.errors import UsageError
from svcstats.progress import tracked

Page = tuple[dict[str, list[dict[str, Any]]], str | None, str | None]


class Source(Protocol):
    """What a connector gives the driver: the pages of a stream from where its state stands."""

    def pages(self, stream: str, state: StreamState) -> Iterator[Page]:
        """Rows per table, the next page token (None at the end) and the cursor reached, per page."""
        ...


@dataclass(frozen=True)
class Pulled:
    """What a pull did: rows per table in the dataset, rows fetched this run, and its notes."""

    out: Path
    rows: dict[str, int]
    fetched: dict[str, int]
    resumed: bool
    notes: list[str]


def chosen_tables(tables: list[str] | None, known: Iterable[str], default: Iterable[str] | None = None) -> list[str]:
    """The tables `--tables` names (default: `default`, else every known one); an unknown name is a usage error."""
    names = list(known)
    chosen = list(tables or (names if default is None else default))
    unknown = [t for t in chosen if t not in names]
    if unknown:
        raise UsageError(f"--tables: unknown table {unknown[0]!r}", f"choose among {', '.join(names)}")
    return chosen


def open_pull(
    out: Path,
    source: str,
    api_url: str,
    chosen: list[str],
    streams: list[str],
    since: str | None,
    command: str,
    *,
    whole: Iterable[str] = (),
    kind: str = "pull",
) -> tuple[dict[str, Any], dict[str, str | None], Staging]:
    """Check `out`, and open the staging of a pull of `streams`: the earlier pull's manifest, where
    each stream starts (`since`, else the cursor the last pull reached; `whole` streams are read
    whole every time) and the opened staging folder (a resumed one when the same request was cut)."""
    manifest = check_out(out)
    cursors = {name: (manifest.get("streams", {}).get(name) or {}).get("cursor") for name in streams}
    starts: dict[str, str | None] = {name: since or cursors[name] for name in streams}
    for name in whole:
        starts[name] = None
    request = {"source": source, "api_url": api_url, "tables": sorted(chosen), "since": starts, "command": command}
    staging = Staging(out, source, request, kind=kind)
    staging.open()
    return manifest, starts, staging


def run(
    source: Source,
    staging: Staging,
    streams: list[str],
    specs: list[TableSpec],
    manifest: dict[str, Any],
    *,
    notes: Callable[[Staging], list[str]] = lambda staging: [],
    progress: Callable[[Iterable[Page], str], Iterable[Page]] | None = None,
    tell: Callable[[str], None] = lambda line: None,
) -> Pulled:
    """Fetch `streams` (resuming those an interrupted run left), then publish `specs`' tables
    into `staging.out` with `manifest` (the earlier pull's, updated: cursors, times, counts)."""
    show = progress or (lambda pages, description: tracked(pages, description))
    for name in streams:
        state = staging.stream(name)
        if state.done:
            continue
        if staging.resumed and state.pages:
            tell(f"pull: {name}: resuming after page {state.pages}")
        for page_rows, after, cursor in show(source.pages(name, state), f"{name} (pages)"):
            staging.page_done(name, page_rows, after, cursor)
        tell(f"pull: {name}: {state.pages} pages, {_counts(state.rows)}")
    said = notes(staging)
    previous = manifest.get("streams", {})
    manifest = {
        **manifest,
        "svcstats_pull": FORMAT_VERSION,
        "pulled_at": now_iso(),
        "started_at": staging.started_at,
        "request": {k: v for k, v in staging.request.items() if k != "command"},
        "streams": {
            **previous,
            **{
                name: {
                    "cursor": max_iso(staging.stream(name).cursor, previous.get(name, {}).get("cursor")),
                    "pages": staging.stream(name).pages,
                    "rows_fetched": staging.stream(name).rows,
                    **staging.stream(name).extra,
                }
                for name in streams
            },
        },
        "notes": said,
    }
    fetched = {spec.name: sum(staging.stream(s).rows.get(spec.name, 0) for s in streams) for spec in specs}
    tables = dict(manifest.get("tables", {}))
    for spec in specs:
        tables[spec.name] = {**tables.get(spec.name, {}), "fetched_last_run": fetched[spec.name], "pulled_at": manifest["pulled_at"]}
    manifest["tables"] = tables
    resumed = staging.resumed
    rows = publish(staging, specs, manifest)
    return Pulled(staging.out, rows, fetched, resumed, said)


def _counts(rows: dict[str, int]) -> str:
    return ", ".join(f"{count} {table} rows" for table, count in rows.items()) or "no rows"


def lines(pulled: Pulled) -> Iterator[str]:
    """The stderr lines after a pull: notes, rows per table, a summary."""
    for note in pulled.notes:
        yield f"note: {note}"
    for table, count in pulled.rows.items():
        yield f"{table}: {count} rows ({pulled.fetched.get(table, 0)} fetched)"
    yield f"pull: {len(pulled.rows)} tables written to {pulled.out}"
