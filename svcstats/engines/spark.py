"""A report on Apache Spark, computed by svcstats' own stages (no second copy of any report).

`compute_on_spark` reads the Parquet tables a report needs with Spark and runs:

(1) facts: the rows of every table are bucketed by the report's partition key (a ticket's
    tickets, messages, stage history and survey rows land in one bucket; a conversation goes with
    its ticket; a rep's availability events with the rep), and `groupBy(bucket).applyInArrow`
    runs the report's own facts stage on each bucket through a `FrameDataset` (the loader's
    typing, problem counts and --as-of snapshot run unchanged). Working hours and holidays are
    broadcast whole to every bucket;
(2) aggregation: the facts are grouped by the report's group keys (`applyInArrow` again) and the
    report's own aggregate stage runs on all the facts of a group, so medians and percentiles
    are exact;
    With --approx-quantiles instead, each bucket runs the aggregate stage on its own facts in
    partial mode (svcstats/reports/partials.py: counts and sums, means as sum and count, min/max,
    quantiles as mergeable sketches within 0.5%), and a group's partial states (one small row
    per bucket) are merged, so no group's facts meet in one task;
(3) finish: the small aggregated frame is shaped on the driver (calendar fill, labels, sort).

Findings (rows left out, notes) are counted in each bucket and group and added up here, so they
are told as a local run tells them. Before any job, a dry run of stages (1) and (2) on empty
tables (the exports' schemas) checks the options, lists the tables the report reads and gives
the schemas of the facts and aggregates.

PySpark is imported here only, and this module only when --spark is used.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import sys
import time
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

import polars as pl

from svcstats.catalog import ReportInfo, get_report
from svcstats.engines.frames import FrameDataset
from svcstats.errors import DataError, SvcstatsError, UsageError, first_line
from svcstats.findings import Check, Finding
from svcstats.outcome import Outcome
from svcstats.periods import with_period_end
from svcstats.query import ReportQuery
from svcstats.reports.base import NULL_MARK
from svcstats.reports.partials import Partials
from svcstats.runner import context, cutoff_of
from svcstats.schema import TABLES
from svcstats.settings import Resolved

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

SHARED = ("working_hours", "holidays")  # read whole by every partition: broadcast
# the columns that put a row in its partition's bucket, first non-empty one wins: a ticket's rows
# share its ticket_id; a conversation goes with its ticket (so it meets the ticket's messages),
# else alone; a survey response with its ticket, else alone; a rep's events with the rep
BUCKET_KEYS = {
    "tickets": ("ticket_id",),
    "messages": ("ticket_id",),
    "stage_history": ("ticket_id",),
    "sla": ("ticket_id",),  # the help desk's own SLA clocks go with their ticket
    "csat": ("ticket_id", "response_id"),
    "agent_conversations": ("ticket_id", "conversation_id"),
    "availability": ("rep",),
    "knowledge_gaps": ("question_id",),
}
FINDINGS = "__svcstats_findings"  # the column carrying a partition's findings (one extra row)
TABLE, BUCKET, ONE = "__svcstats_table", "__svcstats_bucket", "__svcstats_all"
LABELS = {table: f"{table} (Spark)" for table in TABLES}  # how findings name a table read by Spark
URI = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):/(?!/)")  # a URI a Path folded ("s3a:/bucket"): its "//" restored


def compute_on_spark(request: ReportQuery, resolved: Resolved, master: str) -> Outcome:
    """Compute `request` on the Spark cluster at `master` over the Parquet tables of `resolved.data`."""
    info = get_report(request.report)
    if info.records.partition == "none":
        raise UsageError(f"{info.name} cannot run on Spark: {info.records.holds}", "run it without --spark")
    if info.records.partition == "conversation" and resolved.config.agent.channels is None:
        raise UsageError(
            f"{info.name} on Spark needs [agent] channels in svcstats.toml",
            "without it each channel's deployment is dated from its first agent conversation over the whole table",
        )
    spark = session(master, resolved.config.spark.conf)
    started = time.perf_counter()
    tables = _Tables(spark, data_uri(str(resolved.data)), resolved)
    # the dry run on the exports' schemas: options checked, tables listed, schemas known; a table
    # is read (its schema; the shared ones whole) when the report first looks for it
    dry = FrameDataset(tables, resolved.config, labels=LABELS, source_format=resolved.source_format, source_tz=resolved.source_tz)
    try:
        dry_ctx = context(request, resolved, dry)
        facts_schema = info.stages.facts(dry_ctx).collect_schema()
        aggregated_schema = info.stages.aggregate(dry_ctx, pl.LazyFrame(schema=facts_schema)).collect_schema()
        plan, partial_schema = _partial_plan(request, resolved, dry, facts_schema) if request.approx_quantiles else (None, None)
    except pl.exceptions.PolarsError as exc:  # as a local run tells it (runner.compute)
        raise dry.read_failure(exc, f"{info.name}: cannot compute from {resolved.data}") from exc
    sources = {table: frame for table, frame in tables.sources.items() if frame is not None}
    read = [table for table in dry.opened if table in sources and table not in SHARED]
    if "stage_history" in dry.opened and "stage_history" not in sources and "tickets" not in read:
        read.append("tickets")  # HubSpot stage columns: stage history comes from the tickets
    if not read:
        raise UsageError(f"{info.name} reads none of the partitioned tables, so Spark has nothing to split", "run it without --spark")
    known = {table: tables.frames.get(table) for table in dict.fromkeys(dry.touched)}
    job = _Job(request, resolved, {table: frame for table, frame in known.items() if frame is not None})

    buckets = int(spark.conf.get("spark.sql.shuffle.partitions") or 200)
    sent = {table: dry.sent_columns(table) for table in read}
    rows = _bucketed(spark, {t: sources[t] for t in read}, dry, buckets, sent)
    if plan is None:  # exact: each bucket's facts; then all the facts of a group in one task
        first_out, keys = _spark_schema(facts_schema), [key for key in dry_ctx.group_keys if key in facts_schema]
        second = _aggregate_function(job, facts_schema, _arrow(_spark_schema(aggregated_schema)))
    else:  # --approx-quantiles: each bucket's partial states; then a group's states (one row per bucket) merged
        assert partial_schema is not None
        first_out, keys = _spark_schema(partial_schema), [key for key in plan.keys if key in partial_schema]
        second = _merge_function(plan, partial_schema, aggregated_schema, _arrow(_spark_schema(aggregated_schema)))
    facts = rows.groupBy(BUCKET).applyInArrow(_facts_function(job, read, _arrow(first_out), plan is not None), first_out).persist()
    try:
        by = keys or [ONE]
        grouped = facts.filter(facts[FINDINGS].isNull())
        if not keys:
            from pyspark.sql import functions as F

            grouped = grouped.withColumn(ONE, F.lit(0))
        aggregated = pl.from_arrow(grouped.groupBy(*by).applyInArrow(second, _spark_schema(aggregated_schema)).toArrow())
        found = [json.loads(row[0]) for row in facts.filter(facts[FINDINGS].isNotNull()).select(FINDINGS).collect()]
    except Exception as exc:
        raise _cluster_error(exc, info) from exc
    finally:
        facts.unpersist()
    assert isinstance(aggregated, pl.DataFrame)
    found += [json.loads(value) for value in aggregated[FINDINGS].drop_nulls()]
    aggregated = _typed(aggregated.filter(pl.col(FINDINGS).is_null()).drop(FINDINGS), aggregated_schema)
    ctx = context(request, resolved, job.dataset({}))
    if aggregated.is_empty():  # no facts at all: the local aggregation of none (totals of 0, say)
        [aggregated] = pl.collect_all(
            [info.stages.aggregate(ctx, pl.LazyFrame(schema=facts_schema))]
        )  # collect_all: see ReportContext.reuse
    result, *checked = pl.collect_all([info.stages.finish(ctx, aggregated.lazy()), *(c.frame for c in ctx.checks)])
    result = with_period_end(result, ctx.every, ctx.date_range)
    found += [_tagged(f, (9, n, 0)) for n, (c, r) in enumerate(zip(ctx.checks, checked, strict=True)) for f in c.read(r)]
    seconds = time.perf_counter() - started
    where = f"Spark at {master}" + (" (approximate quantiles)" if plan is not None else "")
    return Outcome(
        info, result, merge_findings(found), ctx.date_range, ctx.tz, seconds, ctx.as_of, resolved.data, resolved.config_path, ran_on=where
    )


def _partial_plan(request: ReportQuery, resolved: Resolved, dry: FrameDataset, facts_schema: pl.Schema) -> tuple[Partials, pl.Schema]:
    """--approx-quantiles: the report's aggregation run in partial mode on the facts' schema: how
    each column merges, and the schema of the partial states; a usage error (one line, the reason)
    when it does not merge or has no quantile to approximate."""
    ctx = context(request, resolved, dry)
    plan = ctx.partials = Partials(request.report)
    try:
        schema = ctx.info.stages.aggregate(ctx, pl.LazyFrame(schema=facts_schema)).collect_schema()
    except pl.exceptions.PolarsError:
        raise plan.refuse() from None
    plan.check(schema)
    return plan, schema


def session(master: str, conf: dict[str, str]) -> SparkSession:
    """The Spark session at `master` (an existing one is reused), in UTC, with Arrow batches; a
    usage error when PySpark or Java is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--spark needs PySpark", "install it with: pip install 'svcstats[spark]'") from None
    builder = SparkSession.builder.appName("svcstats")
    if master != "spark-submit":  # spark-submit's own --master and --conf otherwise (engines/spark_submit.py)
        builder = builder.master(master)
    settings = {
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(_local_cores(master) * 2) if _local_cores(master) else "200",
        "spark.ui.showConsoleProgress": "false",
        **conf,
    }
    for name, value in settings.items():
        builder = builder.config(name, value)
    if _local_cores(master):  # a local master's workers run this Python (this svcstats); a cluster's: its settings
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 (Java absent or the master unreachable: PySpark raises its own types)
        raise UsageError(f"--spark {master}: cannot start Spark: {first_line(exc)}", "install Java 17 and check the master URL") from None
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def data_uri(text: str) -> str:
    """The data location as Spark reads it: a local folder, or a URI (s3a://, hdfs://, abfss://)
    whose "//" a Path folded away restored."""
    return URI.sub(lambda m: f"{m.group(1)}:/" if m.group(1) == "file" else f"{m.group(1)}://", text)


