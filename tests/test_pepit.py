"""PEPit cross-check of the gradient bounds: the catalogue against exact worst cases.

PEPit (Goujaud, Moucer, Glineur, Hendrickx, Taylor and Dieuleveut) computes the worst case
of a first-order method over a function class by a semidefinite program (performance
estimation, Drori & Teboulle 2014; Taylor, Hendrickx & Glineur 2017). For each gradient
bound of the catalogue we pose the same method, class, initial condition and metric:

* tight bounds (``bound.tight``; today ``gd.convex.drori-teboulle``) must *equal* PEPit's
  worst case within ``TIGHT_RTOL`` (relative);
* upper bounds (``gd.convex.nesterov``, ``gd.nonconvex.min-grad-norm``,
  ``gd.strongly-convex.distance``) must not be exceeded by PEPit's worst case beyond the
  solver tolerance ``SOLVER_RTOL`` (relative).

Settings (PEPit's own examples ``unconstrained_convex_minimization/gradient_descent.py`` and
``nonconvex_optimization/gradient_descent.py`` show the API):

* convex: ``SmoothConvexFunction(L)``, x* stationary, ||x0 - x*||^2 <= R^2, N steps of
  x <- x - (h/L) grad f(x), metric f(x_N) - f*;
* nonconvex: ``SmoothFunction(L)``, N steps of length 1/L, metric min_{k<=N} ||grad f(x_k)||^2,
  initial condition f(x_0) - f(x_{N+1}) <= Delta with x_{N+1} = x_N - grad f(x_N)/L. Since
  f(x_{N+1}) >= f*, this class contains every f with f(x_0) - f* <= Delta, so PEPit's worst
  case is at least the bound's quantity: PEPit <= bound implies the bound (it is the
  relaxation the proof itself uses);
* strongly convex: ``SmoothStronglyConvexFunction(mu, L)``, ||x0 - x*||^2 <= R^2, k steps of
  length h in (0, 2/(mu+L)], metric ||x_k - x*||^2.

The default run covers a handful of grid points (a few seconds); the full grid is marked
slow. Every solve uses cvxpy with CLARABEL (interior point, duality gap ~1e-8).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from theory.registry import all_bounds, get_bound

pytest.importorskip("PEPit")
from PEPit import PEP
from PEPit.functions import (
    SmoothConvexFunction,
    SmoothFunction,
    SmoothStronglyConvexFunction,
)

#: tight bounds equal PEPit's worst case to this relative tolerance
TIGHT_RTOL = 1e-3
#: PEPit's worst case may exceed an upper bound by this much (SDP solver accuracy)
SOLVER_RTOL = 1e-4
SOLVER = "CLARABEL"


def _solve(problem: Any) -> float:
    return float(problem.solve(wrapper="cvxpy", solver=SOLVER, verbose=0))


# -- the PEPs ---------------------------------------------------------------------------------
def pep_gd_convex(L: float, h_norm: float, N: int, R: float) -> float:
    """Worst f(x_N) - f* of GD with step h_norm/L on L-smooth convex f, ||x0 - x*|| <= R."""
    problem = PEP()
    func = problem.declare_function(SmoothConvexFunction, L=L)
    xs = func.stationary_point()
    fs = func(xs)
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - xs) ** 2 <= R**2)
    x = x0
    for _ in range(N):
        x = x - h_norm / L * func.gradient(x)
    problem.set_performance_metric(func(x) - fs)
    return _solve(problem)


def pep_gd_nonconvex(L: float, N: int, Delta: float) -> float:
    """Worst min_k ||grad f(x_k)||^2 of GD with step 1/L on L-smooth f (see module docstring)."""
    problem = PEP()
    func = problem.declare_function(SmoothFunction, L=L)
    x = problem.set_initial_point()
    g, f0 = func.oracle(x)
    problem.set_performance_metric(g**2)
    for _ in range(N):
        x = x - g / L
        g, _ = func.oracle(x)
        problem.set_performance_metric(g**2)
    _, f_virtual = func.oracle(x - g / L)
    problem.set_initial_condition(f0 - f_virtual <= Delta)
    return _solve(problem)


def pep_gd_strongly_convex(L: float, mu: float, h: float, k: int, R: float) -> float:
    """Worst ||x_k - x*||^2 of GD with step h on L-smooth mu-strongly convex f."""
    problem = PEP()
    func = problem.declare_function(SmoothStronglyConvexFunction, mu=mu, L=L)
    xs = func.stationary_point()
    x0 = problem.set_initial_point()
    problem.set_initial_condition((x0 - xs) ** 2 <= R**2)
    x = x0
    for _ in range(k):
        x = x - h * func.gradient(x)
    problem.set_performance_metric((x - xs) ** 2)
    return _solve(problem)


# -- each bound id: its PEP and the catalogue's value, on one grid point ------------------------
Point = dict[str, float]
Case = tuple[Callable[[Point], float], Callable[[Point], float]]

CASES: dict[str, Case] = {
    "gd.convex.drori-teboulle": (
        lambda p: pep_gd_convex(p["L"], p["h_norm"], int(p["N"]), p["R"]),
        lambda p: get_bound("gd.convex.drori-teboulle").evaluate(**p)),
    "gd.convex.nesterov": (
        lambda p: pep_gd_convex(p["L"], 1.0, int(p["N"]), p["R"]),
        lambda p: get_bound("gd.convex.nesterov").evaluate(**p)),
    "gd.nonconvex.min-grad-norm": (
        lambda p: pep_gd_nonconvex(p["L"], int(p["N"]), p["Delta"]),
        lambda p: get_bound("gd.nonconvex.min-grad-norm").evaluate(**p)),
    "gd.strongly-convex.distance": (
        lambda p: pep_gd_strongly_convex(p["L"], p["mu"], p["h"], int(p["k"]), p["R"]),
        lambda p: get_bound("gd.strongly-convex.distance").evaluate(**p)),
}


def _grid(bound_id: str, full: bool) -> list[Point]:
    Ns = (1, 2, 3, 4, 5) if full else (1, 3, 5)
    if bound_id == "gd.convex.drori-teboulle":
        steps = (0.1, 0.25, 0.5, 0.75, 1.0) if full else (0.3, 1.0)
        Ls = (0.5, 1.0, 4.0) if full else (1.0, 4.0)
        points = [{"L": L, "h_norm": s, "N": N, "R": 1.5} for L, s, N in
                  itertools.product(Ls, steps, Ns)]
        return points if full else points[::2]
    if bound_id == "gd.convex.nesterov":
        Ls = (0.5, 1.0, 4.0) if full else (2.0,)
        return [{"L": L, "N": N, "R": 2.0} for L, N in itertools.product(Ls, Ns)]
    if bound_id == "gd.nonconvex.min-grad-norm":
        Ls = (0.5, 1.0, 4.0) if full else (3.0,)
        return [{"L": L, "N": N, "Delta": 0.7} for L, N in itertools.product(Ls, Ns)]
    # strongly convex: steps in (0, 2/(mu+L)], the largest included
    pairs = ((0.1, 1.0), (0.5, 2.0), (1.0, 10.0)) if full else ((0.5, 2.0),)
    fractions = (0.25, 0.5, 1.0) if full else (0.5, 1.0)
    return [{"L": L, "mu": mu, "h": f * 2 / (mu + L), "k": k, "R": 1.2}
            for (mu, L), f, k in itertools.product(pairs, fractions, Ns)]


def _params(full: bool) -> list[Any]:
    params = []
    for bound_id in CASES:
        for point in _grid(bound_id, full):
            label = bound_id + "[" + ",".join(f"{k}={v:g}" for k, v in point.items()) + "]"
            params.append(pytest.param(bound_id, point, id=label))
    return params


def _compare(bound_id: str, point: Point) -> tuple[float, float]:
    pep, formula = CASES[bound_id]
    return pep(point), formula(point)


def _assert_claim(bound_id: str, point: Point) -> None:
    worst, value = _compare(bound_id, point)
    if get_bound(bound_id).tight:
        assert abs(worst - value) <= TIGHT_RTOL * value, (bound_id, point, worst, value)
    else:
        assert worst <= value * (1 + SOLVER_RTOL), (bound_id, point, worst, value)


# -- the tests --------------------------------------------------------------------------------
def test_every_gradient_bound_with_a_deterministic_gd_claim_has_a_pep() -> None:
    """A new tight (or GD upper) bound of the gradient family fails here until it gets a PEP."""
    tight = {b.id for b in all_bounds() if b.family == "gradient" and b.tight}
    assert tight == {"gd.convex.drori-teboulle"}
    assert tight <= set(CASES)
    gd_upper = {b.id for b in all_bounds() if b.id.startswith("gd.")}
    assert gd_upper == set(CASES)


@pytest.mark.parametrize(("bound_id", "point"), _params(full=False))
def test_catalogue_against_pepit(bound_id: str, point: Point) -> None:
    _assert_claim(bound_id, point)


@pytest.mark.slow
@pytest.mark.parametrize(("bound_id", "point"), _params(full=True))
def test_catalogue_against_pepit_full_grid(bound_id: str, point: Point) -> None:
    _assert_claim(bound_id, point)


def test_the_comparison_can_fail() -> None:
    """Sabotage: a bound scaled down is exceeded; beyond h_norm <= 1 (at h_norm = 1.9, where
    (1 - h)^(2N)/2 > 1/(4Nh + 2)) Drori-Teboulle's formula is no longer the worst case."""
    worst, value = _compare("gd.convex.drori-teboulle", {"L": 1.0, "h_norm": 1.0, "N": 2,
                                                         "R": 1.0})
    assert worst > 0.9 * value * (1 + SOLVER_RTOL)
    worst, value = _compare("gd.nonconvex.min-grad-norm", {"L": 1.0, "N": 2, "Delta": 1.0})
    assert worst > 0.5 * value * (1 + SOLVER_RTOL)
    beyond = pep_gd_convex(1.0, 1.9, 3, 1.0)
    formula = get_bound("gd.convex.drori-teboulle").evaluate(L=1.0, h_norm=1.9, N=3, R=1.0)
    assert beyond > formula * (1 + SOLVER_RTOL)  # the assumption h_norm <= 1 matters


def test_nonconvex_tightness_is_reported() -> None:
    """The nonconvex bound 2 L Delta/(N+1) is attained by PEPit at N = 1 (ratio ~ 1)."""
    worst, value = _compare("gd.nonconvex.min-grad-norm", {"L": 1.0, "N": 1, "Delta": 1.0})
    assert 0.5 < worst / value <= 1 + SOLVER_RTOL
