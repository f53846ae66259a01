"""GP-UCB on a finite domain (Srinivas, Krause, Kakade & Seeger, ICML 2010), instrumented.

The domain D is a finite set of points given by its kernel matrix ``K`` (|D| x |D|). At step
t = 1..T GP-UCB picks ``x_t = argmax_x mu_{t-1}(x) + sqrt(beta_t) sigma_{t-1}(x)``, observes
``y_t = f(x_t) + eps_t`` and updates the exact GP posterior by a rank-one update (the posterior
covariance on D after conditioning on one noisy observation at x is
``Sigma - Sigma[:, x] Sigma[x, :] / (Sigma[x, x] + s^2)``).

Recorded per step: the chosen index, the posterior variance ``sigma_{t-1}^2(x_t)`` at the
chosen point before the observation, the instantaneous and cumulative regret, ``beta_t``.
``information_gain_logdet`` gives 1/2 log det(I + s^-2 K_T) of the chosen points and
``information_gain_sum`` 1/2 sum_t log(1 + s^-2 sigma_{t-1}^2(x_t)) (their equality is
Srinivas et al.'s Lemma 5.3). ``greedy_information_gain`` is the greedy maximiser of the
information gain (uncertainty sampling), which is within (1 - 1/e) of the maximum
(Nemhauser, Wolsey & Fisher 1978: the information gain is monotone submodular).

Kernels (``se_kernel``, ``matern52_kernel``, ``linear_kernel``) and a seeded GP prior sample
(``sample_gp``) are provided for the checks. Public functions validate; ``_posterior_step``
trusts its inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["GREEDY_FACTOR", "GPUCBRun", "beta_rkhs", "beta_theorem1", "gp_root", "gp_ucb",
           "greedy_information_gain", "information_gain_logdet", "linear_kernel",
           "matern12_kernel", "matern52_kernel", "sample_gp", "se_kernel"]

#: (1 - 1/e)^-1: greedy information gain times this bounds the maximum from above
GREEDY_FACTOR = 1.0 / (1.0 - math.exp(-1.0))


def _points(x: NDArray[np.floating]) -> NDArray[np.float64]:
    pts = np.asarray(x, dtype=np.float64)
    if pts.ndim == 1:
        pts = pts[:, None]
    if pts.ndim != 2 or len(pts) == 0:
        raise InvalidParameterError("points form a non-empty (n, d) array",
                                    f"shape {np.shape(x)}")
    return pts


def se_kernel(x: NDArray[np.floating], lengthscale: float,
              variance: float = 1.0) -> NDArray[np.float64]:
    """Squared exponential k(x, x') = variance exp(-||x - x'||^2 / (2 l^2))."""
    if not lengthscale > 0 or not variance > 0:
        raise InvalidParameterError("lengthscale > 0 and variance > 0",
                                    f"lengthscale={lengthscale}, variance={variance}")
    pts = _points(x)
    sq = ((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=-1)
    result: NDArray[np.float64] = variance * np.exp(-sq / (2 * lengthscale**2))
    return result


def matern52_kernel(x: NDArray[np.floating], lengthscale: float,
                    variance: float = 1.0) -> NDArray[np.float64]:
    """Matern nu = 5/2: variance (1 + sqrt5 r/l + 5 r^2/(3 l^2)) exp(-sqrt5 r/l)."""
    if not lengthscale > 0 or not variance > 0:
        raise InvalidParameterError("lengthscale > 0 and variance > 0",
                                    f"lengthscale={lengthscale}, variance={variance}")
    pts = _points(x)
    r = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=-1)) / lengthscale
    result: NDArray[np.float64] = variance * (1 + math.sqrt(5) * r + 5 * r**2 / 3) * np.exp(
        -math.sqrt(5) * r)
    return result


def matern12_kernel(x: NDArray[np.floating], lengthscale: float,
                    variance: float = 1.0) -> NDArray[np.float64]:
    """Matern nu = 1/2 (the exponential kernel): variance exp(-r/l)."""
    if not lengthscale > 0 or not variance > 0:
        raise InvalidParameterError("lengthscale > 0 and variance > 0",
                                    f"lengthscale={lengthscale}, variance={variance}")
    pts = _points(x)
    r = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(axis=-1)) / lengthscale
    result: NDArray[np.float64] = variance * np.exp(-r)
    return result


def linear_kernel(x: NDArray[np.floating]) -> NDArray[np.float64]:
    """k(x, x') = x^T x' (Bayesian linear regression; k(x, x) <= 1 when ||x|| <= 1)."""
    pts = _points(x)
    result: NDArray[np.float64] = pts @ pts.T
    return result


def _check_kernel(kernel: NDArray[np.floating]) -> NDArray[np.float64]:
    k = np.asarray(kernel, dtype=np.float64)
    if k.ndim != 2 or k.shape[0] != k.shape[1] or k.shape[0] == 0:
        raise InvalidParameterError("the kernel matrix is square and non-empty",
                                    f"shape {k.shape}")
    if not np.allclose(k, k.T, rtol=0, atol=1e-12 * max(1.0, float(np.abs(k).max()))):
        raise InvalidParameterError("the kernel matrix is symmetric", "an asymmetric matrix")
    return k


def gp_root(kernel: NDArray[np.floating], jitter: float = 1e-10) -> NDArray[np.float64]:
    """A square root A of K (A A^T = K + jitter I) by eigen-decomposition, negative round-off
    eigenvalues clipped; compute once per domain and pass to ``sample_gp``."""
    k = _check_kernel(kernel)
    values, vectors = np.linalg.eigh(k + jitter * np.eye(len(k)))
    root: NDArray[np.float64] = vectors * np.sqrt(np.clip(values, 0.0, None))
    return root


def sample_gp(kernel: NDArray[np.floating], rng: np.random.Generator,
              root: NDArray[np.float64] | None = None) -> NDArray[np.float64]:
    """One draw f ~ N(0, K) on the domain (``root`` from ``gp_root`` saves the
    decomposition when many draws share one kernel)."""
    factor = gp_root(kernel) if root is None else root
    result: NDArray[np.float64] = factor @ rng.standard_normal(len(factor))
    return result


def beta_theorem1(t: int, domain_size: int, delta: float) -> float:
    """Srinivas et al. Theorem 1: beta_t = 2 log(|D| t^2 pi^2 / (6 delta))."""
    return 2.0 * math.log(domain_size * t**2 * math.pi**2 / (6.0 * delta))


def beta_rkhs(t: int, gamma_t: float, norm_bound: float, delta: float) -> float:
    """Srinivas et al. Theorem 3: beta_t = 2 B^2 + 300 gamma_t log^3(t / delta)."""
    return 2.0 * norm_bound**2 + 300.0 * gamma_t * math.log(t / delta) ** 3


@dataclass(frozen=True)
class GPUCBRun:
    """What one GP-UCB run did, step by step (arrays of length T)."""

    selected: NDArray[np.int64]
    observations: NDArray[np.float64]
    prior_variance_at_selected: NDArray[np.float64]  # sigma_{t-1}^2(x_t)
    instant_regret: NDArray[np.float64]  # f(x*) - f(x_t)
    cumulative_regret: NDArray[np.float64]  # R_t
    beta: NDArray[np.float64]
    noise_variance: float  # the model's s^2

    @property
    def information_gain_sum(self) -> float:
        """1/2 sum_t log(1 + s^-2 sigma_{t-1}^2(x_t)) (Lemma 5.3, right-hand side)."""
        return float(0.5 * np.log1p(self.prior_variance_at_selected / self.noise_variance).sum())


def _posterior_step(mean: NDArray[np.float64], cov: NDArray[np.float64], index: int,
                    y: float, noise_variance: float) -> None:
    column = cov[:, index].copy()
    denom = column[index] + noise_variance
    mean += column * ((y - mean[index]) / denom)
    cov -= np.outer(column, column) / denom


def gp_ucb(kernel: NDArray[np.floating], f: NDArray[np.floating], noise_variance: float,
           beta: Callable[[int], float] | Sequence[float], horizon: int,
           rng: np.random.Generator, true_noise_std: float | None = None,
           noise: str = "gaussian") -> GPUCBRun:
    """Run GP-UCB for ``horizon`` steps on the finite domain of ``kernel``.

    ``noise_variance`` is the model's s^2 (used in the posterior); the observations carry
    noise of standard deviation ``true_noise_std`` (default sqrt(s^2)): Gaussian, or uniform
    on [-true_noise_std, true_noise_std] with ``noise="uniform"`` (bounded noise, the
    setting of Theorem 3), or ``true_noise_std`` times a standard Cauchy variable with
    ``noise="cauchy"`` (heavy-tailed, no variance: outside both theorems).
    ``beta`` is a function of t (1-based) or a sequence of length T.
    Ties in the acquisition go to the smallest index.
    """
    k = _check_kernel(kernel)
    values = np.asarray(f, dtype=np.float64)
    if values.shape != (len(k),):
        raise InvalidParameterError("f has one value per domain point",
                                    f"f of shape {values.shape}, |D|={len(k)}")
    if not noise_variance > 0:
        raise InvalidParameterError("noise_variance > 0", f"noise_variance={noise_variance}")
    if horizon < 1:
        raise InvalidParameterError("horizon >= 1", f"horizon={horizon}")
    if noise not in ("gaussian", "uniform", "cauchy"):
        raise InvalidParameterError("noise in {gaussian, uniform, cauchy}", f"noise={noise!r}")
    betas = np.array([beta(t) for t in range(1, horizon + 1)] if callable(beta)
                     else list(beta), dtype=np.float64)
    if betas.shape != (horizon,) or np.any(betas < 0):
        raise InvalidParameterError("beta_t >= 0 for t = 1..T", f"{betas.shape[0]} values")
    std = math.sqrt(noise_variance) if true_noise_std is None else float(true_noise_std)
    best = float(values.max())
    mean = np.zeros(len(k))
    cov = k.copy()
    selected = np.empty(horizon, dtype=np.int64)
    observed = np.empty(horizon)
    variances = np.empty(horizon)
    for t in range(horizon):
        score = mean + math.sqrt(betas[t]) * np.sqrt(np.clip(np.diag(cov), 0.0, None))
        index = int(np.argmax(score))
        if noise == "cauchy":  # heavy-tailed: std times a standard Cauchy (no variance)
            eps = std * float(rng.standard_cauchy())
        else:
            eps = (rng.uniform(-std, std) if noise == "uniform" else rng.normal(0.0, std))
        y = float(values[index] + eps)
        selected[t] = index
        observed[t] = y
        variances[t] = max(float(cov[index, index]), 0.0)
        _posterior_step(mean, cov, index, y, noise_variance)
    instant = best - values[selected]
    return GPUCBRun(selected, observed, variances, instant, np.cumsum(instant), betas,
                    float(noise_variance))


def information_gain_logdet(kernel: NDArray[np.floating],
                            selected: Sequence[int] | NDArray[np.int64],
                            noise_variance: float) -> float:
    """1/2 log det(I + s^-2 K_T) of the (multi)set of selected points (Lemma 5.3, left)."""
    k = _check_kernel(kernel)
    index = np.asarray(selected, dtype=np.int64)
    if not noise_variance > 0:
        raise InvalidParameterError("noise_variance > 0", f"noise_variance={noise_variance}")
    sub = k[np.ix_(index, index)]
    sign, logdet = np.linalg.slogdet(np.eye(len(index)) + sub / noise_variance)
    if sign <= 0:
        raise InvalidParameterError("I + s^-2 K_T is positive definite", f"sign {sign}")
    return 0.5 * float(logdet)


def greedy_information_gain(kernel: NDArray[np.floating], noise_variance: float,
                            horizon: int) -> NDArray[np.float64]:
    """Cumulative information gain of the greedy (maximum-variance) choices, t = 1..T.

    Repeats are allowed, as GP-UCB may repeat a point; the gain of a multiset is monotone
    submodular (each repeat is a distinct element of the ground set D x {1..T}), so the
    greedy value at t is >= (1 - 1/e) gamma_t and ``GREEDY_FACTOR`` times it is an upper
    bound on the maximum information gain gamma_t.
    """
    k = _check_kernel(kernel)
    if not noise_variance > 0 or horizon < 1:
        raise InvalidParameterError("noise_variance > 0 and horizon >= 1",
                                    f"noise_variance={noise_variance}, horizon={horizon}")
    cov = k.copy()
    mean = np.zeros(len(k))
    gains = np.empty(horizon)
    total = 0.0
    for t in range(horizon):
        diag = np.clip(np.diag(cov), 0.0, None)
        index = int(np.argmax(diag))
        total += 0.5 * math.log1p(diag[index] / noise_variance)
        gains[t] = total
        _posterior_step(mean, cov, index, 0.0, noise_variance)
    return gains
