"""Symbolic proofs of the constants the bound catalogue derives or relies on.

What it is for: every closed form that ``theory.bounds`` assembles itself (``source.derived``)
is re-derived here with sympy, and so are the exact constants of the test problems that make
a quoted bound applicable or tight (``solvers.problems.smooth``). One function per derived
constant or lemma; each returns a :class:`SymbolicCheck` saying what was checked, about which
bounds, of which kind, by which method, and the evidence.

Kinds. A ``"proof"`` is one or more explicit chains (:class:`Chain`)
expr_0 rel expr_1 rel ... rel expr_k whose first expression is the quantity bounded (as the
argument derives it) and whose last is the catalogue's expression; every step
(:class:`ProofStep`) is checked on its own, with its side conditions, and a failing step is
reported by its index (:attr:`ChainResult.failed_at`). Facts the argument takes from
elsewhere (a lemma proved in another check, a probabilistic premise stated in the step's
reason) enter a step as a substitution with a nonnegative slack (b = c - s for b <= c); where
the catalogue claims the derived constant exactly, the chain is declared *sharp* in those
slacks (all of them 0 makes every step an equality), so a weaker constant fails too. A
``"consistency check"`` only re-evaluates a formula (on instances, at points, against another
catalogue entry): evidence that the formula is the one meant, not a proof; it says so in its
``kind`` and at the head of its ``detail``. No step may relate an expression to itself.

Methods. ``"sympy"``: every step is an exact identity (``simplify`` of the difference is 0,
after sums, limits, integrals and derivatives are evaluated), a *sign certificate* (below) or
a mean-value-theorem step (the difference vanishes at a point and its derivative has a
certified sign). ``"hypothesis"``: sympy found no certificate for one inequality step and it
was checked on the stated parameter box with Hypothesis (``FALLBACK_EXAMPLES`` derandomised
draws inside the regime, values evaluated with mpmath at 50 digits, no shrinking: the first
violation found is reported); ``detail`` names the box.

Sign certificates. A rational function is certified nonnegative (positive, ...) when, after
``factor``, every factor is an even power or a quotient of polynomials whose monomials are
all nonnegative on the domain of their symbols (every variable is nonnegative by its sympy
assumptions or occurs to an even power) and whose coefficients all have one sign; a sum of
certified terms of one sign has that sign. Non-polynomial subterms (q^K, exp, H_n, |x|, max)
become variables carrying their certified sign; a constant coefficient such as
8.61 - 2e^2/(e-1) is signed exactly when rational and otherwise by outward-rounded interval
evaluation (``mpmath.iv``). Regime conditions ("0 < h <= 2/(mu+L)", "mu <= L") are built into
a reparametrisation by nonnegative slack symbols first (h = 2/((mu+L)(1+u)), L = mu + d), so
the certificate sees only symbols whose sign is known.

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
from typing import Any, Final

import mpmath
import sympy as sp
from hypothesis import HealthCheck, Phase, Verbosity, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from sympy.simplify.simplify import factor_sum

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
from theory.errors import InvalidParameterError
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
    "CONSISTENCY",
    "HYPOTHESIS",
    "KINDS",
    "PAPER_GENERATION_CONSTANT",
    "PROOF",
    "SYMPY",
    "Chain",
    "ChainResult",
    "Link",
    "ProofStep",
    "SideCondition",
    "StepResult",
    "SymbolicCheck",
    "all_symbolic_checks",
    "check_cauchy_curvature_bound",
    "check_cauchy_nonconvex",
    "check_cauchy_second_derivative",
    "check_chain",
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
    "check_oneminmax_generation_constant",
    "check_oneminmax_runtime_constant",
    "check_p_sel_lower_bound",
    "check_q_mut_lower_bound",
    "check_step",
    "check_strongly_convex_optimal_rate",
    "check_strongly_convex_step_range",
    "check_strongly_convex_tightness",
    "check_telescoping_sum",
    "runtime_chain",
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
    supports, ``kind`` is ``"proof"`` (explicit chains, ``chains``) or ``"consistency
    check"`` (a formula re-evaluated), ``method`` is ``"sympy"`` or ``"hypothesis"`` (see the
    module docstring), ``proved`` whether every step succeeded and ``detail`` the steps with
    their evidence, headed by the kind.
    """

    name: str
    bound_ids: tuple[str, ...]
    statement: str
    method: str
    proved: bool
    detail: str
    kind: str = "proof"
    chains: tuple[ChainResult, ...] = ()

    @property
    def failed_steps(self) -> tuple[tuple[str, int], ...]:
        """(chain label, 1-based step index) of every chain that fails."""
        return tuple((c.chain.label, at) for c in self.chains
                     if (at := c.failed_at) is not None)


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
#: digits of the interval evaluation that signs a numeric constant such as 8.61 - 2e^2/(e-1)
INTERVAL_DPS: Final = 40


def _interval(value: sp.Basic) -> Any:
    """An mpmath interval that contains the numeric sympy expression ``value``, or None.

    Outward-rounded interval arithmetic (``mpmath.iv``) on +, *, integer and rational powers,
    exp, log, e and pi; anything else (a float, an unknown function) answers None.
    """
    iv = mpmath.iv
    if isinstance(value, sp.Rational):
        return iv.mpf(int(value.p)) / iv.mpf(int(value.q))
    if value is sp.E:
        return iv.e
    if value is sp.pi:
        return iv.pi
    if isinstance(value, sp.Add | sp.Mul):
        parts = [_interval(arg) for arg in value.args]
        if any(part is None for part in parts):
            return None
        total = parts[0]
        for part in parts[1:]:
            total = total + part if isinstance(value, sp.Add) else total * part
        return total
    if isinstance(value, sp.exp):
        inner = _interval(value.args[0])
        return None if inner is None else iv.exp(inner)
    if isinstance(value, sp.log):
        inner = _interval(value.args[0])
        return None if inner is None or not inner.a > 0 else iv.log(inner)
    if isinstance(value, sp.Pow):
        base, exponent = value.as_base_exp()
        inner = _interval(base)
        if inner is None:
            return None
        if exponent.is_Integer:
            power = int(exponent)
            result = iv.mpf(1)
            for _ in range(abs(power)):
                result = result * inner
            return result if power >= 0 else 1 / result
        if exponent.is_Rational and inner.a > 0:
            return iv.exp(_interval(exponent) * iv.log(inner))
    return None


def _number_sign(value: sp.Expr) -> _Sign | None:
    """The sign of a constant: exact for rationals, by interval evaluation otherwise."""
    if isinstance(value, sp.Rational):
        return _ZERO if value == 0 else ((1, True) if value > 0 else (-1, True))
    if value.free_symbols:
        return None
    if sp.cancel(sp.expand(value)) == 0:
        return _ZERO
    with mpmath.workdps(INTERVAL_DPS):
        enclosure = _interval(value)
        if enclosure is None:
            return None
        if enclosure.a > 0:
            return (1, True)
        if enclosure.b < 0:
            return (-1, True)
    return None


def _atom_assumptions(atom: sp.Expr) -> dict[str, bool] | None:
    """Assumptions for a dummy that stands for a non-polynomial subterm, or None (unknown).

    A power with a positive base, exp, a harmonic number, a factorial: > 0; Abs, and a Max
    with a nonnegative argument: >= 0; otherwise sympy's own positivity (True only; None is
    unknown, never true), else real without a sign.
    """
    if isinstance(atom, sp.Pow) and _sign(atom.base) == (1, True):
        return {"positive": True}
    if isinstance(atom, sp.exp | sp.harmonic | sp.factorial | sp.gamma) and \
            atom.is_positive is True:
        return {"positive": True}
    if isinstance(atom, sp.Abs):
        return {"nonnegative": True}
    if isinstance(atom, sp.Max) and any(
            _sign(arg) in _WANTED["nonnegative"] for arg in atom.args):
        return {"nonnegative": True}
    if atom.is_positive is True:
        return {"positive": True}
    if atom.is_nonnegative is True:
        return {"nonnegative": True}
    if atom.is_real is True:
        return {"real": True}
    return None


