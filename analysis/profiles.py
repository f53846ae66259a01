"""Aggregate performance with interval estimates, after rliable (Agarwal et al., "Deep
Reinforcement Learning at the Edge of the Statistical Precipice", NeurIPS 2021), and
Dolan-More performance profiles.

Scores are a mapping ``method -> (runs x tasks) array`` (``score_matrices`` builds it from
a runs frame: tasks are the frame's problems, runs its seeds), higher is better, as in
rliable; normalise first (``normalise_scores``) when the tasks' scales differ.

* ``aggregate_mean``, ``aggregate_median`` (median over tasks of the per-task mean),
  ``aggregate_iqm`` (25 % trimmed mean over all runs and tasks), ``optimality_gap``
  (gamma - mean(min(score, gamma))), the same definitions as ``rliable.metrics``;
* ``aggregate_estimates``: those with stratified bootstrap percentile intervals
  (runs resampled with replacement within each task, as rliable's StratifiedBootstrap);
* ``probability_of_improvement``: P(X > Y) per task (U / (n m)) averaged over tasks;
* ``performance_profile``: rliable's score distribution, the fraction of runs (or of
  task means) with score > tau, with stratified bootstrap bands;
* ``dolan_more_profile``: Dolan & More (2002, Math. Program. 91:201-213): for costs
  c[p, s] (lower is better), rho_s(tau) = |{p : c[p, s] <= tau min_s' c[p, s']}| / |P|.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from analysis.comparison import to_cube
from theory.errors import InvalidParameterError

__all__ = ["AggregateEstimate", "DolanMoreProfile", "PerformanceProfile",
           "aggregate_estimates", "aggregate_iqm", "aggregate_mean", "aggregate_median",
           "dolan_more_profile", "normalise_scores", "optimality_gap", "performance_profile",
           "probability_of_improvement", "score_matrices"]


def _scores(scores: ArrayLike, name: str = "scores") -> np.ndarray:
    array = np.asarray(scores, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2 or array.shape[0] < 1 or array.shape[1] < 1:
        raise InvalidParameterError(f"{name} is a (runs x tasks) array", f"shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise InvalidParameterError(f"every entry of {name} is finite", "a NaN or inf entry")
    return array


def score_matrices(frame: pd.DataFrame, measurement: str | None = None, *,
                   higher_is_better: bool) -> dict[str, np.ndarray]:
    """``method -> (seeds x problems)`` from a runs frame; negated if lower is better.

    Every method needs a run for every (problem, seed) pair of the frame.
    """
    cube = to_cube(frame, measurement)
    if np.isnan(cube.values).any():
        m, p, s = np.argwhere(np.isnan(cube.values))[0]
        raise InvalidParameterError("every method has every (problem, seed) run",
                                    f"no run of {cube.methods[m]!r} on {cube.problems[p]!r} "
                                    f"with seed {cube.seeds[s]}")
    sign = 1.0 if higher_is_better else -1.0
    return {method: sign * cube.values[i].T for i, method in enumerate(cube.methods)}


def normalise_scores(scores: Mapping[str, ArrayLike], low: ArrayLike, high: ArrayLike
                     ) -> dict[str, np.ndarray]:
    """(score - low) / (high - low) per task (e.g. random and reference scores)."""
    lo = np.asarray(low, dtype=float).ravel()
    hi = np.asarray(high, dtype=float).ravel()
    if lo.shape != hi.shape or np.any(hi <= lo):
        raise InvalidParameterError("high > low for every task", f"low={lo}, high={hi}")
    out = {}
    for name, value in scores.items():
        array = _scores(value, f"scores[{name!r}]")
        if array.shape[1] != len(lo):
            raise InvalidParameterError("one low/high per task",
                                        f"{len(lo)} for {array.shape[1]} tasks")
        out[name] = (array - lo) / (hi - lo)
    return out


def aggregate_mean(scores: ArrayLike) -> float:
    """Mean over tasks of the per-task mean score."""
    return float(np.mean(np.mean(_scores(scores), axis=0)))


def aggregate_median(scores: ArrayLike) -> float:
    """Median over tasks of the per-task mean score (rliable's definition)."""
    return float(np.median(np.mean(_scores(scores), axis=0)))


def aggregate_iqm(scores: ArrayLike) -> float:
    """Interquartile mean of all runs and tasks pooled (25 % trimmed mean)."""
    return float(stats.trim_mean(_scores(scores), 0.25, axis=None))


def optimality_gap(scores: ArrayLike, gamma: float = 1.0) -> float:
    """gamma - mean(min(score, gamma)) over all runs and tasks."""
    return float(gamma - np.mean(np.minimum(_scores(scores), gamma)))


# vectorised over leading resample axes: arrays of shape (..., runs, tasks)
_VECTORISED: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "mean": lambda a: a.mean(axis=-2).mean(axis=-1),
    "median": lambda a: np.median(a.mean(axis=-2), axis=-1),
    "iqm": lambda a: stats.trim_mean(a.reshape(*a.shape[:-2], -1), 0.25, axis=-1),
    "optimality_gap": lambda a: 1.0 - np.minimum(a, 1.0).mean(axis=(-2, -1)),
}
_POINT: dict[str, Callable[[np.ndarray], float]] = {
    "mean": aggregate_mean, "median": aggregate_median, "iqm": aggregate_iqm,
    "optimality_gap": optimality_gap,
}


