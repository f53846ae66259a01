"""Comparing architecture-search methods from their stored runs (pure functions).

Input: a sequence of runs, each with ``spec.solver`` (the method), ``spec.seed``,
``spec.problem_config``, ``summary`` (dict) and ``trace`` (one row per distinct query, the
columns of ``solvers.algorithms.nas_baselines.QueryLedger``: ``evaluations``,
``hypervolume_ratio``, ``best_test_accuracy``, ...). :func:`as_run_data` turns stored
runs into :class:`RunData`; every other function takes ``RunData``.

What is computed, per method, over its independent runs (seeds):

* the mean and the two-sided ``level`` Student-t interval of the 200-epoch test accuracy
  of the best-found cell (the queried cell with the lowest search error, NAS-Bench-201
  protocol), and of the final hypervolume ratio;
* the anytime curves: mean and t-interval of the hypervolume ratio and of the best-found
  cell's test accuracy at each query count of a grid (a run's value at q is its value
  after its q-th distinct query);
* the queries a run needs to reach the *target*, the mean final best-found accuracy of the
  reference method (regularised evolution by default): the first query count whose
  best-found accuracy is >= the target; a run that never reaches it is censored (its
  value is +inf; medians may then be inf and the fraction that reached is reported);
* hybrid vs each other method, for each metric (final accuracy, final hypervolume ratio,
  queries to target): a two-sided Mann-Whitney U test (scipy; runs of different methods
  are independent) or, with ``paired=True``, a Wilcoxon signed-rank test on runs matched
  by seed; Holm's correction across the baselines of each metric (statsmodels, via
  ``analysis.stats.holm``); and the Vargha-Delaney effect size A12 = P(X > Y) + P(X = Y)/2
  with X the hybrid's value (Vargha & Delaney, J. Educ. Behav. Stat. 25(2), 2000; for
  queries to target lower is better, so A12 < 0.5 favours the hybrid there).

Shapes for the rest of analysis/ and for the paper's tables:

* :func:`traces_frame`: the runs as a *traces frame* of :mod:`analysis.runtime` (``problem``
  = the data set), so ``anytime_curves(..., minimize=False)`` gives the hypervolume-against-
  queries bands;
* :func:`block_values`: the (block x method) matrix of one per-run metric with blocks
  (data set, seed), the input of the Friedman test and the critical-difference diagram of
  :mod:`analysis.comparison`;
* :func:`method_statistics`: one row per method, mean and sample sd (ddof 1) of the final
  accuracy and hypervolume ratio, the median queries to target, and the Holm-adjusted
  p-value and decision of the hybrid-vs-method test of each metric (from a
  :class:`NASComparison`);
* :func:`dataset_statistics`: one row per (data set, method), mean and sd of the final
  accuracy and hypervolume ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from scipy import stats

from analysis.stats import holm
from theory.errors import InvalidParameterError

__all__ = ["MethodSummary", "NASComparison", "PairwiseTest", "RunData", "a12", "as_run_data",
           "block_values", "compare_methods", "curve_at", "dataset_statistics", "mean_ci",
           "method_statistics", "queries_to_reach", "traces_frame"]

METRICS = ("best_test_accuracy", "hypervolume_ratio", "queries_to_target")


@dataclass(frozen=True)
class RunData:
    method: str
    seed: int
    problem_config: dict[str, Any]
    trace: pd.DataFrame
    summary: dict[str, Any]


def as_run_data(runs: Sequence[Any]) -> list[RunData]:
    """``RunData`` of stored runs (anything with ``spec``, ``trace`` and ``summary``)."""
    return [RunData(r.spec.solver, int(r.spec.seed), dict(r.spec.problem_config), r.trace,
                    dict(r.summary)) for r in runs]


def mean_ci(values: ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the two-sided Student-t interval; NaN bounds with one value."""
    x = np.asarray(values, dtype=float).ravel()
    if len(x) == 0:
        raise InvalidParameterError("at least one value", "an empty sample")
    mean = float(x.mean())
    if len(x) == 1:
        return mean, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * stats.sem(x))
    return mean, mean - half, mean + half


def curve_at(trace: pd.DataFrame, column: str, grid: ArrayLike) -> NDArray[np.float64]:
    """A run's ``column`` after its q-th query for each q of ``grid`` (NaN before any)."""
    queries = trace["evaluations"].to_numpy(float)
    values = trace[column].to_numpy(float)
    index = np.searchsorted(queries, np.asarray(grid, dtype=float), side="right") - 1
    result: NDArray[np.float64] = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
    return result


