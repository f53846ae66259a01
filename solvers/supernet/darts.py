"""Architecture gradients of the DARTS bilevel problem, with their cost counted.

DARTS (Liu, Simonyan & Yang, ICLR 2019) solves min_a F(a) = L_val(w*(a), a) with
w*(a) = argmin_w L_train(w, a). This module computes, on an :class:`ArchState`:

* :func:`first_order` — grad_a L_val(w, a) (DARTS's first-order approximation, xi = 0):
  1 gradient evaluation.
* :func:`second_order` — DARTS's eq. (7)-(8): the virtual step w' = w - xi grad_w
  L_train(w, a), then grad_a L_val(w', a) - xi [grad_a L_train(w+, a) - grad_a
  L_train(w-, a)] / (2 eps) with w+- = w +- eps v, v = grad_w' L_val(w', a) and
  eps = 0.01 / ||v||: 4 gradient evaluations (1 virtual step, 1 at w', 2 for the finite
  difference). With the weight step, a DARTS step costs 2 (first order) or 5 (second
  order) evaluations, as ``bilevel.darts.gradient-evaluations-per-step`` counts.
* exact derivatives by nested tapes: Hessian-vector products in w (:func:`hvp`), the mixed
  product grad^2_{aw} L v (:func:`mixed_hvp`) and in alpha (:func:`alpha_hvp`), the finite
  difference DARTS uses (:func:`fd_mixed_hvp`), conjugate gradient (:func:`conjugate_gradient`)
  and power iteration (:func:`largest_eigenvalue`).
* :func:`head_hypergradients` — the exact hypergradient by implicit differentiation on the
  *head-only* configuration: the inner variable is the linear classifier (W, b) with a ridge
  term mu/2 ||(W, b)||^2, the body is frozen. The inner problem is then mu-strongly convex
  (cross-entropy is convex in (W, b)) and L-smooth with L <= mu + max_i(||phi_i||^2 + 1)/2
  (the softmax Jacobian diag(p) - p p^T has norm <= 1/2), so w*(a) is unique, is found to
  high accuracy by L-BFGS, and the reference grad F = grad_a L_val - grad^2_{aw} L_train
  (grad^2_ww L_train)^{-1} grad_w L_val is computed by CG on exact Hessian-vector products.
  First- and second-order DARTS are evaluated at the same w* and their errors measured.
  ||grad^2_{aw} L_train|| comes from :func:`head_mixed_jacobian`: J^T grad^2_{phi w} l with
  the features' Jacobian J by forward mode through one traced graph
  (:func:`features_jacobian`), exact, and several times cheaper than the vectorised
  reverse-over-reverse :func:`mixed_jacobian` of the whole network.

Vectors over several variables are lists of tensors; helpers below do the algebra.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import tensorflow as tf
from numpy.typing import NDArray

from solvers.supernet.model import ArchState
from theory.errors import InvalidParameterError

__all__ = [
    "ArchGradient",
    "HeadHypergradients",
    "alpha_hvp",
    "conjugate_gradient",
    "fd_mixed_hvp",
    "features_jacobian",
    "first_order",
    "head_hypergradients",
    "head_mixed_jacobian",
    "hvp",
    "largest_eigenvalue",
    "mixed_hvp",
    "mixed_jacobian",
    "second_order",
]

Vec = list[tf.Tensor]
Batch = tuple[Any, Any]


def _dot(a: Sequence[tf.Tensor], b: Sequence[tf.Tensor]) -> float:
    return float(sum(tf.reduce_sum(x * y) for x, y in zip(a, b, strict=True)))


def _norm(a: Sequence[tf.Tensor]) -> float:
    return float(np.sqrt(max(_dot(a, a), 0.0)))


def _axpy(alpha: float, x: Sequence[tf.Tensor], y: Sequence[tf.Tensor]) -> Vec:
    return [alpha * xi + yi for xi, yi in zip(x, y, strict=True)]


def _shift(variables: Sequence[Any], direction: Sequence[tf.Tensor], scale: float) -> None:
    for var, d in zip(variables, direction, strict=True):
        var.assign_add(tf.cast(scale, var.dtype) * d)


# ---------------------------------------------------------------------- DARTS gradients
@dataclass(frozen=True)
class ArchGradient:
    """An architecture gradient, the validation loss where it was taken, and its cost."""

    grad: NDArray[np.float64]
    val_loss: float
    evaluations: int


def first_order(state: ArchState, val: Batch) -> ArchGradient:
    """grad_a L_val(w, a): one gradient evaluation."""
    loss, g_alpha, _ = state.loss_and_grads(*val)
    return ArchGradient(np.asarray(g_alpha.numpy(), dtype=float), float(loss), 1)


def second_order(state: ArchState, train: Batch, val: Batch, xi: float | None = None,
                 eps_scale: float = 0.01) -> ArchGradient:
    """DARTS's second-order gradient (eqs. 7-8), 4 gradient evaluations.

    ``xi`` defaults to the current weight learning rate (DARTS sets xi = eta_w). The
    virtual step is plain SGD (no momentum or decay), as eq. (6) is written.
    """
    xi = float(state.w_lr.numpy()) if xi is None else xi
    backup = state.copy_weights()
    _, _, g_w_train = state.loss_and_grads(*train)                 # 1: virtual step
    state.shift_weights(g_w_train, -xi)
    val_loss, g_alpha_val, v = state.loss_and_grads(*val)          # 2: at w'
    state.set_weights(backup)
    eps = eps_scale / max(float(tf.linalg.global_norm(v)), 1e-12)
    state.shift_weights(v, eps)
    _, g_plus, _ = state.loss_and_grads(*train)                    # 3: at w + eps v
    state.shift_weights(v, -2 * eps)
    _, g_minus, _ = state.loss_and_grads(*train)                   # 4: at w - eps v
    state.set_weights(backup)
    hessian_term = (g_plus - g_minus) / (2 * eps)
    grad = g_alpha_val - xi * hessian_term
    return ArchGradient(np.asarray(grad.numpy(), dtype=float), float(val_loss), 4)


# ---------------------------------------------------------------------- exact products
LossFn = Callable[[], tf.Tensor]


def gradients(loss_fn: LossFn, alpha: Any, variables: Sequence[Any]
              ) -> tuple[float, tf.Tensor, Vec]:
    """(loss, grad_alpha, grad_variables) at the current values."""
    with tf.GradientTape() as tape:
        loss = loss_fn()
    grads = tape.gradient(loss, [alpha, *variables],
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return float(loss), grads[0], list(grads[1:])


def hvp(loss_fn: LossFn, variables: Sequence[Any], v: Sequence[tf.Tensor]) -> Vec:
    """grad^2_ww L v, exactly (reverse over reverse)."""
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        g = inner.gradient(loss, list(variables),
                           unconnected_gradients=tf.UnconnectedGradients.ZERO)
        inner_product = tf.add_n([tf.reduce_sum(gi * vi) for gi, vi in zip(g, v, strict=True)])
    return list(outer.gradient(inner_product, list(variables),
                               unconnected_gradients=tf.UnconnectedGradients.ZERO))


def mixed_hvp(loss_fn: LossFn, alpha: Any, variables: Sequence[Any],
              v: Sequence[tf.Tensor]) -> tf.Tensor:
    """grad^2_{aw} L v = grad_a (grad_w L . v), exactly."""
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        g = inner.gradient(loss, list(variables),
                           unconnected_gradients=tf.UnconnectedGradients.ZERO)
        inner_product = tf.add_n([tf.reduce_sum(gi * vi) for gi, vi in zip(g, v, strict=True)])
    return outer.gradient(inner_product, alpha,
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)


def mixed_vjp(loss_fn: LossFn, alpha: Any, variables: Sequence[Any],
              u: tf.Tensor) -> Vec:
    """grad^2_{wa} L u = grad_w (grad_a L . u): the transpose of :func:`mixed_hvp`."""
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        g = inner.gradient(loss, alpha, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        inner_product = tf.reduce_sum(g * u)
    return list(outer.gradient(inner_product, list(variables),
                               unconnected_gradients=tf.UnconnectedGradients.ZERO))


def mixed_jacobian(loss_fn: LossFn, alpha: Any, variables: Sequence[Any]
                   ) -> NDArray[np.float64]:
    """grad^2_{aw} L as a dense (alpha size, variables size) matrix (one vectorised pass)."""
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        g = tf.reshape(inner.gradient(loss, alpha), [-1])
    blocks = outer.jacobian(g, list(variables),
                            unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return np.concatenate([np.reshape(np.asarray(b.numpy(), dtype=float), (g.shape[0], -1))
                           for b in blocks], axis=1)


def features_jacobian(state: ArchState, x: tf.Tensor) -> NDArray[np.float64]:
    """d features / d alpha of the network's pooled features at the current alpha, shape
    (batch, features, alpha size), exact: one forward-mode product per alpha entry through
    one traced graph (about 20x faster than eager here, and several times faster than a
    vectorised reverse-mode Jacobian of the second derivative). The batch-norm moving
    statistics the passes update are restored afterwards."""
    net = state.net
    saved = [tf.identity(v) for v in net.non_trainable_variables]

    def jvp(tangent: tf.Tensor) -> tf.Tensor:
        with tf.autodiff.ForwardAccumulator(state.alpha, tangent) as acc:
            out = net.features(x, tf.nn.softmax(state.alpha, axis=-1), training=True)
        return acc.jvp(out)

    compiled = tf.function(jvp, autograph=False)
    shape = tuple(state.alpha.shape)
    size = int(np.prod(shape))
    columns = []
    for k in range(size):
        tangent = np.zeros(size)
        tangent[k] = 1.0
        columns.append(np.asarray(compiled(tf.constant(tangent.reshape(shape),
                                                       dtype=state.alpha.dtype)).numpy(),
                                  dtype=float))
    for v, value in zip(net.non_trainable_variables, saved, strict=True):
        v.assign(value)
    return np.stack(columns, axis=-1)


def head_mixed_jacobian(state: ArchState, x: tf.Tensor, y: tf.Tensor,
                        features: NDArray[np.float64]) -> NDArray[np.float64]:
    """grad^2_{aw} of the mean cross-entropy over (x, y) with w the head (W, b), as a dense
    (alpha size, head size) matrix, columns ordered as :func:`mixed_jacobian`'s.

    The body's output phi(a) enters the loss l(phi, W, b) only through phi, so
    grad^2_{aw} L = J^T grad^2_{phi w} l with J = d phi / d a (:func:`features_jacobian`):
    only first derivatives of the body appear and the result is exact. ``features`` is
    phi at the current alpha (x's pooled features)."""
    head = state.net.head_variables
    jac = features_jacobian(state, x)
    phi = tf.constant(features, dtype=head[0].dtype)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            inner.watch(phi)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                labels=y, logits=state.net.ends.head(phi)))
        g_phi = inner.gradient(loss, phi)
    blocks = outer.jacobian(g_phi, list(head),
                            unconnected_gradients=tf.UnconnectedGradients.ZERO)
    second = np.concatenate([np.reshape(np.asarray(b.numpy(), dtype=float),
                                        (*features.shape, -1)) for b in blocks], axis=-1)
    return np.einsum("nda,ndw->aw", jac, second)


