"""Symbolic proofs of the hybrid family's claims (the shipped hybrid optimiser,
``theory.bounds.hybrid``), step by step.

Not the nsga2-extra family (NSGA-II with extra candidates, ``symbolic_nsga2_extra``). Each
check is a chain of certified steps (:class:`proofs_checks.proofs.symbolic._Proof`); facts
taken from elsewhere enter as substitutions with a nonnegative slack and are named in the
step's reason. Every check takes the catalogue's expression or constant as a keyword
argument, so a wrong one passed in makes it fail (``tests/test_hybrid.py``):

1. ``hybrid.front-kept``: the count of front cells outside the allowed space is bounded by
   the front cells of an earlier prune that used a pruned operation (dominance persists),
   which protection makes 0; and an exhaustive model check of the induction on a small
   universe, against *any* choice of unprotected operations (the rule's choice is a special
   case), which finds a counterexample as soon as protection is dropped;
2. ``hybrid.armijo-step``: the descent lemma step -eta + L eta^2/2 <= -c eta for eta <=
   2(1-c)/L (so the Armijo test with c = 1/2 accepts every eta <= 1/L), and the exit of
   backtracking at >= min(eta_0, 2 beta (1-c)/L), in each of its three cases;
3. ``hybrid.rbf-curvature``: the Hessian of k(p) = exp(-|x - p|^2/(2 l^2)) is
   k [(x-p)(x-p)^T / l^4 - I / l^2] (entries, two dimensions), and sup_{r>=0}
   exp(-r^2/2)|r^2 - 1| = 1 (attained at r = 0), exp(-r^2/2) <= 1: |Hess k| <= 1/l^2;
4. ``hybrid.rbf-gradient``: sup_d |d| exp(-d^2/(2 l^2)) = l/sqrt(e) (attained at |d| = l);
5. ``hybrid.softmax-hessian``: for three operations, the Hessian of <g, softmax(a)> with g
   fixed is diag(v) - v p^T - p v^T, v = p (g - <g, p>) (every entry), its norm is <=
   3 max_j |g_j - <g, p>|, and the softmax Jacobian diag(p) - p p^T has norm <= 1/2;
6. ``hybrid.smoothness``: the assembly |Hess s| <= |J|^2 |Hess h| + max_e |B_e| <= L_h/4 +
   3 max_e R_e = L_cert, and R_e itself, sharp in every premise.

``all_symbolic_checks()`` runs them all (a few seconds).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Final

import numpy as np
import sympy as sp

from proofs_checks.proofs.symbolic import Chain, Link, SymbolicCheck, _Proof
from theory.bounds.hybrid import (
    ARMIJO_BETA,
    ARMIJO_C,
    EDGE_TERM,
    GP_CURVATURE_TERM,
    HYBRID_ARMIJO_STEP,
    HYBRID_DESCENT_LEMMA,
    HYBRID_FRONT_KEPT,
    LIPSCHITZ_CERTIFIED,
    L_h,
    R_max,
    c_0,
    cost_range,
    eta_0,
    length_scale,
    weight_norm,
)
from theory.symbols import L

__all__ = [
    "CHECKS",
    "RBF_CURVATURE",
    "RBF_GRADIENT",
    "SOFTMAX_BLOCK",
    "SOFTMAX_JACOBIAN",
    "all_symbolic_checks",
    "check_armijo_step",
    "check_front_kept",
    "check_rbf_curvature",
    "check_rbf_gradient",
    "check_smoothness_assembly",
    "check_softmax_hessian",
    "front_kept_model_check",
]

_REFINE_IDS = (HYBRID_ARMIJO_STEP.id, HYBRID_DESCENT_LEMMA.id)

#: the constants the proofs establish (theory.bounds.hybrid's module docstring): the bound of
#: exp(-r^2/2)|r^2 - 1|, the factor of l in sup d exp(-d^2/(2 l^2)), the softmax Hessian
#: block's factor and the softmax Jacobian's norm
RBF_CURVATURE: Final = sp.Integer(1)
RBF_GRADIENT: Final = 1 / sp.sqrt(sp.E)
SOFTMAX_BLOCK: Final = sp.Integer(3)
SOFTMAX_JACOBIAN: Final = sp.Rational(1, 2)

# -- auxiliary symbols ---------------------------------------------------------------------
_s1, _s2, _s3, _s4, _s5 = sp.symbols("s1 s2 s3 s4 s5", nonnegative=True)  # premise slacks
_u = sp.Symbol("u", nonnegative=True)  # eta = eta_max/(1+u) in (0, eta_max]
_w, _w2 = sp.symbols("w w2", nonnegative=True)  # slack of a lower end: x = x_min + w
_q = sp.Symbol("q", nonnegative=True)  # rho = q/(1+q) in [0, 1)
_t = sp.Symbol("t", nonnegative=True)  # a nonnegative real (rho - 1, or |d|/l)
_f_x = sp.Symbol("f_x", real=True)  # s(alpha)
_f_plus = sp.Symbol("f_plus", real=True)  # s(alpha - eta g)
_grad_sq = sp.Symbol("G", nonnegative=True)  # |g|^2
_eta = sp.Symbol("eta", positive=True)  # a trial step
_eta_acc = sp.Symbol("eta_acc", positive=True)  # the accepted step
_eta_rej = sp.Symbol("eta_r", positive=True)  # the last rejected step
_rho = sp.Symbol("rho", nonnegative=True)  # r^2 = |x - p|^2 / l^2
_big_e = sp.Symbol("E", positive=True)  # an exponential written as a symbol
_l = length_scale  # the GP's length scale
_d = sp.Symbol("d", nonnegative=True)  # |x_ij - p_j|
_m = sp.Symbol("M", nonnegative=True)  # max_j |g_j - <g, p>|
_count = sp.symbols("N_t N_after N_before N_tau", integer=True, nonnegative=True)


# =========================================================================================
# 1. hybrid.pruning.front-kept
# =========================================================================================
Vector = tuple[int, ...]
Cell = tuple[int, ...]


def _dominates(a: Vector, b: Vector) -> bool:
    return all(x <= y for x, y in zip(a, b, strict=True)) and a != b


def _front(queried: Sequence[tuple[Cell, Vector]]) -> list[Cell]:
    return [cell for cell, vector in queried
            if not any(_dominates(other, vector) for _, other in queried)]


def _removals(allowed: frozenset[tuple[int, int]], protected: set[tuple[int, int]],
              n_edges: int) -> Iterator[frozenset[tuple[int, int]]]:
    """Every nonempty set of unprotected allowed (edge, op) whose removal leaves each edge
    at least one operation."""
    candidates = sorted(allowed - protected)
    for size in range(1, len(candidates) + 1):
        for chosen in itertools.combinations(candidates, size):
            left = allowed - set(chosen)
            if all(any(e == edge for e, _ in left) for edge in range(n_edges)):
                yield frozenset(chosen)


def front_kept_model_check(n_edges: int = 2, n_ops: int = 2, levels: int = 2,
                           max_queries: int = 4, max_prunes: int = 2,
                           protect: bool = True) -> tuple[int, str | None]:
    """Every run on a small universe, pruning adversarially; (states, first violation).

    A run queries distinct allowed cells with any objective vector in {0..levels-1}^2 (ties
    allowed) and, between queries, prunes any nonempty set of allowed operations that no
    cell of the queried front uses (all of them when ``protect`` is False), keeping one per
    edge. After every event the front cells using a pruned operation are counted. An
    independent re-implementation: nothing of ``solvers`` is used.
    """
    cells = list(itertools.product(range(n_ops), repeat=n_edges))
    vectors = list(itertools.product(range(levels), repeat=2))
    full = frozenset((e, o) for e in range(n_edges) for o in range(n_ops))
    states = 0

    def violation(queried: list[tuple[Cell, Vector]], allowed: frozenset[tuple[int, int]]
                  ) -> str | None:
        bad = [c for c in _front(queried) if any((e, o) not in allowed
                                                 for e, o in enumerate(c))]
        return None if not bad else f"queried {queried}, allowed {sorted(allowed)}: {bad}"

    def visit(queried: list[tuple[Cell, Vector]], allowed: frozenset[tuple[int, int]],
              prunes: int, last_was_prune: bool) -> str | None:
        nonlocal states
        states += 1
        found = violation(queried, allowed)
        if found is not None:
            return found
        if queried and prunes < max_prunes and not last_was_prune:
            protected = {(e, o) for c in _front(queried) for e, o in enumerate(c)} \
                if protect else set()
            for removed in _removals(allowed, protected, n_edges):
                found = visit(queried, allowed - removed, prunes + 1, True)
                if found is not None:
                    return found
        if len(queried) < max_queries:
            seen = {c for c, _ in queried}
            for cell in cells:
                if cell in seen or any((e, o) not in allowed for e, o in enumerate(cell)):
                    continue  # pruned operations are never queried again
                for vector in vectors:
                    found = visit([*queried, (cell, vector)], allowed, prunes, False)
                    if found is not None:
                        return found
        return None

    found = visit([], full, 0, False)
    return states, found


def check_front_kept(claimed: sp.Expr = HYBRID_FRONT_KEPT.expression,
                     protect: bool = True) -> SymbolicCheck:
    """Front cells outside the allowed space <= front cells of an earlier prune using a
    pruned operation = 0; and the induction checked on every run of a small universe."""
    p = _Proof("hybrid.front-kept", (HYBRID_FRONT_KEPT.id,),
               "at every time t, a front cell using an operation pruned at tau <= t was queried"
               " before tau (pruned-never-queried) and, as it is non-dominated at t, was "
               "non-dominated at tau (dominance by queried cells persists); front-protected "
               "forbids pruning its operation at tau, so no such cell exists")
    n_t, n_after, n_before, n_tau = _count
    p.chain(Chain.of(
        "front cells using a pruned operation at time t", n_t,
        Link("<=", n_after + n_before, "each such cell, for its operation pruned at tau, was "
             "queried after tau (N_after) or before (N_before)",
             domain={n_t: n_after + n_before - _s1}),
        Link("==", n_before, "pruned-never-queried: no cell queried after tau uses an "
             "operation pruned at tau", domain={n_after: 0}),
        Link("<=", n_tau, "a cell queried before tau that is non-dominated at t >= tau was "
             "non-dominated at tau: had a queried y dominated it at tau, y would dominate it "
             "at t (the queried set only grows); N_tau counts the cells of F_tau using an "
             "operation pruned at tau", domain={n_before: n_tau - _s2}),
        Link("<=", claimed, "front-protected: the operations of F_tau's cells are not pruned "
             "at tau", domain={n_tau: 0})))
    states, found = front_kept_model_check(protect=protect)
    p.fact("every run on 2 edges x 2 operations, objective vectors in {0,1}^2, <= 4 queries "
           "and <= 2 prunes of any unprotected operations (an independent re-implementation)",
           found is None, f"{states} states, no front cell outside the allowed space"
           if found is None else f"counterexample: {found}")
    p.note("the rule's own choice (the unprotected operation with a dominated marginal ideal "
           "point and the worst mean rank, and the local_top protection) is one of the "
           "choices the model check ranges over")
    return p.done()


# =========================================================================================
# 2. hybrid.refine.armijo-step
# =========================================================================================
def check_armijo_step(claimed: sp.Expr = HYBRID_ARMIJO_STEP.expression,
                      c_value: sp.Expr = ARMIJO_C, beta_value: sp.Expr = ARMIJO_BETA
                      ) -> SymbolicCheck:
    """The Armijo test with c accepts every eta <= 2(1-c)/L; backtracking by beta from eta_0
    exits at eta >= min(eta_0, 2 beta (1-c)/L), the catalogue's expression at c, beta."""
    p = _Proof("hybrid.armijo-step", (HYBRID_ARMIJO_STEP.id,),
               "for L-smooth s, s(alpha - eta g) <= s(alpha) - eta (1 - L eta/2) |g|^2 <= "
               "s(alpha) - c eta |g|^2 when eta <= 2(1-c)/L (1/L at c = 1/2: -eta + L eta^2/2 "
               "<= -eta/2); so backtracking from eta_0 by beta exits at eta_0 or at beta eta_r "
               "with eta_r > 2(1-c)/L: eta >= min(eta_0, 2 beta (1-c)/L)")
    accept_max = 2 * (1 - c_value) / L
    exit_min = beta_value * accept_max
    p.chain(Chain.of(
        "Armijo test at a trial step eta <= 2(1-c)/L", _f_plus,
        Link("<=", _f_x - _eta * _grad_sq + L * _eta**2 * _grad_sq / 2,
             "Nesterov's Lemma 1.2.3 at y = alpha - eta g (premise f_plus = bound - s1)",
             domain={_f_plus: _f_x - _eta * _grad_sq + L * _eta**2 * _grad_sq / 2 - _s1}),
        Link("==", _f_x - _eta * (1 - L * _eta / 2) * _grad_sq, "collect eta |g|^2"),
        Link("<=", _f_x - c_value * _eta * _grad_sq,
             "eta (1 - L eta/2 - c) |g|^2 >= 0 for eta = 2(1-c)/(L(1+u)) <= 2(1-c)/L",
             domain={_eta: accept_max / (1 + _u)}),
        sharp={_s1: 0, _u: 0}))
    p.chain(Chain.of(
        "case eta_0 <= 2 beta (1-c)/L: accepted at once", _eta_acc,
        Link("==", eta_0, "eta_0 <= 2(1-c)/L passes the Armijo test (first chain)",
             domain={_eta_acc: eta_0}),
        Link(">=", claimed, "min(eta_0, .) = eta_0 when L = 2 beta (1-c)/(eta_0 (1+u)), "
             "i.e. eta_0 <= 2 beta (1-c)/L",
             domain={L: exit_min * L / (eta_0 * (1 + _u))})))
    p.chain(Chain.of(
        "case eta_0 > 2 beta (1-c)/L, accepted at once", _eta_acc,
        Link("==", eta_0, "the first trial passes", domain={_eta_acc: eta_0}),
        Link(">=", claimed, "eta_0 = 2 beta (1-c)/L + w: the minimum is 2 beta (1-c)/L <= "
             "eta_0", domain={eta_0: exit_min + _w2})))
    p.chain(Chain.of(
        "case backtracked: the last rejected step eta_r", _eta_acc,
        Link("==", beta_value * _eta_rej, "each rejection multiplies the step by beta",
             domain={_eta_acc: beta_value * _eta_rej}),
        Link(">=", exit_min, "eta_r was rejected, and every eta <= 2(1-c)/L passes (first "
             "chain): eta_r = 2(1-c)/L + w", domain={_eta_rej: accept_max + _w}),
        Link(">=", claimed, "eta_0 >= eta_r > 2(1-c)/L >= 2 beta (1-c)/L: the minimum is "
             "2 beta (1-c)/L", domain={eta_0: exit_min + _w2}),
        sharp={_w: 0, _w2: 0}))
    return p.done()


