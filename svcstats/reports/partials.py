"""Aggregation from parts (`--approx-quantiles` on Spark): statistics as partial states that merge.

In exact mode a group's statistics are computed on all of the group's facts at once. With
`--approx-quantiles`, each part of the facts (a Spark bucket) computes *partial states* of every
statistic instead, and the states of a group's parts are merged afterwards, so no group's rows
ever have to meet in one place:

- counts and sums (`pl.len()`, `x.sum()`, `x.count()`): summed;
- means (`x.mean()`): the sum and the count of `x` carried as hidden columns, divided after the merge;
- minima and maxima: the minimum or maximum of the parts';
- a column that is a constant (`pl.lit(None)`): the first part's;
- quantiles (`x.quantile(q, "linear")`, the median and percentiles of `duration_stats`): a
  log-bucket sketch (DDSketch-style): each value x ≠ 0 falls in bucket i = ceil(log_γ |x|) of its
  sign, with γ = (1 + a) / (1 - a); the sketch is the count of values per bucket, and sketches merge
  by adding counts (a merged sketch is the sketch of the union). The value at rank r is the
  representative 2γ^i / (γ + 1) of the bucket where the cumulative count passes r, which is
  within a·|x| of the true value x at that rank (a = RELATIVE_ERROR = 0.5%). Zero is its own
  bucket (exact). The linear interpolation between two ranks (as the exact quantile does) then
  stays within a·|exact| when both neighbours have the same sign (durations are never negative),
  and within a·max(|lower|, |upper|) otherwise.

`ReportContext.aggregate` hands its aggregations to `Partials.aggregate` in that mode, which reads
each one's expression tree (its root: Len, Sum, Count, Min, Max, Mean, Quantile, a literal; under an
alias and a cast) and records how its states merge; anything else (n_unique, a value computed
after the aggregation, a listing of records) cannot merge, and `Partials.check` says so in one line.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import polars as pl

from svcstats.errors import UsageError

RELATIVE_ERROR = 0.005  # a: every approximate quantile within 0.5% of the exact value (see above)
GAMMA = (1 + RELATIVE_ERROR) / (1 - RELATIVE_ERROR)
LOG_GAMMA = math.log(GAMMA)
OFFSET = 1 << 20  # bucket indexes of finite doubles lie within ±75,000: the sign is kept apart by this
CELL = pl.Struct({"key": pl.Int64, "count": pl.Int64})  # a sketch is a list of these: a bucket and its count
HIDDEN = "__partial_"  # the prefix of state columns that are not the report's own columns
WITHOUT = "run without --approx-quantiles (on Spark, exact)"

How = Literal["sum", "min", "max", "first", "mean", "quantile"]
MERGEABLE = ("sum", "min", "max", "first", "mean", "quantile")
AGGS: dict[str, How] = {"Sum": "sum", "Count": "sum", "Min": "min", "Max": "max", "Mean": "mean"}  # Polars' Agg nodes that merge


def sketch_key(values: pl.Expr) -> pl.Expr:
    """The bucket of each value, as an Int64 that sorts as the values do: 0 for zero,
    OFFSET + i for a positive value in bucket i, -(OFFSET + i) for a negative one."""
    magnitude = values.abs()
    index = (pl.when(magnitude > 0).then(magnitude).otherwise(1.0).log() / LOG_GAMMA).ceil().cast(pl.Int64)
    return pl.when(values == 0).then(pl.lit(0, pl.Int64)).when(values > 0).then(OFFSET + index).otherwise(-(OFFSET + index))


def representative(key: pl.Expr) -> pl.Expr:
    """The value standing for every value of bucket `key`: 2γ^i / (γ + 1), within a·|x| of each x
    in the bucket (γ^(i-1), γ^i], with the bucket's sign; 0 for the zero bucket."""
    index = (key.abs() - OFFSET).cast(pl.Float64)
    magnitude = (index * LOG_GAMMA + math.log(2 / (GAMMA + 1))).exp()
    return pl.when(key == 0).then(0.0).otherwise(key.sign().cast(pl.Float64) * magnitude)


def sketch(values: pl.Expr, grouped: bool = True) -> pl.Expr:
    """An aggregation: the sketch of the finite values of `values` (nulls left out), a list of
    {key, count} per group (`grouped`), or one such list for a whole frame."""
    finite = values.cast(pl.Float64).drop_nulls()
    counts = sketch_key(finite.filter(finite.is_finite())).alias("key").value_counts(name="count").cast(CELL)
    return counts if grouped else counts.implode()