def alpha_hvp(loss_fn: LossFn, alpha: Any, u: tf.Tensor) -> tf.Tensor:
    """grad^2_aa L u, exactly."""
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            loss = loss_fn()
        g = inner.gradient(loss, alpha, unconnected_gradients=tf.UnconnectedGradients.ZERO)
        inner_product = tf.reduce_sum(g * u)
    return outer.gradient(inner_product, alpha,
                          unconnected_gradients=tf.UnconnectedGradients.ZERO)


def fd_mixed_hvp(loss_fn: LossFn, alpha: Any, variables: Sequence[Any],
                 v: Sequence[tf.Tensor], eps: float) -> tf.Tensor:
    """DARTS's central difference [grad_a L(w + eps v) - grad_a L(w - eps v)] / (2 eps).

    The variables are restored exactly (from a copy) afterwards.
    """
    if not eps > 0:
        raise InvalidParameterError("eps > 0", f"eps={eps}")
    backup = [tf.identity(w) for w in variables]
    _shift(variables, v, eps)
    _, g_plus, _ = gradients(loss_fn, alpha, ())
    for w, b in zip(variables, backup, strict=True):
        w.assign(b)
    _shift(variables, v, -eps)
    _, g_minus, _ = gradients(loss_fn, alpha, ())
    for w, b in zip(variables, backup, strict=True):
        w.assign(b)
    return (g_plus - g_minus) / (2 * eps)