# =========================================================================================
# 3-4. the squared-exponential kernel's curvature and gradient
# =========================================================================================
def check_rbf_curvature(claimed: sp.Expr = RBF_CURVATURE) -> SymbolicCheck:
    """Hess_p exp(-|x-p|^2/(2l^2)) = k [(x-p)(x-p)^T/l^4 - I/l^2]; its eigenvalues are
    k (r^2 - 1)/l^2 and -k/l^2 with |.| <= claimed/l^2: sup exp(-r^2/2)|r^2 - 1| = 1."""
    p = _Proof("hybrid.rbf-curvature", _REFINE_IDS,
               "the squared-exponential kernel k(p) = exp(-|x - p|^2/(2 l^2)) has Hessian "
               "k [(x - p)(x - p)^T / l^4 - I / l^2], eigenvalues exp(-r^2/2)(r^2 - 1)/l^2 "
               "(along x - p, r = |x - p|/l) and -exp(-r^2/2)/l^2; sup_{r>=0} exp(-r^2/2) "
               "|r^2 - 1| = 1 at r = 0, so |Hess k| <= 1/l^2 and |Hess mu| <= sum_i |a_i|/l^2")
    x1, x2, p1, p2 = sp.symbols("x1 x2 p1 p2", real=True)
    kernel = sp.exp(-((x1 - p1) ** 2 + (x2 - p2) ** 2) / (2 * _l**2))
    diff = (x1 - p1, x2 - p2)
    for i, j in ((0, 0), (0, 1), (1, 1)):
        stated = kernel * (diff[i] * diff[j] / _l**4 - (1 if i == j else 0) / _l**2)
        p.equal(f"Hessian entry ({i + 1}, {j + 1}) in two dimensions",
                sp.Derivative(kernel, (p1, p2)[i], (p1, p2)[j]), stated)
    # rho = r^2; on [0, 1] |rho - 1| = 1 - rho, beyond 1 it is rho - 1
    p.chain(Chain.of(
        "exp(-rho/2) |rho - 1| on 0 <= rho <= 1", sp.exp(-_rho / 2) * (1 - _rho),
        Link("<=", 1 - _rho, "exp(-rho/2) <= 1 for rho >= 0 (premise exp(-rho/2) = 1 - s1) "
             "and 1 - rho >= 0", domain={sp.exp(-_rho / 2): 1 - _s1, _rho: _q / (1 + _q)}),
        Link("<=", claimed, "rho >= 0", domain={_rho: _q / (1 + _q)}),
        sharp={_s1: 0, _q: 0}))
    p.chain(Chain.of(
        "exp(-rho/2) |rho - 1| on rho >= 1", sp.exp(-_rho / 2) * (_rho - 1),
        Link("==", sp.exp(-sp.Rational(3, 2)) * (_rho - 1) / _big_e,
             "E = exp((rho - 3)/2)", domain={_big_e: sp.exp((_rho - 3) / 2)}),
        Link("<=", 2 * sp.exp(-sp.Rational(3, 2)), "exp(y) >= 1 + y (convexity), y = "
             "(rho - 3)/2: E = (rho - 1)/2 + s1; rho = 1 + t",
             domain={_big_e: (_rho - 1) / 2 + _s1, _rho: 1 + _t}),
        Link("<", claimed, "2 exp(-3/2) = 0.446... < 1 (interval evaluation)")))
    p.chain(Chain.of(
        "the other eigenvalue: exp(-rho/2)", sp.exp(-_rho / 2),
        Link("<=", sp.Integer(1) - _s1, "exp(-rho/2) <= 1 for rho >= 0 (premise s1 >= 0)",
             domain={sp.exp(-_rho / 2): 1 - _s1}),
        Link("<=", claimed, "s1 >= 0")))
    return p.done()


