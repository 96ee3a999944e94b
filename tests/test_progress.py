"""Progress shows on stderr only when stderr is a terminal."""

from __future__ import annotations

import io
import sys

import pytest

from svcstats.progress import tracked, working


class Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_nothing_when_stderr_is_not_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    with working("computing"):
        assert list(tracked(range(3), "exporting", 3)) == [0, 1, 2]
    assert capsys.readouterr().err == ""


def test_a_bar_and_a_spinner_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with working("computing support-volume"):
        pass
    assert list(tracked(["a", "b"], "exporting", 2)) == ["a", "b"]
    shown = terminal.getvalue()
    assert "exporting" in shown and "2/2" in shown
    assert "computing support-volume" in shown


def test_a_report_shows_its_phases_and_the_time_elapsed(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    from svcstats import env
    from svcstats.cli import main

    examples = Path(__file__).resolve().parent.parent / "examples" / "data"
    terminal = Terminal()
    told: list[str] = []
    import svcstats.runner

    original = svcstats.runner.compute
    monkeypatch.setattr(svcstats.runner, "compute", lambda query, phase: original(query, lambda name: (told.append(name), phase(name))))
    with env.use(env.Environment(stderr_isatty=True, stderr=terminal)), pytest.raises(SystemExit) as exited:
        main(["report", "support-volume", "--data", str(examples), "-o", str(tmp_path / "x.csv")])
    assert exited.value.code == 0
    assert told == ["loading", "computing"]  # the runner's phases, in order
    shown = terminal.getvalue()
    for phase in ("support-volume · loading", "support-volume · computing", "support-volume · writing"):
        assert phase in shown, shown
    assert "0:00:0" in shown  # the time elapsed beside it
