"""customer-wait-time: how long customers wait for a reply, at every point of a conversation."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext
from svcstats.reports.reply_waits import wait_report


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Customer waits, from the first unanswered customer message to the next human reply."""
    return wait_report(ctx, "customer")