def check_rbf_gradient(claimed: sp.Expr = RBF_GRADIENT) -> SymbolicCheck:
    """sup_{d>=0} d exp(-d^2/(2 l^2)) = l/sqrt(e), at d = l (claimed is the factor of l)."""
    p = _Proof("hybrid.rbf-gradient", _REFINE_IDS,
               "d exp(-d^2/(2 l^2)) <= l/sqrt(e) for every d >= 0 with equality at d = l, so "
               "|d mu/d p_j| <= sum_i |a_i| |x_ij - p_j| exp(-|x_i - p|^2/(2 l^2)) / l^2 <= "
               "sum_i |a_i| / (l sqrt(e))")
    p.chain(Chain.of(
        "d exp(-d^2/(2 l^2)), d >= 0", _d * sp.exp(-_d**2 / (2 * _l**2)),
        Link("==", _l * _t * sp.exp(-_t**2 / 2), "d = l t", domain={_d: _l * _t}),
        Link("==", _l * _t * sp.exp(-sp.Rational(1, 2)) / _big_e, "E = exp((t^2 - 1)/2)",
             domain={_big_e: sp.exp((_t**2 - 1) / 2)}),
        Link("<=", 2 * _l * _t * sp.exp(-sp.Rational(1, 2)) / (_t**2 + 1),
             "exp(y) >= 1 + y (convexity), y = (t^2 - 1)/2: E = (t^2 + 1)/2 + s1",
             domain={_big_e: (_t**2 + 1) / 2 + _s1}),
        Link("<=", claimed * _l, "2 t <= t^2 + 1, (t - 1)^2 >= 0"),
        sharp={_s1: 0, _t: 1}))
    return p.done()


