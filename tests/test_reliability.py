"""Hostile and damaged input (issue 15): nothing lost, nothing silently wrong, no crash.

Each test drives the installed entry point (`svcstats.cli.main`, through the `cli` fixture) on
a small dataset written here, and states the expected figures by hand.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.conftest import write_csv


def one_line(text: str) -> bool:
    """True when stderr holds exactly one error line and no traceback."""
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) == 1 and "Traceback" not in text


# -- timestamps: every accepted form applies to every row ---------------------------------


def test_timestamp_forms_first_seen_after_the_sample_are_parsed(tmp_path: Path, cli) -> None:
    # 2,100 tickets in the "Z" form, then 3 with a +02:00 offset and fractional seconds: the
    # formats chosen from the first rows must not decide which later rows are valid.
    rows = [[str(i), "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"] for i in range(2100)]
    rows += [
        ["a", "2026-03-02T11:00:00+02:00", "2026-03-02T12:30:00.5+02:00"],  # 09:00Z -> 10:30:00.5Z
        ["b", "2026-03-02 11:00:00+02:00", "2026-03-02T10:00:00.250Z"],  # 09:00Z -> 10:00:00.25Z
        ["c", "2026-03-02T09:00Z", "2026-03-02T10:00:00Z"],
    ]
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], rows)
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    # 2,100 + 3 tickets, all closed; nothing left out
    assert result.stdout.splitlines() == ["tickets,closed_tickets,open_tickets", "2103,2103,0"]
    assert "left out" not in result.stderr


def test_sender_type_synonyms_after_the_sample_are_mapped(tmp_path: Path, cli) -> None:
    # 2,100 messages with the neutral words, then "Agent" and "contact" (synonyms): all kept.
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T08:00:00Z"]])
    rows = [["1", "2026-03-02T09:00:00Z", "customer", "true"] for _ in range(2100)]
    rows += [["1", "2026-03-02T10:00:00Z", "Agent", "true"], ["1", "2026-03-02T11:00:00Z", "contact", "true"]]
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type", "is_public"], rows)
    result = cli("report", "message-volume-by-hour", "--data", tmp_path, "--format", "csv")
    assert result.code == 0, result.stderr
    assert "left out" not in result.stderr
    by_hour = {line.split(",")[0]: line.split(",")[1:3] for line in result.stdout.splitlines()[1:]}
    # received: 2,100 at 09h, 1 at 11h ("contact"); sent: 1 at 10h ("Agent")
    assert by_hour["9"] == ["2100", "0"]
    assert by_hour["10"] == ["0", "1"]
    assert by_hour["11"] == ["1", "0"]


# -- duplicates: one rule for every table with an id ----------------------------------------


def test_duplicate_message_ids_are_counted_once_with_a_warning(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T08:00:00Z"]])
    header = ["message_id", "ticket_id", "sent_at", "sender_type", "is_public"]
    rows = [
        ["m1", "1", "2026-03-02T09:00:00Z", "customer", "true"],
        ["m2", "1", "2026-03-02T10:00:00Z", "agent", "true"],
        ["m2", "1", "2026-03-02T10:00:00Z", "agent", "true"],  # the same message exported twice
        ["", "1", "2026-03-02T11:00:00Z", "agent", "true"],  # no id: two different messages
        ["", "1", "2026-03-02T11:30:00Z", "agent", "true"],
    ]
    write_csv(tmp_path / "messages.csv", header, rows)
    result = cli("report", "message-volume-by-hour", "--data", tmp_path, "--format", "csv")
    assert result.code == 0, result.stderr
    by_hour = {line.split(",")[0]: line.split(",")[1:3] for line in result.stdout.splitlines()[1:]}
    assert by_hour["10"] == ["0", "1"]  # m2 once
    assert by_hour["11"] == ["0", "2"]  # the two messages without an id both count
    assert "messages.csv: 1 row left out: duplicate message_id" in result.stderr
    check = cli("data", "check", "--data", tmp_path, "--format", "csv")
    assert check.code == 3
    assert "messages,duplicate message_id (the last row of each is kept),error,1," in check.stdout


def test_duplicate_csat_response_ids_are_counted_once(tmp_path: Path, cli) -> None:
    header = ["response_id", "submitted_at", "rating", "scale_min", "scale_max"]
    rows = [
        ["r1", "2026-03-02T09:00:00Z", "5", "1", "5"],
        ["r1", "2026-03-02T09:00:00Z", "5", "1", "5"],  # exported twice
        ["r2", "2026-03-03T09:00:00Z", "1", "1", "5"],
    ]
    write_csv(tmp_path / "csat.csv", header, rows)
    result = cli("report", "csat", "--data", tmp_path, "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    # r1 positive (5 on 1-5), r2 negative (1): 1 / 2 = 50 %
    line = dict(zip(*[row.split(",") for row in result.stdout.splitlines()], strict=True))
    assert (line["responses"], line["positive"], line["csat_pct"]) == ("2", "1", "50.0")
    assert "csat.csv: 1 row left out: duplicate response_id" in result.stderr


def test_a_row_left_out_is_counted_once(tmp_path: Path, cli) -> None:
    rows = [
        ["1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"],
        ["", "not a time", "never"],  # three problems, one row
        ["", "", ""],  # empty id and created_at: one row (blank rows count once)
        ["2", "2026-03-02T09:00:00Z", "garbage"],
    ]
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "closed_at"], rows)
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "1,1,0"
    counts = [int(line.split(": ")[2].split()[0]) for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert sum(counts) == 3  # 4 rows given, 1 shown


# -- HubSpot stage columns ----------------------------------------------------------------

HS_STAGES = [("New", "08:00", "10:00", "08:00", "09:00"), ("Waiting on us", "10:00", "14:00", "09:00", "11:00")]


def hubspot_export(path: Path, *, reverse: bool = False, upper: bool = False, duplicate: bool = False) -> Path:
    """Two tickets through New -> Waiting on us -> Closed; columns optionally reversed or upper-cased."""
    columns: list[tuple[str, list[str]]] = [("Ticket ID", ["1", "2"]), ("Create date", ["2026-03-02 08:00", "2026-03-03 08:00"])]
    for stage, in1, out1, in2, out2 in HS_STAGES:
        columns.append((f'Date entered "{stage} (Support Pipeline)"', [f"2026-03-02 {in1}", f"2026-03-03 {in2}"]))
        columns.append((f'Date exited "{stage} (Support Pipeline)"', [f"2026-03-02 {out1}", f"2026-03-03 {out2}"]))
    columns.append(('Date entered "Closed (Support Pipeline)"', ["2026-03-02 14:00", "2026-03-03 11:00"]))
    if reverse:
        columns.reverse()
    header = [name.upper() if upper else name for name, _ in columns]
    rows = [[values[i] for _, values in columns] for i in range(2)]
    if duplicate:
        rows.append(rows[0])  # ticket 1 exported twice
    return write_csv(path / "tickets.csv", header, rows)


def pipeline_rows(cli, data: Path) -> list[dict[str, str]]:
    args = ["report", "ticket-time-in-pipeline", "--data", data, "--source-tz", "UTC", "--totals", "--include-closed"]
    result = cli(*args, "--as-of", "2026-03-31", "--format", "csv")
    assert result.code == 0, result.stderr
    header, *lines = result.stdout.splitlines()
    return [dict(zip(header.split(","), line.split(","), strict=True)) for line in lines]


def test_hubspot_stage_order_does_not_depend_on_column_order_or_case(tmp_path: Path, cli) -> None:
    orders = []
    for n, options in enumerate([{}, {"reverse": True}, {"upper": True}, {"reverse": True, "upper": True}]):
        rows = pipeline_rows(cli, hubspot_export(tmp_path / str(n), **options).parent)
        orders.append([(row["stage"].casefold(), row["stage_order"]) for row in rows])
    # New is entered first (0 h after the first entry), Waiting on us after 2 h and 1 h, Closed last
    expected = [("new", "1"), ("waiting on us", "2"), ("closed", "3")]
    assert orders == [expected] * 4


def test_hubspot_ticket_exported_twice_counts_its_stage_visits_once(tmp_path: Path, cli) -> None:
    rows = {row["stage"]: row for row in pipeline_rows(cli, hubspot_export(tmp_path, duplicate=True).parent)}
    # New: 2 h (ticket 1) and 1 h (ticket 2): 2 visits, mean 1.5 h; Waiting on us: 4 h and 2 h: mean 3 h
    assert (rows["New"]["visits"], rows["New"]["tickets"], rows["New"]["mean_hours"]) == ("2", "2", "1.5")
    assert (rows["Waiting on us"]["visits"], rows["Waiting on us"]["mean_hours"]) == ("2", "3.0")


# -- files svcstats writes: never outside the folder, never an input, never through a link ----


def test_export_refuses_saved_names_that_are_paths(tmp_path: Path, cli, monkeypatch) -> None:
    data = tmp_path / "data"
    write_csv(data / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"]])
    (tmp_path / "svcstats.toml").write_text('[saved."../../escaped"]\nreport = "support-volume"\n[saved."/tmp/abs"]\nreport = "csat"\n')
    monkeypatch.chdir(tmp_path)
    result = cli("export", "--reports", "../../escaped", "--out", tmp_path / "out" / "x", "--data", data)
    assert result.code == 2
    assert one_line(result.stderr)
    assert "is not a usable name" in result.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["data", "svcstats.toml", "tickets.csv"]  # nothing written


def test_output_never_replaces_an_input_table_or_a_link(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    tickets = write_csv(data / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"]])
    before = tickets.read_bytes()
    for target in (tickets, data / "new.csv", tmp_path / "data" / ".." / "data" / "tickets.csv"):
        result = cli("report", "support-volume", "--data", data, "--output", target)
        assert result.code == 4, result.stderr
        assert one_line(result.stderr)
        assert "is an input" in result.stderr
    check = cli("data", "check", "--data", data, "--output", tickets)
    assert check.code == 4
    assert tickets.read_bytes() == before
    link = tmp_path / "link.csv"
    link.symlink_to(tmp_path / "elsewhere.csv")
    result = cli("report", "support-volume", "--data", data, "--output", link)
    assert result.code == 4
    assert "symbolic link" in result.stderr
    assert link.is_symlink()
    assert not (tmp_path / "elsewhere.csv").exists()


def test_a_failed_run_leaves_no_new_folder_and_a_good_one_creates_it(tmp_path: Path, cli) -> None:
    data = tmp_path / "data"
    write_csv(data / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"]])
    target = tmp_path / "new" / "deep" / "x.csv"
    failed = cli("report", "support-volume", "--data", data, "--where", "no_such_column = 1", "--output", target)
    assert failed.code == 2, failed.stderr
    assert not (tmp_path / "new").exists()
    good = cli("report", "support-volume", "--data", data, "--totals", "--output", tmp_path / "new" / "deep" / "x.csv")
    assert good.code == 0, good.stderr
    assert (tmp_path / "new" / "deep" / "x.csv").read_text().startswith("tickets")
    (tmp_path / "file").write_text("")
    blocked = cli("report", "support-volume", "--data", data, "--output", tmp_path / "file" / "x.csv")
    assert blocked.code == 4
    assert "is not a folder" in blocked.stderr


def test_concurrent_saves_all_land_in_the_config(tmp_path: Path) -> None:
    import subprocess
    import sys

    data = tmp_path / "data"
    write_csv(data / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"]])
    config = tmp_path / "svcstats.toml"
    config.write_text("# kept\n")
    script = "import sys; from svcstats.cli import main; main(sys.argv[1:])"
    args = ["report", "support-volume", "--data", str(data), "--config", str(config), "--format", "csv", "--quiet"]
    runs = [subprocess.Popen([sys.executable, "-c", script, *args, "--save", f"s{n}"]) for n in range(6)]
    assert [run.wait(timeout=120) for run in runs] == [0] * 6
    import tomllib

    saved = tomllib.loads(config.read_text())["saved"]
    assert sorted(saved) == [f"s{n}" for n in range(6)]
    assert config.read_text().startswith("# kept\n")


# -- spreadsheet formula injection -----------------------------------------------------------


def test_csv_and_tsv_neutralise_formula_cells_but_not_numbers(tmp_path: Path, cli) -> None:
    rows = [
        ["1", "2026-03-02T09:00:00Z", '=HYPERLINK("http://127.0.0.1")'],
        ["2", "2026-03-02T09:00:00Z", "+47 Tier"],
        ["3", "2026-03-02T09:00:00Z", "-1"],
        ["4", "2026-03-02T09:00:00Z", "@SUM(A1)"],
        ["5", "2026-03-02T09:00:00Z", "Ann = lead"],  # not at the start: unchanged
    ]
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at", "owner"], rows)
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--group-by", "rep", "--format", "csv")
    assert result.code == 0, result.stderr
    import csv as csvlib

    table = list(csvlib.reader(result.stdout.splitlines()))
    assert table[0] == ["rep", "tickets", "closed_tickets", "open_tickets"]
    assert sorted(row[0] for row in table[1:]) == ["'+47 Tier", "'-1", '\'=HYPERLINK("http://127.0.0.1")', "'@SUM(A1)", "Ann = lead"]
    assert {row[1] for row in table[1:]} == {"1"}  # numbers untouched
    tsv = cli("report", "support-volume", "--data", tmp_path, "--totals", "--group-by", "rep", "--format", "tsv")
    assert "'@SUM(A1)\t1\t\t" in tsv.stdout.splitlines()
    as_json = cli("report", "support-volume", "--data", tmp_path, "--totals", "--group-by", "rep", "--format", "json")
    assert '"rep":"@SUM(A1)"' in as_json.stdout  # json is not for spreadsheets: values as they are


def test_xlsx_writes_reports_with_timestamp_columns(tmp_path: Path, cli) -> None:
    header = ["rep", "status", "started_at", "ended_at"]
    write_csv(tmp_path / "data" / "availability.csv", header, [["Ann", "Available", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"]])
    out = tmp_path / "peak.xlsx"
    result = cli("report", "max-available-reps", "--data", tmp_path / "data", "--from", "2026-03-02", "--to", "2026-03-02", "--output", out)
    assert result.code == 0, result.stderr
    import polars as pl

    frame = pl.read_excel(out)
    assert frame["max_available_reps"].to_list() == [1]
    assert str(frame["peak_at"][0]).startswith("2026-03-02 09:00")  # UTC, without the offset Excel cannot hold


# -- usage errors that were internal errors ----------------------------------------------------


def test_out_of_range_dates_zones_and_configs_are_usage_errors(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"]])
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    long_zone = tmp_path / "zone.toml"
    long_zone.write_text(f'tz = "Europe/{"x" * 300}"\n')
    for extra in (
        ["--as-of", "9999-12-31"],
        ["--last", "3000y"],
        ["--from", "0001-01-01"],
        ["--tz", "A" * 300],
        ["--source-tz", "Europe/" + "x" * 300],
        ["--config", deep],
        ["--config", long_zone],
    ):
        result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv", *extra)
        assert result.code == 2, (extra, result.stderr)
        assert one_line(result.stderr), result.stderr
        assert "internal error" not in result.stderr


# -- unreadable input: one line naming the table, file and line ----------------------------------


def test_a_malformed_csv_names_its_file_and_line(tmp_path: Path, cli) -> None:
    path = write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"]])
    with path.open("a", encoding="utf-8") as handle:
        handle.write('2,"2026-03-02T10:00:00Z\n3,2026-03-02T11:00:00Z\n')  # a quote never closed, from line 3
    result = cli("report", "support-volume", "--data", tmp_path, "--format", "csv")
    assert result.code == 3
    assert one_line(result.stderr)
    assert "tickets.csv: cannot read: line " in result.stderr
    check = cli("data", "check", "--data", tmp_path, "--format", "csv")
    assert check.code == 3
    assert "tickets,cannot read,error,,,tickets.csv: cannot read: line" in check.stdout


def test_a_table_there_but_unusable_is_an_error_not_absent(tmp_path: Path, cli) -> None:
    import os

    write_csv(tmp_path / "csat.csv", ["submitted_at", "rating"], [["2026-03-02T09:00:00Z", "5"]])
    (tmp_path / "tickets.csv").symlink_to(tmp_path / "gone.csv")
    os.mkfifo(tmp_path / "messages.csv")
    (tmp_path / "availability.csv").mkdir()
    check = cli("data", "check", "--data", tmp_path, "--format", "csv")
    assert check.code == 3
    rows = {line.split(",")[0]: line for line in check.stdout.splitlines()[1:] if ",cannot read," in line}
    assert sorted(rows) == ["availability", "messages", "tickets"]
    assert "symbolic link to nothing" in rows["tickets"]
    assert "not a regular file" in rows["messages"]
    assert "a folder" in rows["availability"]
    # csat does not need tickets: a broken tickets export does not stop it (1 response, 5 of 1-5: 100 %)
    csat = cli("report", "csat", "--data", tmp_path, "--totals", "--scale", "1-5", "--format", "csv")
    assert csat.code == 0, csat.stderr
    assert csat.stdout.splitlines()[1].startswith("100.0,1,1,")


def test_upper_case_table_names_are_read(tmp_path: Path, cli) -> None:
    write_csv(tmp_path / "TICKETS.CSV", ["ticket_id", "created_at"], [["1", "2026-03-02T09:00:00Z"], ["2", "2026-03-03T09:00:00Z"]])
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("2,")


def test_data_check_counts_what_reports_leave_out(tmp_path: Path, cli) -> None:
    write_csv(
        tmp_path / "tickets.csv",
        ["ticket_id", "created_at", "closed_at", "first_closed_at", "is_closed"],
        [
            ["1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", "2026-03-02T08:00:00Z", "true"],  # first close before created
            ["2", "2026-03-02T09:00:00Z", "someday", "", "true"],  # garbage in an optional timestamp
            ["3", "2026-03-02T09:00:00Z", "", "", "perhaps"],  # text in a true/false column
        ],
    )
    check = cli("data", "check", "--data", tmp_path, "--format", "csv")
    assert check.code == 3
    errors = {line.split(",")[1]: line.split(",")[3] for line in check.stdout.splitlines()[1:] if ",error," in line}
    assert errors == {
        "closed_at is not a valid timestamp": "1",
        "is_closed is not a valid bool": "1",
        "first_closed_at before created_at": "1",
    }


def test_an_empty_state_file_is_an_empty_state(tmp_path: Path, cli) -> None:
    header = ["question_id", "asked_at", "question", "conversation_id", "topic"]
    data = tmp_path / "data"
    write_csv(data / "knowledge_gaps.csv", header, [["Q1", "2026-03-02T10:00:00Z", "refund?", "C1", "Refunds"]])
    (tmp_path / "state.db").write_bytes(b"")  # what a first write killed mid-way leaves
    config = tmp_path / "svcstats.toml"
    config.write_text(f'[agent]\nstate = "{tmp_path / "state.db"}"\n')
    listed = cli("knowledge-gaps", "list", "--data", data, "--config", config, "--format", "csv")
    assert listed.code == 0, listed.stderr
    assert listed.stdout.splitlines()[1].startswith("Refunds,1,1,")
    dismissed = cli("knowledge-gaps", "dismiss", "Refunds", "--data", data, "--config", config)
    assert dismissed.code == 0, dismissed.stderr
    after = cli("knowledge-gaps", "list", "--data", data, "--config", config, "--format", "csv")
    assert after.code == 0, after.stderr
    assert "Refunds" not in after.stdout  # dismissed: stored in the (formerly empty) state file


def test_a_fully_quoted_hubspot_export_has_no_empty_stage_entries(tmp_path: Path, cli) -> None:
    import csv

    path = hubspot_export(tmp_path)
    with path.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    rows[1][header.index('Date entered "Waiting on us (Support Pipeline)"')] = ""  # ticket 2 skipped the stage
    rows[1][header.index('Date exited "Waiting on us (Support Pipeline)"')] = ""
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL).writerows([header, *rows])  # "" for every empty value
    result = cli("report", "ticket-time-in-pipeline", "--data", tmp_path, "--source-tz", "UTC", "--totals", "--format", "csv")
    assert result.code == 0, result.stderr
    assert "left out" not in result.stderr
    stages = {line.split(",")[1]: line.split(",")[2] for line in result.stdout.splitlines()[1:]}
    assert stages == {"New": "2", "Waiting on us": "1"}  # tickets per stage


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_an_unknown_sender_word_is_counted_as_such_not_as_empty(tmp_path: Path, cli, suffix: str) -> None:
    # "robot" is no sender type svcstats knows; the third message has none: two different findings
    write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-03-02T08:00:00Z"]])
    rows = [
        ["1", f"2026-03-02T{h}:00:00Z", sender, "true"] for h, sender in [("09", "customer"), ("10", "robot"), ("11", ""), ("12", "agent")]
    ]
    write_csv(tmp_path / "messages.csv", ["ticket_id", "sent_at", "sender_type", "is_public"], rows)
    if suffix == "parquet":
        messages = pl.read_csv(tmp_path / "messages.csv", infer_schema=False)
        messages.with_columns(pl.col("sender_type").replace("", None)).write_parquet(tmp_path / "messages.parquet")
        (tmp_path / "messages.csv").unlink()
    result = cli("report", "message-volume-by-hour", "--data", tmp_path, "--format", "csv")
    assert result.code == 0, result.stderr
    where = "line 3" if suffix == "csv" else "data row 2"
    assert f"1 row left out: sender_type is not a valid sender type (e.g. 'robot' on {where})" in result.stderr
    assert "1 row left out: sender_type is empty" in result.stderr
