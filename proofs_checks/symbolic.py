"""Symbolic proofs of the constants the bound catalogue derives or relies on.

What it is for: every closed form that ``theory.bounds`` assembles itself (``source.derived``)
is re-derived here step by step with sympy, and so are the exact constants of the test
problems that make a quoted bound applicable or tight (``solvers.problems.smooth``). One
function per derived constant or proof step; each returns a :class:`SymbolicCheck` saying
what was proved, about which bounds, by which method, and the evidence.

Methods. ``"sympy"``: every step is an exact identity (``simplify`` of the difference is 0),
a sum or limit evaluated by sympy, or a *sign certificate* (below). Steps that use classical
calculus on top of sympy results (a function with f(0) = 0 and f' >= 0 is >= 0 by the mean
value theorem) say so in ``detail``. ``"hypothesis"``: sympy found no certificate and the
inequality was checked on the stated parameter box with Hypothesis (``FALLBACK_EXAMPLES``
derandomised draws inside the regime, values evaluated with mpmath at 50 digits, no
shrinking: the first violation found is reported); ``detail`` names the box. No check
states anything weaker than the catalogue: equalities are compared exactly and inequalities
are certified with the catalogue's own expression on the right-hand side.

Sign certificates. A rational function is certified nonnegative (positive, ...) when, after
``factor``, every factor is an even power or a quotient of polynomials whose monomials are
all nonnegative on the domain of their symbols (every variable is nonnegative by its sympy
assumptions or occurs to an even power) and whose coefficients all have one sign. Regime
conditions ("0 < h <= 2/(mu+L)", "mu <= L") are built into a reparametrisation by
nonnegative slack symbols first (h = 2/((mu+L)(1+u)), L = mu + d), so the certificate sees
only symbols whose sign is known.

Every check takes the catalogue's expression (or constant) as a keyword argument with the
catalogue's value as default, so a wrong constant passed in must make it fail
(``tests/test_symbolic.py`` sabotages one check per family).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

import mpmath
import sympy as sp
from hypothesis import HealthCheck, Phase, Verbosity, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable

from theory.bounds.complexity import FAST_NDS_COMPARISONS
from theory.bounds.evolutionary import ONEMINMAX_FAIR_UNIFORM
from theory.bounds.gradient import (
    GD_CONVEX_DRORI_TEBOULLE,
    GD_CONVEX_NESTEROV,
    GD_NONCONVEX,
    GD_STRONGLY_CONVEX,
    SGD_COROLLARY,
    SGD_THEOREM,
)
from theory.symbols import (
    S1,
    S2,
    D_tilde,
    H_n,
    L,
    N_iter,
    N_points,
    R,
    f0_gap,
    gamma,
    h,
    h_norm,
    k,
    mu,
    n,
    p_sel,
    q_mut,
    sigma,
)

__all__ = [
    "CHECKS",
    "HYPOTHESIS",
    "SYMPY",
    "SymbolicCheck",
    "all_symbolic_checks",
    "check_cauchy_curvature_bound",
    "check_cauchy_nonconvex",
    "check_cauchy_second_derivative",
    "check_deb_pair_count",
    "check_descent_step",
    "check_descent_step_size",
    "check_drori_teboulle_below_nesterov",
    "check_fitness_level_sum",
    "check_ghadimi_lan_constant_step",
    "check_ghadimi_lan_corollary_dtilde_step",
    "check_ghadimi_lan_corollary_unit_step",
    "check_ghadimi_lan_theorem_scaling",
    "check_huber_shape",
    "check_huber_worst_case",
    "check_min_grad_norm_constant",
    "check_mutation_success_probability",
    "check_oneminmax_runtime_constant",
    "check_p_sel_lower_bound",
    "check_q_mut_lower_bound",
    "check_strongly_convex_optimal_rate",
    "check_strongly_convex_step_range",
    "check_strongly_convex_tightness",
    "check_telescoping_sum",
]

#: ``SymbolicCheck.method`` when every step was proved by sympy
SYMPY: Final = "sympy"
#: ``SymbolicCheck.method`` when some inequality was only checked with Hypothesis on a box
HYPOTHESIS: Final = "hypothesis"

#: examples drawn by the Hypothesis fallback (derandomised, so the same every run)
FALLBACK_EXAMPLES: Final = 200
#: digits of the mpmath evaluation in the Hypothesis fallback, and its relative slack
FALLBACK_DPS: Final = 50
FALLBACK_RTOL: Final = mpmath.mpf(10) ** -40

# -- auxiliary symbols (those of the bounds come from theory.symbols) -------------------
_grad_sq = sp.Symbol("G", nonnegative=True)  # ||grad f(x)||^2
_f_x = sp.Symbol("f_x", real=True)  # f(x)
_min_grad_sq = sp.Symbol("m", nonnegative=True)  # min_k ||grad f(x_k)||^2
_u = sp.Symbol("u", nonnegative=True)  # slack: a step h = h_max/(1+u) in (0, h_max]
_d = sp.Symbol("d", nonnegative=True)  # slack: L = mu + d
_slack = sp.Symbol("s", nonnegative=True)  # slack of a non-strict regime condition
_gap = sp.Symbol("g", positive=True)  # slack of a strict regime condition
_root_n = sp.Symbol("r", positive=True)  # sqrt(N) for N >= 1
_sigma_pos = sp.Symbol("sigma", positive=True)  # sigma where the corollary needs sigma > 0
_j = sp.Symbol("j", integer=True, nonnegative=True)  # a summation index / a count >= 0
_i = sp.Symbol("i", integer=True, positive=True)  # a summation index >= 1
_t = sp.Symbol("t", real=True)  # the argument of the Cauchy profile
_v = sp.Symbol("v", positive=True)  # slack of a strict inequality
_x = sp.Symbol("x", real=True)  # a real variable
_tau = sp.Symbol("tau", positive=True)  # the Huber threshold
_e = sp.Symbol("e", positive=True)  # a pick or mutation probability

# -- the claims' bound ids ---------------------------------------------------------------
_NONCONVEX_IDS = (GD_NONCONVEX.id, SGD_THEOREM.id, SGD_COROLLARY.id)


@dataclass(frozen=True)
class SymbolicCheck:
    """The outcome of one symbolic check.

    ``statement`` is the mathematical claim checked, ``bound_ids`` the catalogue entries it
    supports, ``method`` is ``"sympy"`` or ``"hypothesis"`` (see the module docstring),
    ``proved`` whether every step succeeded and ``detail`` the steps with their evidence.
    """

    name: str
    bound_ids: tuple[str, ...]
    statement: str
    method: str
    proved: bool
    detail: str


# -- sign certificates -------------------------------------------------------------------
# A sign is (direction, strict): (1, True) > 0, (1, False) >= 0, (-1, True) < 0,
# (-1, False) <= 0, (0, False) == 0 identically.
_Sign = tuple[int, bool]
_ZERO: Final[_Sign] = (0, False)
_WANTED: Final[Mapping[str, frozenset[_Sign]]] = {
    "positive": frozenset({(1, True)}),
    "nonnegative": frozenset({(1, True), (1, False), _ZERO}),
    "negative": frozenset({(-1, True)}),
    "nonpositive": frozenset({(-1, True), (-1, False), _ZERO}),
}


def _number_sign(value: sp.Expr) -> _Sign | None:
    if value.is_zero:
        return _ZERO
    if value.is_positive:
        return (1, True)
    if value.is_negative:
        return (-1, True)
    return None


def _polynomial_sign(expr: sp.Expr) -> _Sign | None:
    """Sign of a polynomial on its symbols' domain, certified monomial by monomial.

    Sound by construction: each monomial is >= 0 on the domain (every variable in it is
    nonnegative or occurs to an even power), all coefficients share one sign, and the sum
    is strict as soon as one monomial is > 0 on the whole domain (all its variables
    positive). Anything else answers None ("no certificate"), never a guess.
    """
    poly_expr = sp.expand(expr)
    gens = sorted(poly_expr.free_symbols, key=str)
    if not gens:
        return _number_sign(poly_expr)
    if any(g.is_real is not True for g in gens):
        return None
    try:
        poly = sp.Poly(poly_expr, *gens)
    except sp.PolynomialError:
        return None
    directions: set[int] = set()
    strict = False
    for monomial, coeff in poly.terms():
        powers = list(zip(gens, monomial, strict=True))
        if not all(e % 2 == 0 or g.is_nonnegative for g, e in powers):
            return None
        sign = _number_sign(coeff)
        if sign is None:
            return None
        if sign[0] == 0:
            continue
        directions.add(sign[0])
        strict = strict or all(e == 0 or g.is_positive for g, e in powers)
    if not directions:
        return _ZERO
    if len(directions) > 1:
        return None
    return (directions.pop(), strict)


def _rational_sign(expr: sp.Expr) -> _Sign | None:
    num, den = sp.fraction(sp.cancel(sp.together(expr)))
    num_sign = _polynomial_sign(num)
    den_sign = _polynomial_sign(den)
    if num_sign is None or den_sign is None or not den_sign[1]:
        return None
    return (num_sign[0] * den_sign[0], num_sign[1])


def _sign(expr: sp.Expr) -> _Sign | None:
    """A certified sign of ``expr`` on its symbols' domain, or None.

    Tries the factored form first (even powers are >= 0 whatever their base), then the
    expression as one quotient of polynomials.
    """
    factored = sp.factor(sp.together(expr))
    direction, strict = 1, True
    for factor in sp.Mul.make_args(factored):
        base, exponent = factor.as_base_exp()
        if exponent.is_integer and exponent.is_even:
            base_sign = _rational_sign(base)
            sign: _Sign | None = (1, bool(base_sign is not None and base_sign[0] != 0
                                          and base_sign[1]))
        elif exponent.is_integer and exponent.is_odd:
            sign = _rational_sign(base)
        else:
            sign = _rational_sign(factor)
        if sign is None:
            return _rational_sign(expr)
        if sign[0] == 0:
            return _ZERO
        direction *= sign[0]
        strict = strict and sign[1]
    return (direction, strict)


def _sign_name(sign: _Sign | None) -> str:
    names = {(1, True): "> 0", (1, False): ">= 0", (-1, True): "< 0", (-1, False): "<= 0",
             _ZERO: "== 0"}
    return "no certificate" if sign is None else names[sign]


def _is_zero(expr: sp.Expr) -> bool:
    """Exact: the difference simplifies to 0 (None from sympy is never taken as zero)."""
    if sp.cancel(sp.expand(expr)) == 0:
        return True
    return bool(sp.simplify(expr) == 0)


# -- the Hypothesis fallback -------------------------------------------------------------
@dataclass(frozen=True)
class _Box:
    """The parameter box of a Hypothesis fallback.

    Reals are drawn log-uniformly in [lo, hi], integers uniformly; a draw is kept when
    ``condition`` (the regime) holds on it.
    """

    reals: tuple[tuple[sp.Symbol, float, float], ...]
    integers: tuple[tuple[sp.Symbol, int, int], ...]
    condition: sp.Basic

    def describe(self) -> str:
        parts = [f"{s} in [{lo:g}, {hi:g}] (log-uniform)" for s, lo, hi in self.reals]
        parts += [f"{s} in [{lo}, {hi}] (integer)" for s, lo, hi in self.integers]
        return ", ".join(parts) + f", restricted to {sp.sstr(self.condition)}"


def _log_uniform(lo: float, hi: float) -> st.SearchStrategy[float]:
    def scale(exponent: float) -> float:
        return min(max(math.pow(10.0, exponent), lo), hi)

    return st.floats(math.log10(lo), math.log10(hi)).map(scale)


def _hypothesis_le(lhs: sp.Expr, rhs: sp.Expr, box: _Box) -> tuple[bool, str]:
    """``lhs <= rhs`` on ``FALLBACK_EXAMPLES`` derandomised draws from ``box``."""
    symbols = [s for s, _, _ in box.reals] + [s for s, _, _ in box.integers]
    f_lhs = sp.lambdify(symbols, lhs, modules="mpmath")
    f_rhs = sp.lambdify(symbols, rhs, modules="mpmath")
    f_cond = sp.lambdify(symbols, box.condition, modules="mpmath")
    reals = [_log_uniform(lo, hi) for _, lo, hi in box.reals]
    integers = [st.integers(lo, hi) for _, lo, hi in box.integers]
    kept: list[int] = []
    failures: list[str] = []

    @settings(max_examples=FALLBACK_EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=(Phase.explicit, Phase.generate),
              verbosity=Verbosity.quiet,
              suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
    @given(st.tuples(*reals, *integers))
    def holds(values: tuple[float | int, ...]) -> None:
        with mpmath.workdps(FALLBACK_DPS):
            args = [mpmath.mpf(v) for v in values]
            assume(bool(f_cond(*args)))
            kept.append(1)
            a, b = f_lhs(*args), f_rhs(*args)
            if not a <= b + FALLBACK_RTOL * (abs(a) + abs(b)):
                point = ", ".join(f"{s}={v!r}" for s, v in zip(symbols, values, strict=True))
                failures.append(f"counterexample {point}: lhs={mpmath.nstr(a, 12)} > "
                                f"rhs={mpmath.nstr(b, 12)}")
                raise AssertionError(failures[-1])

    try:
        holds()
    except AssertionError:
        return False, failures[-1] if failures else "Hypothesis reported a failure"
    except Unsatisfiable:
        kept.clear()
    if len(kept) < FALLBACK_EXAMPLES // 2:
        return False, f"only {len(kept)} draws fell in the regime; box {box.describe()}"
    return True, f"Hypothesis: {len(kept)} draws in the regime, none violates it; box " \
                 f"{box.describe()}"


# -- recording a proof ---------------------------------------------------------------------
class _Proof:
    """The steps of one check; any failed step makes the check unproved."""

    def __init__(self, name: str, bound_ids: tuple[str, ...], statement: str) -> None:
        self.name = name
        self.bound_ids = bound_ids
        self.statement = statement
        self.steps: list[str] = []
        self.proved = True
        self.method = SYMPY

    def _record(self, ok: bool, label: str, evidence: str) -> bool:
        self.proved = self.proved and ok
        self.steps.append(f"[{'ok' if ok else 'FAILED'}] {label}: {evidence}")
        return ok

    def note(self, text: str) -> None:
        """A reasoning step that needs no computation (written into ``detail``)."""
        self.steps.append(f"[note] {text}")

    def fact(self, label: str, ok: bool, evidence: str) -> bool:
        return self._record(ok, label, evidence)

    def equal(self, label: str, lhs: sp.Expr, rhs: sp.Expr) -> bool:
        ok = _is_zero(sp.sympify(lhs) - sp.sympify(rhs))
        return self._record(ok, label, f"{sp.sstr(lhs)} == {sp.sstr(rhs)}"
                            + ("" if ok else " not shown"))

    def sign(self, label: str, expr: sp.Expr, wanted: str,
             reparametrise: Mapping[sp.Symbol, sp.Expr] | None = None) -> bool:
        target = sp.sympify(expr)
        if reparametrise:
            target = target.subs(list(reparametrise.items()))  # in the order given
        found = _sign(target)
        ok = found in _WANTED[wanted]
        shown = sp.sstr(sp.factor(sp.together(target)))
        return self._record(ok, label, f"{shown} certified {_sign_name(found)} "
                            f"(wanted {wanted})")

    def le(self, label: str, lhs: sp.Expr, rhs: sp.Expr,
           reparametrise: Mapping[sp.Symbol, sp.Expr], fallback: _Box | None = None) -> bool:
        """``lhs <= rhs``: a sign certificate of rhs - lhs after ``reparametrise``; if none,
        Hypothesis on ``fallback`` (the method becomes "hypothesis")."""
        difference = sp.together(sp.sympify(rhs) - sp.sympify(lhs)).subs(
            list(reparametrise.items()))
        found = _sign(difference)
        if found in _WANTED["nonnegative"]:
            return self._record(True, label, f"rhs - lhs = {sp.sstr(sp.factor(difference))} "
                                f"certified {_sign_name(found)}")
        if fallback is None:
            return self._record(False, label, f"rhs - lhs = {sp.sstr(sp.factor(difference))}"
                                f": {_sign_name(found)}")
        self.method = HYPOTHESIS
        ok, evidence = _hypothesis_le(lhs, rhs, fallback)
        return self._record(ok, label, f"no sympy certificate; {evidence}")

    def done(self) -> SymbolicCheck:
        return SymbolicCheck(self.name, self.bound_ids, self.statement, self.method,
                             self.proved, "; ".join(self.steps))


# =========================================================================================
# 1. gd.nonconvex.min-grad-norm (Nesterov 2004, Sec. 1.2.3; constant derived here)
# =========================================================================================
def check_descent_step() -> SymbolicCheck:
    """The descent lemma's algebra: one GD step on the quadratic upper bound."""
    p = _Proof("gd.descent-step", (GD_NONCONVEX.id,),
               "for L-smooth f and x+ = x - h g with g = grad f(x): the upper bound "
               "f(x) + <g, x+ - x> + L/2 ||x+ - x||^2 of Nesterov's Lemma 1.2.3 equals "
               "f(x) - h (1 - L h/2) ||g||^2")
    inner = -h * _grad_sq  # <g, -h g>
    square = h**2 * _grad_sq  # ||-h g||^2
    p.equal("quadratic upper bound at x+", _f_x + inner + L / 2 * square,
            _f_x - h * (1 - L * h / 2) * _grad_sq)
    return p.done()


