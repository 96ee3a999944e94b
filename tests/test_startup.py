"""Start-up behaviour: a report builds only its own command, and leaves heavy modules unloaded
when it does not need them (speed itself is measured by bench/duckdb_compare.py, not here)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize("extra", [[], ["--verbose"]])
def test_a_report_run_imports_only_what_it_needs(tmp_path: Path, extra: list[str]) -> None:
    # NumPy serves business hours only, pydantic reads a config file, Typer and Rich serve --help
    # and terminal tables: a calendar-hours report to csv without a config file imports none of them
    data = tmp_path / "data"
    write_csv(data / "tickets.csv", SMALL_HEADER, SMALL_TICKETS)
    script = (
        "import sys\n"
        "from svcstats.cli import main\n"
        "try:\n"
        f"    main(['report', 'ticket-time-to-close', '--data', {str(data)!r}, '-f', 'csv', *{extra!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('numpy', 'pydantic', 'typer', 'rich') if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


@pytest.mark.parametrize(("args", "made"), [(["--help"], 1), (["report", "csat", "--help"], 1), (["report", "--help"], len(REPORTS))])
def test_only_the_report_commands_a_command_line_reaches_are_made(args: list[str], made: int) -> None:
    # `svcstats --help` lists the command groups: no report's forty options are made for it
    # (the group needs one command); `svcstats report --help` lists every report
    script = (
        "import sys\n"
        "from svcstats.cli import main\n"
        "from svcstats.commands import report\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print(sum(c.callback is not report.unmade for c in report.report_app.registered_commands), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == str(made), done.stderr


def test_a_config_file_is_still_checked_by_pydantic(cli, tmp_path: Path) -> None:
    # the sections are plain dataclasses; a file's values are typed and checked when it is read
    data = tmp_path / "data"
    write_csv(data / "tickets.csv", SMALL_HEADER, SMALL_TICKETS)
    config = tmp_path / "svcstats.toml"
    for text, problem in [
        ("[sla]\nclose_hours = -1\n", "sla.close_hours: Input should be greater than 0"),
        ("[sla]\nclose_hours = 'soon'\n", "sla.close_hours: Input should be a valid number"),
        ("[agent]\npending_after_hours = inf\n", "agent.pending_after_hours: Input should be a finite number"),
        ("[business_hours]\nmon = '9-5'\n", "business_hours.mon: mon = '9-5': write hours as HH:MM-HH:MM"),
        ("[sla.team.X]\nclose_hour = 3\n", "unknown key 'sla.team.X.close_hour'"),
        ("[sla]\nhours = 'calendar'\nschedule = 'EU'\n", "sla.schedule: schedule = 'EU' counts working time"),
    ]:
        config.write_text(text)
        result = cli("report", "support-volume", "--data", data, "--config", config)
        assert result.code == 2 and problem in result.stderr, (text, result.stderr)
    config.write_text("[sla]\nclose_hours = 48\n[sla.team.X]\nfirst_reply_hours = 2\n[agent]\npending_after_hours = 24\n")
    assert cli("report", "support-volume", "--data", data, "--config", config).code == 0


HELP_RUN = (
    "import contextlib, io, sys\n"
    "from svcstats.cli import main\n"
    "shown = io.StringIO()\n"
    "try:\n"
    "    with contextlib.redirect_stdout(shown):\n"
    "        main(['report', 'csat', '--help'])\n"
    "except SystemExit as exc:\n"
    "    assert not exc.code, exc.code\n"
    "print(shown.getvalue())\n"
    "print(sorted(m for m in ('rich.markdown', 'rich.traceback') if m in sys.modules), file=sys.stderr)\n"
)


def test_help_leaves_the_rich_modules_it_does_not_use_unloaded() -> None:
    # typer.rich_utils imports rich.markdown and rich.traceback for a markup mode and pretty
    # exceptions this app does not use; --help prints the same text without importing them
    plain = subprocess.run([sys.executable, "-c", HELP_RUN], capture_output=True, text=True, check=True)
    assert plain.stderr.strip().splitlines()[-1] == "[]", plain.stderr
    eager = "import typer.rich_utils\n" + HELP_RUN  # imported the ordinary way first: the real modules
    usual = subprocess.run([sys.executable, "-c", eager], capture_output=True, text=True, check=True)
    assert usual.stderr.strip().splitlines()[-1] == "['rich.markdown', 'rich.traceback']", usual.stderr
    assert "--frequency" in plain.stdout
    assert plain.stdout == usual.stdout


def test_the_stand_ins_of_the_help_formatter_are_the_real_classes_when_used() -> None:
    # the classes typer.rich_utils holds load their module when first used: markdown markup
    # renders, a pretty traceback is made, and a later import gets the real modules
    script = (
        "import sys\n"
        "from svcstats.commands.lighter_help import import_help_formatter\n"
        "import_help_formatter()\n"
        "from typer import rich_utils\n"
        "assert 'rich.markdown' not in sys.modules and 'rich.traceback' not in sys.modules\n"
        "text = rich_utils._make_rich_text(text='**bold** words', markup_mode='markdown')\n"
        "import rich.markdown, rich.traceback\n"
        "assert type(text) is rich.markdown.Markdown, type(text)\n"
        "assert rich_utils.Markdown.real() is rich.markdown.Markdown\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError as exc:\n"
        "    made = rich_utils.Traceback.from_exception(type(exc), exc, exc.__traceback__)\n"
        "assert type(made) is rich.traceback.Traceback, type(made)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize(
    ("preset", "ending"),
    [
        (None, "dirty_decay_ms:100,muzzy_decay_ms:0"),
        ("dirty_decay_ms:500,muzzy_decay_ms:1000", "dirty_decay_ms:100,muzzy_decay_ms:0"),  # a parent that imported Polars
        ("narenas:2", "narenas:2"),
        ("dirty_decay_ms:500,muzzy_decay_ms:1000,narenas:2", "narenas:2"),  # the user's, under such a parent
    ],
)
def test_the_allocator_settings_reach_polars_unless_the_user_set_their_own(tmp_path: Path, preset: str | None, ending: str) -> None:
    # jemalloc reads _RJEM_MALLOC_CONF when Polars loads: svcstats sets it before importing Polars
    # (Polars puts its own defaults first; the last value of an option wins), a user's own is kept;
    # Polars' defaults alone were written by a parent process that imported Polars, not by the user
    import os

    data = tmp_path / "data"
    write_csv(data / "tickets.csv", SMALL_HEADER, SMALL_TICKETS)
    script = (
        "import os, sys\n"
        "assert 'polars' not in sys.modules\n"
        "from svcstats.cli import main\n"
        "try:\n"
        f"    main(['report', 'support-volume', '--data', {str(data)!r}, '-f', 'csv'])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "assert 'polars' in sys.modules\n"
        "print(os.environ['_RJEM_MALLOC_CONF'], file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if preset is not None:
        env["_RJEM_MALLOC_CONF"] = preset
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env)
    settings = done.stderr.strip().splitlines()[-1]
    assert settings.endswith(ending), settings
    assert ("dirty_decay_ms:100" in settings) == ending.startswith("dirty_decay_ms:100"), settings
