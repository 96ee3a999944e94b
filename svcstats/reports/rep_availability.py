"""rep-availability: per rep, time in each status and its share; --detail and --intervals drill down."""

from __future__ import annotations

import polars as pl

from svcstats.reports.availability import in_periods, status_intervals
from svcstats.reports.base import NO_VALUE, ReportContext

INTERVAL_COLUMNS = ["rep", "status", "detail", "started_at", "ended_at", "hours", "carried_in", "open"]


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Hours per status (and detail) per row key with each one's share of the key's covered time;
    with --intervals, the status intervals themselves."""
    intervals = status_intervals(ctx)
    if ctx.options.get("intervals"):
        extra = [k for k in ctx.group_keys if k not in INTERVAL_COLUMNS]
        return intervals.select(*extra, *INTERVAL_COLUMNS).sort(["rep", "started_at"])
    by = ["status", "detail"] if ctx.options.get("detail") else ["status"]
    pieces = in_periods(ctx, intervals).with_columns(pl.col("detail").fill_null(NO_VALUE))
    per_status = ctx.aggregate(pieces, pl.col("hours").sum(), pl.len().alias("intervals"), by=by)
    result = ctx.assemble([per_status], counts=["intervals"], by=by).with_columns(pl.col("hours").fill_null(0.0))
    covered = pl.col("hours").sum().over(ctx.keys) if ctx.keys else pl.col("hours").sum()
    share = pl.when(covered > 0).then(pl.col("hours") * 100.0 / covered).alias("share_pct")
    return result.with_columns(share).sort([*ctx.keys, *by])
