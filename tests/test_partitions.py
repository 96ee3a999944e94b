"""Per-record facts, then aggregation: for every report split into stages, the facts computed on
parts of the data (split by the report's partition key) and aggregated together give the whole
result, and the aggregation and shaping read nothing but the facts.

This is what lets a cluster compute stage (1) per partition and stage (2) on the facts: the test
splits examples/data into two folders by the partition key (each record with every row of its
partition: a ticket with its messages and stage history, a conversation with its ticket's
messages, a rep with its events), computes the facts of each folder, and runs the aggregation and
shaping of the concatenated facts over an empty folder (so a stage that loaded a table would fail).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from svcstats import catalog
from svcstats.reports.definition import ReportInfo, Stages
from tests.conftest import run_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"
AS_OF = date(2026, 10, 31)
STAGED = [info for info in catalog.REPORTS.values() if info.stages is not None]
# the channels that have the agent, given, so that no fact of a conversation depends on other
# conversations (without it, a channel's first conversation with the agent is over the whole table)
CONFIG = '[agent]\nchannels = ["chat", "email", "whatsapp", "form"]\n'
# the tables split by each partition key, and the column holding the key
SPLIT = {
    "ticket": {"tickets": "ticket_id", "messages": "ticket_id", "stage_history": "ticket_id", "csat": "ticket_id", "sla": "ticket_id"},
    "conversation": {"agent_conversations": "conversation_id"},
    "rep": {"availability": "rep"},
    "row": {"tickets": "ticket_id", "csat": "response_id"},
}
SHARED = ("working_hours", "holidays")  # every partition reads the schedules whole


def split(info: ReportInfo, root: Path) -> list[Path]:
    """examples/data in two folders, split by the report's partition key (each key's rows in one)."""
    tables = SPLIT[info.records.partition]
    folders = [root / "part0", root / "part1"]
    frames = {path.stem: pl.read_csv(path, infer_schema=False) for path in EXAMPLES.glob("*.csv")}
    if info.records.partition == "conversation":  # a conversation comes with its ticket's messages
        conversations = frames["agent_conversations"]
    for n, folder in enumerate(folders):
        folder.mkdir()
        (folder / "svcstats.toml").write_text(CONFIG)
        for table, frame in frames.items():
            if table in tables:
                key = tables[table]
                part = frame.filter(pl.col(key).hash(seed=1) % 2 == n) if key in frame.columns else frame.clear()
            elif table in SHARED:
                part = frame
            elif info.records.partition == "conversation" and table == "messages":
                mine = conversations.filter(pl.col("conversation_id").hash(seed=1) % 2 == n)
                part = frame.join(mine.select("ticket_id").drop_nulls().unique(), on="ticket_id", how="semi")
            else:
                continue
            part.write_csv(folder / f"{table}.csv")
    return folders


def staged(info: ReportInfo, stages: Stages) -> ReportInfo:
    return dataclasses.replace(info, stages=stages)


def whole_and_joined(
    info: ReportInfo, stages: Stages, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: object
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The report on the whole data, and its facts computed per part then aggregated together
    (the aggregation and shaping run over an empty folder)."""
    whole_folder = tmp_path / "whole"
    whole_folder.mkdir()
    for path in EXAMPLES.glob("*.csv"):
        (whole_folder / path.name).write_bytes(path.read_bytes())
    (whole_folder / "svcstats.toml").write_text(CONFIG)
    monkeypatch.setitem(catalog.REPORTS, info.name, staged(info, stages))
    whole = run_report(whole_folder, info.name, as_of=AS_OF, **options).result

    facts_only = Stages(stages.facts, lambda ctx, facts: facts, lambda ctx, facts: facts)
    monkeypatch.setitem(catalog.REPORTS, info.name, staged(info, facts_only))
    facts = pl.concat([run_report(folder, info.name, as_of=AS_OF, **options).result for folder in split(info, tmp_path)], how="vertical")
    assert facts.height > 0

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "svcstats.toml").write_text(CONFIG)
    monkeypatch.setitem(catalog.REPORTS, info.name, staged(info, Stages(lambda ctx: facts.lazy(), stages.aggregate, stages.finish)))
    return whole, run_report(empty, info.name, as_of=AS_OF, **options).result


def shapes(info: ReportInfo) -> list[dict[str, object]]:
    """The default run, and totals by the report's first group key (its own group keys otherwise)."""
    if info.name == "ticket-reply-count":  # a ranking over the range takes no --group-by
        return [{}]
    group = next((key for key in info.group_aliases if key not in info.default_group_by), None)
    return [{}, {"totals": True, "group_by": [*info.default_group_by, *([group] if group else [])]}]


@pytest.mark.parametrize(
    ("info", "options"),
    [(info, options) for info in STAGED for options in shapes(info)],
    ids=[f"{info.name}{' totals by group' if options else ''}" for info in STAGED for options in shapes(info)],
)
def test_facts_of_parts_aggregate_to_the_whole(
    info: ReportInfo, options: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert info.stages is not None
    whole, joined = whole_and_joined(info, info.stages, tmp_path, monkeypatch, **options)
    assert_frame_equal(joined, whole, rel_tol=1e-9, abs_tol=1e-9)


def test_a_fact_taken_from_other_records_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the test above can fail: a "fact" ranking each ticket among all tickets is not partition-local
    info = catalog.REPORTS["ticket-time-to-close"]
    assert info.stages is not None
    original = info.stages.facts
    ranked = Stages(lambda ctx: original(ctx).with_columns(pl.col("hours_to_close").rank()), info.stages.aggregate, info.stages.finish)
    whole, joined = whole_and_joined(info, ranked, tmp_path, monkeypatch)
    with pytest.raises(AssertionError):
        assert_frame_equal(joined, whole, rel_tol=1e-9, abs_tol=1e-9)


def test_every_report_names_its_partition() -> None:
    for info in catalog.REPORTS.values():
        assert info.records.partition in ("ticket", "conversation", "rep", "row", "none")
        assert info.records.holds
        assert bool(info.records.key) == (info.records.partition not in ("row", "none")), info.name