def check_descent_step_size(step: sp.Expr = 1 / L,
                            decrease: sp.Expr = 1 / (2 * L)) -> SymbolicCheck:
    """The guaranteed decrease h(1 - Lh/2) is 1/(2L) at h = 1/L, its maximiser over h > 0."""
    p = _Proof("gd.descent-step-size", (GD_NONCONVEX.id,),
               "phi(h) = h (1 - L h/2) satisfies phi(1/L) = 1/(2L), phi'(1/L) = 0, "
               "phi''(1/L) < 0 and phi(1/L) >= phi(h) for every h > 0")
    phi = h * (1 - L * h / 2)
    p.equal("phi(1/L)", phi.subs(h, step), decrease)
    p.equal("phi'(1/L)", sp.diff(phi, h).subs(h, step), sp.Integer(0))
    p.sign("phi''(1/L)", sp.diff(phi, h, 2).subs(h, step), "negative")
    p.sign("phi(1/L) - phi(h), h > 0", phi.subs(h, step) - phi, "nonnegative")
    return p.done()


def check_telescoping_sum() -> SymbolicCheck:
    """sum_{k=0}^{N} (f_k - f_{k+1}) = f_0 - f_{N+1}, by sympy's summation."""
    p = _Proof("gd.telescoping", (GD_NONCONVEX.id,),
               "sum_{k=0}^{N} (f(x_k) - f(x_{k+1})) = f(x_0) - f(x_{N+1}) for every N >= 0")
    f = sp.IndexedBase("f")
    total = sp.Sum(f[_j] - f[_j + 1], (_j, 0, N_iter)).doit()
    p.equal("Sum(f[k] - f[k+1], (k, 0, N)).doit()", total, f[0] - f[N_iter + 1])
    return p.done()


