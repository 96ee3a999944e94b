"""The synthetic dataset generator: files, schema, determinism and cross-table consistency."""

from __future__ import annotations

import csv
import re
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcstats.demo import generate, write_hubspot_ticket_export

START = date(2026, 5, 1)
MONTHS = 3
WINDOW_START = datetime(2026, 5, 1, tzinfo=UTC)
WINDOW_END = datetime(2026, 8, 1, tzinfo=UTC)
CSV_TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"

COLUMNS = {
    "tickets": [
        "ticket_id", "subject", "created_at", "closed_at", "first_closed_at", "reopened_at", "status", "is_closed",
        "pipeline", "owner", "team", "source", "priority", "first_response_at",
    ],
    "stage_history": ["ticket_id", "pipeline", "stage", "stage_order", "is_closed_stage", "entered_at", "exited_at"],
    "messages": ["message_id", "ticket_id", "sent_at", "sender_type", "sender", "channel", "is_public"],
    "availability": ["rep", "status", "started_at", "ended_at", "team", "detail"],
    "working_hours": ["rep", "weekday", "start", "end", "timezone"],
    "holidays": ["date", "name", "timezone"],
    "csat": ["response_id", "submitted_at", "rating", "scale_min", "scale_max", "ticket_id", "rep", "team", "channel", "comment"],
    "agent_conversations": [
        "conversation_id", "channel", "started_at", "ended_at", "last_activity_at", "agent_involved", "agent_replied",
        "human_requested", "handed_off", "handoff_at", "handoff_reason", "feedback", "assigned_rep", "closed_at", "ticket_id",
    ],
    "knowledge_gaps": ["question_id", "asked_at", "question", "conversation_id", "ticket_id"],
    "knowledge_gaps_topics": ["question_id", "topic"],
}  # fmt: skip
ID_COLUMNS = {"ticket_id", "message_id", "response_id", "conversation_id", "question_id"}


def _read_csv_table(folder: Path, table: str) -> pl.DataFrame:
    """A generated CSV table with timestamps, booleans and integers parsed the way the spec writes them."""
    raw = pl.read_csv(folder / f"{table}.csv", infer_schema=False)
    parsed = []
    for name in raw.columns:
        column = pl.col(name)
        if name.endswith("_at"):
            column = column.str.to_datetime(CSV_TIMESTAMP, time_zone="UTC")
        elif raw[name].drop_nulls().is_in(["true", "false"]).all() and raw[name].drop_nulls().len():
            column = column == "true"
        elif name in {"rating", "scale_min", "scale_max", "stage_order"}:
            column = column.cast(pl.Int64)
        parsed.append(column)
    return raw.select(parsed)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, int], dict[str, pl.DataFrame]]:
    """One CSV dataset shared by the consistency tests."""
    folder = tmp_path_factory.mktemp("demo")
    written = generate(folder, tickets=400, seed=11, start=START, months=MONTHS)
    return written, {table: _read_csv_table(folder, table) for table in COLUMNS}


@pytest.fixture(scope="module")
def tables(dataset) -> dict[str, pl.DataFrame]:
    """The tables of the shared dataset."""
    return dataset[1]


def test_every_table_is_written_with_exactly_its_columns(dataset):
    written, tables = dataset
    assert set(written) == set(COLUMNS)
    for table, columns in COLUMNS.items():
        assert tables[table].columns == columns, table
        assert tables[table].height == written[table], table
        assert tables[table].height > 0, table
    assert written["tickets"] == 400


def test_csv_formats_timestamps_as_utc_iso_with_z(tmp_path):
    generate(tmp_path, tickets=30, seed=3, months=1)
    header, first = (tmp_path / "tickets.csv").read_text().splitlines()[:2]
    created = first.split(",")[header.split(",").index("created_at")]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
    assert re.fullmatch(r"81\d{8}", first.split(",")[0])


