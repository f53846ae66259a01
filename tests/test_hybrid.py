"""Tests of the hybrid family (the shipped hybrid optimiser's own theorems): bounds, the
certified smoothness constant, the symbolic proofs, the empirical checks and the command.

Not the nsga2-extra family (NSGA-II with extra candidates, ``tests/test_nsga2_extra.py``).

* the bounds: registered in their family, evaluable, their assumptions decide the
  settings the checks build;
* the certified constant: the theory's expressions, recomputed by the checks, equal
  ``RelaxedScalarisation.lipschitz_bound``, and it bounds the finite-difference Hessian of s
  at random points (a property that fails if a term of the derivation is wrong: dropping
  3 max R_e does fail it on cost-dominated instances);
* pruning: the front-preserving rule keeps every front cell allowed on drawn sequences,
  and the earlier rule (``protect_front=False``) does not on a hand-built instance;
* every symbolic check proves its claim, and a wrong constant (or dropped protection)
  makes it fail at the expected chain;
* every empirical check passes as stated and catches every sabotage (quick profile), and a
  planted bug in the shipped code (a smaller L, pruning without protection) makes the
  as-stated check fail;
* ``nasbound bounds list --family hybrid`` lists the three bounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import solvers.algorithms.hybrid as hybrid_module
from proofs_checks.check import CheckContext, Outcome
from proofs_checks.families import hybrid as family
from proofs_checks.families.hybrid import (
    CHECKS,
    certified_terms,
    front_violations,
    relaxed_instance,
)
from proofs_checks.proofs import symbolic_hybrid as sym
from solvers.algorithms.hybrid import prune_front_preserving
from solvers.algorithms.surrogates import RelaxedScalarisation
from solvers.lab import Lab
from solvers.store import RunStore
from tests.verdicts import assert_expected_verdict
from theory.bounds.hybrid import (
    BOUNDS,
    EDGE_TERM,
    GP_CURVATURE_TERM,
    HYBRID_ARMIJO_STEP,
    HYBRID_DESCENT_LEMMA,
    HYBRID_FRONT_KEPT,
    L_h,
    R_max,
    eta_0,
)
from theory.registry import select_bounds
from theory.symbols import L

IDS = {"hybrid.pruning.front-kept", "hybrid.refine.armijo-step",
       "hybrid.refine.descent-lemma"}


# -- the bounds ---------------------------------------------------------------------------
def test_the_family_holds_the_three_bounds() -> None:
    assert {b.id for b in select_bounds(family="hybrid")} == IDS == {b.id for b in BOUNDS}
    assert all(b.source.derived for b in BOUNDS)
    assert HYBRID_ARMIJO_STEP.source.rests_on == (HYBRID_DESCENT_LEMMA.id,)
    assert HYBRID_FRONT_KEPT.evaluate() == 0.0 == HYBRID_DESCENT_LEMMA.evaluate()
    # min(eta_0, 1/(2L)): each branch
    assert HYBRID_ARMIJO_STEP.evaluate(eta_0=1.0, L=4.0) == pytest.approx(0.125)
    assert HYBRID_ARMIJO_STEP.evaluate(eta_0=0.1, L=4.0) == pytest.approx(0.1)


def test_assumptions_decide_the_check_settings() -> None:
    bound = HYBRID_ARMIJO_STEP
    stated = {"L": 3.0, "L_cert": 3.0, "c": 0.5, "beta": 0.5,
              "se_gp_softmax_scalarisation": True}
    assert bound.failed_assumptions(stated) == []
    # the certified bound computed twice in floating point: equal up to the tolerance
    assert bound.failed_assumptions({**stated, "L": 3.0 * (1 - 1e-14)}) == []
    names = [a.name for a in bound.failed_assumptions({**stated, "L": 3.0 / 64})]
    assert names == ["L-certified"]
    names = [a.name for a in bound.failed_assumptions({**stated, "c": 0.9999})]
    assert names == ["c=beta=1/2"]
    kept = HYBRID_FRONT_KEPT.failed_assumptions({"front_protected": True,
                                                 "pruned_never_queried": False})
    assert [a.name for a in kept] == ["pruned-never-queried"]


# -- the certified smoothness constant ----------------------------------------------------
@st.composite
def instances(draw: st.DrawFn) -> dict[str, Any]:
    n_ops = draw(st.integers(2, 5))
    return {"source": "synthetic", "n_edges": draw(st.integers(2, 5)), "n_ops": n_ops,
            "targets": draw(st.sampled_from(("gaussian", "structured"))),
            "cells": draw(st.integers(3, 30)), "seed": draw(st.integers(0, 2**16)),
            "weights": (draw(st.floats(0.001, 1.0)), draw(st.floats(0.0, 1.0)),
                        draw(st.floats(0.0, 1.0))),
            "pruned_per_edge": draw(st.integers(0, n_ops - 2)),
            "confidence": draw(st.sampled_from((0.0, 1.0, 3.0))),
            "step_size": 1.0, "steps": 1}


def _hessian_norms(objective: RelaxedScalarisation, shape: tuple[int, int],
                   rng: np.random.Generator) -> float:
    """The largest finite-difference Hessian norm at random logits of four scales."""
    return max(family._hessian_norm(objective, rng.standard_normal(shape) * scale)
               for scale in (0.0, 1.0, 3.0, rng.uniform(0, 5)))


@settings(max_examples=25, deadline=None)
@given(instances())
def test_certified_terms_are_the_shipped_bound(instance: dict[str, Any]) -> None:
    objective, _ = relaxed_instance(instance)
    gp_term, edge = certified_terms(objective)
    assert gp_term / 4 + 3 * edge == pytest.approx(objective.lipschitz_bound(), rel=1e-12)


@settings(max_examples=25, deadline=None)
@given(instances())
def test_certified_constant_bounds_the_hessian(instance: dict[str, Any]) -> None:
    objective, alpha0 = relaxed_instance(instance)
    rng = np.random.default_rng(instance["seed"])
    assert _hessian_norms(objective, alpha0.shape, rng) <= objective.lipschitz_bound() * (
        1 + 1e-6)


def test_the_edge_term_is_needed_for_the_hessian_bound() -> None:
    """With little weight on the GP the curvature comes from the costs' softmax term:
    L_h/4 alone is below the sampled Hessian norm on some of these instances (so the
    property above can fail), while the whole L_cert is not."""
    rng = np.random.default_rng(3)
    below = 0
    for seed in range(40):
        instance = {"source": "synthetic", "n_edges": 3, "n_ops": 4, "targets": "gaussian",
                    "cells": 20, "seed": seed, "weights": (0.01, 0.5, 0.5),
                    "pruned_per_edge": 0, "confidence": 0.0, "step_size": 1.0, "steps": 1}
        objective, alpha0 = relaxed_instance(instance)
        gp_term, _ = certified_terms(objective)
        norm = _hessian_norms(objective, alpha0.shape, rng)
        assert norm <= objective.lipschitz_bound()
        below += norm > gp_term / 4
    assert below >= 10


# -- pruning ------------------------------------------------------------------------------
def test_front_violations_brute_force_with_ties() -> None:
    cells = [(0, 0), (1, 0), (0, 1), (1, 1)]
    values = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # a tie on the front
    assert front_violations(cells, values, set()) == []
    assert front_violations(cells, values, {(1, 1)}) == [2]  # (1, 1) is dominated
    assert front_violations(cells, values, {(0, 0)}) == [0, 2]  # both tied cells


def test_unprotected_rule_prunes_a_front_operation_the_protected_one_keeps() -> None:
    """One edge: operation 1's cells (0, 2) and (2, 0) give ideal (0, 0), which dominates
    operation 0's ideal (1, 1) although its cell (1, 1) is on the front."""
    cells = [(0, 0), (1, 0), (1, 1)]
    values = np.array([[1.0, 1.0], [0.0, 2.0], [2.0, 0.0]])
    allowed = np.ones((2, 3), dtype=bool)
    assert prune_front_preserving(cells, values, allowed.copy(), 1) == []
    removed = prune_front_preserving(cells, values, allowed.copy(), 1, protect_front=False)
    assert (0, 0) in removed
    assert front_violations(cells, values, set(removed)) == [0]


