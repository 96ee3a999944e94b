"""`svcstats data check`: what a dataset folder holds and what is wrong with it, table by table.

Each table is loaded once through `Dataset.load`, whose findings (unparseable values, empty
required values, duplicate ids) are the per-value checks; `RULES` adds the impossible records.
Every count is one lazy query, collected together; an example row is looked up only for a
problem that has any.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from svcstats.errors import DataError, first_line
from svcstats.findings import Finding
from svcstats.loaders.dataset import Dataset
from svcstats.query import polars_engine
from svcstats.schema import TABLES

ROW = "row:exported"  # the row number as exported, kept through loading for examples
TICKET_CREATED = "ticket:created_at"  # messages rules: their ticket's created_at

COLUMNS = (
    "table",
    "check",
    "severity",
    "rows",
    "source",
    "example",
    "required_columns_missing",
    "optional_columns_found",
    "extra_columns",
)


@dataclass(frozen=True)
class Rule:
    """An impossible record: rows of `table` where `broken` holds. Runs when the export has every
    one of `columns` (and, for `needs_tickets`, when tickets load too)."""

    table: str
    check: str
    columns: tuple[str, ...]
    broken: Callable[[], pl.Expr]
    needs_tickets: bool = False
    re_entry: bool = False  # also holds for a stage entered again when only the latest visit is known

    def severity(self, dataset: Dataset) -> str:
        """error, or note where the data cannot tell a broken record from a re-entered stage."""
        return "note" if self.re_entry and dataset.latest_visits_only(self.table) else "error"


def _before(later: str, earlier: str) -> Callable[[], pl.Expr]:
    return lambda: pl.col(later) < pl.col(earlier)


def _early_message() -> pl.Expr:
    """A customer or agent message sent before its ticket was created, by more than a second: a
    thread's welcome or system message a few milliseconds before the ticket is normal data."""
    early = pl.col("sent_at") < pl.col(TICKET_CREATED) - pl.duration(seconds=1)
    return early & pl.col("sender_type").is_in(["customer", "agent"])


RULES = (
    Rule("tickets", "closed_at before created_at", ("closed_at", "created_at"), _before("closed_at", "created_at")),
    Rule("tickets", "first_closed_at before created_at", ("first_closed_at", "created_at"), _before("first_closed_at", "created_at")),
    Rule("tickets", "first_closed_at after closed_at", ("first_closed_at", "closed_at"), _before("closed_at", "first_closed_at")),
    Rule("tickets", "first_response_at before created_at", ("first_response_at", "created_at"), _before("first_response_at", "created_at")),
    Rule("stage_history", "exited_at before entered_at", ("exited_at", "entered_at"), _before("exited_at", "entered_at"), re_entry=True),
    Rule("messages", "sent_at before the ticket's created_at", ("sent_at",), lambda: _early_message(), needs_tickets=True),
    Rule("availability", "ended_at before started_at", ("ended_at", "started_at"), _before("ended_at", "started_at")),
    Rule("working_hours", "end equals start", ("start", "end"), lambda: pl.col("end") == pl.col("start")),
    Rule(
        "csat",
        "rating outside scale_min..scale_max",
        ("rating", "scale_min", "scale_max"),
        lambda: (pl.col("rating") < pl.col("scale_min")) | (pl.col("rating") > pl.col("scale_max")),
    ),
    Rule("agent_conversations", "ended_at before started_at", ("ended_at", "started_at"), _before("ended_at", "started_at")),
    Rule("agent_conversations", "handoff_at before started_at", ("handoff_at", "started_at"), _before("handoff_at", "started_at")),
    Rule(
        "sla",
        "sla_type is not first_response, next_response or close",
        ("sla_type",),
        lambda: ~pl.col("sla_type").str.strip_chars().str.to_lowercase().is_in(["first_response", "next_response", "close"]),
    ),
    Rule("sla", "completed_at before started_at", ("completed_at", "started_at"), _before("completed_at", "started_at")),
    Rule("sla", "due_at before started_at", ("due_at", "started_at"), _before("due_at", "started_at")),
)


@dataclass(frozen=True)
class Report:
    """The check's result: one row per table, then one per problem (`COLUMNS`), and counts."""

    frame: pl.DataFrame
    tables_found: int
    errors: int  # problem rows of severity error
    rows_affected: int  # rows with an error, summed over the problems (a row may count twice)

    def summary(self) -> str:
        """The one-line verdict for stderr."""
        tables = f"{self.tables_found} table{'s' * (self.tables_found != 1)}"
        if not self.errors:
            return f"data check: {tables} checked, no errors"
        errors = f"{self.errors} error{'s' * (self.errors != 1)}"
        return f"data check: {tables} checked, {errors} ({self.rows_affected} rows affected); see the rows of severity error"


