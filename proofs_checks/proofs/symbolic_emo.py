"""Symbolic proofs of the constants the emo family derives (``theory.bounds.emo``).

One derived constant: SEMO on OneMinMax, E[T] <= 2 n (n+1) H_n
(``emo.semo.oneminmax.runtime-explicit``). The proof, step by step:

1. Every string is Pareto-optimal on OneMinMax, one-bit mutation changes the number of
   ones by exactly 1 and an offspring replaces only the member with its own objective
   vector, so the population always holds one string per ones-count of an interval [a, b],
   at most n+1 members; the front is covered iff a = 0 and b = n.
2. b never decreases. While b < n, an iteration raises b when it picks the member with b
   ones (probability 1/(b-a+1) >= 1/(n+1)) and flips one of its n-b zeros (probability
   (n-b)/n). The wait at level b is dominated by a geometric variable with mean
   n(n+1)/(n-b), so E[T_up] <= sum_{b=0}^{n-1} n(n+1)/(n-b) = n(n+1) H_n; the same for a
   with a/n, E[T_down] <= n(n+1) H_n.
3. T = max(T_up, T_down) <= T_up + T_down, hence E[T] <= 2 n (n+1) H_n.

Besides the sympy identities, the check solves the exact Markov chain on the intervals
[a, b] (rational arithmetic, random start with ones-count Binomial(n, 1/2)) for small n
and confirms the exact E[T] is below the bound.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from functools import cache
from math import comb
from typing import Final

import sympy as sp

from proofs_checks.proofs.symbolic import SymbolicCheck, _Proof, runtime_chain
from theory.bounds.emo import SEMO_ONEMINMAX_EXPLICIT
from theory.symbols import H_n, n

__all__ = ["CHECKS", "all_symbolic_checks", "check_semo_oneminmax_constant",
           "exact_semo_oneminmax_expectation"]



def exact_semo_oneminmax_expectation(length: int) -> Fraction:
    """Exact E[T] of SEMO on OneMinMax_n from a uniformly random start (step 1's chain)."""

    @cache
    def remaining(a: int, b: int) -> Fraction:
        if a == 0 and b == length:
            return Fraction(0)
        pick = Fraction(1, b - a + 1)
        up = pick * Fraction(length - b, length) if b < length else Fraction(0)
        down = pick * Fraction(a, length) if a > 0 else Fraction(0)
        total = 1 + (up * remaining(a, b + 1) if up else 0) + \
            (down * remaining(a - 1, b) if down else 0)
        return total / (up + down)

    return sum((Fraction(comb(length, i), 2**length) * remaining(i, i)
                for i in range(length + 1)), Fraction(0))


def check_semo_oneminmax_constant(claimed: sp.Expr = SEMO_ONEMINMAX_EXPLICIT.expression,
                                  max_length: int = 12) -> SymbolicCheck:
    """E[T] <= E[T_up] + E[T_down] <= 2 n (n+1) H_n, the catalogue's expression."""
    p = _Proof("emo.semo-oneminmax-constant", (SEMO_ONEMINMAX_EXPLICIT.id,),
               "SEMO on OneMinMax: E[T] <= E[T_up] + E[T_down] <= sum_{b=0}^{n-1} n(n+1)/(n-b) "
               "+ sum_{a=1}^{n} n(n+1)/a = 2 n (n+1) H_n (an iteration raises the top b with "
               "probability >= (n-b)/(n(n+1)), lowers the bottom a with probability >= "
               "a/(n(n+1)))")
    p.note("the population is one string per ones-count of an interval [a, b] (one-bit "
           "mutation moves the count by 1, every string is Pareto-optimal, an offspring "
           "replaces only its own objective vector), so |P| <= n+1 and the front is covered "
           "iff a = 0 and b = n; T = max(T_up, T_down) <= T_up + T_down")
    p.chain(runtime_chain("SEMO on OneMinMax", lambda b: (n - b) / (n * (n + 1)),
                          lambda a: a / (n * (n + 1)), claimed, sp.harmonic(n)))
    rows = []
    ok = True
    for length in range(1, max_length + 1):
        exact = exact_semo_oneminmax_expectation(length)
        bound = sp.Rational(claimed.subs({H_n: sp.harmonic(length), n: length}))
        ok = ok and sp.Rational(exact.numerator, exact.denominator) <= bound
        rows.append(f"n={length}: {float(exact):.4g} <= {float(bound):.4g}")
    p.fact(f"exact Markov-chain E[T] below the bound, n = 1..{max_length}", ok,
           "; ".join(rows))
    return p.done()


#: every check, run with the catalogue's expressions by default
CHECKS: Final[tuple[Callable[[], SymbolicCheck], ...]] = (check_semo_oneminmax_constant,)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every emo symbolic check (well under a second)."""
    return tuple(check() for check in CHECKS)
