"""Which reports a folder can run: `svcstats reports --data DIR` marks the others with what they need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[1]


def tickets_only(folder: Path) -> Path:
    write_csv(folder / "tickets.csv", ["ticket_id", "created_at", "closed_at"], [["1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"]])
    return folder


def line_of(stdout: str, report: str) -> str:
    return next(line for line in stdout.splitlines() if line.split()[:1] == [report])


def test_reports_marks_what_a_folder_cannot_run(cli, tmp_path: Path) -> None:
    result = cli("reports", "--data", tickets_only(tmp_path))
    assert result.code == 0, result.stderr
    assert line_of(result.stdout, "ticket-time-to-close").endswith("mean, median, p90.")  # closed_at is there
    assert line_of(result.stdout, "support-volume").endswith("per rep or team.")
    assert line_of(result.stdout, "customer-wait-time").endswith("[cannot run: needs the messages table]")
    assert line_of(result.stdout, "csat").endswith("[cannot run: needs the csat table]")
    assert line_of(result.stdout, "ticket-time-to-first-response").endswith(
        "[cannot run: needs the messages table or tickets.first_response_at or tickets.first_email_reply_seconds]"
    )


def test_reports_reads_the_default_data_folder(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVCSTATS_DATA", str(tickets_only(tmp_path)))
    result = cli("reports")
    assert "[cannot run: needs the messages table]" in line_of(result.stdout, "owner-reply-count")


def test_reports_without_data_marks_nothing_and_imports_no_polars(tmp_path: Path) -> None:
    code = (
        "import sys; from svcstats.cli import main\n"
        "try:\n    main(['reports'])\nexcept SystemExit:\n    pass\n"
        "assert 'polars' not in sys.modules, 'polars imported'\n"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "SVCSTATS_DATA"}
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert completed.returncode == 0, completed.stderr
    assert "cannot run" not in completed.stdout
