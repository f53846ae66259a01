"""Symbolic proofs of the nsga2-extra family's claims (NSGA-II with E extra candidates from a
refinement hook, ``theory.bounds.nsga2_extra``), step by step.

Not the shipped hybrid optimiser (``solvers.algorithms.hybrid``): its own theorems are in
``theory.bounds.hybrid``, proved in ``proofs_checks.proofs.symbolic_hybrid``.

What it is for: every nsga2-extra bound is derived here (``source.derived``); this module
checks each algebraic step of the proofs in ``paper/nsga2_extra.tex`` with sympy (exact
identities and sign certificates, via :class:`proofs_checks.proofs.symbolic._Proof`) and the
combinatorial steps by exhaustive enumeration with exact rational arithmetic, independent of
the solver's code:

1. crowding count: in a multiset of OneMinMax values, at most two members per value and
   objective have positive crowding distance and every value has one, whatever the order of
   ties and the size of the multiset; survival with N >= 4(n+1) keeps every value;
2. the expected generations with extra candidates: the fitness-level sum of NSGA-II, unchanged;
3. the exact evaluation count N + t(N+E) and the factor (N+E)/N;
4. the expected evaluations to cover, N + (N+E) * 2 n H_n/(p_sel q_mut);
5. bit-wise mutation reaches every point with probability >= n^-n (n >= 2), and N offspring
   hit a given point with probability >= 1 - (1 - n^-n)^N;
6. the geometric tail P(T > t) <= (n+1)(1-delta)^t and E[T] <= (n+1)/delta;
7. P(T = infinity) = lim_t P(T > t) = 0.

``all_symbolic_checks()`` runs them all with the catalogue's expressions (about a second).
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Final

import sympy as sp

from proofs_checks.proofs.symbolic import Chain, Link, SymbolicCheck, _Proof, runtime_chain
from theory.bounds.nsga2_extra import (
    NSGA2_EXTRA_CONVERGENCE,
    NSGA2_EXTRA_COVER_TAIL,
    NSGA2_EXTRA_EVALUATIONS,
    NSGA2_EXTRA_EVALUATIONS_TO_COVER,
    NSGA2_EXTRA_RUNTIME,
    NSGA2_EXTRA_SURVIVAL,
    E_extra,
    delta,
    t_gen,
)
from theory.symbols import N_pop, n, p_sel, q_mut

__all__ = [
    "CHECKS",
    "all_symbolic_checks",
    "check_almost_sure_convergence",
    "check_bitwise_reach_probability",
    "check_cover_tail",
    "check_crowding_positive_count",
    "check_evaluation_count",
    "check_evaluations_to_cover",
    "check_extra_runtime_constant",
    "crowding_exact",
]

_s = sp.Symbol("s", nonnegative=True)  # slack: N = 4(n+1) + s, E[T] = bound - s
_j = sp.Symbol("j", integer=True, nonnegative=True)  # values missing from R_t: |V| = n+1-j
_i = sp.Symbol("i", integer=True, positive=True)  # a summation index >= 1
_m = sp.Symbol("m", integer=True, nonnegative=True)  # a summation index >= 0
_v = sp.Symbol("v", positive=True)  # 1 - delta = 1/(1+v) for delta in (0, 1)
_d = sp.Symbol("d", integer=True, nonnegative=True)  # Hamming distance between x and y
_w = sp.Symbol("w", nonnegative=True)  # slack of a cited inequality
_s1, _s2, _s3 = sp.symbols("s1 s2 s3", nonnegative=True)  # slacks of premises
_positive_count = sp.Symbol("P", integer=True, nonnegative=True)  # members with distance > 0
_values = sp.Symbol("V", integer=True, nonnegative=True)  # |f(R)|, values present in R
_e_t, _e_up, _e_down = sp.symbols("E_T E_up E_down", nonnegative=True)  # expected times
_tail = sp.Symbol("P_tail", nonnegative=True)  # P(T > t)
_uncovered = sp.Symbol("a_t", nonnegative=True)  # max_v P(v not covered at t)
_never = sp.Symbol("P_inf", nonnegative=True)  # P(T = infinity)

_SURVIVAL_IDS = (NSGA2_EXTRA_SURVIVAL.id, NSGA2_EXTRA_RUNTIME.id,
                 NSGA2_EXTRA_EVALUATIONS_TO_COVER.id, NSGA2_EXTRA_COVER_TAIL.id,
                 NSGA2_EXTRA_CONVERGENCE.id)


# =========================================================================================
# 1. crowding distance on OneMinMax multisets (the survival lemma, for any |R_t|)
# =========================================================================================
def crowding_exact(values: Sequence[int], n_bits: int,
                   tie_orders: tuple[Sequence[int], Sequence[int]]) -> list[Fraction | None]:
    """Deb's crowding distance of OneMinMax members with ``values`` (numbers of ones).

    Objectives (n - v, v); member i of objective j's sort sits at position
    ``tie_orders[j]``-rank among equal objective values. ``None`` is +infinity. Exact
    rationals; independent of ``solvers.algorithms.sorting``.
    """
    size = len(values)
    distance: list[Fraction | None] = [Fraction(0)] * size
    for j, rank in enumerate(tie_orders):
        objective = [(n_bits - v) if j == 0 else v for v in values]
        order = sorted(range(size), key=lambda i: (objective[i], rank[i]))
        span = objective[order[-1]] - objective[order[0]]
        for position, member in enumerate(order):
            if position in (0, size - 1):
                distance[member] = None
                continue
            current = distance[member]
            if current is None or span == 0:
                continue
            gap = objective[order[position + 1]] - objective[order[position - 1]]
            distance[member] = current + Fraction(gap, span)
    return distance


def _positive(distance: Fraction | None) -> bool:
    return distance is None or distance > 0


def _survivors(distance: Sequence[Fraction | None], keep: int,
               tie_break: Sequence[int]) -> list[int]:
    """The ``keep`` members of largest crowding distance (ties by ``tie_break``)."""
    def key(i: int) -> tuple[int, Fraction, int]:
        d = distance[i]
        return (0, Fraction(0), tie_break[i]) if d is None else (1, -d, tie_break[i])
    return sorted(range(len(distance)), key=key)[:keep]


def check_crowding_positive_count(max_bits: int = 3, max_size: int = 7,
                                  survival_bits: int = 2, per_objective: int = 2,
                                  orders: int = 2) -> SymbolicCheck:
    """At most 2 members per value and objective have positive crowding distance, each value
    has one; hence survival with N >= 4(n+1) keeps every value of R_t, whatever |R_t|."""
    p = _Proof("nsga2-extra.crowding-count", _SURVIVAL_IDS,
               "in any multiset R of OneMinMax values (any size, any order of ties), at most "
               "2 members per value and objective, so at most 4 |f(R)| <= 4(n+1) members, have"
               " positive crowding distance, and every value has one; so if N >= 4(n+1), the N "
               "members of largest distance include one of every value of R")
    p.note("a member whose neighbours in objective j's order share its value contributes "
           "(next - previous)/span = 0; only the first and last of a block of equal values "
           "can contribute, and the first does (its predecessor is smaller, or it is a "
           "boundary point with infinite distance). The number of members never enters")
    ends = 2 * per_objective  # block ends per value: per objective, 2 objectives
    p.chain(Chain.of(
        "members of positive crowding distance", _positive_count,
        Link("<=", ends * _values, f"at most {per_objective} block ends per value and "
             "objective have positive distance, 2 objectives (the enumeration below)",
             domain={_positive_count: ends * _values - _s1}),
        Link("<=", ends * (n + 1), "|f(R)| <= n + 1 OneMinMax values",
             domain={_values: n + 1 - _j}),
        Link("<=", N_pop, "N >= 4(n+1), the survival lemma's assumption",
             domain={N_pop: 4 * (n + 1) + _s})))
    rng = random.Random(20260101)
    failures: list[str] = []
    checked = 0
    for bits in range(1, max_bits + 1):
        for size in range(2, max_size + 1):
            for values in itertools.combinations_with_replacement(range(bits + 1), size):
                ties = [tuple(range(size)), tuple(reversed(range(size)))]
                ties += [tuple(rng.sample(range(size), size)) for _ in range(orders)]
                for first, second in itertools.product(ties, repeat=2):
                    distance = crowding_exact(values, bits, (first, second))
                    checked += 1
                    distinct = set(values)
                    positive = [i for i in range(size) if _positive(distance[i])]
                    per_value = {v: sum(values[i] == v for i in positive) for v in distinct}
                    if max(per_value.values()) > 2 * per_objective or min(
                            per_value.values()) < 1:
                        failures.append(f"n={bits}, values={values}: {per_value}")
    p.fact(f"every multiset of values, n = 1..{max_bits}, size 2..{max_size}, "
           f"{len(ties) ** 2} tie-order pairs each", not failures,
           f"{checked} cases: 1 <= positive members per value <= {2 * per_objective}"
           if not failures else "; ".join(failures[:3]))
    survival_failures: list[str] = []
    cases = 0
    pop = 4 * (survival_bits + 1)
    for size in range(pop + 1, 2 * pop + 3):  # |R_t| = 2N + E > N, E up to 2
        for values in itertools.combinations_with_replacement(range(survival_bits + 1), size):
            order = tuple(rng.sample(range(size), size))
            distance = crowding_exact(values, survival_bits, (order, order))
            kept = _survivors(distance, pop, tuple(rng.sample(range(size), size)))
            cases += 1
            if {values[i] for i in kept} != set(values):
                survival_failures.append(f"values={values}")
    p.fact(f"survival with N = 4(n+1) = {pop} on every multiset of n = {survival_bits} values "
           f"of size {pop + 1}..{2 * pop + 2}", not survival_failures,
           f"{cases} multisets, every value kept" if not survival_failures
           else "; ".join(survival_failures[:3]))
    return p.done()


# =========================================================================================
# 2. nsga2-extra.oneminmax.runtime-explicit: the fitness-level sum of NSGA-II, unchanged
# =========================================================================================
def check_extra_runtime_constant(claimed: sp.Expr = NSGA2_EXTRA_RUNTIME.expression
                                 ) -> SymbolicCheck:
    """E[T] <= sum over upward and downward levels = 2 n H_n/(p_sel q_mut), as for NSGA-II."""
    p = _Proof("nsga2-extra.runtime-constant", (NSGA2_EXTRA_RUNTIME.id,),
               "with extra candidates the covered run grows from level k with probability "
               ">= p_sel q_mut (n-k)/n per generation whatever the refinement, so E[T] <= "
               "sum_k n/((n-k) p_sel q_mut) + sum_i n/(i p_sel q_mut) = 2 n H_n/(p_sel q_mut)")
    p.note("Q_t is created from P_t by selection and mutation exactly as in NSGA-II, so the "
           "one-step probability of nsga2.mutation-success holds conditionally on the whole "
           "past (refinement included); the refinement's candidates can only add values, "
           "and the survival lemma with extra candidates (nsga2-extra.crowding-count) keeps "
           "every value of R_t, so the covered run around the initial value never shrinks")
    p.chain(runtime_chain("NSGA-II with extra candidates on OneMinMax",
                          lambda k_: p_sel * (n - k_) / n * q_mut,
                          lambda i_: p_sel * i_ / n * q_mut, claimed, sp.harmonic(n)))
    return p.done()


# =========================================================================================
# 3-4. evaluation count and expected evaluations to cover
# =========================================================================================
def check_evaluation_count(claimed: sp.Expr = NSGA2_EXTRA_EVALUATIONS.expression) -> SymbolicCheck:
    """N for P_0 plus N + E per generation: N + t(N+E); the factor (N+E)/N over NSGA-II."""
    p = _Proof("nsga2-extra.evaluation-count", (NSGA2_EXTRA_EVALUATIONS.id,
                                                NSGA2_EXTRA_EVALUATIONS_TO_COVER.id),
               "evaluations up to P_t: N + sum_{s=1}^{t} (N + E) = N + t (N + E); each "
               "generation costs (N + E)/N times NSGA-II's N; E = 0 gives NSGA-II's N (t + 1)")
    generation = sp.Symbol("g", integer=True, positive=True)
    p.chain(Chain.of(
        "evaluations up to P_t", N_pop + sp.Sum(N_pop + E_extra, (generation, 1, t_gen)),
        Link("==", N_pop + sp.Sum(N_pop, (generation, 1, t_gen))
             + sp.Sum(E_extra, (generation, 1, t_gen)), "linearity of the sum"),
        Link("==", claimed, "t equal terms each")))
    p.equal("per-generation increment / N", (claimed.subs(t_gen, t_gen + 1) - claimed) / N_pop,
            (N_pop + E_extra) / N_pop)
    p.equal("E = 0: NSGA-II's count N (t + 1)", claimed.subs(E_extra, 0), N_pop * (t_gen + 1))
    return p.done()


def check_evaluations_to_cover(claimed: sp.Expr = NSGA2_EXTRA_EVALUATIONS_TO_COVER.expression,
                               runtime: sp.Expr = NSGA2_EXTRA_RUNTIME.expression,
                               count: sp.Expr = NSGA2_EXTRA_EVALUATIONS.expression
                               ) -> SymbolicCheck:
    """E[N + (N+E) T] = N + (N+E) E[T] <= N + (N+E) * 2 n H_n/(p_sel q_mut)."""
    p = _Proof("nsga2-extra.evaluations-to-cover", (NSGA2_EXTRA_EVALUATIONS_TO_COVER.id,),
               "evaluations to cover are N + (N+E) T; by linearity E = N + (N+E) E[T], and "
               "N + E > 0 turns E[T] <= B into E[evals] <= N + (N+E) B")
    p.equal("claimed = count at t = B (B the runtime bound)", claimed,
            sp.Subs(count, t_gen, runtime))
    p.chain(Chain.of(
        "expected evaluations to cover", N_pop + (N_pop + E_extra) * _e_t,
        Link("<=", N_pop + (N_pop + E_extra) * (_e_up + _e_down),
             "T <= T_up + T_down (nsga2-extra.runtime-constant) and N + E > 0",
             domain={_e_t: _e_up + _e_down - _s1}),
        Link("<=", claimed, "E[T_up], E[T_down] <= B/2 each (nsga2-extra.runtime-constant)",
             domain={_e_up: runtime / 2 - _s2, _e_down: runtime / 2 - _s3}),
        sharp={_s1: 0, _s2: 0, _s3: 0}))
    return p.done()


# =========================================================================================
# 5. bit-wise mutation reaches every point
# =========================================================================================
def check_bitwise_reach_probability(max_bits: int = 6, max_offspring: int = 4
                                    ) -> SymbolicCheck:
    """min_{x,y} P(bit-wise mutation of x = y) = n^-n (n >= 2); N offspring: 1-(1-n^-n)^N."""
    p = _Proof("nsga2-extra.bitwise-reach", (NSGA2_EXTRA_COVER_TAIL.id, NSGA2_EXTRA_CONVERGENCE.id),
               "bit-wise mutation at rate 1/n turns x into y at Hamming distance d with "
               "probability (1/n)^d (1-1/n)^(n-d) = n^-n (n-1)^(n-d) >= n^-n for n >= 2; N "
               "independent offspring contain a given y with probability >= 1 - (1-n^-n)^N")
    reach = (1 / n) ** _d * (1 - 1 / n) ** (n - _d)
    p.chain(Chain.of(
        "P(bit-wise mutation turns x into y), Hamming distance d", reach,
        Link("==", n**-n * (n - 1) ** (n - _d), "(1 - 1/n)^(n-d) = (n-1)^(n-d) n^(d-n)"),
        Link(">=", n**-n, "(n-1)^(n-d) >= 1 for n >= 2 and d <= n, and n^-n > 0",
             domain={(n - 1) ** (n - _d): 1 + _w})))
    mismatches: list[str] = []
    for bits in range(2, max_bits + 1):
        rate = Fraction(1, bits)
        probs = [rate**d * (1 - rate) ** (bits - d) for d in range(bits + 1)]
        exact = [Fraction((bits - 1) ** (bits - d), bits**bits) for d in range(bits + 1)]
        if probs != exact or min(probs) != Fraction(1, bits**bits):
            mismatches.append(f"n={bits}")
    p.fact(f"every distance d = 0..n, n = 2..{max_bits}: identity and minimum n^-n at d = n",
           not mismatches, "exact" if not mismatches else ", ".join(mismatches))
    p.note("(n-1)^(n-d) >= 1 for n >= 2 and d <= n, so the minimum over x, y is n^-n; for n = 1 "
           "bit-wise mutation always flips the bit and never returns x (excluded: n >= 2)")
    bad: list[str] = []
    for offspring in range(1, max_offspring + 1):
        for hit in itertools.product([Fraction(1, 4), Fraction(1, 3), Fraction(1, 2)],
                                     repeat=offspring):
            floor = min(hit)
            miss = Fraction(1)
            for q in hit:
                miss *= 1 - q
            if 1 - miss < 1 - (1 - floor) ** offspring:
                bad.append(str(hit))
    p.fact(f"independent hits with probabilities >= p, N = 1..{max_offspring}: "
           "P(some hit) = 1 - prod(1 - p_i) >= 1 - (1 - p)^N", not bad,
           "exact" if not bad else "; ".join(bad[:3]))
    unreachable = []
    for bits in range(2, max_bits + 1):
        start, target = (0,) * bits, (1, 1) + (0,) * (bits - 2)
        hits = sum(1 for flip in range(bits)
                   if tuple(b ^ (i == flip) for i, b in enumerate(start)) == target)
        if hits:
            unreachable.append(f"n={bits}")
    p.fact(f"one-bit mutation never maps 0^n to 110^(n-2), n = 2..{max_bits}: delta_mut = 0, "
           "so the tail bound does not apply to it", not unreachable,
           "0 of n flips" if not unreachable else ", ".join(unreachable))
    return p.done()


# =========================================================================================
# 6-7. geometric tail, expected covering time, convergence with probability one
# =========================================================================================
def check_cover_tail(claimed: sp.Expr = NSGA2_EXTRA_COVER_TAIL.expression) -> SymbolicCheck:
    """a_{t+1} <= (1-delta) a_t, a_0 <= 1 gives a_t <= (1-delta)^t; union over n+1 values."""
    p = _Proof("nsga2-extra.cover-tail", (NSGA2_EXTRA_COVER_TAIL.id, NSGA2_EXTRA_CONVERGENCE.id),
               "for an uncovered value v, P(v not covered at t+1 | past) <= 1 - delta, and "
               "covered values stay (survival with extra candidates); so P(v not covered at t) <= "
               "(1-delta)^t, P(T > t) <= (n+1)(1-delta)^t and E[T] <= (n+1)/delta")
    a = sp.Function("a")
    solved = sp.rsolve(a(t_gen + 1) - (1 - delta) * a(t_gen), a(t_gen), {a(0): 1})
    ok = solved is not None and sp.simplify(solved - (1 - delta) ** t_gen) == 0
    p.fact("rsolve a_{t+1} = (1-delta) a_t, a_0 = 1", ok, f"a_t = {solved}")
    p.note("by induction, a_{t+1} = E[1{v uncovered at t} P(v not in f(R_t) | past)] <= "
           "(1-delta) a_t: the recursion with equality majorises the true a_t")
    p.chain(Chain.of(
        "P(T > t)", _tail,
        Link("<=", (n + 1) * _uncovered, "union bound over the n + 1 front values, a_t the "
             "largest probability that one is uncovered at t", domain={_tail: (n + 1) * _uncovered
                                                                      - _s1}),
        Link("<=", claimed, "a_t <= (1-delta)^t (the recursion above)",
             domain={_uncovered: (1 - delta) ** t_gen - _s2}),
        sharp={_s1: 0, _s2: 0}))
    p.chain(Chain.of(
        "E[T], 0 < delta < 1", _e_t,
        Link("<=", sp.Sum(claimed, (t_gen, 0, sp.oo)), "E[T] = sum_{t>=0} P(T > t)",
             domain={_e_t: sp.Sum(claimed, (t_gen, 0, sp.oo)) - _s1, delta: 1 / (1 + _v)}),
        Link("==", (n + 1) / delta, "geometric series with ratio 1 - delta = v/(1+v) < 1",
             domain={delta: 1 / (1 + _v)})))
    p.note("at delta = 1 the tail is 0 for t >= 1 and the sum is n + 1 = (n+1)/delta")
    return p.done()


def check_almost_sure_convergence(claimed: sp.Expr = NSGA2_EXTRA_CONVERGENCE.expression,
                                  tail: sp.Expr = NSGA2_EXTRA_COVER_TAIL.expression
                                  ) -> SymbolicCheck:
    """P(T = infinity) = lim_t P(T > t) <= lim_t (n+1)(1-delta)^t = 0."""
    p = _Proof("nsga2-extra.almost-sure", (NSGA2_EXTRA_CONVERGENCE.id,),
               "{T = infinity} is the decreasing intersection of {T > t}; by continuity of "
               "probability P(T = infinity) = lim P(T > t) <= lim (n+1)(1-delta)^t = 0")
    into_unit = {delta: 1 / (1 + _v)}  # delta in (0, 1)
    p.chain(Chain.of(
        "P(T = infinity), 0 < delta < 1", _never,
        Link("<=", sp.Limit(tail, t_gen, sp.oo), "P(T = infinity) = lim P(T > t) <= lim of "
             "the tail bound (nsga2-extra.cover-tail)",
             domain={_never: sp.Limit(tail, t_gen, sp.oo) - _s1, **into_unit}),
        Link("==", claimed, "(n+1)(1-delta)^t -> 0 as 0 < 1 - delta = v/(1+v) < 1",
             domain=into_unit)))
    p.equal("delta = 1: the tail at t = 1", sp.Subs(tail, (delta, t_gen), (1, 1)), claimed)
    p.note("at delta = 1 the tail is 0 for every t >= 1; in both cases the limit is 0 and "
           "P(T = infinity) <= 0, i.e. the front is covered after finitely many generations "
           "with probability one, whatever the refinement adds")
    return p.done()


# -- the registry --------------------------------------------------------------------------
CHECKS: Final[tuple[Callable[[], SymbolicCheck], ...]] = (
    check_crowding_positive_count,
    check_extra_runtime_constant,
    check_evaluation_count,
    check_evaluations_to_cover,
    check_bitwise_reach_probability,
    check_cover_tail,
    check_almost_sure_convergence,
)


def all_symbolic_checks() -> tuple[SymbolicCheck, ...]:
    """Run every nsga2-extra check with the catalogue's expressions."""
    return tuple(check() for check in CHECKS)
