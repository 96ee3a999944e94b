"""The knowledge-gaps state file: dismissed questions and short answers, in SQLite.

Every change is one transaction (SQLite's rollback journal), so a run interrupted mid-write,
even killed, leaves the previous state intact. The file is created on the first change.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from svcstats.errors import DataError, OutputError

SCHEMA_VERSION = 1
BUSY_SECONDS = 10.0  # how long to wait for another process's write before giving up
SCHEMA = """
CREATE TABLE IF NOT EXISTS dismissals (
    question_key TEXT PRIMARY KEY,
    topic TEXT NOT NULL,
    question TEXT NOT NULL,
    dismissed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    answer_id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    written_at TEXT NOT NULL,
    question_keys TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class Dismissal:
    """One dismissed question: its key, the topic it was in, its text, when."""

    question_key: str
    topic: str
    question: str
    dismissed_at: datetime


@dataclass(frozen=True)
class Answer:
    """A short answer written for a topic, with the questions the topic held then."""

    answer_id: int
    topic: str
    question: str
    answer: str
    written_at: datetime
    question_keys: frozenset[str]


class GapState:
    """The state file at `path`; reading a file that does not exist yet gives an empty state."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def dismissals(self) -> dict[str, Dismissal]:
        """Dismissed questions by key."""
        rows = self._read("SELECT question_key, topic, question, dismissed_at FROM dismissals")
        return {r[0]: Dismissal(r[0], r[1], r[2], datetime.fromisoformat(r[3])) for r in rows}

    def answers(self) -> list[Answer]:
        """Short answers, oldest first."""
        rows = self._read("SELECT answer_id, topic, question, answer, written_at, question_keys FROM answers ORDER BY answer_id")
        return [Answer(r[0], r[1], r[2], r[3], datetime.fromisoformat(r[4]), frozenset(json.loads(r[5]))) for r in rows]

    def dismiss(self, items: Iterable[tuple[str, str, str]], at: datetime) -> int:
        """Dismiss (key, topic, question) items at `at`; returns how many were not dismissed before."""
        with self.transaction() as db:
            before = db.total_changes
            db.executemany("INSERT OR IGNORE INTO dismissals VALUES (?, ?, ?, ?)", [(k, t, q, at.isoformat()) for k, t, q in items])
            return db.total_changes - before

    def undismiss(self, keys: Iterable[str]) -> int:
        """Bring questions back; returns how many were dismissed."""
        with self.transaction() as db:
            before = db.total_changes
            db.executemany("DELETE FROM dismissals WHERE question_key = ?", [(k,) for k in keys])
            return db.total_changes - before

    def add_answer(self, topic: str, question: str, answer: str, at: datetime, keys: Iterable[str]) -> int:
        """Store a short answer for `topic`; returns its id."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO answers (topic, question, answer, written_at, question_keys) VALUES (?, ?, ?, ?, ?)",
                (topic, question, answer, at.isoformat(), json.dumps(sorted(keys))),
            )
            return int(cursor.lastrowid or 0)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is stored, or (on any error or kill) none of it."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=BUSY_SECONDS)
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot open the knowledge-gaps state file {self.path}: {exc}", "check --state or agent.state") from None
        with closing(db), self._busy_is_an_output_error():
            try:
                db.execute("BEGIN IMMEDIATE")
                self._check_schema(db)
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _read(self, query: str) -> list[tuple[Any, ...]]:
        if not self.path.exists() or self.path.stat().st_size == 0:  # none yet, or a first write killed mid-way
            return []
        try:
            # read-write, not mode=ro: after a killed write only a writable connection can roll the
            # hot journal back; mode=rw never creates the file
            db = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=BUSY_SECONDS)
            with closing(db), self._busy_is_an_output_error():
                self._check_version(db)
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not {"dismissals", "answers"} <= tables:  # an empty database: no change stored yet
                    if tables:
                        raise sqlite3.DatabaseError(f"it holds other tables ({', '.join(sorted(tables))})")
                    return []
                return db.execute(query).fetchall()
        except sqlite3.Error as exc:
            raise self._bad_file(exc) from None

    @contextmanager
    def _busy_is_an_output_error(self) -> Iterator[None]:
        """Another process holding the file's lock past the timeout: an OutputError to retry."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            raise OutputError(
                f"the knowledge-gaps state file {self.path} is busy (another svcstats is writing it)", "retry in a moment"
            ) from None

    def _check_schema(self, db: sqlite3.Connection) -> None:
        try:
            self._check_version(db)
            for statement in SCHEMA.split(";"):  # not executescript: it would commit the open transaction
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as exc:
            raise self._bad_file(exc) from None

    def _check_version(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise DataError(f"{self.path} was written by a newer svcstats (state version {version})", "upgrade svcstats")

    def _bad_file(self, exc: sqlite3.Error) -> DataError:
        return DataError(
            f"{self.path} is not a readable knowledge-gaps state file: {exc}", "point --state at another file, or move this one away"
        )
