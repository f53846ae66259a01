"""Rolling-origin forecasting references and the Diebold-Mariano test (issue 18's series
benchmarks): exact answers on a linear series, the test's size under H0 and its power, and
refusals that name the rule."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.forecast_metrics import diebold_mariano, mase_per_horizon, rmse_per_horizon
from solvers.datasets import load_sunspots
from solvers.forecasting import rolling_forecasts
from theory.errors import InvalidParameterError, UnknownNameError


def test_random_walk_forecast_of_a_line_is_off_by_exactly_the_slope_times_h() -> None:
    """ARIMA(0,1,0) without drift forecasts the last value: on y_t = 2t the h-step error is
    2h at every origin, so RMSE(h) = 2h and, with the naive scale 2, MASE(h) = h."""
    series = 2.0 * np.arange(60)
    result = rolling_forecasts(series, "arima", n_origins=5, horizon=3, min_train=40,
                               order=(0, 1, 0))
    assert result.forecasts.shape == result.actual.shape == (5, 3)
    np.testing.assert_array_equal(result.origins, [53, 54, 55, 56, 57])  # n - h - (4 - k)
    np.testing.assert_allclose(result.naive_scale, 2.0)
    np.testing.assert_allclose(rmse_per_horizon(result.forecasts, result.actual), [2, 4, 6],
                               rtol=1e-6)
    np.testing.assert_allclose(mase_per_horizon(result.forecasts, result.actual,
                                                result.naive_scale), [1, 2, 3], rtol=1e-6)


def test_both_references_forecast_the_sunspots() -> None:
    series = load_sunspots()
    arima = rolling_forecasts(series, "arima", n_origins=4, horizon=2, min_train=200)
    ets = rolling_forecasts(series, "ets", n_origins=4, horizon=2, min_train=200)
    for run in (arima, ets):
        assert np.all(np.isfinite(run.forecasts))
        np.testing.assert_array_equal(run.actual, series[run.origins[:, None] + np.arange(2)])


def test_diebold_mariano_size_under_h0_and_power_under_h1() -> None:
    """Equal-variance iid errors: the level-0.05 test rejects about 5% of 2,000 seeded
    replicates (within the 99.9% binomial band); errors of sd 1 vs sd 2 are told apart."""
    rng = np.random.default_rng(7)
    rejections = sum(diebold_mariano(rng.normal(size=60), rng.normal(size=60)).p_value < 0.05
                     for _ in range(2000))
    assert 60 <= rejections <= 145  # Binomial(2000, 0.05): 100 +- 3.3 sd
    better = diebold_mariano(rng.normal(size=60), 2 * rng.normal(size=60), alternative="less")
    assert better.p_value < 0.05 and better.statistic < 0
    worse = diebold_mariano(rng.normal(size=60), 2 * rng.normal(size=60),
                            alternative="greater")
    assert worse.p_value > 0.99


def test_diebold_mariano_matches_the_hln_formula_at_horizon_one() -> None:
    """h = 1: DM* = mean(d) / sqrt(var(d) / n) * sqrt((n - 1) / n), var with 1/n (a
    regression check against the published formula, computed here with numpy alone)."""
    rng = np.random.default_rng(3)
    e1, e2 = rng.normal(size=25), 1.3 * rng.normal(size=25)
    d = e1**2 - e2**2
    expected = d.mean() / np.sqrt(d.var() / 25) * np.sqrt(24 / 25)
    assert diebold_mariano(e1, e2).statistic == pytest.approx(expected, rel=1e-12)
    same = diebold_mariano(e1, e1)
    assert same.p_value == 1.0 and same.statistic == 0.0


def test_bad_input_is_refused_naming_the_rule() -> None:
    with pytest.raises(UnknownNameError):
        rolling_forecasts(np.arange(50.0), "prophet", 2, 2, 30)
    with pytest.raises(InvalidParameterError) as info:
        rolling_forecasts(np.r_[np.arange(49.0), np.nan], "arima", 2, 2, 30)
    assert "the series is 1-D and finite" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        diebold_mariano([1.0, 2.0, 3.0], [1.0, 2.0])
    assert "two matched error series" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        diebold_mariano(np.ones(5), np.zeros(5), horizon=5)
    assert "1 <= horizon < number of errors" in str(info.value)
