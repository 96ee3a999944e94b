"""Every input path of the loaders, each checked against hand-written files and exact values.

Files are tiny and written by hand (or with Polars for Parquet and xlsx); every assertion names
concrete ids, UTC instants and counts. Europe/Oslo is UTC+1 in winter and UTC+2 from 01:00 UTC
on Sunday 2026-03-29 (02:00 local jumps to 03:00).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest

from svcstats.config import Config
from svcstats.errors import DataError, UsageError
from svcstats.findings import Finding
from svcstats.loaders.dataset import Dataset
from tests.conftest import rows, run_report, write_csv

OSLO = "Europe/Oslo"
REPO = Path(__file__).resolve().parents[1]


def utc(*parts: int) -> datetime:
    """An aware UTC datetime, as Polars returns from a Datetime("us", "UTC") column."""
    return datetime(*parts, tzinfo=UTC)


def load(root: Path, table: str = "tickets", columns: Iterable[str] = (), **options: object) -> tuple[pl.DataFrame, list[Finding]]:
    """Load one table through the Dataset and collect it, with the findings of its checks."""
    dataset = Dataset(root, **options)  # type: ignore[arg-type]
    frame = dataset.load(table, columns).collect()
    findings = [finding for check in dataset.checks for finding in check.read(check.frame.collect())]
    return frame, findings


def ids_and_created(frame: pl.DataFrame) -> list[tuple[str, datetime]]:
    return sorted(zip(frame["ticket_id"].to_list(), frame["created_at"].to_list(), strict=True))


def one_line(text: str) -> bool:
    return text.strip() != "" and "\n" not in text.strip()


# -- CSV dialects and file kinds ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("comma", "ticket_id,created_at,owner\n001,2026-01-05T10:00:00Z,Ann\n002,2026-01-06T11:30:00Z,Bob\n"),
        ("semicolon", "ticket_id;created_at;owner\n001;2026-01-05T10:00:00Z;Ann\n002;2026-01-06T11:30:00Z;Bob\n"),
        ("tab", "ticket_id\tcreated_at\towner\n001\t2026-01-05T10:00:00Z\tAnn\n002\t2026-01-06T11:30:00Z\tBob\n"),
        ("bom", "\ufeffticket_id,created_at,owner\n001,2026-01-05T10:00:00Z,Ann\n002,2026-01-06T11:30:00Z,Bob\n"),
        ("bom-semicolon", "\ufeffticket_id;created_at;owner\n001;2026-01-05T10:00:00Z;Ann\n002;2026-01-06T11:30:00Z;Bob\n"),
    ],
)
def test_csv_separators_and_bom(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / "tickets.csv").write_text(text, encoding="utf-8")
    frame, findings = load(tmp_path, columns=["owner"])
    assert frame.columns == ["ticket_id", "created_at", "owner"]
    assert frame.schema["created_at"] == pl.Datetime("us", "UTC")
    assert rows(frame.sort("ticket_id")) == [
        {"ticket_id": "001", "created_at": utc(2026, 1, 5, 10), "owner": "Ann"},
        {"ticket_id": "002", "created_at": utc(2026, 1, 6, 11, 30), "owner": "Bob"},
    ]
    assert findings == []


def test_tsv_file_suffix(tmp_path: Path) -> None:
    (tmp_path / "tickets.tsv").write_text("ticket_id\tcreated_at\nA-1\t2026-02-01T00:00:00Z\n", encoding="utf-8")
    frame, _ = load(tmp_path)
    assert ids_and_created(frame) == [("A-1", utc(2026, 2, 1))]


def test_csv_gz(tmp_path: Path) -> None:
    text = "\ufeffticket_id,created_at,closed_at\n7,2026-01-05T10:00:00Z,2026-01-05T12:00:00Z\n8,2026-01-07T09:00:00Z,\n"
    (tmp_path / "tickets.csv.gz").write_bytes(gzip.compress(text.encode("utf-8")))
    frame, _ = load(tmp_path, columns=["closed_at"])
    assert rows(frame.sort("ticket_id")) == [
        {"ticket_id": "7", "created_at": utc(2026, 1, 5, 10), "closed_at": utc(2026, 1, 5, 12)},
        {"ticket_id": "8", "created_at": utc(2026, 1, 7, 9), "closed_at": None},
    ]


def test_folder_of_csv_files_is_the_union_of_rows(tmp_path: Path) -> None:
    header = ["ticket_id", "created_at", "team"]
    write_csv(tmp_path / "tickets" / "2026-01.csv", header, [["1", "2026-01-05T10:00:00Z", "Tier 1"], ["2", "2026-01-20T10:00:00Z", None]])
    write_csv(tmp_path / "tickets" / "2026-02.csv", header, [["3", "2026-02-03T10:00:00Z", "Tier 2"]])
    # a later export with its columns in another order still lines up by name
    write_csv(tmp_path / "tickets" / "2026-03.csv", ["team", "ticket_id", "created_at"], [["Tier 1", "4", "2026-03-03T10:00:00Z"]])
    dataset = Dataset(tmp_path)
    assert dataset.label("tickets") == "tickets/ (3 csv files)"
    frame = dataset.load("tickets", ["team"]).collect().sort("ticket_id")
    assert rows(frame) == [
        {"ticket_id": "1", "created_at": utc(2026, 1, 5, 10), "team": "Tier 1"},
        {"ticket_id": "2", "created_at": utc(2026, 1, 20, 10), "team": None},
        {"ticket_id": "3", "created_at": utc(2026, 2, 3, 10), "team": "Tier 2"},
        {"ticket_id": "4", "created_at": utc(2026, 3, 3, 10), "team": "Tier 1"},
    ]
    outcome = run_report(tmp_path, "support-volume", frequency="monthly")
    assert rows(outcome.result.select("period_start", "tickets")) == [
        {"period_start": date(2026, 1, 1), "tickets": 2},
        {"period_start": date(2026, 2, 1), "tickets": 1},
        {"period_start": date(2026, 3, 1), "tickets": 1},
    ]


def test_hive_partitioned_parquet_folder(tmp_path: Path) -> None:
    for month, ticket, sent, sender in (
        ("2026-01", "T1", utc(2026, 1, 5, 10), "Customer"),
        ("2026-01", "T1", utc(2026, 1, 5, 11), "Agent"),
        ("2026-02", "T2", utc(2026, 2, 1, 8), "bot"),
    ):
        folder = tmp_path / "messages" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        part = folder / f"part-{len(list(folder.iterdir()))}.parquet"
        pl.DataFrame(
            {"ticket_id": [ticket], "sent_at": [sent], "sender_type": [sender]},
            schema={"ticket_id": pl.String, "sent_at": pl.Datetime("us", "UTC"), "sender_type": pl.String},
        ).write_parquet(part)
    dataset = Dataset(tmp_path)
    assert "month" in dataset.columns("messages")
    frame = dataset.load("messages", ["month"]).collect().sort("sent_at")
    assert rows(frame) == [
        {"ticket_id": "T1", "sent_at": utc(2026, 1, 5, 10), "sender_type": "customer", "month": "2026-01"},
        {"ticket_id": "T1", "sent_at": utc(2026, 1, 5, 11), "sender_type": "agent", "month": "2026-01"},
        {"ticket_id": "T2", "sent_at": utc(2026, 2, 1, 8), "sender_type": "bot", "month": "2026-02"},
    ]


def test_hive_partition_onto_a_neutral_column(tmp_path: Path) -> None:
    for team, ticket in (("Tier 1", "1"), ("Tier 2", "2")):
        folder = tmp_path / "tickets" / f"team={team}"
        folder.mkdir(parents=True)
        pl.DataFrame({"ticket_id": [ticket], "created_at": [utc(2026, 1, 5, 10)]}).write_parquet(folder / "part.parquet")
    outcome = run_report(tmp_path, "support-volume", totals=True, group_by=["team"])
    assert rows(outcome.result) == [  # no close columns exported: the closed/open split is unknown
        {"team": "Tier 1", "tickets": 1, "closed_tickets": None, "open_tickets": None},
        {"team": "Tier 2", "tickets": 1, "closed_tickets": None, "open_tickets": None},
    ]


def test_parquet_tz_aware_datetime_is_converted_to_utc(tmp_path: Path) -> None:
    local = pl.Series([datetime(2026, 3, 28, 12), datetime(2026, 3, 30, 12)]).dt.replace_time_zone(OSLO)
    pl.DataFrame({"ticket_id": ["1", "2"], "created_at": local}).write_parquet(tmp_path / "tickets.parquet")
    frame, _ = load(tmp_path)  # no source tz needed: the column carries its zone
    assert frame.schema["created_at"] == pl.Datetime("us", "UTC")
    assert ids_and_created(frame) == [("1", utc(2026, 3, 28, 11)), ("2", utc(2026, 3, 30, 10))]


def test_parquet_naive_datetime_is_localised_with_the_source_tz(tmp_path: Path) -> None:
    pl.DataFrame(
        {"ticket_id": ["1", "2"], "created_at": [datetime(2026, 3, 28, 12), datetime(2026, 3, 30, 12)]},
        schema={"ticket_id": pl.String, "created_at": pl.Datetime("ns")},
    ).write_parquet(tmp_path / "tickets.parquet")
    frame, _ = load(tmp_path, source_tz=OSLO)
    assert frame.schema["created_at"] == pl.Datetime("us", "UTC")
    assert ids_and_created(frame) == [("1", utc(2026, 3, 28, 11)), ("2", utc(2026, 3, 30, 10))]
    with pytest.raises(DataError) as raised:
        load(tmp_path)
    assert raised.value.message.startswith("tickets.parquet: created_at holds times without a time zone")
    assert "--source-tz" in raised.value.one_line()


@pytest.mark.parametrize("suffix", [".ndjson", ".jsonl"])
def test_ndjson(tmp_path: Path, suffix: str) -> None:
    (tmp_path / f"tickets{suffix}").write_text(
        '{"ticket_id": "007", "created_at": "2026-01-05T10:00:00Z", "is_closed": true, "source": "Chat", "team": "Tier 1"}\n'
        '{"ticket_id": "008", "created_at": "2026-01-06T10:00:00+02:00", "is_closed": false, "source": null, "team": null}\n',
        encoding="utf-8",
    )
    frame, _ = load(tmp_path, columns=["is_closed", "source", "team", "closed_at"])
    assert rows(frame.sort("ticket_id")) == [
        {"ticket_id": "007", "created_at": utc(2026, 1, 5, 10), "is_closed": True, "source": "chat", "team": "Tier 1", "closed_at": None},
        {"ticket_id": "008", "created_at": utc(2026, 1, 6, 8), "is_closed": False, "source": None, "team": None, "closed_at": None},
    ]
    assert frame.schema["closed_at"] == pl.Datetime("us", "UTC")  # absent optional column: typed nulls


def test_xlsx(tmp_path: Path) -> None:
    pl.DataFrame(
        {
            "ticket_id": ["001", "002"],
            "created_at": [datetime(2026, 1, 5, 10), datetime(2026, 7, 5, 10)],  # Excel cells have no zone
            "closed_at": ["2026-01-06T10:00:00Z", None],  # text cells are parsed like CSV
            "owner": ["Ann", None],
            "is_closed": [True, False],
        }
    ).write_excel(tmp_path / "tickets.xlsx")
    frame, findings = load(tmp_path, columns=["closed_at", "owner", "is_closed"], source_tz=OSLO)
    assert rows(frame.sort("ticket_id")) == [
        {"ticket_id": "001", "created_at": utc(2026, 1, 5, 9), "closed_at": utc(2026, 1, 6, 10), "owner": "Ann", "is_closed": True},
        {"ticket_id": "002", "created_at": utc(2026, 7, 5, 8), "closed_at": None, "owner": None, "is_closed": False},
    ]
    assert findings == []


def test_xlsx_numeric_ids_become_strings(tmp_path: Path) -> None:
    pl.DataFrame({"ticket_id": [1001, 1002], "created_at": ["2026-01-01T10:00:00Z", "2026-01-02T10:00:00Z"]}).write_excel(
        tmp_path / "tickets.xlsx"
    )
    frame, _ = load(tmp_path)
    assert frame.schema["ticket_id"] == pl.String
    assert ids_and_created(frame) == [("1001", utc(2026, 1, 1, 10)), ("1002", utc(2026, 1, 2, 10))]


def test_float_ids_keep_their_value(tmp_path: Path) -> None:
    pl.DataFrame({"ticket_id": [7.0, 7.5, 1e20], "created_at": [utc(2026, 1, 5, 10)] * 3}).write_parquet(tmp_path / "tickets.parquet")
    frame, _ = load(tmp_path)
    ids = frame["ticket_id"].to_list()
    assert ids[:2] == ["7", "7.5"]  # not "7" twice: two tickets would merge into one id
    assert ids[2] is not None  # too large for Int64, but still an id


# -- timestamps ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05T10:00:00Z", utc(2026, 1, 5, 10)),
        ("2026-01-05T10:00:00+02:00", utc(2026, 1, 5, 8)),
        ("2026-01-05T10:00:00-05:00", utc(2026, 1, 5, 15)),
        ("2026-01-05T10:00:00.123456Z", utc(2026, 1, 5, 10, 0, 0, 123456)),
        ("2026-01-05T10:00:00.5+02:00", utc(2026, 1, 5, 8, 0, 0, 500000)),
        ("2026-01-05 10:00:00Z", utc(2026, 1, 5, 10)),
    ],
)
def test_aware_timestamp_formats(tmp_path: Path, text: str, expected: datetime) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", text]])
    frame, findings = load(tmp_path)  # no source tz needed
    assert ids_and_created(frame) == [("1", expected)]
    assert findings == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05 10:00:00", utc(2026, 1, 5, 9)),  # CET, UTC+1
        ("2026-01-05 10:00", utc(2026, 1, 5, 9)),
        ("2026-01-05T10:00:00", utc(2026, 1, 5, 9)),
        ("2026-01-05T10:00", utc(2026, 1, 5, 9)),
        ("2026-01-05 10:00:00.250", utc(2026, 1, 5, 9, 0, 0, 250000)),
        ("2026-01-05", utc(2026, 1, 4, 23)),  # a date alone is local midnight
        ("2026-07-05 10:00", utc(2026, 7, 5, 8)),  # CEST, UTC+2
        ("2026-03-28 12:00", utc(2026, 3, 28, 11)),  # the day before spring-forward
        ("2026-03-30 12:00", utc(2026, 3, 30, 10)),  # the day after
        ("2026-10-25 02:30", utc(2026, 10, 25, 0, 30)),  # repeated hour in autumn: the earlier instant
    ],
)
def test_naive_timestamp_formats_localised_in_oslo(tmp_path: Path, text: str, expected: datetime) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", text]])
    frame, findings = load(tmp_path, source_tz=OSLO)
    assert ids_and_created(frame) == [("1", expected)]
    assert findings == []


def test_naive_timestamps_in_utc_source_tz(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-29 02:30"]])
    frame, _ = load(tmp_path, source_tz="UTC")
    assert ids_and_created(frame) == [("1", utc(2026, 3, 29, 2, 30))]


def test_time_in_the_spring_forward_gap_is_excluded_and_counted(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at"],
        [["1", "2026-03-28 12:00"], ["2", "2026-03-29 02:30"], ["3", "2026-03-30 12:00"]],
    )
    frame, findings = load(tmp_path, source_tz=OSLO)
    assert ids_and_created(frame) == [("1", utc(2026, 3, 28, 11)), ("3", utc(2026, 3, 30, 10))]
    assert findings == [
        Finding("tickets.csv", "created_at is not a valid timestamp", 1, "warning", "'2026-03-29 02:30' on line 3"),
    ]


def test_naive_timestamps_without_source_tz_are_a_data_error(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-01-05 10:00"]])
    with pytest.raises(DataError, match="source time zone"):
        load(tmp_path)
    result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv")
    assert result.code == 3
    assert result.stdout == ""
    assert one_line(result.stderr)
    assert "--source-tz" in result.stderr
    assert "tickets.csv" in result.stderr
    assert "created_at" in result.stderr


def test_naive_time_error_quotes_a_naive_value(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-01-05T10:00:00Z"], ["2", "2026-01-06 10:00"]])
    result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv")
    assert result.code == 3
    assert "'2026-01-06 10:00'" in result.stderr  # the example is a value without a zone, not the first value


def test_empty_timestamp_column_needs_no_source_tz(tmp_path: Path) -> None:
    # Every ticket still open: closed_at is empty throughout, created_at carries its zone.
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at"],
        [["1", "2026-01-05T10:00:00Z", None], ["2", "2026-01-06T10:00:00Z", None]],
    )
    outcome = run_report(tmp_path, "support-volume", totals=True)
    assert rows(outcome.result) == [{"tickets": 2, "closed_tickets": 0, "open_tickets": 2}]


def test_column_matching_no_timestamp_format_is_a_data_error(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "05/01/2026 10:00"], ["2", "06/01/2026 11:00"]])
    with pytest.raises(DataError) as raised:
        load(tmp_path, source_tz=OSLO)
    assert raised.value.message.startswith("tickets.csv: created_at values such as '05/01/2026 10:00'")
    result = cli("report", "support-volume", "--data", tmp_path, "--source-tz", OSLO, "--format", "csv")
    assert result.code == 3
    assert result.stdout == ""
    assert one_line(result.stderr)
    assert "tickets.csv" in result.stderr
    assert "created_at" in result.stderr


def test_config_datetime_formats_add_a_format(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "05.01.2026 10:00"]])
    config = tmp_path / "svcstats.toml"
    config.write_text('datetime_formats = ["%d.%m.%Y %H:%M"]\n', encoding="utf-8")
    outcome = run_report(tmp_path, "support-volume", config=config, source_tz=OSLO, totals=True, group_by=["ticket_id"])
    assert rows(outcome.result) == [{"ticket_id": "1", "tickets": 1, "closed_tickets": None, "open_tickets": None}]


def test_unparseable_value_among_good_ones_is_left_out_and_reported(tmp_path: Path, cli) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at"],
        [
            ["1", "2026-01-05T10:00:00Z", "2026-01-05T12:00:00Z"],
            ["2", "2026-01-06T10:00:00Z", "yesterday"],
            ["3", "2026-01-07T10:00:00Z", None],
        ],
    )
    frame, findings = load(tmp_path, columns=["closed_at"])
    assert frame["ticket_id"].sort().to_list() == ["1", "3"]
    assert findings == [Finding("tickets.csv", "closed_at is not a valid timestamp", 1, "warning", "'yesterday' on line 3")]

    result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv", "--totals")
    assert result.code == 0
    assert result.stdout.splitlines() == ["tickets,closed_tickets,open_tickets", "2,1,1"]
    assert "warning: tickets.csv: 1 row left out: closed_at is not a valid timestamp (e.g. 'yesterday' on line 3)" in result.stderr

    strict = cli("report", "support-volume", "--data", tmp_path, "--format", "csv", "--totals", "--strict")
    assert strict.code == 3
    assert strict.stdout == ""
    assert one_line(strict.stderr)
    assert "'yesterday' on line 3" in strict.stderr


def test_line_number_after_a_multiline_field(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "subject", "created_at"],
        [["1", "Printer\nbroken", "2026-01-05T10:00:00Z"], ["2", "Login", "never"]],
    )
    # file lines: 1 header, 2-3 ticket 1 (its subject spans two lines), 4 ticket 2
    _, findings = load(tmp_path, columns=["subject"])
    assert [f.example for f in findings] == ["'never' on line 4"]


def test_empty_required_value_is_counted_not_silently_dropped(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at"],
        [["1", "2026-01-05T10:00:00Z"], ["2", None], [None, "2026-01-05T11:00:00Z"], ["4", "2026-01-05T12:00:00Z"]],
    )
    outcome = run_report(tmp_path, "support-volume", totals=True)
    assert rows(outcome.result) == [{"tickets": 2, "closed_tickets": None, "open_tickets": None}]  # no close columns
    warnings = sorted((f.where, f.what, f.rows) for f in outcome.findings if f.severity == "warning")
    assert warnings == [("tickets.csv", "created_at is empty", 1), ("tickets.csv", "ticket_id is empty", 1)]


# -- kinds ------------------------------------------------------------------------------------


def test_booleans_are_case_insensitive_words(tmp_path: Path) -> None:
    values = ["true", "FALSE", "Yes", "no", "1", "0", "T", "n", None]
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "is_closed"],
        [[str(i), "2026-01-05T10:00:00Z", v] for i, v in enumerate(values)],
    )
    frame, findings = load(tmp_path, columns=["is_closed"])
    assert frame.sort("ticket_id")["is_closed"].to_list() == [True, False, True, False, True, False, True, False, None]
    assert findings == []


def test_unknown_boolean_word_is_a_bad_value(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "is_closed"],
        [["1", "2026-01-05T10:00:00Z", "true"], ["2", "2026-01-05T10:00:00Z", "maybe"]],
    )
    frame, findings = load(tmp_path, columns=["is_closed"])
    assert frame["ticket_id"].to_list() == ["1"]
    assert findings == [Finding("tickets.csv", "is_closed is not a valid bool", 1, "warning", "'maybe' on line 3")]


def test_source_labels(tmp_path: Path) -> None:
    labels = ["Chat", "E-mail", "Form submission", "Phone", "Carrier pigeon", "EMAIL", " live chat ", None]
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "source"],
        [[str(i), "2026-01-05T10:00:00Z", v] for i, v in enumerate(labels)],
    )
    frame, findings = load(tmp_path, columns=["source"])
    assert frame.sort("ticket_id")["source"].to_list() == ["chat", "email", "form", "phone", "other", "email", "chat", None]
    assert findings == []


def test_ids_stay_strings_and_empty_strings_are_nulls(tmp_path: Path) -> None:
    (tmp_path / "tickets.csv").write_text(
        "ticket_id,created_at,owner,team,priority\n"
        '007,2026-01-05T10:00:00Z,"",   ,HIGH\n'
        "0042,2026-01-05T11:00:00Z,Ann,Tier 1,\n"
        "12345678901234567890,2026-01-05T12:00:00Z, Bob ,,low\n",
        encoding="utf-8",
    )
    frame, findings = load(tmp_path, columns=["owner", "team", "priority"])
    assert frame.schema["ticket_id"] == pl.String
    assert rows(frame.sort("created_at").drop("created_at")) == [
        {"ticket_id": "007", "owner": None, "team": None, "priority": "HIGH"},
        {"ticket_id": "0042", "owner": "Ann", "team": "Tier 1", "priority": None},
        {"ticket_id": "12345678901234567890", "owner": "Bob", "team": None, "priority": "low"},
    ]
    assert findings == []


def test_extra_columns_pass_through(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "Region"], [["1", "2026-01-05T10:00:00Z", "North"]])
    dataset = Dataset(tmp_path)
    assert dataset.columns("tickets") == ["ticket_id", "created_at", "Region"]
    assert rows(dataset.load("tickets", ["Region"]).collect()) == [{"ticket_id": "1", "created_at": utc(2026, 1, 5, 10), "Region": "North"}]


# -- column mapping and config ------------------------------------------------------------------


def test_headers_differing_in_case_and_spacing_map_to_neutral_names(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["TICKET_ID", "Created At", "closed-at", " Owner "],
        [["9", "2026-01-05T10:00:00Z", "2026-01-05T13:00:00Z", "Ann"]],
    )
    frame, _ = load(tmp_path, columns=["closed_at", "owner"])
    assert rows(frame) == [{"ticket_id": "9", "created_at": utc(2026, 1, 5, 10), "closed_at": utc(2026, 1, 5, 13), "owner": "Ann"}]


def test_config_column_mapping_via_cli(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    write_csv(
        data / "tickets.csv",
        ["ticket_id", "Opened", "Done"],
        [["1", "2026-01-05T10:00:00Z", "2026-01-05T14:00:00Z"], ["2", "2026-01-06T10:00:00Z", None]],
    )
    config = tmp_path / "svcstats.toml"
    config.write_text('[tables.tickets.columns]\n"Opened" = "created_at"\n"Done" = "closed_at"\n', encoding="utf-8")
    result = cli("report", "ticket-time-to-close", "--data", data, "--config", config, "--format", "csv", "--totals")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "closed_tickets,mean_hours,median_hours,p90_hours,reopened_tickets,open_tickets",
        "1,4.0,4.0,4.0,,1",
    ]


def test_config_table_path_glob(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "exports" / "a.csv", ["ticket_id", "created_at"], [["1", "2026-01-05T10:00:00Z"]])
    write_csv(tmp_path / "exports" / "b.csv", ["ticket_id", "created_at"], [["2", "2026-02-05T10:00:00Z"], ["3", "2026-02-06T10:00:00Z"]])
    config = tmp_path / "svcstats.toml"
    config.write_text('[tables.tickets]\npath = "exports/*.csv"\n', encoding="utf-8")
    result = cli("report", "support-volume", "--data", tmp_path, "--config", config, "--format", "csv", "--frequency", "monthly")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "period_start,period_end,partial,tickets,closed_tickets,open_tickets",
        "2026-01-01,2026-01-31,false,1,,",  # no close columns exported: the closed/open split is unknown
        "2026-02-01,2026-02-28,false,2,,",  # no range given: no period is cut
    ]


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ("colour = 'blue'\n", "'colour'"),
        ('[tables.tickets]\npaht = "x.csv"\n', "'tables.tickets.paht'"),
    ],
)
def test_unknown_config_key_is_a_usage_error(tmp_path: Path, cli, toml: str, key: str) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-01-05T10:00:00Z"]])
    config = tmp_path / "svcstats.toml"
    config.write_text(toml, encoding="utf-8")
    result = cli("report", "support-volume", "--data", tmp_path, "--config", config, "--format", "csv")
    assert result.code == 2
    assert result.stdout == ""
    assert one_line(result.stderr)
    assert f"unknown key {key}" in result.stderr


def test_missing_required_column_is_a_data_error(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", ["id", "created_at", "owner"], [["1", "2026-01-05T10:00:00Z", "Ann"]])
    result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv")
    assert result.code == 3
    assert result.stdout == ""
    assert one_line(result.stderr)
    assert "tickets.csv: required column 'ticket_id' not found (columns: id, created_at, owner)" in result.stderr


def test_missing_table_is_a_data_error(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type"], [["1", "2026-01-05T10:00:00Z", "agent"]])
    result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv")
    assert result.code == 3
    assert result.stdout == ""
    assert one_line(result.stderr)
    assert "table 'tickets' not found" in result.stderr
    with pytest.raises(DataError, match="table 'stage_history' not found"):
        Dataset(tmp_path).load("stage_history")


# -- HubSpot ticket export ------------------------------------------------------------------------

NEW_ENTERED = 'Date entered "New (Support Pipeline)"'
NEW_EXITED = 'Date exited "New (Support Pipeline)"'
CLOSED_ENTERED = 'Date entered "Closed (Support Pipeline)"'
HUBSPOT_HEADER = [
    "Ticket ID", "Ticket name", "Pipeline", "Ticket status", "Create date", "Close date", "Ticket owner",
    "Source", "Priority", "Time to close (HH:mm:ss)", NEW_ENTERED, NEW_EXITED, CLOSED_ENTERED,
]  # fmt: skip
# Local Oslo times. 104 spans the spring-forward night: 12:00 CET (11:00Z) to 12:00 CEST (10:00Z) = 47 h.
HUBSPOT_ROWS = [
    ["101", "Login broken", "Support Pipeline", "Closed", "2026-03-02 09:00", "2026-03-02 15:30", "Kari Nordmann",
     "Chat", "HIGH", "6:30:00", "2026-03-02 09:00", "2026-03-02 10:00", "2026-03-02 15:30"],
    ["102", "Invoice wrong", "Support Pipeline", "Closed", "2026-03-03 08:00", "2026-03-05 08:00", "Ola Hansen",
     "Email", "LOW", "48:00:00", "2026-03-03 08:00", "2026-03-04 12:00", "2026-03-05 08:00"],
    ["103", "Cannot log in", "Support Pipeline", "New", "2026-03-04 10:00", None, None,
     "Chat", "MEDIUM", None, "2026-03-04 10:00", None, None],
    ["104", "Over the DST night", "Support Pipeline", "Closed", "2026-03-28 12:00", "2026-03-30 12:00", "Kari Nordmann",
     "Chat", "HIGH", "47:00:00", "2026-03-28 12:00", "2026-03-29 12:00", "2026-03-30 12:00"],
]  # fmt: skip


@pytest.fixture
def hubspot(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", HUBSPOT_HEADER, HUBSPOT_ROWS)
    return tmp_path


def test_hubspot_export_is_detected_and_mapped(hubspot: Path) -> None:
    dataset = Dataset(hubspot, source_tz=OSLO)
    frame = dataset.load("tickets", ["closed_at", "owner", "source", "priority", "status", "pipeline", "subject"]).collect()
    assert rows(frame.sort("ticket_id").select("ticket_id", "created_at", "closed_at", "owner", "source", "priority", "status")) == [
        {"ticket_id": "101", "created_at": utc(2026, 3, 2, 8), "closed_at": utc(2026, 3, 2, 14, 30), "owner": "Kari Nordmann",
         "source": "chat", "priority": "HIGH", "status": "Closed"},
        {"ticket_id": "102", "created_at": utc(2026, 3, 3, 7), "closed_at": utc(2026, 3, 5, 7), "owner": "Ola Hansen",
         "source": "email", "priority": "LOW", "status": "Closed"},
        {"ticket_id": "103", "created_at": utc(2026, 3, 4, 9), "closed_at": None, "owner": None,
         "source": "chat", "priority": "MEDIUM", "status": "New"},
        {"ticket_id": "104", "created_at": utc(2026, 3, 28, 11), "closed_at": utc(2026, 3, 30, 10), "owner": "Kari Nordmann",
         "source": "chat", "priority": "HIGH", "status": "Closed"},
    ]  # fmt: skip
    assert set(frame["pipeline"]) == {"Support Pipeline"}
    assert "Time to close (HH:mm:ss)" in dataset.columns("tickets")  # unmapped columns pass through


def test_hubspot_time_to_close(hubspot: Path) -> None:
    per_ticket = run_report(hubspot, "ticket-time-to-close", source_tz=OSLO, totals=True, group_by=["ticket_id"])
    assert rows(per_ticket.result.select("ticket_id", "closed_tickets", "mean_hours", "open_tickets")) == [
        {"ticket_id": "101", "closed_tickets": 1, "mean_hours": pytest.approx(6.5), "open_tickets": 0},
        {"ticket_id": "102", "closed_tickets": 1, "mean_hours": pytest.approx(48.0), "open_tickets": 0},
        {"ticket_id": "103", "closed_tickets": 0, "mean_hours": None, "open_tickets": 1},
        {"ticket_id": "104", "closed_tickets": 1, "mean_hours": pytest.approx(47.0), "open_tickets": 0},
    ]
    # 6.5, 47, 48: mean 101.5 / 3; median 47; p90 at rank 1.8 -> 47 + 0.8 * 1 = 47.8
    totals = run_report(hubspot, "ticket-time-to-close", source_tz=OSLO, totals=True)
    assert rows(totals.result) == [
        {"closed_tickets": 3, "mean_hours": pytest.approx(101.5 / 3), "median_hours": pytest.approx(47.0),
         "p90_hours": pytest.approx(47.8), "reopened_tickets": None, "open_tickets": 1},
    ]  # fmt: skip
    # the export's stage columns keep only the latest visit, so reopens are unknown, not zero


def test_hubspot_support_volume_by_source(hubspot: Path, cli) -> None:
    outcome = run_report(hubspot, "support-volume", source_tz=OSLO, totals=True, group_by=["source"])
    assert rows(outcome.result) == [
        {"source": "chat", "tickets": 3, "closed_tickets": 2, "open_tickets": 1},
        {"source": "email", "tickets": 1, "closed_tickets": 1, "open_tickets": 0},
    ]
    result = cli("report", "support-volume", "--data", hubspot, "--source-tz", OSLO, "--format", "csv", "--totals", "--group-by", "rep")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "rep,tickets,closed_tickets,open_tickets",
        "Kari Nordmann,2,2,0",
        "Ola Hansen,1,1,0",
        "Unassigned,1,0,1",
    ]


def stage(ticket: str, name: str, entered: datetime, exited: datetime | None) -> dict[str, object]:
    return {"ticket_id": ticket, "pipeline": "Support Pipeline", "stage": name, "entered_at": entered, "exited_at": exited}


EXPECTED_STAGES = [
    stage("101", "New", utc(2026, 3, 2, 8), utc(2026, 3, 2, 9)),
    stage("101", "Closed", utc(2026, 3, 2, 14, 30), None),
    stage("102", "New", utc(2026, 3, 3, 7), utc(2026, 3, 4, 11)),
    stage("102", "Closed", utc(2026, 3, 5, 7), None),
    stage("103", "New", utc(2026, 3, 4, 9), None),
    stage("104", "New", utc(2026, 3, 28, 11), utc(2026, 3, 29, 10)),  # exits at 12:00 CEST on the DST Sunday
    stage("104", "Closed", utc(2026, 3, 30, 10), None),
]


def stage_rows(root: Path) -> list[dict[str, object]]:
    frame = Dataset(root, source_tz=OSLO).load("stage_history", ["pipeline", "exited_at", "stage_order", "is_closed_stage"]).collect()
    frame = frame.sort("ticket_id", "stage_order")
    assert frame.filter(pl.col("stage") == "Closed")["is_closed_stage"].to_list() in ([], [True] * 3)
    return rows(frame.select("ticket_id", "pipeline", "stage", "entered_at", "exited_at"))


def test_hubspot_stage_history_from_single_quoted_stage_headers(tmp_path: Path) -> None:
    # HubSpot's legacy stage columns quote the stage label with single quotes (no CSV escaping needed).
    header = [h.replace('"', "'") for h in HUBSPOT_HEADER]
    write_csv(tmp_path / "tickets.csv", header, HUBSPOT_ROWS)
    assert stage_rows(tmp_path) == EXPECTED_STAGES


def test_hubspot_stage_history_from_double_quoted_stage_headers(hubspot: Path) -> None:
    # write_csv (Python's csv module) writes the header as "Date entered ""New (Support Pipeline)""",
    # as every CSV writer must; Polars 2.1 leaves the doubled quotes in the column name, so the
    # loader must unescape them.
    assert stage_rows(hubspot) == EXPECTED_STAGES


