"""Tests of ``proofs_checks.proofs.symbolic``: every check proves its claim, names real bounds and
can fail.

* one test per check (parametrised over ``CHECKS``): it proves, by a declared method, and
  names catalogue bounds;
* every check of every family declares its kind ("proof" or "consistency check", also at the
  head of its detail); every proof is a chain of >= 2 steps, each verified on its own, none
  relating an expression to itself;
* a sabotaged step (wrong constant, flipped inequality, unmet side condition, false
  monotonicity) is reported as failing at that step;
* the paper's generation constant 2e^2/(e-1) < 8.61 is certified by interval evaluation
  (and 8.6 is refused), and paper/main.tex states the certified constant;
* every bound whose constant is derived here (``source.derived``) is covered by a check;
* sabotage, one per family: a wrong constant passed to the check makes it fail;
* the sign certificate behind the "sympy" inequalities is sound (property test against
  evaluation at random points), and the Hypothesis fallback proves a true claim sympy
  cannot certify;
* the problems and the sorting code implement what the checks prove (Huber worst case,
  Deb's comparison count).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from proofs_checks.proofs import symbolic
from proofs_checks.proofs.symbolic import (
    CHECKS,
    CONSISTENCY,
    HYPOTHESIS,
    KINDS,
    PAPER_GENERATION_CONSTANT,
    PROOF,
    SYMPY,
    Chain,
    Link,
    ProofStep,
    SideCondition,
    SymbolicCheck,
    all_symbolic_checks,
    check_chain,
    check_step,
)
from solvers.algorithms.sorting import deb_fast_non_dominated_sort
from solvers.problems.smooth import DroriTeboulleHuber, HuberConfig
from theory.bounds.complexity import FAST_NDS_COMPARISONS
from theory.bounds.evolutionary import ONEMINMAX_FAIR_UNIFORM
from theory.bounds.gradient import (
    GD_CONVEX_DRORI_TEBOULLE,
    GD_NONCONVEX,
    GD_STRONGLY_CONVEX,
    SGD_COROLLARY,
    SGD_THEOREM,
)
from theory.errors import InvalidParameterError
from theory.registry import all_bounds
from theory.symbols import (
    S1,
    S2,
    H_n,
    L,
    N_iter,
    N_points,
    R,
    f0_gap,
    h,
    h_norm,
    k,
    mu,
    n,
    p_sel,
    q_mut,
    sigma,
)

#: the whole module must stay quick enough to run in every test session
ALL_CHECKS_SECONDS = 20.0
#: relative tolerance of the floating-point replay of the Huber worst case (N float steps)
HUBER_RTOL = 1e-12

BOUND_IDS = frozenset(b.id for b in all_bounds())
#: the paper whose generation constant the symbolic check certifies
MAIN_TEX = Path(__file__).resolve().parents[1] / "paper" / "main.tex"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_proves_its_claim(check: Callable[[], SymbolicCheck]) -> None:
    result = check()
    assert result.proved, result.detail
    assert result.method in (SYMPY, HYPOTHESIS)
    if result.method == HYPOTHESIS:
        assert "box" in result.detail, "a Hypothesis check names its parameter box"
    assert result.statement
    assert result.bound_ids, f"{result.name} names no bound"
    assert set(result.bound_ids) <= BOUND_IDS, set(result.bound_ids) - BOUND_IDS
    assert "FAILED" not in result.detail
    assert result.kind in KINDS
    assert result.detail.startswith(f"[{result.kind}]")


@pytest.fixture(scope="module")
def timed_results() -> tuple[tuple[SymbolicCheck, ...], float]:
    start = time.perf_counter()
    results = all_symbolic_checks()
    return results, time.perf_counter() - start


def test_all_symbolic_checks_is_quick_and_names_are_unique(
        timed_results: tuple[tuple[SymbolicCheck, ...], float]) -> None:
    results, elapsed = timed_results
    assert elapsed < ALL_CHECKS_SECONDS, f"{elapsed:.1f} s"
    assert len(results) == len(CHECKS)
    names = [r.name for r in results]
    assert len(set(names)) == len(names)
    assert all(isinstance(r, SymbolicCheck) for r in results)


@pytest.fixture(scope="module")
def every_result() -> tuple[SymbolicCheck, ...]:
    from proofs_checks.proofs.symbolic_all import all_symbolic_checks as every_family

    return every_family()


def test_every_derived_bound_is_covered(every_result: tuple[SymbolicCheck, ...]) -> None:
    derived = {b.id for b in all_bounds() if b.source.derived}
    assert derived, "the catalogue derives at least one constant"
    results = every_result
    for bound_id in sorted(derived):
        covering = [r for r in results if bound_id in r.bound_ids]
        assert covering, f"{bound_id} is derived here but no symbolic check covers it"
        assert all(r.proved for r in covering)


def test_every_result_declares_its_kind(every_result: tuple[SymbolicCheck, ...]) -> None:
    kinds = {r.kind for r in every_result}
    assert kinds <= set(KINDS) and PROOF in kinds and CONSISTENCY in kinds
    for result in every_result:
        assert result.detail.startswith(f"[{result.kind}] "), result.name
        if result.kind == CONSISTENCY:
            assert not result.chains or all(c.ok for c in result.chains)


def test_every_proof_is_a_chain_of_verified_steps(
        every_result: tuple[SymbolicCheck, ...]) -> None:
    proofs = [r for r in every_result if r.kind == PROOF]
    assert proofs
    for result in proofs:
        assert result.proved, result.detail
        assert result.chains, f"{result.name} is labelled a proof but has no chain"
        for chain in result.chains:
            assert len(chain.steps) >= 2, f"{result.name}: {chain.chain.label}"
            assert chain.ok and chain.failed_at is None
            assert all(step.ok for step in chain.steps)
            for before, after in zip(chain.chain.steps, chain.chain.steps[1:], strict=False):
                assert before.rhs == after.lhs  # one chain, expr_0 rel ... rel expr_k


def test_no_step_relates_an_expression_to_itself(
        every_result: tuple[SymbolicCheck, ...]) -> None:
    for result in every_result:
        for chain in result.chains:
            for step in chain.chain.steps:
                assert step.lhs != step.rhs, f"{result.name}: {step.text()}"
        assert "compared with itself" not in result.detail


def test_a_tautological_step_is_refused() -> None:
    x = sp.Symbol("x", positive=True)
    assert not check_step(ProofStep(2 * x, "==", 2 * x, "x is x")).ok
    p = symbolic._Proof("tautology", ("gd.nonconvex.min-grad-norm",), "2 * 2 = 4",
                        kind=CONSISTENCY)
    p.equal("2 * 2 = 4", sp.Integer(2) * 2, sp.Integer(4))  # sympy makes both sides 4
    result = p.done()
    assert not result.proved and "compared with itself" in result.detail


def test_a_proof_without_a_chain_is_not_proved() -> None:
    p = symbolic._Proof("no chain", ("gd.nonconvex.min-grad-norm",), "prose only")
    p.note("the key inequality, in prose")
    assert not p.done().proved


# -- a sabotaged step is reported at that step ------------------------------------------------
def test_wrong_constant_fails_at_the_last_step() -> None:
    result = symbolic.check_cauchy_curvature_bound(claimed_bound=sp.Integer(1))
    assert not result.proved
    assert {label: at for label, at in result.failed_steps} == {
        "phi'' <= bound": 3, "-phi'' <= bound": 3}


def test_weaker_constant_fails_the_sharpness_of_the_chain() -> None:
    result = symbolic.check_min_grad_norm_constant(claimed=3 * L * f0_gap / (N_iter + 1))
    (chain,) = result.chains
    assert all(step.ok for step in chain.steps)  # a weaker bound is still implied...
    assert chain.sharp_ok is False and chain.failed_at == len(chain.steps) + 1  # ...not sharp


def test_flipped_inequality_fails_at_that_step() -> None:
    honest = symbolic.check_drori_teboulle_below_nesterov().chains[0].chain
    assert check_chain(honest).ok
    flipped = Chain(honest.label, tuple(
        ProofStep(s.lhs, ">=", s.rhs, s.reason, s.side_conditions, s.domain)
        for s in honest.steps))
    assert check_chain(flipped).failed_at == 1
    with pytest.raises(InvalidParameterError, match="one direction"):
        Chain("mixed", (honest.steps[0],
                        ProofStep(honest.steps[1].lhs, ">=", honest.steps[1].rhs, "flipped")))


def test_wrong_middle_constant_fails_at_that_step() -> None:
    x = sp.Symbol("x", positive=True)
    chain = Chain.of("x <= x + 2 <= 2 x + 2", x, Link("<=", x + 2, "2 > 0"),
                     Link("<=", 3 * x / 2 + 2, "wrong: should be 2 x + 2"),
                     Link("<=", 2 * x + 2, "x/2 >= 0"))
    assert check_chain(chain).failed_at is None  # 3x/2 + 2 is fine: x >= 0
    broken = Chain.of("x <= x + 2 <= ...", x, Link("<=", x + 2, "2 > 0"),
                      Link("<=", x / 2 + 2, "wrong constant 1/2"),
                      Link("<=", 2 * x + 2, "x/2 >= 0"))
    result = check_chain(broken)
    assert result.failed_at == 2
    assert [s.ok for s in result.steps] == [True, False, True]


def test_side_conditions_are_certified() -> None:
    a, b, c = sp.symbols("a b c", real=True)
    slack = sp.Symbol("s", nonnegative=True)
    positive = sp.Symbol("a", positive=True)
    good = ProofStep(positive * b, "<=", positive * c, "b <= c and a >= 0",
                     (SideCondition("a >= 0", positive, "nonnegative"),), {b: c - slack})
    assert check_step(good).ok
    bad = ProofStep(a * b, "<=", a * c, "b <= c and a >= 0",
                    (SideCondition("a >= 0", a, "nonnegative"),), {b: c - slack})
    result = check_step(bad)
    assert not result.ok and "side condition" in result.evidence


def test_monotone_step_refuses_a_false_bound() -> None:
    u = sp.Symbol("u", nonnegative=True)
    v = sp.Symbol("v", positive=True)
    into_unit = {u: v / (1 + v)}
    true_step = ProofStep(sp.log(1 - u), "<=", -u - u**2 / 2, "mean value theorem",
                          domain=into_unit, monotone_in=(u, sp.Integer(0)))
    false_step = ProofStep(sp.log(1 - u), "<=", -u - u**2, "too strong",
                           domain=into_unit, monotone_in=(u, sp.Integer(0)))
    assert check_step(true_step).ok
    assert not check_step(false_step).ok


# -- the paper's generation constant ----------------------------------------------------------
def test_generation_constant_is_certified_by_interval_evaluation() -> None:
    result = symbolic.check_oneminmax_generation_constant()
    assert result.proved and result.kind == PROOF, result.detail
    assert sp.Rational(861, 100) == PAPER_GENERATION_CONSTANT
    excess = PAPER_GENERATION_CONSTANT - 2 * sp.E**2 / (sp.E - 1)
    assert symbolic._number_sign(excess) == (1, True)
    assert symbolic._number_sign(sp.Rational(86, 10) - 2 * sp.E**2 / (sp.E - 1)) == (-1, True)
    false = symbolic.check_oneminmax_generation_constant(constant=sp.Rational(86, 10))
    assert not false.proved
    assert false.failed_steps == (("generations for every admitted combination", 4),)


def test_paper_states_the_certified_constant() -> None:
    text = MAIN_TEX.read_text(encoding="utf-8")
    shown = f"{float(PAPER_GENERATION_CONSTANT):g}"
    assert rf"\frac{{2e^2}}{{e-1}}\,nH_n<{shown}\,nH_n" in text
    assert rf"N(1+{shown}\,nH_n)" in text
    assert r"<8.6\," not in text and r"1+8.6\," not in text


# -- sabotage: a wrong constant must fail -------------------------------------------------
SABOTAGE: list[tuple[str, Callable[..., SymbolicCheck], dict[str, Any]]] = [
    ("gradient: min-grad-norm 3 L Delta/(N+1)", symbolic.check_min_grad_norm_constant,
     {"claimed": 3 * L * f0_gap / (N_iter + 1)}),
    ("gradient: Theorem 2.1 without the factor 2", symbolic.check_ghadimi_lan_theorem_scaling,
     {"claimed": (f0_gap + L * sigma**2 * S2) / (2 * S1 - L * S2)}),
    ("gradient: Corollary 2.2 with L Delta/N", symbolic.check_ghadimi_lan_corollary_unit_step,
     {"claimed": SGD_COROLLARY.expression - L * f0_gap / N_iter}),
    ("gradient: Corollary 2.2 halved", symbolic.check_ghadimi_lan_corollary_dtilde_step,
     {"claimed": SGD_COROLLARY.expression / 2}),
    ("gradient: strongly convex rate 1 - 4 h mu L/(mu+L)",
     symbolic.check_strongly_convex_step_range,
     {"claimed": (1 - 4 * h * mu * L / (mu + L)) ** k * R**2}),
    ("gradient: strongly convex rate 1 - h mu L/(mu+L)",
     symbolic.check_strongly_convex_tightness,
     {"claimed": (1 - h * mu * L / (mu + L)) ** k * R**2}),
    ("gradient: Drori-Teboulle L R^2/(4Nh+1)", symbolic.check_huber_worst_case,
     {"claimed": L * R**2 / (4 * N_iter * h + 1)}),
    ("problems: Cauchy curvature bound 1", symbolic.check_cauchy_curvature_bound,
     {"claimed_bound": sp.Integer(1)}),
    ("nsga2: runtime n H_n/(p_sel q_mut)", symbolic.check_oneminmax_runtime_constant,
     {"claimed": n * H_n / (p_sel * q_mut)}),
    ("complexity: N^2 comparisons", symbolic.check_deb_pair_count,
     {"claimed": N_points**2}),
    ("nsga2: generations 8.6 n H_n", symbolic.check_oneminmax_generation_constant,
     {"constant": sp.Rational(86, 10)}),
]


@pytest.mark.parametrize(("label", "check", "kwargs"), SABOTAGE, ids=[s[0] for s in SABOTAGE])
def test_sabotaged_constant_fails(label: str, check: Callable[..., SymbolicCheck],
                                  kwargs: dict[str, Any]) -> None:
    result = check(**kwargs)
    assert not result.proved, f"{label}: {result.detail}"
    assert "FAILED" in result.detail
    assert result.failed_steps, f"{label}: the failure is located at a chain step"


def test_sabotaged_corollary_reports_a_counterexample() -> None:
    result = symbolic.check_ghadimi_lan_corollary_unit_step(
        claimed=SGD_COROLLARY.expression - L * f0_gap / N_iter)
    assert result.method == HYPOTHESIS
    assert "counterexample" in result.detail


def test_default_arguments_are_the_catalogue_expressions() -> None:
    assert symbolic.check_min_grad_norm_constant.__defaults__ == (GD_NONCONVEX.expression,)
    assert symbolic.check_ghadimi_lan_theorem_scaling.__defaults__ == (SGD_THEOREM.expression,)
    assert symbolic.check_ghadimi_lan_corollary_unit_step.__defaults__ == (
        SGD_COROLLARY.expression, SGD_THEOREM.expression)
    assert symbolic.check_strongly_convex_step_range.__defaults__ == (
        GD_STRONGLY_CONVEX.expression,)
    assert symbolic.check_huber_worst_case.__defaults__ == (
        GD_CONVEX_DRORI_TEBOULLE.expression,)
    assert symbolic.check_oneminmax_generation_constant.__defaults__ == (
        ONEMINMAX_FAIR_UNIFORM.expression, PAPER_GENERATION_CONSTANT)


# -- the machinery: certificate soundness and the Hypothesis fallback ------------------------
_X = sp.Symbol("x", positive=True)
_Y = sp.Symbol("y", nonnegative=True)
_T = sp.Symbol("t", real=True)
_MONOMIALS = (sp.Integer(1), _X, _Y, _X * _Y, _X**2, _Y**2, _T, _T**2, _X * _T, _T**4)


@given(coefficients=st.lists(st.integers(-3, 3), min_size=len(_MONOMIALS),
                             max_size=len(_MONOMIALS)),
       point=st.tuples(st.floats(1e-3, 1e3), st.floats(0.0, 1e3), st.floats(-1e3, 1e3)))
def test_sign_certificate_is_sound(coefficients: list[int],
                                   point: tuple[float, float, float]) -> None:
    poly = sum(c * m for c, m in zip(coefficients, _MONOMIALS, strict=True))
    sign = symbolic._sign(sp.sympify(poly))
    if sign is None:
        return
    value = sp.sympify(poly).subs({_X: sp.Rational(point[0]), _Y: sp.Rational(point[1]),
                                   _T: sp.Rational(point[2])})
    direction, strict = sign
    if direction == 0:
        assert value == 0
    elif strict:
        assert value * direction > 0
    else:
        assert value * direction >= 0


def test_sign_certificate_refuses_indefinite_and_accepts_squares() -> None:
    assert symbolic._sign(_T**2 - 2 * _T + 1) == (1, False)  # (t - 1)^2 after factoring
    assert symbolic._sign(_X - _Y) is None
    assert symbolic._sign(_T) is None  # a real variable has no sign
    assert symbolic._sign(-(_X**2) - 1) == (-1, True)


def test_fallback_proves_a_true_claim_sympy_cannot_certify(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(symbolic, "FALLBACK_EXAMPLES", 25)  # the path, not the evidence
    weaker = SGD_COROLLARY.expression + (sigma - 1) ** 2  # true, but not monomial-positive
    result = symbolic.check_ghadimi_lan_corollary_unit_step(claimed=weaker)
    assert result.proved, result.detail
    assert result.method == HYPOTHESIS
    assert "L in [0.001, 1000]" in result.detail and "N in [1, 1000000]" in result.detail


# -- the implementations do what the checks prove ---------------------------------------------
@pytest.mark.parametrize(("lipschitz", "horizon", "radius", "dim"),
                         [(1.0, 1, 1.0, 1), (2.5, 7, 3.0, 2), (0.3, 40, 0.5, 3)])
def test_huber_implementation_attains_the_checked_value(lipschitz: float, horizon: int,
                                                        radius: float, dim: int) -> None:
    problem = DroriTeboulleHuber(HuberConfig(dim=dim, L=lipschitz, horizon=horizon,
                                             x0_radius=radius))
    x = problem.initial_point(np.random.default_rng(0))
    for _ in range(horizon):
        x = x - problem.gradient(x) / lipschitz
    expected = float(GD_CONVEX_DRORI_TEBOULLE.expression.subs(
        {L: lipschitz, R: radius, N_iter: horizon, h_norm: 1}))
    assert problem.value(x) == pytest.approx(expected, rel=HUBER_RTOL)
    tau = radius / (2 * horizon + 1)
    for r in (0.5 * tau, tau, 2 * tau):
        point = np.zeros(dim)
        point[0] = r
        symbolic_value = (lipschitz * tau * r - lipschitz * tau**2 / 2 if r >= tau
                          else lipschitz * r**2 / 2)
        assert problem.value(point) == pytest.approx(symbolic_value, rel=HUBER_RTOL)


@pytest.mark.parametrize("size", range(1, 9))
def test_deb_sort_makes_the_checked_number_of_comparisons(size: int) -> None:
    objectives = np.random.default_rng(size).integers(0, 4, size=(size, 2))
    result = deb_fast_non_dominated_sort(objectives)
    assert sp.Integer(result.pair_comparisons) == FAST_NDS_COMPARISONS.expression.subs(
        N_points, size)
