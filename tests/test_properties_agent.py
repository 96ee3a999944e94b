"""Property tests of the customer agent's flags over random small conversation tables:
resolved <= deflected <= judged <= handled; every judged conversation is a handoff or a
deflection when the only human involvement is a handoff; rates lie within [0, 100] %;
over-time rows add up to the totals."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import rows, run_report, write_csv
from tests.test_reports_agent import HEADER

START = datetime(2026, 3, 1, tzinfo=UTC)
AS_OF = date(2026, 4, 20)
SETTINGS = settings(max_examples=15, deadline=None, derandomize=True)


def stamp(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


@st.composite
def conversation(draw: st.DrawFn, only_handoffs: bool) -> list[object]:
    start = draw(st.integers(0, 50 * 24 * 60))
    length = draw(st.integers(1, 6 * 24 * 60))
    involved = draw(st.booleans())
    handed_off = involved and draw(st.booleans())
    rep = draw(st.sampled_from([None, "Ann", "Bob"])) if handed_off or not only_handoffs else None
    closed = draw(st.one_of(st.none(), st.integers(length, length + 3000)))
    return [
        None,  # id, filled below
        draw(st.sampled_from(["chat", "email", "whatsapp"])),
        stamp(start),
        stamp(start + length),
        stamp(start + length),
        str(involved).lower(),
        str(draw(st.booleans())).lower(),
        str(draw(st.booleans())).lower(),
        str(handed_off).lower(),
        stamp(start + length // 2) if handed_off else None,
        draw(st.sampled_from(["customer_request", "cannot_answer", "keyword", None])) if handed_off else None,
        draw(st.sampled_from(["helpful", "not_helpful", "none", None])),
        rep,
        stamp(start + closed) if closed is not None else None,
        None,
    ]


def totals(table: list[list[object]], report: str, **options: object) -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as folder:
        for i, row in enumerate(table):
            row[0] = f"C{i}"
        write_csv(Path(folder) / "agent_conversations.csv", HEADER, table)
        return rows(run_report(Path(folder), report, as_of=AS_OF, **options).result)


@SETTINGS
@given(st.lists(conversation(only_handoffs=False), min_size=1, max_size=25))
def test_resolved_within_deflected_within_judged(table: list[list[object]]) -> None:
    resolved = totals(table, "agent-resolutions", totals=True)[0]
    deflected = totals(table, "agent-deflections", totals=True)[0]
    handled = totals(table, "agent-conversations-handled", totals=True)[0]
    assert resolved["resolved"] <= deflected["deflected"] <= deflected["judged"] <= handled["handled"]
    assert resolved["resolved"] + resolved["unresolved"] + resolved["pending"] == handled["handled"]
    for report, rate in (
        ("agent-resolution-rate", "resolution_pct"),
        ("agent-deflection-rate", "deflection_pct"),
        ("agent-handoff-rate", "handoff_pct"),
        ("agent-handling-rate", "handle_pct"),
        ("agent-feedback-trend", "helpful_pct"),
        ("agent-handoff-outcomes", "conversion_pct"),
    ):
        for row in totals(table, report, frequency="weekly"):
            assert row[rate] is None or 0 <= row[rate] <= 100, (report, row)


@SETTINGS
@given(st.lists(conversation(only_handoffs=True), min_size=1, max_size=25))
def test_handoffs_and_deflections_make_up_the_judged(table: list[list[object]]) -> None:
    handoffs = totals(table, "agent-handoff-rate", totals=True)[0]
    deflected = totals(table, "agent-deflections", totals=True)[0]
    assert handoffs["handoffs"] + deflected["deflected"] == deflected["judged"]
    reasons = ("customer_request", "cannot_answer", "custom_trigger", "agent_paused", "other_reason")
    assert sum(handoffs[r] for r in reasons) == handoffs["handoffs"]
    weekly = totals(table, "agent-handoff-rate")
    assert sum(r["handoffs"] for r in weekly) == handoffs["handoffs"]
    assert sum(r["judged"] for r in weekly) == handoffs["judged"]