def check(dataset: Dataset) -> Report:
    """Check every table of `dataset`: its columns, its values (as the loader reads them) and `RULES`."""
    entries: list[dict[str, object]] = []  # rows of the result, in order; counts filled in after collecting
    pending: list[tuple[pl.LazyFrame, Callable[[pl.DataFrame], None]]] = []
    loaded: dict[str, pl.LazyFrame] = {}
    for table, spec in TABLES.items():
        try:
            if not dataset.has(table):
                entries.append(_row(table, "absent", "note", None))
                continue
            present = dataset.columns(table)
            found = _row(
                table,
                "found",
                "ok",
                None,
                source=dataset.label(table),
                required_columns_missing=_names(c for c in spec.required if c not in present),
                optional_columns_found=_names(c for c in spec.optional if c in present),
                extra_columns=_names(c for c in present if c not in spec.columns),
            )
            entries.append(found)
            pending.append((dataset.exported_rows(table), _rows_setter(found)))
            missing = [c for c in spec.required if c not in present]
            if missing:
                entries.append(_row(table, "required columns missing", "error", None, example=_names(missing)))
                continue
            first = len(dataset.checks)
            # every known column the export has, as some report reads each: what any report leaves out is counted
            loaded[table] = dataset.load(table, [c for c in spec.columns if c in present], row_index=ROW)
            for loader_check in dataset.checks[first:]:
                pending.append((loader_check.frame, _loader_reader(loader_check.read, table, entries)))
        except DataError as exc:
            entries.append(_row(table, "cannot read", "error", None, example=exc.one_line()))
    for rule in RULES:
        counted = _rule_frame(rule, dataset, loaded)
        if counted is not None:
            pending.append(_rule_count(rule, counted, dataset, entries))
    try:
        results = pl.collect_all([frame for frame, _ in pending], engine=polars_engine(dataset.engine))
    except pl.exceptions.PolarsError as exc:
        raise DataError(f"cannot check {dataset.root}: {first_line(exc)}", "run with --debug for details") from exc
    for (_, read), result in zip(pending, results, strict=True):
        read(result)
    found_tables = sum(1 for e in entries if e["check"] == "found")
    if not found_tables:
        names = ", ".join(TABLES)
        raise DataError(f"no tables found in {dataset.root}", f"add files named after the tables ({names}), e.g. tickets.csv")
    ordered = sorted(entries, key=lambda e: (list(TABLES).index(str(e["table"])), e["severity"] not in ("ok", "note")))
    listing = pl.DataFrame(ordered, schema=_schema()).select(COLUMNS)
    errors = [e for e in entries if e["severity"] == "error"]
    return Report(listing, found_tables, len(errors), sum(_count(e["rows"]) for e in errors))


def check_folder(data: Path, **dataset_options: object) -> Report:
    """`check` on the dataset in folder `data` (options as for `Dataset`)."""
    return check(Dataset(data, **dataset_options))  # type: ignore[arg-type]


# -- internals -----------------------------------------------------------------------------


def _row(table: str, check: str, severity: str, rows: int | None, **details: str | None) -> dict[str, object]:
    return {"table": table, "check": check, "severity": severity, "rows": rows, **details}


def _schema() -> dict[str, pl.DataType]:
    return {name: pl.Int64() if name == "rows" else pl.String() for name in COLUMNS}


def _count(rows: object) -> int:
    """A problem row's count of rows (none counted: 0)."""
    return rows if isinstance(rows, int) else 0


def _names(names: Iterable[str]) -> str | None:
    return ", ".join(names) or None


def _rows_setter(row: dict[str, object]) -> Callable[[pl.DataFrame], None]:
    """Store a row count collected with the checks in the table's "found" row."""

    def store(result: pl.DataFrame) -> None:
        row.update(rows=int(result.item()))

    return store


def _loader_reader(
    read: Callable[[pl.DataFrame], list[Finding]], table: str, entries: list[dict[str, object]]
) -> Callable[[pl.DataFrame], None]:
    """Turn a loader check's findings into error rows (a bad value, an empty required value and
    a repeated id all leave rows out of every report)."""

    def add(result: pl.DataFrame) -> None:
        for finding in read(result):
            severity = "note" if finding.severity == "note" else "error"  # a note: a figure taken from the export
            entries.append(_row(table, finding.what, severity, finding.rows, source=finding.where, example=finding.example))

    return add


def _rule_frame(rule: Rule, dataset: Dataset, loaded: dict[str, pl.LazyFrame]) -> pl.LazyFrame | None:
    """The loaded rows `rule` looks at, or None when it cannot run on this export."""
    frame = loaded.get(rule.table)
    if frame is None or any(c not in dataset.columns(rule.table) for c in rule.columns):  # optional columns not exported
        return None
    if rule.needs_tickets:
        tickets = loaded.get("tickets")
        if tickets is None:
            return None
        created = tickets.select("ticket_id", pl.col("created_at").alias(TICKET_CREATED))
        frame = frame.join(created, on="ticket_id", how="left")
    return frame


def _rule_count(
    rule: Rule, frame: pl.LazyFrame, dataset: Dataset, entries: list[dict[str, object]]
) -> tuple[pl.LazyFrame, Callable[[pl.DataFrame], None]]:
    """The count query for `rule` and what adds its problem row (with the first such row as example)."""
    broken = rule.broken().fill_null(False)
    shown = [c for c in (*rule.columns, *((TICKET_CREATED,) if rule.needs_tickets else ())) if c in frame.collect_schema()]

    def add(result: pl.DataFrame) -> None:
        count = int(result.item())
        if not count:
            return
        first = frame.filter(broken).sort(ROW).head(1).select(ROW, *shown).collect(engine="in-memory").row(0, named=True)
        values = ", ".join(f"{name.replace(':', ' ')} {_text(first[name])}" for name in shown)
        example = f"{values} on {dataset.place(rule.table, first[ROW])}"
        severity = rule.severity(dataset)
        what = rule.check if severity == "error" else f"{rule.check} (HubSpot keeps only each stage's latest entry and exit: entered again)"
        entries.append(_row(rule.table, what, severity, count, source=dataset.label(rule.table), example=example))

    return frame.select(broken.sum()), add


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
