"""Tests of the nsga2-extra family (NSGA-II with E extra candidates from a refinement hook):
bounds, symbolic proofs, empirical checks and the NSGA-II hook. Not the shipped hybrid
optimiser (``solvers.algorithms.hybrid``), whose own theorems are in ``theory.bounds.hybrid``.

* the refinement hook of ``solvers.algorithms.nsga2``: rules, the E candidates it adds,
  the evaluation count, reproducibility, and the default left untouched;
* the survival lemma as a property on Hypothesis-drawn runs with extra candidates
  (N >= 4(n+1));
* the exact crowding distance of ``proofs_checks.proofs.symbolic_nsga2_extra`` against the solver's;
* every symbolic check proves its claim, and a wrong constant makes it fail;
* every empirical check passes as stated and catches every sabotage (quick profile).
"""

from __future__ import annotations

import itertools
import random
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs_checks.check import CheckContext
from proofs_checks.families.nsga2_extra import (
    CHECKS,
    SYMBOLIC_ONLY,
    TAIL_EPSILON,
    bitwise_delta,
    p0_covers,
    tail_cap,
)
from proofs_checks.proofs import symbolic_nsga2_extra as sym
from solvers.algorithms.nsga2 import NSGA2, REFINEMENTS, NSGA2Config
from solvers.algorithms.sorting import crowding_distance
from solvers.lab import Lab
from solvers.problems.binary import BitStringConfig, OneMinMax
from solvers.registry import make_problem
from solvers.store import RunStore
from solvers.trace import TraceRecorder
from tests.verdicts import assert_expected_verdict
from theory.bounds.evolutionary import ONEMINMAX_FAIR_UNIFORM
from theory.bounds.nsga2_extra import BOUNDS, NSGA2_EXTRA_COVER_TAIL, E_extra, delta, t_gen
from theory.errors import InvalidParameterError
from theory.symbols import N_pop, n

KINDS = [k for k in REFINEMENTS if k != "none"]


def _run(n_bits: int, pop: int, extra: int, kind: str, generations: int, seed: int = 0,
         **config: Any) -> TraceRecorder:
    solver = NSGA2(NSGA2Config(pop=pop, max_generations=generations, stop_when_covered=False,
                               extra_candidates=extra, refinement=kind, **config))
    recorder = TraceRecorder()
    solver.run(OneMinMax(BitStringConfig(n=n_bits)), seed, recorder)
    return recorder


# -- the hook ---------------------------------------------------------------------------------
def test_hook_rules_name_the_broken_rule() -> None:
    with pytest.raises(InvalidParameterError, match="refinement != 'none'"):
        NSGA2Config(extra_candidates=3)
    with pytest.raises(InvalidParameterError, match="refinement != 'none'"):
        NSGA2Config(refinement="random")
    with pytest.raises(InvalidParameterError, match="refinement in"):
        NSGA2Config(extra_candidates=2, refinement="gradient")
    with pytest.raises(InvalidParameterError, match="extra_candidates >= 0"):
        NSGA2Config(extra_candidates=-1, refinement="none")
    solver = NSGA2(NSGA2Config(pop=10, extra_candidates=2, refinement="random"))
    with pytest.raises(InvalidParameterError, match="real problems"):
        solver.validate(make_problem("zdt1", {}))


def test_default_has_no_refinement() -> None:
    config = NSGA2Config()
    assert (config.extra_candidates, config.refinement) == (0, "none")


@pytest.mark.parametrize("kind", KINDS)
def test_refinement_adds_e_candidates_of_the_right_kind(kind: str) -> None:
    solver = NSGA2(NSGA2Config(pop=8, extra_candidates=13, refinement=kind))
    rng = np.random.default_rng(3)
    population = rng.random((8, 6)) < 0.5
    objectives = OneMinMax(BitStringConfig(n=6)).evaluate(population)
    extra = solver._refine(population, objectives, np.random.default_rng(4))
    assert extra.shape == (13, 6) and extra.dtype == bool
    rows = {r.tobytes() for r in population}
    if kind == "adversarial-duplicates":
        assert all(r.tobytes() in rows for r in extra)
        assert len({int(r.sum()) for r in extra}) <= 3
    if kind == "local-search":  # one bit away from some member of P_t
        assert all(min(int((r ^ p).sum()) for p in population) <= 1 for r in extra)


