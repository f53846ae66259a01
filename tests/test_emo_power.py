"""The power of the emo/nsga2 order checks against their scaled-order sabotages.

* ``analysis.scaling.sabotage_slope`` against statsmodels: where the sabotage's log g' is
  affine in log g (n^2 against n^3) the two fits have the same residuals, so its standard
  error is statsmodels' own on the sabotaged design, and the expected slope is the ratio of
  the exponents (3/2); with an extra regressor the inflation is the ratio of the two
  standard errors;
* ``proofs_checks.families.emo.order_power`` against a seeded simulation of the sabotaged test: the
  share of simulated data sets (truth: the claimed order exactly, normal noise) in which the
  one-sided slope test on log g' rejects at ALPHA matches the noncentral-t power.
"""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from analysis.scaling import sabotage_slope
from proofs_checks.check import ALPHA
from proofs_checks.families.emo import order_power
from theory.errors import InvalidParameterError


def _data(seed: int, sd: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = np.repeat([8.0, 11.0, 16.0, 23.0, 32.0], 5)
    return n, np.exp(np.log(0.5 * n**3) + rng.normal(0.0, sd, len(n)))


def test_affine_sabotage_matches_statsmodels() -> None:
    n, t = _data(0)
    y = np.log(t)
    alt = sabotage_slope(y, 3 * np.log(n), 2 * np.log(n))
    assert alt.expected_slope == pytest.approx(1.5)
    assert alt.excess == pytest.approx(0.5)
    model = sm.OLS(y, sm.add_constant(2 * np.log(n))).fit()
    assert alt.se == pytest.approx(float(model.bse[1]), rel=1e-9)
    assert alt.df == len(n) - 2 and alt.se_inflation == pytest.approx(1.0)
    lower = sabotage_slope(y, 3 * np.log(n), 4 * np.log(n), lower=True)
    assert lower.excess == pytest.approx(0.25)  # 1 - 3/4


def test_extra_regressor_inflates_the_standard_error() -> None:
    n, t = _data(1)
    y = np.log(t)
    alt = sabotage_slope(y, 2 * np.log(n), np.log(n), (1.0 / n,))
    full = sm.OLS(y, np.column_stack([np.ones_like(n), np.log(n), 1.0 / n])).fit()
    plain = sm.OLS(y, sm.add_constant(np.log(n))).fit()
    assert alt.se == pytest.approx(float(full.bse[1]), rel=1e-9)
    assert alt.se_inflation == pytest.approx(
        float(full.bse[1]) / (float(plain.bse[1]) * np.sqrt(full.scale / plain.scale)),
        rel=1e-9)
    assert alt.se_inflation > 3  # 1/n and log n are nearly collinear on this grid
    with pytest.raises(InvalidParameterError):
        sabotage_slope(y[:3], 2 * np.log(n[:3]), np.log(n[:3]), (1.0 / n[:3],))


def test_order_power_matches_a_simulation() -> None:
    """Truth log T = log(0.5 n^3) + N(0, 0.6^2); sabotage claims n^2.8: the simulated
    rejection rate of the slope test on log n^2.8 agrees with the computed power."""
    n, t = _data(2, sd=0.6)
    power = order_power(t, n**3, n**2.8, "n^2.8")
    assert 0.05 < power.power < 0.95  # a case where the figure is informative
    rng = np.random.default_rng(3)
    x = 2.8 * np.log(n)
    sims, dof = 4000, len(n) - 2
    y = np.log(0.5 * n**3) + rng.normal(0.0, 0.6, (sims, len(n)))  # one data set a row
    xc = x - x.mean()
    slope = (y - y.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)
    residual = y - y.mean(axis=1, keepdims=True) - slope[:, None] * xc
    se = np.sqrt((residual**2).sum(axis=1) / dof / (xc @ xc))
    rejections = int(((slope - 1.0) / se > stats.t.ppf(1 - ALPHA, dof)).sum())
    # the computed power plugs in this data set's residual sd (0.6 in truth), so allow its
    # sampling error: the simulated rate lies within the powers at sd x (1 -+ 0.3)
    low = order_power(np.exp(np.log(0.5 * n**3) + (np.log(t) - np.log(0.5 * n**3)) * 1.3),
                      n**3, n**2.8, "n^2.8").power
    high = order_power(np.exp(np.log(0.5 * n**3) + (np.log(t) - np.log(0.5 * n**3)) * 0.7),
                       n**3, n**2.8, "n^2.8").power
    assert low <= rejections / sims <= high
