"""Symbolic proofs of the bilevel family's derived constants (theory.bounds.bilevel).

One function per claim; each returns a :class:`proofs_checks.proofs.symbolic.SymbolicCheck` and
takes the catalogue's expression as a keyword argument (a wrong constant passed in must
make it fail; ``tests/test_bilevel.py`` does that for each). Steps are exact sympy
identities, sympy sums and integrals, or sign certificates (see ``proofs_checks.proofs.symbolic``);
matrix identities whose factors do not commute use noncommutative symbols, and the steps
that use a classical fact (triangle inequality, submultiplicativity of the operator norm,
the spectral theorem) say so in a ``note``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Final

import numpy as np
import sympy as sp

from proofs_checks.proofs.symbolic import CONSISTENCY, Chain, Link, SymbolicCheck, _Proof
from theory.bounds.bilevel import (
    AID_NEUMANN_ERROR,
    D0,
    DARTS_COST_RATIO,
    DARTS_FIRST_ORDER_ERROR,
    DARTS_GRADIENT_EVALUATIONS,
    DARTS_SECOND_ORDER_ERROR,
    FD_HVP_ERROR,
    HGD_INEXACT,
    HGD_ORDER,
    IFT_IDENTITY,
    ITD_ERROR,
    L_F,
    SUPERNET_MEMORY,
    B_batch,
    C_ch,
    Delta_F,
    Dt,
    E_edges,
    K_inner,
    M_solve,
    O_ops,
    S_side,
    e_max,
    eps,
    eta,
    norm_B,
    norm_gwf,
    norm_Q,
    q_factor,
    rho,
    second_order,
    v_norm,
    xi,
)
from theory.symbols import L, N_iter, mu

__all__ = [
    "CHECKS",
    "all_symbolic_checks",
    "check_aid_neumann_error",
    "check_darts_first_order_error",
    "check_darts_gradient_evaluations",
    "check_darts_second_order_error",
    "check_fd_hvp_error",
    "check_hgd_inexact",
    "check_ift_identity",
    "check_itd_error",
    "check_itd_jacobian",
    "check_sigmoid_third_derivative",
    "check_supernet_memory",
]

#: sup_z |sigma'''(z)| of the logistic sigma (the softplus coupling's fourth derivative)
SIGMOID_THIRD_SUP: Final = sp.Rational(1, 8)

_a = sp.Symbol("a", positive=True)  # an eigenvalue of A
_s = sp.Symbol("s", nonnegative=True)  # slack
_t = sp.Symbol("t", nonnegative=True)  # slack
_u = sp.Symbol("u", nonnegative=True)  # slack
_m = sp.Symbol("m", real=True)  # s(1 - s) of the sigmoid
_z = sp.Symbol("z", real=True)
_tt = sp.Symbol("t", real=True)  # integration variable
_grad_sq = sp.Symbol("G", nonnegative=True)  # ||grad F||^2
_err_sq = sp.Symbol("E", nonnegative=True)  # ||e||^2
_inner = sp.Symbol("I", real=True)  # <grad F, e>
_F = sp.Symbol("F", real=True)
_min = sp.Symbol("m_min", nonnegative=True)
_n = sp.Symbol("n", integer=True, positive=True)  # intermediate nodes of a DARTS cell
_i = sp.Symbol("i", integer=True, nonnegative=True)
_d = sp.Symbol("d", nonnegative=True)  # slack: L = mu + d
_s1, _s2, _s3, _s4 = sp.symbols("s1 s2 s3 s4", nonnegative=True)  # slacks of premises
_err = sp.Symbol("E_err", nonnegative=True)  # the error norm bounded
_fac = sp.Symbol("Z", nonnegative=True)  # ||B^T A^{-1}||, ||H^{-1}||, ||A^{-1} - xi I||
_part1, _part2 = sp.symbols("X Y", nonnegative=True)  # norms of the two error terms
_sup3 = sp.Symbol("M3", nonnegative=True)  # sup_t ||phi'''(t)||
_sum_g, _sum_e = sp.symbols("S_g S_e", nonnegative=True)  # sums of ||g_k||^2, ||e_k||^2
_drop = sp.Symbol("D_1", nonnegative=True)  # F(a_0) - F(a_{N+1})
_partial = sp.Symbol("S_K", real=True)  # the partial sum of the induction hypothesis
_ordered = {L: mu + _d}  # mu <= L, so q = 1 - mu/L = d/(mu + d) lies in [0, 1)


def _nc(*names: str) -> tuple[sp.Symbol, ...]:
    return tuple(sp.Symbol(name, commutative=False) for name in names)


def _nc_zero(expr: sp.Expr) -> bool:
    return bool(sp.expand(expr) == 0)


# =========================================================================================
# bilevel.hypergradient.ift-identity
# =========================================================================================
def check_ift_identity() -> SymbolicCheck:
    """The IFT formula equals grad F on the generic 2x2 bilevel quadratic."""
    p = _Proof("bilevel.ift-identity", (IFT_IDENTITY.id,), kind=CONSISTENCY, statement=
               "for g(w, a) = 1/2 w^T A w - w^T (B a + c), f = 1/2 (w - w_t)^T Q (w - w_t) "
               "+ lam/2 ||a||^2 with generic symmetric 2x2 A (invertible), Q and generic 2x2 "
               "B: d/da f(w*(a), a) = grad_a f - grad^2_{aw} g (grad^2_ww g)^{-1} grad_w f "
               "at w*(a) = A^{-1}(B a + c) (an instance: the formula re-evaluated on the "
               "generic quadratic, not a proof of the implicit function theorem)")
    a11, a12, a22, q11, q12, q22, lam = sp.symbols("a11 a12 a22 q11 q12 q22 lam", real=True)
    bs = sp.symbols("b11 b12 b21 b22", real=True)
    c1, c2, t1, t2 = sp.symbols("c1 c2 t1 t2", real=True)
    w1, w2, al1, al2 = sp.symbols("w1 w2 alpha1 alpha2", real=True)
    A = sp.Matrix([[a11, a12], [a12, a22]])
    Q = sp.Matrix([[q11, q12], [q12, q22]])
    B = sp.Matrix([[bs[0], bs[1]], [bs[2], bs[3]]])
    c, wt = sp.Matrix([c1, c2]), sp.Matrix([t1, t2])
    w, al = sp.Matrix([w1, w2]), sp.Matrix([al1, al2])
    g = (w.T * A * w / 2 - w.T * (B * al + c))[0, 0]
    f = ((w - wt).T * Q * (w - wt) / 2)[0, 0] + lam / 2 * (al.T * al)[0, 0]
    w_star = A.inv() * (B * al + c)
    stationary = sp.Matrix([sp.diff(g, v) for v in (w1, w2)]).subs(
        {w1: w_star[0], w2: w_star[1]})
    p.fact("grad_w g(w*(a), a) = 0", all(sp.simplify(e) == 0 for e in stationary),
           f"{[sp.simplify(e) for e in stationary]}")
    at_star = {w1: w_star[0], w2: w_star[1]}
    F = f.subs(at_star)
    grad_F = sp.Matrix([sp.diff(F, v) for v in (al1, al2)])
    hess_ww = sp.hessian(g, (w1, w2))
    cross = sp.Matrix(2, 2, lambda i, j: sp.diff(g, (al1, al2)[i], (w1, w2)[j]))
    grad_w_f = sp.Matrix([sp.diff(f, v) for v in (w1, w2)])
    grad_a_f = sp.Matrix([sp.diff(f, v) for v in (al1, al2)])
    formula = (grad_a_f - cross * hess_ww.inv() * grad_w_f).subs(at_star)
    difference = [sp.cancel(sp.together(e)) for e in grad_F - formula]
    p.fact("d/da F - formula == 0 (both components, rational functions cancelled)",
           all(e == 0 for e in difference), f"{difference}")
    p.fact("grad^2_{aw} g == -B^T", sp.Matrix(cross + B.T).is_zero_matrix is True,
           "entrywise")
    p.note("the general statement is the implicit function theorem applied to "
           "grad_w g(w*(a), a) = 0 with grad^2_ww g invertible (strong convexity)")
    return p.done()


# =========================================================================================
# ITD and AID on bilevel quadratics
# =========================================================================================
def check_itd_jacobian() -> SymbolicCheck:
    """dw_K/da = (I - P^K) A^{-1} B, on each eigenvalue a of A (P = I - eta A)."""
    p = _Proof("bilevel.itd-jacobian", (ITD_ERROR.id, AID_NEUMANN_ERROR.id),
               "S_K = sum_{j<K} eta (1 - eta a)^j equals (1 - (1 - eta a)^K)/a for every K >= 0"
               " (so the unrolled Jacobian sum_{j<K} P^j eta B is (I - P^K) A^{-1} B, and the "
               "Neumann iterate v_K from 0 is (I - P^K) A^{-1} b)")
    closed = (1 - (1 - eta * _a) ** K_inner) / _a
    p.equal("K = 0: empty sum", sp.Subs(closed, K_inner, 0), sp.Integer(0))
    p.chain(Chain.of(
        "induction step K -> K+1", _partial + eta * (1 - eta * _a) ** K_inner,
        Link("==", closed + eta * (1 - eta * _a) ** K_inner,
             "induction hypothesis S_K = (1 - (1 - eta a)^K)/a", domain={_partial: closed}),
        Link("==", closed.subs(K_inner, K_inner + 1),
             "(1 - eta a)^K (1 - (1 - eta a)) = eta a (1 - eta a)^K")))
    p.note("A is symmetric, so P and A^{-1} are polynomials in A diagonal in one basis: the "
           "matrix identity holds eigenvalue by eigenvalue")
    return p.done()


def _gd_contraction(p: _Proof) -> None:
    big_a, w, w_star = _nc("A", "w", "w_star")
    # with b = A w*: w - eta (A w - b) - w* = (I - eta A)(w - w*)
    lhs = w - eta * (big_a * w - big_a * w_star) - w_star
    rhs = (1 - eta * big_a) * (w - w_star)
    p.fact("one GD step: w - eta (A w - A w*) - w* == (I - eta A)(w - w*)",
           _nc_zero(lhs - rhs), "noncommutative expansion")
    p.note("hence w_K - w* = P^K (w_0 - w*) and, for the fixed-point solve with b = A v^, "
           "v_M - v^ = P^M (v_0 - v^)")
    # spectral bound: a in [mu, L] -> 0 <= 1 - a/L <= 1 - mu/L
    p.sign("1 - a/L >= 0 for a <= L (L = a + t)", 1 - _a / L, "nonnegative", {L: _a + _t})
    p.sign("(1 - mu/L) - (1 - a/L) >= 0 for a >= mu (a = mu + s)", q_factor - (1 - _a / L),
           "nonnegative", {_a: mu + _s})
    p.note("so ||P||_2 = max_a |1 - a/L| <= q = 1 - mu/L and ||A^{-1}||_2 = 1/lambda_min(A) "
           "<= 1/mu (spectral theorem)")


def check_itd_error(claimed: sp.Expr = ITD_ERROR.expression) -> SymbolicCheck:
    """||h_K - grad F|| <= (||B|| ||Q||/mu) q^K ((1 + q^K) D0 + Dt)."""
    p = _Proof("bilevel.itd-error", (ITD_ERROR.id,),
               "h_K - grad F = B^T A^{-1}[Q P^K (w_0 - w*) - P^K Q (w_K - w_t)], hence "
               "||h_K - grad F|| <= ||B|| ||Q||/mu * q^K ((1 + q^K) D0 + Dt)")
    p.note("h_K = lam a + B^T A^{-1} (I - P^K) Q (w_K - w_t) (bilevel.itd-jacobian) and "
           "grad F = lam a + B^T A^{-1} Q (w* - w_t)")
    q_mat, pk, wk, ws, wt, w0 = _nc("Q", "PK", "wK", "ws", "wt", "w0")
    one = sp.Integer(1)
    inner = (one - pk) * q_mat * (wk - wt) - q_mat * (ws - wt)
    split = q_mat * (wk - ws) - pk * q_mat * (wk - wt)
    p.fact("(I - P^K) Q (w_K - w_t) - Q (w* - w_t) == Q (w_K - w*) - P^K Q (w_K - w_t)",
           _nc_zero(inner - split), "noncommutative expansion")
    p.fact("with w_K - w* = P^K (w_0 - w*): == Q P^K (w_0 - w*) - P^K Q (w_K - w_t)",
           _nc_zero(split.subs(wk, ws + pk * (w0 - ws)) - (
               q_mat * pk * (w0 - ws) - pk * q_mat * (ws + pk * (w0 - ws) - wt))),
           "noncommutative expansion")
    _gd_contraction(p)
    p.note("norms: ||Q P^K (w_0 - w*)|| <= ||Q|| q^K D0; ||w_K - w_t|| <= q^K D0 + Dt "
           "(triangle inequality); ||B^T A^{-1}|| <= ||B||/mu (submultiplicativity)")
    q = q_factor
    p.chain(Chain.of(
        "||h_K - grad F||", _err,
        Link("<=", _fac * (_part1 + _part2), "the identity above, submultiplicativity and the "
             "triangle inequality: Z = ||B^T A^{-1}||, X = ||Q P^K (w_0 - w*)||, Y = "
             "||P^K Q (w_K - w_t)||", domain={_err: _fac * (_part1 + _part2) - _s1}),
        Link("<=", norm_B / mu * (_part1 + _part2), "Z <= ||B|| ||A^{-1}|| <= ||B||/mu, X + Y "
             ">= 0", domain={_fac: norm_B / mu - _s2}),
        Link("<=", claimed, "X <= ||Q|| q^K D0 and Y <= q^K ||Q|| (q^K D0 + Dt) (||P|| <= q, "
             "||w_K - w_t|| <= q^K D0 + Dt)",
             domain={_part1: norm_Q * q**K_inner * D0 - _s3,
                     _part2: q**K_inner * norm_Q * (q**K_inner * D0 + Dt) - _s4, **_ordered}),
        sharp={_s1: 0, _s2: 0, _s3: 0, _s4: 0}))
    return p.done()


def check_aid_neumann_error(claimed: sp.Expr = AID_NEUMANN_ERROR.expression,
                            itd: sp.Expr = ITD_ERROR.expression) -> SymbolicCheck:
    """AID with M fixed-point steps: (||B|| ||Q||/mu)(q^K D0 + q^M (q^K D0 + Dt))."""
    p = _Proof("bilevel.aid-neumann-error", (AID_NEUMANN_ERROR.id, ITD_ERROR.id),
               "h - grad F = B^T[(v_M - v^) + A^{-1} Q (w_K - w*)] with v^ = A^{-1} Q (w_K - "
               "w_t), v_M - v^ = -P^M v^; hence ||h - grad F|| <= ||B|| ||Q||/mu (q^K D0 + "
               "q^M (q^K D0 + Dt)), which at M = K is the ITD bound")
    ainv, q_mat, vm, wk, ws, wt = _nc("Ainv", "Q", "vM", "wK", "ws", "wt")
    v_hat = ainv * q_mat * (wk - wt)
    p.fact("v_M - A^{-1} Q (w* - w_t) == (v_M - v^) + A^{-1} Q (w_K - w*)",
           _nc_zero(vm - ainv * q_mat * (ws - wt) - ((vm - v_hat) + ainv * q_mat * (wk - ws))),
           "noncommutative expansion")
    _gd_contraction(p)
    p.note("v_0 = 0 gives ||v_M - v^|| <= q^M ||v^|| <= q^M ||Q|| (q^K D0 + Dt)/mu; "
           "||A^{-1} Q (w_K - w*)|| <= ||Q|| q^K D0/mu; the error is B^T times their sum")
    q = q_factor
    p.chain(Chain.of(
        "||h - grad F||", _err,
        Link("<=", norm_B * (_part1 + _part2), "the identity above, submultiplicativity and "
             "the triangle inequality: X = ||v_M - v^||, Y = ||A^{-1} Q (w_K - w*)||",
             domain={_err: norm_B * (_part1 + _part2) - _s1}),
        Link("<=", claimed, "X <= q^M ||Q|| (q^K D0 + Dt)/mu and Y <= ||Q|| q^K D0/mu",
             domain={_part1: q**M_solve * norm_Q * (q**K_inner * D0 + Dt) / mu - _s2,
                     _part2: norm_Q * q**K_inner * D0 / mu - _s3, **_ordered}),
        sharp={_s1: 0, _s2: 0, _s3: 0}))
    p.equal("at M = K the AID-Neumann bound is the ITD bound",
            sp.Subs(claimed, M_solve, K_inner), itd)
    return p.done()


# =========================================================================================
# bilevel.darts.fd-hvp-error
# =========================================================================================
def check_sigmoid_third_derivative(claimed_sup: sp.Expr = SIGMOID_THIRD_SUP) -> SymbolicCheck:
    """sup |sigma'''| = 1/8, attained at z = 0 (the softplus coupling's fourth derivative)."""
    p = _Proof("bilevel.sigmoid-third-derivative", (FD_HVP_ERROR.id,),
               "sigma(z) = 1/(1 + e^-z): sigma''' = m (1 - 6 m) with m = sigma (1 - sigma) in "
               "(0, 1/4], so |sigma'''| <= 1/8, with equality at z = 0")
    sig = 1 / (1 + sp.exp(-_z))
    third = sp.diff(sig, _z, 3)
    m_of_z = sig * (1 - sig)
    s_real = sp.Symbol("sigma", real=True)
    p.equal("1/4 - s (1 - s) == (s - 1/2)^2", sp.Rational(1, 4) - s_real * (1 - s_real),
            (s_real - sp.Rational(1, 2)) ** 2)
    p.chain(Chain.of(
        "sigma''' <= sup", sp.Derivative(sig, (_z, 3)),
        Link("==", _m * (1 - 6 * _m), "m = sigma (1 - sigma)", domain={_m: m_of_z}),
        Link("==", sp.Rational(1, 24) - 6 * (_m - sp.Rational(1, 12)) ** 2,
             "completing the square"),
        Link("<=", claimed_sup, "a square is >= 0 and 1/24 <= the sup")))
    p.chain(Chain.of(
        "-sigma''' <= sup", -sp.Derivative(sig, (_z, 3)),
        Link("==", -_m * (1 - 6 * _m), "m = sigma (1 - sigma)", domain={_m: m_of_z}),
        Link("<=", claimed_sup, "m in (0, 1/4] (1/4 - m = (sigma - 1/2)^2), written "
             "m = 1/(4 (1 + u))", domain={_m: 1 / (4 * (1 + _u))})))
    p.equal("attained: sigma'''(0) == -1/8", sp.Subs(third, _z, 0), -claimed_sup)
    return p.done()


