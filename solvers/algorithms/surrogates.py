"""The hybrid's models of the objectives: a GP on cells, additive cost tables, and the
relaxed scalarisation it refines by gradient steps with a certified smoothness constant.

* :class:`CellGP` -- Gaussian-process regression of the search error on the one-hot encoding
  of a cell (edges x ops), squared-exponential kernel k(x, x') = exp(-|x - x'|^2 / (2 l^2))
  on standardised targets, Gaussian noise; the length scale l and the noise variance are
  chosen by the log marginal likelihood over a fixed grid (type-II maximum likelihood,
  Rasmussen & Williams, *Gaussian Processes for Machine Learning*, MIT Press 2006,
  Algorithm 2.1 and Eq. 5.8). On the one-hot encoding |x - x'|^2 is twice the number of
  edges on which two cells differ, so the kernel is a function of the Hamming distance.
* :func:`fit_cost_table` -- an additive per-operation table c[e, o] + b fitted by least
  squares (a latency lookup table as in FBNet, Wu et al., CVPR 2019, Eq. 5, and
  ProxylessNAS, Cai, Zhu & Han, ICLR 2019, Eq. 5, fitted to the queried networks); under
  p = softmax(alpha) per edge its expectation is b + sum p[e, o] c[e, o] exactly.
* :class:`RelaxedScalarisation` -- s(alpha) = sum_m w_m (f_m(p(alpha)) - lo_m) / span_m with
  p the per-edge softmax of alpha (pruned operations masked out), f_0 the GP mean evaluated
  at the relaxed encoding p and f_m (m >= 1) the cost tables. ``lipschitz_bound`` is an
  upper bound L on the spectral norm of the Hessian of s everywhere (a derivation in
  ``theory.bounds.hybrid``, each step checked in ``proofs_checks.proofs.symbolic_hybrid``):

      L = L_h / 4 + 3 max_e R_e,
      L_h = c_0 sum_i |a_i| / l^2,
      R_e = 2 c_0 sum_i |a_i| / (l sqrt(e)) + range_o(sum_{m>=1} c_m C_m[e, o]),

  with c_0 = w_0 sd / span_0 (sd the target scale of the GP), c_m = w_m / span_m and a the
  GP's weight vector (K + s^2 I)^-1 z.
* :func:`armijo_descent` -- gradient descent with backtracking (Armijo) line search,
  c = beta = 1/2 (Nocedal & Wright, *Numerical Optimization*, 2nd ed. 2006, Algorithm 3.1;
  Boyd & Vandenberghe, *Convex Optimization* 2004, Sec. 9.3.1 for the step bound): every
  accepted step satisfies s(alpha - eta g) <= s(alpha) - eta |g|^2 / 2 and, when s is
  L-smooth, eta >= min(eta_0, 1 / (2 L)). It records, per step, the accepted eta, the
  number of halvings, and the gap of the fixed-step descent lemma at 1/L, which a valid L
  keeps <= 0: s(alpha - g / L) - s(alpha) + |g|^2 / (2 L).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["ARMIJO_BETA", "ARMIJO_C", "CellGP", "DescentLog", "RelaxedScalarisation",
           "armijo_descent", "fit_cost_table", "one_hot"]

#: sufficient-decrease constant and backtracking factor of the line search
ARMIJO_C = 0.5
ARMIJO_BETA = 0.5
#: halvings after which a line search gives up (the step is then 0: no move)
MAX_HALVINGS = 60
#: the grids of type-II maximum likelihood (length scale in one-hot units; noise variance
#: relative to the standardised target)
LENGTH_SCALES = (1.0, 1.5, 2.0, 3.0, 4.0)
NOISE_VARIANCES = (1e-2, 1e-1, 3e-1)


def one_hot(cells: list[tuple[int, ...]], n_edges: int, n_ops: int) -> NDArray[np.float64]:
    """Cells as rows of concatenated one-hot vectors, shape (len(cells), edges * ops)."""
    codes = np.zeros((len(cells), n_edges, n_ops))
    if cells:
        index = np.array(cells)
        codes[np.arange(len(cells))[:, None], np.arange(n_edges)[None, :], index] = 1.0
    return codes.reshape(len(cells), n_edges * n_ops)


def fit_cost_table(codes: NDArray[np.floating], values: NDArray[np.float64], n_edges: int,
                   n_ops: int) -> tuple[NDArray[np.float64], float]:
    """Least-squares additive table c[e, o] + b (minimum-norm solution) of ``values``."""
    design = np.hstack([np.asarray(codes, dtype=float), np.ones((len(codes), 1))])
    solution = np.linalg.lstsq(design, values, rcond=None)[0]
    return solution[:-1].reshape(n_edges, n_ops), float(solution[-1])


@dataclass
class CellGP:
    """GP regression on one-hot cell encodings, hyperparameters by marginal likelihood."""

    inputs: NDArray[np.float64]
    mean: float
    scale: float
    length_scale: float
    noise: float
    weights: NDArray[np.float64]  # a = (K + noise I)^-1 z
    cholesky: NDArray[np.float64]

    @classmethod
    def fit(cls, inputs: NDArray[np.float64], targets: NDArray[np.float64]) -> CellGP:
        x = np.asarray(inputs, dtype=float)
        y = np.asarray(targets, dtype=float)
        mean = float(y.mean())
        scale = float(y.std()) or 1.0
        z = (y - mean) / scale
        sq = _squared_distances(x, x)
        best: tuple[float, float, float, NDArray[Any], NDArray[Any]] | None = None
        for length in LENGTH_SCALES:
            base = np.exp(-sq / (2.0 * length**2))
            for noise in NOISE_VARIANCES:
                try:
                    chol = np.linalg.cholesky(base + noise * np.eye(len(x)))
                except np.linalg.LinAlgError:
                    continue
                a = np.linalg.solve(chol.T, np.linalg.solve(chol, z))
                nll = 0.5 * float(z @ a) + float(np.log(np.diag(chol)).sum())
                if best is None or nll < best[0]:
                    best = (nll, length, noise, a, chol)
        assert best is not None  # the largest noise keeps K + noise I positive definite
        _, length, noise, a, chol = best
        return cls(x, mean, scale, length, noise, np.asarray(a, dtype=float),
                   np.asarray(chol, dtype=float))

    def predict(self, points: NDArray[np.float64]) -> tuple[NDArray[np.float64],
                                                            NDArray[np.float64]]:
        """Posterior mean and standard deviation (of the latent function) at ``points``."""
        cross = np.exp(-_squared_distances(points, self.inputs) / (2.0 * self.length_scale**2))
        mean = cross @ self.weights
        v = np.linalg.solve(self.cholesky, cross.T)
        variance = np.maximum(1.0 - (v**2).sum(axis=0), 0.0)
        return mean * self.scale + self.mean, np.sqrt(variance) * self.scale

    def mean_and_gradient(self, points: NDArray[np.float64]
                          ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Standardised posterior mean mu(p) and its gradient in p, rows of ``points``."""
        diff = self.inputs[None, :, :] - points[:, None, :]  # x_i - p
        k = np.exp(-(diff**2).sum(axis=-1) / (2.0 * self.length_scale**2)) * self.weights
        return k.sum(axis=1), np.einsum("ki,kid->kd", k, diff) / self.length_scale**2

    @property
    def weight_norm(self) -> float:
        """sum_i |a_i|, the constant of the smoothness bound."""
        return float(np.abs(self.weights).sum())


