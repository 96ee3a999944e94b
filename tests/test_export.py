"""`svcstats export`: one file per report, a manifest whose hashes match, placed all at once."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest

import svcstats.output.report
from svcstats.errors import OutputError
from tests.conftest import SMALL_HEADER as HEADER
from tests.conftest import SMALL_TICKETS as TICKETS
from tests.conftest import write_csv

CONFIG = """\
# weekly exports
[saved.by-team]
report = "support-volume"
totals = true
group-by = ["team"]

[dashboards.monday]
title = "Monday"
reports = ["by-team", { report = "ticket-time-to-close", frequency = "daily" }]
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_csv(tmp_path / "data" / "tickets.csv", HEADER, TICKETS)
    (tmp_path / "svcstats.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def read_manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def test_export_writes_files_and_a_manifest_whose_hashes_match(cli, workspace: Path) -> None:
    out = workspace / "out" / "2026-W11"
    (workspace / "out").mkdir()
    result = cli("export", "--out", out, "--dashboard", "monday", "--data", "data", "--last-week", "--as-of", "2026-03-11")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["by-team.csv", "manifest.json", "ticket-time-to-close.csv"]
    manifest = read_manifest(out)
    assert manifest["failed"] == [] and manifest["format"] == "csv"
    for entry in manifest["reports"]:
        content = (out / entry["file"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["rows"] == len(list(csv.DictReader(io.StringIO(content.decode()))))
        assert entry["period"] == {"from": "2026-03-02", "to": "2026-03-08", "as_of": "2026-03-11", "tz": "UTC"}
    by_team, close = manifest["reports"]
    assert (by_team["name"], by_team["report"], by_team["status"]) == ("by-team", "support-volume", "ok")
    assert by_team["options"] == {"data": "data", "last-week": True, "as-of": "2026-03-11", "totals": True, "group-by": ["team"]}
    # last week (03-02 to 03-08): tickets 1 and 3 (Tier 1), 2 (Tier 2)
    assert (out / "by-team.csv").read_text() == "team,tickets,closed_tickets,open_tickets\nTier 1,2,1,1\nTier 2,1,1,0\n"
    assert close["rows"] == 7  # one row per day of the week, empty days included
    assert "--from 2026-03-02 --to 2026-03-08 --as-of 2026-03-11" in close["command"]


def test_export_is_deterministic_with_as_of(cli, workspace: Path) -> None:
    args = ["--reports", "by-team,ticket-time-to-close", "--data", "data", "--last", "2w", "--as-of", "2026-03-12", "--format", "json"]
    assert cli("export", "--out", workspace / "a", *args).code == 0
    assert cli("export", "--out", workspace / "b", *args).code == 0
    first, second = read_manifest(workspace / "a"), read_manifest(workspace / "b")
    first.pop("generated_at"), second.pop("generated_at")
    assert first == second
    for entry in first["reports"]:
        assert (workspace / "a" / entry["file"]).read_bytes() == (workspace / "b" / entry["file"]).read_bytes()
        assert entry["file"].endswith(".json")


def test_a_failed_report_is_in_the_manifest_and_the_exit_code(cli, workspace: Path) -> None:
    out = workspace / "out"
    result = cli("export", "--out", out, "--reports", "support-volume,csat", "--data", "data", "--as-of", "2026-03-12")
    assert result.code == 3  # csat has no csat table in this folder: a data error
    assert "1 of 2 reports failed (csat)" in result.stderr
    manifest = read_manifest(out)
    assert manifest["failed"] == ["csat"]
    ok, failed = manifest["reports"]
    assert ok["status"] == "ok" and (out / ok["file"]).is_file()
    assert failed["status"] == "failed" and failed["exit_code"] == 3 and "csat" in failed["error"]
    assert not (out / "csat.csv").exists()


def test_a_failure_midway_leaves_no_folder_and_keeps_the_previous_export(cli, workspace: Path, monkeypatch) -> None:
    out = workspace / "out"
    args = ["--out", out, "--all", "--data", "data", "--as-of", "2026-03-12"]
    assert cli("export", "--reports", "support-volume", "--out", out, "--data", "data").code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    written = []

    # --all on tickets alone renders ticket-time-to-close, then support-volume (the others fail for
    # want of a table or column, ticket-time-to-first-response too: no messages, no first response)
    def failing_render(result, fmt, output, **kwargs):
        if len(written) == 1:
            raise OutputError(f"cannot write {output}: No space left on device")
        written.append(output)
        return real_render(result, fmt, output, **kwargs)

    real_render = svcstats.output.report.render
    monkeypatch.setattr(svcstats.output.report, "render", failing_render)
    result = cli("export", *args)
    assert result.code == 4
    last = result.stderr.splitlines()[-1]
    assert last == f"svcstats: error: cannot write {out}/support-volume.csv: No space left on device"
    assert len(written) == 1 and not written[0].exists()  # files already written went with their folder
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the previous export is untouched
    assert sorted(p.name for p in workspace.iterdir()) == ["data", "out", "svcstats.toml"]  # no temporary folder left


def test_export_refuses_a_folder_that_is_not_an_export(cli, workspace: Path) -> None:
    (workspace / "mine").mkdir()
    (workspace / "mine" / "notes.txt").write_text("keep me")
    result = cli("export", "--out", workspace / "mine", "--reports", "support-volume", "--data", "data")
    assert result.code == 4 and "not an svcstats export" in result.stderr
    assert (workspace / "mine" / "notes.txt").read_text() == "keep me"


def test_export_needs_exactly_one_choice_of_reports(cli, workspace: Path) -> None:
    assert cli("export", "--out", workspace / "x", "--data", "data").code == 2
    both = cli("export", "--out", workspace / "x", "--all", "--reports", "csat", "--data", "data")
    assert both.code == 2 and "--reports and --all both choose reports" in both.stderr
    assert not (workspace / "x").exists()


def test_export_without_as_of_records_the_day_it_resolved_once(cli, workspace: Path, monkeypatch) -> None:
    from datetime import date

    import svcstats.settings

    days = iter([date(2026, 3, 11), date(2026, 3, 12)])  # the clock passes midnight after the first look
    monkeypatch.setattr(svcstats.settings, "today_in", lambda tz: next(days))
    result = cli("export", "--out", workspace / "cron", "--reports", "by-team", "--data", "data", "--last-week")
    assert result.code == 0, result.stderr
    (entry,) = read_manifest(workspace / "cron")["reports"]
    assert entry["period"] == {"from": "2026-03-02", "to": "2026-03-08", "as_of": "2026-03-11", "tz": "UTC"}
    assert entry["command"].endswith("--from 2026-03-02 --to 2026-03-08 --as-of 2026-03-11 --tz UTC")


def test_export_replaces_only_an_export_it_wrote(cli, workspace: Path) -> None:
    out = workspace / "weekly"
    args = ["export", "--out", out, "--reports", "support-volume", "--data", "data"]
    assert cli(*args).code == 0
    assert cli(*args).code == 0  # an earlier export is replaced
    (out / "notes.txt").write_text("keep me")
    added = cli(*args)
    assert added.code == 4
    assert added.stderr == (
        f"svcstats: error: cannot export to {out}: it holds notes.txt, which its manifest does not list "
        "(move it elsewhere or give another folder: an export replaces the whole folder)\n"
    )
    assert (out / "notes.txt").read_text() == "keep me"
    (out / "notes.txt").unlink()
    for manifest in ('{"reports": []}', "not json", "[]"):
        (out / "manifest.json").write_text(manifest)
        refused = cli(*args)
        assert refused.code == 4 and "it holds files that are not an svcstats export" in refused.stderr, manifest
        assert (out / "manifest.json").read_text() == manifest


EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"


def test_a_report_that_covers_its_own_week_takes_last_week_as_its_nearest_meaning(cli, tmp_path: Path) -> None:
    # the weekly cron job: agent-impact always covers "the week of --as-of and the week before",
    # so --last-week cannot apply as given. 2026-11-04 is a Wednesday: last week is Monday
    # 10-26 to Sunday 11-01, so agent-impact runs as of 11-01 (that week beside 10-19..10-25)
    out = tmp_path / "cron"
    args = ("--data", EXAMPLES, "--last-week", "--as-of", "2026-11-04")
    result = cli("export", "--out", out, "--reports", "support-volume,agent-impact", *args)
    assert result.code == 0, result.stderr
    assert "agent-impact always covers the week of --as-of and the week before: --last-week read as --as-of 2026-11-01" in result.stderr
    volume, impact = read_manifest(out)["reports"]
    assert volume["status"] == impact["status"] == "ok"
    assert volume["period"]["from"] == "2026-10-26" and volume["period"]["to"] == "2026-11-01"
    assert impact["options"] == {"data": str(EXAMPLES), "as-of": "2026-11-01"}  # what it ran with, re-runnable
    direct = cli("report", "agent-impact", "--data", EXAMPLES, "--as-of", "2026-11-01", "--format", "csv")
    assert direct.code == 0 and (out / "agent-impact.csv").read_text() == direct.stdout
    assert direct.stdout.splitlines()[1].startswith("2026-10-26,")  # week_start: last week's Monday


def test_a_report_that_covers_its_own_week_still_refuses_a_range_when_run_alone(cli) -> None:
    result = cli("report", "agent-impact", "--data", EXAMPLES, "--last-week")
    assert result.code == 2 and "agent-impact takes no --last-week" in result.stderr
