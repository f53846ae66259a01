"""Hypergradient descent on bilevel problems, instrumented and counting its own work.

One outer step at alpha_k computes an approximate hypergradient h_k and sets
alpha_{k+1} = alpha_k - (outer_step_size / L_F) h_k. Methods for h_k:

* ``exact``: the implicit-function formula at w*(alpha) (the problem's ground truth);
* ``itd``: K steps of inner GD w_{j+1} = w_j - eta grad_w g(w_j, alpha) from w_0, then
  reverse-mode differentiation through them (one vector-Jacobian product of grad_w g per
  step, counted as one Hessian-vector product);
* ``aid-neumann`` / ``aid-cg``: K inner GD steps, then M fixed-point (Neumann) or
  conjugate-gradient steps on grad^2_ww g(w_K) v = grad_w f(w_K) from v_0 = 0, and
  h = grad_a f(w_K) - grad^2_{aw} g(w_K) v_M;
* ``darts-first-order``: h = grad_a f(w, alpha) at the current weights (Liu et al. 2019,
  "first-order approximation", xi = 0);
* ``fd-hvp``: DARTS's second-order step (Liu et al. 2019, Sec. 2.3): w' = w - xi grad_w g,
  h = grad_a f(w', alpha) - xi (grad_a g(w+, alpha) - grad_a g(w-, alpha)) / (2 eps) with
  w+- = w +- eps v, v = grad_w f(w', alpha) and eps = fd_epsilon / ||v||.

The two DARTS methods keep the weights w between outer steps and, after each alpha step,
take one weight step w <- w - eta grad_w g(w, alpha_{k+1}) (recomputed at the new alpha, as
DARTS's code does; ``reuse_train_gradient`` reuses the virtual step's gradient instead).

Counting. A *gradient evaluation* is one forward and backward pass of one loss (it yields
that loss' gradients with respect to w and alpha together); a *Hessian-vector product* is
one vector-Jacobian product of grad_w g. Rows k = 0..N record, at alpha_k: F, ||grad F||^2,
the hypergradient error ||h_k - grad F(alpha_k)||, the inner distance ||w_used - w*||, the
evaluations spent in that row (``grad_evals``, ``hvp_evals``; for the DARTS methods the row's
weight step included), and for ``fd-hvp`` the finite difference's error against the exact
product grad^2_{aw} g(w) v.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from solvers.algorithms.base import Solver
from solvers.config import Config, Rule, choices
from solvers.problems.base import Problem
from solvers.problems.bilevel import BilevelProblem
from solvers.trace import TraceRecorder

__all__ = ["METHODS", "Counter", "HypergradientDescent", "aid_hypergradient",
           "darts_hypergradient", "inner_gd", "itd_hypergradient"]

Vector = NDArray[np.float64]

METHODS = ("exact", "itd", "aid-neumann", "aid-cg", "darts-first-order", "fd-hvp")


@dataclass
class Counter:
    """Evaluations spent: gradient evaluations and Hessian-vector products."""

    gradients: int = 0
    hvps: int = 0


def inner_gd(problem: BilevelProblem[Any], a: Vector, w0: Vector, steps: int, eta: float,
             counter: Counter) -> list[Vector]:
    """The iterates w_0..w_K of K inner GD steps of length eta."""
    iterates = [w0]
    w = w0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            w = w - eta * problem.inner_grad_w(w, a)
            counter.gradients += 1
            iterates.append(w)
    return iterates


def itd_hypergradient(problem: BilevelProblem[Any], a: Vector, w0: Vector, steps: int,
                      eta: float, counter: Counter) -> tuple[Vector, Vector]:
    """Reverse-mode derivative of alpha -> f(w_K(alpha), alpha); returns (h, w_K)."""
    iterates = inner_gd(problem, a, w0, steps, eta, counter)
    w_k = iterates[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        h = problem.outer_grad_alpha(w_k, a).copy()
        v = problem.outer_grad_w(w_k, a)
        counter.gradients += 1
        for w in reversed(iterates[:-1]):
            h -= eta * problem.inner_cross_hvp(w, a, v)
            v = v - eta * problem.inner_hvp(w, a, v)
            counter.hvps += 1
    return h, w_k


def _neumann(problem: BilevelProblem[Any], w: Vector, a: Vector, b: Vector, steps: int,
             eta: float, counter: Counter) -> Vector:
    v = np.zeros_like(b)
    for _ in range(steps):
        v = v - eta * (problem.inner_hvp(w, a, v) - b)
        counter.hvps += 1
    return v


def _cg(problem: BilevelProblem[Any], w: Vector, a: Vector, b: Vector, steps: int,
        counter: Counter) -> Vector:
    v = np.zeros_like(b)
    r = b.copy()
    d = r.copy()
    rr = float(r @ r)
    for _ in range(steps):
        if rr == 0.0:
            break
        hd = problem.inner_hvp(w, a, d)
        counter.hvps += 1
        step = rr / float(d @ hd)
        v = v + step * d
        r = r - step * hd
        rr_new = float(r @ r)
        d = r + (rr_new / rr) * d
        rr = rr_new
    return v


def aid_hypergradient(problem: BilevelProblem[Any], a: Vector, w0: Vector, steps: int,
                      solve_steps: int, eta: float, counter: Counter,
                      linear_solver: str = "neumann") -> tuple[Vector, Vector]:
    """Approximate implicit differentiation; returns (h, w_K)."""
    w_k = inner_gd(problem, a, w0, steps, eta, counter)[-1]
    with np.errstate(over="ignore", invalid="ignore"):
        b = problem.outer_grad_w(w_k, a)
        counter.gradients += 1
        if linear_solver == "cg":
            v = _cg(problem, w_k, a, b, solve_steps, counter)
        else:
            v = _neumann(problem, w_k, a, b, solve_steps, eta, counter)
        h = problem.outer_grad_alpha(w_k, a) - problem.inner_cross_hvp(w_k, a, v)
        counter.hvps += 1
    return h, w_k


@dataclass(frozen=True)
class DartsStep:
    """What one DARTS hypergradient evaluation produced besides h (its instrumentation).

    ``fd_hvp`` is the finite-difference Hessian-vector product the step computed and
    subtracted (xi times it), ``fd_v`` the direction v and ``fd_point`` the weights w it was
    centred at, so that a check can hold the step's own product against the exact one;
    ``fd_error`` is ||fd_hvp - grad^2_{aw} g(w) v||, the exact product taken from the
    problem's ground truth (:meth:`BilevelProblem.exact_cross_hvp`, not an oracle call).
    """

    train_gradient: Vector  # grad_w g(w, alpha) of the virtual step (zeros if first order)
    fd_error: float  # ||finite difference - grad^2_{aw} g(w) v|| (nan if first order)
    fd_eps: float
    fd_v_norm: float
    fd_hvp: Vector | None = None  # the finite difference itself (None if first order)
    fd_v: Vector | None = None
    fd_point: Vector | None = None


def darts_hypergradient(problem: BilevelProblem[Any], a: Vector, w: Vector, xi: float,
                        fd_epsilon: float, counter: Counter,
                        second_order: bool) -> tuple[Vector, DartsStep]:
    """DARTS's architecture gradient at weights w (Liu et al. 2019, Sec. 2.3)."""
    if not second_order:
        counter.gradients += 1  # one backward of L_val gives grad_a f
        return problem.outer_grad_alpha(w, a), DartsStep(np.zeros_like(w), float("nan"),
                                                         float("nan"), float("nan"))
    g_w = problem.inner_grad_w(w, a)
    counter.gradients += 1
    w_virtual = w - xi * g_w
    h = problem.outer_grad_alpha(w_virtual, a).copy()
    v = problem.outer_grad_w(w_virtual, a)
    counter.gradients += 1
    v_norm = float(np.linalg.norm(v))
    eps = fd_epsilon / v_norm if v_norm > 0 else fd_epsilon
    g_plus = problem.inner_grad_alpha(w + eps * v, a)
    g_minus = problem.inner_grad_alpha(w - eps * v, a)
    counter.gradients += 2
    fd = (g_plus - g_minus) / (2 * eps)
    h -= xi * fd
    # instrumentation: the exact product from the problem's ground truth (not an oracle)
    error = float(np.linalg.norm(fd - problem.exact_cross_hvp(w, a, v)))
    return h, DartsStep(g_w, error, eps, v_norm, fd, v, w)