def check_min_grad_norm_constant(claimed: sp.Expr = GD_NONCONVEX.expression) -> SymbolicCheck:
    """min_k ||g_k||^2 <= 2 L Delta/(N+1): the catalogue's closed form, solved exactly."""
    p = _Proof("gd.min-grad-norm-constant", (GD_NONCONVEX.id,),
               "with h = 1/L: (N+1) min_{k<=N} ||g_k||^2 / (2L) <= sum_{k=0}^{N} ||g_k||^2/(2L)"
               " <= f(x_0) - f(x_{N+1}) <= Delta, hence min_k ||g_k||^2 <= 2 L Delta/(N+1)")
    p.note("each step of length 1/L decreases f by at least ||g_k||^2/(2L) "
           "(gd.descent-step, gd.descent-step-size); x_{N+1} is the virtual step from x_N, "
           "f(x_{N+1}) >= f* so f(x_0) - f(x_{N+1}) <= Delta (gd.telescoping); the minimum is "
           "at most the average of the N+1 values")
    solved = sp.solve(sp.Eq((N_iter + 1) * _min_grad_sq / (2 * L), f0_gap), _min_grad_sq)
    p.fact("solve (N+1) m/(2L) = Delta for m", len(solved) == 1, f"solutions {solved}")
    if len(solved) == 1:
        p.equal("solved bound equals the catalogue's", solved[0], claimed)
    p.equal("(N+1)/(2L) * claimed == Delta", (N_iter + 1) / (2 * L) * claimed, f0_gap)
    return p.done()


