"""--approx-quantiles' aggregation from parts (svcstats/reports/partials.py), without Spark: the
sketch against exact quantiles, merged sketches against the sketch of the union, and every report
whose aggregation merges computed from three parts of its facts against its exact result."""

from __future__ import annotations

import dataclasses
import math
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from svcstats import catalog
from svcstats.errors import UsageError
from svcstats.reports.definition import ReportInfo, Stages
from svcstats.reports.partials import GAMMA, RELATIVE_ERROR, Partials, merged_sketch_quantiles, sketch
from tests.conftest import run_report

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "data"
AS_OF = date(2026, 10, 31)
QUANTILE = r"^(median|p\d\d)_"  # the quantile columns of a result (median_hours, p90_first_hours, ...)
LEVELS = {"median": 0.5, "p75": 0.75, "p90": 0.9, "p95": 0.95, "min_rank": 0.0, "max_rank": 1.0}


def sketched(values: list[float], levels: dict[str, float]) -> dict[str, float | None]:
    """The sketch quantiles of `values` (one part)."""
    frame = pl.LazyFrame({"x": values}, schema={"x": pl.Float64}).select(sketch(pl.col("x"), grouped=False).alias("s"))
    return merged_sketch_quantiles(frame, [], "s", levels).collect().row(0, named=True)


def assert_within_bound(approx: pl.DataFrame, exact: pl.DataFrame) -> None:
    """Counts (integers) and labels equal, means within 1e-9, each quantile column within
    RELATIVE_ERROR of the exact value (the values here are never negative)."""
    assert approx.columns == exact.columns and approx.height == exact.height
    quantiles = [c for c in exact.columns if pl.Series([c]).str.contains(QUANTILE).item()]
    others = [c for c in exact.columns if c not in quantiles]
    from polars.testing import assert_frame_equal

    assert_frame_equal(approx.select(others), exact.select(others), check_exact=False, rel_tol=1e-9, abs_tol=1e-9)
    for column in quantiles:
        a, e = approx[column].cast(pl.Float64), exact[column].cast(pl.Float64)
        assert (a.is_null() == e.is_null()).all(), column
        assert ((a - e).abs() <= RELATIVE_ERROR * e.abs() * (1 + 1e-9) + 1e-12).fill_null(True).all(), column


# -- the sketch ----------------------------------------------------------------------------


def test_a_sketch_by_hand() -> None:
    # γ = 1.005 / 0.995 = 1.0100503, ln γ = 2·atanh(0.005) = 0.01000008; value 1: bucket
    # ceil(ln 1 / ln γ) = 0, shown as 2γ^0/(γ+1) = 1 - a = 0.995; value 2: bucket
    # ceil(0.6931472 / 0.01000008) = ceil(69.314) = 70, shown as 2γ^70/(γ+1) = (1 - a)·γ^70
    # = 0.995 · exp(0.7000058) = 0.995 · 2.0137644 = 2.0036956 (0.18% over 2);
    # 0 is its own bucket (exact). The median of [0, 1, 2]: rank 1, the value 1 -> 0.995; of
    # [1, 2]: ranks 0 and 1 halfway, (0.995 + 2.0036956) / 2 = 1.4993478 (exact 1.5, off 0.04%)
    assert math.isclose(GAMMA, 1.005 / 0.995)
    assert sketched([0.0, 1.0, 2.0], {"median": 0.5, "max": 1.0, "min": 0.0}) == pytest.approx(
        {"median": 0.995, "max": 2.0036956, "min": 0.0}, rel=1e-6
    )
    assert sketched([1.0, 2.0], {"median": 0.5})["median"] == pytest.approx(1.4993478, rel=1e-6)
    assert sketched([], {"median": 0.5}) == {"median": None}  # no values: no quantile, as exactly


finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(finite.map(abs), st.sampled_from([0.0, 1e-9, 1e-300, 5e-324])), min_size=1, max_size=60))
def test_sketch_quantiles_are_within_the_bound(values: list[float]) -> None:
    # non-negative values (durations): |approx - exact| <= a·|exact| at every quantile, with the
    # exact one as Polars computes it (linear interpolation between ranks)
    exact = pl.DataFrame({"x": values}).select(pl.col("x").quantile(q, interpolation="linear").alias(n) for n, q in LEVELS.items()).row(0)
    approx = sketched(values, LEVELS)
    for (name, got), want in zip(approx.items(), exact, strict=True):
        assert got is not None and abs(got - want) <= RELATIVE_ERROR * abs(want) * (1 + 1e-9), name


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, min_size=1, max_size=60))
def test_with_negative_values_the_bound_is_of_the_larger_neighbour(values: list[float]) -> None:
    # across a change of sign the interpolated quantile is within a·max(|lower|, |upper|)
    ordered = sorted(values)
    approx = sketched(values, LEVELS)
    for name, q in LEVELS.items():
        position = (len(ordered) - 1) * q
        lower, upper = ordered[math.floor(position)], ordered[math.ceil(position)]
        exact = lower + (upper - lower) * (position - math.floor(position))
        got = approx[name]
        assert got is not None and abs(got - exact) <= RELATIVE_ERROR * max(abs(lower), abs(upper)) * (1 + 1e-9) + 1e-300, name


@settings(max_examples=100, deadline=None)
@given(st.lists(finite, max_size=40), st.lists(finite, max_size=40), st.lists(finite, max_size=40))
def test_merged_sketches_are_the_sketch_of_the_union(first: list[float], second: list[float], third: list[float]) -> None:
    def cells(frame: pl.LazyFrame, keys: list[str]) -> pl.DataFrame:
        exploded = frame.explode("s").filter(pl.col("s").is_not_null()).unnest("s")
        return exploded.group_by([*keys, "key"]).agg(pl.col("count").sum()).sort([*keys, "key"]).collect()

    schema = {"g": pl.Int64, "x": pl.Float64}
    parts = [pl.LazyFrame({"g": [n % 2] * len(v), "x": v}, schema=schema) for n, v in enumerate((first, second, third))]
    per_part = pl.concat([part.group_by("g").agg(sketch(pl.col("x")).alias("s")) for part in parts])
    whole = pl.concat(parts).group_by("g").agg(sketch(pl.col("x")).alias("s"))
    assert cells(per_part, ["g"]).equals(cells(whole, ["g"]))
    levels = {"median": 0.5, "p90": 0.9}
    merged = merged_sketch_quantiles(per_part, ["g"], "s", levels).sort("g").collect()
    assert merged.equals(merged_sketch_quantiles(whole, ["g"], "s", levels).sort("g").collect())


# -- reports from parts --------------------------------------------------------------------


def from_parts(info: ReportInfo, parts: int = 3) -> ReportInfo:
    """`info` with its aggregation computed as on Spark with --approx-quantiles: its facts in
    `parts` parts, each aggregated in partial mode (a fresh plan, as each bucket has), merged."""
    stages = info.stages

    def aggregate(ctx, facts):  # type: ignore[no-untyped-def]
        exact = stages.aggregate(dataclasses.replace(ctx, checks=[]), facts).collect_schema()
        # collect_all, as the runner and each Spark bucket do: a lone collect() of a plan with CACHE
        # nodes panics in Polars 2.1's common-sub-plan pass (cache_states.rs) for the agent reports
        [rows] = pl.collect_all([facts])
        pieces = []
        for n in range(parts):
            plan = Partials(info.name)
            part = rows.filter(pl.int_range(pl.len()) % parts == n).lazy()
            try:
                pieces.append(stages.aggregate(dataclasses.replace(ctx, partials=plan), part).collect())
            except pl.exceptions.PolarsError:
                raise plan.refuse() from None
            plan.check(pieces[-1].schema)
        return plan.merge(pl.concat(pieces).lazy()).select(pl.col(name).cast(dtype) for name, dtype in exact.items())

    return dataclasses.replace(info, stages=Stages(stages.facts, aggregate, stages.finish))


