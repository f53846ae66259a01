"""Tests of successive halving / Hyperband: schedules, simulators and the checks' verdicts."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proofs_checks import progressive
from proofs_checks.check import CheckContext
from proofs_checks.progressive import exact_value
from solvers.algorithms.halving import (
    ceil_log2,
    floor_log,
    hyperband_brackets,
    sh_schedule,
    simulate_sequential_halving,
)
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
    result = check.run(CheckContext(profile="quick", store=RunStore(tmp_path)), setting)
    assert_expected_verdict(check, setting, result)


@pytest.mark.slow
@pytest.mark.parametrize(("check", "sabotage"), PROBES,
                         ids=[f"{c.name}:{s.name}" for c, s in PROBES])
def test_probe_reports_a_finding(check, sabotage, tmp_path) -> None:
    result = check.run(CheckContext(profile="quick", store=RunStore(tmp_path)), sabotage.name)
    assert_expected_verdict(check, sabotage.name, result, lists_failed=True)