def merge_findings(found: list[dict[str, Any]]) -> list[Finding]:
    """Findings counted per partition as one list: the same finding's rows added up (distinct
    values, like reps, counted once across partitions), the first example kept, in check order."""
    merged: dict[tuple[str, ...], dict[str, Any]] = {}
    for item in sorted(found, key=lambda f: f["order"]):
        finding = item["finding"]
        key = (finding["where"], finding["what"], finding["severity"], finding["unit"], finding["verb"])
        if key not in merged:
            merged[key] = {**finding, "distinct": list(finding["distinct"])}
            continue
        into = merged[key]
        into["rows"] += finding["rows"]
        into["distinct"] = sorted({*into["distinct"], *finding["distinct"]})
        if finding["distinct"]:  # distinct values (reps) counted once across partitions
            named = [value for value in into["distinct"] if value != NULL_MARK]
            into["rows"], into["example"] = len(into["distinct"]), named[0] if named else None
        into["example"] = into["example"] or finding["example"]
    return [Finding(**{**f, "distinct": tuple(f["distinct"])}) for f in merged.values()]


# -- the partitions' work (runs on the executors) ------------------------------------------


@dataclasses.dataclass(frozen=True)
class _Job:
    """What every partition needs to rebuild the report's context: shipped with the functions."""

    request: ReportQuery
    resolved: Resolved
    frames: dict[str, pl.DataFrame]  # each source table: empty (its schema), or whole for the shared ones

    def dataset(self, rows: dict[str, pl.DataFrame], where: str = "the driver") -> FrameDataset:
        """The dataset of one partition: its rows of each table, the shared tables whole."""
        return FrameDataset(
            {**self.frames, **rows},
            self.resolved.config,
            labels=LABELS,
            source_format=self.resolved.source_format,
            source_tz=self.resolved.source_tz,
            cutoff=cutoff_of(self.request, self.resolved.tz),
            where=where,
        )