@dataclass(frozen=True)
class HypergradientDescentConfig(Config):
    steps: int = field(default=50, metadata={"help": "number of outer steps N"})
    method: str = field(default="itd", metadata={"help": "hypergradient: " + ", ".join(METHODS)})
    inner_steps: int = field(default=20, metadata={"help": "inner GD steps K (itd, aid-*)"})
    solve_steps: int = field(default=20, metadata={
        "help": "linear-solver steps M (aid-neumann, aid-cg)"})
    inner_step_size: float = field(default=1.0, metadata={
        "help": "inner GD step (and DARTS weight step), in units of 1/L"})
    outer_step_size: float = field(default=1.0, metadata={
        "help": "outer step, in units of 1/L_F"})
    warm_start: bool = field(default=False, metadata={
        "help": "itd/aid: start the inner GD at the previous w_K instead of w_0"})
    xi: float = field(default=1.0, metadata={
        "help": "DARTS virtual step xi, in units of 1/L (fd-hvp)"})
    fd_epsilon: float = field(default=0.01, metadata={
        "help": "DARTS finite-difference scale: eps = fd_epsilon / ||v||"})
    reuse_train_gradient: bool = field(default=False, metadata={
        "help": "fd-hvp: take the weight step with the virtual step's gradient (at the old "
                "alpha) instead of recomputing it"})
    RULES: ClassVar[tuple[Rule, ...]] = (
        Rule("steps >= 0", ("steps",), lambda c: c.steps >= 0),
        choices("method", METHODS),
        Rule("inner_steps >= 0", ("inner_steps",), lambda c: c.inner_steps >= 0),
        Rule("solve_steps >= 0", ("solve_steps",), lambda c: c.solve_steps >= 0),
        Rule("inner_step_size > 0", ("inner_step_size",), lambda c: c.inner_step_size > 0),
        Rule("outer_step_size > 0", ("outer_step_size",), lambda c: c.outer_step_size > 0),
        Rule("xi >= 0", ("xi",), lambda c: c.xi >= 0),
        Rule("fd_epsilon > 0", ("fd_epsilon",), lambda c: c.fd_epsilon > 0),
    )


