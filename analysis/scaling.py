"""Empirical complexity against the theory's order, and power analysis for seed counts.

* ``compare_scaling``: fits log y = a + b log n (``analysis.stats.loglog_fit``) and tests
  y against a theory order g(n) = n^e (ln n)^l: the slope of log(y / g(n)) on log n is 0
  when the order is right; its interval and two-sided p-value say whether the data agree,
  and the one-sided p-value whether the cost grows faster than the order.
* ``cohens_d``: the standardised difference of pilot data (pooled sd; paired: sd of the
  differences), the effect size that power analysis takes.
* ``seeds_needed`` / ``achieved_power``: how many seeds (per method) a claimed
  standardised difference needs for a t-test (statsmodels ``TTestIndPower`` for two
  independent samples, ``TTestPower`` for paired differences). For the rank tests
  (Mann-Whitney U, Wilcoxon signed-rank) the t-test count is divided by their asymptotic
  relative efficiency 3/pi against the t-test under normal data (Hodges & Lehmann 1956,
  Ann. Math. Stat. 27:324-335) -- the ARE correction, not a simulation;
  ``simulated_rank_power`` checks it by a seeded simulation of normal data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import stats
from statsmodels.stats.power import TTestIndPower, TTestPower

from analysis.stats import ScalingFit, loglog_fit
from theory.errors import InvalidParameterError

__all__ = ["RANK_ARE", "PowerAnalysis", "ScalingComparison", "achieved_power", "cohens_d",
           "compare_scaling", "seeds_needed", "simulated_rank_power"]

#: asymptotic relative efficiency of the Wilcoxon/Mann-Whitney tests to the t-test under
#: normality (Hodges & Lehmann 1956)
RANK_ARE = 3.0 / math.pi

Design = Literal["two-sample", "paired"]
TestKind = Literal["t", "rank"]
Alternative = Literal["two-sided", "larger", "smaller"]


@dataclass(frozen=True)
class ScalingComparison:
    """log-log fit of y on n and the comparison of y with the order n^e (ln n)^l."""

    fit: ScalingFit
    theory_exponent: float
    log_power: float
    excess_slope: float
    excess_ci_low: float
    excess_ci_high: float
    p_faster: float
    p_two_sided: float
    consistent: bool
    level: float


def compare_scaling(sizes: ArrayLike, values: ArrayLike, exponent: float,
                    log_power: float = 0.0, level: float = 0.95) -> ScalingComparison:
    """Is y of order n^exponent (ln n)^log_power? (sizes > 1 when log_power != 0)."""
    n = np.asarray(sizes, dtype=float).ravel()
    y = np.asarray(values, dtype=float).ravel()
    if not 0 < level < 1:
        raise InvalidParameterError("0 < level < 1", f"level={level}")
    if log_power != 0 and np.any(n <= 1):
        raise InvalidParameterError("sizes > 1 when the order has a log factor",
                                    f"min size {n.min() if len(n) else None}")
    fit = loglog_fit(n, y, hypothesised_slope=exponent, level=level)
    order = n**exponent * np.log(n) ** log_power if log_power else n**exponent
    excess = loglog_fit(n, y / order, hypothesised_slope=0.0, level=level)
    t_crit = float(stats.t.ppf(0.5 + level / 2, len(n) - 2))
    se = (excess.slope_ci_high - excess.slope_ci_low) / (2 * t_crit)
    if se == 0:
        p_two = 0.0 if excess.slope != 0 else 1.0
    else:
        p_two = float(2 * stats.t.sf(abs(excess.slope) / se, len(n) - 2))
    consistent = excess.slope_ci_low <= 0.0 <= excess.slope_ci_high
    return ScalingComparison(fit, exponent, log_power, excess.slope, excess.slope_ci_low,
                             excess.slope_ci_high, excess.p_greater, p_two, consistent, level)


def cohens_d(x: ArrayLike, y: ArrayLike, paired: bool = False) -> float:
    """(mean x - mean y) / s: pooled sd (two samples) or sd of x - y (paired)."""
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    if len(xs) < 2 or len(ys) < 2 or not np.all(np.isfinite(np.r_[xs, ys])):
        raise InvalidParameterError("two finite samples of >= 2 values",
                                    f"len(x)={len(xs)}, len(y)={len(ys)}")
    if paired:
        if len(xs) != len(ys):
            raise InvalidParameterError("paired samples have equal length",
                                        f"{len(xs)} != {len(ys)}")
        d = xs - ys
        sd = float(np.std(d, ddof=1))
        mean = float(d.mean())
    else:
        pooled = ((len(xs) - 1) * np.var(xs, ddof=1) + (len(ys) - 1) * np.var(ys, ddof=1)) / (
            len(xs) + len(ys) - 2)
        sd = float(math.sqrt(pooled))
        mean = float(xs.mean() - ys.mean())
    if sd == 0:
        raise InvalidParameterError("the samples have spread (sd > 0)", "sd = 0")
    return mean / sd


@dataclass(frozen=True)
class PowerAnalysis:
    """Seeds per method for a standardised effect at level alpha and a target power."""

    test: str
    design: str
    effect_size: float
    alpha: float
    power: float
    alternative: str
    n_exact: float
    n: int
    are: float


def _check_power(effect_size: float, alpha: float, design: str, test: str,
                 alternative: str) -> None:
    if not math.isfinite(effect_size) or effect_size == 0:
        raise InvalidParameterError("effect_size is finite and non-zero",
                                    f"effect_size={effect_size}")
    if not 0 < alpha < 1:
        raise InvalidParameterError("0 < alpha < 1", f"alpha={alpha}")
    if design not in ("two-sample", "paired"):
        raise InvalidParameterError("design is 'two-sample' or 'paired'", repr(design))
    if test not in ("t", "rank"):
        raise InvalidParameterError("test is 't' or 'rank'", repr(test))
    if alternative not in ("two-sided", "larger", "smaller"):
        raise InvalidParameterError("alternative is 'two-sided', 'larger' or 'smaller'",
                                    repr(alternative))


def seeds_needed(effect_size: float, alpha: float = 0.05, power: float = 0.8,
                 design: Design = "two-sample", test: TestKind = "t",
                 alternative: Alternative = "two-sided") -> PowerAnalysis:
    """Seeds per method (``two-sample``) or pairs (``paired``) to detect ``effect_size``
    (Cohen's d) with the given power; ``test="rank"`` divides by the ARE 3/pi."""
    _check_power(effect_size, alpha, design, test, alternative)
    if not 0 < power < 1:
        raise InvalidParameterError("0 < power < 1", f"power={power}")
    solver = TTestIndPower() if design == "two-sample" else TTestPower()
    n_t = float(solver.solve_power(effect_size=abs(effect_size), alpha=alpha, power=power,
                                   alternative=alternative if alternative == "two-sided"
                                   else "larger"))
    are = RANK_ARE if test == "rank" else 1.0
    n_exact = n_t / are
    name = {("t", "two-sample"): "two-sample t-test", ("t", "paired"): "paired t-test",
            ("rank", "two-sample"): "Mann-Whitney U (ARE 3/pi)",
            ("rank", "paired"): "Wilcoxon signed-rank (ARE 3/pi)"}[(test, design)]
    return PowerAnalysis(name, design, effect_size, alpha, power, alternative, n_exact,
                         math.ceil(n_exact - 1e-9), are)


def achieved_power(n: int, effect_size: float, alpha: float = 0.05,
                   design: Design = "two-sample", test: TestKind = "t",
                   alternative: Alternative = "two-sided") -> float:
    """Power of the test with n seeds per method (rank tests: n times the ARE)."""
    _check_power(effect_size, alpha, design, test, alternative)
    if n < 2:
        raise InvalidParameterError("n >= 2", f"n={n}")
    effective = n * (RANK_ARE if test == "rank" else 1.0)
    side = alternative if alternative == "two-sided" else "larger"
    if design == "two-sample":
        return float(TTestIndPower().power(effect_size=abs(effect_size), nobs1=effective,
                                           alpha=alpha, alternative=side))
    return float(TTestPower().power(effect_size=abs(effect_size), nobs=effective, alpha=alpha,
                                    alternative=side))


def simulated_rank_power(n: int, effect_size: float, alpha: float = 0.05,
                         design: Design = "two-sample", n_sim: int = 2000, seed: int = 0
                         ) -> float:
    """Monte-Carlo power of the two-sided rank test on normal data shifted by
    ``effect_size`` sds (Mann-Whitney U or Wilcoxon signed-rank, normal approximation)."""
    _check_power(effect_size, alpha, design, "rank", "two-sided")
    if n < 3 or n_sim < 100:
        raise InvalidParameterError("n >= 3 and n_sim >= 100", f"n={n}, n_sim={n_sim}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_sim, n)) + effect_size
    if design == "two-sample":
        y = rng.standard_normal((n_sim, n))
        p = stats.mannwhitneyu(x, y, axis=1, method="asymptotic").pvalue
    else:
        p = stats.wilcoxon(x, axis=1, method="approx").pvalue
    return float(np.mean(p < alpha))