def _atomise(expr: sp.Expr) -> sp.Expr | None:
    """``expr`` with every non-polynomial subterm that has symbols replaced by a dummy whose
    assumptions carry the subterm's certified sign (None if one is not even known real)."""
    replacements: dict[sp.Basic, sp.Basic] = {}

    def visit(node: sp.Basic) -> sp.Basic | None:
        if not node.free_symbols or isinstance(node, sp.Symbol):
            return node
        if isinstance(node, sp.Add | sp.Mul):
            args = [visit(arg) for arg in node.args]
            if any(arg is None for arg in args):
                return None
            return node.func(*args)
        if isinstance(node, sp.Pow) and node.exp.is_Integer:
            base = visit(node.base)
            return None if base is None else sp.Pow(base, node.exp)
        if node not in replacements:
            assumptions = _atom_assumptions(sp.sympify(node))
            if assumptions is None:
                return None
            replacements[node] = sp.Dummy("atom", **assumptions)
        return replacements[node]

    result = visit(expr)
    return None if result is None else sp.sympify(result)


def _polynomial_sign(expr: sp.Expr) -> _Sign | None:
    """Sign of a polynomial on its symbols' domain, certified monomial by monomial.

    Sound by construction: each monomial is >= 0 on the domain (every variable in it is
    nonnegative or occurs to an even power), all coefficients share one sign, and the sum
    is strict as soon as one monomial is > 0 on the whole domain (all its variables
    positive). Non-polynomial subterms (q^K, exp, H_n, |x|, max) become variables with
    their certified sign first. Anything else answers None ("no certificate"), never a
    guess.
    """
    atomised = _atomise(sp.expand(expr))
    if atomised is None:
        return None
    poly_expr = sp.expand(atomised)
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
        sign = _number_sign(sp.sympify(coeff))
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


def _termwise_sign(expr: sp.Expr) -> _Sign | None:
    """A sum whose terms all have certified signs of one direction has that sign."""
    if not isinstance(expr, sp.Add):
        return None
    signs = [_sign(term) for term in expr.args]
    if any(sign is None for sign in signs):
        return None
    directions = {sign[0] for sign in signs if sign is not None and sign[0] != 0}
    if len(directions) != 1:
        return _ZERO if not directions else None
    return (directions.pop(), any(sign is not None and sign[1] for sign in signs))


def _factored_sign(expr: sp.Expr) -> _Sign | None:
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
            return None
        if sign[0] == 0:
            return _ZERO
        direction *= sign[0]
        strict = strict and sign[1]
    return (direction, strict)


def _sign(expr: sp.Expr) -> _Sign | None:
    """A certified sign of ``expr`` on its symbols' domain, or None.

    Tries the factored form first (even powers are >= 0 whatever their base), then the
    expression as one quotient of polynomials, then term by term (a sum of nonnegative
    terms, such as a completed square plus a positive constant, is nonnegative).
    """
    expr = sp.sympify(expr)
    if not expr.free_symbols:
        return _number_sign(expr)
    for certify in (_factored_sign, _rational_sign, _termwise_sign):
        found = certify(expr)
        if found is not None:
            return found
    return None


def _sign_name(sign: _Sign | None) -> str:
    names = {(1, True): "> 0", (1, False): ">= 0", (-1, True): "< 0", (-1, False): "<= 0",
             _ZERO: "== 0"}
    return "no certificate" if sign is None else names[sign]


def _canonical_power(power: sp.Pow) -> sp.Expr:
    """b^(m e) with an integer m and an integer-valued e as (b^m)^e, base factored."""
    base, exponent = power.as_base_exp()
    coeff, rest = exponent.as_coeff_Mul()
    if coeff.is_Integer and coeff != 1 and rest.is_integer:
        return sp.Pow(sp.factor(sp.cancel(base**coeff)), rest)
    return sp.Pow(sp.factor(sp.cancel(base)), exponent)


def _normalise_powers(expr: sp.Expr) -> sp.Expr:
    """Every power with a symbolic exponent gets a canonical base (``_canonical_power``)."""
    return sp.sympify(expr.replace(
        lambda e: isinstance(e, sp.Pow) and not e.exp.is_Number, _canonical_power))


def _is_zero(expr: sp.Expr) -> bool:
    """Exact: the difference simplifies to 0 (None from sympy is never taken as zero)."""
    expr = sp.sympify(expr)
    if sp.cancel(sp.expand(expr)) == 0:
        return True
    if sp.cancel(sp.expand(_normalise_powers(expr))) == 0:
        return True
    if any(simplifier(expr) == 0 for simplifier in (sp.simplify, sp.combsimp)):
        return True
    return bool(sp.combsimp(sp.expand_func(expr).doit()) == 0)


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


# -- proofs as chains ----------------------------------------------------------------------
#: ``SymbolicCheck.kind``: an explicit chain expr_0 rel expr_1 ... rel expr_k, every step
#: certified, from the quantity bounded to the catalogue's expression
PROOF: Final = "proof"
#: ``SymbolicCheck.kind``: the catalogue's formula re-evaluated (on instances, at points, or
#: against another entry); evidence that the formula is the one meant, not a proof of it
CONSISTENCY: Final = "consistency check"
KINDS: Final = (PROOF, CONSISTENCY)
#: the relations a step may state, and the sign their difference must have
_RELATIONS: Final[Mapping[str, str]] = {"==": "zero", "<=": "nonnegative", "<": "positive",
                                        ">=": "nonnegative", ">": "positive"}
#: a chain states one direction: equalities, with either "<"-type or ">"-type steps
_DIRECTIONS: Final[Mapping[str, int]] = {"==": 0, "<=": 1, "<": 1, ">=": -1, ">": -1}


@dataclass(frozen=True)
class SideCondition:
    """A sign condition a step relies on ("a >= 0" in "a b <= a c because b <= c, a >= 0"),
    certified by a sign certificate on the step's domain."""

    text: str
    expr: sp.Expr
    wanted: str  # a key of _WANTED: "positive", "nonnegative", "negative", "nonpositive"


@dataclass(frozen=True)
class ProofStep:
    """One step ``lhs rel rhs`` of a chain, and why it holds.

    ``domain`` are substitutions applied, in order, to both sides and to the side conditions
    before the step is checked: a regime written with nonnegative slack symbols
    (h = 2/((mu+L)(1+u))) or a premise proved elsewhere and cited in ``reason``
    (b = c - s with s >= 0 for b <= c). The relation is then certified: "==" by exact
    simplification of the difference, an inequality by a sign certificate of the difference;
    with ``monotone_in = (x, x0)`` instead by the mean value theorem (the difference vanishes
    at x = x0 and its derivative in x has the wanted sign on the domain, which must put x in
    [x0, ...)); with a ``fallback`` box, Hypothesis on the box where sympy finds no
    certificate (the check's method becomes "hypothesis"). Sums with the same limits on both
    sides are compared term by term.
    """

    lhs: sp.Expr
    rel: str
    rhs: sp.Expr
    reason: str
    side_conditions: tuple[SideCondition, ...] = ()
    domain: Mapping[sp.Basic, sp.Expr] | None = None
    monotone_in: tuple[sp.Symbol, sp.Expr] | None = None
    fallback: _Box | None = None

    def __post_init__(self) -> None:
        if self.rel not in _RELATIONS:
            raise InvalidParameterError(f"rel in {sorted(_RELATIONS)}", f"rel={self.rel!r}")
        if self.monotone_in is not None and self.rel == "==":
            raise InvalidParameterError("rel != '==' when monotone_in is given", "rel='=='",
                                        "the mean value theorem certifies an inequality")

    def text(self) -> str:
        return f"{sp.sstr(self.lhs)} {self.rel} {sp.sstr(self.rhs)}"


@dataclass(frozen=True)
class Link:
    """``rel rhs`` after the previous expression of a chain (a ProofStep without its lhs)."""

    rel: str
    rhs: sp.Expr
    reason: str
    side_conditions: tuple[SideCondition, ...] = ()
    domain: Mapping[sp.Basic, sp.Expr] | None = None
    monotone_in: tuple[sp.Symbol, sp.Expr] | None = None
    fallback: _Box | None = None


