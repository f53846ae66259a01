"""Tests of the bilevel family: problems' ground truth, the solver's hypergradients and
counts, the symbolic proofs (and that a wrong constant fails them), and the empirical
checks in the quick profile (as stated: pass; every sabotage: caught with a counterexample).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sympy as sp

from proofs_checks.check import CheckContext, Outcome
from proofs_checks.families.bilevel import CHECKS, SYMBOLIC_ONLY
from proofs_checks.proofs import symbolic_bilevel
from proofs_checks.proofs.symbolic import SymbolicCheck
from solvers.algorithms.bilevel import (
    Counter,
    aid_hypergradient,
    itd_hypergradient,
)
from solvers.lab import Lab
from solvers.problems.bilevel import BilevelQuadratic, BilevelSoftplus
from solvers.registry import make_problem, make_solver
from solvers.store import RunStore
from solvers.trace import VOLATILE_COLUMNS, TraceRecorder
from tests.verdicts import assert_expected_verdict
from theory.bounds.bilevel import (
    AID_NEUMANN_ERROR,
    BOUNDS,
    D0,
    DARTS_FIRST_ORDER_ERROR,
    DARTS_GRADIENT_EVALUATIONS,
    FD_HVP_ERROR,
    HGD_INEXACT,
    ITD_ERROR,
    SUPERNET_MEMORY,
    Dt,
    K_inner,
    norm_B,
    norm_gwf,
    norm_Q,
    q_factor,
    second_order,
    xi,
)
from theory.errors import InvalidParameterError
from theory.symbols import mu

#: relative tolerance of comparisons between two exact formulas in floating point
FORMULA_RTOL = 1e-9


# -- problems -------------------------------------------------------------------------------
def _fd_gradient(fun: Callable[[np.ndarray], float], x: np.ndarray, step: float
                 ) -> np.ndarray:
    return np.array([(fun(x + step * e) - fun(x - step * e)) / (2 * step)
                     for e in np.eye(len(x))])


@pytest.mark.parametrize("params", [{}, {"structure": "aligned"}, {"mu": -0.3, "dim_w": 4},
                                    {"dim_w": 1, "dim_alpha": 2, "lam": 0.0}])
def test_quadratic_ground_truth(params: dict[str, Any]) -> None:
    problem = make_problem("bilevel-quadratic", params)
    assert isinstance(problem, BilevelQuadratic)
    rng = np.random.default_rng(0)
    a = rng.standard_normal(problem.dim_alpha)
    w_star = problem.inner_solution(a)
    assert np.linalg.norm(problem.inner_grad_w(w_star, a)) < 1e-10
    # central differences with step 1 are exact on the quadratic F
    np.testing.assert_allclose(problem.hypergradient(a), _fd_gradient(problem.value, a, 1.0),
                               rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(problem.hypergradient(a), problem.ift_hypergradient(w_star, a),
                               rtol=FORMULA_RTOL, atol=1e-10)
    assert problem.alpha_star is not None
    assert np.linalg.norm(problem.hypergradient(problem.alpha_star)) < 1e-8
    eigenvalues = np.linalg.eigvalsh(problem.A)
    assert eigenvalues[0] == pytest.approx(problem.mu) and eigenvalues[-1] == pytest.approx(
        problem.L)
    assert problem.strongly_convex == (problem.mu > 0)
    hessian_f = np.array([_fd_gradient(lambda x, i=i: float(problem.hypergradient(x)[i]), a,
                                       1.0) for i in range(problem.dim_alpha)])
    assert float(np.linalg.eigvalsh(0.5 * (hessian_f + hessian_f.T)).max()) == pytest.approx(
        problem.outer_L, rel=1e-8)


def test_softplus_ground_truth() -> None:
    problem = make_problem("bilevel-softplus", {"gamma": 2.0})
    assert isinstance(problem, BilevelSoftplus)
    rng = np.random.default_rng(1)
    a = rng.standard_normal(problem.dim_alpha)
    w_star = problem.inner_solution(a)
    assert np.linalg.norm(problem.inner_grad_w(w_star, a)) < 1e-10
    np.testing.assert_allclose(problem.hypergradient(a), _fd_gradient(problem.value, a, 1e-5),
                               rtol=1e-6, atol=1e-7)
    w = rng.standard_normal(problem.dim_w)
    np.testing.assert_allclose(problem.inner_grad_w(w, a),
                               _fd_gradient(lambda x: problem.inner_value(x, a), w, 1e-6),
                               rtol=1e-6, atol=1e-7)
    cross = np.array([_fd_gradient(lambda x, i=i: float(problem.inner_grad_alpha(x, a)[i]), w,
                                   1e-6) for i in range(problem.dim_alpha)])
    np.testing.assert_allclose(problem.inner_cross(w, a), cross, rtol=1e-6, atol=1e-7)
    for _ in range(20):  # L bounds the inner Hessian everywhere, mu from below
        x = 3 * rng.standard_normal(problem.dim_w)
        spec = np.linalg.eigvalsh(problem.inner_hessian_ww(x, a))
        assert problem.mu * (1 - 1e-12) <= spec[0] and spec[-1] <= problem.L * (1 + 1e-12)
    assert problem.rho == pytest.approx(2.0 * np.linalg.norm(problem.U, 2) ** 3 / 8)


def test_indefinite_quadratic_needs_two_dimensions() -> None:
    with pytest.raises(InvalidParameterError, match="dim_w >= 2"):
        make_problem("bilevel-quadratic", {"mu": -0.5, "dim_w": 1})
    with pytest.raises(InvalidParameterError, match="mu != 0"):
        make_problem("bilevel-quadratic", {"mu": 0.0})


# -- solver -----------------------------------------------------------------------------------
def test_itd_equals_aid_neumann_with_m_equal_k_on_quadratics() -> None:
    problem = make_problem("bilevel-quadratic", {"instance_seed": 5})
    assert isinstance(problem, BilevelQuadratic)
    rng = np.random.default_rng(2)
    a, w0 = rng.standard_normal(problem.dim_alpha), rng.standard_normal(problem.dim_w)
    for k in (0, 1, 7, 30):
        itd, _ = itd_hypergradient(problem, a, w0, k, 1 / problem.L, Counter())
        aid, _ = aid_hypergradient(problem, a, w0, k, k, 1 / problem.L, Counter())
        np.testing.assert_allclose(itd, aid, rtol=FORMULA_RTOL, atol=1e-10)


@pytest.mark.parametrize(("method", "grads", "hvps"), [
    ("itd", 7 + 1, 7), ("aid-neumann", 7 + 1, 4 + 1), ("aid-cg", 7 + 1, 4 + 1),
    ("darts-first-order", 2, 0), ("fd-hvp", 5, 0), ("exact", 0, 0)])
def test_the_solver_counts_its_evaluations(method: str, grads: int, hvps: int) -> None:
    recorder = TraceRecorder()
    make_solver("hypergradient-descent", {"method": method, "steps": 4, "inner_steps": 7,
                                          "solve_steps": 4}).run(
        make_problem("bilevel-quadratic", {"instance_seed": 1}), 0, recorder)
    assert set(recorder.column("grad_evals")) == {grads}
    assert set(recorder.column("hvp_evals")) == {hvps}
    assert recorder.summary["gradient_evaluations_per_step"] == grads
    assert list(recorder.column("evaluations")) == [grads * (k + 1) for k in range(5)]


def test_reused_train_gradient_saves_one_pass() -> None:
    recorder = TraceRecorder()
    make_solver("hypergradient-descent", {"method": "fd-hvp", "steps": 3,
                                          "reuse_train_gradient": True}).run(
        make_problem("bilevel-softplus", {}), 0, recorder)
    assert recorder.summary["gradient_evaluations_per_step"] == 4


def test_finite_difference_is_exact_on_quadratics_and_not_on_softplus() -> None:
    errors = {}
    for name in ("bilevel-quadratic", "bilevel-softplus"):
        recorder = TraceRecorder()
        make_solver("hypergradient-descent", {"method": "fd-hvp", "steps": 5}).run(
            make_problem(name, {}), 0, recorder)
        errors[name] = float(np.max(recorder.column("fd_error")))
    assert errors["bilevel-quadratic"] < 1e-10
    assert errors["bilevel-softplus"] > 1e-9


def test_exact_hypergradient_descent_converges_and_is_reproducible() -> None:
    problem = make_problem("bilevel-quadratic", {"instance_seed": 2, "lam": 1.0})
    solver = make_solver("hypergradient-descent", {"method": "exact", "steps": 400})
    first, second, other = TraceRecorder(), TraceRecorder(), TraceRecorder()
    solver.run(problem, 3, first)
    solver.run(problem, 3, second)
    solver.run(problem, 4, other)
    # F is lam-strongly convex and L_F-smooth: GD with step 1/L_F contracts by 1 - lam/L_F
    contraction = (1 - 1.0 / problem.outer_L) ** 2  # type: ignore[attr-defined]
    grad_sq = first.column("grad_norm_sq")
    assert grad_sq[-1] <= contraction**400 * grad_sq[0] * (1 + 1e-6) + 1e-24
    assert float(first.column("F")[-1]) == pytest.approx(first.summary["F_star"], abs=1e-9)
    stable = [c for c in first.to_frame().columns if c not in VOLATILE_COLUMNS]
    assert first.to_frame()[stable].equals(second.to_frame()[stable])
    assert not first.to_frame()[stable].equals(other.to_frame()[stable])


# -- bounds -------------------------------------------------------------------------------------
def test_bounds_are_complete_and_evaluable() -> None:
    assert {b.family for b in BOUNDS} == {"bilevel"}
    assert len({b.id for b in BOUNDS}) == len(BOUNDS)
    constants = {"normB": 1.0, "normQ": 1.0, "mu": 0.1, "L": 1.0, "K": 10, "M": 5, "D0": 1.0,
                 "Dt": 2.0}
    assert ITD_ERROR.evaluate(**constants) == pytest.approx(
        10 * 0.9**10 * ((1 + 0.9**10) + 2.0))
    assert AID_NEUMANN_ERROR.evaluate(**(constants | {"M": 10})) == pytest.approx(
        ITD_ERROR.evaluate(**constants))
    assert DARTS_GRADIENT_EVALUATIONS.evaluate(s=1) == 5.0
    assert SUPERNET_MEMORY.evaluate(E=14, O=8, B=64, C=16, S=32) == 14 * 8 * 64 * 16 * 32**2
    assert HGD_INEXACT.evaluate(L_F=2.0, Delta_F=3.0, N=5, e_max=0.5) == pytest.approx(
        2 * 2 * 3 / 6 + 0.25)
    assert FD_HVP_ERROR.failed_assumptions({"third_derivative_bounded": False})
    from theory.bounds.bilevel import DARTS_SECOND_ORDER_ERROR

    at = {"normB": 2.0, "normGwf": 3.0, "mu": 0.1, "L": 1.0}
    assert DARTS_FIRST_ORDER_ERROR.evaluate(**at) == pytest.approx(60.0)
    assert DARTS_SECOND_ORDER_ERROR.evaluate(**at, xi=0.0) == pytest.approx(60.0)
    best = (1 / 0.1 + 1 / 1.0) / 2  # the minimising xi: value (1/mu - 1/L)/2
    assert DARTS_SECOND_ORDER_ERROR.evaluate(**at, xi=best) == pytest.approx(6 * 4.5)
    assert DARTS_SECOND_ORDER_ERROR.evaluate(**at, xi=11.0) == pytest.approx(60.0)


def test_every_bound_is_checked_or_symbolic_only() -> None:
    from proofs_checks.families.supernet import CHECKS as SUPERNET_CHECKS

    # the supernet's memory count is checked on the real TensorFlow supernet
    checked = {c.bound_id for c in (*CHECKS, *SUPERNET_CHECKS)}
    assert checked | set(SYMBOLIC_ONLY) == {b.id for b in BOUNDS}
    assert not checked & set(SYMBOLIC_ONLY)


# -- symbolic ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def symbolic_results() -> tuple[SymbolicCheck, ...]:
    return symbolic_bilevel.all_symbolic_checks()


def test_symbolic_checks_prove_and_cover_the_derived_bounds(
        symbolic_results: tuple[SymbolicCheck, ...]) -> None:
    for result in symbolic_results:
        assert result.proved, result.detail
        assert "FAILED" not in result.detail
    covered = {bid for r in symbolic_results for bid in r.bound_ids}
    assert {b.id for b in BOUNDS if b.source.derived} <= covered


_Q = q_factor
SABOTAGE: list[tuple[str, Callable[..., SymbolicCheck], dict[str, Any]]] = [
    ("ITD without the 1 + q^K", symbolic_bilevel.check_itd_error,
     {"claimed": norm_B * norm_Q / mu * _Q**K_inner * (D0 + Dt)}),
    ("AID with q^(2K)", symbolic_bilevel.check_aid_neumann_error,
     {"claimed": AID_NEUMANN_ERROR.expression.subs(K_inner, 2 * K_inner)}),
    ("FD with rho/12", symbolic_bilevel.check_fd_hvp_error,
     {"claimed": FD_HVP_ERROR.expression / 2}),
    ("sigma''' bounded by 1/10", symbolic_bilevel.check_sigmoid_third_derivative,
     {"claimed_sup": sp.Rational(1, 10)}),
    ("min grad norm without e^2", symbolic_bilevel.check_hgd_inexact,
     {"claimed": HGD_INEXACT.expression.subs(sp.Symbol("e_max", nonnegative=True), 0)}),
    ("second order costs 4", symbolic_bilevel.check_darts_gradient_evaluations,
     {"claimed": 2 + 2 * second_order}),
    ("first order without 1/mu", symbolic_bilevel.check_darts_first_order_error,
     {"claimed": DARTS_FIRST_ORDER_ERROR.expression * mu}),
    ("second order without the 1/L end", symbolic_bilevel.check_darts_second_order_error,
     {"claimed": norm_B * norm_gwf * sp.Abs(1 / mu - xi)}),
    ("memory without the batch", symbolic_bilevel.check_supernet_memory,
     {"claimed": SUPERNET_MEMORY.expression / sp.Symbol("B", integer=True, positive=True),
      "max_size": 2}),
]


@pytest.mark.parametrize(("label", "check", "kwargs"), SABOTAGE, ids=[s[0] for s in SABOTAGE])
def test_a_wrong_constant_fails(label: str, check: Callable[..., SymbolicCheck],
                                kwargs: dict[str, Any]) -> None:
    assert not check(**kwargs).proved, label


# -- empirical checks, quick profile ----------------------------------------------------------
SETTINGS = [pytest.param(check, s.name, id=f"{check.name}:{s.name}",
                         marks=[pytest.mark.slow] if s.probe else [])
            for check in CHECKS for s in check.settings()]


@pytest.fixture(scope="module")
def context(shared_check_store: RunStore) -> CheckContext:
    return CheckContext(profile="quick", lab=Lab(shared_check_store))


@pytest.mark.parametrize(("check", "setting"), SETTINGS)
def test_check_verdicts(check: Any, setting: str, context: CheckContext) -> None:
    result = check.run(context, setting)
    assert_expected_verdict(check, setting, result, lists_failed=True)
    if setting == "as-stated" and result.tightness is not None \
            and not math.isnan(result.tightness):
        assert result.tightness <= 1 + 1e-6


def test_itd_bound_is_attained_by_the_aligned_instance(context: CheckContext) -> None:
    result = next(c for c in CHECKS if c.name == "bilevel-itd-error").run(context)
    assert result.tightness == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize("name", ["bilevel-darts-first-order-error",
                                  "bilevel-darts-second-order-error"])
def test_darts_order_bounds_are_attained(name: str, context: CheckContext) -> None:
    result = next(c for c in CHECKS if c.name == name).run(context)
    assert result.tightness == pytest.approx(1.0, rel=1e-9)


def test_second_order_error_on_the_aligned_quadratic_is_first_order_times_1_minus_xi_mu(
) -> None:
    """On the aligned quadratic (grad_w f on the mu-eigenvector) the second-order error is
    |1 - xi mu| times the first-order one: exact at xi = 1/mu, worse beyond 2/mu."""
    from solvers.algorithms.bilevel import Counter, darts_hypergradient
    from solvers.problems.bilevel import BilevelQuadratic, BilevelQuadraticConfig

    problem = BilevelQuadratic(BilevelQuadraticConfig(dim_w=3, dim_alpha=1, mu=0.1, L=1.0,
                                                      structure="aligned", lam=0.0))
    alpha = np.array([0.3])
    w_star = problem.inner_solution(alpha)
    exact = problem.hypergradient(alpha)

    def error(xi_value: float) -> float:
        h, _ = darts_hypergradient(problem, alpha, w_star, xi_value, 0.01, Counter(), True)
        return float(np.linalg.norm(h - exact))

    first = error(0.0)
    assert error(5.0) == pytest.approx(0.5 * first, rel=1e-9)
    assert error(10.0) < 1e-9 * first  # xi = 1/mu: exact
    assert error(21.0) > first  # beyond 2/mu on the mu-eigendirection


# -- the twice-differentiable probe (l1-kinked inner loss) ------------------------------------
def test_l1_quadratic_ground_truth_is_optimal_and_matches_finite_differences() -> None:
    from solvers.problems.bilevel import BilevelL1Quadratic, BilevelL1QuadraticConfig

    for seed in range(10):
        problem = BilevelL1Quadratic(BilevelL1QuadraticConfig(dim_w=5, dim_alpha=3, mu=0.3,
                                                              L=4.0, tau=1.0,
                                                              instance_seed=seed))
        alpha = np.random.default_rng(seed).standard_normal(3)
        w = problem.inner_solution(alpha)
        g = problem.A @ w - problem.B @ alpha - problem.c
        on = w != 0
        assert np.allclose(g[on] + problem.tau * np.sign(w[on]), 0.0, atol=1e-9)
        assert np.all(np.abs(g[~on]) <= problem.tau + 1e-9)
        h = 1e-6
        fd = np.array([(problem.value(alpha + h * e) - problem.value(alpha - h * e)) / (2 * h)
                       for e in np.eye(3)])
        np.testing.assert_allclose(problem.hypergradient(alpha), fd, atol=1e-7)
    with pytest.raises(InvalidParameterError, match="tau >= 0"):
        BilevelL1QuadraticConfig(tau=-1.0)


def test_ift_formula_fails_on_a_kinked_inner_loss(context: CheckContext) -> None:
    """The probe's finding: with w*(a) on a kink of tau ||w||_1 the formula with the inner
    Hessian where it exists is wrong (the drawn counterexample shrinks to dim_w = 1, a = 0,
    w* = 0, where the true grad F is lam a and the formula adds -B^T A^{-1} Q w_t)."""
    check = next(c for c in CHECKS if c.name == "bilevel-ift-identity")
    result = check.run(context, "l1-kinked-inner")
    assert result.outcome is Outcome.VIOLATION and not result.assumptions_hold
    assert result.counterexample is not None
    assert result.counterexample["zeros_in_w_star"] >= 1
    assert result.counterexample["residual"] > 1e-3
    assert result.details["failed_assumptions"] == ["twice-differentiable"]


# -- the first-order error's twice-differentiable probe (C^1 kinked inner loss) ---------------
def test_kink_quadratic_is_c1_with_a_hessian_jump_and_a_piecewise_quadratic_f() -> None:
    from solvers.problems.bilevel import (
        KINK_SIDES,
        BilevelKinkQuadratic,
        BilevelKinkQuadraticConfig,
    )

    for seed in range(6):
        problem = BilevelKinkQuadratic(BilevelKinkQuadraticConfig(
            dim_w=4, dim_alpha=2, mu=0.3, L=3.0, kink_weight=5.0, instance_seed=seed))
        rng = np.random.default_rng(seed)
        for _ in range(5):
            alpha = 2.0 * rng.standard_normal(2)
            w = problem.inner_solution(alpha)
            np.testing.assert_allclose(problem.inner_grad_w(w, alpha), 0.0, atol=1e-10)
            side = "active" if problem.kink(w, alpha) > 0 else "inactive"
            np.testing.assert_allclose(w, problem.piece_solution(alpha, side), atol=1e-12)
            h = 1e-6  # off the kink F is differentiable and its gradient is the side's
            fd = np.array([(problem.value(alpha + h * e) - problem.value(alpha - h * e))
                           / (2 * h) for e in np.eye(2)])
            np.testing.assert_allclose(problem.hypergradient(alpha), fd, atol=1e-6)
            np.testing.assert_allclose(problem.piece_hypergradient(alpha, side), fd,
                                       atol=1e-6)
        # C^1 across the kink, Hessians jumping by c v v^T and c e_1 v^T
        w, a = rng.standard_normal(4), np.zeros(2)
        a[0] = float(problem.v @ w)
        for d in (1e-9, -1e-9):
            np.testing.assert_allclose(problem.inner_grad_w(w + d * problem.v, a),
                                       problem.inner_grad_w(w, a), atol=1e-7)
        (h_in, c_in), (h_act, c_act) = (problem.piece_hessians(s) for s in KINK_SIDES)
        np.testing.assert_allclose(h_act - h_in, 5.0 * np.outer(problem.v, problem.v))
        assert c_act[0] @ problem.v == pytest.approx(c_in[0] @ problem.v - 5.0)
        np.testing.assert_array_equal(problem.inner_hessian_ww(w, a), h_in)  # max'(0) = 0
    with pytest.raises(InvalidParameterError, match="kink_weight >= 0"):
        BilevelKinkQuadraticConfig(kink_weight=-1.0)


def test_first_order_bound_at_a_kink_in_closed_form() -> None:
    """dim_w = dim_alpha = 1, A = mu, B = Q = 1, v = 1, lam = 0, w_t = 10: the kink w = a
    passes through a = 0, w* = 0. The two one-sided limits of grad F are -10/mu (inactive)
    and -10 (1 + c)/(mu + c) (active); the bound with the inactive side's ||B|| = 1 is 10/mu:
    exceeded by the active side iff mu > 1; with the active side's ||B|| = 1 + c it holds."""
    from solvers.problems.bilevel import BilevelKinkQuadratic, BilevelKinkQuadraticConfig

    for mu_value, c, exceeded in ((2.0, 10.0, True), (0.5, 10.0, False)):
        problem = BilevelKinkQuadratic(BilevelKinkQuadraticConfig(
            dim_w=1, dim_alpha=1, mu=mu_value, L=mu_value, lam=0.0, structure="aligned",
            kink_weight=c))
        a = np.zeros(1)
        assert problem.kink(problem.inner_solution(a), a) == 0.0
        inactive = problem.piece_hypergradient(a, "inactive")[0]
        active = problem.piece_hypergradient(a, "active")[0]
        assert inactive == pytest.approx(-10 / mu_value)
        assert active == pytest.approx(-10 * (1 + c) / (mu_value + c))
        bound = DARTS_FIRST_ORDER_ERROR.evaluate(normB=1.0, normGwf=10.0, mu=mu_value)
        assert bool(abs(active) > bound) is exceeded
        assert abs(active) <= DARTS_FIRST_ORDER_ERROR.evaluate(normB=1.0 + c, normGwf=10.0,
                                                               mu=mu_value)


