"""The catalogue says what every report produces: its documented columns are the columns it
produces (on the bundled example data, for its default shape and for each of its own options),
and the README's report list is the catalogue's."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from svcstats.catalog import REPORTS, ReportInfo, by_collection
from tests.conftest import run_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "data"
AS_OF = date(2026, 10, 31)
GROUP = "<group>"


def documented(info: ReportInfo, flags: set[str], group_keys: list[str], totals: bool) -> tuple[set[str], set[str]]:
    """(columns every run of this shape must have, columns it may have) from the catalogue's column list.

    A column documented "with --flag: ..." (or "(with --flag ...)") is there only when the flag is
    given; period_start, period_end and partial only over time; <group> stands for the --group-by keys; <measure>_last_week
    for each measure's last-week twin, <measure>_previous (_change, _change_pct) for --compare's columns beside each measure."""
    must: set[str] = set()
    may: set[str] = set(group_keys)
    own = {n for ns, _ in info.columns if not ns.startswith("<") for n in ns.split(", ")} - {"period_start", "period_end", "partial"}
    for names, text in info.documented_columns:
        condition = re.search(r"(?:^|\()with (--[a-z-]+)", text)
        wanted = condition is None or condition.group(1) in flags
        if names == GROUP:
            must |= set(group_keys)
            continue
        if names in ("period_start", "period_end", "partial"):  # each "absent with --totals"
            wanted = not (totals or info.range_only)
        if names == "<measure>_last_week":
            measures = {n for ns, _ in info.columns if ns not in (GROUP, names) for n in ns.split(", ")} - {"week_start"}
            (must if wanted else may).update(f"{m}_last_week" for m in measures)
            continue
        if names.startswith("<measure>_previous"):  # beside any measure (which ones: test_compare_columns_are_beside_measures)
            if wanted:
                may.update(f"{m}{suffix}" for m in own for suffix in ("_previous", "_change", "_change_pct"))
            continue
        (must if wanted else may).update(names.split(", "))
    return must, must | may


def runs(info: ReportInfo) -> list[tuple[str, dict[str, object]]]:
    """The option sets each report is run with: its default, --totals, one group key, and each of its own options."""
    found: list[tuple[str, dict[str, object]]] = [("default", {})]
    if not info.range_only:
        found.append(("totals", {"totals": True}))
    group = next(iter(info.group_aliases), None)
    if group and info.name != "ticket-reply-count":  # a ranking over the range takes no --group-by
        found.append((f"group-by {group}", {"group_by": [group]}))
    if not info.no_compare:
        found.append(("--compare previous", {"compare": "previous", "last": "3m"}))
        if not info.range_only:
            found.append(("--compare year --totals", {"compare": "year", "totals": True, "last": "3m"}))
    for option in info.options:
        if isinstance(option.default, bool):
            found.append((option.flag, {"options": {option.name: True}, "totals": option.name == "intervals"}))
        elif option.name == "top":
            found.append((option.flag, {"options": {"top": "3"}, "totals": True}))
        for choice in option.choices:
            # --targets export needs the help desk's own SLA clocks, which the example data has not:
            # test_reports_beyond.test_sla_from_the_export checks that run's columns
            if choice != option.default and (option.name, choice) != ("targets", "export"):
                found.append((f"{option.flag} {choice}", {"options": {option.name: choice}}))
    return found


CASES = [(info, label, options) for info in REPORTS.values() for label, options in runs(info)]


@pytest.mark.parametrize(("info", "options"), [(i, o) for i, _, o in CASES], ids=[f"{i.name} {label}" for i, label, _ in CASES])
def test_documented_columns_are_produced(info: ReportInfo, options: dict[str, object]) -> None:
    own: dict[str, object] = dict(options.get("options", {}))  # type: ignore[call-overload]
    flags = {o.flag for o in info.options if own.get(o.name) not in (None, False)}
    if options.get("totals"):
        flags.add("--totals")
    if options.get("compare"):
        flags.add("--compare")
    group_by = list(options.get("group_by", [])) or list(info.default_group_by)  # type: ignore[call-overload]
    if own.get("by"):  # --by channel splits by the channel as --group-by channel does
        group_by.append(str(own["by"]))
    totals = bool(options.get("totals"))
    result = run_report(EXAMPLES, info.name, as_of=AS_OF, **options).result
    produced = set(result.columns)
    must, may = documented(info, flags, group_by, totals)
    must -= set(info.default_group_by) - set(group_by)  # a --group-by replaces the default grouping
    assert produced <= may, f"{info.name} produces undocumented columns {sorted(produced - may)}"
    if not any(own.get(name) for name in ("per_ticket", "top", "intervals", "distribution", "breached")):  # these replace the shape
        assert must <= produced, f"{info.name} documents columns it does not produce: {sorted(must - produced)}"
    if options.get("compare"):
        assert_compare_columns_beside_measures(info, result, group_by)


def assert_compare_columns_beside_measures(info: ReportInfo, result: Any, group_by: list[str]) -> None:
    """With --compare, every numeric measure (not a group, period or row key) has its previous value
    and change beside it, and a relative change unless it is a rate or a rank; nothing else does."""
    keys = {"period_start", "period_end", "partial", "compared_from", "compared_to", *group_by, *info.row_keys}
    suffixes = ("_previous", "_change", "_change_pct")
    measures = [
        c
        for c, kind in result.schema.items()
        if kind.is_numeric() and c not in keys and not any(c == m + s for m in result.columns for s in suffixes)
    ]
    assert measures, f"{info.name} has nothing to compare"
    for m in measures:
        expected = [m + "_previous", m + "_change"] + ([m + "_change_pct"] if info.measure_kind(m) in ("count", "duration") else [])
        at = result.columns.index(m)
        assert result.columns[at + 1 : at + 1 + len(expected)] == expected, f"{info.name}: {m} lacks {expected}"


def test_every_report_has_a_run() -> None:
    assert {info.name for info, _, _ in CASES} == set(REPORTS)


def test_the_readme_lists_the_catalogue() -> None:
    """The README's Reports section names every report under its collection, in catalogue order."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Reports\n", 1)[1].split("\n### ", 1)[0]
    listed: dict[str, list[str]] = {}
    current = None
    for line in section.splitlines():
        heading = re.match(r"^\*\*([^*]+)\*\*", line)
        if heading:
            current = heading.group(1)
            listed[current] = []
            continue
        for name in re.findall(r"`svcstats report ([a-z0-9-]+)", line):
            assert current is not None, f"{name} is listed before any collection heading"
            if name not in listed[current]:
                listed[current].append(name)
    assert listed == {collection: [info.name for info in infos] for collection, infos in by_collection().items()}


