"""The seed paper's claims about the hybrid, measured on stored runs, and its ablation.

Pure functions of :class:`analysis.nas_comparison.RunData` (one problem setting at a time):

* :func:`seconds_to_reach` -- the simulated search time (the benchmark's training seconds,
  column ``simulated_seconds`` of the query ledger) at the first query from which on the
  best-by-search cell's test accuracy stays >= a target (reached and held, the rule of
  :func:`analysis.nas_comparison.queries_to_reach`); +inf when never.
* :func:`search_time_ratio` -- the seed's "50% less search time": the Kaplan-Meier median
  time of a method to reach the *reference method's final mean accuracy* (the target is
  the reference's own result, as the claim is phrased: time to match it), divided by the
  reference's median time to that target; censored runs at their total time. The interval
  is a percentile bootstrap (``scipy.stats.bootstrap``, independent resampling of the two
  methods' seeds, seeded); an infinite median (fewer than half reach) gives an infinite
  ratio, reported as such.
* :func:`hybrid_claims` -- per setting: the hybrid's mean accuracy against the best
  baseline's (one-sided exact Mann-Whitney, H1: the hybrid is *below*; the target "not
  below" holds when p >= alpha), whether its hypervolume ratio is the highest, the
  one-sided test of H1: hybrid > NSGA-II on cells in hypervolume, and the search-time ratio.

The ablation (each part of the hybrid switched off in turn) needs nothing new: its runs,
labelled by variant, are the methods of :func:`~analysis.nas_comparison.compare_methods`
with the full hybrid as the reference (``paper.reproduce`` does that).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from analysis.comparison import mann_whitney_u
from analysis.nas_comparison import (
    RunData,
    a12,
    kaplan_meier_median,
    queries_to_reach,
)
from theory.errors import InvalidParameterError

__all__ = ["HybridClaims", "SearchTimeRatio", "hybrid_claims", "search_time_ratio",
           "seconds_to_reach"]

#: bootstrap resamples of the search-time ratio's interval
BOOTSTRAP_RESAMPLES = 2000
#: stand-in for +inf inside the bootstrap statistic (percentiles of inf are NaN)
_NEVER = 1e30


def seconds_to_reach(run: RunData, target: float) -> float:
    """Simulated seconds when ``run`` reaches and holds ``target`` accuracy; +inf never."""
    queries = queries_to_reach(run.trace, target)
    if math.isinf(queries):
        return math.inf
    row = np.flatnonzero(run.trace["evaluations"].to_numpy(float) == queries)[0]
    return float(run.trace["simulated_seconds"].iloc[row])


def _total_seconds(run: RunData) -> float:
    return float(run.trace["simulated_seconds"].iloc[-1]) if len(run.trace) else 0.0


def _km_median(runs: Sequence[RunData], target: float) -> float:
    return kaplan_meier_median([seconds_to_reach(r, target) for r in runs],
                               [_total_seconds(r) for r in runs])


@dataclass(frozen=True)
class SearchTimeRatio:
    method: str
    reference: str
    target_accuracy: float  # the reference's final mean accuracy
    method_median_seconds: float
    reference_median_seconds: float
    ratio: float  # method / reference (inf: the method's median is never)
    ratio_low: float
    ratio_high: float
    level: float
    method_reached: float  # share of the method's runs that reach the target
    reference_reached: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def search_time_ratio(runs: Sequence[RunData], method: str = "hybrid",
                      reference: str = "reg-evolution", level: float = 0.95,
                      seed: int = 0) -> SearchTimeRatio:
    """Median search time of ``method`` to ``reference``'s final mean accuracy over the
    reference's (module docstring)."""
    mine = [r for r in runs if r.method == method]
    theirs = [r for r in runs if r.method == reference]
    if len(mine) < 2 or len(theirs) < 2:
        raise InvalidParameterError(
            "at least two runs of each method for a search-time ratio",
            f"{len(mine)} runs of {method!r}, {len(theirs)} of {reference!r}")
    target = float(np.mean([float(r.summary["best_test_accuracy"]) for r in theirs]))
    mine_median, theirs_median = _km_median(mine, target), _km_median(theirs, target)

    def ratio_of(a: float, b: float) -> float:
        if math.isinf(a):
            return math.inf
        return a / b if b > 0 and math.isfinite(b) else (0.0 if math.isinf(b) else math.nan)

    ratio = ratio_of(mine_median, theirs_median)
    times_m = np.array([seconds_to_reach(r, target) for r in mine])
    totals_m = np.array([_total_seconds(r) for r in mine])
    times_r = np.array([seconds_to_reach(r, target) for r in theirs])
    totals_r = np.array([_total_seconds(r) for r in theirs])

    def statistic(index_m: NDArray[np.float64], index_r: NDArray[np.float64]) -> float:
        im, ir = index_m.astype(int), index_r.astype(int)
        value = ratio_of(kaplan_meier_median(times_m[im], totals_m[im]),
                         kaplan_meier_median(times_r[ir], totals_r[ir]))
        return _NEVER if math.isinf(value) else value

    result = stats.bootstrap((np.arange(len(mine), dtype=float),
                              np.arange(len(theirs), dtype=float)), statistic,
                             vectorized=False, paired=False, confidence_level=level,
                             n_resamples=BOOTSTRAP_RESAMPLES, method="percentile",
                             rng=np.random.default_rng(seed))
    low, high = (float(v) for v in (result.confidence_interval.low,
                                    result.confidence_interval.high))
    low, high = (math.inf if v >= _NEVER / 2 else v for v in (low, high))
    return SearchTimeRatio(method, reference, target, mine_median, theirs_median, ratio, low,
                           high, level, float(np.mean(np.isfinite(times_m))),
                           float(np.mean(np.isfinite(times_r))))