def _squared_distances(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    out = (a**2).sum(axis=1)[:, None] + (b**2).sum(axis=1)[None, :] - 2.0 * a @ b.T
    return np.maximum(out, 0.0)


@dataclass
class RelaxedScalarisation:
    """s(alpha) for one weight vector (module docstring); alpha has shape (edges, ops)."""

    gp: CellGP
    tables: NDArray[np.float64]  # (costs, edges, ops)
    intercepts: NDArray[np.float64]  # (costs,)
    weights: NDArray[np.float64]  # (1 + costs,) scalarisation weights w
    lo: NDArray[np.float64]
    span: NDArray[np.float64]
    mask: NDArray[np.float64]  # 0 allowed, -inf-like for pruned operations

    @property
    def coefficients(self) -> NDArray[np.float64]:
        """c_0 = w_0 sd / span_0 (standardised GP mean), c_m = w_m / span_m."""
        c = self.weights / self.span
        c = c.copy()
        c[0] *= self.gp.scale
        return c

    def _probabilities(self, alpha: NDArray[np.float64]) -> NDArray[np.float64]:
        z = alpha + self.mask
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def value_and_gradient(self, alpha: NDArray[np.float64]) -> tuple[float,
                                                                       NDArray[np.float64]]:
        p = self._probabilities(alpha)
        c = self.coefficients
        mu, grad_mu = self.gp.mean_and_gradient(p.reshape(1, -1))
        error = mu[0] * self.gp.scale + self.gp.mean
        costs = (self.tables * p).sum(axis=(1, 2)) + self.intercepts
        f = np.concatenate([[error], costs])
        value = float((self.weights * (f - self.lo) / self.span).sum())
        grad_p = c[0] * grad_mu[0].reshape(p.shape) + np.tensordot(c[1:], self.tables, axes=1)
        # chain rule through the per-edge softmax: J_e = diag(p_e) - p_e p_e^T
        inner = (grad_p * p).sum(axis=1, keepdims=True)
        return value, p * (grad_p - inner)

    def value(self, alpha: NDArray[np.float64]) -> float:
        return self.value_and_gradient(alpha)[0]

    def lipschitz_bound(self) -> float:
        """L >= sup |Hessian of s| (spectral norm), module docstring."""
        c = self.coefficients
        gp_weight = c[0] * self.gp.weight_norm
        length = self.gp.length_scale
        hessian_h = gp_weight / length**2
        linear = np.tensordot(c[1:], self.tables, axes=1)  # (edges, ops)
        allowed = self.mask > -1.0
        ranges = np.array([np.ptp(linear[e][allowed[e]]) if allowed[e].any() else 0.0
                           for e in range(linear.shape[0])])
        gradient_range = 2.0 * gp_weight / (length * math.sqrt(math.e)) + ranges
        return float(hessian_h / 4.0 + 3.0 * gradient_range.max())


@dataclass
class DescentLog:
    """Per-step record of :func:`armijo_descent` (what the hybrid's checks read)."""

    lipschitz: float
    values: list[float] = field(default_factory=list)  # s before each step, then the last
    steps: list[float] = field(default_factory=list)  # accepted eta (0 when none found)
    halvings: list[int] = field(default_factory=list)
    descent_gaps: list[float] = field(default_factory=list)  # fixed-step lemma gap at 1/L
    first_gradient_norm: float = math.nan


def armijo_descent(objective: RelaxedScalarisation, alpha0: NDArray[np.float64],
                   initial_step: float, steps: int, lipschitz: float | None = None,
                   ) -> tuple[NDArray[np.float64], DescentLog]:
    """``steps`` backtracking gradient steps from ``alpha0`` (module docstring).

    ``lipschitz`` defaults to the objective's certified bound; a check may pass another
    value to see what breaks.
    """
    bound = objective.lipschitz_bound() if lipschitz is None else float(lipschitz)
    log = DescentLog(lipschitz=bound)
    alpha = np.array(alpha0, dtype=float)
    value, grad = objective.value_and_gradient(alpha)
    log.first_gradient_norm = float(np.linalg.norm(grad))
    for _ in range(steps):
        squared = float((grad**2).sum())
        log.values.append(value)
        if bound > 0:
            probe = objective.value(alpha - grad / bound)
            log.descent_gaps.append(probe - value + squared / (2.0 * bound))
        eta, halvings = float(initial_step), 0
        while True:
            trial = alpha - eta * grad
            trial_value = objective.value(trial)
            if trial_value <= value - ARMIJO_C * eta * squared:
                break
            halvings += 1
            eta *= ARMIJO_BETA
            if halvings >= MAX_HALVINGS:
                eta, trial, trial_value = 0.0, alpha, value
                break
        log.steps.append(eta)
        log.halvings.append(halvings)
        alpha = trial
        value, grad = objective.value_and_gradient(alpha)
    log.values.append(value)
    return alpha, log