@dataclass(frozen=True)
class Chain:
    """expr_0 rel_1 expr_1 rel_2 ... rel_k expr_k: consecutive steps share an expression and
    all inequalities point one way, so the chain proves expr_0 rel expr_k.

    ``sharp``, where given, is the equality case of every premise (slack symbols -> 0): each
    inequality step must then hold with equality, so the chain's last expression is exactly
    what the argument gives and a weaker catalogue constant fails too.
    """

    label: str
    steps: tuple[ProofStep, ...]
    sharp: Mapping[sp.Symbol, sp.Expr] | None = None

    def __post_init__(self) -> None:
        if not self.steps:
            raise InvalidParameterError("len(steps) >= 1", f"no step in {self.label!r}")
        for before, after in itertools.pairwise(self.steps):
            if before.rhs != after.lhs:
                raise InvalidParameterError(
                    "steps[i].rhs == steps[i+1].lhs",
                    f"{sp.sstr(before.rhs)} then {sp.sstr(after.lhs)} in {self.label!r}")
        directions = {_DIRECTIONS[s.rel] for s in self.steps} - {0}
        if len(directions) > 1:
            raise InvalidParameterError("one direction per chain",
                                        f"both <= and >= in {self.label!r}")

    @classmethod
    def of(cls, label: str, first: sp.Expr, *links: Link,
           sharp: Mapping[sp.Symbol, sp.Expr] | None = None) -> Chain:
        """The chain ``first links[0] links[1] ...``."""
        steps: list[ProofStep] = []
        lhs = sp.sympify(first)
        for link in links:
            rhs = sp.sympify(link.rhs)
            steps.append(ProofStep(lhs, link.rel, rhs, link.reason, link.side_conditions,
                                   link.domain, link.monotone_in, link.fallback))
            lhs = rhs
        return cls(label, tuple(steps), sharp)

    @property
    def first(self) -> sp.Expr:
        return self.steps[0].lhs

    @property
    def last(self) -> sp.Expr:
        return self.steps[-1].rhs

    def relation(self) -> str:
        """The relation the chain proves between its first and last expression."""
        rels = [s.rel for s in self.steps]
        direction = max((_DIRECTIONS[r] for r in rels), key=abs)
        if direction == 0:
            return "=="
        strict = any(r in ("<", ">") for r in rels)
        return ("<" if strict else "<=") if direction > 0 else (">" if strict else ">=")

    def text(self) -> str:
        parts = [sp.sstr(self.first)]
        for step in self.steps:
            parts += [step.rel, sp.sstr(step.rhs)]
        return " ".join(parts)


@dataclass(frozen=True)
class StepResult:
    """The verdict on one step: ``ok``, the ``evidence``, and the method that gave it."""

    step: ProofStep
    ok: bool
    evidence: str
    method: str


@dataclass(frozen=True)
class ChainResult:
    """The verdicts of a chain's steps; ``failed_at`` is the 1-based index of the first
    failing step, ``len(steps) + 1`` when only sharpness failed, None when all hold."""

    chain: Chain
    steps: tuple[StepResult, ...]
    sharp_ok: bool | None
    sharp_evidence: str

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps) and self.sharp_ok is not False

    @property
    def failed_at(self) -> int | None:
        for index, result in enumerate(self.steps, start=1):
            if not result.ok:
                return index
        return len(self.steps) + 1 if self.sharp_ok is False else None

    @property
    def method(self) -> str:
        return HYPOTHESIS if any(s.method == HYPOTHESIS for s in self.steps) else SYMPY


def _reflected(total: sp.Sum) -> sp.Expr:
    """A one-index sum sympy cannot evaluate, tried again reindexed: reflected
    (j -> a + b - j on [a, b]), reflected and shifted by one, or shifted by one (each the
    same finite sum by ``Sum.change_index``); itself if none evaluates."""
    (index, low, high), = total.limits
    transforms = [index + 1, index - 1]
    if low.is_finite and high.is_finite:
        transforms = [low + high - index, low + high + 1 - index, *transforms]
    for transform in transforms:
        moved = sp.sympify(total.change_index(index, transform).doit())
        if not moved.has(sp.Sum):
            return moved
    return total


def _prepared_sum(total: sp.Sum) -> sp.Expr:
    """The same sum with constant factors pulled out and powers with a symbolic exponent
    over one canonical base (sympy evaluates that form much faster)."""
    return sp.sympify(factor_sum(sp.Sum(_normalise_powers(total.function), *total.limits)))


def _substitute(expr: sp.Expr, domain: Mapping[sp.Basic, sp.Expr] | None) -> sp.Expr:
    """``expr`` with ``domain`` substituted in order, then sums, limits, integrals and
    derivatives evaluated."""
    result = sp.sympify(expr)
    for old, new in (domain or {}).items():  # in the order given
        result = result.subs(old, new)
    result = sp.sympify(result.replace(lambda e: isinstance(e, sp.Sum), _prepared_sum))
    result = sp.sympify(result.doit())
    return sp.sympify(result.replace(
        lambda e: isinstance(e, sp.Sum) and len(e.limits) == 1, _reflected))


def _difference(step: ProofStep) -> sp.Expr:
    """The expression that must be >= 0 (> 0) for an inequality step, before the domain."""
    lhs, rhs = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if _DIRECTIONS[step.rel] < 0:
        lhs, rhs = rhs, lhs
    if isinstance(lhs, sp.Sum) and isinstance(rhs, sp.Sum) and lhs.limits == rhs.limits:
        return sp.sympify(rhs.function - lhs.function)  # term by term, same index range
    return sp.sympify(rhs - lhs)


def check_step(step: ProofStep) -> StepResult:
    """Certify one step on its own: its side conditions, then its relation."""
    if step.lhs == step.rhs:
        return StepResult(step, False, "a step may not relate an expression to itself",
                          SYMPY)
    for condition in step.side_conditions:
        found = _sign(_substitute(condition.expr, step.domain))
        if found not in _WANTED[condition.wanted]:
            return StepResult(step, False, f"side condition {condition.text} "
                              f"({condition.wanted}) not certified: {_sign_name(found)}",
                              SYMPY)
    sides = "".join(f"; {c.text}: certified {c.wanted}" for c in step.side_conditions)
    if step.rel == "==":
        difference = _substitute(step.lhs - step.rhs, step.domain)
        ok = _is_zero(difference)
        return StepResult(step, ok, ("difference simplifies to 0" if ok else
                                     f"difference {sp.sstr(difference)} not shown 0") + sides,
                          SYMPY)
    wanted = _RELATIONS[step.rel]
    raw = _difference(step)
    if step.monotone_in is not None:
        variable, start = step.monotone_in
        at_start = _substitute(raw.subs(variable, start), None)
        derivative = _substitute(sp.diff(raw, variable), step.domain)
        found = _sign(derivative)
        ok = _is_zero(at_start) and found in _WANTED["nonnegative"]
        return StepResult(step, ok, f"mean value theorem in {variable} from {start}: "
                          f"difference there {sp.sstr(sp.simplify(at_start))}, derivative "
                          f"{sp.sstr(sp.factor(derivative))} certified {_sign_name(found)}"
                          + sides, SYMPY)
    difference = _substitute(raw, step.domain)
    found = _sign(difference)
    if found in _WANTED[wanted]:
        return StepResult(step, True, f"difference {sp.sstr(sp.factor(difference))} "
                          f"certified {_sign_name(found)}" + sides, SYMPY)
    if step.fallback is None or wanted != "nonnegative":
        return StepResult(step, False, f"difference {sp.sstr(sp.factor(difference))}: "
                          f"{_sign_name(found)} (wanted {wanted})", SYMPY)
    low, high = (step.lhs, step.rhs) if _DIRECTIONS[step.rel] > 0 else (step.rhs, step.lhs)
    ok, evidence = _hypothesis_le(low, high, step.fallback)
    return StepResult(step, ok, f"no sympy certificate; {evidence}{sides}", HYPOTHESIS)


def check_chain(chain: Chain) -> ChainResult:
    """Every step separately, then the equality case (``chain.sharp``) if one is declared."""
    results = tuple(check_step(step) for step in chain.steps)
    if chain.sharp is None:
        return ChainResult(chain, results, None, "")
    loose: list[str] = []
    for index, step in enumerate(chain.steps, start=1):
        if step.rel == "==":
            continue
        gap = _substitute(_substitute(_difference(step), step.domain), chain.sharp)
        if not _is_zero(gap):
            loose.append(f"step {index} leaves {sp.sstr(sp.factor(gap))}")
    shown = ", ".join(f"{k} = {sp.sstr(v)}" for k, v in chain.sharp.items())
    evidence = (f"with {shown} every inequality holds with equality" if not loose
                else f"not sharp at {shown}: " + "; ".join(loose))
    return ChainResult(chain, results, not loose, evidence)


