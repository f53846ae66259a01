"""Reference-value tests of the statistics in analysis/ (sources cited per test)."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.indicators import hypervolume
from analysis.stats import binomial_test, constant_fit, holm, loglog_fit, mean_test
from theory.errors import InvalidParameterError

# Student (1908) sleep data, as R's `sleep`: extra hours of sleep, drug 2 minus drug 1.
SLEEP_DIFFERENCES = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4]


def test_mean_test_matches_r_paired_t_test() -> None:
    """R: t.test(extra ~ group, data = sleep, paired = TRUE) gives |t| = 4.0621, df = 9,
    two-sided p = 0.002833, mean difference 1.58, 95% CI [0.7001142, 2.4598858]."""
    two_sided = mean_test(SLEEP_DIFFERENCES, 0.0, alternative="two-sided")
    assert two_sided.statistic == pytest.approx(4.0621, abs=1e-4)
    assert two_sided.p_value == pytest.approx(0.002833, abs=1e-6)
    assert (two_sided.ci_low, two_sided.ci_high) == pytest.approx((0.7001142, 2.4598858),
                                                                  abs=1e-6)
    greater = mean_test(SLEEP_DIFFERENCES, 0.0, alternative="greater")
    assert greater.p_value == pytest.approx(0.002833 / 2, abs=1e-6)
    assert mean_test(SLEEP_DIFFERENCES, 0.0, alternative="less").p_value > 0.99


def test_mean_test_constant_sample_is_exact() -> None:
    assert mean_test([5.0, 5.0, 5.0], 4.0).p_value == 0.0
    assert mean_test([5.0, 5.0, 5.0], 6.0).p_value == 1.0


def test_binomial_test_matches_r() -> None:
    """R: binom.test(c(682, 243), p = 3/4) (the example of ?binom.test, after Conover 1971)
    gives p = 0.3825 and the 95% CI [0.7076683, 0.7654066]."""
    result = binomial_test(682, 925, 0.75, alternative="two-sided")
    assert result.p_value == pytest.approx(0.3825, abs=1e-4)
    assert (result.ci_low, result.ci_high) == pytest.approx((0.7076683, 0.7654066), abs=1e-6)


def test_holm_matches_its_definition() -> None:
    """Holm (1979): sorted p_(i) times (m - i + 1), made monotone; by hand for these five."""
    adjusted, reject = holm([0.01, 0.04, 0.03, 0.02, 0.05], alpha=0.05)
    assert adjusted == pytest.approx([0.05, 0.09, 0.09, 0.08, 0.09])
    assert reject.tolist() == [True, False, False, False, False]


def test_loglog_fit_recovers_exact_power_law_and_agrees_with_polyfit() -> None:
    x = np.array([10, 20, 40, 80, 160], dtype=float)
    exact = loglog_fit(x, 3.0 * x**1.5, hypothesised_slope=1.0)
    assert exact.slope == pytest.approx(1.5)
    assert exact.p_greater == pytest.approx(0.0, abs=1e-12)
    rng = np.random.default_rng(0)
    y = 2.0 * x**1.2 * np.exp(rng.normal(0, 0.1, size=x.size))
    fit = loglog_fit(x, y)
    slope, intercept = np.polyfit(np.log(x), np.log(y), 1)
    assert (fit.slope, fit.intercept) == pytest.approx((slope, intercept))
    assert fit.slope_ci_low < fit.slope < fit.slope_ci_high


def test_constant_fit_through_origin() -> None:
    g = np.array([1.0, 2.0, 3.0, 4.0])
    fit = constant_fit(g, 2.5 * g)
    assert fit.constant == pytest.approx(2.5)


def test_hypervolume_of_a_staircase_by_hand() -> None:
    # points (1,3), (2,2), (3,1) with reference (4,4): area 3 + 2 + 1 = 6
    assert hypervolume([[1, 3], [2, 2], [3, 1]], [4, 4]) == pytest.approx(6.0)
    assert hypervolume(np.zeros((0, 2)), [1, 1]) == 0.0


@pytest.mark.parametrize("call", [
    lambda: mean_test([1.0], 0.0),
    lambda: mean_test([1.0, float("nan")], 0.0),
    lambda: binomial_test(5, 3, 0.5),
    lambda: loglog_fit([1, 2, 3], [1, -2, 3]),
    lambda: loglog_fit([2, 2, 2], [1, 2, 3]),
    lambda: hypervolume([[1, 2]], [1, 2, 3]),
])
def test_bad_input_names_the_rule(call) -> None:
    with pytest.raises(InvalidParameterError, match="must hold"):
        call()