def test_hubspot_detected_with_mixed_case_headers(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["TICKET ID", "create DATE", "close  date", "ticket OWNER", "SOURCE"],
        [["5", "2026-01-05 10:00", "2026-01-05 12:00", "Ann", "Form"]],
    )
    frame, _ = load(tmp_path, columns=["closed_at", "owner", "source"], source_tz=OSLO)
    assert rows(frame) == [
        {"ticket_id": "5", "created_at": utc(2026, 1, 5, 9), "closed_at": utc(2026, 1, 5, 11), "owner": "Ann", "source": "form"},
    ]


def test_hubspot_export_read_as_generic_suggests_hubspot(hubspot: Path, cli) -> None:
    result = cli("report", "support-volume", "--data", hubspot, "--source-tz", OSLO, "--source-format", "generic", "--format", "csv")
    assert result.code == 3
    assert result.stdout == ""
    assert one_line(result.stderr)
    assert "tickets.csv: required column 'created_at' not found" in result.stderr
    assert "Create date" in result.stderr  # the columns found are listed
    assert "--source-format hubspot" in result.stderr


def test_hubspot_export_without_source_tz_asks_for_it(hubspot: Path, cli) -> None:
    result = cli("report", "ticket-time-to-close", "--data", hubspot, "--format", "csv")
    assert result.code == 3
    assert result.stdout == ""
    assert "--source-tz" in result.stderr