def test_same_seed_gives_identical_bytes_and_another_seed_differs(tmp_path):
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        generate(tmp_path / name, tickets=150, seed=seed, months=2)
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files == sorted(f"{table}.csv" for table in COLUMNS)
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "tickets.csv").read_bytes() != (tmp_path / "c" / "tickets.csv").read_bytes()


def test_parquet_is_deterministic_and_typed(tmp_path):
    generate(tmp_path / "a", tickets=150, seed=5, months=2, file_format="parquet")
    generate(tmp_path / "b", tickets=150, seed=5, months=2, file_format="parquet")
    for table, columns in COLUMNS.items():
        path = tmp_path / "a" / f"{table}.parquet"
        assert path.read_bytes() == (tmp_path / "b" / f"{table}.parquet").read_bytes(), table
        schema = pl.read_parquet_schema(path)
        assert list(schema) == columns, table
        for name, dtype in schema.items():
            if name.endswith("_at"):
                assert dtype == pl.Datetime("us", "UTC"), (table, name)
            if name in ID_COLUMNS:
                assert dtype == pl.String, (table, name)
    tickets = pl.read_parquet(tmp_path / "a" / "tickets.parquet")
    assert tickets.schema["is_closed"] == pl.Boolean
    assert pl.read_parquet_schema(tmp_path / "a" / "holidays.parquet")["date"] == pl.Date


def test_unknown_file_format_is_refused(tmp_path):
    with pytest.raises(ValueError, match="file_format"):
        generate(tmp_path, tickets=10, file_format="xlsx")


def test_tickets_are_consistent(tables):
    tickets = tables["tickets"]
    assert tickets["ticket_id"].is_unique().all()
    assert tickets["ticket_id"].to_list() == sorted(tickets["ticket_id"].to_list())
    assert tickets.filter(~pl.col("created_at").is_between(WINDOW_START, WINDOW_END, closed="left")).is_empty()
    closed = tickets.filter("is_closed")
    assert closed.filter(pl.col("closed_at").is_null() | (pl.col("status") != "Closed")).is_empty()
    assert tickets.filter(~pl.col("is_closed") & pl.col("closed_at").is_not_null()).is_empty()
    assert closed.filter(pl.col("closed_at") < pl.col("created_at")).is_empty()
    assert closed.filter(pl.col("first_closed_at") > pl.col("closed_at")).is_empty()
    differs = closed.filter(pl.col("first_closed_at") != pl.col("closed_at"))
    assert differs["reopened_at"].null_count() == 0
    reopened = tickets.filter(pl.col("reopened_at").is_not_null())
    assert reopened.filter(~pl.col("reopened_at").is_between("first_closed_at", pl.col("closed_at").fill_null(WINDOW_END))).is_empty()
    assert tickets.filter(pl.col("owner").is_null() != pl.col("team").is_null()).is_empty()
    assert 0 < (~tickets["is_closed"]).sum() < tickets.height / 4
    assert 0 < reopened.height < tickets.height / 5
    assert set(tickets["source"]) <= {"chat", "email", "form", "phone", "other"}
    assert set(tickets["pipeline"]) == {"Support Pipeline", "Billing", "Onboarding"}


def test_nothing_is_dated_after_the_window_end(tables):
    for table, frame in tables.items():
        for name in frame.columns:
            if name.endswith("_at"):
                assert frame.filter(pl.col(name) >= WINDOW_END).is_empty(), (table, name)