# =========================================================================================
# 5. the softmax block: Hessian identity, its norm, the Jacobian's norm
# =========================================================================================
def check_softmax_hessian(claimed_factor: sp.Expr = SOFTMAX_BLOCK,
                          claimed_jacobian: sp.Expr = SOFTMAX_JACOBIAN, ops: int = 3,
                          samples: int = 2000) -> SymbolicCheck:
    """Hess_a <g, softmax(a)> = diag(v) - v p^T - p v^T (``ops`` operations, every entry);
    its norm <= 3 max_j |g_j - <g, p>|; |diag(p) - p p^T| <= 1/2."""
    p = _Proof("hybrid.softmax-hessian", _REFINE_IDS,
               "for g fixed and p = softmax(a), Hess_a <g, p> = diag(v) - v p^T - p v^T with "
               "v = p (g - <g, p>), of norm <= max_j |v_j| + 2 |v| |p| <= 3 max_j |g_j - <g, p>|;"
               " the Jacobian diag(p) - p p^T is positive semi-definite with norm <= 1/2")
    a = sp.symbols(f"a0:{ops}", real=True)
    g = sp.symbols(f"g0:{ops}", real=True)
    exps = [sp.exp(ai) for ai in a]
    total = sum(exps)
    prob = [e / total for e in exps]
    value = sum(gj * pj for gj, pj in zip(g, prob, strict=True))
    mean = sum(gj * pj for gj, pj in zip(g, prob, strict=True))
    v = [pj * (gj - mean) for gj, pj in zip(g, prob, strict=True)]
    for i, k in itertools.combinations_with_replacement(range(ops), 2):
        stated = (v[i] if i == k else 0) - v[i] * prob[k] - prob[i] * v[k]
        p.chain(Chain.of(
            f"Hessian entry ({i}, {k})", sp.Derivative(value, a[i], a[k]),
            Link("==", sp.Derivative(v[i], a[k]), "d<g, p>/da_i = p_i (g_i - <g, p>) = v_i"),
            Link("==", stated, "d p_i/d a_k = p_i (delta_ik - p_k)")))
    norm_b, diag_norm, v_norm, p_norm = sp.symbols("N_B D V P", nonnegative=True)
    p.chain(Chain.of(
        "|diag(v) - v p^T - p v^T|", norm_b,
        Link("<=", diag_norm + 2 * v_norm * p_norm, "triangle inequality; |v p^T| = |v| |p|",
             domain={norm_b: diag_norm + 2 * v_norm * p_norm - _s1}),
        Link("<=", _m + 2 * v_norm * p_norm, "|diag(v)| = max_j p_j |g_j - <g,p>| <= M "
             "(p_j <= 1)", domain={diag_norm: _m - _s2}),
        Link("<=", _m + 2 * _m * p_norm**2, "|v|^2 = sum_j p_j^2 (g_j - <g,p>)^2 <= M^2 |p|^2",
             domain={v_norm: _m * p_norm - _s3}),
        Link("<=", claimed_factor * _m, "|p|^2 = sum_j p_j^2 <= sum_j p_j = 1: |p| = 1/(1+s4)",
             domain={p_norm: 1 / (1 + _s4)})))
    lam, spread, upper, lower = sp.symbols("lambda R_u u_max u_min", real=True)
    p.chain(Chain.of(
        "u^T (diag(p) - p p^T) u for a unit vector u", lam,
        Link("<=", spread**2 / 4, "u^T J u = Var_p(u), the variance of u_j under p; "
             "Popoviciu: Var <= (max u - min u)^2/4", domain={lam: spread**2 / 4 - _s1}),
        Link("<=", (upper**2 + lower**2) / 2, "(a - b)^2 <= 2(a^2 + b^2): the difference is "
             "(a + b)^2/4", domain={spread: upper - lower}),
        Link("<=", claimed_jacobian, "u_max^2 + u_min^2 <= |u|^2 = 1 (two coordinates, or "
             "one when the range is 0)",
             domain={upper: sp.sqrt(1 - _s2 - lower**2)}),
        sharp={_s1: 0, _s2: 0, lower: -upper}))
    p.note("Var_p(u) >= 0, so the Jacobian is positive semi-definite and its norm is its "
           "largest eigenvalue, max over unit u of u^T J u <= 1/2; J is block-diagonal over "
           "the edges, so |J| <= 1/2 and |J^T H J| <= |H|/4")
    rng = np.random.default_rng(20261203)
    worst_b, worst_j = 0.0, 0.0
    for _ in range(samples):
        size = int(rng.integers(2, 6))
        probs = rng.dirichlet(np.full(size, float(rng.choice([0.1, 1.0, 10.0]))))
        weights = rng.standard_normal(size) * float(rng.choice([0.1, 1.0, 10.0]))
        centred = weights - probs @ weights
        vv = probs * centred
        block = np.diag(vv) - np.outer(vv, probs) - np.outer(probs, vv)
        jac = np.diag(probs) - np.outer(probs, probs)
        scale = float(np.abs(centred).max())
        if scale > 0:
            worst_b = max(worst_b, float(np.linalg.norm(block, 2)) / scale)
        worst_j = max(worst_j, float(np.linalg.norm(jac, 2)))
    factor, jac_bound = float(claimed_factor), float(claimed_jacobian)
    p.fact(f"{samples} random (p, g), 2-5 operations: |B| / max_j |g_j - <g,p>| and |J| "
           "(numerical spot check of the two norm bounds)",
           worst_b <= factor * (1 + 1e-9) and worst_j <= jac_bound * (1 + 1e-9),
           f"largest |B|/M = {worst_b:.4f} <= {factor:g}, largest |J| = {worst_j:.4f} "
           f"<= {jac_bound:g}")
    return p.done()


