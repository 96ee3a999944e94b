"""A report and its options as the config file stores them (flag names without dashes), and
their command-line form. Light on purpose: no config validation, no Polars."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from svcstats.errors import UsageError


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


def option_args(options: dict[str, Any]) -> list[str]:
    """Command-line arguments for stored options: true flags bare, lists repeated, dates ISO."""
    args: list[str] = []
    for key, value in options.items():
        flag = f"--{key}"
        if value is True:
            args.append(flag)
        elif value is False or value is None:
            continue
        elif isinstance(value, list):
            for item in value:
                args += [flag, _text(item)]
        else:
            args += [flag, _text(value)]
    return args


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
