"""Comparing architecture-search methods from their stored runs (pure functions).

Input: a sequence of runs, each with ``spec.solver`` (the method), ``spec.seed``,
``spec.problem_config``, ``summary`` (dict) and ``trace`` (one row per distinct query, the
columns of ``solvers.algorithms.nas_baselines.QueryLedger``: ``evaluations``,
``hypervolume_ratio``, ``best_test_accuracy``, ...). :func:`as_run_data` turns stored
runs into :class:`RunData`; every other function takes ``RunData``. Directions and ranges
come from ``analysis.metrics`` (accuracy: higher is better, in [0, 100]; hypervolume ratio:
higher, in [0, 1]; queries to target: lower).

What is computed, per method, over its independent runs (seeds):

* the mean and the two-sided ``level`` Student-t interval, kept in the metric's range
  (``analysis.effect_sizes.mean_interval``), of the 200-epoch test accuracy of the
  best-found cell (the queried cell with the lowest search error, NAS-Bench-201 protocol)
  and of the final hypervolume ratio; runs whose final value is not finite are counted
  (``diverged``), ranked worst in the tests and left out of the means;
* the anytime curves: mean of the hypervolume ratio and of the best-found cell's test
  accuracy at each query count of a grid (a run's value at q is its value after its q-th
  distinct query);
* the queries a run needs to reach the *target*, an accuracy fixed before the runs (the
  caller passes it: ``paper`` uses a quantile of the benchmark's accuracies over every
  cell, never a method's own result, which would make that method's comparison with
  itself circular). A run reaches the target at the first query *from which on* its
  reported cell's accuracy stays >= the target ("reached and held", :func:`queries_to_reach`:
  the reported cell is chosen by search error, so its test accuracy can fall again; a
  running maximum of test accuracy would select on the test set). A run that never does is
  censored at its budget; the median over runs is the Kaplan-Meier median
  (:func:`kaplan_meier_median`), finite as soon as half the runs reach;
* hybrid vs each other method, for each metric (final accuracy, final hypervolume ratio,
  queries to target): the exact two-sided Mann-Whitney U test given ties
  (``analysis.comparison``; censored runs tie at +inf, ranked worst) or, with
  ``paired=True``, the exact Wilcoxon signed-rank test on runs matched **by seed** (seeds
  one method lacks are left out and named); Holm's correction over all baselines and all
  metrics (one family); A12 = P(hybrid better) + P(tie)/2 by the metric's direction with its
  score interval (``analysis.effect_sizes.a12_better``): > 0.5 favours the hybrid for
  every metric. A test whose smallest attainable p exceeds alpha is flagged
  (``can_reject``) and never rejects.

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
from statsmodels.duration.survfunc import SurvfuncRight

from analysis.comparison import TwoSampleTest, mann_whitney_u, wilcoxon_signed_rank
from analysis.effect_sizes import a12_better, mean_interval
from analysis.metrics import METRICS as DECLARED
from analysis.stats import holm
from theory.errors import InvalidParameterError

__all__ = ["MethodSummary", "NASComparison", "PairwiseTest", "RunData", "a12", "as_run_data",
           "balanced_blocks", "block_values", "compare_methods", "curve_at", "dataset_statistics",
           "kaplan_meier_median", "method_statistics", "queries_to_reach", "traces_frame"]

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


def curve_at(trace: pd.DataFrame, column: str, grid: ArrayLike) -> NDArray[np.float64]:
    """A run's ``column`` after its q-th query for each q of ``grid`` (NaN before any)."""
    queries = trace["evaluations"].to_numpy(float)
    values = trace[column].to_numpy(float)
    index = np.searchsorted(queries, np.asarray(grid, dtype=float), side="right") - 1
    result: NDArray[np.float64] = np.where(index >= 0, values[np.maximum(index, 0)], np.nan)
    return result


def queries_to_reach(trace: pd.DataFrame, target: float,
                     column: str = "best_test_accuracy") -> float:
    """The first query count from which on ``column`` stays >= ``target`` (reached and
    held); +inf if the run ends below it."""
    values = trace[column].to_numpy(float)
    if len(values) == 0:
        return math.inf
    held = np.minimum.accumulate(np.where(np.isnan(values), -np.inf, values)[::-1])[::-1]
    reached = np.flatnonzero(held >= target)
    return float(trace["evaluations"].iloc[reached[0]]) if len(reached) else math.inf


