"""backlog: tickets open at each period's end, by age, with the period's flow (created, closed, reopened)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from svcstats.errors import UsageError
from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages
from svcstats.reports.rules import LIFECYCLE_RULES, TICKET_GROUPS

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext

DEFAULT_BUCKETS = "1,3,7,30"
FAR = datetime(9999, 1, 1, tzinfo=UTC)  # the final close of a ticket still open


def age_bounds(text: str | None) -> list[float]:
    """The age bucket bounds in days from --age-buckets ("1,3,7,30"): increasing positive numbers."""
    try:
        bounds = [float(part) for part in (text or DEFAULT_BUCKETS).split(",")]
    except ValueError:
        bounds = []
    if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
        raise UsageError(f"--age-buckets {text!r} is not a list of increasing days", f"e.g. --age-buckets {DEFAULT_BUCKETS}")
    return bounds


def bucket_names(bounds: list[float]) -> list[str]:
    """Column names of the age buckets: age_0_1d, age_1_3d, ..., age_30d_plus."""
    days = [f"{b:g}".replace(".", "_") for b in bounds]
    return [f"age_{low}_{high}d" for low, high in zip(["0", *days], days, strict=False)] + [f"age_{days[-1]}d_plus"]


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per selected ticket with its spells (lifecycle.py); tickets closed before
    they were created are counted in a warning and left out."""
    from svcstats.reports.lifecycle import lifecycle, valid_only
    from svcstats.reports.tickets import require_close_dates

    require_close_dates(ctx.dataset, ctx.info.name)
    tickets = valid_only(ctx, ctx.reuse(lifecycle(ctx)))
    return tickets.select("ticket_id", "created_at", "close_1", "reopen_1", "close_2", *ctx.group_keys)


def snapshots(ctx: ReportContext, facts: pl.LazyFrame) -> pl.LazyFrame:
    """The instants the backlog is counted at: each period's end (the next local midnight), cut
    at the range's end and at --as-of (or now); with --totals, one: the range's end."""
    import polars as pl

    from svcstats.periods import PERIOD, calendar, end_of_day, local_instant, step

    until = ctx.until if ctx.until is not None else datetime.now(UTC)
    last = until if ctx.date_range.end is None else min(end_of_day(ctx.date_range.end, ctx.tz), until)
    if ctx.totals:
        return pl.LazyFrame({"snapshot_at": [last]}).with_columns(pl.col("snapshot_at").cast(pl.Datetime("us", "UTC")))
    events = pl.concat([facts.select(pl.col(c).alias("at")) for c in ("created_at", "close_1", "reopen_1", "close_2")])
    observed = ctx.place(events.filter(pl.col("at").is_not_null()), "at").select(PERIOD)
    periods = calendar(observed, ctx.every, ctx.date_range)
    next_start = local_instant(pl.col(PERIOD).dt.offset_by(step(ctx.every)).cast(pl.Datetime("us")), ctx.tz)
    return periods.with_columns(pl.min_horizontal(next_start, pl.lit(last)).alias("snapshot_at"))