def test_committed_hubspot_sample_loads() -> None:
    sample = REPO / "examples" / "hubspot" / "tickets.csv"
    if not sample.is_file():
        pytest.skip("examples/hubspot/tickets.csv is not committed yet")
    frame, findings = load(sample.parent, columns=["closed_at", "owner", "source"], source_tz=OSLO)
    assert frame.height > 0
    assert frame.schema["created_at"] == pl.Datetime("us", "UTC")
    assert frame["ticket_id"].null_count() == 0
    assert frame["ticket_id"].n_unique() == frame.height
    assert frame["created_at"].null_count() == 0
    assert set(frame["source"].drop_nulls()) <= {"chat", "email", "form", "phone", "other"}
    closed = frame.filter(pl.col("closed_at").is_not_null())
    assert (closed["closed_at"] >= closed["created_at"]).all()
    assert [f for f in findings if f.severity == "warning"] == []


@pytest.mark.parametrize(("text", "expected"), [("2026-01-05T10:00Z", utc(2026, 1, 5, 10)), ("2026-01-05 10:00+02:00", utc(2026, 1, 5, 8))])
def test_zoned_times_without_seconds(tmp_path: Path, text: str, expected: datetime) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", text]])
    frame, findings = load(tmp_path)
    assert frame["created_at"].to_list() == [expected]
    assert findings == []