def _facts_function(job: _Job, read: list[str], out: Any, partial: bool) -> Any:
    """The function each bucket of rows runs: the report's facts stage over the bucket's tables;
    with `partial` (--approx-quantiles), then its aggregation in partial mode on those facts."""
    info = get_report(job.request.report)

    def run(rows: Any) -> Any:
        frame = pl.from_arrow(rows)
        assert isinstance(frame, pl.DataFrame)
        bucket = frame[BUCKET][0] if frame.height else 0
        tables = {}
        for n, table in enumerate(read):
            schema = job.frames[table].schema
            part = frame.filter(pl.col(TABLE) == n).select(
                [  # a column not sent (the report does not read it) as nulls of its type
                    (pl.col(f"{n}#{i}") if f"{n}#{i}" in frame.columns else pl.lit(None, dtype)).alias(name)
                    for i, (name, dtype) in enumerate(schema.items())
                ]
            )
            tables[table] = part.cast(schema)
        dataset = job.dataset(tables, f"Spark partition {bucket}")
        ctx = context(job.request, job.resolved, dataset)
        facts = info.stages.facts(ctx)
        if partial:
            ctx.partials = Partials(info.name)
            facts = info.stages.aggregate(ctx, facts)
        return _answer(facts, [*dataset.checks, *ctx.checks], 0, out)

    return run


