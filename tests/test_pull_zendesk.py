"""`svcstats pull zendesk` against a local HTTP server replaying Zendesk's documented shapes
(tests/zendesk_fake.py): paging (cursor and time based), rate limits, refusals, interruption and
resume, incremental runs, and reports on the pulled folder, checked by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from pytest_httpserver import HTTPServer

from svcstats.connectors import zendesk
from tests.conftest import pulled_report as report
from tests.conftest import read_pulled as read
from tests.conftest import serve
from tests.zendesk_fake import AUTH, EMAIL, TOKEN, FakeZendesk, answer, audit, comment, status, unix


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeZendesk:
    return serve(httpserver, FakeZendesk())


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, fast_retries: None) -> str:
    """Valid credentials in the environment, tiny back-offs; returns the --api-url."""
    monkeypatch.setenv("ZENDESK_EMAIL", EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    monkeypatch.delenv("ZENDESK_OAUTH_TOKEN", raising=False)
    return httpserver.url_for("/api/v2")


def pull(out: Path, url: str, **options):
    sleeps: list[float] = options.pop("sleeps", [])
    client = {"sleep": sleeps.append, **options.pop("client_options", {})}
    return zendesk.pull(out, AUTH, api_url=url, client_options=client, **options)


def test_pull_pages_every_endpoint_into_neutral_tables(fake: FakeZendesk, env: str, tmp_path: Path) -> None:
    out = tmp_path / "zendesk"
    pulled = pull(out, env)
    assert pulled.rows == {"tickets": 3, "stage_history": 8, "messages": 6, "csat": 3, "working_hours": 5}
    # tickets in pages of 2 by cursor; events in pages of 4 audits by end_time
    asked = [q for path, q in fake.log if path == "/incremental/tickets/cursor.json"]
    assert [("start_time" in q, q.get("cursor")) for q in asked] == [(True, None), (False, "1:2")]
    starts = [int(q["start_time"]) for path, q in fake.log if path == "/incremental/ticket_events.json"]
    assert starts == [1, unix("2026-03-03T10:00:00Z")]  # the second page starts at the first audit not served

    tickets = read(out, "tickets")
    assert tickets.select("ticket_id", "status", "is_closed", "owner", "team", "source", "priority").rows() == [
        ("1", "solved", "true", "Ana Silva", "Support", "email", "medium"),
        ("2", "closed", "true", "Ben Okafor", "Billing", "chat", "high"),
        ("3", "open", "false", "Ana Silva", None, "form", "low"),
    ]
    # reply_time_in_minutes 120 and 240 -> created + 2 h and + 4 h; solved_at as closed_at
    assert tickets.select("first_response_at", "closed_at").rows()[:2] == [
        ("2026-03-02T11:00:00Z", "2026-03-02T21:00:00Z"),
        ("2026-03-03T14:00:00Z", "2026-03-05T10:00:00Z"),
    ]
    history = read(out, "stage_history").filter(pl.col("ticket_id") == "1")
    # each status visit ends where the next starts; the last (solved) is open
    assert history.select("stage", "entered_at", "exited_at").rows() == [
        ("new", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"),
        ("open", "2026-03-02T10:00:00Z", "2026-03-02T11:00:00Z"),
        ("pending", "2026-03-02T11:00:00Z", "2026-03-02T21:00:00Z"),
        ("solved", "2026-03-02T21:00:00Z", None),
    ]
    messages = read(out, "messages").filter(pl.col("ticket_id") == "1")
    # author roles from the agents list; Ana's 10:00 comment is private
    assert messages.select("sender_type", "sender", "is_public").rows() == [
        ("customer", None, "true"),
        ("agent", "Ana Silva", "false"),
        ("agent", "Ana Silva", "true"),
    ]
    csat = read(out, "csat")
    # good = 1, bad = 0 on 0-1, offered unrated, unoffered not a response
    assert csat.select("response_id", "rating", "scale_max", "rep").rows() == [
        ("801", "1", "1", "Ana Silva"),
        ("803", None, "1", "Ana Silva"),
        ("802", "0", "1", "Ben Okafor"),
    ]
    hours = read(out, "working_hours")
    # minutes from Sunday 00:00: 1440 + 540 = Monday 09:00 ... Friday; Pacific Time as its IANA name
    assert hours.rows()[0] == ("*", "1", "09:00", "17:00", "America/Los_Angeles")
    assert hours["weekday"].to_list() == ["1", "2", "3", "4", "5"]


def test_reports_on_the_pulled_folder(fake: FakeZendesk, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "zendesk"
    pull(out, env)
    [first] = report(cli, out, "ticket-time-to-first-response")
    # from the comments: 1: 09:00 -> Ana's public 11:00 = 2 h (the 10:00 note does not count); 2: 10:00 -> 14:00 = 4 h
    assert (first["replied_tickets"], float(first["mean_hours"]), first["unreplied_tickets"]) == ("2", 3.0, "1")
    [close] = report(cli, out, "ticket-time-to-close")
    # 12 h and 48 h -> mean 30
    assert (close["closed_tickets"], float(close["mean_hours"])) == ("2", 30.0)
    [csat] = report(cli, out, "csat")
    # good and bad rated: 1 / 2 = 50 %; offered unrated
    assert (float(csat["csat_pct"]), csat["responses"], csat["unrated"]) == (50.0, "2", "1")


def test_429_waits_the_retry_after(fake: FakeZendesk, env: str, tmp_path: Path) -> None:
    fake.fail["/incremental/tickets/cursor.json"] = [answer(429, {"Retry-After": "7"})]
    sleeps: list[float] = []
    pulled = pull(tmp_path / "zd", env, sleeps=sleeps)
    assert sleeps == [7.0] and pulled.rows["tickets"] == 3


def test_wrong_token_is_one_line_and_exit_5(fake: FakeZendesk, env: str, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_API_TOKEN", "wrong")
    result = cli("pull", "zendesk", "--api-url", env, "--out", tmp_path / "zd")
    assert result.code == 5
    assert len(result.stderr.strip().splitlines()) == 1
    assert "ZENDESK_API_TOKEN" in result.stderr and "401" in result.stderr
    assert "wrong" not in result.stderr  # the token is never printed


def test_missing_credentials_are_exit_5(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ZENDESK_EMAIL", "ZENDESK_API_TOKEN", "ZENDESK_OAUTH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    result = cli("pull", "zendesk", "--subdomain", "acme", "--out", tmp_path / "zd")
    assert result.code == 5 and "ZENDESK_EMAIL" in result.stderr


def test_oauth_token_is_sent_as_bearer(fake: FakeZendesk, env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZENDESK_OAUTH_TOKEN", "oauth-1")
    assert zendesk.credentials({"ZENDESK_OAUTH_TOKEN": "oauth-1"}) == "Bearer oauth-1"
    assert zendesk.credentials({"ZENDESK_EMAIL": EMAIL, "ZENDESK_API_TOKEN": TOKEN}) == AUTH


def test_subdomain_or_api_url_is_required(tmp_path: Path, cli, env: str) -> None:
    result = cli("pull", "zendesk", "--out", tmp_path / "zd")
    assert result.code == 2 and "--subdomain" in result.stderr


def test_interrupted_pull_resumes_without_lost_or_doubled_rows(fake: FakeZendesk, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "zd"
    second_page = unix("2026-03-03T10:00:00Z")  # the first audit the first events page did not serve
    fake.fail["/incremental/ticket_events.json"] = []
    original = fake.events

    def failing(start: int):
        if start == second_page:
            raise RuntimeError("server died")
        return original(start)

    fake.events = failing  # type: ignore[method-assign]
    result = cli("pull", "zendesk", "--api-url", env, "--out", out)
    assert result.code != 0
    assert not (out / "messages.csv").exists()  # nothing published from a half pull
    fake.events = original  # type: ignore[method-assign]
    result = cli("pull", "zendesk", "--api-url", env, "--out", out)
    assert result.code == 0, result.stderr
    assert "events: resuming after page 1" in result.stderr
    starts = [int(q["start_time"]) for path, q in fake.log if path == "/incremental/ticket_events.json"]
    assert starts.count(1) == 1  # the first page was not fetched again
    messages = read(out, "messages")
    assert messages.height == 6 and messages["message_id"].n_unique() == 6


def test_second_run_fetches_changes_and_merges(fake: FakeZendesk, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "zd"
    pull(out, env)
    # ticket 3 is answered and solved on 03-06
    fake.data["tickets"][2].update(status="solved", updated_at="2026-03-06T12:00:00Z")
    fake.data["metrics"][2].update(solved_at="2026-03-06T12:00:00Z", reply_time_in_minutes={"calendar": 60, "business": 60})
    fake.data["events"].append(audit(32, 3, "2026-03-06T12:00:00Z", 501, [comment(3003, 501), status(3004, "solved")]))
    fake.log.clear()
    pulled = pull(out, env)
    ticket_starts = [int(q["start_time"]) for path, q in fake.log if path == "/incremental/tickets/cursor.json" and "start_time" in q]
    assert ticket_starts == [unix("2026-03-05T10:00:00Z")]  # from the cursor: the latest updated_at seen
    assert pulled.fetched["tickets"] == 2  # 2 (updated at the cursor) and 3
    tickets = read(out, "tickets")
    assert tickets.height == 3 and tickets.filter(pl.col("ticket_id") == "3")["status"].item() == "solved"
    messages = read(out, "messages")
    assert messages.height == 7 and messages["message_id"].n_unique() == 7
    [close] = report(cli, out, "ticket-time-to-close")
    # 12 h, 48 h and ticket 3: 03-04 08:00 -> 03-06 12:00 = 52 h -> mean 112 / 3
    assert close["closed_tickets"] == "3" and float(close["mean_hours"]) == pytest.approx(112 / 3, abs=1e-3)


def test_malformed_page_is_exit_6(fake: FakeZendesk, env: str, tmp_path: Path, cli) -> None:
    fake.fail["/satisfaction_ratings"] = [answer(200, payload={"unexpected": True})]
    result = cli("pull", "zendesk", "--api-url", env, "--out", tmp_path / "zd")
    assert result.code == 6 and "satisfaction_ratings" in result.stderr


def test_only_the_tables_asked_for(fake: FakeZendesk, env: str, tmp_path: Path) -> None:
    pulled = pull(tmp_path / "zd", env, tables=["csat"])
    assert set(pulled.rows) == {"csat"}
    assert not [p for p, _ in fake.log if p.startswith("/incremental")]