# =========================================================================================
# 6. the assembly of L_cert
# =========================================================================================
def check_smoothness_assembly(claimed: sp.Expr = LIPSCHITZ_CERTIFIED,
                              claimed_hessian: sp.Expr = GP_CURVATURE_TERM,
                              claimed_edge: sp.Expr = EDGE_TERM) -> SymbolicCheck:
    """|Hess s| <= |J|^2 |Hess h| + max_e |B_e| <= L_h/4 + 3 max_e R_e, with L_h =
    c_0 sum|a|/l^2 and R_e = 2 c_0 sum|a|/(l sqrt(e)) + range_o C[e, o]; sharp in every
    premise, so a weaker or stronger constant fails."""
    p = _Proof("hybrid.smoothness", _REFINE_IDS,
               "s(alpha) = h(p(alpha)) + const with h(p) = c_0 mu(p) + <C, p>; Hess s = J^T "
               "(Hess h) J + B, J = blockdiag(diag(p_e) - p_e p_e^T), B = blockdiag_e(Hess of "
               "<g_e, softmax(alpha_e)>) at g = grad_p h; |Hess s| <= |J|^2 |Hess h| + max_e "
               "|B_e| <= L_h/4 + 3 max_e R_e")
    norm_s, norm_j, norm_h, norm_b, m_max = sp.symbols("N_s N_J N_h N_B M_max",
                                                       nonnegative=True)
    p.chain(Chain.of(
        "|Hess s|", norm_s,
        Link("<=", norm_j**2 * norm_h + norm_b, "second-order chain rule through p(alpha) "
             "(B's entries: hybrid.softmax-hessian), triangle inequality, |J^T X J| <= "
             "|J|^2 |X|", domain={norm_s: norm_j**2 * norm_h + norm_b - _s1}),
        Link("<=", norm_h / 4 + norm_b, "|J| <= 1/2 (hybrid.softmax-hessian): |J| = "
             "1/(2(1+s2))", domain={norm_j: 1 / (2 * (1 + _s2))}),
        Link("<=", L_h / 4 + norm_b, "|Hess h| <= L_h (the chain below)",
             domain={norm_h: L_h - _s3}),
        Link("<=", L_h / 4 + 3 * m_max, "B is block-diagonal over the edges, |B_e| <= 3 "
             "max_j |g_{e,j} - <g_e, p_e>| = 3 M_e (hybrid.softmax-hessian)",
             domain={norm_b: 3 * m_max - _s4}),
        Link("<=", claimed, "M_e <= R_e (the last chain), so max_e M_e <= R_max",
             domain={m_max: R_max - _s5}),
        sharp={_s1: 0, _s2: 0, _s3: 0, _s4: 0, _s5: 0}))
    norm_mu, kernel_max = sp.symbols("N_mu K", nonnegative=True)
    p.chain(Chain.of(
        "|Hess h| in p", norm_h,
        Link("==", c_0 * norm_mu, "h = c_0 mu + <C, p>: the cost part is linear in p",
             domain={norm_h: c_0 * norm_mu}),
        Link("<=", c_0 * weight_norm * kernel_max, "mu = sum_i a_i k_i: |Hess mu| <= "
             "sum_i |a_i| max_i |Hess k_i|, A = sum_i |a_i|",
             domain={norm_mu: weight_norm * kernel_max - _s1}),
        Link("<=", claimed_hessian, "|Hess k_i| <= 1/l^2 (hybrid.rbf-curvature)",
             domain={kernel_max: 1 / length_scale**2 - _s2}),
        sharp={_s1: 0, _s2: 0}))
    g_range, g_mu, sup_grad = sp.symbols("Delta_g G_mu Q", nonnegative=True)
    m_e = sp.Symbol("M_e", nonnegative=True)
    p.chain(Chain.of(
        "M_e = max_j |g_j - <g, p>| on edge e", m_e,
        Link("<=", g_range, "<g, p> is a convex combination of the g_j (allowed operations): "
             "|g_j - <g, p>| <= max g - min g", domain={m_e: g_range - _s1}),
        Link("<=", 2 * c_0 * g_mu + cost_range, "g_j = c_0 d mu/d p_j + C[e, j]: range <= 2 "
             "c_0 sup_j |d mu/d p_j| + range_j C[e, j]",
             domain={g_range: 2 * c_0 * g_mu + cost_range - _s2}),
        Link("<=", 2 * c_0 * weight_norm * sup_grad / length_scale**2 + cost_range,
             "d mu/d p_j = sum_i a_i (x_ij - p_j) k_i / l^2 and k_i <= exp(-(x_ij - p_j)^2/"
             "(2 l^2)): |d mu/d p_j| <= sum_i |a_i| Q / l^2 with Q = sup_d d exp(-d^2/"
             "(2 l^2))", domain={g_mu: weight_norm * sup_grad / length_scale**2 - _s3}),
        Link("<=", claimed_edge, "Q <= l/sqrt(e) (hybrid.rbf-gradient)",
             domain={sup_grad: RBF_GRADIENT * length_scale - _s4}),
        sharp={_s1: 0, _s2: 0, _s3: 0, _s4: 0}))
    p.note("RelaxedScalarisation.lipschitz_bound computes L_h/4 + 3 max_e R_e with these "
           "terms; the hybrid family's checks recompute it from the expressions here")
    return p.done()


# -- the registry --------------------------------------------------------------------------
CHECKS: Final[tuple[Callable[[], SymbolicCheck], ...]] = (
    check_front_kept,
    check_armijo_step,
    check_rbf_curvature,
    check_rbf_gradient,
    check_softmax_hessian,
    check_smoothness_assembly,
)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every hybrid check with the catalogue's expressions."""
    return tuple(check() for check in CHECKS)