@dataclass(frozen=True)
class HybridClaims:
    dataset: str
    runs_per_method: int
    hybrid_accuracy: float
    best_baseline: str  # by mean final accuracy
    best_baseline_accuracy: float
    accuracy_below_p: float  # one-sided exact MW, H1: hybrid below the best baseline
    accuracy_not_below: bool  # p >= alpha
    hybrid_hypervolume: float
    best_other_hypervolume_method: str
    best_other_hypervolume: float
    hypervolume_highest: bool
    nsga2_hypervolume: float
    hypervolume_above_nsga2_p: float  # one-sided exact MW, H1: hybrid above nsga2-cells
    hypervolume_above_nsga2_a12: float
    time: SearchTimeRatio
    alpha: float

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["time"] = self.time.to_dict()
        return out


def _final(runs: Sequence[RunData], name: str) -> NDArray[np.float64]:
    return np.array([float(r.summary[name]) for r in runs])


def hybrid_claims(runs: Sequence[RunData], alpha: float = 0.05, seed: int = 0,
                  nsga2: str = "nsga2-cells", reference: str = "reg-evolution"
                  ) -> HybridClaims:
    """The claims of the module docstring for the runs of one setting."""
    by_method: dict[str, list[RunData]] = {}
    for run in runs:
        by_method.setdefault(run.method, []).append(run)
    for needed in ("hybrid", nsga2, reference):
        if needed not in by_method:
            raise InvalidParameterError(f"the runs include method {needed!r}",
                                        f"methods {sorted(by_method)}")
    hybrid_acc = _final(by_method["hybrid"], "best_test_accuracy")
    hybrid_hv = _final(by_method["hybrid"], "hypervolume_ratio")
    others = {m: rs for m, rs in by_method.items() if m != "hybrid"}
    best = max(others, key=lambda m: (_final(others[m], "best_test_accuracy").mean(), m))
    best_acc = _final(others[best], "best_test_accuracy")
    below = mann_whitney_u(hybrid_acc, best_acc, alternative="less")
    best_hv_method = max(others, key=lambda m: (_final(others[m], "hypervolume_ratio").mean(),
                                                m))
    best_hv = float(_final(others[best_hv_method], "hypervolume_ratio").mean())
    nsga2_hv = _final(by_method[nsga2], "hypervolume_ratio")
    above = mann_whitney_u(hybrid_hv, nsga2_hv, alternative="greater")
    effect = a12(hybrid_hv, nsga2_hv)
    config = by_method["hybrid"][0].problem_config
    return HybridClaims(
        str(config.get("dataset", "")), min(len(rs) for rs in by_method.values()),
        float(hybrid_acc.mean()), best, float(best_acc.mean()), float(below.p_value),
        bool(below.p_value >= alpha), float(hybrid_hv.mean()), best_hv_method, best_hv,
        bool(hybrid_hv.mean() > best_hv), float(nsga2_hv.mean()), float(above.p_value), effect,
        search_time_ratio(runs, "hybrid", reference, seed=seed), alpha)