def check_fd_hvp_error(claimed: sp.Expr = FD_HVP_ERROR.expression) -> SymbolicCheck:
    """Central difference of grad_a g along v: error <= rho eps^2 ||v||^3 / 6."""
    p = _Proof("bilevel.fd-hvp-error", (FD_HVP_ERROR.id,),
               "with phi(t) = grad_a g(w + t v, a): phi(eps) - phi(-eps) - 2 eps phi'(0) = "
               "int_0^eps (eps-t)^2/2 phi''' dt + int_{-eps}^0 (eps+t)^2/2 phi''' dt, "
               "||phi'''|| <= rho ||v||^3, so ||FD - grad^2_{aw} g v|| <= rho eps^2 ||v||^3/6")
    coeffs = sp.symbols("k0:6", real=True)
    phi = sum(c * _tt**j for j, c in enumerate(coeffs))
    third = sp.diff(phi, _tt, 3)
    lhs = phi.subs(_tt, eps) - phi.subs(_tt, -eps) - 2 * eps * sp.diff(phi, _tt).subs(_tt, 0)
    tau = sp.Symbol("tau", real=True)
    remainder = (sp.integrate((eps - tau) ** 2 / 2 * third.subs(_tt, tau), (tau, 0, eps))
                 + sp.integrate((eps + tau) ** 2 / 2 * third.subs(_tt, tau), (tau, -eps, 0)))
    p.equal("integral-remainder identity on a generic quintic", lhs, remainder)
    p.note("the identity is Taylor's theorem with integral remainder applied at 0 towards "
           "+eps and -eps (valid for every C^3 phi; the quintic is a consistency check)")
    weights = (sp.Integral((eps - tau) ** 2 / 2, (tau, 0, eps))
               + sp.Integral((eps + tau) ** 2 / 2, (tau, -eps, 0)))
    p.chain(Chain.of(
        "||FD - grad^2_{aw} g v||", _err,
        Link("<=", weights * _sup3 / (2 * eps), "the remainder identity (checked above), the "
             "norm of an integral is at most the integral of the norm; M3 = sup ||phi'''||",
             domain={_err: weights * _sup3 / (2 * eps) - _s1}),
        Link("<=", weights * rho * v_norm**3 / (2 * eps), "||phi'''(t)|| = ||D^3_w grad_a g "
             "[v, v, v]|| <= rho ||v||^3 and the weights are >= 0",
             domain={_sup3: rho * v_norm**3 - _s2}),
        Link("==", claimed, "both weights integrate to eps^3/6"),
        sharp={_s1: 0, _s2: 0}))
    cubic = rho * v_norm**3 * _tt**3 / 6  # phi''' == rho ||v||^3 exactly
    central = (sp.Subs(cubic, _tt, eps) - sp.Subs(cubic, _tt, -eps)) / (2 * eps)
    p.equal("attained when phi''' is constant rho ||v||^3 (a cubic)",
            central - sp.Subs(sp.Derivative(cubic, _tt), _tt, 0), claimed)
    x, y, z = sp.symbols("x y z", real=True)
    p.sign("(x^2 + y^2 + z^2)^3 - x^6 - y^6 - z^6 >= 0 (so ||x||_6^3 <= ||x||_2^3)",
           (x**2 + y**2 + z**2) ** 3 - x**6 - y**6 - z**6, "nonnegative")
    p.note("for the softplus coupling D^3_w grad_a g [v,v,v]_i = gamma sigma'''(z_i) (u_i^T v)^3,"
           " so its norm is <= gamma/8 ||U v||_6^3 <= gamma/8 ||U||^3 ||v||^3: rho = "
           "gamma ||U||^3 / 8 (bilevel.sigmoid-third-derivative)")
    return p.done()


