"""Effect sizes and bootstrap confidence intervals, as pure seeded functions.

* ``bootstrap_ci``: a confidence interval of the mean, median, IQM or any statistic of
  one sample by ``scipy.stats.bootstrap`` (BCa by default; percentile or basic on request);
* ``vargha_delaney_a12``: A12 = P(X > Y) + P(X = Y)/2 (Vargha & Delaney 2000, J. Educ.
  Behav. Stat. 25(2):101-132), = U/(n m) with U the Mann-Whitney statistic of x;
* ``cliffs_delta``: delta = P(X > Y) - P(X < Y) = 2 A12 - 1 (Cliff 1993, Psychol. Bull.
  114(3):494-509);
* ``iqm``: the interquartile mean, the 25 % trimmed mean (``scipy.stats.trim_mean``) that
  rliable reports (Agarwal et al., NeurIPS 2021).

Samples are 1-D arrays (one entry per seed), e.g. ``analysis.comparison.sample`` of a runs
frame. Every interval takes a ``seed``; the same seed gives the same interval. When the
requested bootstrap method degenerates (a sample with no spread, complete separation),
the percentile interval is used, and a sample with zero spread gets the point interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats

from theory.errors import InvalidParameterError

__all__ = ["A12_THRESHOLDS", "CLIFF_THRESHOLDS", "EffectSize", "Estimate", "bootstrap_ci",
           "cliffs_delta", "iqm", "magnitude", "vargha_delaney_a12"]

#: |A12 - 0.5| thresholds of small / medium / large: Vargha & Delaney (2000), p. 106
#: (A = 0.56, 0.64, 0.71, matching Cohen's d = 0.2, 0.5, 0.8 under normality).
A12_THRESHOLDS = (0.06, 0.14, 0.21)
#: |delta| thresholds of small / medium / large: Romano et al. (2006), "Appropriate
#: statistics for ordinal level data", Annual meeting of the Florida Association of
#: Institutional Research (0.147, 0.33, 0.474).
CLIFF_THRESHOLDS = (0.147, 0.33, 0.474)

BootstrapMethod = Literal["BCa", "percentile", "basic"]
_STATISTICS: dict[str, Callable[..., Any]] = {
    "mean": lambda x, axis: np.mean(x, axis=axis),
    "median": lambda x, axis: np.median(x, axis=axis),
    "iqm": lambda x, axis: stats.trim_mean(x, 0.25, axis=axis),
}


def _vector(values: ArrayLike, name: str, minimum: int = 2) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if len(array) < minimum:
        raise InvalidParameterError(f"len({name}) >= {minimum}", f"len({name})={len(array)}")
    if not np.all(np.isfinite(array)):
        raise InvalidParameterError(f"every entry of {name} is finite", "a NaN or inf entry")
    return array


def _check_bootstrap(level: float, n_resamples: int, method: str) -> None:
    if not 0 < level < 1:
        raise InvalidParameterError("0 < level < 1", f"level={level}")
    if n_resamples < 100:
        raise InvalidParameterError("n_resamples >= 100", f"n_resamples={n_resamples}")
    if method not in ("BCa", "percentile", "basic"):
        raise InvalidParameterError("method is 'BCa', 'percentile' or 'basic'", repr(method))


def iqm(values: ArrayLike) -> float:
    """Interquartile mean: drop floor(n/4) values at each end and average the rest."""
    return float(stats.trim_mean(_vector(values, "values", 1), 0.25))


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a bootstrap interval."""

    statistic: str
    n: int
    point: float
    ci_low: float
    ci_high: float
    level: float
    method: str
    n_resamples: int


def _interval(data: tuple[np.ndarray, ...], statistic: Callable[..., np.ndarray],
              level: float, n_resamples: int, seed: int, method: str
              ) -> tuple[float, float, str]:
    """scipy's bootstrap interval, falling back to percentile when the method degenerates."""
    for how in dict.fromkeys((method, "percentile")):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # scipy warns of a degenerate BCa interval
            result = stats.bootstrap(data, statistic, n_resamples=n_resamples,
                                     confidence_level=level, method=how, vectorized=True,
                                     paired=False, batch=500, rng=np.random.default_rng(seed))
        low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
        if math.isfinite(low) and math.isfinite(high):
            return low, high, how
    return math.nan, math.nan, method


