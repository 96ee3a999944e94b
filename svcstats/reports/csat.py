"""csat: share of positive survey responses, with counts per sentiment and the mean rating."""

from __future__ import annotations

import polars as pl

from svcstats.errors import UsageError
from svcstats.reports.base import ReportContext

# (scale_min, scale_max) -> (lowest positive rating, lowest neutral rating); see the about text.
SCALES = {(0, 1): (1, 1), (0, 2): (2, 1), (1, 3): (3, 2), (1, 5): (4, 3), (1, 7): (6, 4), (0, 10): (9, 7)}
SCALE_NAMES = tuple(f"{low}-{high}" for low, high in SCALES)


def scale_table() -> pl.LazyFrame:
    """The supported scales with their sentiment thresholds."""
    return pl.LazyFrame(
        [(float(lo), float(hi), float(pos), float(neu), f"{lo}-{hi}") for (lo, hi), (pos, neu) in SCALES.items()],
        schema=["scale_min", "scale_max", "positive_from", "neutral_from", "scale"],
        orient="row",
    )


def with_scale(ctx: ReportContext, responses: pl.LazyFrame) -> pl.LazyFrame:
    """Responses with their scale (from scale_min/scale_max, else --scale) and its thresholds."""
    chosen = ctx.options.get("scale")
    exported = ctx.dataset.columns("csat")
    if chosen is None and not {"scale_min", "scale_max"} <= set(exported):
        raise UsageError(
            f"{ctx.dataset.label('csat')} has no scale_min/scale_max columns, so the rating scale is unknown",
            f"pass --scale with one of {', '.join(SCALE_NAMES)} (0-2 is HubSpot's CSAT survey)",
        )
    if chosen is not None:
        low, high = (float(part) for part in chosen.split("-"))
        responses = responses.with_columns(
            pl.col("scale_min").fill_null(low).alias("scale_min"), pl.col("scale_max").fill_null(high).alias("scale_max")
        )
    return responses.join(scale_table(), on=["scale_min", "scale_max"], how="left")


def build(ctx: ReportContext) -> pl.LazyFrame:
    """Per period or group: responses by sentiment, csat_pct, mean rating (or, with
    --distribution, the number of responses per rating value)."""
    responses = ctx.reuse(with_scale(ctx, ctx.records(["scale_min", "scale_max"])))
    rating = pl.col("rating")
    rated = rating.is_not_null()
    unsupported = rated & pl.col("scale").is_null()
    out_of_range = rated & ~unsupported & ((rating < pl.col("scale_min")) | (rating > pl.col("scale_max")))
    ctx.exclude(ctx.place(responses.filter(unsupported)), f"rating scale not supported (supported: {', '.join(SCALE_NAMES)})")
    ctx.exclude(ctx.place(responses.filter(out_of_range)), "rating outside its scale")
    placed = ctx.place(responses.filter(~unsupported & ~out_of_range))
    if ctx.options.get("distribution"):
        return distribution(ctx, placed)
    scales_seen = pl.col("scale").filter(rated).n_unique()
    summary = ctx.aggregate(
        placed,
        rated.sum().alias("responses"),
        (rating >= pl.col("positive_from")).sum().alias("positive"),
        ((rating >= pl.col("neutral_from")) & (rating < pl.col("positive_from"))).sum().alias("neutral"),
        (rating < pl.col("neutral_from")).sum().alias("negative"),
        (~rated).sum().alias("unrated"),
        pl.when(scales_seen == 1).then(rating.mean()).alias("mean_rating"),
        pl.when(scales_seen == 1).then(pl.col("scale").filter(rated).first()).when(scales_seen > 1).then(pl.lit("mixed")).alias("scale"),
    )
    result = ctx.assemble([summary], counts=["responses", "positive", "neutral", "negative", "unrated"])
    columns = [*ctx.keys, "csat_pct", "responses", "positive", "neutral", "negative", "unrated", "mean_rating", "scale"]
    return result.with_columns(ctx.rate("positive", "responses").alias("csat_pct")).select(columns)


def distribution(ctx: ReportContext, placed: pl.LazyFrame) -> pl.LazyFrame:
    """Rated responses per scale and rating value, with each value's share of the responses on
    that scale in its row."""
    counts = ctx.aggregate(placed.filter(pl.col("rating").is_not_null()), pl.len().alias("responses"), by=["scale", "rating"])
    result = ctx.assemble([counts], counts=["responses"], by=["scale", "rating"])
    total = pl.col("responses").sum().over([*ctx.keys, "scale"])
    return result.with_columns(pl.when(total > 0).then(pl.col("responses") * 100.0 / total).alias("share_pct"))
