"""Bilevel problems of the DARTS form, with their ground truth.

DARTS (Liu, Simonyan & Yang, ICLR 2019) solves
``min_alpha F(alpha) = f(w*(alpha), alpha)`` with ``w*(alpha) = argmin_w g(w, alpha)``;
``g`` is the training loss (inner), ``f`` the validation loss (outer). Two families:

* ``bilevel-quadratic``: g(w, a) = 1/2 w^T A w - w^T (B a + c) and
  f(w, a) = 1/2 (w - w_t)^T Q (w - w_t) + lam/2 ||a||^2. With A symmetric invertible,
  w*(a) = A^{-1}(B a + c) (the minimiser when A is positive definite, the unique stationary
  point otherwise), grad F(a) = lam a + B^T A^{-1} Q (w*(a) - w_t) and F is quadratic with
  Hessian H_F = B^T A^{-1} Q A^{-1} B + lam I, so L_F = lambda_max(H_F) and alpha* solves
  H_F alpha = -B^T A^{-1} Q (A^{-1} c - w_t) (least squares if H_F is singular).
  spec(A) lies in [mu, L] with both ends attained (mu < 0: indefinite, one eigenvalue mu,
  the others in [|mu|, L]). ||Q||_2 = 1. The ``aligned`` structure is the instance on which
  the hypergradient error bounds are nearly attained: A diagonal, Q = B = e_1 e_1^T, c = 0,
  w_t = 10 e_1.
* ``bilevel-l1-quadratic``: the quadratic with tau ||w||_1 added to the inner loss (kinks
  at w_i = 0; the probe of the implicit-function formula's "twice differentiable"), w*(a)
  by proximal gradient and an exact solve on its support.
* ``bilevel-kink-quadratic``: the quadratic with (c/2) max(0, v^T w - a_1)^2 added to the
  inner loss: C^1 with a Lipschitz gradient, still mu-strongly convex, but its Hessians
  (grad^2_ww and grad^2_{aw}) jump on the kink s = v^T w - a_1 = 0 (the probe of DARTS's
  first-order error bound's "twice differentiable"); F is piecewise quadratic.
* ``bilevel-softplus``: the quadratic inner loss plus a coupling
  gamma sum_i phi(u_i^T w + a_i) with phi = softplus (or exp, whose derivatives are
  unbounded). grad_a g = -B^T w + gamma phi'(U w + a) is nonlinear in w, so DARTS's finite
  difference has a nonzero error. Its third w-derivative is
  gamma phi''''(z_i) (u_i^T v)^3 componentwise; for softplus phi'''' = sigma''' and
  |sigma'''| <= 1/8 (proofs_checks.proofs.symbolic_bilevel), hence
  ||D^3_w grad_a g [v, v, v]|| <= rho ||v||^3 with rho = gamma ||U||_2^3 / 8. Since phi'' >= 0
  the inner Hessian is >= A: mu-strongly convex with mu = lambda_min(A); for softplus
  phi'' <= 1/4 so L <= lambda_max(A) + gamma ||U||^2/4. w*(a) is found by Newton's method.

Instance data come from ``instance_seed``; the run seed only draws the starting points.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.config import Config, Rule, choices
from solvers.problems.base import ConfigT, Problem

__all__ = ["BilevelKinkQuadratic", "BilevelL1Quadratic", "BilevelProblem", "BilevelQuadratic",
           "BilevelSoftplus"]

Vector = NDArray[np.float64]

#: Newton's method on the inner problem stops at ||grad_w g|| <= NEWTON_TOL * (1 + ||b||)
NEWTON_TOL = 1e-13


def _orthogonal(rng: np.random.Generator, dim: int) -> NDArray[np.float64]:
    q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
    return q * np.sign(np.diag(r))


def _spectrum(rng: np.random.Generator, dim: int, mu: float, big: float) -> Vector:
    """dim eigenvalues in [mu, big], both ends attained if dim > 1 (mu < 0: one negative)."""
    low = max(abs(mu), 1e-3 * big)
    eig = np.exp(rng.uniform(np.log(low), np.log(big), size=dim))
    eig[0] = mu
    if dim > 1:
        eig[-1] = big
    return np.sort(eig)


class BilevelProblem(Problem[ConfigT]):
    """Inner loss g(w, alpha), outer loss f(w, alpha), and the exact solution map.

    Derivative conventions: ``inner_cross_hvp(w, a, v)`` is the p-vector
    (grad^2_{alpha w} g) v with (grad^2_{alpha w} g)_{ij} = d^2 g / d alpha_i d w_j, the
    matrix of DARTS's second-order term.
    """

    kind: ClassVar[str] = "bilevel"

    dim_w: int
    dim_alpha: int
    A: NDArray[np.float64]
    B: NDArray[np.float64]
    c: Vector
    Q: NDArray[np.float64]
    w_target: Vector
    lam: float
    mu: float  # smallest eigenvalue of the inner Hessian's lower bound A
    L: float  # upper bound on the inner Hessian's largest eigenvalue
    outer_L: float  # L_F for the quadratic; the quadratic part's L_F (a step unit) otherwise
    alpha_star: Vector | None
    F_star: float | None

    # -- inner loss ------------------------------------------------------------------
    @abstractmethod
    def inner_value(self, w: Vector, a: Vector) -> float: ...

    @abstractmethod
    def inner_grad_w(self, w: Vector, a: Vector) -> Vector: ...

    @abstractmethod
    def inner_grad_alpha(self, w: Vector, a: Vector) -> Vector: ...

    @abstractmethod
    def inner_hessian_ww(self, w: Vector, a: Vector) -> NDArray[np.float64]: ...

    @abstractmethod
    def inner_cross(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        """grad^2_{alpha w} g as a (dim_alpha, dim_w) matrix."""

    def inner_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        return self.inner_hessian_ww(w, a) @ v

    def inner_cross_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        return self.inner_cross(w, a) @ v

    def exact_cross_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        """Ground truth (grad^2_{aw} g)(w, a) v for instrumentation: the same numbers as
        :meth:`inner_cross_hvp`, under a name that is not one of the oracles an algorithm
        pays for (a counting wrapper around the oracles does not count it)."""
        return self.inner_cross_hvp(w, a, v)

    # -- outer loss ------------------------------------------------------------------
    def outer_value(self, w: Vector, a: Vector) -> float:
        d = w - self.w_target
        return 0.5 * float(d @ self.Q @ d) + 0.5 * self.lam * float(a @ a)

    def outer_grad_w(self, w: Vector, a: Vector) -> Vector:
        return self.Q @ (w - self.w_target)

    def outer_grad_alpha(self, w: Vector, a: Vector) -> Vector:
        return self.lam * a

    # -- ground truth ----------------------------------------------------------------
    @abstractmethod
    def inner_solution(self, a: Vector) -> Vector: ...

    def ift_hypergradient(self, w: Vector, a: Vector) -> Vector:
        """grad_a f - (grad^2_{aw} g)(grad^2_{ww} g)^{-1} grad_w f, evaluated at (w, a)."""
        v = np.linalg.solve(self.inner_hessian_ww(w, a), self.outer_grad_w(w, a))
        return self.outer_grad_alpha(w, a) - self.inner_cross(w, a) @ v

    def hypergradient(self, a: Vector) -> Vector:
        """The exact grad F(a): the implicit-function formula at w*(a)."""
        return self.ift_hypergradient(self.inner_solution(a), a)

    def value(self, a: Vector) -> float:
        return self.outer_value(self.inner_solution(a), a)

    @property
    def strongly_convex(self) -> bool:
        return self.mu > 0

    def initial_alpha(self, rng: np.random.Generator) -> Vector:
        """alpha_0 = alpha* + r u (or r u if alpha* is unknown), u uniform on the sphere."""
        radius = float(getattr(self.config, "alpha0_radius"))  # noqa: B009
        u = rng.standard_normal(self.dim_alpha)
        u /= np.linalg.norm(u)
        centre = self.alpha_star if self.alpha_star is not None else np.zeros(self.dim_alpha)
        return centre + radius * u

    def initial_w(self, rng: np.random.Generator) -> Vector:
        """The inner solver's start: w_0 ~ N(0, w0_scale^2 I)."""
        scale = float(getattr(self.config, "w0_scale"))  # noqa: B009
        return scale * rng.standard_normal(self.dim_w)

    def constants(self) -> dict[str, Any]:
        """The instance's constants, named as in ``theory.bounds.bilevel``."""
        return {
            "mu": self.mu,
            "L": self.L,
            "L_F": self.outer_L,
            "normB": float(np.linalg.norm(self.B, 2)),
            "normQ": float(np.linalg.norm(self.Q, 2)),
            "mu_strongly_convex": self.strongly_convex,
        }


