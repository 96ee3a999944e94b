"""The command line as users meet it: stdout, stderr and exit codes, checked separately."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from svcstats.catalog import REPORTS
from svcstats.commands.app import app
from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["ticket_id", "created_at", "closed_at", "owner", "team"]
TICKETS = [
    ["1", "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z", "Ann", "Tier 1"],  # 12 h, week 03-02
    ["2", "2026-03-03T10:00:00Z", "2026-03-05T10:00:00Z", "Bob", "Tier 2"],  # 48 h, week 03-02
    ["3", "2026-03-04T10:00:00Z", None, "Ann", "Tier 1"],  # open
    ["4", "2026-03-17T10:00:00Z", "2026-03-18T10:00:00Z", None, None],  # 24 h, week 03-16
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "data" / "tickets.csv", HEADER, TICKETS)
    return tmp_path / "data"


def test_csv_output_is_clean_and_complete(cli, data: Path) -> None:
    result = cli("report", "ticket-time-to-close", "--data", data, "--format", "csv")
    assert result.code == 0
    parsed = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(parsed[0]) == [
        "period_start",
        "period_end",
        "partial",
        "closed_tickets",
        "mean_hours",
        "median_hours",
        "p90_hours",
        "reopened_tickets",
        "open_tickets",
    ]
    # weeks 03-02 (12 h and 48 h: mean 30, median 30, p90 12 + 0.9 * 36 = 44.4), 03-09 (empty), 03-16 (24 h)
    assert parsed == [
        {
            "period_start": "2026-03-02",
            "period_end": "2026-03-08",  # Monday to Sunday
            "partial": "false",  # no range given: no period is cut
            "closed_tickets": "2",
            "mean_hours": "30.0",
            "median_hours": "30.0",
            "p90_hours": "44.4",
            "reopened_tickets": "",
            "open_tickets": "1",
        },
        {
            "period_start": "2026-03-09",
            "period_end": "2026-03-15",
            "partial": "false",
            "closed_tickets": "0",
            "mean_hours": "",
            "median_hours": "",
            "p90_hours": "",
            "reopened_tickets": "",
            "open_tickets": "0",
        },
        {
            "period_start": "2026-03-16",
            "period_end": "2026-03-22",
            "partial": "false",
            "closed_tickets": "1",
            "mean_hours": "24.0",
            "median_hours": "24.0",
            "p90_hours": "24.0",
            "reopened_tickets": "",
            "open_tickets": "0",
        },
    ]
    assert "\x1b" not in result.stdout
    assert result.stderr == "note: ticket-time-to-close: 1 row left out: still open, no time to close (counted in open_tickets)\n"


def test_piped_output_defaults_to_csv_and_quiet_silences_notes(cli, data: Path) -> None:
    result = cli("report", "support-volume", "--data", data, "--totals", "-g", "rep", "-q")
    assert (result.code, result.stderr) == (0, "")
    assert result.stdout.splitlines() == [
        "rep,tickets,closed_tickets,open_tickets",
        "Ann,2,1,1",
        "Bob,1,1,0",
        "Unassigned,1,1,0",
    ]


def test_table_output_is_readable(cli, data: Path) -> None:
    result = cli("report", "ticket-time-to-close", "--data", data, "--format", "table", "--group-by", "team")
    assert result.code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Time to close · weekly · all dates (UTC)")
    header = next(line for line in lines if "Period start" in line)
    assert "Closed tickets" in header and "Median" in header and "P90" in header
    row = next(line for line in lines if "2026-03-02" in line and "Tier 2" in line)
    assert "2d 0h" in row  # 48 hours humanised
    assert max(len(line) for line in lines) > 80  # never squeezed to 80 columns when piped


def test_stat_option_chooses_table_columns_only(cli, data: Path) -> None:
    table = cli("report", "ticket-time-to-close", "--data", data, "-f", "table", "--stat", "max", "--totals")
    header = next(line for line in table.stdout.splitlines() if "Closed tickets" in line)
    assert "Max" in header and "Mean" not in header
    machine = cli("report", "ticket-time-to-close", "--data", data, "-f", "csv", "--stat", "max", "--totals", "-q")
    assert machine.stdout.splitlines()[0] == "closed_tickets,mean_hours,median_hours,p90_hours,max_hours,reopened_tickets,open_tickets"


@pytest.mark.parametrize("fmt", ["json", "ndjson", "tsv", "markdown"])
def test_text_formats(cli, data: Path, fmt: str) -> None:
    result = cli("report", "support-volume", "--data", data, "--totals", "-f", fmt, "-q")
    assert result.code == 0
    if fmt == "json":
        assert json.loads(result.stdout) == [{"tickets": 4, "closed_tickets": 3, "open_tickets": 1}]
    elif fmt == "ndjson":
        assert [json.loads(line) for line in result.stdout.splitlines()] == [{"tickets": 4, "closed_tickets": 3, "open_tickets": 1}]
    elif fmt == "tsv":
        assert result.stdout == "tickets\tclosed_tickets\topen_tickets\n4\t3\t1\n"
    else:
        assert result.stdout == "| tickets | closed_tickets | open_tickets |\n|---:|---:|---:|\n| 4 | 3 | 1 |\n"


@pytest.mark.parametrize("suffix", [".parquet", ".xlsx", ".csv", ".json"])
def test_output_file_format_from_extension(cli, data: Path, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"volume{suffix}"
    result = cli("report", "support-volume", "--data", data, "--totals", "-o", target, "-q")
    assert (result.code, result.stdout) == (0, "")
    if suffix == ".parquet":
        assert pl.read_parquet(target).to_dicts() == [{"tickets": 4, "closed_tickets": 3, "open_tickets": 1}]
    elif suffix == ".xlsx":
        assert pl.read_excel(target).to_dicts() == [{"tickets": 4, "closed_tickets": 3, "open_tickets": 1}]
    elif suffix == ".csv":
        assert target.read_text() == "tickets,closed_tickets,open_tickets\n4,3,1\n"
    else:
        assert json.loads(target.read_text()) == [{"tickets": 4, "closed_tickets": 3, "open_tickets": 1}]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp files left


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["report", "nosuch"], 2, "unknown report 'nosuch'"),
        (["report", "support-volume", "--bogus"], 2, "No such option: --bogus"),
        (["report", "support-volume", "--from", "2026-13-01"], 2, "--from '2026-13-01' is not a date (YYYY-MM-DD)"),
        (["report", "support-volume", "--where", "owner ="], 2, "--where 'owner ='"),
        (["report", "support-volume", "--where", "nosuch = 1"], 2, "tickets.csv has no column 'nosuch'"),
        (["report", "support-volume", "--last-week", "--last", "2w"], 2, "--last and --last-week both set a date range"),
        (["report", "support-volume", "--output", "/dev/null/dir/x.csv"], 4, "cannot write /dev/null/dir/x.csv"),  # not a folder
        (["about", "nosuch"], 2, "unknown report 'nosuch'"),
    ],
)
def test_errors_are_one_line_with_exit_code(cli, data: Path, args: list[str], code: int, message: str) -> None:
    if args[0] == "report" and args[1] != "nosuch":
        args = [*args, "--data", str(data)]
    result = cli(*args)
    assert result.code == code
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("svcstats: error: ")
    assert message in result.stderr


def test_data_errors_exit_3(cli, tmp_path: Path) -> None:
    missing_table = cli("report", "support-volume", "--data", tmp_path)
    assert missing_table.code == 3
    assert "table 'tickets' not found" in missing_table.stderr
    write_csv(tmp_path / "tickets.csv", ["id", "created_at"], [["1", "2026-01-01T00:00:00Z"]])
    missing_column = cli("report", "support-volume", "--data", tmp_path)
    assert missing_column.code == 3
    assert "tickets.csv: required column 'ticket_id' not found (columns: id, created_at)" in missing_column.stderr
    assert missing_column.stdout == ""


def test_bad_value_warns_and_strict_fails(cli, data: Path) -> None:
    with (data / "tickets.csv").open("a") as handle:
        handle.write("5,not a date,,Ann,Tier 1\n")
    result = cli("report", "support-volume", "--data", data, "--totals", "-q")
    assert result.code == 0
    assert result.stdout.splitlines()[1] == "4,3,1"
    assert result.stderr == "warning: tickets.csv: 1 row left out: created_at is not a valid timestamp (e.g. 'not a date' on line 6)\n"
    strict = cli("report", "support-volume", "--data", data, "--strict")
    assert (strict.code, strict.stdout) == (3, "")
    assert "created_at is not a valid timestamp" in strict.stderr


def test_debug_shows_traceback(cli, tmp_path: Path) -> None:
    result = cli("report", "support-volume", "--data", tmp_path / "absent", "--debug")
    assert result.code == 3
    assert "Traceback" in result.stderr
    assert result.stderr.rstrip().endswith("svcstats.toml)")


def test_version_and_catalogue(cli) -> None:
    assert cli("--version").stdout.startswith("svcstats ")
    listing = cli("reports").stdout
    for name in REPORTS:
        assert name in listing
    about = cli("about", "ticket-time-to-close").stdout
    assert "closed_at - created_at" in about and "open_tickets" in about and "--date-by" in about


def test_every_command_has_help_and_is_in_the_readme(cli) -> None:
    readme = (ROOT / "README.md").read_text()
    commands = [
        ["reports"],
        ["about"],
        ["demo"],
        ["run"],
        ["saved"],
        ["dashboard"],
        ["export"],
        ["data", "check"],
        ["data", "convert"],
        ["pull", "hubspot"],
        *(["report", name] for name in REPORTS),
    ]
    for command in commands:
        result = cli(*command, "--help")
        assert result.code == 0, command
        assert "Example" in result.stdout, command
        assert f"svcstats {' '.join(command)}" in readme, f"README does not show svcstats {' '.join(command)}"


def test_help_does_not_import_polars() -> None:
    code = (
        "import sys; from svcstats.cli import main\n"
        "try:\n    main(['report', 'ticket-time-to-close', '--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'polars' not in sys.modules, 'polars imported'\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env={**os.environ, "COLUMNS": "100"})
    assert completed.returncode == 0, completed.stderr


def test_module_entry_point(data: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "svcstats", "report", "support-volume", "--data", str(data), "--totals", "-q"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines() == ["tickets,closed_tickets,open_tickets", "4,3,1"]


def test_app_is_typer() -> None:
    assert app.info.name == "svcstats"


def test_help_paragraphs_wrap_to_the_terminal_not_to_the_source(cli, monkeypatch) -> None:
    from svcstats.commands.app import reflowed

    assert reflowed("First.\n\n    Two lines\n    of one paragraph.\n\n    - a list\n    - kept\n") == (
        "First.\n\nTwo lines of one paragraph.\n\n- a list\n- kept"
    )
    monkeypatch.setenv("COLUMNS", "200")
    text = cli("pull", "hubspot", "--help").stdout
    # the docstring breaks after "a private app's"; the help joins the paragraph and wraps it at 200 columns
    assert "(a private app's access token; never from the command line)" in text
