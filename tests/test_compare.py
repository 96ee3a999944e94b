"""--compare previous|year: hand-computed figures on a small fixture (tickets across January to
March 2024, a leap year, and February/March 2023), the compared ranges, the refusals, the one
collect, the round trip through saved reports and --share, and a property: over time with
--compare previous, each row's previous figure is the figure of an independent run over the
compared period (so, for a whole period after a whole period, the row before it; a cut period is
compared with the same cut).

Support-volume places a ticket by its creation date (tickets, closed_tickets = closed at --as-of,
open_tickets); ticket-time-to-close by its close date. All times UTC; weeks start on Monday.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from svcstats.catalog import REPORTS
from svcstats.compare import Comparison, Shift, beside, comparison, totals_range
from svcstats.daterange import DateRange
from svcstats.errors import UsageError
from tests.conftest import Reads, rows, run_report, write_csv

HEADER = ["ticket_id", "created_at", "closed_at", "owner", "team"]
# id, created, closed, owner, team                                     created on / hours to close
TICKETS = [
    ["T8", "2024-01-15T08:00:00Z", "2024-01-15T16:00:00Z", "Ann", "Tier 1"],  # Mon 01-15; 8 h, closed in January
    ["T1", "2024-02-05T10:00:00Z", "2024-02-05T20:00:00Z", "Ann", "Tier 1"],  # Mon 02-05; 10 h, closed in February
    ["T9", "2024-02-26T10:00:00Z", "2024-03-15T10:00:00Z", "Bob", "Tier 2"],  # Mon 02-26; 432 h (18 d), closed 03-15
    ["T2", "2024-02-29T09:00:00Z", "2024-03-01T09:00:00Z", "Bob", "Tier 2"],  # Thu 02-29 (leap day); 24 h, closed 03-01
    ["T3", "2024-03-04T08:00:00Z", "2024-03-04T12:00:00Z", "Ann", "Tier 1"],  # Mon 03-04; 4 h
    ["T4", "2024-03-20T08:00:00Z", "2024-03-21T08:00:00Z", "Ann", "Tier 1"],  # Wed 03-20; 24 h, closed 03-21
    ["T5", "2024-03-28T08:00:00Z", None, "Cy", "Tier 1"],  # Thu 03-28; still open
    ["T6", "2023-02-28T12:00:00Z", "2023-02-28T18:00:00Z", "Bob", "Tier 2"],  # Tue 2023-02-28; 6 h
    ["T7", "2023-03-10T10:00:00Z", "2023-03-10T12:00:00Z", "Dee", "Tier 2"],  # Fri 2023-03-10; 2 h
]
LATER = date(2024, 4, 30)  # --as-of after every close
MARCH = {"date_from": date(2024, 3, 1), "date_to": date(2024, 3, 31)}


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "tickets.csv", HEADER, TICKETS)
    return tmp_path


def volume(data: Path, **options: Any) -> list[dict[str, Any]]:
    return rows(run_report(data, "support-volume", as_of=options.pop("as_of", LATER), **options).result)


# -- the compared ranges --------------------------------------------------------------------


def test_totals_previous_whole_months_are_the_months_before() -> None:
    # a whole calendar month is compared with the month before, not with the 31 days before
    assert totals_range("previous", date(2026, 10, 1), date(2026, 10, 31)) == DateRange(date(2026, 9, 1), date(2026, 9, 30))
    assert totals_range("previous", date(2024, 3, 1), date(2024, 3, 31)) == DateRange(date(2024, 2, 1), date(2024, 2, 29))
    # a quarter (three whole months): the quarter before
    assert totals_range("previous", date(2026, 4, 1), date(2026, 6, 30)) == DateRange(date(2026, 1, 1), date(2026, 3, 31))


def test_totals_previous_month_to_date_is_the_same_days_of_the_month_before() -> None:
    # --this-month on 15 October: 1-15 October against 1-15 September (HubSpot's "month to date")
    assert totals_range("previous", date(2026, 10, 1), date(2026, 10, 15)) == DateRange(date(2026, 9, 1), date(2026, 9, 15))
    # 1-30 March 2024 against February, whose 30th does not exist: 1-29 February
    assert totals_range("previous", date(2024, 3, 1), date(2024, 3, 30)) == DateRange(date(2024, 2, 1), date(2024, 2, 29))


def test_totals_previous_otherwise_is_the_same_number_of_days_before() -> None:
    # 2026-10-02..2026-10-31 is 30 days: the 30 days before are 2026-09-02..2026-10-01
    assert totals_range("previous", date(2026, 10, 2), date(2026, 10, 31)) == DateRange(date(2026, 9, 2), date(2026, 10, 1))
    # a week (Mon-Sun) is compared with the week before
    assert totals_range("previous", date(2026, 10, 5), date(2026, 10, 11)) == DateRange(date(2026, 9, 28), date(2026, 10, 4))
    # a week to date (Mon 10-12 to Wed 10-14) with Mon-Wed of the week before, not the Fri-Sun just before
    assert totals_range("previous", date(2026, 10, 12), date(2026, 10, 14)) == DateRange(date(2026, 10, 5), date(2026, 10, 7))
    # but a month to date of three days stays with the month before's first three days
    assert totals_range("previous", date(2026, 10, 1), date(2026, 10, 3)) == DateRange(date(2026, 9, 1), date(2026, 9, 3))


def test_totals_year_is_the_same_dates_a_year_earlier() -> None:
    # 29 February becomes 28 February
    assert totals_range("year", date(2024, 2, 29), date(2024, 3, 10)) == DateRange(date(2023, 2, 28), date(2023, 3, 10))
    # whole months stay whole: February 2025 against all of February 2024 (29 days)
    assert totals_range("year", date(2025, 2, 1), date(2025, 2, 28)) == DateRange(date(2024, 2, 1), date(2024, 2, 29))


def test_over_time_ranges_move_by_one_period_or_a_year() -> None:
    march = DateRange(date(2024, 3, 1), date(2024, 3, 31))
    assert comparison("previous", march, "1mo", False).date_range == DateRange(date(2024, 2, 1), date(2024, 2, 29))  # last day stays last
    assert comparison("year", march, "1mo", False).date_range == DateRange(date(2023, 3, 1), date(2023, 3, 31))
    # weekly and daily: 52 weeks (364 days), so a Monday stays a Monday
    week = DateRange(date(2024, 2, 26), date(2024, 3, 3))
    assert comparison("year", week, "1w", False).date_range == DateRange(date(2023, 2, 27), date(2023, 3, 5))
    assert comparison("previous", week, "1d", False).date_range == DateRange(date(2024, 2, 25), date(2024, 3, 2))
    # an open range stays open on that side
    assert comparison("previous", DateRange(None, date(2024, 3, 31)), "1q", False).date_range == DateRange(None, date(2023, 12, 31))


def test_totals_without_a_first_day_are_refused() -> None:
    with pytest.raises(UsageError, match="needs a range with a first day"):
        comparison("previous", DateRange(None, date(2024, 3, 31)), "1w", True)


# -- totals ---------------------------------------------------------------------------------


def test_totals_previous_month(data: Path) -> None:
    # March 2024 (T3, T4, T5: 2 closed, T5 open) against February (T1, T9, T2: all closed by 04-30)
    [row] = volume(data, totals=True, compare="previous", **MARCH)
    assert (row["tickets"], row["tickets_previous"], row["tickets_change"], row["tickets_change_pct"]) == (3, 3, 0, 0.0)
    assert (row["closed_tickets"], row["closed_tickets_previous"], row["closed_tickets_change"]) == (2, 3, -1)
    assert row["closed_tickets_change_pct"] == pytest.approx(-100 / 3)  # -1 / 3 x 100
    # none open in February: the change is +1, its relative change undefined (null)
    assert (row["open_tickets"], row["open_tickets_previous"], row["open_tickets_change"], row["open_tickets_change_pct"]) == (
        1,
        0,
        1,
        None,
    )
    assert (row["compared_from"], row["compared_to"]) == (date(2024, 2, 1), date(2024, 2, 29))


def test_totals_previous_days(data: Path) -> None:
    # 2024-03-04..2024-03-28 (25 days: T3, T4, T5) against 2024-02-08..2024-03-03 (22 + 3 days: T9, T2)
    [row] = volume(data, totals=True, compare="previous", date_from=date(2024, 3, 4), date_to=date(2024, 3, 28))
    assert (row["compared_from"], row["compared_to"]) == (date(2024, 2, 8), date(2024, 3, 3))
    assert (row["tickets"], row["tickets_previous"], row["tickets_change"], row["tickets_change_pct"]) == (3, 2, 1, 50.0)


def test_totals_year_from_a_leap_day(data: Path) -> None:
    # 2024-02-29..2024-03-10 (T2, T3) against 2023-02-28..2023-03-10 (T6 on 02-28, T7 on 03-10)
    [row] = volume(data, totals=True, compare="year", date_from=date(2024, 2, 29), date_to=date(2024, 3, 10))
    assert (row["compared_from"], row["compared_to"]) == (date(2023, 2, 28), date(2023, 3, 10))
    assert (row["tickets"], row["tickets_previous"], row["tickets_change"], row["tickets_change_pct"]) == (2, 2, 0, 0.0)


def test_totals_year_whole_february(data: Path) -> None:
    # February 2024 (T1, T9, T2) against February 2023 (T6): +2, +200 %
    [row] = volume(data, totals=True, compare="year", date_from=date(2024, 2, 1), date_to=date(2024, 2, 29))
    assert (row["tickets"], row["tickets_previous"], row["tickets_change"], row["tickets_change_pct"]) == (3, 1, 2, 200.0)
    assert (row["compared_from"], row["compared_to"]) == (date(2023, 2, 1), date(2023, 2, 28))


def test_totals_durations(data: Path) -> None:
    # closed in March: T2 24 h, T3 4 h, T9 432 h, T4 24 h -> mean 484 / 4 = 121, median (24 + 24) / 2 = 24
    # closed in February: T1 10 h -> mean 10, median 10
    [row] = rows(run_report(data, "ticket-time-to-close", as_of=LATER, totals=True, compare="previous", **MARCH).result)
    assert (row["closed_tickets"], row["closed_tickets_previous"], row["closed_tickets_change_pct"]) == (4, 1, 300.0)
    assert (row["mean_hours"], row["mean_hours_previous"], row["mean_hours_change"]) == (121.0, 10.0, 111.0)
    assert row["mean_hours_change_pct"] == pytest.approx(1110.0)  # 111 / 10 x 100
    assert (row["median_hours"], row["median_hours_previous"], row["median_hours_change"], row["median_hours_change_pct"]) == (
        24.0,
        10.0,
        14.0,
        140.0,
    )


def test_totals_by_group_present_in_one_range_only(data: Path) -> None:
    # March by owner: Ann 2 (T3, T4) against 1 in February (T1); Cy 1 (T5) against none (no
    # February row: 0 tickets, change +1, relative change null); Bob has February tickets only
    # (T9, T2): the rows are the run's own, so he has none
    result = {r["rep"]: r for r in volume(data, totals=True, compare="previous", group_by=["rep"], **MARCH)}
    assert set(result) == {"Ann", "Cy"}
    ann, cy = result["Ann"], result["Cy"]
    assert (ann["tickets"], ann["tickets_previous"], ann["tickets_change"], ann["tickets_change_pct"]) == (2, 1, 1, 100.0)
    assert (cy["tickets"], cy["tickets_previous"], cy["tickets_change"], cy["tickets_change_pct"]) == (1, 0, 1, None)


def test_durations_with_no_compared_row_are_null(data: Path) -> None:
    # March by owner against March 2023: Ann's closes (T3 4 h, T4 24 h: mean 14) have no 2023 row
    result = rows(run_report(data, "ticket-time-to-close", as_of=LATER, totals=True, compare="year", group_by=["rep"], **MARCH).result)
    ann = next(r for r in result if r["rep"] == "Ann")
    assert (ann["mean_hours"], ann["mean_hours_previous"], ann["mean_hours_change"], ann["mean_hours_change_pct"]) == (
        14.0,
        None,
        None,
        None,
    )
    assert (ann["closed_tickets_previous"], ann["closed_tickets_change"]) == (0, 2)


def test_as_of_compares_one_snapshot(data: Path) -> None:
    # 2024-03-02..03-10 (9 days: T3) against the 9 days 2024-02-22..03-01 (T9, T2). As of 03-10,
    # T2 was closed (03-01) and T9 not yet (03-15): 1 closed, 1 open; as of 04-30 both were closed
    options = {"totals": True, "compare": "previous", "date_from": date(2024, 3, 2), "date_to": date(2024, 3, 10)}
    [then] = volume(data, as_of=date(2024, 3, 10), **options)
    assert (then["compared_from"], then["compared_to"]) == (date(2024, 2, 22), date(2024, 3, 1))
    assert (then["tickets"], then["tickets_previous"], then["closed_tickets_previous"], then["open_tickets_previous"]) == (1, 2, 1, 1)
    [later] = volume(data, as_of=LATER, **options)
    assert (later["tickets_previous"], later["closed_tickets_previous"], later["open_tickets_previous"]) == (2, 2, 0)


# -- over time ------------------------------------------------------------------------------


def test_monthly_previous_includes_the_first_rows_previous_period(data: Path) -> None:
    # February (T1, T9, T2) and March (T3, T4, T5); February's previous month is January (T8),
    # before the range: computed, not left empty
    feb, mar = volume(data, frequency="monthly", compare="previous", date_from=date(2024, 2, 1), date_to=date(2024, 3, 31))
    assert (feb["tickets"], feb["tickets_previous"], feb["tickets_change"], feb["tickets_change_pct"]) == (3, 1, 2, 200.0)
    assert (feb["compared_from"], feb["compared_to"]) == (date(2024, 1, 1), date(2024, 1, 31))
    assert (mar["tickets"], mar["tickets_previous"], mar["tickets_change"]) == (3, 3, 0)  # = February's row
    assert (mar["compared_from"], mar["compared_to"]) == (date(2024, 2, 1), date(2024, 2, 29))


def test_monthly_year(data: Path) -> None:
    # February 2024 (3) against February 2023 (T6: 1); March 2024 (3) against March 2023 (T7: 1)
    feb, mar = volume(data, frequency="monthly", compare="year", date_from=date(2024, 2, 1), date_to=date(2024, 3, 31))
    assert (feb["tickets_previous"], feb["tickets_change"], feb["compared_from"], feb["compared_to"]) == (
        1,
        2,
        date(2023, 2, 1),
        date(2023, 2, 28),
    )
    assert (mar["tickets_previous"], mar["tickets_change"], mar["compared_from"]) == (1, 2, date(2023, 3, 1))


def test_weekly_year_is_52_weeks_earlier(data: Path) -> None:
    # the week of Monday 2024-02-26 (T9, T2 on the leap day) against the week of Monday
    # 2023-02-27, 364 days earlier (T6, Tuesday 2023-02-28): weekdays line up
    [week] = volume(data, frequency="weekly", compare="year", date_from=date(2024, 2, 26), date_to=date(2024, 3, 3))
    assert (week["tickets"], week["tickets_previous"], week["tickets_change_pct"]) == (2, 1, 100.0)
    assert (week["compared_from"], week["compared_to"]) == (date(2023, 2, 27), date(2023, 3, 5))


def test_daily_year_with_nothing_a_year_earlier(data: Path) -> None:
    # Thursday 2024-02-29 (T2) against Thursday 2023-03-02 (364 days earlier): no ticket there
    [day] = volume(data, frequency="daily", compare="year", date_from=date(2024, 2, 29), date_to=date(2024, 2, 29))
    assert (day["tickets"], day["tickets_previous"], day["tickets_change"], day["tickets_change_pct"]) == (1, 0, 1, None)
    assert (day["compared_from"], day["compared_to"]) == (date(2023, 3, 2), date(2023, 3, 2))


def test_a_cut_first_period_is_compared_with_the_same_cut(data: Path) -> None:
    # from 2024-02-20 monthly: February is cut to 02-20..02-29 (T9, T2) and compared with
    # 2024-01-20..01-31 (nothing: T8 is on 01-15)
    feb, _ = volume(data, frequency="monthly", compare="previous", date_from=date(2024, 2, 20), date_to=date(2024, 3, 31))
    assert (feb["partial"], feb["tickets"], feb["tickets_previous"]) == (True, 2, 0)
    assert (feb["compared_from"], feb["compared_to"]) == (date(2024, 1, 20), date(2024, 1, 31))


def test_columns_follow_each_measure(data: Path) -> None:
    result = run_report(data, "support-volume", as_of=LATER, frequency="monthly", compare="previous", **MARCH).result
    assert result.columns == [
        "period_start", "period_end", "partial",
        "tickets", "tickets_previous", "tickets_change", "tickets_change_pct",
        "closed_tickets", "closed_tickets_previous", "closed_tickets_change", "closed_tickets_change_pct",
        "open_tickets", "open_tickets_previous", "open_tickets_change", "open_tickets_change_pct",
        "compared_from", "compared_to",
    ]  # fmt: skip


def test_a_rate_changes_in_points_only() -> None:
    # csat_pct 60 against 50: +10 points, no relative change; responses 10 against 8: +2, +25 %
    from svcstats.catalog import get_report

    current = pl.LazyFrame({"csat_pct": [60.0], "responses": [10]})
    before = pl.LazyFrame({"csat_pct": [50.0], "responses": [8]})
    plan = Comparison("previous", DateRange(date(2024, 2, 1), date(2024, 2, 29)), None)
    [row] = beside(get_report("csat"), current, before, plan, (), {}).collect().to_dicts()
    assert row == {
        "csat_pct": 60.0, "csat_pct_previous": 50.0, "csat_pct_change": 10.0,
        "responses": 10, "responses_previous": 8, "responses_change": 2, "responses_change_pct": 25.0,
        "compared_from": date(2024, 2, 1), "compared_to": date(2024, 2, 29),
    }  # fmt: skip


def test_a_label_is_kept_from_the_row_not_matched_on() -> None:
    # csat's scale describes a row: a week on 0-2 against a week of mixed scales still compares
    # (68 % of 25 before); with --distribution the scale names the row (rating 1 of 0-2 is not 1 of 1-5)
    from svcstats.catalog import get_report

    week = date(2026, 6, 15)
    current = pl.LazyFrame({"period_start": [week], "csat_pct": [70.0], "responses": [20], "scale": ["0-2"]})
    before = pl.LazyFrame({"period_start": [week - timedelta(days=7)], "csat_pct": [68.0], "responses": [25], "scale": ["mixed"]})
    plan = Comparison("previous", DateRange(None, None), Shift(days=7), "1w")
    [row] = beside(get_report("csat"), current, before, plan, (), {}).collect().to_dicts()
    assert (row["scale"], row["csat_pct_previous"], row["responses_previous"], row["responses_change"]) == ("0-2", 68.0, 25, -5)
    split = {"period_start": [week] * 2, "scale": ["0-2", "1-5"], "rating": [1, 1], "responses": [3, 4]}
    earlier = {"period_start": [week - timedelta(days=7)] * 2, "scale": ["0-2", "1-5"], "rating": [1, 1], "responses": [1, 2]}
    got = beside(get_report("csat"), pl.LazyFrame(split), pl.LazyFrame(earlier), plan, (), {"distribution": True}).collect()
    assert got.select("scale", "responses_previous").rows() == [("0-2", 1), ("1-5", 2)]


def test_a_total_beside_an_empty_compared_range_is_kept() -> None:
    # no groups, and the compared range gave no row: the row stays, against 0 (a count) and nothing (a duration)
    from svcstats.catalog import get_report

    current = pl.LazyFrame({"closed_tickets": [4], "mean_hours": [121.0]})
    before = pl.LazyFrame(schema={"closed_tickets": pl.Int64, "mean_hours": pl.Float64})
    plan = Comparison("year", DateRange(date(2023, 3, 1), date(2023, 3, 31)), None)
    [row] = beside(get_report("ticket-time-to-close"), current, before, plan, (), {}).collect().to_dicts()
    assert (row["closed_tickets_previous"], row["closed_tickets_change"], row["closed_tickets_change_pct"]) == (0, 4, None)
    assert (row["mean_hours_previous"], row["mean_hours_change"], row["mean_hours_change_pct"]) == (None, None, None)


# -- refusals, one pass, round trips, output ------------------------------------------------


@pytest.mark.parametrize(
    ("args", "why"),
    [
        (["ticket-facts"], "ticket-facts lists one row per ticket"),
        (["ticket-reply-count"], "ticket-reply-count ranks tickets"),
        (["agent-impact"], "agent-impact already sets the week of --as-of beside the week before"),
        (["sla", "--breached"], "sla --breached lists rows"),
        (["rep-availability", "--intervals"], "rep-availability --intervals lists rows"),
        (["customer-wait-time", "--per-ticket"], "customer-wait-time --per-ticket lists rows"),
        (["owner-reply-count", "--top", "3"], "owner-reply-count --top lists rows"),
    ],
)
def test_listings_refuse_compare(cli, data: Path, args: list[str], why: str) -> None:
    result = cli("report", *args, "--data", data, "--compare", "previous", "--as-of", "2024-03-31")
    assert result.code == 2
    [line] = result.stderr.strip().splitlines()
    assert why in line


def test_an_unknown_mode_is_a_usage_error(cli, data: Path) -> None:
    result = cli("report", "support-volume", "--data", data, "--compare", "quarter")
    assert result.code == 2 and "quarter" in result.stderr


@pytest.mark.parametrize(("report", "options"), [("support-volume", {}), ("ticket-time-to-close", {"totals": True, "group_by": ["team"]})])
def test_one_collect_all_and_each_table_parsed_once(data: Path, counted_reads: Reads, report: str, options: dict[str, Any]) -> None:
    collects, parsed = counted_reads.collects, counted_reads.parsed
    run_report(data, report, as_of=LATER, compare="year", **MARCH, **options)
    assert collects.pop("collect_all") == 1
    assert set(collects) <= {"dataset.py:_timestamp_formats", "dataset.py:_sampled", "dataset.py:_load"}
    assert [table for table, n in parsed.items() if n > 1] == []


def test_saved_reports_and_share_keep_compare(cli, data: Path, tmp_path: Path) -> None:
    from svcstats.commands.argv import option_args, parse_report_args

    call = parse_report_args("support-volume", ["--compare", "year", "--totals"])
    assert call.query.compare == "year"
    stored = call.stored_options()
    assert stored["compare"] == "year"
    assert parse_report_args("support-volume", option_args(stored)).query.compare == "year"

    config = tmp_path / "svcstats.toml"
    config.write_text("", encoding="utf-8")
    saved = cli("report", "support-volume", "--data", data, "--config", config, "--compare", "previous", "--totals",
                "--from", "2024-03-01", "--to", "2024-03-31", "--save", "march", "-f", "csv")  # fmt: skip
    assert saved.code == 0, saved.stderr
    again = cli("run", "march", "--config", config, "-f", "csv")
    assert again.code == 0, again.stderr
    assert again.stdout == saved.stdout and "tickets_previous" in again.stdout.splitlines()[0]
    shared = cli("report", "support-volume", "--data", data, "--compare", "previous", "--share", "--as-of", "2024-03-31")
    assert "--compare previous" in shared.stdout


def test_terminal_shows_previous_and_one_change(cli, data: Path) -> None:
    result = cli("report", "support-volume", "--data", data, "--compare", "previous", "--totals", "--from", "2024-03-01",
                 "--to", "2024-03-31", "--as-of", "2024-04-30", "-f", "table")  # fmt: skip
    assert result.code == 0, result.stderr
    text = result.stdout
    assert "vs 2024-02-01 to 2024-02-29" in text.splitlines()[0]
    # tickets 3 against 3: +0.0 %; closed 2 against 3: -33 %; open 1 against 0: no relative change
    assert "Tickets prev" in text and "Δ%" in text and "-33%" in text
    assert "Compared from" not in text  # in the title instead


def test_change_cells() -> None:
    from svcstats.output.render import cell_formatter, column_label

    columns = [
        "tickets",
        "tickets_change",
        "tickets_change_pct",
        "csat_pct",
        "csat_pct_change",
        "mean_hours",
        "mean_hours_change",
        "net_change",
    ]
    assert cell_formatter("tickets_change_pct", pl.Float64(), columns=columns)(12.4) == "+12%"
    assert cell_formatter("tickets_change_pct", pl.Float64(), columns=columns)(-3.25) == "-3.2%"
    assert cell_formatter("tickets_change", pl.Int64(), columns=columns)(4) == "+4"
    assert cell_formatter("csat_pct_change", pl.Float64(), columns=columns)(2.5) == "+2.5 pts"
    assert cell_formatter("mean_hours_change", pl.Float64(), columns=columns)(1.5) == "+1h 30m"
    assert cell_formatter("mean_hours_change", pl.Float64(), columns=columns)(-0.5) == "-30m"
    assert column_label("tickets_change_pct", columns) == "Tickets Δ%"
    assert column_label("net_change", columns) == "Net change"  # a report's own column, not a comparison


def test_charts_draw_the_previous_series(data: Path) -> None:
    from svcstats.output.charts.data import chart_data
    from svcstats.query import ReportQuery

    query = ReportQuery(report="support-volume", data=data, frequency="monthly", compare="previous", as_of=LATER, **MARCH)
    outcome = run_report(data, "support-volume", frequency="monthly", compare="previous", as_of=LATER, **MARCH)
    chart = chart_data(outcome, query, "t")
    assert chart.value == "tickets"
    assert chart.series == {"Tickets": [3.0], "Tickets · previous": [3.0]}


# -- property: the previous figure is an independent run over the compared period ----------

START = datetime(2024, 1, 1)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    hours=st.lists(st.integers(min_value=0, max_value=24 * 150), min_size=1, max_size=25),
    frequency=st.sampled_from(["daily", "weekly", "monthly"]),
    first=st.integers(min_value=30, max_value=60),
    length=st.integers(min_value=1, max_value=70),
)
def test_previous_is_an_independent_run_over_the_compared_period(
    tmp_path_factory: pytest.TempPathFactory, hours: list[int], frequency: str, first: int, length: int
) -> None:
    folder = tmp_path_factory.mktemp("compare")
    tickets = [[f"T{i}", (START + timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ"), None, "Ann", "Tier 1"] for i, h in enumerate(hours)]
    write_csv(folder / "tickets.csv", HEADER, tickets)
    start = START.date() + timedelta(days=first)
    end = start + timedelta(days=length)
    compared = rows(
        run_report(folder, "support-volume", as_of=LATER, frequency=frequency, compare="previous", date_from=start, date_to=end).result
    )
    for before, row in itertools.pairwise(compared):
        if not before["partial"] and not row["partial"]:  # whole periods: the one before's figure is this row's previous one
            assert row["tickets_previous"] == before["tickets"]
    for row in compared:  # every row, the first included: a run over its compared period alone
        [alone] = rows(
            run_report(
                folder, "support-volume", as_of=LATER, totals=True, date_from=row["compared_from"], date_to=row["compared_to"]
            ).result
        )
        assert row["tickets_previous"] == alone["tickets"]


def test_an_export_of_every_report_leaves_compare_out_of_listings(cli, data: Path, tmp_path: Path) -> None:
    # a cron export of all reports with --compare: the listings run without it, with a note each
    out = tmp_path / "export"
    result = cli("export", "--reports", "support-volume,ticket-facts", "--data", data, "--compare", "previous",
                 "--from", "2024-03-01", "--to", "2024-03-31", "--as-of", "2024-04-30", "--output", out)  # fmt: skip
    assert result.code == 0, result.stderr
    assert "note: ticket-facts lists one row per ticket, so --compare does not apply (left out for it)" in result.stderr
    assert "tickets_previous" in (out / "support-volume.csv").read_text().splitlines()[0]
    assert "compared_from" not in (out / "ticket-facts.csv").read_text()


def test_an_export_leaves_compare_out_of_totals_without_a_first_day(cli, data: Path, tmp_path: Path) -> None:
    # support-volume --totals up to --as-of has no first day to move back: left out with a note,
    # while the weekly report beside it is compared; alone, the same call is a usage error
    out = tmp_path / "export"
    result = cli("export", "--reports", "support-volume,ticket-time-to-close", "--data", data, "--compare", "previous",
                 "--totals", "--as-of", "2024-04-30", "--output", out)  # fmt: skip
    assert result.code == 0, result.stderr
    assert "note: support-volume: --compare previous with totals needs a range with a first day (left out for it)" in result.stderr
    alone = cli("report", "support-volume", "--data", data, "--compare", "previous", "--totals", "--as-of", "2024-04-30")
    assert alone.code == 2
    hourly = cli("report", "message-volume-by-hour", "--data", data, "--compare", "previous", "--as-of", "2024-04-30")
    assert hourly.stderr.startswith("svcstats: error: message-volume-by-hour is a total over its range: --compare previous needs")


def test_spark_is_refused_before_it_starts(data: Path) -> None:
    with pytest.raises(UsageError, match="--compare runs here, not on Spark"):
        run_report(data, "support-volume", compare="previous", spark="local[2]", **MARCH)


# -- every report: its own rows unchanged, and previous = its own run over the compared range -

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"
COMPARABLE = sorted(name for name, info in REPORTS.items() if not info.no_compare)
SEPTEMBER = {"as_of": date(2026, 10, 31), "totals": True, "date_from": date(2026, 9, 1), "date_to": date(2026, 9, 30)}
AUGUST = {**SEPTEMBER, "date_from": date(2026, 8, 1), "date_to": date(2026, 8, 31)}


@pytest.mark.parametrize("name", COMPARABLE)
def test_every_reports_previous_is_its_own_run_over_the_compared_range(name: str) -> None:
    # September's totals with --compare previous: September's own figures unchanged, and each
    # <measure>_previous equal to a plain run over August (a count with no August row: 0)
    from polars.testing import assert_frame_equal, assert_series_equal

    from svcstats.compare import KEY_TYPES

    info = REPORTS[name]
    plain = run_report(EXAMPLES, name, **SEPTEMBER).result
    compared = run_report(EXAMPLES, name, compare="previous", **SEPTEMBER).result
    assert_frame_equal(plain, compared.select(plain.columns), check_exact=False, rel_tol=1e-9)
    assert compared["compared_from"].unique().to_list() == [date(2026, 8, 1)]
    august = run_report(EXAMPLES, name, **AUGUST).result
    keys = [c for c, kind in plain.schema.items() if isinstance(kind, KEY_TYPES) or c in info.row_keys]
    measures = [c for c, kind in plain.schema.items() if c not in keys and kind.is_numeric()]
    expected = compared.select(keys).join(august, on=keys, how="left", nulls_equal=True, maintain_order="left") if keys else august
    for m in measures:
        want = expected[m].fill_null(0) if info.measure_kind(m) == "count" and plain.schema[m].is_integer() else expected[m]
        assert_series_equal(compared[f"{m}_previous"], want, check_names=False, check_exact=False, rel_tol=1e-9)


def test_verbose_names_the_compared_range(cli, data: Path) -> None:
    result = cli("report", "support-volume", "--data", data, "--compare", "year", "-F", "monthly", "--from", "2024-02-01",
                 "--to", "2024-03-31", "--as-of", "2024-04-30", "-f", "csv", "-v")  # fmt: skip
    assert "info: support-volume: compared (year) with 2023-02-01 to 2023-03-31" in result.stderr