# =========================================================================================
# bilevel.hgd.inexact-min-grad-norm (and the order statement it makes explicit)
# =========================================================================================
def check_hgd_inexact(claimed: sp.Expr = HGD_INEXACT.expression) -> SymbolicCheck:
    """min_k ||grad F(a_k)||^2 <= 2 L_F Delta_F/(N+1) + e_max^2."""
    p = _Proof("bilevel.hgd-inexact", (HGD_INEXACT.id, HGD_ORDER.id),
               "a+ = a - (g + e)/L_F on L_F-smooth F: F(a+) <= F(a) - (||g||^2 - ||e||^2)/(2 L_F);"
               " summed over k = 0..N: (N+1) min_k ||g_k||^2 <= 2 L_F Delta_F + (N+1) e_max^2")
    step = -(_grad_sq + _inner) / L_F + (_grad_sq + 2 * _inner + _err_sq) / (2 * L_F)
    p.equal("<g, a+ - a> + L_F/2 ||a+ - a||^2 == -(||g||^2 - ||e||^2)/(2 L_F)", step,
            -(_grad_sq - _err_sq) / (2 * L_F))
    p.note("descent lemma (Nesterov 2004, Lemma 1.2.3); the sum telescopes to F(a_0) - "
           "F(a_{N+1}) <= Delta_F (a_{N+1} the virtual step after the last row)")
    p.chain(Chain.of(
        "min_k ||grad F(a_k)||^2", _min,
        Link("<=", _sum_g / (N_iter + 1), "a minimum is at most the mean of the N+1 values",
             domain={_min: _sum_g / (N_iter + 1) - _s1}),
        Link("<=", (2 * L_F * _drop + _sum_e) / (N_iter + 1), "the descent inequality "
             "||g_k||^2 <= 2 L_F (F(a_k) - F(a_{k+1})) + ||e_k||^2, summed and telescoped",
             domain={_sum_g: 2 * L_F * _drop + _sum_e - _s2}),
        Link("<=", claimed, "F(a_0) - F(a_{N+1}) <= Delta_F and ||e_k|| <= e_max",
             domain={_drop: Delta_F - _s3, _sum_e: (N_iter + 1) * e_max**2 - _s4}),
        sharp={_s1: 0, _s2: 0, _s3: 0, _s4: 0}))
    p.note("order statement: with e_max^2 <= C^2 q^{2 K_N} <= C^2/N (bilevel.itd-error) the "
           "bound is O(1/N)")
    p.sign("2 L_F Delta_F/(N+1) + C^2/N <= (2 L_F Delta_F + C^2)/N", (
        (2 * L_F * Delta_F + _s) / N_iter - (2 * L_F * Delta_F / (N_iter + 1) + _s / N_iter)
    ), "nonnegative", {N_iter: 1 + _u})
    return p.done()