@pytest.mark.parametrize("kind", KINDS)
def test_evaluation_counter_and_summary(kind: str) -> None:
    pop, extra = 12, 7
    recorder = _run(3, pop, extra, kind, 40)
    t = recorder.column("iteration")
    np.testing.assert_array_equal(recorder.column("evaluations"), pop + t * (pop + extra))
    solver = NSGA2(NSGA2Config(pop=pop, extra_candidates=extra, refinement=kind))
    covered = TraceRecorder()
    solver.run(OneMinMax(BitStringConfig(n=3)), 1, covered)
    T = covered.summary["generations_to_cover"]
    assert covered.summary["evaluations_to_cover"] == pop + T * (pop + extra)


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_trace_other_seed_other_trace(kind: str) -> None:
    first, second = (_run(10, 44, 20, kind, 15, seed=5) for _ in range(2))
    other = _run(10, 44, 20, kind, 15, seed=6)
    for name in ("n_covered", "first_front_size", "evaluations"):
        np.testing.assert_array_equal(first.column(name), second.column(name))
    assert first.summary == second.summary
    assert not np.array_equal(first.column("n_covered"), other.column("n_covered"))


# -- the survival lemma as a property ---------------------------------------------------------
@settings(max_examples=15, deadline=None)
@given(n_bits=st.integers(1, 10), slack=st.integers(0, 3), extra=st.integers(0, 60),
       kind=st.sampled_from(KINDS), seed=st.integers(0, 2**16))
def test_extra_candidates_never_lose_a_front_value(n_bits: int, slack: int, extra: int,
                                                   kind: str, seed: int) -> None:
    recorder = _run(n_bits, 4 * (n_bits + 1) + 2 * slack, extra, kind if extra else "none", 15,
                    seed, selection="fair", mutation="bitwise")
    assert recorder.column("front_values_lost").max() == 0
    covered = recorder.column("n_covered")
    assert np.all(np.diff(covered) >= 0)  # the covered set is monotone


def test_too_small_population_with_adversary_loses_values() -> None:
    recorder = _run(8, 9, 18, "adversarial-duplicates", 30, selection="fair")
    assert recorder.column("front_values_lost").max() > 0


# -- exact crowding distance against the solver's ------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(n_bits=st.integers(1, 6), data=st.data())
def test_exact_crowding_matches_the_solver(n_bits: int, data: st.DataObject) -> None:
    values = data.draw(st.lists(st.integers(0, n_bits), min_size=2, max_size=14))
    index_order = list(range(len(values)))
    exact = sym.crowding_exact(values, n_bits, (index_order, index_order))
    objectives = np.array([[n_bits - v, v] for v in values])
    solver = crowding_distance(objectives, np.zeros(len(values), dtype=np.int64))
    for mine, theirs in zip(exact, solver, strict=True):
        if mine is None:
            assert np.isinf(theirs)
        else:
            assert theirs == pytest.approx(float(mine), rel=1e-12, abs=1e-12)


def test_exact_crowding_positive_members_with_random_ties() -> None:
    rng = random.Random(0)
    for _ in range(200):
        n_bits = rng.randint(1, 6)
        values = [rng.randint(0, n_bits) for _ in range(rng.randint(2, 20))]
        ties = tuple(tuple(rng.sample(range(len(values)), len(values))) for _ in range(2))
        distance = sym.crowding_exact(values, n_bits, ties)
        positive = [v for v, d in zip(values, distance, strict=True) if d is None or d > 0]
        assert set(positive) == set(values)
        assert all(positive.count(v) <= 4 for v in set(values))