def test_stage_visits_are_contiguous_and_match_the_ticket(tables):
    history = tables["stage_history"]
    tickets = tables["tickets"].select("ticket_id", "created_at", "closed_at", "first_closed_at", "status")
    visits = history.with_columns(
        next_entered=pl.col("entered_at").shift(-1).over("ticket_id"),
        visit=pl.int_range(pl.len()).over("ticket_id"),
        visits=pl.len().over("ticket_id"),
    )
    assert visits.filter(pl.col("visit") < pl.col("visits") - 1, pl.col("exited_at") != pl.col("next_entered")).is_empty()
    assert visits.filter(pl.col("visit") < pl.col("visits") - 1, pl.col("exited_at").is_null()).is_empty()
    assert visits.filter(pl.col("visit") == pl.col("visits") - 1, pl.col("exited_at").is_not_null()).is_empty()
    assert history.filter(pl.col("exited_at") < pl.col("entered_at")).is_empty()

    first = visits.filter(pl.col("visit") == 0).join(tickets, on="ticket_id", validate="1:1")
    assert first.height == tickets.height
    assert first.filter((pl.col("stage") != "New") | (pl.col("entered_at") != pl.col("created_at"))).is_empty()
    last = visits.filter(pl.col("visit") == pl.col("visits") - 1).join(tickets, on="ticket_id")
    assert last.filter(pl.col("stage") != pl.col("status")).is_empty()

    closes = (
        history.filter("is_closed_stage")
        .group_by("ticket_id")
        .agg(first=pl.col("entered_at").min(), last=pl.col("entered_at").max(), n=pl.len())
    )
    checked = closes.join(tickets, on="ticket_id")
    assert checked.filter(pl.col("first") != pl.col("first_closed_at")).is_empty()
    assert checked.filter(pl.col("closed_at").is_not_null(), pl.col("last") != pl.col("closed_at")).is_empty()
    assert (closes["n"] > 1).any(), "some ticket re-enters Closed after a reopen"
    bounces = history.filter(pl.col("stage") == "Waiting on us").group_by("ticket_id").len()
    assert (bounces["len"] > 1).any(), "some ticket visits a waiting stage twice"
    assert history.filter(pl.col("is_closed_stage") != (pl.col("stage") == "Closed")).is_empty()
    assert set(zip(history["stage"], history["stage_order"], strict=True)) <= {
        ("New", 1), ("Waiting on us", 2), ("Waiting on contact", 3), ("Closed", 4)
    }  # fmt: skip


def test_messages_fall_inside_the_ticket_life(tables):
    tickets = tables["tickets"]
    messages = tables["messages"].join(
        tickets.select("ticket_id", "created_at", "closed_at", "source"), on="ticket_id", how="left", validate="m:1"
    )
    assert messages["created_at"].null_count() == 0
    life_end = pl.col("closed_at").fill_null(WINDOW_END)
    assert messages.filter(~pl.col("sent_at").is_between("created_at", life_end)).is_empty()
    assert messages.filter(pl.col("channel") != pl.col("source")).is_empty()
    assert messages.filter(~pl.col("is_public"), pl.col("sender_type") != "agent").is_empty()
    assert messages.filter(pl.col("sender_type") == "system", pl.col("sender").is_not_null()).is_empty()
    assert messages.filter(pl.col("sender_type") == "customer", ~pl.col("sender").str.starts_with("cust-")).is_empty()
    customers = messages.filter(pl.col("sender_type") == "customer").group_by("ticket_id").agg(pl.col("sender").n_unique())
    assert (customers["sender"] == 1).all(), "one customer per ticket"
    assert set(messages["sender_type"]) == {"customer", "agent", "bot", "system"}
    assert messages["message_id"].is_unique().all()


def test_first_response_is_the_first_public_agent_message(tables):
    replies = (
        tables["messages"]
        .filter(pl.col("sender_type") == "agent", "is_public")
        .group_by("ticket_id")
        .agg(first_reply=pl.col("sent_at").min())
    )
    tickets = tables["tickets"].join(replies, on="ticket_id", how="left")
    assert tickets.filter(pl.col("first_response_at").ne_missing(pl.col("first_reply"))).is_empty()
    assert tickets["first_response_at"].null_count() > 0, "a few tickets never get a human reply"