# =========================================================================================
# DARTS's first- and second-order architecture gradients at the inner optimum
# =========================================================================================
def _scalar_instance() -> tuple[sp.Expr, ...]:
    """1-D bilevel quadratic g = a w^2/2 - w b al, f = (w - t)^2/2: (grad F, w*, b, a, t)."""
    a, b, t, al, w = sp.symbols("a b t al w", positive=True)
    g = a * w**2 / 2 - w * b * al
    f = (w - t) ** 2 / 2
    w_star = sp.solve(sp.diff(g, w), w)[0]
    grad_f = sp.diff(f.subs(w, w_star), al)
    return grad_f, w_star, b, a, t, al, w, g, f


def check_darts_first_order_error(claimed: sp.Expr = DARTS_FIRST_ORDER_ERROR.expression
                                  ) -> SymbolicCheck:
    """||grad_a f(w*, a) - grad F(a)|| <= ||grad^2_{aw} g|| ||grad_w f|| / mu."""
    p = _Proof("bilevel.darts-first-order-error", (DARTS_FIRST_ORDER_ERROR.id,),
               "at w = w*(a): h_1 - grad F = grad^2_{aw} g (grad^2_ww g)^{-1} grad_w f (the "
               "implicit-function formula), ||(grad^2_ww g)^{-1}|| <= 1/mu, hence ||h_1 - "
               "grad F|| <= ||grad^2_{aw} g|| ||grad_w f|| / mu")
    g_cross, h_inv, gwf, gaf = _nc("G", "Hinv", "gwf", "gaf")
    grad_F = gaf - g_cross * h_inv * gwf  # bilevel.ift-identity (proved on 2x2 quadratics)
    p.fact("h_1 - grad F == G H^{-1} grad_w f with h_1 = grad_a f and grad F = grad_a f - "
           "G H^{-1} grad_w f (bilevel.ift-identity)", _nc_zero(gaf - grad_F
                                                                - g_cross * h_inv * gwf),
           "noncommutative expansion")
    p.sign("1/mu - 1/a >= 0 for every eigenvalue a >= mu of grad^2_ww g (a = mu + s)",
           1 / mu - 1 / _a, "nonnegative", {_a: mu + _s})
    p.note("so ||H^{-1}||_2 = 1/lambda_min(H) <= 1/mu (spectral theorem; H symmetric "
           "positive definite by strong convexity); ||G H^{-1} v|| <= ||G|| ||H^{-1}|| ||v|| "
           "(submultiplicativity)")
    p.chain(Chain.of(
        "||h_1 - grad F||", _err,
        Link("<=", norm_B * _fac * norm_gwf, "h_1 - grad F = G H^{-1} grad_w f (above) and "
             "submultiplicativity, Z = ||H^{-1}||",
             domain={_err: norm_B * _fac * norm_gwf - _s1}),
        Link("<=", claimed, "||H^{-1}|| <= 1/mu (above)", domain={_fac: 1 / mu - _s2}),
        sharp={_s1: 0, _s2: 0}))
    grad_f, w_star, b, a, _t_sym, al, w, _, f = _scalar_instance()
    h1 = sp.diff(f, al).subs(w, w_star)  # f does not depend on al: 0
    error = sp.Abs(h1 - grad_f)
    gw = sp.Abs(sp.diff(f, w).subs(w, w_star))
    p.equal("attained on the 1-D quadratic (||G|| = b, mu = a): |h_1 - F'| == bound",
            error, sp.Subs(claimed, (norm_B, norm_gwf, mu), (b, gw, a)))
    return p.done()