def queries_to_reach(trace: pd.DataFrame, target: float,
                     column: str = "best_test_accuracy") -> float:
    """The first query count whose ``column`` is >= ``target``; +inf if none is."""
    reached = np.flatnonzero(trace[column].to_numpy(float) >= target)
    return float(trace["evaluations"].iloc[reached[0]]) if len(reached) else math.inf


def a12(x: ArrayLike, y: ArrayLike) -> float:
    """Vargha-Delaney A12: P(X > Y) + P(X = Y)/2 over all pairs (inf equals inf)."""
    xs = np.asarray(x, dtype=float).ravel()[:, None]
    ys = np.asarray(y, dtype=float).ravel()[None, :]
    if xs.size == 0 or ys.size == 0:
        raise InvalidParameterError("both samples are non-empty",
                                    f"sizes {xs.size} and {ys.size}")
    return float(np.mean((xs > ys) + 0.5 * (xs == ys)))


@dataclass(frozen=True)
class MethodSummary:
    method: str
    runs: int
    accuracy_mean: float
    accuracy_low: float
    accuracy_high: float
    hypervolume_mean: float
    hypervolume_low: float
    hypervolume_high: float
    queries_to_target_median: float
    reached_fraction: float
    simulated_hours_mean: float


@dataclass(frozen=True)
class PairwiseTest:
    metric: str
    method: str
    versus: str
    test: str
    statistic: float
    p_value: float
    p_holm: float
    reject: bool
    a12: float


