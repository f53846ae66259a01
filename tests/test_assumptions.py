"""The dropped-assumption table: statuses, domain-of-definition probes, and the new
instance families that break the gradient bounds' assumptions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from proofs_checks.assumptions import (
    CONFOUNDED,
    DOMAIN_PROBES,
    NEEDED,
    NEEDED_DEFINED,
    NOT_SHOWN,
    NOT_TESTED,
    DomainPoint,
    DomainProbe,
    dropped_assumption_table,
    evaluate_domain_probe,
)
from proofs_checks.check import CheckResult, Outcome, Verdict
from solvers.problems.smooth import Misdescribed, Quadratic, QuadraticConfig
from theory.errors import InvalidParameterError
from theory.registry import all_bounds


def _result(bound_id: str, assumption: str, outcome: Outcome,
            counterexample: dict[str, float] | None = None,
            also_failed: tuple[str, ...] = ()) -> CheckResult:
    return CheckResult(bound_id=bound_id, check="c", setting="s",
                       setting_kind="assumption-dropped", assumptions_hold=False, method="m",
                       instances=3, runs=3, violations=int(outcome is Outcome.VIOLATION),
                       outcome=outcome, counterexample=counterexample, probe=True,
                       dropped_assumption=assumption,
                       details={"failed_assumptions": [assumption, *also_failed]})


def _finding(findings, bound_id: str, assumption: str):
    return next(f for f in findings if f.bound_id == bound_id and f.assumption == assumption)


def test_one_finding_per_bound_and_assumption() -> None:
    findings = dropped_assumption_table([])
    expected = [(b.id, a.name) for b in all_bounds() for a in b.assumptions]
    assert [(f.bound_id, f.assumption) for f in findings] == expected
    assert {f.status for f in findings} <= {NEEDED_DEFINED, NOT_TESTED}


def test_status_follows_the_evidence() -> None:
    bound = "gd.nonconvex.min-grad-norm"
    needed = dropped_assumption_table([_result(bound, "step-1/L", Outcome.VIOLATION,
                                               {"N": 3, "L": 1.5})])
    assert _finding(needed, bound, "step-1/L").status == NEEDED
    assert "N=3" in _finding(needed, bound, "step-1/L").evidence
    shown = dropped_assumption_table([_result(bound, "step-1/L", Outcome.HOLDS)])
    assert _finding(shown, bound, "step-1/L").status == NOT_SHOWN


def test_a_setting_that_breaks_two_assumptions_credits_neither() -> None:
    bound = "gd.nonconvex.min-grad-norm"
    both = _result(bound, "step-1/L", Outcome.VIOLATION, {"N": 3}, also_failed=("L-smooth",))
    assert both.verdict is Verdict.CONFOUNDED and both.confounded_by == ["L-smooth"]
    finding = _finding(dropped_assumption_table([both]), bound, "step-1/L")
    assert finding.status == CONFOUNDED and "also breaks L-smooth" in finding.evidence
    # a clean setting beside the confounded one credits the assumption
    clean = _result(bound, "step-1/L", Outcome.VIOLATION, {"N": 4})
    assert _finding(dropped_assumption_table([both, clean]), bound,
                    "step-1/L").status == NEEDED
    # a condition outside the predicates, named by the check, confounds as well
    named = _result(bound, "step-1/L", Outcome.VIOLATION, {"N": 3})
    named.details["also_broken"] = ["f* finite"]
    assert named.verdict is Verdict.CONFOUNDED
    assert _finding(dropped_assumption_table([named]), bound,
                    "step-1/L").status == CONFOUNDED


def test_domain_conditions_are_decided_by_evaluating_the_bound() -> None:
    findings = dropped_assumption_table([])
    n0 = _finding(findings, "sgd.nonconvex.ghadimi-lan-cor2.2", "N>=1")
    assert n0.status == NEEDED_DEFINED and "ZeroDivisionError" in n0.evidence
    step = _finding(findings, "sgd.nonconvex.ghadimi-lan-thm2.1", "steps<2/L")
    assert step.status == NEEDED_DEFINED and "defined, value -" in step.evidence
    # sigma = 0 leaves the corollary defined: the status then comes from the runs
    sigma = _finding(findings, "sgd.nonconvex.ghadimi-lan-cor2.2", "sigma>0")
    assert sigma.status == NOT_TESTED and "sigma = 0: defined" in sigma.evidence
    with_run = dropped_assumption_table(
        [_result("sgd.nonconvex.ghadimi-lan-cor2.2", "sigma>0", Outcome.HOLDS)])
    assert _finding(with_run, "sgd.nonconvex.ghadimi-lan-cor2.2", "sigma>0").status == NOT_SHOWN


def test_every_domain_probe_names_a_real_assumption_and_violates_it() -> None:
    for probe in DOMAIN_PROBES:
        outcome = evaluate_domain_probe(probe)
        assert len(outcome.points) == len(probe.points)
    with pytest.raises(InvalidParameterError, match="violates"):
        evaluate_domain_probe(DomainProbe(
            "sgd.nonconvex.ghadimi-lan-cor2.2", "N>=1",
            (DomainPoint("N = 5 (holds)", {"L": 1.0, "Delta": 1.0, "sigma": 1.0, "N": 5.0,
                                           "Dtilde": 1.0}),)))
    with pytest.raises(InvalidParameterError, match="assumption of"):
        evaluate_domain_probe(DomainProbe("sgd.nonconvex.ghadimi-lan-cor2.2", "no-such", ()))


def test_an_undefined_point_can_fail_in_the_definitions() -> None:
    """Hyperband's s_max = floor(log_eta R) does not exist at R = 0."""
    probe = next(p for p in DOMAIN_PROBES if p.bound_id == "progressive.hyperband.rung-sizes")
    outcome = evaluate_domain_probe(probe)
    assert outcome.undefined
    assert not outcome.points[0].defined and outcome.points[1].defined  # R = 1/2 gives 0