# =========================================================================================
# 2. Ghadimi & Lan (2013): Theorem 2.1 and Corollary 2.2
# =========================================================================================
def _theorem_at_constant_step(theorem: sp.Expr, step: sp.Expr) -> sp.Expr:
    return theorem.subs({S1: N_iter * step, S2: N_iter * step**2})


def _simplified_constant_step(step: sp.Expr) -> sp.Expr:
    """2 Delta/(N gamma) + L sigma^2 gamma, Theorem 2.1's bound for a step gamma <= 1/L."""
    return 2 * f0_gap / (N_iter * step) + L * sigma**2 * step


def _sgd_box(noise: sp.Symbol, regime: sp.Basic) -> _Box:
    """Ghadimi-Lan fallback box: L, Delta, sigma, Dtilde in [1e-3, 1e3], N in [1, 1e6]."""
    return _Box(((L, 1e-3, 1e3), (f0_gap, 1e-3, 1e3), (noise, 1e-3, 1e3), (D_tilde, 1e-3, 1e3)),
                ((N_iter, 1, 10**6),), regime)


def check_ghadimi_lan_theorem_scaling(claimed: sp.Expr = SGD_THEOREM.expression
                                      ) -> SymbolicCheck:
    """The catalogue's Theorem 2.1 is L times the paper's form with D_f^2 = 2 Delta/L."""
    p = _Proof("sgd.theorem-2.1-scaling", (SGD_THEOREM.id,),
               "(2 Delta + L sigma^2 S_2)/(2 S_1 - L S_2) = L (D_f^2 + sigma^2 S_2)/"
               "(2 S_1 - L S_2) with D_f^2 = 2 (f(x_1) - f*)/L (Ghadimi & Lan 2013, Thm 2.1)")
    d_f_sq = 2 * f0_gap / L
    paper = (d_f_sq + sigma**2 * S2) / (2 * S1 - L * S2)
    p.equal("L * paper form", L * paper, claimed)
    return p.done()


def check_ghadimi_lan_constant_step(theorem: sp.Expr = SGD_THEOREM.expression
                                    ) -> SymbolicCheck:
    """Theorem 2.1 at a constant step 0 < gamma <= 1/L: <= 2 Delta/(N gamma) + L sigma^2 gamma."""
    p = _Proof("sgd.constant-step", (SGD_THEOREM.id, SGD_COROLLARY.id),
               "for gamma_k = gamma with 0 < gamma <= 1/L (S_1 = N gamma, S_2 = N gamma^2): "
               "2 gamma - L gamma^2 >= gamma, so Theorem 2.1 gives E||grad f(x_R)||^2 <= "
               "2 Delta/(N gamma) + L sigma^2 gamma, with R uniform on 1..N")
    in_range = {gamma: 1 / (L * (1 + _u))}  # gamma in (0, 1/L]
    p.equal("2 gamma - L gamma^2 - gamma", 2 * gamma - L * gamma**2 - gamma,
            gamma * (1 - L * gamma))
    p.sign("gamma (1 - L gamma), 0 < gamma <= 1/L", gamma * (1 - L * gamma), "nonnegative",
           in_range)
    p.note("the weights 2 gamma_k - L gamma_k^2 of P(R = k) are all equal, so R is uniform")
    at_step = _theorem_at_constant_step(theorem, gamma)
    simple = _simplified_constant_step(gamma)
    p.le("Theorem 2.1 at constant gamma <= 2 Delta/(N gamma) + L sigma^2 gamma", at_step,
         simple, {**in_range, N_iter: _root_n**2})
    return p.done()


def check_ghadimi_lan_corollary_unit_step(claimed: sp.Expr = SGD_COROLLARY.expression,
                                          theorem: sp.Expr = SGD_THEOREM.expression
                                          ) -> SymbolicCheck:
    """Corollary 2.2 in the regime gamma = 1/L, i.e. 1/L <= Dtilde/(sigma sqrt N)."""
    p = _Proof("sgd.corollary-2.2-unit-step", (SGD_COROLLARY.id,),
               "if 1/L <= Dtilde/(sigma sqrt N) (so gamma = 1/L), Theorem 2.1 at S_1 = N/L, "
               "S_2 = N/L^2 is <= 2 L Delta/N + L (Dtilde + 2 Delta/(L Dtilde)) sigma/sqrt N")
    derived = _theorem_at_constant_step(theorem, 1 / L)
    p.equal("Theorem 2.1 at gamma = 1/L", derived, 2 * L * f0_gap / N_iter + sigma**2)
    regime = {N_iter: _root_n**2, L: (sigma * _root_n + _slack) / D_tilde}
    p.note("regime sigma sqrt(N) <= L Dtilde written as L = (sigma r + s)/Dtilde, N = r^2, "
           "s >= 0, r > 0")
    box = _sgd_box(sigma, sp.Le(1 / L, D_tilde / (sigma * sp.sqrt(N_iter))))
    p.le("Theorem 2.1 at gamma = 1/L <= Corollary 2.2", derived, claimed, regime, box)
    p.le("via sgd.constant-step: 2 Delta/(N gamma) + L sigma^2 gamma at gamma = 1/L <= "
         "Corollary 2.2", _simplified_constant_step(1 / L), claimed, regime, box)
    return p.done()