def aggregate(ctx: ReportContext, facts: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: the tickets open at the snapshot, by age bucket; and the tickets created,
    closes and reopens whose instant falls in the period."""
    import polars as pl

    from svcstats.reports.lifecycle import open_before

    bounds = age_bounds(ctx.options.get("age_buckets"))
    names = bucket_names(bounds)
    at = pl.col("snapshot_at")
    # a ticket can be open at a snapshot only between its creation and its final close: an
    # inequality join pairs it with those snapshots alone (not every ticket with every period)
    final = pl.when(pl.col("reopen_1").is_null()).then(pl.col("close_1")).otherwise(pl.col("close_2"))
    spans = facts.with_columns(final.fill_null(pl.lit(FAR, pl.Datetime("us", "UTC"))).alias("final_close"))
    pairs = spans.join_where(snapshots(ctx, facts), pl.col("created_at") < at, pl.col("final_close") >= at)
    open_then = pairs.filter(open_before(at))
    age = (at - pl.col("created_at")).dt.total_microseconds() / 86_400e6
    edges = [0.0, *bounds, float("inf")]
    backlog = ctx.aggregate(
        open_then,
        pl.len().alias("backlog"),
        *[((age >= low) & (age < high)).sum().alias(name) for low, high, name in zip(edges[:-1], edges[1:], names, strict=True)],
    )
    flows = [
        ctx.aggregate(ctx.place(facts.filter(pl.col(column).is_not_null()), column), pl.len().alias(name))
        for name, column in (("created", "created_at"), ("closed", "close_1"), ("closed_2", "close_2"), ("reopened", "reopen_1"))
    ]
    return ctx.combine([backlog, *flows])


def finish(ctx: ReportContext, aggregated: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar, zero where nothing was open or moved; closed = both
    closes; net_change = created + reopened - closed (the backlog's change over the period)."""
    import polars as pl

    names = bucket_names(age_bounds(ctx.options.get("age_buckets")))
    counts = ["backlog", *names, "created", "closed", "closed_2", "reopened"]
    result = ctx.assemble([aggregated], counts=counts)
    closed = pl.col("closed") + pl.col("closed_2")
    return (
        result.with_columns(closed.alias("closed"))
        .with_columns((pl.col("created") + pl.col("reopened") - pl.col("closed")).alias("net_change"))
        .select(*ctx.keys, "backlog", *names, "created", "closed", "reopened", "net_change")
    )


REPORT = ReportInfo(
    name="backlog",
    collection="Beyond HubSpot",
    title="Backlog",
    summary="Tickets open at the end of each period, by age, with created vs closed (net flow).",
    about="""\
Counts the backlog: backlog = tickets open at the end of each period (just before the next
period's first local midnight; the last period ends at the range's end or at --as-of, else
now). With --totals, one figure: the backlog at the range's end, and the flow over the range.

The open tickets are split by age, days since creation at the period's end: age_0_1d (under
1 day), age_1_3d, age_3_7d, age_7_30d, age_30d_plus; --age-buckets 7,30,90 gives other bounds
(age_0_7d, age_7_30d, age_30_90d, age_90d_plus). Each open ticket is in exactly one bucket, so
the buckets add up to backlog.

The flow of each period: created = tickets created in it; closed = closes in it (a ticket
closed, reopened and closed again closes twice); reopened = reopens in it; net_change = created
+ reopened - closed, which is the backlog at the period's end minus the backlog at the end of
the period before.

With --group-by rep (or team) the counts are split by the ticket's current owner (or team).
Everything comes from the tickets (and stage_history for first closes), so re-running with the
same --as-of gives the same figures as the data grows: no nightly snapshot is needed.

"""
    + LIFECYCLE_RULES,
    table="tickets",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("backlog", "tickets open at the end of the period (at the range's end with --totals)"),
        ("age_0_1d, age_1_3d, age_3_7d, age_7_30d, age_30d_plus", "of those, by days since creation (other names with --age-buckets)"),
        ("created", "tickets created in the period"),
        ("closed", "closes in the period (first and last close of a reopened ticket both count)"),
        ("reopened", "reopens in the period"),
        ("net_change", "created + reopened - closed: the change of the backlog over the period"),
    ),
    date_by={"created": "created_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("ticket", "ticket_id", "a ticket's row and its stage_history rows (for the first close)"),
    needs=("closed_at", "is_closed", "first_closed_at", "reopened_at"),
    options=(
        ReportOption(
            "age_buckets",
            "--age-buckets",
            None,
            f"Bounds of the age buckets in days, increasing (default {DEFAULT_BUCKETS}).",
        ),
    ),
    example_options=" --frequency weekly --group-by team",
    group_aliases=TICKET_GROUPS,
)