def merged_sketch_quantiles(frame: pl.LazyFrame, keys: list[str], column: str, quantiles: dict[str, float]) -> pl.LazyFrame:
    """The sketches of `column` merged per `keys` (counts added per bucket), and for each output
    name of `quantiles` the value at that quantile (linear interpolation between the ranks, as
    Polars' exact quantile does)."""
    cells = (
        frame.select(*keys, pl.col(column).alias("__cell"))
        .explode("__cell")
        .filter(pl.col("__cell").is_not_null())
        .select(*keys, pl.col("__cell").struct.field("key"), pl.col("__cell").struct.field("count"))
        .group_by([*keys, "key"])
        .agg(pl.col("count").sum())
        .with_columns(representative(pl.col("key")).alias("__value"))
    )
    cumulative = pl.col("count").sort_by("key").cum_sum()
    total = pl.col("count").sum()

    def at(rank: pl.Expr) -> pl.Expr:  # the representative of the bucket holding the value of 0-based `rank`
        return pl.col("__value").sort_by("key").filter(cumulative > rank).first()

    exprs = []
    for name, q in quantiles.items():
        position = (total - 1).cast(pl.Float64) * q
        lower, upper = at(position.floor()), at(position.ceil())
        exprs.append((lower + (upper - lower) * (position - position.floor())).alias(name))
    return cells.group_by(keys).agg(*exprs) if keys else cells.select(*exprs)


@dataclass(frozen=True)
class Merge:
    """How one output column comes from the partial states of its parts."""

    how: How
    states: tuple[str, ...]  # the state columns: one; a mean's sum and count; a quantile's sketch
    q: float = 0.0  # the quantile, for how == "quantile"


@dataclass
class Partials:
    """The partial mode of a report's aggregation: filled in while its aggregate stage runs
    (`ReportContext.aggregate` hands each aggregation here), read to check and to merge."""

    report: str
    merges: dict[str, Merge] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    unmergeable: dict[str, str] = field(default_factory=dict)  # column -> what it is (n_unique, when/then, ...)
    calls: int = 0

    def aggregate(self, frame: pl.LazyFrame, aggs: tuple[pl.Expr, ...], keys: list[str]) -> pl.LazyFrame:
        """The partial states of `aggs` per `keys` (or for the whole frame), recording how each merges."""
        self.calls += 1
        self.keys.extend(key for key in keys if key not in self.keys)
        sketches: dict[str, str] = {}  # one sketch per distinct value expression in this call
        states: dict[str, pl.Expr] = {}
        for agg in aggs:
            name = agg.meta.output_name()
            how, root, inner, q = _decompose(agg)
            if how not in MERGEABLE:  # kept as it is, for the dry run to go on; check() refuses it
                self.unmergeable.setdefault(name, how)
                states[name] = root
            elif how == "mean":
                total, count = f"{HIDDEN}sum_{name}", f"{HIDDEN}count_{name}"
                states[total], states[count] = inner.cast(pl.Float64).sum(), inner.count().cast(pl.Int64)
                self.merges[name] = Merge("mean", (total, count))
            elif how == "quantile":
                serial = inner.meta.serialize(format="json")
                if serial not in sketches:
                    sketches[serial] = f"{HIDDEN}sketch{self.calls}_{len(sketches)}"
                    states[sketches[serial]] = sketch(inner, grouped=bool(keys))
                self.merges[name] = Merge("quantile", (sketches[serial],), q)
            else:
                states[name] = root
                self.merges[name] = Merge(cast(How, how), (name,))
        named = [expr.alias(column) for column, expr in states.items()]
        return frame.group_by(keys).agg(*named) if keys else frame.select(*named)

    def check(self, schema: pl.Schema) -> None:
        """A usage error unless the partial frame of `schema` merges: every column a key or a
        recorded state, and at least one quantile to approximate."""
        self.need_quantiles()
        if self.unmergeable:
            name, what = next(iter(self.unmergeable.items()))
            raise UsageError(f"--approx-quantiles: {self.report}'s column {name} ({what}) cannot be merged from parts", WITHOUT)
        state_columns = {state for merge in self.merges.values() for state in merge.states}
        loose = [name for name in schema if name not in state_columns and name not in self.keys]
        if loose:
            raise UsageError(
                f"--approx-quantiles: {self.report}'s column {loose[0]} is not a count, sum, mean, minimum, maximum or "
                "quantile of its rows (a listing, or a value computed after the aggregation), so it cannot be merged from parts",
                WITHOUT,
            )

    def need_quantiles(self) -> None:
        """A usage error when the aggregation recorded no quantile: nothing to approximate."""
        if not any(merge.how == "quantile" for merge in self.merges.values()):
            raise UsageError(
                f"--approx-quantiles: {self.report} computes no median or percentile with these options",
                "run without it: its counts and means are exact on Spark",
            )

    def refuse(self) -> UsageError:
        """The usage error for an aggregation that failed on partial states (it reads its own
        aggregated values, say a rate of two counts, before the merge)."""
        self.need_quantiles()
        return UsageError(
            f"--approx-quantiles: {self.report} computes with its aggregated values inside its aggregation "
            "(a rate of two counts, say), so they cannot be merged from parts",
            WITHOUT,
        )

    def merge(self, partial: pl.LazyFrame) -> pl.LazyFrame:
        """The report's aggregated columns from the partial states of `partial` (any number of
        parts per key): states merged per key, then means divided and quantiles read off the
        merged sketches."""
        schema = partial.collect_schema()
        keys = [key for key in self.keys if key in schema]
        # counts arrive as unsigned integers: added as Int64, so billions of parts' rows do not overflow
        partial = partial.with_columns(pl.col(n).cast(pl.Int64) for n, t in schema.items() if t.is_integer() and n not in keys)
        simple: dict[str, pl.Expr] = {}
        for name, merge in self.merges.items():
            if name in self.unmergeable:
                continue
            if merge.how == "mean":
                total, count = (pl.col(state).sum() for state in merge.states)
                simple[name] = pl.when(count > 0).then(total / count)
            elif merge.how == "sum":  # null where no part had the column's rows (a key another part of a join brought), as exactly
                state = pl.col(merge.states[0])
                simple[name] = pl.when(state.is_not_null().any()).then(state.sum())
            elif merge.how in ("min", "max", "first"):
                simple[name] = getattr(pl.col(merge.states[0]), merge.how)()
        exprs = [expr.alias(name) for name, expr in simple.items()]
        merged = partial.group_by(keys).agg(*exprs) if keys else partial.select(*exprs)
        by_sketch: dict[str, dict[str, float]] = {}
        for name, merge in self.merges.items():
            if merge.how == "quantile":
                by_sketch.setdefault(merge.states[0], {})[name] = merge.q
        for column, quantiles in by_sketch.items():
            read = merged_sketch_quantiles(partial, keys, column, quantiles)
            merged = merged.join(read, on=keys, how="left", nulls_equal=True) if keys else pl.concat([merged, read], how="horizontal")
        return merged.select(*keys, *self.merges)