# -- review fixes -----------------------------------------------------------------------------


def test_split_files_with_different_columns_use_them_all(tmp_path: Path) -> None:
    # b.csv sorts after a.csv but is the only one with is_closed: ticket 2 is marked open.
    write_csv(
        tmp_path / "tickets" / "a.csv", ["ticket_id", "created_at", "closed_at"], [["1", "2026-05-03T10:00:00Z", "2026-05-04T10:00:00Z"]]
    )
    write_csv(
        tmp_path / "tickets" / "b.csv",
        ["ticket_id", "created_at", "closed_at", "is_closed"],
        [["2", "2026-05-03T10:00:00Z", "2026-05-05T10:00:00Z", "false"]],
    )
    assert rows(run_report(tmp_path, "support-volume", totals=True).result) == [{"tickets": 2, "closed_tickets": 1, "open_tickets": 1}]


def test_config_mapping_wins_over_an_export_column_of_that_name(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["id", "opened", "created_at", "closed"],
        [["1", "2026-05-03T10:00:00Z", "2026-01-01T00:00:00Z", "2026-05-04T10:00:00Z"]],
    )
    config = tmp_path / "svcstats.toml"
    config.write_text('[tables.tickets.columns]\nid = "ticket_id"\nopened = "created_at"\nclosed = "closed_at"\n', encoding="utf-8")
    [total] = rows(run_report(tmp_path, "ticket-time-to-close", config=config, totals=True).result)
    assert total["mean_hours"] == 24.0  # from opened, not from the export's own created_at