def conjugate_gradient(matvec: Callable[[Vec], Vec], b: Sequence[tf.Tensor], iterations: int,
                       tol: float = 1e-10) -> tuple[Vec, int, float]:
    """Solve A x = b for symmetric positive definite A (Hestenes-Stiefel CG from x = 0).

    Returns (x, iterations used, relative residual ||b - A x|| / ||b||). In exact arithmetic
    CG ends in at most dim iterations; its error in the A-norm contracts at least by
    2 ((sqrt(k) - 1)/(sqrt(k) + 1))^m with k = L/mu (Nocedal & Wright, Thm. 5.5/eq. 5.36).
    """
    x = [tf.zeros_like(t) for t in b]
    r = list(b)
    p = list(b)
    rr = _dot(r, r)
    b_norm = max(np.sqrt(rr), 1e-300)
    used = 0
    for used in range(1, iterations + 1):
        if np.sqrt(rr) <= tol * b_norm:
            used -= 1
            break
        ap = matvec(p)
        step = rr / _dot(p, ap)
        x = _axpy(step, p, x)
        r = _axpy(-step, ap, r)
        rr_new = _dot(r, r)
        p = _axpy(rr_new / rr, p, r)
        rr = rr_new
    residual = _axpy(-1.0, matvec(x), list(b))
    return x, used, _norm(residual) / b_norm


