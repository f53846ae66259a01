"""Statistical tests the bound checks use, as pure functions returning typed records.

* ``mean_test``: one-sample Student t-test of a mean against a threshold (scipy);
* ``binomial_test``: exact binomial test of a success probability (scipy);
* ``loglog_fit``: OLS of log y on log x (statsmodels) with a confidence interval for the
  slope and the one-sided p-value of "slope > hypothesised slope";
* ``constant_fit``: least squares of y = c g(x) through the origin, with its interval;
* ``holm``: Holm's step-down correction of a family of p-values (statsmodels).

Arrays are one-dimensional: one entry per independent run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import statsmodels.api as sm
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.stats.multitest import multipletests

from analysis.validation import sample_vector
from theory.errors import InvalidParameterError

__all__ = ["BinomialTest", "ConstantFit", "MeanTest", "ScalingFit", "binomial_test",
           "constant_fit", "holm", "loglog_fit", "mean_test"]


@dataclass(frozen=True)
class MeanTest:
    test: str
    n: int
    mean: float
    ci_low: float
    ci_high: float
    threshold: float
    alternative: str
    statistic: float
    p_value: float
    level: float


def mean_test(samples: ArrayLike, threshold: float,
              alternative: Literal["greater", "less", "two-sided"] = "greater",
              level: float = 0.95) -> MeanTest:
    """Student's one-sample t-test of ``mean(samples)`` against ``threshold``.

    ``alternative="greater"`` tests H1: mean > threshold (the check of an upper bound in
    expectation: a small p-value is evidence of a violation). The interval is the two-sided
    ``level`` t-interval of the mean. A sample with zero spread is handled exactly: its
    p-value is 0 or 1 according to the side the constant lies on.
    """
    x = sample_vector(samples, "samples", 2)
    mean = float(x.mean())
    sem = float(stats.sem(x))
    if sem == 0.0:
        above = mean > threshold
        below = mean < threshold
        p = {"greater": 0.0 if above else 1.0, "less": 0.0 if below else 1.0,
             "two-sided": 0.0 if (above or below) else 1.0}[alternative]
        stat = float("inf") if above else (float("-inf") if below else 0.0)
        return MeanTest("one-sample t-test", len(x), mean, mean, mean, threshold, alternative,
                        stat, p, level)
    result = stats.ttest_1samp(x, threshold, alternative=alternative)
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1)) * sem
    return MeanTest("one-sample t-test", len(x), mean, mean - half, mean + half, threshold,
                    alternative, float(result.statistic), float(result.pvalue), level)


@dataclass(frozen=True)
class BinomialTest:
    test: str
    successes: int
    trials: int
    p0: float
    alternative: str
    p_value: float
    ci_low: float
    ci_high: float


def binomial_test(successes: int, trials: int, p0: float,
                  alternative: Literal["greater", "less", "two-sided"] = "greater",
                  level: float = 0.95) -> BinomialTest:
    """Exact binomial test of H0: p = p0 (scipy.stats.binomtest), Clopper-Pearson interval."""
    if trials < 1 or not 0 <= successes <= trials:
        raise InvalidParameterError("0 <= successes <= trials, trials >= 1",
                                    f"successes={successes}, trials={trials}")
    result = stats.binomtest(successes, trials, p0, alternative=alternative)
    interval = result.proportion_ci(confidence_level=level, method="exact")
    return BinomialTest("exact binomial test", successes, trials, p0, alternative,
                        float(result.pvalue), float(interval.low), float(interval.high))


@dataclass(frozen=True)
class ScalingFit:
    n: int
    slope: float
    intercept: float
    slope_ci_low: float
    slope_ci_high: float
    hypothesised_slope: float
    p_greater: float
    r_squared: float
    level: float


def loglog_fit(x: ArrayLike, y: ArrayLike, hypothesised_slope: float = 1.0,
               level: float = 0.95) -> ScalingFit:
    """OLS of log(y) on log(x): y ~ exp(intercept) x^slope.

    ``p_greater`` is the one-sided p-value of H1: slope > ``hypothesised_slope`` from the
    slope's t statistic with n - 2 degrees of freedom.
    """
    xs = sample_vector(x, "x", 3)
    ys = sample_vector(y, "y", 3)
    if len(xs) != len(ys):
        raise InvalidParameterError("len(x) == len(y)", f"{len(xs)} != {len(ys)}")
    if np.any(xs <= 0) or np.any(ys <= 0):
        raise InvalidParameterError("x > 0 and y > 0 for a log-log fit", "a non-positive entry")
    if np.ptp(np.log(xs)) == 0:
        raise InvalidParameterError("x takes at least two distinct values", f"x={xs[0]}")
    design = sm.add_constant(np.log(xs))
    with np.errstate(divide="ignore", invalid="ignore"):  # constant y: R^2 is undefined
        model = sm.OLS(np.log(ys), design).fit()
        r_squared = float(model.rsquared)
    slope = float(model.params[1])
    se = float(model.bse[1])
    low, high = (float(v) for v in model.conf_int(alpha=1 - level)[1])
    if se == 0.0:
        p = 0.0 if slope > hypothesised_slope else 1.0
    else:
        t = (slope - hypothesised_slope) / se
        p = float(stats.t.sf(t, model.df_resid))
    return ScalingFit(len(xs), slope, float(model.params[0]), low, high, hypothesised_slope,
                      p, r_squared, level)


@dataclass(frozen=True)
class ConstantFit:
    n: int
    constant: float
    ci_low: float
    ci_high: float
    level: float


def constant_fit(g: ArrayLike, y: ArrayLike, level: float = 0.95) -> ConstantFit:
    """Least squares of y = c g through the origin (statsmodels OLS without intercept)."""
    gs = sample_vector(g, "g", 2)
    ys = sample_vector(y, "y", 2)
    if len(gs) != len(ys):
        raise InvalidParameterError("len(g) == len(y)", f"{len(gs)} != {len(ys)}")
    model = sm.OLS(ys, gs[:, None]).fit()
    low, high = (float(v) for v in model.conf_int(alpha=1 - level)[0])
    return ConstantFit(len(gs), float(model.params[0]), low, high, level)


def holm(p_values: ArrayLike, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Holm-adjusted p-values and the rejection mask at family-wise level ``alpha``."""
    p = np.asarray(p_values, dtype=float).ravel()
    if len(p) == 0:
        return p, np.zeros(0, dtype=bool)
    reject, adjusted, _, _ = multipletests(p, alpha=alpha, method="holm")
    return adjusted, reject
