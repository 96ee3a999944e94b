"""Charts: terminal charts drawn to scale from zero, chart files that parse, html pages that need
no network (and look right in a real browser when one is installed), dashboards."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest

from svcstats.output.charts.data import MAX_SERIES, chart_data
from svcstats.output.charts.terminal import chart_text
from svcstats.query import ReportQuery
from tests.conftest import SMALL_HEADER as HEADER
from tests.conftest import SMALL_TICKETS as TICKETS
from tests.conftest import run_report, write_csv

EXTERNAL = re.compile(r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:[a-z]+:)?//|@import|url\(\s*["']?(?:[a-z]+:)?//""", re.IGNORECASE)
CONFIG = """\
[dashboards.team]
title = "Team page"
reports = [{ report = "support-volume", totals = true, group-by = ["team"] }, { report = "ticket-time-to-close" }]
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_csv(tmp_path / "data" / "tickets.csv", HEADER, TICKETS)
    return tmp_path / "data"


def test_terminal_bars_are_to_scale_from_zero(data: Path) -> None:
    request = ReportQuery(report="support-volume", data=data, totals=True, group_by=["team"])
    lines = chart_text(run_report(data, "support-volume", totals=True, group_by=["team"]), request).splitlines()
    assert lines[0] == "Chart: Tickets"
    # Tier 1 has 2 tickets (the longest bar), Tier 2 and Unassigned 1 each: half as long.
    # Width: 80 columns - 10 (label "Unassigned") - 1 (value) - 3 spaces = 66
    assert lines[2] == "Tier 1     " + "█" * 66 + " 2"
    assert lines[3] == "Tier 2     " + "█" * 33 + " " * 33 + " 1"
    assert lines[4] == "Unassigned " + "█" * 33 + " " * 33 + " 1"
    assert lines[5] == "           0" + "─" * 64 + "2"
    assert max(len(line) for line in lines) <= 80


def test_terminal_columns_share_one_zero_based_scale(data: Path) -> None:
    request = ReportQuery(report="ticket-time-to-close", data=data)
    lines = chart_text(run_report(data, "ticket-time-to-close"), request).splitlines()
    assert lines[0] == "Chart: Median (hours)"
    # weekly medians: 03-02 (12 h and 48 h) 30 h, the top of the axis: 6 full rows; 03-09 24 h,
    # 24/30 of 6 rows = 4.8 rows: 4 full rows, and 0.8 row = 6.4 eighths, drawn ▆, in the fifth
    assert lines[2:10] == [
        "1d 6h ┤██",
        "      ┤██ ▆▆",
        "      ┤██ ██",
        "      ┤██ ██",
        "      ┤██ ██",
        "      ┤██ ██",
        "    0 └──────",
        "       2026-03-02",
    ]


def test_one_series_per_group_largest_first_when_there_are_many(tmp_path: Path) -> None:
    # 10 teams; team Tn has n tickets in the week of 03-02
    rows = [[f"{n}-{k}", "2026-03-02T09:00:00Z", None, None, f"T{n:02d}"] for n in range(1, 11) for k in range(n)]
    write_csv(tmp_path / "tickets.csv", HEADER, rows)
    outcome = run_report(tmp_path, "support-volume", group_by=["team"])
    data = chart_data(outcome, ReportQuery(report="support-volume", group_by=["team"]), "t")
    assert data.over_time and data.categories == ["2026-03-02"]
    assert data.series == {f"T{n:02d}": [float(n)] for n in range(10 - MAX_SERIES + 1, 11)}
    assert data.note == f"the {MAX_SERIES} largest of 10 groups shown"
    text = chart_text(outcome, ReportQuery(report="support-volume", group_by=["team"]))
    assert "T10\n10 ┤█" in text and "T01" not in text


def test_nothing_to_chart_is_said_not_drawn(cli, data: Path, tmp_path: Path) -> None:
    empty = cli(
        "report", "support-volume", "--data", data, "--from", "2030-01-01", "--to", "2030-01-02", "--totals", "-g", "team", "--chart"
    )
    assert empty.code == 0 and empty.stdout.endswith("Chart: Tickets\n\n(nothing to chart: no records in this range)\n")
    zeros = cli("report", "support-volume", "--data", data, "--from", "2030-01-01", "--to", "2030-01-02", "--chart")
    assert zeros.stdout.endswith("(nothing to chart: every value is 0 or empty)\n")  # one empty week, 0 tickets
    out = tmp_path / "empty.svg"
    assert cli("report", "support-volume", "--data", data, "--from", "2030-01-01", "--to", "2030-01-02", "--totals", "-o", out).code == 0
    ET.fromstring(out.read_text())


def test_chart_needs_a_table_or_a_chart_file(cli, data: Path) -> None:
    result = cli("report", "support-volume", "--data", data, "--chart", "--format", "csv")
    assert result.code == 2
    assert result.stderr == (
        "svcstats: error: --chart draws under a terminal table, not in csv (use --format table, or --format html|svg|png for chart files)\n"
    )
    table = cli("report", "support-volume", "--data", data, "--chart", "--totals", "-q")  # --chart alone asks for the table
    assert table.code == 0 and "Chart: Tickets" in table.stdout and "━━" in table.stdout


def test_svg_parses_and_names_each_group(cli, data: Path, tmp_path: Path) -> None:
    out = tmp_path / "chart.svg"
    assert cli("report", "support-volume", "--data", data, "--totals", "-g", "team", "-o", out, "-q").code == 0
    text = out.read_text()
    root = ET.fromstring(text)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    for label in ("Tier 1", "Tier 2", "Unassigned", "Tickets"):  # matplotlib writes each text as a comment over its glyphs
        assert f"<!-- {label} -->" in text
    assert not EXTERNAL.search(text)


def test_png_is_an_image(cli, data: Path, tmp_path: Path) -> None:
    from PIL import Image

    out = tmp_path / "chart.png"
    assert cli("report", "ticket-time-to-close", "--data", data, "--format", "png", "-o", out, "-q").code == 0
    with Image.open(out) as image:
        assert image.format == "PNG" and image.width >= 800


def html_page(cli, args: list[str], out: Path) -> str:
    result = cli(*args, "--format", "html", "--output", out, "-q")
    assert result.code == 0, result.stderr
    return out.read_text()


def test_html_is_self_contained(cli, data: Path, tmp_path: Path) -> None:
    page = html_page(cli, ["report", "ticket-time-to-close", "--data", data, "-g", "team", "--as-of", "2026-03-20"], tmp_path / "p.html")
    assert not EXTERNAL.search(page)
    assert "<script" not in page.lower() and "<link" not in page.lower() and "@font-face" not in page
    assert page.count("<svg") == 1 and "<?xml" not in page
    assert "<h1>Time to close</h1>" in page and "Data: the first date to 2026-03-20 (UTC)" in page
    assert "<td>Tier 2</td><td class=n>1</td><td class=n>2d 0h</td>" in page  # ticket 2: 48 hours


def test_dashboard_in_the_terminal_and_as_one_page(cli, data: Path, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "svcstats.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    terminal = cli("dashboard", "team", "--data", data, "--from", "2026-03-02", "--to", "2026-03-08", "-q")
    assert terminal.code == 0, terminal.stderr
    lines = terminal.stdout.splitlines()
    assert lines[:2] == ["Team page", "========="]
    assert "support-volume: Support volume · totals · 2026-03-02 to 2026-03-08 (UTC)" in lines
    assert "ticket-time-to-close: Time to close · weekly · 2026-03-02 to 2026-03-08 (UTC)" in lines
    assert terminal.stdout.count("Chart: ") == 2
    page = html_page(cli, ["dashboard", "team", "--data", data, "--last-week", "--as-of", "2026-03-10"], tmp_path / "d.html")
    assert "<h1>Team page</h1>" in page and "Data: 2026-03-02 to 2026-03-08 (UTC) · as of 2026-03-10" in page
    assert page.count("<section>") == 2 and page.count("<svg") == 2 and not EXTERNAL.search(page)
    missing = cli("dashboard", "nope")
    assert missing.code == 2 and "no dashboard 'nope' (dashboards: team)" in missing.stderr


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


@pytest.mark.skipif(CHROMIUM is None, reason="needs a headless chromium (apt-get install chromium)")
def test_html_renders_in_a_real_browser(cli, data: Path, tmp_path: Path) -> None:
    from PIL import Image

    page = tmp_path / "page.html"
    html_page(cli, ["report", "support-volume", "--data", data, "--totals", "-g", "team"], page)
    shot = tmp_path / "shot.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking"]
    flags += ["--disable-component-update", "--disable-sync", f"--user-data-dir={tempfile.mkdtemp()}", "--window-size=1200,900"]
    subprocess.run([CHROMIUM, *flags, f"--screenshot={shot}", page.as_uri()], capture_output=True, timeout=120, check=True)
    with Image.open(shot) as image:
        pixels = image.convert("RGB")
        colours = pixels.getcolors(maxcolors=1 << 20) or []
    bar = sum(count for count, rgb in colours if abs(rgb[0] - 0x2F) < 8 and abs(rgb[1] - 0x6D) < 8 and abs(rgb[2] - 0xB5) < 8)
    dark = sum(count for count, rgb in colours if sum(rgb) < 200)
    assert bar > 5000, "the bars of the inline SVG chart are not on screen"
    assert dark > 2000, "no text on screen"


def test_long_bar_lists_keep_the_largest_in_their_order(tmp_path: Path) -> None:
    # 45 reps; rep Rnn has nn tickets: the 40 largest are R06..R45, listed in the table's (name) order
    rows = [[f"{n}-{k}", "2026-03-02T09:00:00Z", None, f"R{n:02d}", None] for n in range(1, 46) for k in range(n)]
    write_csv(tmp_path / "tickets.csv", HEADER, rows)
    outcome = run_report(tmp_path, "support-volume", totals=True, group_by=["rep"])
    data = chart_data(outcome, ReportQuery(report="support-volume", totals=True, group_by=["rep"]), "t")
    assert data.categories == [f"R{n:02d}" for n in range(6, 46)]
    assert data.series == {"Tickets": [float(n) for n in range(6, 46)]}
    assert data.note == "the 40 largest of 45 shown"


def test_owner_response_time_charts_a_response_time_not_a_count() -> None:
    import polars as pl

    from svcstats.catalog import get_report
    from svcstats.output.charts.data import value_column

    result = pl.DataFrame(
        {"rep": ["Ann"], "first_responses": [3], "mean_first_hours": [2.0], "median_first_hours": [1.5], "later_responses": [1]}
    )
    outcome = SimpleNamespace(result=result, info=get_report("owner-response-time"))
    assert value_column(outcome, ReportQuery(report="owner-response-time")) == "median_first_hours"  # type: ignore[arg-type]
    data = chart_data(outcome, ReportQuery(report="owner-response-time", totals=True), "t")  # type: ignore[arg-type]
    assert data.value_label == "Median first (hours)" and data.series == {"Median first": [1.5]}


def test_dollar_signs_in_labels_are_text_not_math(cli, tmp_path: Path, monkeypatch) -> None:
    import matplotlib

    def no_global_backend(*args, **kwargs):
        raise AssertionError("matplotlib.use changes the backend for the whole process")

    monkeypatch.setattr(matplotlib, "use", no_global_backend)
    rows = [["1", "2026-03-02T09:00:00Z", None, None, "Pay $CA_x^2$"], ["2", "2026-03-02T09:00:00Z", None, None, r"Cost $\frac{$ x"]]
    write_csv(tmp_path / "data" / "tickets.csv", HEADER, rows)
    out = tmp_path / "teams.svg"
    result = cli("report", "support-volume", "--data", tmp_path / "data", "--totals", "-g", "team", "-o", out, "-q")
    assert result.code == 0, result.stderr  # a lone "\frac{" was a mathtext parse error (exit 1)
    text = out.read_text()
    assert "<!-- Pay $CA_x^2$ -->" in text and r"<!-- Cost $\frac{$ x -->" in text
    # drawn as written: one glyph per character, "$", "_" and "^" included (math text drops them)
    for label in ("Pay $CA_x^2$", r"Cost $\frac{$ x"):
        glyphs = re.search(r"(?:\s*<use [^>]*/>)+", text.split(f"<!-- {label} -->")[1])
        assert glyphs is not None and glyphs.group().count("<use ") == len(label), label


def test_charts_on_one_page_keep_their_ids_unique(cli, data: Path, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "svcstats.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    page = html_page(cli, ["dashboard", "team", "--data", data, "--as-of", "2026-03-20"], tmp_path / "d.html")
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) > 20 and len(ids) == len(set(ids))
    references = re.findall(r'(?:href="#|url\(#)([^")]+)', page)
    assert references and set(references) <= set(ids)  # every glyph and clip path still found


def test_dashboard_format_follows_the_output_extension(cli, data: Path, tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "svcstats.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    assert cli("dashboard", "team", "--data", data, "-o", "w.html", "-q").code == 0
    assert (tmp_path / "w.html").read_text().startswith("<!DOCTYPE html>")
    assert cli("dashboard", "team", "--data", data, "-o", "w.txt", "-q").code == 0
    assert (tmp_path / "w.txt").read_text().startswith("Team page\n=========\n")
    csv = cli("dashboard", "team", "--data", data, "-o", "w.csv")
    assert csv.code == 2 and csv.stderr.startswith("svcstats: error: a dashboard is a table or an html page, not csv")
    odd = cli("dashboard", "team", "--data", data, "-o", "w.dat")
    assert odd.code == 2 and "cannot tell the format of w.dat from its extension (add --format table or --format html)" in odd.stderr
    assert not (tmp_path / "w.csv").exists() and not (tmp_path / "w.dat").exists()