def check_darts_second_order_error(claimed: sp.Expr = DARTS_SECOND_ORDER_ERROR.expression,
                                   first: sp.Expr = DARTS_FIRST_ORDER_ERROR.expression
                                   ) -> SymbolicCheck:
    """||h_2 - grad F|| <= ||B|| ||grad_w f|| max(|1/mu - xi|, |1/L - xi|) at w*."""
    p = _Proof("bilevel.darts-second-order-error", (DARTS_SECOND_ORDER_ERROR.id,
                                                     DARTS_FIRST_ORDER_ERROR.id),
               "(i) d/da f(w - xi grad_w g(w, a), a) = grad_a f(w', a) - xi grad^2_{aw} g(w, a) "
               "grad_w f(w', a), and on a quadratic g the central difference of grad_a g is "
               "exactly grad^2_{aw} g v, so h_2 is that derivative; (ii) at w = w*, w' = w*; "
               "(iii) h_2 - grad F = G (A^{-1} - xi I) grad_w f; (iv) ||A^{-1} - xi I|| = "
               "max_{lambda in spec A} |1/lambda - xi| <= max(|1/mu - xi|, |1/L - xi|)")
    # (i) chain rule and the exact central difference, on the generic 2x2 quadratic
    a11, a12, a22, q11, q12, q22, lam, ep = sp.symbols("a11 a12 a22 q11 q12 q22 lam ep",
                                                       real=True)
    bs = sp.symbols("b11 b12 b21 b22", real=True)
    c1, c2, t1, t2, w1, w2, al1, al2, v1, v2 = sp.symbols(
        "c1 c2 t1 t2 w1 w2 alpha1 alpha2 v1 v2", real=True)
    A = sp.Matrix([[a11, a12], [a12, a22]])
    Q = sp.Matrix([[q11, q12], [q12, q22]])
    B = sp.Matrix([[bs[0], bs[1]], [bs[2], bs[3]]])
    w, al, c, wt = (sp.Matrix([w1, w2]), sp.Matrix([al1, al2]), sp.Matrix([c1, c2]),
                    sp.Matrix([t1, t2]))

    def g_of(wv: sp.Matrix) -> sp.Expr:
        return (wv.T * A * wv / 2 - wv.T * (B * al + c))[0, 0]

    def f_of(wv: sp.Matrix) -> sp.Expr:
        return ((wv - wt).T * Q * (wv - wt) / 2)[0, 0] + lam / 2 * (al.T * al)[0, 0]

    grad_w_g = sp.Matrix([sp.diff(g_of(w), v) for v in (w1, w2)])
    w_virtual = w - xi * grad_w_g
    unrolled = f_of(w_virtual)
    exact = sp.Matrix([sp.diff(unrolled, v) for v in (al1, al2)])
    y1, y2 = sp.symbols("y1 y2", real=True)
    y = sp.Matrix([y1, y2])
    at_virtual = {y1: w_virtual[0], y2: w_virtual[1]}
    grad_a_f_virtual = sp.Matrix([sp.diff(f_of(y), v) for v in (al1, al2)]).subs(at_virtual)
    grad_w_f_virtual = sp.Matrix([sp.diff(f_of(y), v) for v in (y1, y2)]).subs(at_virtual)
    cross = sp.Matrix(2, 2, lambda i, j: sp.diff(g_of(w), (al1, al2)[i], (w1, w2)[j]))
    chain = grad_a_f_virtual - xi * cross * grad_w_f_virtual
    p.fact("d/da f(w - xi grad_w g(w, a), a) == grad_a f(w') - xi grad^2_{aw} g grad_w f(w')"
           " (generic 2x2 quadratic)", all(sp.expand(e) == 0 for e in exact - chain),
           "polynomial identity")
    v = sp.Matrix([v1, v2])

    def grad_a_g(wv: sp.Matrix) -> sp.Matrix:
        return sp.Matrix([sp.diff(g_of(y), u) for u in (al1, al2)]).subs(
            {y1: wv[0], y2: wv[1]})

    central = (grad_a_g(w + ep * v) - grad_a_g(w - ep * v)) / (2 * ep)
    p.fact("central difference of grad_a g along v == grad^2_{aw} g v (quadratic g)",
           all(sp.simplify(e) == 0 for e in central - cross * v), "rational identity")
    p.note("for a non-quadratic g the difference is xi times the finite-difference error "
           "(bilevel.darts.fd-hvp-error)")
    # (ii) and (iii), noncommutative
    big_a, w_star, b_vec, g_cross, a_inv, gwf, gaf = _nc("A", "ws", "b", "G", "Ainv", "gwf",
                                                          "gaf")
    p.fact("w' = w* - xi (A w* - b) == w* when A w* = b",
           _nc_zero((w_star - xi * (big_a * w_star - b_vec)).subs(b_vec, big_a * w_star)
                    - w_star), "noncommutative expansion")
    h2 = gaf - xi * g_cross * gwf
    grad_F = gaf - g_cross * a_inv * gwf
    p.fact("h_2 - grad F == G (A^{-1} - xi I) grad_w f", _nc_zero(
        h2 - grad_F - g_cross * (a_inv - xi) * gwf), "noncommutative expansion")
    # (iv) the spectral bound
    p.sign("(1/mu - xi) - (1/a - xi) >= 0 for a >= mu (a = mu + s)",
           (1 / mu - xi) - (1 / _a - xi), "nonnegative", {_a: mu + _s})
    p.sign("(1/a - xi) - (1/L - xi) >= 0 for a <= L (L = a + t)",
           (1 / _a - xi) - (1 / L - xi), "nonnegative", {L: _a + _t})
    p.note("so 1/L - xi <= 1/a - xi <= 1/mu - xi and |1/a - xi| <= max(|1/mu - xi|, "
           "|1/L - xi|); A^{-1} - xi I has the eigenvalues 1/a - xi (spectral theorem); "
           "||G M v|| <= ||G|| ||M|| ||v||")
    spectral = sp.Max(sp.Abs(1 / mu - xi), sp.Abs(1 / L - xi))
    p.chain(Chain.of(
        "||h_2 - grad F||", _err,
        Link("<=", norm_B * _fac * norm_gwf, "h_2 - grad F = G (A^{-1} - xi I) grad_w f "
             "(above) and submultiplicativity, Z = ||A^{-1} - xi I||",
             domain={_err: norm_B * _fac * norm_gwf - _s1}),
        Link("<=", claimed, "Z = max_a |1/a - xi| <= max(|1/mu - xi|, |1/L - xi|) (above)",
             domain={_fac: spectral - _s2}),
        sharp={_s1: 0, _s2: 0}))
    # consequences
    at_zero = sp.simplify(claimed.subs(xi, 0) / (norm_B * norm_gwf))
    arguments = at_zero.args if isinstance(at_zero, sp.Max) else (at_zero,)
    for argument in arguments:
        p.sign(f"xi = 0: 1/mu - {sp.sstr(argument)} >= 0 (L = mu + t)", 1 / mu - argument,
               "nonnegative", {L: mu + _t})
    p.fact("xi = 0: the max is attained by 1/mu", any(sp.simplify(argument - 1 / mu) == 0
                                                      for argument in arguments),
           f"{[sp.sstr(a) for a in arguments]}")
    p.note("so at xi = 0 the bound is ||B|| ||grad_w f||/mu, bilevel.darts.first-order-error")
    best = (1 / mu + 1 / L) / 2
    p.equal("at xi = (1/mu + 1/L)/2: 1/mu - xi == -(1/L - xi)", sp.Subs(1 / mu - xi, xi, best),
            sp.Subs(-(1 / L - xi), xi, best))
    p.sign("the bound beats the first-order one only inside 0 < xi < 1/mu + 1/L: 2/mu - "
           "(1/mu + 1/L) >= 0 (L = mu + t), so |1/mu - xi| < 1/mu there and |1/L - xi| < 1/mu"
           " iff xi < 1/mu + 1/L", 2 / mu - (1 / mu + 1 / L), "nonnegative", {L: mu + _t})
    grad_f, w_s, b, a, _t_sym, al, w_sym, g, f = _scalar_instance()
    h2_scalar = (sp.diff(f, al) - xi * sp.diff(g, al, w_sym) * sp.diff(f, w_sym)).subs(
        w_sym, w_s)
    p.equal("attained on the 1-D quadratic with a = mu = L: |h_2 - F'| == bound",
            sp.Abs(h2_scalar - grad_f),
            claimed.subs({norm_B: b, norm_gwf: sp.Abs(sp.diff(f, w_sym).subs(w_sym, w_s)),
                          mu: a, L: a}))
    return p.done()


