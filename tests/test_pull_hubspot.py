"""`svcstats pull hubspot` against a real local HTTP server replaying HubSpot's documented shapes
(tests/hubspot_fake.py): paging, retries, refusals, malformed pages, resume, incremental runs, and
the reports computed on the pulled folder, checked by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest
from pytest_httpserver import HTTPServer

from svcstats.connectors import hubspot
from svcstats.errors import SourceError
from tests.conftest import pulled_report as report
from tests.conftest import read_pulled as read
from tests.conftest import serve
from tests.hubspot_fake import TOKEN, FakeHubSpot, answer, message, ticket

ROOT = Path(__file__).resolve().parents[1]
TICKETS = "/crm/v3/objects/tickets"


@pytest.fixture
def fake(httpserver: HTTPServer) -> FakeHubSpot:
    """The fake account, served by pytest-httpserver on a loopback port."""
    return serve(httpserver, FakeHubSpot())


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer, fast_retries: None) -> str:
    """A valid token in the environment and tiny back-offs; returns the --api-url."""
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    return httpserver.url_for("/")


def pull(out: Path, url: str, **options) -> hubspot.Pulled:
    """A pull with a sleep recorder instead of real waits (options.client_options may add more)."""
    sleeps: list[float] = options.pop("sleeps", [])
    client = {"sleep": sleeps.append, **options.pop("client_options", {})}
    return hubspot.pull(out, TOKEN, api_url=url, client_options=client, **options)


# -- a whole pull, then the reports on it --------------------------------------------------


def test_pull_pages_every_endpoint_into_neutral_tables(fake: FakeHubSpot, env: str, tmp_path: Path) -> None:
    out = tmp_path / "hubspot"
    pulled = pull(out, env)
    assert pulled.rows == {"tickets": 3, "stage_history": 7, "messages": 10, "agent_conversations": 3, "csat": 3, "working_hours": 7}
    # pages of 2 (3 messages per page): tickets, threads and feedback took two pages each
    asked = [(path, after) for method, path, after in fake.log if path == TICKETS]
    assert asked == [(TICKETS, None), (TICKETS, "2")]
    assert ("GET", "/conversations/v3/conversations/threads/502/messages", "3") in fake.log

    tickets = read(out, "tickets")
    # served newest first, written in creation order; names and labels from owners and pipelines
    assert tickets.select("ticket_id", "status", "is_closed", "owner", "team", "source").rows() == [
        ("11", "Closed", "true", "Ann Lee", "Tier 1", "email"),
        ("12", "Closed", "true", "Bob Ray", "Tier 2", "chat"),
        ("13", "New", "false", "Ann Lee", "Tier 1", "email"),
    ]
    # stage history: served newest first; each visit ends where the next starts
    history = read(out, "stage_history").filter(pl.col("ticket_id") == "12")
    assert history.select("stage", "stage_order", "is_closed_stage", "entered_at", "exited_at").rows() == [
        ("New", "0", "false", "2026-03-03T10:00:00.000Z", "2026-03-03T12:00:00.000Z"),
        ("Waiting on us", "2", "false", "2026-03-03T12:00:00.000Z", "2026-03-05T10:00:00.000Z"),
        ("Closed", "3", "true", "2026-03-05T10:00:00.000Z", None),
    ]
    messages = read(out, "messages")
    kinds = dict(zip(messages["message_id"], zip(messages["sender_type"], messages["is_public"], strict=True), strict=True))
    assert kinds["m2"] == ("agent", "false")  # a COMMENT is an internal note
    assert kinds["w1"] == ("system", "true")  # the bot's welcome message is an event, never a reply
    assert kinds["b1"] == ("bot", "true")  # B- actor
    assert kinds["s1"] == ("system", "true")  # a thread status change is not a reply
    assert kinds["c1"] == ("customer", "true")  # V- actor
    # ticket 12's messages in time order, the welcome 5 ms before the ticket kept as it is
    assert messages.filter(pl.col("ticket_id") == "12")["message_id"].to_list() == ["w1", "c1", "b1", "c2", "s1", "a1"]
    conversations = read(out, "agent_conversations").filter(pl.col("conversation_id") == "502")
    assert conversations.select("agent_involved", "handed_off", "handoff_at", "assigned_rep").row(0) == (
        "true",
        "true",
        "2026-03-03T14:00:00.000Z",
        "Bob Ray",
    )
    csat = read(out, "csat")
    assert csat.select("response_id", "rating", "scale_min", "scale_max").rows() == [
        ("f1", "2", "0", "2"),
        ("f2", "0", "0", "2"),
        ("f3", "9", "0", "10"),
    ]
    hours = read(out, "working_hours")
    assert hours.filter(pl.col("rep") == "Ann Lee").height == 5  # MONDAY_TO_FRIDAY
    assert hours.filter(pl.col("rep") == "Bob Ray").select("weekday", "start", "end").rows() == [
        ("sat", "10:00", "24:00"),
        ("sun", "10:00", "24:00"),
    ]
    manifest = json.loads((out / "svcstats-pull.json").read_text())
    assert manifest["streams"]["tickets"]["cursor"] == "2026-03-05T10:00:00.000Z"  # ticket 12's last modification
    assert manifest["tables"]["messages"]["rows"] == 10
    assert sorted(p.name for p in tmp_path.iterdir()) == [".hubspot.lock", "hubspot"]  # staging gone; the publish lock stays


def test_reports_on_the_pulled_folder(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "hubspot"
    pull(out, env)
    # first response: ticket 11 09:00 -> Ann's reply 11:00 = 2 h (the 10:00 note is no reply);
    # ticket 12 10:00 -> Bob's reply 14:00 = 4 h (the bot's 10:00:05 answer is no reply);
    # ticket 13 unanswered. mean (2 + 4) / 2 = 3 h
    first = report(cli, out, "ticket-time-to-first-response")
    assert first == [{"replied_tickets": "2", "mean_hours": "3.0", "median_hours": "3.0", "p90_hours": "3.8", "unreplied_tickets": "1"}]
    # time to close: 11 09:00 -> 21:00 = 12 h; 12 03-03 10:00 -> 03-05 10:00 = 48 h; mean 30 h; 13 open
    close = report(cli, out, "ticket-time-to-close")
    assert (close[0]["closed_tickets"], close[0]["mean_hours"], close[0]["open_tickets"]) == ("2", "30.0", "1")
    # customer waits: 11: 09:00 -> 11:00 = 2 h; 12: 10:00 (10:01 joins the same wait) -> 14:00 = 4 h;
    # 13: 08:00 still open. mean 3 h, 1 open
    waits = report(cli, out, "customer-wait-time")
    assert (waits[0]["waits"], waits[0]["mean_hours"], waits[0]["open_waits"]) == ("2", "3.0", "1")
    # csat: CSAT 2 on 0-2 positive, CSAT 0 negative, NPS 9 on 0-10 positive: 2 / 3 = 66.67 %
    csat = report(cli, out, "csat")
    assert (csat[0]["responses"], csat[0]["positive"], csat[0]["negative"]) == ("3", "2", "1")
    assert float(csat[0]["csat_pct"]) == pytest.approx(200 / 3)
    # replies per rep: Ann m3 (not the note m2), Bob a1
    assert report(cli, out, "owner-reply-count") == [
        {"rep": "Ann Lee", "replies": "1", "rank": "1"},
        {"rep": "Bob Ray", "replies": "1", "rank": "1"},
    ]
    # the agent took part in thread 502 only (bot answer b1), handed off at Bob's 14:00 reply
    handoffs = report(cli, out, "agent-handoffs")
    assert (handoffs[0]["handoffs"], handoffs[0]["pending"]) == ("1", "0")


# -- retries and refusals ---------------------------------------------------------------------


def test_429_waits_the_retry_after_then_goes_on(fake: FakeHubSpot, env: str, tmp_path: Path) -> None:
    fake.fail[(TICKETS, None)] = [answer({"status": "error", "policyName": "TEN_SECONDLY_ROLLING"}, 429, {"Retry-After": "0.02"})]
    sleeps: list[float] = []
    pulled = pull(tmp_path / "out", env, sleeps=sleeps)
    assert sleeps == [0.02]
    assert pulled.rows["tickets"] == 3
    assert [p for _, p, a in fake.log if p == TICKETS and a is None] == [TICKETS, TICKETS]  # asked again


def test_500_is_retried_with_backoff(fake: FakeHubSpot, env: str, tmp_path: Path) -> None:
    fake.fail[(TICKETS, "2")] = [answer("oops", 500), answer("oops", 502)]
    sleeps: list[float] = []
    pulled = pull(tmp_path / "out", env, sleeps=sleeps, client_options={"backoff_base": 0.01})
    assert sleeps == [0.01, 0.02]  # doubled at each retry
    assert pulled.rows["tickets"] == 3


def test_retries_stop_within_the_wait_bound(fake: FakeHubSpot, env: str, tmp_path: Path) -> None:
    fake.fail[(TICKETS, None)] = [answer("down", 503) for _ in range(20)]
    sleeps: list[float] = []
    with pytest.raises(SourceError, match="still failing"):
        pull(tmp_path / "out", env, sleeps=sleeps, client_options={"backoff_base": 1.0, "max_wait": 5.0})
    assert sleeps == [1.0, 2.0]  # a third wait (4 s) would pass the 5 s bound
    assert sum(sleeps) <= 5.0


def test_401_is_one_line_and_exit_5(fake: FakeHubSpot, env: str, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "wrong")
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env)
    assert result.code == 5
    assert result.stderr.strip().splitlines() == [
        "svcstats: error: HubSpot API refused the access token in $HUBSPOT_ACCESS_TOKEN (401 Unauthorized) "
        "(set HUBSPOT_ACCESS_TOKEN to a valid, unexpired token)"
    ]
    assert "wrong" not in result.stderr  # the token is never shown


def test_missing_token_is_exit_5(tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", "http://127.0.0.1:9")
    assert result.code == 5
    assert "HUBSPOT_ACCESS_TOKEN is not set" in result.stderr


def test_403_names_the_missing_scope(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    body = {
        "status": "error",
        "message": "This app hasn't been granted all required scopes to make this call.",
        "category": "MISSING_SCOPES",
        "errors": [
            {"message": "One or more of the following scopes are required.", "context": {"requiredGranularScopes": ["conversations.read"]}}
        ],
    }
    fake.fail[("/conversations/v3/conversations/threads", None)] = [answer(body, 403)]
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env)
    assert result.code == 5
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("svcstats: error:")]
    assert "lacks the scope conversations.read" in line
    assert "GET /conversations/v3/conversations/threads answered 403" in line


def test_403_without_a_body_names_the_stream_scope(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    fake.fail[("/crm/v3/objects/feedback_submissions", None)] = [answer("Forbidden", 403)]
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env)
    assert result.code == 5
    assert "lacks the scope crm.objects.feedback_submissions.read" in result.stderr


def test_daily_limit_fails_at_once_with_exit_6(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    fake.fail[(TICKETS, None)] = [answer({"status": "error", "policyName": "DAILY", "message": "You have reached your daily limit."}, 429)]
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env)
    assert result.code == 6
    assert "daily API limit is used up" in result.stderr
    assert [p for _, p, _ in fake.log].count(TICKETS) == 1  # no retry of a daily limit


def test_malformed_page_is_one_line_and_exit_6(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    fake.fail[(TICKETS, "2")] = [answer({"results": "not a list"}, 200)]
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env)
    assert result.code == 6
    errors = [x for x in result.stderr.splitlines() if x.startswith("svcstats: error:")]
    assert errors == [
        "svcstats: error: HubSpot API: GET /crm/v3/objects/tickets: the page has no list of results with ids (not the documented shape) "
        "(run again later; if it persists, check --api-url points at the API (a proxy may answer instead))"
    ]
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()  # nothing published


def test_non_json_answer_is_exit_6(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    fake.fail[("/crm/v3/owners", None)] = [answer("<html>proxy login</html>", 200)]
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env)
    assert result.code == 6
    assert "the answer is not JSON" in result.stderr


def test_an_api_that_never_answers_fails_after_three_tries(env: str, tmp_path: Path, cli) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on: every connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", f"http://127.0.0.1:{port}/")
    assert result.code == 6
    assert result.stderr.startswith(f"svcstats: error: HubSpot API: cannot connect to http://127.0.0.1:{port}/ (ConnectError")
    assert "check --api-url and the network" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_connection_lost_mid_pull_is_retried_with_the_full_policy(fake: FakeHubSpot, env: str) -> None:
    import httpx

    from svcstats.connectors.http import Api, Client, Retryable

    client = Client(Api("HubSpot", env, "HUBSPOT_ACCESS_TOKEN"), TOKEN, sleep=lambda seconds: None)
    client.get("/crm/v3/owners")  # the API answered once: a later refusal is an outage, not a wrong address
    calls = []

    def refuse(method: str, path: str, **kwargs: object) -> httpx.Response:
        calls.append(path)
        raise Retryable("ConnectError: refused", unreachable=True)

    client._attempt = refuse  # type: ignore[method-assign]
    with pytest.raises(SourceError, match="still failing after"):
        client.get("/crm/v3/owners")
    assert len(calls) == 8  # MAX_ATTEMPTS


# -- resume and incremental runs --------------------------------------------------------------


def test_interrupted_pull_resumes_without_lost_or_doubled_rows(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    # the second tickets page fails past the retries: the first page is staged, nothing published
    fake.fail[(TICKETS, "2")] = [answer("down", 503) for _ in range(8)]
    first = cli("pull", "hubspot", "--out", out, "--api-url", env)
    assert first.code == 6
    assert "resumes where it stopped" in first.stderr
    assert not out.exists()
    assert (tmp_path / ".out.pull" / "state.json").is_file()
    # the same command again: page 1 is not fetched again, page 2 is, every table is whole
    second = cli("pull", "hubspot", "--out", out, "--api-url", env)
    assert second.code == 0, second.stderr
    assert "tickets: resuming after page 1" in second.stderr
    assert [a for _, p, a in fake.log if p == TICKETS].count(None) == 1
    tickets = read(out, "tickets")
    assert sorted(tickets["ticket_id"]) == ["11", "12", "13"]  # none lost, none doubled
    assert read(out, "stage_history").height == 7
    assert not (tmp_path / ".out.pull").exists()


def test_resume_with_other_options_is_refused(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    fake.fail[(TICKETS, "2")] = [answer("down", 503) for _ in range(8)]
    assert cli("pull", "hubspot", "--out", out, "--api-url", env).code == 6
    other = cli("pull", "hubspot", "--out", out, "--api-url", env, "--tables", "csat")
    assert other.code == 2
    assert "an interrupted pull with other options is waiting" in other.stderr


def test_second_run_fetches_changes_and_merges_without_duplicates(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    assert cli("pull", "hubspot", "--out", out, "--api-url", env).code == 0
    fake.log.clear()
    # ticket 13 answered and closed; a new ticket 14; ticket 11 unchanged
    fake.data["tickets"][2] = ticket(
        "13", "2026-03-04T08:00:00Z", "2026-03-06T09:00:00Z", "4", "101", "t1", "EMAIL",
        [("1", "2026-03-04T08:00:00Z"), ("4", "2026-03-06T09:00:00Z")], closed="2026-03-06T09:00:00Z",
    )  # fmt: skip
    fake.data["tickets"].append(
        ticket("14", "2026-03-06T08:00:00Z", "2026-03-06T08:30:00Z", "1", "102", "t2", "CHAT", [("1", "2026-03-06T08:00:00Z")])
    )
    fake.data["messages"]["503"].append(message("r3", "MESSAGE", "A-9001", "2026-03-04T09:30:00Z", "OUTGOING"))
    fake.data["threads"][2]["latestMessageTimestamp"] = "2026-03-04T09:30:00Z"
    second = cli("pull", "hubspot", "--out", out, "--api-url", env)
    assert second.code == 0, second.stderr
    paths = [p for _, p, _ in fake.log]
    assert TICKETS not in paths and f"{TICKETS}/search" in paths  # only what changed is asked for
    # search from the cursor (ticket 12's 03-05 10:00, inclusive) finds 12, 14 and 13
    read_back = [a for m, p, a in fake.log if p == f"{TICKETS}/batch/read"]
    assert len(read_back) == 2  # two search pages of 2 and 1
    tickets = read(out, "tickets")
    assert tickets["ticket_id"].to_list() == ["11", "12", "13", "14"]  # merged, no duplicates
    assert tickets.filter(pl.col("ticket_id") == "13")["closed_at"].item() == "2026-03-06T09:00:00.000Z"
    history = read(out, "stage_history")
    # 11: 3 visits, 12: 3 (fetched again, replaced, not doubled), 13: New then Closed, 14: New
    assert history.group_by("ticket_id").len().sort("ticket_id").rows() == [("11", 3), ("12", 3), ("13", 2), ("14", 1)]
    messages = read(out, "messages")
    assert messages.height == 11  # 10 + Ann's reply r3 (thread 502 fetched again, not doubled)
    assert messages["message_id"].is_unique().all()
    # ticket 13 now answered: 08:00 -> 09:30 = 1.5 h; first responses 2, 4, 1.5 h: mean 7.5 / 3 = 2.5 h
    first = report(cli, out, "ticket-time-to-first-response")
    assert (first[0]["replied_tickets"], first[0]["mean_hours"], first[0]["unreplied_tickets"]) == ("3", "2.5", "1")  # 14 has no reply
    manifest = json.loads((out / "svcstats-pull.json").read_text())
    assert manifest["streams"]["tickets"]["cursor"] == "2026-03-06T09:00:00.000Z"


def test_search_starts_again_before_hubspots_result_cap(
    fake: FakeHubSpot, env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    pull(out, env)
    fake.log.clear()
    fake.data["tickets"].append(
        ticket("14", "2026-03-06T08:00:00Z", "2026-03-06T08:30:00Z", "1", "102", "t2", "CHAT", [("1", "2026-03-06T08:00:00Z")])
    )
    fake.data["tickets"][2]["properties"]["hs_lastmodifieddate"] = "2026-03-06T09:00:00Z"
    monkeypatch.setattr(hubspot, "SEARCH_CAP", 51)  # a second page (offset 2, 50 a page) would pass it
    pulled = pull(out, env, tables=["tickets", "stage_history"])
    searches = [body for method, path, body in fake.search_bodies if path == f"{TICKETS}/search"]
    # from the cursor (12's 03-05 10:00): page [12, 14]; then again from 14's 08:30: [14, 13]
    assert [(b["filterGroups"][0]["filters"][0]["value"], b.get("after")) for b in searches] == [
        (hubspot.epoch_ms("2026-03-05T10:00:00Z"), None),
        (hubspot.epoch_ms("2026-03-06T08:30:00Z"), None),
    ]
    assert pulled.rows["tickets"] == 4  # 14 seen twice, kept once
    assert read(out, "tickets")["ticket_id"].to_list() == ["11", "12", "13", "14"]
    assert read(out, "stage_history").filter(pl.col("ticket_id") == "14").height == 1


def test_availability_snapshots_append_and_end_at_the_next(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    out = tmp_path / "out"
    pull(out, env)

    def snapshot(hour: int, minute: int) -> hubspot.Pulled:
        return pull(out, env, snapshot=True, clock=lambda: datetime(2026, 3, 2, hour, minute, tzinfo=UTC))

    snapshot(9, 0)
    fake.data["users"][1]["properties"]["hs_availability_status"] = "available"
    snapshot(9, 5)
    pulled = snapshot(10, 0)  # 55 minutes later: cron missed some runs
    assert pulled.rows["availability"] == 6  # two users, three snapshots
    rows = read(out, "availability").select("rep", "status", "started_at", "ended_at").rows()
    assert rows == [
        ("Ann Lee", "available", "2026-03-02T09:00:00.000Z", "2026-03-02T09:05:00.000Z"),  # until the next snapshot
        ("Bob Ray", "away", "2026-03-02T09:00:00.000Z", "2026-03-02T09:05:00.000Z"),
        ("Ann Lee", "available", "2026-03-02T09:05:00.000Z", "2026-03-02T09:20:00.000Z"),  # 55 min gap: 15 min, then unknown
        ("Bob Ray", "available", "2026-03-02T09:05:00.000Z", "2026-03-02T09:20:00.000Z"),
        ("Ann Lee", "available", "2026-03-02T10:00:00.000Z", None),  # the latest: holds now
        ("Bob Ray", "available", "2026-03-02T10:00:00.000Z", None),
    ]
    assert read(out, "tickets").height == 3  # the other tables are kept as they were
    # Bob's hours on 03-02 up to --as-of (end of day, 24:00): away 09:00-09:05 = 5 min; available
    # 09:05-09:20 = 15 min and 10:00-24:00 = 14 h; the 40 minutes between count for no status
    result = cli("report", "rep-availability", "--data", out, "--from", "2026-03-02", "--to", "2026-03-02", "--as-of", "2026-03-02",
                 "--totals", "-f", "csv", "-q", "--rep", "Bob Ray")  # fmt: skip
    assert result.code == 0, result.stderr
    hours = {row["status"]: float(row["hours"]) for row in pl.read_csv(result.stdout.encode()).to_dicts()}
    assert hours == pytest.approx({"available": 14.25, "away": 5 / 60}, abs=1e-4)  # shown to 4 decimals


def test_a_second_pull_of_the_same_kind_waits_for_none(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    from svcstats.connectors.state import Staging

    out = tmp_path / "out"
    running = Staging(out, "hubspot", {"command": "svcstats pull hubspot"})
    running.open()  # a pull in progress holds .out.pull.lock
    try:
        result = cli("pull", "hubspot", "--out", out, "--api-url", env)
        assert result.code == 2
        assert f"another svcstats pull into {out} is running" in result.stderr
        snapshot = cli("pull", "hubspot", "--out", out, "--api-url", env, "--availability-snapshot")
        assert snapshot.code == 0, snapshot.stderr  # a snapshot has its own staging folder: cron goes on
    finally:
        running.close()
        running.discard()


def test_out_folder_of_something_else_is_refused(tmp_path: Path, cli, env: str) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep")
    result = cli("pull", "hubspot", "--out", tmp_path / "mine", "--api-url", env)
    assert result.code == 4
    assert "holds no earlier pull" in result.stderr


def test_pull_help_imports_neither_httpx_nor_polars() -> None:
    code = (
        "import sys; from svcstats.cli import main\n"
        "try:\n    main(['pull', 'hubspot', '--help'])\nexcept SystemExit:\n    pass\n"
        "assert 'polars' not in sys.modules and 'httpx' not in sys.modules, 'heavy import'\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert completed.returncode == 0, completed.stderr


def test_tables_are_checked_before_any_request(fake: FakeHubSpot, env: str, tmp_path: Path, cli) -> None:
    unknown = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env, "--tables", "tickets,calls")
    assert (unknown.code, fake.log) == (2, [])
    assert "--tables: unknown table 'calls'" in unknown.stderr
    history = cli("pull", "hubspot", "--out", tmp_path / "out", "--api-url", env, "--tables", "availability")
    assert history.code == 2
    assert "--tables availability needs --availability-snapshot" in history.stderr


def test_only_the_tables_asked_for_are_pulled(fake: FakeHubSpot, env: str, tmp_path: Path) -> None:
    pulled = pull(tmp_path / "out", env, tables=["csat"])
    assert pulled.rows == {"csat": 3}
    assert {path for _, path, _ in fake.log} == {"/crm/v3/owners", "/crm/v3/objects/feedback_submissions"}


def test_ctrl_c_mid_pull_then_the_same_command_finishes_it(
    fake: FakeHubSpot, env: str, tmp_path: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from svcstats.connectors.state import Staging

    out = tmp_path / "out"
    real = Staging.page_done
    calls = []

    def interrupted(self, name, rows, after, cursor):
        calls.append(name)
        if len(calls) == 4:  # tickets 1, 2, threads 1 done; Ctrl-C while threads page 2 is being saved
            raise KeyboardInterrupt
        real(self, name, rows, after, cursor)

    monkeypatch.setattr(Staging, "page_done", interrupted)
    assert cli("pull", "hubspot", "--out", out, "--api-url", env).code == 130
    monkeypatch.setattr(Staging, "page_done", real)
    assert not out.exists()
    fake.log.clear()
    second = cli("pull", "hubspot", "--out", out, "--api-url", env)
    assert second.code == 0, second.stderr
    assert "threads: resuming after page 1" in second.stderr
    assert TICKETS not in [p for _, p, _ in fake.log]  # tickets were done: not asked again
    messages = read(out, "messages")
    assert messages.height == 10 and messages["message_id"].is_unique().all()  # threads page 2 (501) fetched once more, kept once
    assert read(out, "tickets").height == 3