def _aggregate_function(job: _Job, facts_schema: pl.Schema, out: Any) -> Any:
    """The function each group of facts runs: the report's aggregation of all the group's facts."""
    info = get_report(job.request.report)

    def run(rows: Any) -> Any:
        frame = pl.from_arrow(rows)
        assert isinstance(frame, pl.DataFrame)
        facts = _typed(frame.select(list(facts_schema)), facts_schema)
        ctx = context(job.request, job.resolved, job.dataset({}, "a Spark group"))
        return _answer(info.stages.aggregate(ctx, facts.lazy()), ctx.checks, 1, out)

    return run


def _merge_function(plan: Partials, partial_schema: pl.Schema, aggregated_schema: pl.Schema, out: Any) -> Any:
    """The function each group's partial states run (--approx-quantiles): merged into the
    report's aggregated columns (one row per key of the group)."""

    def run(rows: Any) -> Any:
        frame = pl.from_arrow(rows)
        assert isinstance(frame, pl.DataFrame)
        partial = _typed(frame.select(list(partial_schema)), partial_schema)
        merged = plan.merge(partial.lazy()).select([pl.col(name).cast(dtype) for name, dtype in aggregated_schema.items()])
        return _answer(merged, [], 1, out)

    return run


def _answer(query: pl.LazyFrame, checks: list[Check], stage: int, out: Any) -> Any:
    """`query` collected with its checks, as Arrow for Spark: its rows, then one row of findings."""
    result, *checked = pl.collect_all([query, *(c.frame for c in checks)], engine="in-memory")
    findings = [_tagged(f, (stage, n, i)) for n, (c, r) in enumerate(zip(checks, checked, strict=True)) for i, f in enumerate(c.read(r))]
    wire = _wire(result).with_columns(pl.lit(None, pl.String).alias(FINDINGS))
    if findings:
        wire = pl.concat([wire, pl.DataFrame({FINDINGS: [json.dumps(f) for f in findings]})], how="diagonal_relaxed")
    return wire.to_arrow().cast(out)


def _tagged(finding: Finding, order: tuple[int, int, int]) -> dict[str, Any]:
    """A finding as JSON-ready data, with its place in the list of checks (to merge in order)."""
    return {"order": list(order), "finding": {**dataclasses.asdict(finding), "distinct": list(finding.distinct)}}


# -- types between Polars and Spark --------------------------------------------------------


def _wire_dtype(dtype: pl.DataType) -> pl.DataType:
    """A Polars type as it travels through Spark: unsigned and null types have no Spark type."""
    if dtype in (pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64):
        return pl.Int64()
    if dtype == pl.Null or isinstance(dtype, pl.Categorical | pl.Enum):
        return pl.String()
    if isinstance(dtype, pl.Datetime):
        return pl.Datetime("us", dtype.time_zone and "UTC")
    return dtype