def largest_eigenvalue(matvec: Callable[[tf.Tensor], tf.Tensor], shape: tuple[int, ...],
                       rng: np.random.Generator, iterations: int = 20,
                       dtype: Any = tf.float32) -> float:
    """The dominant eigenvalue (largest in magnitude, with its sign) of a symmetric operator
    by power iteration from a random start; the Rayleigh quotient of the last iterate."""
    u = tf.constant(rng.standard_normal(shape), dtype=dtype)
    u = u / tf.norm(u)
    value = 0.0
    for _ in range(iterations):
        hu = matvec(u)
        value = float(tf.reduce_sum(u * hu))
        norm = float(tf.norm(hu))
        if norm == 0.0:
            return 0.0
        u = hu / norm
    return value


# ---------------------------------------------------------------------- head-only reference
@dataclass(frozen=True)
class HeadHypergradients:
    """Hypergradients at the inner optimum of the head-only bilevel problem, and errors.

    ``exact`` is the implicit (CG) reference; ``first``/``second`` are DARTS's; errors are
    Euclidean norms of the differences. ``constants`` holds mu (the ridge), L (largest
    Hessian eigenvalue, power iteration), L_bound (the analytic smoothness bound),
    ||grad_w L_val||, ||grad^2_{aw} L_train|| (power iteration), the CG residual, the inner
    gradient norm reached, xi, and the first-order error bound ||J|| ||grad_w f|| / mu that
    follows from ||H^{-1}|| <= 1/mu at w*.
    """

    exact: NDArray[np.float64]
    first: NDArray[np.float64]
    second: NDArray[np.float64]
    error_first: float
    error_second: float
    constants: dict[str, float]


