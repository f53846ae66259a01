"""Power of the check suite's statistical tests against a stated alternative.

What it is for: a statistical check that did not reject says something only if it could
have rejected. Each function returns a :class:`~proofs_checks.check.Power`: the probability
that the check's own test, at its level and sample sizes, rejects when the truth is a named
alternative (its sabotage's), and the smallest effect it detects with power ``POWER_TARGET``.
The tests are the ones the checks run:

* :func:`one_sided_t_power` — the one-sided one-sample t-test of H0: mean <= bound
  (statsmodels' ``TTestPower``: the noncentral t distribution), with a Bonferroni level
  ``alpha / m`` when the check Holm-corrects m such tests (Holm rejects at least what
  Bonferroni does, so the figure is a lower bound on the check's power);
* :func:`slope_test_power` — the one-sided t-test of an OLS slope (or any coefficient with
  standard error ``se`` and ``df`` residual degrees of freedom): power
  ``P(T' > t_{1-alpha, df})`` with T' noncentral t of noncentrality ``delta / se``;
* :func:`binomial_power` — the exact one-sided binomial test of H0: p >= p0 (or p <= p0):
  the critical count from the null binomial at level alpha, its probability under p1.
"""

from __future__ import annotations

import math

from scipy import stats

from proofs_checks.check import POWER_TARGET, Power

__all__ = ["binomial_power", "one_sided_t_power", "slope_test_power"]


def one_sided_t_power(effect: float, sd: float, nobs: int, alpha: float, tests: int = 1,
                      alternative: str = "") -> Power:
    """Power of the one-sided t-test with ``nobs`` observations to see a mean ``effect``
    above the bound (observations of standard deviation ``sd``), at level alpha/tests."""
    from statsmodels.stats.power import TTestPower

    level = alpha / max(tests, 1)
    analysis = TTestPower()
    if nobs < 2 or not sd > 0:
        power = 1.0 if nobs >= 1 and effect > 0 and sd == 0 else 0.0
        return Power(power, alternative or f"mean {effect:.3g} above the bound",
                     f"degenerate t-test (n={nobs}, sd={sd:.3g})")
    d = effect / sd
    power = float(analysis.power(effect_size=d, nobs=nobs, alpha=level, alternative="larger"))
    detectable = float(analysis.solve_power(effect_size=None, nobs=nobs, alpha=level,
                                            power=POWER_TARGET, alternative="larger")) * sd
    return Power(power, alternative or f"mean {effect:.3g} above the bound",
                 f"one-sided t-test, n={nobs}, sd={sd:.3g}, level {level:.3g} "
                 f"(alpha/{tests}), statsmodels TTestPower", detectable, "mean excess")


def slope_test_power(delta: float, se: float, df: int, alpha: float,
                     alternative: str = "") -> Power:
    """Power of the one-sided t-test of a coefficient (standard error ``se``, ``df`` residual
    degrees of freedom) to see it exceed the null value by ``delta``."""
    if df < 1 or not se > 0 or not math.isfinite(se):
        return Power(0.0, alternative or f"slope excess {delta:.3g}",
                     f"degenerate slope test (df={df}, se={se})")
    critical = float(stats.t.ppf(1 - alpha, df))
    power = float(stats.nct.sf(critical, df, delta / se))
    # the detectable excess: noncentrality with P(T' > critical) = POWER_TARGET
    low, high = 0.0, 1.0
    while stats.nct.sf(critical, df, high) < POWER_TARGET:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if stats.nct.sf(critical, df, mid) < POWER_TARGET else (low, mid)
    return Power(power, alternative or f"slope excess {delta:.3g}",
                 f"one-sided slope t-test, se={se:.3g}, df={df}, level {alpha:.3g}, "
                 "noncentral t", high * se, "slope excess")


def binomial_power(n: int, p0: float, p1: float, alpha: float, greater: bool = False,
                   alternative: str = "") -> Power:
    """Power of the exact one-sided binomial test with ``n`` trials of H0: p >= p0 (reject
    for few successes; ``greater``: H0 p <= p0, reject for many) when the truth is p1."""
    if greater:
        # smallest c with P(X >= c | p0) <= alpha
        c = int(stats.binom.isf(alpha, n, p0)) + 1
        while c > 0 and stats.binom.sf(c - 2, n, p0) <= alpha:
            c -= 1
        power = float(stats.binom.sf(c - 1, n, p1)) if c <= n else 0.0
        rule = f"reject if successes >= {c}"
    else:
        # largest c with P(X <= c | p0) <= alpha
        c = int(stats.binom.ppf(alpha, n, p0))
        while c >= 0 and stats.binom.cdf(c, n, p0) > alpha:
            c -= 1
        power = float(stats.binom.cdf(c, n, p1)) if c >= 0 else 0.0
        rule = f"reject if successes <= {c}" if c >= 0 else "cannot reject at this n"
    return Power(power, alternative or f"p = {p1:.3g}",
                 f"exact binomial, n={n}, p0={p0:.3g}, level {alpha:.3g}: {rule}")
