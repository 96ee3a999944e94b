"""The first hour of a new user (issue 20): one spelling per option across commands, output
folders created, formats in any case, --save that does not overwrite, dashboards made from the
command line, tables that fit the terminal, errors in plain words."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import write_csv

HEADER = ["ticket_id", "created_at", "closed_at", "owner", "team"]
TICKETS = [
    ["1", "2026-03-02T09:00:00Z", "2026-03-02T21:00:00Z", "Ann", "Tier 1"],  # week 03-02
    ["2", "2026-03-03T10:00:00Z", "2026-03-05T10:00:00Z", "Bob", "Tier 2"],  # week 03-02
    ["3", "2026-03-04T10:00:00Z", None, "Ann", "Tier 1"],  # week 03-02, open
]
# support-volume --totals -g team over these: Tier 1 has tickets 1 and 3 (1 closed, 1 open), Tier 2 ticket 2
BY_TEAM = "team,tickets,closed_tickets,open_tickets\nTier 1,2,1,1\nTier 2,1,1,0\n"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"
RUN = ("report", "support-volume", "--data", "data", "--totals", "-g", "team", "--as-of", "2026-03-31")


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_csv(tmp_path / "data" / "tickets.csv", HEADER, TICKETS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SVCSTATS_CONFIG", raising=False)
    monkeypatch.delenv("SVCSTATS_DATA", raising=False)
    return tmp_path


def test_output_creates_missing_folders_and_out_is_the_same_option(cli, workspace: Path) -> None:
    result = cli(*RUN, "-o", "new/dir/x.csv")
    assert result.code == 0, result.stderr
    assert (workspace / "new" / "dir" / "x.csv").read_text() == BY_TEAM
    assert cli(*RUN, "--out", "other/y.csv").code == 0
    assert (workspace / "other" / "y.csv").read_text() == BY_TEAM
    demo = cli("demo", "--output", "demo", "--tickets", "20")  # --output where --out was the only spelling
    assert demo.code == 0 and (workspace / "demo" / "tickets.csv").is_file()


def test_format_is_read_in_any_case(cli, workspace: Path) -> None:
    assert cli(*RUN, "--format", "CSV").stdout == BY_TEAM
    assert cli(*RUN, "-f", "Csv").stdout == BY_TEAM
    exported = cli("export", "--reports", "support-volume", "--data", "data", "--format", "TSV", "--output", "out", "-q")
    assert exported.code == 0 and (workspace / "out" / "support-volume.tsv").is_file()


def test_save_refuses_an_existing_name_unless_forced(cli, workspace: Path) -> None:
    assert cli(*RUN, "--save", "vol", "-q").code == 0
    again = cli("report", "support-volume", "--data", "data", "--save", "vol")
    assert again.code == 2
    assert again.stderr == (
        f"svcstats: error: a saved report 'vol' already exists in {workspace / 'svcstats.toml'} "
        "(add --force to replace it, or choose another name)\n"
    )
    assert again.stdout == ""  # refused before any work
    assert tomllib.loads((workspace / "svcstats.toml").read_text())["saved"]["vol"]["totals"] is True
    forced = cli("report", "support-volume", "--data", "data", "--save", "vol", "--force", "-q", "-f", "csv")
    assert forced.code == 0, forced.stderr
    assert tomllib.loads((workspace / "svcstats.toml").read_text())["saved"]["vol"] == {
        "report": "support-volume",
        "data": "data",
        "format": "csv",
    }


def test_dashboard_add_creates_a_dashboard_that_then_shows(cli, workspace: Path) -> None:
    assert cli(*RUN, "--save", "by-team", "-q").code == 0
    made = cli("dashboard", "weekly", "--add", "by-team", "--title", "Monday")
    assert made.code == 0, made.stderr
    assert "dashboard weekly in" in made.stderr and "now has 1 reports" in made.stderr
    more = cli("dashboard", "weekly", "--add", "support-volume", "--data", "data", "--totals", "--as-of", "2026-03-31")
    assert more.code == 0, more.stderr
    board = tomllib.loads((workspace / "svcstats.toml").read_text())["dashboards"]["weekly"]
    assert board == {
        "title": "Monday",
        "reports": ["by-team", {"report": "support-volume", "data": "data", "totals": True, "as-of": date(2026, 3, 31)}],
    }
    shown = cli("dashboard", "weekly", "--format", "table")
    assert shown.code == 0, shown.stderr
    assert shown.stdout.startswith("Monday\n======\n")
    assert "by-team:" in shown.stdout and "support-volume:" in shown.stdout
    # 3 tickets in all, 2 closed, 1 open (the second entry's totals, no split)
    assert " 3 " in shown.stdout.split("support-volume:")[1]


def test_dashboard_add_skips_a_repeat_and_remove_takes_a_report_off(cli, workspace: Path) -> None:
    assert cli(*RUN, "--save", "by-team", "-q").code == 0
    assert cli("dashboard", "weekly", "--add", "by-team", "--add", "csat").code == 0
    again = cli("dashboard", "weekly", "--add", "by-team", "--add", "csat")
    assert again.code == 0, again.stderr
    assert "already shows by-team" in again.stderr and "already shows csat" in again.stderr
    assert "now has 2 reports" in again.stderr
    other = cli("dashboard", "weekly", "--add", "csat", "--totals")  # other options: a second entry
    assert "now has 3 reports" in other.stderr
    removed = cli("dashboard", "weekly", "--remove", "csat")
    assert removed.code == 0, removed.stderr
    assert "now has 1 reports" in removed.stderr
    assert tomllib.loads((workspace / "svcstats.toml").read_text())["dashboards"]["weekly"]["reports"] == ["by-team"]
    missing = cli("dashboard", "weekly", "--remove", "support-volume")
    assert missing.code == 2
    assert missing.stderr == "svcstats: error: dashboard weekly has no 'support-volume' (its reports: by-team)\n"
    unknown = cli("dashboard", "nope", "--remove", "csat")
    assert unknown.code == 2 and "no dashboard 'nope'" in unknown.stderr
    mixed = cli("dashboard", "weekly", "--remove", "by-team", "--totals")
    assert mixed.code == 2 and "--remove takes no other options" in mixed.stderr
    last = cli("dashboard", "weekly", "--remove", "by-team", "--debug")
    assert last.code == 0, last.stderr
    assert "now has 0 reports (add one with: svcstats dashboard weekly --add REPORT)" in last.stderr
    assert tomllib.loads((workspace / "svcstats.toml").read_text())["dashboards"]["weekly"]["reports"] == []


def test_dashboard_add_refuses_an_unknown_report_with_a_suggestion(cli, workspace: Path) -> None:
    result = cli("dashboard", "weekly", "--add", "suport-volume")
    assert result.code == 2
    assert result.stderr == "svcstats: error: unknown report 'suport-volume' (did you mean support-volume?)\n"
    assert not (workspace / "svcstats.toml").exists()


def test_tables_fit_the_terminal_width(cli, workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = ("report", "support-volume", "--data", "data", "-g", "team", "--totals", "--as-of", "2026-03-31", "-f", "table")
    wide = cli(*run).stdout  # piped, no $COLUMNS: as wide as its content
    assert max(map(len, wide.splitlines())) > 40
    monkeypatch.setenv("COLUMNS", "40")
    wrapped = cli(*run).stdout.splitlines()
    assert max(map(len, wrapped)) <= 40
    # the numbers' headers take a line per word: 1 + (6+3) + (7+3) + (7+3) + (7+3) = 41 -> 38 drawn
    assert [line.split() for line in wrapped if "tickets" in line] == [["Team", "Tickets", "tickets", "tickets"]]
    assert ["Tier", "1", "2", "1", "1"] in [line.split() for line in wrapped]
    monkeypatch.setenv("COLUMNS", "30")
    narrow = cli(*run)
    assert narrow.code == 0
    lines = narrow.stdout.splitlines()
    assert max(map(len, lines)) <= 30, narrow.stdout
    # too wide even wrapped: one block per row (Tier 1: tickets 1 and 3, one closed, one open)
    first = lines.index("── 1 of 2 ────────────────────")  # after the title, wrapped
    assert lines[first : first + 6] == ["── 1 of 2 ────────────────────", "Team            Tier 1", "Tickets         2",
                          "Closed tickets  1", "Open tickets    1", "── 2 of 2 ────────────────────"]  # fmt: skip
    monkeypatch.setenv("COLUMNS", "80")
    check = cli("data", "check", "--data", "data", "-f", "table")
    assert max(map(len, check.stdout.splitlines())) <= 80, check.stdout
    assert "Table                     tickets\n" in check.stdout
    listing = cli("reports").stdout.splitlines()
    assert max(map(len, listing)) <= 80
    # a summary too long for one line continues under itself, not under the names
    at = listing.index("  chat-wait-time                 How long chat customers wait for a first human")
    assert listing[at + 1] == " " * 33 + "reply, and how many chats go unanswered."


def test_terminal_table_marks_partial_periods_and_machine_formats_keep_the_columns(cli, workspace: Path) -> None:
    # weekly from Tuesday 03-03: the week of Monday 03-02 is cut (partial), the week of 03-09 is whole
    run = ("report", "support-volume", "--data", "data", "--frequency", "weekly", "--from", "2026-03-03", "--to", "2026-03-15")
    table = cli(*run, "-f", "table").stdout.splitlines()
    assert "Partial" not in " ".join(table) and "Period end" not in " ".join(table)
    # tickets 2 and 3 (created 03-03 and 03-04) fall in the cut week; none in the next
    assert [line.split()[:2] for line in table if line.strip().startswith("2026-03")] == [["2026-03-02*", "2"], ["2026-03-09", "0"]]
    assert table[-1] == "* partial period: the range starts or ends inside it"
    csv = cli(*run, "-f", "csv").stdout.splitlines()
    assert csv[0].startswith("period_start,period_end,partial,")
    assert csv[1].startswith("2026-03-02,2026-03-08,true,2") and csv[2].startswith("2026-03-09,2026-03-15,false,0")
    whole = cli(
        "report", "support-volume", "--data", "data", "--frequency", "weekly", "--from", "2026-03-02", "--to", "2026-03-08", "-f", "table"
    )
    assert "*" not in whole.stdout


def test_a_range_after_the_data_says_where_the_data_ends(cli, workspace: Path) -> None:
    # the tickets are created 03-02..03-04; the week of 03-09 holds nothing
    empty = cli("report", "support-volume", "--data", "data", "--from", "2026-03-09", "--to", "2026-03-15", "--totals")
    assert empty.code == 0
    assert empty.stderr == (
        "note: support-volume: 3 records outside the range: nothing in 2026-03-09 to 2026-03-15; "
        "the data's created_at runs from 2026-03-02 to 2026-03-04 (UTC)\n"
    )
    found = cli("report", "support-volume", "--data", "data", "--from", "2026-03-04", "--to", "2026-03-15", "--totals")
    assert found.stderr == ""  # ticket 3 is in the range: no note
    quiet = cli("report", "support-volume", "--data", "data", "--from", "2026-03-09", "--to", "2026-03-15", "-q")
    assert quiet.stderr == ""
    # the compared week's figures are not the range's own: the note still comes
    compared = cli(
        "report", "support-volume", "--data", "data", "--from", "2026-03-09", "--to", "2026-03-15", "--totals", "--compare", "previous"
    )
    assert compared.stdout.splitlines()[1].startswith("0,3,-3,-100.0,")
    assert "nothing in 2026-03-09 to 2026-03-15" in compared.stderr


def test_text_cells_wrap_between_words_before_the_layout_turns(workspace: Path) -> None:
    import polars as pl

    from svcstats.output.render import table_text

    frame = pl.DataFrame({"team": ["Billing Ops", "Tier 1"], "tickets": [207, 21]})
    natural = table_text(frame, "", width=None)
    assert "Billing Ops" in natural  # 2 + 11 + 3 + 7 + 2 = 25 wide
    wrapped = table_text(frame, "", width=20)  # narrowest: 1 + (7 + 3) + (7 + 3) = 21 > 20 -> records
    assert wrapped.startswith("── 1 of 2 ")
    wrapped = table_text(frame, "", width=22)  # 21 fits: "Billing" and "Ops" on two lines
    lines = wrapped.splitlines()
    assert max(map(len, lines)) <= 22
    assert any(line.strip().startswith("Billing") and line.strip().endswith("207") for line in lines)
    assert any(line.strip() == "Ops" for line in lines)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--from", "2026-13-01"], "--from '2026-13-01' is not a date (YYYY-MM-DD) (see 'svcstats report support-volume --help')"),
        (["--frequency", "wekly"], "--frequency 'wekly' is not one of: daily, weekly, monthly, quarterly, yearly (did you mean weekly?)"),
        (["--form", "2026-03-01"], "No such option: --form (did you mean --format or --from?)"),
        (["--where", "team = Tier"], "has no column 'Tier' (to compare with the text Tier, quote it in --where: 'Tier'; columns are:"),
        (["-g", "tema"], "tickets.csv has no column 'tema' (did you mean team?)"),
    ],
)
def test_errors_speak_plainly_and_suggest(cli, workspace: Path, args: list[str], message: str) -> None:
    result = cli("report", "support-volume", "--data", "data", *args)
    assert result.code == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert "Value error" not in result.stderr and "%Y" not in result.stderr


def test_a_mistyped_report_gets_a_suggestion(cli, workspace: Path) -> None:
    result = cli("report", "ticket-time-to-clsoe")
    assert result.stderr == "svcstats: error: unknown report 'ticket-time-to-clsoe' (did you mean ticket-time-to-close?)\n"


def test_verbose_names_the_settings_it_resolved(cli, workspace: Path) -> None:
    (workspace / "svcstats.toml").write_text('tz = "Europe/Oslo"\n')
    result = cli(*RUN, "-v", "-f", "csv")
    assert result.code == 0
    assert (
        "info: config svcstats.toml; data data; source format auto (each table recognised from its headers); "
        "time zone Europe/Oslo; as of 2026-03-31; range the first date to 2026-03-31\n"
    ) in result.stderr
    assert "info: support-volume: every table read as svcstats' neutral tables (no help-desk export recognised)\n" in result.stderr


def _by_weekday_and_hour() -> pl.DataFrame:
    # two groups; A has 4 messages on Monday 09:00 and 1 on Sunday 23:00, B 2 on Tuesday 00:00
    rows = [(team, day, hour) for team in ("A", "B") for day in range(1, 8) for hour in range(24)]
    counts = {("A", 1, 9): 4, ("A", 7, 23): 1, ("B", 2, 0): 2}
    return pl.DataFrame(
        {
            "team": [r[0] for r in rows],
            "weekday": [r[1] for r in rows],
            "hour": [r[2] for r in rows],
            "messages_received": [counts.get(r, 0) for r in rows],
            "received_per_day": [counts.get(r, 0) / 2 for r in rows],
        },
        schema_overrides={"weekday": pl.Int8, "hour": pl.Int8},
    )


def test_a_weekday_by_hour_result_is_a_grid_per_group() -> None:
    from svcstats.output.grid import grid_text

    text = grid_text(_by_weekday_and_hour(), "", width=None)
    lines = text.splitlines()
    assert lines[0] == "A · Messages received, by weekday and hour"
    assert lines[1] == "    " + "".join(f"{h:>3}" for h in range(24))  # cells: 2 digits at least, and a space
    assert lines[2] == "Mon " + "  0" * 9 + "  4" + "  0" * 14  # 4 at 09:00
    assert lines[8] == "Sun " + "  0" * 23 + "  1"
    assert lines[10] == "B · Messages received, by weekday and hour"
    assert lines[13] == "Tue " + "  2" + "  0" * 23
    assert "received_per_day" not in text and "Received per day" not in text  # counts only; csv keeps the averages
    # at 40 columns 24 hours of 3 characters do not fit: blocks of (40 - 4) // 3 = 12 -> 12 hours
    folded = grid_text(_by_weekday_and_hour(), "", width=40).splitlines()
    assert folded[:2] == ["A · Messages received, by weekday and", "hour"]  # the heading wraps too
    assert folded[2] == "    " + "".join(f"{h:>3}" for h in range(12))
    assert folded[10] == "    " + "".join(f"{h:>3}" for h in range(12, 24))
    assert max(map(len, folded)) <= 40


def test_the_heat_map_shades_by_share_of_the_largest_cell() -> None:
    from svcstats.output.grid import heat_lines

    lines = heat_lines(_by_weekday_and_hour(), "messages_received", "Messages received")
    # largest cell 4: 4 -> full █; 2 = half -> ▒ (up to 2); 1 = a quarter -> ░; 0 blank
    assert lines[:2] == ["A", "    0     3     6     9     12    15    18    21"]
    a_monday, a_sunday, b_tuesday = lines[2], lines[8], lines[13]
    assert a_monday == "Mon " + "  " * 9 + "██"
    assert a_sunday == "Sun " + "  " * 23 + "░░"
    assert b_tuesday == "Tue ▒▒"
    assert lines[-1] == "Messages received: ░ up to 1  ▒ up to 2  ▓ up to 3  █ up to 4; blank = 0"


def test_message_volume_by_weekday_in_a_terminal_matches_its_csv(cli) -> None:
    args = ("report", "message-volume-by-hour", "--data", EXAMPLES, "--by-weekday")
    csv_rows = [line.split(",") for line in cli(*args, "-f", "csv").stdout.splitlines()[1:]]
    received = {(int(r[0]), int(r[1])): r[2] for r in csv_rows}
    table = cli(*args, "-f", "table", "--chart").stdout.splitlines()
    monday = next(line for line in table if line.startswith("Mon "))
    assert monday.split()[1:] == [received[(1, hour)] for hour in range(24)]
    assert any(line.startswith("Chart: Messages received") and "largest" not in line for line in table)
    assert sum(line.startswith("Mon ") for line in table) == 3  # received and sent grids, and the heat map


def test_column_charts_label_more_than_the_first_period() -> None:
    from svcstats.output.charts.terminal import axis_text

    periods = [f"2026-0{m}-01" for m in range(1, 10)]  # 9 periods, 3 columns each, labels 10 long
    axis = axis_text(periods, 3)
    # a label every ceil(12 / 3) = 4 columns: periods 1, 5 and 9 (the last)
    assert axis.split() == ["2026-01-01", "2026-05-01", "2026-09-01"]
    assert axis.index("2026-05-01") == 4 * 3 and axis.index("2026-09-01") == 8 * 3


def test_xlsx_sheets_are_named_after_the_report(cli, workspace: Path) -> None:
    from svcstats.output.render import sheet_name

    assert cli(*RUN, "-o", "out.xlsx").code == 0
    frame = pl.read_excel(workspace / "out.xlsx", sheet_name="support-volume")
    assert frame["tickets"].to_list() == [2, 1]  # Tier 1: tickets 1 and 3; Tier 2: ticket 2
    assert sheet_name("a/b:c") == "a-b-c" and len(sheet_name("x" * 40)) == 31


def test_a_numbers_header_takes_a_line_per_word_when_the_table_must_narrow() -> None:
    from svcstats.output.render import table_text

    frame = pl.DataFrame({"team": ["Tier 1"], "closed_tickets": [1082], "open_tickets": [95]})
    # natural: edge and padding 2 + 6 + 3 + 14 + 3 + 12 + padding and edge 2 = 42, of which the
    # rule under the header draws 41 (it starts after the left edge); narrowest, headers on a
    # line per word and "Tier 1" wrapped: 1 + (4+3) + (7+3) + (7+3) = 28
    assert max(map(len, table_text(frame, "", width=None).splitlines())) == 41
    lines = [line for line in table_text(frame, "", width=32).splitlines() if line.strip()]
    assert max(map(len, lines)) <= 32
    assert lines[0].split() == ["Closed", "Open"] and lines[1].split() == ["Team", "tickets", "tickets"]
    assert lines[3].split() == ["Tier", "1", "1082", "95"]
    tightest = [line.split() for line in table_text(frame, "", width=28).splitlines() if line.strip()]
    assert tightest[3:] == [["Tier", "1082", "95"], ["1"]]  # the text wraps between its words
    assert table_text(frame, "", width=27).startswith("── 1 of 1 ")  # below 28: one block per row


def test_chart_files_draw_a_weekday_by_hour_result_as_a_heat_map(cli, tmp_path: Path) -> None:
    from datetime import date as day

    from svcstats.catalog import get_report
    from svcstats.daterange import DateRange
    from svcstats.outcome import Outcome
    from svcstats.output.charts.data import chart_data
    from svcstats.query import ReportQuery

    result = _by_weekday_and_hour()
    outcome = Outcome(get_report("message-volume-by-hour"), result, [], DateRange(None, None), "UTC", 0.0, day(2026, 3, 31), tmp_path, None)
    data = chart_data(outcome, ReportQuery("message-volume-by-hour"), "t")
    assert data.heat is not None and list(data.heat) == ["A", "B"]
    assert data.heat["A"][0][9] == 4 and data.heat["A"][6][23] == 1 and data.heat["B"][1][0] == 2  # Mon 09, Sun 23, Tue 00
    assert data.maximum == 4 and data.note == ""
    png = cli("report", "message-volume-by-hour", "--data", EXAMPLES, "--by-weekday", "-o", tmp_path / "heat.png")
    assert png.code == 0 and (tmp_path / "heat.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("report", ["ticket-time-to-close", "ticket-time-to-first-response", "reopen-rate"])
def test_group_by_owner_groups_by_the_owner_unless_its_schedule_is_in_use(cli, report: str) -> None:
    # calendar hours do not compute with the owner: --group-by owner is --group-by rep under the
    # column's own name; with business hours the owner names the schedule, and rep is offered
    by_owner = cli("report", report, "--data", EXAMPLES, "--group-by", "owner", "--totals", "-f", "csv", "--as-of", "2026-10-31")
    by_rep = cli("report", report, "--data", EXAMPLES, "--group-by", "rep", "--totals", "-f", "csv", "--as-of", "2026-10-31")
    assert by_owner.code == 0 and by_rep.code == 0, by_owner.stderr
    owner_lines, rep_lines = by_owner.stdout.splitlines(), by_rep.stdout.splitlines()
    assert owner_lines[0].split(",")[0] == "owner" and rep_lines[0].split(",")[0] == "rep"
    assert owner_lines[1:] == rep_lines[1:]
    business = cli("report", report, "--data", EXAMPLES, "--group-by", "owner", "--hours", "business", "--totals", "-f", "csv")
    assert business.code == 2
    refused = f"svcstats: error: --group-by owner: {report} computes with that column (use --group-by rep, the same column)"
    assert business.stderr.strip() == refused
