"""Forecast accuracy per horizon and the Diebold-Mariano test of two forecasters.

Inputs are arrays of shape (origins, horizon) -- forecasts and actual values of one model on
the rolling origins (``solvers.forecasting.rolling_forecasts``) -- so nothing here fits a
model.

* :func:`rmse_per_horizon` -- root mean squared error at each horizon h over the origins.
* :func:`mase_per_horizon` -- mean absolute scaled error at each h (Hyndman & Koehler, IJF 22,
  2006, Eq. 7): |e| divided by the in-sample mean absolute (seasonal-)naive error of the same
  origin's training window, averaged over the origins.
* :func:`diebold_mariano` -- the Diebold-Mariano test (J. Bus. Econ. Stat. 13, 1995) of equal
  expected loss of two forecasts of the same targets at one horizon h, with the small-sample
  correction of Harvey, Leybourne & Newbold (IJF 13, 1997, Eq. 9) and Student-t(n-1)
  p-values: d_t = L(e1_t) - L(e2_t), the long-run variance of d from its autocovariances up to
  lag h - 1 (``statsmodels.tsa.stattools.acovf``; h-step errors are MA(h-1) under optimal
  forecasting), DM = mean(d) / sqrt(V / n), DM* = DM sqrt((n + 1 - 2h + h(h-1)/n) / n).
  ``alternative="less"`` tests H1: forecast 1 has the lower expected loss.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats
from statsmodels.tsa.stattools import acovf

from theory.errors import InvalidParameterError

__all__ = ["DieboldMariano", "diebold_mariano", "mase_per_horizon", "rmse_per_horizon"]


def _pair(forecasts: ArrayLike, actual: ArrayLike) -> tuple[NDArray[np.float64],
                                                             NDArray[np.float64]]:
    f = np.asarray(forecasts, dtype=float)
    y = np.asarray(actual, dtype=float)
    if f.ndim != 2 or f.shape != y.shape or f.size == 0:
        raise InvalidParameterError("forecasts and actual share one (origins, horizon) shape",
                                    f"shapes {f.shape} and {y.shape}")
    return f, y


def rmse_per_horizon(forecasts: ArrayLike, actual: ArrayLike) -> NDArray[np.float64]:
    f, y = _pair(forecasts, actual)
    result: NDArray[np.float64] = np.sqrt(np.mean((f - y) ** 2, axis=0))
    return result


def mase_per_horizon(forecasts: ArrayLike, actual: ArrayLike,
                     naive_scale: ArrayLike) -> NDArray[np.float64]:
    f, y = _pair(forecasts, actual)
    scale = np.asarray(naive_scale, dtype=float)
    if scale.shape != (f.shape[0],) or not np.all(scale > 0):
        raise InvalidParameterError("one positive naive scale per origin",
                                    f"shape {scale.shape}, values {scale[:3].tolist()}...")
    result: NDArray[np.float64] = np.mean(np.abs(f - y) / scale[:, None], axis=0)
    return result


@dataclass(frozen=True)
class DieboldMariano:
    statistic: float  # DM* (HLN-corrected)
    p_value: float
    mean_loss_difference: float  # mean of L(e1) - L(e2)
    n: int
    horizon: int
    alternative: str


def diebold_mariano(errors_1: ArrayLike, errors_2: ArrayLike, horizon: int = 1,
                    loss: Literal["squared", "absolute"] = "squared",
                    alternative: Literal["two-sided", "less", "greater"] = "two-sided"
                    ) -> DieboldMariano:
    """The HLN-corrected Diebold-Mariano test (module docstring) on matched errors."""
    e1 = np.asarray(errors_1, dtype=float).ravel()
    e2 = np.asarray(errors_2, dtype=float).ravel()
    if e1.shape != e2.shape or len(e1) < 3:
        raise InvalidParameterError("two matched error series of at least 3 values",
                                    f"lengths {len(e1)} and {len(e2)}")
    if not isinstance(horizon, int) or not 1 <= horizon < len(e1):
        raise InvalidParameterError("1 <= horizon < number of errors",
                                    f"horizon={horizon!r}, n={len(e1)}")
    if loss not in ("squared", "absolute"):
        raise InvalidParameterError("loss in {squared, absolute}", f"loss={loss!r}")
    if alternative not in ("two-sided", "less", "greater"):
        raise InvalidParameterError("alternative in {two-sided, less, greater}",
                                    f"alternative={alternative!r}")
    d = (e1**2 - e2**2) if loss == "squared" else (np.abs(e1) - np.abs(e2))
    n = len(d)
    gamma = acovf(d, nlag=horizon - 1, fft=False)
    variance = float(gamma[0] + 2.0 * np.sum(gamma[1:horizon]))
    mean = float(d.mean())
    if variance <= 0:  # a constant loss difference: 0 (no evidence) or an infinite statistic
        if mean == 0:
            return DieboldMariano(0.0, 1.0, 0.0, n, horizon, alternative)
        corrected = math.copysign(math.inf, mean)
    else:
        dm = mean / math.sqrt(variance / n)
        corrected = dm * math.sqrt((n + 1 - 2 * horizon + horizon * (horizon - 1) / n) / n)
    t = stats.t(df=n - 1)
    if alternative == "two-sided":
        p = 2.0 * float(t.sf(abs(corrected)))
    elif alternative == "less":
        p = float(t.cdf(corrected))
    else:
        p = float(t.sf(corrected))
    return DieboldMariano(corrected, min(1.0, p), mean, n, horizon, alternative)
