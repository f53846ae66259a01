"""Tests of GP-UCB and the information gain: solver behaviour, the bounds' checks."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from proofs_checks.check import CheckContext
from proofs_checks.families import bayesopt
from solvers.algorithms.gp_ucb import (
    GREEDY_FACTOR,
    beta_theorem1,
    gp_ucb,
    greedy_information_gain,
    information_gain_logdet,
    sample_gp,
    se_kernel,
)
from solvers.lab import Lab
from solvers.store import RunStore
from tests.verdicts import assert_expected_verdict
from theory.bounds.bayesopt import GPUCB_FINITE
from theory.errors import InvalidParameterError

SETTINGS = [(c, s.name) for c in bayesopt.CHECKS for s in c.settings() if not s.probe]
#: probes drop an assumption without knowing the answer: a finding either way
PROBES = [(c, s) for c in bayesopt.CHECKS for s in c.sabotages if s.probe]
KERNEL = se_kernel(np.linspace(0, 1, 20), 0.15)


def _run(seed: int):
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    f = sample_gp(KERNEL, rng)
    return gp_ucb(KERNEL, f, 0.01, lambda t: beta_theorem1(t, 20, 0.1), 15, rng)


def test_same_seed_same_run_other_seed_other_run() -> None:
    first, second, other = _run(4), _run(4), _run(5)
    assert np.array_equal(first.selected, second.selected)
    assert np.array_equal(first.observations, second.observations)
    assert not np.array_equal(first.observations, other.observations)


def test_lemma_5_3_on_a_run() -> None:
    run = _run(7)
    assert information_gain_logdet(KERNEL, run.selected, 0.01) == pytest.approx(
        run.information_gain_sum, rel=1e-10)


def test_greedy_gain_brackets_the_maximum_on_a_tiny_domain() -> None:
    """Brute force over all multisets: greedy <= gamma_T <= greedy / (1 - 1/e)."""
    kernel = se_kernel(np.array([0.0, 0.3, 0.35, 1.0]), 0.3)
    greedy = greedy_information_gain(kernel, 0.1, 3)
    for t in (1, 2, 3):
        best = max(information_gain_logdet(kernel, list(a), 0.1)
                   for a in itertools.combinations_with_replacement(range(4), t))
        assert greedy[t - 1] <= best + 1e-12
        assert best <= greedy[t - 1] * GREEDY_FACTOR + 1e-12


def test_regret_bound_value() -> None:
    value = GPUCB_FINITE.evaluate(T=10, D_size=50, delta=0.1, sigma=0.1, gamma_T=5.0)
    beta = 2 * math.log(50 * 100 * math.pi**2 / 0.6)
    assert value == pytest.approx(math.sqrt(8 / math.log(101) * 10 * beta * 5.0))


def test_bad_inputs_raise() -> None:
    with pytest.raises(InvalidParameterError, match="noise_variance > 0"):
        gp_ucb(KERNEL, np.zeros(20), 0.0, lambda t: 1.0, 3, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="one value per domain point"):
        gp_ucb(KERNEL, np.zeros(3), 0.1, lambda t: 1.0, 3, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="lengthscale > 0"):
        se_kernel(np.zeros(3), 0.0)


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


@pytest.mark.parametrize("check", [bayesopt.GPUCBFiniteCheck(), bayesopt.GPUCBRKHSCheck()],
                         ids=lambda c: c.name)
def test_regret_bound_is_below_the_trivial_regret_at_the_quick_horizon(check) -> None:
    """Issue 14: at the quick horizon the bound is below T (max f - min f) on the first
    domain (SE, 40 points), so a policy could violate it; the crossover lies before T."""
    horizon = check.SIZES["quick"]["horizon"]
    domain = bayesopt._DOMAINS[0]
    kernel = domain.kernel(1.0)
    gamma = greedy_information_gain(kernel, bayesopt.NOISE_STD**2, horizon) * GREEDY_FACTOR
    constants = {"D_size": len(kernel), "delta": bayesopt.DELTA, "sigma": bayesopt.NOISE_STD,
                 "B": check.norm_bound}
    curve = np.array([check.bound.evaluate(**constants, T=t, gamma_T=gamma[t - 1])
                      for t in range(1, horizon + 1)])
    rng = np.random.default_rng(0)
    if check.rkhs:
        ranges = [np.ptp(bayesopt._rkhs_function(kernel, 0.999 * check.norm_bound, rng))
                  for _ in range(50)]
    else:
        ranges = [np.ptp(sample_gp(kernel, rng)) for _ in range(50)]
    value_range = float(np.median(ranges))
    assert curve[-1] < horizon * value_range
    crossover, extrapolated = bayesopt.crossover_horizon(curve, gamma, len(kernel),
                                                         value_range, check.rkhs,
                                                         check.norm_bound)
    assert not extrapolated and crossover < horizon
    assert curve[0] > value_range  # at T = 1 it is vacuous: the crossover is real