# -- recording a check ---------------------------------------------------------------------
class _Proof:
    """The chains and auxiliary steps of one check; any failure makes it unproved.

    A check of ``kind`` "proof" must contain at least one chain (``chain``); a "consistency
    check" re-evaluates a formula (``equal``, ``fact`` and friends) and says so.
    """

    def __init__(self, name: str, bound_ids: tuple[str, ...], statement: str,
                 kind: str = PROOF) -> None:
        if kind not in KINDS:
            raise InvalidParameterError(f"kind in {KINDS}", f"kind={kind!r}")
        self.name = name
        self.bound_ids = bound_ids
        self.statement = statement
        self.kind = kind
        self.steps: list[str] = []
        self.chains: list[ChainResult] = []
        self.proved = True
        self.method = SYMPY

    def _record(self, ok: bool, label: str, evidence: str) -> bool:
        self.proved = self.proved and ok
        self.steps.append(f"[{'ok' if ok else 'FAILED'}] {label}: {evidence}")
        return ok

    def note(self, text: str) -> None:
        """A reasoning step that needs no computation (written into ``detail``)."""
        self.steps.append(f"[note] {text}")

    def chain(self, chain: Chain) -> bool:
        """Check ``chain`` step by step and record every step's verdict."""
        result = check_chain(chain)
        self.chains.append(result)
        if result.method == HYPOTHESIS:
            self.method = HYPOTHESIS
        self.steps.append(f"[chain] {chain.label}: {chain.text()}")
        for index, step in enumerate(result.steps, start=1):
            self._record(step.ok, f"step {index} {step.step.text()} ({step.step.reason})",
                         step.evidence)
        if result.sharp_ok is not None:
            self._record(result.sharp_ok, "sharp", result.sharp_evidence)
        self.proved = self.proved and result.ok
        return result.ok

    def fact(self, label: str, ok: bool, evidence: str) -> bool:
        return self._record(ok, label, evidence)

    def equal(self, label: str, lhs: sp.Expr, rhs: sp.Expr) -> bool:
        if sp.sympify(lhs) == sp.sympify(rhs):
            return self._record(False, label, f"{sp.sstr(lhs)} compared with itself")
        ok = _is_zero(_substitute(sp.sympify(lhs) - sp.sympify(rhs), None))
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

    def done(self) -> SymbolicCheck:
        if self.kind == PROOF and not self.chains:
            self._record(False, "proof", "a proof needs at least one chain")
        detail = f"[{self.kind}] " + "; ".join(self.steps)
        return SymbolicCheck(self.name, self.bound_ids, self.statement, self.method,
                             self.proved, detail, self.kind, tuple(self.chains))


# =========================================================================================
# 1. gd.nonconvex.min-grad-norm (Nesterov 2004, Sec. 1.2.3; constant derived here)
# =========================================================================================
_f_next = sp.Symbol("f_plus", real=True)  # f(x+)
_inner_sym = sp.Symbol("I", real=True)  # <g, x+ - x>
_step_sq = sp.Symbol("Q", nonnegative=True)  # ||x+ - x||^2
_sum_sq = sp.Symbol("S", nonnegative=True)  # sum_{k=0}^{N} ||g_k||^2
_drop = sp.Symbol("D_1", nonnegative=True)  # f(x_0) - f(x_{N+1})
_s1, _s2, _s3 = sp.symbols("s1 s2 s3", nonnegative=True)  # slacks of premises


def check_descent_step() -> SymbolicCheck:
    """The descent lemma's algebra: one GD step on the quadratic upper bound."""
    p = _Proof("gd.descent-step", (GD_NONCONVEX.id,),
               "for L-smooth f and x+ = x - h g with g = grad f(x): f(x+) <= f(x) + <g, x+ - x>"
               " + L/2 ||x+ - x||^2 (Nesterov's Lemma 1.2.3) = f(x) - h (1 - L h/2) ||g||^2")
    p.chain(Chain.of(
        "one step", _f_next,
        Link("<=", _f_x + _inner_sym + L / 2 * _step_sq,
             "Lemma 1.2.3 (premise f(x+) = upper bound - s1, s1 >= 0)",
             domain={_f_next: _f_x + _inner_sym + L / 2 * _step_sq - _s1}),
        Link("==", _f_x - h * (1 - L * h / 2) * _grad_sq,
             "x+ - x = -h g: <g, -h g> = -h ||g||^2, ||-h g||^2 = h^2 ||g||^2",
             domain={_inner_sym: -h * _grad_sq, _step_sq: h**2 * _grad_sq}),
        sharp={_s1: 0}))
    return p.done()


def check_descent_step_size(step: sp.Expr = 1 / L,
                            decrease: sp.Expr = 1 / (2 * L)) -> SymbolicCheck:
    """The guaranteed decrease h(1 - Lh/2) is at most 1/(2L), attained at h = 1/L."""
    p = _Proof("gd.descent-step-size", (GD_NONCONVEX.id,),
               "phi(h) = h (1 - L h/2) = 1/(2L) - L/2 (h - 1/L)^2 <= 1/(2L) for every h > 0, "
               "with equality at h = 1/L")
    phi = h * (1 - L * h / 2)
    p.chain(Chain.of(
        "decrease factor", phi,
        Link("==", decrease - L / 2 * (h - step) ** 2, "completing the square"),
        Link("<=", decrease, "a square is >= 0 and L > 0",
             side_conditions=(SideCondition("L/2 (h - step)^2", L / 2 * (h - step) ** 2,
                                            "nonnegative"),)),
        sharp={h: step}))
    p.equal("attained: phi(step) == decrease", sp.Subs(phi, h, step), decrease)
    return p.done()


def check_telescoping_sum() -> SymbolicCheck:
    """sum_{k=0}^{N} (f_k - f_{k+1}) = f_0 - f_{N+1}, by induction on N."""
    p = _Proof("gd.telescoping", (GD_NONCONVEX.id,),
               "sum_{k=0}^{N} (f(x_k) - f(x_{k+1})) = f(x_0) - f(x_{N+1}) for every N >= 0")
    f = sp.IndexedBase("f")
    previous = sp.Symbol("T_prev", real=True)  # the sum up to N-1 (induction hypothesis)
    p.equal("N = 0: one term", sp.Sum(f[_j] - f[_j + 1], (_j, 0, 0)), f[0] - f[1])
    p.chain(Chain.of(
        "induction step, N >= 1", sp.Sum(f[_j] - f[_j + 1], (_j, 0, N_iter)),
        Link("==", previous + f[N_iter] - f[N_iter + 1],
             "peel the last term; T_prev = sum_{k=0}^{N-1} (f_k - f_{k+1})",
             domain={previous: sp.Sum(f[_j] - f[_j + 1], (_j, 0, N_iter - 1))}),
        Link("==", f[0] - f[N_iter + 1], "induction hypothesis T_prev = f_0 - f_N",
             domain={previous: f[0] - f[N_iter]})))
    return p.done()


def check_min_grad_norm_constant(claimed: sp.Expr = GD_NONCONVEX.expression) -> SymbolicCheck:
    """min_k ||g_k||^2 <= 2 L Delta/(N+1): the catalogue's closed form, as a chain."""
    p = _Proof("gd.min-grad-norm-constant", (GD_NONCONVEX.id,),
               "with h = 1/L: min_{k<=N} ||g_k||^2 <= (1/(N+1)) sum_{k=0}^{N} ||g_k||^2 <= "
               "2 L (f(x_0) - f(x_{N+1}))/(N+1) <= 2 L Delta/(N+1)")
    p.chain(Chain.of(
        "min-grad-norm", _min_grad_sq,
        Link("<=", _sum_sq / (N_iter + 1), "a minimum is at most the mean of the N+1 values",
             domain={_min_grad_sq: _sum_sq / (N_iter + 1) - _s1}),
        Link("<=", 2 * L * _drop / (N_iter + 1),
             "each step of length 1/L decreases f by >= ||g_k||^2/(2L) (gd.descent-step, "
             "gd.descent-step-size), summed and telescoped (gd.telescoping): S <= 2 L D_1; "
             "2L/(N+1) > 0", domain={_sum_sq: 2 * L * (_drop - _s2)}),
        Link("<=", claimed, "f(x_{N+1}) >= f*, so D_1 = f(x_0) - f(x_{N+1}) <= Delta "
             "(x_{N+1} the virtual step from x_N)", domain={_drop: f0_gap - _s3}),
        sharp={_s1: 0, _s2: 0, _s3: 0}))
    return p.done()