def check_ghadimi_lan_corollary_dtilde_step(claimed: sp.Expr = SGD_COROLLARY.expression,
                                            theorem: sp.Expr = SGD_THEOREM.expression
                                            ) -> SymbolicCheck:
    """Corollary 2.2 in the regime gamma = Dtilde/(sigma sqrt N) < 1/L."""
    p = _Proof("sgd.corollary-2.2-dtilde-step", (SGD_COROLLARY.id,),
               "if Dtilde/(sigma sqrt N) < 1/L (so gamma = Dtilde/(sigma sqrt N)), Theorem 2.1 "
               "at S_1 = N gamma, S_2 = N gamma^2 is <= 2 L Delta/N + L (Dtilde + 2 Delta/"
               "(L Dtilde)) sigma/sqrt N")
    positive_noise = {sigma: _sigma_pos}
    step = D_tilde / (_sigma_pos * sp.sqrt(N_iter))
    derived = _theorem_at_constant_step(theorem.subs(positive_noise), step)
    regime = {N_iter: _root_n**2, _sigma_pos: (L * D_tilde + _gap) / _root_n}
    p.note("regime L Dtilde < sigma sqrt(N) written as sigma = (L Dtilde + g)/r, N = r^2, "
           "g > 0, r > 0; this regime needs sigma > 0")
    box = _sgd_box(_sigma_pos, sp.Lt(D_tilde / (_sigma_pos * sp.sqrt(N_iter)), 1 / L))
    p.le("Theorem 2.1 at gamma = Dtilde/(sigma sqrt N) <= Corollary 2.2",
         derived, claimed.subs(positive_noise), regime, box)
    p.le("via sgd.constant-step: 2 Delta/(N gamma) + L sigma^2 gamma at gamma = "
         "Dtilde/(sigma sqrt N) <= Corollary 2.2",
         _simplified_constant_step(step).subs(positive_noise), claimed.subs(positive_noise),
         regime, box)
    p.note("the two regimes cover every L, Delta, Dtilde, N >= 1 and sigma > 0")
    return p.done()


# =========================================================================================
# 3. gd.strongly-convex.distance (Nesterov 2004, Theorem 2.1.15)
# =========================================================================================
def _contraction(claimed: sp.Expr) -> sp.Expr:
    """The per-step factor rho(h) of a bound rho(h)^k R^2."""
    return sp.simplify(claimed.subs(k, 1) / R**2)


def check_strongly_convex_optimal_rate(claimed: sp.Expr = GD_STRONGLY_CONVEX.expression
                                       ) -> SymbolicCheck:
    """At h = 2/(mu+L) the factor 1 - 2 h mu L/(mu+L) is ((L-mu)/(L+mu))^2."""
    p = _Proof("gd.strongly-convex-optimal-rate", (GD_STRONGLY_CONVEX.id,),
               "1 - 2 h mu L/(mu + L) = ((L - mu)/(L + mu))^2 at h = 2/(mu + L)")
    rate = _contraction(claimed)
    p.equal("rho(2/(mu+L))", rate.subs(h, 2 / (mu + L)), ((L - mu) / (L + mu)) ** 2)
    return p.done()


def check_strongly_convex_step_range(claimed: sp.Expr = GD_STRONGLY_CONVEX.expression
                                     ) -> SymbolicCheck:
    """For 0 < h <= 2/(mu+L) and 0 < mu <= L the factor lies in [0, 1)."""
    p = _Proof("gd.strongly-convex-step-range", (GD_STRONGLY_CONVEX.id,),
               "0 <= 1 - 2 h mu L/(mu + L) < 1 for 0 < h <= 2/(mu + L) and 0 < mu <= L")
    rate = _contraction(claimed)
    regime = {h: 2 / ((mu + L) * (1 + _u)), L: mu + _d}
    p.note("regime written as h = 2/((mu+L)(1+u)), L = mu + d with u, d >= 0")
    p.sign("rho(h)", rate, "nonnegative", regime)
    p.sign("1 - rho(h)", 1 - rate, "positive", regime)
    return p.done()


def check_strongly_convex_tightness(claimed: sp.Expr = GD_STRONGLY_CONVEX.expression
                                    ) -> SymbolicCheck:
    """f = c x^2/2, c in {L, mu}: GD at h = 2/(mu+L) attains the bound with equality."""
    p = _Proof("gd.strongly-convex-tightness", (GD_STRONGLY_CONVEX.id,),
               "for f(x) = L x^2/2 (and f(x) = mu x^2/2), both L-smooth and mu-strongly convex,"
               " GD with h = 2/(mu+L) from x_0 = R gives |x_k|^2 = ((L-mu)/(L+mu))^(2k) R^2, "
               "the bound at that step, for every k >= 0")
    step = 2 / (mu + L)
    rate = _contraction(claimed).subs(h, step)
    trajectory = sp.Function("x")
    for curvature in (L, mu):
        factor = 1 - step * curvature  # x_{k+1} = x_k - h f'(x_k) = (1 - h c) x_k
        solved = sp.rsolve(trajectory(k + 1) - factor * trajectory(k), trajectory(k),
                           {trajectory(0): R})
        ok = solved is not None and _is_zero(solved - R * factor**k)
        p.fact(f"rsolve for f = {curvature} x^2/2", ok, f"x_k = {solved}")
        p.equal(f"squared factor for f = {curvature} x^2/2 equals the bound's rate",
                factor**2, rate)
    p.note("so |x_k|^2 = R^2 (factor^2)^k = R^2 rho(2/(mu+L))^k exactly (k integer)")
    p.equal("the bound at k = 0 is R^2", claimed.subs({k: 0, h: step}), R**2)
    return p.done()