def test_misdescribed_problem_changes_only_what_it_says() -> None:
    base = Quadratic(QuadraticConfig(dim=4, L=2.0, mu=0.1, sigma=0.0))
    x = np.arange(4.0)
    understated = Misdescribed(base, l_factor=0.25)
    assert understated.L == 0.5 and understated.value(x) == base.value(x)
    assert understated.constants()["L_smooth"] is False
    assert understated.constants()["unbiased_oracle"] is True
    biased = Misdescribed(base, bias=3.0)
    g = biased.stochastic_gradient(x, np.random.default_rng(0))
    assert math.isclose(float(np.linalg.norm(g - base.gradient(x))), 3.0)
    assert biased.constants()["unbiased_oracle"] is False
    with pytest.raises(InvalidParameterError, match="l_factor > 0"):
        Misdescribed(base, l_factor=0.0)


def test_boundary_values_built_in_floating_point_satisfy_non_strict_rules() -> None:
    """h = 2/(mu+L) computed in floats lands an ulp above the boundary for ~5% of (L, mu);
    the one stated tolerance (theory.bound.ASSUMPTION_RTOL) admits it, a real excess not."""
    from theory.registry import get_bound

    step_rule = next(a for a in get_bound("gd.strongly-convex.distance").assumptions
                     if a.name == "step<=2/(mu+L)")
    rng = np.random.default_rng(0)
    above = 0
    for _ in range(400):
        big_l, mu = float(rng.uniform(0.1, 10)), float(rng.uniform(0.001, 1))
        h = 1.0 * 2 * big_l / (mu + big_l) / big_l
        above += h * (mu + big_l) > 2
        names = {"h": h, "mu": mu, "L": big_l}
        assert step_rule.holds({k: v for k, v in names.items() if k in step_rule.symbol_names})
        too_big = {"h": h * (1 + 1e-9), "mu": mu, "L": big_l}
        assert not step_rule.holds({k: v for k, v in too_big.items()
                                    if k in step_rule.symbol_names})
    assert above > 0  # the float boundary really is crossed in this sample


def test_strict_rules_stay_exact_at_their_boundary() -> None:
    from theory.registry import get_bound

    steps = next(a for a in get_bound("sgd.nonconvex.ghadimi-lan-thm2.1").assumptions
                 if a.name == "steps<2/L")
    assert not steps.holds({"L": 3.0, "gamma_max": 2.0 / 3.0})  # 3 * (2/3) == 2.0 in floats
    assert steps.holds({"L": 3.0, "gamma_max": 2.0 / 3.0 * (1 - 1e-15)})
