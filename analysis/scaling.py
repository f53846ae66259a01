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
  (Mann-Whitney U, Wilcoxon signed-rank) the t-test count divided by their asymptotic
  relative efficiency 3/pi against the t-test under normal data (Hodges & Lehmann 1956,
  Ann. Math. Stat. 27:324-335) is only the start: at small n the exact rank test cannot
  reach every level (five pairs: smallest two-sided signed-rank p 1/16 > 0.05, power 0),
  so the count is raised to the first n whose smallest attainable p is <= alpha and whose
  power, simulated (seeded) with the test the package runs at that n (exact at small n,
  ``analysis.comparison``), reaches the target; ``simulated_rank_power`` is that
  simulation.
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

__all__ = ["RANK_ARE", "PowerAnalysis", "SabotageSlope", "ScalingComparison", "achieved_power",
           "cohens_d", "compare_scaling", "sabotage_slope", "seeds_needed",
           "simulated_rank_power"]

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
    achieved: float = math.nan  # rank tests: the simulated power at n
    method: str = "statsmodels"


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


def _smallest_attainable_n(alpha: float, design: str, alternative: str) -> int:
    """The smallest n (per method, or pairs) at which the exact rank test can reach alpha."""
    from analysis.comparison import min_attainable_p

    side: Literal["two-sided", "greater"] = ("two-sided" if alternative == "two-sided"
                                             else "greater")
    n = 1
    while True:
        p = (min_attainable_p("Mann-Whitney U", n, n, side) if design == "two-sample"
             else min_attainable_p("Wilcoxon signed-rank", n, alternative=side))
        if p <= alpha:
            return n
        n += 1


def seeds_needed(effect_size: float, alpha: float = 0.05, power: float = 0.8,
                 design: Design = "two-sample", test: TestKind = "t",
                 alternative: Alternative = "two-sided", n_sim: int = 2000, seed: int = 0
                 ) -> PowerAnalysis:
    """Seeds per method (``two-sample``) or pairs (``paired``) to detect ``effect_size``
    (Cohen's d) with the given power. ``test="t"``: statsmodels' t-test power. ``"rank"``:
    from the ARE estimate n_t / (3/pi) upward (and never below the smallest n whose exact
    test can reach alpha), the first n whose simulated power (``n_sim`` normal samples,
    ``seed``) reaches ``power``; ``n_exact`` keeps the ARE estimate, ``achieved`` the
    simulated power at ``n``."""
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
            ("rank", "two-sample"): "Mann-Whitney U",
            ("rank", "paired"): "Wilcoxon signed-rank"}[(test, design)]
    if test == "t":
        return PowerAnalysis(name, design, effect_size, alpha, power, alternative, n_exact,
                             math.ceil(n_exact - 1e-9), are)
    n = max(math.ceil(n_exact - 1e-9), _smallest_attainable_n(alpha, design, alternative), 3)
    achieved = simulated_rank_power(n, effect_size, alpha, design, n_sim, seed, alternative)
    while achieved < power:
        n += 1
        achieved = simulated_rank_power(n, effect_size, alpha, design, n_sim, seed,
                                        alternative)
    return PowerAnalysis(name, design, effect_size, alpha, power, alternative, n_exact, n, are,
                         achieved, f"simulated ({n_sim} samples, seed {seed})")


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
                         design: Design = "two-sample", n_sim: int = 2000, seed: int = 0,
                         alternative: Alternative = "two-sided") -> float:
    """Monte-Carlo power of the rank test the package runs at n (Mann-Whitney U or Wilcoxon
    signed-rank: exact while the pooled sample is at most ``EXACT_MAX_N``, else the normal
    approximation, as ``analysis.comparison``) on normal data shifted by ``effect_size``
    sds. ``alternative="larger"``/"smaller": one-sided in the direction of the shift."""
    from analysis.comparison import EXACT_MAX_N

    _check_power(effect_size, alpha, design, "rank", alternative)
    if n < 2 or n_sim < 100:
        raise InvalidParameterError("n >= 2 and n_sim >= 100", f"n={n}, n_sim={n_sim}")
    side = "two-sided" if alternative == "two-sided" else (
        "greater" if effect_size > 0 else "less")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_sim, n)) + effect_size
    if design == "two-sample":
        y = rng.standard_normal((n_sim, n))
        how = "exact" if 2 * n <= EXACT_MAX_N else "asymptotic"
        p = stats.mannwhitneyu(x, y, axis=1, method=how, alternative=side).pvalue
    else:
        how = "exact" if n <= EXACT_MAX_N else "approx"
        p = stats.wilcoxon(x, axis=1, method=how, alternative=side).pvalue
    return float(np.mean(p <= alpha))


