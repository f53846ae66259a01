"""Bounds of the nsga2-extra family: NSGA-II with E extra candidates from a refinement hook.

Not the shipped hybrid optimiser (``solvers.algorithms.hybrid``): its own theorems are in
``theory.bounds.hybrid`` (family "hybrid"). This family is NSGA-II as analysed by Zheng, Liu &
Doerr (AAAI 2022; see ``theory.bounds.evolutionary``) with one change: per generation a
*refinement* (any procedure, adversarial included: local search, random restarts, copies)
produces E >= 0 extra candidates, which join the combined population before survival, so
R_t = P_t + Q_t + E_t has 2N + E members and NSGA-II's survival (non-dominated sorting, then
crowding distance) keeps N of them. ``solvers.algorithms.nsga2`` implements it with the
config fields ``extra_candidates`` (E) and ``refinement``.

Every claim here is ours (``source.derived``): proofs in ``paper/nsga2_extra.tex``, each
algebraic step checked in ``proofs_checks.proofs.symbolic_nsga2_extra``. They rest on the
survival lemma of Zheng, Liu & Doerr and, for convergence with probability one, follow the
argument of Rudolph & Agapie (CEC 2000) for elitist multi-objective EAs.

T is the first generation t at which P_t covers the whole Pareto front (P_0 is the initial
population); evaluations are counted as in the solver (N for P_0, then N + E per generation).
"""

from __future__ import annotations

from functools import partial

import sympy as sp

from theory.bound import Assumption, Bound, Direction, Mode, Source
from theory.bounds.evolutionary import A_MUTATION, A_NO_CROSSOVER, A_POP_4
from theory.symbols import H_n, N_pop, fair_or_uniform, n, p_sel, q_mut

__all__ = ["BOUNDS", "E_extra", "delta", "t_gen"]

# -- symbols of this family (the others come from theory.symbols) --------------------------
E_extra = sp.Symbol("E", integer=True, nonnegative=True)  # candidates added by refinement
t_gen = sp.Symbol("t", integer=True, nonnegative=True)  # generation index
delta = sp.Symbol("delta", positive=True)  # per-generation prob. of hitting a given point
only_adds = sp.Symbol("refinement_only_adds")  # refinement adds E candidates, removes none
reaches_all = sp.Symbol("mutation_reaches_every_point")  # min_{x,y} P(mut(x) = y) > 0
counts_every = sp.Symbol("evaluates_every_candidate")  # no memoisation of evaluations

THIS_WORK = partial(
    Source,
    authors="this work",
    title="NSGA-II with extra candidates from a refinement step: survival, runtime and "
    "convergence",
    venue="nasbound paper, section on NSGA-II with extra candidates "
    "(paper/nsga2_extra.tex)",
    year=2026,
    derived=True,
)
SURVIVAL_NOTE = (
    "rests on the survival lemma of W. Zheng, Y. Liu and B. Doerr, AAAI 2022 (Lemma 1 of the "
    "AAAI version; number not verified here): at most 4 members per objective value have "
    "positive crowding distance, whatever the size of R_t"
)

A_ONLY_ADDS = Assumption(
    "refinement-only-adds",
    "the refinement only adds E >= 0 candidates to R_t; survival is NSGA-II's on all 2N + E",
    only_adds,
)
A_FAIR_UNIFORM = Assumption(
    "fair-or-uniform-selection",
    "parents are chosen fairly (each once) or by N independent uniform picks",
    fair_or_uniform,
)
A_REACHES = Assumption(
    "mutation-reaches-every-point",
    "from every parent x, mutation produces every y with probability >= delta_mut > 0 "
    "(bit-wise mutation: delta_mut = n^-n for n >= 2)",
    reaches_all,
)
A_COUNTS = Assumption(
    "evaluates-every-candidate",
    "every candidate handed to the problem is evaluated and counted (no memoisation)",
    counts_every,
)

