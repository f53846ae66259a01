"""Runtime analysis of anytime traces as in COCO and IOHprofiler.

The shape of trace data
-----------------------
A *traces frame* is a long-format :class:`pandas.DataFrame` with the columns
``TRACE_COLUMNS`` = (method, problem, seed, evaluations, value): one row per recorded
iteration of a run, ``evaluations`` the cumulative count of function evaluations (non-
decreasing within a run) and ``value`` the measured quantity (e.g. f(x) - f*, or the number
of uncovered front points). (method, problem, seed) identifies a run, as in a runs frame
(``analysis.comparison``). ``minimize`` says which way ``value`` improves (no default:
read it from the metric's declaration, ``analysis.metrics``); the functions use the
best-so-far value.

* ``fixed_target_runtimes``: per run and target, the first evaluation count at which the
  best-so-far value reaches the target, NaN where it never does (a censored run), and the
  run's budget (its last evaluation count);
* ``expected_running_time``: ERT = (sum over runs of the evaluations spent: the runtime of
  a successful run, the budget of an unsuccessful one) / (number of successful runs), the
  estimator of Auger & Hansen (2005, IEEE CEC, "Performance evaluation of an advanced
  local search evolutionary algorithm") used by COCO (Hansen et al. 2021, Optim. Methods
  Softw. 36(1):114-144); infinite with no success. Its interval is a bootstrap over runs;
* ``runtime_ecdf``: the empirical distribution of runtimes over all (problem, seed,
  target) triples of a method, at given budgets (COCO's ECDF of runtimes, unsolved
  triples never count);
* ``anytime_curves``: fixed-budget best-so-far values across seeds with a t or bootstrap
  confidence band (IOHprofiler's fixed-budget view).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from theory.errors import InvalidParameterError

__all__ = ["TRACE_COLUMNS", "AnytimeCurve", "ExpectedRunningTime", "RuntimeECDF",
           "anytime_curves", "ert_table", "expected_running_time", "fixed_target_runtimes",
           "runtime_ecdf", "validate_traces"]

TRACE_COLUMNS = ("method", "problem", "seed", "evaluations", "value")
_RUN = ["method", "problem", "seed"]


def validate_traces(frame: pd.DataFrame) -> pd.DataFrame:
    """A checked copy of a traces frame, sorted by run and evaluations."""
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError("trace data is a pandas DataFrame", type(frame).__name__)
    missing = [c for c in TRACE_COLUMNS if c not in frame.columns]
    if missing:
        raise InvalidParameterError(f"a traces frame has the columns {list(TRACE_COLUMNS)}",
                                    f"missing {missing}")
    out = frame.loc[:, list(TRACE_COLUMNS)].copy()
    if len(out) == 0:
        raise InvalidParameterError("a traces frame has at least one row", "0 rows")
    out["method"] = out["method"].astype(str)
    out["problem"] = out["problem"].astype(str)
    out["seed"] = pd.to_numeric(out["seed"]).astype(int)
    out["evaluations"] = pd.to_numeric(out["evaluations"]).astype(float)
    out["value"] = pd.to_numeric(out["value"]).astype(float)
    if not np.all(np.isfinite(out[["evaluations", "value"]].to_numpy())):
        raise InvalidParameterError("evaluations and values are finite", "a NaN or inf entry")
    if (out["evaluations"] < 0).any():
        raise InvalidParameterError("evaluations >= 0", f"{out['evaluations'].min()}")
    steps = out.groupby(_RUN, sort=False)["evaluations"].diff()
    if (steps < 0).any():
        row = out.loc[steps < 0].iloc[0]
        raise InvalidParameterError("evaluations never decrease within a run",
                                    f"run {dict(row[_RUN])} at evaluations={row['evaluations']}")
    out = out.sort_values(_RUN, kind="stable").reset_index(drop=True)
    return out


def _best_so_far(frame: pd.DataFrame, minimize: bool) -> pd.Series:
    grouped = frame.groupby(_RUN, sort=False)["value"]
    return grouped.cummin() if minimize else grouped.cummax()


def fixed_target_runtimes(traces: pd.DataFrame, targets: ArrayLike, *, minimize: bool
                          ) -> pd.DataFrame:
    """Columns method, problem, seed, target, runtime (NaN if never reached), budget,
    success: one row per run and target."""
    data = validate_traces(traces)
    goal = np.asarray(targets, dtype=float).ravel()
    if len(goal) == 0 or not np.all(np.isfinite(goal)):
        raise InvalidParameterError("targets is a non-empty list of finite values", f"{goal}")
    data["best"] = _best_so_far(data, minimize)
    rows = []
    for key, run in data.groupby(_RUN, sort=True):
        best = run["best"].to_numpy()
        evals = run["evaluations"].to_numpy()
        budget = float(evals[-1])
        for target in goal:
            hit = best <= target if minimize else best >= target
            runtime = float(evals[np.argmax(hit)]) if hit.any() else math.nan
            rows.append((*key, float(target), runtime, budget, bool(hit.any())))
    return pd.DataFrame(rows, columns=[*_RUN, "target", "runtime", "budget", "success"])


@dataclass(frozen=True)
class ExpectedRunningTime:
    """ERT with the counts it comes from and a bootstrap interval over runs."""

    ert: float
    successes: int
    runs: int
    evaluations: float
    success_rate: float
    ci_low: float
    ci_high: float
    level: float


def expected_running_time(runtimes: ArrayLike, budgets: ArrayLike, level: float = 0.95,
                          n_resamples: int = 0, seed: int = 0) -> ExpectedRunningTime:
    """ERT of runs with ``runtimes`` (NaN for an unsuccessful run) and ``budgets``.

    With ``n_resamples > 0`` the interval is the percentile interval of ERT over runs
    resampled with replacement (an infinite ERT where a resample has no success);
    otherwise it is (NaN, NaN).
    """
    rt = np.asarray(runtimes, dtype=float).ravel()
    bud = np.asarray(budgets, dtype=float).ravel()
    if len(rt) == 0 or rt.shape != bud.shape:
        raise InvalidParameterError("one budget per runtime, at least one run",
                                    f"{len(rt)} runtimes, {len(bud)} budgets")
    success = np.isfinite(rt)
    if np.any(np.isinf(rt)) or not np.all(np.isfinite(bud)):
        raise InvalidParameterError("runtimes are finite or NaN, budgets finite",
                                    "an inf entry")
    if np.any(rt[success] > bud[success]) or np.any(bud < 0):
        raise InvalidParameterError("0 <= runtime <= budget for every successful run",
                                    f"runtimes {rt.tolist()}, budgets {bud.tolist()}")
    if not 0 < level < 1 or n_resamples < 0:
        raise InvalidParameterError("0 < level < 1 and n_resamples >= 0",
                                    f"level={level}, n_resamples={n_resamples}")
    spent = np.where(success, rt, bud)
    k = int(success.sum())
    ert = float(spent.sum() / k) if k else math.inf
    low = high = math.nan
    if n_resamples > 0:
        rng = np.random.default_rng(seed)
        index = rng.integers(0, len(rt), size=(n_resamples, len(rt)))
        wins = success[index].sum(axis=1)
        with np.errstate(divide="ignore"):
            boot = np.where(wins > 0, spent[index].sum(axis=1) / np.maximum(wins, 1), np.inf)
        low, high = (float(v) for v in np.quantile(boot, [(1 - level) / 2, (1 + level) / 2],
                                                   method="inverted_cdf"))
    return ExpectedRunningTime(ert, k, len(rt), float(spent.sum()), k / len(rt), low, high,
                               level)


def ert_table(runtimes: pd.DataFrame, level: float = 0.95, n_resamples: int = 0,
              seed: int = 0) -> pd.DataFrame:
    """ERT per (method, problem, target) of a ``fixed_target_runtimes`` frame."""
    needed = [*_RUN, "target", "runtime", "budget"]
    if not set(needed) <= set(runtimes.columns):
        raise InvalidParameterError(f"a runtimes frame has the columns {needed}",
                                    f"{list(runtimes.columns)}")
    rows = []
    for (method, problem, target), group in runtimes.groupby(["method", "problem", "target"]):
        e = expected_running_time(group["runtime"], group["budget"], level, n_resamples, seed)
        rows.append((method, problem, target, e.ert, e.ci_low, e.ci_high, e.successes, e.runs))
    return pd.DataFrame(rows, columns=["method", "problem", "target", "ert", "ci_low",
                                       "ci_high", "successes", "runs"])


@dataclass(frozen=True)
class RuntimeECDF:
    """Proportion of a method's (problem, seed, target) triples solved within each budget."""

    method: str
    budgets: np.ndarray
    proportion: np.ndarray
    n_triples: int


