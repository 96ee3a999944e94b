"""Parity: every report Spark can run gives the local result on generated data (counts and
quantiles exactly, means within 1e-12), with business hours, --as-of and selections; findings are
counted on the cluster and told the same way.

Runs when PySpark and Java are present (the `spark` extra; CI installs it), on one local[2]
session for the whole test session, over a small demo dataset written as Parquet."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from svcstats import catalog
from svcstats.demo import generate
from svcstats.errors import UsageError
from tests.conftest import run_report

needs_spark = pytest.mark.skipif(
    importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
    reason="Spark parity tests need PySpark (pip install 'svcstats[spark]') and Java 17 on PATH",
)
MASTER = "local[2]"
AS_OF = date(2026, 10, 31)
CONFIG = '[agent]\nchannels = ["chat", "email", "whatsapp", "form"]\n'
SUPPORTED = [info for info in catalog.REPORTS.values() if info.records.partition != "none"]


@pytest.fixture(scope="session")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo dataset as Parquet, with the agent's channels given (see test_partitions)."""
    folder = tmp_path_factory.mktemp("spark") / "demo"
    generate(folder, tickets=400, seed=3, file_format="parquet")
    (folder / "svcstats.toml").write_text(CONFIG)
    return folder


@pytest.fixture(scope="session")
def spark() -> object:
    """One local Spark session for every test (start-up costs seconds), with few shuffle partitions."""
    from svcstats.engines.spark import session

    started = session(MASTER, {"spark.sql.shuffle.partitions": "3"})
    yield started
    started.stop()


def same(data: Path, report: str, **options: object) -> None:
    options.setdefault("config", data / "svcstats.toml")
    local = run_report(data, report, as_of=AS_OF, **options)
    on_spark = run_report(data, report, as_of=AS_OF, spark=MASTER, **options)
    # counts and quantiles exactly; means (sums in another order) within 1e-12
    assert_frame_equal(on_spark.result, local.result, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)
    assert [f.message().split(" (e.g.")[0] for f in on_spark.findings] == [f.message().split(" (e.g.")[0] for f in local.findings]


@needs_spark
@pytest.mark.parametrize("info", SUPPORTED, ids=[info.name for info in SUPPORTED])
def test_each_report_on_spark_gives_the_local_result(info, data: Path, spark: object) -> None:
    same(data, info.name)


@needs_spark
@pytest.mark.parametrize(
    ("report", "options"),
    [
        ("ticket-time-to-close", {"group_by": ["team"], "hours": "business"}),
        ("customer-wait-time", {"group_by": ["rep"], "hours": "business", "stats": ["p95", "max"]}),
        ("ticket-time-to-close", {"teams": ["Tier 1", "Unassigned"], "where": "priority = 'high'", "frequency": "monthly"}),
        ("customer-wait-time", {"totals": True, "reps": ["Unassigned"], "date_from": date(2026, 6, 1)}),
        ("ticket-time-to-first-response", {"group_by": ["rep", "team"], "hours": "business"}),
        ("support-volume", {"group_by": ["source"], "frequency": "daily", "last": "3w", "tz": "America/New_York"}),
    ],
    ids=["close business", "wait business stats", "close selections", "wait totals", "first response business", "volume by source"],
)
def test_options_on_spark_give_the_local_result(report: str, options: dict[str, object], data: Path, spark: object) -> None:
    same(data, report, **options)


@needs_spark
@pytest.mark.parametrize("report", ["sla", "ticket-facts"])
def test_sla_pauses_and_schedules_on_spark(report: str, data: Path, tmp_path: Path, spark: object) -> None:
    # pauses (stage history, a partition's own rows), a named schedule and the owner's working hours
    config = tmp_path / "svcstats.toml"
    config.write_text(
        CONFIG + '[sla]\nclose_hours = 48\npause_statuses = ["Waiting on contact"]\ndue_soon_hours = 24\n'
        '[sla.team."Tier 1"]\nschedule = "*"\n[sla.priority.urgent]\nhours = "business"\n'
    )
    same(data, report, config=config)


@needs_spark
def test_the_exports_sla_clocks_on_spark(data: Path, tmp_path: Path, spark: object) -> None:
    # an sla table (the help desk's own clocks) is split by ticket like the others
    import shutil

    import polars as pl

    folder = tmp_path / "with_sla"
    shutil.copytree(data, folder)
    tickets = pl.read_parquet(folder / "tickets.parquet").select("ticket_id", "created_at")
    pl.concat(
        [
            tickets.select("ticket_id", pl.lit("close").alias("sla_type"), (pl.col("created_at") + pl.duration(hours=48)).alias("due_at")),
            tickets.select(
                "ticket_id", pl.lit("first_response").alias("sla_type"), (pl.col("created_at") + pl.duration(hours=2)).alias("due_at")
            ),
        ]
    ).with_columns(pl.lit(None, pl.String).alias("status")).write_parquet(folder / "sla.parquet")
    for report in ("sla", "ticket-facts"):
        same(folder, report)


@needs_spark
def test_as_of_cuts_the_same_snapshot_on_spark(data: Path, spark: object) -> None:
    # an --as-of in the middle of the data: tickets closed later are open then, on both engines
    for report in ("ticket-time-to-close", "customer-wait-time"):
        local = run_report(data, report, as_of=date(2026, 7, 15), last="8w")
        on_spark = run_report(data, report, as_of=date(2026, 7, 15), last="8w", spark=MASTER)
        assert_frame_equal(on_spark.result, local.result, check_exact=False, rel_tol=1e-12, abs_tol=1e-12)