def _check(level: float, n_resamples: int) -> None:
    if not 0 < level < 1:
        raise InvalidParameterError("0 < level < 1", f"level={level}")
    if n_resamples < 100:
        raise InvalidParameterError("n_resamples >= 100", f"n_resamples={n_resamples}")


def _stratified(array: np.ndarray, n_resamples: int, rng: np.random.Generator,
                chunk: int = 500) -> list[np.ndarray]:
    """Resamples (chunked) of runs with replacement within each task."""
    runs, tasks = array.shape
    out = []
    for start in range(0, n_resamples, chunk):
        size = min(chunk, n_resamples - start)
        index = rng.integers(0, runs, size=(size, runs, tasks))
        out.append(np.take_along_axis(np.broadcast_to(array, (size, runs, tasks)), index, 1))
    return out


@dataclass(frozen=True)
class AggregateEstimate:
    method: str
    metric: str
    point: float
    ci_low: float
    ci_high: float
    level: float
    n_resamples: int


def aggregate_estimates(scores: Mapping[str, ArrayLike],
                        metrics: Sequence[str] = ("iqm", "mean", "median", "optimality_gap"),
                        level: float = 0.95, n_resamples: int = 2000, seed: int = 0
                        ) -> tuple[AggregateEstimate, ...]:
    """Point estimates and stratified-bootstrap percentile intervals, per method and metric."""
    _check(level, n_resamples)
    unknown = [m for m in metrics if m not in _VECTORISED]
    if unknown:
        raise InvalidParameterError(f"metrics are among {sorted(_VECTORISED)}", f"{unknown}")
    rng = np.random.default_rng(seed)
    out = []
    for name, value in scores.items():
        array = _scores(value, f"scores[{name!r}]")
        chunks = _stratified(array, n_resamples, rng)
        for metric in metrics:
            boot = np.concatenate([_VECTORISED[metric](c) for c in chunks])
            low, high = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)])
            out.append(AggregateEstimate(name, metric, _POINT[metric](array), float(low),
                                         float(high), level, n_resamples))
    return tuple(out)


def probability_of_improvement(x: ArrayLike, y: ArrayLike) -> float:
    """P(X > Y) + P(X = Y)/2 per task (Mann-Whitney U / (n m)), averaged over tasks."""
    xs = _scores(x, "x")
    ys = _scores(y, "y")
    if xs.shape[1] != ys.shape[1]:
        raise InvalidParameterError("x and y have the same tasks",
                                    f"{xs.shape[1]} != {ys.shape[1]} tasks")
    greater = xs[:, None, :] > ys[None, :, :]
    equal = xs[:, None, :] == ys[None, :, :]
    return float(np.mean(np.mean(greater + 0.5 * equal, axis=(0, 1))))