def runtime_ecdf(runtimes: pd.DataFrame, budgets: ArrayLike) -> tuple[RuntimeECDF, ...]:
    """ECDF of the runtimes of a ``fixed_target_runtimes`` frame, one per method."""
    grid = np.asarray(budgets, dtype=float).ravel()
    if len(grid) == 0 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) < 0):
        raise InvalidParameterError("budgets is a non-empty increasing finite grid", f"{grid}")
    if not {"method", "runtime"} <= set(runtimes.columns):
        raise InvalidParameterError("a runtimes frame has method and runtime columns",
                                    f"{list(runtimes.columns)}")
    out = []
    for method, group in runtimes.groupby("method", sort=True):
        rt = group["runtime"].to_numpy(dtype=float)
        solved = np.where(np.isnan(rt), np.inf, rt)
        proportion = (solved[None, :] <= grid[:, None]).mean(axis=1)
        out.append(RuntimeECDF(str(method), grid, proportion, len(rt)))
    return tuple(out)


@dataclass(frozen=True)
class AnytimeCurve:
    """Best-so-far value after each budget: centre (mean) and band across seeds."""

    method: str
    problem: str
    budgets: np.ndarray
    center: np.ndarray
    low: np.ndarray
    high: np.ndarray
    n_runs: np.ndarray
    band: str
    level: float