@needs_spark
def test_conversation_reports_need_the_channels_on_spark(data: Path, tmp_path: Path, spark: object) -> None:
    config = tmp_path / "svcstats.toml"
    config.write_text("")
    with pytest.raises(UsageError, match=r"needs \[agent\] channels"):
        run_report(data, "agent-resolution-rate", config=config, spark=MASTER)


def test_findings_of_partitions_add_up() -> None:
    # rows left out add up across partitions; distinct reps are counted once (a and b in both)
    from svcstats.engines.spark import _tagged, merge_findings
    from svcstats.findings import Finding

    found = [
        _tagged(Finding("tickets (Spark)", "created_at is empty", 2, "warning", "row 1"), (0, 0, 0)),
        _tagged(Finding("r", "no schedule", 2, "note", "a", "rep", "without", ("a", "b")), (0, 1, 0)),
        _tagged(Finding("tickets (Spark)", "created_at is empty", 3, "warning", "row 9"), (0, 0, 0)),
        _tagged(Finding("r", "no schedule", 3, "note", "a", "rep", "without", ("a", "b", "c")), (0, 1, 0)),
    ]
    merged = merge_findings(found)
    assert [(f.what, f.rows, f.example) for f in merged] == [("created_at is empty", 5, "row 1"), ("no schedule", 3, "a")]


def test_a_uri_keeps_its_slashes_and_off_runs_here() -> None:
    from svcstats.engines.spark import data_uri
    from svcstats.runner import spark_master

    assert data_uri(str(Path("s3a://lake/helpdesk"))) == "s3a://lake/helpdesk"
    assert data_uri("/data/helpdesk") == "/data/helpdesk"
    assert spark_master(None, "local[2]") == "local[2]"
    assert spark_master("off", "local[2]") is None
    assert spark_master(None, None) is None


@needs_spark
def test_a_text_folder_is_refused_on_spark_in_one_line(tmp_path: Path, spark: object) -> None:
    (tmp_path / "tickets.csv").write_text("ticket_id,created_at\n1,2026-05-01T10:00:00Z\n")
    with pytest.raises(UsageError, match="reads Parquet only"):
        run_report(tmp_path, "support-volume", spark=MASTER)


@needs_spark
@pytest.mark.parametrize(
    ("report", "options"),
    [
        ("ticket-time-to-close", {"group_by": ["team"], "stats": ["p95", "max"]}),
        ("customer-wait-time", {"group_by": ["rep"], "hours": "business", "totals": True}),
    ],
    ids=["close by team", "wait by rep business totals"],
)
def test_approx_quantiles_on_spark_are_within_the_bound(report: str, options: dict[str, object], data: Path, spark: object) -> None:
    # --approx-quantiles: each bucket's partial states merged per group; counts equal to the local
    # run's, means within 1e-9, each median and percentile within 0.5% of the exact one
    from tests.test_partials import assert_within_bound

    options.setdefault("config", data / "svcstats.toml")
    local = run_report(data, report, as_of=AS_OF, **options)
    approx = run_report(data, report, as_of=AS_OF, spark=MASTER, approx_quantiles=True, **options)
    assert_within_bound(approx.result, local.result)
    assert approx.ran_on == f"Spark at {MASTER} (approximate quantiles)"
    assert [f.message() for f in approx.findings] == [f.message() for f in local.findings]


@needs_spark
def test_approx_quantiles_are_refused_in_one_line_where_nothing_merges(data: Path, spark: object) -> None:
    with pytest.raises(UsageError, match="ticket-time-in-pipeline's column stage_order is not a count") as raised:
        run_report(data, "ticket-time-in-pipeline", spark=MASTER, approx_quantiles=True)
    assert "\n" not in str(raised.value)
    with pytest.raises(UsageError, match="sla computes no median or percentile with these options"):
        run_report(data, "sla", spark=MASTER, approx_quantiles=True, options={"breached": True})


def test_approx_quantiles_without_spark_is_a_usage_error(data: Path) -> None:
    with pytest.raises(UsageError, match="--approx-quantiles applies on Spark only"):
        run_report(data, "ticket-time-to-close", approx_quantiles=True)


@needs_spark
def test_a_polars_error_in_the_dry_run_is_told_as_locally(data: Path, spark: object, monkeypatch: pytest.MonkeyPatch) -> None:
    # a report whose facts name a column the data lacks: the same one-line data error (exit 3)
    # from the driver's dry run as from a local run, not an internal error
    import dataclasses

    import polars as pl

    from svcstats.errors import DataError
    from svcstats.reports.definition import Stages

    info = catalog.REPORTS["support-volume"]
    broken = Stages(lambda ctx: info.stages.facts(ctx).select(pl.col("no_such_column")), info.stages.aggregate, info.stages.finish)
    monkeypatch.setitem(catalog.REPORTS, info.name, dataclasses.replace(info, stages=broken))
    messages = []
    for spark_master in (None, MASTER):
        with pytest.raises(DataError) as raised:
            run_report(data, info.name, spark=spark_master)
        messages.append(str(raised.value))
    assert messages[0] == messages[1] and "support-volume: cannot compute from" in messages[0] and "\n" not in messages[0]
