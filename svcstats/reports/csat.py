"""csat: share of positive survey responses, with counts per sentiment and the mean rating."""

from __future__ import annotations

from typing import TYPE_CHECKING

from svcstats.reports.definition import GROUP_COLUMNS, PERIOD_COLUMNS, Records, ReportInfo, ReportOption, Stages

if TYPE_CHECKING:
    import polars as pl

    from svcstats.reports.base import ReportContext


from svcstats.errors import UsageError

# (scale_min, scale_max) -> (lowest positive rating, lowest neutral rating); see the about text.
SCALES = {(0, 1): (1, 1), (0, 2): (2, 1), (1, 3): (3, 2), (1, 5): (4, 3), (1, 7): (6, 4), (0, 10): (9, 7)}
SCALE_NAMES = tuple(f"{low}-{high}" for low, high in SCALES)


def scale_table() -> pl.LazyFrame:
    """The supported scales with their sentiment thresholds."""
    import polars as pl

    return pl.LazyFrame(
        [(float(lo), float(hi), float(pos), float(neu), f"{lo}-{hi}") for (lo, hi), (pos, neu) in SCALES.items()],
        schema=["scale_min", "scale_max", "positive_from", "neutral_from", "scale"],
        orient="row",
    )


def with_scale(ctx: ReportContext, responses: pl.LazyFrame) -> pl.LazyFrame:
    """Responses with their scale (from scale_min/scale_max, else --scale) and its thresholds."""
    import polars as pl

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


def facts(ctx: ReportContext) -> pl.LazyFrame:
    """(1) One row per response of the selection with its scale, thresholds and `kept` (a rated
    response on a supported scale, within it; unrated ones are kept too). Counts what is left out."""
    import polars as pl

    from svcstats.reports.base import Excluded

    responses = ctx.reuse(with_scale(ctx, ctx.records(["scale_min", "scale_max"])))
    rating = pl.col("rating")
    rated = rating.is_not_null()
    unsupported = rated & pl.col("scale").is_null()
    out_of_range = rated & ~unsupported & ((rating < pl.col("scale_min")) | (rating > pl.col("scale_max")))
    ctx.exclude_each(
        responses,
        Excluded(unsupported, f"rating scale not supported (supported: {', '.join(SCALE_NAMES)})"),
        Excluded(out_of_range, "rating outside its scale"),
    )
    return responses.with_columns((~unsupported & ~out_of_range).alias("kept"))


def aggregate(ctx: ReportContext, responses: pl.LazyFrame) -> pl.LazyFrame:
    """(2) Per row key: responses by sentiment, unrated ones, the mean rating when the row shares one
    scale; with --distribution, rated responses per scale and rating value."""
    import polars as pl

    placed = ctx.place(responses.filter(pl.col("kept")))
    rating = pl.col("rating")
    rated = rating.is_not_null()
    if ctx.options.get("distribution"):
        return ctx.aggregate(placed.filter(rated), pl.len().alias("responses"), by=["scale", "rating"])
    scales_seen = pl.col("scale").filter(rated).n_unique()
    return ctx.aggregate(
        placed,
        rated.sum().alias("responses"),
        (rating >= pl.col("positive_from")).sum().alias("positive"),
        ((rating >= pl.col("neutral_from")) & (rating < pl.col("positive_from"))).sum().alias("neutral"),
        (rating < pl.col("neutral_from")).sum().alias("negative"),
        (~rated).sum().alias("unrated"),
        pl.when(scales_seen == 1).then(rating.mean()).alias("mean_rating"),
        pl.when(scales_seen == 1).then(pl.col("scale").filter(rated).first()).when(scales_seen > 1).then(pl.lit("mixed")).alias("scale"),
    )