def test_csat_follows_the_close_and_stays_on_its_scale(tables):
    csat = tables["csat"].join(tables["tickets"].select("ticket_id", "closed_at", "owner"), on="ticket_id", how="left")
    assert csat["closed_at"].null_count() == 0
    assert csat.filter(pl.col("submitted_at") <= pl.col("closed_at")).is_empty()
    rated = csat.filter(pl.col("rating").is_not_null())
    assert rated.filter(~pl.col("rating").is_between("scale_min", "scale_max")).is_empty()
    assert csat.filter(pl.col("rep").ne_missing(pl.col("owner"))).is_empty()
    assert set(zip(csat["scale_min"], csat["scale_max"], strict=True)) <= {(0, 2), (1, 5)}


def test_agent_conversations_have_consistent_flags_and_times(tables):
    conversations = tables["agent_conversations"]
    assert conversations.filter(pl.col("handed_off") & ~pl.col("agent_involved")).is_empty()
    assert conversations.filter(pl.col("channel") == "whatsapp", "agent_involved").is_empty()
    assert conversations.filter(pl.col("handed_off") != pl.col("handoff_at").is_not_null()).is_empty()
    assert conversations.filter(pl.col("handed_off") != pl.col("handoff_reason").is_not_null()).is_empty()
    assert conversations.filter(~pl.col("handoff_at").is_between("started_at", "last_activity_at")).is_empty()
    assert conversations.filter(pl.col("ended_at").is_null() != pl.col("closed_at").is_null()).is_empty()
    assert conversations.filter(pl.col("closed_at") < pl.col("last_activity_at")).is_empty()
    assert conversations["ended_at"].null_count() > 0, "some conversations are still active"
    linked = conversations.filter(pl.col("ticket_id").is_not_null()).join(
        tables["tickets"].select("ticket_id", "created_at", "source"), on="ticket_id", how="left"
    )
    assert linked.height > 0
    assert linked.filter(pl.col("created_at").is_null() | ~pl.col("handed_off")).is_empty()
    assert linked.filter((pl.col("handoff_at") > pl.col("created_at")) | (pl.col("channel") != pl.col("source"))).is_empty()
    assert linked["ticket_id"].is_unique().all()


def test_knowledge_gaps_lie_inside_their_conversation_and_have_a_true_topic(tables):
    gaps = tables["knowledge_gaps"].join(
        tables["agent_conversations"].select("conversation_id", "started_at", "last_activity_at"), on="conversation_id", how="left"
    )
    assert gaps.filter(~pl.col("asked_at").is_between("started_at", "last_activity_at")).is_empty()
    topics = tables["knowledge_gaps_topics"]
    assert topics["question_id"].to_list() == tables["knowledge_gaps"]["question_id"].to_list()
    assert 10 <= topics["topic"].n_unique() <= 15
    assert gaps["ticket_id"].null_count() > gaps.height / 2


def test_reps_calendars(tables):
    hours = tables["working_hours"]
    default = hours.filter(pl.col("rep") == "*")
    assert default["weekday"].to_list() == ["mon", "tue", "wed", "thu", "fri"]
    assert set(default["timezone"]) == {"Europe/Oslo"}
    assert hours["timezone"].n_unique() >= 3
    availability = tables["availability"]
    reps = set(availability["rep"])
    assert 10 <= len(reps) <= 14
    assert reps - set(hours["rep"]), "some reps fall back on the * default"
    assert availability["ended_at"].null_count() == availability.height
    ordered = availability.with_columns(previous=pl.col("status").shift(1).over("rep"), before=pl.col("started_at").shift(1).over("rep"))
    assert ordered.filter(pl.col("status") == pl.col("previous")).is_empty(), "events alternate per rep"
    assert ordered.filter(pl.col("started_at") <= pl.col("before")).is_empty()
    assert availability.filter((pl.col("status") == "away") == pl.col("detail").is_null()).is_empty()
    holidays = tables["holidays"]
    assert "Constitution Day" in holidays["name"].to_list()
    assert holidays["date"].str.contains(r"^\d{4}-\d\d-\d\d$").all()