@settings(max_examples=60, deadline=None)
@given(family._prune_sequence())
def test_protected_pruning_keeps_the_front_on_drawn_sequences(instance: dict[str, Any]
                                                              ) -> None:
    worst, where, _ = family._simulate_pruning(instance, protect=True, repair=True)
    assert worst == 0, where


# -- symbolic proofs ----------------------------------------------------------------------
@pytest.mark.parametrize("check", sym.CHECKS, ids=lambda c: c.__name__)
def test_every_symbolic_check_proves(check: Callable[[], Any]) -> None:
    result = check()
    assert result.proved, result.detail
    assert set(result.bound_ids) <= IDS and result.chains
    assert "FAILED" not in result.detail


WRONG: list[tuple[str, Callable[[], Any], str]] = [
    ("armijo 1/L", lambda: sym.check_armijo_step(claimed=sp.Min(eta_0, 1 / L)),
     "case backtracked: the last rejected step eta_r"),
    ("armijo beta 1/4", lambda: sym.check_armijo_step(beta_value=sp.Rational(1, 4)),
     "case backtracked: the last rejected step eta_r"),
    ("armijo c 3/4", lambda: sym.check_armijo_step(c_value=sp.Rational(3, 4)),
     "case backtracked: the last rejected step eta_r"),
    ("rbf curvature 1/2", lambda: sym.check_rbf_curvature(claimed=sp.Rational(1, 2)),
     "exp(-rho/2) |rho - 1| on 0 <= rho <= 1"),
    ("rbf gradient 1/e", lambda: sym.check_rbf_gradient(claimed=1 / sp.E),
     "d exp(-d^2/(2 l^2)), d >= 0"),
    ("softmax block 2", lambda: sym.check_softmax_hessian(claimed_factor=sp.Integer(2)),
     "|diag(v) - v p^T - p v^T|"),
    ("softmax jacobian 1/4",
     lambda: sym.check_softmax_hessian(claimed_jacobian=sp.Rational(1, 4)),
     "u^T (diag(p) - p p^T) u for a unit vector u"),
    ("L_cert without the edge factor", lambda: sym.check_smoothness_assembly(
        claimed=L_h / 4 + 2 * R_max), "|Hess s|"),
    ("L_cert weaker (L_h/2)", lambda: sym.check_smoothness_assembly(
        claimed=L_h / 2 + 3 * R_max), "|Hess s|"),
    ("edge term 1/e", lambda: sym.check_smoothness_assembly(
        claimed_edge=EDGE_TERM.subs(sp.sqrt(sp.E), sp.E)), "M_e = max_j |g_j - <g, p>| on edge e"),
    ("GP term 2x", lambda: sym.check_smoothness_assembly(
        claimed_hessian=2 * GP_CURVATURE_TERM), "|Hess h| in p"),
    ("front kept -1", lambda: sym.check_front_kept(claimed=sp.Integer(-1)),
     "front cells using a pruned operation at time t"),
]