@dataclass(frozen=True)
class NASComparison:
    problem_config: dict[str, Any]
    budget: int
    target_method: str
    target_accuracy: float
    level: float
    alpha: float
    methods: list[MethodSummary]
    tests: list[PairwiseTest]
    grid: list[int]
    curves: dict[str, dict[str, list[float]]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table(self) -> str:
        """The results as a plain-text table (one line per method, then the tests)."""
        pct = round(100 * self.level)
        lines = [f"target: {self.target_method} mean final accuracy "
                 f"{self.target_accuracy:.2f}% ; budget {self.budget} queries",
                 f"{'method':15s} {'runs':>4s}  {'test acc % (mean [' + str(pct) + '% CI])':30s}"
                 f"  {'HV ratio (mean [CI])':28s}  {'queries to target':>18s}  sim. h"]
        for m in self.methods:
            q = ("never" if math.isinf(m.queries_to_target_median)
                 else f"{m.queries_to_target_median:.0f}")
            lines.append(
                f"{m.method:15s} {m.runs:4d}  {m.accuracy_mean:6.2f} "
                f"[{m.accuracy_low:6.2f}, {m.accuracy_high:6.2f}]{'':9s}"
                f"  {m.hypervolume_mean:.4f} [{m.hypervolume_low:.4f}, "
                f"{m.hypervolume_high:.4f}]  {q:>9s} ({m.reached_fraction:4.0%} reach)"
                f"  {m.simulated_hours_mean:6.1f}")
        lines.append("hybrid vs each baseline (Holm across baselines per metric):")
        for t in self.tests:
            lines.append(f"  {t.metric:19s} vs {t.versus:15s} {t.test:13s} p={t.p_value:.3g} "
                         f"p_holm={t.p_holm:.3g} {'reject' if t.reject else 'keep':6s} "
                         f"A12={t.a12:.2f}")
        return "\n".join(lines)


def _per_run_metrics(run: RunData, target: float) -> dict[str, float]:
    return {"best_test_accuracy": float(run.summary["best_test_accuracy"]),
            "hypervolume_ratio": float(run.summary["hypervolume_ratio"]),
            "queries_to_target": queries_to_reach(run.trace, target),
            "simulated_seconds": float(run.summary["simulated_seconds"])}


def _test(x: NDArray[np.float64], y: NDArray[np.float64], paired: bool) -> tuple[str, float,
                                                                                  float]:
    """(name, statistic, two-sided p); +inf entries are ranked last (censored)."""
    big = max(np.max(np.where(np.isfinite(x), x, -np.inf)),
              np.max(np.where(np.isfinite(y), y, -np.inf)), 0.0) + 1.0
    xs = np.where(np.isfinite(x), x, big)
    ys = np.where(np.isfinite(y), y, big)
    if paired:
        if len(xs) != len(ys):
            raise InvalidParameterError("paired samples have equal sizes",
                                        f"{len(xs)} and {len(ys)}")
        if np.all(xs == ys):
            return "Wilcoxon", 0.0, 1.0
        result = stats.wilcoxon(xs, ys, alternative="two-sided")
        return "Wilcoxon", float(result.statistic), float(result.pvalue)
    if np.all(xs == xs[0]) and np.all(ys == xs[0]):
        return "Mann-Whitney", float(len(xs) * len(ys)) / 2, 1.0
    result = stats.mannwhitneyu(xs, ys, alternative="two-sided")
    return "Mann-Whitney", float(result.statistic), float(result.pvalue)


def compare_methods(runs: Sequence[RunData], hybrid: str = "hybrid",
                    target_method: str = "reg-evolution", grid: Sequence[int] | None = None,
                    level: float = 0.95, alpha: float = 0.05,
                    paired: bool = False) -> NASComparison:
    """Every statistic of the module docstring, for runs of one problem setting."""
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    configs = {tuple(sorted(r.problem_config.items())) for r in runs}
    if len(configs) > 1:
        raise InvalidParameterError("all runs share one problem setting",
                                    f"{len(configs)} settings")
    by_method: dict[str, list[RunData]] = {}
    for run in sorted(runs, key=lambda r: (r.method, r.seed)):
        by_method.setdefault(run.method, []).append(run)
    for name in (hybrid, target_method):
        if name not in by_method:
            raise InvalidParameterError(f"the runs include method {name!r}",
                                        f"methods {sorted(by_method)}")
    budget = int(max(r.trace["evaluations"].max() for r in runs))
    target = float(np.mean([r.summary["best_test_accuracy"] for r in by_method[target_method]]))
    metrics = {m: [_per_run_metrics(r, target) for r in rs] for m, rs in by_method.items()}
    grid_list = sorted({int(q) for q in (grid if grid is not None else
                                          np.unique(np.linspace(1, budget, 16).round()))})
    summaries = []
    curves: dict[str, dict[str, list[float]]] = {}
    for method, rows in metrics.items():
        acc = mean_ci([r["best_test_accuracy"] for r in rows], level)
        hv = mean_ci([r["hypervolume_ratio"] for r in rows], level)
        queries = np.array([r["queries_to_target"] for r in rows])
        summaries.append(MethodSummary(
            method, len(rows), *acc, *hv, float(np.median(queries)),
            float(np.mean(np.isfinite(queries))),
            float(np.mean([r["simulated_seconds"] for r in rows]) / 3600.0)))
        hv_curves = np.array([curve_at(r.trace, "hypervolume_ratio", grid_list)
                              for r in by_method[method]])
        acc_curves = np.array([curve_at(r.trace, "best_test_accuracy", grid_list)
                               for r in by_method[method]])
        curves[method] = {"hypervolume_mean": np.nanmean(hv_curves, axis=0).tolist(),
                          "accuracy_mean": np.nanmean(acc_curves, axis=0).tolist()}
    tests: list[PairwiseTest] = []
    others = [m for m in by_method if m != hybrid]
    for metric in METRICS:
        found = []
        for other in others:
            x = np.array([r[metric] for r in metrics[hybrid]])
            y = np.array([r[metric] for r in metrics[other]])
            name, statistic, p = _test(x, y, paired)
            found.append((other, name, statistic, p, a12(x, y)))
        adjusted, reject = holm([f[3] for f in found], alpha)
        for (other, name, statistic, p, effect), p_adj, rej in zip(found, adjusted, reject,
                                                                   strict=True):
            tests.append(PairwiseTest(metric, hybrid, other, name, statistic, p,
                                      float(p_adj), bool(rej), effect))
    return NASComparison(dict(runs[0].problem_config), budget, target_method, target, level,
                         alpha, summaries, tests, grid_list, curves)


def traces_frame(runs: Sequence[RunData], column: str = "hypervolume_ratio") -> pd.DataFrame:
    """The runs' ``column`` per query as a traces frame (method, problem, seed, evaluations,
    value) of :mod:`analysis.runtime`; ``problem`` is the run's data set."""
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    frames = []
    for run in runs:
        if column not in run.trace.columns:
            raise InvalidParameterError(f"every trace has the column {column!r}",
                                        f"{run.method} seed {run.seed}: "
                                        f"{sorted(run.trace.columns)}")
        frames.append(pd.DataFrame({
            "method": run.method, "problem": str(run.problem_config.get("dataset", "")),
            "seed": run.seed, "evaluations": run.trace["evaluations"].to_numpy(float),
            "value": run.trace[column].to_numpy(float)}))
    return pd.concat(frames, ignore_index=True)


_FINAL = {"best_test_accuracy": "best_test_accuracy", "hypervolume_ratio": "hypervolume_ratio"}


def block_values(runs: Sequence[RunData], metric: str = "hypervolume_ratio") -> pd.DataFrame:
    """(block x method) final ``metric`` with one block per (data set, seed).

    Every method must have exactly one run in every block (a complete design, as the
    Friedman test needs); a missing or repeated run raises and names the block.
    """
    if metric not in _FINAL:
        raise InvalidParameterError(f"metric in {{{', '.join(_FINAL)}}}", f"metric={metric!r}")
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    rows = [{"dataset": str(r.problem_config.get("dataset", "")), "seed": r.seed,
             "method": r.method, "value": float(r.summary[_FINAL[metric]])} for r in runs]
    frame = pd.DataFrame(rows)
    counts = frame.groupby(["dataset", "seed", "method"]).size()
    if (counts > 1).any():
        block = counts[counts > 1].index[0]
        raise InvalidParameterError("one run per (data set, seed, method)",
                                    f"{counts.max()} runs in {block}")
    matrix = frame.pivot(index=["dataset", "seed"], columns="method", values="value")
    if matrix.isna().any().any():
        missing = matrix.isna().stack(future_stack=True)
        block = missing.index[missing.to_numpy(dtype=bool)][0]
        raise InvalidParameterError("every method has a run in every (data set, seed) block",
                                    f"no run for {block}")
    return matrix


def method_statistics(runs: Sequence[RunData], comparison: NASComparison) -> pd.DataFrame:
    """One row per method (comparison order): mean and sd of the final test accuracy and
    hypervolume ratio, median queries to target and reached share, and for every method
    but the hybrid the Holm-adjusted p-value and decision of each metric's test."""
    by_method: dict[str, list[RunData]] = {}
    for run in runs:
        by_method.setdefault(run.method, []).append(run)
    hybrid = comparison.tests[0].method if comparison.tests else ""
    tests = {(t.metric, t.versus): t for t in comparison.tests}
    rows = []
    for summary in comparison.methods:
        chosen = by_method.get(summary.method, [])
        if not chosen:
            raise InvalidParameterError("runs for every method of the comparison",
                                        f"no run of {summary.method!r}")
        accuracy = np.array([float(r.summary["best_test_accuracy"]) for r in chosen])
        volume = np.array([float(r.summary["hypervolume_ratio"]) for r in chosen])
        row: dict[str, Any] = {
            "method": summary.method, "runs": len(chosen),
            "accuracy_mean": float(accuracy.mean()),
            "accuracy_sd": float(accuracy.std(ddof=1)) if len(chosen) > 1 else math.nan,
            "hypervolume_mean": float(volume.mean()),
            "hypervolume_sd": float(volume.std(ddof=1)) if len(chosen) > 1 else math.nan,
            "queries_median": summary.queries_to_target_median,
            "reached": summary.reached_fraction}
        for metric, short in (("best_test_accuracy", "accuracy"),
                              ("hypervolume_ratio", "hypervolume"),
                              ("queries_to_target", "queries")):
            test = tests.get((metric, summary.method))
            row[f"{short}_p_holm"] = math.nan if test is None else test.p_holm
            row[f"{short}_reject"] = False if test is None else test.reject
            row[f"{short}_a12"] = math.nan if test is None else test.a12
        row["is_reference"] = summary.method == hybrid
        rows.append(row)
    return pd.DataFrame(rows)


def dataset_statistics(runs: Sequence[RunData]) -> pd.DataFrame:
    """One row per (data set, method): runs, mean and sd (ddof 1) of the final test
    accuracy and hypervolume ratio; sorted by data set then method."""
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    frame = pd.DataFrame([{"dataset": str(r.problem_config.get("dataset", "")),
                           "method": r.method,
                           "accuracy": float(r.summary["best_test_accuracy"]),
                           "hypervolume": float(r.summary["hypervolume_ratio"])}
                          for r in runs])
    grouped = frame.groupby(["dataset", "method"], sort=True)
    result = grouped.agg(runs=("accuracy", "size"), accuracy_mean=("accuracy", "mean"),
                         accuracy_sd=("accuracy", "std"),
                         hypervolume_mean=("hypervolume", "mean"),
                         hypervolume_sd=("hypervolume", "std"))
    return result.reset_index()
