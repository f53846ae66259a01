"""Symbolic checks of the eda family (``theory.bounds.eda``): the regimes of the cGA theorems.

Two consistency checks with sympy, on the catalogue's own expressions and predicates:

1. *Doerr's small-gap regime is empty at any runnable size*: the assumption k <= (1/20) ln n
   - 1 of ``eda.cga.jump.upper-order`` together with k >= 1 holds iff ln n >= 20 (k + 1),
   so the smallest admissible n is ceil(e^40) (about 2.35e17 bits); below it the predicate is
   false for every k >= 1. This is why that bound has no empirical check.
2. *At the threshold the cGA's two OneMax orders coincide*: with K = c sqrt(n) ln n, the
   upper order K sqrt(n) and the lower order K sqrt(n) + n ln n are both c n ln n up to the
   factor (1 + 1/c): lim (K sqrt(n) + n ln n) / (K sqrt(n)) = 1 + 1/c, finite and positive,
   so the bounds together say Theta(n log n) there (Sudholt & Witt's Theta(n log n) for
   1/K ~ 1/(sqrt(n) log n)); the checks fit both on the same runs.

Neither is a proof of a theorem (the theorems are quoted, not derived here): both are
``consistency check`` results.
"""

from __future__ import annotations

import sympy as sp

from proofs_checks.proofs.symbolic import CONSISTENCY, SYMPY, SymbolicCheck
from theory.bounds.eda import (
    A_SMALL_GAP,
    CGA_JUMP_UPPER,
    CGA_ONEMAX_LOWER,
    CGA_ONEMAX_UPPER,
    K_pop,
    c_K,
    k_jump,
)
from theory.symbols import n

__all__ = ["CHECKS", "all_symbolic_checks", "check_jump_regime_is_empty",
           "check_threshold_orders_coincide"]


def check_jump_regime_is_empty() -> SymbolicCheck:
    """k <= ln(n)/20 - 1 and k >= 1  <=>  n >= e^(20(k+1)); smallest n = ceil(e^40)."""
    steps: list[str] = []
    log_n = sp.Symbol("ell", positive=True)  # ln n
    rule = A_SMALL_GAP.predicate.subs(sp.log(n), log_n)
    solved = sp.solve_univariate_inequality(rule.subs(k_jump, 1), log_n, relational=False)
    ok_solve = solved == sp.Interval(40, sp.oo)
    steps.append(f"k = 1: {rule.subs(k_jump, 1)} holds for ln n in {solved} "
                 f"({'ok' if ok_solve else 'FAILED'})")
    general = sp.simplify(20 * (k_jump + 1) - sp.solve(sp.Eq(rule.lhs, rule.rhs), log_n)[0])
    ok_general = general == 0
    verdict = "ok" if ok_general else "FAILED"
    steps.append(f"the boundary is ln n = 20 (k + 1) for every k ({verdict})")
    smallest = int(sp.ceiling(sp.exp(40)))
    below = A_SMALL_GAP.holds({"n": int(sp.floor(sp.exp(39))), "k": 1})
    at = A_SMALL_GAP.holds({"n": smallest, "k": 1})
    ok_edges = (not below) and at
    steps.append(f"the catalogue predicate at k = 1: false at n = floor(e^39) (the "
                 f"predicate's boundary tolerance is relative, 1e-12), true at "
                 f"n = ceil(e^40) = {smallest:.3e} ({'ok' if ok_edges else 'FAILED'})")
    proved = ok_solve and ok_general and ok_edges
    return SymbolicCheck(
        name="eda-jump-small-gap-regime", bound_ids=(CGA_JUMP_UPPER.id,),
        statement="k <= ln(n)/20 - 1 with k >= 1 requires n >= e^40",
        method=SYMPY, proved=proved, kind=CONSISTENCY,
        detail=f"[{CONSISTENCY}] " + "; ".join(steps))


def check_threshold_orders_coincide() -> SymbolicCheck:
    """At K = c sqrt(n) ln n: upper order = c n ln n; lower / upper -> 1 + 1/c."""
    at_threshold = {K_pop: c_K * sp.sqrt(n) * sp.log(n)}
    upper = CGA_ONEMAX_UPPER.expression.subs(at_threshold)
    lower = CGA_ONEMAX_LOWER.expression.subs(at_threshold)
    ok_upper = sp.simplify(upper - c_K * n * sp.log(n)) == 0
    ratio = sp.limit(sp.simplify(lower / upper), n, sp.oo)
    ok_ratio = sp.simplify(ratio - (1 + 1 / c_K)) == 0
    detail = (f"[{CONSISTENCY}] K sqrt(n) at K = c sqrt(n) ln n is {sp.simplify(upper)} "
              f"({'ok' if ok_upper else 'FAILED'}); lim (K sqrt(n) + n ln n)/(K sqrt(n)) = "
              f"{ratio} ({'ok' if ok_ratio else 'FAILED'}): both orders are Theta(n log n)")
    return SymbolicCheck(
        name="eda-cga-threshold-orders", bound_ids=(CGA_ONEMAX_UPPER.id, CGA_ONEMAX_LOWER.id),
        statement="at K = c sqrt(n) ln n, O(K sqrt n) and Omega(K sqrt n + n ln n) are both "
        "Theta(n log n)", method=SYMPY, proved=ok_upper and ok_ratio, kind=CONSISTENCY,
        detail=detail)


CHECKS = (check_jump_regime_is_empty, check_threshold_orders_coincide)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    return tuple(check() for check in CHECKS)
