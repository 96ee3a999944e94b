"""The hostile-input suite: every report and `data check` over damaged datasets (tests/hostile.py).

Each damage is applied to a small clean dataset; `data check`, one report reading each table
and a rotating one (all reports over the damages together) run on it. Every run must end with a
documented exit code, one error line at most and no traceback; support-volume must account
for every ticket row: rows shown + rows reported left out = rows given.

SVCSTATS_HOSTILE=full runs every report on every damage and on random combinations of them
(bench/hostile_sweep.py does the same outside pytest, for longer sweeps).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from svcstats.catalog import REPORTS
from tests import hostile

FULL = os.environ.get("SVCSTATS_HOSTILE") == "full"
NAMES = sorted(hostile.DAMAGES)
# every damage: reports reading every table (so each damaged table is read), plus a rotating one (all are covered)
CORE = ["csat", "message-volume-by-hour", "ticket-time-in-pipeline", "agent-resolution-rate", "max-available-reps"]
BUSINESS = "ticket-time-in-pipeline"  # also run with --hours business: reads working_hours and holidays
PER_DAMAGE = len(REPORTS) if FULL else 1
AS_OF = "2026-05-31"


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.base(tmp_path_factory.mktemp("hostile") / "clean")


def damaged(clean: Path, tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(clean, folder, symlinks=True)
    return hostile.damaged(folder, names, skip_inapplicable=len(names) > 1)


def reports_for(index: int) -> list[str]:
    names = list(REPORTS)
    rotating = [names[(index * PER_DAMAGE + k) % len(names)] for k in range(PER_DAMAGE)]
    return list(dict.fromkeys([*CORE, *rotating]))


def config_args(folder: Path) -> list[str | Path]:
    config = folder / "svcstats.toml"
    return ["--config", config] if config.exists() else []


def assert_well_behaved(args: list[str | Path], code: int, stdout: str, stderr: str) -> None:
    """A documented exit code, no traceback, and on failure exactly one error line and no data."""
    shown = " ".join(str(a) for a in args)
    assert code in hostile.DOCUMENTED_EXIT_CODES, f"{shown}: exit {code}: {stderr}"
    assert "Traceback" not in stderr and "panicked" not in stderr, f"{shown}: {stderr}"
    assert "internal error" not in stderr, f"{shown}: {stderr}"
    errors = [line for line in stderr.splitlines() if line.startswith("svcstats: error:")]
    if code not in (0, 3) or (code == 3 and "data check" not in shown):
        assert len(errors) == 1, f"{shown}: {stderr}"
    if code not in (0, 3) or (code == 3 and args[0] != "data"):
        assert stdout == "", f"{shown}: output on failure"


def run_all(folder: Path, reports: list[str], gaps: bool = True) -> None:
    """data check, support-volume (with the row count check) and `reports` on `folder`."""
    base: list[str | Path] = ["--data", folder, "--source-tz", "UTC", "--format", "csv", *config_args(folder)]
    check = ["data", "check", *base]
    assert_well_behaved(check, *hostile.run(*check))
    volume = ["report", "support-volume", "--totals", *base]
    code, stdout, stderr = hostile.run(*volume)
    assert_well_behaved(volume, code, stdout, stderr)
    given = hostile.given_rows(folder, "tickets")
    if code == 0 and given is not None:
        shown = sum(int(row["tickets"]) for row in csv.DictReader(io.StringIO(stdout)))
        assert shown + hostile.left_out(stderr, "tickets") == given, stderr
    for report in reports:
        args = ["report", report, "--as-of", AS_OF, *base]
        assert_well_behaved(args, *hostile.run(*args))
    business = ["report", BUSINESS, "--hours", "business", "--as-of", AS_OF, *base]
    assert_well_behaved(business, *hostile.run(*business))
    if FULL or gaps:  # grouping questions into topics takes 1-2 s: only where the damage concerns it
        gaps = ["knowledge-gaps", "list", "--data", folder, "--source-tz", "UTC", *config_args(folder)]
        assert_well_behaved(gaps, *hostile.run(*gaps))


@pytest.mark.parametrize("name", NAMES)
def test_every_damage_ends_with_a_documented_exit_code(name: str, clean: Path, tmp_path: Path) -> None:
    run_all(damaged(clean, tmp_path, [name]), reports_for(NAMES.index(name)), gaps="gaps" in name or "state" in name)


@pytest.mark.parametrize("names", list(hostile.variants(seed=15, count=60 if FULL else 6)), ids=lambda names: "+".join(names))
def test_combined_damages(names: list[str], clean: Path, tmp_path: Path) -> None:
    run_all(damaged(clean, tmp_path, names), list(REPORTS) if FULL else reports_for(len(names)), gaps=False)


def test_the_rotation_covers_every_report() -> None:
    covered = {report for index in range(len(NAMES)) for report in reports_for(index)}
    assert covered == set(REPORTS)