def kaplan_meier_median(times: ArrayLike, budgets: ArrayLike) -> float:
    """The Kaplan-Meier median of times to target: ``times`` +inf for a censored run (it
    never reached), censored at its ``budget``. The survival curve is statsmodels'
    ``SurvfuncRight``; the median is the smallest time t with S(t) <= 1/2 (Brookmeyer &
    Crowley 1982, Biometrics 38:29-41), +inf when S stays above 1/2 -- so exactly half the
    runs reaching gives a finite median (the plain median of values with +inf does not)."""
    t = np.asarray(times, dtype=float).ravel()
    budget = np.asarray(budgets, dtype=float).ravel()
    if len(t) == 0 or t.shape != budget.shape:
        raise InvalidParameterError("one budget per time, at least one run",
                                    f"{len(t)} times, {len(budget)} budgets")
    event = np.isfinite(t)
    if not event.any():
        return math.inf
    surv = SurvfuncRight(np.where(event, t, budget), event.astype(int))
    below = np.flatnonzero(surv.surv_prob <= 0.5 + 1e-12)
    return float(surv.surv_times[below[0]]) if len(below) else math.inf


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
    queries_to_target_median: float  # Kaplan-Meier median (+inf: fewer than half reached)
    reached_fraction: float
    simulated_hours_mean: float
    diverged: int = 0


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
    a12: float  # P(method better than versus) + P(tie)/2, by the metric's direction
    a12_low: float = math.nan
    a12_high: float = math.nan
    exact: bool = True
    can_reject: bool = True
    min_p: float = 0.0
    pairs: int = 0  # paired tests: the seeds both methods have


@dataclass(frozen=True)
class NASComparison:
    problem_config: dict[str, Any]
    budget: int
    target_source: str
    target_accuracy: float
    level: float
    alpha: float
    methods: list[MethodSummary]
    tests: list[PairwiseTest]
    grid: list[int]
    curves: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    paired: bool = False
    reference: str = "hybrid"  # the method compared with each other one

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def table(self) -> str:
        """The results as a plain-text table (one line per method, then the tests)."""
        pct = round(100 * self.level)
        lines = [f"target: {self.target_accuracy:.2f}% test accuracy ({self.target_source}),"
                 f" reached and held; budget {self.budget} queries",
                 f"{'method':15s} {'runs':>4s}  "
                 f"{'test acc % ^ (mean [' + str(pct) + '% CI])':30s}"
                 f"  {'HV ratio ^ (mean [CI])':28s}  {'queries to target v (KM median)':>30s}"
                 f"  sim. h"]
        for m in self.methods:
            q = ("never" if math.isinf(m.queries_to_target_median)
                 else f"{m.queries_to_target_median:.0f}")
            lines.append(
                f"{m.method:15s} {m.runs:4d}  {m.accuracy_mean:6.2f} "
                f"[{m.accuracy_low:6.2f}, {m.accuracy_high:6.2f}]{'':9s}"
                f"  {m.hypervolume_mean:.4f} [{m.hypervolume_low:.4f}, "
                f"{m.hypervolume_high:.4f}]  {q:>21s} ({m.reached_fraction:4.0%} reach)"
                f"  {m.simulated_hours_mean:6.1f}"
                + (f"  ({m.diverged} diverged)" if m.diverged else ""))
        ref = self.reference
        lines.append(f"{ref} vs each other method ({'paired by seed, ' if self.paired else ''}"
                     f"Holm over {len(self.tests)} tests; ^ higher / v lower is better; "
                     f"A12 = P({ref} better)):")
        for t in self.tests:
            if t.can_reject:
                verdict = (f"{ref} better" if t.reject and t.a12 > 0.5 else
                           f"{ref} worse" if t.reject else "n.s.")
                p = f"p={t.p_value:.3g} p_holm={t.p_holm:.3g}"
            else:
                verdict, p = "cannot reject", f"smallest p {t.min_p:.3g} > {self.alpha}"
            lines.append(f"  {t.metric:19s} vs {t.versus:15s} {t.test:13s} {p:28s} "
                         f"{verdict:14s} A12={t.a12:.2f} [{t.a12_low:.2f}, {t.a12_high:.2f}]")
        lines.extend(self.notes)
        return "\n".join(lines)


