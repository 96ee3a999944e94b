"""`svcstats knowledge-gaps`: list topics of questions the agent could not answer, drill down,
dismiss, undismiss and write short answers. Polars is imported only inside the commands, so
`--help` stays instant."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from svcstats import env
from svcstats.commands.errors import HELP_FLAGS, reported_errors, say
from svcstats.commands.options import STATE_NAME, ConfigFile, DataDir, Debug, Output, SourceFormatOption, SourceTz, State, TableFormatOption

if TYPE_CHECKING:
    import polars as pl

    from svcstats.gaps.state import GapState

gaps_app = typer.Typer(
    help="Topics of questions the customer agent could not answer; dismiss them or write short answers.",
    no_args_is_help=True,
    context_settings={"help_option_names": list(HELP_FLAGS)},
)
Topic = Annotated[str, typer.Argument(metavar="TOPIC", help="Topic name as listed (case-insensitive; a unique part of it will do).")]
Questions = Annotated[list[str], typer.Option("--question", metavar="ID", help="Only this question (its question_id); repeatable.")]


class _Session:
    """The questions with their topics and dismissals, and the state file, for one command."""

    def __init__(
        self, data: Path | None, config_file: Path | None, source_format: str | None, source_tz: str | None, state: Path | None
    ) -> None:
        from svcstats.gaps.state import GapState
        from svcstats.settings import data_settings, open_dataset

        settings = data_settings(data, config_file, source_format, source_tz)
        self.state: GapState = GapState(state_path(state, settings.config.agent.state, settings.config_path, settings.data))
        self.dataset = open_dataset(settings)

    def questions(self) -> pl.DataFrame:
        """Questions with topic and dismissed_at; findings printed on stderr."""
        from svcstats.gaps.listing import load_questions, with_state

        questions, findings = load_questions(self.dataset)
        for finding in findings:
            say(finding.message())
        return with_state(questions, self.state)


def state_path(given: Path | None, configured: Path | None, config_path: Path | None, data: Path) -> Path:
    """--state, else the config's agent.state, else the default name beside the config file
    (or, without one, in the data folder)."""
    if given is not None:
        return given
    if configured is not None:
        return configured
    return (config_path.parent if config_path is not None else Path(data)) / STATE_NAME


def _render(frame: pl.DataFrame, fmt: str | None, output: Path | None, title: str) -> None:
    from svcstats.output.formats import check_destination, choose_format
    from svcstats.output.render import render

    chosen = choose_format(fmt, output, env.current().out_is_terminal())
    check_destination(chosen, output)
    render(frame, chosen, output, title=title)


@gaps_app.command("list")
def list_topics(
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    state: State = None,
    include_dismissed: Annotated[
        bool, typer.Option("--include-dismissed", metavar="", help="Also list topics whose questions are all dismissed.")
    ] = False,
    fmt: TableFormatOption = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """List the topics of unanswered questions, by number of conversations.

    Example: svcstats knowledge-gaps list --data examples/data
    """
    with reported_errors(debug):
        from svcstats.gaps.listing import topic_list

        session = _Session(data, config, source_format, source_tz, state)
        topics = topic_list(session.questions(), session.state.answers(), include_dismissed)
        _render(topics, fmt, output, "Knowledge gaps")


@gaps_app.command("show")
def show(
    topic: Topic,
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    state: State = None,
    fmt: TableFormatOption = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """Show each question of one topic: its text, conversation and ticket, date, dismissal.

    Example: svcstats knowledge-gaps show "Can I get a refund" --data examples/data
    """
    with reported_errors(debug):
        from svcstats.gaps.listing import find_topic, topic_questions

        questions = _Session(data, config, source_format, source_tz, state).questions()
        name = find_topic(questions, topic)
        _render(topic_questions(questions, name), fmt, output, f"Knowledge gap · {name}")


def _chosen(questions: pl.DataFrame, topic: str, ids: list[str]) -> tuple[str, pl.DataFrame]:
    """The topic and its questions, only those with the given ids when there are any."""
    import polars as pl

    from svcstats.errors import UsageError
    from svcstats.gaps.listing import find_topic

    name = find_topic(questions, topic)
    chosen = questions.filter(pl.col("topic") == name)
    if ids:
        unknown = sorted(set(ids) - set(chosen["question_id"].drop_nulls().to_list()) - set(chosen["question_key"].to_list()))
        if unknown:
            raise UsageError(f"topic {name!r} has no question {unknown[0]!r}", f"see: svcstats knowledge-gaps show {name!r}")
        chosen = chosen.filter(pl.col("question_id").is_in(ids) | pl.col("question_key").is_in(ids))
    return name, chosen


@gaps_app.command("dismiss")
def dismiss(
    topic: Topic,
    question: Questions = [],  # noqa: B006  (Typer reads the default)
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    state: State = None,
    debug: Debug = False,
) -> None:
    """Dismiss a topic (its questions so far) or single questions; later questions show up again.

    Example: svcstats knowledge-gaps dismiss "refund" --data examples/data --question 6100000012
    """
    with reported_errors(debug):
        import polars as pl

        from svcstats.gaps.listing import now

        session = _Session(data, config, source_format, source_tz, state)
        name, chosen = _chosen(session.questions(), topic, question)
        items = chosen.filter(pl.col("dismissed_at").is_null()).select("question_key", "topic", "question").rows()
        added = session.state.dismiss(items, now())
        say(f"dismissed {added} question{'s' * (added != 1)} of {name!r} (state: {session.state.path})")


@gaps_app.command("undismiss")
def undismiss(
    topic: Topic,
    question: Questions = [],  # noqa: B006
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    state: State = None,
    debug: Debug = False,
) -> None:
    """Bring dismissed questions of a topic (or single ones) back into the list.

    Example: svcstats knowledge-gaps undismiss "refund" --data examples/data
    """
    with reported_errors(debug):
        session = _Session(data, config, source_format, source_tz, state)
        name, chosen = _chosen(session.questions(), topic, question)
        removed = session.state.undismiss(chosen.filter(chosen["dismissed_at"].is_not_null())["question_key"].to_list())
        say(f"brought back {removed} question{'s' * (removed != 1)} of {name!r} (state: {session.state.path})")


@gaps_app.command("answer")
def answer(
    topic: Topic,
    text: Annotated[str, typer.Option("--answer", metavar="TEXT", help="The short answer.")],
    question: Annotated[
        str | None, typer.Option("--question", metavar="TEXT", help="The question as it should read (default: the topic).")
    ] = None,
    at: Annotated[
        datetime | None, typer.Option("--at", metavar="TIME", help="When the answer was written, UTC ISO time (default: now).")
    ] = None,
    data: DataDir = None,
    config: ConfigFile = None,
    source_format: SourceFormatOption = None,
    source_tz: SourceTz = None,
    state: State = None,
    debug: Debug = False,
) -> None:
    """Write a short answer (question + answer) for a topic; the list then counts the questions asked after it.

    Example: svcstats knowledge-gaps answer "refund" --answer "Annual plans are refunded pro rata." --data examples/data
    """
    with reported_errors(debug):
        from svcstats.errors import UsageError
        from svcstats.gaps.listing import now

        if not text.strip():
            raise UsageError("--answer is empty", "write the answer text")
        session = _Session(data, config, source_format, source_tz, state)
        name, chosen = _chosen(session.questions(), topic, [])
        written = now() if at is None else (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC))
        number = session.state.add_answer(name, (question or name).strip(), text.strip(), written, chosen["question_key"].to_list())
        say(f"answer {number} stored for {name!r} (state: {session.state.path})")


@gaps_app.command("answers")
def answers(
    data: DataDir = None,
    config: ConfigFile = None,
    state: State = None,
    fmt: TableFormatOption = None,
    output: Output = None,
    debug: Debug = False,
) -> None:
    """List or export the short answers (csv/json) to load them into the help desk.

    Example: svcstats knowledge-gaps answers --data examples/data --format json --output answers.json
    """
    with reported_errors(debug):
        import polars as pl

        from svcstats.config import load_config
        from svcstats.errors import UsageError
        from svcstats.gaps.state import GapState

        settings, config_path = load_config(config)
        data_dir = data or settings.data
        if state is None and settings.agent.state is None and data_dir is None:
            raise UsageError("no state file given", "pass --state FILE or --data DIR")
        stored = GapState(state_path(state, settings.agent.state, config_path, Path(data_dir or "."))).answers()
        frame = pl.DataFrame(
            {
                "answer_id": [a.answer_id for a in stored],
                "topic": [a.topic for a in stored],
                "question": [a.question for a in stored],
                "answer": [a.answer for a in stored],
                "written_at": [a.written_at for a in stored],
            },
            schema={
                "answer_id": pl.Int64,
                "topic": pl.String,
                "question": pl.String,
                "answer": pl.String,
                "written_at": pl.Datetime("us", "UTC"),
            },
        )
        _render(frame, fmt, output, "Short answers")
