"""Effect sizes and bootstrap confidence intervals, as pure seeded functions.

* ``mean_interval``: the Student-t interval of a mean, kept inside the metric's range
  (``analysis.metrics.Metric.clip``; clipping never loses coverage): the one interval of a
  mean every report and table shows (exact under normality at any n >= 2; a bootstrap
  interval of the mean covers 78 % instead of 95 % at n = 4 and is [min, max] at n = 2);
* ``bootstrap_ci``: a confidence interval of the mean, median, IQM or any statistic of
  one sample by ``scipy.stats.bootstrap`` (BCa by default; percentile or basic on request),
  refused below ``BOOTSTRAP_MIN_N`` values;
* ``vargha_delaney_a12``: A12 = P(X > Y) + P(X = Y)/2 (Vargha & Delaney 2000, J. Educ.
  Behav. Stat. 25(2):101-132), = U/(n m) with U the Mann-Whitney statistic of x, with a
  score interval that never collapses to a point (see ``a12_score_interval``);
  ``a12_better`` orients it by the metric: P(X better than Y) + P(tie)/2;
* ``cliffs_delta``: delta = P(X > Y) - P(X < Y) = 2 A12 - 1 (Cliff 1993, Psychol. Bull.
  114(3):494-509);
* ``iqm``: the interquartile mean, the 25 % trimmed mean (``scipy.stats.trim_mean``) that
  rliable reports (Agarwal et al., NeurIPS 2021).

Samples are 1-D arrays (one entry per seed), e.g. ``analysis.comparison.sample`` of a runs
frame. Every bootstrap interval takes a ``seed``; the same seed gives the same interval.
When the requested bootstrap method degenerates (a sample with no spread, complete
separation), the percentile interval is used, and a sample with zero spread gets the
point interval.
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

from analysis.metrics import Metric
from analysis.validation import sample_vector
from theory.errors import InvalidParameterError

__all__ = ["A12_THRESHOLDS", "BOOTSTRAP_MIN_N", "CLIFF_THRESHOLDS", "EffectSize", "Estimate",
           "a12_better", "a12_score_interval", "bootstrap_ci", "cliffs_delta", "iqm",
           "magnitude", "mean_interval", "vargha_delaney_a12"]

#: the smallest sample a bootstrap interval is computed for (below it the resampling
#: distribution has too few distinct values; the coverage simulation of the tests measures
#: BCa at n = 20)
BOOTSTRAP_MIN_N = 20

#: |A12 - 0.5| thresholds of small / medium / large: Vargha & Delaney (2000), p. 106
#: (A = 0.56, 0.64, 0.71, matching Cohen's d = 0.2, 0.5, 0.8 under normality).
A12_THRESHOLDS = (0.06, 0.14, 0.21)
#: |delta| thresholds of small / medium / large: Romano et al. (2006), "Appropriate
#: statistics for ordinal level data", Annual meeting of the Florida Association of
#: Institutional Research (0.147, 0.33, 0.474).
CLIFF_THRESHOLDS = (0.147, 0.33, 0.474)

BootstrapMethod = Literal["BCa", "percentile", "basic"]
EffectMethod = Literal["score", "BCa", "percentile", "basic"]
_STATISTICS: dict[str, Callable[..., Any]] = {
    "mean": lambda x, axis: np.mean(x, axis=axis),
    "median": lambda x, axis: np.median(x, axis=axis),
    "iqm": lambda x, axis: stats.trim_mean(x, 0.25, axis=axis),
}


def _check_bootstrap(level: float, n_resamples: int, method: str) -> None:
    if not 0 < level < 1:
        raise InvalidParameterError("0 < level < 1", f"level={level}")
    if n_resamples < 100:
        raise InvalidParameterError("n_resamples >= 100", f"n_resamples={n_resamples}")
    if method not in ("BCa", "percentile", "basic"):
        raise InvalidParameterError("method is 'BCa', 'percentile' or 'basic'", repr(method))


def iqm(values: ArrayLike) -> float:
    """Interquartile mean: drop floor(n/4) values at each end and average the rest."""
    return float(stats.trim_mean(sample_vector(values, "values", 1), 0.25))


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


def mean_interval(values: ArrayLike, level: float = 0.95, metric: Metric | None = None
                  ) -> Estimate:
    """The two-sided Student-t interval of the mean (t_{n-1} quantile times the standard
    error), clipped to ``metric``'s range; NaN bounds for one value; the point for a
    sample without spread (``method`` says which)."""
    x = sample_vector(values, "values", 1)
    if not 0 < level < 1:
        raise InvalidParameterError("0 < level < 1", f"level={level}")
    point = float(x.mean())
    if len(x) == 1:
        return Estimate("mean", 1, point, math.nan, math.nan, level, "none (n = 1)", 0)
    if np.ptp(x) == 0:
        return Estimate("mean", len(x), point, point, point, level, "constant", 0)
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * stats.sem(x))
    low, high, how = point - half, point + half, "t"
    if metric is not None:
        clipped = metric.clip(low, high)
        if clipped != (low, high):
            how = f"t, clipped to [{metric.low:g}, {metric.high:g}]"
        low, high = clipped
    return Estimate("mean", len(x), point, low, high, level, how, 0)


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
    x = sample_vector(values, "values", 2)
    _check_bootstrap(level, n_resamples, method)
    if len(x) < BOOTSTRAP_MIN_N:
        raise InvalidParameterError(
            f"a bootstrap interval has n >= {BOOTSTRAP_MIN_N} values (use mean_interval)",
            f"n={len(x)}", "a bootstrap of a mean covers 78 % instead of 95 % at n = 4")
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


def a12_score_interval(a12: float, n_x: int, n_y: int, level: float = 0.95
                       ) -> tuple[float, float]:
    """A score interval of A12 that never collapses: the A in [0, 1] with
    (A12 - A)^2 <= z^2 V(A), V the Hanley-McNeil (1982) variance of U/(nm) written as a
    function of A with Newcombe's substitution N* = (n + m)/2 for both sample sizes:
    V(A) = A(1-A) [1 + (N* - 1)((1-A)/(2-A) + A/(1+A))] / (n m) (Newcombe 2006,
    "Confidence intervals for an effect size measure based on the Mann-Whitney statistic.
    Part 2: asymptotic methods and evaluation", Stat. Med. 25:559-573, method 5), inverted
    as a score interval (like Wilson's for a proportion): at complete separation (A12 = 0
    or 1) or n = 1 it still has width. Its coverage at the project's sample sizes is
    measured by the tests' simulation."""
    if not 0 <= a12 <= 1 or n_x < 1 or n_y < 1 or not 0 < level < 1:
        raise InvalidParameterError("0 <= a12 <= 1, n_x, n_y >= 1, 0 < level < 1",
                                    f"a12={a12}, n_x={n_x}, n_y={n_y}, level={level}")
    z2 = float(stats.norm.ppf(0.5 + level / 2)) ** 2
    star = (n_x + n_y) / 2.0

    def gap(a: float) -> float:
        variance = a * (1 - a) * (1 + (star - 1) * ((1 - a) / (2 - a) + a / (1 + a)))
        return (a12 - a) ** 2 - z2 * variance / (n_x * n_y)

    from scipy.optimize import brentq

    inside = min(max(a12, 1e-12), 1 - 1e-12)  # gap < 0 here: the estimate is inside
    low = 0.0 if gap(0.0) <= 0 else float(brentq(gap, 0.0, inside, xtol=1e-12))
    high = 1.0 if gap(1.0) <= 0 else float(brentq(gap, inside, 1.0, xtol=1e-12))
    return low, high


def _effect(name: Literal["A12", "cliffs_delta"], func: Callable[..., np.ndarray],
            x: ArrayLike, y: ArrayLike, level: float, n_resamples: int, seed: int,
            method: EffectMethod) -> EffectSize:
    xs = sample_vector(x, "x", 1, diverged=method == "score")
    ys = sample_vector(y, "y", 1, diverged=method == "score")
    if method == "score":
        if not 0 < level < 1:
            raise InvalidParameterError("0 < level < 1", f"level={level}")
        point = float(func(xs, ys))
        a = float(_a12(xs, ys))
        low, high = a12_score_interval(a, len(xs), len(ys), level)
        if name == "cliffs_delta":
            low, high = 2 * low - 1, 2 * high - 1
        return EffectSize(name, len(xs), len(ys), point, low, high, level,
                          magnitude(name, point), "score (Newcombe 2006)")
    _check_bootstrap(level, n_resamples, method)
    point = float(func(xs, ys))
    if min(len(xs), len(ys)) < BOOTSTRAP_MIN_N:
        raise InvalidParameterError(
            f"a bootstrap interval of an effect has n >= {BOOTSTRAP_MIN_N} per sample "
            "(use method='score')", f"n_x={len(xs)}, n_y={len(ys)}",
            "a bootstrap interval collapses to a point under separation")
    if np.ptp(np.concatenate([xs, ys])) == 0:
        low, high, how = point, point, "none"
    else:
        low, high, how = _interval((xs, ys), func, level, n_resamples, seed, method)
    return EffectSize(name, len(xs), len(ys), point, low, high, level,
                      magnitude(name, point), how)


def vargha_delaney_a12(x: ArrayLike, y: ArrayLike, level: float = 0.95,
                       n_resamples: int = 9999, seed: int = 0,
                       method: EffectMethod = "score") -> EffectSize:
    """A12 = P(X > Y) + P(X = Y)/2 with its score interval (``method="score"``,
    :func:`a12_score_interval`) or a bootstrap interval (x and y resampled apart; refused
    below ``BOOTSTRAP_MIN_N`` per sample).

    0.5: no effect; with a measurement where lower is better, A12 < 0.5 favours x: use
    :func:`a12_better` to read it as "x better".
    """
    return _effect("A12", _a12, x, y, level, n_resamples, seed, method)


def a12_better(x: ArrayLike, y: ArrayLike, metric: Metric, level: float = 0.95
               ) -> EffectSize:
    """P(X better than Y) + P(tie)/2 by ``metric``'s direction (A12 of the values signed so
    that larger is better), with the score interval; > 0.5 favours x."""
    return _effect("A12", _a12, metric.orient(sample_vector(x, "x", 1, diverged=True)),
                   metric.orient(sample_vector(y, "y", 1, diverged=True)), level, 0, 0, "score")


def cliffs_delta(x: ArrayLike, y: ArrayLike, level: float = 0.95, n_resamples: int = 9999,
                 seed: int = 0, method: EffectMethod = "score") -> EffectSize:
    """Cliff's delta = P(X > Y) - P(X < Y) = 2 A12 - 1 in [-1, 1], with the score interval
    of A12 mapped through 2A - 1, or a bootstrap interval."""
    return _effect("cliffs_delta", _delta, x, y, level, n_resamples, seed, method)
