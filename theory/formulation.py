"""The multi-objective formulation every layer shares: objective vectors and Pareto dominance.

All objectives are minimised: f(alpha) = [f_err, f_lat, f_mem]. An objective matrix has one
row per candidate and one column per objective. ``a`` dominates ``b`` when ``a <= b`` in
every objective and ``a < b`` in at least one; the Pareto set is the set of candidates no
other candidate dominates and the Pareto front its image.

These are the definitions, written for clarity and for checking faster code against; the
solvers rank populations with ``moocore`` (see ``solvers.algorithms.sorting``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from theory.errors import InvalidParameterError

__all__ = ["as_objective_matrix", "dominance_matrix", "dominates", "non_dominated_mask",
           "pareto_front"]


def as_objective_matrix(objectives: ArrayLike) -> NDArray[np.float64]:
    """Validate and return an (n_points, n_objectives) float matrix."""
    matrix = np.asarray(objectives, dtype=np.float64)
    if matrix.ndim != 2:
        raise InvalidParameterError(
            "objectives form a 2-D matrix (one row per candidate)", f"ndim={matrix.ndim}"
        )
    if matrix.shape[1] < 1:
        raise InvalidParameterError("n_objectives >= 1", f"n_objectives={matrix.shape[1]}")
    if not np.all(np.isfinite(matrix)):
        raise InvalidParameterError("every objective value is finite", "a NaN or inf entry")
    return matrix


def dominates(a: ArrayLike, b: ArrayLike) -> bool:
    """True when ``a`` Pareto-dominates ``b`` (minimisation)."""
    va = as_objective_matrix(np.atleast_2d(np.asarray(a, dtype=np.float64)))[0]
    vb = as_objective_matrix(np.atleast_2d(np.asarray(b, dtype=np.float64)))[0]
    if va.shape != vb.shape:
        raise InvalidParameterError("both vectors have the same length",
                                    f"{va.shape} vs {vb.shape}")
    return bool(np.all(va <= vb) and np.any(va < vb))


def dominance_matrix(objectives: ArrayLike) -> NDArray[np.bool_]:
    """``D[i, j]`` is True when candidate i dominates candidate j."""
    f = as_objective_matrix(objectives)
    le = np.all(f[:, None, :] <= f[None, :, :], axis=2)
    lt = np.any(f[:, None, :] < f[None, :, :], axis=2)
    result: NDArray[np.bool_] = le & lt
    return result


def non_dominated_mask(objectives: ArrayLike) -> NDArray[np.bool_]:
    """Mask of the candidates no other candidate dominates."""
    d = dominance_matrix(objectives)
    mask: NDArray[np.bool_] = ~np.any(d, axis=0)
    return mask


def pareto_front(objectives: ArrayLike) -> NDArray[np.float64]:
    """The distinct non-dominated objective vectors, sorted lexicographically."""
    f = as_objective_matrix(objectives)
    front = np.unique(f[non_dominated_mask(f)], axis=0)
    return front