def _common_rules() -> tuple[Rule, ...]:
    return (
        Rule("dim_w >= 1", ("dim_w",), lambda c: c.dim_w >= 1),
        Rule("dim_alpha >= 1", ("dim_alpha",), lambda c: c.dim_alpha >= 1),
        Rule("L > 0", ("L",), lambda c: c.L > 0),
        Rule("lam >= 0", ("lam",), lambda c: c.lam >= 0),
        Rule("instance_seed >= 0", ("instance_seed",), lambda c: c.instance_seed >= 0),
        Rule("alpha0_radius > 0", ("alpha0_radius",), lambda c: c.alpha0_radius > 0),
        Rule("w0_scale >= 0", ("w0_scale",), lambda c: c.w0_scale >= 0),
    )


@dataclass(frozen=True)
class BilevelQuadraticConfig(Config):
    dim_w: int = field(default=6, metadata={"help": "dimension of the weights w"})
    dim_alpha: int = field(default=3, metadata={"help": "dimension of the architecture alpha"})
    mu: float = field(default=0.1, metadata={
        "help": "smallest eigenvalue of A (< 0: indefinite inner problem)"})
    L: float = field(default=1.0, metadata={"help": "largest eigenvalue of A"})
    lam: float = field(default=0.1, metadata={"help": "outer l2 weight on alpha"})
    structure: str = field(default="random", metadata={
        "help": "random, or aligned (the near-worst case of the hypergradient bounds)"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random instance"})
    alpha0_radius: float = field(default=1.0, metadata={"help": "||alpha_0 - alpha*||"})
    w0_scale: float = field(default=1.0, metadata={"help": "scale of the inner start w_0"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *_common_rules(),
        Rule("-L <= mu <= L and mu != 0", ("mu", "L"), lambda c: -c.L <= c.mu <= c.L
             and c.mu != 0, "A must be invertible"),
        Rule("mu > 0 or dim_w >= 2", ("mu", "dim_w"), lambda c: c.mu > 0 or c.dim_w >= 2,
             "an indefinite A needs one negative and one positive eigenvalue"),
        choices("structure", ("random", "aligned")),
    )


class BilevelQuadratic(BilevelProblem[BilevelQuadraticConfig]):
    """The bilevel quadratic (module docstring): everything in closed form."""

    name = "bilevel-quadratic"
    Config = BilevelQuadraticConfig

    def __init__(self, config: BilevelQuadraticConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        d, p = config.dim_w, config.dim_alpha
        self.dim_w, self.dim_alpha = d, p
        eig = _spectrum(rng, d, config.mu, config.L)
        self.eigenvalues = eig
        if config.structure == "aligned":
            self.A = np.diag(eig)
            self.Q = np.zeros((d, d))
            self.Q[0, 0] = 1.0
            self.B = np.zeros((d, p))
            self.B[0, 0] = 1.0
            self.c = np.zeros(d)
            self.w_target = np.zeros(d)
            self.w_target[0] = 10.0
        else:
            rot = _orthogonal(rng, d)
            self.A = (rot * eig) @ rot.T
            q_eig = rng.uniform(0.0, 1.0, size=d)
            q_eig[-1] = 1.0
            rot_q = _orthogonal(rng, d)
            self.Q = (rot_q * q_eig) @ rot_q.T
            self.B = rng.standard_normal((d, p)) / np.sqrt(d)
            self.c = rng.standard_normal(d)
            self.w_target = rng.standard_normal(d)
        self.A = 0.5 * (self.A + self.A.T)
        self.Q = 0.5 * (self.Q + self.Q.T)
        self.lam = config.lam
        self.mu = float(eig[0])
        self.L = float(eig[-1])
        self._A_inv = np.linalg.inv(self.A)
        a_inv_b = self._A_inv @ self.B
        self.H_F = a_inv_b.T @ self.Q @ a_inv_b + self.lam * np.eye(p)
        self.H_F = 0.5 * (self.H_F + self.H_F.T)
        self.outer_L = float(np.linalg.eigvalsh(self.H_F).max())
        if self.outer_L <= 0:  # F constant (B = 0 or Q B = 0, lam = 0): any step unit works
            self.outer_L = 1.0
        rhs = -a_inv_b.T @ self.Q @ (self._A_inv @ self.c - self.w_target)
        alpha_star: Vector = np.asarray(np.linalg.lstsq(self.H_F, rhs, rcond=None)[0],
                                         dtype=np.float64)
        self.alpha_star = alpha_star
        self.F_star = self.value(alpha_star)

    def inner_value(self, w: Vector, a: Vector) -> float:
        return 0.5 * float(w @ self.A @ w) - float(w @ (self.B @ a + self.c))

    def inner_grad_w(self, w: Vector, a: Vector) -> Vector:
        return self.A @ w - self.B @ a - self.c

    def inner_grad_alpha(self, w: Vector, a: Vector) -> Vector:
        return -self.B.T @ w

    def inner_hessian_ww(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        return self.A

    def inner_cross(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        return -self.B.T

    def inner_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        return self.A @ v

    def inner_cross_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        return -self.B.T @ v

    def inner_solution(self, a: Vector) -> Vector:
        return self._A_inv @ (self.B @ a + self.c)

    def hypergradient(self, a: Vector) -> Vector:
        """lam a + B^T A^{-1} Q (w*(a) - w_t) in closed form."""
        return self.lam * a + self.B.T @ (self._A_inv @ (self.Q @ (self.inner_solution(a)
                                                                    - self.w_target)))

    def constants(self) -> dict[str, Any]:
        return super().constants() | {"quadratic_inner": True}


@dataclass(frozen=True)
class BilevelL1QuadraticConfig(BilevelQuadraticConfig):
    tau: float = field(default=1.0, metadata={
        "help": "weight of the l1 term tau ||w||_1 of the inner loss (kinks at w_i = 0)"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *BilevelQuadraticConfig.RULES,
        Rule("tau >= 0", ("tau",), lambda c: c.tau >= 0),
        Rule("mu > 0", ("mu",), lambda c: c.mu > 0,
             "the l1 problem is drawn strongly convex so that w*(a) is unique"),
    )


class BilevelL1Quadratic(BilevelQuadratic):
    """The bilevel quadratic with a kinked inner loss g + tau ||w||_1 (not twice
    differentiable where some w_i = 0): still mu-strongly convex, so w*(a) is unique, but
    w*(a) is the soft-thresholded solution, piecewise affine in a.

    Where strict complementarity holds at w*(a) (|(A w* - B a - c)_j| < tau off the support
    S, which holds for almost every a), F is differentiable with w*_S = A_SS^{-1}(B_S a +
    c_S - tau sign(w*_S)), w*_{not S} = 0, hence grad F(a) = lam a + B_S^T A_SS^{-1} Q_S.
    (w* - w_t) (:meth:`hypergradient`). The implicit-function formula evaluated with the
    inner Hessian where it exists (A: |w_i| has zero curvature off its kink,
    :meth:`inner_hessian_ww`) instead gives lam a + B^T A^{-1} Q (w* - w_t), wrong whenever
    S misses a coordinate. This is the dropped-assumption probe of
    ``bilevel.hypergradient.ift-identity``'s "twice-differentiable"; alpha* is not computed.
    """

    name = "bilevel-l1-quadratic"
    Config = BilevelL1QuadraticConfig
    #: proximal-gradient iterations before the support is polished exactly
    PROX_ITERATIONS = 5000

    def __init__(self, config: BilevelL1QuadraticConfig) -> None:
        self.tau = config.tau
        super().__init__(config)
        self.alpha_star = None
        self.F_star = None

    def inner_value(self, w: Vector, a: Vector) -> float:
        return super().inner_value(w, a) + self.tau * float(np.abs(w).sum())

    def inner_grad_w(self, w: Vector, a: Vector) -> Vector:
        """A subgradient: tau sign(w_i), 0 at the kink."""
        return super().inner_grad_w(w, a) + self.tau * np.sign(w)

    def inner_solution(self, a: Vector) -> Vector:
        """argmin_w 1/2 w^T A w - w^T b + tau ||w||_1, b = B a + c: proximal gradient (step
        1/L) to find the support and signs, then their linear system solved exactly and the
        optimality conditions verified (the proximal iterate is kept if they fail)."""
        b = self.B @ a + self.c
        w = self._A_inv @ b
        step = 1.0 / self.L
        for _ in range(self.PROX_ITERATIONS):
            z = w - step * (self.A @ w - b)
            w_new = np.sign(z) * np.maximum(np.abs(z) - step * self.tau, 0.0)
            if np.array_equal(w_new, w):
                break
            w = w_new
        support = np.flatnonzero(w)
        signs = np.sign(w[support])
        polished = np.zeros(self.dim_w)
        if support.size:
            polished[support] = np.linalg.solve(self.A[np.ix_(support, support)],
                                                b[support] - self.tau * signs)
        residual = self.A @ polished - b
        off = np.setdiff1d(np.arange(self.dim_w), support)
        slack = 1e-9 * (1.0 + self.tau)
        if (np.all(np.sign(polished[support]) == signs)
                and np.all(np.abs(residual[off]) <= self.tau + slack)):
            return polished
        return w

    def hypergradient(self, a: Vector) -> Vector:
        """grad F(a) where F is differentiable (strict complementarity at w*(a))."""
        w = self.inner_solution(a)
        support = np.flatnonzero(w)
        grad = self.lam * np.asarray(a, dtype=float)
        if support.size:
            q = (self.Q @ (w - self.w_target))[support]
            grad = grad + self.B[support].T @ np.linalg.solve(
                self.A[np.ix_(support, support)], q)
        return grad

    def constants(self) -> dict[str, Any]:
        return super().constants() | {"quadratic_inner": False, "twice_differentiable": False}


@dataclass(frozen=True)
class BilevelKinkQuadraticConfig(BilevelQuadraticConfig):
    kink_weight: float = field(default=1.0, metadata={
        "help": "weight c of the term (c/2) max(0, v^T w - alpha_1)^2 of the inner loss"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *BilevelQuadraticConfig.RULES,
        Rule("kink_weight >= 0", ("kink_weight",), lambda c: c.kink_weight >= 0),
        Rule("mu > 0", ("mu",), lambda c: c.mu > 0,
             "the kinked problem is drawn strongly convex so that w*(a) is unique"),
    )


#: the two quadratic pieces of the kinked inner loss: s <= 0 (term inactive), s > 0 (active)
KINK_SIDES = ("inactive", "active")


class BilevelKinkQuadratic(BilevelQuadratic):
    """The bilevel quadratic plus (c/2) max(0, s)^2, s = v^T w - a_1 (v a unit vector; e_1
    on the aligned structure): C^1, mu-strongly convex (the term is convex), not twice
    differentiable on the kink s = 0.

    On each side the inner loss is a quadratic: inactive (s <= 0) Hessians A and -B^T, active
    (s > 0) A + c v v^T and -B^T - c e_1 v^T; w*(a) is the inactive solution A^{-1}(B a + c)
    if it has s <= 0, else the active one (exactly one is consistent: at the minimiser grad g
    = 0). F is piecewise quadratic; on the kink hyperplane of a (s(w*(a), a) = 0) grad F in
    general does not exist, only its limits from the two sides, the gradients of the two
    pieces (:meth:`piece_hypergradient`). The Hessians returned at s = 0 are the inactive
    side's (max'(0) = 0, the convention of automatic differentiation: ReLU'(0) = 0).
    alpha* is not computed.
    """

    name = "bilevel-kink-quadratic"
    Config = BilevelKinkQuadraticConfig

    def __init__(self, config: BilevelKinkQuadraticConfig) -> None:
        self.kink_weight = config.kink_weight
        if config.structure == "aligned":
            self.v = np.zeros(config.dim_w)
            self.v[0] = 1.0
        else:  # a separate stream: the quadratic's data equal BilevelQuadratic's
            v = np.random.default_rng([config.instance_seed, 1]).standard_normal(config.dim_w)
            self.v = v / np.linalg.norm(v)
        super().__init__(config)
        self.alpha_star = None
        self.F_star = None

    def kink(self, w: Vector, a: Vector) -> float:
        """s = v^T w - a_1: the term is active where s > 0."""
        return float(self.v @ w) - float(a[0])

    def inner_value(self, w: Vector, a: Vector) -> float:
        return super().inner_value(w, a) + 0.5 * self.kink_weight * max(0.0, self.kink(w, a))**2

    def inner_grad_w(self, w: Vector, a: Vector) -> Vector:
        return super().inner_grad_w(w, a) + self.kink_weight * max(0.0, self.kink(w, a)) * self.v

    def inner_grad_alpha(self, w: Vector, a: Vector) -> Vector:
        grad = super().inner_grad_alpha(w, a)
        grad[0] -= self.kink_weight * max(0.0, self.kink(w, a))
        return grad

    def _side(self, w: Vector, a: Vector) -> str:
        return "active" if self.kink(w, a) > 0 else "inactive"

    def piece_hessians(self, side: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """(grad^2_ww g, grad^2_{aw} g) of one quadratic piece of the inner loss."""
        if side == "inactive":
            return self.A, -self.B.T
        cross = -self.B.T.copy()
        cross[0] -= self.kink_weight * self.v
        return self.A + self.kink_weight * np.outer(self.v, self.v), cross

    def inner_hessian_ww(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        return self.piece_hessians(self._side(w, a))[0]

    def inner_cross(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        return self.piece_hessians(self._side(w, a))[1]

    def inner_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        return self.inner_hessian_ww(w, a) @ v

    def inner_cross_hvp(self, w: Vector, a: Vector, v: Vector) -> Vector:
        return self.inner_cross(w, a) @ v

    def piece_solution(self, a: Vector, side: str) -> Vector:
        """The stationary point of one piece, extended beyond its side (an affine map)."""
        b = self.B @ a + self.c
        if side == "inactive":
            return np.asarray(self._A_inv @ b, dtype=np.float64)
        hessian, _ = self.piece_hessians("active")
        return np.asarray(np.linalg.solve(hessian, b + self.kink_weight * a[0] * self.v),
                          dtype=np.float64)

    def piece_value(self, a: Vector, side: str) -> float:
        """F's quadratic piece of one side, f(w_side(a), a)."""
        return self.outer_value(self.piece_solution(a, side), a)

    def piece_hypergradient(self, a: Vector, side: str) -> Vector:
        """The gradient of F's piece of one side (the IFT formula with that side's
        Hessians): grad F's limit from that side at a kink point."""
        w = self.piece_solution(a, side)
        hessian, cross = self.piece_hessians(side)
        return self.outer_grad_alpha(w, a) - cross @ np.linalg.solve(hessian,
                                                                     self.outer_grad_w(w, a))

    def inner_solution(self, a: Vector) -> Vector:
        w = self.piece_solution(a, "inactive")
        return w if self.kink(w, a) <= 0 else self.piece_solution(a, "active")

    def hypergradient(self, a: Vector) -> Vector:
        """grad F(a) off the kink (at a kink point: the inactive side's limit)."""
        return self.piece_hypergradient(a, self._side(self.inner_solution(a), a))

    def constants(self) -> dict[str, Any]:
        return super().constants() | {"quadratic_inner": False, "twice_differentiable": False}


@dataclass(frozen=True)
class BilevelSoftplusConfig(Config):
    dim_w: int = field(default=6, metadata={"help": "dimension of the weights w"})
    dim_alpha: int = field(default=3, metadata={"help": "dimension of the architecture alpha"})
    mu: float = field(default=0.1, metadata={"help": "smallest eigenvalue of A (> 0)"})
    L: float = field(default=1.0, metadata={"help": "largest eigenvalue of A"})
    lam: float = field(default=0.1, metadata={"help": "outer l2 weight on alpha"})
    gamma: float = field(default=1.0, metadata={"help": "weight of the coupling term"})
    coupling: str = field(default="softplus", metadata={
        "help": "softplus (bounded derivatives) or exp (unbounded third derivative)"})
    structure: str = field(default="random", metadata={
        "help": "random, or aligned (dim_alpha = 1 and u_1 = e_1: near-worst case of the "
                "finite-difference bound)"})
    instance_seed: int = field(default=0, metadata={"help": "seed of the random instance"})
    alpha0_radius: float = field(default=1.0, metadata={"help": "||alpha_0||"})
    w0_scale: float = field(default=1.0, metadata={"help": "scale of the inner start w_0"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        *_common_rules(),
        Rule("0 < mu <= L", ("mu", "L"), lambda c: 0 < c.mu <= c.L),
        Rule("gamma >= 0", ("gamma",), lambda c: c.gamma >= 0),
        choices("coupling", ("softplus", "exp")),
        choices("structure", ("random", "aligned")),
    )


def _sigmoid(z: Vector) -> Vector:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


class BilevelSoftplus(BilevelProblem[BilevelSoftplusConfig]):
    """Quadratic inner loss plus a softplus (or exp) coupling; see the module docstring."""

    name = "bilevel-softplus"
    Config = BilevelSoftplusConfig

    def __init__(self, config: BilevelSoftplusConfig) -> None:
        super().__init__(config)
        rng = np.random.default_rng(config.instance_seed)
        d, p = config.dim_w, config.dim_alpha
        self.dim_w, self.dim_alpha = d, p
        eig = _spectrum(rng, d, config.mu, config.L)
        rot = _orthogonal(rng, d)
        self.A = (rot * eig) @ rot.T
        self.A = 0.5 * (self.A + self.A.T)
        q_eig = rng.uniform(0.0, 1.0, size=d)
        q_eig[-1] = 1.0
        rot_q = _orthogonal(rng, d)
        self.Q = (rot_q * q_eig) @ rot_q.T
        self.Q = 0.5 * (self.Q + self.Q.T)
        self.B = rng.standard_normal((d, p)) / np.sqrt(d)
        self.c = rng.standard_normal(d)
        self.w_target = rng.standard_normal(d)
        self.U = rng.standard_normal((p, d)) / np.sqrt(d)
        if config.structure == "aligned":
            self.U = np.zeros((p, d))
            self.U[0, 0] = 1.0
        self.gamma = config.gamma
        self.lam = config.lam
        self.mu = float(eig[0])
        norm_u = float(np.linalg.norm(self.U, 2))
        self.norm_U = norm_u
        self.third_derivative_bounded = config.coupling == "softplus"
        self.rho = self.gamma * norm_u**3 / 8.0  # valid for softplus only (docstring)
        self.L = float(eig[-1]) + (self.gamma * norm_u**2 / 4.0
                                   if self.third_derivative_bounded else np.inf)
        a_inv_b = np.linalg.solve(self.A, self.B)
        h_quad = a_inv_b.T @ self.Q @ a_inv_b + self.lam * np.eye(p)
        self.outer_L = max(float(np.linalg.eigvalsh(0.5 * (h_quad + h_quad.T)).max()), 1e-12)
        self.alpha_star = None
        self.F_star = None

    # phi and its derivatives
    def _phi(self, z: Vector, order: int) -> Vector:
        if self.config.coupling == "exp":
            return np.exp(z)
        if order == 0:
            return np.logaddexp(0.0, z)
        s = _sigmoid(z)
        if order == 1:
            return s
        if order == 2:
            return s * (1 - s)
        raise ValueError(order)

    def _z(self, w: Vector, a: Vector) -> Vector:
        return self.U @ w + a

    def inner_value(self, w: Vector, a: Vector) -> float:
        return (0.5 * float(w @ self.A @ w) - float(w @ (self.B @ a + self.c))
                + self.gamma * float(np.sum(self._phi(self._z(w, a), 0))))

    def inner_grad_w(self, w: Vector, a: Vector) -> Vector:
        return (self.A @ w - self.B @ a - self.c
                + self.gamma * self.U.T @ self._phi(self._z(w, a), 1))

    def inner_grad_alpha(self, w: Vector, a: Vector) -> Vector:
        return -self.B.T @ w + self.gamma * self._phi(self._z(w, a), 1)

    def inner_hessian_ww(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        curv = self._phi(self._z(w, a), 2)
        return self.A + self.gamma * (self.U.T * curv) @ self.U

    def inner_cross(self, w: Vector, a: Vector) -> NDArray[np.float64]:
        curv = self._phi(self._z(w, a), 2)
        return -self.B.T + self.gamma * curv[:, None] * self.U

    def inner_solution(self, a: Vector) -> Vector:
        """Newton's method with backtracking (g(., a) is strongly convex)."""
        w: Vector = np.asarray(np.linalg.solve(self.A, self.B @ a + self.c), dtype=np.float64)
        scale = 1.0 + float(np.linalg.norm(self.B @ a + self.c))
        for _ in range(200):
            grad = self.inner_grad_w(w, a)
            if np.linalg.norm(grad) <= NEWTON_TOL * scale:
                break
            step: Vector = np.asarray(np.linalg.solve(self.inner_hessian_ww(w, a), grad),
                                      dtype=np.float64)
            t, value = 1.0, self.inner_value(w, a)
            while self.inner_value(w - t * step, a) > value - 0.25 * t * float(grad @ step) \
                    and t > 1e-12:
                t *= 0.5
            w = np.asarray(w - t * step, dtype=np.float64)
        return w

    def constants(self) -> dict[str, Any]:
        return super().constants() | {
            "quadratic_inner": False, "rho": self.rho,
            "third_derivative_bounded": self.third_derivative_bounded}
