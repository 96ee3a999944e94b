"""Which reports a dataset folder can run, and what each of the others lacks.

A report can run when its table is there with its required columns, and what it needs beyond
them (`EXTRA`: one of several alternatives, each a set of tables or columns) is there too. Only
the files' headers are read, so this is quick; `svcstats data check` and `svcstats reports
--data DIR` show it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from svcstats.catalog import REPORTS, ReportInfo
from svcstats.errors import SvcstatsError
from svcstats.schema import TABLES

if TYPE_CHECKING:
    from svcstats.loaders.dataset import Dataset

Need = tuple[str, str | None]  # (table, column), or (table, None) for the table itself

# report -> alternatives (any one will do), each a list of needs that must all be there
EXTRA: dict[str, list[list[Need]]] = {
    "ticket-time-to-close": [[("tickets", "closed_at")]],
    "ticket-time-to-first-response": [[("messages", None)], [("tickets", "first_response_at")], [("tickets", "first_email_reply_seconds")]],
    "chat-wait-time": [[("messages", None), ("tickets", "source")], [("messages", "channel")]],
    "availability-in-working-hours": [[("working_hours", None)], [("config", "business_hours")]],
    "backlog": [[("tickets", "closed_at")]],
    "reopen-rate": [[("tickets", "closed_at")]],
    "one-touch-resolution": [[("tickets", "closed_at"), ("messages", None)]],
}


def missing(dataset: Dataset, info: ReportInfo) -> str | None:
    """What `dataset` lacks for report `info` (e.g. "the messages table"), or None when it can run."""
    try:
        if not dataset.has(info.table):
            return f"the {info.table} table"
        columns = dataset.columns(info.table)
        absent = [c for c in TABLES[info.table].required if c not in columns]
        if absent:
            return f"{info.table}.{absent[0]}"
        options = EXTRA.get(info.name)
        if options and not any(all(_has(dataset, need) for need in option) for option in options):
            return " or ".join(" and ".join(_name(need) for need in option) for option in options)
    except SvcstatsError as exc:  # a table that cannot be read
        return exc.message
    return None


def readiness(dataset: Dataset, reports: Iterable[ReportInfo] | None = None) -> dict[str, str | None]:
    """Report name -> what the dataset lacks for it (None: it can run), for every report."""
    return {info.name: missing(dataset, info) for info in (reports if reports is not None else REPORTS.values())}


def summary(ready: dict[str, str | None]) -> list[str]:
    """Lines for stderr: how many reports can run, then the others grouped by what they lack."""
    runnable = [name for name, lack in ready.items() if lack is None]
    lines = [f"reports: {len(runnable)} of {len(ready)} can run on this folder"]
    by_lack: dict[str, list[str]] = {}
    for name, lack in ready.items():
        if lack is not None:
            by_lack.setdefault(lack, []).append(name)
    lines += [f"reports: need {lack}: {', '.join(names)}" for lack, names in by_lack.items()]
    return lines


def _has(dataset: Dataset, need: Need) -> bool:
    table, column = need
    if table == "config":
        return getattr(dataset.config, column or "", None) is not None
    if not dataset.has(table):
        return False
    return column is None or column in dataset.columns(table)


def _name(need: Need) -> str:
    table, column = need
    if table == "config":
        return f"[{column}] in svcstats.toml"
    return f"the {table} table" if column is None else f"{table}.{column}"


def folder_readiness(data: Path | None, config: Path | None) -> dict[str, str | None] | None:
    """`readiness` of the folder that --data (or $SVCSTATS_DATA, or the config's `data`) names,
    read as reports read it; None when no folder is named."""
    if data is None and config is None and not os.environ.get("SVCSTATS_CONFIG") and not (Path.cwd() / "svcstats.toml").is_file():
        return None  # no folder named anywhere (as config.find_config_file looks): the listing stays instant
    from svcstats.config import load_config
    from svcstats.settings import data_settings, open_dataset

    settings, _ = load_config(config)
    if data is None and settings.data is None:
        return None
    return readiness(open_dataset(data_settings(data, config, None, None)))