# =========================================================================================
# counts
# =========================================================================================
def check_darts_gradient_evaluations(claimed: sp.Expr = DARTS_GRADIENT_EVALUATIONS.expression,
                                     ratio: sp.Expr = DARTS_COST_RATIO.expression
                                     ) -> SymbolicCheck:
    """2 + 3 s passes per step, ratio 5/2."""
    p = _Proof("bilevel.darts-gradient-evaluations",
               (DARTS_GRADIENT_EVALUATIONS.id, DARTS_COST_RATIO.id), kind=CONSISTENCY,
               statement="first order: grad L_val(w, a) + grad_w L_train(w, a+) = 2 passes; "
               "second order: "
               "grad_w L_train(w, a) (virtual step) + grad L_val(w', a) + grad_a L_train(w+-, a)"
               " (2) + grad_w L_train(w, a+) = 5 passes; ratio 5/2")
    first = {"grad L_val(w, a)": 1, "weight step grad_w L_train(w, a+)": 1}
    second = {"virtual step grad_w L_train(w, a)": 1, "grad L_val(w', a)": 1,
              "grad_a L_train(w+, a)": 1, "grad_a L_train(w-, a)": 1,
              "weight step grad_w L_train(w, a+)": 1}
    n_first, n_second = sum(first.values()), sum(second.values())
    p.equal(f"first order: {' + '.join(first)}", sp.Integer(n_first),
            sp.Subs(claimed, second_order, 0))
    p.equal(f"second order: {' + '.join(second)}", sp.Integer(n_second),
            sp.Subs(claimed, second_order, 1))
    p.equal("ratio", sp.Rational(n_second, n_first), sp.Subs(ratio, second_order, 1))
    return p.done()


