"""Ground truth of every registered problem, checked against brute force and numerics.

A conformance suite over ``solvers.problems.PROBLEMS`` (STYLE.md patterns 4 and 8): every
problem of kind ``smooth``, ``binary`` or ``real`` is picked up by the tests of its kind the
day it is registered. Smooth problems: gradient against central differences, L and mu
against finite-difference Hessians, x* and f*, the convexity flags and the stochastic
oracle's mean and variance (a chi-square test). Binary problems: the front against all 2^n
strings. Real problems (ZDT, DTLZ2): the Pareto set maps onto the front's curve or surface
and nothing dominates the front, the hypervolume of the true front, the same objectives and
front as pymoo's.

The last part checks every parameter rule of every registered problem and solver config.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import moocore
import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from solvers.config import Config, config_from_mapping
from solvers.problems import PROBLEMS, BinaryProblem, RealProblem, SmoothProblem
from solvers.problems.dtlz import DTLZ2
from solvers.registry import SOLVERS, make_problem
from theory.errors import InvalidParameterError
from theory.formulation import non_dominated_mask, pareto_front

# -- tolerances, declared once ------------------------------------------------------------
#: central-difference step for gradients (relative to max(1, ||x||))
FD_STEP_GRAD = 1e-6
#: central-difference gradient error allowed: FD_GRAD_TOL * (1 + |f(x)| + ||grad f(x)||)
FD_GRAD_TOL = 1e-6
#: central-difference step for Hessians (differences of the analytic gradient)
FD_STEP_HESS = 1e-5
#: an eigenvalue of a finite-difference Hessian may exceed L or undercut mu by this much
HESS_RTOL = 1e-6
HESS_ATOL = 1e-7
#: L counts as attained when some sampled Hessian reaches L * (1 - L_ATTAINED_RTOL)
L_ATTAINED_RTOL = 1e-5
#: x* is stationary: ||grad f(x*)|| <= STATIONARY_TOL * max(1, L)
STATIONARY_TOL = 1e-10
#: level of the statistical tests on the stochastic oracle (false alarm rate per test)
ALPHA = 1e-3
#: draws of the stochastic gradient per test
ORACLE_DRAWS = 4000

KINDS = ("smooth", "binary", "real")
#: kinds whose ground truth is verified in their own family's test module
OTHER_KINDS = {"bilevel": "test_bilevel.py", "architecture": "test_nb201.py",
               "pseudo-boolean": "test_qea.py"}
SMOOTH = sorted(name for name, cls in PROBLEMS.items() if cls.kind == "smooth")
BINARY = sorted(name for name, cls in PROBLEMS.items() if cls.kind == "binary")
REAL = sorted(name for name, cls in PROBLEMS.items() if cls.kind == "real")
OTHER = sorted(name for name, cls in PROBLEMS.items() if cls.kind in OTHER_KINDS)


def test_every_problem_is_covered_by_a_conformance_section() -> None:
    assert {cls.kind for cls in PROBLEMS.values()} <= set(KINDS) | set(OTHER_KINDS)
    assert sorted(SMOOTH + BINARY + REAL + OTHER) == sorted(PROBLEMS)
    here = Path(__file__).parent
    for kind, module in OTHER_KINDS.items():
        assert (here / module).is_file(), f"ground truth of kind {kind!r} is tested in {module}"
    for name, cls in PROBLEMS.items():
        assert cls.name == name
        base = {"smooth": SmoothProblem, "binary": BinaryProblem, "real": RealProblem}
        if cls.kind in base:
            assert issubclass(cls, base[cls.kind])


# =========================================================================================
# smooth problems
# =========================================================================================
def _fields(cls: type[Config]) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def smooth_instances() -> list[Any]:
    """Each smooth problem at its defaults and at a second instance (other seed, d = 3)."""
    cases = []
    for name in SMOOTH:
        fields = _fields(PROBLEMS[name].Config)
        other = {k: v for k, v in {"instance_seed": 1, "dim": 3}.items() if k in fields}
        cases.append(pytest.param(name, {}, id=f"{name}-default"))
        cases.append(pytest.param(name, other, id=f"{name}-other"))
    return cases


def _centre(problem: SmoothProblem) -> NDArray[np.float64]:
    return problem.x_star if problem.x_star is not None else np.zeros(problem.dim)


def sample_points(problem: SmoothProblem, seed: int = 0) -> list[NDArray[np.float64]]:
    """x*, the origin, and points at radii 1e-3..20 around x* in random directions."""
    rng = np.random.default_rng(seed)
    centre = _centre(problem)
    points = [centre.copy(), np.zeros(problem.dim)]
    for radius in (1e-3, 0.1, 0.5, 1.0, 2.0, 5.0, 20.0):
        for _ in range(3):
            u = rng.standard_normal(problem.dim)
            points.append(centre + radius * u / np.linalg.norm(u))
    return points


def fd_gradient(problem: SmoothProblem, x: NDArray[np.float64]) -> NDArray[np.float64]:
    eps = FD_STEP_GRAD * max(1.0, float(np.linalg.norm(x)))
    grad = np.empty(problem.dim)
    for j in range(problem.dim):
        e = np.zeros(problem.dim)
        e[j] = eps
        grad[j] = (problem.value(x + e) - problem.value(x - e)) / (2 * eps)
    return grad


def fd_hessian(problem: SmoothProblem, x: NDArray[np.float64]) -> NDArray[np.float64]:
    hess = np.empty((problem.dim, problem.dim))
    for j in range(problem.dim):
        e = np.zeros(problem.dim)
        e[j] = FD_STEP_HESS
        hess[:, j] = (problem.gradient(x + e) - problem.gradient(x - e)) / (2 * FD_STEP_HESS)
    return 0.5 * (hess + hess.T)


def hessian_spectra(problem: SmoothProblem) -> list[NDArray[np.float64]]:
    return [np.linalg.eigvalsh(fd_hessian(problem, x)) for x in sample_points(problem)]


@pytest.mark.parametrize(("name", "params"), smooth_instances())
class TestSmoothGroundTruth:
    def test_declared_constants(self, name: str, params: dict[str, Any]) -> None:
        problem = make_problem(name, params)
        assert isinstance(problem, SmoothProblem)
        assert problem.dim >= 1 and problem.L > 0 and problem.mu >= 0
        assert problem.mu <= problem.L
        consts = problem.constants()
        assert consts["L"] == problem.L and consts["mu"] == problem.mu
        assert consts["convex"] == problem.convex
        assert consts["mu_strongly_convex"] == (problem.convex and problem.mu > 0)
        assert consts["bounded_below"] == problem.bounded_below
        assert consts["unbiased_oracle"] is True and consts["variance_bounded"] is True

    def test_gradient_matches_central_differences(self, name: str,
                                                  params: dict[str, Any]) -> None:
        problem = make_problem(name, params)
        assert isinstance(problem, SmoothProblem)
        worst = 0.0
        for x in sample_points(problem):
            g = problem.gradient(x)
            assert g.shape == (problem.dim,)
            scale = 1.0 + abs(problem.value(x)) + float(np.linalg.norm(g))
            worst = max(worst, float(np.max(np.abs(fd_gradient(problem, x) - g))) / scale)
        assert worst <= FD_GRAD_TOL, f"largest scaled gradient error {worst:.2e}"

    def test_L_bounds_every_sampled_hessian_and_is_attained(self, name: str,
                                                            params: dict[str, Any]) -> None:
        problem = make_problem(name, params)
        assert isinstance(problem, SmoothProblem)
        largest = max(float(np.max(np.abs(spec))) for spec in hessian_spectra(problem))
        assert largest <= problem.L * (1 + HESS_RTOL) + HESS_ATOL, \
            f"|Hessian eigenvalue| {largest} > L = {problem.L}"
        # every problem's docstring says where L is reached: everywhere (quadratics), at x*
        # (Cauchy, Huber) or at the origin (logistic, where every margin is 0 and the loss
        # curvature is 1/4); the sample contains x* and the origin
        assert largest >= problem.L * (1 - L_ATTAINED_RTOL), \
            f"L = {problem.L} is loose: largest sampled |eigenvalue| is {largest} " \
            f"(tightness {largest / problem.L:.6f})"

    def test_mu_and_the_convexity_flag(self, name: str, params: dict[str, Any]) -> None:
        problem = make_problem(name, params)
        assert isinstance(problem, SmoothProblem)
        smallest = min(float(spec[0]) for spec in hessian_spectra(problem))
        if problem.convex:
            floor = problem.mu if problem.strongly_convex else 0.0
            assert smallest >= floor * (1 - HESS_RTOL) - HESS_ATOL, \
                f"smallest Hessian eigenvalue {smallest} < mu = {floor}"
        else:
            assert problem.mu == 0.0
            assert smallest < -1e-3 * problem.L, \
                f"declared nonconvex but the smallest sampled eigenvalue is {smallest}"

    def test_x_star_is_stationary_and_f_star_is_its_value(self, name: str,
                                                           params: dict[str, Any]) -> None:
        problem = make_problem(name, params)
        assert isinstance(problem, SmoothProblem)
        assert problem.x_star is not None
        x_star = problem.x_star
        assert np.linalg.norm(problem.gradient(x_star)) <= STATIONARY_TOL * max(1.0, problem.L)
        if problem.bounded_below:
            assert problem.value(x_star) == pytest.approx(problem.f_star, rel=1e-12, abs=1e-14)
            for x in sample_points(problem, seed=1):
                assert problem.value(x) >= problem.f_star - 1e-12 * max(1.0, abs(problem.f_star))
        else:
            assert problem.f_star == -np.inf
            # f decreases without bound along the most negative curvature direction
            eigenvalues, eigenvectors = np.linalg.eigh(fd_hessian(problem, x_star))
            assert eigenvalues[0] < 0
            along = [problem.value(x_star + t * eigenvectors[:, 0]) for t in (1e1, 1e2, 1e3)]
            assert along[0] > along[1] > along[2]
            assert along[2] < problem.value(x_star) - 1e3

    def test_initial_point_is_at_the_configured_distance(self, name: str,
                                                          params: dict[str, Any]) -> None:
        problem = make_problem(name, params)
        assert isinstance(problem, SmoothProblem)
        radius = problem.config.x0_radius  # type: ignore[attr-defined]
        for seed in range(3):
            x0 = problem.initial_point(np.random.default_rng(seed))
            assert np.linalg.norm(x0 - _centre(problem)) == pytest.approx(radius, rel=1e-12)

    def test_stochastic_gradient_is_unbiased_with_variance_sigma_sq(
            self, name: str, params: dict[str, Any]) -> None:
        sigma = 0.7
        problem = make_problem(name, {**params, "sigma": sigma})
        assert isinstance(problem, SmoothProblem)
        assert problem.sigma == sigma
        rng = np.random.default_rng(12345)
        x = sample_points(problem)[5]
        grad = problem.gradient(x)
        noise = np.array([problem.stochastic_gradient(x, rng) - grad
                          for _ in range(ORACLE_DRAWS)])
        d, k = problem.dim, ORACLE_DRAWS
        # documented model: noise ~ N(0, sigma^2/d I), so
        #   (d/sigma^2) sum_k ||noise_k||^2 ~ chi2(d k)   (variance: E||G - grad||^2 = sigma^2)
        #   (k d/sigma^2) ||mean_k noise_k||^2 ~ chi2(d)  (unbiasedness: E[G] = grad)
        spread = float(np.sum(noise**2)) * d / sigma**2
        p_var = 2 * min(stats.chi2.cdf(spread, d * k), stats.chi2.sf(spread, d * k))
        mean_sq = float(np.sum(noise.mean(axis=0) ** 2)) * k * d / sigma**2
        p_mean = float(stats.chi2.sf(mean_sq, d))
        ratio = float(np.mean(np.sum(noise**2, axis=1))) / sigma**2
        assert p_var > ALPHA, f"E||G-grad||^2 / sigma^2 = {ratio:.4f}, p = {p_var:.2e}"
        assert p_mean > ALPHA, f"mean noise chi2 = {mean_sq:.2f} on {d} dof, p = {p_mean:.2e}"

    def test_noiseless_oracle_is_the_gradient(self, name: str, params: dict[str, Any]) -> None:
        problem = make_problem(name, {**params, "sigma": 0.0})
        assert isinstance(problem, SmoothProblem)
        x = sample_points(problem)[4]
        g = problem.stochastic_gradient(x, np.random.default_rng(0))
        np.testing.assert_array_equal(g, problem.gradient(x))


# -- smooth: the specific claims of the docstrings --------------------------------------
@pytest.mark.parametrize("dim", [2, 5, 10])
def test_quadratic_spectrum_is_exactly_mu_to_L(dim: int) -> None:
    problem = make_problem("quadratic", {"dim": dim, "L": 4.0, "mu": 0.5})
    assert isinstance(problem, SmoothProblem)
    a = problem.A  # type: ignore[attr-defined]
    np.testing.assert_allclose(a, a.T, atol=1e-14)
    eigenvalues = np.linalg.eigvalsh(a)
    np.testing.assert_allclose(eigenvalues, np.sort(problem.eigenvalues),  # type: ignore
                               rtol=1e-12, atol=1e-12)
    assert eigenvalues[0] == pytest.approx(0.5, rel=1e-12)
    assert eigenvalues[-1] == pytest.approx(4.0, rel=1e-12)
    assert (problem.mu, problem.L) == (0.5, 4.0)
    np.testing.assert_allclose(fd_hessian(problem, np.ones(dim)), a, atol=1e-7)


def test_convex_quadratic_with_mu_zero_is_not_strongly_convex() -> None:
    problem = make_problem("quadratic", {"mu": 0.0})
    assert isinstance(problem, SmoothProblem)
    assert problem.mu == 0.0 and problem.convex and not problem.strongly_convex
    assert np.linalg.eigvalsh(problem.A)[0] == pytest.approx(0.0, abs=1e-12)  # type: ignore


def test_indefinite_quadratic_spectrum() -> None:
    problem = make_problem("indefinite-quadratic", {"L": 2.0, "min_eigenvalue": -0.3})
    assert isinstance(problem, SmoothProblem)
    eigenvalues = np.linalg.eigvalsh(problem.A)  # type: ignore[attr-defined]
    assert eigenvalues[0] == pytest.approx(-0.3, rel=1e-12)
    assert eigenvalues[-1] == pytest.approx(2.0, rel=1e-12)
    assert problem.L == 2.0


def test_cauchy_L_is_attained_at_x_star() -> None:
    problem = make_problem("cauchy", {"L": 3.0})
    assert isinstance(problem, SmoothProblem)
    assert problem.x_star is not None
    top = float(np.max(np.abs(np.linalg.eigvalsh(fd_hessian(problem, problem.x_star)))))
    assert top == pytest.approx(3.0, rel=1e-7)


def test_logistic_L_is_an_upper_bound_reached_at_the_origin() -> None:
    problem = make_problem("logistic", {"samples": 30, "dim": 6, "mu": 0.05})
    assert isinstance(problem, SmoothProblem)
    for x in sample_points(problem, seed=3):
        assert np.max(np.linalg.eigvalsh(fd_hessian(problem, x))) \
            <= problem.L * (1 + HESS_RTOL) + HESS_ATOL
    top = float(np.max(np.linalg.eigvalsh(fd_hessian(problem, np.zeros(6)))))
    assert top == pytest.approx(problem.L, rel=1e-7)


@pytest.mark.parametrize("step", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("horizon", [1, 4, 10])
def test_huber_worst_case_is_attained_by_gd(horizon: int, step: float) -> None:
    # Drori & Teboulle (2014), Thm 3.2: from x0 = R e1, N steps of h/L end at L R^2/(4Nh+2)
    L, R = 2.0, 1.5
    problem = make_problem("huber-worst-case", {"L": L, "x0_radius": R, "horizon": horizon,
                                                "dim": 2, "step": step})
    assert isinstance(problem, SmoothProblem)
    x = problem.initial_point(np.random.default_rng(0))
    np.testing.assert_array_equal(x, [R, 0.0])
    for _ in range(horizon):
        x = x - step * problem.gradient(x) / L
    assert problem.value(x) == pytest.approx(L * R**2 / (4 * horizon * step + 2), rel=1e-12)


# =========================================================================================
# binary problems
# =========================================================================================
def _all_strings(n: int) -> NDArray[np.bool_]:
    return np.array(list(itertools.product([False, True], repeat=n)), dtype=bool)


def _leading_ones(bits: tuple[bool, ...]) -> int:
    count = 0
    for bit in bits:
        if not bit:
            break
        count += 1
    return count


#: Objective vectors written from the papers' definitions (minimised), one per problem,
#: independent of the vectorised code under test.
REFERENCE_OBJECTIVES: dict[str, Callable[[tuple[bool, ...]], tuple[int, ...]]] = {
    # Giel & Lehre (2010): (number of zeros, number of ones)
    "oneminmax": lambda b: (b.count(False), b.count(True)),
    # Laumanns, Thiele & Zitzler (2004): (n - leading ones, n - trailing zeros)
    "lotz": lambda b: (len(b) - _leading_ones(b),
                       len(b) - _leading_ones(tuple(not x for x in reversed(b)))),
    # Doerr & Zheng (AAAI 2021) with k = 1, maximised objectives turned into n + k - f_i
    "ojzj": lambda b: _reference_ojzj(b, 1),
    # Zheng & Doerr (TEVC 2024) with m = 4: per half of the string, (zeros, ones)
    "momm": lambda b: (b[:len(b) // 2].count(False), b[:len(b) // 2].count(True),
                       b[len(b) // 2:].count(False), b[len(b) // 2:].count(True)),
}
#: problem parameters beyond n, and the front size, per binary problem
BINARY_EXTRA: dict[str, dict[str, int]] = {"ojzj": {"k": 1}, "momm": {"m": 4}}


def _reference_ojzj(bits: tuple[bool, ...], k: int) -> tuple[int, int]:
    size, ones = len(bits), sum(bits)
    zeros = size - ones
    f1 = k + ones if ones <= size - k or ones == size else size - ones
    f2 = k + zeros if zeros <= size - k or zeros == size else size - zeros
    return size + k - f1, size + k - f2


def test_every_binary_problem_has_a_reference_definition() -> None:
    assert set(BINARY) == set(REFERENCE_OBJECTIVES)


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 8, 10])
def test_binary_front_against_all_strings(name: str, n: int) -> None:
    extra = BINARY_EXTRA.get(name, {})
    if 2 * extra.get("k", 0) > n or n % (extra.get("m", 2) // 2):
        pytest.skip("parameters outside the problem's range")
    problem = make_problem(name, {"n": n, **extra})
    assert isinstance(problem, BinaryProblem)
    strings = _all_strings(n)
    objectives = problem.evaluate(strings)
    assert objectives.dtype == np.int64
    assert objectives.shape == (2**n, problem.n_objectives)
    reference = REFERENCE_OBJECTIVES[name]
    assert [tuple(row) for row in objectives.tolist()] == \
        [reference(tuple(bits)) for bits in strings.tolist()]

    true_front = problem.pareto_front()
    assert problem.front_size == len(true_front)
    if name in ("oneminmax", "lotz"):
        assert problem.front_size == n + 1
    brute = pareto_front(objectives)  # distinct non-dominated vectors, sorted
    assert {tuple(r) for r in true_front.tolist()} == {tuple(r) for r in brute.tolist()}
    assert len({tuple(r) for r in true_front.tolist()}) == len(true_front)

    position = {tuple(row): i for i, row in enumerate(true_front.tolist())}
    expected = [position.get(tuple(row), -1) for row in objectives.tolist()]
    np.testing.assert_array_equal(problem.front_index(objectives), expected)
    # every front position is reached by some string
    assert set(problem.front_index(objectives).tolist()) - {-1} == \
        set(range(problem.front_size))


def test_lotz_pareto_set_is_ones_then_zeros() -> None:
    n = 7
    problem = make_problem("lotz", {"n": n})
    assert isinstance(problem, BinaryProblem)
    strings = _all_strings(n)
    on_front = problem.front_index(problem.evaluate(strings)) >= 0
    expected = [bits == sorted(bits, reverse=True) for bits in strings.tolist()]
    np.testing.assert_array_equal(on_front, expected)


# =========================================================================================
# real problems (ZDT, DTLZ2)
# =========================================================================================
def _zdt_set(problem: RealProblem, n_points: int) -> NDArray[np.float64]:
    """ZDT's Pareto set (Zitzler, Deb & Thiele 2000): g = 1, i.e. x_2 = ... = x_n = 0, with
    x_1 on a grid of [0, 1]."""
    x = np.zeros((n_points, problem.n_var))
    x[:, 0] = np.linspace(0.0, 1.0, n_points)
    return x


def _dtlz_set(problem: RealProblem, n_points: int) -> NDArray[np.float64]:
    """DTLZ2's Pareto set (Deb, Thiele, Laumanns & Zitzler 2005): g = 0, i.e. x_M = ... =
    x_n = 1/2, with x_1..x_{M-1} the corners of [0, 1]^(M-1) (the front's extreme points)
    and then uniform."""
    m = problem.n_objectives
    x = np.full((n_points, problem.n_var), 0.5)
    x[:, :m - 1] = np.random.default_rng(5).random((n_points, m - 1))
    corners = np.array(list(itertools.product([0.0, 1.0], repeat=m - 1)))
    x[:len(corners), :m - 1] = corners
    return x


#: Decision vectors on the Pareto set, written from the papers, one per real problem.
PARETO_SETS: dict[str, Callable[[RealProblem, int], NDArray[np.float64]]] = {
    "zdt1": _zdt_set, "zdt2": _zdt_set, "zdt3": _zdt_set, "dtlz2": _dtlz_set,
}
#: The curve or surface holding the true front, as a residual that is 0 exactly on it (ZDT3:
#: its front is the non-dominated part of the curve; DTLZ2: the unit sphere's positive part).
FRONT_SURFACES: dict[str, Callable[[NDArray[np.float64]], NDArray[np.float64]]] = {
    "zdt1": lambda f: f[:, 1] - (1.0 - np.sqrt(f[:, 0])),
    "zdt2": lambda f: f[:, 1] - (1.0 - f[:, 0] ** 2),
    "zdt3": lambda f: f[:, 1] - (1.0 - np.sqrt(f[:, 0]) - f[:, 0] * np.sin(10 * np.pi * f[:, 0])),
    "dtlz2": lambda f: np.where(np.all(f >= 0, axis=1), np.sum(f**2, axis=1) - 1.0, np.inf),
}
#: instances checked per real problem (DTLZ2: M objectives, n_var = M + k - 1 >= M)
REAL_INSTANCES: dict[str, list[dict[str, int]]] = {
    **{name: [{"n_var": 2}, {"n_var": 10}, {"n_var": 30}] for name in ("zdt1", "zdt2", "zdt3")},
    "dtlz2": [{"n_objectives": 2, "n_var": 2}, {"n_objectives": 3, "n_var": 12},
              {"n_objectives": 5, "n_var": 14}],
}
#: a point on the front (or on the image of the Pareto set) misses its surface by at most this
FRONT_ATOL = 1e-12

#: Hypervolume of the true front with reference point 1.1 per objective. ZDT, by integration:
#: HV = int_0^1 (1.1 - h(t)) dt + 0.1 * 1.1 with h(t) = 1 - sqrt(t) (ZDT1) or 1 - t^2 (ZDT2),
#: i.e. 1.1 - 1/3 + 0.11 = 2/3 + 0.21 and 1.1 - 2/3 + 0.11 = 1/3 + 0.21. DTLZ2 (M = 3): a point
#: p >= 0 is dominated by a front point iff ||p|| >= 1, so HV = 1.1^3 - (the unit ball's
#: positive octant) = 1.331 - pi/6.
TRUE_FRONT_HV = {"zdt1": 2 / 3 + 0.21, "zdt2": 1 / 3 + 0.21, "dtlz2": 1.1**3 - math.pi / 6}
#: a 1000-point ZDT front loses at most one step of width 1/999 per unit of f2 drop
HV_TOL = 1e-3
#: (front points sampled, hypervolume shortfall allowed) per problem. A sample misses the
#: staircase between its points; on DTLZ2's sphere that gap shrinks like the spacing,
#: n^(-1/2): measured 0.029, 0.0078 and 0.0022 at 1e3, 1e4 and 1e5 points (M = 3).
HV_RESOLUTION = {"zdt1": (1000, HV_TOL), "zdt2": (1000, HV_TOL), "dtlz2": (100_000, 3e-3)}


def _real_cases() -> list[Any]:
    return [pytest.param(name, params, id=f"{name}-" + "-".join(map(str, params.values())))
            for name in REAL for params in REAL_INSTANCES[name]]


def test_every_real_problem_has_a_reference_definition() -> None:
    assert set(REAL) == set(PARETO_SETS) == set(FRONT_SURFACES) == set(REAL_INSTANCES)
    assert set(TRUE_FRONT_HV) == set(HV_RESOLUTION) <= set(REAL)


@pytest.mark.parametrize("name", REAL)
def test_real_problem_box_and_reference(name: str) -> None:
    problem = make_problem(name, {"n_var": 7})
    assert isinstance(problem, RealProblem)
    assert problem.n_var == 7
    np.testing.assert_array_equal(problem.lower, np.zeros(7))
    np.testing.assert_array_equal(problem.upper, np.ones(7))
    np.testing.assert_array_equal(problem.hypervolume_reference,
                                  np.full(problem.n_objectives, 1.1))


@pytest.mark.parametrize(("name", "params"), _real_cases())
def test_real_pareto_set_maps_onto_the_true_front(name: str, params: dict[str, int]) -> None:
    problem = make_problem(name, params)
    assert isinstance(problem, RealProblem)
    surface, pareto_set = FRONT_SURFACES[name], PARETO_SETS[name]
    n_points = 500
    on_set = problem.evaluate(pareto_set(problem, n_points))
    assert on_set.shape == (n_points, problem.n_objectives)
    np.testing.assert_allclose(surface(on_set), 0.0, rtol=0, atol=FRONT_ATOL)
    front = problem.pareto_front(n_points)
    assert front.ndim == 2 and front.shape[1] == problem.n_objectives and len(front) > 0
    np.testing.assert_allclose(surface(front), 0.0, rtol=0, atol=FRONT_ATOL)
    assert non_dominated_mask(front).all()
    # no point of the box, near the Pareto set or on its image dominates a front point
    rng = np.random.default_rng(7)
    box = problem.evaluate(rng.random((3000, problem.n_var)))
    # (moved up only: ZDT3's sampled front keeps, past the end of some of its pieces, one
    # grid point that a point of the curve just before that end dominates)
    near = problem.evaluate(np.clip(pareto_set(problem, 300)
                                    + rng.random((300, problem.n_var)) * 1e-3, 0.0, 1.0))
    others = np.vstack([box, near, on_set])
    for point in front[:: max(1, len(front) // 100)]:
        dominated = np.all(others <= point, axis=1) & np.any(others < point, axis=1)
        assert not dominated.any(), f"front point {point} is dominated"


@pytest.mark.parametrize("name", sorted(n for n in REAL if PARETO_SETS[n] is _zdt_set))
@pytest.mark.parametrize("n_var", [2, 10, 30])
def test_zdt_front_is_the_non_dominated_image_of_its_pareto_set(name: str, n_var: int) -> None:
    problem = make_problem(name, {"n_var": n_var})
    assert isinstance(problem, RealProblem)
    on_set = problem.evaluate(_zdt_set(problem, 500))
    np.testing.assert_allclose(problem.pareto_front(500), on_set[non_dominated_mask(on_set)],
                               rtol=0, atol=1e-12)


@pytest.mark.parametrize("m", [2, 3, 5])
def test_dtlz2_objective_norm_is_one_plus_g(m: int) -> None:
    """||f(x)|| = 1 + g(x) (the angles only turn a vector of length 1 + g), so g = 0 is the
    whole front: every image of the Pareto set is non-dominated, the corners of the angle
    box are the M extreme points e_i, and every other x lies outside the unit sphere."""
    problem = make_problem("dtlz2", {"n_objectives": m, "n_var": m + 4})
    assert isinstance(problem, RealProblem)
    x = np.random.default_rng(11).random((2000, problem.n_var))
    g = np.sum((x[:, m - 1:] - 0.5) ** 2, axis=1)
    np.testing.assert_allclose(np.linalg.norm(problem.evaluate(x), axis=1), 1.0 + g,
                               rtol=1e-12)
    on_set = problem.evaluate(_dtlz_set(problem, 400))
    assert non_dominated_mask(on_set).all()
    corners = on_set[:2 ** (m - 1)]
    for i in range(m):
        assert np.min(np.max(np.abs(corners - np.eye(m)[i]), axis=1)) < 1e-15


@pytest.mark.parametrize("name", sorted(TRUE_FRONT_HV))
def test_true_front_hypervolume(name: str) -> None:
    problem = make_problem(name, {})
    assert isinstance(problem, RealProblem)
    n_points, tolerance = HV_RESOLUTION[name]
    front = problem.pareto_front(n_points)
    hv = float(moocore.hypervolume(front, ref=problem.hypervolume_reference))
    assert hv == pytest.approx(TRUE_FRONT_HV[name], abs=tolerance)
    assert hv <= TRUE_FRONT_HV[name]  # a finite subset of the front cannot exceed it


#: the unit ball's positive orthant in M dimensions: pi/4, pi/6 and (pi^2/2)/16
ORTHANT_VOLUME = {2: math.pi / 4, 3: math.pi / 6, 4: math.pi**2 / 32}


@pytest.mark.parametrize("m", sorted(ORTHANT_VOLUME))
def test_dtlz2_declared_front_hypervolume(m: int) -> None:
    problem = make_problem("dtlz2", {"n_objectives": m, "n_var": m + 4})
    assert isinstance(problem, DTLZ2)
    declared = problem.front_hypervolume()
    assert declared == pytest.approx(1.1**m - ORTHANT_VOLUME[m], rel=1e-12)
    assert problem.front_hypervolume(2.0) == pytest.approx(2.0**m - ORTHANT_VOLUME[m],
                                                           rel=1e-12)
    if m == 2:  # on a curve a dense sample closes the gap: 1e5 points miss 1.0e-5
        hv = float(moocore.hypervolume(problem.pareto_front(100_000),
                                       ref=problem.hypervolume_reference))
        assert 0.0 <= declared - hv <= 5e-5
    with pytest.raises(InvalidParameterError) as info:
        problem.front_hypervolume(0.9)
    assert info.value.rule == "reference >= 1" and "reference=0.9" in str(info.value)


#: the same benchmarks written by pymoo: module, class, constructor arguments (n_var = 12),
#: and whether both fronts sample f1 evenly (so that their hypervolumes agree at equal size)
PYMOO_PEERS: dict[str, tuple[str, str, dict[str, int], bool]] = {
    **{name: ("pymoo.problems.multi.zdt", name.upper(), {"n_var": 12}, True)
       for name in ("zdt1", "zdt2", "zdt3")},
    "dtlz2": ("pymoo.problems.many.dtlz", "DTLZ2", {"n_var": 12, "n_obj": 3}, False),
}
#: our parameters for the same instance
OURS_FOR_PYMOO: dict[str, dict[str, int]] = {
    **{name: {"n_var": 12} for name in ("zdt1", "zdt2", "zdt3")},
    "dtlz2": {"n_var": 12, "n_objectives": 3},
}


@pytest.mark.parametrize("name", REAL)
def test_real_problem_matches_pymoo(name: str) -> None:
    """Metamorphic: the same benchmark written by pymoo gives the same objectives, and its
    true front lies on the same surface."""
    module, cls_name, kwargs, even = PYMOO_PEERS[name]
    theirs = getattr(pytest.importorskip(module), cls_name)(**kwargs)
    ours = make_problem(name, OURS_FOR_PYMOO[name])
    assert isinstance(ours, RealProblem)
    x = np.random.default_rng(3).random((200, 12))
    np.testing.assert_allclose(ours.evaluate(x), theirs.evaluate(x), rtol=1e-12, atol=1e-12)
    their_front = theirs._calc_pareto_front(2000) if even else theirs._calc_pareto_front()
    np.testing.assert_allclose(FRONT_SURFACES[name](their_front), 0.0, rtol=0, atol=1e-12)
    if even:  # both fronts at the same resolution (pymoo's argument is the number of points)
        ref = ours.hypervolume_reference
        hv_ours = moocore.hypervolume(ours.pareto_front(2000), ref=ref)
        hv_theirs = moocore.hypervolume(their_front, ref=ref)
        assert hv_ours == pytest.approx(hv_theirs, abs=HV_TOL / 2)


# =========================================================================================
# parameter rules of every registered config (problems and solvers)
# =========================================================================================
CONFIGS: dict[str, type[Config]] = {
    **{f"problem:{name}": cls.Config for name, cls in PROBLEMS.items()},
    **{f"solver:{name}": cls.Config for name, cls in SOLVERS.items()},
}
CONFIG_CLASSES = {id(cls): (label, cls) for label, cls in CONFIGS.items()}  # dedupe shared

#: candidate values tried, per field type, when looking for a value that breaks a rule
CANDIDATES: dict[str, tuple[object, ...]] = {
    "int": (-3, -1, 0, 1, 2, 3, 5),
    "float": (-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 100.0),
    "str": ("bogus", "none", ""),
    "bool": (True, False),
}


def _type_name(f: dataclasses.Field[Any]) -> str:
    return f.type if isinstance(f.type, str) else f.type.__name__


def _rule_cases() -> list[Any]:
    cases = []
    for label, cls in CONFIG_CLASSES.values():
        for index, rule in enumerate(cls.RULES):
            cases.append(pytest.param(cls, index, id=f"{label}:{rule.text}"))
    return cases


def _breaking_values(cls: type[Config], index: int) -> dict[str, object] | None:
    """Field values (others at their defaults) breaking rule ``index`` and no earlier one."""
    fields = {f.name: f for f in dataclasses.fields(cls)}
    defaults = {name: f.default for name, f in fields.items()}
    rule = cls.RULES[index]
    pools = [CANDIDATES[_type_name(fields[name])] for name in rule.fields]
    for combo in itertools.product(*pools):
        changes = dict(zip(rule.fields, combo, strict=True))
        values = SimpleNamespace(**{**defaults, **changes})
        try:
            if rule.predicate(values):
                continue
            if all(earlier.predicate(values) for earlier in cls.RULES[:index]):
                return changes
        except (TypeError, ValueError):
            continue
    return None


@pytest.mark.parametrize(("cls", "index"), _rule_cases())
def test_each_rule_names_itself_and_the_value(cls: type[Config], index: int) -> None:
    rule = cls.RULES[index]
    changes = _breaking_values(cls, index)
    assert changes is not None, f"no candidate value breaks `{rule.text}`; extend CANDIDATES"
    with pytest.raises(InvalidParameterError) as info:
        cls(**changes)
    err = info.value
    assert err.rule == rule.text
    message = str(err)
    assert f"`{rule.text}`" in message
    for name in rule.fields:
        assert f"{name}=" in message
    for name, value in changes.items():
        assert f"{name}={value!r}" in message
    # the defaults themselves satisfy every rule
    cls()


@pytest.mark.parametrize("cls", [c for _, c in CONFIG_CLASSES.values()],
                         ids=[label for label, _ in CONFIG_CLASSES.values()])
def test_fields_are_type_checked(cls: type[Config]) -> None:
    wrong = {"int": (2.5, True, "3"), "float": ("x", True, None), "str": (3, None),
             "bool": (1, "yes", None)}
    rule = {"int": "is an integer", "float": "is a number", "str": "is a string",
            "bool": "is true or false"}
    for f in dataclasses.fields(cls):
        kind = _type_name(f)
        assert kind in wrong, f"field {f.name} has an unchecked type {kind}"
        for value in wrong[kind]:
            with pytest.raises(InvalidParameterError) as info:
                cls(**{f.name: value})
            assert f"{f.name} {rule[kind]}" in str(info.value)
            assert f"{f.name}={value!r}" in str(info.value)
        assert cls.field_help()[f.name], f"field {f.name} has no help text"


WITH_FLOATS = [(label, cls) for label, cls in CONFIG_CLASSES.values()
               if any(_type_name(f) == "float" for f in dataclasses.fields(cls))]


@pytest.mark.parametrize("cls", [c for _, c in WITH_FLOATS], ids=[lb for lb, _ in WITH_FLOATS])
def test_float_fields_must_be_finite(cls: type[Config]) -> None:
    floats = [f.name for f in dataclasses.fields(cls) if _type_name(f) == "float"]
    assert floats
    for name in floats:
        for value in (float("nan"), float("inf"), float("-inf")):
            with pytest.raises(InvalidParameterError) as info:
                cls(**{name: value})
            assert f"`{name} is finite`" in str(info.value)
            assert f"{name}={value!r}" in str(info.value)


def test_float_fields_accept_integers_and_store_floats() -> None:
    problem = make_problem("quadratic", {"L": 2, "mu": 1})
    assert problem.config.L == 2.0 and isinstance(problem.config.L, float)  # type: ignore
    assert problem.config.to_dict()["mu"] == 1.0


def test_config_from_mapping_casts_strings() -> None:
    cls = PROBLEMS["quadratic"].Config
    cfg = config_from_mapping(cls, {"dim": "4", "L": "2.5", "mu": "0"}, "problem 'quadratic'")
    assert (cfg.dim, cfg.L, cfg.mu) == (4, 2.5, 0.0)  # type: ignore[attr-defined]
    nsga = SOLVERS["nsga2"].Config
    for text, expected in [("yes", True), ("FALSE", False), ("1", True), ("no", False)]:
        assert config_from_mapping(nsga, {"stop_when_covered": text}, "s") \
            .stop_when_covered is expected  # type: ignore[attr-defined]


def test_config_from_mapping_rejects_unknown_names_and_bad_strings() -> None:
    cls = PROBLEMS["oneminmax"].Config
    with pytest.raises(InvalidParameterError) as info:
        config_from_mapping(cls, {"m": 3, "length": 4}, "problem 'oneminmax'")
    message = str(info.value)
    assert "problem 'oneminmax'" in message and "['n']" in message
    assert "unknown ['length', 'm']" in message
    with pytest.raises(InvalidParameterError) as info:
        config_from_mapping(cls, {"n": "ten"}, "problem 'oneminmax'")
    assert "n='ten'" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        config_from_mapping(SOLVERS["nsga2"].Config, {"stop_when_covered": "maybe"}, "s")
    assert "stop_when_covered='maybe'" in str(info.value)
