"""Property test of backlog against a plain-Python oracle over random ticket lives.

Each ticket is created, maybe closed, maybe reopened, maybe closed again (what HubSpot keeps:
first close, latest reopen, last close). The oracle says, for each day's end, which tickets are
open (created before it and not inside a closed spell) and how old they are, and counts the
creations, closes and reopens of each day; the report must agree, and its net_change must be
the change of its backlog from one day to the next.
"""

from __future__ import annotations

import itertools
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import rows, run_report, write_csv

START = datetime(2026, 3, 1, tzinfo=UTC)
DAYS = 10
HEADER = ["ticket_id", "created_at", "first_closed_at", "reopened_at", "closed_at", "is_closed"]
BOUNDS = [1, 3, 7, 30]

minutes = st.integers(min_value=1, max_value=4 * 24 * 60)
life = st.tuples(
    st.integers(min_value=-5 * 24 * 60, max_value=DAYS * 24 * 60 - 1),  # created, minutes from START
    st.one_of(st.none(), minutes),  # first close after creation
    st.one_of(st.none(), minutes),  # reopen after the first close
    st.one_of(st.none(), minutes),  # last close after the reopen
)


def iso(moment: datetime | None) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def lives(raw: list[tuple[int, int | None, int | None, int | None]]) -> list[dict[str, datetime | None]]:
    found = []
    for created_min, close, reopen, reclose in raw:
        created = START + timedelta(minutes=created_min)
        first = created + timedelta(minutes=close) if close else None
        again = first + timedelta(minutes=reopen) if first and reopen else None
        last = again + timedelta(minutes=reclose) if again and reclose else None
        found.append({"created": created, "first": first, "reopen": again, "last": last})
    return found


def is_open(t: dict[str, datetime | None], at: datetime) -> bool:
    def before(key: str) -> bool:
        return t[key] is not None and t[key] < at  # type: ignore[operator]

    closed = (before("first") and not before("reopen")) or before("last")
    return t["created"] < at and not closed  # type: ignore[operator]


@settings(max_examples=25, deadline=None)
@given(st.lists(life, min_size=1, max_size=12))
def test_backlog_matches_the_oracle(raw: list[tuple[int, int | None, int | None, int | None]]) -> None:
    tickets = lives(raw)
    table = []
    for n, t in enumerate(tickets):
        reopened = t["reopen"] is not None
        last = t["last"] if reopened else t["first"]
        table.append([f"T{n}", iso(t["created"]), iso(t["first"]), iso(t["reopen"]), iso(last), "true" if last else "false"])
    with tempfile.TemporaryDirectory() as folder:
        write_csv(Path(folder) / "tickets.csv", HEADER, table)
        end = START.date() + timedelta(days=DAYS - 1)
        result = run_report(Path(folder), "backlog", frequency="daily", date_from=START.date(), date_to=end, as_of=date(2026, 5, 1)).result
    by_day = {r["period_start"]: r for r in rows(result)}
    previous = sum(is_open(t, START) for t in tickets)
    for day in range(DAYS):
        at = START + timedelta(days=day + 1)
        row = by_day[(START + timedelta(days=day)).date()]
        still = [t for t in tickets if is_open(t, at)]
        ages = [(at - t["created"]).total_seconds() / 86400 for t in still]  # type: ignore[operator]
        edges = [0, *BOUNDS, float("inf")]
        buckets = [sum(low <= a < high for a in ages) for low, high in itertools.pairwise(edges)]

        def within(key: str, day: int = day) -> int:
            low, high = START + timedelta(days=day), START + timedelta(days=day + 1)
            return sum(t[key] is not None and low <= t[key] < high for t in tickets)  # type: ignore[operator]

        closes = within("first") + within("last")
        expected = (len(still), buckets, within("created"), closes, within("reopen"))
        got = (row["backlog"], [row[c] for c in ("age_0_1d", "age_1_3d", "age_3_7d", "age_7_30d", "age_30d_plus")])
        assert (*got, row["created"], row["closed"], row["reopened"]) == expected
        assert row["net_change"] == len(still) - previous
        previous = len(still)
