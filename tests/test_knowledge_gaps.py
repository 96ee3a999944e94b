"""knowledge-gaps: topics (from the export, or grouped offline), drill-down, dismiss, undismiss,
short answers, and a state file that survives restarts and interrupted writes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from svcstats.gaps.state import GapState
from svcstats.gaps.topics import group_questions
from tests.conftest import write_csv

HEADER = ["question_id", "asked_at", "question", "conversation_id", "ticket_id", "topic"]
# Refunds: 3 questions in 2 conversations (C1 asked twice); exports: 2 in 2; login: 1.
QUESTIONS = [
    ["Q1", "2026-03-02T10:00:00Z", "Can I get a refund?", "C1", "T1", "Refunds"],
    ["Q2", "2026-03-02T10:05:00Z", "refund please", "C1", "T1", "Refunds"],
    ["Q3", "2026-03-05T09:00:00Z", "money back for annual plan", "C2", None, "Refunds"],
    ["Q4", "2026-03-03T08:00:00Z", "export to excel", "C3", None, "Exports"],
    ["Q5", "2026-03-06T08:00:00Z", "download a spreadsheet", "C4", "T4", "Exports"],
    ["Q6", "2026-03-04T08:00:00Z", "I cannot log in", "C5", None, "Login"],
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    write_csv(folder / "knowledge_gaps.csv", HEADER, QUESTIONS)
    return folder


def listing(cli, data: Path, *extra: str) -> list[dict[str, object]]:
    result = cli("knowledge-gaps", "list", "--data", data, "--format", "json", *extra)
    assert result.code == 0, result.stderr
    return json.loads(result.stdout)


def test_list_counts_conversations_and_sorts_by_them(cli, data: Path) -> None:
    topics = listing(cli, data)
    assert [(t["topic"], t["conversations"], t["questions"], t["last_asked_at"]) for t in topics] == [
        ("Exports", 2, 2, "2026-03-06T08:00:00+00:00"),  # a tie on conversations: the latest question first
        ("Refunds", 2, 3, "2026-03-05T09:00:00+00:00"),  # C1 asked twice: counted once
        ("Login", 1, 1, "2026-03-04T08:00:00+00:00"),
    ]
    assert (data / "svcstats-state.sqlite").exists() is False  # reading creates no state


def test_show_drills_down_to_each_question(cli, data: Path) -> None:
    result = cli("knowledge-gaps", "show", "refunds", "--data", data, "--format", "csv")
    assert result.code == 0, result.stderr
    frame = pl.read_csv(result.stdout.encode(), infer_schema=False)
    assert frame["question_id"].to_list() == ["Q3", "Q2", "Q1"]  # newest first
    assert frame["ticket_id"].to_list() == [None, "T1", "T1"]
    missing = cli("knowledge-gaps", "show", "billing", "--data", data)
    assert missing.code == 2 and "no knowledge-gap topic 'billing'" in missing.stderr


def test_dismiss_hides_questions_and_later_ones_come_back_noted(cli, data: Path) -> None:
    assert cli("knowledge-gaps", "dismiss", "Exports", "--data", data).code == 0
    assert [t["topic"] for t in listing(cli, data)] == ["Refunds", "Login"]
    assert cli("knowledge-gaps", "dismiss", "Refunds", "--question", "Q3", "--data", data).code == 0
    refunds = next(t for t in listing(cli, data) if t["topic"] == "Refunds")
    assert (refunds["topic"], refunds["conversations"], refunds["questions"], refunds["dismissed_questions"]) == ("Refunds", 1, 2, 1)
    # a new export question arrives: Exports shows up again with its earlier dismissal noted
    write_csv(data / "knowledge_gaps.csv", HEADER, [*QUESTIONS, ["Q7", "2026-03-09T08:00:00Z", "xlsx export", "C9", None, "Exports"]])
    exports = next(t for t in listing(cli, data) if t["topic"] == "Exports")
    assert (exports["questions"], exports["dismissed_questions"]) == (1, 2)
    assert exports["last_dismissed_at"] is not None
    assert cli("knowledge-gaps", "undismiss", "Exports", "--data", data).code == 0
    assert next(t for t in listing(cli, data) if t["topic"] == "Exports")["questions"] == 3


def test_answers_count_questions_asked_after_them_and_export(cli, data: Path, tmp_path: Path) -> None:
    answered = cli(
        "knowledge-gaps", "answer", "Refunds", "--answer", "Annual plans are refunded pro rata.",
        "--question", "How do refunds work?", "--at", "2026-03-03T00:00:00", "--data", data,
    )  # fmt: skip
    assert answered.code == 0, answered.stderr
    topics = {t["topic"]: t for t in listing(cli, data)}
    refunds = topics["Refunds"]
    assert refunds["answered_at"] == "2026-03-03T00:00:00+00:00"
    assert refunds["asked_after_answer"] == 1  # Q3 (03-05); Q1 and Q2 came before
    assert topics["Exports"]["asked_after_answer"] is None  # no answer for Exports
    out = tmp_path / "answers.json"
    assert cli("knowledge-gaps", "answers", "--data", data, "--output", out).code == 0
    assert json.loads(out.read_text()) == [
        {
            "answer_id": 1,
            "topic": "Refunds",
            "question": "How do refunds work?",
            "answer": "Annual plans are refunded pro rata.",
            "written_at": "2026-03-03T00:00:00+00:00",
        }
    ]


def test_state_path_from_the_config(cli, data: Path, tmp_path: Path) -> None:
    config = tmp_path / "conf" / "svcstats.toml"
    config.parent.mkdir()
    config.write_text(f'data = "{data}"\n[agent]\nstate = "gaps.sqlite"\n')
    assert cli("knowledge-gaps", "dismiss", "Login", "--config", config).code == 0
    assert (tmp_path / "conf" / "gaps.sqlite").exists()
    assert [t["topic"] for t in listing(cli, data, "--config", config)] == ["Exports", "Refunds"]


def test_state_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    at = datetime(2026, 3, 1, tzinfo=UTC)
    GapState(path).dismiss([("Q1", "Refunds", "Can I get a refund?")], at)
    GapState(path).add_answer("Refunds", "Refund?", "Yes.", at, ["Q1", "Q2"])
    reopened = GapState(path)
    assert list(reopened.dismissals()) == ["Q1"]
    assert [(a.topic, a.answer, a.question_keys) for a in reopened.answers()] == [("Refunds", "Yes.", frozenset({"Q1", "Q2"}))]
    assert reopened.undismiss(["Q1"]) == 1
    assert GapState(path).dismissals() == {}


def test_an_error_inside_a_write_leaves_the_previous_state(tmp_path: Path) -> None:
    state = GapState(tmp_path / "state.sqlite")
    state.dismiss([("Q1", "Refunds", "q")], datetime(2026, 3, 1, tzinfo=UTC))

    def interrupted_write() -> None:
        with state.transaction() as db:
            db.execute("DELETE FROM dismissals")
            db.execute("INSERT INTO dismissals VALUES ('Q2', 'x', 'y', '2026-03-02T00:00:00+00:00')")
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        interrupted_write()
    assert list(GapState(tmp_path / "state.sqlite").dismissals()) == ["Q1"]


def test_a_killed_writer_leaves_the_previous_state(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    GapState(path).dismiss([("Q1", "Refunds", "q")], datetime(2026, 3, 1, tzinfo=UTC))
    writer = textwrap.dedent(
        f"""
        import sys, time
        from pathlib import Path
        from svcstats.gaps.state import GapState
        with GapState(Path({str(path)!r})).transaction() as db:
            db.execute("PRAGMA cache_size = 1")  # spill changed pages to the file: a hot journal after the kill
            db.execute("DELETE FROM dismissals")
            db.executemany("INSERT INTO dismissals VALUES (?, 't', 'q', '2026-03-02T00:00:00+00:00')", [(f"K{{i}}",) for i in range(5000)])
            print("written", flush=True)
            time.sleep(60)
        """
    )
    with subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None and process.stdout.readline().strip() == "written"
            assert Path(f"{path}-journal").stat().st_size > 0  # the changes reached the file
            os.kill(process.pid, signal.SIGKILL)  # mid-transaction: 5,000 rows written, not committed
        finally:
            process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert Path(f"{path}-journal").exists()  # a hot journal: the next open must roll it back
    assert list(GapState(path).dismissals()) == ["Q1"]
    assert GapState(path).dismiss([("Q2", "Refunds", "q")], datetime(2026, 3, 2, tzinfo=UTC)) == 1  # writable again


def test_a_locked_state_file_is_an_output_error_to_retry(cli, data: Path, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "state.sqlite"
    GapState(path).dismiss([("Q1", "Refunds", "q")], datetime(2026, 3, 1, tzinfo=UTC))
    monkeypatch.setattr("svcstats.gaps.state.BUSY_SECONDS", 0.05)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # another process writing: neither reads nor writes get through
        for command in (("list",), ("dismiss", "Login")):
            result = cli("knowledge-gaps", *command, "--data", data, "--state", path)
            assert result.code == 4, result.stderr
            assert "is busy" in result.stderr and "retry" in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1
    finally:
        holder.close()


def test_a_file_that_is_not_a_state_file_is_a_data_error(cli, data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_text("not a database at all, just some text that is long enough" * 20)
    result = cli("knowledge-gaps", "list", "--data", data, "--state", bad)
    assert result.code == 3
    assert "is not a readable knowledge-gaps state file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_grouping_keeps_paraphrases_together_and_unrelated_questions_apart() -> None:
    questions = [
        "How do I reset my password?",
        "forgot password",
        "I can't remember my pasword, help",
        "How can I export my data to Excel?",
        "export to xlsx",
        "exporting to exel?",
        "Does it integrate with Slack?",
        "slack integration setup",
    ]
    topics = group_questions(questions)
    assert topics[0] == topics[1] == topics[2]
    assert topics[3] == topics[4] == topics[5]
    assert topics[6] == topics[7]
    assert len({topics[0], topics[3], topics[6]}) == 3
    assert group_questions(questions) == topics  # deterministic


def test_list_groups_questions_without_a_topic_column(cli, tmp_path: Path) -> None:
    rows = [[f"Q{i}", f"2026-03-0{i}T10:00:00Z", text, f"C{i}", None] for i, text in enumerate(
        ["forgot password", "How do I reset my password?", "slack integration setup", "reset password"], start=1
    )]  # fmt: skip
    write_csv(tmp_path / "knowledge_gaps.csv", HEADER[:5], rows)
    topics = listing(cli, tmp_path)
    assert [(t["conversations"], t["questions"]) for t in topics] == [(3, 3), (1, 1)]
    assert topics[1]["topic"] == "slack integration setup"


def test_rows_with_an_empty_topic_are_grouped_offline(cli, data: Path) -> None:
    # Q7, Q8 (topic empty) are paraphrases: one topic, named after the shorter text (each asked once);
    # Q9 (topic missing) is unrelated: its own topic. None lands in "(no topic)".
    extra = [
        ["Q7", "2026-03-07T08:00:00Z", "forgot password", "C7", None, ""],
        ["Q8", "2026-03-08T08:00:00Z", "reset my password", "C8", None, "  "],
        ["Q9", "2026-03-09T08:00:00Z", "slack integration setup", "C9", None, None],
    ]
    write_csv(data / "knowledge_gaps.csv", HEADER, [*QUESTIONS, *extra])
    topics = {t["topic"]: (t["conversations"], t["questions"]) for t in listing(cli, data)}
    assert topics == {"Exports": (2, 2), "Refunds": (2, 3), "Login": (1, 1), "forgot password": (2, 2), "slack integration setup": (1, 1)}


def test_grouping_normalises_each_distinct_question_once(data: Path, monkeypatch) -> None:
    from svcstats.config import Config
    from svcstats.gaps import topics
    from svcstats.gaps.listing import load_questions
    from svcstats.loaders.dataset import Dataset

    texts = ["forgot password", "reset my password", "slack integration setup"]
    rows = [[f"Q{i}", "2026-03-02T10:00:00Z", texts[i % 3], f"C{i}", None] for i in range(300)]
    write_csv(data / "knowledge_gaps.csv", HEADER[:5], rows)
    seen: list[str] = []
    normalise = topics.normalise
    monkeypatch.setattr(topics, "normalise", lambda q: seen.append(q) or normalise(q))
    questions, _ = load_questions(Dataset(data, Config()))
    assert sorted(seen) == sorted(texts)  # 3 calls for 300 rows
    counts = questions.group_by("topic").len().sort("topic").rows()
    assert counts == [("forgot password", 200), ("slack integration setup", 100)]


def test_help_is_instant_without_polars() -> None:
    code = (
        "import sys; from svcstats.cli import main\n"
        "for args in (['knowledge-gaps', '--help'], ['knowledge-gaps', 'list', '--help']):\n"
        "    try:\n        main(args)\n    except SystemExit:\n        pass\n"
        "print('polars' in sys.modules, 'sklearn' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "False False"
    assert "Example: svcstats knowledge-gaps list" in result.stdout


def test_knowledge_gaps_as_a_report_name_points_to_its_command(cli, data: Path) -> None:
    for args in (("report", "knowledge-gaps"), ("about", "knowledge-gaps")):
        result = cli(*args)
        assert result.code == 2
        assert "run 'svcstats knowledge-gaps list'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_knowledge_gaps_options_are_the_shared_ones() -> None:
    from typing import get_type_hints

    from svcstats.commands.gaps import list_topics
    from svcstats.commands.options import COMMON_OPTIONS as shared

    declared = get_type_hints(list_topics, include_extras=True)
    Data, ConfigFile, Output = declared["data"], declared["config"], declared["output"]
    assert (Data, ConfigFile, Output) == (shared["data"], shared["config"], shared["output"])


def test_the_data_options_are_read_as_the_report_commands_read_them(cli, data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import svcstats.settings

    opened = []
    real = svcstats.settings.open_dataset
    monkeypatch.setattr(svcstats.settings, "open_dataset", lambda settings, **kw: opened.append(settings) or real(settings, **kw))
    config = data.parent / "svcstats.toml"
    config.write_text('source_format = "hubspot"\nsource_tz = "America/New_York"\n')
    assert cli("knowledge-gaps", "list", "--data", data, "--config", config, "--format", "csv").code == 0
    assert (opened[-1].source_format, opened[-1].source_tz) == ("hubspot", "America/New_York")  # the config's
    args = ["--source-format", "generic", "--source-tz", "Europe/Oslo", "--format", "csv"]
    assert cli("knowledge-gaps", "list", "--data", data, "--config", config, *args).code == 0
    assert (opened[-1].source_format, opened[-1].source_tz) == ("generic", "Europe/Oslo")  # the options win
    bad = cli("knowledge-gaps", "list", "--data", data, "--source-tz", "Mars/Olympus")
    assert bad.code == 2 and bad.stderr.startswith("svcstats: error: unknown time zone 'Mars/Olympus'")
