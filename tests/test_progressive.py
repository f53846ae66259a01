"""Tests of successive halving / Hyperband: schedules, simulators and the checks' verdicts."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs_checks.check import CheckContext
from proofs_checks.families import progressive
from proofs_checks.families.progressive import exact_value
from solvers.algorithms.halving import (
    PullLedger,
    ResourceLedger,
    ceil_log2,
    floor_log,
    hyperband_brackets,
    sh_schedule,
    simulate_sequential_halving,
)
from solvers.lab import Lab
from solvers.store import RunStore
from tests.verdicts import assert_expected_verdict
from theory.bounds.progressive import HB_ITERATION_BUDGET, SH_IDENTIFICATION
from theory.errors import InvalidParameterError

SETTINGS = [(c, s.name) for c in progressive.CHECKS for s in c.settings() if not s.probe]
#: probes drop an assumption without knowing the answer: a finding either way
PROBES = [(c, s) for c in progressive.CHECKS for s in c.sabotages if s.probe]


def test_floor_log_is_exact_where_floats_are_not() -> None:
    assert floor_log(1000, 10) == 3  # math.log(1000)/math.log(10) < 3 in floating point
    assert floor_log(243, 3) == 5
    assert floor_log(1, 2) == 0
    assert [ceil_log2(n) for n in (1, 2, 3, 4, 5, 8, 9)] == [0, 1, 2, 2, 3, 3, 4]


def test_hyperband_table_1_of_li_et_al() -> None:
    """R = 81, eta = 3 (Li et al. 2018, Table 1): rung sizes and the 1902 total."""
    brackets = hyperband_brackets(81, 3, np.random.default_rng(0))
    assert [b.rung_sizes for b in brackets] == [(81, 27, 9, 3, 1), (34, 11, 3, 1), (15, 5, 1),
                                                (8, 2), (5,)]
    assert [b.rung_resources[0] for b in brackets] == [1, 3, 9, 27, 81]
    total = sum((b.budget for b in brackets), Fraction(0))
    assert total == 1902 == exact_value(HB_ITERATION_BUDGET, {"R": 81, "eta": 3, "s_max": 4})


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 64), st.integers(0, 10_000))
def test_sh_schedule_within_budget_and_halving(n: int, budget: int) -> None:
    schedule = sh_schedule(n, budget)
    assert len(schedule) == ceil_log2(n)
    assert sum(step.pulls for step in schedule) <= budget
    assert [step.arms for step in schedule] == [-(-n // 2**k) for k in range(len(schedule))]


def test_simulator_reproducible_and_finds_a_clear_best() -> None:
    means = np.array([0.9, 0.1, 0.1, 0.1])
    first, _ = simulate_sequential_halving(means, 0.5, 400, 50, np.random.default_rng(1))
    second, _ = simulate_sequential_halving(means, 0.5, 400, 50, np.random.default_rng(1))
    other, _ = simulate_sequential_halving(means, 5.0, 40, 50, np.random.default_rng(2))
    assert np.array_equal(first, second)
    assert np.all(first == 0)
    assert not np.array_equal(first, other)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 40), st.integers(0, 5000), st.sampled_from(["ceil", "floor"]),
       st.sampled_from(["ceil", "floor"]), st.integers(0, 2**16))
def test_pull_ledger_counts_what_the_schedule_says(n: int, budget: int, keep: str, share: str,
                                                   seed: int) -> None:
    """The arms' own count (PullLedger) against the schedule, independently: every arm
    asked in round k got pulls_per_arm pulls in every replicate, no other arm got any."""
    ledger = PullLedger()
    means = np.linspace(0.9, 0.1, n)
    _, schedule = simulate_sequential_halving(means, 0.5, budget, 4,
                                              np.random.default_rng(seed), keep=keep,
                                              share=share, ledger=ledger)
    assert len(ledger.pulls) == len(schedule) == ceil_log2(n)
    for step, pulls, asked in zip(schedule, ledger.pulls, ledger.asked, strict=True):
        assert np.all(asked.sum(axis=1) == step.arms)
        assert np.all(pulls[asked] == step.pulls_per_arm) and not np.any(pulls[~asked])
    assert np.all(ledger.total() == sum(step.pulls for step in schedule))


def test_ledger_leaves_the_simulators_unchanged() -> None:
    """Instrumentation only: with or without a ledger, the same seed picks the same arms and
    Hyperband runs the same brackets."""
    means = np.linspace(0.9, 0.1, 13)
    plain, _ = simulate_sequential_halving(means, 1.0, 3000, 200, np.random.default_rng(7))
    counted, _ = simulate_sequential_halving(means, 1.0, 3000, 200, np.random.default_rng(7),
                                             ledger=PullLedger())
    assert np.array_equal(plain, counted)
    first = hyperband_brackets(100, Fraction(3, 2), np.random.default_rng(3))
    second = hyperband_brackets(100, Fraction(3, 2), np.random.default_rng(3), ResourceLedger())
    assert first == second


def test_resource_ledger_on_table_1() -> None:
    """R = 81, eta = 3 (Li et al. 2018, Table 1): what the evaluation function counted."""
    ledger = ResourceLedger()
    hyperband_brackets(81, 3, np.random.default_rng(0), ledger)
    assert ledger.spent == 1902
    assert [ledger.evaluated[(4, i)] for i in range(5)] == [81, 27, 9, 3, 1]
    assert ledger.resource[(0, 0)] == {81} and ledger.resource[(4, 0)] == {1}


def test_identification_instances_make_the_bound_small() -> None:
    for n_arms, gap in ((4, 0.3), (8, 0.3), (16, 0.4), (6, 0.3), (12, 0.4)):
        _, h2, budget = progressive.sh_instance(n_arms, gap)
        value = SH_IDENTIFICATION.evaluate(n=n_arms, B=budget, H_2=h2)
        assert progressive.SH_TARGET_BOUND <= value < 1.01 * progressive.SH_TARGET_BOUND


def test_identification_bound_value() -> None:
    value = SH_IDENTIFICATION.evaluate(n=8, B=2740, H_2=39.5)
    assert 0.45 < value < 0.55


def test_bad_inputs_raise() -> None:
    with pytest.raises(InvalidParameterError, match="n >= 2"):
        sh_schedule(1, 10)
    with pytest.raises(InvalidParameterError, match="eta > 1"):
        hyperband_brackets(10, 1, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="keep and share"):
        sh_schedule(4, 10, keep="half")


@pytest.mark.parametrize(("check", "setting"), SETTINGS,
                         ids=[f"{c.name}:{s}" for c, s in SETTINGS])
def test_check_verdicts(check, setting: str, tmp_path) -> None:
    result = check.run(CheckContext(profile="quick", lab=Lab(RunStore(tmp_path))), setting)
    assert_expected_verdict(check, setting, result)


@pytest.mark.slow
@pytest.mark.parametrize(("check", "sabotage"), PROBES,
                         ids=[f"{c.name}:{s.name}" for c, s in PROBES])
def test_probe_reports_a_finding(check, sabotage, tmp_path) -> None:
    result = check.run(CheckContext(profile="quick", lab=Lab(RunStore(tmp_path))), sabotage.name)
    assert_expected_verdict(check, sabotage.name, result, lists_failed=True)
