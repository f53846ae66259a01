"""Classical forecasting references on rolling origins: ARIMA and exponential smoothing.

The side-by-side references of the time-series benchmarks (issue 18): each model is refitted
on every expanding training window of :func:`solvers.datasets.rolling_origin_splits`
(Tashman, IJF 16, 2000, "rolling-origin recalibration") and forecasts the next ``horizon``
values. Models, both from statsmodels (fitted by maximum likelihood there):

* ``arima`` -- ``statsmodels.tsa.arima.model.ARIMA(order=(p, d, q))``, default (2, 1, 1);
* ``ets`` -- ``statsmodels.tsa.holtwinters.ExponentialSmoothing`` with an additive trend,
  damped (Gardner & McKenzie 1985), and an additive season of ``seasonal_periods`` when given
  (Holt-Winters), else none.

:func:`rolling_forecasts` returns a :class:`RollingForecasts`: per origin the forecasts and
the actual values (shape (origins, horizon)), and the in-sample seasonal-naive scale of each
training window, the denominator of MASE (Hyndman & Koehler, IJF 22, 2006). The metrics and
the Diebold-Mariano comparison live in :mod:`analysis.forecast_metrics`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from solvers.datasets import rolling_origin_splits
from theory.errors import InvalidParameterError, UnknownNameError

__all__ = ["MODELS", "RollingForecasts", "rolling_forecasts"]

MODELS = ("arima", "ets")


@dataclass(frozen=True)
class RollingForecasts:
    model: str
    forecasts: NDArray[np.float64]  # (origins, horizon)
    actual: NDArray[np.float64]  # (origins, horizon)
    naive_scale: NDArray[np.float64]  # (origins,) mean |y_t - y_{t-m}| on the train window
    origins: NDArray[np.int64]  # index of the first forecast value of each origin


def _fit_forecast(model: str, train: NDArray[np.float64], horizon: int,
                  order: Sequence[int], seasonal_periods: int | None) -> NDArray[np.float64]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the optimisers
        if model == "arima":
            from statsmodels.tsa.arima.model import ARIMA

            fitted = ARIMA(train, order=tuple(order)).fit()
        else:
            from statsmodels.tsa.holtwinters import ExponentialSmoothing

            fitted = ExponentialSmoothing(
                train, trend="add", damped_trend=True,
                seasonal="add" if seasonal_periods else None,
                seasonal_periods=seasonal_periods).fit()
        return np.asarray(fitted.forecast(horizon), dtype=float)


def rolling_forecasts(series: ArrayLike, model: str, n_origins: int, horizon: int,
                      min_train: int, *, step: int = 1, order: Sequence[int] = (2, 1, 1),
                      seasonal_periods: int | None = None,
                      naive_lag: int = 1) -> RollingForecasts:
    """Refit ``model`` at every rolling origin and forecast ``horizon`` steps (docstring).

    ``naive_lag`` is the m of the MASE scale (1: naive; the season length: seasonal naive).
    """
    if model not in MODELS:
        raise UnknownNameError("forecasting model", model, list(MODELS))
    values = np.asarray(series, dtype=float)
    if values.ndim != 1 or not np.all(np.isfinite(values)):
        raise InvalidParameterError("the series is 1-D and finite",
                                    f"shape {values.shape}, "
                                    f"{int(np.sum(~np.isfinite(values)))} non-finite values")
    if naive_lag < 1 or naive_lag >= min_train:
        raise InvalidParameterError("1 <= naive_lag < min_train",
                                    f"naive_lag={naive_lag}, min_train={min_train}")
    if seasonal_periods is not None and seasonal_periods < 2:
        raise InvalidParameterError("seasonal_periods >= 2 or None",
                                    f"seasonal_periods={seasonal_periods}")
    forecasts, actual, scales, origins = [], [], [], []
    for train, test in rolling_origin_splits(values, n_origins, horizon, min_train, step=step):
        window = values[train]
        forecasts.append(_fit_forecast(model, window, horizon, order, seasonal_periods))
        actual.append(values[test])
        scales.append(float(np.mean(np.abs(window[naive_lag:] - window[:-naive_lag]))))
        origins.append(int(test[0]))
    return RollingForecasts(model, np.array(forecasts), np.array(actual), np.array(scales),
                            np.array(origins, dtype=np.int64))