def test_hubspot_export_uses_display_labels_and_local_times(tmp_path):
    path = tmp_path / "export" / "tickets.csv"
    assert write_hubspot_ticket_export(path, tickets=120, seed=4, tz="America/New_York") == 120
    with path.open(newline="") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[:12] == [
        "Ticket ID", "Ticket name", "Pipeline", "Ticket status", "Create date", "Close date", "Ticket owner",
        "HubSpot team", "Source", "Priority", "Time to close (HH:mm:ss)", "First agent response date",
    ]  # fmt: skip
    stages = [
        f"{s} ({p})"
        for p in ("Support Pipeline", "Billing", "Onboarding")
        for s in ("New", "Waiting on us", "Waiting on contact", "Closed")
    ]
    assert header[12:] == [f'Date {kind} "{stage}"' for stage in stages for kind in ("entered", "exited")]
    assert len(rows) == 120
    # Polars keeps the CSV-doubled quotes of the stage headers, so take the names from the csv module
    export = pl.read_csv(path, infer_schema=False, new_columns=header)
    local = r"^\d{4}-\d\d-\d\d \d\d:\d\d$"
    for name in ("Create date", "Close date", "First agent response date", 'Date entered "New (Billing)"'):
        assert export[name].drop_nulls().str.contains(local).all(), name
    assert export["Time to close (HH:mm:ss)"].drop_nulls().str.contains(r"^\d+:[0-5]\d:[0-5]\d$").all()
    assert (export["Close date"].is_null() == export["Time to close (HH:mm:ss)"].is_null()).all()
    assert set(export["Source"]) <= {"Chat", "Email", "Form", "Phone", "Other"}
    assert set(export["Priority"]) <= {"Low", "Medium", "High", "Urgent"}


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n_tickets=st.integers(1, 80),
    months=st.integers(1, 4),
    start=st.builds(date, st.integers(2024, 2030), st.integers(1, 12), st.integers(1, 28)),
)
def test_core_invariants_hold_for_any_seed_size_and_window(seed, n_tickets, months, start):
    month_index = start.month - 1 + months
    end = datetime(start.year + month_index // 12, month_index % 12 + 1, start.day, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as folder:
        written = generate(Path(folder), tickets=n_tickets, seed=seed, start=start, months=months)
        tables = {table: _read_csv_table(Path(folder), table) for table in ("tickets", "stage_history", "messages")}
    tickets, history, messages = tables["tickets"], tables["stage_history"], tables["messages"]
    assert written["tickets"] == tickets.height == n_tickets
    begin = datetime(start.year, start.month, start.day, tzinfo=UTC)
    assert tickets["created_at"].min() >= begin
    for frame in tables.values():
        for name in (c for c in frame.columns if c.endswith("_at")):
            assert frame.filter(pl.col(name) >= end).is_empty(), name
    assert tickets.filter((pl.col("closed_at") < pl.col("created_at")) | (pl.col("first_closed_at") > pl.col("closed_at"))).is_empty()
    first_visits = history.group_by("ticket_id").agg(pl.col("entered_at").first(), pl.col("stage").first())
    assert (
        first_visits.join(tickets, on="ticket_id")
        .filter((pl.col("entered_at") != pl.col("created_at")) | (pl.col("stage") != "New"))
        .height
        == 0
    )
    life = messages.join(tickets, on="ticket_id", how="left")
    assert life.filter(~pl.col("sent_at").is_between("created_at", pl.col("closed_at").fill_null(end))).is_empty()


def test_the_bundled_examples_are_the_default_demo(tmp_path: Path) -> None:
    """examples/data is exactly what `svcstats demo` writes by default (2000 tickets, seed 7, from
    2026-05-01, 6 months, CSV): the README's figures can be regenerated."""
    from svcstats.demo import generate

    written = generate(tmp_path)
    examples = Path(__file__).resolve().parent.parent / "examples" / "data"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in examples.iterdir())
    assert sorted(f"{table}.csv" for table in written) == sorted(p.name for p in examples.iterdir())
    for path in sorted(tmp_path.iterdir()):
        assert path.read_bytes() == (examples / path.name).read_bytes(), f"{path.name} differs from examples/data"