@pytest.mark.parametrize(("label", "check", "chain"), WRONG, ids=[w[0] for w in WRONG])
def test_a_wrong_constant_fails_at_its_chain(label: str, check: Callable[[], Any],
                                             chain: str) -> None:
    result = check()
    assert not result.proved, label
    assert chain in {name for name, _ in result.failed_steps}


def test_front_kept_model_check_needs_the_protection() -> None:
    states, found = sym.front_kept_model_check()
    assert found is None and states > 1000
    _, counter = sym.front_kept_model_check(protect=False)
    assert counter is not None
    assert not sym.check_front_kept(protect=False).proved


# -- empirical checks ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def context(shared_check_store: RunStore) -> CheckContext:
    return CheckContext(profile="quick", lab=Lab(shared_check_store))


SETTINGS = [pytest.param(check, setting.name, id=f"{check.name}:{setting.name}")
            for check in CHECKS for setting in check.settings()]


@pytest.mark.parametrize(("check", "setting"), SETTINGS)
def test_check_verdict_in_every_setting(check: Any, setting: str,
                                        context: CheckContext) -> None:
    result = check.run(context, setting)
    assert_expected_verdict(check, setting, result, lists_failed=True)


def test_front_kept_evidence_is_not_vacuous(context: CheckContext) -> None:
    """Protection mattered in the runs (the unprotected rule would have removed a front
    cell's operation), the logged prunes are the rule's, and real runs already break
    without it."""
    stated = CHECKS[0].run(context, "as-stated")
    assert stated.details["protection_needed"] >= 1
    assert all(r["prunes_replayed_exactly"] == len(r["prune_times"])
               for r in stated.details["runs"])
    broken = CHECKS[0].run(context, "unprotected-front")
    assert broken.details["runs_violating"] >= 1
    assert broken.counterexample is not None
    assert broken.counterexample["source"].startswith("Hypothesis")


def test_descent_lemma_reports_the_looseness(context: CheckContext) -> None:
    result = CHECKS[2].run(context, "as-stated")
    details = result.details
    assert result.tightness is not None and 0 < result.tightness < 1
    assert details["smallest_violating_k"] is not None
    assert details["smallest_violating_k"] <= family.DESCENT_K
    assert details["instances_violating_without_gp_term"] == 0


def test_a_smaller_shipped_L_fails_the_as_stated_descent_check(
        context: CheckContext, monkeypatch: pytest.MonkeyPatch) -> None:
    original = RelaxedScalarisation.lipschitz_bound

    def too_small(self: RelaxedScalarisation) -> float:
        return original(self) / 256.0

    monkeypatch.setattr(RelaxedScalarisation, "lipschitz_bound", too_small)
    result = CHECKS[2].run(context, "as-stated")
    assert result.outcome is Outcome.VIOLATION and not result.ok
    assert result.details["failed_assumptions"] == ["L-certified"]


def test_pruning_without_protection_fails_the_as_stated_front_check(
        context: CheckContext, monkeypatch: pytest.MonkeyPatch) -> None:
    def unprotected(*args: Any, **kwargs: Any) -> list[tuple[int, int]]:
        return prune_front_preserving(*args, **{**kwargs, "protect_front": False})

    monkeypatch.setattr(hybrid_module, "prune_front_preserving", unprotected)
    monkeypatch.setattr(family, "prune_front_preserving", unprotected)
    result = CHECKS[0].run(context, "as-stated")
    assert result.outcome is Outcome.VIOLATION and not result.ok


# -- the command --------------------------------------------------------------------------
def test_bounds_list_shows_the_family(capsys: pytest.CaptureFixture[str]) -> None:
    from paper.cli import main

    assert main(["bounds", "list", "--family", "hybrid"]) == 0
    out = capsys.readouterr().out
    for bound_id in IDS:
        assert bound_id in out