# =========================================================================================
# 2. Ghadimi & Lan (2013): Theorem 2.1 and Corollary 2.2
# =========================================================================================
_d_f_sq = sp.Symbol("D_f2", positive=True)  # D_f^2 of Ghadimi & Lan


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
               "L (D_f^2 + sigma^2 S_2)/(2 S_1 - L S_2) with D_f^2 = 2 (f(x_1) - f*)/L (Ghadimi"
               " & Lan 2013, Thm 2.1) = (2 Delta + L sigma^2 S_2)/(2 S_1 - L S_2)")
    p.chain(Chain.of(
        "scaling", L * (_d_f_sq + sigma**2 * S2) / (2 * S1 - L * S2),
        Link("==", L * (2 * f0_gap / L + sigma**2 * S2) / (2 * S1 - L * S2),
             "D_f^2 = 2 Delta/L", domain={_d_f_sq: 2 * f0_gap / L}),
        Link("==", claimed, "multiply L into the numerator")))
    return p.done()


def _constant_step_links(step: sp.Expr, regime: Mapping[sp.Basic, sp.Expr],
                         reason: str) -> tuple[Link, Link]:
    """Theorem 2.1 at gamma: == (2 Delta + L sigma^2 N g^2)/(N g (2 - L g)) <= ... /(N g)."""
    return (
        Link("==", (2 * f0_gap + L * sigma**2 * N_iter * step**2)
             / (N_iter * step * (2 - L * step)),
             "S_1 = N gamma, S_2 = N gamma^2: factor N gamma out of 2 S_1 - L S_2"),
        Link("<=", (2 * f0_gap + L * sigma**2 * N_iter * step**2) / (N_iter * step),
             f"2 - L gamma >= 1 because {reason}; the numerator and N gamma are > 0",
             side_conditions=(SideCondition("2 - L gamma - 1", 1 - L * step, "nonnegative"),),
             domain=regime))


def check_ghadimi_lan_constant_step(theorem: sp.Expr = SGD_THEOREM.expression
                                    ) -> SymbolicCheck:
    """Theorem 2.1 at a constant step 0 < gamma <= 1/L: <= 2 Delta/(N gamma) + L sigma^2 gamma."""
    p = _Proof("sgd.constant-step", (SGD_THEOREM.id, SGD_COROLLARY.id),
               "for gamma_k = gamma with 0 < gamma <= 1/L (S_1 = N gamma, S_2 = N gamma^2): "
               "2 gamma - L gamma^2 >= gamma, so Theorem 2.1 gives E||grad f(x_R)||^2 <= "
               "2 Delta/(N gamma) + L sigma^2 gamma, with R uniform on 1..N")
    in_range = {gamma: 1 / (L * (1 + _u)), N_iter: _root_n**2}  # gamma in (0, 1/L], N >= 1
    p.note("the weights 2 gamma_k - L gamma_k^2 of P(R = k) are all equal, so R is uniform")
    p.chain(Chain.of(
        "constant step", _theorem_at_constant_step(theorem, gamma),
        *_constant_step_links(gamma, in_range, "gamma = 1/(L (1 + u)) <= 1/L"),
        Link("==", _simplified_constant_step(gamma), "split the fraction")))
    return p.done()


def check_ghadimi_lan_corollary_unit_step(claimed: sp.Expr = SGD_COROLLARY.expression,
                                          theorem: sp.Expr = SGD_THEOREM.expression
                                          ) -> SymbolicCheck:
    """Corollary 2.2 in the regime gamma = 1/L, i.e. 1/L <= Dtilde/(sigma sqrt N)."""
    p = _Proof("sgd.corollary-2.2-unit-step", (SGD_COROLLARY.id,),
               "if 1/L <= Dtilde/(sigma sqrt N) (so gamma = 1/L), Theorem 2.1 at S_1 = N/L, "
               "S_2 = N/L^2 is 2 L Delta/N + sigma^2 <= 2 L Delta/N + L Dtilde sigma/sqrt N "
               "<= 2 L Delta/N + L (Dtilde + 2 Delta/(L Dtilde)) sigma/sqrt N")
    regime = {N_iter: _root_n**2, L: (sigma * _root_n + _slack) / D_tilde}
    p.note("regime sigma sqrt(N) <= L Dtilde written as L = (sigma r + s)/Dtilde, N = r^2, "
           "s >= 0, r > 0")
    box = _sgd_box(sigma, sp.Le(1 / L, D_tilde / (sigma * sp.sqrt(N_iter))))
    p.chain(Chain.of(
        "gamma = 1/L", _theorem_at_constant_step(theorem, 1 / L),
        Link("==", 2 * L * f0_gap / N_iter + sigma**2,
             "S_1 = N/L, S_2 = N/L^2: the denominator is N/L"),
        Link("<=", 2 * L * f0_gap / N_iter + L * D_tilde * sigma / sp.sqrt(N_iter),
             "sigma <= L Dtilde/sqrt N (the regime) and sigma >= 0", domain=regime),
        Link("<=", claimed, "2 Delta sigma/(Dtilde sqrt N) >= 0 is the rest of Corollary 2.2",
             domain=regime, fallback=box)))
    return p.done()


def check_ghadimi_lan_corollary_dtilde_step(claimed: sp.Expr = SGD_COROLLARY.expression,
                                            theorem: sp.Expr = SGD_THEOREM.expression
                                            ) -> SymbolicCheck:
    """Corollary 2.2 in the regime gamma = Dtilde/(sigma sqrt N) < 1/L."""
    p = _Proof("sgd.corollary-2.2-dtilde-step", (SGD_COROLLARY.id,),
               "if Dtilde/(sigma sqrt N) < 1/L (so gamma = Dtilde/(sigma sqrt N)), Theorem 2.1 "
               "at S_1 = N gamma, S_2 = N gamma^2 is <= 2 Delta/(N gamma) + L sigma^2 gamma = "
               "2 Delta sigma/(Dtilde sqrt N) + L Dtilde sigma/sqrt N <= 2 L Delta/N + "
               "L (Dtilde + 2 Delta/(L Dtilde)) sigma/sqrt N")
    positive_noise = {sigma: _sigma_pos}
    step = D_tilde / (_sigma_pos * sp.sqrt(N_iter))
    regime = {N_iter: _root_n**2, _sigma_pos: (L * D_tilde + _gap) / _root_n}
    p.note("regime L Dtilde < sigma sqrt(N) written as sigma = (L Dtilde + g)/r, N = r^2, "
           "g > 0, r > 0; this regime needs sigma > 0")
    box = _sgd_box(_sigma_pos, sp.Lt(D_tilde / (_sigma_pos * sp.sqrt(N_iter)), 1 / L))
    theorem_pos = theorem.subs(positive_noise)
    first, second = _constant_step_links(step, regime, "gamma < 1/L (the regime)")
    p.chain(Chain.of(
        "gamma = Dtilde/(sigma sqrt N)", _theorem_at_constant_step(theorem_pos, step),
        Link(first.rel, first.rhs.subs(positive_noise), first.reason),
        Link(second.rel, second.rhs.subs(positive_noise), second.reason,
             second.side_conditions, second.domain),
        Link("==", 2 * f0_gap * _sigma_pos / (D_tilde * sp.sqrt(N_iter))
             + L * D_tilde * _sigma_pos / sp.sqrt(N_iter),
             "split the fraction, gamma = Dtilde/(sigma sqrt N)"),
        Link("<=", claimed.subs(positive_noise), "2 L Delta/N >= 0 is the rest of "
             "Corollary 2.2", domain=regime, fallback=box)))
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
    p.chain(Chain.of(
        "optimal step", rate.subs(h, 2 / (mu + L)),
        Link("==", ((L + mu) ** 2 - 4 * mu * L) / (L + mu) ** 2, "common denominator"),
        Link("==", ((L - mu) / (L + mu)) ** 2, "(L + mu)^2 - 4 mu L = (L - mu)^2")))
    return p.done()


