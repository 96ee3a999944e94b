"""Help-desk exports read as they come (issue 13): each help desk's fixture in its real layout
(tests/fixtures/<desk>/), recognised from its headers and run without any config. Every
expected figure is worked out by hand from the fixture rows, in the comments."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import write_csv

FIXTURES = Path(__file__).parent / "fixtures"
ZENDESK = FIXTURES / "zendesk"
ZENDESK_FILE = ZENDESK / "export_2026_05_13_8f3a2c_1.csv"
FRESHDESK = FIXTURES / "freshdesk"
INTERCOM = FIXTURES / "intercom"
CHATWOOT = FIXTURES / "chatwoot"
OSLO, NEW_YORK = "Europe/Oslo", "America/New_York"


def table(text: str) -> list[dict[str, str]]:
    """CSV output as a list of rows."""
    return list(csv.DictReader(io.StringIO(text)))


def report(cli, data: Path, name: str, *args: str) -> list[dict[str, str]]:
    """The report's rows, without period_end and partial (each period's end: tested with issue 14)."""
    result = cli("report", name, "--data", data, "--format", "csv", *args)
    assert result.code == 0, result.stderr
    return [{k: v for k, v in row.items() if k not in ("period_end", "partial")} for row in table(result.stdout)]


# -- Zendesk: times in the account zone (Oslo, UTC+2 in May), durations in minutes ----------------
# 101 created 05-04 09:00 solved 15:00 (6 h)  Closed  Mail      Ana  Good  first reply 30 min
# 102 created 05-05 10:00 solved 05-07 10:00 (48 h) Solved Web form Ana  Bad   first reply 120 min
# 103 created 05-06 14:30 -                   Open    Chat      Ben  Offered     first reply 5 min
# 104 created 05-11 08:00 solved 20:00 (12 h) Solved  Voice     Ben  Good  first reply 60 min
# 105 created 05-12 11:00 -                   New     Api       -    Not Offered no reply


def test_zendesk_support_volume_weekly(cli) -> None:
    rows = report(cli, ZENDESK, "support-volume", "--source-tz", OSLO)
    # week of 05-04: 101 102 103 created, 101 102 closed; week of 05-11: 104 105 created, 104 closed
    assert rows == [
        {"period_start": "2026-05-04", "tickets": "3", "closed_tickets": "2", "open_tickets": "1"},
        {"period_start": "2026-05-11", "tickets": "2", "closed_tickets": "1", "open_tickets": "1"},
    ]


def test_zendesk_via_names_the_source(cli) -> None:
    rows = report(cli, ZENDESK, "support-volume", "--source-tz", OSLO, "--totals", "--group-by", "source")
    # Mail -> email, Web form -> form, Chat -> chat, Voice -> phone, Api -> other
    assert {r["source"]: r["tickets"] for r in rows} == {"chat": "1", "email": "1", "form": "1", "other": "1", "phone": "1"}


def test_zendesk_time_to_close(cli) -> None:
    [row] = report(cli, ZENDESK, "ticket-time-to-close", "--source-tz", OSLO, "--totals")
    # closed: 6 h, 48 h, 12 h -> mean 66 / 3 = 22, median 12; open 103 and 105
    assert (row["closed_tickets"], float(row["mean_hours"]), float(row["median_hours"]), row["open_tickets"]) == ("3", 22.0, 12.0, "2")


def test_zendesk_first_reply_minutes_stand_in_for_messages_with_a_note(cli) -> None:
    result = cli("report", "ticket-time-to-first-response", "--data", ZENDESK, "--source-tz", OSLO, "--format", "csv", "--totals")
    [row] = table(result.stdout)
    # 30, 120, 5, 60 min = 0.5, 2, 1/12, 1 h: mean 3.58333 / 4 = 0.895833, median (0.5 + 1) / 2 = 0.75; 105 unreplied
    assert row["replied_tickets"] == "4" and row["unreplied_tickets"] == "1"
    assert float(row["mean_hours"]) == pytest.approx(0.8958, abs=1e-4)
    assert float(row["median_hours"]) == 0.75
    assert "4 tickets timed from the export's figure" in result.stderr
    assert "First reply time in minutes" in result.stderr


def test_zendesk_good_bad_ratings(cli) -> None:
    [row] = report(cli, ZENDESK, "csat", "--source-tz", OSLO, "--totals")
    # Good 101 104 = 1, Bad 102 = 0 on 0-1; Offered 103 is unrated; Not Offered 105 is no response
    # csat = 2 / 3 = 66.67 %, mean rating 2 / 3
    assert row["responses"] == "3" and row["positive"] == "2" and row["negative"] == "1" and row["unrated"] == "1"
    assert float(row["csat_pct"]) == pytest.approx(200 / 3, abs=1e-3)
    assert row["scale"] == "0-1"


def test_zendesk_csat_by_rep(cli) -> None:
    rows = report(cli, ZENDESK, "csat", "--source-tz", OSLO, "--totals", "--group-by", "rep")
    # Ana: Good + Bad = 1 / 2 = 50 %; Ben: Good (104) = 100 %, Offered (103) unrated
    assert {r["rep"]: (r["responses"], float(r["csat_pct"])) for r in rows} == {"Ana Silva": ("2", 50.0), "Ben Okafor": ("1", 100.0)}


def test_zendesk_verbose_says_which_help_desk(cli) -> None:
    result = cli("report", "support-volume", "--data", ZENDESK, "--source-tz", OSLO, "--format", "csv", "-v")
    assert "tickets read from the Zendesk export: export_2026_05_13_8f3a2c_1.csv" in result.stderr


def test_zendesk_one_export_file_as_data(cli) -> None:
    [row] = report(cli, ZENDESK_FILE, "ticket-time-to-close", "--source-tz", OSLO, "--totals")
    assert row["closed_tickets"] == "3"  # as from the folder


def test_zendesk_export_named_tickets_csv_is_recognised_too(cli, tmp_path: Path) -> None:
    shutil.copy(ZENDESK_FILE, tmp_path / "tickets.csv")
    [row] = report(cli, tmp_path, "ticket-time-to-close", "--source-tz", OSLO, "--totals")
    assert float(row["mean_hours"]) == 22.0


def test_zendesk_needs_the_account_time_zone(cli) -> None:
    result = cli("report", "support-volume", "--data", ZENDESK, "--format", "csv")
    assert result.code == 3
    assert "no source time zone is set" in result.stderr and "--source-tz" in result.stderr


def test_zendesk_read_as_generic_suggests_zendesk(cli) -> None:
    result = cli("report", "support-volume", "--data", ZENDESK_FILE, "--source-tz", OSLO, "--source-format", "generic")
    assert result.code == 3
    assert "--source-format zendesk" in result.stderr and "hubspot" not in result.stderr


def test_zendesk_named_format(cli) -> None:
    rows = report(cli, ZENDESK, "support-volume", "--source-tz", OSLO, "--source-format", "zendesk", "--totals")
    assert rows[0]["tickets"] == "5"


def test_zendesk_bad_minutes_are_counted(cli, tmp_path: Path) -> None:
    text = ZENDESK_FILE.read_text().replace(",30,30,360,", ",half an hour,30,360,", 1)
    (tmp_path / "export.csv").write_text(text)
    result = cli("report", "ticket-time-to-first-response", "--data", tmp_path, "--source-tz", OSLO, "--format", "csv", "--totals")
    [row] = table(result.stdout)
    assert row["replied_tickets"] == "3"  # 101's first reply cannot be read
    assert "1 row with a value: First reply time in minutes is not a number of minutes" in result.stderr
    assert "'half an hour'" in result.stderr


def test_zendesk_messages_missing_names_zendesk(cli) -> None:
    result = cli("report", "chat-wait-time", "--data", ZENDESK, "--source-tz", OSLO)
    assert result.code == 3
    assert "Zendesk's export carries no messages" in result.stderr


# -- Freshdesk: times in the account zone (New York), "(in hrs)" columns are HH:MM:SS --------------
# 201 created 05-04 09:00 resolved 13:00 (4 h)          first response 09:45 (0.75 h)  Extremely Happy (7)
# 202 created 05-05 08:00 resolved 05-06 08:00 (24 h)   first response 10:00 (2 h)     Unhappy (3)
# 203 created 05-06 12:00 open                          first response 12:06 (0.1 h)
# 204 created 05-11 07:30 closed 17:30, no resolved time (10 h)  first response 08:30 (1 h)  Very Happy (6)
# 205 created 05-12 16:00 pending                       no response


def test_freshdesk_time_to_close_uses_resolved_then_closed_time(cli) -> None:
    [row] = report(cli, FRESHDESK, "ticket-time-to-close", "--source-tz", NEW_YORK, "--totals")
    # 4 + 24 + 10 = 38 / 3 = 12.667 h, median 10
    assert row["closed_tickets"] == "3" and row["open_tickets"] == "2"
    assert float(row["mean_hours"]) == pytest.approx(38 / 3, abs=1e-4) and float(row["median_hours"]) == 10.0


def test_freshdesk_first_response(cli) -> None:
    [row] = report(cli, FRESHDESK, "ticket-time-to-first-response", "--source-tz", NEW_YORK, "--totals")
    # 0.75 + 2 + 0.1 + 1 = 3.85 / 4 = 0.9625, median (0.75 + 1) / 2 = 0.875; 205 unreplied
    assert (row["replied_tickets"], row["unreplied_tickets"]) == ("4", "1")
    assert float(row["mean_hours"]) == pytest.approx(0.9625) and float(row["median_hours"]) == pytest.approx(0.875)


def test_freshdesk_seven_point_survey(cli) -> None:
    [row] = report(cli, FRESHDESK, "csat", "--source-tz", NEW_YORK, "--totals")
    # 7 and 6 positive (6-7), 3 negative (1-3): 2 / 3; mean (7 + 3 + 6) / 3 = 5.333
    assert (row["responses"], row["positive"], row["negative"], row["scale"]) == ("3", "2", "1", "1-7")
    assert float(row["mean_rating"]) == pytest.approx(16 / 3, abs=1e-4)


def test_freshdesk_numeric_survey_scores(cli, tmp_path: Path) -> None:
    text = (FRESHDESK / "Freshdesk_tickets_export.csv").read_text()
    text = text.replace("Extremely Happy", "103").replace("Unhappy", "-101").replace("Very Happy", "102")
    (tmp_path / "export.csv").write_text(text)
    [row] = report(cli, tmp_path, "csat", "--source-tz", NEW_YORK, "--totals")
    # 103 -> 7, -101 -> 3, 102 -> 6: the same as the labels
    assert float(row["mean_rating"]) == pytest.approx(16 / 3, abs=1e-4)


def test_freshdesk_weekly_volume_in_new_york_days(cli) -> None:
    rows = report(cli, FRESHDESK, "support-volume", "--source-tz", NEW_YORK)
    # week of 05-04: 201 202 203; week of 05-11: 204 205
    assert [(r["period_start"], r["tickets"]) for r in rows] == [("2026-05-04", "3"), ("2026-05-11", "2")]


# -- Intercom: API conversations, Unix seconds (UTC), two pages (conversations.json, -2.json) --------
# 301 05-04 08:00 closed  first admin reply +10 min, closed +1 h          rating 5
# 302 05-05 12:00 closed  first admin reply +30 min, first close +3 h, last close +27 h (reopened)  rating 2
# 303 05-06 15:00 open    first admin reply +2 h                          email
# 304 05-12 09:00 snoozed no reply                                         phone call
# 305 05-07 10:00 closed +10 min by Fin alone: assumed_resolution, Fin rating 5
# 306 05-07 11:00 closed +1 h: Fin routed_to_team, Fin rating 2; admin reply +20 min


def test_intercom_time_to_close_last_close(cli) -> None:
    [row] = report(cli, INTERCOM, "ticket-time-to-close", "--totals")
    # 1 h, 27 h, 1/6 h, 1 h -> mean 29.1667 / 4 = 7.2917, median 1; 302 was reopened
    assert (row["closed_tickets"], row["reopened_tickets"], row["open_tickets"]) == ("4", "1", "2")
    assert float(row["mean_hours"]) == pytest.approx(7.2917, abs=1e-4) and float(row["median_hours"]) == 1.0


def test_intercom_time_to_first_close(cli) -> None:
    [row] = report(cli, INTERCOM, "ticket-time-to-close", "--totals", "--close", "first")
    # 1 h, 3 h, 1/6 h, 1 h -> mean 5.1667 / 4 = 1.2917
    assert float(row["mean_hours"]) == pytest.approx(1.2917, abs=1e-4)


def test_intercom_first_response(cli) -> None:
    [row] = report(cli, INTERCOM, "ticket-time-to-first-response", "--totals")
    # 1/6 + 1/2 + 2 + 1/3 = 3 h over 4 = 0.75; median (1/3 + 1/2) / 2 = 0.4167; 304 and 305 (Fin only) unreplied
    assert (row["replied_tickets"], row["unreplied_tickets"]) == ("4", "2")
    assert float(row["mean_hours"]) == 0.75 and float(row["median_hours"]) == pytest.approx(0.4167, abs=1e-4)


def test_intercom_ratings(cli) -> None:
    [row] = report(cli, INTERCOM, "csat", "--totals")
    # 5 positive, 2 negative on 1-5: 50 %, mean 3.5; 303 and 304 were not rated (no response)
    assert (row["responses"], row["positive"], row["negative"], float(row["csat_pct"]), float(row["mean_rating"])) == (
        "2",
        "1",
        "1",
        50.0,
        3.5,
    )


def test_intercom_ndjson_reads_like_the_json_page(cli, tmp_path: Path) -> None:
    page = json.loads((INTERCOM / "conversations.json").read_text())
    (tmp_path / "intercom-conversations.ndjson").write_text("\n".join(json.dumps(c) for c in page["conversations"]) + "\n")
    [row] = report(cli, tmp_path, "ticket-time-to-first-response", "--totals")
    assert float(row["mean_hours"]) == pytest.approx(8 / 9, abs=1e-4)  # 301-304 only: (1/6 + 1/2 + 2) / 3


def test_intercom_by_source(cli) -> None:
    rows = report(cli, INTERCOM, "support-volume", "--totals", "--group-by", "source")
    # source.type conversation (301 302 305 306) -> chat, email (303), phone_call (304) -> phone
    assert {r["source"]: r["tickets"] for r in rows} == {"chat": "4", "email": "1", "phone": "1"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # Fin took part in 305 and 306 only; chat had Fin from 305 on, so 301 and 302 (before) and the
        # email and phone conversations are not counted: 2 / 2
        ("agent-handling-rate", {"handle_pct": "100.0", "handled": "2", "conversations": "2"}),
        # 305 resolved (answered, no human, rating 5); 306 routed to the team: 1 / 2
        ("agent-resolution-rate", {"resolution_pct": "50.0", "resolved": "1", "judged": "2"}),
        ("agent-deflection-rate", {"deflection_pct": "50.0", "deflected": "1", "judged": "2"}),
        ("agent-handoff-rate", {"handoff_pct": "50.0", "handoffs": "1", "judged": "2"}),
        # Fin ratings 5 (helpful) and 2 (not helpful)
        ("agent-feedback-trend", {"helpful_pct": "50.0", "helpful": "1", "not_helpful": "1"}),
    ],
)
def test_intercom_fin_conversations(cli, name: str, expected: dict[str, str]) -> None:
    [row] = report(cli, INTERCOM, name, "--totals", "--as-of", "2026-05-31")
    assert {k: row[k] for k in expected} == expected


# -- Chatwoot: API conversations (Unix seconds) and the CSAT download ("... UTC") -------------------
# 401 05-04 10:00 resolved first reply +15 min  Eva  Sales  web widget
# 402 05-05 09:00 open     first reply +1 h     Eva  -      email
# 403 05-11 14:00 pending  no reply             -    -      web widget
# CSAT: 5 (401), 2 (402), 4 (403), all Eva Berg; a "Reporting period ..." line ends the file


def test_chatwoot_first_response(cli) -> None:
    [row] = report(cli, CHATWOOT, "ticket-time-to-first-response", "--totals")
    # 0.25 h and 1 h: mean 0.625; 403 unreplied
    assert (row["replied_tickets"], row["unreplied_tickets"], float(row["mean_hours"])) == ("2", "1", 0.625)


def test_chatwoot_support_volume(cli) -> None:
    rows = report(cli, CHATWOOT, "support-volume", "--group-by", "source")
    # week of 05-04: 401 chat, 402 email (401 resolved); week of 05-11: 403 chat
    got = {(r["period_start"], r["source"]): (r["tickets"], r["closed_tickets"]) for r in rows if r["tickets"] != "0"}
    assert got == {("2026-05-04", "chat"): ("1", "1"), ("2026-05-04", "email"): ("1", "0"), ("2026-05-11", "chat"): ("1", "0")}


def test_chatwoot_csat_download(cli) -> None:
    result = cli("report", "csat", "--data", CHATWOOT, "--format", "csv", "--totals", "--group-by", "rep")
    [row] = table(result.stdout)
    # 5 and 4 positive (4-5), 2 negative: 2 / 3; mean 11 / 3; "Eva Berg (eva@...)" read as Eva Berg
    assert (row["rep"], row["responses"], row["positive"], row["negative"]) == ("Eva Berg", "3", "2", "1")
    assert float(row["mean_rating"]) == pytest.approx(11 / 3, abs=1e-4)
    assert "warning" not in result.stderr  # the trailing "Reporting period" line is not a response


def test_chatwoot_time_to_close_says_what_is_missing(cli) -> None:
    result = cli("report", "ticket-time-to-close", "--data", CHATWOOT)
    assert result.code == 3
    assert "Chatwoot's conversation JSON has no resolution time" in result.stderr


def test_chatwoot_aggregate_report_is_refused_with_a_reason(cli, tmp_path: Path) -> None:
    (tmp_path / "agent_report.csv").write_text(
        "Reporting period 2026-05-01 to 2026-05-31\n\n"
        "Agent name,Assigned conversations,Avg first response time,Avg resolution time,Resolution Count,Avg customer waiting time\n"
        "Eva Berg,12,5 minutes 10 seconds,1 hour 3 minutes,10,2 minutes\n"
    )
    result = cli("report", "support-volume", "--data", tmp_path)
    assert result.code == 3
    assert "agent_report.csv is a Chatwoot report download" in result.stderr and "averages" in result.stderr


# -- data check and data map ------------------------------------------------------------------------


def test_data_check_names_the_help_desk(cli) -> None:
    result = cli("data", "check", "--data", ZENDESK, "--source-tz", OSLO, "--format", "csv")
    assert result.code == 0, result.stderr
    assert "tickets read from the Zendesk export" in result.stderr
    assert "csat read from the Zendesk export" in result.stderr
    rows = table(result.stdout)
    note = next(r for r in rows if "First reply time" in r["check"])
    assert (note["severity"], note["rows"]) == ("note", "4")


def test_data_map_writes_a_stub_that_loads(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_csv(
        tmp_path / "exports" / "cases-may.csv",
        ["Case Number", "Opened", "Closed On", "Assigned To", "Queue", "Channel", "Notes"],
        [
            ["1", "2026-05-04T09:00:00Z", "2026-05-04T12:00:00Z", "Ann", "T1", "Email", "x"],
            ["2", "2026-05-05T09:00:00Z", None, "Bob", "T2", "Chat", ""],
        ],
    )
    monkeypatch.chdir(tmp_path)
    result = cli("data", "map", "exports/cases-may.csv")
    assert result.code == 0, result.stderr
    assert '"Case Number" = "ticket_id"' in result.stdout and '"Opened" = "created_at"' in result.stdout
    assert '"Closed On" = "closed_at"' in result.stdout and '"Queue" = "team"' in result.stdout
    assert "source_tz" not in result.stdout  # the times carry a zone
    (tmp_path / "svcstats.toml").write_text(result.stdout)
    [row] = table(cli("report", "ticket-time-to-close", "--totals", "--format", "csv").stdout)
    assert (row["closed_tickets"], float(row["mean_hours"])) == ("1", 3.0)  # 09:00 -> 12:00


def test_data_map_asks_for_the_zone_of_local_times(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ["Ticket Number", "Created"], [["1", "2026-05-04 09:00"]])
    out = cli("data", "map", path).stdout
    assert "# source_tz" in out and "REQUIRED" in out


def test_data_map_on_a_recognised_export(cli) -> None:
    result = cli("data", "map", ZENDESK_FILE)
    assert result.code == 0
    assert "is a Zendesk export" in result.stdout and 'source_format = "zendesk"' in result.stdout


# -- one export file, and HubSpot under its own name -------------------------------------------------


def test_unrecognised_data_file_points_at_data_map(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "cases.csv", ["Case Number", "Opened"], [["1", "2026-05-04T09:00:00Z"]])
    result = cli("report", "support-volume", "--data", path)
    assert result.code == 3
    assert "cases.csv is not a help desk's export svcstats recognises" in result.stderr
    assert f"svcstats data map {path}" in result.stderr


def test_generic_data_file_named_after_its_table(cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "tickets.csv", ["ticket_id", "created_at"], [["1", "2026-05-04T09:00:00Z"], ["2", "2026-05-05T09:00:00Z"]])
    [row] = report(cli, path, "support-volume", "--totals")
    assert row["tickets"] == "2"


def test_hubspot_export_under_its_own_name(cli, tmp_path: Path) -> None:
    shutil.copy(Path(__file__).parent.parent / "examples" / "hubspot" / "tickets.csv", tmp_path / "ticket-export-25092025.csv")
    pinned = ("--source-tz", OSLO, "--totals", "--as-of", "2026-08-01")  # open visits end at --as-of: the same in both runs
    by_name = report(cli, Path(__file__).parent.parent / "examples" / "hubspot", "ticket-time-in-pipeline", *pinned)
    own_name = report(cli, tmp_path, "ticket-time-in-pipeline", *pinned)
    assert own_name == by_name  # stage columns still give stage_history
    result = cli("report", "support-volume", "--data", tmp_path, "--source-tz", OSLO, "-v", "--format", "csv")
    assert "tickets read from the HubSpot export: ticket-export-25092025.csv" in result.stderr


def test_unix_seconds_that_are_no_number_are_counted(cli, tmp_path: Path) -> None:
    page = json.loads((INTERCOM / "conversations.json").read_text())
    page["conversations"][0]["created_at"] = "yesterday"
    (tmp_path / "conversations.json").write_text(json.dumps(page))
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--format", "csv")
    [row] = table(result.stdout)
    assert row["tickets"] == "3"  # 301 left out, with a warning and its value
    assert "1 row left out: created_at is not a valid timestamp (e.g. 'yesterday'" in result.stderr


def test_freshdesk_excel_export_with_typed_times(cli, tmp_path: Path) -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("xlsxwriter")
    frame = pl.read_csv(FRESHDESK / "Freshdesk_tickets_export.csv", infer_schema=False)
    times = ("Created time", "Resolved time", "Closed time", "Initial response time")
    frame.with_columns(pl.col(times).str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)).write_excel(tmp_path / "Freshdesk export.xlsx")
    [row] = report(cli, tmp_path, "ticket-time-to-close", "--source-tz", NEW_YORK, "--totals")
    assert float(row["mean_hours"]) == pytest.approx(38 / 3, abs=1e-4)  # as from the CSV


def test_zendesk_newer_survey_scores_one_to_five(cli, tmp_path: Path) -> None:
    text = ZENDESK_FILE.read_text()
    for old, new in ((",Good,", ",5,"), (",Bad,", ",2,"), (",Good,", ",4,"), (",Offered,", ",,")):
        text = text.replace(old, new, 1)
    (tmp_path / "export.csv").write_text(text)
    [row] = report(cli, tmp_path, "csat", "--source-tz", OSLO, "--totals")
    # 5 and 4 positive on 1-5, 2 negative; 103 (now blank) had no survey: 2 / 3, mean 11 / 3
    assert (row["responses"], row["positive"], row["negative"], row["unrated"], row["scale"]) == ("3", "2", "1", "0", "1-5")
    assert float(row["mean_rating"]) == pytest.approx(11 / 3, abs=1e-4)


def test_manifests_in_the_folder_are_not_read_as_exports(cli, tmp_path: Path) -> None:
    shutil.copy(ZENDESK_FILE, tmp_path / "export.csv")
    (tmp_path / "svcstats-pull.json").write_text('{"tables": {}, "conversations": [{"id": 1, "created_at": 1, "status": "open"}]}')
    [row] = report(cli, tmp_path, "support-volume", "--source-tz", OSLO, "--totals")
    assert row["tickets"] == "5"


def test_data_map_on_nested_json_then_reports(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = {"conversations": [
        {"id": 1, "status": "closed", "createdAt": "2026-05-04T09:00:00Z", "closedAt": "2026-05-04T10:30:00Z", "assignee": {"first": "A"}},
        {"id": 2, "status": "active", "createdAt": "2026-05-05T09:00:00Z", "closedAt": None, "assignee": {"first": "Bo"}},
    ]}  # fmt: skip
    (tmp_path / "helpscout.json").write_text(json.dumps(page))
    monkeypatch.chdir(tmp_path)
    stub = cli("data", "map", "helpscout.json").stdout
    assert '"createdAt" = "created_at"' in stub and '"closedAt" = "closed_at"' in stub  # camelCase split into words
    assert "already named as svcstats names them: status" in stub and "assignee.first" in stub
    (tmp_path / "svcstats.toml").write_text(stub)
    [row] = report(cli, tmp_path, "ticket-time-to-close", "--totals")
    assert (row["closed_tickets"], float(row["mean_hours"]), row["open_tickets"]) == ("1", 1.5, "1")  # 09:00 -> 10:30


def test_json_edge_cases(cli, tmp_path: Path) -> None:
    # an empty API page is no record; a field that is an object here and text there keeps the text
    page = {"conversations": []}
    (tmp_path / "tickets.json").write_text(json.dumps(page))
    result = cli("report", "support-volume", "--data", tmp_path, "--totals", "--format", "csv")
    assert result.code == 3 and "required column 'ticket_id' not found" in result.stderr
    records = [
        {"ticket_id": "1", "created_at": "2026-05-04T09:00:00Z", "team": "T1"},
        {"ticket_id": "2", "created_at": "2026-05-05T09:00:00Z", "team": {"name": "T2"}},
    ]
    (tmp_path / "tickets.json").write_text(json.dumps(records))
    rows = report(cli, tmp_path, "support-volume", "--totals", "--group-by", "team")
    assert {r["team"]: r["tickets"] for r in rows} == {"T1": "1", '{"name": "T2"}': "1"}
    (tmp_path / "tickets.json").write_text("{not json")
    result = cli("report", "support-volume", "--data", tmp_path)
    assert result.code == 3 and "tickets.json: not readable JSON" in result.stderr and "Traceback" not in result.stderr
