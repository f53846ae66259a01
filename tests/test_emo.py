"""Tests of the emo family: OneJumpZeroJump, SEMO/GSEMO, stochastic tournament, bounds, checks.

* OneJumpZeroJump's objectives and front against the paper's definition on all strings;
* SEMO's mean runtime on OneMinMax against the exact Markov chain of symbolic_emo (two
  implementations of one process), GSEMO's population stays non-dominated, frozen bits
  never flip, same seed same trace;
* stochastic tournament selection picks the j-th best with the exact probability
  E_k[(1 - j/N)^k - (1 - (j+1)/N)^k], k uniform in {1..N};
* the emo bounds are complete, the derived constant is proved and a wrong one is not;
* every emo check in the quick profile: pass as stated, violation in every sabotage;
* every order check of the emo and nsga2 families has a scaled-order sabotage and a quick
  size range of at least 4x, or declares why not (``known_weakness``).
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from scipy import stats

from proofs_checks.check import CheckContext, Outcome
from proofs_checks.families.emo import CHECKS, SYMBOLIC_ONLY
from proofs_checks.proofs.symbolic_emo import (
    all_symbolic_checks,
    check_semo_oneminmax_constant,
    exact_semo_oneminmax_expectation,
)
from solvers.algorithms.nsga2 import NSGA2, NSGA2Config
from solvers.algorithms.semo import GSEMO, SEMO, SEMOConfig
from solvers.lab import Lab
from solvers.problems.binary import BitStringConfig, OneMinMax
from solvers.problems.jump import JumpConfig, OneJumpZeroJump
from solvers.store import RunStore
from solvers.trace import TraceRecorder
from tests.verdicts import assert_expected_verdict
from theory.bounds.emo import BOUNDS
from theory.errors import InvalidParameterError
from theory.formulation import pareto_front
from theory.symbols import H_n, n

#: level of the statistical tests here (false alarm rate per test)
ALPHA = 1e-3


def _reference_ojzj(bits: tuple[bool, ...], k: int) -> tuple[int, int]:
    """Doerr & Zheng (AAAI 2021), maximised, turned into (n+k-f1, n+k-f2)."""
    size, ones = len(bits), sum(bits)
    zeros = size - ones
    f1 = k + ones if ones <= size - k or ones == size else size - ones
    f2 = k + zeros if zeros <= size - k or zeros == size else size - zeros
    return size + k - f1, size + k - f2


@pytest.mark.parametrize(("size", "k"), [(s, k) for s in range(2, 11)
                                         for k in range(1, s // 2 + 1)])
def test_ojzj_against_all_strings(size: int, k: int) -> None:
    problem = OneJumpZeroJump(JumpConfig(n=size, k=k))
    strings = np.array(list(itertools.product([False, True], repeat=size)), dtype=bool)
    objectives = problem.evaluate(strings)
    assert objectives.dtype == np.int64
    assert [tuple(r) for r in objectives.tolist()] == \
        [_reference_ojzj(tuple(b), k) for b in strings.tolist()]
    brute = {tuple(r) for r in pareto_front(objectives).tolist()}
    front = problem.pareto_front()
    assert {tuple(r) for r in front.tolist()} == brute
    assert problem.front_size == len(front) == size - 2 * k + 3
    position = {tuple(r): i for i, r in enumerate(front.tolist())}
    np.testing.assert_array_equal(problem.front_index(objectives),
                                  [position.get(tuple(r), -1) for r in objectives.tolist()])


@pytest.mark.parametrize(("size", "k"), [(1, 1), (5, 3), (6, 0)])
def test_ojzj_rejects_bad_gap(size: int, k: int) -> None:
    with pytest.raises(InvalidParameterError):
        JumpConfig(n=size, k=k)


def _run(solver: SEMO | GSEMO, problem: OneMinMax | OneJumpZeroJump,
         seed: int) -> TraceRecorder:
    recorder = TraceRecorder()
    solver.run(problem, seed, recorder)
    return recorder


def test_semo_matches_the_exact_markov_chain() -> None:
    size, runs = 6, 600
    exact = float(exact_semo_oneminmax_expectation(size))
    problem = OneMinMax(BitStringConfig(n=size))
    times = [_run(SEMO(SEMOConfig()), problem, seed).summary["iterations_to_cover"]
             for seed in range(runs)]
    assert stats.ttest_1samp(times, exact).pvalue > ALPHA, (np.mean(times), exact)


def test_exact_chain_small_cases() -> None:
    # n = 1: the other string is found with probability 1 per iteration -> E[T] = 1
    assert exact_semo_oneminmax_expectation(1) == Fraction(1)


@pytest.mark.parametrize("cls", [SEMO, GSEMO])
def test_population_stays_nondominated_and_covers(cls: type[SEMO] | type[GSEMO]) -> None:
    problem = OneJumpZeroJump(JumpConfig(n=8, k=2))
    recorder = _run(cls(SEMOConfig(max_iterations=200_000)), problem, 3)
    summary = recorder.summary
    if cls is GSEMO:
        assert summary["covered"] and summary["final_population_size"] == problem.front_size
        frame = recorder.to_frame()
        assert frame["n_covered"].is_monotonic_increasing
        assert frame["iteration"].iloc[-1] == summary["iterations_to_cover"]
    else:  # one-bit mutation cannot cross the gap
        assert not summary["covered"] and summary["censored"]


@pytest.mark.parametrize("cls", [SEMO, GSEMO])
def test_frozen_bit_never_covers_and_same_seed_same_trace(
        cls: type[SEMO] | type[GSEMO]) -> None:
    problem = OneMinMax(BitStringConfig(n=6))
    config = SEMOConfig(max_iterations=3000, frozen_bits=1)
    first, second = _run(cls(config), problem, 7), _run(cls(config), problem, 7)
    assert not first.summary["covered"]
    assert first.summary["max_covered_fraction"] <= 6 / 7
    assert first.to_frame().drop(columns="wall_seconds").equals(
        second.to_frame().drop(columns="wall_seconds"))
    with pytest.raises(InvalidParameterError, match="frozen_bits < n"):
        cls(SEMOConfig(frozen_bits=6)).run(problem, 0, TraceRecorder())


def test_stochastic_tournament_probabilities() -> None:
    size, draws = 8, 4000
    solver = NSGA2(NSGA2Config(pop=size, selection="stochastic-tournament"))
    ranks = np.arange(size, dtype=np.int64)[::-1].copy()  # individual size-1 is the best
    crowd = np.zeros(size)
    rng = np.random.default_rng(0)
    picks = np.concatenate([solver._select(ranks, crowd, rng) for _ in range(draws)])
    counts = np.bincount(picks, minlength=size)[::-1]  # place j = 0 is the best
    expected = np.array([np.mean([(1 - j / size) ** t - (1 - (j + 1) / size) ** t
                                  for t in range(1, size + 1)]) for j in range(size)])
    assert expected.sum() == pytest.approx(1.0)
    assert stats.chisquare(counts, expected * counts.sum()).pvalue > ALPHA


def test_bounds_are_complete() -> None:
    ids = [b.id for b in BOUNDS]
    assert len(set(ids)) == len(ids) and all(i.startswith("emo.") for i in ids)
    for bound in BOUNDS:
        assert bound.family == "emo" and bound.source.authors and bound.latex()
    explicit = next(b for b in BOUNDS if b.id == "emo.semo.oneminmax.runtime-explicit")
    assert explicit.source.derived
    assert explicit.evaluate(n=1, H_n=1.0) == 4.0
    ojzj = next(b for b in BOUNDS if b.id == "emo.gsemo.ojzj.runtime-explicit")
    assert ojzj.evaluate(n=10, k=2) == pytest.approx(1.5 * np.e * 1000)
    assert not ojzj.failed_assumptions({"n": 10, "k": 2, "bitwise_mutation": True,
                                        "uniform_parent_selection": True})
    assert [a.name for a in ojzj.failed_assumptions(
        {"n": 10, "k": 6, "bitwise_mutation": True, "uniform_parent_selection": True})] \
        == ["2<=k<=n/2"]


def test_symbolic_checks_prove_and_a_wrong_constant_fails() -> None:
    results = all_symbolic_checks()
    assert results and all(r.proved for r in results)
    assert "FAILED" not in results[0].detail
    assert not check_semo_oneminmax_constant(claimed=n * (n + 1) * H_n / 3).proved
    assert not check_semo_oneminmax_constant(claimed=sp.Integer(2) * n * H_n).proved


def test_every_emo_bound_is_checked() -> None:
    checked = {c.bound_id for c in CHECKS}
    assert checked | set(SYMBOLIC_ONLY) == {b.id for b in BOUNDS}


SETTINGS = [pytest.param(check, s.name, id=f"{check.name}:{s.name}",
                         marks=[pytest.mark.slow] if s.probe else [])  # probes: slow, as in
            for check in CHECKS for s in check.settings()]          # tests/test_checks.py


@pytest.fixture(scope="module")
def context(shared_check_store: RunStore) -> CheckContext:
    return CheckContext(profile="quick",
                        lab=Lab(shared_check_store, workers=2))


@pytest.mark.parametrize(("check", "setting"), SETTINGS)
def test_quick_verdicts(check, setting: str, context: CheckContext) -> None:
    result = check.run(context, setting)
    assert_expected_verdict(check, setting, result, lists_failed=True)
    assert result.outcome is not Outcome.INCONCLUSIVE  # a probe's finding is either answer


# -- m-objective OneMinMax ---------------------------------------------------------------------

@pytest.mark.parametrize(("size", "m"), [(2, 2), (4, 4), (6, 4), (6, 6), (8, 4)])
def test_momm_against_all_strings(size: int, m: int) -> None:
    from solvers.problems.many_objective import (
        ManyOneMinMax,
        ManyOneMinMaxConfig,
        momm_front_size,
    )

    problem = ManyOneMinMax(ManyOneMinMaxConfig(n=size, m=m))
    strings = np.array(list(itertools.product([False, True], repeat=size)), dtype=bool)
    objectives = problem.evaluate(strings)
    block = 2 * size // m
    for bits, row in zip(strings.tolist(), objectives.tolist(), strict=True):
        expected = []
        for j in range(m // 2):
            ones = sum(bits[j * block:(j + 1) * block])
            expected += [block - ones, ones]
        assert row == expected
    brute = {tuple(r) for r in pareto_front(objectives).tolist()}
    front = problem.pareto_front()
    assert {tuple(r) for r in front.tolist()} == brute  # every string is Pareto-optimal
    assert problem.front_size == len(front) == momm_front_size(size, m) == (block + 1) ** (m // 2)
    np.testing.assert_array_equal(problem.front_index(front), np.arange(len(front)))


@pytest.mark.parametrize(("size", "m"), [(5, 4), (6, 3), (4, 0), (1, 4)])
def test_momm_rejects_bad_sizes(size: int, m: int) -> None:
    from solvers.problems.many_objective import ManyOneMinMaxConfig

    with pytest.raises(InvalidParameterError):
        ManyOneMinMaxConfig(n=size, m=m)


def test_two_objective_momm_is_oneminmax_for_nsga2() -> None:
    from solvers.problems.many_objective import ManyOneMinMax, ManyOneMinMaxConfig

    config = NSGA2Config(pop=24, max_generations=30, stop_when_covered=False)
    a, b = TraceRecorder(), TraceRecorder()
    NSGA2(config).run(OneMinMax(BitStringConfig(n=5)), 3, a)
    NSGA2(config).run(ManyOneMinMax(ManyOneMinMaxConfig(n=5, m=2)), 3, b)
    np.testing.assert_array_equal(a.column("n_covered"), b.column("n_covered"))


def test_semo_probe_options_default_to_the_published_algorithm() -> None:
    problem = OneMinMax(BitStringConfig(n=10))
    plain, explicit = TraceRecorder(), TraceRecorder()
    SEMO(SEMOConfig()).run(problem, 5, plain)
    SEMO(SEMOConfig(parent="uniform", elitist=True)).run(problem, 5, explicit)
    assert plain.summary == explicit.summary
    with pytest.raises(InvalidParameterError):
        SEMOConfig(parent="best")


# -- the 2 <= k <= n/4 probe of NSGA-II on OneJumpZeroJump -------------------------------------

def test_gap_one_probe_runs_k_1_with_the_required_population() -> None:
    from proofs_checks.families.emo import GAP_ONE_NS, NSGA_GAP_ONE, NsgaOjzjLower, NsgaOjzjOrder

    for check in (NsgaOjzjOrder(), NsgaOjzjLower()):
        assert NSGA_GAP_ONE in check.sabotages
        assert check.gap(NSGA_GAP_ONE) == 1 and check.gap(check.settings()[0]) == 2
        assert [check.population(v, 1) for v in GAP_ONE_NS[0]] == [4 * (v + 1)
                                                                   for v in GAP_ONE_NS[0]]
        failed = {a.name for a in check.bound.failed_assumptions(
            {"n": 16, "k": 1, "N": 68, "bitwise_mutation": True, "no_crossover": True,
             "fair_uniform_or_binary_tournament_selection": True})}
        assert failed == {"2<=k<=n/4"}


def test_gap_one_breaks_the_upper_order_not_the_lower(context: CheckContext) -> None:
    """The probe's finding: at k = 1 (OneMinMax's front, no gap) T_eval grows faster than
    N n (like N n log n): the slope on log(N n) is significantly above 1, so the upper order
    fails; the lower order Omega(N n) is not contradicted by the same runs."""
    upper = next(c for c in CHECKS if c.name == "emo-nsga2-ojzj-order").run(context, "k=1")
    lower = next(c for c in CHECKS if c.name == "emo-nsga2-ojzj-lower").run(context, "k=1")
    for result in (upper, lower):
        assert result.probe and result.dropped_assumption == "2<=k<=n/4"
        assert result.details["failed_assumptions"] == ["2<=k<=n/4"]
        assert result.details["ns"] == [16, 24, 32, 48]
        assert max(result.details["censored_share"].values()) == 0.0
    assert upper.outcome is Outcome.VIOLATION and upper.statistic is not None
    assert upper.statistic > 1 and upper.p_value is not None and upper.p_value < 1e-3
    assert lower.outcome is Outcome.HOLDS and lower.statistic == upper.statistic
    ratio = upper.details["mean_T_over_order"]  # T / (N n) grows with n
    assert ratio[48] > ratio[16]


# -- the power of the order checks (issue 14) -----------------------------------------------

def _quick_ns(check: object) -> tuple[int, ...]:
    """The quick sizes n of an order check: its own SIZES, else its run plan's."""
    sizes = getattr(check, "SIZES", {}).get("quick", {})
    if "ns" in sizes:
        return tuple(sizes["ns"])
    plan_name = getattr(check, "plan_name", None)
    assert plan_name is not None, f"{check!r} declares its sizes n nowhere"
    return tuple(CheckContext(profile="quick").sizes(plan_name)["ns"])


def test_order_checks_have_a_scaled_sabotage_and_a_4x_range() -> None:
    from proofs_checks.families.nsga2 import NSGA2_CHECKS
    from theory.bound import Mode

    orders = [c for c in (*CHECKS, *NSGA2_CHECKS) if c.bound.mode is Mode.ORDER]
    assert len(orders) == 9
    for check in orders:
        assert any(s.kind == "bound-scaled" for s in check.sabotages), check.name
        ns = _quick_ns(check)
        assert max(ns) / min(ns) >= 4 or check.known_weakness, (check.name, ns)
