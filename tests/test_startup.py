"""Start-up behaviour: a report builds only its own command, and leaves heavy modules unloaded
when it does not need them (speed itself is measured by bench/duckdb_compare.py, not here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from svcstats.catalog import REPORTS
from svcstats.commands.report import report_app
from tests.conftest import SMALL_HEADER, SMALL_TICKETS, write_csv


def test_a_report_run_leaves_every_report_command_registered(cli, tmp_path: Path) -> None:
    # `svcstats report support-volume` builds only that command; afterwards (saved reports,
    # dashboards, a second call in the same process) every report is there again
    data = tmp_path / "data"
    write_csv(data / "tickets.csv", SMALL_HEADER, SMALL_TICKETS)
    result = cli("report", "support-volume", "--data", data, "--totals", "-f", "csv")
    assert result.code == 0, result.stderr
    # 4 tickets: 1, 2 and 4 have a close date in the past (closed), 3 has none (open)
    assert result.stdout.splitlines() == ["tickets,closed_tickets,open_tickets", "4,3,1"]
    assert sorted(c.name for c in report_app.registered_commands) == sorted(REPORTS)
    again = cli("report", "ticket-time-to-close", "--data", data, "--totals", "-f", "csv")
    assert again.code == 0, again.stderr
    # closed tickets 1, 2, 4: 12 h, 48 h, 24 h -> 3 tickets, mean (12 + 48 + 24) / 3 = 28 h
    header, row = again.stdout.splitlines()
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["closed_tickets"] == "3"
    assert float(values["mean_hours"]) == 28.0


def test_report_help_still_lists_every_report(cli) -> None:
    result = cli("report", "--help")
    assert result.code == 0
    assert all(name in result.stdout for name in REPORTS)


def test_an_unknown_report_is_still_a_usage_error(cli) -> None:
    result = cli("report", "no-such-report")
    assert result.code == 2
    assert "unknown report 'no-such-report'" in result.stderr


def test_calendar_hours_report_does_not_import_numpy(tmp_path: Path) -> None:
    # NumPy serves business hours only; a calendar-hours report must not pay for its import
    data = tmp_path / "data"
    write_csv(data / "tickets.csv", SMALL_HEADER, SMALL_TICKETS)
    script = (
        "import sys\n"
        "from svcstats.cli import main\n"
        "try:\n"
        f"    main(['report', 'ticket-time-to-close', '--data', {str(data)!r}, '-f', 'csv'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('numpy' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "False", done.stderr
