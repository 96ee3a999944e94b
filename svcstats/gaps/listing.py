"""Knowledge-gap questions with their topics, and the topic list with dismissals and answers applied."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from svcstats.errors import UsageError
from svcstats.findings import Finding
from svcstats.gaps.state import Answer, GapState
from svcstats.gaps.topics import group_questions
from svcstats.loaders.dataset import Dataset, Engine

TABLE = "knowledge_gaps"
NO_TOPIC = "(no topic)"


def load_questions(dataset: Dataset, engine: Engine = "streaming") -> tuple[pl.DataFrame, list[Finding]]:
    """Every unanswered question with a stable key and its topic: the export's topic column
    when it has one, else the offline grouping. Rows the loader could not read come back as
    findings."""
    frame = dataset.load(TABLE, ["question_id", "conversation_id", "ticket_id", "topic"])
    key = pl.coalesce(
        "question_id",
        pl.concat_str(
            [pl.col("conversation_id").fill_null(""), pl.col("asked_at").dt.to_string("%Y-%m-%dT%H:%M:%S%.f"), "question"], separator="|"
        ),
    )
    frame = frame.with_columns(key.alias("question_key"), pl.col("question").str.strip_chars())
    checks = dataset.checks
    questions, *results = pl.collect_all([frame, *(c.frame for c in checks)], engine=engine)
    findings = [f for check, result in zip(checks, results, strict=True) for f in check.read(result)]
    given = pl.col("topic").str.strip_chars().replace("", None) if "topic" in dataset.columns(TABLE) else pl.lit(None, pl.String)
    questions = questions.with_columns(given.alias("topic"))
    return with_grouped_topics(questions).sort("asked_at", "question_key"), findings


def with_grouped_topics(questions: pl.DataFrame) -> pl.DataFrame:
    """`questions` with the offline grouping's topic where the export gives none (all rows
    without a topic column); each distinct question text is grouped once and joined back.
    Questions without text stay in NO_TOPIC."""
    untopiced = questions.filter(pl.col("topic").is_null() & (pl.col("question").fill_null("") != ""))
    distinct = untopiced.group_by("question").len().sort("question")
    grouped = distinct.select(
        "question", pl.Series("grouped_topic", group_questions(distinct["question"].to_list(), times=distinct["len"].to_list()), pl.String)
    )
    joined = questions.join(grouped, on="question", how="left", maintain_order="left")
    return joined.with_columns(pl.coalesce("topic", "grouped_topic", pl.lit(NO_TOPIC)).alias("topic")).drop("grouped_topic")


def with_state(questions: pl.DataFrame, state: GapState) -> pl.DataFrame:
    """`questions` with dismissed_at (empty unless dismissed)."""
    dismissed = state.dismissals()
    table = pl.DataFrame(
        {"question_key": list(dismissed), "dismissed_at": [d.dismissed_at for d in dismissed.values()]},
        schema={"question_key": pl.String, "dismissed_at": pl.Datetime("us", "UTC")},
    )
    return questions.join(table, on="question_key", how="left", maintain_order="left")


def topic_list(questions: pl.DataFrame, answers: list[Answer], include_dismissed: bool = False) -> pl.DataFrame:
    """One row per topic with questions not dismissed (all topics with --include-dismissed):
    conversations, questions, last asked, earlier dismissals, and the answer written for it
    with the questions asked since; sorted by conversations, then most recent."""
    active = pl.col("dismissed_at").is_null()
    conversation = pl.coalesce("conversation_id", pl.lit("question:") + pl.col("question_key"))
    topics = questions.group_by("topic").agg(
        conversation.filter(active).n_unique().alias("conversations"),
        active.sum().alias("questions"),
        pl.col("asked_at").filter(active).max().alias("last_asked_at"),
        (~active).sum().alias("dismissed_questions"),
        pl.col("dismissed_at").max().alias("last_dismissed_at"),
        pl.col("question_key"),
    )
    if not include_dismissed:
        topics = topics.filter(pl.col("questions") > 0)
    answered = [_answer_for(row["topic"], set(row["question_key"]), answers) for row in topics.select("topic", "question_key").to_dicts()]
    topics = topics.with_columns(
        pl.Series("answered_at", [a.written_at if a else None for a in answered], dtype=pl.Datetime("us", "UTC")),
    )
    after = (
        questions.join(topics.select("topic", "answered_at"), on="topic")
        .group_by("topic")
        .agg((pl.col("dismissed_at").is_null() & (pl.col("asked_at") > pl.col("answered_at"))).sum().alias("asked_after_answer"))
    )
    topics = topics.join(after, on="topic", how="left").with_columns(
        pl.when(pl.col("answered_at").is_not_null()).then(pl.col("asked_after_answer")).alias("asked_after_answer")
    )
    columns = [
        "topic",
        "conversations",
        "questions",
        "last_asked_at",
        "dismissed_questions",
        "last_dismissed_at",
        "answered_at",
        "asked_after_answer",
    ]
    return topics.select(columns).sort(["conversations", "last_asked_at", "topic"], descending=[True, True, False], nulls_last=True)


def _answer_for(topic: str, keys: set[str], answers: list[Answer]) -> Answer | None:
    """The latest answer written for `topic`: by name, or for questions it holds."""
    matching = [a for a in answers if a.topic.casefold() == topic.casefold() or a.question_keys & keys]
    return matching[-1] if matching else None


def find_topic(questions: pl.DataFrame, name: str) -> str:
    """The topic called `name` (case-insensitive), or the one topic whose name contains it."""
    topics: list[str] = questions["topic"].unique().sort().to_list()
    exact = [t for t in topics if t.casefold() == name.strip().casefold()]
    if exact:
        return exact[0]
    partial = [t for t in topics if name.strip().casefold() in t.casefold()]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise UsageError(f"{name!r} matches {len(partial)} topics: {', '.join(partial[:5])}", "give more of the topic's name")
    raise UsageError(f"no knowledge-gap topic {name!r}", "run 'svcstats knowledge-gaps list' for the topics")


def topic_questions(questions: pl.DataFrame, topic: str) -> pl.DataFrame:
    """The questions of one topic, newest first: text, conversation, ticket, date, dismissal."""
    columns = ["question_id", "asked_at", "question", "conversation_id", "ticket_id", "dismissed_at"]
    return questions.filter(pl.col("topic") == topic).sort(["asked_at", "question_key"], descending=True).select(columns)


def now() -> datetime:
    """The current instant in UTC (when an action is recorded)."""
    return datetime.now(UTC)