def test_first_order_bound_fails_at_a_kink_with_the_hessian_returned_there(
        context: CheckContext) -> None:
    """The probe's finding: at points on the kink the larger one-sided error exceeds the
    bound read with the Hessian returned there (the inactive side's), never the bound with
    the largest side's ||grad^2_aw g||; F's pieces match F on their sides."""
    check = next(c for c in CHECKS if c.name == "bilevel-darts-first-order-error")
    result = check.run(context, "c1-kinked-inner")
    assert result.outcome is Outcome.VIOLATION and result.probe
    counter = result.counterexample
    assert counter is not None
    assert counter["error_active_side"] > counter["bound"] * (1 + 1e-6)
    assert counter["normB_active"] > counter["normB_inactive"]
    assert result.details["failed_assumptions"] == ["twice-differentiable"]
    assert result.details["violations_with_largest_side_normB"] == 0
    assert result.details["pieces_mismatch"] == 0


# -- the second-order error's bilevel-quadratic probe (softplus-coupled inner loss) ------------
def test_second_order_bound_off_quadratics_misses_the_finite_difference_error(
        context: CheckContext) -> None:
    """The probe's finding: on softplus-coupled inner losses, with mu, L and ||grad^2_aw g||
    read at w*, the bound is exceeded by exactly xi times DARTS's finite-difference error
    (zero on quadratics) on instances where it is attained (dim_w = 1); the bound plus that
    term always holds, and so does the bound with constants bounding the whole path."""
    check = next(c for c in CHECKS if c.name == "bilevel-darts-second-order-error")
    result = check.run(context, "softplus-inner")
    assert result.outcome is Outcome.VIOLATION and result.probe
    counter = result.counterexample
    assert counter is not None
    excess = counter["measured"] - counter["bound"]
    assert 0 < excess <= counter["xi_fd_error"] * (1 + 1e-6) + counter["allowance"]
    assert result.details["violations_beyond_xi_fd_error"] == 0
    assert result.details["violations_with_path_constants"] == 0


