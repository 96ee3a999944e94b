"""Saved reports, overriding them, sharing the command that reproduces a result, everyday questions."""

from __future__ import annotations

import shlex
import tomllib
from datetime import date
from pathlib import Path

import pytest

from svcstats.catalog import REPORTS
from svcstats.daterange import today_in
from svcstats.questions import QUESTIONS, questions
from tests.conftest import write_csv

HEADER = ["ticket_id", "created_at", "closed_at", "owner", "team"]
TICKETS = [
    ["1", "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z", "Ann", "Tier 1"],  # week 03-02, March
    ["2", "2026-03-03T10:00:00Z", "2026-03-05T10:00:00Z", "Bob", "Tier 2"],  # week 03-02, March
    ["3", "2026-03-04T10:00:00Z", None, "Ann", "Tier 1"],  # week 03-02, open
    ["4", "2026-03-17T10:00:00Z", "2026-03-18T10:00:00Z", None, None],  # week 03-16
    ["5", "2026-04-01T10:00:00Z", "2026-04-01T12:00:00Z", "Bob", "Tier 2"],  # week 03-30, April
]
CONFIG = """\
# Team settings: keep this comment
tz = "UTC"   # reports in UTC

[tables.tickets]
# where the export lives
path = "tickets.csv"
"""


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_csv(tmp_path / "data" / "tickets.csv", HEADER, TICKETS)
    (tmp_path / "svcstats.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVCSTATS_CONFIG", raising=False)
    monkeypatch.delenv("SVCSTATS_DATA", raising=False)
    return tmp_path


def test_saving_keeps_the_file_and_its_comments(cli, workspace: Path) -> None:
    result = cli("report", "support-volume", "--data", "data", "--totals", "-g", "team", "--from", "2026-03-01", "--save", "by-team")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == ["team,tickets,closed_tickets,open_tickets", "Tier 1,2,1,1", "Tier 2,2,2,0", "Unassigned,1,1,0"]
    assert "saved as by-team" in result.stderr
    text = (workspace / "svcstats.toml").read_text()
    assert text.startswith(CONFIG)  # every line and comment of the file as it was, in place
    stored = tomllib.loads(text)
    assert stored["tables"] == {"tickets": {"path": "tickets.csv"}}
    assert stored["saved"]["by-team"] == {
        "report": "support-volume",
        "data": "data",
        "totals": True,
        "group-by": ["team"],
        "from": date(2026, 3, 1),
    }
    # saving again under another name keeps the first one
    assert cli("report", "csat", "--data", "data", "--save", "sat", "--help").code == 0  # --help saves nothing
    assert cli("report", "ticket-time-to-close", "--data", "data", "-q", "--save", "close").code == 0
    text = (workspace / "svcstats.toml").read_text()
    stored = tomllib.loads(text)
    assert sorted(stored["saved"]) == ["by-team", "close"]
    assert "\n\n[saved.close]" in text  # a blank line between tables
    listing = cli("saved").stdout.splitlines()
    assert listing == [
        "by-team  support-volume --data data --from 2026-03-01 --totals --group-by team",  # in --help order
        "close    ticket-time-to-close --data data",  # -q says how to run, not what to show: not stored
    ]


def test_save_leaves_a_blank_line_before_the_next_table(cli, workspace: Path) -> None:
    (workspace / "svcstats.toml").write_text(CONFIG + '\n[saved.a]\nreport = "csat"\n\n[dashboards.d]\nreports = ["a"]\n')
    assert cli("report", "support-volume", "--data", "data", "--totals", "--save", "b", "-q").code == 0
    text = (workspace / "svcstats.toml").read_text()
    assert 'report = "support-volume"\ndata = "data"\ntotals = true\n\n[dashboards.d]\nreports = ["a"]\n' in text
    assert text.endswith('reports = ["a"]\n')