class HypergradientDescent(Solver[HypergradientDescentConfig]):
    """Hypergradient descent with the hypergradient methods of the module docstring."""

    name = "hypergradient-descent"
    Config = HypergradientDescentConfig
    problem_kinds = ("bilevel",)

    def hypergradient(self, problem: BilevelProblem[Any], a: Vector, w: Vector,
                      counter: Counter) -> tuple[Vector, Vector, DartsStep | None]:
        """(h, the weights it used, DARTS details) for one outer step."""
        cfg = self.config
        eta = cfg.inner_step_size / problem.L
        if cfg.method == "exact":
            return problem.hypergradient(a), problem.inner_solution(a), None
        if cfg.method == "itd":
            h, w_k = itd_hypergradient(problem, a, w, cfg.inner_steps, eta, counter)
            return h, w_k, None
        if cfg.method in ("aid-neumann", "aid-cg"):
            h, w_k = aid_hypergradient(problem, a, w, cfg.inner_steps, cfg.solve_steps, eta,
                                       counter, cfg.method.removeprefix("aid-"))
            return h, w_k, None
        xi = cfg.xi / problem.L
        h, info = darts_hypergradient(problem, a, w, xi, cfg.fd_epsilon, counter,
                                      second_order=cfg.method == "fd-hvp")
        return h, w, info

    def _run(self, problem: Problem, rng: np.random.Generator,
             recorder: TraceRecorder) -> None:
        assert isinstance(problem, BilevelProblem)
        cfg = self.config
        assert isinstance(cfg, HypergradientDescentConfig)
        darts = cfg.method in ("darts-first-order", "fd-hvp")
        alpha_rng, w_rng = (np.random.default_rng(s) for s in
                            rng.bit_generator.seed_seq.spawn(2))  # type: ignore[attr-defined]
        a = problem.initial_alpha(alpha_rng)
        w_start = problem.initial_w(w_rng)
        w = w_start
        step = cfg.outer_step_size / problem.outer_L
        eta = cfg.inner_step_size / problem.L
        f0 = problem.value(a)
        total = 0
        grad_counts: list[int] = []
        hvp_counts: list[int] = []
        min_grad_sq = np.inf
        max_error = 0.0
        for k in range(cfg.steps + 1):
            counter = Counter()
            with np.errstate(over="ignore", invalid="ignore"):
                h, w_used, info = self.hypergradient(problem, a, w, counter)
                exact = problem.hypergradient(a)
                fa = problem.value(a)
                error = float(np.linalg.norm(h - exact))
                w_star = problem.inner_solution(a)
                a_next = a - step * h
                if darts:  # the weight step of this row, at the new alpha
                    alpha_w = a_next if k < cfg.steps else a
                    if cfg.reuse_train_gradient and info is not None \
                            and cfg.method == "fd-hvp":
                        g_w = info.train_gradient
                    else:
                        g_w = problem.inner_grad_w(w, alpha_w)
                        counter.gradients += 1
                    w = w - eta * g_w
                elif cfg.warm_start:
                    w = w_used
            with np.errstate(over="ignore", invalid="ignore"):
                grad_sq = float(exact @ exact)
                h_norm = float(np.linalg.norm(h))
                dist = float(np.linalg.norm(w_used - w_star))
            total += counter.gradients
            grad_counts.append(counter.gradients)
            hvp_counts.append(counter.hvps)
            min_grad_sq = min(min_grad_sq, grad_sq)
            max_error = max(max_error, error) if np.isfinite(error) else np.inf
            recorder.record(
                k, total, F=fa, grad_norm_sq=grad_sq, hypergradient_error=error,
                hypergradient_norm=h_norm, inner_dist=dist,
                grad_evals=counter.gradients, hvp_evals=counter.hvps,
                fd_error=info.fd_error if info is not None else float("nan"),
                fd_eps=info.fd_eps if info is not None else float("nan"),
                fd_v_norm=info.fd_v_norm if info is not None else float("nan"),
                outer_step=step)
            if not (np.isfinite(fa) and np.all(np.isfinite(h))):
                break
            if k < cfg.steps:
                a = a_next
        f_star = problem.F_star
        constant = len(set(grad_counts)) == 1
        recorder.set_summary(
            F0=f0, F_star=float("nan") if f_star is None else f_star,
            Delta=float("nan") if f_star is None else f0 - f_star,
            L_F=problem.outer_L, outer_step=step, inner_step=eta,
            min_grad_norm_sq=min_grad_sq, max_hypergradient_error=max_error,
            gradient_evaluations_per_step=float(grad_counts[0]) if constant else float("nan"),
            hvp_evaluations_per_step=float(hvp_counts[0]) if len(set(hvp_counts)) == 1
            else float("nan"),
            w0_norm=float(np.linalg.norm(w_start)))