# -- bounds and symbolic proofs -----------------------------------------------------------------
def test_bounds_are_derived_here_and_complete() -> None:
    assert {b.id for b in BOUNDS} >= {"nsga2-extra.oneminmax.survival",
                                      "nsga2-extra.oneminmax.runtime-explicit",
                                      "nsga2-extra.evaluations.count",
                                      "nsga2-extra.oneminmax.cover-tail",
                                      "nsga2-extra.oneminmax.convergence-as"}
    for bound in BOUNDS:
        assert bound.family == "nsga2-extra" and bound.source.derived
        assert bound.assumptions
        assert "refinement-only-adds" in {a.name for a in bound.assumptions}
    checked = {c.bound_id for c in CHECKS}
    assert checked | set(SYMBOLIC_ONLY) == {b.id for b in BOUNDS}
    assert not checked & set(SYMBOLIC_ONLY)


def test_cover_tail_cap_makes_the_bound_small() -> None:
    for n_bits in (4, 5, 6):
        pop = 4 * (n_bits + 1)
        cap = tail_cap(n_bits, pop)
        at_cap = NSGA2_EXTRA_COVER_TAIL.evaluate(n=n_bits, t=cap,
                                                 delta=bitwise_delta(n_bits, pop))
        before = NSGA2_EXTRA_COVER_TAIL.evaluate(n=n_bits, t=cap - 1,
                                                 delta=bitwise_delta(n_bits, pop))
        assert at_cap <= TAIL_EPSILON < before
        assert at_cap < 1  # informative: below the trivial bound of a probability
    assert bitwise_delta(2, 1) == pytest.approx(0.25)


def test_p0_covers_matches_brute_force_and_is_not_automatic() -> None:
    """Inclusion-exclusion against enumeration of all populations (n = 2, N = 3: 64 of them,
    12 hold the values 0, 1, 2: 3 orders x the 2 strings with one 1 x 2 = 12 -> 12/64)."""
    hits = sum(len({bin(x).count("1") for x in xs}) == 3
               for xs in itertools.product(range(4), repeat=3))
    assert p0_covers(2, 3) == pytest.approx(hits / 64) == pytest.approx(0.1875)
    # the cover-tail rows: a random P_0 of N = 4(n+1) misses the front often
    assert [round(p0_covers(k, 4 * (k + 1)), 2) for k in (4, 5, 6)] == [0.51, 0.27, 0.11]


def test_clearing_mutation_never_creates_the_all_ones_string() -> None:
    """The sabotage's alternative (1 - 2^-n)^N rests on this: offspring have no more ones."""
    from proofs_checks.families.nsga2_extra import _ClearingMutationNSGA2

    solver = _ClearingMutationNSGA2(NSGA2Config(pop=20, mutation="bitwise"))
    parents = np.random.default_rng(0).random((200, 4)) < 0.5
    children = solver._vary_binary(parents, "bitwise", "none", np.random.default_rng(1))
    assert np.all(children.sum(axis=1) <= parents.sum(axis=1))
    assert np.all(children <= parents)


@pytest.fixture(scope="module")
def symbolic_results() -> tuple[Any, ...]:
    return sym.all_symbolic_checks()


def test_every_symbolic_check_proves_its_claim(symbolic_results: tuple[Any, ...]) -> None:
    assert len(symbolic_results) == len(sym.CHECKS)
    for result in symbolic_results:
        assert result.proved, result.detail
        assert result.method == "sympy"
        assert set(result.bound_ids) <= {b.id for b in BOUNDS}


def test_every_nsga2_extra_bound_is_covered_symbolically(symbolic_results: tuple[Any, ...]) -> None:
    results = symbolic_results
    for bound in BOUNDS:
        assert any(bound.id in r.bound_ids and r.proved for r in results), bound.id