# -- independent measurement: the counting proxy and the DARTS step's own finite difference --
def test_oracle_counter_counts_passes_not_calls() -> None:
    """grad_w and grad_alpha of one loss at one point are one pass; a repeated partial at the
    same point is another pass; ground truth (hypergradient, exact_cross_hvp) is not counted."""
    from proofs_checks.families.bilevel import OracleCounter

    problem = make_problem("bilevel-quadratic", {"instance_seed": 1})
    assert isinstance(problem, BilevelQuadratic)
    proxy = OracleCounter(problem)
    assert isinstance(proxy, BilevelQuadratic)
    w, a = np.ones(problem.dim_w), np.ones(problem.dim_alpha)
    proxy.inner_grad_w(w, a)
    proxy.inner_grad_alpha(w, a)  # same pass of L_train
    proxy.outer_grad_w(w, a)
    proxy.outer_grad_alpha(w, a)  # same pass of L_val
    proxy.inner_grad_w(w, a)  # a second pass of L_train at the same point
    proxy.inner_grad_alpha(w + 1, a)  # another point: another pass
    proxy.hypergradient(a)
    proxy.exact_cross_hvp(w, a, w)
    assert proxy.close_step() == {"train": 3, "val": 1, "second_order_calls": 0, "passes": 4}
    proxy.inner_hvp(w, a, w)
    assert proxy.close_step()["second_order_calls"] == 1