def test_two_columns_mapped_onto_one_name_is_a_usage_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["id", "opened", "closed"], [["1", "2026-05-03T10:00:00Z", "2026-05-04T10:00:00Z"]])
    config = tmp_path / "svcstats.toml"
    config.write_text('[tables.tickets.columns]\nid = "ticket_id"\nopened = "created_at"\nclosed = "created_at"\n', encoding="utf-8")
    with pytest.raises(UsageError, match="maps two tickets columns onto 'created_at'"):
        run_report(tmp_path, "support-volume", config=config)


def test_duplicate_ticket_ids_keep_the_last_row_and_warn(tmp_path: Path) -> None:
    write_csv(
        tmp_path / "tickets" / "a.csv",
        ["ticket_id", "created_at", "closed_at"],
        [["1", "2026-05-03T10:00:00Z", None], ["2", "2026-05-03T10:00:00Z", None]],
    )
    write_csv(
        tmp_path / "tickets" / "b.csv", ["ticket_id", "created_at", "closed_at"], [["2", "2026-05-03T10:00:00Z", "2026-05-03T12:00:00Z"]]
    )
    outcome = run_report(tmp_path, "ticket-time-to-close", totals=True)
    [total] = rows(outcome.result)
    assert (total["closed_tickets"], total["open_tickets"], total["mean_hours"]) == (1, 1, 2.0)
    [duplicate] = [f for f in outcome.findings if f.what.startswith("duplicate")]
    assert (duplicate.rows, duplicate.example) == (1, "'2' on data row 2")