@dataclass(frozen=True)
class SabotageSlope:
    """What a slope test on a sabotaged order would see if the claimed order were exact.

    The as-stated fit regresses y = log T on [1, log g, extra...] (g the claimed order); its
    residual standard deviation ``sigma`` estimates the noise. If the truth were exactly
    y = a + log g + ..., the regression of y on [1, log g', extra...] (g' the sabotage's
    order) would have expected coefficient ``expected_slope`` on log g' (the coefficient of
    log g regressed on that design) and standard error ``se`` = sigma sqrt([(X'^T X')^-1]_11),
    with ``df`` = runs - columns; ``excess`` = expected_slope - 1 (upper orders: the
    sabotage's order is smaller) or 1 - expected_slope (``lower``: it is larger).
    ``se_inflation`` is se over the standard error without the extra columns (the cost of
    the extra regressors).
    """

    expected_slope: float
    excess: float
    se: float
    df: int
    sigma: float
    se_inflation: float


def sabotage_slope(y: ArrayLike, claimed: ArrayLike, sabotaged: ArrayLike,
                   extra: tuple[ArrayLike, ...] = (), lower: bool = False) -> SabotageSlope:
    """The excess slope and standard error a sabotaged-order slope test would have if the
    claimed order held exactly (see :class:`SabotageSlope`); ``claimed`` and ``sabotaged``
    are log g(n) and log g'(n) per run, ``y`` log T per run."""
    ys = np.asarray(y, dtype=float).ravel()
    x = np.asarray(claimed, dtype=float).ravel()
    x_sab = np.asarray(sabotaged, dtype=float).ravel()
    columns = [np.asarray(c, dtype=float).ravel() for c in extra]
    if not len(ys) == len(x) == len(x_sab) or any(len(c) != len(ys) for c in columns):
        raise InvalidParameterError("y, claimed, sabotaged and extra have one entry per run",
                                    f"lengths {len(ys)}, {len(x)}, {len(x_sab)}")
    width = 2 + len(columns)
    if len(ys) <= width:
        raise InvalidParameterError("more runs than regressors", f"{len(ys)} <= {width}")
    ones = np.ones_like(ys)
    design = np.column_stack([ones, x, *columns])
    coef, *_ = np.linalg.lstsq(design, ys, rcond=None)
    residual = ys - design @ coef
    df = len(ys) - width
    sigma = float(math.sqrt(float(residual @ residual) / df))
    design_sab = np.column_stack([ones, x_sab, *columns])
    beta, *_ = np.linalg.lstsq(design_sab, x, rcond=None)
    se = sigma * float(math.sqrt(np.linalg.inv(design_sab.T @ design_sab)[1, 1]))
    plain = np.column_stack([ones, x_sab])
    se_plain = sigma * float(math.sqrt(np.linalg.inv(plain.T @ plain)[1, 1]))
    slope = float(beta[1])
    excess = 1.0 - slope if lower else slope - 1.0
    inflation = se / se_plain if se_plain > 0 else 1.0  # no noise: nothing to inflate
    return SabotageSlope(slope, excess, se, df, sigma, inflation)
