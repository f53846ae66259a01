"""Tests of the gradient checks' instance construction and of the rippled quadratic.

* Boundary steps: a step drawn on its rule's boundary (fraction 1 of 2/(mu + L), normalised
  step 1) is built on it as exactly as floats allow, so the assumption holds without the
  boundary tolerance (issue 14: h (mu + L) had landed one ulp above 2).
* The rippled quadratic (the nonconvex sabotage of the convex-GD bounds): its L, x*, f* and
  its local minimum, checked numerically.
* The power figures of the SGD checks: what they are computed from.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from proofs_checks.families.bayesopt import crossover_horizon
from proofs_checks.families.gradient import SGD_SCALE, _SGDCheck, claimed_constants, solver_step
from solvers.problems.smooth import (
    Quadratic,
    QuadraticConfig,
    RippledQuadratic,
    RippledQuadraticConfig,
)
from theory.bounds.gradient import GD_CONVEX_DRORI_TEBOULLE, GD_STRONGLY_CONVEX

PAIRS = 200  # random (L, mu) pairs: about 10 land one ulp above 2 without the construction


def _random_pairs(seed: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    pairs = []
    for _ in range(PAIRS):
        L = float(10 ** rng.uniform(-2, 2))
        pairs.append((L, L * float(rng.uniform(1e-3, 1.0))))
    return pairs


def _exact_predicate(bound, name: str):
    """The assumption's predicate without the boundary tolerance."""
    return next(a for a in bound.assumptions if a.name == name).predicate


def test_fraction_one_of_2_over_mu_plus_L_is_inside_for_many_random_L_mu() -> None:
    rule = _exact_predicate(GD_STRONGLY_CONVEX, "step<=2/(mu+L)")
    naive_above = 0
    for L, mu in _random_pairs(1):
        problem = Quadratic(QuadraticConfig(dim=2, L=L, mu=mu))
        instance = {"step_size": 1.0, "step_rule": "2/(mu+L)"}
        l_claimed, mu_claimed = claimed_constants(problem, instance)
        h = solver_step(problem, instance) / problem.L  # the h the solver computes
        assert h * (mu_claimed + l_claimed) <= 2.0
        assert Fraction(h) * (Fraction(mu_claimed) + Fraction(l_claimed)) <= 2
        assert bool(rule.subs({sp.Symbol("h", positive=True): h,
                               sp.Symbol("mu", positive=True): mu_claimed,
                               sp.Symbol("L", positive=True): l_claimed}))
        # on the boundary as exactly as floats allow: within a few ulps of 2/(mu + L)
        target = 2.0 / (mu_claimed + l_claimed)
        assert abs(h - target) <= 4 * math.ulp(target)
        naive = (2.0 * problem.L / (problem.mu + problem.L)) / problem.L
        naive_above += naive * (problem.mu + problem.L) > 2.0
    assert naive_above > 0, "the regression is not exercised: no naive step lands above 2"


def test_normalised_step_one_is_inside_for_many_random_L() -> None:
    rule = _exact_predicate(GD_CONVEX_DRORI_TEBOULLE, "normalised-step<=1")
    naive_above = 0
    for L, _ in _random_pairs(2):
        problem = Quadratic(QuadraticConfig(dim=1, L=L, mu=L))
        for l_claim in (1.0, 0.25):
            instance = {"step_size": 1.0, "step_rule": "1/L", "l_claim": l_claim}
            l_claimed, _ = claimed_constants(problem, instance)
            h = solver_step(problem, instance) / problem.L
            h_norm = h * l_claimed
            assert h_norm <= 1.0 and Fraction(h) * Fraction(l_claimed) <= 1
            assert bool(rule.subs(sp.Symbol("h_norm", positive=True), h_norm))
            assert abs(h_norm - 1.0) <= 4 * math.ulp(1.0)
            # (1/L) L rounds to at most 1 in floats, but exceeds 1 as the exact product
            naive_above += Fraction(1.0 / l_claim / problem.L) * Fraction(l_claimed) > 1
    assert naive_above > 0


def test_a_step_outside_its_rule_is_left_as_drawn() -> None:
    problem = Quadratic(QuadraticConfig(dim=2, L=3.0, mu=0.3))
    assert solver_step(problem, {"step_size": 2.2, "step_rule": "1/L"}) == pytest.approx(2.2)


@pytest.mark.parametrize("dim", [1, 3])
def test_rippled_quadratic_ground_truth(dim: int) -> None:
    problem = RippledQuadratic(RippledQuadraticConfig(dim=dim, L=5.0, ripple=9.0,
                                                      instance_seed=dim))
    c = problem.curvature
    assert c == pytest.approx(5.0 / 10.0)
    assert problem.value(problem.x_star) == 0.0 == problem.f_star
    assert not problem.convex and problem.bounded_below
    rng = np.random.default_rng(0)
    # f >= c ||z||^2/2 > 0 away from x*: x* is the unique minimiser
    for _ in range(200):
        z = rng.normal(scale=5.0, size=dim)
        assert problem.value(problem.x_star + z) >= 0.5 * c * float(z @ z) - 1e-12
    # the Hessian diagonal c (1 + 9 cos z): max |.| = L at z = 0, negative at z = pi
    grid = np.linspace(-10, 10, 20001)
    second = np.gradient(c * (grid + 9.0 * np.sin(grid)), grid)
    assert np.abs(second).max() == pytest.approx(problem.L, rel=1e-6)
    assert second.min() < 0
    # the local minimum near z = 5.62: gradient zero, curvature positive, gap ~ 17.7 c
    root = 5.62
    for _ in range(50):  # Newton on z + 9 sin z = 0
        root -= (root + 9 * math.sin(root)) / (1 + 9 * math.cos(root))
    assert 1 + 9 * math.cos(root) > 0 and root == pytest.approx(5.62, abs=0.01)
    x = problem.x_star.copy()
    x[0] += root
    assert np.linalg.norm(problem.gradient(x)) < 1e-9
    assert problem.value(x) == pytest.approx(c * (root**2 / 2 + 9 * (1 - math.cos(root))))
    assert problem.value(x) / c == pytest.approx(17.7, abs=0.1)


def test_sgd_power_is_the_largest_bonferroni_row_power() -> None:
    rng = np.random.default_rng(3)
    tight = (rng.normal(1.0, 0.05, 30), np.full(30, 1.02))  # mean 0.98 of the bound
    loose = (rng.normal(0.1, 0.05, 30), np.full(30, 1.0))  # never below 0.8 B
    power = _SGDCheck.power([tight, loose], 30)
    assert power.power > 0.99 and "level 0.005" in power.method
    assert _SGDCheck.power([loose], 30).power < 0.01
    assert SGD_SCALE < 1


def test_crossover_horizon_read_and_extrapolated() -> None:
    ts = np.arange(1, 101)
    gamma = np.log1p(ts.astype(float))
    curve = 9 * np.sqrt(ts.astype(float))  # 9 sqrt T < T first at T = 82
    assert crossover_horizon(curve, gamma, 10, 1.0, False, 1.0) == (82, False)
    horizon, extrapolated = crossover_horizon(curve[:50], gamma[:50], 10, 1.0, False, 1.0)
    assert extrapolated and horizon >= 50
