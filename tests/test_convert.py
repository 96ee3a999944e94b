"""`svcstats data convert`: the Parquet copy gives the same reports as the export, the rows the
loader leaves out are counted, and the output folder is written atomically and never clobbered."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from svcstats.loaders.converted import MANIFEST
from tests.conftest import write_csv

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "data"
HUBSPOT = ROOT / "examples" / "hubspot"
AS_OF = "2026-11-01"  # pins "now", so open tickets and intervals end at the same instant on both sides


def report_csv(cli, report: str, data: Path, *extra: str) -> str:
    result = cli("report", report, "--data", data, "--as-of", AS_OF, "--format", "csv", *extra)
    assert result.code == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from svcstats.convert import convert
    from svcstats.loaders.dataset import Dataset

    out = tmp_path_factory.mktemp("converted") / "parquet"
    convert(Dataset(EXAMPLES, parse_text_once=False), out)
    return out


@pytest.mark.parametrize(
    "report", ["support-volume", "ticket-time-to-close", "customer-wait-time", "ticket-time-in-pipeline", "rep-availability", "csat"]
)
def test_reports_on_the_conversion_equal_reports_on_the_export(cli, converted: Path, report: str) -> None:
    assert report_csv(cli, report, converted) == report_csv(cli, report, EXAMPLES)


def test_each_table_is_one_typed_parquet_file_with_a_manifest(converted: Path) -> None:
    tables = ["tickets", "stage_history", "messages", "availability", "working_hours", "holidays", "csat"]
    tables += ["agent_conversations", "knowledge_gaps"]
    assert sorted(p.name for p in converted.iterdir()) == sorted([*(f"{t}.parquet" for t in tables), MANIFEST])
    tickets = pl.read_parquet(converted / "tickets.parquet")
    assert tickets.schema["created_at"] == pl.Datetime("us", "UTC")
    assert tickets.height == 2000  # examples/data/tickets.csv has 2000 clean rows
    manifest = json.loads((converted / MANIFEST).read_text())
    stat = (converted / "tickets.parquet").stat()
    assert manifest["tables"]["tickets"] == {
        "file": "tickets.parquet", "rows": 2000, "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns, "unique_ids": True
    }  # fmt: skip
    assert manifest["tables"]["working_hours"]["unique_ids"] is False  # a table without an id column
    assert manifest["latest_visits_only"] == []


def test_hubspot_conversion_needs_no_source_tz_and_keeps_its_meaning(cli, tmp_path: Path) -> None:
    out = tmp_path / "hubspot"
    result = cli("data", "convert", "--data", HUBSPOT, "--out", out, "--source-tz", "Europe/Oslo")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "stage_history.parquet", "tickets.parquet"])
    # the stage columns became stage_history; the tickets keep neutral names only (plus extras)
    assert not any(c.startswith("Date entered") for c in pl.read_parquet_schema(out / "tickets.parquet"))
    for report in ("support-volume", "ticket-time-to-close", "ticket-time-in-pipeline"):
        # weeks are Oslo weeks on both sides: the conversion remembers the export's zone
        assert report_csv(cli, report, out) == report_csv(cli, report, HUBSPOT, "--source-tz", "Europe/Oslo")
    # stage history from HubSpot's columns still counts as "latest visit only"
    first_close = cli("report", "ticket-time-to-close", "--data", out, "--close", "first")
    assert first_close.code == 2
    assert "needs first close dates" in first_close.stderr
    check = cli("data", "check", "--data", out, "--format", "json")
    notes = [r for r in json.loads(check.stdout) if r["table"] == "stage_history" and r["severity"] == "note"]
    assert len(notes) == 1


def test_hubspot_without_source_tz_fails_and_writes_nothing(cli, tmp_path: Path) -> None:
    out = tmp_path / "hubspot"
    result = cli("data", "convert", "--data", HUBSPOT, "--out", out)
    assert result.code == 3
    assert result.stderr.startswith("svcstats: error: tickets.csv: created_at holds times without a time zone")
    assert len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []  # neither out nor its temporary folder


@pytest.fixture
def dirty(tmp_path: Path) -> Path:
    """Five ticket rows: one with an unparseable created_at, ticket 2 twice (the last row is kept)."""
    data = tmp_path / "dirty"
    write_csv(
        data / "tickets.csv",
        ["ticket_id", "created_at", "owner"],
        [
            ["1", "2026-03-02T09:00:00Z", "Ann"],
            ["2", "2026-03-02T10:00:00Z", "Bob"],
            ["3", "yesterday", "Ann"],
            ["2", "2026-03-03T10:00:00Z", "Cy"],
            ["4", "2026-03-04T10:00:00Z", "Ann"],
        ],
    )
    return data


def test_rows_left_out_are_counted_on_stderr(cli, dirty: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("data", "convert", "--data", dirty, "--out", out)
    assert result.code == 0, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert "warning: tickets.csv: 1 row left out: created_at is not a valid timestamp (e.g. 'yesterday' on line 4)" in lines
    assert "warning: tickets.csv: 1 row left out: duplicate ticket_id (the last row of each is kept) (e.g. '2' on line 3)" in lines
    assert "tickets: 3 rows" in lines  # 5 rows - 1 unparseable - 1 earlier duplicate
    tickets = pl.read_parquet(out / "tickets.parquet").sort("ticket_id")
    assert tickets["ticket_id"].to_list() == ["1", "2", "4"]
    assert tickets["owner"].to_list() == ["Ann", "Cy", "Ann"]


def test_a_conversions_manifest_answers_the_duplicate_check(cli, dirty: Path, tmp_path: Path, monkeypatch) -> None:
    # the conversion wrote each ticket_id once (2 was there twice): its manifest says so, and a
    # report on it takes the ids as unique without a pass over them, until the file is changed
    from svcstats.loaders.dataset import Dataset

    out = tmp_path / "out"
    assert cli("data", "convert", "--data", dirty, "--out", out).code == 0
    passes: list[str] = []
    distinct = Dataset._distinct

    def counted(self, table, staged, key, raw):  # type: ignore[no-untyped-def]
        passes.append(key)
        return distinct(self, table, staged, key, raw)

    monkeypatch.setattr(Dataset, "_distinct", counted)
    assert report_csv(cli, "support-volume", out, "--totals") == "tickets,closed_tickets,open_tickets\n3,,\n"
    assert passes == []
    pl.read_parquet(out / "tickets.parquet").vstack(pl.read_parquet(out / "tickets.parquet")).write_parquet(out / "tickets.parquet")
    # the file is no longer the conversion's (written again): its ids are checked and counted again
    result = cli("report", "support-volume", "--data", out, "--as-of", AS_OF, "--totals", "--format", "csv")
    assert result.stdout == "tickets,closed_tickets,open_tickets\n3,,\n"
    assert "3 rows left out: duplicate ticket_id" in result.stderr
    assert passes == ["ticket_id"]


def test_a_manifest_written_before_it_listed_unique_ids_still_reads(cli, dirty: Path, tmp_path: Path) -> None:
    # an older conversion's manifest vouches for the text (no pass over it) but not for the ids'
    # uniqueness: the ids get their pass, with the same counts, instead of an internal error
    out = tmp_path / "out"
    assert cli("data", "convert", "--data", dirty, "--out", out).code == 0
    manifest = json.loads((out / MANIFEST).read_text())
    for table in manifest["tables"].values():
        table.pop("unique_ids", None)
    (out / MANIFEST).write_text(json.dumps(manifest))
    assert report_csv(cli, "support-volume", out, "--totals") == "tickets,closed_tickets,open_tickets\n3,,\n"


def test_a_conversions_text_is_read_as_it_wrote_it(tmp_path: Path) -> None:
    # the conversion writes parsed values (ids and text trimmed, sender types neutral words): the
    # loader's as-exported test passes on every such column, so its manifest stands for the pass
    from svcstats.convert import convert
    from svcstats.loaders.dataset import Dataset

    export = tmp_path / "export"
    write_csv(
        export / "tickets.csv",
        ["ticket_id", "created_at", "owner"],
        [[" 1", "2026-03-02T09:00:00Z", "Ann "], ["2", "2026-03-02T10:00:00Z", ""]],
    )
    header = ["message_id", "ticket_id", "sent_at", "sender_type", "sender"]
    write_csv(
        export / "messages.csv",
        header,
        [["m1", "1 ", "2026-03-02T09:05:00Z", "Rep", " Ann"], ["m2", "2", "2026-03-02T10:05:00Z", "contact", "x"]],
    )
    out = tmp_path / "out"
    convert(Dataset(export, parse_text_once=False), out)
    (out / MANIFEST).unlink()  # an ordinary Parquet folder now: the pass runs
    dataset = Dataset(out)
    dataset.load("tickets", ["owner"])
    dataset.load("messages", ["sender"])
    assert dataset._as_is == {
        "tickets": {"ticket_id": True, "owner": True},
        "messages": {"ticket_id": True, "sender_type": True, "sender": True, "message_id": True},
    }


def test_strict_fails_and_keeps_the_earlier_conversion(cli, dirty: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("data", "convert", "--data", EXAMPLES, "--out", out, "--tables", "holidays").code == 0
    result = cli("data", "convert", "--data", dirty, "--out", out, "--strict")
    assert result.code == 3
    assert result.stderr.startswith("svcstats: error: tickets.csv: created_at is not a valid timestamp in 1 row")
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "holidays.parquet"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dirty", "out"]  # no temporary folder left


def test_an_earlier_conversion_is_replaced_whole(cli, dirty: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli("data", "convert", "--data", EXAMPLES, "--out", out, "--tables", "holidays,csat").code == 0
    assert cli("data", "convert", "--data", dirty, "--out", out).code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "tickets.parquet"])


def test_tables_option_converts_only_those(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("data", "convert", "--data", EXAMPLES, "--out", out, "--tables", "working_hours, holidays")
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == ["working_hours: 55 rows", "holidays: 6 rows"]
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "holidays.parquet", "working_hours.parquet"])


@pytest.mark.parametrize(
    ("tables", "code", "message"),
    [
        ("tickets,nope", 2, "--tables: unknown table 'nope'"),
        ("messages", 3, "table 'messages' not found in"),
    ],
)
def test_bad_tables_option_is_one_line(cli, dirty: Path, tmp_path: Path, tables: str, code: int, message: str) -> None:
    result = cli("data", "convert", "--data", dirty, "--out", tmp_path / "out", "--tables", tables)
    assert result.code == code
    assert result.stderr.startswith(f"svcstats: error: {message}")
    assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_folder_that_is_not_a_conversion_is_refused(cli, dirty: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    write_csv(out / "notes.csv", ["a"], [["1"]])
    result = cli("data", "convert", "--data", dirty, "--out", out)
    assert result.code == 4
    assert result.stderr.startswith(f"svcstats: error: {out} is not empty and holds no earlier conversion")
    assert [p.name for p in out.iterdir()] == ["notes.csv"]
    a_file = cli("data", "convert", "--data", dirty, "--out", out / "notes.csv")
    assert a_file.code == 4
    itself = cli("data", "convert", "--data", dirty, "--out", dirty)
    assert itself.code == 2


def test_an_empty_folder_is_filled(cli, dirty: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert cli("data", "convert", "--data", dirty, "--out", out).code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([MANIFEST, "tickets.parquet"])