MERGING = [
    ("ticket-time-to-close", {}),
    ("ticket-time-to-close", {"totals": True, "group_by": ["team"], "stats": ["p95", "min", "max"]}),
    ("ticket-time-to-first-response", {"group_by": ["rep"]}),
    ("chat-wait-time", {}),
    ("customer-wait-time", {"open": True}),
    ("customer-wait-time", {"group_by": ["rep"], "hours": "business"}),
    ("customer-response-time", {"totals": True}),
    ("owner-response-time", {}),
    ("agent-handoff-outcomes", {}),
    ("reopen-rate", {"hours": "business"}),
    ("sla", {}),
]


@pytest.mark.parametrize(("report", "options"), MERGING, ids=[f"{r} {' '.join(o)}".strip() for r, o in MERGING])
def test_reports_from_parts_give_the_exact_counts_and_quantiles_within_the_bound(
    report: str, options: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    info = catalog.REPORTS[report]
    opts = {key: value for key, value in options.items() if key in ("totals", "group_by", "stats", "hours")}
    own = {key: value for key, value in options.items() if key not in opts}
    exact = run_report(EXAMPLES, report, as_of=AS_OF, options=own, **opts)
    monkeypatch.setitem(catalog.REPORTS, report, from_parts(info))
    approx = run_report(EXAMPLES, report, as_of=AS_OF, options=own, **opts)
    assert_within_bound(approx.result, exact.result)
    assert approx.findings == exact.findings
    assert any(pl.Series([c]).str.contains(QUANTILE).item() for c in exact.result.columns)


REFUSED = {"ticket-time-in-pipeline": "column stage_order is not a count"}  # and every report without a quantile


@pytest.mark.parametrize("info", list(catalog.REPORTS.values()), ids=list(catalog.REPORTS))
def test_every_report_merges_within_the_bound_or_refuses(info: ReportInfo, monkeypatch: pytest.MonkeyPatch) -> None:
    # a new report is held to it too: merged from parts within the bound, or refused for a known reason
    exact = run_report(EXAMPLES, info.name, as_of=AS_OF)
    has_quantiles = any(pl.Series([c]).str.contains(QUANTILE).item() for c in exact.result.columns)
    refusal = REFUSED.get(info.name) or (None if has_quantiles else "computes no median or percentile")
    monkeypatch.setitem(catalog.REPORTS, info.name, from_parts(info))
    if refusal:
        with pytest.raises(UsageError, match=refusal):
            run_report(EXAMPLES, info.name, as_of=AS_OF)
        return
    approx = run_report(EXAMPLES, info.name, as_of=AS_OF)
    assert_within_bound(approx.result, exact.result)


@pytest.mark.parametrize(
    ("report", "options", "reason"),
    [
        ("support-volume", {}, "support-volume computes no median or percentile"),
        ("customer-wait-time", {"totals": True, "options": {"top": "5"}}, "customer-wait-time computes no median or percentile"),
        ("ticket-time-in-pipeline", {}, "column stage_order is not a count, sum, mean"),
        ("sla", {"options": {"breached": True}}, "sla computes no median or percentile with these options"),
    ],
)
def test_aggregations_that_do_not_merge_are_refused_in_one_line(
    report: str, options: dict[str, object], reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(catalog.REPORTS, report, from_parts(catalog.REPORTS[report]))
    with pytest.raises(UsageError, match=reason) as raised:
        run_report(EXAMPLES, report, as_of=AS_OF, **options)
    assert "\n" not in str(raised.value) and "--approx-quantiles" in str(raised.value)


def test_unmergeable_and_derived_aggregations_are_named() -> None:
    # n_unique cannot merge; a rate computed inside the aggregation fails on partial states
    plan = Partials("r")
    frame = pl.LazyFrame({"g": ["a"], "x": [1.0], "rep": ["x"]})
    partial = plan.aggregate(frame, (pl.col("rep").n_unique().alias("reps"), pl.col("x").median().alias("median_hours")), ["g"])
    assert plan.merges["median_hours"].how == "quantile" and plan.merges["median_hours"].q == 0.5
    with pytest.raises(UsageError, match=r"column reps \(n_unique\) cannot be merged"):
        plan.check(partial.collect_schema())
    assert "computes with its aggregated values" in str(Partials("r", merges=plan.merges).refuse())