# =========================================================================================
# 4. gd.convex.drori-teboulle: the Huber worst case (solvers.problems.smooth)
# =========================================================================================
def _huber_pieces(threshold: sp.Expr, radius: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """(outer, inner) branches of DroriTeboulleHuber at ||x|| = radius."""
    outer = L * threshold * radius - L * threshold**2 / 2
    inner = L * radius**2 / 2
    return outer, inner


def check_huber_shape() -> SymbolicCheck:
    """The Huber function is C^1 at ||x|| = tau, convex and L-smooth (Hessian in [0, L])."""
    p = _Proof("huber.shape", (GD_CONVEX_DRORI_TEBOULLE.id,),
               "phi(x) = L tau ||x|| - L tau^2/2 for ||x|| >= tau, L ||x||^2/2 otherwise, is "
               "continuous and C^1 at ||x|| = tau, and its Hessian has eigenvalues in [0, L] "
               "on both pieces (so phi is convex and L-smooth), with the threshold "
               "tau = R/(2N+1) of DroriTeboulleHuber")
    outer, inner = _huber_pieces(_tau, _x)
    p.equal("docstring form L R/(2N+1) r - L R^2/(2 (2N+1)^2) at tau = R/(2N+1)",
            _huber_pieces(R / (2 * N_iter + 1), _x)[0],
            L * R / (2 * N_iter + 1) * _x - L * R**2 / (2 * (2 * N_iter + 1) ** 2))
    p.equal("values at r = tau", outer.subs(_x, _tau), inner.subs(_x, _tau))
    p.equal("radial derivatives at r = tau", sp.diff(outer, _x).subs(_x, _tau),
            sp.diff(inner, _x).subs(_x, _tau))
    coords = sp.symbols("x1 x2 x3", real=True)
    point = sp.Matrix(coords)
    norm = sp.sqrt(sum(c**2 for c in coords))
    hessian = sp.hessian(L * _tau * norm, coords)
    projector = sp.eye(3) - point * point.T / norm**2
    residual = (hessian - L * _tau / norm * projector).applyfunc(sp.simplify)
    p.fact("outer Hessian = (L tau/r)(I - x x^T/r^2) in R^3", residual.is_zero_matrix is True,
           "eigenvalues 0 (radial) and L tau/r (tangential)")
    p.sign("L - L tau/r for r = tau + s >= tau", L - L * _tau / (_tau + _slack), "nonnegative")
    p.note("inner Hessian is L I; a C^1 function whose pieces have Hessian in [0, L] is "
           "convex with L-Lipschitz gradient")
    return p.done()


def check_huber_worst_case(claimed: sp.Expr = GD_CONVEX_DRORI_TEBOULLE.expression
                           ) -> SymbolicCheck:
    """GD with step h_norm/L from x_0 = R stays linear and ends at L R^2/(4 N h_norm + 2)."""
    p = _Proof("huber.worst-case", (GD_CONVEX_DRORI_TEBOULLE.id,),
               "on the Huber function with threshold tau = R/(2Nh+1), N GD steps of length "
               "h_norm/L "
               "from x_0 = R give x_k = R - k h_norm tau >= tau for 0 <= k <= N and f(x_N) = "
               "L R^2/(4Nh+2), the Drori-Teboulle bound, for every h > 0 (the bound itself "
               "needs 0 < h_norm <= 1); DroriTeboulleHuber is the case h_norm = 1: tau = R/(2N+1), "
               "f(x_N) = L R^2/(4N+2)")
    tau = R / (2 * N_iter * h_norm + 1)
    trajectory = sp.Function("x")
    # in the linear region the gradient is L tau, so a step of h_norm/L moves by h_norm tau
    solved = sp.rsolve(trajectory(k + 1) - trajectory(k) + h_norm * tau, trajectory(k),
                       {trajectory(0): R})
    ok = solved is not None and _is_zero(solved - (R - k * h_norm * tau))
    p.fact("rsolve x_{k+1} = x_k - h_norm tau, x_0 = R", ok, f"x_k = {solved}")
    p.sign("x_k - tau for k <= N (N = k + j, j >= 0)", (R - k * h_norm * tau) - tau, "nonnegative",
           {N_iter: k + _j})
    outer, _ = _huber_pieces(tau, R - N_iter * h_norm * tau)
    p.equal("f(x_N) equals the catalogue bound", outer, claimed)
    p.equal("threshold at h_norm = 1 is DroriTeboulleHuber's R/(2N+1)", tau.subs(h_norm, 1),
            R / (2 * N_iter + 1))
    p.equal("f(x_N) at h_norm = 1 is L R^2/(4N+2)", outer.subs(h_norm, 1),
            L * R**2 / (4 * N_iter + 2))
    p.note("f* = 0 at x* = 0 and ||x_0 - x*|| = R, so f(x_N) - f* attains the bound")
    return p.done()


def check_drori_teboulle_below_nesterov(
        tight: sp.Expr = GD_CONVEX_DRORI_TEBOULLE.expression,
        upper: sp.Expr = GD_CONVEX_NESTEROV.expression) -> SymbolicCheck:
    """Consistency: the attained worst case never exceeds Nesterov's bound (step 1/L)."""
    p = _Proof("gd.convex-consistency", (GD_CONVEX_DRORI_TEBOULLE.id, GD_CONVEX_NESTEROV.id),
               "L R^2/(4N+2) <= 2 L R^2/(N+4) for every N >= 0: the tight Drori-Teboulle "
               "value at h_norm = 1 is below Nesterov's Corollary 2.1.2 bound")
    p.le("Drori-Teboulle(h_norm=1) <= Nesterov", tight.subs(h_norm, 1), upper, {})
    return p.done()


# =========================================================================================
# 5. RotatedCauchy: phi(t) = log(1 + t^2) (solvers.problems.smooth)
# =========================================================================================
_CAUCHY = sp.log(1 + _t**2)
_CAUCHY_CURVATURE = sp.Integer(2)  # max |phi''|, RotatedCauchy's docstring


def check_cauchy_second_derivative(
        stated: sp.Expr = 2 * (1 - _t**2) / (1 + _t**2) ** 2) -> SymbolicCheck:
    """phi''(t) for phi(t) = log(1 + t^2), as stated in RotatedCauchy's docstring."""
    p = _Proof("cauchy.second-derivative", _NONCONVEX_IDS,
               "phi(t) = log(1 + t^2) has phi''(t) = 2 (1 - t^2)/(1 + t^2)^2 "
               "(RotatedCauchy, an instance of the nonconvex gradient bounds)")
    p.equal("phi''(t)", sp.diff(_CAUCHY, _t, 2), stated)
    return p.done()


def check_cauchy_curvature_bound(claimed_bound: sp.Expr = _CAUCHY_CURVATURE) -> SymbolicCheck:
    """|phi''(t)| <= 2 for all real t with equality at t = 0, so RotatedCauchy has L = 2 max w."""
    p = _Proof("cauchy.curvature-bound", _NONCONVEX_IDS,
               "|phi''(t)| <= 2 for every real t with equality at t = 0; hence the Hessian "
               "Q^T diag(w_i phi''(z_i)) Q of RotatedCauchy has spectral norm <= 2 max w_i = L,"
               " attained at x*")
    second = sp.diff(_CAUCHY, _t, 2)
    p.sign("claimed - phi''(t)", claimed_bound - second, "nonnegative")
    p.sign("claimed + phi''(t)", claimed_bound + second, "nonnegative")
    p.equal("phi''(0) equals the bound", second.subs(_t, 0), claimed_bound)
    p.equal("weight L/2 times the curvature bound is L", L / 2 * claimed_bound, L)
    return p.done()


def check_cauchy_nonconvex() -> SymbolicCheck:
    """phi''(t) < 0 for |t| > 1: RotatedCauchy is not convex."""
    p = _Proof("cauchy.nonconvex", _NONCONVEX_IDS,
               "phi''(t) < 0 for every |t| > 1 (phi'' is even), so RotatedCauchy is nonconvex")
    second = sp.diff(_CAUCHY, _t, 2)
    p.equal("phi'' is even", second.subs(_t, -_t), second)
    p.sign("phi''(1 + v), v > 0", second.subs(_t, 1 + _v), "negative")
    return p.done()


# =========================================================================================
# 6. nsga2.oneminmax.runtime-explicit (Zheng, Liu & Doerr 2022; constant derived here)
# =========================================================================================
_LOG_G = sp.log(1 - _u) + _u  # <= 0 on [0, 1)
_LOG_H = sp.log(1 - _u) + _u / (1 - _u)  # >= 0 on [0, 1)


def _log_lemmas(p: _Proof) -> None:
    """G(u) = log(1-u) + u <= 0 and H(u) = log(1-u) + u/(1-u) >= 0 on [0, 1)."""
    u, g_fun, h_fun = _u, _LOG_G, _LOG_H
    into_unit = {u: _v / (1 + _v)}  # v > 0  <->  u in (0, 1)
    p.equal("G(0)", g_fun.subs(u, 0), sp.Integer(0))
    p.equal("G'(u)", sp.diff(g_fun, u), -u / (1 - u))
    p.sign("G'(u) on (0, 1)", sp.diff(g_fun, u), "nonpositive", into_unit)
    p.equal("H(0)", h_fun.subs(u, 0), sp.Integer(0))
    p.equal("H'(u)", sp.diff(h_fun, u), u / (1 - u) ** 2)
    p.sign("H'(u) on (0, 1)", sp.diff(h_fun, u), "nonnegative", into_unit)
    p.note("by the mean value theorem G(u) <= G(0) = 0 and H(u) >= H(0) = 0 on [0, 1)")


def check_fitness_level_sum() -> SymbolicCheck:
    """sum_{k=0}^{n-1} n/(n-k) = n H_n = sum_{i=1}^{n} n/i."""
    p = _Proof("nsga2.fitness-level-sum", (ONEMINMAX_FAIR_UNIFORM.id,),
               "sum_{k=0}^{n-1} n/(n-k) = n H_n and sum_{i=1}^{n} n/i = n H_n")
    upward = sp.Sum(n / (n - _j), (_j, 0, n - 1))
    reindexed = upward.change_index(_j, n - _j, _i)  # i = n - k
    p.equal("Sum(n/(n-k), (k, 0, n-1)) with i = n - k", reindexed.doit(), n * sp.harmonic(n))
    p.equal("Sum(n/i, (i, 1, n))", sp.Sum(n / _i, (_i, 1, n)).doit(), n * sp.harmonic(n))
    mismatches = [
        f"n={size}" for size in range(1, 9)
        if sum(Fraction(size, size - level) for level in range(size))
        != size * sum(Fraction(1, i) for i in range(1, size + 1))]
    p.fact("exact rational sums at n = 1..8", not mismatches,
           "agree" if not mismatches else ", ".join(mismatches))
    return p.done()


def check_mutation_success_probability(max_length: int = 7) -> SymbolicCheck:
    """P(flip exactly one of the n-k zero bits and nothing else) = (n-k)/n * q_mut."""
    p = _Proof("nsga2.mutation-success", (ONEMINMAX_FAIR_UNIFORM.id,),
               "for a parent with k ones, bit-wise mutation at rate 1/n flips exactly one of "
               "its n-k zero bits and no other bit with probability (n-k) (1/n) (1-1/n)^(n-1) "
               "= (n-k)/n q_mut; one-bit mutation with (n-k)/n = (n-k)/n q_mut, q_mut = 1")
    rate = 1 / n
    single = rate * (1 - rate) ** (n - 1)  # one given bit flips, the other n-1 do not
    p.equal("binomial(n-k, 1) disjoint events", sp.binomial(n - k, 1) * single,
            (n - k) / n * (1 - 1 / n) ** (n - 1))
    p.equal("q_mut = n * P(one given bit and no other), bit-wise", n * single,
            (1 - 1 / n) ** (n - 1))
    p.equal("q_mut = n * P(one given bit and no other), one-bit", n * (1 / n), sp.Integer(1))
    mismatches: list[str] = []
    for length in range(1, max_length + 1):
        flip = Fraction(1, length)
        for ones in range(length + 1):
            zeros = range(ones, length)  # positions of the zero bits
            bitwise = sum(
                flip ** sum(mask) * (1 - flip) ** (length - sum(mask))
                for mask in itertools.product((0, 1), repeat=length)
                if sum(mask) == 1 and any(mask[z] for z in zeros))
            formula = (length - ones) * flip * (1 - flip) ** (length - 1)
            one_bit = Fraction(sum(1 for z in zeros), length)
            if bitwise != formula or one_bit != Fraction(length - ones, length):
                mismatches.append(f"n={length}, k={ones}")
    p.fact(f"enumeration of all 2^n flip masks, n = 1..{max_length}, every k", not mismatches,
           "exact rational probabilities agree" if not mismatches else ", ".join(mismatches))
    return p.done()


def check_q_mut_lower_bound() -> SymbolicCheck:
    """q_mut = (1 - 1/n)^(n-1) >= 1/e for every integer n >= 1, decreasing to 1/e."""
    p = _Proof("nsga2.q-mut-lower-bound", (ONEMINMAX_FAIR_UNIFORM.id,),
               "q_mut = (1 - 1/n)^(n-1) >= 1/e for every integer n >= 1; the sequence "
               "decreases and tends to 1/e")
    q = (1 - 1 / n) ** (n - 1)
    p.equal("q_mut at n = 1", q.subs(n, 1), sp.Integer(1))
    p.sign("1 - 1/e", 1 - sp.exp(-1), "positive")
    _log_lemmas(p)
    p.equal("(n-1) log(1-1/n) + 1 = ((1-u)/u) H(u) at u = 1/n",
            (n - 1) * sp.log(1 - 1 / n) + 1, ((1 - _u) / _u * _LOG_H).subs(_u, 1 / n))
    p.note("for n >= 2, u = 1/n in (0, 1/2] and (1-u)/u > 0, so (n-1) log(1-1/n) >= -1, "
           "i.e. q_mut >= 1/e")
    x = sp.Symbol("x", positive=True)
    log_q = (x - 1) * sp.log(1 - 1 / x)
    p.equal("d/dx [(x-1) log(1-1/x)] = G(1/x)", sp.diff(log_q, x), _LOG_G.subs(_u, 1 / x))
    p.note("G <= 0, so log q_mut, hence q_mut, decreases in n")
    p.equal("lim q_mut", sp.limit(q, n, sp.oo), sp.exp(-1))
    return p.done()


def check_p_sel_lower_bound(max_population: int = 6) -> SymbolicCheck:
    """p_sel = 1 - (1 - 1/N)^N >= 1 - 1/e for every integer N >= 1, decreasing to 1 - 1/e."""
    population = sp.Symbol("N", integer=True, positive=True)
    p = _Proof("nsga2.p-sel-lower-bound", (ONEMINMAX_FAIR_UNIFORM.id,),
               "p_sel = 1 - (1 - 1/N)^N, the probability that N uniform picks select a given "
               "parent, is >= 1 - 1/e for every integer N >= 1; it decreases to 1 - 1/e")
    selected = 1 - (1 - 1 / population) ** population
    p.equal("p_sel at N = 1", selected.subs(population, 1), sp.Integer(1))
    _log_lemmas(p)
    p.equal("N log(1-1/N) + 1 = G(u)/u at u = 1/N",
            population * sp.log(1 - 1 / population) + 1, (_LOG_G / _u).subs(_u, 1 / population))
    p.note("for N >= 2, G(1/N) <= 0 gives N log(1-1/N) <= -1, i.e. (1-1/N)^N <= 1/e")
    x = sp.Symbol("x", positive=True)
    log_miss = x * sp.log(1 - 1 / x)
    p.equal("d/dx [x log(1-1/x)] = H(1/x)", sp.diff(log_miss, x), _LOG_H.subs(_u, 1 / x))
    p.note("H >= 0, so (1-1/N)^N increases and p_sel decreases in N")
    p.equal("lim p_sel", sp.limit(selected, population, sp.oo), 1 - sp.exp(-1))
    mismatches = []
    for size in range(1, max_population + 1):
        hits = sum(1 for picks in itertools.product(range(size), repeat=size) if 0 in picks)
        if Fraction(hits, size**size) != 1 - (1 - Fraction(1, size)) ** size:
            mismatches.append(f"N={size}")
    p.fact(f"enumeration of all N^N pick sequences, N = 1..{max_population}", not mismatches,
           "exact probabilities agree" if not mismatches else ", ".join(mismatches))
    return p.done()


def check_oneminmax_runtime_constant(claimed: sp.Expr = ONEMINMAX_FAIR_UNIFORM.expression
                                     ) -> SymbolicCheck:
    """E[T] <= E[T_up] + E[T_down] = 2 n H_n/(p_sel q_mut), the catalogue's expression."""
    p = _Proof("nsga2.oneminmax-runtime-constant", (ONEMINMAX_FAIR_UNIFORM.id,),
               "E[T] <= E[T_up] + E[T_down] with E[T_up] <= sum_{k=0}^{n-1} n/((n-k) p_sel "
               "q_mut) = n H_n/(p_sel q_mut) and E[T_down] <= sum_{i=1}^{n} n/(i p_sel q_mut) "
               "= n H_n/(p_sel q_mut); total 2 n H_n/(p_sel q_mut)")
    p.note("fix the value i0 of an initial individual; T_up (T_down) is the first generation "
           "by which every value in [i0, n] ([0, i0]) is covered. Survival (N >= 4(n+1)) keeps "
           "covered values, so the covered run from i0 grows by one when an individual at its "
           "end is selected (probability >= p_sel) and mutated by flipping one of its n-k zeros"
           " (k ones) and nothing else (probability (n-k)/n q_mut, nsga2.mutation-success); "
           "the waiting time at each level is geometric. T = max(T_up, T_down) <= T_up + "
           "T_down; starting at i0 the sums run over a subset of the levels below, whose "
           "terms are positive")
    level_up = 1 / (p_sel * (n - _j) / n * q_mut)
    p.equal("expected wait at level k (upward)", level_up, n / ((n - _j) * p_sel * q_mut))
    up = sp.Sum(level_up, (_j, 0, n - 1)).change_index(_j, n - _j, _i).doit()
    down = sp.Sum(1 / (p_sel * _i / n * q_mut), (_i, 1, n)).doit()
    p.equal("E[T_up] bound", up, n * sp.harmonic(n) / (p_sel * q_mut))
    p.equal("E[T_down] bound", down, n * sp.harmonic(n) / (p_sel * q_mut))
    p.equal("E[T_up] + E[T_down] equals the catalogue's expression (H_n = harmonic(n))",
            up + down, claimed.subs(H_n, sp.harmonic(n)))
    return p.done()


# =========================================================================================
# 7. nds.deb2002.pair-comparisons (Deb et al. 2002, Sec. III-A)
# =========================================================================================
def check_deb_pair_count(claimed: sp.Expr = FAST_NDS_COMPARISONS.expression,
                         sizes: Sequence[int] = tuple(range(1, 9))) -> SymbolicCheck:
    """Ordered pairs of distinct points: N (N-1), by summation and by enumeration."""
    p = _Proof("nds.deb-pair-count", (FAST_NDS_COMPARISONS.id,),
               "the loops 'for p in P: for q in P: if q != p: compare(p, q)' make exactly "
               "N (N-1) comparisons: sum_{p=1}^{N} (N-1) = N (N-1)")
    point = sp.Symbol("p", integer=True, positive=True)
    p.equal("Sum(N - 1, (p, 1, N))", sp.Sum(N_points - 1, (point, 1, N_points)).doit(), claimed)
    mismatches = []
    for size in sizes:
        loops = sum(1 for a, b in itertools.product(range(size), repeat=2) if a != b)
        pairs = len(list(itertools.permutations(range(size), 2)))
        expected = claimed.subs(N_points, size)
        if not (loops == pairs and sp.Integer(loops) == expected):
            mismatches.append(f"N={size}: loops {loops}, permutations {pairs}, claimed {expected}")
    p.fact(f"enumeration for N in {list(sizes)}", not mismatches,
           "counts agree" if not mismatches else "; ".join(mismatches))
    return p.done()


# -- the registry --------------------------------------------------------------------------
#: every check, in catalogue order; each runs with the catalogue's expressions by default
CHECKS: Final[tuple[Callable[[], SymbolicCheck], ...]] = (
    check_descent_step,
    check_descent_step_size,
    check_telescoping_sum,
    check_min_grad_norm_constant,
    check_ghadimi_lan_theorem_scaling,
    check_ghadimi_lan_constant_step,
    check_ghadimi_lan_corollary_unit_step,
    check_ghadimi_lan_corollary_dtilde_step,
    check_strongly_convex_optimal_rate,
    check_strongly_convex_step_range,
    check_strongly_convex_tightness,
    check_huber_shape,
    check_huber_worst_case,
    check_drori_teboulle_below_nesterov,
    check_cauchy_second_derivative,
    check_cauchy_curvature_bound,
    check_cauchy_nonconvex,
    check_fitness_level_sum,
    check_mutation_success_probability,
    check_q_mut_lower_bound,
    check_p_sel_lower_bound,
    check_oneminmax_runtime_constant,
    check_deb_pair_count,
)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every check with the catalogue's expressions (a few seconds)."""
    return tuple(check() for check in CHECKS)
