"""customer-response-time: how long customers take to answer the team."""

from __future__ import annotations

import polars as pl

from svcstats.reports.base import ReportContext
from svcstats.reports.reply_waits import wait_report


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Team waits, from the first unanswered reply to the customer's next message."""
    return wait_report(ctx, "reply")