def _per_run_metrics(run: RunData, target: float) -> dict[str, float]:
    def final(name: str) -> float:
        value = float(run.summary.get(name, math.nan))
        return value if math.isfinite(value) else math.nan

    return {"best_test_accuracy": final("best_test_accuracy"),
            "hypervolume_ratio": final("hypervolume_ratio"),
            "queries_to_target": queries_to_reach(run.trace, target),
            "simulated_seconds": float(run.summary.get("simulated_seconds", math.nan)),
            "budget": float(run.trace["evaluations"].max()) if len(run.trace) else 0.0}


def _test(x: dict[int, float], y: dict[int, float], paired: bool
          ) -> tuple[TwoSampleTest, NDArray[np.float64], NDArray[np.float64], list[int]]:
    """The exact test of the hybrid's per-seed values ``x`` against ``y`` (NaN: diverged,
    already replaced by the metric's worst), and the samples it used; paired: on the seeds
    both have (the others are returned)."""
    if paired:
        shared = sorted(set(x) & set(y))
        left_out = sorted(set(x) ^ set(y))
        xs = np.array([x[s] for s in shared])
        ys = np.array([y[s] for s in shared])
        if len(shared) >= 1 and np.any(xs != ys):
            return wilcoxon_signed_rank(xs, ys), xs, ys, left_out
        n = len(shared)
        return (TwoSampleTest("Wilcoxon signed-rank", n, n, 0.0, 1.0, "two-sided", 0.0,
                              "exact", 1.0 if n < 1 else min(1.0, 2 * 0.5 ** n)),
                xs, ys, left_out)
    xs = np.array(list(x.values()))
    ys = np.array(list(y.values()))
    return mann_whitney_u(xs, ys), xs, ys, []