def check_strongly_convex_step_range(claimed: sp.Expr = GD_STRONGLY_CONVEX.expression
                                     ) -> SymbolicCheck:
    """For 0 < h <= 2/(mu+L) and 0 < mu <= L the factor lies in [0, 1)."""
    p = _Proof("gd.strongly-convex-step-range", (GD_STRONGLY_CONVEX.id,),
               "for 0 < h <= 2/(mu + L) and 0 < mu <= L: rho(h) >= rho(2/(mu+L)) = "
               "((L-mu)/(L+mu))^2 >= 0 and rho(h) <= 1 - h mu < 1")
    rate = _contraction(claimed)
    regime = {h: 2 / ((mu + L) * (1 + _u)), L: mu + _d}
    p.note("regime written as h = 2/((mu+L)(1+u)), L = mu + d with u, d >= 0")
    p.chain(Chain.of(
        "rho(h) >= 0", rate,
        Link(">=", rate.subs(h, 2 / (mu + L)),
             "rho is decreasing in h and h <= 2/(mu+L)", domain=regime),
        Link(">=", sp.Integer(0), "rho(2/(mu+L)) = ((L-mu)/(L+mu))^2 "
             "(gd.strongly-convex-optimal-rate) is a square")))
    p.chain(Chain.of(
        "rho(h) < 1", rate,
        Link("<=", 1 - h * mu, "2 L/(mu + L) >= 1 because L >= mu", domain=regime),
        Link("<", sp.Integer(1), "h mu > 0", domain=regime)))
    return p.done()


def check_strongly_convex_tightness(claimed: sp.Expr = GD_STRONGLY_CONVEX.expression
                                    ) -> SymbolicCheck:
    """f = c x^2/2, c in {L, mu}: GD at h = 2/(mu+L) attains the bound with equality."""
    p = _Proof("gd.strongly-convex-tightness", (GD_STRONGLY_CONVEX.id,),
               "for f(x) = L x^2/2 (and f(x) = mu x^2/2), both L-smooth and mu-strongly convex,"
               " GD with h = 2/(mu+L) from x_0 = R gives |x_k|^2 = ((L-mu)/(L+mu))^(2k) R^2, "
               "the bound at that step, for every k >= 0")
    step = 2 / (mu + L)
    trajectory = sp.Function("x")
    position = sp.Symbol("x_k", real=True)
    for curvature in (L, mu):
        factor = 1 - step * curvature  # x_{k+1} = x_k - h f'(x_k) = (1 - h c) x_k
        solved = sp.rsolve(trajectory(k + 1) - factor * trajectory(k), trajectory(k),
                           {trajectory(0): R})
        ok = solved is not None and _is_zero(solved - R * factor**k)
        p.fact(f"rsolve for f = {curvature} x^2/2", ok, f"x_k = {solved}")
        p.chain(Chain.of(
            f"f = {curvature} x^2/2", position**2,
            Link("==", R**2 * (factor**2) ** k, f"x_k = R (1 - h {curvature})^k (rsolve), "
                 "k integer", domain={position: R * factor**k}),
            Link("==", claimed.subs(h, step), "(1 - h c)^2 equals the bound's rate at "
                 "h = 2/(mu+L)")))
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
            sp.Subs(outer, _tau, R / (2 * N_iter + 1)),
            L * R / (2 * N_iter + 1) * _x - L * R**2 / (2 * (2 * N_iter + 1) ** 2))
    p.equal("values at r = tau", sp.Subs(outer - inner, _x, _tau), sp.Integer(0))
    p.equal("radial derivatives at r = tau", sp.Subs(sp.Derivative(outer - inner, _x), _x, _tau),
            sp.Integer(0))
    coords = sp.symbols("x1 x2 x3", real=True)
    point = sp.Matrix(coords)
    norm = sp.sqrt(sum(c**2 for c in coords))
    hessian = sp.hessian(L * _tau * norm, coords)
    projector = sp.eye(3) - point * point.T / norm**2
    residual = (hessian - L * _tau / norm * projector).applyfunc(sp.simplify)
    p.fact("outer Hessian = (L tau/r)(I - x x^T/r^2) in R^3", residual.is_zero_matrix is True,
           "eigenvalues 0 (radial) and L tau/r (tangential)")
    outside = {_x: _tau + _slack}  # r = tau + s >= tau
    p.chain(Chain.of(
        "tangential eigenvalue in [0, L] on the outer piece", sp.Integer(0),
        Link("<=", L * _tau / _x, "L, tau > 0 and r >= tau > 0", domain=outside),
        Link("<=", L, "tau/r <= 1 for r >= tau", domain=outside)))
    p.note("inner Hessian is L I; a C^1 function whose pieces have Hessian in [0, L] is "
           "convex with L-Lipschitz gradient")
    return p.done()


def check_huber_worst_case(claimed: sp.Expr = GD_CONVEX_DRORI_TEBOULLE.expression
                           ) -> SymbolicCheck:
    """GD with step h_norm/L from x_0 = R stays linear and ends at L R^2/(4 N h_norm + 2)."""
    p = _Proof("huber.worst-case", (GD_CONVEX_DRORI_TEBOULLE.id,),
               "on the Huber function with threshold tau = R/(2Nh+1), N GD steps of length "
               "h_norm/L from x_0 = R give x_k = R - k h_norm tau >= tau for 0 <= k <= N and "
               "f(x_N) = L tau x_N - L tau^2/2 = L R^2/(4Nh+2), the Drori-Teboulle bound, for "
               "every h > 0 (the bound itself needs 0 < h_norm <= 1); DroriTeboulleHuber is the"
               " case h_norm = 1: tau = R/(2N+1), f(x_N) = L R^2/(4N+2)")
    tau = R / (2 * N_iter * h_norm + 1)
    trajectory = sp.Function("x")
    # in the linear region the gradient is L tau, so a step of h_norm/L moves by h_norm tau
    solved = sp.rsolve(trajectory(k + 1) - trajectory(k) + h_norm * tau, trajectory(k),
                       {trajectory(0): R})
    ok = solved is not None and _is_zero(solved - (R - k * h_norm * tau))
    p.fact("rsolve x_{k+1} = x_k - h_norm tau, x_0 = R", ok, f"x_k = {solved}")
    p.sign("x_k - tau for k <= N (N = k + j, j >= 0)", (R - k * h_norm * tau) - tau, "nonnegative",
           {N_iter: k + _j})
    last = sp.Symbol("x_N", real=True)
    outer, _ = _huber_pieces(tau, last)
    p.chain(Chain.of(
        "f(x_N) - f*", outer,
        Link("==", L * tau * (R - N_iter * h_norm * tau) - L * tau**2 / 2,
             "x_N = R - N h_norm tau (rsolve above), on the outer piece since x_N >= tau",
             domain={last: R - N_iter * h_norm * tau}),
        Link("==", claimed, "common denominator (2 N h_norm + 1)^2")))
    p.note("at h_norm = 1 the threshold is DroriTeboulleHuber's R/(2N+1) and the value "
           "L R^2/(4N+2)")
    p.note("f* = 0 at x* = 0 and ||x_0 - x*|| = R, so f(x_N) - f* attains the bound")
    return p.done()


def check_drori_teboulle_below_nesterov(
        tight: sp.Expr = GD_CONVEX_DRORI_TEBOULLE.expression,
        upper: sp.Expr = GD_CONVEX_NESTEROV.expression) -> SymbolicCheck:
    """The attained worst case never exceeds Nesterov's bound (step 1/L)."""
    p = _Proof("gd.convex-consistency", (GD_CONVEX_DRORI_TEBOULLE.id, GD_CONVEX_NESTEROV.id),
               "L R^2/(4N+2) <= L R^2/(2N+2) <= 2 L R^2/(N+4) for every N >= 0: the tight "
               "Drori-Teboulle value at h_norm = 1 is below Nesterov's Corollary 2.1.2 bound")
    p.chain(Chain.of(
        "Drori-Teboulle(h_norm = 1) <= Nesterov", tight.subs(h_norm, 1),
        Link("<=", L * R**2 / (2 * N_iter + 2), "4N + 2 >= 2N + 2 > 0"),
        Link("<=", upper, "2 (2N + 2) = 4N + 4 >= N + 4 > 0")))
    return p.done()


# =========================================================================================
# 5. RotatedCauchy: phi(t) = log(1 + t^2) (solvers.problems.smooth)
# =========================================================================================
_CAUCHY = sp.log(1 + _t**2)
_CAUCHY_CURVATURE = sp.Integer(2)  # max |phi''|, RotatedCauchy's docstring
_CAUCHY_SECOND = 2 * (1 - _t**2) / (1 + _t**2) ** 2