def _wire(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.cast({name: _wire_dtype(dtype) for name, dtype in frame.schema.items()})


def _typed(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """A frame back from Spark in the exact Polars schema the dry run gave."""
    return frame.select([pl.col(name).cast(dtype) for name, dtype in schema.items()])


def _spark_schema(schema: pl.Schema) -> Any:
    """The Spark schema of a frame of `schema` on the wire, plus the findings column."""
    from pyspark.sql.pandas.types import from_arrow_schema

    wire = pl.DataFrame(schema={name: _wire_dtype(dtype) for name, dtype in schema.items()} | {FINDINGS: pl.String()})
    return from_arrow_schema(wire.to_arrow().schema)


def _arrow(schema: Any) -> Any:
    """The Arrow schema Spark expects back for a Spark schema (timestamps in UTC)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(schema, timezone="UTC")


def _empty(frame: DataFrame) -> pl.DataFrame:
    """An empty Polars frame with the schema Spark hands a table's rows over in."""
    from pyspark.sql.pandas.types import to_arrow_schema

    empty = pl.from_arrow(to_arrow_schema(frame.schema, timezone="UTC").empty_table())
    assert isinstance(empty, pl.DataFrame)
    return empty


# -- reading and bucketing -----------------------------------------------------------------


class _Tables(Mapping[str, pl.DataFrame]):
    """The source tables as the dry run's FrameDataset sees them, read by Spark when first asked
    for: an empty frame with the schema Spark hands rows over in, or the whole table for the
    shared ones (working hours, holidays); `sources` keeps the Spark frames."""

    def __init__(self, spark: SparkSession, root: str, resolved: Resolved) -> None:
        self.spark, self.root, self.resolved = spark, root, resolved
        self.sources: dict[str, DataFrame | None] = {}
        self.frames: dict[str, pl.DataFrame | None] = {}

    def __getitem__(self, table: str) -> pl.DataFrame:
        if table not in self.frames:
            source = _read_table(self.spark, self.root, self.resolved, table) if table in TABLES else None
            self.sources[table] = source
            if source is None:
                self.frames[table] = None
            else:
                frame = pl.from_arrow(source.toArrow()) if table in SHARED else _empty(source)
                assert isinstance(frame, pl.DataFrame)
                self.frames[table] = frame
        found = self.frames[table]
        if found is None:
            raise KeyError(table)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(TABLES)

    def __len__(self) -> int:
        return len(TABLES)


def _read_table(spark: SparkSession, root: str, resolved: Resolved, table: str) -> DataFrame | None:
    """The table's Parquet rows (root/<table>.parquet, root/<table>/, or tables.<table>.path); None when absent."""
    configured = resolved.config.tables.get(table)
    override = configured.path if configured else None
    if override is not None:
        candidates = [override if "://" in override or override.startswith("/") else f"{root.rstrip('/')}/{override}"]
    else:
        candidates = [f"{root.rstrip('/')}/{table}.parquet", f"{root.rstrip('/')}/{table}"]
    for path in candidates:
        try:
            return spark.read.parquet(path)
        except Exception as exc:  # noqa: BLE001 (PATH_NOT_FOUND, or a folder without Parquet files)
            if "PATH_NOT_FOUND" in str(exc) or "UNABLE_TO_INFER_SCHEMA" in str(exc):
                continue
            raise DataError(f"{path}: Spark cannot read it: {first_line(exc)}", "give a folder of Parquet files") from None
    if override is not None:
        raise DataError(f"tables.{table}.path {override!r} matches no Parquet data", "fix the path in svcstats.toml")
    if not root.count("://") and _has_text_table(root, table):
        raise UsageError(f"{table}: --spark reads Parquet only", f"convert the folder first: svcstats data convert --data {root} OUT")
    return None


def _has_text_table(root: str, table: str) -> bool:
    return any(os.path.exists(os.path.join(root, f"{table}{suffix}")) for suffix in (".csv", ".ndjson", ".xlsx"))


def _bucketed(
    spark: SparkSession, sources: dict[str, DataFrame], dry: FrameDataset, buckets: int, sent: dict[str, list[str] | None]
) -> DataFrame:
    """Every row of the tables as one frame: column j of table n renamed "n#j" (only the columns
    the report reads, `sent`), the table's number and the row's bucket (by its partition key)
    added; a table lacks the other tables' columns."""
    from pyspark.sql import functions as F

    frames = []
    for n, (table, frame) in enumerate(sources.items()):
        neutral_to_raw = {loaded: header for header, loaded in dry.column_map(table).items()}
        neutral_to_raw.update({name: name for name in frame.columns if name not in neutral_to_raw and name not in dry.column_map(table)})
        keys = [neutral_to_raw[k] for k in BUCKET_KEYS.get(table, ()) if k in neutral_to_raw]
        renamed = frame.toDF(*[f"{n}#{i}" for i in range(len(frame.columns))])
        key_columns = [renamed[f"{n}#{frame.columns.index(k)}"].cast("string") for k in keys]
        chosen = sent.get(table)
        if chosen is not None:
            renamed = renamed.select(*[f"{n}#{i}" for i, name in enumerate(frame.columns) if name in chosen or name in keys])
        key = F.coalesce(*key_columns) if key_columns else F.lit("")
        frames.append(renamed.withColumn(TABLE, F.lit(n)).withColumn(BUCKET, F.pmod(F.xxhash64(key), F.lit(buckets))))
    combined = frames[0]
    for frame in frames[1:]:
        combined = combined.unionByName(frame, allowMissingColumns=True)
    return combined


def _local_cores(master: str) -> int:
    """The cores of a local master (local[4] -> 4, local[*] -> this machine's); 0 for a cluster."""
    match = re.fullmatch(r"local(?:\[(\d+|\*)(?:,\d+)?\])?", master.strip())
    if match is None:
        return 0
    count = match.group(1)
    if count == "*":
        return os.cpu_count() or 1
    return 1 if count is None else int(count)


def _cluster_error(exc: BaseException, info: ReportInfo) -> SvcstatsError:
    """A failure on the cluster as one line: the svcstats error a partition raised, when it was one."""
    text = str(exc)
    found = re.search(r"svcstats\.errors\.(\w+): (.+)", text)
    if found:
        return DataError(f"{info.name} on Spark: {found.group(2).strip()}")
    return DataError(f"{info.name} on Spark: {first_line(exc)}", "run with --debug for the cluster's traceback")