_RUNTIME = 2 * n * H_n / (p_sel * q_mut)
_RUNTIME_SYMBOLS = {
    "n": "bit-string length", "H_n": "harmonic number",
    "p_sel": "probability that a given parent is selected at least once",
    "q_mut": "n times the probability that mutation flips one given bit and no other",
}
_RUNTIME_DEFINITIONS = {
    "H_n": "sum_{i=1}^{n} 1/i",
    "p_sel": "1 for fair selection; 1 - (1 - 1/N)^N for N uniform picks",
    "q_mut": "1 for one-bit mutation; (1 - 1/n)^(n-1) for bit-wise mutation",
}

NSGA2_EXTRA_SURVIVAL = Bound(
    id="nsga2-extra.oneminmax.survival",
    family="nsga2-extra",
    title="NSGA-II with extra candidates on OneMinMax: refinement never makes survival lose "
    "a front value",
    quantity="front_values_lost",
    quantity_description="max over generations t of the number of Pareto-front values present"
    " in R_t = P_t + Q_t + E_t (2N + E members) and absent from P_{t+1}",
    quantity_latex=r"\max_t\,|f(R_t)\cap F^\star \setminus f(P_{t+1})|",
    direction=Direction.UPPER,
    mode=Mode.DETERMINISTIC,
    expression=sp.Integer(0),
    symbols={},
    assumptions=(A_POP_4, A_ONLY_ADDS),
    source=THIS_WORK(locator="Lemma (survival with extra candidates)", note=SURVIVAL_NOTE,
                     rests_on=("nsga2.oneminmax.survival",)),
    notes="holds for every E >= 0, every refinement, parent selection, mutation and crossover:"
    " only the count of positive crowding distances (<= 4 per value) matters",
)

NSGA2_EXTRA_RUNTIME = Bound(
    id="nsga2-extra.oneminmax.runtime-explicit",
    family="nsga2-extra",
    title="NSGA-II with extra candidates on OneMinMax, fair or uniform selection: no more "
    "generations than NSGA-II's explicit bound",
    quantity="generations_to_cover",
    quantity_description="generations until P_t contains every Pareto-front value",
    quantity_latex="T",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=_RUNTIME,
    symbols=_RUNTIME_SYMBOLS,
    definitions=_RUNTIME_DEFINITIONS,
    assumptions=(A_POP_4, A_MUTATION, A_NO_CROSSOVER, A_FAIR_UNIFORM, A_ONLY_ADDS),
    source=THIS_WORK(locator="Theorem (runtime with extra candidates)",
                     note="the bound of nsga2.oneminmax.runtime-explicit; " + SURVIVAL_NOTE,
                     rests_on=("nsga2-extra.oneminmax.survival",
                               "nsga2.oneminmax.runtime-explicit")),
)

NSGA2_EXTRA_EVALUATIONS = Bound(
    id="nsga2-extra.evaluations.count",
    family="nsga2-extra",
    title="NSGA-II with extra candidates: exact evaluation count, N + E per generation",
    quantity="evaluations_at_generation",
    quantity_description="objective evaluations made up to the creation of P_t (N for P_0,"
    " then N offspring and E refinement candidates per generation)",
    quantity_latex=r"\mathrm{evals}(t)",
    direction=Direction.EQUAL,
    mode=Mode.DETERMINISTIC,
    expression=N_pop + t_gen * (N_pop + E_extra),
    symbols={"N": "population size", "t": "generation index",
             "E": "candidates the refinement adds per generation"},
    assumptions=(A_ONLY_ADDS, A_COUNTS),
    source=THIS_WORK(locator="Proposition (evaluation count)",
                     note="per generation the count grows by the factor (N + E)/N over NSGA-II"),
)

