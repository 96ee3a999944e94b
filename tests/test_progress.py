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
