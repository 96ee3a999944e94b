"""The shape of the package: the argv parser reads report options exactly as the command line
does, the command line has no import cycle and imports no Polars, the output layer does not
import the code that computes, the version has one source."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import svcstats.commands.running
from svcstats import env
from svcstats.commands.argv import ReportCall, option_args, parse_report_args
from svcstats.errors import UsageError
from svcstats.output.formats import check_destination, choose_format

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "svcstats"

ARGUMENT_LISTS = [
    [],
    ["--data", "d", "--totals", "-qv", "--group-by", "team", "-g", "rep", "--from", "2026-03-01", "--to=2026-03-31"],
    ["-d", "d", "-fcsv", "--frequency", "monthly", "--rep", "Ann", "--rep", "Bob", "--where", "priority = 'high'"],
    ["--data", "d", "--as-of", "2026-03-12", "--last", "4w", "--stat", "p95", "--stat", "max", "--hours", "business"],
    ["--data", "d", "--engine", "in-memory", "--tz", "Europe/Oslo", "--source-format", "hubspot", "--strict", "--chart"],
    ["--data", "d", "-o", "out.csv", "--save", "mine", "--share", "--debug", "-F", "daily", "--date-by", "closed"],
]
BAD_ARGUMENTS = [
    ["--frobnicate"],
    ["--bogu"],
    ["--total"],
    ["-x"],
    ["--from"],
    ["--from", "2026-13-01"],
    ["--frequency", "hourly"],
    ["-F", "hourly"],
    ["--totals=yes"],
    ["stray", "words"],
    ["--hours", "night"],
]


def parsed_by_the_command_line(cli, monkeypatch: pytest.MonkeyPatch, report: str, args: list[str]) -> ReportCall:
    """What `svcstats report REPORT ARGS` hands to run_call, captured instead of run."""
    captured: list[ReportCall] = []
    monkeypatch.setattr(svcstats.commands.running, "run_call", lambda call, **_: captured.append(call))
    result = cli("report", report, *args)
    assert result.code == 0, result.stderr
    return captured[0]


@pytest.mark.parametrize("args", ARGUMENT_LISTS)
def test_the_parser_reads_options_as_the_command_line_does(cli, monkeypatch: pytest.MonkeyPatch, args: list[str]) -> None:
    monkeypatch.delenv("SVCSTATS_DATA", raising=False)
    monkeypatch.setenv("SVCSTATS_TZ", "America/New_York")  # --tz from the environment when not given
    expected = parsed_by_the_command_line(cli, monkeypatch, "ticket-time-to-close", args)
    parsed = parse_report_args("ticket-time-to-close", args)
    assert (parsed.query, parsed.output, parsed.given) == (expected.query, expected.output, expected.given)
    assert (parsed.save, parsed.share) == (expected.save, expected.share)


def test_the_parser_reads_a_reports_own_options(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["--data", "d", "--top", "3"]
    expected = parsed_by_the_command_line(cli, monkeypatch, "owner-reply-count", args)
    parsed = parse_report_args("owner-reply-count", args)
    assert parsed.query == expected.query and parsed.query.options["top"] == "3"
    assert parsed.given == {"data": Path("d"), "top": "3"}


@pytest.mark.parametrize("args", BAD_ARGUMENTS)
def test_the_parser_refuses_what_the_command_line_refuses_in_the_same_words(cli, args: list[str]) -> None:
    result = cli("report", "support-volume", *args)
    assert result.code == 2
    said = result.stderr.removeprefix("svcstats: error: ").rsplit(" (see ", 1)[0]
    with pytest.raises(UsageError) as refused:
        parse_report_args("support-volume", args, "saved-one")
    assert refused.value.message == f"saved-one: {said}"
    assert refused.value.hint == "see svcstats report support-volume --help"


def test_stored_options_become_arguments_and_read_back() -> None:
    stored = {"data": "d", "totals": True, "quiet": False, "group-by": ["team", "rep"], "as-of": date(2026, 3, 12)}
    assert option_args(stored) == ["--data", "d", "--totals", "--group-by", "team", "--group-by", "rep", "--as-of", "2026-03-12"]
    call = parse_report_args("support-volume", option_args(stored))
    assert call.stored_options() == {"data": Path("d"), "totals": True, "group-by": ["team", "rep"], "as-of": date(2026, 3, 12)}


def module_imports(path: Path) -> set[str]:
    """The svcstats modules a file imports anywhere in it (top level or inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("svcstats"):
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("svcstats")}
    return found


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_module_imports_the_command_line_entry_and_commands_import_no_computing_at_top() -> None:
    modules = {module_name(p): module_imports(p) for p in PACKAGE.rglob("*.py")}
    importers = sorted(name for name, imported in modules.items() if "svcstats.cli" in imported)
    assert importers == ["svcstats.__main__"]  # registration is explicit: nothing imports cli back