def _at_budgets(evals: np.ndarray, best: np.ndarray, grid: np.ndarray) -> np.ndarray:
    position = np.searchsorted(evals, grid, side="right") - 1
    return np.where(position >= 0, best[np.maximum(position, 0)], np.nan)


def anytime_curves(traces: pd.DataFrame, budgets: ArrayLike,
                   band: Literal["t", "bootstrap"] = "t", level: float = 0.95, *,
                   minimize: bool, n_resamples: int = 2000, seed: int = 0,
                   methods: Sequence[str] | None = None,
                   bounds: tuple[float, float] | None = None) -> tuple[AnytimeCurve, ...]:
    """Mean best-so-far value at each budget per (method, problem), with a band.

    A run counts at budget b once it has a record at <= b evaluations, and keeps its final
    best after it stops. ``band="t"``: mean +- t_{n-1} sem; ``"bootstrap"``: percentile
    interval of the mean over seeds resampled with replacement (seeded). ``bounds``: the
    metric's range (``analysis.metrics.Metric``'s low, high); the band is clipped to it,
    which keeps its coverage (a t band of a hypervolume ratio near 1 otherwise leaves [0, 1]).
    """
    if band not in ("t", "bootstrap"):
        raise InvalidParameterError("band is 't' or 'bootstrap'", repr(band))
    if not 0 < level < 1 or n_resamples < 100:
        raise InvalidParameterError("0 < level < 1 and n_resamples >= 100",
                                    f"level={level}, n_resamples={n_resamples}")
    grid = np.asarray(budgets, dtype=float).ravel()
    if len(grid) == 0 or not np.all(np.isfinite(grid)) or np.any(np.diff(grid) < 0):
        raise InvalidParameterError("budgets is a non-empty increasing finite grid", f"{grid}")
    data = validate_traces(traces)
    if methods is not None:
        data = data.loc[data["method"].isin(list(methods))]
    data["best"] = _best_so_far(data, minimize)
    rng = np.random.default_rng(seed)
    out = []
    for (method, problem), group in data.groupby(["method", "problem"], sort=True):
        values = np.vstack([_at_budgets(run["evaluations"].to_numpy(), run["best"].to_numpy(),
                                        grid) for _, run in group.groupby("seed", sort=True)])
        n = np.sum(np.isfinite(values), axis=0)
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # budgets before any record
            center = np.nanmean(values, axis=0)
            if band == "t":
                sem = np.nanstd(values, axis=0, ddof=1) / np.sqrt(n)
                half = stats.t.ppf(0.5 + level / 2, np.maximum(n - 1, 1)) * sem
                low, high = center - half, center + half
            else:
                index = rng.integers(0, len(values), size=(n_resamples, len(values)))
                means = np.nanmean(values[index], axis=1)
                low, high = np.nanpercentile(means, [50 * (1 - level), 50 * (1 + level)],
                                             axis=0)
        single = n < 2
        low = np.where(single, center, low)
        high = np.where(single, center, high)
        if bounds is not None:
            low, high = np.clip(low, *bounds), np.clip(high, *bounds)
        out.append(AnytimeCurve(str(method), str(problem), grid, center, low, high, n, band,
                                level))
    return tuple(out)