def compare_methods(runs: Sequence[RunData], *, target_accuracy: float,
                    target_source: str = "given", hybrid: str = "hybrid",
                    grid: Sequence[int] | None = None, level: float = 0.95,
                    alpha: float = 0.05, paired: bool = False) -> NASComparison:
    """Every statistic of the module docstring, for runs of one problem setting;
    ``target_accuracy`` is fixed before the runs (``target_source`` says how)."""
    if not runs:
        raise InvalidParameterError("at least one run", "no runs")
    if not 0 <= target_accuracy <= 100:
        raise InvalidParameterError("0 <= target_accuracy <= 100 (a test accuracy in %)",
                                    f"target_accuracy={target_accuracy}")
    configs = {tuple(sorted(r.problem_config.items())) for r in runs}
    if len(configs) > 1:
        raise InvalidParameterError("all runs share one problem setting",
                                    f"{len(configs)} settings")
    by_method: dict[str, list[RunData]] = {}
    for run in sorted(runs, key=lambda r: (r.method, r.seed)):
        by_method.setdefault(run.method, []).append(run)
    if hybrid not in by_method:
        raise InvalidParameterError(f"the runs include method {hybrid!r}",
                                    f"methods {sorted(by_method)}")
    budget = int(max(r.trace["evaluations"].max() for r in runs))
    metrics = {m: [_per_run_metrics(r, target_accuracy) for r in rs]
               for m, rs in by_method.items()}
    grid_list = sorted({int(q) for q in (grid if grid is not None else
                                          np.unique(np.linspace(1, budget, 16).round()))})
    summaries = []
    notes: list[str] = []
    curves: dict[str, dict[str, list[float]]] = {}
    for method, rows in metrics.items():
        accuracy = np.array([r["best_test_accuracy"] for r in rows])
        volume = np.array([r["hypervolume_ratio"] for r in rows])
        diverged = int(np.sum(np.isnan(accuracy) | np.isnan(volume)))
        if diverged:
            seeds = [r.seed for r, a, v in zip(by_method[method], accuracy, volume, strict=True)
                     if math.isnan(a) or math.isnan(v)]
            notes.append(f"{method}: {diverged} of {len(rows)} runs without a finite final "
                         f"value (seeds {seeds}): ranked worst in the tests, left out of the "
                         "means")
        acc = _mean(accuracy, level, "best_test_accuracy")
        hv = _mean(volume, level, "hypervolume_ratio")
        queries = np.array([r["queries_to_target"] for r in rows])
        summaries.append(MethodSummary(
            method, len(rows), *acc, *hv,
            kaplan_meier_median(queries, [r["budget"] for r in rows]),
            float(np.mean(np.isfinite(queries))),
            float(np.nanmean([r["simulated_seconds"] for r in rows]) / 3600.0), diverged))
        hv_curves = np.array([curve_at(r.trace, "hypervolume_ratio", grid_list)
                              for r in by_method[method]])
        acc_curves = np.array([curve_at(r.trace, "best_test_accuracy", grid_list)
                               for r in by_method[method]])
        curves[method] = {"hypervolume_mean": np.nanmean(hv_curves, axis=0).tolist(),
                          "accuracy_mean": np.nanmean(acc_curves, axis=0).tolist()}
    found = []
    others = [m for m in by_method if m != hybrid]
    for metric in METRICS:
        declared = DECLARED[metric]

        def values(method: str, name: str = metric, worst: float = declared.worst
                   ) -> dict[int, float]:
            return {r.seed: (worst if math.isnan(v[name]) else v[name])
                    for r, v in zip(by_method[method], metrics[method], strict=True)}

        for other in others:
            test, xs, ys, left_out = _test(values(hybrid), values(other), paired)
            if left_out:
                notes.append(f"{metric}, {hybrid} vs {other}: paired on {len(xs)} shared "
                             f"seeds; seeds {left_out} left out (one method lacks them)")
            effect = a12_better(xs, ys, declared, level) if len(xs) and len(ys) else None
            found.append((metric, other, test, effect, len(xs) if paired else 0))
    adjusted, _ = holm([f[2].p_value for f in found], alpha)
    tests: list[PairwiseTest] = []
    for (metric, other, test, effect, pairs), p_adj in zip(found, adjusted, strict=True):
        possible = test.can_reject(alpha)
        a = effect.estimate if effect is not None else math.nan
        tests.append(PairwiseTest(
            metric, hybrid, other, "Wilcoxon" if paired else "Mann-Whitney", test.statistic,
            test.p_value, float(p_adj), bool(possible and p_adj <= alpha), a,
            effect.ci_low if effect is not None else math.nan,
            effect.ci_high if effect is not None else math.nan,
            test.method == "exact", possible, test.min_p, pairs))
    unable = [t for t in tests if not t.can_reject]
    if unable:
        notes.append(f"{len(unable)} of {len(tests)} tests cannot reject at alpha = {alpha} "
                     f"whatever the data (smallest attainable p {unable[0].min_p:.3g}): "
                     "more seeds are needed")
    return NASComparison(dict(runs[0].problem_config), budget, target_source,
                         float(target_accuracy), level, alpha, summaries, tests, grid_list,
                         curves, notes, paired, hybrid)


def _mean(values: NDArray[np.float64], level: float, name: str) -> tuple[float, float, float]:
    finite = values[np.isfinite(values)]
    if len(finite) == 0:
        return math.nan, math.nan, math.nan
    est = mean_interval(finite, level, DECLARED[name])
    return est.point, est.ci_low, est.ci_high


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
    worst = DECLARED[metric].worst  # a diverged run ranks last
    rows = [{"dataset": str(r.problem_config.get("dataset", "")), "seed": r.seed,
             "method": r.method,
             "value": (float(r.summary[_FINAL[metric]])
                       if math.isfinite(float(r.summary[_FINAL[metric]])) else worst)}
            for r in runs]
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


def balanced_blocks(runs: Sequence[RunData]) -> tuple[list[RunData], list[str]]:
    """The runs of the seeds every data set has (so that each data set brings the same
    number of (data set, seed) blocks to a rank test), and a note per data set whose extra
    seeds were dropped. Pooling unequal blocks would weight a data set by its seed count."""
    seeds: dict[str, set[int]] = {}
    for r in runs:
        seeds.setdefault(str(r.problem_config.get("dataset", "")), set()).add(r.seed)
    if not seeds:
        raise InvalidParameterError("at least one run", "no runs")
    common = set.intersection(*seeds.values())
    notes = [f"{d}: seeds {sorted(s - common)} dropped to balance the blocks"
             for d, s in sorted(seeds.items()) if s - common]
    return [r for r in runs if r.seed in common], notes


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
