"""The catalogue says what every report produces: its documented columns are the columns it
produces (on the bundled example data, for its default shape and for each of its own options),
and the README's report list is the catalogue's."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

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
    given; period_start only over time; <group> stands for the --group-by keys; <measure>_last_week
    for each measure's last-week twin."""
    must: set[str] = set()
    may: set[str] = set(group_keys)
    for names, text in info.columns:
        condition = re.search(r"(?:^|\()with (--[a-z-]+)", text)
        wanted = condition is None or condition.group(1) in flags
        if names == GROUP:
            must |= set(group_keys)
            continue
        if names == "period_start":
            wanted = not (totals or info.range_only)
        if names == "<measure>_last_week":
            measures = {n for ns, _ in info.columns if ns not in (GROUP, names) for n in ns.split(", ")} - {"week_start"}
            (must if wanted else may).update(f"{m}_last_week" for m in measures)
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
    for option in info.options:
        if isinstance(option.default, bool):
            found.append((option.flag, {"options": {option.name: True}, "totals": option.name == "intervals"}))
        elif option.name == "top":
            found.append((option.flag, {"options": {"top": "3"}, "totals": True}))
        for choice in option.choices:
            if choice != option.default:
                found.append((f"{option.flag} {choice}", {"options": {option.name: choice}}))
    return found


CASES = [(info, label, options) for info in REPORTS.values() for label, options in runs(info)]


@pytest.mark.parametrize(("info", "options"), [(i, o) for i, _, o in CASES], ids=[f"{i.name} {label}" for i, label, _ in CASES])
def test_documented_columns_are_produced(info: ReportInfo, options: dict[str, object]) -> None:
    own: dict[str, object] = dict(options.get("options", {}))  # type: ignore[call-overload]
    flags = {o.flag for o in info.options if own.get(o.name) not in (None, False)}
    if options.get("totals"):
        flags.add("--totals")
    group_by = list(options.get("group_by", [])) or list(info.default_group_by)  # type: ignore[call-overload]
    if own.get("by"):  # --by channel splits by the channel as --group-by channel does
        group_by.append(str(own["by"]))
    totals = bool(options.get("totals"))
    produced = set(run_report(EXAMPLES, info.name, as_of=AS_OF, **options).result.columns)
    must, may = documented(info, flags, group_by, totals)
    must -= set(info.default_group_by) - set(group_by)  # a --group-by replaces the default grouping
    assert produced <= may, f"{info.name} produces undocumented columns {sorted(produced - may)}"
    if not any(own.get(name) for name in ("per_ticket", "top", "intervals", "distribution")):  # these replace the shape
        assert must <= produced, f"{info.name} documents columns it does not produce: {sorted(must - produced)}"


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