@dataclass(frozen=True)
class PerformanceProfile:
    """Fraction of runs (``kind="run"``) or of task means (``"mean"``) scoring above tau."""

    method: str
    kind: str
    taus: np.ndarray
    fraction: np.ndarray
    ci_low: np.ndarray
    ci_high: np.ndarray
    level: float


def _profile(array: np.ndarray, taus: np.ndarray, kind: str) -> np.ndarray:
    if kind == "run":
        flat = array.reshape(*array.shape[:-2], -1)
        return (flat[..., None, :] > taus[:, None]).mean(axis=-1)
    means = array.mean(axis=-2)
    return (means[..., None, :] > taus[:, None]).mean(axis=-1)


def performance_profile(scores: Mapping[str, ArrayLike], taus: ArrayLike,
                        kind: Literal["run", "mean"] = "run", level: float = 0.95,
                        n_resamples: int = 2000, seed: int = 0
                        ) -> tuple[PerformanceProfile, ...]:
    """rliable's performance profile (score distribution) with stratified bootstrap bands."""
    if kind not in ("run", "mean"):
        raise InvalidParameterError("kind is 'run' or 'mean'", repr(kind))
    _check(level, n_resamples)
    grid = np.asarray(taus, dtype=float).ravel()
    if len(grid) == 0 or not np.all(np.isfinite(grid)):
        raise InvalidParameterError("taus is a non-empty finite grid", f"{grid}")
    rng = np.random.default_rng(seed)
    out = []
    for name, value in scores.items():
        array = _scores(value, f"scores[{name!r}]")
        boot = np.concatenate([_profile(c, grid, kind) for c in
                               _stratified(array, n_resamples, rng)])
        low, high = np.percentile(boot, [50 * (1 - level), 50 * (1 + level)], axis=0)
        out.append(PerformanceProfile(name, kind, grid, _profile(array, grid, kind), low, high,
                                      level))
    return tuple(out)


@dataclass(frozen=True)
class DolanMoreProfile:
    methods: tuple[str, ...]
    taus: np.ndarray
    rho: np.ndarray  # (method, tau)


def dolan_more_profile(costs: pd.DataFrame | ArrayLike, taus: ArrayLike,
                       methods: Sequence[str] | None = None) -> DolanMoreProfile:
    """Dolan-More profile of a (problem x method) cost matrix, lower is better.

    A failure is ``inf`` (never within any ratio); every problem needs one finite cost.
    """
    if isinstance(costs, pd.DataFrame):
        names = tuple(str(c) for c in costs.columns)
        matrix = costs.to_numpy(dtype=float)
    else:
        matrix = np.asarray(costs, dtype=float)
        names = tuple(methods) if methods is not None else tuple(
            f"m{i}" for i in range(matrix.shape[1] if matrix.ndim == 2 else 0))
    if matrix.ndim != 2 or len(names) != matrix.shape[1]:
        raise InvalidParameterError("costs is (problem x method) with one name per method",
                                    f"shape {matrix.shape}, {len(names)} names")
    if np.any(np.isnan(matrix)) or np.any(matrix <= 0):
        raise InvalidParameterError("costs are > 0 (inf for a failure)", "a NaN or <= 0 cost")
    best = matrix.min(axis=1)
    if not np.all(np.isfinite(best)):
        raise InvalidParameterError("every problem is solved by some method",
                                    "a row of inf costs")
    grid = np.asarray(taus, dtype=float).ravel()
    if len(grid) == 0 or np.any(grid < 1):
        raise InvalidParameterError("taus >= 1", f"{grid}")
    ratio = matrix / best[:, None]
    rho = (ratio[:, :, None] <= grid[None, None, :]).mean(axis=0)
    return DolanMoreProfile(names, grid, rho)