def test_an_under_reporting_darts_step_is_caught(monkeypatch: pytest.MonkeyPatch,
                                                 context: CheckContext) -> None:
    """A DARTS step that spends one more gradient pass than it counts: the solver's own
    counter still says 5, the proxy sees 6 and the count check fails as stated."""
    import solvers.algorithms.bilevel as algorithms

    shipped = algorithms.darts_hypergradient

    def extra_pass(problem: Any, a: Any, w: Any, *args: Any, **kwargs: Any) -> Any:
        problem.inner_grad_alpha(w + 1.0, a)  # uncounted by the solver's counter
        return shipped(problem, a, w, *args, **kwargs)

    monkeypatch.setattr(algorithms, "darts_hypergradient", extra_pass)
    check = next(c for c in CHECKS if c.name == "bilevel-darts-gradient-evaluations")
    result = check.run(context)
    assert result.outcome is Outcome.VIOLATION
    assert result.counterexample is not None
    assert not result.counterexample["self_report_agrees"]


def test_a_faulty_finite_difference_in_the_darts_step_is_caught(
        monkeypatch: pytest.MonkeyPatch, context: CheckContext) -> None:
    """The FD-HVP check reads the product the DARTS step computed: a step whose central
    difference is centred at the virtual weights w' instead of w fails the check."""
    import proofs_checks.families.bilevel as checks

    shipped = checks.darts_hypergradient

    def off_centre(problem: Any, a: Any, w: Any, xi_value: float, *args: Any) -> Any:
        return shipped(problem, a, w - 0.5 * problem.inner_grad_w(w, a) / problem.L,
                       xi_value, *args)

    monkeypatch.setattr(checks, "darts_hypergradient", off_centre)
    check = next(c for c in CHECKS if c.name == "bilevel-fd-hvp-error")
    assert check.run(context).outcome is Outcome.VIOLATION


def test_ift_identity_holds_at_the_saddle_of_an_indefinite_inner_problem(
        context: CheckContext) -> None:
    """The strong-convexity probe's finding: at the exact stationary point of an indefinite
    inner problem the identity holds (not shown needed); only strong convexity fails."""
    check = next(c for c in CHECKS if c.name == "bilevel-ift-identity")
    result = check.run(context, "indefinite-inner")
    assert result.outcome is Outcome.HOLDS and result.probe
    assert result.details["failed_assumptions"] == ["inner-mu-strongly-convex"]
    assert not result.confounded_by
