"""Multi-objective gradient steps: weighted sums and MGDA's common descent direction.

For objectives f_1..f_m with gradients g_1..g_m (flattened), MGDA (Desideri, C. R. Acad.
Sci. Paris Ser. I 350, 2012; Sener & Koltun, NeurIPS 2018, Sec. 3) steps along -d with

    d = sum_i lambda_i g_i,  lambda = argmin_{lambda in simplex} || sum_i lambda_i g_i ||^2.

Either d = 0 (the point is Pareto-stationary) or -d is a descent direction of every f_i:
<g_i, d> >= ||d||^2 > 0 for all i (the optimality condition of the min-norm problem over
the simplex). Two objectives have the closed form (Sener & Koltun, Algorithm 1)
lambda = clip(<g_2 - g_1, g_2> / ||g_1 - g_2||^2, 0, 1) on g_1; more use Frank-Wolfe
(Sener & Koltun, Algorithm 2) with the exact line search of the two-point subproblem.

The weighted sum (one weight vector per individual of a population) is d = sum_i w_i g_i.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

from theory.errors import InvalidParameterError

__all__ = ["mgda_direction", "min_norm_element", "weighted_sum_direction"]


def _as_matrix(gradients: NDArray[np.float64]) -> NDArray[np.float64]:
    g = np.asarray(gradients, dtype=float)
    if g.ndim < 2 or g.shape[0] < 1:
        raise InvalidParameterError("gradients have shape (objectives, ...)",
                                    f"shape {g.shape}")
    if not np.all(np.isfinite(g)):
        raise InvalidParameterError("gradients are finite", "a NaN or infinite entry")
    return g.reshape(g.shape[0], -1)


def _two_point(gram: NDArray[np.float64], i: int, j: int) -> float:
    """argmin_{t in [0, 1]} || t g_i + (1 - t) g_j ||^2 from the Gram matrix."""
    denom = gram[i, i] + gram[j, j] - 2 * gram[i, j]
    if denom <= 0:
        return 0.5
    return float(np.clip((gram[j, j] - gram[i, j]) / denom, 0.0, 1.0))


def min_norm_element(gradients: NDArray[np.float64], iterations: int = 250,
                     tol: float = 1e-12) -> NDArray[np.float64]:
    """Simplex weights lambda of the min-norm point of the gradients' convex hull."""
    g = _as_matrix(gradients)
    m = g.shape[0]
    if m == 1:
        return np.ones(1)
    gram = g @ g.T
    if m == 2:
        t = _two_point(gram, 0, 1)
        return np.array([t, 1 - t])
    lam = np.full(m, 1.0 / m)
    for _ in range(iterations):
        grad = gram @ lam  # gradient of 1/2 lam^T G lam
        t_idx = int(np.argmin(grad))
        # exact line search between the current point and vertex t_idx
        v_lam = gram[t_idx, t_idx]
        v_cur = float(lam @ grad)
        cross = float(grad[t_idx])
        denom = v_lam + v_cur - 2 * cross
        step = 1.0 if denom <= 0 else float(np.clip((v_cur - cross) / denom, 0.0, 1.0))
        new = (1 - step) * lam
        new[t_idx] += step
        if np.sum(np.abs(new - lam)) < tol:
            lam = new
            break
        lam = new
    return _polish(gram, lam)


def _polish(gram: NDArray[np.float64], lam: NDArray[np.float64]) -> NDArray[np.float64]:
    """Frank-Wolfe converges like O(1/k); finish exactly: on subsets of the support it found
    (all of them while the support has at most 12 objectives), solve the KKT system of
    min lam^T G lam, sum lam = 1, and return the first solution that is feasible and
    optimal over the whole simplex ((G lam)_i >= lam^T G lam for every i)."""
    support = [int(i) for i in np.flatnonzero(lam > 1e-12)]
    if len(support) > 12:
        return lam
    scale = max(1.0, float(np.max(np.abs(gram))))
    for size in range(1, len(support) + 1):
        for subset in itertools.combinations(support, size):
            idx = list(subset)
            k = len(idx)
            kkt = np.zeros((k + 1, k + 1))
            kkt[:k, :k] = gram[np.ix_(idx, idx)]
            kkt[:k, k] = kkt[k, :k] = 1.0
            rhs = np.zeros(k + 1)
            rhs[k] = 1.0
            solution = np.linalg.lstsq(kkt, rhs, rcond=None)[0][:k]
            if np.any(solution < -1e-12):
                continue
            exact = np.zeros_like(lam)
            exact[idx] = np.clip(solution, 0.0, None)
            if exact.sum() <= 0:
                continue
            exact /= exact.sum()
            value = float(exact @ gram @ exact)
            if np.all(gram @ exact >= value - 1e-10 * scale):
                return exact
    return lam


def mgda_direction(gradients: NDArray[np.float64]) -> tuple[NDArray[np.float64],
                                                            NDArray[np.float64]]:
    """(d, lambda): the min-norm common descent direction (step along -d) and its weights;
    d has the shape of one gradient."""
    g = np.asarray(gradients, dtype=float)
    lam = min_norm_element(g)
    d = np.tensordot(lam, g, axes=1)
    return d, lam


def weighted_sum_direction(gradients: NDArray[np.float64],
                           weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """sum_i w_i g_i for non-negative weights (one scalarisation per individual)."""
    g = np.asarray(gradients, dtype=float)
    w = np.asarray(weights, dtype=float)
    if w.shape != (g.shape[0],) or np.any(w < 0) or not np.all(np.isfinite(w)):
        raise InvalidParameterError("one non-negative finite weight per objective",
                                    f"weights={w.tolist()} for {g.shape[0]} objectives")
    result: NDArray[np.float64] = np.tensordot(w, g, axes=1)
    return result