def check_cauchy_second_derivative(stated: sp.Expr = _CAUCHY_SECOND) -> SymbolicCheck:
    """phi''(t) for phi(t) = log(1 + t^2), as stated in RotatedCauchy's docstring."""
    p = _Proof("cauchy.second-derivative", _NONCONVEX_IDS,
               "phi(t) = log(1 + t^2) has phi'(t) = 2t/(1 + t^2) and phi''(t) = "
               "2 (1 - t^2)/(1 + t^2)^2 (RotatedCauchy, an instance of the nonconvex gradient "
               "bounds)")
    p.chain(Chain.of(
        "phi''", sp.Derivative(_CAUCHY, (_t, 2)),
        Link("==", sp.Derivative(2 * _t / (1 + _t**2), _t), "chain rule: phi' = 2t/(1+t^2)"),
        Link("==", stated, "quotient rule")))
    return p.done()


def check_cauchy_curvature_bound(claimed_bound: sp.Expr = _CAUCHY_CURVATURE) -> SymbolicCheck:
    """|phi''(t)| <= 2 for all real t with equality at t = 0, so RotatedCauchy has L = 2 max w."""
    p = _Proof("cauchy.curvature-bound", _NONCONVEX_IDS,
               "|phi''(t)| <= 2 for every real t with equality at t = 0; hence the Hessian "
               "Q^T diag(w_i phi''(z_i)) Q of RotatedCauchy has spectral norm <= 2 max w_i = L,"
               " attained at x*")
    second = sp.Derivative(_CAUCHY, (_t, 2))
    p.chain(Chain.of(
        "phi'' <= bound", second,
        Link("==", _CAUCHY_SECOND, "cauchy.second-derivative"),
        Link("<=", 2 / (1 + _t**2), "1 - t^2 <= 1 + t^2 and (1 + t^2)^2 > 0"),
        Link("<=", claimed_bound, "1 + t^2 >= 1")))
    p.chain(Chain.of(
        "-phi'' <= bound", -second,
        Link("==", 2 * (_t**2 - 1) / (1 + _t**2) ** 2, "cauchy.second-derivative"),
        Link("<=", 2 / (1 + _t**2), "t^2 - 1 <= t^2 + 1 and (1 + t^2)^2 > 0"),
        Link("<=", claimed_bound, "1 + t^2 >= 1")))
    p.equal("attained: phi''(0) equals the bound", sp.Subs(_CAUCHY_SECOND, _t, 0),
            claimed_bound)
    p.note("RotatedCauchy puts weights w_i = L/2 on phi, so its Hessian norm is at most "
           "(L/2) * 2 = L")
    return p.done()


def check_cauchy_nonconvex() -> SymbolicCheck:
    """phi''(t) < 0 for |t| > 1: RotatedCauchy is not convex."""
    p = _Proof("cauchy.nonconvex", _NONCONVEX_IDS,
               "phi''(t) < 0 for every |t| > 1 (phi'' depends on t only through t^2), so "
               "RotatedCauchy is nonconvex")
    p.chain(Chain.of(
        "phi''(1 + v), v > 0", sp.Subs(sp.Derivative(_CAUCHY, (_t, 2)), _t, 1 + _v),
        Link("==", -2 * _v * (2 + _v) / (1 + (1 + _v) ** 2) ** 2,
             "cauchy.second-derivative at t = 1 + v: 1 - (1 + v)^2 = -v (2 + v)"),
        Link("<", sp.Integer(0), "v > 0")))
    p.note("phi''(-t) = phi''(t) since phi'' is a function of t^2, so t < -1 is the same case")
    return p.done()


# =========================================================================================
# 6. nsga2.oneminmax.runtime-explicit (Zheng, Liu & Doerr 2022; constant derived here)
# =========================================================================================
_w = sp.Symbol("w", nonnegative=True)  # slack of a cited lemma's inequality
_x_pos = sp.Symbol("x", positive=True)  # n or N as a real variable
#: the generation constant the paper states after Theorem 1's corollary (paper/main.tex):
#: 2 e^2/(e-1) = 8.6005... < 8.61 (8.6 would be false)
PAPER_GENERATION_CONSTANT: Final = sp.Rational(861, 100)


def _log_lemma_chain() -> Chain:
    """-u/(1-u) <= log(1-u) <= -u - u^2/2 on [0, 1), by the mean value theorem."""
    into_unit = {_u: _v / (1 + _v)}  # v > 0  <->  u in (0, 1)
    return Chain.of(
        "log lemma on [0, 1)", -_u / (1 - _u),
        Link("<=", sp.log(1 - _u), "equal at u = 0; d/du [log(1-u) + u/(1-u)] = u/(1-u)^2 "
             ">= 0", domain=into_unit, monotone_in=(_u, sp.Integer(0))),
        Link("<=", -_u - _u**2 / 2, "equal at u = 0; d/du [-u - u^2/2 - log(1-u)] = "
             "u^2/(1-u) >= 0", domain=into_unit, monotone_in=(_u, sp.Integer(0))))


def check_fitness_level_sum() -> SymbolicCheck:
    """sum_{k=0}^{n-1} n/(n-k) = sum_{i=1}^{n} n/i = n H_n."""
    p = _Proof("nsga2.fitness-level-sum", (ONEMINMAX_FAIR_UNIFORM.id,),
               "sum_{k=0}^{n-1} n/(n-k) = sum_{i=1}^{n} n/i = n H_n")
    p.chain(Chain.of(
        "fitness levels", sp.Sum(n / (n - _j), (_j, 0, n - 1)),
        Link("==", sp.Sum(n / _i, (_i, 1, n)), "reindex i = n - k"),
        Link("==", n * H_n, "H_n = sum_{i=1}^{n} 1/i", domain={H_n: sp.harmonic(n)})))
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
    p.chain(Chain.of(
        "bit-wise", sp.binomial(n - k, 1, evaluate=False) * rate * (1 - rate) ** (n - 1),
        Link("==", (n - k) * rate * (1 - rate) ** (n - 1),
             "C(n-k, 1) = n-k disjoint events: one given zero bit flips (1/n), the other "
             "n-1 bits do not ((1-1/n)^(n-1))"),
        Link("==", (n - k) / n * q_mut, "q_mut = (1 - 1/n)^(n-1) for bit-wise mutation",
             domain={q_mut: (1 - 1 / n) ** (n - 1)})))
    p.note("one-bit mutation flips one uniformly chosen bit: (n-k)/n, i.e. q_mut = 1")
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
               "log q_mut = (n-1) log(1 - 1/n) >= (n-1) (-(1/n)/(1 - 1/n)) = -1 for every "
               "integer n >= 2 (q_mut = 1 at n = 1), so q_mut >= 1/e; the sequence decreases "
               "and tends to 1/e")
    p.chain(_log_lemma_chain())
    p.equal("q_mut at n = 1", sp.Subs((1 - 1 / n) ** (n - 1), n, 1), sp.Integer(1))
    lower = -(1 / n) / (1 - 1 / n)
    p.chain(Chain.of(
        "log q_mut >= -1, n >= 2", (n - 1) * sp.log(1 - 1 / n),
        Link(">=", (n - 1) * lower, "log(1-u) >= -u/(1-u) at u = 1/n (log lemma) and "
             "n - 1 >= 0 (n = 2 + j)", domain={sp.log(1 - 1 / n): lower + _w, n: 2 + _j}),
        Link("==", sp.Integer(-1), "(n-1) (1/n)/(1 - 1/n) = 1")))
    p.chain(Chain.of(
        "log q_mut decreases", sp.Derivative((_x_pos - 1) * sp.log(1 - 1 / _x_pos), _x_pos),
        Link("==", sp.log(1 - 1 / _x_pos) + 1 / _x_pos, "product rule"),
        Link("<=", sp.Integer(0), "log(1-u) <= -u - u^2/2 at u = 1/x (log lemma)",
             domain={sp.log(1 - 1 / _x_pos): -1 / _x_pos - 1 / (2 * _x_pos**2) - _w})))
    p.equal("lim q_mut", sp.Limit((1 - 1 / n) ** (n - 1), n, sp.oo), sp.exp(-1))
    return p.done()


