"""The README's examples are real: each `$ svcstats ...` block is run and its shown lines must appear."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def examples() -> list[tuple[str, list[str]]]:
    """(command, shown output lines) for every example that shows output; "..." lines elide."""
    found = []
    for block in re.findall(r"^ *```\w*\n(.*?)^ *```$", README, flags=re.DOTALL | re.MULTILINE):
        lines = block.splitlines()
        commands = [i for i, line in enumerate(lines) if line.strip().startswith("$ svcstats ")]
        for n, start in enumerate(commands):
            end = commands[n + 1] if n + 1 < len(commands) else len(lines)
            shown = [line.strip() for line in lines[start + 1 : end] if line.strip() and line.strip() != "..."]
            found.append((lines[start].strip()[2:], shown))
    return found


@pytest.mark.parametrize(("command", "shown"), examples(), ids=lambda value: value if isinstance(value, str) else "")
def test_readme_example(command: str, shown: list[str], cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    table = args[0] == "report" and "--format" not in args and "--share" not in args  # the README shows what a terminal shows
    result = cli(*args, *(["--format", "table"] if table else []))
    assert result.code == 0, result.stderr
    produced = {line.strip() for line in (result.stdout + result.stderr).splitlines()}
    missing = [line for line in shown if line not in produced]
    assert not missing, f"README shows lines the command does not print: {missing}"