def test_numeric_timestamps_are_a_data_error(tmp_path: Path) -> None:
    pl.DataFrame({"ticket_id": ["1"], "created_at": [1_780_000_000]}).write_parquet(tmp_path / "tickets.parquet")
    with pytest.raises(DataError, match="created_at holds Int64 values, not date-times"):
        run_report(tmp_path, "support-volume", source_tz="UTC")


def test_zoned_extra_format_is_not_localised_again(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "03.05.2026 14:07+0200"]])
    frame, _ = load(tmp_path, config=Config(datetime_formats=["%d.%m.%Y %H:%M%z"]), source_tz="America/New_York")
    assert frame["created_at"].to_list() == [utc(2026, 5, 3, 12, 7)]


@pytest.mark.parametrize(
    ("content", "message"), [("ticket_id,owner\n1,Bjørn\n".encode("latin-1"), "is not UTF-8"), ("x".encode("utf-16"), "is UTF-16")]
)
def test_non_utf8_files_are_a_data_error(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "tickets.csv").write_bytes(content)
    with pytest.raises(DataError, match=message):
        run_report(tmp_path, "support-volume")


def test_a_table_present_twice_is_a_data_error(tmp_path: Path) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-05-03T10:00:00Z"]])
    pl.DataFrame({"ticket_id": ["1"], "created_at": [utc(2026, 5, 3, 10)]}).write_parquet(tmp_path / "tickets.parquet")
    with pytest.raises(DataError, match=r"holds tickets more than once \(tickets.parquet, tickets.csv\)"):
        run_report(tmp_path, "support-volume")