def test_the_output_layer_does_not_import_the_code_that_computes() -> None:
    for path in (PACKAGE / "output").rglob("*.py"):
        imported = module_imports(path)
        assert not {m for m in imported if m.startswith(("svcstats.runner", "svcstats.commands", "svcstats.cli"))}, path


def test_library_modules_do_not_print() -> None:
    """Printing belongs to the command line (commands/, cli.py); the library returns findings."""
    allowed = {PACKAGE / "cli.py", PACKAGE / "progress.py"}
    for path in PACKAGE.rglob("*.py"):
        if path in allowed or "commands" in path.parts:
            continue
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "print"
        ]
        assert not calls, f"{path} prints"


def test_nothing_uses_typers_private_modules() -> None:
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "typer._" not in text, path
        assert "__signature__" not in text or path.name == "options.py", path  # options.typer_parameters alone sets one


def test_loading_every_command_imports_no_polars() -> None:
    code = (
        "import sys, pkgutil, importlib, svcstats.commands\n"
        "import svcstats.cli\n"
        "for module in pkgutil.iter_modules(svcstats.commands.__path__):\n"
        "    importlib.import_module(f'svcstats.commands.{module.name}')\n"
        "for name in ('svcstats.query', 'svcstats.settings', 'svcstats.output.formats', 'svcstats.output.files', 'svcstats.env'):\n"
        "    importlib.import_module(name)\n"
        "heavy = [m for m in ('polars', 'numpy', 'pyarrow', 'matplotlib', 'sklearn', 'pyspark') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr


def test_version_comes_from_the_package_metadata(cli) -> None:
    from importlib.metadata import version

    import svcstats

    assert svcstats.version() == svcstats.__version__ == version("svcstats")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{version("svcstats")}"' in pyproject  # the one place it is written
    for flag in ("--version", "-V"):
        result = cli(flag)
        assert (result.code, result.stdout, result.stderr) == (0, f"svcstats {version('svcstats')}\n", "")


def test_terminal_checks_ask_one_replaceable_environment(tmp_path: Path) -> None:
    with env.use(env.Environment(stdout_isatty=True)):
        assert choose_format(None, None, env.current().out_is_terminal()) == "table"
        with pytest.raises(UsageError, match="binary and stdout is a terminal"):
            check_destination("parquet", None)
    with env.use(env.Environment(stdout_isatty=False)):
        assert choose_format(None, None, env.current().out_is_terminal()) == "csv"
        check_destination("parquet", None)  # piped: fine
    assert os.environ.get("PYTEST_CURRENT_TEST")  # and the default environment is back
    assert env.current() == env.Environment()


@pytest.mark.parametrize("text", ["x", "0", "2.5"])
def test_the_parser_reads_numbers_as_typer_does(cli, tmp_path: Path, text: str) -> None:
    """Report options may be numbers: checked and worded as Typer checks `demo --tickets` (an int, at least 1)."""
    from svcstats.commands.argv import _Option, _ParseError, _typed

    result = cli("demo", "--out", tmp_path, "--tickets", text)
    said = result.stderr.removeprefix("svcstats: error: ").rsplit(" (see ", 1)[0]
    with pytest.raises(_ParseError) as refused:
        _typed(_Option("tickets", ("--tickets",), int, 2000, None, None, (1, None)), text)
    from svcstats.commands.errors import plain_words  # both reworded the same way

    assert result.code == 2 and plain_words(str(refused.value)) == said