def check_supernet_memory(claimed: sp.Expr = SUPERNET_MEMORY.expression,
                          max_size: int = 3) -> SymbolicCheck:
    """E O B C S^2 stored floats; E = n(n+3)/2 edges, 14 for DARTS's cell."""
    p = _Proof("bilevel.supernet-memory", (SUPERNET_MEMORY.id,),
               "sum over edges and candidate ops of B*C*S*S floats is E O B C S^2; a cell with "
               "n intermediate nodes (node i has i + 2 inputs) has n(n+3)/2 edges, 14 for n = 4")
    e_sym, o_sym = sp.Symbol("e", integer=True), sp.Symbol("o", integer=True)
    p.chain(Chain.of(
        "stored floats", sp.Sum(sp.Sum(B_batch * C_ch * S_side**2, (o_sym, 1, O_ops)),
                                (e_sym, 1, E_edges)),
        Link("==", sp.Sum(O_ops * B_batch * C_ch * S_side**2, (e_sym, 1, E_edges)),
             "O equal tensors of B C S^2 floats per edge"),
        Link("==", claimed, "E equal terms")))
    p.equal("Sum_{i=0}^{n-1} (i + 2) == n (n+3)/2", sp.Sum(_i + 2, (_i, 0, _n - 1)),
            _n * (_n + 3) / 2)
    p.equal("DARTS cell (n = 4): 14 edges", sp.Sum(_i + 2, (_i, 0, 3)), sp.Integer(14))
    bad: list[str] = []
    values = range(1, max_size + 1)
    for e, o, b, c, s in itertools.product(values, repeat=5):
        counted = sum(np.zeros((b, c, s, s)).size for _ in range(e) for _ in range(o))
        expected = claimed.subs({E_edges: e, O_ops: o, B_batch: b, C_ch: c, S_side: s})
        if counted != expected:
            bad.append(f"E={e} O={o} B={b} C={c} S={s}: {counted} != {expected}")
    p.fact(f"enumeration of tensors for E, O, B, C, S in 1..{max_size}", not bad,
           "counts agree" if not bad else "; ".join(bad[:3]))
    return p.done()


#: every check, in catalogue order
CHECKS: Final[tuple[Callable[[], SymbolicCheck], ...]] = (
    check_ift_identity,
    check_itd_jacobian,
    check_itd_error,
    check_aid_neumann_error,
    check_sigmoid_third_derivative,
    check_fd_hvp_error,
    check_hgd_inexact,
    check_darts_gradient_evaluations,
    check_supernet_memory,
    check_darts_first_order_error,
    check_darts_second_order_error,
)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every bilevel check with the catalogue's expressions."""
    return tuple(check() for check in CHECKS)
