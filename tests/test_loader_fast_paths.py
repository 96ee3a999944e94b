"""The loader's shortcuts on clean data give exactly what the full rules give: a table's rows and
problem counts are the same whether it is parsed into memory once (the shortcuts) or streamed."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from svcstats.loaders.dataset import Dataset, _unique, can_fail
from svcstats.loaders.parse import BOOL_SPELLINGS, bool_from_spellings, text_expr, trimmed_text
from svcstats.schema import Kind
from tests.conftest import write_csv

HEADER = ["ticket_id", "message_id", "sent_at", "sender_type"]


@pytest.mark.parametrize(
    ("ids", "unique"),
    [
        ([], True),
        (["a"], True),
        (["a", "b", "c"], True),  # increasing: unique without hashing
        (["c", "a", "b"], True),  # not in order: the distinct count decides
        (["a", None, "b", None], True),  # nulls are not ids
        (["a", "b", "b", "c"], False),  # in order but repeated: not strictly increasing
        (["b", "a", "b"], False),
        (["10", "9"], True),  # text order, not numeric
    ],
)
def test_unique_ids(ids: list[str | None], unique: bool) -> None:
    assert _unique(pl.Series(ids, dtype=pl.String)) is unique


def _messages(tmp_path: Path, ids: list[str]) -> Path:
    # one ticket, one message per id, a minute apart; the third row's sent_at is not a timestamp
    rows = [["T1", m, f"2026-03-02T09:{i:02d}:00Z" if i != 2 else "soon", "agent"] for i, m in enumerate(ids)]
    write_csv(tmp_path / "messages.csv", HEADER, rows)
    return tmp_path


def _load(root: Path, once: bool) -> tuple[list[tuple[object, ...]], list[tuple[str, int]]]:
    dataset = Dataset(root, parse_text_once=once)
    frame = dataset.load("messages", ["message_id"]).collect()
    findings = [(f.what, f.rows) for check in dataset.checks for f in check.read(check.frame.collect())]
    return frame.select("message_id", "sent_at").rows(), findings


@pytest.mark.parametrize(
    ("ids", "duplicates"),
    [
        (["M1", "M2", "M3", "M4"], 0),  # increasing: the shortcut
        (["M4", "M1", "M3", "M2"], 0),  # unique, not in order
        (["M1", "M2", "M2", "M3", "M3"], 1),  # row 2 (M2) has a bad sent_at: only M3 is a duplicate
        (["M3", "M1", "M9", "M3", "M1"], 2),  # row 2 (M9) is bad; M3 and M1 come again: 2 earlier rows left out
    ],
)
def test_shortcuts_give_the_streamed_rows_and_counts(tmp_path: Path, ids: list[str], duplicates: int) -> None:
    once, streamed = _load(_messages(tmp_path, ids), True), _load(tmp_path, False)
    assert once == streamed
    rows, findings = once
    # every row but the bad one and the earlier copies of a repeated id
    assert len(rows) == len(ids) - 1 - duplicates
    expected = [("sent_at is not a valid timestamp", 1)]
    if duplicates:
        expected.append(("duplicate message_id (the last row of each is kept)", duplicates))
    assert findings == expected


@pytest.mark.parametrize(
    ("odd", "sender", "second_try", "sent_at"),
    [
        ("2026-03-02T09:59:00Z", "agent", False, datetime(2026, 3, 2, 9, 59, tzinfo=UTC)),  # the sampled forms: one try
        (" 2026-03-02T09:59:00Z\t", "agent", True, datetime(2026, 3, 2, 9, 59, tzinfo=UTC)),  # padded: the full parse trims it
        ("2026-03-02 10:59:00+01:00", "agent", True, datetime(2026, 3, 2, 9, 59, tzinfo=UTC)),  # a format the sample lacks
        ("2026-03-02T09:59:00Z", "Agent", True, datetime(2026, 3, 2, 9, 59, tzinfo=UTC)),  # a sender synonym
        ("soon", "agent", True, None),  # no timestamp for either parse: left out and counted
    ],
)
def test_a_text_table_is_read_again_only_for_a_value_its_tuned_parsers_leave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, odd: str, sender: str, second_try: bool, sent_at: datetime | None
) -> None:
    # 20 sampled rows in one form, then a row the sample did not show
    monkeypatch.setattr("svcstats.loaders.dataset.SAMPLE_ROWS", 20)
    rows = [["T1", f"M{i:02d}", f"2026-03-02T09:{i:02d}:00Z", "agent"] for i in range(30)] + [["T1", "M99", odd, sender]]
    frame, findings, tries = _load_counting_tries(tmp_path, monkeypatch, rows)
    assert tries == ([True, False] if second_try else [True])
    last = frame.filter(pl.col("message_id") == "M99")
    assert last.select("sent_at", "sender_type").rows() == ([(sent_at, "agent")] if sent_at else [])
    assert frame.height == 30 + (sent_at is not None)
    assert findings == ([] if sent_at else [("sent_at is not a valid timestamp", 1)])


@pytest.mark.parametrize("sampled", ["-", " 2026-03-02T09:05:00Z"])
def test_no_first_try_when_the_sample_shows_it_would_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sampled: str) -> None:
    # a placeholder or a padded value among the sampled rows: parsed in full at once, read once
    monkeypatch.setattr("svcstats.loaders.dataset.SAMPLE_ROWS", 20)
    rows = [["T1", f"M{i:02d}", f"2026-03-02T09:{i:02d}:00Z" if i != 5 else sampled, "agent"] for i in range(30)]
    frame, findings, tries = _load_counting_tries(tmp_path, monkeypatch, rows)
    assert tries == [True]
    assert frame.height == (29 if sampled == "-" else 30)
    assert findings == ([("sent_at is not a valid timestamp", 1)] if sampled == "-" else [])


@pytest.mark.parametrize(
    ("sampled", "odd", "second_try", "public"),
    [
        (("true", "false"), "false", False, False),  # the sample's spellings: one try
        (("TRUE", "FALSE"), "TRUE", False, True),
        (("true", "false"), "Yes", True, True),  # a spelling the sample lacks
        (("true", "false"), " false", True, False),  # padded
        (("true", "false"), "maybe", True, None),  # neither: left out and counted
    ],
)
def test_bools_read_as_the_sample_spells_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sampled: tuple[str, str], odd: str, second_try: bool, public: bool | None
) -> None:
    monkeypatch.setattr("svcstats.loaders.dataset.SAMPLE_ROWS", 20)
    rows = [["T1", f"M{i:02d}", f"2026-03-02T09:{i:02d}:00Z", "agent", sampled[i % 2]] for i in range(30)]
    rows.append(["T1", "M99", "2026-03-02T09:59:00Z", "agent", odd])
    frame, findings, tries = _load_counting_tries(tmp_path, monkeypatch, rows, [*HEADER, "is_public"], ["message_id", "is_public"])
    assert tries == ([True, False] if second_try else [True])
    assert frame.filter(pl.col("message_id") == "M99")["is_public"].to_list() == ([public] if public is not None else [])
    assert frame["is_public"].head(30).to_list() == [i % 2 == 0 for i in range(30)]
    assert findings == ([] if public is not None else [("is_public is not a valid bool", 1)])


@pytest.mark.parametrize("spelled", sorted(BOOL_SPELLINGS))
def test_bool_spellings_read_as_the_full_parse_reads_them(spelled: str) -> None:
    frame = pl.DataFrame({"v": [spelled, "other", None]})
    tuned = frame.select(bool_from_spellings(pl.col("v"), [spelled])).to_series().to_list()
    assert tuned == [*frame.select(text_expr(pl.col("v"), Kind.BOOL)).to_series().to_list()[:1], None, None]


@pytest.mark.parametrize("kind", [Kind.TIMESTAMP, Kind.SENDER_TYPE, Kind.BOOL])
def test_each_kind_with_a_tuned_parse_can_fail(kind: Kind) -> None:
    # a first try's misses are found through its column's invalid-value condition, which only a
    # column that can fail has: a kind `_tuned_parse` handles must be one
    assert can_fail(kind, pl.String())


def _load_counting_tries(
    root: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], header: list[str] = HEADER, columns: list[str] | None = None
) -> tuple[pl.DataFrame, list[tuple[str, int]], list[bool]]:
    """The messages of `rows` loaded from CSV, their findings, and the first_try of each `_load`."""
    write_csv(root / "messages.csv", header, rows)
    tries: list[bool] = []
    first_load = Dataset._load

    def counted(self: Dataset, *args: object, first_try: bool = True) -> pl.LazyFrame:
        tries.append(first_try)
        return first_load(self, *args, first_try=first_try)  # type: ignore[arg-type]

    monkeypatch.setattr(Dataset, "_load", counted)
    dataset = Dataset(root)
    frame = dataset.load("messages", columns or ["message_id"]).collect()
    findings = [(f.what, f.rows) for check in dataset.checks for f in check.read(check.frame.collect())]
    return frame, findings, tries


@pytest.mark.parametrize(
    "values",
    [
        ["T1", "T2", None],  # clean: passed on as it is
        [" T1", "T2 ", "T3"],  # surrounding spaces are trimmed
        ["T1", "", "\tT3\n"],  # an empty value becomes null
        ["T1", "\u00a0T2", "T 3"],  # a no-break space is white space; an inner space stays
        [None, None],
    ],
)
def test_trimmed_text_is_text_expr(values: list[str | None]) -> None:
    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    fast = frame.select(trimmed_text(pl.col("v"))).to_series().to_list()
    assert fast == frame.select(text_expr(pl.col("v"), Kind.TEXT)).to_series().to_list()
    assert fast == [None if v is None or not v.strip() else v.strip() for v in values]


def _parquet_messages(tmp_path: Path, ids: list[str | None]) -> Path:
    # one ticket, one message per id, a minute apart; the third row has no sent_at
    sent = [datetime(2026, 3, 2, 9, i, tzinfo=UTC) if i != 2 else None for i in range(len(ids))]
    frame = pl.DataFrame(
        {"ticket_id": ["T1"] * len(ids), "message_id": ids, "sent_at": sent, "sender_type": ["agent"] * len(ids)},
        schema={"ticket_id": pl.String, "message_id": pl.String, "sent_at": pl.Datetime("us", "UTC"), "sender_type": pl.String},
    )
    frame.write_parquet(tmp_path / "messages.parquet")
    return tmp_path


@pytest.mark.parametrize(
    ("ids", "duplicates", "lazy"),
    [
        (["M1", "M2", "M3", "M4"], 0, True),  # increasing: a lazy scan, no duplicate rule
        (["M1", None, "M3", "M4"], 0, True),  # a null id is not an id: still increasing
        (["M4", "M1", "M3", "M2"], 0, True),  # not in order but distinct (the distinct count): a lazy scan
        (["M1", "M2", "M2", "M3", "M3"], 1, False),  # repeated: read once; row 2 (M2) has no sent_at: only M3 is a duplicate
        (["M1", "M1 ", "M2", "M3"], 1, False),  # increasing as exported, two equal once trimmed: the rule runs
        (["M3", "M1", "M9", "M3", "M1"], 2, False),  # row 2 (M9) has no sent_at; M3 and M1 come again
    ],
)
def test_parquet_gives_the_streamed_rows_and_counts(tmp_path: Path, ids: list[str | None], duplicates: int, lazy: bool) -> None:
    root = _parquet_messages(tmp_path, ids)
    dataset = Dataset(root)
    once, streamed = _load(root, True), _load(root, False)
    assert once == streamed
    rows, findings = once
    # every row but the one without sent_at and the earlier copies of a repeated id
    assert len(rows) == len(ids) - 1 - duplicates
    expected = [("sent_at is empty", 1)]
    if duplicates:
        expected.insert(0, ("duplicate message_id (the last row of each is kept)", duplicates))
    assert sorted(findings) == sorted(expected)
    # a lazy scan reads the file when collected; a copy read once is a frame held in memory
    plan = dataset.load("messages", ["message_id"]).explain()
    assert ("Parquet SCAN" in plan) is lazy, plan


def _three_messages(tmp_path: Path, tickets: list[str | None], senders: list[str | None]) -> Path:
    """A messages.parquet of three messages M1-M3, a minute apart, with these tickets and senders."""
    pl.DataFrame(
        {
            "ticket_id": tickets,
            "message_id": ["M1", "M2", "M3"],
            "sent_at": [datetime(2026, 3, 2, 9, i, tzinfo=UTC) for i in range(3)],
            "sender_type": senders,
        },
        schema={"ticket_id": pl.String, "message_id": pl.String, "sent_at": pl.Datetime("us", "UTC"), "sender_type": pl.String},
    ).write_parquet(tmp_path / "messages.parquet")
    return tmp_path


@pytest.mark.parametrize(
    ("tickets", "senders", "as_is"),
    [
        (["T1", "T2", "T3"], ["agent", "customer", None], {"ticket_id", "sender_type", "message_id"}),  # clean: read as exported
        (["T1", " T2", "T3"], ["agent", "customer", "bot"], {"sender_type", "message_id"}),  # a padded id is trimmed
        (["T1", "", "T3"], ["agent", "Customer", "bot"], {"message_id"}),  # an empty id becomes null; a synonym is mapped
        (["T1", "\u00a0T2", None], ["agent", "rep", "system"], {"message_id"}),  # a no-break space is white space
    ],
)
def test_parquet_text_read_as_exported_only_when_parsing_keeps_it(
    tmp_path: Path, tickets: list[str | None], senders: list[str | None], as_is: set[str]
) -> None:
    dataset = Dataset(_three_messages(tmp_path, tickets, senders))
    loaded = dataset.load("messages", ["message_id"])
    assert {name for name, kept in dataset._as_is["messages"].items() if kept} == as_is
    # the same rows and counts as the full parse, streamed (no shortcut)
    streamed = Dataset(tmp_path, parse_text_once=False)
    assert loaded.collect().rows() == streamed.load("messages", ["message_id"]).collect().rows()
    counts = [[(f.what, f.rows) for f in check.read(check.frame.collect())] for check in dataset.checks]
    assert counts == [[(f.what, f.rows) for f in check.read(check.frame.collect())] for check in streamed.checks]


def test_waits_ordered_by_row_position_where_ids_follow_the_rows(tmp_path: Path) -> None:
    # messages at the same instant are ordered by message id; where the ids increase with the rows
    # (a typed table, tested by the loader's pass) the row position stands for the id: the same waits
    from svcstats.reports.waits import conversation, waits

    at = "2026-03-02T09:00:00Z"
    rows = [
        [None, "T1", at, "customer", "c-no-id"],  # a missing id sorts first
        ["m01", "T1", at, "customer", "c1"],
        ["m02", "T1", at, "agent", "Ann"],
        ["m03", "T2", "2026-03-02T10:00:00Z", "customer", "c2"],
        ["m04", "T1", at, "customer", "c1-again"],
        ["m05", "T2", "2026-03-02T10:00:00Z", "agent", "Bob"],
        ["m06", "T2", "2026-03-02T10:00:00Z", "customer", "c2-again"],
        ["m07", "T2", "2026-03-02T11:00:00Z", "agent", "Bob"],
    ]
    header = ["message_id", "ticket_id", "sent_at", "sender_type", "sender"]
    write_csv(tmp_path / "csv" / "messages.csv", header, rows)
    frame = pl.DataFrame(rows, schema=header, orient="row").with_columns(pl.col("sent_at").str.to_datetime(time_zone="UTC"))
    (tmp_path / "parquet").mkdir()
    frame.write_parquet(tmp_path / "parquet" / "messages.parquet")
    now = datetime(2026, 3, 3, tzinfo=UTC)
    found = {}
    for kind in ("csv", "parquet"):
        dataset = Dataset(tmp_path / kind)
        found[kind] = waits(conversation(dataset, False), "customer", now).collect().sort("ticket_id", "started_at", "starter").rows()
        assert dataset.ids_in_row_order("messages") is (kind == "parquet")
    assert found["parquet"] == found["csv"]
    assert [(row[0], row[4], row[5]) for row in found["csv"]] == [
        ("T1", "c-no-id", "Ann"),
        ("T1", "c1-again", None),
        ("T2", "c2", "Bob"),
        ("T2", "c2-again", "Bob"),
    ]


@pytest.mark.parametrize(
    ("ids", "as_is", "increasing"),
    [
        (["a", "b", "c", "d", "e"], True, True),
        (["a", "c", "b", "d", "e"], True, False),  # the drop is inside a batch ([a, c], [b, d], [e])
        (["a", "b", "b", "c", "d"], True, False),  # a repeat across the batches [a, b] and [b, c]
        (["a", "c", "b", "e", "f"], True, False),  # c then b: the first of batch 2 below the last of batch 1
        (["a", None, None, "b", "c"], True, True),  # a batch of nulls only: compared with the id before it
        ([None, "b", "a", None, "c"], True, False),
        (["a", "b", " c", "d", "e"], False, False),  # padded in the second batch: not as exported
        (["b", "a", "c", "d", ""], False, False),  # empty in the last batch
    ],
)
def test_the_key_pass_reads_batches_and_compares_across_them(
    ids: list[str | None], as_is: bool, increasing: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # batches of two rows: every boundary case of a 5-row column is crossed
    from svcstats.loaders import dataset

    monkeypatch.setattr(dataset, "KEY_BATCH_ROWS", 2)
    frame = pl.LazyFrame({"ticket_id": ids}, schema={"ticket_id": pl.String})
    assert [part.height for part in frame.collect_batches(chunk_size=2)] == [2, 2, 1]
    nulls = ids.count(None) if as_is else None  # not counted once a value is found not as exported
    assert dataset._key_pass(frame, "ticket_id", Kind.ID, "streaming") == (as_is, increasing, nulls)


@pytest.mark.parametrize("ids", [["T1", "T2", "T3"], ["T1", None, "T3"], ["T3", "T1", "T2"], ["T3", None, "T1"]])
def test_a_scan_reads_the_ids_only_when_some_may_be_missing(tmp_path: Path, ids: list[str | None]) -> None:
    # the pass over the ids counted them: with none missing, the empty-id flag (which would make
    # every reader of the scan read the ids) is left out; with one missing it is counted as before
    frame = pl.DataFrame(
        {"ticket_id": ids, "created_at": [datetime(2026, 3, 2, 9, i, tzinfo=UTC) for i in range(3)]},
        schema={"ticket_id": pl.String, "created_at": pl.Datetime("us", "UTC")},
    )
    frame.write_parquet(tmp_path / "tickets.parquet")
    dataset = Dataset(tmp_path)
    loaded = dataset.load("tickets").select("created_at")
    findings = [(f.what, f.rows) for check in dataset.checks for f in check.read(check.frame.collect())]
    missing = ids.count(None)
    assert findings == ([("ticket_id is empty", 1)] if missing else [])
    assert loaded.collect().height == 3 - missing
    assert ("ticket_id" in loaded.explain()) is bool(missing), loaded.explain()


@pytest.mark.parametrize("senders", [["agent", "customer", "agent"], ["agent", None, "agent"]])
def test_text_columns_found_in_every_row_are_not_read_again(tmp_path: Path, senders: list[str | None]) -> None:
    # the pass that finds a text column needs no trim also counts its empty values: ticket_id and
    # sender_type are required, so without an empty one the scan's readers need not test them
    dataset = Dataset(_three_messages(tmp_path, ["T1", "T1", "T2"], senders))
    loaded = dataset.load("messages").select("sent_at")
    plan = loaded.explain()
    findings = [(f.what, f.rows) for check in dataset.checks for f in check.read(check.frame.collect())]
    missing = senders.count(None)
    assert findings == ([("sender_type is empty", 1)] if missing else [])
    assert loaded.collect().height == 3 - missing
    assert "ticket_id" not in plan and "message_id" not in plan, plan
    assert ("sender_type" in plan) is bool(missing), plan


def test_a_scan_with_every_column_found_present_has_no_flag_at_all(tmp_path: Path) -> None:
    # the sla table has no key and two required text columns: both found in every row leave no
    # problem to flag, and the table is read whole (the filter of no flags is no filter)
    pl.DataFrame({"ticket_id": ["T1", "T2"], "sla_type": ["close", "first_response"]}).write_parquet(tmp_path / "sla.parquet")
    dataset = Dataset(tmp_path)
    assert dataset.load("sla").collect().rows() == [("T1", "close"), ("T2", "first_response")]
    assert dataset.checks == []