def _head_problem(state: ArchState, features: NDArray[np.float64], labels: NDArray[np.int64],
                  ridge: float, w0: NDArray[np.float64], tol: float) -> NDArray[np.float64]:
    """argmin over (W, b) of mean CE + ridge/2 ||(W, b)||^2 by L-BFGS (float64)."""
    from scipy.optimize import minimize

    n, d = features.shape
    k = int(np.max(labels)) + 1 if w0.size == 0 else w0.size // (d + 1)
    onehot = np.eye(k)[labels]
    x1 = np.hstack([features, np.ones((n, 1))])

    def fun(theta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        w = theta.reshape(d + 1, k)
        z = x1 @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.mean(np.sum(onehot * np.log(np.maximum(p, 1e-300)), axis=1))
        grad = x1.T @ (p - onehot) / n
        return (float(loss + 0.5 * ridge * np.sum(theta**2)),
                (grad + ridge * w).ravel())

    result = minimize(fun, w0, jac=True, method="L-BFGS-B",
                      options={"maxiter": 5000, "gtol": tol, "ftol": 1e-300, "maxcor": 50})
    solution: NDArray[np.float64] = result.x
    return solution


def head_hypergradients(state: ArchState, train: Batch, val: Batch, ridge: float,
                        xi: float | None = None, cg_iterations: int = 200,
                        power_iterations: int = 30, seed: int = 0,
                        inner_tol: float = 1e-10) -> HeadHypergradients:
    """Exact (implicit, CG), first- and second-order hypergradients of the head-only
    bilevel problem at its inner optimum; see the module docstring.

    The body weights and alpha are left unchanged; the head is set to w*(alpha).
    """
    if not ridge > 0:
        raise InvalidParameterError("ridge > 0 (the inner problem must be strongly convex)",
                                    f"ridge={ridge}")
    net = state.net
    head = net.head_variables
    dtype = head[0].dtype
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    xt, yt = train
    xv, yv = val
    weights = tf.nn.softmax(state.alpha, axis=-1)
    phi = np.asarray(net.features(xt, weights, training=True).numpy(), dtype=float)
    w0 = np.concatenate([np.asarray(head[0].numpy(), dtype=float),
                         np.asarray(head[1].numpy(), dtype=float)[None, :]]).ravel()
    theta = _head_problem(state, phi, np.asarray(yt), ridge, w0, inner_tol)
    d = phi.shape[1]
    matrix = theta.reshape(d + 1, -1)
    head[0].assign(matrix[:d].astype(dtype))
    head[1].assign(matrix[d].astype(dtype))

    def ridge_term() -> tf.Tensor:
        return 0.5 * ridge * tf.add_n([tf.reduce_sum(tf.square(v)) for v in head])

    def train_loss() -> tf.Tensor:
        return state.loss(xt, yt) + ridge_term()

    def val_loss() -> tf.Tensor:
        return state.loss(xv, yv)

    _, _, g_w_train = gradients(train_loss, state.alpha, head)
    _, g_alpha_val, g_w_val = gradients(val_loss, state.alpha, head)

    phi_t = tf.constant(phi, dtype=dtype)

    def head_train_loss() -> tf.Tensor:  # the same loss with the body's output held fixed
        logits = net.ends.head(phi_t)
        return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=yt, logits=logits)) + ridge_term()

    def hessian(v: Vec) -> Vec:  # grad^2_ww L_train: the body does not depend on (W, b)
        return hvp(head_train_loss, head, v)

    q, cg_used, cg_residual = conjugate_gradient(hessian, g_w_val, cg_iterations)
    exact = g_alpha_val - mixed_hvp(train_loss, state.alpha, head, q)

    # DARTS second order at w*: the virtual step, then the finite difference (eq. 7-8)
    xi_value = float(state.w_lr.numpy()) if xi is None else xi
    backup = [tf.identity(v) for v in head]
    _shift(head, g_w_train, -xi_value)
    _, g_alpha_val_virtual, v_virtual = gradients(val_loss, state.alpha, head)
    for var, b in zip(head, backup, strict=True):
        var.assign(b)
    eps = 0.01 / max(_norm(v_virtual), 1e-300)
    second = g_alpha_val_virtual - xi_value * fd_mixed_hvp(train_loss, state.alpha, head,
                                                           v_virtual, eps)
    first = g_alpha_val

    # constants
    shape_w = [tuple(v.shape) for v in head]

    def flat_hessian(u: tf.Tensor) -> tf.Tensor:
        parts = _unflatten(u, shape_w)
        return _flatten(hessian(parts))

    n_w = sum(int(np.prod(s)) for s in shape_w)
    lam_max = largest_eigenvalue(flat_hessian, (n_w,), rng, power_iterations, dtype)

    norm_j = float(np.linalg.norm(head_mixed_jacobian(state, xt, yt, phi), 2))
    grad_val_w = _norm(g_w_val)
    x1_sq = np.sum(phi**2, axis=1) + 1.0
    constants = {
        "mu": ridge, "L": lam_max, "L_bound": ridge + 0.5 * float(np.max(x1_sq)),
        "grad_w_val_norm": grad_val_w, "norm_J": norm_j, "xi": xi_value,
        "cg_iterations": float(cg_used), "cg_relative_residual": cg_residual,
        "inner_grad_norm": _norm(g_w_train), "fd_eps": eps,
        "first_order_error_bound": norm_j * grad_val_w / ridge,
        "exact_norm": float(tf.norm(exact)),
    }
    to_np = lambda t: np.asarray(t.numpy(), dtype=float)  # noqa: E731
    return HeadHypergradients(
        to_np(exact), to_np(first), to_np(second),
        float(np.linalg.norm(to_np(first) - to_np(exact))),
        float(np.linalg.norm(to_np(second) - to_np(exact))), constants)


def _flatten(parts: Sequence[tf.Tensor]) -> tf.Tensor:
    return tf.concat([tf.reshape(p, [-1]) for p in parts], axis=0)


def _unflatten(flat: tf.Tensor, shapes: Sequence[tuple[int, ...]]) -> Vec:
    out, start = [], 0
    for shape in shapes:
        size = int(np.prod(shape))
        out.append(tf.reshape(flat[start:start + size], shape))
        start += size
    return out