def test_saved_paths_are_relative_to_the_config_file_and_run_options_are_not_stored(
    cli, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (workspace / "team").mkdir()
    config = workspace / "team" / "svcstats.toml"
    config.write_text(CONFIG)
    args = ["--data", "data", "--totals", "-q", "-v", "--engine", "in-memory", "--output", "v.csv", "--debug"]
    assert cli("report", "support-volume", "--config", config, *args, "--save", "vol").code == 0
    # typed from the workspace, "data" is ../data from the config file's folder
    assert tomllib.loads(config.read_text())["saved"]["vol"] == {"report": "support-volume", "data": "../data", "totals": True}
    (workspace / "elsewhere").mkdir()
    (workspace / "v.csv").unlink()
    monkeypatch.chdir(workspace / "elsewhere")
    again = cli("run", "vol", "--config", config, "--format", "csv")
    assert again.code == 0, again.stderr
    assert again.stdout == "tickets,closed_tickets,open_tickets\n5,4,1\n"
    assert not (workspace / "v.csv").exists() and not (workspace / "elsewhere" / "v.csv").exists()
    assert cli("saved", "--config", config).stdout == f"vol  support-volume --data {workspace / 'data'} --totals\n"


def test_bad_options_of_run_and_saved_reports_are_usage_errors(cli, workspace: Path) -> None:
    cli("report", "support-volume", "--data", "data", "--totals", "--save", "vol", "-q")
    unknown = cli("run", "vol", "--frobnicate")
    assert unknown.code == 2 and unknown.stderr.startswith("svcstats: error: vol: No such option: --frobnicate")
    assert unknown.stderr.endswith("(see svcstats report support-volume --help)\n") and unknown.stderr.count("\n") == 1
    with (workspace / "svcstats.toml").open("a") as handle:
        handle.write('\n[saved.bad]\nreport = "support-volume"\nfrequency = "hourly"\n\n[dashboards.d]\nreports = ["bad"]\n')
    for args in (["run", "bad"], ["export", "--out", "x", "--reports", "bad"], ["dashboard", "d"]):
        result = cli(*args, "--data", "data")
        assert result.code == 2, (args, result.stderr)
        assert result.stderr.startswith("svcstats: error: bad: --frequency 'hourly' is not one of: daily, weekly,"), (args, result.stderr)
        assert result.stderr.count("\n") == 1
    assert not (workspace / "x").exists()


def test_debug_and_quiet_are_read_from_the_parsed_options(cli, workspace: Path) -> None:
    (workspace / "svcstats.toml").write_text(CONFIG + '\n[saved.quiet]\nreport = "support-volume"\nquiet = true\n')
    note = cli("export", "--out", "q", "--reports", "quiet", "--data", "data")
    assert note.code == 0 and note.stderr == ""  # saved quiet = true: no "wrote ..." note
    combined = cli("export", "--out", "v", "--reports", "support-volume", "--data", "data", "-qv")
    assert combined.code == 0 and "note: wrote" not in combined.stderr and "info: support-volume" in combined.stderr
    missing = cli("run", "quiet", "--data", "nowhere", "--debug")
    assert missing.code == 3 and "Traceback" in missing.stderr


def test_save_creates_the_config_file_when_there_is_none(cli, workspace: Path) -> None:
    (workspace / "svcstats.toml").unlink()
    assert cli("report", "support-volume", "--data", "data", "--totals", "--save", "all", "-q").code == 0
    assert tomllib.loads((workspace / "svcstats.toml").read_text()) == {
        "saved": {"all": {"report": "support-volume", "data": "data", "totals": True}}
    }


def test_run_repeats_the_saved_report_and_explicit_options_override(cli, workspace: Path) -> None:
    direct = cli("report", "support-volume", "--data", "data", "--totals", "-g", "team", "--from", "2026-03-01", "--to", "2026-03-31")
    cli(
        "report",
        "support-volume",
        "--data",
        "data",
        "--totals",
        "-g",
        "team",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--save",
        "march",
    )
    again = cli("run", "march")
    assert again.code == 0 and again.stdout == direct.stdout
    # March: Tier 1 has tickets 1 and 3, Tier 2 ticket 2, Unassigned ticket 4; ticket 5 is April's
    assert again.stdout.splitlines()[1:] == ["Tier 1,2,1,1", "Tier 2,1,1,0", "Unassigned,1,1,0"]
    # a scalar option overrides, a list option replaces the saved list
    by_rep = cli("run", "march", "-g", "owner")
    assert by_rep.stdout.splitlines() == ["owner,tickets,closed_tickets,open_tickets", "Ann,2,1,1", "Bob,1,1,0", "Unassigned,1,1,0"]
    # a date range replaces the saved range (--from/--to and --last-month would conflict otherwise)
    april = cli("run", "march", "--last-month", "--as-of", "2026-05-03")
    assert april.code == 0, april.stderr
    assert april.stdout.splitlines()[1:] == ["Tier 2,1,1,0"]
    assert cli("run", "march", "--format", "json").stdout.startswith("[{")


def test_run_errors_are_one_line(cli, workspace: Path) -> None:
    missing = cli("run", "nothing")
    assert missing.code == 2
    assert (
        missing.stderr
        == "svcstats: error: no saved report 'nothing' (saved: none yet) (save one with svcstats report NAME ... --save NAME)\n"
    )
    (workspace / "svcstats.toml").write_text(CONFIG + '\n[saved.odd]\nreport = "support-volume"\ncolour = "red"\n')
    odd = cli("run", "odd")
    assert odd.code == 2
    assert "odd: support-volume has no option 'colour'" in odd.stderr
    bad_name = cli("report", "support-volume", "--data", "data", "--save", "no spaces")
    assert bad_name.code == 2 and "not a usable name" in bad_name.stderr


def test_share_prints_a_command_that_reproduces_the_result(cli, workspace: Path) -> None:
    args = ["report", "ticket-time-to-close", "--data", "data", "--last", "6w", "-g", "team", "--format", "csv"]
    original = cli(*args)
    shared = cli(*args, "--share")
    assert shared.code == 0 and shared.stderr == ""
    line = shared.stdout.strip()
    today = today_in("UTC")
    assert "--last" not in line
    assert f"--as-of {today}" in line and "--from " in line and f"--to {today}" in line and "--tz UTC" in line
    assert f"--config {workspace / 'svcstats.toml'}" in line
    words = shlex.split(line)
    assert words[:3] == ["svcstats", "report", "ticket-time-to-close"]
    again = cli(*words[1:])
    assert again.code == 0 and again.stdout == original.stdout and again.stderr == original.stderr


def test_share_reproduces_a_relative_range_pinned_in_the_past(cli, workspace: Path) -> None:
    args = ["report", "support-volume", "--data", "data", "--last-month", "--as-of", "2026-04-10", "--totals", "-g", "owner"]
    shared = cli(*args, "--share").stdout.strip()
    assert "--from 2026-03-01 --to 2026-03-31 --as-of 2026-04-10" in shared
    words = shlex.split(shared)
    assert (
        cli(*words[1:]).stdout == cli(*args).stdout == "owner,tickets,closed_tickets,open_tickets\nAnn,2,1,1\nBob,1,1,0\nUnassigned,1,1,0\n"
    )


def test_saved_report_can_be_shared(cli, workspace: Path) -> None:
    cli("report", "support-volume", "--data", "data", "--last-week", "--as-of", "2026-03-09", "--save", "week", "-q")
    line = cli("run", "week", "--share").stdout.strip()
    assert "--from 2026-03-02 --to 2026-03-08 --as-of 2026-03-09" in line
    assert cli(*shlex.split(line)[1:]).stdout == cli("run", "week").stdout


def test_every_question_is_listed_and_its_command_runs(cli, tmp_path: Path) -> None:
    listing = cli("reports", "--questions").stdout
    assert "How long do customers wait for a first reply?\n  svcstats report ticket-time-to-first-response" in listing
    assert "Which reps reply most?\n  svcstats report owner-reply-count --totals" in listing
    assert questions() == list(QUESTIONS) and len(QUESTIONS) >= 15
    assert listing.count("\n  svcstats ") == len(QUESTIONS)  # every question shown, none hidden
    data = Path(__file__).resolve().parent.parent / "examples" / "data"
    ran = 0
    for _, answer in QUESTIONS:
        words = shlex.split(answer)
        if words[0] == "report":
            assert words[1] in REPORTS, answer
            extra = ["-q", "--as-of", "2026-10-31"]
        else:
            extra = ["--state", tmp_path / "state.sqlite"]
        result = cli(*words, "--data", data, "--format", "csv", *extra)
        assert result.code == 0 and result.stdout.count("\n") >= 2, (answer, result.stderr)  # a header and rows
        ran += 1
    assert ran == len(QUESTIONS)


def test_a_report_that_fails_is_not_saved(cli, workspace: Path) -> None:
    result = cli("report", "csat", "--data", "data", "--save", "sat")  # no csat table in the folder
    assert result.code == 3
    assert "saved" not in tomllib.loads((workspace / "svcstats.toml").read_text())


def test_share_of_a_file_output_keeps_its_format(cli, workspace: Path) -> None:
    line = cli("report", "support-volume", "--data", "data", "--totals", "--output", "v.json", "--as-of", "2026-04-01", "--share").stdout
    config = workspace / "svcstats.toml"
    expected = f"svcstats report support-volume --data data --config {config} --totals --format json"
    assert line.strip() == f"{expected} --to 2026-04-01 --as-of 2026-04-01 --tz UTC"
    assert not (workspace / "v.json").exists()  # --share prints the command, it does not run the report
    words = shlex.split(line)
    assert cli(*words[1:]).stdout == '[{"tickets":5,"closed_tickets":4,"open_tickets":1}]\n'


def test_share_makes_the_checks_a_run_makes(cli, workspace: Path) -> None:
    for extra in ([], ["--save", "x"]):
        result = cli("report", "support-volume", "--data", "data", "--chart", "--format", "csv", "--share", *extra)
        assert result.code == 2 and result.stdout == "", extra
        assert result.stderr.startswith("svcstats: error: --chart draws under a terminal table, not in csv")
    assert "saved" not in tomllib.loads((workspace / "svcstats.toml").read_text())