NSGA2_EXTRA_EVALUATIONS_TO_COVER = Bound(
    id="nsga2-extra.oneminmax.evaluations-explicit",
    family="nsga2-extra",
    title="NSGA-II with extra candidates on OneMinMax: expected evaluations until the front "
    "is covered",
    quantity="evaluations_to_cover",
    quantity_description="evaluations made up to the creation of the first P_t covering the "
    "front: N + (N + E) T",
    quantity_latex=r"\mathrm{evals}(T)",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=N_pop + (N_pop + E_extra) * _RUNTIME,
    symbols={**_RUNTIME_SYMBOLS, "N": "population size",
             "E": "candidates the refinement adds per generation"},
    definitions=_RUNTIME_DEFINITIONS,
    assumptions=(A_POP_4, A_MUTATION, A_NO_CROSSOVER, A_FAIR_UNIFORM, A_ONLY_ADDS, A_COUNTS),
    source=THIS_WORK(locator="Corollary (cost of the extra candidates)",
                     note="linearity of expectation on N + (N+E) T; " + SURVIVAL_NOTE,
                     rests_on=("nsga2-extra.oneminmax.runtime-explicit",
                               "nsga2-extra.evaluations.count")),
)

_TAIL_DEFINITIONS = {
    "delta": "1 - (1 - delta_mut)^N: N offspring per generation, each equal to a given point y"
    " with probability >= delta_mut = min_{x,y} P(mut(x) = y) (n^-n for bit-wise mutation, "
    "n >= 2)",
}

NSGA2_EXTRA_COVER_TAIL = Bound(
    id="nsga2-extra.oneminmax.cover-tail",
    family="nsga2-extra",
    title="NSGA-II with extra candidates on OneMinMax: geometric tail of the covering time, "
    "any refinement",
    quantity="uncovered_at_t",
    quantity_description="indicator that P_t does not yet cover the whole Pareto front "
    "(its expectation is P(T > t))",
    quantity_latex=r"\mathbf{1}[T>t]",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=(n + 1) * (1 - delta) ** t_gen,
    symbols={"n": "bit-string length", "t": "generation index",
             "delta": "lower bound on the probability that a generation's offspring contain a "
             "given point"},
    definitions=_TAIL_DEFINITIONS,
    assumptions=(A_POP_4, A_ONLY_ADDS, A_REACHES),
    source=THIS_WORK(
        locator="Theorem (convergence with probability one), tail bound",
        note="geometric-trials argument after G. Rudolph and A. Agapie, Convergence properties"
        " of some multi-objective evolutionary algorithms, Proc. CEC 2000 (theorem number not "
        "verified here); elitism on the front from the survival lemma with extra candidates",
        rests_on=("emo.convergence.probability-one", "nsga2-extra.oneminmax.survival"),
    ),
)

NSGA2_EXTRA_CONVERGENCE = Bound(
    id="nsga2-extra.oneminmax.convergence-as",
    family="nsga2-extra",
    title="NSGA-II with extra candidates on OneMinMax converges to the whole front with "
    "probability one",
    quantity="never_covered",
    quantity_description="indicator that no P_t ever covers the whole Pareto front (its "
    "expectation is P(T = infinity))",
    quantity_latex=r"\mathbf{1}[T=\infty]",
    direction=Direction.UPPER,
    mode=Mode.EXPECTATION,
    expression=sp.Integer(0),
    symbols={},
    assumptions=(A_POP_4, A_ONLY_ADDS, A_REACHES),
    source=THIS_WORK(
        locator="Theorem (convergence with probability one)",
        note="after G. Rudolph and A. Agapie, Proc. CEC 2000; also E[T] <= (n+1)/delta",
        rests_on=("emo.convergence.probability-one", "nsga2-extra.oneminmax.cover-tail"),
    ),
    notes="{T = infinity} is the decreasing limit of {T > t}, whose probability is at most "
    "(n+1)(1-delta)^t -> 0 (nsga2-extra.oneminmax.cover-tail)",
)

BOUNDS: tuple[Bound, ...] = (
    NSGA2_EXTRA_SURVIVAL,
    NSGA2_EXTRA_RUNTIME,
    NSGA2_EXTRA_EVALUATIONS,
    NSGA2_EXTRA_EVALUATIONS_TO_COVER,
    NSGA2_EXTRA_COVER_TAIL,
    NSGA2_EXTRA_CONVERGENCE,
)