def bootstrap_ci(values: ArrayLike, statistic: str | Callable[..., np.ndarray] = "mean",
                 level: float = 0.95, n_resamples: int = 9999, seed: int = 0,
                 method: BootstrapMethod = "BCa") -> Estimate:
    """Bootstrap interval of a statistic of one sample (``scipy.stats.bootstrap``).

    ``statistic`` is "mean", "median", "iqm" or a vectorised callable ``f(x, axis)``.
    """
    x = _vector(values, "values")
    _check_bootstrap(level, n_resamples, method)
    if isinstance(statistic, str):
        if statistic not in _STATISTICS:
            raise InvalidParameterError(f"statistic is one of {sorted(_STATISTICS)} or a "
                                        "callable", repr(statistic))
        name, func = statistic, _STATISTICS[statistic]
    else:
        name, func = getattr(statistic, "__name__", "statistic"), statistic
    point = float(func(x, axis=-1))
    if np.ptp(x) == 0:
        return Estimate(name, len(x), point, point, point, level, "constant", 0)
    low, high, how = _interval((x,), func, level, n_resamples, seed, method)
    return Estimate(name, len(x), point, low, high, level, how, n_resamples)


@dataclass(frozen=True)
class EffectSize:
    """An effect size of x against y with its bootstrap interval and magnitude label."""

    name: str
    n_x: int
    n_y: int
    estimate: float
    ci_low: float
    ci_high: float
    level: float
    magnitude: str
    method: str


def _a12(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    xs = np.moveaxis(x, axis, -1)[..., :, None]
    ys = np.moveaxis(y, axis, -1)[..., None, :]
    return np.mean((xs > ys) + 0.5 * (xs == ys), axis=(-2, -1))


def _delta(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return 2.0 * _a12(x, y, axis) - 1.0


def magnitude(name: Literal["A12", "cliffs_delta"], value: float) -> str:
    """negligible / small / medium / large after Vargha & Delaney (2000) for A12 and
    Romano et al. (2006) for Cliff's delta."""
    if name == "A12":
        size, cuts = abs(value - 0.5), A12_THRESHOLDS
    elif name == "cliffs_delta":
        size, cuts = abs(value), CLIFF_THRESHOLDS
    else:
        raise InvalidParameterError("name is 'A12' or 'cliffs_delta'", repr(name))
    labels = ("negligible", "small", "medium", "large")
    return labels[sum(size >= c for c in cuts)]


def _effect(name: Literal["A12", "cliffs_delta"], func: Callable[..., np.ndarray],
            x: ArrayLike, y: ArrayLike, level: float, n_resamples: int, seed: int,
            method: BootstrapMethod) -> EffectSize:
    xs = _vector(x, "x", 1)
    ys = _vector(y, "y", 1)
    _check_bootstrap(level, n_resamples, method)
    point = float(func(xs, ys))
    if len(xs) < 2 or len(ys) < 2 or np.ptp(np.concatenate([xs, ys])) == 0:
        low, high, how = point, point, "none"
    else:
        low, high, how = _interval((xs, ys), func, level, n_resamples, seed, method)
    return EffectSize(name, len(xs), len(ys), point, low, high, level,
                      magnitude(name, point), how)


def vargha_delaney_a12(x: ArrayLike, y: ArrayLike, level: float = 0.95,
                       n_resamples: int = 9999, seed: int = 0,
                       method: BootstrapMethod = "BCa") -> EffectSize:
    """A12 = P(X > Y) + P(X = Y)/2 with a bootstrap interval (x and y resampled apart).

    0.5: no effect; with a measurement where lower is better, A12 < 0.5 favours x.
    """
    return _effect("A12", _a12, x, y, level, n_resamples, seed, method)


def cliffs_delta(x: ArrayLike, y: ArrayLike, level: float = 0.95, n_resamples: int = 9999,
                 seed: int = 0, method: BootstrapMethod = "BCa") -> EffectSize:
    """Cliff's delta = P(X > Y) - P(X < Y) in [-1, 1] with a bootstrap interval."""
    return _effect("cliffs_delta", _delta, x, y, level, n_resamples, seed, method)