def check_p_sel_lower_bound(max_population: int = 6) -> SymbolicCheck:
    """p_sel = 1 - (1 - 1/N)^N >= 1 - 1/e for every integer N >= 1, decreasing to 1 - 1/e."""
    population = sp.Symbol("N", integer=True, positive=True)
    p = _Proof("nsga2.p-sel-lower-bound", (ONEMINMAX_FAIR_UNIFORM.id,),
               "p_sel = 1 - (1 - 1/N)^N, the probability that N uniform picks select a given "
               "parent: N log(1 - 1/N) <= N (-1/N - 1/(2N^2)) <= -1 for N >= 2 (p_sel = 1 at "
               "N = 1), so p_sel >= 1 - 1/e; it decreases to 1 - 1/e")
    p.chain(_log_lemma_chain())
    selected = 1 - (1 - 1 / population) ** population
    p.equal("p_sel at N = 1", sp.Subs(selected, population, 1), sp.Integer(1))
    upper = -1 / population - 1 / (2 * population**2)
    p.chain(Chain.of(
        "log (1 - p_sel) <= -1, N >= 2", population * sp.log(1 - 1 / population),
        Link("<=", population * upper, "log(1-u) <= -u - u^2/2 at u = 1/N (log lemma), N > 0",
             domain={sp.log(1 - 1 / population): upper - _w, population: 2 + _j}),
        Link("<=", sp.Integer(-1), "N (1/N + 1/(2N^2)) = 1 + 1/(2N) >= 1")))
    p.chain(Chain.of(
        "log (1 - p_sel) increases", sp.Derivative(_x_pos * sp.log(1 - 1 / _x_pos), _x_pos),
        Link("==", sp.log(1 - 1 / _x_pos) + 1 / (_x_pos - 1), "product rule"),
        Link(">=", sp.Integer(0), "log(1-u) >= -u/(1-u) at u = 1/x (log lemma)",
             domain={sp.log(1 - 1 / _x_pos): -(1 / _x_pos) / (1 - 1 / _x_pos) + _w})))
    p.equal("lim p_sel", sp.Limit(selected, population, sp.oo), 1 - sp.exp(-1))
    mismatches = []
    for size in range(1, max_population + 1):
        hits = sum(1 for picks in itertools.product(range(size), repeat=size) if 0 in picks)
        if Fraction(hits, size**size) != 1 - (1 - Fraction(1, size)) ** size:
            mismatches.append(f"N={size}")
    p.fact(f"enumeration of all N^N pick sequences, N = 1..{max_population}", not mismatches,
           "exact probabilities agree" if not mismatches else ", ".join(mismatches))
    return p.done()


_e_t, _e_up, _e_down = sp.symbols("E_T E_up E_down", nonnegative=True)  # expected times


def runtime_chain(label: str, success_up: Callable[[sp.Expr], sp.Expr],
                  success_down: Callable[[sp.Expr], sp.Expr], claimed: sp.Expr,
                  harmonic_of: sp.Expr) -> Chain:
    """E[T] <= E[T_up] + E[T_down] <= sum of geometric waits == claimed (H -> harmonic).

    ``success_up(j)`` is the per-iteration success probability at level j (upward,
    j = 0..n-1), ``success_down(i)`` at level i (downward, i = 1..n); shared by NSGA-II,
    NSGA-II with extra candidates and SEMO. Sharp in the premises' slacks: the constant is the
    one the sum gives.
    """
    up = sp.Sum(1 / success_up(n - _i), (_i, 1, n))  # level j = n - i: i zeros left
    down = sp.Sum(1 / success_down(_i), (_i, 1, n))
    return Chain.of(
        label, _e_t,
        Link("<=", _e_up + _e_down, "T = max(T_up, T_down) <= T_up + T_down, linearity of "
             "expectation", domain={_e_t: _e_up + _e_down - _s1}),
        Link("<=", up + down, "the wait at each level is dominated by a geometric variable "
             "with the level's success probability (upward levels indexed by the i = n - j "
             "bits still to gain); starting at i0 only a subset of the levels is crossed, and "
             "every term is > 0", domain={_e_up: up - _s2, _e_down: down - _s3}),
        Link("==", claimed, "H_n = sum_{i=1}^{n} 1/i", domain={H_n: harmonic_of}),
        sharp={_s1: 0, _s2: 0, _s3: 0})


def check_oneminmax_runtime_constant(claimed: sp.Expr = ONEMINMAX_FAIR_UNIFORM.expression
                                     ) -> SymbolicCheck:
    """E[T] <= E[T_up] + E[T_down] = 2 n H_n/(p_sel q_mut), the catalogue's expression."""
    p = _Proof("nsga2.oneminmax-runtime-constant", (ONEMINMAX_FAIR_UNIFORM.id,),
               "E[T] <= E[T_up] + E[T_down] <= sum_{k=0}^{n-1} n/((n-k) p_sel q_mut) + "
               "sum_{i=1}^{n} n/(i p_sel q_mut) = 2 n H_n/(p_sel q_mut)")
    p.note("fix the value i0 of an initial individual; T_up (T_down) is the first generation "
           "by which every value in [i0, n] ([0, i0]) is covered. Survival (N >= 4(n+1)) keeps "
           "covered values, so the covered run from i0 grows by one when an individual at its "
           "end is selected (probability >= p_sel) and mutated by flipping one of its n-k zeros"
           " (k ones) and nothing else (probability (n-k)/n q_mut, nsga2.mutation-success)")
    p.chain(runtime_chain("NSGA-II on OneMinMax", lambda k_: p_sel * (n - k_) / n * q_mut,
                          lambda i_: p_sel * i_ / n * q_mut, claimed, sp.harmonic(n)))
    return p.done()


def check_oneminmax_generation_constant(
        claimed: sp.Expr = ONEMINMAX_FAIR_UNIFORM.expression,
        constant: sp.Expr = PAPER_GENERATION_CONSTANT) -> SymbolicCheck:
    """2 n H_n/(p_sel q_mut) <= 2e^2/(e-1) n H_n < 8.61 n H_n, the paper's corollary."""
    p = _Proof("nsga2.oneminmax-generation-constant", (ONEMINMAX_FAIR_UNIFORM.id,),
               "with p_sel >= 1 - 1/e and q_mut >= 1/e: 2 n H_n/(p_sel q_mut) <= 2 e^2/(e-1) "
               f"n H_n < {constant} n H_n (the corollary of paper/main.tex), the last step by "
               "outward-rounded interval evaluation of 2 e^2/(e-1) = 8.6005...")
    one_minus = 1 - sp.exp(-1)
    p.chain(Chain.of(
        "generations for every admitted combination", claimed,
        Link("<=", 2 * n * H_n / (one_minus * q_mut), "p_sel >= 1 - 1/e "
             "(nsga2.p-sel-lower-bound)", domain={p_sel: one_minus + _s1}),
        Link("<=", 2 * n * H_n / (one_minus * sp.exp(-1)), "q_mut >= 1/e "
             "(nsga2.q-mut-lower-bound)", domain={q_mut: sp.exp(-1) + _s2}),
        Link("==", 2 * sp.E**2 / (sp.E - 1) * n * H_n, "(1 - 1/e)/e = (e - 1)/e^2"),
        Link("<", constant * n * H_n, "n H_n > 0",
             side_conditions=(SideCondition(f"{constant} - 2e^2/(e-1)",
                                            constant - 2 * sp.E**2 / (sp.E - 1),
                                            "positive"),))))
    return p.done()


# =========================================================================================
# 7. nds.deb2002.pair-comparisons (Deb et al. 2002, Sec. III-A)
# =========================================================================================
def check_deb_pair_count(claimed: sp.Expr = FAST_NDS_COMPARISONS.expression,
                         sizes: Sequence[int] = tuple(range(1, 9))) -> SymbolicCheck:
    """Ordered pairs of distinct points: N (N-1), by summation and by enumeration."""
    p = _Proof("nds.deb-pair-count", (FAST_NDS_COMPARISONS.id,),
               "the loops 'for p in P: for q in P: if q != p: compare(p, q)' make exactly "
               "sum_{p=1}^{N} (sum_{q=1}^{N} 1 - 1) = sum_{p=1}^{N} (N-1) = N (N-1) comparisons")
    point = sp.Symbol("p", integer=True, positive=True)
    other = sp.Symbol("q", integer=True, positive=True)
    p.chain(Chain.of(
        "comparisons", sp.Sum(sp.Sum(1, (other, 1, N_points)) - 1, (point, 1, N_points)),
        Link("==", sp.Sum(N_points - 1, (point, 1, N_points)), "the inner loop skips q = p"),
        Link("==", claimed, "N equal terms")))
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
    check_oneminmax_generation_constant,
    check_deb_pair_count,
)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every check with the catalogue's expressions (a few seconds)."""
    return tuple(check() for check in CHECKS)