SABOTAGE = [
    ("runtime halved", sym.check_extra_runtime_constant,
     {"claimed": ONEMINMAX_FAIR_UNIFORM.expression / 2}),
    ("evaluations without the refinement", sym.check_evaluation_count,
     {"claimed": N_pop * (t_gen + 1)}),
    ("evaluations to cover with N instead of N + E", sym.check_evaluations_to_cover,
     {"claimed": N_pop + N_pop * ONEMINMAX_FAIR_UNIFORM.expression}),
    ("tail with n instead of n + 1", sym.check_cover_tail, {"claimed": n * (1 - delta) ** t_gen}),
    ("tail with (1 - delta)^(2t)", sym.check_cover_tail,
     {"claimed": (n + 1) * (1 - delta) ** (2 * t_gen)}),
    ("convergence claimed 1/2", sym.check_almost_sure_convergence,
     {"claimed": sp.Rational(1, 2)}),
    ("two members per value", sym.check_crowding_positive_count,
     {"per_objective": 1, "max_size": 5}),
]


@pytest.mark.parametrize(("label", "check", "kwargs"), SABOTAGE, ids=[s[0] for s in SABOTAGE])
def test_symbolic_check_fails_on_a_wrong_constant(label: str, check: Any,
                                                  kwargs: dict[str, Any]) -> None:
    assert not check(**kwargs).proved, label


def test_extra_symbol_is_used_by_the_count() -> None:
    assert E_extra in BOUNDS[2].expression.free_symbols


# -- the empirical checks, quick profile -----------------------------------------------------------
SETTINGS = [(check, s.name) for check in CHECKS for s in check.settings() if not s.probe]
#: probes drop an assumption without knowing the answer: a finding either way
PROBES = [(c, s) for c in CHECKS for s in c.sabotages if s.probe]


@pytest.fixture(scope="module")
def context(shared_check_store: RunStore) -> CheckContext:
    return CheckContext(profile="quick",
                        lab=Lab(shared_check_store, workers=2))


@pytest.mark.parametrize(("check", "setting"), SETTINGS,
                         ids=[f"{c.name}:{s}" for c, s in SETTINGS])
def test_check_verdicts(check: Any, setting: str, context: CheckContext) -> None:
    assert_expected_verdict(check, setting, check.run(context, setting), lists_failed=True)


@pytest.mark.slow
@pytest.mark.parametrize(("check", "sabotage"), PROBES,
                         ids=[f"{c.name}:{s.name}" for c, s in PROBES])
def test_probe_reports_a_finding(check: Any, sabotage: Any, context: CheckContext) -> None:
    assert_expected_verdict(check, sabotage.name, check.run(context, sabotage.name),
                            lists_failed=True)


def test_replacing_refinement_loses_a_front_value() -> None:
    """The replacing refinement drops the sole holders of values: some value is lost."""
    from proofs_checks.families.nsga2_extra import _ReplacingNSGA2

    config = NSGA2Config(pop=16, selection="fair", mutation="one-bit", max_generations=30,
                         stop_when_covered=False, extra_candidates=8, refinement="random")
    lost = 0.0
    for seed in range(5):
        recorder = TraceRecorder()
        _ReplacingNSGA2(config).run(OneMinMax(BitStringConfig(n=3)), seed, recorder)
        lost = max(lost, float(recorder.column("front_values_lost").max()))
    assert lost >= 1


def test_heavy_tailed_mutation_flips_between_1_and_half_n_bits() -> None:
    from proofs_checks.families.nsga2 import HeavyTailedNSGA2

    solver = HeavyTailedNSGA2(NSGA2Config(pop=400, mutation="bitwise"))
    parents = np.zeros((400, 20), dtype=bool)
    children = solver._vary_binary(parents, "bitwise", "none", np.random.default_rng(0))
    flips = children.sum(axis=1)
    assert flips.min() == 1 and flips.max() <= 10
    assert 0.3 < np.mean(flips == 1) < 0.5  # P(k = 1) = 1/sum_{k<=10} k^-1.5 = 0.44