def finish(ctx: ReportContext, summary: pl.LazyFrame) -> pl.LazyFrame:
    """(3) Every period of the calendar with csat_pct; with --distribution, each value's share of
    the responses on its scale in its row."""
    import polars as pl

    if ctx.options.get("distribution"):
        result = ctx.assemble([summary], counts=["responses"], by=["scale", "rating"])
        total = pl.col("responses").sum().over([*ctx.keys, "scale"])
        return result.with_columns(pl.when(total > 0).then(pl.col("responses") * 100.0 / total).alias("share_pct"))
    result = ctx.assemble([summary], counts=["responses", "positive", "neutral", "negative", "unrated"])
    columns = [*ctx.keys, "csat_pct", "responses", "positive", "neutral", "negative", "unrated", "mean_rating", "scale"]
    return result.with_columns(ctx.rate("positive", "responses").alias("csat_pct")).select(columns)


REPORT = ReportInfo(
    name="csat",
    collection="Customer satisfaction",
    title="Customer satisfaction (CSAT)",
    summary="Share of satisfied survey responses, per period, rep or team.",
    about="""\
CSAT % = positive responses / rated responses x 100. Responses without a rating (unrated
surveys) are counted in unrated and never enter the denominator. This is a ratio of counts per
row, never an average of percentages.

Whether a rating is positive depends on its survey's scale (from the scale_min and scale_max
columns, or --scale when the export has none):
  0-1   Zendesk's Good/Bad rating: 1 (Good) positive, 0 (Bad) negative
  0-2   HubSpot's CSAT survey: 2 positive, 1 neutral, 0 negative
  1-3   3 positive, 2 neutral, 1 negative
  1-5   4-5 positive, 3 neutral, 1-2 negative (Zendesk, Intercom: a 3 is not satisfied)
  1-7   6-7 positive, 4-5 neutral, 1-3 negative (HubSpot CES, Freshdesk's -103...+103 as 1-7)
  0-10  9-10 positive, 7-8 neutral, 0-6 negative (NPS-style)
Each response is judged on its own scale, so csat_pct stays meaningful across surveys. The mean
rating is only given for a row whose responses share one scale; a row mixing scales shows
scale "mixed" and an empty mean_rating rather than averaging across scales.

--distribution lists, instead, the number of rated responses per scale and rating value, with
each value's share of its row (share_pct).

Responses are placed by submission date (--date-by submitted). --group-by rep or team uses the
response's rep/team columns; --group-by pipeline or source takes them from the ticket (ticket_id).

Edge cases: a rating outside its scale, or a scale not listed above, is left out and counted in
a warning.""",
    table="csat",
    columns=(
        *PERIOD_COLUMNS,
        GROUP_COLUMNS,
        ("csat_pct", "positive / responses x 100; empty when there are no rated responses"),
        ("responses", "rated responses"),
        ("positive", "rated responses counted as positive on their scale"),
        ("neutral", "rated responses counted as neutral"),
        ("negative", "rated responses counted as negative"),
        ("unrated", "responses without a rating (not in csat_pct)"),
        ("mean_rating", "mean rating, when the row's responses share one scale"),
        ("scale", "the row's scale (e.g. 0-2), or mixed"),
        ("rating", "with --distribution: the rating value (rows per scale and value, with responses)"),
        ("share_pct", "with --distribution: the value's share of the row's rated responses on that scale"),
    ),
    date_by={"submitted": "submitted_at"},
    stages=Stages(facts, aggregate, finish),
    records=Records("row", "", "any split of the responses: a response's facts come from its own row and its scale"),
    group_aliases={"rep": "rep", "team": "team", "channel": "channel", "source": "channel"},
    example_options=" --frequency monthly --group-by team",
    row_keys=("rating",),
    labels=("scale",),  # the scale a row's responses used ("mixed" for several): it names a row only with --distribution
    labels_split_by=("distribution",),
    options=(
        ReportOption(
            "scale",
            "--scale",
            None,
            "Rating scale when the export has no scale_min/scale_max columns (0-2 is HubSpot's CSAT, 0-1 a good/bad rating).",
            SCALE_NAMES,
        ),
        ReportOption("distribution", "--distribution", False, "Count responses per rating value instead."),
    ),
)