def test_every_report_module_is_in_the_catalogue() -> None:
    """A report is one module of svcstats/reports/ defining REPORT (or several, in REPORTS); the
    catalogue lists every such definition once, and nothing else."""
    import importlib
    import pkgutil

    import svcstats.reports
    from svcstats.catalog import ORDER

    defined = []
    for module in pkgutil.iter_modules(svcstats.reports.__path__):
        loaded = importlib.import_module(f"svcstats.reports.{module.name}")
        defined += [loaded.REPORT] if hasattr(loaded, "REPORT") else list(getattr(loaded, "REPORTS", ()))
    assert sorted(info.name for info in defined) == sorted(info.name for info in ORDER)
    assert all(any(info is listed for listed in ORDER) for info in defined)


def test_the_catalogue_loads_no_polars() -> None:
    """Every definition (and so every --help) is read without Polars: the report modules import it
    only when a report runs."""
    import subprocess
    import sys

    code = "import sys, svcstats.catalog as c; assert len(c.REPORTS) == 34; print('polars' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


TOP = [info for info in REPORTS.values() if any(o.name == "top" for o in info.options)]


@pytest.mark.parametrize("info", TOP, ids=lambda info: info.name)
@pytest.mark.parametrize("value", ["-1", "ten", "2.5", ""])
def test_top_has_one_rule_everywhere(info: ReportInfo, value: str) -> None:
    # --top is a whole number, 0 = all, in every report that takes it: refused the same way
    from svcstats.errors import UsageError

    with pytest.raises(UsageError, match=r"--top .* is not a whole number of at least 0"):
        run_report(EXAMPLES, info.name, as_of=AS_OF, totals=True, options={"top": value})


def test_top_zero_lists_all_in_every_report() -> None:
    # customers with a closed wait in the range (at least one per customer); --top 0 ranks them all
    every = run_report(EXAMPLES, "customer-wait-time", as_of=AS_OF, totals=True, options={"top": "0"}).result
    assert every.height > 10 and every["rank"].to_list() == list(range(1, every.height + 1))
    three = run_report(EXAMPLES, "customer-wait-time", as_of=AS_OF, totals=True, options={"top": "3"}).result
    assert three.rows() == every.head(3).rows()
    reps = run_report(EXAMPLES, "owner-reply-count", as_of=AS_OF, totals=True, options={"top": "0"}).result
    assert reps.height == run_report(EXAMPLES, "owner-reply-count", as_of=AS_OF).result["rep"].n_unique()


def test_pending_after_bound_is_the_configs() -> None:
    from svcstats.config import MAX_PENDING_AFTER_HOURS
    from svcstats.reports.rules import PENDING_AFTER

    assert PENDING_AFTER.maximum == MAX_PENDING_AFTER_HOURS
