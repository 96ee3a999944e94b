"""`svcstats pull chatwoot` against a local HTTP server replaying Chatwoot's documented shapes
(tests/chatwoot_fake.py): paging, rate limits, refusals, interruption and resume, incremental
runs, and reports on the pulled folder, checked by hand."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from pytest_httpserver import HTTPServer

from svcstats.connectors import chatwoot
from tests.chatwoot_fake import TOKEN, FakeChatwoot, answer, message, unix
from tests.conftest import pulled_report as report
from tests.conftest import read_pulled as read
from tests.conftest import serve


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeChatwoot:
    return serve(httpserver, FakeChatwoot())


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, fast_retries: None) -> str:
    """A valid token in the environment, tiny back-offs; returns the account's --api-url."""
    monkeypatch.setenv("CHATWOOT_API_TOKEN", TOKEN)
    return httpserver.url_for("/api/v1/accounts/1")


def pull(out: Path, url: str, **options):
    sleeps: list[float] = options.pop("sleeps", [])
    return chatwoot.pull(out, TOKEN, api_url=url, client_options={"sleep": sleeps.append}, **options)


def test_pull_pages_every_endpoint_into_neutral_tables(fake: FakeChatwoot, env: str, tmp_path: Path) -> None:
    out = tmp_path / "chatwoot"
    pulled = pull(out, env)
    assert pulled.rows == {"tickets": 3, "messages": 9, "csat": 2, "working_hours": 5}
    # conversation pages of 2 until an empty one; 101's six messages in pages of 2 (latest first, then ?before=)
    assert [q.get("page") for p, q in fake.log if p == "/conversations"] == ["1", "2", "3"]
    assert [q.get("before") for p, q in fake.log if p == "/conversations/101/messages"] == [None, "5", "3", "1"]
    tickets = read(out, "tickets")
    assert tickets.select("ticket_id", "status", "is_closed", "owner", "team", "source", "closed_at").rows() == [
        ("101", "resolved", "true", "Eva Berg", "Sales", "chat", "2026-03-02T12:00:00Z"),  # the "marked resolved" activity
        ("102", "open", "false", "Eva Berg", None, "email", None),
        ("103", "pending", "false", None, None, "chat", None),
    ]
    messages = read(out, "messages").filter(pl.col("ticket_id") == "101")
    assert messages.select("sender_type", "is_public").rows() == [
        ("customer", "true"),
        ("bot", "true"),
        ("system", "true"),  # the assignment activity
        ("agent", "false"),  # the private note
        ("agent", "true"),
        ("system", "true"),
    ]
    hours = read(out, "working_hours")
    # day_of_week 0 = Sunday (closed), 1-5 open 09:00-17:30 in the inbox's zone, 6 closed
    assert hours.rows()[0] == ("*", "1", "09:00", "17:30", "Europe/Berlin") and hours.height == 5


def test_reports_on_the_pulled_folder(fake: FakeChatwoot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "chatwoot"
    pull(out, env)
    [first] = report(cli, out, "ticket-time-to-first-response")
    # 101: 09:00 -> Eva's public 09:30 (bot and private note do not count) = 0.5 h; 102: 1 h; 103 unreplied
    assert (first["replied_tickets"], float(first["mean_hours"]), first["unreplied_tickets"]) == ("2", 0.75, "1")
    [close] = report(cli, out, "ticket-time-to-close")
    assert (close["closed_tickets"], float(close["mean_hours"])) == ("1", 3.0)  # 09:00 -> 12:00
    [csat] = report(cli, out, "csat")
    assert (float(csat["csat_pct"]), csat["responses"]) == (50.0, "2")  # 5 positive, 2 negative


def test_429_waits_the_retry_after(fake: FakeChatwoot, env: str, tmp_path: Path) -> None:
    fake.fail[("/conversations", "1")] = [answer(429, {"Retry-After": "3"})]
    sleeps: list[float] = []
    pulled = pull(tmp_path / "cw", env, sleeps=sleeps)
    assert sleeps == [3.0] and pulled.rows["tickets"] == 3


def test_wrong_token_is_one_line_and_exit_5(fake: FakeChatwoot, env: str, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATWOOT_API_TOKEN", "wrong")
    result = cli("pull", "chatwoot", "--api-url", env, "--out", tmp_path / "cw")
    assert result.code == 5 and len(result.stderr.strip().splitlines()) == 1
    assert "CHATWOOT_API_TOKEN" in result.stderr and "wrong" not in result.stderr


def test_missing_token_and_account_are_refused(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CHATWOOT_API_TOKEN", raising=False)
    assert cli("pull", "chatwoot", "--url", "http://127.0.0.1:9", "--out", tmp_path / "cw").code == 2  # no --account
    result = cli("pull", "chatwoot", "--url", "http://127.0.0.1:9", "--account", "1", "--out", tmp_path / "cw")
    assert result.code == 5 and "CHATWOOT_API_TOKEN" in result.stderr


def test_interrupted_pull_resumes_without_lost_or_doubled_rows(fake: FakeChatwoot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "cw"
    fake.fail[("/conversations", "2")] = [answer(500) for _ in range(20)]
    result = cli("pull", "chatwoot", "--api-url", env, "--out", out)
    assert result.code == 6
    assert not (out / "tickets.csv").exists()
    fake.fail.clear()
    result = cli("pull", "chatwoot", "--api-url", env, "--out", out)
    assert result.code == 0, result.stderr
    assert "conversations: resuming after page 1" in result.stderr
    tickets = read(out, "tickets")
    assert tickets.height == 3 and tickets["ticket_id"].n_unique() == 3
    assert read(out, "messages").height == 9


def test_second_run_fetches_active_conversations_and_merges(fake: FakeChatwoot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "cw"
    pull(out, env)
    # 102 is resolved on 03-05 09:00
    fake.data["messages"][102].append(
        message(10, 102, 2, "2026-03-05T09:00:00Z", None, content="Conversation was marked resolved by Eva Berg")
    )
    changed = fake.data["conversations"][1]
    changed.update(status="resolved", last_activity_at=unix("2026-03-05T09:00:00Z"), timestamp=unix("2026-03-05T09:00:00Z"))
    fake.log.clear()
    pull(out, env)
    fetched = sorted(p for p, _ in fake.log if p.endswith("/messages"))
    assert set(fetched) == {"/conversations/102/messages", "/conversations/103/messages"}  # active since the cursor (03-04 08:00)
    tickets = read(out, "tickets")
    assert tickets.height == 3 and tickets.filter(pl.col("ticket_id") == "102")["closed_at"].item() == "2026-03-05T09:00:00Z"
    assert read(out, "messages").height == 10
    [close] = report(cli, out, "ticket-time-to-close")
    # 3 h (101) and 102: 03-03 10:00 -> 03-05 09:00 = 47 h -> mean 25
    assert (close["closed_tickets"], float(close["mean_hours"])) == ("2", 25.0)


def test_malformed_page_is_exit_6(fake: FakeChatwoot, env: str, tmp_path: Path, cli) -> None:
    fake.fail[("/conversations", "1")] = [answer(200, payload={"data": {"unexpected": []}})]
    result = cli("pull", "chatwoot", "--api-url", env, "--out", tmp_path / "cw")
    assert result.code == 6 and "/conversations" in result.stderr