def is_quantile(agg: pl.Expr) -> bool:
    """Whether the aggregation `agg` is a quantile or a median (under an alias and a cast)."""
    return _decompose(agg)[0] == "quantile"


def _decompose(agg: pl.Expr) -> tuple[How | str, pl.Expr, pl.Expr, float]:
    """How the aggregation `agg` merges: its kind, the expression without alias and cast, the
    value expression it aggregates (for means and quantiles) and the quantile; for an aggregation
    that does not merge, the name of its root instead of a kind."""
    root = agg.meta.undo_aliases()
    kind, node = _node(root)
    if kind == "Cast":  # duration_stats casts to Float64; the merged column is cast to the exact schema again
        root = root.meta.pop()[0]
        kind, node = _node(root)
    if kind == "Len":
        return "sum", root, root, 0.0
    if kind == "Literal":
        return "first", root, root, 0.0
    if kind == "Agg":
        kind = next(iter(node))
        how = AGGS.get(kind)
        if how is not None:
            return how, root, root.meta.pop()[0], 0.0
        if kind == "Median":  # the 0.5 quantile, interpolated linearly
            return "quantile", root, root.meta.pop()[0], 0.5
    elif kind == "Function":
        function = node["function"]
        if isinstance(function, dict) and function.get("Quantile", {}).get("method") == "Linear":
            level = next(e for e in root.meta.pop() if e.meta.is_literal())
            value = next(e for e in root.meta.pop() if not e.meta.is_literal())
            return "quantile", root, value, float(pl.select(level).item())
        kind = next(iter(function)) if isinstance(function, dict) else str(function)
    elif kind == "Ternary":
        kind = "when/then"
    return re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=^N)(?=U)", "_", kind).lower(), root, root, 0.0  # NUnique -> n_unique


def _node(expr: pl.Expr) -> tuple[str, Any]:
    """The kind of an expression's root node and its contents, as Polars serialises it (a bare
    name such as "Len", or a mapping of the kind to its contents)."""
    tree = json.loads(expr.meta.serialize(format="json"))
    if isinstance(tree, dict):
        kind = next(iter(tree))
        return kind, tree[kind]
    return str(tree), None
